"""Web blueprints: thin views over the domain modules."""

from flask import Flask, render_template


def register_blueprints(app: Flask) -> None:
    from . import admin, assignments, auth, dashboard, feeds, formatting, home, imports, mywork, navigation, plans
    formatting.install(app)
    navigation.install(app)
    for module in (auth, home, plans, assignments, mywork, imports, dashboard, admin, feeds):
        app.register_blueprint(module.bp)

    @app.errorhandler(400)
    def bad_request(error):
        # Flask-WTF's CSRFError is a 400 too: its page says to reload and try again.
        return render_template("error.html", code=400, reason=getattr(error, "description", "")), 400

    @app.errorhandler(403)
    @app.errorhandler(404)
    @app.errorhandler(410)
    @app.errorhandler(413)
    def error_page(error):
        return render_template("error.html", code=error.code), error.code
