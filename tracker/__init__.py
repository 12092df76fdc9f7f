"""tracker: Vietnamese People's Committee action plans as tracked, per-agency deadlines."""

from __future__ import annotations

import sys
from datetime import UTC
from pathlib import Path

from flask import Flask

from . import config
from .extensions import babel, csrf, db, login_manager, migrate
from .extensions import mail as mailer  # not "mail": the tracker.mail package would shadow it

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    """Application factory: settings from the environment, then ``overrides`` (tests)."""
    app = Flask(__name__, instance_path=str(ROOT / "instance"),
                template_folder=str(ROOT / "templates"))
    app.config.from_mapping(config.load(app.instance_path))
    if overrides:
        app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["SECRET_KEY"] and _development_server():
        app.config["SECRET_KEY"] = config.development_key(app.instance_path)
    config.check_secret_key(app.config["SECRET_KEY"])   # ConfigError: production refuses to start
    config.check(app.config)
    _demo_date(app)

    from . import models  # noqa: F401  (register the mapped classes)
    from .feeds import changes
    changes.listen()        # writes mark the stored feeds they change
    from .reminders import invalidation
    invalidation.listen()   # writes send the assignments they change back to the reminder planner

    db.init_app(app)
    mailer.init_app(app)
    _init_web(app)
    # Batch mode: SQLite cannot ALTER most things, so later migrations rebuild tables there.
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
                     compare_type=True)

    from .web import register_blueprints
    register_blueprints(app)

    from .cli import register_commands
    register_commands(app)

    from . import logs
    logs.install()
    return app


def _demo_date(app: Flask) -> None:
    """``TRACKER_DEMO_TODAY`` (``make run DEMO_TODAY=…``): the development server's clock runs
    from that day. Refused anywhere else: a shifted clock would send real reminders on the
    wrong days."""
    value = app.config.get("TRACKER_DEMO_TODAY")
    if not value:
        return
    from datetime import date, datetime
    from zoneinfo import ZoneInfo
    try:
        day = date.fromisoformat(str(value).strip())
    except ValueError:
        raise config.ConfigError(f"TRACKER_DEMO_TODAY=“{value}” phải là một ngày dạng 2017-06-15.",
                                 f"TRACKER_DEMO_TODAY=“{value}” must be a date such as 2017-06-15.") from None
    if not (_development_server() or app.testing):
        raise config.ConfigError("TRACKER_DEMO_TODAY chỉ dùng cho máy chủ phát triển (make run / flask dev).",
                                 "TRACKER_DEMO_TODAY is for the development server only (make run / flask dev).")
    today = datetime.now(ZoneInfo(app.config["TRACKER_TIMEZONE"])).date()
    app.config["TRACKER_CLOCK_SHIFT"] = datetime.combine(day, datetime.min.time(), UTC) \
        - datetime.combine(today, datetime.min.time(), UTC)


def _development_server() -> bool:
    """``flask dev`` (what ``make run`` starts): the one command that may make its own key.

    The app is built before click picks the command, so the command line is all there is
    to tell; every other way of starting (gunicorn, other commands) needs a configured key.
    """
    program = Path(sys.argv[0]).name if sys.argv else ""
    words = [a for a in sys.argv[1:] if not a.startswith("-")]
    return program in ("flask", "__main__.py") and "dev" in words


def _init_web(app: Flask) -> None:
    """Sign-in, CSRF on every form, and the interface language (Vietnamese first)."""
    from flask import session
    from flask_login import current_user

    from .web import headers, input, sessions
    app.config["MAX_CONTENT_LENGTH"] = app.config["TRACKER_MAX_REQUEST_BYTES"]
    if app.config["TRACKER_PROXY_COUNT"]:
        # Behind a reverse proxy: trust exactly that many hops of X-Forwarded-For/-Proto/-Host,
        # so the client address (sign-in limits) and https (cookies, HSTS) are the real ones.
        from werkzeug.middleware.proxy_fix import ProxyFix
        n = app.config["TRACKER_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    input.install(app)
    headers.install(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    from flask_babel import lazy_gettext
    login_manager.login_message = lazy_gettext("Hãy đăng nhập để tiếp tục.")
    login_manager.login_message_category = "info"
    sessions.install(app)

    @app.before_request
    def _forget_cached_user():
        # Flask-Login caches the user on ``g``, which lives as long as the app context; a
        # context held open around several requests (tests, scripts) must not share it.
        from flask import g
        from flask_babel import refresh
        g.pop("_login_user", None)
        g.pop(app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)   # Flask-WTF's token
        refresh()                       # and Flask-Babel's locale

    def locale() -> str:
        if "lang" in session:
            return session["lang"]
        if current_user and current_user.is_authenticated:
            return current_user.language
        # Not the browser's language: many officers' browsers are in English, and the
        # interface is Vietnamese unless someone switches it.
        return app.config["BABEL_DEFAULT_LOCALE"]

    babel.init_app(app, locale_selector=locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    from flask_babel import get_locale
    app.jinja_env.globals["get_locale"] = lambda: str(get_locale() or "vi")
