"""Plans and their tasks: a read-only listing (the full interface is a later issue)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import clock
from ..extensions import db
from ..models import STATUS_LABELS_VI, Assignment, Plan, Task
from ..plans.queries import local_date
from ..scheduling.ontime import LABELS_VI, classify

bp = Blueprint("plans", __name__)


@bp.get("/")
def index():
    counts = dict(db.session.execute(select(Task.plan_id, func.count(Task.id)).group_by(Task.plan_id)).all())
    plans = db.session.scalars(select(Plan).order_by(Plan.year.desc(), Plan.id)).all()
    return render_template("plans/index.html", plans=plans, counts=counts)


@bp.get("/plans/<int:plan_id>")
def detail(plan_id: int):
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        abort(404)
    tasks = db.session.scalars(
        select(Task).where(Task.plan_id == plan.id).order_by(Task.position).options(
            selectinload(Task.section),
            selectinload(Task.assignments).selectinload(Assignment.agency),
            selectinload(Task.assignments).selectinload(Assignment.deadline),
            selectinload(Task.assignments).selectinload(Assignment.occurrences))).all()
    tz = current_app.config["TRACKER_TIMEZONE"]
    today = clock.today()

    def on_time(assignment: Assignment):
        result = classify(assignment.status, assignment.deadline.due,
                          local_date(assignment.completed_at, tz), today)
        return LABELS_VI[result.category] if result else ""

    return render_template("plans/detail.html", plan=plan, tasks=tasks, on_time=on_time,
                           status_labels=STATUS_LABELS_VI, rows=_rows)


def _rows(task: Task) -> list[dict]:
    """A task's sub-rows, each with its owners grouped as the plan names them: one line per
    owner text ("UBND cấp xã" → its 23 communes), lead before coordinating."""
    rows: dict[int, dict] = {}
    for a in task.assignments:
        row = rows.setdefault(a.row, {"first": a, "owners": {}})
        owners = row["owners"].setdefault((a.role, a.owner_text, a.group_key), [])
        owners.append(a)
    return [rows[k] for k in sorted(rows)]
