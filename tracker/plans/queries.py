"""What is due: assignments (and occurrences of recurring ones) with their due dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import Assignment, Plan, Task
from ..scheduling.ontime import OVERDUE, OnTime
from .tracked import TrackedItem, tracked_items


@dataclass(frozen=True)
class DueItem(TrackedItem):
    """A tracked item in a list of what is due, judged on the list's day."""

    #: its on-time category on the list's day (``TrackedItem.on_time``)
    standing: OnTime | None = None


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
    items = [DueItem(i.assignment, i.occurrence, i.on_time(today, tz))
             for assignment in session.scalars(query) for i in tracked_items(assignment)]
    if overdue:
        items = [i for i in items if i.standing is not None and i.standing.category == OVERDUE]
    if due_before is not None:
        items = [i for i in items if i.due is not None and i.due <= due_before]
    items.sort(key=lambda i: (i.due is None, i.due or date.max, i.assignment.id))
    return items
