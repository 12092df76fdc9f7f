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

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Protocol
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from ..config import reporting_calendar
from ..models import (
    CANCELLED,
    DONE,
    PAUSED,
    PLAN_ARCHIVED,
    Agency,
    Assignment,
    Deadline,
    FocalOfficer,
    Occurrence,
    Plan,
    Task,
)
from ..reading.reporting import ReportingCalendar

STATUS_PREFIX: dict[str, str] = {DONE: "[Đã hoàn thành] ", PAUSED: "[Tạm dừng] ", CANCELLED: "[ĐÃ HỦY] "}
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

    @classmethod
    def from_config(cls, config: Mapping[str, Any], today: date) -> FeedContext:
        """The context this deployment's settings give, for the local day ``today``."""
        base = config["TRACKER_BASE_URL"].rstrip("/")
        return cls(today=today, tz=config["TRACKER_TIMEZONE"], base_url=base,
                   host=urlsplit(base).hostname or "tracker",
                   window=Window.around(today, config["TRACKER_FEED_PAST_DAYS"], config["TRACKER_FEED_FUTURE_DAYS"]),
                   checkin_calendar=reporting_calendar(config), checkin_periods=config["TRACKER_CHECKIN_PERIODS"])


class FeedTarget(Protocol):
    """What a feed is of: a token names it, and so does its stored state (for a rebuild)."""

    @property
    def kind(self) -> str: ...
    @property
    def target_id(self) -> int | None: ...
    @property
    def target_email(self) -> str | None: ...
    @property
    def feed_key(self) -> str: ...


@dataclass
class Feed:
    name: str
    description: str
    events: list[FeedEvent]


def _or_epoch(moment: datetime | None) -> datetime:
    """A modification time, or a fixed long-past one for rows that never had one."""
    return moment if moment is not None else datetime(2000, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=4096)
def _overdue_moment(due: date, tz: str) -> datetime:
    """The local midnight after the due date, in UTC: when an item turns overdue."""
    return datetime.combine(due + timedelta(days=1), time(0), ZoneInfo(tz)).astimezone(UTC)


def _short(text: str, limit: int = 70) -> str:
    """At most ``limit`` characters, cut between words with "…" (never mid-word: "… năm 2027 tr")."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and text[limit - 1] != " ":
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–-") + "…"


@dataclass(slots=True)
class _Occurrence:
    id: int
    due: date
    status: str
    label: str
    sequence: int
    updated_at: datetime
    cutoff: date


@dataclass(slots=True)
class _Item:
    """One assignment as a feed needs it, read as a plain row: building ORM objects (with
    their task, plan, deadline and siblings) cost ten times the whole feed's budget."""

    id: int
    role: str
    row: int
    status: str
    progress: int
    sequence: int
    output: str
    agency: str                     # the agency's name, or the owner as written
    modified: datetime              # the last change of the assignment, its task or plan
    task_id: int
    task_ref: str
    task_content: str
    plan_id: int
    plan_kind: str
    plan_number: str | None
    plan_title: str
    plan_year: int
    plan_updated: datetime
    deadline_kind: str
    deadline_text: str
    deadline_start: date | None
    deadline_due: date | None
    occurrences: list[_Occurrence] = field(default_factory=list)


# The owners of one sub-row, as its description says them: (lead line, coordinating line).
Owners = dict[tuple[int, int], tuple[str, str]]


def _owners_line(members: list[tuple[str, str]], role: str) -> str:
    """Owners of one sub-row as the plan names them ("UBND cấp xã (23)")."""
    seen: dict[str, int] = {}
    for member_role, label in members:
        if member_role == role:
            seen[label] = seen.get(label, 0) + 1
    return "; ".join(f"{k} ({n})" if n > 1 else k for k, n in seen.items())


def _describe(item: _Item, owners: tuple[str, str], ctx: FeedContext, when: str) -> tuple[str, str]:
    url = f"{ctx.base_url}/a/{item.id}"      # the item's page (sign-in required)
    lines = [
        f"Kế hoạch: {item.plan_kind} {item.plan_number or ''} – {item.plan_title}".replace("  ", " "),
        f"Nhiệm vụ {item.task_ref}: {item.task_content}",
    ]
    if item.output:
        lines.append(f"Sản phẩm: {item.output}")
    lead, coordinate = owners
    if lead:
        lines.append(f"Chủ trì: {lead}")
    if coordinate:
        lines.append(f"Phối hợp: {coordinate}")
    lines.append(f"Thời hạn: {when}")
    lines.append(f"Xem và cập nhật: {url}")
    return "\n".join(lines), url


def _item_events(item: _Item, owners: tuple[str, str], ctx: FeedContext) -> list[FeedEvent]:
    """One event per due date of an assignment: its deadline, each occurrence, or the
    reporting check-ins of a continuous task."""
    dated: list[tuple[str, date, date, str, str, int, datetime]] = []
    if item.occurrences:
        # A recurring assignment paused or cancelled as a whole pauses or cancels its periods
        # (plans.tracked.TrackedItem.status).
        whole = item.status if item.status in (PAUSED, CANCELLED) else None
        for occ in item.occurrences:
            dated.append((f"occurrence-{occ.id}", occ.due, occ.due, whole or occ.status, occ.label,
                          item.sequence + occ.sequence, max(item.modified, _or_epoch(occ.updated_at))))
    elif item.deadline_kind == "continuous":
        for checkin in ctx.checkin_calendar.occurrences(ctx.checkin_periods, item.plan_year):
            dated.append((f"checkin-{item.id}-{checkin.due:%Y%m%d}", checkin.due, checkin.due,
                          item.status, f"Báo cáo định kỳ {checkin.label} (nhiệm vụ thường xuyên)",
                          item.sequence, item.modified))
    elif item.deadline_due is not None:
        first = item.deadline_start if item.deadline_kind == "range" and item.deadline_start else item.deadline_due
        dated.append((f"assignment-{item.id}", first, item.deadline_due, item.status,
                      item.deadline_text or item.deadline_due.isoformat(), item.sequence, item.modified))
    events = []
    for key, first, due, status, when, sequence, modified in dated:
        overdue = status not in (DONE, PAUSED, CANCELLED) and due < ctx.today
        if not ctx.window.covers(first, due) and not overdue:
            continue
        if overdue:
            sequence += 1
            modified = max(modified, _overdue_moment(due, ctx.tz))
        prefix = OVERDUE_PREFIX if overdue else STATUS_PREFIX.get(status, "")
        description, url = _describe(item, owners, ctx, f"{when} (hạn {due:%d/%m/%Y})")
        role = "chủ trì" if item.role == "lead" else "phối hợp"
        events.append(FeedEvent(
            uid=f"{key}@{ctx.host}", summary=f"{prefix}Hạn: {_short(item.task_content)} – {item.agency} ({role})",
            description=description, url=url, start=first, end=due + timedelta(days=1),
            sequence=sequence, last_modified=modified, cancelled=status == CANCELLED,
            done=status == DONE, percent=100 if status == DONE else item.progress,
            categories=[item.plan_number or item.plan_kind]))
    return events


def _feed_assignments(*conditions) -> Select:
    """The ids of the live assignments a feed covers (the conditions name Assignment, Task, Plan)."""
    return (select(Assignment.id).join(Task, Assignment.task_id == Task.id).join(Plan, Task.plan_id == Plan.id)
            .where(Plan.status != PLAN_ARCHIVED, Assignment.removed_at.is_(None), Task.removed_at.is_(None),
                   *conditions))


def _items(session: Session, *conditions) -> list[_Item]:
    """The feed's assignments with their task, plan, deadline and occurrences: three queries."""
    a, t, p, d = Assignment, Task, Plan, Deadline
    rows = session.connection().execute(
        select(a.id, a.role, a.row, a.status, a.progress, a.sequence, a.output, a.owner_text,
               a.updated_at, Agency.name, t.id, t.ref, t.content, t.updated_at, p.id, p.kind, p.number,
               p.title, p.year, p.updated_at, d.kind, d.text, d.start, d.due)
        .select_from(a).join(t, a.task_id == t.id).join(p, t.plan_id == p.id).join(d, a.deadline_id == d.id)
        .outerjoin(Agency, a.agency_id == Agency.id)
        .where(p.status != PLAN_ARCHIVED, a.removed_at.is_(None), t.removed_at.is_(None), *conditions)
        .order_by(p.id, t.position, a.row, a.id))
    items: list[_Item] = []
    by_id: dict[int, _Item] = {}
    for (aid, role, row, status, progress, sequence, output, owner_text, a_updated, agency_name, task_id, ref,
         content, t_updated, plan_id, kind, number, title, year, p_updated, d_kind, d_text, d_start, d_due) in rows:
        plan_updated = _or_epoch(p_updated)
        # One time-zone fix per row: the three stamps come from one database, all naive or all not.
        modified = _or_epoch(max((m for m in (a_updated, t_updated, p_updated) if m is not None), default=None))
        item = _Item(aid, role, row, status, progress, sequence, output or "", agency_name or owner_text,
                     modified, task_id, ref, content, plan_id, kind,
                     number, title, year, plan_updated, d_kind, d_text or "", d_start, d_due)
        items.append(item)
        by_id[aid] = item
    if by_id:
        o = Occurrence
        for occ_id, assignment_id, due, status, label, sequence, updated, cutoff in session.connection().execute(
                select(o.id, o.assignment_id, o.due, o.status, o.label, o.sequence, o.updated_at, o.cutoff)
                .where(o.assignment_id.in_(_feed_assignments(*conditions)), o.removed_at.is_(None))
                .order_by(o.assignment_id, o.due, o.id)):
            owner = by_id.get(assignment_id)
            if owner is not None:
                owner.occurrences.append(_Occurrence(occ_id, due, status, label, sequence, updated, cutoff))
    return items


def _owners(session: Session, *conditions) -> Owners:
    """Every owner of every sub-row the feed's assignments belong to, said once per sub-row."""
    sibling = aliased(Assignment)
    tasks = _feed_assignments(*conditions).with_only_columns(Assignment.task_id).distinct()
    members: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
    for task_id, row, role, owner_text, group_key, agency_name in session.connection().execute(
            select(sibling.task_id, sibling.row, sibling.role, sibling.owner_text, sibling.group_key, Agency.name)
            .outerjoin(Agency, sibling.agency_id == Agency.id)
            .where(sibling.task_id.in_(tasks), sibling.removed_at.is_(None))
            .order_by(sibling.task_id, sibling.row, sibling.role, sibling.id)):
        members[(task_id, row)].append((role, owner_text if group_key else (agency_name or owner_text)))
    return {key: (_owners_line(m, "lead"), _owners_line(m, "coordinate")) for key, m in members.items()}


def officer_agencies(session: Session, email: str) -> list[Agency]:
    return list(session.scalars(select(Agency).join(FocalOfficer).where(
        func.lower(FocalOfficer.email) == email.lower(), FocalOfficer.active.is_(True))
        .order_by(Agency.name)))


def _feed_agencies(session: Session, token: FeedTarget) -> list[Agency]:
    if token.kind == "officer":
        return officer_agencies(session, token.target_email or "")
    agency = session.get(Agency, token.target_id) if token.target_id else None
    return [agency] if agency else []


def _events_for_agencies(session: Session, agency_ids: list[int], ctx: FeedContext) -> list[FeedEvent]:
    condition = Assignment.agency_id.in_(agency_ids)
    owners = _owners(session, condition)
    events: list[FeedEvent] = []
    for item in _items(session, condition):
        events.extend(_item_events(item, owners.get((item.task_id, item.row), ("", "")), ctx))
    return events


def _plan_events(session: Session, plan: Plan, ctx: FeedContext) -> list[FeedEvent]:
    """The plan author's view: one event per sub-row and date, with how many are done."""
    rows: dict[tuple[int, int], list[_Item]] = defaultdict(list)
    for item in _items(session, Task.plan_id == plan.id):
        rows[(item.task_id, item.row)].append(item)
    events: list[FeedEvent] = []
    for (task_id, row), members in rows.items():
        owners = (_owners_line([(m.role, m.agency) for m in members], "lead"),
                  _owners_line([(m.role, m.agency) for m in members], "coordinate"))
        leads = [m for m in members if m.role == "lead"] or members
        per_date: dict[tuple[date, date], list[FeedEvent]] = defaultdict(list)
        for item in leads:
            for event in _item_events(item, owners, ctx):
                per_date[(event.start, event.end)].append(event)
        for (start, end), group in sorted(per_date.items()):
            done = sum(e.done for e in group)
            overdue = any(e.summary.startswith(OVERDUE_PREFIX) for e in group)
            first = group[0]
            prefix = OVERDUE_PREFIX if overdue else ("[Đã hoàn thành] " if done == len(group) else "")
            modified = max(e.last_modified for e in group)
            events.append(FeedEvent(
                uid=f"plan-{plan.id}-task-{task_id}-row-{row}-{end - timedelta(days=1):%Y%m%d}@{ctx.host}",
                summary=f"{prefix}Hạn: {_short(leads[0].task_content)} – {owners[0]} ({done}/{len(group)} hoàn thành)",
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
    condition = Plan.issuer_id == committee.id
    owners = _owners(session, condition)
    for item in _items(session, condition):
        for event in _item_events(item, owners.get((item.task_id, item.row), ("", "")), ctx):
            if event.summary.startswith(OVERDUE_PREFIX):
                events.append(event)
        for occ in item.occurrences:
            previous = cutoffs.get(occ.cutoff)
            modified = max(_or_epoch(occ.updated_at), item.plan_updated)
            if previous is None or modified > previous[1]:
                cutoffs[occ.cutoff] = (occ.label, modified)
    for cutoff, (label, modified) in sorted(cutoffs.items()):
        if not ctx.window.covers(cutoff, cutoff):
            continue
        events.append(FeedEvent(
            uid=f"cutoff-{committee.id}-{cutoff:%Y%m%d}@{ctx.host}",
            summary=f"Chốt số liệu báo cáo {label}", start=cutoff, end=cutoff + timedelta(days=1),
            description=f"Ngày chốt số liệu báo cáo định kỳ {label} (Nghị định 09/2019/NĐ-CP).",
            url=f"{ctx.base_url}/", sequence=0, last_modified=modified, categories=["Báo cáo"]))
    return events


def build_feed(session: Session, token: FeedTarget, ctx: FeedContext | None = None) -> Feed:
    """The feed's name, description and events (without ``ctx``: its name and description
    only, as the subscription page shows them)."""
    if token.kind == "plan":
        plan = session.get(Plan, token.target_id)
        if plan is None:
            return Feed("Hạn công việc", "Kế hoạch không còn tồn tại.", [])
        name = f"Hạn công việc – {plan.kind} {plan.number or _short(plan.title, 40)}"
        return Feed(name, f"Thời hạn các nhiệm vụ của {plan.kind.lower()} {plan.number or ''}: {plan.title}",
                    _plan_events(session, plan, ctx) if ctx else [])
    if token.kind == "leadership":
        committee = session.get(Agency, token.target_id)
        if committee is None:
            return Feed("Hạn công việc", "", [])
        return Feed(f"Nhiệm vụ quá hạn – {committee.name}",
                    f"Nhiệm vụ quá hạn trong các kế hoạch do {committee.name} ban hành, "
                    "và các ngày chốt số liệu báo cáo.",
                    _leadership_events(session, committee, ctx) if ctx else [])
    agencies = _feed_agencies(session, token)
    names = ", ".join(a.name for a in agencies) or "(không có cơ quan)"
    name = f"Hạn công việc – {agencies[0].name}" if len(agencies) == 1 else "Hạn công việc của tôi"
    return Feed(name, f"Thời hạn các nhiệm vụ được giao cho: {names}.",
                _events_for_agencies(session, [a.id for a in agencies], ctx) if ctx else [])


__all__ = ["Feed", "FeedContext", "FeedEvent", "FeedTarget", "Window", "build_feed", "officer_agencies"]
