"""Reminder policy and planning: working-day aware, never lost, never twice."""

from __future__ import annotations

import json
from datetime import UTC, date, time, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tracker.reminders.rules import (
    BEFORE,
    CHECKIN,
    DUE_DAY,
    ESCALATION_COMMITTEE,
    ESCALATION_HEAD,
    OVERDUE,
    STATUSES,
    TRACKS,
    Item,
    ReminderPolicy,
    Step,
    due_steps,
    forget_on_due_change,
    schedule,
    track_of,
)
from tracker.scheduling.workdays import WorkingCalendar

D = date
POLICY = ReminderPolicy()


class StandInCalendar:
    """Monday to Friday minus a set of holidays; same methods as ``WorkingCalendar``."""

    def __init__(self, holidays=()):
        self.holidays = frozenset(holidays)

    def is_working_day(self, d):
        return d.weekday() < 5 and d not in self.holidays

    def previous_working_day(self, d, inclusive=True):
        if not inclusive:
            d -= timedelta(days=1)
        while not self.is_working_day(d):
            d -= timedelta(days=1)
        return d

    def next_working_day(self, d, inclusive=True):
        if not inclusive:
            d += timedelta(days=1)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def add_working_days(self, d, n):
        if n == 0:
            return self.previous_working_day(d)
        step = timedelta(days=1 if n > 0 else -1)
        for _ in range(abs(n)):
            d = d + step
            while not self.is_working_day(d):
                d = d + step
        return d

    def working_days_between(self, a, b):
        count, d = 0, a
        while d < b:
            d += timedelta(days=1)
            count += self.is_working_day(d)
        return count


WEEKDAYS = StandInCalendar()
# Hùng Kings' day 2020 (Thursday 2 April), 30 April and 1 May 2020.
HOLIDAYS_2020 = StandInCalendar({D(2020, 4, 2), D(2020, 4, 30), D(2020, 5, 1)})


def days(steps):
    return {s.key: s.scheduled for s in steps}


def run_daily(item, policy, calendar, first, last, sent=None, down=()):
    """Run the planner every day from ``first`` to ``last`` (except ``down`` days)."""
    sent = set() if sent is None else sent
    log = []
    d = first
    while d <= last:
        if d not in down:
            for step in due_steps(item, policy, calendar, d, sent):
                assert step.key not in sent
                sent.add(step.key)
                log.append((d, step.key))
        d += timedelta(days=1)
    return log


# --- the default ladder -------------------------------------------------------------------


def test_default_ladder_for_an_item_due_on_a_friday():
    item = Item(due=D(2020, 3, 27), status="in_progress")
    steps = schedule(item, POLICY, WEEKDAYS, until=D(2020, 4, 10))
    assert days(steps) == {
        "before-7": D(2020, 3, 18),             # Wednesday: 7 working days before
        "before-3": D(2020, 3, 24),
        "before-1": D(2020, 3, 26),
        DUE_DAY: D(2020, 3, 27),                # the day itself
        "overdue-1": D(2020, 4, 1),             # every 3 working days after
        "overdue-2": D(2020, 4, 6),
        "overdue-3": D(2020, 4, 9),
        ESCALATION_HEAD: D(2020, 4, 1),         # +3 working days
        ESCALATION_COMMITTEE: D(2020, 4, 10),   # +10 working days
    }
    assert all(WEEKDAYS.is_working_day(s.scheduled) for s in steps)
    assert [s.scheduled for s in steps] == sorted(s.scheduled for s in steps)
    before = [s for s in steps if s.track == BEFORE]
    assert [s.number for s in before] == [7, 3, 1, 0]
    assert {s.kind for s in steps} == {BEFORE, OVERDUE, ESCALATION_HEAD, ESCALATION_COMMITTEE}
    assert all(s.kind == s.track for s in steps)
    assert [s.audience for s in steps if s.scheduled == D(2020, 4, 1)] == [
        "officers", "agency_head"]


def test_the_horizon_bounds_the_overdue_series():
    item = Item(due=D(2020, 3, 27), status="not_started")
    assert [s.key for s in schedule(item, POLICY, WEEKDAYS, until=D(2020, 3, 26))] == [
        "before-7", "before-3", "before-1"]
    keys = [s.key for s in schedule(item, POLICY, WEEKDAYS, until=D(2020, 12, 31))]
    assert keys.count(ESCALATION_COMMITTEE) == 1
    overdue = [s for s in schedule(item, POLICY, WEEKDAYS, until=D(2020, 12, 31))
               if s.track == OVERDUE]
    # Stepping notice to notice equals counting from the due date.
    for s in overdue:
        assert s.scheduled == WEEKDAYS.add_working_days(D(2020, 3, 27), 3 * s.number)


def test_due_on_a_sunday_moves_the_due_day_reminder_to_friday():
    item = Item(due=D(2020, 3, 29), status="not_started")
    got = days(schedule(item, POLICY, WEEKDAYS, until=D(2020, 3, 29)))
    # before-1 would fall on the same Friday: the due-day reminder replaces it.
    assert got == {"before-7": D(2020, 3, 19), "before-3": D(2020, 3, 25),
                   DUE_DAY: D(2020, 3, 27)}
    late = days(schedule(item, POLICY, WEEKDAYS, until=D(2020, 4, 30)))
    assert late["overdue-1"] == D(2020, 4, 1) and late[ESCALATION_HEAD] == D(2020, 4, 1)


def test_holidays_in_between():
    # Due Friday 3 April 2020, the day after Hùng Kings' day.
    item = Item(due=D(2020, 4, 3), status="in_progress")
    assert days(schedule(item, POLICY, HOLIDAYS_2020, until=D(2020, 4, 3))) == {
        "before-7": D(2020, 3, 24), "before-3": D(2020, 3, 30),
        "before-1": D(2020, 4, 1), DUE_DAY: D(2020, 4, 3)}
    # Due on the holiday itself: the due-day reminder goes out the working day before.
    on_holiday = Item(due=D(2020, 4, 2), status="in_progress")
    got = days(schedule(on_holiday, POLICY, HOLIDAYS_2020, until=D(2020, 4, 2)))
    assert got[DUE_DAY] == D(2020, 4, 1) and "before-1" not in got
    # Overdue across 30 April and 1 May.
    late = Item(due=D(2020, 4, 28), status="not_started")
    got = days(schedule(late, POLICY, HOLIDAYS_2020, until=D(2020, 5, 31)))
    assert got["overdue-1"] == D(2020, 5, 5) and got[ESCALATION_HEAD] == D(2020, 5, 5)
    assert got["overdue-2"] == D(2020, 5, 8)
    assert got[ESCALATION_COMMITTEE] == D(2020, 5, 14)
    for d in got.values():
        assert HOLIDAYS_2020.is_working_day(d)


# --- sending ------------------------------------------------------------------------------


def test_without_downtime_every_step_goes_out_once_on_its_day():
    item = Item(due=D(2020, 3, 27), status="in_progress")
    log = run_daily(item, POLICY, WEEKDAYS, D(2020, 3, 1), D(2020, 4, 20))
    expected = [(s.scheduled, s.key)
                for s in schedule(item, POLICY, WEEKDAYS, until=D(2020, 4, 20))]
    assert log == expected
    assert len({key for _, key in log}) == len(log)


def test_a_day_off_sends_nothing_and_the_next_working_day_catches_up():
    item = Item(due=D(2020, 3, 27), status="in_progress")
    assert due_steps(item, POLICY, WEEKDAYS, D(2020, 3, 21), set()) == []     # Saturday
    assert [s.key for s in due_steps(item, POLICY, WEEKDAYS, D(2020, 3, 23), set())] == [
        "before-7"]


def test_catch_up_after_a_week_of_downtime_sends_one_step_per_track():
    down = {D(2020, 3, 16) + timedelta(days=i) for i in range(7)}     # Mon 16 - Sun 22 March
    monday = D(2020, 3, 23)

    # Due Wednesday 25 March: before-7 (Mon 16) and before-3 (Fri 20) were missed.
    soon = Item(due=D(2020, 3, 25), status="in_progress")
    assert [s.key for s in due_steps(soon, POLICY, WEEKDAYS, monday, set())] == ["before-3"]
    log = run_daily(soon, POLICY, WEEKDAYS, D(2020, 3, 9), D(2020, 3, 25), down=down)
    assert log == [(monday, "before-3"), (D(2020, 3, 24), "before-1"),
                   (D(2020, 3, 25), DUE_DAY)]

    # Due Friday 6 March: overdue-1 and escalation_head went out on Wednesday 11.
    late = Item(due=D(2020, 3, 6), status="not_started")
    sent = {"before-7", "before-3", "before-1", DUE_DAY, "overdue-1", ESCALATION_HEAD}
    got = due_steps(late, POLICY, WEEKDAYS, monday, sent)
    assert [(s.key, s.scheduled) for s in got] == [
        ("overdue-3", D(2020, 3, 19)), (ESCALATION_COMMITTEE, D(2020, 3, 20))]
    assert len({s.track for s in got}) == len(got)

    log = run_daily(late, POLICY, WEEKDAYS, D(2020, 2, 20), D(2020, 3, 31), down=down)
    keys = [key for _, key in log]
    assert "overdue-2" not in keys                       # superseded by overdue-3
    assert [k for d, k in log if d == monday] == ["overdue-3", ESCALATION_COMMITTEE]
    assert (D(2020, 3, 24), "overdue-4") in log          # the cadence goes on
    assert len(set(keys)) == len(keys)

    # Done during the downtime: nothing at all.
    done = Item(due=D(2020, 3, 6), status="done")
    assert due_steps(done, POLICY, WEEKDAYS, monday, sent) == []


def test_no_before_steps_once_overdue():
    item = Item(due=D(2020, 3, 27), status="in_progress")
    # Down the whole week before the deadline; the first run is on Monday 30.
    got = due_steps(item, POLICY, WEEKDAYS, D(2020, 3, 30), set())
    assert got == []
    got = due_steps(item, POLICY, WEEKDAYS, D(2020, 4, 1), set())
    # The agency was never told: its head hears of it only once it has been (next run).
    assert [s.key for s in got] == ["overdue-1"]
    got = due_steps(item, POLICY, WEEKDAYS, D(2020, 4, 2), {"overdue-1"})
    assert [s.key for s in got] == [ESCALATION_HEAD]
    # A policy that escalates regardless sends both the same morning.
    eager = POLICY.merged({"escalate_unreminded": True})
    assert [s.key for s in due_steps(item, eager, WEEKDAYS, D(2020, 4, 1), set())] == [
        "overdue-1", ESCALATION_HEAD]
    # On the due day itself the item is not yet overdue.
    assert [s.key for s in due_steps(item, POLICY, WEEKDAYS, D(2020, 3, 27), set())] == [
        DUE_DAY]


def test_sent_keys_are_not_repeated_and_an_earlier_step_is_not_sent_after_a_later_one():
    item = Item(due=D(2020, 3, 27), status="in_progress")
    today = D(2020, 3, 26)
    assert [s.key for s in due_steps(item, POLICY, WEEKDAYS, today, set())] == ["before-1"]
    assert due_steps(item, POLICY, WEEKDAYS, today, {"before-1"}) == []
    # before-3 was never sent, but before-1 was: before-3 is superseded for good.
    assert due_steps(item, POLICY, WEEKDAYS, today, {"before-1", "before-7"}) == []


def test_a_changed_due_date_moves_the_steps():
    old = Item(due=D(2020, 3, 27), status="in_progress")
    new = Item(due=D(2020, 4, 10), status="in_progress")
    before_old = days(schedule(old, POLICY, WEEKDAYS, until=D(2020, 12, 31)))
    before_new = days(schedule(new, POLICY, WEEKDAYS, until=D(2020, 12, 31)))
    assert before_new["before-3"] == D(2020, 4, 7) != before_old["before-3"]
    assert before_new[ESCALATION_HEAD] == D(2020, 4, 15)
    assert before_new[ESCALATION_COMMITTEE] == D(2020, 4, 24)

    # before-7 and before-3 went out for the old date; then the deadline is extended.
    sent = {"before-7", "before-3"}
    fresh = forget_on_due_change(sent | {ESCALATION_HEAD, "checkin-2020-06-14"})
    assert fresh == {ESCALATION_HEAD, "checkin-2020-06-14"}
    assert [s.key for s in due_steps(new, POLICY, WEEKDAYS, D(2020, 4, 7),
                                     forget_on_due_change(sent))] == ["before-3"]
    # Keeping the old ledger, the keys already sent stay sent; the rest follow the new date.
    assert due_steps(new, POLICY, WEEKDAYS, D(2020, 4, 7), sent) == []
    assert [s.key for s in due_steps(new, POLICY, WEEKDAYS, D(2020, 4, 9), sent)] == [
        "before-1"]
    # Nothing is owed on the old dates any more (old before-1, due day, overdue-1).
    assert before_old["overdue-1"] == D(2020, 4, 1) == before_new["before-7"]
    for old_day in (D(2020, 3, 26), D(2020, 3, 27)):
        assert due_steps(new, POLICY, WEEKDAYS, old_day, set()) == []
    assert [s.key for s in due_steps(new, POLICY, WEEKDAYS, D(2020, 4, 1), set())] == [
        "before-7"]


@pytest.mark.parametrize("status", ["done", "cancelled", "paused"])
def test_done_cancelled_and_paused_items_get_nothing(status):
    item = Item(due=D(2020, 3, 27), status=status, continuous=True,
                cutoffs=(D(2020, 6, 14),))
    assert schedule(item, POLICY, WEEKDAYS, until=D(2020, 12, 31)) == []
    for today in (D(2020, 3, 24), D(2020, 3, 27), D(2020, 4, 1), D(2020, 6, 10),
                  D(2020, 12, 31)):
        assert due_steps(item, POLICY, WEEKDAYS, today, set()) == []


def test_no_due_date_and_not_continuous_means_no_steps():
    item = Item(due=None, status="not_started")
    assert schedule(item, POLICY, WEEKDAYS, until=D(2030, 1, 1)) == []
    assert due_steps(item, POLICY, WEEKDAYS, D(2020, 6, 1), set()) == []


def test_unknown_status_is_refused():
    with pytest.raises(ValueError, match="finished"):
        Item(due=None, status="finished")
    assert set(STATUSES) == {"not_started", "in_progress", "done", "paused", "cancelled"}


# --- continuous items ---------------------------------------------------------------------


def test_continuous_check_ins_before_each_cutoff():
    cutoffs = (D(2017, 6, 14), D(2017, 10, 14), D(2017, 12, 14))   # Wed, Sat, Thu
    item = Item(due=None, status="in_progress", continuous=True, cutoffs=cutoffs)
    steps = schedule(item, POLICY, WEEKDAYS, until=D(2017, 12, 31))
    assert [(s.key, s.scheduled, s.cutoff) for s in steps] == [
        ("checkin-2017-06-14", D(2017, 6, 9), D(2017, 6, 14)),
        ("checkin-2017-10-14", D(2017, 10, 11), D(2017, 10, 14)),
        ("checkin-2017-12-14", D(2017, 12, 11), D(2017, 12, 14)),
    ]
    assert {s.track for s in steps} == {CHECKIN}
    assert [s.key for s in due_steps(item, POLICY, WEEKDAYS, D(2017, 6, 9), set())] == [
        "checkin-2017-06-14"]
    # A reported cut-off is not asked for again.
    reported = Item(due=None, status="in_progress", continuous=True, cutoffs=cutoffs,
                    checkins_done=frozenset({D(2017, 6, 14)}))
    assert due_steps(reported, POLICY, WEEKDAYS, D(2017, 6, 9), set()) == []
    # Down from June to mid-December: only the latest request goes out.
    got = due_steps(item, POLICY, WEEKDAYS, D(2017, 12, 12), {"checkin-2017-06-14"})
    assert [s.key for s in got] == ["checkin-2017-12-14"]
    # Check-in on the cut-off day itself (or the working day before it).
    on_day = ReminderPolicy(checkin_before=0)
    assert days(schedule(item, on_day, WEEKDAYS, until=D(2017, 12, 31)))[
        "checkin-2017-10-14"] == D(2017, 10, 13)


def test_cutoffs_are_ignored_for_items_that_are_not_continuous():
    item = Item(due=None, status="in_progress", cutoffs=(D(2017, 6, 14),))
    assert schedule(item, POLICY, WEEKDAYS, until=D(2017, 12, 31)) == []


def test_a_continuous_item_with_a_due_date_has_both():
    item = Item(due=D(2020, 12, 31), status="in_progress", continuous=True,
                cutoffs=(D(2020, 12, 14),))
    got = due_steps(item, POLICY, WEEKDAYS, D(2020, 12, 22), set())
    assert [s.key for s in got] == ["before-7", "checkin-2020-12-14"]


# --- the policy ---------------------------------------------------------------------------


def test_policy_defaults():
    assert POLICY.before_offsets == (7, 3, 1, 0)
    assert POLICY.send_at == time(7, 30) and POLICY.digest_at == time(8, 0)
    assert (POLICY.overdue_every, POLICY.escalate_head_after,
            POLICY.escalate_committee_after) == (3, 3, 10)
    assert POLICY.digest_weekday == 0 and POLICY.checkin_before == 3


@pytest.mark.parametrize("kwargs, message", [
    ({"before_offsets": (7, 3, 3)}, "repeat"),
    ({"before_offsets": (7, -1)}, "before_offsets"),
    ({"before_offsets": (7, 1.5)}, "before_offsets"),
    ({"before_offsets": "7,3"}, "before_offsets"),
    ({"overdue_every": 0}, "overdue_every"),
    ({"overdue_every": True}, "overdue_every"),
    ({"escalate_head_after": 0}, "escalate_head_after"),
    ({"escalate_head_after": 10}, "later than"),
    ({"escalate_committee_after": 2}, "later than"),
    ({"digest_weekday": 7}, "digest_weekday"),
    ({"digest_weekday": -1}, "digest_weekday"),
    ({"checkin_before": -1}, "checkin_before"),
    ({"send_at": "07:30"}, "send_at"),
    ({"digest_at": time(8, 0, tzinfo=UTC)}, "time zone"),
])
def test_policy_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ReminderPolicy(**kwargs)


def test_offsets_are_normalised():
    policy = ReminderPolicy(before_offsets=[0, 1, 5])
    assert policy.before_offsets == (5, 1, 0)
    assert policy == ReminderPolicy(before_offsets=(5, 0, 1))
    assert hash(policy) == hash(ReminderPolicy(before_offsets=(1, 0, 5)))
    assert ReminderPolicy(before_offsets=()).before_offsets == ()


def test_merged_applies_per_plan_overrides():
    plan = POLICY.merged({"overdue_every": 5, "send_at": "06:45", "before_offsets": [10, 0]})
    assert plan.overdue_every == 5 and plan.send_at == time(6, 45)
    assert plan.before_offsets == (10, 0)
    assert plan.escalate_committee_after == 10                     # untouched
    assert POLICY.overdue_every == 3                               # the defaults are intact
    assert POLICY.merged({}) == POLICY
    assert POLICY.merged({"digest_at": time(9, 0)}).digest_at == time(9, 0)
    # Overrides apply on top of another policy, not of the defaults.
    assert plan.merged({"escalate_head_after": 4}).overdue_every == 5


def test_merged_refuses_unknown_keys_and_bad_values():
    with pytest.raises(ValueError, match="overdue_evry"):
        POLICY.merged({"overdue_evry": 5})
    with pytest.raises(ValueError, match="send_at"):
        POLICY.merged({"send_at": "half past seven"})
    with pytest.raises(ValueError, match="later than"):
        POLICY.merged({"escalate_head_after": 15})
    assert POLICY.merged({"escalate_head_after": 15,
                          "escalate_committee_after": 20}).escalate_head_after == 15


def test_policy_round_trips_through_json():
    assert POLICY.as_dict() == {
        "before_offsets": [7, 3, 1, 0], "send_at": "07:30", "overdue_every": 3,
        "escalate_head_after": 3, "escalate_committee_after": 10, "digest_weekday": 0,
        "digest_at": "08:00", "checkin_before": 3, "escalate_unreminded": False}
    custom = ReminderPolicy(before_offsets=(5, 2), send_at=time(6, 15, 30), overdue_every=2,
                            escalate_head_after=2, escalate_committee_after=6,
                            digest_weekday=4, digest_at=time(16, 0), checkin_before=0)
    for policy in (POLICY, custom):
        assert ReminderPolicy.from_dict(json.loads(json.dumps(policy.as_dict()))) == policy
    assert ReminderPolicy.from_dict({}) == POLICY
    assert ReminderPolicy.from_dict({"overdue_every": 4}).overdue_every == 4
    with pytest.raises(ValueError, match="colour"):
        ReminderPolicy.from_dict({"colour": "red"})


def test_keys_and_tracks():
    assert track_of("before-0") == BEFORE and track_of("overdue-12") == OVERDUE
    assert track_of("escalation_head") == ESCALATION_HEAD
    assert track_of("escalation_committee") == ESCALATION_COMMITTEE
    assert track_of("checkin-2017-06-14") == CHECKIN
    with pytest.raises(ValueError):
        track_of("reminder-3")


# --- the real working calendar ------------------------------------------------------------


def test_with_the_real_working_calendar():
    calendar = WorkingCalendar()
    due = calendar.next_working_day(D(2020, 3, 25))
    item = Item(due=due, status="in_progress")
    steps = schedule(item, POLICY, calendar, until=due + timedelta(days=60))
    for step in steps:
        assert calendar.is_working_day(step.scheduled)
        if step.track == BEFORE and step.number:
            assert calendar.working_days_between(step.scheduled, due) == step.number
        elif step.track == BEFORE:
            assert step.scheduled == due
        elif step.track == OVERDUE:
            assert calendar.working_days_between(due, step.scheduled) == 3 * step.number
        elif step.track == ESCALATION_HEAD:
            assert calendar.working_days_between(due, step.scheduled) == 3
        elif step.track == ESCALATION_COMMITTEE:
            assert calendar.working_days_between(due, step.scheduled) == 10
    assert {s.key for s in steps} >= {"before-7", "before-3", "before-1", DUE_DAY,
                                       "overdue-1", ESCALATION_HEAD, ESCALATION_COMMITTEE}
    sunday = Item(due=D(2020, 3, 29), status="in_progress")
    got = days(schedule(sunday, POLICY, calendar, until=D(2020, 3, 29)))
    assert got[DUE_DAY] == calendar.previous_working_day(D(2020, 3, 29))
    log = run_daily(item, POLICY, calendar, due - timedelta(days=20), due + timedelta(days=60))
    assert len({key for _, key in log}) == len(log)


# --- properties ---------------------------------------------------------------------------

START = D(2020, 1, 1)


@st.composite
def calendars(draw):
    offsets = draw(st.sets(st.integers(0, 200), max_size=12))
    return StandInCalendar({START + timedelta(days=o) for o in offsets})


@st.composite
def policies(draw):
    head = draw(st.integers(1, 6))
    return ReminderPolicy(
        before_offsets=tuple(draw(st.sets(st.integers(0, 10), max_size=5))),
        overdue_every=draw(st.integers(1, 5)),
        escalate_head_after=head,
        escalate_committee_after=draw(st.integers(head + 1, head + 12)),
        checkin_before=draw(st.integers(0, 5)),
        escalate_unreminded=draw(st.booleans()))


@st.composite
def items(draw):
    when = st.integers(0, 200).map(lambda o: START + timedelta(days=o))
    continuous = draw(st.booleans())
    cutoffs = tuple(draw(st.sets(when, max_size=4))) if continuous else ()
    done = frozenset(draw(st.sets(st.sampled_from(cutoffs)))) if cutoffs else frozenset()
    return Item(due=draw(st.none() | when), status=draw(st.sampled_from(STATUSES)),
                continuous=continuous, cutoffs=cutoffs, checkins_done=done,
                tracking_from=draw(st.none() | when))


@settings(max_examples=300, deadline=None)
@given(calendars(), policies(), items(), st.integers(0, 260), st.data())
def test_due_steps_never_repeat_never_double_a_track_and_stay_on_working_days(
        calendar, policy, item, day, data):
    today = START + timedelta(days=day)
    possible = [s.key for s in schedule(item, policy, calendar, until=today)]
    sent = set(data.draw(st.sets(st.sampled_from(possible)) if possible else st.just(set())))
    got = due_steps(item, policy, calendar, today, sent)
    assert not any(s.key in sent for s in got)
    assert len({s.track for s in got}) == len(got)
    for s in got:
        assert s.scheduled <= today
        assert calendar.is_working_day(s.scheduled)
        assert s.track in TRACKS and isinstance(s, Step)
        if s.track == BEFORE:
            assert item.due is not None and today <= item.due
        if item.tracking_from is not None:      # nothing owed for the time before tracking
            assert s.scheduled >= item.tracking_from
            assert s.cutoff is None or s.cutoff >= item.tracking_from
    if not item.active:
        assert got == []


@settings(max_examples=100, deadline=None)
@given(calendars(), policies(), items(), st.sets(st.integers(0, 260), max_size=60))
def test_daily_runs_send_each_key_at_most_once_and_lose_nothing_without_downtime(
        calendar, policy, item, down_offsets):
    last = START + timedelta(days=260)
    down = {START + timedelta(days=o) for o in down_offsets}
    log = run_daily(item, policy, calendar, START - timedelta(days=30), last, down=down)
    keys = [key for _, key in log]
    assert len(set(keys)) == len(keys)
    if down:
        return
    # Every day up: each scheduled step goes out on its own day, unless two steps of one
    # track share a day (then the later one supersedes the other).
    steps = schedule(item, policy, calendar, until=last)
    assume(len({(s.track, s.scheduled) for s in steps}) == len(steps))
    assume(all(s.scheduled >= START - timedelta(days=30) for s in steps))
    # An escalation waits for a run after the agency's first reminder or notice.
    first_notice = min((s.scheduled for s in steps if s.track in (BEFORE, OVERDUE)), default=None)
    expected = []
    for s in steps:
        day = s.scheduled
        if s.track in (ESCALATION_HEAD, ESCALATION_COMMITTEE) and not policy.escalate_unreminded:
            assert first_notice is not None          # an escalation follows an overdue notice
            day = max(day, calendar.add_working_days(first_notice, 1))
        if day <= last:
            expected.append((day, s.key))
    assert sorted(log) == sorted(expected)
