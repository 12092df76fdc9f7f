"""The four official on-time categories, at their boundaries."""

from datetime import date

import pytest

from tracker.scheduling.ontime import DONE_LATE, DONE_ON_TIME, OVERDUE, PENDING_ON_TIME, classify

DUE = date(2020, 3, 31)


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
