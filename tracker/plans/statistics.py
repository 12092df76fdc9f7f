"""On-time statistics by agency for the leadership dashboard (docs/domain.md, "On-time
categories"). Pure: a session in, numbers out; no Flask.

What is counted
  Every assignment without occurrences, and every occurrence of a recurring assignment (one
  item each), whose due date falls in the period. Items ``classify`` leaves out (no due date:
  continuous, event, external; paused or cancelled) are not counted.

Against which date
  The plan's own date: ``original_due`` when an approved extension moved the working due
  date, else the due date. The period window applies to the same date. Extended items are
  counted again in their own column, so an extension shows instead of hiding a late item.

As of which day
  Statuses are the current ones, except that an item completed after the as-of day counts as
  not yet done on that day; escalations planned after it are ignored.

Open escalations
  Items (each counted once) an escalation message was planned for, to the agency head or the
  issuing committee, that are still overdue on the as-of day judged against the working due
  date: an approved extension answers an escalation. So they are a subset of the overdue column.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import COORDINATE, DONE, IN_PROGRESS, LEAD, Assignment, OutboxItem, OutboxMessage, Task
from ..reading.text import fold
from ..scheduling.ontime import DONE_LATE, DONE_ON_TIME, OVERDUE, PENDING_ON_TIME, classify
from .queries import local_date

ESCALATION_KINDS = ("escalation_head", "escalation_committee")   # lowest level first


@dataclass(frozen=True)
class Period:
    """A window on the due date, both ends included; an open end is None."""

    start: date | None = None
    end: date | None = None

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise ValueError(f"quarter {quarter} is not 1-4")
        return cls(date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(date(year, month, 1), _month_end(year, month))

    def contains(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def _month_end(year: int, month: int) -> date:
    first_of_next = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(first_of_next.toordinal() - 1)


@dataclass
class AgencyRow:
    """One agency's line (or the totals line) of the table."""

    agency_id: int | None
    #: None for owners not resolved to an agency (the view labels them)
    name: str | None
    done_on_time: int = 0
    done_late: int = 0
    pending_on_time: int = 0
    overdue: int = 0
    #: items whose due date an approved extension moved (counted in a category as well)
    extended: int = 0
    #: items escalated and still overdue
    escalations: int = 0

    @property
    def total(self) -> int:
        return self.done_on_time + self.done_late + self.pending_on_time + self.overdue

    @property
    def fallen_due(self) -> int:
        """Items whose date has passed or that are done: the on-time rate's denominator."""
        return self.done_on_time + self.done_late + self.overdue

    @property
    def on_time_rate(self) -> float | None:
        """Done on time / fallen due; None when nothing has fallen due."""
        return self.done_on_time / self.fallen_due if self.fallen_due else None

    def count(self, category: str) -> int:
        return getattr(self, category)

    def add(self, other: AgencyRow) -> None:
        for name in (DONE_ON_TIME, DONE_LATE, PENDING_ON_TIME, OVERDUE, "extended", "escalations"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class OpenEscalation:
    assignment_id: int
    occurrence_id: int | None
    agency_name: str | None
    owner_text: str
    plan_id: int
    plan_label: str
    task_ref: str
    task_content: str
    #: the label of the occurrence ("6 tháng đầu năm 2017") or the deadline as written
    deadline_text: str
    #: the working due date (after extensions) and the plan's own date
    due: date
    plan_due: date
    days_overdue: int
    #: escalation_head or escalation_committee: the highest level reached
    level: str
    #: local date the first message of that level was planned
    escalated_on: date


@dataclass
class Statistics:
    as_of: date
    period: Period
    include_coordinating: bool
    rows: list[AgencyRow]
    totals: AgencyRow
    escalations: list[OpenEscalation] = field(default_factory=list)


@dataclass(frozen=True)
class _Item:
    assignment: Assignment
    occurrence: object | None
    status: str
    completed_on: date | None
    due: date | None          # working due date
    plan_due: date | None     # the plan's own date: what statistics judge against
    extended: bool


def _items(assignment: Assignment, as_of: date, tz: str) -> list[_Item]:
    targets = list(assignment.occurrences) or [None]
    items = []
    for occurrence in targets:
        source = occurrence or assignment
        due = occurrence.due if occurrence is not None else assignment.deadline.due
        completed_on = local_date(source.completed_at, tz)
        status = source.status
        if status == DONE and completed_on is not None and completed_on > as_of:
            status = IN_PROGRESS           # not yet done on the as-of day
        items.append(_Item(assignment, occurrence, status, completed_on, due,
                           source.original_due or due, source.original_due is not None))
    return items


def plan_label(plan) -> str:
    """How a plan is named in the dashboard: kind, number and title."""
    head = f"{plan.kind} {plan.number}" if plan.number else plan.kind
    return f"{head} – {plan.title}"


def agency_statistics(session: Session, as_of: date, tz: str, period: Period,
                      plan_ids: Iterable[int] | None = None,
                      include_coordinating: bool = False) -> Statistics:
    """The table by agency for the plans ``plan_ids`` (None: every plan) on ``as_of``.

    Lead assignments only unless ``include_coordinating``. Rows are sorted by overdue count
    (most first), then name; unresolved owners come after agencies with the same count.
    """
    plan_ids = None if plan_ids is None else sorted(set(plan_ids))
    roles = (LEAD, COORDINATE) if include_coordinating else (LEAD,)
    rows: dict[int | None, AgencyRow] = {}
    escalations: list[OpenEscalation] = []
    if plan_ids != []:
        escalated = _escalated(session, plan_ids, as_of, tz)
        query = (select(Assignment).join(Assignment.task).where(Assignment.role.in_(roles))
                 .options(selectinload(Assignment.occurrences), selectinload(Assignment.deadline),
                          selectinload(Assignment.agency),
                          selectinload(Assignment.task).selectinload(Task.plan))
                 .order_by(Task.plan_id, Task.position, Assignment.row, Assignment.id))
        if plan_ids is not None:
            query = query.where(Task.plan_id.in_(plan_ids))
        for assignment in session.scalars(query):
            for item in _items(assignment, as_of, tz):
                if item.plan_due is None or not period.contains(item.plan_due):
                    continue
                result = classify(item.status, item.plan_due, item.completed_on, as_of)
                if result is None:
                    continue
                agency = assignment.agency
                row = rows.get(assignment.agency_id)
                if row is None:
                    row = rows[assignment.agency_id] = AgencyRow(
                        assignment.agency_id, agency.name if agency is not None else None)
                setattr(row, result.category, row.count(result.category) + 1)
                row.extended += item.extended
                key = (assignment.id, item.occurrence.id if item.occurrence is not None else None)
                if key in escalated:
                    working = classify(item.status, item.due, item.completed_on, as_of)
                    if working is not None and working.category == OVERDUE:
                        row.escalations += 1
                        level, on = escalated[key]
                        escalations.append(_open_escalation(item, working.days_late, level, on))
    ordered = sorted(rows.values(), key=lambda r: (-r.overdue, r.name is None, fold(r.name), r.name or ""))
    totals = AgencyRow(None, None)
    for row in ordered:
        totals.add(row)
    escalations.sort(key=lambda e: (-e.days_overdue, fold(e.agency_name or e.owner_text), e.task_ref,
                                    e.assignment_id, e.occurrence_id or 0))
    return Statistics(as_of, period, include_coordinating, ordered, totals, escalations)


def _escalated(session: Session, plan_ids: list[int] | None, as_of: date,
               tz: str) -> dict[tuple[int, int | None], tuple[str, date]]:
    """(assignment id, occurrence id) → (highest escalation level, local date first sent to it)."""
    query = (select(OutboxItem.assignment_id, OutboxItem.occurrence_id, OutboxMessage.kind,
                    OutboxMessage.created_at)
             .join(OutboxMessage, OutboxItem.message_id == OutboxMessage.id)
             .join(Assignment, OutboxItem.assignment_id == Assignment.id)
             .join(Task, Assignment.task_id == Task.id)
             .where(OutboxMessage.kind.in_(ESCALATION_KINDS)))
    if plan_ids is not None:
        query = query.where(Task.plan_id.in_(plan_ids))
    found: dict[tuple[int, int | None], tuple[str, date]] = {}
    for assignment_id, occurrence_id, kind, created_at in session.execute(query):
        day = local_date(created_at, tz)
        if day > as_of:
            continue
        key = (assignment_id, occurrence_id)
        candidate = (kind, day)
        known = found.get(key)
        if known is None or _rank(candidate) > _rank(known):
            found[key] = candidate
    return found


def _rank(entry: tuple[str, date]) -> tuple[int, int]:
    # Higher level wins; within a level, the earlier message (negated ordinal sorts it higher).
    kind, day = entry
    return ESCALATION_KINDS.index(kind), -day.toordinal()


def _open_escalation(item: _Item, days_overdue: int, level: str, on: date) -> OpenEscalation:
    assignment, occurrence = item.assignment, item.occurrence
    task = assignment.task
    label = occurrence.label if occurrence is not None else (assignment.deadline.text or "")
    return OpenEscalation(
        assignment_id=assignment.id, occurrence_id=occurrence.id if occurrence is not None else None,
        agency_name=assignment.agency.name if assignment.agency is not None else None,
        owner_text=assignment.owner_text, plan_id=task.plan_id, plan_label=plan_label(task.plan),
        task_ref=task.ref, task_content=task.content, deadline_text=label, due=item.due,
        plan_due=item.plan_due, days_overdue=days_overdue, level=level, escalated_on=on)
