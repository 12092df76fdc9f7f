"""Removed from the plan ("đã bỏ khỏi kế hoạch"): what an amendment's removal touches, and
bringing a removed assignment back.

An import never deletes a task or an assignment (plans/importer.py); it marks it removed
(models.base.Removable). Before it does so for assignments agencies have worked on, the author
is shown that work and must agree; afterwards an author can restore any of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import UserError
from ..models import Assignment, Evidence, ExtensionRequest, StatusChange, Task


@dataclass(frozen=True)
class RemovedWork:
    """An assignment an amendment drops although its agency has worked on it."""

    assignment_id: int
    task_ref: str
    owner: str
    reports: int
    evidence: int
    extensions: int

    def describe(self) -> str:
        parts = [f"{self.reports} báo cáo"] + ([f"{self.evidence} tệp minh chứng"] if self.evidence else []) \
            + ([f"{self.extensions} đề nghị gia hạn"] if self.extensions else [])
        return f"{self.task_ref} – {self.owner}: {', '.join(parts)}"


def work_on(session: Session, assignments: list[Assignment]) -> list[RemovedWork]:
    """What officers did on the assignments an import removes, for the author to confirm."""
    ids = [a.id for a in assignments if a.id is not None]
    if not ids:
        return []
    reports = dict(session.execute(
        select(StatusChange.assignment_id, func.count()).where(
            StatusChange.assignment_id.in_(ids), StatusChange.kind.in_(("report", "returned")))
        .group_by(StatusChange.assignment_id)).all())
    evidence = dict(session.execute(
        select(StatusChange.assignment_id, func.count(Evidence.id)).join(Evidence)
        .where(StatusChange.assignment_id.in_(ids)).group_by(StatusChange.assignment_id)).all())
    extensions = dict(session.execute(
        select(ExtensionRequest.assignment_id, func.count()).where(ExtensionRequest.assignment_id.in_(ids))
        .group_by(ExtensionRequest.assignment_id)).all())
    out = []
    for assignment in assignments:
        counts = (reports.get(assignment.id, 0), evidence.get(assignment.id, 0),
                  extensions.get(assignment.id, 0))
        if any(counts):
            owner = assignment.agency.name if assignment.agency is not None else assignment.owner_text
            out.append(RemovedWork(assignment.id, assignment.task.ref, owner, *counts))
    return out


class RestoreError(UserError):
    pass


def restore(session: Session, assignment: Assignment) -> None:
    """Put a removed assignment back in the plan (its task too, if the task was removed).

    Refused when the task's reference now names another task: the author re-imports the
    plan version that has it, or edits the plan, instead.
    """
    task = assignment.task
    if task.removed_at is not None:
        clash = session.scalar(select(Task.id).where(Task.plan_id == task.plan_id, Task.ref == task.ref,
                                                     Task.id != task.id))
        if clash is not None:
            raise RestoreError(
                f"Không thể đưa lại: số thứ tự “{task.ref}” nay là của một nhiệm vụ khác trong kế hoạch.",
                f"Cannot restore: reference “{task.ref}” now belongs to another task of the plan.")
        task.removed_at = None
    if assignment.removed_at is not None:
        assignment.removed_at = None
        assignment.sequence += 1          # calendars see it again as a change
