"""The Alembic migrations build exactly the models' schema, on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tracker.extensions import db


def test_migrations_match_the_models(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_foreign_keys_are_enforced(app):
    """SQLite enforces them only when each connection asks (the app does); PostgreSQL always."""
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from tracker.models import OutboxItem
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        with pytest.raises(IntegrityError):   # an item of a message that does not exist
            conn.execute(insert(OutboxItem.__table__).values(message_id=424242, step_key="before-0"))
        conn.rollback()


def test_upgrading_a_populated_database_keeps_its_data(database_url, tmp_path):
    """Every migration after the first runs against a database holding a real plan."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import func, select

    from tracker.directory.store import load_index
    from tracker.models import Assignment, Occurrence, Task
    from tracker.plans.importer import import_plan
    from tracker.reading.plan import read_plan

    from .conftest import SEEDS, make_app

    app = make_app(database_url)
    with app.app_context():
        counts = lambda: [db.session.scalar(select(func.count()).select_from(m))  # noqa: E731
                          for m in (Task, Assignment, Occurrence)]
        plan = SEEDS / "cam-xuyen-2020-kiem-soat-tthc-mot-cua.txt"
        import_plan(db.session, read_plan(plan.read_bytes(), plan.name), load_index(db.session))
        db.session.commit()
        before = counts()
        db.session.remove()
        downgrade(revision="f5a03c37c9c1")   # back to the first schema, data in place
        upgrade()
        assert counts() == before and before[1] > 0
        db.session.remove()
        db.engine.dispose()
