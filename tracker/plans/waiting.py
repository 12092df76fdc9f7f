"""What is waiting for someone, counted for the navigation bar: extension requests an author
(or administrator) has to decide, outputs sent back that an officer has not answered yet.

Counted on every page, so each is one COUNT over indexed columns: the pending requests by
their ``state`` index (within the plans an author manages, whose issuers are found by a
recursive query over the agency tree rather than by loading the directory), the returned
outputs by the agency index of assignments and the assignment index of their history.
What an amended plan removed is not counted (the ORM leaves removed tasks and assignments
out of every query), as the "Đề nghị gia hạn" page does not list it for deciding either.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import (
    ADMIN,
    AUTHOR,
    OFFICER,
    PENDING,
    PLAN_ARCHIVED,
    Account,
    Agency,
    Assignment,
    ExtensionRequest,
    FocalOfficer,
    Plan,
    StatusChange,
    Task,
)


@dataclass(frozen=True)
class Waiting:
    #: pending extension requests in the plans the account manages (authors, administrators)
    extensions: int = 0
    #: outputs sent back to the officer's agencies and not reported on again (officers)
    returned: int = 0


def waiting_for(session: Session, account: Account) -> Waiting:
    """The counts for ``account``'s navigation bar (zeros for leaders)."""
    if account.role in (ADMIN, AUTHOR):
        return Waiting(extensions=_pending_extensions(session, account))
    if account.role == OFFICER:
        return Waiting(returned=_returned(session, account))
    return Waiting()


def _pending_extensions(session: Session, account: Account) -> int:
    query = (select(func.count(ExtensionRequest.id)).select_from(ExtensionRequest)
             .join(Assignment, ExtensionRequest.assignment_id == Assignment.id)
             .join(Task, Assignment.task_id == Task.id)
             .where(ExtensionRequest.state == PENDING))
    if account.role != ADMIN:
        if account.committee_id is None:
            return 0
        # The author's committee and every body under it (scopes.can_manage_plan), as one
        # recursive query; UNION (not UNION ALL) ends even on a cycle in bad data.
        tree = select(Agency.id).where(Agency.id == account.committee_id).cte("tree", recursive=True)
        tree = tree.union(select(Agency.id).join(tree, Agency.parent_id == tree.c.id))
        query = (query.join(Plan, Task.plan_id == Plan.id)
                 .where(Plan.issuer_id.in_(select(tree.c.id))))
    return session.scalar(query) or 0


def _returned(session: Session, account: Account) -> int:
    """As "Kết quả bị trả lại" lists them (``worklist``): every output sent back since the
    assignment's last report (a recurring assignment may have several periods sent back),
    of the officer's agencies, in plans not archived."""
    agencies = select(FocalOfficer.agency_id).where(func.lower(FocalOfficer.email) == account.email.lower(),
                                                    FocalOfficer.active.is_(True))
    last_report = (select(func.max(StatusChange.id))
                   .where(StatusChange.assignment_id == Assignment.id, StatusChange.kind == "report")
                   .correlate(Assignment).scalar_subquery())
    return session.scalar(
        select(func.count(StatusChange.id)).select_from(StatusChange)
        .join(Assignment, StatusChange.assignment_id == Assignment.id)
        .join(Task, Assignment.task_id == Task.id).join(Plan, Task.plan_id == Plan.id)
        .where(Assignment.agency_id.in_(agencies), Assignment.returned.is_(True),
               Plan.status != PLAN_ARCHIVED, StatusChange.kind == "returned",
               StatusChange.id > func.coalesce(last_report, 0))) or 0


__all__ = ["Waiting", "waiting_for"]
