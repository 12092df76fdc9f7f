"""A tracked item: one thing an owner answers for, and whether it is on time.

An assignment without reporting periods is one item; a recurring assignment ("Định kỳ 6
tháng, năm") is one item per occurrence. Every list, count, page and message expands
assignments with ``tracked_items`` and judges each item with ``TrackedItem.on_time``, so
the plan page, the work lists, the dashboard, the CLI and the leadership digest agree
(docs/domain.md, "On-time categories"):

* Judged on a day: an item reported done after that day was not yet done on it.
* Against which date: pages, lists and reminders judge against the working due date (an
  approved extension moves it); statistics judge against the plan's own date
  (``plan_due``) and count the extension in a column of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import overload
from zoneinfo import ZoneInfo

from ..models import CANCELLED, DONE, IN_PROGRESS, PAUSED, Assignment, Occurrence
from ..scheduling.ontime import OnTime, classify


@overload
def local_date(moment: datetime, tz: str) -> date: ...
@overload
def local_date(moment: datetime | None, tz: str) -> date | None: ...


def local_date(moment: datetime | None, tz: str) -> date | None:
    """A stored timestamp's calendar day in the time zone ``tz`` (None stays None)."""
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(tz)).date()    # aware: models.base.UTCDateTime


@dataclass(frozen=True)
class TrackedItem:
    """An assignment, or one occurrence (reporting period) of a recurring assignment."""

    assignment: Assignment
    occurrence: Occurrence | None = None

    @property
    def source(self) -> Assignment | Occurrence:
        """The row that holds this item's status, completion and extension."""
        return self.occurrence if self.occurrence is not None else self.assignment

    @property
    def status(self) -> str:
        """Its own status; but a recurring assignment paused or cancelled as a whole pauses or
        cancels every one of its periods."""
        if self.occurrence is not None and self.assignment.status in (PAUSED, CANCELLED):
            return self.assignment.status
        return self.source.status

    @property
    def due(self) -> date | None:
        """The working due date (after an approved extension)."""
        return self.occurrence.due if self.occurrence is not None else self.assignment.deadline.due

    @property
    def plan_due(self) -> date | None:
        """The plan's own date: what statistics judge against."""
        return self.source.original_due or self.due

    @property
    def extended(self) -> bool:
        """An approved extension moved the due date."""
        return self.source.original_due is not None

    @property
    def label(self) -> str:
        """The period's label ("6 tháng đầu năm 2017") or the deadline as the plan wrote it."""
        return self.occurrence.label if self.occurrence is not None else (self.assignment.deadline.text or "")

    def completed_on(self, tz: str) -> date | None:
        """The local day it was reported done (kept as the first time it was done)."""
        return local_date(self.source.completed_at, tz)

    def status_on(self, day: date, tz: str) -> str:
        """The status as it stood on ``day``: done later counts as in progress."""
        completed = self.completed_on(tz)
        if self.status == DONE and completed is not None and completed > day:
            return IN_PROGRESS
        return self.status

    def on_time(self, day: date, tz: str, *, plan_date: bool = False) -> OnTime | None:
        """The on-time category on ``day``, against the working due date or (``plan_date``)
        the plan's own; None when the item is not counted (no due date, paused, cancelled)."""
        return classify(self.status_on(day, tz), self.plan_due if plan_date else self.due,
                        self.completed_on(tz), day)


def tracked_items(assignment: Assignment) -> list[TrackedItem]:
    """The items of an assignment: one per occurrence, or the assignment itself."""
    if assignment.occurrences:
        return [TrackedItem(assignment, occurrence) for occurrence in assignment.occurrences]
    return [TrackedItem(assignment)]
