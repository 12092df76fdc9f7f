"""Scopes: which agencies an officer answers for, which plans a leader or author sees.

- An officer answers for the agencies whose focal-officer list (the directory) carries
  their e-mail address. They see and update only those agencies' assignments.
- An author or a leader works for one People's Committee and sees the plans issued by it
  or by any body under it (its departments, its districts' committees).
- An administrator sees everything.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..directory.store import subtree_ids
from ..models import ADMIN, AUTHOR, LEADER, OFFICER, Account, Agency, Assignment, FocalOfficer, Plan, Task
from ..models.directory import directory_order


def officer_agency_ids(session: Session, account: Account) -> set[int]:
    """Agencies whose active focal officers include this account's e-mail."""
    return set(session.scalars(
        select(FocalOfficer.agency_id).where(func.lower(FocalOfficer.email) == account.email.lower(),
                                             FocalOfficer.active.is_(True))))


def publishable_issuer_ids(session: Session, account: Account) -> set[int] | None:
    """The bodies whose plans this account may publish or correct (None: any, administrators):
    an author's People's Committee and every body under it."""
    if account.role == ADMIN:
        return None
    if account.committee_id is None:
        return set()
    return subtree_ids(session, account.committee_id)


def tree_agencies(session: Session, agency_id: int | None, within: set[int] | None = None) -> list[Agency]:
    """The agencies of ``agency_id``'s whole tree (from its top body down; every agency when
    None), or of ``within`` (None: no limit), in the order people expect a directory list."""
    query = select(Agency)
    if agency_id is not None:
        root = agency_id
        parents = dict(session.execute(select(Agency.id, Agency.parent_id)).all())
        while (parent := parents.get(root)) is not None:
            root = parent
        query = query.where(Agency.id.in_(subtree_ids(session, root)))
    if within is not None:
        query = query.where(Agency.id.in_(within))
    return sorted(session.scalars(query), key=lambda a: directory_order(a.level, a.name))


def visible_plan_ids(session: Session, account: Account) -> set[int] | None:
    """Plans the account may open; None means all of them (administrators)."""
    if account.role == ADMIN:
        return None
    if account.role in (AUTHOR, LEADER):
        if account.committee_id is None:
            return set()
        issuers = subtree_ids(session, account.committee_id)
        return set(session.scalars(select(Plan.id).where(Plan.issuer_id.in_(issuers))))
    agencies = officer_agency_ids(session, account)
    if not agencies:
        return set()
    return set(session.scalars(select(Task.plan_id).join(Assignment, Assignment.task_id == Task.id)
                               .where(Assignment.agency_id.in_(agencies)).distinct()))


def can_view_plan(session: Session, account: Account, plan: Plan) -> bool:
    visible = visible_plan_ids(session, account)
    return visible is None or plan.id in visible


def can_manage_plan(session: Session, account: Account, plan: Plan) -> bool:
    """Authors (of the plan's committee) and administrators: decide extensions, return
    outputs, change the plan's reminder policy, re-import it."""
    if account.role == ADMIN:
        return True
    return account.role == AUTHOR and can_view_plan(session, account, plan)


def can_view_assignment(session: Session, account: Account, assignment: Assignment) -> bool:
    if account.role == OFFICER:
        return assignment.agency_id in officer_agency_ids(session, account)
    return can_view_plan(session, account, assignment.task.plan)


def can_report(session: Session, account: Account, assignment: Assignment) -> bool:
    """Officers of the assignment's agency report its progress (administrators may too)."""
    if account.role == ADMIN:
        return True
    return account.role == OFFICER and assignment.agency_id in officer_agency_ids(session, account)


def can_ask_explanation(session: Session, account: Account, assignment: Assignment) -> bool:
    """Leaders and authors who see the plan (their People's Committee's or a body's under it),
    and administrators: ask an agency to explain a late item, withdraw that request."""
    if account.role == ADMIN:
        return True
    return account.role in (AUTHOR, LEADER) and can_view_plan(session, account, assignment.task.plan)


def can_explain(session: Session, account: Account, assignment: Assignment) -> bool:
    """Only the focal officers of the assignment's agency answer for it: an explanation is the
    agency's own word (not an administrator's)."""
    return account.role == OFFICER and assignment.agency_id in officer_agency_ids(session, account)
