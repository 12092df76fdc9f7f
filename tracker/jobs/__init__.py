"""Job entry points: thin wrappers that scheduled runs and `flask jobs run` both call.

Each job is importable by reference (``tracker.jobs:run_reminders``) as APScheduler needs,
and does its real work idempotently, so overlapping runs cannot send twice.
"""

from __future__ import annotations

import logging
import time
import traceback
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete
from sqlalchemy.orm import Session

from .. import clock
from ..extensions import db
from ..feeds.events import FeedContext
from ..feeds.store import RefreshReport, refresh_stale, stale_keys
from ..mail import kinds
from ..mail.alerts import alert_if_stalled
from ..mail.outbox import SendReport, send_due
from ..models import JobRun
from ..reminders.planner import JOB_TRACKS, PlanReport, plan_digest, plan_jobs, plan_messages
from ..vocabulary import N_, Vocabulary
from ..webhooks.sender import DeliveryReport, Settings, deliver_due, due_count

log = logging.getLogger("tracker.jobs")

class Job(Vocabulary):
    """The scheduled jobs, by the names operators run them with (``flask jobs run NAME``)."""

    REMINDERS = "reminders", N_("Nhắc trước hạn")
    OVERDUE = "overdue", N_("Nhắc quá hạn")
    ESCALATION = "escalation", N_("Cảnh báo quá hạn")
    CHECKINS = "checkins", N_("Nhắc báo cáo định kỳ")
    DIGEST = "digest", N_("Tổng hợp hằng tuần")
    SEND = "send", N_("Gửi thư")
    FEEDS = "feeds", N_("Dựng lại lịch đăng ký")
    WEBHOOKS = "webhooks", N_("Gửi webhook")


JOBS = Job.codes()
assert set(JOB_TRACKS) <= set(JOBS)      # every planning job is a Job


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
    """Run one job now (or as if at ``at``) and return its report. Every run, failed or
    not, is recorded as a ``JobRun`` for the administrators' page."""
    if name not in JOBS:
        raise ValueError(f"unknown job {name!r} (known: {', '.join(JOBS)})")
    with _at(at):
        started, timer = clock.now(), time.monotonic()
        try:
            report = _run(name)
        except Exception as exc:
            db.session.rollback()
            _record(name, started, timer, FAILED_RUN, _error_text(exc))
            raise
        _record(name, started, timer, OK_RUN, describe(report), describe(report, "en"))
        return report


def run_planning(at: datetime | None = None) -> dict[str, PlanReport]:
    """The daily planning jobs (``JOB_TRACKS``, in their order) in one pass over the
    assignments (``plan_jobs``): the messages of running them one after the other, each
    job recorded as its own run (with the pass's time). One transaction: if the pass
    fails, nothing of it is kept and the error is raised (the scheduler then runs the jobs
    one by one, so one failing job does not stop the others)."""
    names = tuple(JOB_TRACKS)
    with _at(at):
        started, timer = clock.now(), time.monotonic()
        try:
            reports = plan_jobs(db.session(), clock.today(), [JOB_TRACKS[name] for name in names])
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        for name, report in zip(names, reports, strict=True):
            _record(name, started, timer, OK_RUN, describe(report), describe(report, "en"))
        return dict(zip(names, reports, strict=True))


def preview(name: str, at: datetime | None = None) -> PlanReport | RefreshReport:
    """What ``run`` would queue (or, for ``send``, deliver), without writing anything: the
    planner runs in a transaction that is rolled back, and no ``JobRun`` is recorded."""
    if name not in JOBS:
        raise ValueError(f"unknown job {name!r} (known: {', '.join(JOBS)})")
    with _at(at):
        try:
            if name == "send":
                return _due_to_send()
            if name == "webhooks":
                return _due_webhooks()
            if name == "feeds":
                return _stale_feeds()
            if name == "digest":
                return plan_digest(db.session(), clock.today())
            return plan_messages(db.session(), clock.today(), JOB_TRACKS[name])
        finally:
            db.session.rollback()


def _stale_feeds() -> RefreshReport:
    return RefreshReport(rebuilt=len(stale_keys(db.session(), FeedContext.from_config(current_app.config,
                                                                                    clock.today()))))


def _due_to_send() -> PlanReport:
    from sqlalchemy import func, select

    from ..models import QUEUED, OutboxMessage
    report = PlanReport()
    for kind, count in db.session.execute(
            select(OutboxMessage.kind, func.count()).where(OutboxMessage.state == QUEUED,
                                                           OutboxMessage.next_attempt_at <= clock.now())
            .group_by(OutboxMessage.kind)):
        report.kinds[kind] = count
        report.messages += count
    return report


def _due_webhooks() -> PlanReport:
    report = PlanReport()
    report.kinds = due_count(db.session(), clock.now())
    report.messages = sum(report.kinds.values())
    return report


def _run(name: str):
    if name == "webhooks":
        return deliver_due(db.session(), Settings.from_config(current_app.config))
    if name == "send":
        sent = send_due(db.session())
        # Failing for half an hour: the administrators are told (once a day each).
        if alert_if_stalled(db.session(), clock.now()):
            db.session.commit()
        return sent
    if name == "feeds":
        return refresh_stale(db.session(), FeedContext.from_config(current_app.config, clock.today()), clock.now())
    if name == "digest":
        report = plan_digest(db.session(), clock.today())
    else:
        report = plan_messages(db.session(), clock.today(), JOB_TRACKS[name])
    db.session.commit()
    return report


OK_RUN, FAILED_RUN = "ok", "failed"
KEEP_RUNS = timedelta(days=90)   # the sender runs every minute: older runs are pruned


def describe(report, language: str = "vi") -> str:
    """A job's report as one line for the runs page, in Vietnamese or English."""
    en = language == "en"
    if isinstance(report, SendReport):
        text = (f"sent {report.sent}, to retry {report.retried}, failed {report.failed}" if en else
                f"đã gửi {report.sent}, gửi lại sau {report.retried}, lỗi {report.failed}")
        if report.errors:
            text += " — " + "; ".join(report.errors[:3])
        return text
    if isinstance(report, DeliveryReport):
        text = (f"delivered {report.delivered}, to retry {report.retried}, failed {report.failed}" if en else
                f"đã gửi {report.delivered}, gửi lại sau {report.retried}, lỗi {report.failed}")
        if report.errors:
            text += " — " + "; ".join(report.errors[:3])
        return text
    if isinstance(report, RefreshReport):
        return (f"{report.rebuilt} calendar feeds rebuilt, {report.dropped} no longer subscribed" if en else
                f"dựng lại {report.rebuilt} lịch, bỏ {report.dropped} lịch không còn ai đăng ký")
    if isinstance(report, PlanReport):
        text = (f"{report.messages} messages, {report.steps} reminder steps" if en else
                f"{report.messages} thư, {report.steps} bước nhắc")
        if report.without_recipient:
            text += (f", {report.without_recipient} steps without a recipient" if en else
                     f", {report.without_recipient} bước không có người nhận")
        if report.kinds:
            text += " (" + ", ".join(f"{kinds.label(k, language)}: {n}"
                                     for k, n in sorted(report.kinds.items())) + ")"
        return text
    return str(report)


def _error_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()[:4000]


def _record(name: str, started: datetime, timer: float, outcome: str, summary: str,
            summary_en: str | None = None) -> None:
    """Write the run in its own transaction (its own session and connection): a failed
    job's rollback cannot take the record with it, and recording never commits the job's
    session. A failure to record is logged, never raised over the job's own outcome."""
    finished = started + timedelta(seconds=time.monotonic() - timer)
    try:
        with Session(db.engine) as session, session.begin():
            session.add(JobRun(job=name, started_at=started, finished_at=finished, outcome=outcome,
                               summary=summary[:4000], summary_en=summary_en and summary_en[:4000]))
            session.execute(delete(JobRun).where(JobRun.job == name,
                                                 JobRun.started_at < started - KEEP_RUNS))
    except Exception:
        log.exception("could not record the run of job %s", name)
