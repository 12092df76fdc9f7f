"""``flask plans``: read a plan without writing (parse), import or update one, list them."""

from __future__ import annotations

import json
import sys
import time

import click
from sqlalchemy import select

from ..directory.store import load_index
from ..extensions import db
from ..models import Plan
from ..plans.importer import import_plan
from .common import TrackerGroup, directory_index, fail, read_plan_file, today_local

plans_cli = TrackerGroup("plans", help="Đọc và nhập kế hoạch / Read and import plans.")


@plans_cli.command("parse")
@click.argument("path")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON / print JSON.")
def parse_command(path: str, as_json: bool) -> None:
    """Đọc thử một kế hoạch, không ghi gì / Dry run: print the reading, write nothing."""
    reading = read_plan_file(path)
    resolution = directory_index().resolve_plan(reading)
    reading.warnings.extend(resolution.warnings)
    if as_json:
        click.echo(json.dumps(reading.as_json(), ensure_ascii=False, indent=1))
        return
    header = reading.header
    click.echo(f"{_shown(header.kind)} {header.number or '(không số)'} — {_shown(header.title)}")
    click.echo(f"Cơ quan ban hành: {_shown(header.issuer)}; ngày: {_shown(header.issued_date)}; "
               f"năm: {_shown(header.year)}")
    for task in reading.tasks:
        click.echo(f"\n[{task.ref}] {task.content[:100]}")
        for a in task.assignments:
            click.echo(f"   chủ trì: {_owners(a.lead)}" + (f" | phối hợp: {_owners(a.coordinate)}"
                                                           if a.coordinate else ""))
            click.echo(f"   thời hạn: {_deadline(a.deadline)}")
            for w in a.warnings:
                click.echo(f"   ! {w.code}: {w.message}")
        for w in task.warnings:
            click.echo(f"  ! {w.code}: {w.message}")
    for task in reading.prose_tasks:
        a = task.assignments[0]
        click.echo(f"\n[{task.ref}] (văn xuôi, cần xác nhận) {task.content[:100]}")
        due = f" → {a.deadline.due}" if a.deadline.due else ""
        click.echo(f"   chủ trì: {_owners(a.lead)}; thời hạn: {_shown(a.deadline.text)}{due}")
    for w in reading.warnings:
        click.echo(f"! {w.code}: {w.message}")


def _shown(value) -> str:
    """A value as the operator reads it: “—” for what the plan does not say, never "None"."""
    return "—" if value is None or value == "" else str(value)


def _owners(mentions) -> str:
    return ", ".join(m.agency or m.text for m in mentions) or "—"


def _deadline(d) -> str:
    """“'Tháng 2 năm 2019' → date 2019-02-01..2019-02-28 [flags]”, leaving out what is missing."""
    span = f"{d.start or ''}..{d.due or ''}" if (d.start or d.due) else ""
    parts = [p for p in (_shown(d.kind), span, ",".join(d.periods), ",".join(d.flags)) if p]
    text = repr(d.text) if d.text else "—"
    return f"{text} → {' '.join(parts)}"


def _step(number: int, vi: str, en: str, steps: int = 2) -> None:
    """A long command's progress, on standard error (standard output stays the result), for
    an operator at a terminal or when asked with --progress (as pip and git do)."""
    if click.get_current_context().params.get("progress") or sys.stderr.isatty():
        click.echo(f"[{number}/{steps}] {vi} / {en} …", err=True)


@plans_cli.command("import")
@click.argument("path")
@click.option("--include-prose", is_flag=True,
              help="Nhập cả nhiệm vụ đề xuất từ văn bản có độ tin cậy cao (như các ô được đánh dấu sẵn ở trang "
                   "Nhập kế hoạch) / also import the tasks proposed from the text that the import page ticks.")
@click.option("--dry-run", is_flag=True,
              help="Chỉ cho biết sẽ thay đổi gì, không ghi gì / say what would change, write nothing.")
@click.option("--yes", is_flag=True,
              help="Đồng ý bỏ khỏi kế hoạch cả các phân công đã có báo cáo / agree to remove assignments "
                   "that agencies have reported on.")
@click.option("--track-from", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Bắt đầu nhắc việc từ ngày này (kế hoạch ban hành giữa năm); mặc định: từ đầu kế hoạch / "
                   "start reminders on this day (a plan adopted part-way through its year); default: from "
                   "the start.")
@click.option("--progress", is_flag=True,
              help="Cho biết từng bước trên stderr cả khi không chạy ở terminal / show each step on "
                   "stderr even when not at a terminal.")
def import_command(path: str, include_prose: bool, dry_run: bool, yes: bool, track_from,
                   progress: bool) -> None:
    """Nhập (hoặc cập nhật) một kế hoạch / Import or update a plan, all or nothing.

    Một bản sửa đổi không xóa gì: nhiệm vụ, phân công không còn trong văn bản được đánh dấu
    “đã bỏ khỏi kế hoạch” cùng lịch sử, báo cáo và minh chứng của chúng. / An amendment deletes
    nothing: what it no longer names is marked removed, with its history, reports and evidence.
    """
    from ..plans.drafts import default_prose
    started = time.perf_counter()
    _step(1, "Đọc tệp", "reading the file")
    reading = read_plan_file(path)
    chosen = default_prose(reading)
    proposed = len(reading.prose_tasks)
    if not reading.tasks and not include_prose:
        fail(f"Văn bản không có bảng nhiệm vụ; có {len(reading.prose_tasks)} nhiệm vụ đề xuất từ văn bản "
              "cần xác nhận: xem bằng `plans parse`, nhập bằng --include-prose hoặc qua trang Nhập kế hoạch.",
              f"The document has no task table; {len(reading.prose_tasks)} tasks were proposed from its "
              "text: review them with `plans parse`, import with --include-prose or in the web import wizard.")
    try:
        extra = {"tracking_from": track_from.date()} if track_from else {}
        _step(2, "So sánh và ghi vào cơ sở dữ liệu", "comparing and writing to the database")
        result = import_plan(db.session(), reading, load_index(db.session()),
                             include_prose=chosen if include_prose else False, **extra)
        summary = result.summary()
        work = list(result.removed_with_work)
        if dry_run or (work and not yes):
            db.session.rollback()
        else:
            db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if progress or sys.stderr.isatty():
        click.echo(f"[xong / done] {time.perf_counter() - started:.1f} s", err=True)
    if dry_run:
        click.echo("(chạy thử, chưa ghi gì / dry run, nothing written)")
    from ..plans.drafts import overdue_on
    late = overdue_on(reading, set(), today_local())      # reading.tasks now holds the chosen prose
    if late and not track_from and result.created:
        click.echo(f"{late} thời hạn (theo từng cơ quan, từng kỳ) đã qua trước hôm nay; nếu kế hoạch mới bắt đầu "
                   "được theo dõi, dùng --track-from NGÀY để không nhắc những gì đến hạn trước ngày đó.")
    if work:
        click.echo(f"Bỏ khỏi kế hoạch {len(work)} phân công đã có báo cáo (báo cáo và minh chứng vẫn được giữ):")
        for item in work:
            click.echo(f"  #{item.assignment_id}  {item.describe()}")
        if not yes and not dry_run:
            fail("chưa nhập: bản sửa đổi bỏ các phân công đã có báo cáo; thêm --yes để đồng ý.",
                  "not imported: the amendment removes assignments agencies have reported on; add --yes "
                  "to agree.")
    click.echo(summary)
    if reading.prose_tasks and not include_prose:
        click.echo(f"{len(chosen)} nhiệm vụ đề xuất từ văn bản có độ tin cậy cao chưa được nhập (trong "
                   f"{proposed} đề xuất; xem `plans parse`; nhập bằng --include-prose).")
    elif proposed > len(chosen):
        click.echo(f"{proposed - len(chosen)} đề xuất có độ tin cậy thấp không được nhập (xem `plans parse`; "
                   "chọn chúng ở trang Nhập kế hoạch).")


@plans_cli.command("list")
def list_plans() -> None:
    """Danh sách kế hoạch / List plans."""
    for plan in db.session.scalars(select(Plan).order_by(Plan.id)):
        click.echo(f"{plan.id:>4}  {plan.number or '-':<16} {plan.year}  {plan.status:<8} "
                   f"{len(plan.tasks):>3} nhiệm vụ  {plan.issuer_name or ''} — {plan.title[:70]}")
