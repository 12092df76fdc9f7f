"""The planning jobs: which reminders, overdue notices, escalations and check-in requests
are owed today, and to whom — one message per person and kind, into the outbox.

The decisions about *when* are ``rules`` (pure); this module reads
the database, resolves people (focal officers, the agency head, the issuing committee's
office and leader in charge), composes and enqueues. Each (item, step) is recorded in the
``SentStep`` ledger in the same transaction as its messages, so a step is planned once,
whatever happens to the job afterwards; the outbox then delivers it once.

Incremental: a run looks only at the open assignments whose ``next_step_on`` is unknown
(NULL) or has come, in chunks, with the ledger rows of those items only, and stores for
each the first day it can be owed a step again (``rules.next_step_day``). Writes that
change an assignment, its deadline, periods, history or plan set it back to NULL
(``invalidation``); a change of the global inputs (the global policy, the calendar's
exceptions, the reporting and check-in settings) or a run for an earlier day than the
last one sets every assignment back (``_check_basis``).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache, partial
from types import MappingProxyType
from urllib.parse import urlsplit

import holidays
from flask import current_app
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session, selectinload

from ..addresses import valid_address
from ..config import reporting_calendar
from ..mail.compose import MailItem, Recipient, compose
from ..mail.links import feed_placeholder, signin_placeholder
from ..mail.outbox import enqueue, idempotency_key
from ..models import (
    IN_PROGRESS,
    NOT_STARTED,
    PLAN_ARCHIVED,
    Agency,
    Assignment,
    Occurrence,
    Plan,
    SentStep,
    Setting,
    Task,
)
from ..models.base import table_of
from ..plans.statistics import Period, agency_statistics
from ..plans.tracked import TrackedItem, local_date, tracked_items
from ..reading.reporting import ReportingCalendar
from ..scheduling.office_calendar import working_calendar
from ..scheduling.ontime import OVERDUE, PENDING_ON_TIME
from ..scheduling.workdays import WorkingCalendar
from ..webhooks import payloads
from ..webhooks.events import Event, Payload, emit_many
from . import rules
from .explanations import plan_explanation_reminders
from .invalidation import replan_all
from .policy import global_policy

# Which planning job handles which tracks, and the message kind each track produces.
JOB_TRACKS = {
    "reminders": (rules.BEFORE,),
    "overdue": (rules.OVERDUE,),
    "escalation": (rules.ESCALATION_HEAD, rules.ESCALATION_COMMITTEE),
    "checkins": (rules.CHECKIN,),
}
KIND_OF_TRACK = {rules.BEFORE: "reminder", rules.OVERDUE: "overdue",
                 rules.ESCALATION_HEAD: "escalation_head",
                 rules.ESCALATION_COMMITTEE: "escalation_committee", rules.CHECKIN: "checkin"}


OPEN = (NOT_STARTED, IN_PROGRESS)
CHUNK = 500                     # assignments loaded and planned at a time (memory stays bounded)
NEVER = date(9999, 12, 31)      # next_step_on of an assignment nothing can fall due for until it changes
PLANNING_BASIS = "reminder_planning_basis"   # Setting: the global inputs the stored next_step_on follow
# Bump when rules.schedule / due_steps change what they answer: every next_step_on is then redone.
RULES_VERSION = 1


@dataclass
class PlanReport:
    messages: int = 0
    steps: int = 0
    without_recipient: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    #: open assignments the run looked at (their next_step_on was unknown or had come)
    selected: int = 0


def _people(assignment: Assignment, audience: str) -> list[Recipient]:
    """Who receives a step: the agency's focal officers, its head, or the issuing committee
    (its office's head and the leader in charge)."""
    agency: Agency | None = assignment.agency
    if agency is None:
        return []
    if audience == rules.OFFICERS:
        return [Recipient(o.email or "", o.name, o.language or "vi", "officer")
                for o in agency.officers if o.active]
    if audience == rules.AGENCY_HEAD:
        return [Recipient(agency.head_email or "", agency.head_name or agency.name, "vi", "agency_head")]
    committee = assignment.task.plan.issuer
    if committee is None:
        return []
    people = []
    if committee.office is not None:
        people.append(Recipient(committee.office.head_email or "",
                                committee.office.head_name or committee.office.name, "vi", "committee"))
    if committee.leader_email or committee.leader_name:
        people.append(Recipient(committee.leader_email or "", committee.leader_name or committee.name,
                                "vi", "committee"))
    return people


def _local_day(moment: datetime) -> date:
    return local_date(moment, current_app.config["TRACKER_TIMEZONE"])


def _items(assignment: Assignment, calendar,
           cutoff_periods) -> list[tuple[str, int | None, rules.Item, Occurrence | None]]:
    """(item key, occurrence id, planner item, occurrence or None) for an assignment: its
    tracked items that have a date, or the check-ins of a continuous task."""
    deadline = assignment.deadline
    start = assignment.task.plan.tracking_from
    if deadline.kind == "continuous" and not assignment.occurrences:
        periods = calendar.occurrences(cutoff_periods, assignment.task.plan.year)
        cutoffs = tuple(o.cutoff for o in periods)
        # A period is checked in when the officer reported during it (docs/domain.md,
        # "On-time categories": a continuous item is judged by whether its periodic check-in
        # was made).
        reported = [_local_day(h.changed_at) for h in assignment.history if h.kind == "report"]
        done = frozenset(o.cutoff for o in periods if any(o.start <= d <= o.cutoff for d in reported))
        return [(f"a{assignment.id}", None,
                 rules.Item(due=None, status=assignment.status, continuous=True, cutoffs=cutoffs,
                            checkins_done=done, tracking_from=start), None)]
    return [(f"o{t.occurrence.id}" if t.occurrence is not None else f"a{assignment.id}",
             t.occurrence.id if t.occurrence is not None else None,
             rules.Item(due=t.due, status=t.status, tracking_from=start), t.occurrence)
            for t in tracked_items(assignment) if t.due is not None]


def plan_messages(session: Session, today: date, tracks: tuple[str, ...]) -> PlanReport:
    """Plan today's messages of the given tracks. Idempotent: running it twice plans nothing
    more. The caller commits."""
    return plan_jobs(session, today, (tracks,))[0]


def plan_jobs(session: Session, today: date, jobs: Sequence[tuple[str, ...]]) -> list[PlanReport]:
    """Plan today's messages of several planning jobs (each given by its tracks) in one
    pass over the assignments, as if the jobs ran one after the other in this order: for
    each item the steps of one job are recorded before the next job's are chosen (an
    escalation planned after the same day's first reminder, as a later job would). One
    report per job. The caller commits."""
    config = current_app.config
    base_url = config["TRACKER_BASE_URL"].rstrip("/")
    calendar = working_calendar(session)
    reports = [PlanReport() for _ in jobs]
    if not calendar.is_working_day(today):
        return reports                      # nothing on days off; the next run catches up
    defaults = global_policy(session)
    reporting = reporting_calendar(config)
    checkin_periods = config["TRACKER_CHECKIN_PERIODS"]
    basis = _check_basis(session, today, _basis(defaults, calendar, reporting, checkin_periods,
                                                config["TRACKER_TIMEZONE"]))

    open_work = (Plan.status != PLAN_ARCHIVED, Assignment.status.in_(OPEN))
    ids = session.scalars(
        select(Assignment.id).join(Assignment.task).join(Task.plan)
        .where(*open_work, or_(Assignment.next_step_on.is_(None), Assignment.next_step_on <= today))
        .order_by(Assignment.id)).all()
    for report in reports:
        report.selected = len(ids)
    # Per job: (kind, email, name) → recipient, [(MailItem, assignment id, occurrence id, step key)]
    outgoing: list[dict[tuple[str, str, str], tuple[Recipient, list]]] = [{} for _ in jobs]
    new_steps: list[tuple[str, str]] = []
    signals: list[tuple[str, str, Payload]] = []      # webhook events: (event, key, payload)
    next_days: list[dict] = []
    policies: dict[int, rules.ReminderPolicy] = {}
    # (plan id, key task, urgency) → the plan's policy tightened for such a task (rules.tightened)
    task_policies: dict[tuple[int, bool, str], rules.ReminderPolicy] = {}
    for start in range(0, len(ids), CHUNK):
        # Locked on PostgreSQL until the run commits: a write to one of these rows (and the
        # invalidation it brings) waits, so it cannot be overwritten by a day worked out
        # from what it changed.
        assignments = session.scalars(
            select(Assignment).join(Assignment.task).join(Task.plan)
            .where(Assignment.id.in_(ids[start:start + CHUNK]), *open_work)
            .order_by(Assignment.id)
            .options(selectinload(Assignment.deadline), selectinload(Assignment.occurrences),
                     selectinload(Assignment.history),
                     selectinload(Assignment.agency).selectinload(Agency.officers),
                     selectinload(Assignment.task).selectinload(Task.plan))
            .with_for_update(of=Assignment)).all()
        items = {a.id: _items(a, reporting, checkin_periods) for a in assignments}
        sent: dict[str, set[str]] = defaultdict(set)
        keys = sorted({key for entries in items.values() for key, *_ in entries})
        for item_key, step_key in session.execute(
                select(SentStep.item_key, SentStep.step_key).where(SentStep.item_key.in_(keys))):
            sent[item_key].add(step_key)
        for assignment in assignments:
            plan = assignment.task.plan
            if plan.id not in policies:
                policies[plan.id] = defaults.merged(plan.reminder_policy or {})
            task = assignment.task
            shape = (plan.id, task.key_task, task.urgency)
            if shape not in task_policies:
                task_policies[shape] = rules.tightened(policies[plan.id], task.key_task, task.urgency)
            policy = task_policies[shape]
            next_day = NEVER
            for item_key, occurrence_id, item, occurrence in items[assignment.id]:
                for tracks, report, slots in zip(jobs, reports, outgoing, strict=True):
                    _plan_item(assignment, item_key, occurrence_id, item, occurrence, policy, calendar, today,
                               sent[item_key], tracks, report, slots, new_steps, base_url, signals)
                # Owed something still today (another job's track) or the first day it can be.
                if rules.due_steps(item, policy, calendar, today, sent[item_key]):
                    next_day = today
                else:
                    next_day = min(next_day, rules.next_step_day(item, policy, calendar, today, sent[item_key])
                                   or NEVER)
            if next_day != assignment.next_step_on:
                next_days.append({"b_id": assignment.id, "b_day": next_day, "b_seen": assignment.next_step_on})

    for slots, report in zip(outgoing, reports, strict=True):
        _enqueue(session, slots, report, today, base_url)
    for tracks, report in zip(jobs, reports, strict=True):
        if rules.OVERDUE in tracks:          # unanswered explanation requests: with the overdue notices
            plan_explanation_reminders(session, today, calendar, defaults, report)
    for item_key, step_key in new_steps:
        session.add(SentStep(item_key=item_key, step_key=step_key))
    for event in (Event.OVERDUE, Event.ESCALATED):
        emit_many(session, event, [(key, payload) for e, key, payload in signals if e == event])
    if next_days:
        table = table_of(Assignment)
        # Only where it is still what was read (a write since has cleared a day it had), and
        # updated_at is left as it is: it is the row's last change for people and feeds.
        session.connection().execute(
            update(table).where(table.c.id == bindparam("b_id"),
                                table.c.next_step_on.is_not_distinct_from(bindparam("b_seen")))
            .values(next_step_on=bindparam("b_day"), updated_at=table.c.updated_at), next_days)
    basis.value = {"basis": basis.value["basis"], "day": today.isoformat()}
    session.flush()
    return reports


def _plan_item(assignment: Assignment, item_key: str, occurrence_id: int | None, item: rules.Item,
               occurrence: Occurrence | None, policy: rules.ReminderPolicy, calendar: WorkingCalendar, today: date,
               sent: set[str], tracks: tuple[str, ...], report: PlanReport,
               outgoing: dict[tuple[str, str, str], tuple[Recipient, list]], new_steps: list[tuple[str, str]],
               base_url: str, signals: list[tuple[str, str, Payload]] | None = None) -> None:
    """One job's steps of one item today: into the ledger (``sent`` and ``new_steps``), into
    its recipients' messages (``outgoing``) and, for the webhooks (``signals``), the item's
    first overdue notice (``assignment.overdue``: it became overdue) and its escalations
    (``assignment.escalated``), whether or not anyone has an address to be told at."""
    steps = [s for s in rules.due_steps(item, policy, calendar, today, sent) if s.track in tracks]
    # "Nhắc lần n" counts the notices this agency has actually been sent for the item,
    # not the schedule's ordinal (downtime or a late start skip some).
    notices = sum(1 for k in sent if rules.track_of(k) == rules.OVERDUE)
    for step in steps:
        if step.track == rules.OVERDUE:
            step = replace(step, number=notices + 1)
        people = _people(assignment, step.audience)
        sent.add(step.key)
        new_steps.append((item_key, step.key))
        report.steps += 1
        if signals is not None:
            _signal(signals, assignment, occurrence, item, item_key, step, today, notices)
        if not people:
            report.without_recipient += 1
            continue
        mail_item = _mail_item(assignment, occurrence, item, step, calendar, today, base_url)
        kind = KIND_OF_TRACK[step.track]
        for person in people:
            slot = outgoing.setdefault((kind, person.email.lower(), person.name), (person, []))
            slot[1].append((mail_item, assignment.id, occurrence_id, step.key))


#: the webhook's name for each escalation level
ESCALATION_LEVELS = {rules.ESCALATION_HEAD: "agency_head", rules.ESCALATION_COMMITTEE: "committee"}


def _signal(signals: list[tuple[str, str, Payload]], assignment: Assignment, occurrence: Occurrence | None,
            item: rules.Item, item_key: str, step: rules.Step, today: date, notices: int) -> None:
    """The webhook event a planned step is, if any, with its natural key: planned again
    (a replay), it is queued once; after a new due date the item can become overdue again."""
    if step.track == rules.OVERDUE and notices == 0:
        signals.append((Event.OVERDUE, f"{Event.OVERDUE}:{item_key}:{step.key}:{item.due}",
                        partial(payloads.reminder_step, assignment, occurrence, item.due, today, notice=1)))
    elif step.track in ESCALATION_LEVELS:
        signals.append((Event.ESCALATED, f"{Event.ESCALATED}:{item_key}:{step.key}",
                        partial(payloads.reminder_step, assignment, occurrence, item.due, today,
                                level=ESCALATION_LEVELS[step.track])))


def _enqueue(session: Session, outgoing: dict[tuple[str, str, str], tuple[Recipient, list]], report: PlanReport,
             today: date, base_url: str) -> None:
    """One message per person and kind, listing every item it is about."""
    config = current_app.config
    for (kind, email, _), (person, entries) in outgoing.items():
        items = [_signed(e[0], person, base_url) for e in entries]
        feed_url = None
        if person.role == "officer" and valid_address(person.email):
            feed_url = feed_placeholder(base_url)     # the token is minted when it is sent
        composed = compose(kind, person, items, today=today, feed_url=feed_url, app_url=base_url,
                           organizer=config["MAIL_DEFAULT_SENDER"])
        if composed is None:
            continue
        parts = [f"{a}:{o}:{s}" for _, a, o, s in entries]
        key = idempotency_key(kind, email or f"(no address) {person.name}", today.isoformat(), parts)
        if enqueue(session, composed, kind, key, [(a, o, s) for _, a, o, s in entries],
                   person.name, person.language):
            report.messages += 1
            report.kinds[kind] = report.kinds.get(kind, 0) + 1


def _basis(policy: rules.ReminderPolicy, calendar: WorkingCalendar, reporting: ReportingCalendar,
           checkin_periods: Sequence[str], timezone: str) -> str:
    """A digest of the global inputs every stored next_step_on follows from: when any of
    them changes (an administrator's policy or calendar exception, the deployment's
    reporting settings, a new holidays library), every day is worked out again."""
    inputs = {"policy": policy.as_dict(),
              "exceptions": sorted((d.isoformat(), e.working) for d, e in calendar.exceptions.items()),
              "checkin_periods": list(checkin_periods), "cutoff_day": reporting.cutoff_day,
              "submission_days": sorted(reporting.submission_days.items()), "timezone": timezone,
              "holidays": holidays.__version__, "rules": RULES_VERSION}
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def _check_basis(session: Session, today: date, basis: str) -> Setting:
    """The stored basis, brought up to ``basis``. When the global inputs changed since the
    last run, or this run is for an earlier day (an operator replaying a day), no stored
    next_step_on can be trusted: all are set back to NULL, in one UPDATE. The run records
    its day on the returned row."""
    setting = session.get(Setting, PLANNING_BASIS)
    if setting is None:
        setting = Setting(key=PLANNING_BASIS, value={})
        session.add(setting)
    stored = setting.value or {}
    if stored.get("basis") != basis or str(stored.get("day", "")) > today.isoformat():
        replan_all(session)
        setting.value = {"basis": basis, "day": today.isoformat()}
    return setting


def _signed(item: MailItem, person: Recipient, base_url: str) -> MailItem:
    """The item with a place for this recipient's own single-use sign-in link to it (minted
    when the message is sent: see ``tracker.mail.links``)."""
    if not valid_address(person.email) or not item.url.startswith(base_url + "/"):
        return item
    return replace(item, signin_url=signin_placeholder(base_url, item.url[len(base_url):]))


def _mail_item(assignment: Assignment, occurrence, item: rules.Item, step: rules.Step, calendar,
               today: date, base_url: str) -> MailItem:
    task, plan = assignment.task, assignment.task.plan
    host = urlsplit(base_url).hostname or "tracker"
    due = item.due or step.cutoff
    uid = f"occurrence-{occurrence.id}" if occurrence is not None else f"assignment-{assignment.id}"
    if item.due is None and step.cutoff is not None:
        # A continuous task's check-in: the report day and UID the calendar feeds give it.
        due = _report_day(plan.year, step.cutoff)
        uid = f"checkin-{assignment.id}-{due:%Y%m%d}"
    days = 0
    if due is not None:
        days = calendar.working_days_between(today, due) if due >= today else (due - today).days
    label = occurrence.label if occurrence is not None else (assignment.deadline.text or "")
    return MailItem(
        plan_label=f"{plan.kind} {plan.number or ''} – {plan.title}".replace("  ", " "),
        plan_key=str(plan.id), task_ref=task.ref, task_content=task.content,
        agency=assignment.agency.name if assignment.agency else assignment.owner_text,
        agency_id=assignment.agency_id,
        role=assignment.role, output=assignment.output, deadline_text=label, due=due,
        step_kind=step.kind, step_number=step.number, days=days,
        url=f"{base_url}/a/{assignment.id}" + (f"?o={occurrence.id}" if occurrence is not None else ""),
        uid=f"{uid}@{host}")


def _report_day(year: int, cutoff: date) -> date:
    """The report day of the check-in period whose data is cut off on ``cutoff``, as the
    calendar feeds date the check-in."""
    config = current_app.config
    days = _report_days(reporting_calendar(config), tuple(config["TRACKER_CHECKIN_PERIODS"]), year)
    return days.get(cutoff, cutoff)


@lru_cache(maxsize=64)
def _report_days(calendar: ReportingCalendar, periods: tuple[str, ...], year: int) -> Mapping[date, date]:
    """Cut-off → report day of a year's check-in periods (a calendar is a value: cached by it)."""
    return MappingProxyType({p.cutoff: p.due for p in calendar.occurrences(periods, year)})


DUE_SOON_WORKING_DAYS = 5


def plan_digest(session: Session, today: date) -> PlanReport:
    """The weekly leadership digest: for each People's Committee that issued plans, its
    office and leader in charge get one message with each agency's four on-time columns and
    on-time rate, and the items overdue or due within a week. The caller commits."""
    config = current_app.config
    base_url = config["TRACKER_BASE_URL"].rstrip("/")
    tz = config["TRACKER_TIMEZONE"]
    calendar = working_calendar(session)
    report = PlanReport()
    soon = calendar.add_working_days(today, DUE_SOON_WORKING_DAYS)
    assignments = session.scalars(
        select(Assignment).join(Assignment.task).join(Task.plan)
        .where(Plan.status != PLAN_ARCHIVED, Plan.issuer_id.is_not(None), Assignment.agency_id.is_not(None))
        .options(selectinload(Assignment.deadline), selectinload(Assignment.occurrences),
                 selectinload(Assignment.agency),
                 selectinload(Assignment.task).selectinload(Task.plan).selectinload(Plan.issuer)))
    by_committee: dict[int, dict] = {}
    for assignment in assignments:
        plan = assignment.task.plan
        entry = by_committee.setdefault(plan.issuer_id, {"example": assignment, "plans": set(), "items": []})
        entry["plans"].add(plan.id)
        for _item_key, _, item, occurrence in _items(assignment, reporting_calendar(config), ()):
            # What to act on: overdue against the working date (an approved extension moved
            # it), or due within a week.
            result = TrackedItem(assignment, occurrence).on_time(today, tz)
            if result is None:
                continue
            due_soon = result.category == PENDING_ON_TIME and item.due is not None and item.due <= soon
            if result.category == OVERDUE or due_soon:
                step = rules.Step(kind="digest", key="digest", scheduled=today, track="digest")
                entry["items"].append(_mail_item(assignment, occurrence, item, step, calendar, today, base_url))
    for committee_id, entry in by_committee.items():
        if not entry["items"]:
            continue
        # The dashboard's own table for the committee's plans (lead agencies, every period).
        table = agency_statistics(session, today, tz, Period(), entry["plans"])
        stats = [row for row in table.rows if row.agency_id is not None]
        for person in _people(entry["example"], rules.COMMITTEE):
            items = [_signed(i, person, base_url) for i in entry["items"]]
            composed = compose("digest", person, items, today=today, feed_url=None,
                               organizer=config["MAIL_DEFAULT_SENDER"],
                               app_url=base_url, stats=stats)
            key = idempotency_key("digest", person.email or person.name, today.isoformat(),
                                  [f"committee:{committee_id}"])
            if composed and enqueue(session, composed, "digest", key, [], person.name, person.language):
                report.messages += 1
                report.kinds["digest"] = report.kinds.get("digest", 0) + 1
    session.flush()
    return report
