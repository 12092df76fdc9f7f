"""On-time statistics by agency for the leadership dashboard (docs/domain.md, "On-time
categories"). Pure: a session in, numbers out; no Flask.

What is counted
  Every assignment without occurrences, and every occurrence of a recurring assignment (one
  item each), whose due date falls in the period. Items ``classify`` leaves out (no due date:
  continuous, event, external; paused or cancelled) are not counted.

Against which date
  The plan's own date: ``original_due`` when an approved extension moved the working due
  date, else the due date. The period window applies to the same date. Extended items are
  counted again in their own column, so an extension shows instead of hiding a late item.

As of which day
  Statuses are the current ones, except that an item completed after the as-of day counts as
  not yet done on that day; escalations planned after it are ignored.

Open escalations
  Items (each counted once) an escalation message was planned for, to the agency head or the
  issuing committee, that are still overdue on the as-of day judged against the working due
  date: an approved extension answers an escalation. So they are a subset of the overdue column.
  Their days late, like every item's, count from the plan's own date; the dashboard lists them
  by agency or by task (``group_escalations``).

Cells and their lists
  ``counted_items`` classifies every item once; the table's numbers are tallies of those items
  by ``in_column``, and a cell's list is the same items picked by the same rule, so the
  dashboard's "5" opens a list of exactly five.

The categories offices report besides the four (docs/domain.md, "On-time categories")
  Asked for with ``Horizons`` (the periodic report asks; the dashboard's table does not), on
  the same items and by the same ``in_column``:

  * no deadline ("không thời hạn"): items with no due date (continuous, event, external,
    unknown) of a plan whose year overlaps the period, not paused or cancelled; counted
    beside the four, never in them nor in a rate (``undated=True`` adds them);
  * due soon ("sắp đến hạn"): open and not yet due, the plan's own date within
    ``soon_days`` working days of the as-of day;
  * due in the period ("đến hạn trong kỳ"): every dated item counted, since the period is a
    window on the plan's own date (a report adds the items of earlier periods still overdue
    separately);
  * not updated ("chưa cập nhật"): not done on the as-of day and no progress report for
    ``stale_days`` days (counting from the item's start when it never had one);
  * long overdue: overdue by more than ``long_overdue_days`` days.

Rates
  Completion rate (as the Government Office reports it): done, on time or late, over fallen
  due. On-time rate: done on time over fallen due. None when nothing has fallen due.

Explanations (giải trình)
  Each item carries the state of its latest explanation request (``explanation``: open, waiting
  for the agency, or answered; a withdrawn one, or one asked after the as-of day, is not
  there; one answered after it was still open on it). The dashboard counts the items of the
  table in each state (``EXPLANATION_COLUMNS``), so its "open" and "answered" numbers are
  items of the period and scope chosen, and open lists like every other number.

Plans list
  ``plan_progress`` gives, in one query for many plans, done / total items and the overdue ones
  (against the plan's own date, every role), the same items the dashboard counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..models import (
    CANCELLED,
    COORDINATE,
    DONE,
    EXPLANATION_ANSWERED,
    EXPLANATION_OPEN,
    EXPLANATION_WITHDRAWN,
    LEAD,
    PAUSED,
    Assignment,
    Deadline,
    ExplanationRequest,
    Occurrence,
    OutboxItem,
    OutboxMessage,
    StatusChange,
    Task,
)
from ..reading.text import fold
from ..scheduling.ontime import CATEGORIES, DONE_LATE, DONE_ON_TIME, OVERDUE, PENDING_ON_TIME
from ..scheduling.workdays import WorkingCalendar
from .tracked import TrackedItem, local_date, tracked_items

ESCALATION_KINDS = ("escalation_head", "escalation_committee")   # lowest level first
#: the table's number columns that are counts of items (a list can be opened for each)
COLUMNS = (*CATEGORIES, "total", "fallen_due", "extended", "escalations")
#: the columns an item adds one to (``total`` and ``fallen_due`` are sums of categories)
_TALLIED = (*CATEGORIES, "extended", "escalations")
#: how a list of items can be ordered
SORTS = ("deadline", "agency", "late")

#: the category of an item without a due date (counted only when asked: ``undated``)
NO_DEADLINE = "no_deadline"
#: the categories offices report besides the four official ones (``Horizons``)
EXTRA_COLUMNS = (NO_DEADLINE, "due_soon", "due_in_period", "stale", "long_overdue")
#: items whose latest explanation request waits for the agency's answer, or was answered
EXPLANATION_COLUMNS = ("explanations_open", "explanations_answered")
#: every column ``in_column`` knows
ALL_COLUMNS = (*COLUMNS, *EXTRA_COLUMNS, *EXPLANATION_COLUMNS)
_EXTRA_TALLIED = (NO_DEADLINE, "due_soon", "stale", "long_overdue")
#: defaults of ``Horizons``: due within 7 working days, no report for 30 days, 30 days late
DUE_SOON_WORKING_DAYS = 7
STALE_DAYS = 30
LONG_OVERDUE_DAYS = 30
_FALLEN_DUE = (DONE_ON_TIME, DONE_LATE, OVERDUE)


@dataclass(frozen=True)
class Horizons:
    """How far "due soon", "not updated" and "long overdue" reach, and the working calendar
    "due soon" counts in."""

    calendar: WorkingCalendar
    soon_days: int = DUE_SOON_WORKING_DAYS
    stale_days: int = STALE_DAYS
    long_overdue_days: int = LONG_OVERDUE_DAYS


@dataclass(frozen=True)
class Period:
    """A window on the due date, both ends included; an open end is None."""

    start: date | None = None
    end: date | None = None

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise ValueError(f"quarter {quarter} is not 1-4")
        return cls(date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(date(year, month, 1), _month_end(year, month))

    def contains(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def _month_end(year: int, month: int) -> date:
    first_of_next = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(first_of_next.toordinal() - 1)


@dataclass
class AgencyRow:
    """One agency's line (or the totals line) of the table."""

    agency_id: int | None
    #: None for owners not resolved to an agency (the view labels them)
    name: str | None
    done_on_time: int = 0
    done_late: int = 0
    pending_on_time: int = 0
    overdue: int = 0
    #: items whose due date an approved extension moved (counted in a category as well)
    extended: int = 0
    #: items escalated and still overdue
    escalations: int = 0
    #: the extra categories (``Horizons``; zero unless asked for)
    no_deadline: int = 0
    due_soon: int = 0
    stale: int = 0
    long_overdue: int = 0
    #: items whose latest explanation request is waiting for its answer / was answered
    explanations_open: int = 0
    explanations_answered: int = 0

    @property
    def total(self) -> int:
        """The dated items: the four categories."""
        return self.done_on_time + self.done_late + self.pending_on_time + self.overdue

    @property
    def due_in_period(self) -> int:
        """Dated items due in the period: all of them (the period is a window on the due date)."""
        return self.total

    @property
    def assigned(self) -> int:
        """Every item: dated ones and those without a deadline."""
        return self.total + self.no_deadline

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def fallen_due(self) -> int:
        """Items whose date has passed or that are done: the on-time rate's denominator."""
        return self.done_on_time + self.done_late + self.overdue

    @property
    def on_time_rate(self) -> float | None:
        """Done on time / fallen due; None when nothing has fallen due."""
        return self.done_on_time / self.fallen_due if self.fallen_due else None

    @property
    def completion_rate(self) -> float | None:
        """Done (on time or late) / fallen due, as the Government Office reports it; None when
        nothing has fallen due."""
        return self.done / self.fallen_due if self.fallen_due else None

    def count(self, column: str) -> int:
        """The number in ``column`` (any of ``COLUMNS``)."""
        return getattr(self, column)

    def tally(self, item: CountedItem) -> None:
        """Count one item in every column it belongs to (``in_column``)."""
        for name in (*_TALLIED, *_EXTRA_TALLIED, *EXPLANATION_COLUMNS):
            if in_column(item, name):
                setattr(self, name, getattr(self, name) + 1)

    def add(self, other: AgencyRow) -> None:
        for name in (*_TALLIED, *_EXTRA_TALLIED, *EXPLANATION_COLUMNS):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class CountedItem:
    """One item the table counts (an assignment, or one reporting period of a recurring one)
    as it stood on the as-of day: a line of a cell's list."""

    assignment_id: int
    occurrence_id: int | None
    #: None for an owner not resolved to an agency (``owner_text`` says who)
    agency_id: int | None
    agency_name: str | None
    owner_text: str
    #: lead or coordinate
    role: str
    plan_id: int
    plan_label: str
    task_id: int
    task_ref: str
    task_content: str
    #: the task's place in its plan and the sub-row's in the task: the plan's own order
    task_position: int
    row: int
    #: the label of the occurrence ("6 tháng đầu năm 2017") or the deadline as written
    deadline_text: str
    #: the status on the as-of day (done later counts as in progress)
    status: str
    #: on-time category against the plan's own date, and the days past it (overdue: on the
    #: as-of day; done late: when done; 0 otherwise); NO_DEADLINE for an item without a date
    category: str
    days_late: int
    #: the working due date (after extensions) and the plan's own date (None: no deadline)
    due: date | None
    plan_due: date | None
    #: an approved extension moved the due date
    extended: bool
    #: escalation_head or escalation_committee when an escalation is open (the highest level
    #: reached), with the local date it was first planned; None otherwise
    escalation_level: str | None = None
    escalated_on: date | None = None
    #: the extra categories (``Horizons``; False unless asked for): due soon, not updated,
    #: overdue by more than the long-overdue days; and the local day of the last progress
    #: report on or before the as-of day
    due_soon: bool = False
    stale: bool = False
    long_overdue: bool = False
    last_report: date | None = None
    #: the state of its latest explanation request on the as-of day (open or answered; None:
    #: never asked, or only withdrawn requests)
    explanation: str | None = None
    #: the task is a key task ("trọng tâm"), and its urgency (tracker.vocabulary.Urgency's codes)
    key_task: bool = False
    urgency: str = "normal"


def in_column(item: CountedItem, column: str) -> bool:
    """Whether ``item`` is counted in the table's ``column``: the one rule behind a cell's number
    and the list it opens."""
    if column in CATEGORIES or column == NO_DEADLINE:
        return item.category == column
    if column in ("total", "due_in_period"):
        return item.category in CATEGORIES
    if column == "fallen_due":
        return item.category in _FALLEN_DUE
    if column == "extended":
        return item.extended
    if column == "escalations":
        return item.escalation_level is not None
    if column in ("due_soon", "stale", "long_overdue"):
        return bool(getattr(item, column))
    if column == "explanations_open":
        return item.explanation == EXPLANATION_OPEN
    if column == "explanations_answered":
        return item.explanation == EXPLANATION_ANSWERED
    raise ValueError(f"unknown column {column!r}")


@dataclass
class Statistics:
    as_of: date
    period: Period
    include_coordinating: bool
    rows: list[AgencyRow]
    totals: AgencyRow
    #: every item counted, in the plans' order
    items: list[CountedItem] = field(default_factory=list)

    @property
    def escalations(self) -> list[CountedItem]:
        """The items with an open escalation, most days late first."""
        found = [i for i in self.items if i.escalation_level is not None]
        return sort_items(found, "late", descending=True)


def plan_label(plan) -> str:
    """How a plan is named in the dashboard: kind, number and title."""
    head = f"{plan.kind} {plan.number}" if plan.number else plan.kind
    return f"{head} – {plan.title}"


def counted_items(session: Session, as_of: date, tz: str, period: Period,
                  plan_ids: Iterable[int] | None = None, include_coordinating: bool = False,
                  agency_ids: Iterable[int | None] | None = None,
                  task_id: int | None = None, horizons: Horizons | None = None,
                  undated: bool = False) -> list[CountedItem]:
    """Every item the table counts for the plans ``plan_ids`` (None: every plan) on ``as_of``,
    classified, in the plans' order. ``agency_ids`` keeps only those agencies' items (None in
    it: the owners not resolved to an agency; None: every agency's), ``task_id`` only that
    task's. ``horizons`` sets the extra categories' flags; ``undated`` adds the items without
    a due date (category ``NO_DEADLINE``) of the plans whose year overlaps the period.

    Lead assignments only unless ``include_coordinating``.
    """
    plan_ids = None if plan_ids is None else sorted(set(plan_ids))
    if plan_ids == []:
        return []
    roles = (LEAD, COORDINATE) if include_coordinating else (LEAD,)
    escalated = _escalated(session, plan_ids, as_of, tz)
    explained = _explanations(session, plan_ids, as_of, tz)
    query = (select(Assignment).join(Assignment.task).where(Assignment.role.in_(roles))
             .options(selectinload(Assignment.occurrences), selectinload(Assignment.deadline),
                      selectinload(Assignment.agency),
                      selectinload(Assignment.task).selectinload(Task.plan))
             .order_by(Task.plan_id, Task.position, Assignment.row, Assignment.id))
    if plan_ids is not None:
        query = query.where(Task.plan_id.in_(plan_ids))
    if agency_ids is not None:
        wanted = set(agency_ids)
        known = sorted(a for a in wanted if a is not None)
        in_known = Assignment.agency_id.in_(known)
        query = query.where(or_(in_known, Assignment.agency_id.is_(None)) if None in wanted else in_known)
    if task_id is not None:
        query = query.where(Assignment.task_id == task_id)
    found: list[CountedItem] = []
    labels: dict[int, str] = {}
    reports = _last_reports(session, plan_ids, as_of, tz) if horizons is not None else {}
    soon = horizons.calendar.add_working_days(as_of, horizons.soon_days) if horizons is not None else None
    for assignment in session.scalars(query):
        task = assignment.task
        if task.plan_id not in labels:
            labels[task.plan_id] = plan_label(task.plan)
        for item in tracked_items(assignment):
            plan_due, due = item.plan_due, item.due
            if plan_due is None or due is None:
                if undated and _undated_counts(item, period, as_of, tz):
                    found.append(_undated(item, labels[task.plan_id], as_of, tz, reports, horizons))
                continue
            if not period.contains(plan_due):
                continue
            result = item.on_time(as_of, tz, plan_date=True)
            if result is None:
                continue
            occurrence = item.occurrence
            level = on = None
            escalation = escalated.get((assignment.id, occurrence.id if occurrence is not None else None))
            if escalation is not None:
                # Open while still overdue against the working date: an extension answers it.
                working = item.on_time(as_of, tz)
                if working is not None and working.category == OVERDUE:
                    level, on = escalation
            found.append(CountedItem(
                assignment_id=assignment.id,
                occurrence_id=occurrence.id if occurrence is not None else None,
                agency_id=assignment.agency_id,
                agency_name=assignment.agency.name if assignment.agency is not None else None,
                owner_text=assignment.owner_text, role=assignment.role, plan_id=task.plan_id,
                plan_label=labels[task.plan_id], task_id=task.id, task_ref=task.ref,
                task_content=task.content, task_position=task.position, row=assignment.row,
                deadline_text=occurrence.label if occurrence is not None else (assignment.deadline.text or ""),
                status=item.status_on(as_of, tz), category=result.category, days_late=result.days_late,
                due=due, plan_due=plan_due, extended=item.extended,
                escalation_level=level, escalated_on=on,
                explanation=explained.get((assignment.id, occurrence.id if occurrence is not None else None)),
                key_task=task.key_task, urgency=task.urgency,
                **_horizon_flags(item, result.category, result.days_late, as_of, tz, reports, horizons, soon)))
    return found


def _report_key(item: TrackedItem) -> tuple[int, int | None]:
    return (item.assignment.id, item.occurrence.id if item.occurrence is not None else None)


def _last_report(item: TrackedItem, reports: dict[tuple[int, int | None], date]) -> date | None:
    """The last progress report on the item: on its period, or on the assignment as a whole."""
    own = reports.get(_report_key(item))
    whole = reports.get((item.assignment.id, None)) if item.occurrence is not None else None
    return max((d for d in (own, whole) if d is not None), default=None)


def _item_start(item: TrackedItem) -> date:
    """Since when a report on the item is expected: its period's or deadline's start, else the
    start of its plan's year; never before the plan is tracked from."""
    start = item.occurrence.start if item.occurrence is not None else item.assignment.deadline.start
    plan = item.assignment.task.plan
    start = start or date(plan.year, 1, 1)
    return max(start, plan.tracking_from) if plan.tracking_from else start


def _horizon_flags(item: TrackedItem, category: str, days_late: int, as_of: date, tz: str,
                   reports: dict[tuple[int, int | None], date], horizons: Horizons | None,
                   soon: date | None) -> dict:
    """The extra categories' flags of one item (none without ``horizons``)."""
    if horizons is None:
        return {}
    last = _last_report(item, reports)
    open_ = item.status_on(as_of, tz) != DONE
    since = last or _item_start(item)
    plan_due = item.plan_due
    return {
        "due_soon": category == PENDING_ON_TIME and soon is not None and plan_due is not None
        and plan_due <= soon,
        "stale": open_ and (as_of - since).days >= horizons.stale_days,
        "long_overdue": category == OVERDUE and days_late > horizons.long_overdue_days,
        "last_report": last,
    }


def _undated_counts(item: TrackedItem, period: Period, as_of: date, tz: str) -> bool:
    """An item without a due date counts in a period its plan's year overlaps, unless paused or
    cancelled."""
    if item.status_on(as_of, tz) in (PAUSED, CANCELLED):
        return False
    year = item.assignment.task.plan.year
    return ((period.start is None or period.start <= date(year, 12, 31))
            and (period.end is None or date(year, 1, 1) <= period.end))


def _undated(item: TrackedItem, label: str, as_of: date, tz: str,
             reports: dict[tuple[int, int | None], date], horizons: Horizons | None) -> CountedItem:
    assignment, task = item.assignment, item.assignment.task
    occurrence = item.occurrence
    flags = _horizon_flags(item, NO_DEADLINE, 0, as_of, tz, reports, horizons, None)
    return CountedItem(
        assignment_id=assignment.id, occurrence_id=occurrence.id if occurrence is not None else None,
        agency_id=assignment.agency_id,
        agency_name=assignment.agency.name if assignment.agency is not None else None,
        owner_text=assignment.owner_text, role=assignment.role, plan_id=task.plan_id, plan_label=label,
        task_id=task.id, task_ref=task.ref, task_content=task.content, task_position=task.position,
        row=assignment.row, deadline_text=item.label, status=item.status_on(as_of, tz),
        category=NO_DEADLINE, days_late=0, due=None, plan_due=None, extended=item.extended,
        key_task=task.key_task, urgency=task.urgency, **flags)


def _last_reports(session: Session, plan_ids: list[int] | None, as_of: date,
                  tz: str) -> dict[tuple[int, int | None], date]:
    """(assignment id, occurrence id or None) → local day of its last progress report on or
    before ``as_of`` (the officers' reports: kind ``report``)."""
    query = (select(StatusChange.assignment_id, StatusChange.occurrence_id, StatusChange.changed_at)
             .join(Assignment, StatusChange.assignment_id == Assignment.id)
             .join(Task, Assignment.task_id == Task.id)
             .where(StatusChange.kind == "report"))
    if plan_ids is not None:
        query = query.where(Task.plan_id.in_(plan_ids))
    found: dict[tuple[int, int | None], date] = {}
    for assignment_id, occurrence_id, changed_at in session.execute(query):
        day = local_date(changed_at, tz)
        key = (assignment_id, occurrence_id)
        if day <= as_of and (key not in found or found[key] < day):
            found[key] = day
    return found


def agency_statistics(session: Session, as_of: date, tz: str, period: Period,
                      plan_ids: Iterable[int] | None = None,
                      include_coordinating: bool = False,
                      agency_ids: Iterable[int | None] | None = None,
                      horizons: Horizons | None = None, undated: bool = False) -> Statistics:
    """The table by agency for the plans ``plan_ids`` (None: every plan) on ``as_of``: the
    items of ``counted_items`` tallied by agency (``agency_ids``, ``horizons`` and ``undated``
    as there).

    Lead assignments only unless ``include_coordinating``. Rows are sorted by overdue count
    (most first), then name; unresolved owners come after agencies with the same count.
    """
    items = counted_items(session, as_of, tz, period, plan_ids, include_coordinating,
                          agency_ids=agency_ids, horizons=horizons, undated=undated)
    return tally(items, as_of, period, include_coordinating)


def tally(items: list[CountedItem], as_of: date, period: Period,
          include_coordinating: bool = False) -> Statistics:
    """``items`` (of ``counted_items``) tallied by agency, in the table's order."""
    rows: dict[int | None, AgencyRow] = {}
    for item in items:
        row = rows.get(item.agency_id)
        if row is None:
            row = rows[item.agency_id] = AgencyRow(item.agency_id, item.agency_name)
        row.tally(item)
    ordered = sorted(rows.values(), key=lambda r: (-r.overdue, r.name is None, fold(r.name), r.name or ""))
    totals = AgencyRow(None, None)
    for row in ordered:
        totals.add(row)
    return Statistics(as_of, period, include_coordinating, ordered, totals, items)


def select_items(items: Iterable[CountedItem], column: str) -> list[CountedItem]:
    """The items counted in ``column`` (``ALL_COLUMNS``): the list behind a cell."""
    if column not in ALL_COLUMNS:
        raise ValueError(f"unknown column {column!r}")
    return [item for item in items if in_column(item, column)]


def _due_key(item: CountedItem) -> date:
    return item.plan_due or date.max           # no deadline: last


def _plan_order(item: CountedItem) -> tuple:
    return (item.plan_id, item.task_position, item.row, item.assignment_id, _due_key(item))


def _agency_key(item: CountedItem) -> tuple:
    name = item.agency_name or item.owner_text
    return (item.agency_id is None, fold(name), name)


def sort_items(items: Iterable[CountedItem], by: str = "deadline",
               descending: bool = False) -> list[CountedItem]:
    """``items`` by deadline (the plan's own date), agency or days late (``SORTS``); ties in a
    fixed order (date, agency, the plans' order), so a page of the list is always the same."""
    primary = {"deadline": _due_key, "agency": _agency_key,
               "late": lambda i: i.days_late}[by]
    ordered = sorted(items, key=lambda i: (_due_key(i), _agency_key(i), _plan_order(i)))
    return sorted(ordered, key=primary, reverse=descending)   # stable: ties keep that order


@dataclass
class EscalationGroup:
    """The open escalations of one agency (``agency_id``, ``name``) or of one task (``items[0]``
    names it): one line of the dashboard's list."""

    agency_id: int | None
    name: str | None
    items: list[CountedItem]

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def oldest(self) -> int:
        """The most days late among them."""
        return max(item.days_late for item in self.items)

    @property
    def task(self) -> CountedItem:
        return self.items[0]

    def agencies(self) -> list[CountedItem]:
        """One item per agency (its most late), most late first: who a task's line names."""
        seen: dict[tuple, CountedItem] = {}
        for item in sort_items(self.items, "late", descending=True):
            seen.setdefault((item.agency_id, item.agency_id is None and item.owner_text), item)
        return list(seen.values())


#: how the escalation lines can be ordered
GROUP_SORTS = ("count", "late", "name")


def group_escalations(items: Iterable[CountedItem], by: str = "agency") -> list[EscalationGroup]:
    """The items with an open escalation, one group per agency (owners not resolved to one
    together, as in the table) or per task (``by="task"``), in the order of the list."""
    groups: dict[object, EscalationGroup] = {}
    for item in items:
        if item.escalation_level is None:
            continue
        key = item.task_id if by == "task" else item.agency_id
        group = groups.get(key)
        if group is None:
            group = groups[key] = EscalationGroup(
                None if by == "task" else item.agency_id, None if by == "task" else item.agency_name, [])
        group.items.append(item)
    return sort_groups(list(groups.values()), "late", descending=True, by=by)


def sort_groups(groups: Iterable[EscalationGroup], key: str = "late", descending: bool = True,
                by: str = "agency") -> list[EscalationGroup]:
    """Escalation groups by number of items, most days late or name (``GROUP_SORTS``); the
    name of a task's group is its place in its plan. Ties by name."""
    def name(group: EscalationGroup) -> tuple:
        if by == "task":
            return (group.task.plan_id, group.task.task_position)
        return (group.agency_id is None, fold(group.name), group.name or "")
    ordered = sorted(groups, key=name)
    if key == "count":
        return sorted(ordered, key=lambda g: g.count, reverse=descending)
    if key == "late":
        return sorted(ordered, key=lambda g: g.oldest, reverse=descending)
    return ordered[::-1] if descending else ordered


def _escalated(session: Session, plan_ids: list[int] | None, as_of: date,
               tz: str) -> dict[tuple[int, int | None], tuple[str, date]]:
    """(assignment id, occurrence id) → (highest escalation level, local date first sent to it)."""
    query = (select(OutboxItem.assignment_id, OutboxItem.occurrence_id, OutboxMessage.kind,
                    OutboxMessage.created_at)
             .join(OutboxMessage, OutboxItem.message_id == OutboxMessage.id)
             .join(Assignment, OutboxItem.assignment_id == Assignment.id)
             .join(Task, Assignment.task_id == Task.id)
             .where(OutboxMessage.kind.in_(ESCALATION_KINDS)))
    if plan_ids is not None:
        query = query.where(Task.plan_id.in_(plan_ids))
    found: dict[tuple[int, int | None], tuple[str, date]] = {}
    for assignment_id, occurrence_id, kind, created_at in session.execute(query):
        day = local_date(created_at, tz)
        if assignment_id is None or day > as_of:      # (items of a deleted assignment have none)
            continue
        key = (assignment_id, occurrence_id)
        candidate = (kind, day)
        known = found.get(key)
        if known is None or _rank(candidate) > _rank(known):
            found[key] = candidate
    return found


def _explanations(session: Session, plan_ids: list[int] | None, as_of: date,
                  tz: str) -> dict[tuple[int, int | None], str]:
    """(assignment id, occurrence id) → the state of the item's latest explanation request on
    ``as_of`` (open or answered), leaving out requests asked after it and those withdrawn by
    then."""
    query = (select(ExplanationRequest.assignment_id, ExplanationRequest.occurrence_id,
                    ExplanationRequest.state, ExplanationRequest.asked_at, ExplanationRequest.answered_at,
                    ExplanationRequest.withdrawn_at)
             .join(Assignment, ExplanationRequest.assignment_id == Assignment.id)
             .join(Task, Assignment.task_id == Task.id)
             .order_by(ExplanationRequest.asked_at, ExplanationRequest.id))
    if plan_ids is not None:
        query = query.where(Task.plan_id.in_(plan_ids))
    found: dict[tuple[int, int | None], str] = {}
    for assignment_id, occurrence_id, state, asked_at, answered_at, withdrawn_at in session.execute(query):
        if local_date(asked_at, tz) > as_of:
            continue
        if state == EXPLANATION_WITHDRAWN and withdrawn_at is not None and local_date(withdrawn_at, tz) <= as_of:
            continue
        answered = (state == EXPLANATION_ANSWERED and answered_at is not None
                    and local_date(answered_at, tz) <= as_of)
        found[(assignment_id, occurrence_id)] = EXPLANATION_ANSWERED if answered else EXPLANATION_OPEN
    return found


def _rank(entry: tuple[str, date]) -> tuple[int, int]:
    # Higher level wins; within a level, the earlier message (negated ordinal sorts it higher).
    kind, day = entry
    return ESCALATION_KINDS.index(kind), -day.toordinal()


@dataclass(frozen=True)
class PlanProgress:
    """Where a plan stands today: its items done, all of them, and those overdue."""

    done: int = 0
    #: every item (assignment, or reporting period of a recurring one) of every role, but
    #: those the author cancelled
    total: int = 0
    #: not done (nor paused or cancelled) and past the plan's own date: the dashboard's overdue
    #: column for every role and every due date
    overdue: int = 0

    @property
    def share(self) -> float | None:
        """Done / total; None for a plan with nothing to do."""
        return self.done / self.total if self.total else None


def plan_progress(session: Session, plan_ids: Iterable[int], today: date) -> dict[int, PlanProgress]:
    """``PlanProgress`` of each plan in ``plan_ids``, in one query (plans with no items are
    left out). The items are the dashboard's: one per assignment without reporting periods,
    one per period of a recurring one, removed ones left out."""
    plan_ids = sorted(set(plan_ids))
    if not plan_ids:
        return {}
    periodic = Occurrence.id.is_not(None)
    status = case((periodic, Occurrence.status), else_=Assignment.status)
    plan_due = case((periodic, func.coalesce(Occurrence.original_due, Occurrence.due)),
                    else_=func.coalesce(Assignment.original_due, Deadline.due))

    def number(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    query = (select(Task.plan_id, number(status == DONE), number(status != CANCELLED),
                    number(status.not_in((DONE, PAUSED, CANCELLED)) & (plan_due < today)))
             .select_from(Assignment)
             .join(Task, Assignment.task_id == Task.id)
             .join(Deadline, Assignment.deadline_id == Deadline.id)
             .outerjoin(Occurrence, Occurrence.assignment_id == Assignment.id)
             .where(Task.plan_id.in_(plan_ids))
             .group_by(Task.plan_id))
    return {plan_id: PlanProgress(int(done), int(total), int(overdue))
            for plan_id, done, total, overdue in session.execute(query)}
