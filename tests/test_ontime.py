"""The four official on-time categories, at their boundaries, and the tracked items they judge."""

from datetime import UTC, date, datetime

import pytest

from tracker.scheduling.ontime import DONE_LATE, DONE_ON_TIME, OVERDUE, PENDING_ON_TIME, OnTime, classify

DUE = date(2020, 3, 31)
TZ = "Asia/Ho_Chi_Minh"


@pytest.mark.parametrize("status, done_on, today, expected, days", [
    ("done", date(2020, 3, 31), date(2020, 6, 1), DONE_ON_TIME, 0),       # on the due day: on time
    ("done", date(2020, 1, 2), date(2020, 1, 3), DONE_ON_TIME, 0),
    ("done", date(2020, 4, 1), date(2020, 6, 1), DONE_LATE, 1),           # the day after: late
    ("done", date(2020, 5, 1), date(2020, 5, 1), DONE_LATE, 31),
    ("not_started", None, date(2020, 3, 31), PENDING_ON_TIME, 0),         # due today, not yet late
    ("in_progress", None, date(2020, 1, 1), PENDING_ON_TIME, 0),
    ("in_progress", None, date(2020, 4, 1), OVERDUE, 1),
    ("not_started", None, date(2020, 12, 31), OVERDUE, 275),
])
def test_categories(status, done_on, today, expected, days):
    result = classify(status, DUE, done_on, today)
    assert result.category == expected and result.days_late == days


@pytest.mark.parametrize("status, due", [
    ("in_progress", None),          # continuous / event / external: no due date
    ("done", None),
    ("paused", DUE),                # paused or cancelled by the plan author
    ("cancelled", DUE),
])
def test_not_counted(status, due):
    assert classify(status, due, None, date(2020, 6, 1)) is None


def test_done_without_a_completion_date_counts_as_done_today():
    assert classify("done", DUE, None, date(2020, 3, 30)).category == DONE_ON_TIME
    assert classify("done", DUE, None, date(2020, 4, 2)).category == DONE_LATE


# ---- tracked items: the one rule every list, count and message uses ----

def _assignment(status="in_progress", due=DUE, completed_at=None, original_due=None, occurrences=()):
    from tracker.models import Assignment, Deadline
    return Assignment(status=status, completed_at=completed_at, original_due=original_due,
                      deadline=Deadline(text="Trong quý I/2020", kind="date", due=due),
                      occurrences=list(occurrences))


def _occurrence(label, due, status="not_started", completed_at=None, original_due=None):
    from tracker.models import Occurrence
    return Occurrence(period="semiannual", label=label, due=due, status=status, completed_at=completed_at,
                      original_due=original_due)


def test_a_recurring_assignment_is_one_item_per_period_each_judged_on_its_own():
    from tracker.plans.tracked import tracked_items
    first = _occurrence("6 tháng đầu năm 2020", date(2020, 6, 15), "done",
                        completed_at=datetime(2020, 6, 10, 3, 0, tzinfo=UTC))
    second = _occurrence("Năm 2020", date(2020, 12, 15))
    items = tracked_items(_assignment(occurrences=[first, second]))
    assert [i.label for i in items] == ["6 tháng đầu năm 2020", "Năm 2020"]
    assert [i.on_time(date(2020, 12, 20), TZ).category for i in items] == [DONE_ON_TIME, OVERDUE]
    # An assignment without periods is one item, due on its deadline.
    single = tracked_items(_assignment())
    assert len(single) == 1 and single[0].due == DUE and single[0].label == "Trong quý I/2020"


def test_an_item_done_after_the_day_it_is_judged_on_was_not_yet_done_that_day():
    from tracker.plans.tracked import TrackedItem
    # Done at 23:30 UTC on 31/3 is 1 April in Việt Nam: late, and on 31/3 still in progress.
    item = TrackedItem(_assignment("done", completed_at=datetime(2020, 3, 31, 23, 30, tzinfo=UTC)))
    assert item.completed_on(TZ) == date(2020, 4, 1)
    assert item.on_time(date(2020, 6, 1), TZ) == OnTime(DONE_LATE, 1)
    assert item.status_on(date(2020, 3, 31), TZ) == "in_progress"
    assert item.on_time(date(2020, 3, 31), TZ) == OnTime(PENDING_ON_TIME)


def test_an_extended_item_is_judged_by_its_working_date_in_lists_and_by_the_plans_date_in_statistics():
    from tracker.plans.tracked import TrackedItem
    item = TrackedItem(_assignment(due=date(2020, 4, 30), original_due=DUE))
    assert item.extended and item.plan_due == DUE and item.due == date(2020, 4, 30)
    assert item.on_time(date(2020, 4, 10), TZ).category == PENDING_ON_TIME
    assert item.on_time(date(2020, 4, 10), TZ, plan_date=True) == OnTime(OVERDUE, 10)


def test_a_recurring_assignment_paused_or_cancelled_as_a_whole_pauses_or_cancels_its_periods():
    from tracker.plans.tracked import tracked_items
    first = _occurrence("Quý I/2020", date(2020, 3, 20))
    items = tracked_items(_assignment(status="cancelled", occurrences=[first]))
    assert [i.status for i in items] == ["cancelled"]
    assert items[0].on_time(date(2020, 6, 1), TZ) is None          # out of the statistics
    items = tracked_items(_assignment(status="in_progress", occurrences=[first]))
    assert items[0].on_time(date(2020, 6, 1), TZ).category == OVERDUE
