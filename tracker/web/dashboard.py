"""Bảng điều hành: the leadership dashboard. On-time statistics by agency for the plans one
may see, over a due-date window, with a chart, the open escalations and an Excel export.

The numbers come from ``tracker.plans.statistics``; this module reads the filters, names
things in the interface language and renders the page or the workbook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from urllib.parse import quote

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from .. import clock
from ..accounts import scopes
from ..extensions import db
from ..models import ADMIN, AUTHOR, LEADER, Plan
from ..plans.statistics import Period, Statistics, agency_statistics, plan_label
from ..reading.text import fold
from ..scheduling.ontime import CATEGORIES, LABELS_VI
from .access import require, roles_required

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
PERIODS = ("year", "q1", "q2", "q3", "q4", *(f"m{m:02d}" for m in range(1, 13)), "custom", "all")
RATE_FORMAT = "#,##0.0%"


@dataclass
class Filters:
    """What the page was asked for, read from the query string and checked."""

    visible: list[Plan]
    plan: Plan | None
    choice: str
    year: int
    start: date | None
    end: date | None
    as_of: date
    coordinating: bool
    notes: list[str] = field(default_factory=list)

    @property
    def plans(self) -> list[Plan]:
        return [self.plan] if self.plan is not None else self.visible

    @property
    def period(self) -> Period:
        if self.choice == "year":
            return Period.year(self.year)
        if self.choice.startswith("q"):
            return Period.quarter(self.year, int(self.choice[1]))
        if self.choice.startswith("m"):
            return Period.month(self.year, int(self.choice[1:]))
        if self.choice == "custom":
            return Period(self.start, self.end)
        return Period()

    def args(self) -> dict:
        """The query string that gives the same table (the export link uses it)."""
        args = {"plan": self.plan.id if self.plan else None, "period": self.choice,
                "year": self.year, "asof": self.as_of.isoformat(), "coord": 1 if self.coordinating else None}
        if self.choice == "custom":
            args["from"] = self.start.isoformat() if self.start else None
            args["to"] = self.end.isoformat() if self.end else None
        return {k: v for k, v in args.items() if v is not None}


def _date_arg(name: str, notes: list[str]) -> date | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        notes.append(_("Ngày “%(v)s” không hợp lệ, đã bỏ qua.", v=raw))
        return None


def _filters() -> Filters:
    notes: list[str] = []
    visible_ids = scopes.visible_plan_ids(db.session, current_user)
    query = select(Plan).order_by(Plan.year.desc(), Plan.id)
    if visible_ids is not None:
        query = query.where(Plan.id.in_(visible_ids))
    visible = list(db.session.scalars(query))
    plan_id = request.args.get("plan", type=int)
    plan = None
    if plan_id is not None:
        plan = next((p for p in visible if p.id == plan_id), None)
        require(plan is not None)           # 404, as for a plan page one may not open
    as_of = _date_arg("asof", notes) or clock.today()
    selected = [plan] if plan is not None else visible
    years = {p.year for p in selected}
    # The as-of year when a selected plan covers it, else the latest plan's year: an old
    # plan opens on its own year rather than on an empty table.
    default_year = as_of.year if as_of.year in years or not years else max(years)
    year = request.args.get("year", type=int)
    if year is None or not 1990 <= year <= 2100:
        year = default_year
    choice = request.args.get("period") or "year"
    if choice not in PERIODS:
        notes.append(_("Không rõ khoảng thời gian “%(v)s”, đã dùng cả năm.", v=choice))
        choice = "year"
    start, end = None, None
    if choice == "custom":
        start, end = _date_arg("from", notes), _date_arg("to", notes)
        if start and end and start > end:
            notes.append(_("Ngày bắt đầu sau ngày kết thúc: đã đổi chỗ hai ngày."))
            start, end = end, start
    coordinating = request.args.get("coord") in ("1", "on", "true")
    return Filters(visible, plan, choice, year, start, end, as_of, coordinating, notes)


def _day(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else "…"


def _period_label(f: Filters) -> str:
    if f.choice == "year":
        return _("Năm %(y)s", y=f.year)
    if f.choice.startswith("q"):
        return _("Quý %(q)s/%(y)s", q=ROMAN[int(f.choice[1])], y=f.year)
    if f.choice.startswith("m"):
        return _("Tháng %(m)s/%(y)s", m=int(f.choice[1:]), y=f.year)
    if f.choice == "custom" and (f.start or f.end):
        return _("Từ %(a)s đến %(b)s", a=_day(f.start), b=_day(f.end))
    return _("Mọi thời hạn")


def _period_options() -> list[tuple[str, str]]:
    return ([("year", _("Cả năm")), *((f"q{q}", _("Quý %(q)s", q=ROMAN[q])) for q in range(1, 5)),
             *((f"m{m:02d}", _("Tháng %(m)s", m=m)) for m in range(1, 13)),
             ("custom", _("Tùy chọn (từ ngày – đến ngày)")), ("all", _("Mọi thời hạn"))])


def _plans_label(f: Filters) -> str:
    if f.plan is not None:
        return plan_label(f.plan)
    return _("Tất cả kế hoạch được xem (%(n)s)", n=len(f.visible))


def _scope_label(f: Filters) -> str:
    return (_("Cơ quan chủ trì và cơ quan phối hợp") if f.coordinating
            else _("Chỉ cơ quan chủ trì"))


def _statistics(f: Filters) -> Statistics:
    return agency_statistics(db.session, f.as_of, current_app.config["TRACKER_TIMEZONE"], f.period,
                             plan_ids=[p.id for p in f.plans], include_coordinating=f.coordinating)


def _columns() -> list[tuple[str, str]]:
    """(key, heading) of the table's number columns, the page's and the workbook's."""
    return ([(c, _(LABELS_VI[c])) for c in CATEGORIES]
            + [("total", _("Tổng số")), ("fallen_due", _("Đã đến hạn")),
               ("on_time_rate", _("Tỷ lệ đúng hạn")), ("extended", _("Được gia hạn")),
               ("escalations", _("Báo cáo vượt cấp còn mở"))])


def _footnotes(f: Filters) -> list[str]:
    return [
        _("Tính mỗi phân công của một cơ quan, và mỗi kỳ báo cáo của nhiệm vụ định kỳ, có hạn trong "
          "khoảng thời gian đã chọn. Nhiệm vụ không có hạn cụ thể (thường xuyên, khi có sự kiện, theo "
          "quy định của cấp trên) và nhiệm vụ tạm dừng hoặc hủy không được tính."),
        _("Đúng hạn hay quá hạn được xét theo hạn ghi trong kế hoạch: nhiệm vụ được gia hạn vẫn xét "
          "theo hạn ban đầu và được đếm thêm ở cột “Được gia hạn”."),
        _("Tỷ lệ đúng hạn = số hoàn thành đúng hạn / số đã đến hạn; số đã đến hạn = hoàn thành đúng "
          "hạn + hoàn thành quá hạn + quá hạn chưa hoàn thành (nhiệm vụ chưa đến hạn không tính). "
          "Khi chưa có nhiệm vụ nào đến hạn thì không có tỷ lệ (trang ghi “—”, tệp Excel để trống)."),
        (_("Tính cả phân công của cơ quan phối hợp: một nhiệm vụ có thể được đếm ở nhiều cơ quan.")
         if f.coordinating else
         _("Chỉ tính phân công của cơ quan chủ trì; cơ quan phối hợp không được đếm (chọn “Tính cả "
           "cơ quan phối hợp” để xem).")),
        _("Báo cáo vượt cấp còn mở: nhiệm vụ đã được báo lên thủ trưởng cơ quan hoặc UBND và đến ngày "
          "thống kê vẫn quá hạn theo hạn đang áp dụng (kể cả gia hạn đã duyệt)."),
        _("Tình trạng là tình trạng hiện tại; nhiệm vụ báo hoàn thành sau ngày thống kê được coi là "
          "chưa hoàn thành vào ngày đó."),
    ]


@bp.get("/")
@roles_required(LEADER, AUTHOR, ADMIN)
def index():
    f = _filters()
    stats = _statistics(f)
    return render_template(
        "dashboard/index.html", f=f, stats=stats, columns=_columns(), categories=CATEGORIES,
        labels=LABELS_VI, period_label=_period_label(f), period_options=_period_options(),
        plans_label=_plans_label(f), scope_label=_scope_label(f), footnotes=_footnotes(f),
        unresolved=_("(chưa xác định cơ quan)"), rate_format=RATE_FORMAT,
        level_labels={"escalation_head": _("Thủ trưởng cơ quan"),
                      "escalation_committee": _("UBND ban hành kế hoạch")},
        max_total=max((r.total for r in stats.rows), default=0),
        plan_label=plan_label, export_url=url_for(".export", **f.args()))


@bp.get("/export.xlsx")
@roles_required(LEADER, AUTHOR, ADMIN)
def export():
    f = _filters()
    stats = _statistics(f)
    response = Response(_workbook(f, stats), mimetype=XLSX)
    name = _filename(f)
    ascii_name = re.sub(r"[^A-Za-z0-9.]+", "-", fold(name)).strip("-") or "thong-ke.xlsx"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{ascii_name}"; filename*=UTF-8\'\'{quote(name, safe="")}')
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _filename(f: Filters) -> str:
    if f.plan is not None:
        what = f"{f.plan.kind} {f.plan.number}" if f.plan.number else f"{f.plan.kind} {f.plan.year}"
    else:
        what = _("tất cả kế hoạch")
    name = _("Thống kê đúng hạn - %(what)s - %(period)s - đến %(day)s",
             what=what, period=_period_label(f), day=f.as_of.strftime("%d-%m-%Y"))
    # No path separators or characters spreadsheets and file systems refuse.
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", name)[:150] + ".xlsx"


# A text starting with one of these is a formula to Excel and LibreOffice ("formula
# injection": an agency named "=HYPERLINK(...)" would run when the file is opened).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _no_formulas(sheet) -> None:
    """Every text cell stays text: typed as a string and marked with Excel's quote prefix."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_STARTS):
                cell.data_type = "s"
                cell.quotePrefix = True


def _workbook(f: Filters, stats: Statistics) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Thống kê"
    bold = Font(bold=True)
    sheet.append([_("THỐNG KÊ TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH THEO CƠ QUAN")])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.append([_("Kế hoạch: %(p)s", p=_plans_label(f))])
    if f.plan is None:
        for plan in f.visible:
            sheet.append(["– " + plan_label(plan)])
    period = stats.period
    window = (_(" (hạn từ %(a)s đến %(b)s)", a=_day(period.start), b=_day(period.end))
              if period.start or period.end else "")
    sheet.append([_("Thời gian: %(p)s", p=_period_label(f)) + window])
    sheet.append([_("Tính đến ngày: %(d)s", d=_day(stats.as_of))])
    sheet.append([_("Phạm vi: %(s)s", s=_scope_label(f))])
    sheet.append([])

    columns = _columns()
    sheet.append([_("Cơ quan")] + [heading for _key, heading in columns])
    header_row = sheet.max_row
    thin = Side(style="thin", color="A0A8B0")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in sheet[header_row]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="E6ECF2")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = border

    unresolved = _("(chưa xác định cơ quan)")

    def values(row) -> list:
        return [getattr(row, key) for key, _heading in columns]

    for row in stats.rows:
        sheet.append([row.name or unresolved] + values(row))
    sheet.append([_("Tổng cộng")] + values(stats.totals))
    totals_row = sheet.max_row
    rate_column = 2 + [key for key, _heading in columns].index("on_time_rate")
    for r in range(header_row + 1, totals_row + 1):
        for cell in sheet[r]:
            cell.border = border
        sheet.cell(row=r, column=rate_column).number_format = "0.0%"
    for cell in sheet[totals_row]:
        cell.font = bold

    sheet.append([])
    for note in _footnotes(f):
        sheet.append([note])
        sheet.cell(row=sheet.max_row, column=1).font = Font(italic=True, size=9)

    sheet.column_dimensions["A"].width = 52
    for index in range(2, len(columns) + 2):
        sheet.column_dimensions[get_column_letter(index)].width = 15
    sheet.row_dimensions[header_row].height = 45
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    _no_formulas(sheet)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
