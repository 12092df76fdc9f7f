"""Web blueprints: thin views over the domain modules."""

from flask import Flask, render_template


def register_blueprints(app: Flask) -> None:
    from . import admin, assignments, auth, dashboard, feeds, home, imports, mywork, plans
    for module in (auth, home, plans, assignments, mywork, imports, dashboard, admin, feeds):
        app.register_blueprint(module.bp)

    @app.errorhandler(403)
    @app.errorhandler(404)
    @app.errorhandler(413)
    def error_page(error):
        return render_template("error.html", code=error.code), error.code
