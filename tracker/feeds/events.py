"""What each feed shows, as plain ``FeedEvent`` records (no iCalendar here).

Every event is an all-day deadline. Identity and change follow docs/calendar.md §Identity and change:
- UIDs are stable for the life of an item (built from database ids the importer keeps);
- SEQUENCE grows on every material change; LAST-MODIFIED (and DTSTAMP) come from the data,
  so the same data gives the same bytes;
- an item that becomes overdue changes by the calendar, not by an edit: its SEQUENCE and
  LAST-MODIFIED then move by one step / to the local midnight after the due date, which is
  still a function of the data and the day.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..models import (
    CANCELLED,
    DONE,
    PAUSED,
    PLAN_ARCHIVED,
    Agency,
    Assignment,
    FeedToken,
    FocalOfficer,
    Occurrence,
    Plan,
    Task,
)
from ..scheduling.reporting import ReportingCalendar

STATUS_PREFIX = {DONE: "[Đã hoàn thành] ", PAUSED: "[Tạm dừng] ", CANCELLED: "[ĐÃ HỦY] "}
OVERDUE_PREFIX = "[Quá hạn] "


@dataclass(frozen=True)
class Window:
    """The rolling window a feed covers (open overdue items are always included)."""

    start: date
    end: date

    @classmethod
    def around(cls, today: date, past_days: int, future_days: int) -> Window:
        return cls(today - timedelta(days=past_days), today + timedelta(days=future_days))

    def covers(self, start: date, end: date) -> bool:
        return start <= self.end and end >= self.start


@dataclass
class FeedEvent:
    uid: str
    summary: str
    description: str
    url: str
    start: date
    end: date                      # exclusive (the day after the last day)
    sequence: int
    last_modified: datetime        # UTC
    cancelled: bool = False
    done: bool = False
    percent: int = 0
    categories: list[str] = field(default_factory=list)


@dataclass
class FeedContext:
    today: date
    tz: str
    base_url: str
    host: str
    window: Window
    checkin_calendar: ReportingCalendar
    checkin_periods: tuple[str, ...]


@dataclass
class Feed:
    name: str
    description: str
    events: list[FeedEvent]


def _utc(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime(2000, 1, 1, tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _overdue_moment(due: date, tz: str) -> datetime:
    """The local midnight after the due date, in UTC: when an item turns overdue."""
    return datetime.combine(due + timedelta(days=1), time(0), ZoneInfo(tz)).astimezone(UTC)


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _agency_label(assignment: Assignment) -> str:
    return assignment.agency.name if assignment.agency else assignment.owner_text


def _owners_line(siblings: list[Assignment], role: str) -> str:
    """Owners of one sub-row as the plan names them ("UBND cấp xã (23)")."""
    seen: dict[str, int] = {}
    for a in siblings:
        if a.role != role:
            continue
        label = a.owner_text if a.group_key else _agency_label(a)
        seen[label] = seen.get(label, 0) + 1
    return "; ".join(f"{k} ({n})" if n > 1 else k for k, n in seen.items())


def _describe(assignment: Assignment, siblings: list[Assignment], ctx: FeedContext,
              when: str) -> tuple[str, str]:
    task, plan = assignment.task, assignment.task.plan
    url = f"{ctx.base_url}/a/{assignment.id}"      # the item's page (sign-in required)
    lines = [
        f"Kế hoạch: {plan.kind} {plan.number or ''} – {plan.title}".replace("  ", " "),
        f"Nhiệm vụ {task.ref}: {task.content}",
    ]
    if assignment.output:
        lines.append(f"Sản phẩm: {assignment.output}")
    lead, coordinate = _owners_line(siblings, "lead"), _owners_line(siblings, "coordinate")
    if lead:
        lines.append(f"Chủ trì: {lead}")
    if coordinate:
        lines.append(f"Phối hợp: {coordinate}")
    lines.append(f"Thời hạn: {when}")
    lines.append(f"Xem và cập nhật: {url}")
    return "\n".join(lines), url


def _item_events(assignment: Assignment, siblings: list[Assignment], ctx: FeedContext,
                 include_closed_overdue: bool = True) -> list[FeedEvent]:
    """One event per due date of an assignment: its deadline, each occurrence, or the
    reporting check-ins of a continuous task."""
    deadline = assignment.deadline
    task, plan = assignment.task, assignment.task.plan
    base_modified = max(_utc(assignment.updated_at), _utc(task.updated_at), _utc(plan.updated_at))
    dated: list[tuple[str, date, date, str, str, int, datetime]] = []
    if assignment.occurrences:
        for occ in assignment.occurrences:
            dated.append((f"occurrence-{occ.id}", occ.due, occ.due, occ.status, occ.label,
                          assignment.sequence + occ.sequence, max(base_modified, _utc(occ.updated_at))))
    elif deadline.kind == "continuous":
        for occ in ctx.checkin_calendar.occurrences(ctx.checkin_periods, plan.year):
            dated.append((f"checkin-{assignment.id}-{occ.due:%Y%m%d}", occ.due, occ.due,
                          assignment.status, f"Báo cáo định kỳ {occ.label} (nhiệm vụ thường xuyên)",
                          assignment.sequence, base_modified))
    elif deadline.due is not None:
        first = deadline.start if deadline.kind == "range" and deadline.start else deadline.due
        dated.append((f"assignment-{assignment.id}", first, deadline.due, assignment.status,
                      deadline.text or deadline.due.isoformat(), assignment.sequence, base_modified))
    events = []
    agency = _agency_label(assignment)
    for key, first, due, status, when, sequence, modified in dated:
        overdue = status not in (DONE, PAUSED, CANCELLED) and due < ctx.today
        if not ctx.window.covers(first, due) and not overdue:
            continue
        if overdue:
            sequence += 1
            modified = max(modified, _overdue_moment(due, ctx.tz))
        prefix = OVERDUE_PREFIX if overdue else STATUS_PREFIX.get(status, "")
        description, url = _describe(assignment, siblings, ctx, f"{when} (hạn {due:%d/%m/%Y})")
        role = "chủ trì" if assignment.role == "lead" else "phối hợp"
        events.append(FeedEvent(
            uid=f"{key}@{ctx.host}", summary=f"{prefix}Hạn: {_short(task.content)} – {agency} ({role})",
            description=description, url=url, start=first, end=due + timedelta(days=1),
            sequence=sequence, last_modified=modified, cancelled=status == CANCELLED,
            done=status == DONE, percent=100 if status == DONE else assignment.progress,
            categories=[plan.number or plan.kind]))
    return events


def _assignments(session: Session, *conditions) -> list[Assignment]:
    query = (select(Assignment).join(Assignment.task).join(Task.plan)
             .where(Plan.status != PLAN_ARCHIVED, *conditions)
             .options(selectinload(Assignment.deadline), selectinload(Assignment.occurrences),
                      selectinload(Assignment.agency),
                      selectinload(Assignment.task).selectinload(Task.plan),
                      selectinload(Assignment.task).selectinload(Task.assignments)
                      .selectinload(Assignment.agency))
             .order_by(Plan.id, Task.position, Assignment.row, Assignment.id))
    return list(session.scalars(query))


def _siblings(assignment: Assignment) -> list[Assignment]:
    return [a for a in assignment.task.assignments if a.row == assignment.row]


def officer_agencies(session: Session, email: str) -> list[Agency]:
    return list(session.scalars(select(Agency).join(FocalOfficer).where(
        func.lower(FocalOfficer.email) == email.lower(), FocalOfficer.active.is_(True))
        .order_by(Agency.name)))


def _feed_agencies(session: Session, token: FeedToken) -> list[Agency]:
    if token.kind == "officer":
        return officer_agencies(session, token.target_email or "")
    agency = session.get(Agency, token.target_id) if token.target_id else None
    return [agency] if agency else []


def _events_for_agencies(session: Session, agency_ids: list[int], ctx: FeedContext) -> list[FeedEvent]:
    events: list[FeedEvent] = []
    for assignment in _assignments(session, Assignment.agency_id.in_(agency_ids)):
        events.extend(_item_events(assignment, _siblings(assignment), ctx))
    return events


def _plan_events(session: Session, plan: Plan, ctx: FeedContext) -> list[FeedEvent]:
    """The plan author's view: one event per sub-row and date, with how many are done."""
    rows: dict[tuple[int, int], list[Assignment]] = defaultdict(list)
    for assignment in _assignments(session, Task.plan_id == plan.id):
        rows[(assignment.task_id, assignment.row)].append(assignment)
    events: list[FeedEvent] = []
    for (task_id, row), members in rows.items():
        leads = [a for a in members if a.role == "lead"] or members
        per_date: dict[tuple[date, date], list[FeedEvent]] = defaultdict(list)
        for a in leads:
            for event in _item_events(a, members, ctx):
                per_date[(event.start, event.end)].append(event)
        for (start, end), group in sorted(per_date.items()):
            done = sum(e.done for e in group)
            overdue = any(e.summary.startswith(OVERDUE_PREFIX) for e in group)
            first = group[0]
            task = leads[0].task
            owners = _owners_line(members, "lead")
            prefix = OVERDUE_PREFIX if overdue else ("[Đã hoàn thành] " if done == len(group) else "")
            modified = max(e.last_modified for e in group)
            events.append(FeedEvent(
                uid=f"plan-{plan.id}-task-{task_id}-row-{row}-{end - timedelta(days=1):%Y%m%d}@{ctx.host}",
                summary=f"{prefix}Hạn: {_short(task.content)} – {owners} ({done}/{len(group)} hoàn thành)",
                description=first.description, url=first.url, start=start, end=end,
                # Aggregates have no stored counter: seconds of the last change only grow.
                sequence=int(modified.timestamp()) - 946_684_800, last_modified=modified,
                done=done == len(group), percent=round(100 * done / len(group)),
                categories=first.categories))
    return events


def _leadership_events(session: Session, committee: Agency, ctx: FeedContext) -> list[FeedEvent]:
    """For a People's Committee: what is overdue in the plans it issued, and the reporting
    cut-off days of those plans."""
    events: list[FeedEvent] = []
    cutoffs: dict[date, tuple[str, datetime]] = {}
    for assignment in _assignments(session, Plan.issuer_id == committee.id):
        for event in _item_events(assignment, _siblings(assignment), ctx):
            if event.summary.startswith(OVERDUE_PREFIX):
                events.append(event)
        for occ in assignment.occurrences:
            label = occ.label
            previous = cutoffs.get(occ.cutoff)
            modified = max(_utc(occ.updated_at), _utc(assignment.task.plan.updated_at))
            if previous is None or modified > previous[1]:
                cutoffs[occ.cutoff] = (label, modified)
    for cutoff, (label, modified) in sorted(cutoffs.items()):
        if not ctx.window.covers(cutoff, cutoff):
            continue
        events.append(FeedEvent(
            uid=f"cutoff-{committee.id}-{cutoff:%Y%m%d}@{ctx.host}",
            summary=f"Chốt số liệu báo cáo {label}", start=cutoff, end=cutoff + timedelta(days=1),
            description=f"Ngày chốt số liệu báo cáo định kỳ {label} (Nghị định 09/2019/NĐ-CP).",
            url=f"{ctx.base_url}/", sequence=0, last_modified=modified, categories=["Báo cáo"]))
    return events


def build_feed(session: Session, token: FeedToken, ctx: FeedContext) -> Feed:
    if token.kind == "plan":
        plan = session.get(Plan, token.target_id)
        if plan is None:
            return Feed("Hạn công việc", "Kế hoạch không còn tồn tại.", [])
        name = f"Hạn công việc – {plan.kind} {plan.number or plan.title[:40]}"
        return Feed(name, f"Thời hạn các nhiệm vụ của {plan.kind.lower()} {plan.number or ''}: {plan.title}",
                    _plan_events(session, plan, ctx))
    if token.kind == "leadership":
        committee = session.get(Agency, token.target_id)
        if committee is None:
            return Feed("Hạn công việc", "", [])
        return Feed(f"Nhiệm vụ quá hạn – {committee.name}",
                    f"Nhiệm vụ quá hạn trong các kế hoạch do {committee.name} ban hành, "
                    "và các ngày chốt số liệu báo cáo.",
                    _leadership_events(session, committee, ctx))
    agencies = _feed_agencies(session, token)
    names = ", ".join(a.name for a in agencies) or "(không có cơ quan)"
    name = f"Hạn công việc – {agencies[0].name}" if len(agencies) == 1 else "Hạn công việc của tôi"
    return Feed(name, f"Thời hạn các nhiệm vụ được giao cho: {names}.",
                _events_for_agencies(session, [a.id for a in agencies], ctx))


# Bump when the bytes built from the same data change (a stored body must not outlive it).
FEED_LAYOUT = 2


def feed_version(session: Session, token: FeedToken, ctx: FeedContext, fmt: str) -> str:
    """A cheap fingerprint of everything a feed is built from: one aggregate query, no
    calendar. It changes whenever an item is added, removed or edited, and each day."""
    a, t, p = Assignment, Task, Plan
    query = (select(func.count(a.id), func.max(a.updated_at), func.sum(a.sequence),
                    func.max(t.updated_at), func.max(p.updated_at), func.max(Occurrence.updated_at),
                    func.count(Occurrence.id), func.sum(Occurrence.sequence))
             .select_from(a).join(t, a.task_id == t.id).join(p, t.plan_id == p.id)
             .outerjoin(Occurrence, Occurrence.assignment_id == a.id)
             .where(p.status != PLAN_ARCHIVED))
    if token.kind == "plan":
        query = query.where(p.id == token.target_id)
    elif token.kind == "leadership":
        query = query.where(p.issuer_id == token.target_id)
    else:
        query = query.where(a.agency_id.in_([ag.id for ag in _feed_agencies(session, token)] or [-1]))
    row = session.execute(query).one()
    agency_names = "" if token.kind in ("plan", "leadership") else \
        ",".join(f"{ag.id}:{ag.name}" for ag in _feed_agencies(session, token))
    # The deployment's settings a feed is built with are part of it too: a changed
    # TRACKER_CHECKIN_PERIODS, time zone or reporting calendar rebuilds every stored feed.
    material = "|".join(str(v) for v in (FEED_LAYOUT, token.feed_key, fmt, ctx.today, ctx.window, ctx.base_url,
                                         ctx.tz, ",".join(ctx.checkin_periods), repr(ctx.checkin_calendar),
                                         agency_names, *row))
    return hashlib.sha256(material.encode()).hexdigest()


__all__ = ["Feed", "FeedContext", "FeedEvent", "Window", "build_feed", "feed_version",
           "officer_agencies", "or_"]
