"""``flask reports``: the periodic report of a plan, or of every plan of a committee, as a
Word document (``tracker.reports``); ``flask reports letters``: the reminder letters (công văn
đôn đốc), one per agency with overdue items (``tracker.reports.letters``), recorded on the
items unless ``--dry-run``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from ..accounts.manage import AccountError, find_committee
from ..directory.store import subtree_ids
from ..extensions import db
from ..models import Plan
from ..reports import ReportRequest, build_report
from ..reports import letters as letters_module
from ..reports.periods import ReportPeriod, custom_period, parse_period
from ..scheduling.office_calendar import working_calendar
from .common import TrackerGroup, fail, reporting_calendar, today_local

reports_cli = TrackerGroup("reports", help="Báo cáo định kỳ / Periodic reports.")

_DAY = click.DateTime(formats=["%Y-%m-%d"])


def choose_period(spec: str | None, start: date | None, end: date | None, calendar: bool) -> ReportPeriod:
    """The period of ``--period`` or of ``--from``/``--to`` (one way, not both)."""
    if spec and (start or end):
        fail("dùng --period hoặc --from/--to, không dùng cả hai.", "use --period or --from/--to, not both.")
    if not spec and not (start or end):
        fail("thiếu --period (2017, 2017-Q2, 2017-H1, 2017-9M, 2017-05) hoặc --from/--to.",
             "missing --period (2017, 2017-Q2, 2017-H1, 2017-9M, 2017-05) or --from/--to.")
    if spec:
        try:
            return parse_period(spec, calendar, reporting_calendar(current_app).cutoff_day)
        except ValueError as exc:
            fail(f"kỳ báo cáo “{spec}” không hợp lệ (dùng 2017, 2017-Q2, 2017-H1, 2017-9M, 2017-05).", str(exc))
    return custom_period(start, end)


def _scope(session, plan_id: int | None, committee: str | None,
           agency: str | None) -> tuple[list[int], int | None, int | None]:
    """(plan ids, committee id, agency id) a command is about: one plan or a committee's
    plans, and optionally one agency; a clear error for anything not found."""
    if (plan_id is None) == (committee is None):
        fail("chọn một trong hai: --plan hoặc --committee.", "give either --plan or --committee.")
    committee_id = None
    if plan_id is not None:
        plan = session.get(Plan, plan_id)
        if plan is None:
            fail(f"không có kế hoạch mã {plan_id}.", f"no plan with id {plan_id}.")
        plan_ids = [plan.id]
    else:
        try:
            body = find_committee(session, committee or "")
        except AccountError as exc:
            fail(exc.message_vi, exc.message_en)
        committee_id = body.id
        plan_ids = list(session.scalars(select(Plan.id).where(Plan.issuer_id.in_(subtree_ids(session, body.id)))))
    agency_id = None
    if agency:
        try:
            agency_id = find_committee(session, agency).id
        except AccountError:
            fail(f"không tìm thấy duy nhất một cơ quan tên “{agency}” trong danh mục.",
                 f"no single agency named “{agency}” in the directory.")
    return plan_ids, committee_id, agency_id


@reports_cli.command("build")
@click.option("--plan", "plan_id", type=int, help="Mã kế hoạch (xem `plans list`) / the plan's id.")
@click.option("--committee", help="Mọi kế hoạch do UBND này (và cơ quan trực thuộc) ban hành / every plan "
                                  "issued by this committee or a body under it.")
@click.option("--period", "spec", help="2017, 2017-Q2, 2017-H1, 2017-9M, 2017-05 (kỳ chốt số liệu theo Nghị "
                                       "định 09/2019) / the period (Decree 09/2019 cut-offs).")
@click.option("--from", "start", type=_DAY, help="Từ ngày (YYYY-MM-DD) / first day of a custom period.")
@click.option("--to", "end", type=_DAY, help="Đến ngày (YYYY-MM-DD) / last day of a custom period.")
@click.option("--calendar", "calendar_months", is_flag=True,
              help="Tính theo tháng dương lịch thay vì kỳ chốt số liệu / whole calendar months instead of "
                   "the Decree 09/2019 cut-offs.")
@click.option("--agency", help="Báo cáo của một cơ quan gửi cấp trên / one agency's own report.")
@click.option("--as-of", "as_of", type=_DAY, help="Số liệu tính đến ngày (mặc định: hôm nay, hoặc ngày cuối kỳ "
                                                  "nếu kỳ đã qua) / data as of this day.")
@click.option("--coordinating", is_flag=True, help="Tính cả cơ quan phối hợp / count coordinating agencies too.")
@click.option("--out", "out", required=True, help="Tệp .docx sẽ ghi / the .docx file to write.")
def build_command(plan_id: int | None, committee: str | None, spec: str | None, start, end,
                  calendar_months: bool, agency: str | None, as_of, coordinating: bool, out: str) -> None:
    """Lập báo cáo định kỳ (Word) / Build the periodic report as a Word document."""
    session = db.session()
    plan_ids, committee_id, agency_id = _scope(session, plan_id, committee, agency)
    period = choose_period(spec, start.date() if start else None, end.date() if end else None, calendar_months)
    today = today_local()
    day = as_of.date() if as_of else (min(today, period.end) if period.end else today)
    data = build_report(session, ReportRequest(
        plan_ids=tuple(plan_ids), period=period, as_of=day, tz=current_app.config["TRACKER_TIMEZONE"],
        issued_on=today, calendar=working_calendar(session), committee_id=committee_id, agency_id=agency_id,
        include_coordinating=coordinating))
    path = Path(out)
    try:
        path.write_bytes(data)
    except OSError as exc:
        fail(f"không ghi được tệp “{out}”: {exc.strerror}.", f"cannot write “{out}”: {exc.strerror}.")
    click.echo(f"Đã ghi báo cáo {period.label}, số liệu đến ngày {day:%d/%m/%Y}: {path} / report written.")


@reports_cli.command("letters")
@click.option("--plan", "plan_id", type=int, help="Mã kế hoạch (xem `plans list`) / the plan's id.")
@click.option("--committee", help="Mọi kế hoạch do UBND này (và cơ quan trực thuộc) ban hành / every plan "
                                  "issued by this committee or a body under it.")
@click.option("--as-of", "as_of", type=_DAY, help="Quá hạn tính đến ngày (mặc định: hôm nay) / overdue as of "
                                                  "this day (default: today).")
@click.option("--agency", help="Chỉ công văn gửi cơ quan này / only this agency's letter.")
@click.option("--coordinating", is_flag=True, help="Tính cả cơ quan phối hợp / count coordinating agencies too.")
@click.option("--dry-run", is_flag=True, help="Chỉ ghi tệp, không ghi nhận đôn đốc vào nhiệm vụ / write the files "
                                              "only, record nothing on the items.")
@click.option("--out", "out", required=True,
              help="Thư mục: mỗi cơ quan một tệp .docx; tệp .docx: khi chỉ có một công văn (--agency) / a "
                   "directory (one .docx per agency), or a .docx file when there is one letter.")
def letters_command(plan_id: int | None, committee: str | None, as_of, agency: str | None, coordinating: bool,
                    dry_run: bool, out: str) -> None:
    """Công văn đôn đốc nhiệm vụ quá hạn (Word), mỗi cơ quan một công văn / Reminder letters, one per agency."""
    session = db.session()
    plan_ids, committee_id, agency_id = _scope(session, plan_id, committee, agency)
    agency_ids = [agency_id] if agency_id is not None else None
    today = today_local()
    day = as_of.date() if as_of else today
    found = letters_module.gather(session, plan_ids, day, current_app.config["TRACKER_TIMEZONE"], today,
                                  committee_id=committee_id, agency_ids=agency_ids,
                                  include_coordinating=coordinating)
    if not found:
        click.echo(f"Không có nhiệm vụ quá hạn đến ngày {day:%d/%m/%Y}: không có công văn nào. / "
                   "nothing overdue: no letter.")
        return
    target = Path(out)
    one_file = target.suffix.lower() == ".docx"
    if one_file and len(found) != 1:
        fail(f"có {len(found)} cơ quan cần đôn đốc: cho --out là một thư mục, hoặc chọn một cơ quan (--agency).",
             f"{len(found)} agencies have overdue items: give a directory as --out, or one agency (--agency).")
    written = []
    try:
        if not one_file:
            target.mkdir(parents=True, exist_ok=True)
        for letter in found:
            path = target if one_file else target / letter.filename
            path.write_bytes(letters_module.render(letter))
            written.append(path)
    except OSError as exc:
        fail(f"không ghi được “{out}”: {exc.strerror}.", f"cannot write “{out}”: {exc.strerror}.")
    for letter, path in zip(found, written, strict=True):
        click.echo(f"{letter.agency_name}: {len(letter.items)} nhiệm vụ quá hạn → {path}")
    if dry_run:
        click.echo("Chạy thử: không ghi nhận vào nhiệm vụ. / dry run: nothing recorded.")
        return
    added = letters_module.record(session, found, today, "cli")
    session.commit()
    click.echo(f"Đã ghi nhận đôn đốc bằng công văn ngày {today:%d/%m/%Y} cho {added} nhiệm vụ. / "
               f"{added} items recorded as reminded by letter.")
