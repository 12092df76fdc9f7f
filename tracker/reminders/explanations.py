"""Reminders of explanation requests left unanswered (``tracker.plans.explanations``).

Planned with the overdue notices (the ``overdue`` job, in ``planner.plan_jobs``), on the days
``rules.explanation_step`` says: the first working day after the answer was due, then every
``overdue_every`` working days of the plan's policy, until the agency answers or the request
is withdrawn. Each step is recorded in the ``SentStep`` ledger (item key ``e<request id>``)
in the same transaction as its messages, so it is planned once whatever happens to the run
afterwards, and the outbox (one message per focal officer, keyed by the step) delivers it
once.

Which requests: open, past their answer day, on an item still part of its plan (the removed
ones are filtered out of every query), of a plan not archived, not paused or cancelled. They
are few, so every run reads them all (no ``next_step_on`` to keep); on PostgreSQL they are
locked until the run commits, so two runs cannot both plan one step.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..mail import notices
from ..models import (
    CANCELLED,
    EXPLANATION_OPEN,
    PAUSED,
    PLAN_ARCHIVED,
    Agency,
    Assignment,
    ExplanationRequest,
    Plan,
    SentStep,
    Task,
)
from ..plans.tracked import TrackedItem
from . import rules


def item_key(request_id: int) -> str:
    """The ledger's key of an explanation request ("e12")."""
    return f"e{request_id}"


def plan_explanation_reminders(session: Session, today: date, calendar: rules.WorkingDays,
                               defaults: rules.ReminderPolicy, report) -> None:
    """Plan today's reminders of unanswered explanation requests into ``report`` (a
    ``planner.PlanReport``). The caller commits."""
    requests = session.scalars(
        select(ExplanationRequest)
        .join(Assignment, ExplanationRequest.assignment_id == Assignment.id)
        .join(Task, Assignment.task_id == Task.id).join(Plan, Task.plan_id == Plan.id)
        .where(ExplanationRequest.state == EXPLANATION_OPEN, ExplanationRequest.due_on < today,
               Plan.status != PLAN_ARCHIVED)
        .order_by(ExplanationRequest.id)
        .options(selectinload(ExplanationRequest.assignment).selectinload(Assignment.agency)
                 .selectinload(Agency.officers),
                 selectinload(ExplanationRequest.assignment).selectinload(Assignment.task).selectinload(Task.plan),
                 selectinload(ExplanationRequest.occurrence))
        .with_for_update(of=ExplanationRequest)).all()
    if not requests:
        return
    sent: dict[str, set[str]] = {item_key(r.id): set() for r in requests}
    for key, step_key in session.execute(select(SentStep.item_key, SentStep.step_key)
                                         .where(SentStep.item_key.in_(sorted(sent)))):
        sent[key].add(step_key)
    for request in requests:
        assignment = request.assignment
        if TrackedItem(assignment, request.occurrence).status in (PAUSED, CANCELLED):
            continue                          # the author stopped the work: nothing to chase
        task = assignment.task
        policy = rules.tightened(defaults.merged(task.plan.reminder_policy or {}), task.key_task, task.urgency)
        done = sent[item_key(request.id)]
        step = rules.explanation_step(request.due_on, policy, calendar, today, done)
        if step is None:
            continue
        number = sum(1 for k in done if rules.track_of(k) == rules.EXPLANATION) + 1
        done.add(step.key)
        session.add(SentStep(item_key=item_key(request.id), step_key=step.key))
        report.steps += 1
        if not notices.agency_officers(assignment):
            report.without_recipient += 1
            continue
        queued = notices.explanation_reminded(session, request, step.key, number, today)
        if queued:
            report.messages += queued
            report.kinds[notices.EXPLANATION_REMINDER] = report.kinds.get(notices.EXPLANATION_REMINDER, 0) + queued
