"""What is due: assignments (and occurrences of recurring ones) with their due dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import overload
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import Assignment, Occurrence, Plan, Task
from ..scheduling.ontime import OVERDUE, OnTime, classify


@dataclass
class DueItem:
    """One thing an agency owes: an assignment, or one occurrence of a recurring one."""

    assignment: Assignment
    occurrence: Occurrence | None
    due: date | None
    status: str
    on_time: OnTime | None

    @property
    def label(self) -> str:
        return self.occurrence.label if self.occurrence else (self.assignment.deadline.text or "")


@overload
def local_date(moment: datetime, tz: str) -> date: ...
@overload
def local_date(moment: datetime | None, tz: str) -> date | None: ...


def local_date(moment: datetime | None, tz: str) -> date | None:
    """A stored timestamp's calendar day in the time zone ``tz`` (None stays None)."""
    if moment is None:
        return None
    if moment.tzinfo is None:   # SQLite returns naive datetimes; they are stored in UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(tz)).date()


def due_items(session: Session, today: date, tz: str, agency_ids: list[int] | None = None,
              overdue: bool = False, due_before: date | None = None,
              plan_id: int | None = None) -> list[DueItem]:
    query = (select(Assignment).join(Assignment.task).join(Task.plan)
             .options(selectinload(Assignment.occurrences), selectinload(Assignment.deadline),
                      selectinload(Assignment.agency), selectinload(Assignment.task).selectinload(Task.plan)))
    if agency_ids is not None:
        query = query.where(Assignment.agency_id.in_(agency_ids))
    if plan_id is not None:
        query = query.where(Plan.id == plan_id)
    query = query.order_by(Plan.id, Task.position, Assignment.row, Assignment.id)
    items: list[DueItem] = []
    for assignment in session.scalars(query):
        if assignment.occurrences:
            for occ in assignment.occurrences:
                items.append(DueItem(assignment, occ, occ.due, occ.status, classify(
                    occ.status, occ.due, local_date(occ.completed_at, tz), today)))
        else:
            due = assignment.deadline.due
            items.append(DueItem(assignment, None, due, assignment.status, classify(
                assignment.status, due, local_date(assignment.completed_at, tz), today)))
    if overdue:
        items = [i for i in items if i.on_time is not None and i.on_time.category == OVERDUE]
    if due_before is not None:
        items = [i for i in items if i.due is not None and i.due <= due_before]
    items.sort(key=lambda i: (i.due is None, i.due or date.max, i.assignment.id))
    return items
