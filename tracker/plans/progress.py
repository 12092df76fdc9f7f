"""Reporting progress on an assignment or one occurrence of it, with its history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..models import DONE, STATUSES, Assignment, Occurrence, StatusChange
from ..models.base import utcnow


class StatusError(ValueError):
    def __init__(self, message_vi: str, message_en: str):
        super().__init__(f"{message_vi} / {message_en}")
        self.message_vi, self.message_en = message_vi, message_en


def report(session: Session, assignment: Assignment, status: str, by: str,
           progress: int | None = None, comment: str = "", occurrence: Occurrence | None = None,
           at: datetime | None = None) -> StatusChange:
    """Set the status (of the assignment, or of one of its occurrences) and record who did it.

    Done sets the completion time (kept as the first time it was done); anything else
    clears it. Every change grows the calendar SEQUENCE of what changed.
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
    session.add(change)
    if target.status != status:
        target.completed_at = (target.completed_at or at) if status == DONE else None
        target.status = status
        target.sequence += 1
    if occurrence is None and progress is not None and assignment.progress != progress:
        assignment.progress = progress
        assignment.sequence += 1
    if status == DONE and occurrence is None:
        assignment.progress = 100
    return change
