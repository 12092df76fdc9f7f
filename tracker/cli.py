"""``flask`` commands for operators (``flask --app wsgi plans ...``). Thin: they call the
readers, the directory and the importer, and print in Vietnamese (English beside errors).
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import inspect, select

from . import clock, config
from .directory.loader import DirectoryError, import_directory, read_directory_file
from .directory.resolve import DirectoryIndex
from .directory.store import load_index
from .extensions import db
from .mail.compose import WORDING
from .models import Agency, Plan, Task
from .plans.importer import import_plan
from .plans.queries import due_items
from .reading.plan import read_plan
from .reading.result import NotAPlanError, PlanReading
from .scheduling.ontime import LABELS_VI
from .scheduling.reporting import ReportingCalendar


class BilingualUsageError(click.UsageError):
    """click's own usage error (missing argument, unknown option, bad value), told in
    Vietnamese and then in English like the rest of the command line."""

    _KINDS = {"argument": "đối số", "option": "tùy chọn", "parameter": "tham số"}

    def __init__(self, original: click.UsageError):
        super().__init__(original.format_message(), original.ctx)
        self.exit_code = original.exit_code
        self.vietnamese = self._vietnamese(original)

    @classmethod
    def _vietnamese(cls, exc: click.UsageError) -> str:
        import re
        hint = ""
        if isinstance(exc, click.BadParameter):
            hint = exc.param_hint or (exc.param.get_error_hint(exc.ctx) if exc.param is not None else "")
            hint = " / ".join(hint) if isinstance(hint, (list, tuple)) else hint
        if isinstance(exc, click.MissingParameter):
            kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "parameter")
            return f"thiếu {cls._KINDS.get(kind, kind)} {hint}.".replace("  ", " ")
        if isinstance(exc, click.NoSuchOption):
            return f"không có tùy chọn “{exc.option_name}”."
        if isinstance(exc, click.BadOptionUsage):
            return f"dùng sai tùy chọn “{exc.option_name}”."
        if isinstance(exc, click.BadParameter):
            return f"giá trị không hợp lệ cho {hint} (chi tiết ở dòng tiếng Anh).".replace("  ", " ")
        found = re.match(r"No such command '(.+)'", exc.message)
        if found:
            return f"không có lệnh “{found.group(1)}”."
        found = re.match(r"Got unexpected extra arguments? \((.+)\)", exc.message)
        if found:
            return f"thừa đối số: {found.group(1)}."
        return "gọi lệnh không đúng cách."

    def show(self, file=None) -> None:
        where = {"file": file} if file is not None else {"err": True}
        color = self.ctx.color if self.ctx is not None else None
        if self.ctx is not None:
            click.echo(self.ctx.get_usage(), color=color, **where)
            click.echo(f"Xem hướng dẫn / for help: {self.ctx.command_path} --help\n", color=color, **where)
        click.echo(f"Lỗi: {self.vietnamese}\nError: {self.format_message()}", color=color, **where)


# click ≥ 8.2 shows a group's help (called with no arguments) by raising a UsageError.
_NoArgsIsHelp = getattr(click.exceptions, "NoArgsIsHelpError", ())


class _Bilingual:
    """Parse a command's arguments, turning click's English-only usage errors bilingual."""

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except (BilingualUsageError, _NoArgsIsHelp):
            raise                  # already bilingual, or click showing the help: not an error
        except click.UsageError as exc:
            raise BilingualUsageError(exc) from exc


class BilingualCommand(_Bilingual, click.Command):
    pass


class TrackerGroup(_Bilingual, AppGroup):
    """The operators' command groups: their commands' usage errors come in both languages."""

    command_class = BilingualCommand

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except BilingualUsageError:
            raise
        except click.UsageError as exc:
            raise BilingualUsageError(exc) from exc


plans_cli = TrackerGroup("plans", help="Đọc và nhập kế hoạch / Read and import plans.")
tasks_cli = TrackerGroup("tasks", help="Xem nhiệm vụ đến hạn / List what is due.")
agencies_cli = TrackerGroup("agencies", help="Danh mục cơ quan / The agency directory.")


def reporting_calendar(app: Flask) -> ReportingCalendar:
    return config.reporting_calendar(app.config)


def today_local() -> date:
    return clock.today()


def _fail(vi: str, en: str, code: int = 2) -> None:
    click.echo(f"Lỗi: {vi}\nError: {en}", err=True)
    sys.exit(code)


def _directory() -> DirectoryIndex:
    """The directory, or an empty one when the database has not been created yet (dry runs)."""
    if not inspect(db.engine).has_table("agencies"):
        return DirectoryIndex([], [])
    return load_index(db.session)


def _read(path: str) -> PlanReading:
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        _fail(f"không đọc được tệp “{path}”: {exc.strerror}.", f"cannot read “{path}”: {exc.strerror}.")
    limit = current_app.config["TRACKER_MAX_UPLOAD_BYTES"]
    if len(data) > limit:
        _fail(f"tệp quá lớn ({len(data)} byte, tối đa {limit}).",
              f"the file is too large ({len(data)} bytes, at most {limit}).")
    try:
        return read_plan(data, file.name, calendar=reporting_calendar(current_app))
    except NotAPlanError as exc:
        _fail(f"“{file.name}” — {exc.message_vi}", f"“{file.name}” — {exc.message_en}")
        raise  # unreachable


@plans_cli.command("parse")
@click.argument("path")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON / print JSON.")
def parse_command(path: str, as_json: bool) -> None:
    """Đọc thử một kế hoạch, không ghi gì / Dry run: print the reading, write nothing."""
    reading = _read(path)
    resolution = _directory().resolve_plan(reading)
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
    from .plans.drafts import default_prose
    started = time.perf_counter()
    _step(1, "Đọc tệp", "reading the file")
    reading = _read(path)
    chosen = default_prose(reading)
    proposed = len(reading.prose_tasks)
    if not reading.tasks and not include_prose:
        _fail(f"Văn bản không có bảng nhiệm vụ; có {len(reading.prose_tasks)} nhiệm vụ đề xuất từ văn bản "
              "cần xác nhận: xem bằng `plans parse`, nhập bằng --include-prose hoặc qua trang Nhập kế hoạch.",
              f"The document has no task table; {len(reading.prose_tasks)} tasks were proposed from its "
              "text: review them with `plans parse`, import with --include-prose or in the web import wizard.")
    try:
        extra = {"tracking_from": track_from.date()} if track_from else {}
        _step(2, "So sánh và ghi vào cơ sở dữ liệu", "comparing and writing to the database")
        result = import_plan(db.session, reading, load_index(db.session),
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
    from .plans.drafts import overdue_on
    late = overdue_on(reading, set(), today_local())      # reading.tasks now holds the chosen prose
    if late and not track_from and result.created:
        click.echo(f"{late} thời hạn (theo từng cơ quan, từng kỳ) đã qua trước hôm nay; nếu kế hoạch mới bắt đầu "
                   "được theo dõi, dùng --track-from NGÀY để không nhắc những gì đến hạn trước ngày đó.")
    if work:
        click.echo(f"Bỏ khỏi kế hoạch {len(work)} phân công đã có báo cáo (báo cáo và minh chứng vẫn được giữ):")
        for item in work:
            click.echo(f"  #{item.assignment_id}  {item.describe()}")
        if not yes and not dry_run:
            _fail("chưa nhập: bản sửa đổi bỏ các phân công đã có báo cáo; thêm --yes để đồng ý.",
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
        found = load_index(db.session).match(agency)
        if not found:
            _fail(f"không tìm thấy cơ quan “{agency}”.", f"no agency matches “{agency}”.")
        agency_ids = [a.id for a in found]
    day = today.date() if today else today_local()
    items = due_items(db.session, day, current_app.config["TRACKER_TIMEZONE"], agency_ids,
                      overdue, due_before.date() if due_before else None, plan_id)
    rows = _rows_per_task({item.assignment.task_id for item in items})
    if items:
        click.echo(f"{'hạn':<10}  {'mã':<6}  {'nhiệm vụ':<22} {'hàng':<6} {'vai trò':<8} {'cơ quan':<45}  "
                   "tình trạng  thời hạn / kỳ")
    for item in items:
        a = item.assignment
        owner = a.agency.name if a.agency else f"(chưa xác định) {a.owner_text}"
        category = LABELS_VI[item.on_time.category] if item.on_time else "—"
        late = f" ({item.on_time.days_late} ngày)" if item.on_time and item.on_time.days_late else ""
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
    from .models import STATUS_LABELS_VI, Assignment
    from .plans.queries import local_date
    assignment = db.session.scalar(select(Assignment).where(Assignment.id == assignment_id)
                                   .execution_options(include_removed=True))
    if assignment is None:
        _fail(f"không có phân công #{assignment_id} (xem mã bằng `flask tasks list`).",
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
        step = (f"{STATUS_LABELS_VI.get(change.from_status, change.from_status or '—')} → "
                f"{STATUS_LABELS_VI.get(change.to_status, change.to_status)}")
        progress = f" {change.progress}%" if change.progress is not None else ""
        files = f" [{len(change.evidence)} tệp]" if change.evidence else ""
        period = f" (kỳ {change.occurrence.label})" if change.occurrence_id else ""
        click.echo(f"  {when:%d/%m/%Y}  {change.changed_by}: {step}{progress}{period}{files}"
                   + (f" — {change.comment}" if change.comment else ""))
    if not history:
        click.echo("  (chưa có báo cáo nào / no reports yet)")


def _rows_per_task(task_ids: set[int]) -> dict[int, int]:
    """How many (sub-)rows each task has, to say which row of its task an assignment is."""
    from sqlalchemy import func

    from .models import Assignment
    if not task_ids:
        return {}
    return {task_id: top + 1 for task_id, top in db.session.execute(
        select(Assignment.task_id, func.max(Assignment.row)).where(Assignment.task_id.in_(task_ids))
        .group_by(Assignment.task_id))}


@agencies_cli.command("import")
@click.argument("path")
def import_agencies(path: str) -> None:
    """Nhập danh mục cơ quan từ YAML hoặc CSV / Import agencies from YAML or CSV."""
    try:
        report = import_directory(db.session, read_directory_file(path))
        db.session.commit()
    except DirectoryError as exc:
        db.session.rollback()
        _fail(exc.message_vi, exc.message_en)
    except Exception:
        db.session.rollback()
        raise
    click.echo(f"Đã nhập {path}: {report}")


@agencies_cli.command("list")
def list_agencies() -> None:
    """Danh sách cơ quan / List agencies."""
    for agency in db.session.scalars(select(Agency).order_by(Agency.level, Agency.name)):
        officers = ", ".join(o.email or f"{o.name} (không email)" for o in agency.officers)
        click.echo(f"{agency.id:>4}  {agency.level:<8} {agency.type:<18} {agency.name}  [{officers}]")


@click.command("seed", cls=BilingualCommand)
def seed_command() -> None:
    """Nạp danh mục mẫu và các kế hoạch mẫu / Load the sample directories and seed plans.

    Idempotent: running it again changes nothing. Plans that cannot be read yet (prose
    programmes without a table) are reported and skipped.
    """
    seed_dir = Path(current_app.config["TRACKER_SEED_DIR"])
    for path in sorted(seed_dir.glob("directory-*.yaml")):
        try:
            report = import_directory(db.session, read_directory_file(path))
            db.session.commit()
            click.echo(f"Danh mục {path.name}: {report}")
        except DirectoryError as exc:
            db.session.rollback()
            _fail(exc.message_vi, exc.message_en)
    for path in sorted(seed_dir.glob("*.txt")):
        try:
            reading = read_plan(path.read_bytes(), path.name, calendar=reporting_calendar(current_app))
        except NotAPlanError as exc:
            click.echo(f"Bỏ qua {path.name}: {exc.message_vi}")
            continue
        if not reading.tasks:
            # A prose programme: its proposed tasks need an author's confirmation (the wizard).
            click.echo(f"Bỏ qua {path.name}: văn bản không có bảng; {len(reading.prose_tasks)} nhiệm vụ "
                       "đề xuất cần xác nhận khi nhập qua trang Nhập kế hoạch.")
            continue
        result = import_plan(db.session, reading, load_index(db.session))
        db.session.commit()
        click.echo(f"{path.name}: {result.summary()}")


feeds_cli = TrackerGroup("feeds", help="Lịch đăng ký (iCalendar) / Calendar feeds.")


def _feed_target(officer, agency, plan, leadership) -> tuple[str, int | None, str | None]:
    chosen = [x for x in (officer, agency, plan, leadership) if x]
    if len(chosen) != 1:
        _fail("chọn đúng một trong --officer, --agency, --plan, --leadership.",
              "choose exactly one of --officer, --agency, --plan, --leadership.")
    if officer:
        from .feeds.events import officer_agencies
        if not officer_agencies(db.session, officer):
            _fail(f"không có cán bộ đầu mối nào có email “{officer}”.",
                  f"no active focal officer has the email “{officer}”.")
        return "officer", None, officer.strip().lower()
    if plan:
        found = [p for p in db.session.scalars(select(Plan))
                 if (p.number or "").replace(" ", "").lower() == plan.replace(" ", "").lower()
                 or str(p.id) == plan]
        if len(found) != 1:
            _fail(f"không tìm thấy đúng một kế hoạch “{plan}” (số ký hiệu hoặc mã).",
                  f"no single plan matches “{plan}” (number or id).")
        return "plan", found[0].id, None
    name = agency or leadership
    matches = load_index(db.session).match(name)
    if leadership:
        matches = [m for m in matches if m.type.startswith("ubnd")]
    if len(matches) != 1:
        names = "; ".join(m.name for m in matches[:5]) or "không có"
        _fail(f"“{name}” không chỉ đúng một cơ quan ({names}).",
              f"“{name}” does not name exactly one agency ({names}).")
    return ("leadership" if leadership else "agency"), matches[0].id, None


@feeds_cli.command("create")
@click.option("--officer", help="Email cán bộ đầu mối / focal officer's email.")
@click.option("--agency", help="Tên cơ quan / agency name.")
@click.option("--plan", help="Số ký hiệu kế hoạch (181/KH-UBND) hoặc mã / plan number or id.")
@click.option("--leadership", help="UBND ban hành kế hoạch / the People's Committee.")
@click.option("--name", "label", default="", help="Tên gợi nhớ (Điện thoại, Outlook cơ quan).")
def create_feed(officer, agency, plan, leadership, label) -> None:
    """Tạo địa chỉ lịch bí mật / Create a secret feed URL (shown once)."""
    from .feeds import tokens
    from .web.feeds import feed_urls
    kind, target_id, email = _feed_target(officer, agency, plan, leadership)
    default = {"officer": "Lịch cá nhân", "agency": "Lịch cơ quan", "plan": "Lịch kế hoạch",
               "leadership": "Lịch lãnh đạo"}[kind]
    row, token = tokens.create(db.session, kind, label or default, target_id, email)
    db.session.commit()
    urls = feed_urls(token)
    click.echo(f"Đã tạo lịch #{row.id} ({kind}, “{row.label}”). Địa chỉ chỉ hiện một lần, giữ bí mật:")
    _echo_feed_urls(urls)
    click.echo(f"Trang đăng ký / subscribe page: {urls['page']}")


def _echo_feed_urls(urls: dict[str, str]) -> None:
    """The feed's addresses, each labelled by its real scheme (an http base URL is not "https")."""
    from urllib.parse import urlsplit
    address = urls["https"]            # the direct address, whatever TRACKER_BASE_URL's scheme
    scheme = urlsplit(address).scheme or "url"
    click.echo(f"{scheme + ':':<7} {address}")
    click.echo(f"webcal: {urls['webcal']}")
    if scheme != "https" and urlsplit(address).hostname not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"Lưu ý: địa chỉ dùng {scheme}, không mã hóa (đặt TRACKER_BASE_URL là https://… khi chạy "
                   f"thật). / Note: the address uses {scheme}, unencrypted (set TRACKER_BASE_URL to https://… "
                   "in production).")


FEED_KINDS_VI = {"officer": "cán bộ", "agency": "cơ quan", "plan": "kế hoạch", "leadership": "lãnh đạo"}


def _feed_target_name(row) -> str:
    """Who or what a feed follows, by name: the agency, the plan, the officer's e-mail."""
    if row.kind == "officer":
        from .feeds.events import officer_agencies
        agencies = officer_agencies(db.session, row.target_email or "")
        names = "; ".join(a.name for a in agencies)
        return f"{row.target_email}" + (f" ({names})" if names else " (không còn là cán bộ đầu mối)")
    if row.kind == "plan":
        plan = db.session.get(Plan, row.target_id) if row.target_id else None
        if plan is None:
            return f"(kế hoạch #{row.target_id} không còn)"
        title = plan.title if len(plan.title) <= 80 else plan.title[:79] + "…"
        return f"{plan.kind} {plan.number or '(không số)'} — {title}"
    agency = db.session.get(Agency, row.target_id) if row.target_id else None
    return agency.name if agency else f"(cơ quan #{row.target_id} không còn)"


@feeds_cli.command("list")
def list_feeds() -> None:
    """Các địa chỉ lịch / List feed tokens (never the tokens themselves)."""
    from .models import FeedToken
    rows = db.session.scalars(select(FeedToken).order_by(FeedToken.id)).all()
    for row in rows:
        state = "đã thu hồi" if row.revoked_at else "đang dùng"
        used = clock.local_time(row.last_used_at) if row.last_used_at else "chưa dùng"
        target = f"{FEED_KINDS_VI.get(row.kind, row.kind)}: {_feed_target_name(row)}"
        click.echo(f"{row.id:>4}  {target}  “{row.label}” …{row.hint}  {state}  lần cuối: {used}")
    if not rows:
        click.echo("Chưa có địa chỉ lịch nào / no feeds yet (flask feeds create).")


@feeds_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_feed(token_id: int) -> None:
    """Thu hồi một địa chỉ lịch / Revoke a feed token (it answers 404 from now on)."""
    from .feeds import tokens
    from .models import FeedToken
    row = db.session.get(FeedToken, token_id)
    if row is None:
        _fail(f"không có địa chỉ lịch #{token_id}.", f"no feed token #{token_id}.")
    tokens.revoke(row)
    db.session.commit()
    click.echo(f"Đã thu hồi lịch #{token_id}. Các lịch đã đăng ký bằng địa chỉ này sẽ ngừng cập nhật.")


@feeds_cli.command("rotate")
@click.argument("token_id", type=int)
def rotate_feed(token_id: int) -> None:
    """Đổi địa chỉ lịch (địa chỉ cũ ngừng hoạt động) / Rotate a feed token."""
    from .feeds import tokens
    from .models import FeedToken
    from .web.feeds import feed_urls
    row = db.session.get(FeedToken, token_id)
    if row is None or row.revoked_at is not None:
        _fail(f"không có địa chỉ lịch #{token_id} đang dùng.", f"no live feed token #{token_id}.")
    new, token = tokens.rotate(db.session, row)
    db.session.commit()
    urls = feed_urls(token)
    click.echo(f"Lịch #{row.id} đã được thay bằng #{new.id}; cần đăng ký lại bằng địa chỉ mới:")
    _echo_feed_urls(urls)


@tasks_cli.command("set-status")
@click.argument("assignment_id", type=int)
@click.argument("status", type=click.Choice(["not_started", "in_progress", "done", "paused", "cancelled"]))
@click.option("--progress", type=click.IntRange(0, 100))
@click.option("--comment", default="")
@click.option("--by", default="cli", help="Người cập nhật / who reports.")
def set_status(assignment_id: int, status: str, progress, comment: str, by: str) -> None:
    """Cập nhật trạng thái một phân công / Report the status of an assignment."""
    from .models import Assignment
    from .plans.progress import StatusError, report
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        _fail(f"không có phân công #{assignment_id}.", f"no assignment #{assignment_id}.")
    try:
        report(db.session, assignment, status, by, progress, comment)
    except StatusError as exc:
        _fail(exc.message_vi, exc.message_en)
    db.session.commit()
    click.echo(f"Phân công #{assignment_id}: {status}")


jobs_cli = TrackerGroup("jobs", help="Chạy một tác vụ định kỳ / Run one scheduled job.")


@jobs_cli.command("run")
@click.argument("name", type=click.Choice(["reminders", "overdue", "escalation", "checkins", "digest",
                                           "send", "feeds"]))
@click.option("--at", "at", type=click.DateTime(formats=["%Y-%m-%dT%H:%M"]),
              help="Chạy như vào thời điểm này, giờ địa phương / as if at this local time (YYYY-MM-DDTHH:MM).")
@click.option("--dry-run", is_flag=True,
              help="Chỉ cho biết sẽ lập bao nhiêu thư, không ghi gì / show what would be queued, write "
                   "nothing.")
def run_job(name: str, at, dry_run: bool) -> None:
    """Chạy một lần / Run one job once (reminders, overdue, escalation, checkins, digest, send, feeds).

    Đây là thư thật: các tác vụ lập lịch xếp thư vào hộp thư đi và bộ gửi (`jobs run send`,
    bộ lập lịch) sẽ gửi chúng cho người nhận; `send` gửi ngay. Dùng --dry-run để xem trước.

    These are real messages: the planning jobs queue mail that the sender will deliver to its
    recipients; `send` delivers now. Use --dry-run to look first."""
    from zoneinfo import ZoneInfo

    from .jobs import describe, preview, run
    moment = at.replace(tzinfo=ZoneInfo(current_app.config["TRACKER_TIMEZONE"])) if at else None
    when = f" (như vào {at:%d/%m/%Y %H:%M} / as if at {at:%Y-%m-%d %H:%M})" if at else ""
    if name == "feeds":
        report = preview(name, moment) if dry_run else run(name, moment)
        if dry_run:
            click.echo(f"feeds{when}, chạy thử: {report.rebuilt} lịch cần dựng lại; chưa dựng gì.")
            click.echo(f"Dry run: {report.rebuilt} calendar feeds are stale; none was rebuilt.")
        else:
            click.echo(f"feeds{when}: {describe(report)}")
            click.echo(f"feeds{when}: {describe(report, 'en')}")
        return
    if dry_run:
        report = preview(name, moment)
        kinds = _kinds(report.kinds)
        if name == "send":
            click.echo(f"{name}{when}, chạy thử: sẽ gửi {report.messages} thư{kinds}; chưa gửi gì.")
            click.echo(f"Dry run: {report.messages} messages would be sent; nothing was sent.")
        else:
            click.echo(f"{name}{when}, chạy thử: sẽ xếp {report.messages} thư vào hộp thư đi{kinds}; "
                       "không ghi gì.")
            click.echo(f"Dry run: {report.messages} messages would be queued; nothing was written.")
        return
    report = run(name, moment)
    click.echo(f"{name}{when}: {describe(report)}")
    if name == "send":
        click.echo(f"Đã gửi thật {report.sent} thư tới người nhận. / {report.sent} real messages were "
                   "delivered to their recipients.")
    elif report.messages:
        click.echo(f"Đã xếp {report.messages} thư thật vào hộp thư đi{_kinds(report.kinds)}; bộ gửi sẽ gửi chúng "
                   "cho người nhận (lượt gửi tới của bộ lập lịch, hoặc `flask jobs run send`).")
        click.echo(f"{report.messages} real messages were queued; the sender will deliver them to their "
                   "recipients (the scheduler's next send, or `flask jobs run send`).")
    else:
        click.echo("Không có thư nào mới được xếp vào hộp thư đi. / No new messages were queued.")


def _kinds(kinds: dict[str, int]) -> str:
    return " (" + ", ".join(f"{k}: {n}" for k, n in sorted(kinds.items())) + ")" if kinds else ""


scheduler_cli = TrackerGroup("scheduler", help="Bộ lập lịch / The job scheduler.")


@scheduler_cli.command("run")
def scheduler_run() -> None:
    """Chạy bộ lập lịch (tiến trình riêng) / Run the scheduler as its own process.

    Several may run against one database: one leads, the others wait and take over."""
    import logging

    from .jobs.scheduler import run_forever
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        run_forever(current_app._get_current_object())
    except KeyboardInterrupt:
        pass


@click.command("dev")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--mail-port", default=8025, type=int, help="Máy chủ thư thử nghiệm / mail catcher port.")
@click.option("--demo", is_flag=True, help="Tạo tài khoản thử cả khi dùng cơ sở dữ liệu khác mặc định / "
              "create the demo accounts even on a database other than the development one.")
def dev_command(host: str, port: int, mail_port: int, demo: bool) -> None:
    """Máy chủ phát triển + bộ lập lịch + hộp thư thử nghiệm / Development server with the
    scheduler and a local mail catcher (what `make run` starts)."""
    import logging

    from .jobs.scheduler import start_in_background
    from .mail import catcher
    from .web.dev import bp as dev_bp
    app = current_app._get_current_object()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    catcher.start(mail_port)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_port, MAIL_USE_TLS=False,
                      MAIL_USE_SSL=False, MAIL_USERNAME=None, MAIL_PASSWORD=None)
    mail_ext = app.extensions["mail"]
    mail_ext.server, mail_ext.port, mail_ext.use_tls, mail_ext.use_ssl = "127.0.0.1", mail_port, False, False
    mail_ext.username = mail_ext.password = None
    app.register_blueprint(dev_bp)
    # Demo accounts share a published password: only in the development database (the
    # default SQLite file), never in one configured with TRACKER_DATABASE_URL unless asked.
    if demo or not os.environ.get("TRACKER_DATABASE_URL"):
        from .accounts.manage import demo_accounts
        made = demo_accounts(db.session, DEMO_PASSWORD)
        db.session.commit()
        from .models import Account
        click.echo(f"Tài khoản thử (mật khẩu “{DEMO_PASSWORD}”) / demo accounts (password “{DEMO_PASSWORD}”):")
        for account in db.session.scalars(select(Account).order_by(Account.role, Account.email)):
            if account.password_hash:
                click.echo(f"  {account.role:8} {account.email}{'  (mới)' if account in made else ''}")
    else:
        click.echo("Không tạo tài khoản thử: TRACKER_DATABASE_URL trỏ tới cơ sở dữ liệu khác (dùng --demo nếu "
                   "muốn) / no demo accounts on a configured database (--demo to create them).")
    start_in_background(app)
    click.echo(f"Thư nhắc việc: http://{host}:{port}/dev/mail (máy chủ thư thử nghiệm 127.0.0.1:{mail_port})")
    from werkzeug.serving import run_simple
    run_simple(host, port, app, threaded=True, use_reloader=False)


DEMO_PASSWORD = "thu-nghiem-2017"   # development server only; printed when it starts


outbox_cli = TrackerGroup("outbox", help="Hộp thư đi / The outbox.")


@outbox_cli.command("list")
@click.option("--state", type=click.Choice(["queued", "sending", "sent", "failed"]),
              help="Chỉ thư ở trạng thái này / only messages in this state.")
@click.option("--limit", default=50, type=click.IntRange(min=1), show_default=True,
              help="Số thư mới nhất được hiện / how many of the newest messages to show.")
def outbox_list(state: str | None, limit: int) -> None:
    """Thư đã lập, đã gửi, lỗi và lý do / What was sent to whom and when, what failed and why.

    Giờ là giờ địa phương (TRACKER_TIMEZONE): lúc gửi, hoặc lúc sẽ thử gửi. / Times are local
    (TRACKER_TIMEZONE): when it was sent, or when it will next be tried."""
    from .mail.outbox import messages_query
    rows = db.session.scalars(messages_query(state).limit(limit + 1)).all()
    for row in rows[:limit]:
        when = row.sent_at or row.next_attempt_at
        error = f"  ! {row.last_error}" if row.last_error else ""
        click.echo(f"{row.id:>6} {row.state:<7} {row.kind:<21} {clock.local_time(when)} "
                   f"{row.recipient or '(không có địa chỉ) ' + row.recipient_name}  "
                   f"“{row.subject}” ({len(row.items)} mục, {row.attempts} lần){error}")
    if not rows:
        click.echo("Hộp thư đi trống / the outbox is empty" + (f" ({state})." if state else "."))
    elif len(rows) > limit:
        click.echo(f"… chỉ hiện {limit} thư mới nhất; dùng --limit để xem thêm. / … only the newest {limit} "
                   "messages are shown; use --limit to see more.")


@outbox_cli.command("retry")
@click.argument("message_id", type=int)
def outbox_retry(message_id: int) -> None:
    """Gửi lại một thư lỗi / Queue a failed message again (after fixing the cause)."""
    from .mail.outbox import retry
    if retry(db.session, message_id) is None:
        _fail(f"không có thư lỗi #{message_id}.", f"no failed message #{message_id}.")
    db.session.commit()
    click.echo(f"Thư #{message_id} sẽ được gửi lại ở lượt gửi tới.")


calendar_cli = TrackerGroup("calendar", help="Ngày làm việc / Working days and exceptions.")


@calendar_cli.command("set")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--off", "kind", flag_value="off", help="Ngày nghỉ bù / an extra day off.")
@click.option("--working", "kind", flag_value="working", help="Ngày làm bù / a day worked.")
@click.option("--note", default="")
def calendar_set(day, kind: str | None, note: str) -> None:
    """Thêm ngày nghỉ bù hoặc làm bù / Add a compensatory day off or a swapped working day."""
    from .mail.settings import set_calendar_day
    if kind is None:
        _fail("chọn --off hoặc --working.", "choose --off or --working.")
    row = set_calendar_day(db.session, day.date(), kind == "working", note)
    db.session.commit()
    click.echo(f"{day:%d/%m/%Y}: {'ngày làm việc' if row.working else 'ngày nghỉ'} ({row.note})")


@calendar_cli.command("unset")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
def calendar_unset(day) -> None:
    """Bỏ một ngoại lệ / Remove an exception."""
    from .mail.settings import unset_calendar_day
    if not unset_calendar_day(db.session, day.date()):
        _fail(f"không có ngoại lệ ngày {day:%d/%m/%Y}.", f"no exception on {day:%Y-%m-%d}.")
    db.session.commit()
    click.echo("Đã bỏ.")


@calendar_cli.command("show")
@click.argument("year", type=int)
def calendar_show(year: int) -> None:
    """Các ngày nghỉ trong tuần của một năm / Weekdays off in a year (holidays and exceptions)."""
    from .mail.settings import unusual_days
    for line in unusual_days(db.session, year):
        state = "làm việc" if line.working else "nghỉ"
        click.echo(f"{line.day:%a %d/%m/%Y}  {state:<9} {line.reason}")


policy_cli = TrackerGroup("policy", help="Thiết lập nhắc việc / The reminder policy.")


@policy_cli.command("show")
@click.option("--plan", "plan_id", type=int, help="Mã kế hoạch / the policy in force for a plan.")
def policy_show(plan_id: int | None) -> None:
    """Thiết lập đang áp dụng / The policy in force (global, or for one plan)."""
    from .mail.settings import effective_policy
    plan = None
    if plan_id is not None:
        plan = db.session.get(Plan, plan_id)
        if plan is None:
            _fail(f"không có kế hoạch #{plan_id}.", f"no plan #{plan_id}.")
    policy, _overrides = effective_policy(db.session, plan)
    click.echo(json.dumps(policy.as_dict(), ensure_ascii=False, indent=1))


@policy_cli.command("set")
@click.argument("assignments", nargs=-1, required=True)
@click.option("--plan", "plan_id", type=int, help="Chỉ cho kế hoạch này / override for one plan.")
def policy_set(assignments: tuple[str, ...], plan_id: int | None) -> None:
    """Đặt thiết lập nhắc việc, ví dụ: overdue_every=5 before_offsets=5,2,0 send_at=08:00."""
    from .mail.settings import PolicyError, set_global_policy, set_plan_policy
    values: dict[str, object] = {}
    for item in assignments:
        key, _, raw = item.partition("=")
        if not raw:
            _fail(f"“{item}” phải có dạng khóa=giá_trị.", f"“{item}” must be key=value.")
        if key == "before_offsets":
            parts = [v.strip() for v in raw.split(",") if v.strip()]
            if not all(p.isdigit() for p in parts):
                _fail(f"before_offsets phải là các số ngày làm việc, ví dụ 7,3,1,0 (không phải “{raw}”).",
                      f"before_offsets must be working-day counts such as 7,3,1,0 (not “{raw}”).")
            values[key] = [int(p) for p in parts]
        elif raw.isdigit():
            values[key] = int(raw)
        elif raw.lower() in ("true", "false", "yes", "no", "có", "không"):
            values[key] = raw.lower() in ("true", "yes", "có")
        else:
            values[key] = raw
    try:
        if plan_id is None:
            merged = set_global_policy(db.session, values)
        else:
            plan = db.session.get(Plan, plan_id)
            if plan is None:
                _fail(f"không có kế hoạch #{plan_id}.", f"no plan #{plan_id}.")
            merged = set_plan_policy(db.session, plan, {**(plan.reminder_policy or {}), **values})
    except PolicyError as exc:
        _fail(f"thiết lập nhắc việc không hợp lệ: {exc.message_vi}", f"invalid policy: {exc.message_en}")
    except ValueError as exc:
        _fail(f"thiết lập nhắc việc không hợp lệ: {exc}", f"invalid policy: {exc}")
    db.session.commit()
    click.echo(json.dumps(merged.as_dict(), ensure_ascii=False, indent=1))


accounts_cli = TrackerGroup("accounts", help="Tài khoản đăng nhập / Accounts.")


@accounts_cli.command("create")
@click.argument("email")
@click.option("--name", default="", help="Họ tên / Full name.")
@click.option("--role", required=True, type=click.Choice(["admin", "author", "leader", "officer"]))
@click.option("--committee", help="UBND của chuyên viên theo dõi / lãnh đạo, ví dụ “UBND tỉnh Sóc Trăng”.")
@click.option("--password", help="Mật khẩu (bỏ trống để nhập ẩn) / Password (prompted when omitted).")
@click.option("--no-password", is_flag=True, help="Chỉ đăng nhập bằng liên kết qua thư / Link sign-in only.")
def accounts_create(email, name, role, committee, password, no_password) -> None:
    """Tạo tài khoản / Create an account."""
    from .accounts.manage import AccountError, create_account, find_committee
    if password is None and not no_password:
        password = click.prompt("Mật khẩu / Password", hide_input=True, confirmation_prompt=True)
    try:
        agency = find_committee(db.session, committee) if committee else None
        account = create_account(db.session, email, name, role, agency, None if no_password else password)
        db.session.commit()
    except AccountError as exc:
        db.session.rollback()
        _fail(exc.message_vi, exc.message_en)
    click.echo(f"Đã tạo {account.email} ({account.role}).")


@accounts_cli.command("list")
def accounts_list() -> None:
    """Danh sách tài khoản / List accounts."""
    from .models import Account
    for account in db.session.scalars(select(Account).order_by(Account.role, Account.email)):
        committee = account.committee.name if account.committee else ""
        state = "" if account.active else " (khóa / disabled)"
        click.echo(f"{account.email}\t{account.role}\t{account.name}\t{committee}{state}")


@accounts_cli.command("set-password")
@click.argument("email")
@click.option("--password", help="Mật khẩu mới (bỏ trống để nhập ẩn) / New password.")
def accounts_set_password(email, password) -> None:
    """Đặt mật khẩu / Set a password."""
    from .accounts.manage import AccountError, find_account, set_password
    account = find_account(db.session, email)
    if account is None:
        _fail(f"Không có tài khoản {email}.", f"No account {email}.")
    if password is None:
        password = click.prompt("Mật khẩu mới / New password", hide_input=True, confirmation_prompt=True)
    try:
        set_password(account, password)
    except AccountError as exc:
        _fail(exc.message_vi, exc.message_en)
    db.session.commit()
    click.echo("Đã đặt mật khẩu.")


@accounts_cli.command("set-role")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["admin", "author", "leader", "officer"]))
@click.option("--committee", help="UBND của chuyên viên theo dõi / lãnh đạo / the author's or leader's committee.")
def accounts_set_role(email, role, committee) -> None:
    """Đổi vai trò (mọi phiên đăng nhập của tài khoản kết thúc) / Change an account's role
    (its sessions end)."""
    from .accounts.manage import AccountError, find_account, find_committee, set_role
    account = find_account(db.session, email)
    if account is None:
        _fail(f"Không có tài khoản {email}.", f"No account {email}.")
    try:
        agency = find_committee(db.session, committee) if committee else None
        set_role(db.session, account, role, agency)
    except AccountError as exc:
        db.session.rollback()
        _fail(exc.message_vi, exc.message_en)
    db.session.commit()
    click.echo(f"Đã đổi vai trò của {account.email} thành {role}.")


@accounts_cli.command("disable")
@click.argument("email")
def accounts_disable(email) -> None:
    """Khóa tài khoản / Disable an account (it can no longer sign in)."""
    _set_active(email, False)


@accounts_cli.command("enable")
@click.argument("email")
def accounts_enable(email) -> None:
    """Mở khóa tài khoản / Enable a disabled account."""
    _set_active(email, True)


def _set_active(email: str, active: bool) -> None:
    from .accounts.manage import AccountError, find_account, set_active
    account = find_account(db.session, email)
    if account is None:
        _fail(f"Không có tài khoản {email}.", f"No account {email}.")
    try:
        set_active(db.session, account, active)
    except AccountError as exc:
        _fail(exc.message_vi, exc.message_en)
    db.session.commit()
    click.echo(f"Đã {'mở khóa' if active else 'khóa'} {account.email}.")


def register_commands(app: Flask) -> None:
    app.cli.add_command(accounts_cli)
    app.cli.add_command(calendar_cli)
    app.cli.add_command(policy_cli)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(dev_command)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(feeds_cli)
    app.cli.add_command(plans_cli)
    app.cli.add_command(tasks_cli)
    app.cli.add_command(agencies_cli)
    app.cli.add_command(seed_command)


__all__ = ["register_commands", "Task"]
