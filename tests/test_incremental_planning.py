"""Incremental reminder planning: a run looks only at the assignments whose next_step_on
is unknown or has come, and a write sends back exactly the assignments it changes.

Each test plans a day with every job, changes one thing, and checks three things: which
assignments lost their next_step_on (exactly the ones the change touches), which the next
run selects (those, and no other), and that the steps it plans are the ones a full
planning run over every open assignment would plan (``_owed``, the planner's rules over
the whole ledger, as the planner worked before it was incremental).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tracker.config import reporting_calendar
from tracker.directory.store import load_index
from tracker.extensions import db
from tracker.jobs import run
from tracker.models import PLAN_ARCHIVED, Agency, Assignment, Plan, SentStep, Task
from tracker.plans.importer import import_plan
from tracker.plans.progress import report
from tracker.reading.plan import read_plan
from tracker.reminders import planner, rules
from tracker.reminders.policy import global_policy, set_global_policy, set_plan_policy
from tracker.scheduling.office_calendar import set_calendar_day, working_calendar

from .conftest import SEEDS

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
JOBS = ("reminders", "overdue", "escalation", "checkins")      # the scheduler's order
MONDAY = date(2017, 9, 18)
OTHER_PLAN = SEEDS / "cam-xuyen-2020-kiem-soat-tthc-mot-cua.txt"


@pytest.fixture
def two_plans(app, seeded):
    """The Sóc Trăng plan of 2017 and, beside it, Cẩm Xuyên's of 2020."""
    session = db.session
    calendar = reporting_calendar(app.config)
    import_plan(session, read_plan(OTHER_PLAN.read_bytes(), OTHER_PLAN.name, calendar=calendar),
                load_index(session))
    session.commit()
    return session


def _plan_day(day: date) -> dict[str, planner.PlanReport]:
    moment = datetime.combine(day, time(7, 30), TZ)
    return {job: run(job, moment) for job in JOBS}


def _next_days(session) -> dict[int, date | None]:
    session.expire_all()
    return dict(session.execute(select(Assignment.id, Assignment.next_step_on)).all())


def _open_ids(session) -> set[int]:
    return set(session.scalars(select(Assignment.id).join(Task).join(Plan).where(
        Plan.status != PLAN_ARCHIVED, Assignment.status.in_(planner.OPEN))))


def _ledger(session) -> set[tuple[str, str]]:
    return set(session.execute(select(SentStep.item_key, SentStep.step_key)).all())


def _owed(app, session, day: date) -> set[tuple[str, str]]:
    """What a full run of every job on ``day`` plans: every open assignment's items, the
    jobs' tracks in the scheduler's order, against the whole ledger."""
    calendar, defaults = working_calendar(session), global_policy(session)
    reporting, periods = reporting_calendar(app.config), app.config["TRACKER_CHECKIN_PERIODS"]
    sent: dict[str, set[str]] = defaultdict(set)
    for key, step in _ledger(session):
        sent[key].add(step)
    owed = set()
    for assignment in session.scalars(select(Assignment).where(Assignment.id.in_(_open_ids(session)))):
        policy = defaults.merged(assignment.task.plan.reminder_policy or {})
        for key, _occurrence_id, item, _ in planner._items(assignment, reporting, periods):
            for job in JOBS:
                for step in rules.due_steps(item, policy, calendar, day, sent[key]):
                    if step.track in planner.JOB_TRACKS[job]:
                        owed.add((key, step.key))
                        sent[key].add(step.key)
    return owed


def _planned_as_owed(app, session, day: date) -> dict[str, planner.PlanReport]:
    """Plan ``day`` and check the run planned exactly what a full run would have."""
    owed, before = _owed(app, session, day), _ledger(session)
    reports = _plan_day(day)
    assert _ledger(session) - before == owed
    return reports


def _selected(reports: dict[str, planner.PlanReport]) -> int:
    """How many assignments the day's first job looked at (the later ones look at those
    still owed a step of theirs)."""
    return reports[JOBS[0]].selected


def _cleared(before: dict[int, date | None], after: dict[int, date | None]) -> set[int]:
    assert all(after[i] in (before[i], None) for i in before)      # nothing else moved
    return {i for i, day in after.items() if day is None and before.get(i) is not None}


def test_a_second_run_the_same_day_selects_nothing(app, session, seeded):
    first = _planned_as_owed(app, session, MONDAY)
    assert _selected(first) == len(_open_ids(session)) > 0
    assert sum(r.steps for r in first.values()) > 0
    days = _next_days(session)
    assert all(days[i] is not None and days[i] > MONDAY for i in _open_ids(session))
    again = _plan_day(MONDAY)
    assert all(r.selected == 0 and r.steps == 0 and r.messages == 0 for r in again.values())
    # The next working day: only what can be owed something on it.
    tuesday = date(2017, 9, 19)
    due = {i for i, d in _next_days(session).items() if d is not None and d <= tuesday}
    assert _selected(_planned_as_owed(app, session, tuesday)) == len(due & _open_ids(session))


def test_next_days_are_never_late(app, session, seeded):
    """Walked day by day, every step arrives on the day a full run would plan it."""
    day = date(2017, 9, 11)
    calendar = working_calendar(session)
    while day <= date(2017, 10, 20):
        if calendar.is_working_day(day):
            _planned_as_owed(app, session, day)
        day = calendar.add_working_days(day, 1)


def test_a_changed_deadline_replans_the_assignments_sharing_it(app, session, seeded):
    _plan_day(MONDAY)
    before = _next_days(session)
    justice = session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp tỉnh Sóc Trăng"))
    item = session.scalar(select(Assignment).join(Task).where(
        Task.ref == "IV.2", Assignment.agency_id == justice.id, Assignment.row == 1))
    assert item.deadline.due == date(2017, 9, 30) and before[item.id] > MONDAY
    sharing = set(session.scalars(select(Assignment.id).where(Assignment.deadline_id == item.deadline_id)))
    item.deadline.due = date(2017, 9, 21)            # before-3 of the new date is today
    session.commit()
    assert _cleared(before, _next_days(session)) == sharing
    reports = _planned_as_owed(app, session, MONDAY)
    assert _selected(reports) == len(sharing & _open_ids(session))
    assert (f"a{item.id}", "before-3") in _ledger(session)
    assert reports["reminders"].kinds.get("reminder")
    assert _next_days(session)[item.id] == date(2017, 9, 20)     # before-1


def test_a_status_change_replans_that_assignment_only(app, session, seeded):
    _plan_day(MONDAY)
    before = _next_days(session)
    item = session.scalar(select(Assignment).join(Task).where(
        Task.ref == "IV.2", Assignment.row == 1, Assignment.status.in_(planner.OPEN)).limit(1))
    report(session, item, "paused", "test")
    session.commit()
    assert _cleared(before, _next_days(session)) == {item.id}
    assert _selected(_planned_as_owed(app, session, MONDAY)) == 0      # paused: not open
    report(session, item, "in_progress", "test")
    session.commit()
    assert _selected(_planned_as_owed(app, session, MONDAY)) == 1
    assert _next_days(session) == before                           # worked out again, the same


def test_a_plan_policy_replans_that_plan_only(app, session, two_plans):
    _plan_day(MONDAY)
    before = _next_days(session)
    soc_trang, cam_xuyen = (session.scalar(select(Plan).where(Plan.year == year)) for year in (2017, 2020))
    ours = set(session.scalars(select(Assignment.id).join(Task).where(Task.plan_id == soc_trang.id)))
    theirs = set(session.scalars(select(Assignment.id).join(Task).where(Task.plan_id == cam_xuyen.id)))
    assert ours and theirs
    set_plan_policy(session, soc_trang, {"before_offsets": [12, 3, 0], "overdue_every": 2})
    session.commit()
    assert _cleared(before, _next_days(session)) == ours & {i for i, d in before.items() if d is not None}
    reports = _planned_as_owed(app, session, MONDAY)
    assert _selected(reports) == len(ours & _open_ids(session))
    after = _next_days(session)
    assert {i: after[i] for i in theirs} == {i: before[i] for i in theirs}
    # The plan's status too: archived, its assignments leave; active again, they come back.
    soc_trang.status = PLAN_ARCHIVED
    session.commit()
    assert _cleared(after, _next_days(session)) == ours & {i for i, d in after.items() if d is not None}
    assert _selected(_planned_as_owed(app, session, MONDAY)) == 0
    soc_trang.status = "active"
    session.commit()
    assert _selected(_planned_as_owed(app, session, MONDAY)) == len(ours & _open_ids(session))


@pytest.mark.parametrize("change", ["global policy", "calendar exception", "check-in periods"])
def test_a_global_change_replans_everything_once(app, session, two_plans, change):
    _plan_day(MONDAY)
    assert _selected(_plan_day(MONDAY)) == 0
    if change == "global policy":
        set_global_policy(session, {"before_offsets": [5, 2, 0]})
    elif change == "calendar exception":
        set_calendar_day(session, date(2017, 9, 20), working=False, note="Nghỉ bù")
    else:
        app.config["TRACKER_CHECKIN_PERIODS"] = ["semiannual"]
    session.commit()
    reports = _planned_as_owed(app, session, MONDAY)
    assert _selected(reports) == len(_open_ids(session))
    assert _selected(_plan_day(MONDAY)) == 0


def test_a_day_replayed_is_planned_in_full(app, session, seeded):
    """An operator running an earlier day: no stored day can be trusted for it."""
    _plan_day(MONDAY)
    earlier = date(2017, 9, 11)
    assert _selected(_planned_as_owed(app, session, earlier)) == len(_open_ids(session))


def test_one_pass_plans_what_the_jobs_plan_one_after_the_other(app, session, seeded):
    """The scheduler's pass (``run_planning``): each job's steps, as if run in turn."""
    from tracker.jobs import run_planning
    for day in (MONDAY, date(2017, 10, 4), date(2017, 10, 13)):
        owed, before = _owed(app, session, day), _ledger(session)
        reports = run_planning(datetime.combine(day, time(7, 30), TZ))
        assert list(reports) == list(JOBS)
        assert _ledger(session) - before == owed
        assert sum(r.steps for r in reports.values()) == len(owed)
        assert all(r.selected == 0 for r in _plan_day(day).values())
