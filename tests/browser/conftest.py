"""Browser tests: the app served on loopback, driven in Debian's headless Chromium.

pytest-playwright cannot be pointed at a system browser from the command line, so the
launch arguments are overridden here (docs/engineering.md §Chromium and Playwright: never
`playwright install`).
Without a Chromium on the machine the tests are skipped, unless TRACKER_REQUIRE_BROWSER=1
(``.ci/run`` sets it after installing Debian's chromium), in which case they fail.
"""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from ..conftest import holds, load_directories, make_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM or os.environ.get("TRACKER_REQUIRE_BROWSER") == "1":
        return
    skip = pytest.mark.skip(reason="Chromium not installed (apt-get install --no-install-recommends chromium)")
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


@pytest.fixture
def web_app(request, tmp_path, sqlite_templates):
    """A fresh SQLite database (the embedded default) and the app, with its context pushed.
    The database is a copy of a migrated template; with the sample directories already in
    it when the test uses ``web_directory`` (as ``database_url`` does for ``directory``)."""
    contents = "directory" if "web_directory" in request.fixturenames else "schema"
    # A real server: stale feeds are rebuilt by its background thread, as in production.
    app = make_app(sqlite_templates.copy(contents, tmp_path / "browser.sqlite3"), TRACKER_FEED_REFRESH="background")
    app.config["TRACKER_BASE_URL"] = "http://127.0.0.1"      # replaced by live_url below
    with app.app_context():
        yield app
        from tracker.extensions import db
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def web_directory(web_app):
    """Both sample directories loaded."""
    from tracker.extensions import db
    if not holds(web_app.config["SQLALCHEMY_DATABASE_URI"], "directory"):
        load_directories(db.session)


@pytest.fixture
def live_url(web_app):
    """The app served by werkzeug in a thread, as a browser sees it."""
    server = make_server("127.0.0.1", 0, web_app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    web_app.config["TRACKER_BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()
    thread.join(5)
