"""Which assignments a write sends back to the reminder planner: their ``next_step_on``
becomes NULL in the write's own transaction, and the next planning run works them out.

The planner skips an assignment until its ``next_step_on`` (tracker.reminders.planner), so
every write that can move one of its steps must clear it. A flush listener watches the
session, as ``tracker.feeds.changes`` does for the feeds: it sees every ORM write whichever
module makes it (the importer, the author's edits, reports, extensions, restores, the CLI,
pages still to come), where calls at each write point would have to be remembered at the
next one. What it clears:

* an assignment changed in any way (status, deadline, restored, ...): that assignment;
* a deadline (shared by the owners of a sub-row): the assignments using it;
* a reporting period added, changed or removed, a history entry (a report marks a
  check-in done), a ledger entry forgotten (a changed due date): their assignment;
* a task moved, removed and restored, or made key or urgent (or no longer): its assignments;
* a plan's status, reminder policy, tracking start or year: all its assignments.

New rows the importer writes with Core start NULL. The global inputs (the global policy,
the calendar's exceptions, the deployment's reporting and check-in settings) are not
rows of an assignment: the planner compares a digest of them at each run and clears every
assignment with ``replan_all`` when it moved. Erring wide costs a look at the item on the
next run; erring narrow would lose a step, so anything not understood clears more.
"""

from __future__ import annotations

from itertools import chain

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from ..models import Assignment, Deadline, Occurrence, Plan, SentStep, StatusChange, Task
from ..models.base import table_of

# What of a plan its assignments' steps follow.
_PLAN_INPUTS = ("status", "reminder_policy", "tracking_from", "year")
# What of a task does (its plan, being removed or restored, and its priority: a key or urgent
# task has a tighter policy, rules.tightened).
_TASK_INPUTS = ("plan_id", "removed_at", "key_task", "urgency")


def replan_all(session: Session) -> None:
    """Every assignment is to be worked out again on the next run (one UPDATE)."""
    _clear(session, None)


def _clear(session: Session, where) -> None:
    table = table_of(Assignment)
    statement = update(table).where(table.c.next_step_on.is_not(None))
    if where is not None:
        statement = statement.where(where)
    # updated_at stays: it is the row's last change for people and feeds, not the planner's.
    session.connection().execute(statement.values(next_step_on=None, updated_at=table.c.updated_at))


def _changed(session: Session, obj, dirty, attributes: tuple[str, ...] | None = None) -> bool:
    """Added, deleted, or changed in this flush (in ``attributes``, or in any column)."""
    if obj not in dirty:
        return True
    if attributes is None:
        return session.is_modified(obj, include_collections=False)
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in attributes)


def _ids(obj, attribute: str) -> set[int]:
    """The attribute's value now and before this flush (a move touches both sides)."""
    history = inspect(obj).attrs[attribute].history
    return {v for v in chain(history.added or (), history.deleted or (), history.unchanged or ())
            if v is not None}


def _after_flush(session: Session, _context) -> None:
    assignments: set[int] = set()
    deadlines: set[int] = set()
    occurrences: set[int] = set()
    tasks: set[int] = set()
    plans: set[int] = set()
    # Each of these builds a new set: taken once, not once per object (a flush may hold thousands).
    new, dirty, deleted = session.new, session.dirty, session.deleted
    for obj in chain(new, dirty, deleted):
        if isinstance(obj, Assignment):
            if obj not in new and _changed(session, obj, dirty):
                assignments.add(obj.id)         # a new one starts NULL
        elif isinstance(obj, Deadline):
            if obj not in new and _changed(session, obj, dirty):
                deadlines.add(obj.id)
        elif isinstance(obj, (Occurrence, StatusChange)):
            if _changed(session, obj, dirty):
                assignments |= _ids(obj, "assignment_id")
        elif isinstance(obj, SentStep):
            if obj in deleted:                  # the planner only adds; a forgotten step is a change
                kind, number = obj.item_key[:1], obj.item_key[1:]
                if number.isdigit() and kind in ("a", "o"):     # ("e": an explanation request's)
                    (assignments if kind == "a" else occurrences).add(int(number))
        elif isinstance(obj, Task):
            if obj not in new and _changed(session, obj, dirty, _TASK_INPUTS):
                tasks.add(obj.id)
        elif isinstance(obj, Plan):
            if obj not in new and _changed(session, obj, dirty, _PLAN_INPUTS):
                plans.add(obj.id)
    if not (assignments or deadlines or occurrences or tasks or plans):
        return
    a, o, t = table_of(Assignment), table_of(Occurrence), table_of(Task)
    for part in _parts(assignments):
        _clear(session, a.c.id.in_(part))
    for part in _parts(deadlines):
        _clear(session, a.c.deadline_id.in_(part))
    for part in _parts(occurrences):
        _clear(session, a.c.id.in_(select(o.c.assignment_id).where(o.c.id.in_(part))))
    for part in _parts(tasks):
        _clear(session, a.c.task_id.in_(part))
    for part in _parts(plans):
        _clear(session, a.c.task_id.in_(select(t.c.id).where(t.c.plan_id.in_(part))))


def _parts(ids: set[int], size: int = 5000) -> list[list[int]]:
    """Sorted ids in lists short enough for one statement's parameters (SQLite's limit)."""
    ordered = sorted(ids)
    return [ordered[i:i + size] for i in range(0, len(ordered), size)]


def listen() -> None:
    """Watch every session's flushes (idempotent; called by the application factory)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


__all__ = ["listen", "replan_all"]
