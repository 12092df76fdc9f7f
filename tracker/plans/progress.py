"""Reporting progress on an assignment or one occurrence of it, with its history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from ..errors import UserError
from ..models import DONE, IN_PROGRESS, STATUSES, Assignment, Evidence, Occurrence, StatusChange
from ..models.base import utcnow
from ..webhooks import payloads
from ..webhooks.events import Event, emit
from .evidence import CheckedFile


class StatusError(UserError):
    pass


def report(session: Session, assignment: Assignment, status: str, by: str,
           progress: int | None = None, comment: str = "", occurrence: Occurrence | None = None,
           at: datetime | None = None, evidence: Sequence[CheckedFile] = ()) -> StatusChange:
    """Set the status (of the assignment, or of one of its occurrences) and record who did it.

    Done sets the completion time (kept as the first time it was done); anything else
    clears it. Every change grows the calendar SEQUENCE of what changed. A change of status
    is the webhook event ``assignment.status_changed`` (queued in this transaction).
    """
    if status not in STATUSES:
        raise StatusError(f"Trạng thái “{status}” không hợp lệ ({', '.join(STATUSES)}).",
                          f"Unknown status “{status}”.")
    if progress is not None and not 0 <= progress <= 100:
        raise StatusError("Tiến độ phải từ 0 đến 100.", "Progress must be between 0 and 100.")
    if occurrence is not None and occurrence.assignment_id != assignment.id:
        raise StatusError("Kỳ báo cáo không thuộc phân công này.",
                          "The occurrence does not belong to this assignment.")
    at = at or utcnow()
    target = occurrence or assignment
    change = StatusChange(assignment=assignment, occurrence_id=occurrence.id if occurrence else None,
                          changed_at=at, changed_by=by, from_status=target.status, to_status=status,
                          progress=progress, comment=comment)
    for f in evidence:
        change.evidence.append(Evidence(filename=f.filename, content_type=f.content_type,
                                        size=len(f.data), sha256=f.sha256, data=f.data, uploaded_at=at))
    session.add(change)
    assignment.returned = False          # a new report answers a returned output
    from_status = target.status
    if target.status != status:
        target.completed_at = (target.completed_at or at) if status == DONE else None
        target.status = status
        target.sequence += 1
    if occurrence is None and progress is not None and assignment.progress != progress:
        assignment.progress = progress
        assignment.sequence += 1
    if status == DONE and occurrence is None:
        assignment.progress = 100
    if from_status != status:
        emit(session, Event.STATUS_CHANGED, lambda: payloads.status_changed(
            session, assignment, occurrence, from_status, status, by, at, comment, progress, "report"))
    return change


def return_output(session: Session, assignment: Assignment, by: str, comment: str,
                  occurrence: Occurrence | None = None) -> StatusChange:
    """The plan author does not accept the reported output: the item is open again (in
    progress), reminders resume, and the officer sees why."""
    target = occurrence or assignment
    if target.status != DONE:
        raise StatusError("Chỉ trả lại được kết quả đã báo cáo hoàn thành.",
                          "Only an output reported as done can be sent back.")
    if not comment.strip():
        raise StatusError("Hãy ghi lý do trả lại kết quả.", "Say why the output is not accepted.")
    change = StatusChange(assignment=assignment, occurrence_id=occurrence.id if occurrence else None,
                          changed_at=utcnow(), changed_by=by, from_status=DONE, to_status=IN_PROGRESS,
                          comment=comment.strip(), kind="returned")
    session.add(change)
    target.status, target.completed_at = IN_PROGRESS, None
    target.sequence += 1
    assignment.returned = True
    if occurrence is None:
        assignment.progress = min(assignment.progress, 90)
    emit(session, Event.STATUS_CHANGED, lambda: payloads.status_changed(
        session, assignment, occurrence, DONE, IN_PROGRESS, by, change.changed_at, change.comment,
        assignment.progress, "returned"))
    return change
