"""The JSON of each resource: dates as ISO 8601 (days as YYYY-MM-DD, moments in UTC), codes
as stored (statuses, on-time categories, roles), people by name and office as the pages show
them, never by e-mail address (``accounts.people``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from flask import url_for

from ..models import Agency, Assignment, Evidence, ExtensionRequest, Occurrence, Plan, StatusChange, Task
from ..plans.statistics import AgencyRow, Statistics
from ..plans.tracked import TrackedItem, tracked_items
from ..scheduling.ontime import DONE_LATE, DONE_ON_TIME, OVERDUE, PENDING_ON_TIME

#: which category an assignment shows when its reporting periods differ (as the plan page)
PRESSING = (OVERDUE, PENDING_ON_TIME, DONE_LATE, DONE_ON_TIME)


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def moment(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def agency_ref(agency: Agency | None) -> dict | None:
    return {"id": agency.id, "name": agency.name} if agency is not None else None


def agency(a: Agency) -> dict:
    return {"id": a.id, "name": a.name, "type": a.type, "level": a.level, "parent_id": a.parent_id,
            "valid_from": day(a.valid_from), "valid_to": day(a.valid_to), "successor_id": a.successor_id}


def plan(p: Plan, progress=None) -> dict:
    body = {"id": p.id, "number": p.number, "kind": p.kind, "title": p.title,
            "issuer": {"id": p.issuer_id, "name": p.issuer_name}, "issued_date": day(p.issued_date),
            "year": p.year, "status": p.status, "tracking_from": day(p.tracking_from),
            "created_at": moment(p.created_at), "updated_at": moment(p.updated_at),
            "url": url_for("api.plan", plan_id=p.id), "web_url": url_for("plans.detail", plan_id=p.id)}
    if progress is not None:
        body["progress"] = {"done": progress.done, "total": progress.total, "overdue": progress.overdue}
    return body


class Judge:
    """On-time categories on one day, in one time zone (as the pages judge: the working due date)."""

    def __init__(self, today: date, tz: str):
        self.today, self.tz = today, tz

    def item(self, item: TrackedItem) -> tuple[str | None, int]:
        result = item.on_time(self.today, self.tz)
        return (result.category, result.days_late) if result is not None else (None, 0)

    def categories(self, assignment: Assignment) -> list[str]:
        return [c for c in (self.item(i)[0] for i in tracked_items(assignment)) if c is not None]

    def assignment(self, a: Assignment) -> tuple[str | None, int]:
        """The most pressing category of its items and the most days late."""
        found = [self.item(i) for i in tracked_items(a)]
        cats = [c for c, _late in found if c is not None]
        if not cats:
            return None, 0
        return min(cats, key=PRESSING.index), max(late for _c, late in found)


def occurrence(o: Occurrence, judge: Judge, a: Assignment) -> dict:
    category, late = judge.item(TrackedItem(a, o))
    return {"id": o.id, "period": o.period, "label": o.label, "start": day(o.start), "cutoff": day(o.cutoff),
            "due": day(o.due), "original_due": day(o.original_due), "status": o.status,
            "completed_at": moment(o.completed_at), "category": category, "days_late": late}


def assignment_summary(a: Assignment, judge: Judge) -> dict:
    category, late = judge.assignment(a)
    return {"id": a.id, "row": a.row, "role": a.role, "agency": agency_ref(a.agency), "owner_text": a.owner_text,
            "status": a.status, "progress": a.progress, "due": day(a.deadline.due), "category": category,
            "days_late": late, "url": url_for("api.assignment", assignment_id=a.id)}


def assignment(a: Assignment, judge: Judge) -> dict:
    task = a.task
    category, late = judge.assignment(a)
    d = a.deadline
    return {
        "id": a.id, "plan_id": task.plan_id, "task": {"id": task.id, "ref": task.ref, "content": task.content},
        "row": a.row, "role": a.role, "agency": agency_ref(a.agency), "owner_text": a.owner_text,
        "group_key": a.group_key, "output": a.output, "status": a.status, "progress": a.progress,
        "returned": a.returned, "completed_at": moment(a.completed_at),
        "deadline": {"text": d.text, "kind": d.kind, "start": day(d.start), "due": day(d.due),
                     "original_due": day(a.original_due), "periods": list(d.periods or [])},
        "category": category, "days_late": late,
        "occurrences": [occurrence(o, judge, a) for o in a.occurrences],
        "updated_at": moment(a.updated_at),
        "url": url_for("api.assignment", assignment_id=a.id),
        "web_url": url_for("assignments.detail", assignment_id=a.id),
    }


def evidence(e: Evidence) -> dict:
    return {"id": e.id, "filename": e.filename, "content_type": e.content_type, "size": e.size,
            "sha256": e.sha256, "uploaded_at": moment(e.uploaded_at),
            "web_url": url_for("assignments.evidence", evidence_id=e.id)}


def history_entry(c: StatusChange, person: Callable[[str | None], str]) -> dict:
    return {"id": c.id, "kind": c.kind, "occurrence_id": c.occurrence_id, "changed_at": moment(c.changed_at),
            "changed_by": person(c.changed_by), "from_status": c.from_status, "to_status": c.to_status,
            "progress": c.progress, "comment": c.comment, "comment_en": c.comment_en,
            "evidence": [evidence(e) for e in c.evidence]}


def extension_request(r: ExtensionRequest, person: Callable[[str | None], str]) -> dict:
    return {"id": r.id, "assignment_id": r.assignment_id, "occurrence_id": r.occurrence_id,
            "current_due": day(r.current_due), "requested_due": day(r.requested_due), "reason": r.reason,
            "requested_by": person(r.requested_by), "requested_at": moment(r.requested_at), "state": r.state,
            "decided_by": person(r.decided_by) or None, "decided_at": moment(r.decided_at),
            "decision_comment": r.decision_comment}


def task(t: Task, judge: Judge) -> dict:
    return {"id": t.id, "plan_id": t.plan_id, "ref": t.ref, "content": t.content,
            "section": {"numbering": t.section.numbering, "title": t.section.title} if t.section else None,
            "position": t.position, "targets": list(t.targets or []), "updated_at": moment(t.updated_at),
            "assignments": [assignment_summary(a, judge) for a in t.assignments],
            "url": url_for("api.task", task_id=t.id),
            "web_url": url_for("plans.detail", plan_id=t.plan_id) + f"#task-{t.ref}"}


def statistics_row(row: AgencyRow) -> dict:
    return {"agency": {"id": row.agency_id, "name": row.name} if row.agency_id is not None else None,
            "done_on_time": row.done_on_time, "done_late": row.done_late,
            "pending_on_time": row.pending_on_time, "overdue": row.overdue, "total": row.total,
            "fallen_due": row.fallen_due, "on_time_rate": row.on_time_rate, "extended": row.extended,
            "escalations": row.escalations}


def statistics(plan_id: int, stats: Statistics) -> dict:
    return {"plan_id": plan_id, "as_of": day(stats.as_of),
            "period": {"start": day(stats.period.start), "end": day(stats.period.end)},
            "include_coordinating": stats.include_coordinating,
            "rows": [statistics_row(r) for r in stats.rows], "totals": statistics_row(stats.totals)}
