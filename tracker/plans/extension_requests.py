"""Deadline extensions: an officer asks, the plan author decides.

An approved extension moves the working due date (reminders, calendars, "my work") and
keeps the plan's own date in ``original_due``: the statistics judge against the date the
plan set, so an extension shows as such rather than turning a late item into an on-time
one. A re-import leaves an extended due date alone (see importer).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import UserError
from ..models import APPROVED, PENDING, REFUSED, Assignment, Deadline, ExtensionRequest, Occurrence, StatusChange
from ..models.base import utcnow
from ..webhooks import payloads
from ..webhooks.events import Event, emit
from .importer import forget_due_relative_steps


class ExtensionError(UserError):
    pass


def current_due(assignment: Assignment, occurrence: Occurrence | None) -> date | None:
    return occurrence.due if occurrence is not None else assignment.deadline.due


def request_extension(session: Session, assignment: Assignment, occurrence: Occurrence | None,
                      requested_due: date, reason: str, by: str) -> ExtensionRequest:
    if occurrence is not None and occurrence.assignment_id != assignment.id:
        raise ExtensionError("Kỳ báo cáo không thuộc nhiệm vụ này.",
                             "The period does not belong to this assignment.")
    if occurrence is None and assignment.occurrences:
        raise ExtensionError("Hãy chọn kỳ báo cáo cần gia hạn.", "Choose the period to extend.")
    due = current_due(assignment, occurrence)
    if due is None:
        raise ExtensionError("Nhiệm vụ không có hạn cụ thể nên không gia hạn được.",
                             "The item has no fixed due date to extend.")
    if requested_due <= due:
        raise ExtensionError(f"Hạn đề nghị phải sau hạn hiện tại ({due:%d/%m/%Y}).",
                             f"The requested date must be after the current due date ({due:%d/%m/%Y}).")
    if not reason.strip():
        raise ExtensionError("Hãy nêu lý do đề nghị gia hạn.", "Give the reason for the extension.")
    same_item = (ExtensionRequest.occurrence_id == occurrence.id if occurrence is not None
                 else ExtensionRequest.occurrence_id.is_(None))
    pending = session.scalar(select(ExtensionRequest).where(
        ExtensionRequest.assignment_id == assignment.id, same_item, ExtensionRequest.state == PENDING))
    if pending is not None:
        raise ExtensionError("Đã có một đề nghị gia hạn đang chờ quyết định.",
                             "An extension request is already waiting for a decision.")
    request = ExtensionRequest(assignment=assignment, occurrence=occurrence, current_due=due,
                               requested_due=requested_due, reason=reason.strip(), requested_by=by,
                               state=PENDING)
    session.add(request)
    emit(session, Event.EXTENSION_REQUESTED, lambda: payloads.extension(session, request))
    return request


def decide(session: Session, request: ExtensionRequest, approve: bool, by: str, comment: str = "") -> None:
    if request.state != PENDING:
        raise ExtensionError("Đề nghị này đã được quyết định.", "This request has already been decided.")
    request.state = APPROVED if approve else REFUSED
    request.decided_by, request.decided_at, request.decision_comment = by, utcnow(), comment.strip()
    assignment, occurrence = request.assignment, request.occurrence
    target = occurrence or assignment
    if approve:
        if occurrence is not None:
            occurrence.original_due = occurrence.original_due or occurrence.due
            occurrence.due = request.requested_due
            occurrence.sequence += 1
            forget_due_relative_steps(session, {f"o{occurrence.id}"})
        else:
            assignment.original_due = assignment.original_due or assignment.deadline.due
            # The deadline row is shared by the sub-row's agencies: this one gets its own.
            old = assignment.deadline
            own = Deadline(text=old.text, kind=old.kind, start=old.start, due=request.requested_due,
                           periods=list(old.periods), also_event=old.also_event,
                           offset_days=old.offset_days, flags=sorted(set(old.flags) | {"extended"}))
            session.add(own)
            assignment.deadline = own
            forget_due_relative_steps(session, {f"a{assignment.id}"})
        assignment.sequence += 1
    said = f": {comment.strip()}" if comment.strip() else ""
    if approve:
        text = f"Gia hạn đến {request.requested_due:%d/%m/%Y} (hạn cũ {request.current_due:%d/%m/%Y})"
        text_en = f"Extended to {request.requested_due:%d/%m/%Y} (was due {request.current_due:%d/%m/%Y})"
    else:
        text = f"Không đồng ý gia hạn đến {request.requested_due:%d/%m/%Y}"
        text_en = f"Extension to {request.requested_due:%d/%m/%Y} refused"
    session.add(StatusChange(assignment=assignment, occurrence_id=occurrence.id if occurrence else None,
                             changed_by=by, from_status=target.status, to_status=target.status,
                             kind="extension", comment=text + said, comment_en=text_en + said))
    emit(session, Event.EXTENSION_DECIDED, lambda: payloads.extension(session, request))
