"""tracker: Vietnamese People's Committee action plans as tracked, per-agency deadlines."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from . import config
from .extensions import db, migrate
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

    from . import models  # noqa: F401  (register the mapped classes)

    db.init_app(app)
    mailer.init_app(app)
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
