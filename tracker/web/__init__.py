"""Web blueprints."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from .feeds import bp as feeds_bp
    from .plans import bp as plans_bp
    app.register_blueprint(plans_bp)
    app.register_blueprint(feeds_bp)
