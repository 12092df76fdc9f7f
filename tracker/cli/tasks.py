"""``flask tasks``: what is due by agency, one assignment's history, reporting a status."""

from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import select

from ..directory.store import load_index
from ..extensions import db
from ..mail.compose import WORDING
from ..models import Status
from ..plans.queries import due_items
from ..scheduling.ontime import LABELS_VI
from .common import TrackerGroup, fail, today_local

tasks_cli = TrackerGroup("tasks", help="Xem nhiệm vụ đến hạn / List what is due.")


@tasks_cli.command("list")
@click.option("--agency", help="Tên cơ quan (không cần dấu) / agency name.")
@click.option("--overdue", is_flag=True, help="Chỉ việc quá hạn / only overdue items.")
@click.option("--due-before", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Đến hạn vào hoặc trước ngày / due on or before (YYYY-MM-DD).")
@click.option("--plan", "plan_id", type=int, help="Mã kế hoạch (flask plans list).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Coi hôm nay là ngày này / judge as of this date.")
def list_tasks(agency: str | None, overdue: bool, due_before, plan_id: int | None, today) -> None:
    """Việc đến hạn theo cơ quan / What is due, by agency."""
    agency_ids = None
    if agency:
        found = load_index(db.session()).match(agency)
        if not found:
            fail(f"không tìm thấy cơ quan “{agency}”.", f"no agency matches “{agency}”.")
        agency_ids = [a.id for a in found]
    day = today.date() if today else today_local()
    items = due_items(db.session(), day, current_app.config["TRACKER_TIMEZONE"], agency_ids,
                      overdue, due_before.date() if due_before else None, plan_id)
    rows = _rows_per_task({item.assignment.task_id for item in items})
    if items:
        click.echo(f"{'hạn':<10}  {'mã':<6}  {'nhiệm vụ':<22} {'hàng':<6} {'vai trò':<8} {'cơ quan':<45}  "
                   "tình trạng  thời hạn / kỳ")
    for item in items:
        a = item.assignment
        owner = a.agency.name if a.agency else f"(chưa xác định) {a.owner_text}"
        category = LABELS_VI[item.standing.category] if item.standing else "—"
        late = f" ({item.standing.days_late} ngày)" if item.standing and item.standing.days_late else ""
        task = f"{a.task.plan.number or a.task.plan.id}:{a.task.ref}"
        row = f"{a.row + 1}/{rows.get(a.task_id, 1)}"
        period = f"kỳ {item.label}" if item.occurrence else (item.label or "—")
        due = item.due.isoformat() if item.due else "—"
        click.echo(f"{due:<10}  #{a.id:<5}  {task:<22} {row:<6} {WORDING['vi']['roles'].get(a.role, a.role):<8} "
                   f"{owner[:45]:<45}  {category}{late}  {period[:40]}")
    click.echo(f"{len(items)} mục / items")
    if items:
        click.echo("Cập nhật một phân công bằng mã của nó / update one assignment by its id: "
                   "flask tasks set-status MÃ TRẠNG_THÁI (ví dụ / e.g. "
                   f"flask tasks set-status {items[0].assignment.id} in_progress)")


@tasks_cli.command("history")
@click.argument("assignment_id", type=int)
def task_history(assignment_id: int) -> None:
    """Lịch sử một phân công, kể cả đã bỏ khỏi kế hoạch / One assignment's history, removed ones too."""
    from ..models import STATUS_LABELS_VI, Assignment
    from ..plans.tracked import local_date
    assignment = db.session.scalar(select(Assignment).where(Assignment.id == assignment_id)
                                   .execution_options(include_removed=True))
    if assignment is None:
        fail(f"không có phân công #{assignment_id} (xem mã bằng `flask tasks list`).",
              f"no assignment #{assignment_id} (see the ids with `flask tasks list`).")
    tz = current_app.config["TRACKER_TIMEZONE"]
    task, plan = assignment.task, assignment.task.plan
    owner = assignment.agency.name if assignment.agency else f"(chưa xác định) {assignment.owner_text}"
    click.echo(f"#{assignment.id}  {plan.number or plan.title[:40]} · nhiệm vụ {task.ref}: {task.content[:90]}")
    click.echo(f"  {WORDING['vi']['roles'].get(assignment.role, assignment.role)}: {owner}; "
               f"thời hạn: {assignment.deadline.text or '—'}; tình trạng: "
               f"{STATUS_LABELS_VI.get(assignment.status, assignment.status)} ({assignment.progress}%)")
    removed_at = assignment.removed_at or task.removed_at
    if removed_at is not None:
        click.echo(f"  ĐÃ BỎ KHỎI KẾ HOẠCH ngày {local_date(removed_at, tz):%d/%m/%Y} / removed from the plan")
    history = assignment.history
    for change in history:
        when = local_date(change.changed_at, tz)
        before = change.from_status or "—"
        step = (f"{STATUS_LABELS_VI.get(before, before)} → "
                f"{STATUS_LABELS_VI.get(change.to_status, change.to_status)}")
        progress = f" {change.progress}%" if change.progress is not None else ""
        files = f" [{len(change.evidence)} tệp]" if change.evidence else ""
        period = f" (kỳ {change.occurrence.label})" if change.occurrence is not None else ""
        click.echo(f"  {when:%d/%m/%Y}  {change.changed_by}: {step}{progress}{period}{files}"
                   + (f" — {change.comment}" if change.comment else ""))
    if not history:
        click.echo("  (chưa có báo cáo nào / no reports yet)")


def _rows_per_task(task_ids: set[int]) -> dict[int, int]:
    """How many (sub-)rows each task has, to say which row of its task an assignment is."""
    from sqlalchemy import func

    from ..models import Assignment
    if not task_ids:
        return {}
    return {task_id: top + 1 for task_id, top in db.session.execute(
        select(Assignment.task_id, func.max(Assignment.row)).where(Assignment.task_id.in_(task_ids))
        .group_by(Assignment.task_id))}


@tasks_cli.command("set-status")
@click.argument("assignment_id", type=int)
@click.argument("status", type=click.Choice(Status.codes()))
@click.option("--progress", type=click.IntRange(0, 100))
@click.option("--comment", default="")
@click.option("--by", default="cli", help="Người cập nhật / who reports.")
def set_status(assignment_id: int, status: str, progress, comment: str, by: str) -> None:
    """Cập nhật trạng thái một phân công / Report the status of an assignment."""
    from ..models import Assignment
    from ..plans.progress import StatusError, report
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        fail(f"không có phân công #{assignment_id}.", f"no assignment #{assignment_id}.")
    try:
        report(db.session(), assignment, status, by, progress, comment)
    except StatusError as exc:
        fail(exc.message_vi, exc.message_en)
    db.session.commit()
    click.echo(f"Phân công #{assignment_id}: {status}")
