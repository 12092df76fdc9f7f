"""Stale feeds rebuilt in the background of the web process that noticed them.

A poll that finds its feed stale is answered with the stored body at once and asks for a
rebuild here; one daemon thread per process works through the asked-for feeds, one at a
time, so a morning of status reports never queues requests behind rebuilds. The
scheduler's ``feeds`` job rebuilds whatever is still stale every minute, so a feed is
fresh within a minute even when nobody polls it and no web process is up. Processes
never build the same feed twice at once: each rebuild is claimed in the database first
(tracker.feeds.store).

``TRACKER_FEED_REFRESH = "manual"`` (the tests) keeps the asked-for keys until
``drain()`` rebuilds them in the caller's thread.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from flask import Flask, current_app

from .. import clock
from ..extensions import db
from ..feeds import store
from ..feeds.events import FeedContext

log = logging.getLogger("tracker.feeds")
EXTENSION = "tracker.feed_refresh"


class FeedRefresher:
    def __init__(self, app: Flask):
        self.app = app
        self.background = app.config.get("TRACKER_FEED_REFRESH", "background") == "background"
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    def request(self, key: str) -> None:
        with self._lock:
            self._pending.add(key)
            if self.background:
                self._start()
        self._wake.set()

    def _start(self) -> None:
        # A thread does not survive a fork (gunicorn's workers): start one per process.
        if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._loop, daemon=True, name="tracker-feed-refresh")
            self._thread.start()

    def _take(self) -> list[str]:
        with self._lock:
            keys, self._pending = sorted(self._pending), set()
            self._wake.clear()
            return keys

    def _loop(self) -> None:
        while True:
            self._wake.wait()
            try:
                self.drain()
            except Exception:       # the next poll asks again; the minute job is the net
                log.exception("feed refresh failed")
                self._wake.clear()
                time.sleep(5)

    def drain(self) -> int:
        """Rebuild what was asked for, here and now; returns how many were rebuilt."""
        done = 0
        with self.app.app_context():
            for key in self._take():
                ctx = FeedContext.from_config(current_app.config, clock.today())
                try:
                    done += store.rebuild(db.session(), key, ctx, clock.now())
                finally:
                    db.session.remove()
        return done

    @property
    def pending(self) -> list[str]:
        with self._lock:
            return sorted(self._pending)


def refresher(app: Flask) -> FeedRefresher:
    """The process's refresher (``current_app`` will do: the real application is kept)."""
    app = app._get_current_object() if hasattr(app, "_get_current_object") else app
    if EXTENSION not in app.extensions:
        app.extensions[EXTENSION] = FeedRefresher(app)
    return app.extensions[EXTENSION]


__all__ = ["FeedRefresher", "refresher"]
