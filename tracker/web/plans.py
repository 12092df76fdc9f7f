"""Plans: the list one may see, and a plan's page with its tasks and per-agency assignments."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import clock
from ..accounts import scopes
from ..config import reporting_calendar
from ..extensions import db
from ..models import ADMIN, AUTHOR, LEADER, STATUS_LABELS_VI, STATUSES, Agency, Assignment, Plan, StatusChange, Task
from ..plans import editing, removal
from ..plans.statistics import plan_progress
from ..plans.tracked import tracked_items
from ..reading.header import level_of
from ..reading.result import PlanContext
from ..reading.text import natural_key
from ..scheduling.ontime import CATEGORIES, DONE_LATE, DONE_ON_TIME, LABELS_VI, OVERDUE, PENDING_ON_TIME
from ..vocabulary import Urgency
from .access import get_or_404, require, roles_required
from .forms import DAY_HINT, parse_day
from .i18n import localized

bp = Blueprint("plans", __name__)

#: the plan page's filter value for what amendments took out of the plan
REMOVED = "removed"
#: the plan page's priority filter: key tasks, or one urgency (an Urgency code)
KEY_TASKS = "key"
PRIORITY_FILTERS = (KEY_TASKS, *(u.value for u in Urgency if u != Urgency.NORMAL))
#: which on-time category a row shows when its reporting periods differ
PRESSING = (OVERDUE, PENDING_ON_TIME, DONE_LATE, DONE_ON_TIME)


@bp.get("/plans")
@login_required
def index():
    visible = scopes.visible_plan_ids(db.session, current_user)
    query = select(Plan).order_by(Plan.year.desc(), Plan.id)
    if visible is not None:
        query = query.where(Plan.id.in_(visible))
    plans = db.session.scalars(query).all()
    counts = dict(db.session.execute(select(Task.plan_id, func.count(Task.id)).group_by(Task.plan_id)).all())
    today = clock.today()
    # Done / total and overdue for every plan listed, in one query; the overdue number opens
    # the dashboard's list of those items (every role, every due date, as of today).
    progress = plan_progress(db.session, [p.id for p in plans], today)
    can_drill = current_user.role in (LEADER, AUTHOR, ADMIN)
    return render_template("plans/index.html", plans=plans, counts=counts, progress=progress,
                           overdue_url=lambda plan: url_for(
                               "dashboard.items", plan=plan.id, period="all", asof=today.isoformat(),
                               coord=1, category=OVERDUE) if can_drill else None,
                           can_import=current_user.role in ("author", "admin"))


def priority_matches(task: Task, choice: str) -> bool:
    """Whether ``task`` is shown under the plan page's priority filter ``choice`` ("key": key
    tasks; an urgency code: tasks of that urgency)."""
    if choice == KEY_TASKS:
        return task.key_task
    return task.urgency == choice


def due_window(choice: str, today: date, year: int) -> tuple[date | None, date | None]:
    """The due-date window of the plan page's period filter ("q2", "m07", "month", "quarter")."""
    if choice == "month":
        start = today.replace(day=1)
        end = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
        return start, date.fromordinal(end.toordinal() - 1)
    if choice == "quarter":
        q = (today.month - 1) // 3
        return _quarter(today.year, q + 1)
    if len(choice) == 2 and choice[0] == "q" and choice[1] in "1234":
        return _quarter(year, int(choice[1]))
    if len(choice) == 3 and choice[0] == "m" and choice[1:].isdigit() and 1 <= int(choice[1:]) <= 12:
        m = int(choice[1:])
        end = date(year + (m == 12), m % 12 + 1, 1)
        return date(year, m, 1), date.fromordinal(end.toordinal() - 1)
    return None, None


def _quarter(year: int, q: int) -> tuple[date, date]:
    start = date(year, 3 * q - 2, 1)
    end = date(year + (q == 4), (3 * q) % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


@bp.get("/plans/<int:plan_id>")
@login_required
def detail(plan_id: int):
    plan = get_or_404(Plan, plan_id)
    require(scopes.can_view_plan(db.session(), current_user, plan))
    status_filter = request.args.get("status", "")
    # "Đã bỏ khỏi kế hoạch": what amendments dropped, with their history, to look at or restore.
    removed_view = status_filter == REMOVED
    tasks = db.session.scalars(
        select(Task).where(Task.plan_id == plan.id).order_by(Task.position).options(
            selectinload(Task.section),
            selectinload(Task.assignments).selectinload(Assignment.agency),
            selectinload(Task.assignments).selectinload(Assignment.deadline),
            selectinload(Task.assignments).selectinload(Assignment.occurrences))
        .execution_options(include_removed=removed_view)).all()
    tz = current_app.config["TRACKER_TIMEZONE"]
    today = clock.today()

    def categories(assignment: Assignment) -> list[str]:
        """The on-time category of the assignment, or of each of its reporting periods."""
        found = (item.on_time(today, tz) for item in tracked_items(assignment))
        return [r.category for r in found if r is not None]

    def category(assignment: Assignment) -> str | None:
        """The one shown beside the owner: the most pressing of its periods (overdue first)."""
        found = categories(assignment)
        return min(found, key=PRESSING.index) if found else None

    agency_filter = request.args.get("agency", type=int)
    priority_filter = request.args.get("priority", "")
    if priority_filter not in PRIORITY_FILTERS:
        priority_filter = ""
    period = request.args.get("due", "")
    window = due_window(period, today, plan.year)
    mine = scopes.officer_agency_ids(db.session(), current_user) if current_user.role == "officer" else None

    def keep(a: Assignment) -> bool:
        if removed_view != (a.removed_at is not None or a.task.removed_at is not None):
            return False
        if agency_filter and a.agency_id != agency_filter:
            return False
        if priority_filter and not priority_matches(a.task, priority_filter):
            return False
        if status_filter in STATUSES and a.status != status_filter:
            return False
        if status_filter in CATEGORIES and status_filter not in categories(a):
            return False
        start, end = window
        if start is not None and end is not None:
            if not any(d is not None and start <= d <= end for d in (i.due for i in tracked_items(a))):
                return False
        return True

    filtered = bool(agency_filter or status_filter or window[0] or priority_filter)
    removed_count = db.session.scalar(
        select(func.count(Assignment.id)).join(Assignment.task).where(
            Task.plan_id == plan.id, (Assignment.removed_at.is_not(None)) | (Task.removed_at.is_not(None)))
        .execution_options(include_removed=True))
    shown = []
    for task in tasks:
        rows = _rows(task, keep if filtered else None)
        if rows or not filtered:
            shown.append((task, rows))
    agencies = sorted({a.agency for t in tasks for a in t.assignments if a.agency is not None},
                      key=lambda ag: natural_key(ag.name))
    return render_template(
        "plans/detail.html", plan=plan, shown=shown, category=category, labels=LABELS_VI,
        status_labels=STATUS_LABELS_VI, agencies=agencies, statuses=STATUSES, categories=CATEGORIES,
        filters={"agency": agency_filter, "status": status_filter, "due": period, "priority": priority_filter},
        mine=mine, urgencies=Urgency, priorities=[(KEY_TASKS, _("Nhiệm vụ trọng tâm"))]
        + [(u.value, _(u.label)) for u in Urgency if u != Urgency.NORMAL],
        removed_view=removed_view, removed_count=removed_count, removed=REMOVED,
        can_manage=scopes.can_manage_plan(db.session(), current_user, plan),
        periods=[("month", _("Tháng này")), ("quarter", _("Quý này"))]
        + [(f"q{q}", _("Quý %(q)s/%(y)s", q=q, y=plan.year)) for q in range(1, 5)])


def _rows(task: Task, keep=None) -> list[dict]:
    """A task's sub-rows, each with its owners grouped as the plan names them: one line per
    owner text ("UBND cấp xã" → its 23 communes), lead before coordinating."""
    rows: dict[int, dict] = {}
    for a in task.assignments:
        if keep is not None and not keep(a):
            continue
        row = rows.setdefault(a.row, {"first": a, "owners": {}})
        owners = row["owners"].setdefault((a.role, a.owner_text, a.group_key), [])
        owners.append(a)
    return [rows[k] for k in sorted(rows)]


@bp.post("/plans/<int:plan_id>/assignments/<int:assignment_id>/restore")
@roles_required("author", "admin")
def restore(plan_id: int, assignment_id: int):
    """An author puts back an assignment an amendment removed, with its history."""
    plan = get_or_404(Plan, plan_id)
    require(scopes.can_manage_plan(db.session(), current_user, plan))
    assignment = get_or_404(Assignment, assignment_id, include_removed=True)
    require(assignment.task.plan_id == plan.id)
    try:
        removal.restore(db.session(), assignment)
    except removal.RestoreError as exc:
        db.session.rollback()
        flash(localized(exc), "error")
    else:
        assignment.history.append(StatusChange(
            changed_by=current_user.email, from_status=assignment.status, to_status=assignment.status,
            comment="Đưa lại vào kế hoạch", comment_en="Put back into the plan", kind="system"))
        db.session.commit()
        flash(_("Đã đưa phân công trở lại kế hoạch."), "success")
    return redirect(url_for(".detail", plan_id=plan.id, status=REMOVED))


def _owner_choices(plan: Plan) -> list[Agency]:
    """The agencies a plan's tasks may be given to: the issuer's tree, in natural order."""
    return scopes.tree_agencies(db.session(), plan.issuer_id)


@bp.route("/plans/<int:plan_id>/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@roles_required("author", "admin")
def edit_task(plan_id: int, task_id: int):
    """The plan's author corrects a published task: content, output, deadline, owners."""
    plan = get_or_404(Plan, plan_id)
    require(scopes.can_manage_plan(db.session(), current_user, plan))
    task = get_or_404(Task, task_id)
    require(task.plan_id == plan.id)
    choices = _owner_choices(plan)
    if request.method == "POST":
        edits = []
        for row in sorted({a.row for a in task.assignments}):
            add = []
            agency = request.form.get(f"add_agency:{row}", type=int)
            if agency:
                add.append((agency, request.form.get(f"add_role:{row}", "lead")))
            edits.append(editing.RowEdit(
                row=row, output=request.form.get(f"output:{row}"), deadline_text=request.form.get(f"deadline:{row}"),
                add=add, remove=[int(v) for v in request.form.getlist(f"remove:{row}") if v.isdigit()]))
        context = PlanContext(year=plan.year, issued=plan.issued_date,
                              level=level_of(plan.issuer_name, plan.issued_date or date(plan.year, 1, 1)),
                              calendar=reporting_calendar(current_app.config))
        # The priority fields are on the form (a form without them leaves the priority as it is).
        priority = None
        if "urgency" in request.form:
            priority = editing.Priority(key_task=request.form.get("key_task") == "1",
                                        urgency=request.form.get("urgency"),
                                        directing_leader=request.form.get("directing_leader", ""))
        try:
            changes = editing.edit_task(db.session(), task, current_user.email, context,
                                        {e.id for e in choices}, content=request.form.get("content"), rows=edits,
                                        priority=priority)
        except editing.EditError as exc:
            db.session.rollback()
            flash(localized(exc), "error")
            return redirect(url_for(".edit_task", plan_id=plan.id, task_id=task_id))
        db.session.commit()
        flash(_("Đã lưu %(n)s thay đổi; lịch sử của từng cơ quan ghi lại thay đổi.", n=len(changes))
              if changes else _("Không có gì thay đổi."), "success")
        return redirect(url_for(".detail", plan_id=plan.id) + f"#task-{task.ref}")
    rows: dict[int, list[Assignment]] = {}
    for a in task.assignments:
        rows.setdefault(a.row, []).append(a)
    return render_template("plans/edit_task.html", plan=plan, task=task, rows=sorted(rows.items()),
                           choices=choices, status_labels=STATUS_LABELS_VI, urgencies=list(Urgency))


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@roles_required("author", "admin")
def edit_plan(plan_id: int):
    """The plan's author corrects its number, title or issuer."""
    plan = get_or_404(Plan, plan_id)
    require(scopes.can_manage_plan(db.session(), current_user, plan))
    allowed = scopes.publishable_issuer_ids(db.session(), current_user)
    if request.method == "POST":
        typed_day = (request.form.get("issued_date") or "").strip()
        try:
            issued = parse_day(typed_day) if typed_day else None
        except ValueError:
            flash(_("Ngày không hợp lệ (dạng ngày/tháng/năm, ví dụ 31/12/2025)."), "error")
            return redirect(url_for(".edit_plan", plan_id=plan.id))
        try:
            changes = editing.edit_plan(db.session(), plan, current_user.email, allowed,
                                        number=request.form.get("number"), title=request.form.get("title"),
                                        issuer_id=request.form.get("issuer_id", type=int),
                                        signer=request.form.get("signer"), issued_date=issued)
        except editing.EditError as exc:
            db.session.rollback()
            flash(localized(exc), "error")
            return redirect(url_for(".edit_plan", plan_id=plan.id))
        db.session.commit()
        flash(_("Đã lưu %(n)s thay đổi; lịch sử của từng cơ quan ghi lại thay đổi.", n=len(changes))
              if changes else _("Không có gì thay đổi."), "success")
        return redirect(url_for(".detail", plan_id=plan.id))
    return render_template("plans/edit_plan.html", plan=plan, day_hint=DAY_HINT,
                           issuers=scopes.tree_agencies(db.session(), None, within=allowed))
