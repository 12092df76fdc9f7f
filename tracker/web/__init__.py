"""Web blueprints: thin views over the domain modules."""

from flask import Flask, render_template


def register_blueprints(app: Flask) -> None:
    from .. import api
    from . import (
        admin,
        assignments,
        auth,
        dashboard,
        feeds,
        formatting,
        home,
        imports,
        mywork,
        navigation,
        plans,
        tokens,
    )
    formatting.install(app)
    navigation.install(app)
    for module in (auth, home, plans, assignments, mywork, imports, dashboard, admin, feeds, tokens):
        app.register_blueprint(module.bp)
    api.install(app)                # /api/: JSON, bearer tokens, no CSRF

    @app.errorhandler(400)
    def bad_request(error):
        if api.is_api_request():
            return api.http_error(400, getattr(error, "description", None))
        # Flask-WTF's CSRFError is a 400 too: its page says to reload and try again.
        return render_template("error.html", code=400, reason=getattr(error, "description", "")), 400

    @app.errorhandler(403)
    @app.errorhandler(404)
    @app.errorhandler(410)
    @app.errorhandler(413)
    def error_page(error):
        if api.is_api_request():
            return api.http_error(error.code)
        return render_template("error.html", code=error.code), error.code

    @app.errorhandler(405)
    @app.errorhandler(500)
    def api_errors(error):
        # The pages keep Flask's own answers; the API answers in JSON as always.
        return api.http_error(error.code) if api.is_api_request() else error
