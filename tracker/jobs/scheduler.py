"""APScheduler wiring: when the jobs run, and which process runs them.

- Planning (reminders, overdue notices, escalations, check-ins) runs every day at the
  policy's local hour (default 07:30, ``TRACKER_TIMEZONE``); the sender and the
  webhooks sender every minute.
- Only one scheduler may lead (APScheduler 3 must not share a job store between
  processes): on PostgreSQL the leader holds ``pg_try_advisory_lock`` on a dedicated
  connection, and standbys retry and take over when it dies (its connection, and so its
  lock, goes with it); on SQLite an exclusive lock on a file under ``instance/`` does the
  same for processes on one machine.
- The leader re-checks its lock every few seconds and before every job (PostgreSQL: the
  lock's connection still answers and still holds it); a leader that lost it (its
  connection was killed, the database restarted) stops scheduling at once and waits to
  lead again, so two schedulers never plan side by side.
- The job store is in memory and jobs are coalesced with a long grace time: after
  downtime, the next run plans once; the ledger of planned steps decides what is owed,
  so nothing is lost and nothing repeats (see ``tracker.reminders.rules``).
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from pathlib import Path
from typing import TextIO

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.pool import NullPool

log = logging.getLogger("tracker.scheduler")
LOCK_KEY = 0x7472616B   # "trak": the advisory lock id all tracker schedulers compete for
RECHECK_SECONDS = 5     # how often a leader makes sure it still leads
_app: Flask | None = None
_leadership: Leadership | None = None


def _leading(job: str) -> bool:
    """A job runs only while this process still leads (checked just before it starts)."""
    if _leadership is None or _leadership.still_leading():
        return True
    log.error("%s not run: this scheduler no longer holds the leadership lock", job)
    return False


def planning() -> None:
    """The daily planning run (importable by reference: ``tracker.jobs.scheduler:planning``)."""
    from . import run
    assert _app is not None
    if not _leading("planning"):
        return
    from . import run_planning
    with _app.app_context():
        try:
            for name, report in run_planning().items():      # one pass over the assignments
                log.info("%s: %s", name, report)
            return
        except Exception:
            log.exception("the planning pass failed: its jobs run one by one")
        for name in ("reminders", "overdue", "escalation", "checkins"):
            try:
                log.info("%s: %s", name, run(name))
            except Exception:     # one failing job must not stop the others
                log.exception("job %s failed", name)


def digest() -> None:
    """The weekly leadership digest (importable by reference)."""
    from . import run
    assert _app is not None
    if not _leading("digest"):
        return
    with _app.app_context():
        log.info("digest: %s", run("digest"))


def send() -> None:
    from . import run
    assert _app is not None
    if not _leading("send"):
        return
    with _app.app_context():
        report = run("send")
        if report.sent or report.failed or report.retried:
            log.info("send: %s", report)


def feeds() -> None:
    """Every minute: rebuild the calendar feeds writes have made stale (importable by reference)."""
    from . import run
    assert _app is not None
    if not _leading("feeds"):
        return
    with _app.app_context():
        report = run("feeds")
        if report.rebuilt or report.dropped:
            log.info("feeds: %s", report)


def webhooks() -> None:
    """Every minute: deliver the webhooks that are due (importable by reference)."""
    from . import run
    assert _app is not None
    if not _leading("webhooks"):
        return
    with _app.app_context():
        report = run("webhooks")
        if report.delivered or report.failed or report.retried:
            log.info("webhooks: %s", report)


class Leadership:
    """Exclusive leadership among scheduler processes sharing one database."""

    def __init__(self, app: Flask):
        self.url = app.config["SQLALCHEMY_DATABASE_URI"]
        self.lock_path = Path(app.instance_path) / "scheduler.lock"
        self._engine: Engine | None = None
        self._connection: Connection | None = None
        self._file: TextIO | None = None

    def try_acquire(self) -> bool:
        if self.url.startswith("postgresql"):
            # No pool: the leader's connection is held for life, a standby's closed at once.
            if self._engine is None:
                self._engine = create_engine(self.url, poolclass=NullPool)
            connection = self._engine.connect()
            won = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}).scalar()
            connection.commit()
            if won:
                self._connection = connection   # held open: the lock lives as long as it
                return True
            connection.close()
            return False
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.lock_path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def still_leading(self) -> bool:
        """Whether the lock is still ours: on PostgreSQL the held connection must answer and
        still hold the advisory lock (a killed connection has lost it); a file lock lasts as
        long as the process."""
        if self._file is not None:
            return True
        if self._connection is None:
            return False
        try:
            held = self._connection.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
                "AND granted AND objid = :k"), {"k": LOCK_KEY}).scalar()
            self._connection.commit()
        except Exception:          # the connection is gone, and the lock with it
            log.exception("the leadership connection failed")
            return False
        return bool(held)

    def release(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        if self._file is not None:
            self._file.close()
            self._file = None


def _configure(scheduler, app: Flask) -> None:
    from ..extensions import db
    from ..reminders.policy import global_policy
    with app.app_context():
        policy = global_policy(db.session())
    tz = app.config["TRACKER_TIMEZONE"]
    scheduler.add_job("tracker.jobs.scheduler:planning", "cron", id="planning",
                      hour=policy.send_at.hour, minute=policy.send_at.minute, timezone=tz,
                      coalesce=True, misfire_grace_time=24 * 3600, max_instances=1, replace_existing=True)
    scheduler.add_job("tracker.jobs.scheduler:digest", "cron", id="digest",
                      day_of_week=policy.digest_weekday, hour=policy.digest_at.hour,
                      minute=policy.digest_at.minute, timezone=tz, coalesce=True,
                      misfire_grace_time=24 * 3600, max_instances=1, replace_existing=True)
    scheduler.add_job("tracker.jobs.scheduler:send", "interval", id="send", seconds=60,
                      coalesce=True, misfire_grace_time=3600, max_instances=1, replace_existing=True)
    scheduler.add_job("tracker.jobs.scheduler:feeds", "interval", id="feeds", seconds=60,
                      coalesce=True, misfire_grace_time=3600, max_instances=1, replace_existing=True)
    scheduler.add_job("tracker.jobs.scheduler:webhooks", "interval", id="webhooks", seconds=60,
                      coalesce=True, misfire_grace_time=3600, max_instances=1, replace_existing=True)


def run_forever(app: Flask, wait_seconds: int = 15, stop: threading.Event | None = None) -> None:
    """`flask scheduler run`: wait to lead, then schedule until stopped; a leader that loses
    its lock stops scheduling and waits to lead again."""
    global _app, _leadership
    _app = app
    stop = stop or threading.Event()
    while not stop.is_set():
        leadership = Leadership(app)
        while not stop.is_set():
            if leadership.try_acquire():
                break
            log.info("another scheduler leads; retrying in %ss", wait_seconds)
            stop.wait(wait_seconds)
        if stop.is_set():
            leadership.release()
            return
        log.info("scheduler %s leads", os.getpid())
        _leadership = leadership
        scheduler = BackgroundScheduler(timezone=app.config["TRACKER_TIMEZONE"])
        _configure(scheduler, app)
        scheduler.start()
        planning()        # catch up at once on start: what was due while nobody ran goes out now
        send()
        webhooks()
        try:
            while not stop.is_set():
                stop.wait(RECHECK_SECONDS)
                if not stop.is_set() and not leadership.still_leading():
                    log.error("scheduler %s lost the leadership lock: it stops scheduling", os.getpid())
                    break
        finally:
            scheduler.shutdown(wait=True)
            leadership.release()
            if _leadership is leadership:
                _leadership = None


def start_in_background(app: Flask) -> threading.Event:
    """For the development server (`make run`): the same loop in a daemon thread."""
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(app,), kwargs={"stop": stop}, daemon=True,
                     name="tracker-scheduler").start()
    return stop


__all__ = ["digest", "feeds", "planning", "run_forever", "send", "start_in_background", "webhooks"]
