"""Job entry points: thin wrappers that scheduled runs and `flask jobs run` both call.

Each job is importable by reference (``tracker.jobs:run_reminders``) as APScheduler needs,
and does its real work idempotently, so overlapping runs cannot send twice.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

from flask import current_app

from .. import clock
from ..extensions import db
from ..mail.outbox import send_due
from ..mail.planner import JOB_TRACKS, plan_digest, plan_messages

JOBS = (*JOB_TRACKS, "digest", "send")


@contextmanager
def _at(moment: datetime | None):
    """Run as if at ``moment`` (operators replaying a day; tests walking the clock)."""
    if moment is None:
        yield
        return
    previous = current_app.config.get("TRACKER_NOW")
    current_app.config["TRACKER_NOW"] = moment
    try:
        yield
    finally:
        current_app.config["TRACKER_NOW"] = previous


def run(name: str, at: datetime | None = None):
    """Run one job now (or as if at ``at``) and return its report."""
    if name not in JOBS:
        raise ValueError(f"unknown job {name!r} (known: {', '.join(JOBS)})")
    with _at(at):
        if name == "send":
            return send_due(db.session)
        try:
            if name == "digest":
                report = plan_digest(db.session, clock.today())
            else:
                report = plan_messages(db.session, clock.today(), JOB_TRACKS[name])
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        return report
