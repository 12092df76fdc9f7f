"""Reminder jobs end to end: a seed plan, the clock walked day by day, a real SMTP server.

The walk runs the scheduler's daily jobs on every day on which something can happen (see
``_walk``): every day off, and each working day on which a step of some item falls due.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tracker.config import reporting_calendar
from tracker.directory.store import load_index
from tracker.extensions import db
from tracker.jobs import run
from tracker.models import DONE, QUEUED, Agency, Assignment, OutboxMessage, SentStep, Task
from tracker.plans.importer import import_plan
from tracker.plans.progress import report
from tracker.reading.plan import read_plan
from tracker.reminders import planner, rules
from tracker.reminders.policy import global_policy
from tracker.scheduling.office_calendar import working_calendar
from tracker.scheduling.workdays import WorkingCalendar

from .conftest import SEEDS

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PLAN = SEEDS / "soc-trang-2017-kiem-soat-tthc.txt"


@pytest.fixture
def seeded(app, directory, smtp_server):
    import_plan(directory, read_plan(PLAN.read_bytes(), PLAN.name), load_index(directory))
    directory.commit()
    return smtp_server[0]


PLANNING = ("reminders", "overdue", "escalation", "checkins")      # the scheduler's order


def _day(app, day: date, planning: tuple[str, ...] = PLANNING) -> None:
    """What the scheduler does on one day at 07:30: plan every track, then send (``_walk``
    leaves out the planning jobs that cannot find anything new)."""
    moment = datetime.combine(day, time(7, 30), TZ)
    for job in (*(j for j in PLANNING if j in planning), "send"):
        run(job, moment)


def _step_days(app, until: date) -> dict[str, set[date]]:
    """For each track, every day on which the planner's own schedule has a step of that
    track for some item (of any assignment, open or not), up to ``until``."""
    session = db.session()
    calendar, defaults = working_calendar(session), global_policy(session)
    reporting, periods = reporting_calendar(app.config), app.config["TRACKER_CHECKIN_PERIODS"]
    days: dict[str, set[date]] = {track: set() for track in rules.TRACKS}
    for assignment in session.scalars(select(Assignment)):
        policy = defaults.merged(assignment.task.plan.reminder_policy or {})
        for _key, _occurrence, item, _ in planner._items(assignment, reporting, periods):
            for step in rules.schedule(item, policy, calendar, until):
                days[step.track].add(step.scheduled)
    return days


def _walk(app, start: date, end: date) -> None:
    """The scheduler's day (``_day``) on each day from ``start`` to ``end`` on which
    something can happen: every day off, with every job (nothing may go out on one); and
    each working day on which a planning job is owed a step, with the jobs owed one.

    A job is owed a step when a step of its tracks has been scheduled since the job last
    ran (on the first working day, every job: it catches up what fell due before
    ``start``); the escalation job also whenever the reminder or overdue job runs (an
    escalation is held until the agency has been told). A job that is owed nothing would
    find the same latest step of each of its tracks as when it last ran, all of them
    planned by then or still held, and plan nothing; a working day with no job owed
    anything is left out, unless a message is still queued (then the sender runs).
    """
    assert set(planner.JOB_TRACKS) == set(PLANNING)
    steps = _step_days(app, end)
    calendar = working_calendar(db.session())
    owed = set(PLANNING)
    day = start
    while day <= end:
        owed |= {job for job, tracks in planner.JOB_TRACKS.items() if any(day in steps[t] for t in tracks)}
        if not calendar.is_working_day(day):
            _day(app, day)
            day += timedelta(days=1)
            continue
        if owed & {"reminders", "overdue"}:
            owed.add("escalation")
        if owed or db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.state == QUEUED).limit(1)):
            _day(app, day, tuple(owed))
        owed = set()
        day += timedelta(days=1)


def _sent_days(session) -> list[date]:
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_not(None))).all()
    return sorted({r.sent_at.replace(tzinfo=r.sent_at.tzinfo or ZoneInfo("UTC")).astimezone(TZ).date()
                   for r in rows})


def test_walking_the_plan_year_sends_each_step_once_on_working_days(app, session, seeded):
    _walk(app, date(2017, 1, 2), date(2017, 12, 31))
    catcher = seeded
    assert catcher.messages
    calendar = WorkingCalendar()
    assert all(calendar.is_working_day(d) for d in _sent_days(session))
    # Nothing during Tết (26 Jan - 1 Feb 2017).
    assert not [d for d in _sent_days(session) if date(2017, 1, 26) <= d <= date(2017, 2, 1)]
    # Every (item, step) was planned once.
    steps = session.execute(select(SentStep.item_key, SentStep.step_key)).all()
    assert len(steps) == len(set(steps))
    kinds = Counter(m["Subject"].split("]")[0] + "]" for _, m in catcher.messages)
    assert len(kinds) >= 3      # reminders, overdue notices and escalations all went out
    # One message per person and kind per day, however many items it lists.
    per_day = Counter((r.recipient, r.recipient_name, r.kind, r.created_at.date())
                      for r in session.scalars(select(OutboxMessage)))
    assert max(per_day.values()) == 1
    assert any(len(r.items) > 1 for r in session.scalars(select(OutboxMessage)))
    assert all(calendar.is_working_day(datetime.strptime(m["Date"][5:16], "%d %b %Y").date())
               for _, m in catcher.messages)


def test_walking_the_same_days_again_sends_nothing(app, session, seeded):
    _walk(app, date(2017, 1, 16), date(2017, 2, 10))
    first = len(seeded.messages)
    _walk(app, date(2017, 1, 16), date(2017, 2, 10))
    assert len(seeded.messages) == first > 0


def test_a_week_of_downtime_sends_what_was_due_once_without_a_storm(app, session, seeded):
    _walk(app, date(2017, 1, 2), date(2017, 1, 13))
    before = len(seeded.messages)
    # Scheduler stopped 14 Jan - 7 Feb; restarted on the 8th.
    _day(app, date(2017, 2, 8))
    catch_up = seeded.messages[before:]
    steps = session.execute(select(SentStep.item_key, SentStep.step_key)).all()
    assert len(steps) == len(set(steps))
    # At most one message per person and kind in the catch-up run.
    per_person = Counter((tuple(r), m["Subject"].split("]")[0]) for r, m in catch_up)
    assert catch_up and max(per_person.values()) == 1
    # No stale "before" reminders for what is already overdue.
    assert not any(m["Subject"].startswith("[Nhắc trước hạn]") and "31/01/2017" in m["Subject"] for _, m in catch_up)


def test_an_item_done_meanwhile_gets_nothing_more(app, session, seeded):
    justice = session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp tỉnh Sóc Trăng"))
    item = session.scalar(select(Assignment).join(Task).where(
        Task.ref == "IV.1", Assignment.agency_id == justice.id))
    report(session, item, DONE, "test")
    session.commit()
    _walk(app, date(2017, 1, 16), date(2017, 2, 20))
    keys = session.scalars(select(SentStep.step_key).where(SentStep.item_key == f"a{item.id}")).all()
    assert keys == []


def test_an_officer_without_email_is_recorded_for_administrators(app, session, seeded):
    _walk(app, date(2017, 1, 16), date(2017, 1, 20))
    failed = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient.is_(None))).all()
    # The sample directory has officers and heads without an address: their messages are
    # kept as failed with the reason, nothing crashes, everything else is delivered.
    for row in failed:
        assert row.state == "failed" and "địa chỉ email" in row.last_error
    assert seeded.messages


def test_reminders_follow_a_changed_due_date(app, session, seeded):
    justice = session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp tỉnh Sóc Trăng"))
    item = session.scalar(select(Assignment).join(Task).where(
        Task.ref == "IV.2", Assignment.agency_id == justice.id, Assignment.row == 1))
    _walk(app, date(2017, 9, 18), date(2017, 9, 29))            # Q3 report due 30/9
    before = set(session.scalars(select(SentStep.step_key).where(SentStep.item_key == f"a{item.id}")))
    assert "before-0" in before or "before-1" in before
    amended = PLAN.read_text("utf-8").replace("Trong quý III/2017.", "Trong tháng 10/2017.")
    import_plan(session, read_plan(amended.encode(), PLAN.name), load_index(session))
    session.commit()
    forgotten = set(session.scalars(select(SentStep.step_key).where(SentStep.item_key == f"a{item.id}")))
    assert not {k for k in forgotten if k.startswith(("before-", "overdue-"))}
    _walk(app, date(2017, 10, 20), date(2017, 10, 31))           # the new date gets its reminders
    after = set(session.scalars(select(SentStep.step_key).where(SentStep.item_key == f"a{item.id}")))
    assert "before-0" in after


def test_weekly_digest_reaches_the_committee_with_on_time_figures(app, session, seeded):
    _walk(app, date(2017, 2, 13), date(2017, 2, 13))
    run("digest", datetime.combine(date(2017, 2, 13), time(8, 0), TZ))
    run("send", datetime.combine(date(2017, 2, 13), time(8, 1), TZ))
    digests = [(r, m) for r, m in seeded.messages if m["Subject"].startswith("[Tổng hợp hằng tuần]")]
    assert digests
    recipients = {r[0] for r, _ in digests}
    committee = session.scalar(select(Agency).where(Agency.name == "Ủy ban nhân dân tỉnh Sóc Trăng"))
    assert committee.leader_email in recipients
    body = digests[0][1].get_body(("plain",)).get_content()
    assert "Tình hình thực hiện theo cơ quan" in body and "Tỷ lệ đúng hạn" in body
    assert "Sở Tư pháp tỉnh Sóc Trăng" in body
    # Running the digest again the same day adds nothing.
    run("digest", datetime.combine(date(2017, 2, 13), time(8, 5), TZ))
    run("send", datetime.combine(date(2017, 2, 13), time(8, 6), TZ))
    assert len([1 for _, m in seeded.messages if m["Subject"].startswith("[Tổng hợp hằng tuần]")]) == len(digests)


def test_reminders_carry_the_officers_calendar_link(app, session, seeded):
    import re

    from tracker.feeds import tokens
    _walk(app, date(2017, 1, 16), date(2017, 1, 20))
    officer_mail = next(m for r, m in seeded.messages if m["Subject"].startswith("[Nhắc trước hạn]"))
    body = officer_mail.get_body(("plain",)).get_content()
    link = re.search(r"https://tracker.example.gov.vn/feeds/([A-Za-z0-9_-]+)/", body)
    assert link, body
    token = link.group(1)
    feed = app.test_client().get(f"/feeds/{token}.ics")
    assert feed.status_code == 200 and b"BEGIN:VEVENT" in feed.data
    # Revoked: the next email carries a new link; the old one is dead.
    row = tokens.find(session, token)
    tokens.revoke(row)
    session.commit()
    assert app.test_client().get(f"/feeds/{token}.ics").status_code == 410          # gone: stop polling
    fresh = tokens.mail_token(session, officer_mail["To"].addresses[0].addr_spec, app.config["SECRET_KEY"])
    assert fresh != token and app.test_client().get(f"/feeds/{fresh}.ics").status_code == 200


def test_continuous_tasks_ask_for_a_report_before_each_cut_off_until_reported(app, session, seeded):
    from tracker.models import StatusChange
    justice = session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp tỉnh Sóc Trăng"))
    continuous = session.scalars(select(Assignment).join(Task).where(
        Assignment.agency_id == justice.id, Task.ref.in_(("I.2", "III.2")))).all()
    assert continuous and all(a.deadline.kind == "continuous" for a in continuous)
    reported, silent = continuous[0], continuous[1]
    # The officer reports on one of them during the first quarter's data period.
    report(session, reported, "in_progress", "canbo", progress=30)
    session.flush()
    session.execute(StatusChange.__table__.update().where(StatusChange.assignment_id == reported.id)
                    .values(changed_at=datetime(2017, 2, 20, 3, 0, tzinfo=ZoneInfo("UTC"))))
    session.commit()
    _walk(app, date(2017, 3, 6), date(2017, 3, 14))        # Q1 cut-off: 14 March
    keys = {k for k, in session.execute(select(SentStep.item_key).where(SentStep.step_key.like("checkin-%")))}
    assert f"a{silent.id}" in keys and f"a{reported.id}" not in keys
    assert any(m["Subject"].startswith("[Báo cáo định kỳ]") for _, m in seeded.messages)


def test_the_expected_steps_arrive_on_exactly_the_expected_days(app, session, seeded):
    """Sở Tư pháp's Q3 report (IV.2, second row) is due Saturday 30/9/2017. Worked out by
    hand: reminders 7 and 3 working days before (21/9, 27/9) and on the last working day
    (Friday 29/9, which is also "1 day before"); overdue notices every 3 working days
    (4/10, 9/10, 12/10, 17/10, 20/10); the agency head at +3 (4/10), the committee at +10 (13/10)."""
    justice = session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp tỉnh Sóc Trăng"))
    item = session.scalar(select(Assignment).join(Task).where(
        Task.ref == "IV.2", Assignment.agency_id == justice.id, Assignment.row == 1))
    assert item.deadline.due == date(2017, 9, 30)
    _walk(app, date(2017, 9, 11), date(2017, 10, 20))
    planned = {(s.step_key, s.planned_at.astimezone(TZ).date() if s.planned_at.tzinfo else
                s.planned_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(TZ).date())
               for s in session.scalars(select(SentStep).where(SentStep.item_key == f"a{item.id}"))}
    assert planned == {
        ("before-7", date(2017, 9, 21)), ("before-3", date(2017, 9, 27)), ("before-0", date(2017, 9, 29)),
        ("overdue-1", date(2017, 10, 4)), ("escalation_head", date(2017, 10, 4)),
        ("overdue-2", date(2017, 10, 9)), ("overdue-3", date(2017, 10, 12)),
        ("escalation_committee", date(2017, 10, 13)), ("overdue-4", date(2017, 10, 17)),
        ("overdue-5", date(2017, 10, 20)),
    }
    # The head got exactly one escalation about it, the committee one (each of its people).
    heads = [m for r, m in seeded.messages if justice.head_email in r and m["Subject"].startswith("[Cảnh báo quá hạn]")]
    assert len(heads) >= 1
    kind_of = {r.message_id: r.kind for r in session.scalars(select(OutboxMessage))
               if any(i.assignment_id == item.id for i in r.items)}
    about_it = [(tuple(r), kind_of[m["Message-ID"]]) for r, m in seeded.messages if m["Message-ID"] in kind_of]
    escalations = Counter(about_it)
    assert [(to, kind) for to, kind in escalations if kind == "escalation_head"] == [((justice.head_email,),
                                                                                    "escalation_head")]
    committee = [to for to, kind in escalations if kind == "escalation_committee"]
    assert committee and justice.head_email not in {to[0] for to in committee}
    assert all(n == 1 for (_, kind), n in escalations.items() if kind.startswith("escalation"))
