"""Reminder benchmark: one planning run over 100,000 assignments, and the outbox sender.

Run it with ``python bench/reminders.py`` from the repository root (virtualenv active);
``--help`` lists the options: ``--assignments N`` (default 100,000; the agencies and
tasks scale with it), ``--no-sender`` (planning only), ``--profile`` (also a cProfile of
a planning run, suggested when the first run takes more than 30 s; it is not done by
default, to keep a run within ~5 minutes). SQLite in a temporary file, or the database
``TRACKER_BENCH_DATABASE_URL`` names (e.g. PostgreSQL; it is wiped).

Setup: a temporary SQLite database, migrated (create_app + flask_migrate.upgrade), filled
with SQLAlchemy Core bulk inserts: one provincial People's Committee (ubnd_tinh) with its
office and leader; 2,000 agencies under it (so / phong alternately), each with a head
e-mail and one focal officer (addresses on .example); one active plan issued by the
committee (year = the current year) with 5,000 tasks of 20 assignments each (100,000
assignments, 50 per agency, status not_started). Each task has one Deadline (kind
"date") shared by its assignments; the due dates step evenly through one year, from 61
days before "today" to 304 days after, so on the chosen day about 1 item in 6 is overdue
(each owed an overdue notice and, from 3 / 10 working days on, the escalations: the
ledger is empty) and about 1 in 35 is owed a before-reminder. "Today" is the first Tuesday after the real date
that is a working day (tracker.scheduling.workdays.WorkingCalendar); jobs run as of
07:30 local time that day.

Planning: ``run("reminders")``, ``run("overdue")``, ``run("escalation")``,
``run("checkins")`` (the scheduler's daily order) timed each (time.perf_counter, one run
each; each commits), with the steps planned and messages enqueued; then the same four
again, which must plan nothing new; then the four on the next working day (an ordinary
day's work: what fell due since); then, on the working day after, the scheduler's one
pass for the four (``run_planning``). ``--profile`` repeats the first run under cProfile on
a copy of the database taken before planning (SQLite only).

Sender: an aiosmtpd Controller on a free loopback port with a handler that only counts;
the app is pointed at it as tests/conftest.py does. The outbox is brought to exactly
5,000 queued messages (the escalation_committee messages, which bundle tens of thousands
of items each, are removed first as outliers, then the newest; synthetic copies with
distinct keys are enqueued if planning made fewer) and ``run("send")`` (``send_due``,
TRACKER_MAIL_BATCH 1000) is called until the queue is empty. Then the same 5,000
messages, built beforehand with ``to_message`` from the same rows, go through a bare
``smtplib.SMTP.send_message`` loop over one connection to the same server. Nothing is
asserted about speed.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import platform
import pstats
import secrets
import shutil
import smtplib
import socket
import sqlite3
import sys
import tempfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiosmtpd  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from tests.conftest import _reset_postgresql  # noqa: E402
from tracker import create_app  # noqa: E402
from tracker.addresses import bare_address  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.jobs import run, run_planning  # noqa: E402
from tracker.mail.compose import ComposedMail, to_message  # noqa: E402
from tracker.mail.outbox import enqueue  # noqa: E402
from tracker.models import Agency, Assignment, Deadline, FocalOfficer, OutboxItem, OutboxMessage, Plan, SentStep, Task  # noqa: E402
from tracker.models.mail import QUEUED, SENT  # noqa: E402
from tracker.reading.text import fold  # noqa: E402
from tracker.scheduling.workdays import WorkingCalendar  # noqa: E402

SEEDS = ROOT / "seed_plans"
AGENCIES, TASKS, PER_TASK = 2000, 5000, 20          # 100,000 assignments, 50 per agency (--assignments)
PAST_DAYS, FUTURE_DAYS = 61, 304                     # due dates: a year, two months of it past
MESSAGES, BATCH = 5000, 1000
JOBS = ("reminders", "overdue", "escalation", "checkins")
PROFILE_OVER_SECONDS = 30.0
TIMEZONE = "Asia/Ho_Chi_Minh"
BASE_URL = "https://tracker.example.gov.vn"
CHUNK = 10_000


class Counter:
    """An SMTP handler that accepts and counts, nothing else."""

    def __init__(self):
        self.messages = 0
        self.bytes = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        self.bytes += len(envelope.content)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pick_today() -> date:
    calendar = WorkingCalendar()
    day = date.today() + timedelta(days=1)
    while day.weekday() != 1 or not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def insert(table, rows: list[dict]) -> None:
    for i in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(table), rows[i:i + CHUNK])


def seed(today: date) -> dict:
    """The synthetic directory and plan, by Core bulk inserts; returns counts."""
    now = datetime.now(UTC)
    session = db.session
    first = (session.scalar(sa.select(sa.func.max(Agency.id))) or 0) + 1
    committee_id, office_id = first, first + 1
    committee = "UBND tỉnh Bến Thử"
    agencies = Agency.__table__
    insert(agencies, [dict(id=committee_id, name=committee, name_folded=fold(committee), type="ubnd_tinh",
                           level="province", head_name="Chủ tịch UBND tỉnh", head_email="chutich@ubnd.example",
                           leader_name="Phó Chủ tịch Trần Văn Phụ Trách", leader_title="Phó Chủ tịch",
                           leader_email="pct.phutrach@ubnd.example")])
    office = "Văn phòng UBND tỉnh Bến Thử"
    insert(agencies, [dict(id=office_id, name=office, name_folded=fold(office), type="van_phong",
                           level="province", parent_id=committee_id, head_name="Chánh Văn phòng Lê Thị Văn",
                           head_title="Chánh Văn phòng", head_email="chanhvanphong@ubnd.example")])
    session.execute(sa.update(agencies).where(agencies.c.id == committee_id).values(office_id=office_id))

    agency_ids = list(range(office_id + 1, office_id + 1 + AGENCIES))
    rows, officers = [], []
    for n, agency_id in enumerate(agency_ids, 1):
        kind = "so" if n % 2 else "phong"
        name = f"{'Sở' if kind == 'so' else 'Phòng'} Chuyên môn số {n:04d} tỉnh Bến Thử"
        rows.append(dict(id=agency_id, name=name, name_folded=fold(name), type=kind, level="province",
                         parent_id=committee_id, head_name=f"Giám đốc Nguyễn Văn {n:04d}",
                         head_title="Giám đốc", head_email=f"giamdoc{n:04d}@agency{n:04d}.example"))
        officers.append(dict(agency_id=agency_id, name=f"Cán bộ đầu mối Phạm Thị {n:04d}",
                             email=f"daumoi{n:04d}@agency{n:04d}.example", language="vi", active=True))
    insert(agencies, rows)
    insert(FocalOfficer.__table__, officers)

    plan_id = session.execute(sa.insert(Plan.__table__).values(
        identity=f"bench-reminders:{today.year}", number="999/KH-UBND", kind="Kế hoạch",
        title=f"Kế hoạch thử tải nhắc hạn năm {today.year}", issuer_name=committee, issuer_id=committee_id,
        issued_date=date(today.year, 1, 15), place="Bến Thử", year=today.year, source_name="bench",
        source_sha256="0" * 64, status="active", warnings=[], reminder_policy=None,
        created_at=now, updated_at=now)).inserted_primary_key[0]

    first_deadline = (session.scalar(sa.select(sa.func.max(Deadline.id))) or 0) + 1
    first_task = (session.scalar(sa.select(sa.func.max(Task.id))) or 0) + 1
    deadlines, tasks, assignments = [], [], []
    span = PAST_DAYS + FUTURE_DAYS
    for t in range(TASKS):
        due = today + timedelta(days=-PAST_DAYS + (t * span) // (TASKS - 1))
        deadline_id, task_id = first_deadline + t, first_task + t
        deadlines.append(dict(id=deadline_id, text=f"Trước ngày {due:%d/%m/%Y}", kind="date",
                              start=None, due=due, periods=[], also_event=False, offset_days=None, flags=[]))
        tasks.append(dict(id=task_id, plan_id=plan_id, section_id=None, ref=str(t + 1),
                          content=f"Nhiệm vụ thử tải số {t + 1}: rà soát, đơn giản hóa thủ tục hành chính "
                                  f"và báo cáo kết quả thực hiện về UBND tỉnh",
                          position=t, source_line=t + 1, raw_cells=[], warnings=[], updated_at=now))
        for r in range(PER_TASK):
            agency_id = agency_ids[(t * PER_TASK + r) % AGENCIES]
            assignments.append(dict(task_id=task_id, row=0, role="lead" if r == 0 else "coordinate",
                                    agency_id=agency_id, owner_text="", group_key=None,
                                    output="Báo cáo kết quả", deadline_id=deadline_id,
                                    status="not_started", progress=0, completed_at=None, warnings=[],
                                    sequence=0, created_at=now, updated_at=now))
    insert(Deadline.__table__, deadlines)
    insert(Task.__table__, tasks)
    insert(Assignment.__table__, assignments)
    session.commit()
    return {"agencies": len(agency_ids) + 2, "officers": len(officers), "tasks": len(tasks),
            "assignments": len(assignments), "deadlines": len(deadlines)}


def planning(at: datetime) -> dict:
    """The three planning jobs, each timed."""
    out = {}
    for name in JOBS:
        start = perf_counter()
        report = run(name, at)
        out[name] = (perf_counter() - start, report)
        db.session.remove()
    return out


def outbox_counts() -> dict:
    return dict(db.session.execute(sa.select(OutboxMessage.state, sa.func.count())
                                   .group_by(OutboxMessage.state)).all())


def fit_queue(at: datetime) -> dict:
    """Exactly MESSAGES queued: drop the committee escalations first, then the newest;
    or add copies with distinct keys."""
    session = db.session
    queued = sa.select(OutboxMessage.id).where(OutboxMessage.state == QUEUED)
    total = session.scalar(sa.select(sa.func.count()).select_from(queued.subquery()))
    dropped = added = 0
    if total > MESSAGES:
        committee = list(session.scalars(queued.where(OutboxMessage.kind == "escalation_committee")))
        newest = list(session.scalars(queued.where(OutboxMessage.kind != "escalation_committee")
                                      .order_by(OutboxMessage.id.desc())))
        drop = (committee + newest)[:total - MESSAGES]
        for i in range(0, len(drop), 500):
            part = drop[i:i + 500]
            session.execute(sa.delete(OutboxItem).where(OutboxItem.message_id.in_(part)))
            session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id.in_(part)))
        dropped = len(drop)
    elif total < MESSAGES:
        models = list(session.scalars(sa.select(OutboxMessage).where(OutboxMessage.state == QUEUED)
                                      .order_by(OutboxMessage.id)))
        from tracker.jobs import _at
        with _at(at):
            for n in range(MESSAGES - total):
                row = models[n % len(models)]
                enqueue(session, ComposedMail(to=row.recipient, subject=row.subject, text=row.body_text,
                                              html=row.body_html, ics=row.ics),
                        row.kind, f"bench-copy-{n}:{row.idempotency_key}"[:255], [], row.recipient_name,
                        row.language)
                added += 1
    session.commit()
    return {"dropped": dropped, "added": added}


def bare_messages(sender: str) -> list:
    """The queued rows as MIME messages, built once (outside any timing)."""
    rows = db.session.execute(sa.select(OutboxMessage.recipient, OutboxMessage.subject,
                                        OutboxMessage.body_text, OutboxMessage.body_html,
                                        OutboxMessage.ics, OutboxMessage.message_id,
                                        OutboxMessage.language)
                              .where(OutboxMessage.state == QUEUED).order_by(OutboxMessage.id)).all()
    return [(r.recipient, to_message(ComposedMail(to=r.recipient, subject=r.subject, text=r.body_text,
                                                  html=r.body_html, ics=r.ics),
                                     sender, message_id=r.message_id, language=r.language))
            for r in rows]


def profile_planning(url: str, at: datetime) -> None:
    """The three jobs again on a copy of the database taken before planning, under cProfile."""
    app = create_app({"TESTING": True, "SECRET_KEY": secrets.token_urlsafe(32), "SQLALCHEMY_DATABASE_URI": url,
                      "TRACKER_SEED_DIR": str(SEEDS), "TRACKER_BASE_URL": BASE_URL, "TRACKER_TIMEZONE": TIMEZONE})
    profiler = cProfile.Profile()
    with app.app_context():
        profiler.enable()
        try:
            for name in JOBS:
                run(name, at)
                db.session.remove()
        finally:
            profiler.disable()
            db.session.remove()
            db.engine.dispose()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(25)
    stats.sort_stats("tottime").print_stats(15)
    print("\ncProfile of one planning run (4 jobs, on a copy of the database; the profiler "
          "inflates per-call costs):")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignments", type=int, default=AGENCIES * 50,
                        help="how many assignments (20 per task, 50 per agency; default %(default)s)")
    parser.add_argument("--no-sender", action="store_true", help="time the planning runs only")
    parser.add_argument("--profile", action="store_true",
                        help="also a cProfile of the first planning run (SQLite only)")
    return parser.parse_args(argv)


def main() -> int:
    global AGENCIES, TASKS
    args = arguments()
    TASKS = max(2, args.assignments // PER_TASK)
    AGENCIES = max(1, TASKS * PER_TASK // 50)
    today = pick_today()
    at = datetime.combine(today, time(7, 30), ZoneInfo(TIMEZONE))
    later = datetime.combine(WorkingCalendar().add_working_days(today, 1), time(7, 30), ZoneInfo(TIMEZONE))
    tmp = Path(tempfile.mkdtemp(prefix="tracker-bench-reminders-"))
    db_file, copy_file = tmp / "tracker.sqlite3", tmp / "before-planning.sqlite3"
    url = os.environ.get("TRACKER_BENCH_DATABASE_URL") or f"sqlite:///{db_file}"
    sqlite = url.startswith("sqlite")
    if not sqlite:
        _reset_postgresql(url)
    controller = None
    try:
        app = create_app({"TESTING": True, "SECRET_KEY": secrets.token_urlsafe(32), "SQLALCHEMY_DATABASE_URI": url,
                          "TRACKER_SEED_DIR": str(SEEDS), "TRACKER_BASE_URL": BASE_URL,
                          "TRACKER_TIMEZONE": TIMEZONE, "TRACKER_MAIL_BATCH": BATCH})
        with app.app_context():
            with contextlib.redirect_stderr(io.StringIO()):      # Alembic's INFO lines
                upgrade()
            start = perf_counter()
            counts = seed(today)
            seeding = perf_counter() - start
            db.session.remove()
            db.engine.dispose()                                  # checkpoints the WAL
            if sqlite:
                shutil.copyfile(db_file, copy_file)

            # --- planning ------------------------------------------------------------
            first = planning(at)
            second = planning(at)
            third = planning(later)
            # The scheduler's way: the four jobs in one pass, on the working day after.
            last = datetime.combine(WorkingCalendar().add_working_days(later.date(), 1), time(7, 30),
                                    ZoneInfo(TIMEZONE))
            start = perf_counter()
            fourth = run_planning(last)
            one_pass = perf_counter() - start
            db.session.remove()
            ledger = db.session.scalar(sa.select(sa.func.count()).select_from(SentStep))
            planned = outbox_counts()
            kinds = dict(db.session.execute(sa.select(OutboxMessage.kind, sa.func.count())
                                            .group_by(OutboxMessage.kind)).all())
            largest = db.session.execute(
                sa.select(OutboxMessage.kind, sa.func.count(OutboxItem.id))
                .join(OutboxItem, OutboxItem.message_id == OutboxMessage.id)
                .group_by(OutboxMessage.id).order_by(sa.func.count(OutboxItem.id).desc()).limit(1)).first()

            # --- sender (as of the last planning run's day) ---------------------------
            if not args.no_sender:
                handler = Counter()
                controller = Controller(handler, hostname="127.0.0.1", port=free_port())
                controller.start()
                app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_SUPPRESS_SEND=False)
                mail = app.extensions["mail"]
                mail.server, mail.port, mail.suppress = "127.0.0.1", controller.port, False
                fitted = fit_queue(last)
                sender = app.config["MAIL_DEFAULT_SENDER"]
                sizes = db.session.execute(sa.select(
                    sa.func.avg(sa.func.length(OutboxMessage.body_text) + sa.func.length(OutboxMessage.body_html)
                                + sa.func.coalesce(sa.func.length(OutboxMessage.ics), 0)))
                    .where(OutboxMessage.state == QUEUED)).scalar()
                start = perf_counter()
                prepared = bare_messages(sender)
                build_seconds = perf_counter() - start
                db.session.remove()

                batches, sent, start = 0, 0, perf_counter()
                while True:
                    report = run("send", last)
                    batches += 1
                    sent += report.sent
                    if not report.sent and not report.retried:
                        break
                    if report.errors:
                        print(f"send errors: {report.errors[:3]}", file=sys.stderr)
                outbox_seconds = perf_counter() - start
                db.session.remove()
                after_send = outbox_counts()
                outbox_received, outbox_bytes = handler.messages, handler.bytes

                envelope_from = (bare_address(sender) or sender)
                start = perf_counter()
                with smtplib.SMTP("127.0.0.1", controller.port, timeout=30) as smtp:
                    for recipient, message in prepared:
                        smtp.send_message(message, from_addr=envelope_from, to_addrs=[recipient])
                bare_seconds = perf_counter() - start
                bare_received = handler.messages - outbox_received
                bare_bytes = handler.bytes - outbox_bytes

        # --- report --------------------------------------------------------------------
        totals = {id(results): sum(s for s, _ in results.values()) for results in (first, second, third)}
        plan_total = totals[id(first)]
        print(f"Data: {counts['agencies']:,} agencies (1 ubnd_tinh + office + {AGENCIES:,} so/phong), "
              f"{counts['officers']:,} focal officers, 1 plan, {counts['tasks']:,} tasks, "
              f"{counts['assignments']:,} assignments, {counts['deadlines']:,} deadlines "
              f"(due {today - timedelta(days=PAST_DAYS)} … {today + timedelta(days=FUTURE_DAYS)}); "
              f"seeded in {seeding:.1f} s")
        print(f"Today: {today:%a %Y-%m-%d} (jobs at {at:%H:%M} {TIMEZONE})")
        print(f"Versions: Python {platform.python_version()}, SQLAlchemy {sa.__version__}, "
              f"SQLite {sqlite3.sqlite_version}, aiosmtpd {aiosmtpd.__version__}; database "
              f"{sa.engine.make_url(url).get_backend_name()}\n")

        print(f"{'planning':<34} {'seconds':>9} {'steps':>8} {'messages':>9}  kinds")
        for label, results in (("first run", first), ("second run (same day)", second),
                               ("next working day", third)):
            for name in JOBS:
                seconds, r = results[name]
                kinds_text = ", ".join(f"{k} {v:,}" for k, v in sorted(r.kinds.items())) or "—"
                print(f"{label + ': ' + name:<34} {seconds:>9.2f} {r.steps:>8,} {r.messages:>9,}  {kinds_text}")
            total = totals[id(results)]
            print(f"{label + ': total':<34} {total:>9.2f} {sum(r.steps for _, r in results.values()):>8,} "
                  f"{sum(r.messages for _, r in results.values()):>9,}")
        print(f"{'day after, one pass (run_planning)':<34} {one_pass:>9.2f} "
              f"{sum(r.steps for r in fourth.values()):>8,} {sum(r.messages for r in fourth.values()):>9,}  "
              f"selected {fourth['reminders'].selected:,}")
        print(f"\nledger: {ledger:,} sent steps; outbox after planning: "
              + ", ".join(f"{k} {v:,}" for k, v in sorted(planned.items()))
              + "; by kind: " + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items())))
        if largest:
            print(f"largest message: {largest[0]} with {largest[1]:,} items")
        problems = []
        if not args.no_sender:
            outbox_rate, bare_rate = sent / outbox_seconds, bare_received / bare_seconds
            print(f"\nsender: {MESSAGES:,} queued (dropped {fitted['dropped']:,} extra, added "
                  f"{fitted['added']:,} copies), mean stored size {sizes / 1024:.1f} KiB (text+html+ics); "
                  f"to_message of all {len(prepared):,} for the bare loop took {build_seconds:.2f} s "
                  f"({build_seconds / len(prepared) * 1000:.2f} ms each, not timed below)")
            print(f"\n{'sender':<38} {'messages':>9} {'seconds':>9} {'msg/s':>9} {'MiB recvd':>10}")
            print(f"{'outbox send_due (batch ' + str(BATCH) + ', ' + str(batches) + ' calls)':<38} "
                  f"{sent:>9,} {outbox_seconds:>9.2f} {outbox_rate:>9.1f} {outbox_bytes / 2 ** 20:>10.1f}")
            print(f"{'bare smtplib, one connection':<38} {bare_received:>9,} {bare_seconds:>9.2f} "
                  f"{bare_rate:>9.1f} {bare_bytes / 2 ** 20:>10.1f}")
            print(f"{'ratio outbox / bare':<38} {'':>9} {'':>9} {outbox_rate / bare_rate:>9.3f}")
            print("outbox after sending: " + ", ".join(f"{k} {v:,}" for k, v in sorted(after_send.items())))
            if sent != MESSAGES or outbox_received != MESSAGES or after_send.get(SENT, 0) < MESSAGES:
                problems.append(f"outbox sent {sent}, server received {outbox_received}")
            if bare_received != MESSAGES:
                problems.append(f"bare loop: server received {bare_received}")
        if any(r.steps or r.messages for _, r in second.values()):
            problems.append("the second planning run planned something")
        for p in problems:
            print(f"FAIL: {p}", file=sys.stderr)

        if args.profile and sqlite:
            profile_planning(f"sqlite:///{copy_file}", at)
        elif plan_total > PROFILE_OVER_SECONDS:
            print(f"\nplanning took over {PROFILE_OVER_SECONDS:.0f} s: run with --profile for a cProfile "
                  "of it (adds the planning time again, inflated by the profiler)")
        return 1 if problems else 0
    finally:
        if controller is not None:
            with contextlib.suppress(Exception):
                controller.stop()
        with contextlib.suppress(Exception):
            db.session.remove()
            db.engine.dispose()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
