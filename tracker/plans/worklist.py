"""An officer's work list ("Việc của tôi"): what is overdue, due this week, due this month,
and which continuous tasks are waiting for this period's check-in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

from ..models import IN_PROGRESS, NOT_STARTED
from ..scheduling.ontime import OVERDUE
from .queries import DueItem, due_items, local_date

OPEN = (NOT_STARTED, IN_PROGRESS)


@dataclass
class WorkList:
    overdue: list[DueItem] = field(default_factory=list)
    this_week: list[DueItem] = field(default_factory=list)
    this_month: list[DueItem] = field(default_factory=list)
    checkins: list[tuple[DueItem, object]] = field(default_factory=list)   # (item, reporting period)
    returned: list[DueItem] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.this_week or self.this_month or self.checkins or self.returned)


def work_list(session: Session, agency_ids: list[int], today: date, tz: str, reporting,
              checkin_periods: tuple[str, ...]) -> WorkList:
    """Weeks end on Sunday; "this month" is what falls due after this week and by the month's end."""
    result = WorkList()
    if not agency_ids:
        return result
    week_end = today + timedelta(days=6 - today.weekday())
    month_end = date(today.year + (today.month == 12), today.month % 12 + 1, 1) - timedelta(days=1)
    for item in due_items(session, today, tz, agency_ids=agency_ids):
        if item.status not in OPEN:
            continue
        if item.assignment.returned and item.occurrence is None:
            result.returned.append(item)
        if item.on_time is not None and item.on_time.category == OVERDUE:
            result.overdue.append(item)
        elif item.due is not None and item.due <= week_end:
            result.this_week.append(item)
        elif item.due is not None and item.due <= month_end:
            result.this_month.append(item)
        elif item.due is None and item.assignment.deadline.kind == "continuous":
            period = _current_period(item, reporting, checkin_periods, today)
            if period is not None and not _reported_in(item, period, tz):
                result.checkins.append((item, period))
    result.overdue.sort(key=lambda i: i.due)
    return result


def _current_period(item: DueItem, reporting, checkin_periods, today: date):
    year = item.assignment.task.plan.year
    periods = reporting.occurrences(checkin_periods, year) if checkin_periods else []
    return next((p for p in periods if p.start <= today <= p.due), None)


def _reported_in(item: DueItem, period, tz: str) -> bool:
    return any(period.start <= (local_date(h.changed_at, tz) or date.min) <= period.due
               for h in item.assignment.history if h.kind == "report")


__all__ = ["WorkList", "work_list"]
