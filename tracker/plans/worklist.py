"""An officer's work list ("Việc của tôi").

The page answers "what do I owe, and by when": outputs sent back first, then what is
overdue, due this week, due this month, coming up in the next few months, the continuous
tasks waiting for this period's check-in, and finally every open item of the officer's
agencies, dated or not, so that nothing open is ever out of sight (an item extended into
next year, a "Thường xuyên" task already reported this period, an event-driven one).

Each open item lands in at most one of the upper sections (a returned item only under
"Kết quả bị trả lại"); the complete list repeats them all. Everything the rows show
(pending extension requests, reported progress, why an output was sent back, whether a
continuous task was reported this period) is loaded in two batched queries, not per item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import IN_PROGRESS, NOT_STARTED, PENDING, PLAN_ARCHIVED, ExtensionRequest, StatusChange
from ..scheduling.ontime import OVERDUE
from .queries import DueItem, due_items
from .tracked import local_date

#: what the officer still has to act on (paused and cancelled items wait on the plan author)
OPEN = (NOT_STARTED, IN_PROGRESS)
#: "Sắp đến hạn" looks this many calendar months past the current one (June: July to September)
AHEAD_MONTHS = 3


@dataclass
class WorkItem:
    """One row of the page: an open item and what the officer needs to see about it."""

    item: DueItem
    #: the progress last reported (None until a report gave one)
    progress: int | None = None
    #: the date asked for by an extension request still waiting for the author's decision
    extension_to: date | None = None
    #: why the plan author sent the output back (returned items only)
    returned_reason: str | None = None
    #: the check-in period a continuous task is waiting on (check-ins only)
    period: object | None = None

    @property
    def assignment(self):
        return self.item.assignment

    @property
    def occurrence(self):
        return self.item.occurrence

    @property
    def due(self) -> date | None:
        return self.item.due

    @property
    def status(self) -> str:
        return self.item.status

    @property
    def label(self) -> str:
        return self.item.label

    @property
    def days_late(self) -> int | None:
        """Days past the due date when overdue, else None."""
        standing = self.item.standing
        return standing.days_late if standing is not None and standing.category == OVERDUE else None

    @property
    def original_due(self) -> date | None:
        """The plan's own date, when an approved extension moved it."""
        return self.item.source.original_due


@dataclass
class WorkList:
    """The page's sections; ``everything`` is the complete list of open items."""

    returned: list[WorkItem] = field(default_factory=list)
    overdue: list[WorkItem] = field(default_factory=list)
    this_week: list[WorkItem] = field(default_factory=list)
    this_month: list[WorkItem] = field(default_factory=list)
    upcoming: list[WorkItem] = field(default_factory=list)
    checkins: list[WorkItem] = field(default_factory=list)
    everything: list[WorkItem] = field(default_factory=list)
    #: the last day "Sắp đến hạn" covers
    upcoming_until: date | None = None
    #: open items due after ``upcoming_until`` (listed only in ``everything``)
    later: int = 0
    #: open items without a due date (continuous, event-driven, external, unread)
    undated: int = 0

    @property
    def pressing(self) -> bool:
        """Anything in the sections above the complete list."""
        return bool(self.returned or self.overdue or self.this_week or self.this_month
                    or self.upcoming or self.checkins)

    @property
    def empty(self) -> bool:
        return not self.everything


def month_end(day: date, months_ahead: int = 0) -> date:
    """The last day of the month ``months_ahead`` months after ``day``'s."""
    index = day.year * 12 + day.month - 1 + months_ahead + 1     # the month after that one
    return date(index // 12, index % 12 + 1, 1) - timedelta(days=1)


def work_list(session: Session, agency_ids: list[int], today: date, tz: str, reporting,
              checkin_periods: tuple[str, ...], ahead_months: int = AHEAD_MONTHS) -> WorkList:
    """Weeks end on Sunday; "this month" is what falls due after this week and by the month's
    end; "Sắp đến hạn" what falls due after that and by the end of the
    ``ahead_months``-th month after this one. Items of archived plans are left out, as
    reminders and calendars leave them out."""
    upcoming_until = month_end(today, ahead_months)
    result = WorkList(upcoming_until=upcoming_until)
    if not agency_ids:
        return result
    week_end = today + timedelta(days=6 - today.weekday())
    this_month_end = month_end(today)
    items = [WorkItem(i) for i in due_items(session, today, tz, agency_ids=agency_ids)
             if i.status in OPEN and i.assignment.task.plan.status != PLAN_ARCHIVED]
    result.everything = items
    if not items:
        return result
    history = _history(session, {w.assignment.id for w in items})
    pending = _pending_extensions(session, {w.assignment.id for w in items})
    returned = _returned(items, history)

    for work in items:
        key = (work.assignment.id, work.occurrence.id if work.occurrence else None)
        work.extension_to = pending.get(key)
        work.progress = _progress(work, history.get(work.assignment.id, ()))
        if key in returned:
            work.returned_reason = returned[key]
            result.returned.append(work)
        elif work.days_late is not None:
            result.overdue.append(work)
        elif work.due is not None and work.due <= week_end:
            result.this_week.append(work)
        elif work.due is not None and work.due <= this_month_end:
            result.this_month.append(work)
        elif work.due is not None and work.due <= upcoming_until:
            result.upcoming.append(work)
        elif work.due is not None:
            result.later += 1
        elif work.assignment.deadline.kind == "continuous":
            period = _current_period(work, reporting, checkin_periods, today)
            if period is not None and not _reported_in(history.get(work.assignment.id, ()), period, tz):
                work.period = period
                result.checkins.append(work)
        if work.due is None:
            result.undated += 1
    # Most overdue first; the rest come in due-date order from due_items.
    result.overdue.sort(key=lambda w: (w.due, w.assignment.id))
    return result


@dataclass(frozen=True)
class _Entry:
    """The little of a history entry the page needs."""

    id: int
    occurrence_id: int | None
    kind: str
    changed_at: datetime
    progress: int | None
    comment: str


def _history(session: Session, assignment_ids: set[int]) -> dict[int, list[_Entry]]:
    """Reports and returned outputs of the listed assignments, oldest first, in one query."""
    rows = session.execute(
        select(StatusChange.assignment_id, StatusChange.id, StatusChange.occurrence_id, StatusChange.kind,
               StatusChange.changed_at, StatusChange.progress, StatusChange.comment)
        .where(StatusChange.assignment_id.in_(assignment_ids), StatusChange.kind.in_(("report", "returned")))
        .order_by(StatusChange.id))
    found: dict[int, list[_Entry]] = {}
    for assignment_id, change_id, occurrence_id, kind, changed_at, progress, comment in rows:
        found.setdefault(assignment_id, []).append(
            _Entry(change_id, occurrence_id, kind, changed_at, progress, comment))
    return found


def _pending_extensions(session: Session, assignment_ids: set[int]) -> dict[tuple[int, int | None], date]:
    """(assignment, occurrence) -> the date asked for, for requests awaiting a decision."""
    rows = session.execute(
        select(ExtensionRequest.assignment_id, ExtensionRequest.occurrence_id, ExtensionRequest.requested_due)
        .where(ExtensionRequest.assignment_id.in_(assignment_ids), ExtensionRequest.state == PENDING)
        .order_by(ExtensionRequest.id))
    return {(assignment_id, occurrence_id): wanted for assignment_id, occurrence_id, wanted in rows}


def _returned(items: list[WorkItem], history: dict[int, list[_Entry]]) -> dict[tuple[int, int | None], str]:
    """(assignment, occurrence) -> the author's reason, for the outputs sent back and not yet
    answered. The flag is the assignment's (any new report clears it); which of a recurring
    assignment's periods was sent back is in its history, after the last report."""
    found: dict[tuple[int, int | None], str] = {}
    seen: set[int] = set()
    for work in items:
        a = work.assignment
        if not a.returned or a.id in seen:
            continue
        seen.add(a.id)
        unanswered: dict[int | None, str] = {}
        for entry in history.get(a.id, ()):
            if entry.kind == "report":
                unanswered.clear()
            else:
                unanswered[entry.occurrence_id] = entry.comment
        if not a.occurrences:
            found[(a.id, None)] = unanswered.get(None, "")
        else:
            found.update({(a.id, occurrence_id): reason for occurrence_id, reason in unanswered.items()
                          if occurrence_id is not None})
    return found


def _progress(work: WorkItem, entries) -> int | None:
    """The progress as it stands, once a report gave one (a plain assignment keeps it on its
    row, lowered when an output is sent back; a period keeps it in its reports)."""
    occurrence_id = work.occurrence.id if work.occurrence else None
    given = [e.progress for e in entries if e.kind == "report" and e.occurrence_id == occurrence_id
             and e.progress is not None]
    if not given:
        return None
    return work.assignment.progress if occurrence_id is None else given[-1]


def _current_period(work: WorkItem, reporting, checkin_periods, today: date):
    year = work.assignment.task.plan.year
    periods = reporting.occurrences(checkin_periods, year) if checkin_periods else []
    return next((p for p in periods if p.start <= today <= p.due), None)


def _reported_in(entries, period, tz: str) -> bool:
    return any(period.start <= (local_date(e.changed_at, tz) or date.min) <= period.due
               for e in entries if e.kind == "report")


__all__ = ["AHEAD_MONTHS", "OPEN", "WorkItem", "WorkList", "month_end", "work_list"]
