"""Fixtures: an app on a fresh database, SQLite always and PostgreSQL when configured.

PostgreSQL tests run whenever TRACKER_TEST_DATABASE_URL points at a database they may
wipe (``.ci/run`` provides one); otherwise they are skipped. Both build the schema with
the Alembic migrations, so the migrations are what is tested (once per run, into
templates each test gets a copy of: see ``database_url``).
"""

from __future__ import annotations

import os
import secrets
import shutil
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


# Every test gets a database of its own at the head revision. The migrations build it once
# per run, into a template that each test gets a copy of: a SQLite file copied, on
# PostgreSQL ``CREATE DATABASE <name> TEMPLATE <name>_tmpl`` (a sibling database, dropped at
# the end of the run). A test that uses the ``directory`` fixture gets a copy of a second
# template, the first with both sample directories imported by the fixture's own code; one
# that uses ``seeded`` a copy of a third, the second with the Sóc Trăng plan imported as
# the fixture does. A copy is its template byte for byte, made in a fraction of the time
# (its real-time stamps, such as a plan's created_at, are those of the template's making,
# earlier in the run).


def load_directories(session) -> None:
    """Both sample directories, as the ``directory`` fixture loads them."""
    from tracker.directory.loader import import_directory, read_directory_file
    for path in sorted(SEEDS.glob("directory-*.yaml")):
        import_directory(session, read_directory_file(path))
    session.commit()


def import_soc_trang(session) -> None:
    """The Sóc Trăng plan, as the ``seeded`` fixture imports it (in an app context)."""
    from flask import current_app

    from tracker.config import reporting_calendar
    from tracker.directory.store import load_index
    from tracker.plans.importer import import_plan
    from tracker.reading.plan import read_plan
    path = SEEDS / SOC_TRANG
    reading = read_plan(path.read_bytes(), path.name, calendar=reporting_calendar(current_app.config))
    import_plan(session, reading, load_index(session))
    session.commit()


#: Each template: the one it is a copy of, and what is then written into it.
TEMPLATES = {"schema": (None, None), "directory": ("schema", load_directories),
             "seeded": ("directory", import_soc_trang)}
#: What a copy of each template already holds, of what the fixtures would write.
HOLDS = {"schema": set(), "directory": {"directory"}, "seeded": {"directory", "seeded"}}

#: URL → the template the fixture copied it from; ``make_app`` does not upgrade these (a
#: no-op that would still cost Alembic's start-up).
_PREFILLED: dict[str, str] = {}


def holds(url: str, contents: str) -> bool:
    """Whether the database at ``url`` was copied from a template holding ``contents``."""
    return url in _PREFILLED and contents in HOLDS[_PREFILLED[url]]


def _fill(url: str, contents: str) -> None:
    """Make a template at ``url``, a copy of its base template if it has one (else
    ``make_app`` migrates): write what it adds."""
    add = TEMPLATES[contents][1]
    app = make_app(url)
    with app.app_context():
        if add is not None:
            add(db.session)
        db.session.remove()
        db.engine.dispose()


class SQLiteTemplates:
    def __init__(self, folder: Path):
        self.folder = folder
        self.files: dict[str, Path] = {}

    def _template(self, contents: str) -> Path:
        if contents not in self.files:
            path = self.folder / f"{contents}.sqlite3"
            base = TEMPLATES[contents][0]
            url = f"sqlite:///{path}" if base is None else self.copy(base, path)
            try:
                _fill(url, contents)
            finally:
                _PREFILLED.pop(url, None)
            # WAL mode: closing the last connection checkpoints; nothing may be left aside.
            assert not path.with_name(path.name + "-wal").exists()
            self.files[contents] = path
        return self.files[contents]

    def copy(self, contents: str, path: Path) -> str:
        """A copy of the template at ``path``, as a database URL."""
        shutil.copyfile(self._template(contents), path)
        url = f"sqlite:///{path}"
        _PREFILLED[url] = contents
        return url


class PostgresTemplates:
    """Template databases beside the configured one; the configured database itself is
    dropped and created again from one for each test (``WITH (FORCE)``: a connection a
    test left open must not hold up the next test)."""

    def __init__(self, url: str):
        self.url = sa.engine.make_url(url)
        self.admin = sa.create_engine(self.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        self.built: list[str] = []

    def _execute(self, *statements: str) -> None:
        with self.admin.connect() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)

    def _create(self, name: str, template: str | None = None) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                      f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))

    def _url(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def _name(self, contents: str) -> str:
        return f"{self.url.database}_tmpl" + ("" if contents == "schema" else f"_{contents}")

    def may_create_databases(self) -> bool:
        try:
            self._create(self._name("schema"))
        except sa.exc.DBAPIError:
            return False
        self._execute(f'DROP DATABASE "{self._name("schema")}"')
        return True

    def _template(self, contents: str) -> str:
        name = self._name(contents)
        if name not in self.built:
            base = TEMPLATES[contents][0]
            self._create(name, None if base is None else self._template(base))
            url = self._url(name)
            if base is not None:
                _PREFILLED[url] = base
            try:
                _fill(url, contents)
            except BaseException:
                self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                raise
            finally:
                _PREFILLED.pop(url, None)
            self.built.append(name)
        return name

    def copy(self, contents: str) -> str:
        """The configured database, made again as a copy of the template."""
        self._create(self.url.database, self._template(contents))
        _PREFILLED[PG_URL] = contents
        return PG_URL

    def drop(self) -> None:
        _PREFILLED.pop(PG_URL, None)
        for name in reversed(self.built):
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory) -> SQLiteTemplates:
    return SQLiteTemplates(tmp_path_factory.mktemp("templates"))


@pytest.fixture(scope="session")
def postgres_templates():
    """None when the role may not create databases: then each test empties the configured
    database and migrates it, as the only database it may use."""
    templates = PostgresTemplates(PG_URL)
    if not templates.may_create_databases():
        templates.drop()
        yield None
        return
    yield templates
    templates.drop()


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
    if url not in _PREFILLED:
        with app.app_context():
            upgrade()
    return app


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    """A fresh database at the head revision; with what the ``directory`` or ``seeded``
    fixture writes already in it when the test uses one (which then has nothing to do)."""
    contents = ("seeded" if "_seeded_from_template" in request.fixturenames else
                "directory" if "directory" in request.fixturenames else "schema")
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_templates").copy(contents, tmp_path / "tracker.sqlite3")
    if not PG_URL:
        pytest.skip("PostgreSQL not configured (set TRACKER_TEST_DATABASE_URL)")
    templates = request.getfixturevalue("postgres_templates")
    if templates is not None:
        return templates.copy(contents)
    _PREFILLED.pop(PG_URL, None)
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
def directory(session, database_url):
    """Both sample directories loaded (copied in with the database: see ``database_url``)."""
    if not holds(database_url, "directory"):
        load_directories(session)
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


@pytest.fixture(scope="session", autouse=True)
def _one_hash_of_the_test_password():
    """The accounts the fixtures make all have ``PASSWORD``: hash it (scrypt, ~0.1 s) once
    per run, not once per account. Each account still stores a real scrypt hash and
    signing in still checks it; they share a salt, nothing else. Any other password is
    hashed afresh."""
    from tracker.models import account
    real = account.generate_password_hash
    known: dict[str, str] = {}

    def generate_password_hash(password: str, *args, **kwargs) -> str:
        if password != PASSWORD or args or kwargs:
            return real(password, *args, **kwargs)
        if PASSWORD not in known:
            known[PASSWORD] = real(PASSWORD)
        return known[PASSWORD]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(account, "generate_password_hash", generate_password_hash)
        yield


@pytest.fixture
def _seeded_from_template():
    """Tells ``database_url`` that this file's ``seeded`` is in use (a test module may have
    its own)."""


@pytest.fixture
def seeded(directory, database_url, _seeded_from_template):
    """Both sample directories and the Sóc Trăng plan imported (copied in with the
    database: see ``database_url``)."""
    if not holds(database_url, "seeded"):
        import_soc_trang(directory)
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
