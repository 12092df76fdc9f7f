"""Web blueprints."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from .plans import bp as plans_bp
    app.register_blueprint(plans_bp)
