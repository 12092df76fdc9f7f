"""Fixtures: an app on a fresh database, SQLite always and PostgreSQL when configured.

PostgreSQL tests run whenever TRACKER_TEST_DATABASE_URL points at a database they may
wipe (``.ci/run`` provides one); otherwise they are skipped. Both build the schema with
the Alembic migrations, so the migrations are what is tested.
"""

from __future__ import annotations

import os
import secrets
import socket
import tempfile
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from flask_migrate import upgrade

from tracker import create_app
from tracker.extensions import db

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seed_plans"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PG_URL = os.environ.get("TRACKER_TEST_DATABASE_URL")

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def _reset_postgresql(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


# Feed bodies sent as files: one directory per test run, outside the repository.
FEED_FILES = tempfile.mkdtemp(prefix="tracker-test-feed-files-")

# A real random key each run: production refuses a missing or weak one, and so do tests.
SECRET_KEY = secrets.token_urlsafe(32)


class BufferedClient(FlaskClient):
    """Reads each response whole and closes it, as a WSGI server does (a feed is sent from
    an open file, which the server closes after sending)."""

    def open(self, *args, buffered: bool = True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


def make_app(url: str, **settings):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY,
                      "TRACKER_SEED_DIR": str(SEEDS),
                      # Stale feeds wait for drain() (or the feeds job): tests see both versions.
                      "TRACKER_FEED_REFRESH": "manual", "TRACKER_FEED_CACHE_DIR": FEED_FILES, **settings})
    app.test_client_class = BufferedClient
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    if not PG_URL:
        pytest.skip("PostgreSQL not configured (set TRACKER_TEST_DATABASE_URL)")
    _reset_postgresql(PG_URL)
    return PG_URL


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def session(app):
    return db.session


@pytest.fixture
def directory(session):
    """Both sample directories loaded."""
    from tracker.directory.loader import import_directory, read_directory_file
    for path in sorted(SEEDS.glob("directory-*.yaml")):
        import_directory(session, read_directory_file(path))
    session.commit()
    return session


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Catcher:
    """An SMTP server's handler that keeps every message it accepts."""

    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on loopback (aiosmtpd), with the app pointed at it."""
    catcher = Catcher()
    controller = Controller(catcher, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_SUPPRESS_SEND=False,
                      TRACKER_BASE_URL="https://tracker.example.gov.vn")
    mail = app.extensions["mail"]
    mail.server, mail.port, mail.suppress = "127.0.0.1", controller.port, False
    yield catcher, controller
    controller.stop()


# ---- the web app: seeded plans, people in each role, signing in ----

SOC_TRANG = "soc-trang-2017-kiem-soat-tthc.txt"
STP_OFFICER = "tthc.stp@soctrang.example"        # focal officer of Sở Tư pháp tỉnh Sóc Trăng
PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def seeded(directory):
    """Both sample directories and the Sóc Trăng plan imported."""
    from flask import current_app

    from tracker.config import reporting_calendar
    from tracker.directory.store import load_index
    from tracker.plans.importer import import_plan
    from tracker.reading.plan import read_plan
    path = SEEDS / SOC_TRANG
    reading = read_plan(path.read_bytes(), path.name, calendar=reporting_calendar(current_app.config))
    import_plan(directory, reading, load_index(directory))
    directory.commit()
    return directory


@pytest.fixture
def people(directory):
    """One account per role; the author and leader work for UBND tỉnh Sóc Trăng."""
    from tracker.accounts.manage import create_account, find_committee
    committee = find_committee(directory, "UBND tỉnh Sóc Trăng")
    made = {
        "admin": create_account(directory, "admin@tracker.example", "Quản trị", "admin", None, PASSWORD),
        "author": create_account(directory, "soanthao@soctrang.example", "Chuyên viên VP", "author",
                                 committee, PASSWORD),
        "leader": create_account(directory, "lanhdao@soctrang.example", "Phó Chủ tịch", "leader",
                                 committee, PASSWORD),
        "officer": create_account(directory, STP_OFFICER, "Kim Minh Thành", "officer", None, PASSWORD),
    }
    directory.commit()
    return made


def sign_in(client, email: str, path: str = "/"):
    """Sign a test client in through an e-mailed link (no form, so no CSRF token needed)."""
    token = issue_link(email, path)
    return client.get(f"/login/link/{token}")


def issue_link(email: str, path: str = "/") -> str:
    """A sign-in link's token, as the sender mints one for a message."""
    from flask import current_app

    from tracker.accounts.links import issue
    token = issue(db.session, email, path, current_app.config)
    db.session.commit()
    return token


def csrf_of(page) -> str:
    """The CSRF token of a rendered form."""
    import re
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.text).group(1)
