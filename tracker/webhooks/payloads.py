"""The ``data`` of each event, in the REST API's conventions (``tracker.api.shapes``): days as
YYYY-MM-DD, moments in UTC, codes as stored, people by name and office, never by e-mail
address. Links are paths under ``TRACKER_BASE_URL`` (``url``: the API's resource, ``web_url``:
the page), as the API gives them.

Plain Python (no Flask, no request): the domain functions build these where events happen.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from ..accounts.people import who
from ..models import Assignment, ExtensionRequest, Occurrence, Plan


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def moment(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def plan(p: Plan) -> dict:
    return {"id": p.id, "number": p.number, "kind": p.kind, "title": p.title,
            "issuer": {"id": p.issuer_id, "name": p.issuer_name}, "issued_date": day(p.issued_date),
            "year": p.year, "status": p.status, "tracking_from": day(p.tracking_from),
            "url": f"/api/v1/plans/{p.id}", "web_url": f"/plans/{p.id}"}


def occurrence(o: Occurrence | None) -> dict | None:
    if o is None:
        return None
    return {"id": o.id, "period": o.period, "label": o.label, "start": day(o.start), "cutoff": day(o.cutoff),
            "due": day(o.due), "original_due": day(o.original_due), "status": o.status,
            "completed_at": moment(o.completed_at)}


def assignment(a: Assignment) -> dict:
    """An assignment as the API's ``assignment`` gives it, without the on-time category
    (a judgement of a day and a time zone: ask the API for it)."""
    task, d = a.task, a.deadline
    p = task.plan
    return {
        "id": a.id, "plan": {"id": p.id, "number": p.number, "title": p.title},
        "task": {"id": task.id, "ref": task.ref, "content": task.content},
        "row": a.row, "role": a.role,
        "agency": {"id": a.agency.id, "name": a.agency.name} if a.agency is not None else None,
        "owner_text": a.owner_text, "output": a.output, "status": a.status, "progress": a.progress,
        "returned": a.returned, "completed_at": moment(a.completed_at),
        "deadline": {"text": d.text, "kind": d.kind, "start": day(d.start), "due": day(d.due),
                     "original_due": day(a.original_due), "periods": list(d.periods or [])},
        "url": f"/api/v1/assignments/{a.id}", "web_url": f"/a/{a.id}",
    }


def status_changed(session: Session, a: Assignment, occurrence_: Occurrence | None, from_status: str,
                   to_status: str, by: str, at: datetime, comment: str, progress: int | None,
                   kind: str) -> dict:
    return {"assignment": assignment(a), "occurrence": occurrence(occurrence_), "kind": kind,
            "from_status": from_status, "to_status": to_status, "progress": progress, "comment": comment,
            "changed_by": who(session, by), "changed_at": moment(at)}


def extension_request(session: Session, r: ExtensionRequest) -> dict:
    if r.id is None:          # made in this transaction: its id is the receiver's handle
        session.flush()
    return {"id": r.id, "assignment_id": r.assignment_id, "occurrence_id": r.occurrence_id,
            "current_due": day(r.current_due), "requested_due": day(r.requested_due), "reason": r.reason,
            "requested_by": who(session, r.requested_by), "requested_at": moment(r.requested_at),
            "state": r.state, "decided_by": who(session, r.decided_by) or None, "decided_at": moment(r.decided_at),
            "decision_comment": r.decision_comment}


def extension(session: Session, r: ExtensionRequest) -> dict:
    body = {"extension_request": extension_request(session, r)}
    return {**body, "assignment": assignment(r.assignment), "occurrence": occurrence(r.occurrence)}


def reminder_step(a: Assignment, occurrence_: Occurrence | None, due: date | None, today: date,
                  **extra) -> dict:
    """An overdue notice or an escalation the planner planned today for an item."""
    return {"assignment": assignment(a), "occurrence": occurrence(occurrence_), "due": day(due),
            "as_of": day(today), "days_overdue": (today - due).days if due is not None else None, **extra}


def published(p: Plan, created: bool, added: list[str], changed: list[str], removed: list[str],
              restored: list[str], assignments: int) -> dict:
    return {"plan": plan(p), "created": created, "added": list(added), "changed": list(changed),
            "removed": list(removed), "restored": list(restored), "assignments_written": assignments}
