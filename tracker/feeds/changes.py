"""Which stored feeds a write changes: their generation moves in the write's own transaction.

A feed's conditional request must cost one row lookup, not a look at its 2,000 items, so
the writes do the looking instead. Every flush that adds, edits or removes something a feed
shows (an assignment, its occurrences or deadline, a task, a plan, an agency's name, an
officer's memberships) names the scopes it touched ("agency:12", "plan:3", "issuer:1",
"officer:a@b.example"), and one UPDATE moves the generation of every stored feed built
from one of them (``feed_scopes``). A stored body whose ``built_generation`` is behind
is stale: it is still served, and rebuilt off the request path (tracker.feeds.store).

Writes that bypass the ORM's unit of work (the importer's multi-row INSERTs) call
``mark_changed`` themselves. Erring wide is harmless: a rebuild that gives the same bytes
keeps its ETag, so clients see nothing. Erring narrow would leave a feed wrong, so
anything unusual (an agency renamed, hundreds of tasks in one flush) marks every feed.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from itertools import chain

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from ..models import Agency, Assignment, Deadline, FeedScope, FeedState, FocalOfficer, Occurrence, Plan, Task
from ..models.base import table_of

WIDE = 500          # more tasks than this in one flush: mark every feed rather than list them


def _values(obj, attribute: str) -> set:
    """The attribute's value now and before this flush (a reassignment touches both)."""
    history = inspect(obj).attrs[attribute].history
    return {v for v in chain(history.added or (), history.deleted or (), history.unchanged or ())
            if v is not None}


def mark_changed(session: Session, *, tasks: AbstractSet[int] = frozenset(),
                 tasks_shown: AbstractSet[int] = frozenset(), plans: AbstractSet[int] = frozenset(),
                 plans_whole: AbstractSet[int] = frozenset(), scopes: AbstractSet[str] = frozenset(),
                 everything: bool = False) -> None:
    """Move the generation of every stored feed built from these tasks (``tasks``: every
    agency in them, whose descriptions name each other; ``tasks_shown``: only their plans
    and issuers, the agencies being in ``scopes``), plans (``plans_whole``: every agency in
    them too, for a changed title or status) or scopes. Runs on the session's connection,
    inside its transaction."""
    connection = session.connection()
    states = table_of(FeedState)
    if everything or len(tasks) + len(tasks_shown) > WIDE:
        connection.execute(update(states).values(generation=states.c.generation + 1))
        return
    a, t, p = table_of(Assignment), table_of(Task), table_of(Plan)
    scopes, plans = set(scopes), set(plans) | set(plans_whole)
    if tasks:
        scopes |= {f"agency:{i}" for i in connection.scalars(
            select(a.c.agency_id).where(a.c.task_id.in_(tasks), a.c.agency_id.is_not(None)).distinct())}
    if tasks or tasks_shown:
        plans |= set(connection.scalars(select(t.c.plan_id).where(t.c.id.in_(set(tasks) | set(tasks_shown)))
                                        .distinct()))
    if plans_whole:
        scopes |= {f"agency:{i}" for i in connection.scalars(
            select(a.c.agency_id).select_from(a.join(t, a.c.task_id == t.c.id))
            .where(t.c.plan_id.in_(plans_whole), a.c.agency_id.is_not(None)).distinct())}
    if plans:
        scopes |= {f"plan:{i}" for i in plans}
        scopes |= {f"issuer:{i}" for i in connection.scalars(
            select(p.c.issuer_id).where(p.c.id.in_(plans), p.c.issuer_id.is_not(None)).distinct())}
    if scopes:
        feeds = select(table_of(FeedScope).c.state_key).where(table_of(FeedScope).c.scope.in_(sorted(scopes)))
        connection.execute(update(states).where(states.c.key.in_(feeds))
                           .values(generation=states.c.generation + 1))


# What an assignment's siblings say of it (the owners lines of their descriptions).
_NAMED_BY_SIBLINGS = ("task_id", "row", "role", "agency_id", "owner_text", "group_key", "removed_at")


def _after_flush(session: Session, _context) -> None:
    tasks: set[int] = set()
    tasks_shown: set[int] = set()
    plans: set[int] = set()
    plans_whole: set[int] = set()
    scopes: set[str] = set()
    assignments: set[int] = set()
    deadlines: set[int] = set()
    everything = False
    # Each of these builds a new set: taken once, not once per object (a flush may hold thousands).
    new, dirty, deleted = session.new, session.dirty, session.deleted

    def _changed(obj) -> bool:
        return obj not in dirty or session.is_modified(obj, include_collections=False)

    for obj in chain(new, dirty, deleted):
        if isinstance(obj, Assignment):
            if not _changed(obj):
                continue
            scopes |= {f"agency:{i}" for i in _values(obj, "agency_id")}
            state = inspect(obj)
            if obj in dirty and not any(state.attrs[n].history.has_changes() for n in _NAMED_BY_SIBLINGS):
                tasks_shown |= _values(obj, "task_id")      # a report: seen in its own feeds only
            else:
                tasks |= _values(obj, "task_id")
        elif isinstance(obj, Occurrence):
            if _changed(obj):
                assignments |= _values(obj, "assignment_id")
        elif isinstance(obj, Deadline):
            if obj not in new and _changed(obj):
                deadlines.add(obj.id)
        elif isinstance(obj, Task):
            if _changed(obj):
                tasks.add(obj.id)
                plans |= _values(obj, "plan_id")
        elif isinstance(obj, Plan):
            if _changed(obj):
                plans_whole.add(obj.id)
                scopes |= {f"issuer:{i}" for i in _values(obj, "issuer_id")}
        elif isinstance(obj, Agency):
            # Names appear in other agencies' feeds (owners lines) and in feed titles.
            if obj in deleted or (obj in dirty and inspect(obj).attrs.name.history.has_changes()):
                everything = True
        elif isinstance(obj, FocalOfficer):
            if _changed(obj):
                scopes |= {f"officer:{e.strip().lower()}" for e in _values(obj, "email")}
    if not (tasks or tasks_shown or plans or plans_whole or scopes or assignments or deadlines or everything):
        return
    if assignments or deadlines:
        a = table_of(Assignment)
        connection = session.connection()
        for task_id, agency_id in connection.execute(
                select(a.c.task_id, a.c.agency_id).where(a.c.id.in_(assignments) | a.c.deadline_id.in_(deadlines))):
            tasks_shown.add(task_id)
            if agency_id is not None:
                scopes.add(f"agency:{agency_id}")
    mark_changed(session, tasks=tasks, tasks_shown=tasks_shown, plans=plans, plans_whole=plans_whole, scopes=scopes,
                 everything=everything)


def listen() -> None:
    """Watch every session's flushes (idempotent; called by the application factory)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


__all__ = ["listen", "mark_changed"]
