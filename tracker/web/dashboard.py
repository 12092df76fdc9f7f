"""Bảng điều hành: the leadership dashboard. On-time statistics by agency for the plans one
may see, over a due-date window, with a chart, the open escalations and an Excel export.
Every number opens the list of the items behind it (``/dashboard/items``), with the same
filters. Below the table, the agencies ranked for emulation (``tracker.reports.ranking``, also
the workbook's sheet "Xếp hạng thi đua"), each with its reminder letter (``/dashboard/letters``:
a draft, not recorded on the items; ``flask reports letters`` records them).

The numbers and the lists come from ``tracker.plans.statistics``; this module reads the
filters, names things in the interface language, pages and renders the page or the workbook.
"""

from __future__ import annotations

import re
import zipfile
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
from ..config import reporting_calendar
from ..extensions import db
from ..models import ADMIN, AUTHOR, LEADER, STATUS_LABELS_VI, Agency, Assignment, Plan, Task
from ..plans.statistics import (
    COLUMNS,
    EXPLANATION_COLUMNS,
    Period,
    Statistics,
    agency_statistics,
    counted_items,
    group_escalations,
    plan_label,
    select_items,
    sort_groups,
    sort_items,
)
from ..reading.result import ANNUAL, MONTHLY, NINE_MONTHS, QUARTERLY, SEMIANNUAL
from ..reading.text import fold
from ..reports import DOCX, ReportRequest, build_report, ranking
from ..reports import letters as reminder_letters
from ..reports.periods import ReportPeriod, custom_period, named_period
from ..scheduling.office_calendar import working_calendar
from ..scheduling.ontime import CATEGORIES, DONE_LATE, LABELS_VI, OVERDUE
from .access import get_or_404, require, roles_required
from .forms import parse_day

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
PERIODS = ("year", "q1", "q2", "q3", "q4", "h1", "h2", "9m", *(f"m{m:02d}" for m in range(1, 13)), "custom",
           "all")
RATE_FORMAT = "#,##0.0%"
#: items per page of a cell's list, escalation lines per page of the dashboard
PAGE_SIZE = 50
ESCALATION_PAGE_SIZE = 20
#: the ``agency`` value of a list of owners not resolved to an agency
UNRESOLVED = "none"


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
        if self.choice in ("h1", "h2", "9m"):
            first, last = {"h1": (1, 6), "h2": (7, 12), "9m": (1, 9)}[self.choice]
            return Period(date(self.year, first, 1), Period.month(self.year, last).end)
        if self.choice == "custom":
            return Period(self.start, self.end)
        return Period()

    def report_period(self, calendar: bool, cutoff_day: int) -> ReportPeriod:
        """The periodic report's period for the chosen one: the Decree 09/2019 cut-offs for a
        named period unless ``calendar`` (then the same window as the table)."""
        named = {"year": (ANNUAL, 1), "h1": (SEMIANNUAL, 1), "h2": (SEMIANNUAL, 2), "9m": (NINE_MONTHS, 1)}
        if self.choice in named:
            kind, index = named[self.choice]
            return named_period(kind, index, self.year, calendar, cutoff_day)
        if self.choice.startswith("q"):
            return named_period(QUARTERLY, int(self.choice[1]), self.year, calendar, cutoff_day)
        if self.choice.startswith("m"):
            return named_period(MONTHLY, int(self.choice[1:]), self.year, calendar, cutoff_day)
        if self.choice == "custom":
            return custom_period(self.start, self.end)
        return custom_period(None, None)

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
        return parse_day(raw)
    except ValueError:
        notes.append(_("Ngày “%(v)s” không hợp lệ, đã bỏ qua.", v=raw))
        return None


def _filters() -> Filters:
    notes: list[str] = []
    visible_ids = scopes.visible_plan_ids(db.session(), current_user)
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
    if f.choice == "h1":
        return _("6 tháng đầu năm %(y)s", y=f.year)
    if f.choice == "h2":
        return _("6 tháng cuối năm %(y)s", y=f.year)
    if f.choice == "9m":
        return _("9 tháng năm %(y)s", y=f.year)
    if f.choice == "custom" and (f.start or f.end):
        return _("Từ %(a)s đến %(b)s", a=_day(f.start), b=_day(f.end))
    return _("Mọi thời hạn")


def _period_options() -> list[tuple[str, str]]:
    return ([("year", _("Cả năm")), *((f"q{q}", _("Quý %(q)s", q=ROMAN[q])) for q in range(1, 5)),
             ("h1", _("6 tháng đầu năm")), ("h2", _("6 tháng cuối năm")), ("9m", _("9 tháng")),
             *((f"m{m:02d}", _("Tháng %(m)s", m=m)) for m in range(1, 13)),
             ("custom", _("Tùy chọn (từ ngày – đến ngày)")), ("all", _("Mọi thời hạn"))])


def _plans_label(f: Filters) -> str:
    if f.plan is not None:
        return plan_label(f.plan)
    return _("Tất cả kế hoạch bạn được xem (%(n)s)", n=len(f.visible))


def _scope_label(f: Filters) -> str:
    return (_("Cơ quan chủ trì và cơ quan phối hợp") if f.coordinating
            else _("Chỉ cơ quan chủ trì"))


def _statistics(f: Filters) -> Statistics:
    return agency_statistics(db.session(), f.as_of, current_app.config["TRACKER_TIMEZONE"], f.period,
                             plan_ids=[p.id for p in f.plans], include_coordinating=f.coordinating)


def _columns() -> list[tuple[str, str]]:
    """(key, heading) of the table's number columns, the page's and the workbook's."""
    return ([(c, _(LABELS_VI[c])) for c in CATEGORIES]
            + [("total", _("Tổng số")), ("fallen_due", _("Đã đến hạn")),
               ("completion_rate", _("Tỷ lệ hoàn thành")), ("on_time_rate", _("Tỷ lệ đúng hạn")),
               ("extended", _("Được gia hạn")),
               ("escalations", _("Đã cảnh báo, vẫn quá hạn"))])


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
        _("Tỷ lệ hoàn thành (cách tính của Văn phòng Chính phủ) = số hoàn thành, đúng hạn hoặc quá hạn / "
          "số đã đến hạn."),
        (_("Tính cả phân công của cơ quan phối hợp: một nhiệm vụ có thể được đếm ở nhiều cơ quan.")
         if f.coordinating else
         _("Chỉ tính phân công của cơ quan chủ trì; cơ quan phối hợp không được đếm (chọn “Tính cả "
           "cơ quan phối hợp” để xem).")),
        _("Đã cảnh báo, vẫn quá hạn: nhiệm vụ đã được cảnh báo đến Thủ trưởng cơ quan hoặc UBND và "
          "đến ngày thống kê vẫn quá hạn theo hạn đang áp dụng (kể cả gia hạn đã được đồng ý)."),
        _("Giải trình: nhiệm vụ được tính ở trên mà lãnh đạo hoặc chuyên viên theo dõi đã yêu cầu cơ quan "
          "giải trình; theo yêu cầu gần nhất (yêu cầu đã rút không tính), chờ cơ quan trả lời hoặc đã giải "
          "trình đến ngày thống kê."),
        _("Bấm vào một con số để xem danh sách các nhiệm vụ được đếm trong đó."),
        _("Trạng thái là trạng thái hiện tại; nhiệm vụ báo cáo hoàn thành sau ngày thống kê được coi là "
          "chưa hoàn thành vào ngày đó."),
    ]


def _explanation_headings() -> list[tuple[str, str]]:
    """(key, heading) of the explanation counts (cards, not columns of the table)."""
    return [("explanations_open", _("Yêu cầu giải trình chờ trả lời")),
            ("explanations_answered", _("Đã giải trình"))]


def _level_labels() -> dict[str, str]:
    return {"escalation_head": _("Thủ trưởng cơ quan"), "escalation_committee": _("UBND ban hành kế hoạch")}


def _cell_url(f: Filters, column: str, agency_id: int | None = None, every_agency: bool = False,
              task_id: int | None = None) -> str:
    """The list behind one number: ``column`` of an agency's row (``agency_id``; None: the
    owners not resolved to one), or of the totals (``every_agency``), with the same filters;
    of one task only with ``task_id``."""
    agency = None if every_agency else (UNRESOLVED if agency_id is None else agency_id)
    return url_for(".items", **f.args(), agency=agency, task=task_id, category=column)


def _page(rows: list, page: int, size: int) -> tuple[list, int, int]:
    """One page of ``rows`` (pages start at 1; a page past the end shows the last one)."""
    pages = max((len(rows) + size - 1) // size, 1)
    page = min(max(page, 1), pages)
    return rows[(page - 1) * size:page * size], page, pages


@dataclass
class Order:
    """How a list is sorted and which page of it is shown, read from the query string."""

    key: str
    descending: bool
    page: int


#: each sort key (statistics.SORTS, GROUP_SORTS) with its first direction, descending or not:
#: most days late and most items first, dates and names in order
ITEM_SORTS = {"deadline": False, "agency": False, "late": True}
GROUP_DIRECTIONS = {"count": True, "late": True, "name": False}


def _order(prefix: str, natural: dict[str, bool], default: str) -> Order:
    key = request.args.get(f"{prefix}sort")
    if key not in natural:
        key = default
    direction = request.args.get(f"{prefix}dir")
    down = natural[key] if direction not in ("asc", "desc") else direction == "desc"
    return Order(key, down, request.args.get(f"{prefix}page", 1, type=int) or 1)


def _sorter(order: Order, natural: dict[str, bool], prefix: str, url):
    """A sort link's URL: the column sorted now flips its direction; another starts from its
    first direction, on the first page."""
    def sort_url(key: str) -> str:
        down = not order.descending if key == order.key else natural[key]
        return url(**{f"{prefix}sort": key, f"{prefix}dir": "desc" if down else "asc", f"{prefix}page": None})
    return sort_url


@bp.get("/")
@roles_required(LEADER, AUTHOR, ADMIN)
def index():
    f = _filters()
    stats = _statistics(f)
    by = "task" if request.args.get("esc") == "task" else "agency"
    order = _order("esc_", GROUP_DIRECTIONS, "late")
    groups = sort_groups(group_escalations(stats.items, by), order.key, order.descending, by)
    shown, page, pages = _page(groups, order.page, ESCALATION_PAGE_SIZE)

    def esc_url(**changes) -> str:
        """The dashboard with its filters, the escalations' grouping, order and page (changed)."""
        args = {**f.args(), "esc": "task" if by == "task" else None, "esc_sort": order.key,
                "esc_dir": "desc" if order.descending else "asc", "esc_page": page, **changes}
        return url_for(".index", **args, _anchor="escalations")

    return render_template(
        "dashboard/index.html", f=f, stats=stats, columns=_columns(), categories=CATEGORIES,
        labels=LABELS_VI, period_label=_period_label(f), period_options=_period_options(),
        plans_label=_plans_label(f), scope_label=_scope_label(f), footnotes=_footnotes(f),
        unresolved=_("(chưa xác định cơ quan)"), rate_format=RATE_FORMAT, linked=COLUMNS,
        cell_url=lambda column, agency_id=None, every=False, task=None: _cell_url(f, column, agency_id, every, task),
        esc_by=by, esc_groups=shown, esc_page=page, esc_pages=pages, esc_order=order,
        esc_count=len(stats.escalations), esc_url=esc_url,
        esc_sort_url=_sorter(order, GROUP_DIRECTIONS, "esc_", esc_url),
        esc_group_url=lambda kind: url_for(".index", **f.args(), esc="task" if kind == "task" else None,
                                           _anchor="escalations"),
        level_labels=_level_labels(), max_total=max((r.total for r in stats.rows), default=0),
        plan_label=plan_label, export_url=url_for(".export", **f.args()),
        report_url=url_for(".report", **_report_args(f)),
        report_calendar_url=url_for(".report", **_report_args(f), basis="calendar"),
        report_window=_report_window(f), ranked=_ranking(stats), ranking_labels=_ranking_labels(),
        letter_url=lambda agency_id: url_for(".letters", **_letter_args(f), agency=agency_id))


def _ranking(stats: Statistics) -> list[ranking.Ranked]:
    return ranking.rank(stats.rows, ranking.Thresholds.from_config(current_app.config))


def _ranking_labels() -> dict[str, str]:
    return {ranking.COMMENDED: _("Khen thưởng"), ranking.PASSED: _("Đạt"), ranking.CRITICISED: _("Phê bình"),
            ranking.NOT_RATED: _("Chưa đánh giá")}


def _letter_args(f: Filters) -> dict:
    """A letter's query: the plan and the as-of day (letters list what is overdue on that day,
    whatever its due date)."""
    return {k: v for k, v in f.args().items() if k in ("plan", "asof", "coord")}


@bp.get("/letters")
@roles_required(LEADER, AUTHOR, ADMIN)
def letters():
    """Reminder letters (công văn đôn đốc) for the dashboard's plans, as of its day: one
    agency's ``.docx`` (``agency``), or every agency's in a ``.zip``. A draft to sign: nothing is
    recorded on the items (``flask reports letters`` does)."""
    f = _filters()
    agency_ids, _agency_label = _agency_arg(f)
    session = db.session()
    committee_id = current_user.committee_id if f.plan is None else None
    found = reminder_letters.gather(session, [p.id for p in f.plans], f.as_of, current_app.config["TRACKER_TIMEZONE"],
                                    clock.today(), committee_id=committee_id,
                                    agency_ids=[a for a in agency_ids if a is not None] if agency_ids else None,
                                    include_coordinating=f.coordinating)
    if agency_ids is not None and len(found) == 1:
        return _download(reminder_letters.render(found[0]), DOCX, found[0].filename, "cong-van.docx")
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for letter in found:
            archive.writestr(letter.filename, reminder_letters.render(letter))
    return _download(out.getvalue(), "application/zip", f"cong-van-don-doc-{f.as_of.isoformat()}.zip",
                     "cong-van.zip")


def _report_args(f: Filters) -> dict:
    """The report link's query: the page's filters, but the as-of day only when one was asked
    for (else the report is as of today, or of the period's last day once it is over)."""
    return {k: v for k, v in f.args().items() if k != "asof" or request.args.get("asof")}


def _report_window(f: Filters) -> str:
    """What the Word report covers, said beside its button."""
    period = f.report_period(False, reporting_calendar(current_app.config).cutoff_day)
    if not period.cutoffs:
        return ""
    return _("Báo cáo tính theo kỳ chốt số liệu (Nghị định 09/2019/NĐ-CP): hạn từ %(a)s đến %(b)s.",
             a=_day(period.start), b=_day(period.end))


def _agency_arg(f: Filters) -> tuple[list[int | None] | None, str | None]:
    """The ``agency`` of a list: (None, None) for every agency, ([None], label) for the owners
    not resolved to one, ([id], name) for one agency; 404 for an agency with no assignment in
    the plans one may see (its name is not for everyone)."""
    raw = (request.args.get("agency") or "").strip()
    if not raw:
        return None, None
    if raw == UNRESOLVED:
        return [None], _("(chưa xác định cơ quan)")
    require(raw.isdigit() and len(raw) < 10)
    agency = get_or_404(Agency, int(raw))
    require(db.session.scalar(
        select(Assignment.id).join(Task, Assignment.task_id == Task.id)
        .where(Assignment.agency_id == agency.id, Task.plan_id.in_([p.id for p in f.visible])).limit(1))
        is not None)
    return [agency.id], agency.name


def _task_arg(f: Filters) -> Task | None:
    """The ``task`` a list is narrowed to (the escalations of one task); 404 for a task outside
    the plans one may see."""
    task_id = request.args.get("task", type=int)
    if task_id is None:
        return None
    task = get_or_404(Task, task_id)
    require(task.plan_id in {p.id for p in f.visible})
    return task


@bp.get("/items")
@roles_required(LEADER, AUTHOR, ADMIN)
def items():
    """The items behind one number of the dashboard: a column (``category``) of an agency's row
    or of the totals, with the dashboard's filters; paged and sorted."""
    f = _filters()
    column = request.args.get("category") or "total"
    if column not in COLUMNS and column not in EXPLANATION_COLUMNS:
        f.notes.append(_("Không rõ cột “%(v)s”, đã hiện mọi nhiệm vụ được tính.", v=column))
        column = "total"
    agency_ids, agency_label = _agency_arg(f)
    task = _task_arg(f)
    found = counted_items(db.session, f.as_of, current_app.config["TRACKER_TIMEZONE"], f.period,
                          plan_ids=[p.id for p in f.plans], include_coordinating=f.coordinating,
                          agency_ids=agency_ids, task_id=task.id if task is not None else None)
    chosen = select_items(found, column)
    late_first = column in (OVERDUE, DONE_LATE, "escalations", *EXPLANATION_COLUMNS)
    order = _order("", ITEM_SORTS, "late" if late_first else "deadline")
    rows, page, pages = _page(sort_items(chosen, order.key, order.descending), order.page, PAGE_SIZE)

    def list_url(**changes) -> str:
        """This list with its filters, order and page (changed)."""
        args = {**f.args(), "agency": request.args.get("agency") or None,
                "task": task.id if task is not None else None, "category": column,
                "sort": order.key, "dir": "desc" if order.descending else "asc", "page": page, **changes}
        return url_for(".items", **args)

    headings = dict(_columns() + _explanation_headings())
    return render_template(
        "dashboard/items.html", f=f, column=column, heading=headings[column],
        agency_label=agency_label or _("Tất cả cơ quan"), task=task, rows=rows, total=len(chosen),
        # one agency chosen: its name is the heading's, not a column (unresolved owners differ)
        one_agency=agency_ids is not None and None not in agency_ids, page=page, pages=pages,
        order=order, list_url=list_url, sort_url=_sorter(order, ITEM_SORTS, "", list_url), labels=LABELS_VI,
        status_labels=STATUS_LABELS_VI, level_labels=_level_labels(), categories=CATEGORIES,
        period_label=_period_label(f), plans_label=_plans_label(f), scope_label=_scope_label(f),
        dashboard_url=url_for(".index", **f.args()))


@bp.get("/export.xlsx")
@roles_required(LEADER, AUTHOR, ADMIN)
def export():
    f = _filters()
    stats = _statistics(f)
    return _download(_workbook(f, stats), XLSX, _filename(f), "thong-ke.xlsx")


def _download(data: bytes, mimetype: str, name: str, fallback: str) -> Response:
    """A file to save, named ``name`` (with an ASCII name for old clients), never cached."""
    response = Response(data, mimetype=mimetype)
    ascii_name = re.sub(r"[^A-Za-z0-9.]+", "-", fold(name)).strip("-") or fallback
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{ascii_name}"; filename*=UTF-8\'\'{quote(name, safe="")}')
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/report.docx")
@roles_required(LEADER, AUTHOR, ADMIN)
def report():
    """The periodic report (Word) of the dashboard's plans and period: the Decree 09/2019
    cut-offs for a named period (``basis=calendar``: the table's own window), as of the chosen
    day or else the period's last day when it is over; one agency's report with ``agency``."""
    f = _filters()
    calendar = request.args.get("basis") == "calendar"
    period = f.report_period(calendar, reporting_calendar(current_app.config).cutoff_day)
    agency_ids, _agency_label = _agency_arg(f)
    agency_id = agency_ids[0] if agency_ids else None
    today = clock.today()
    as_of = f.as_of if request.args.get("asof") else (min(today, period.end) if period.end else today)
    committee_id = current_user.committee_id if f.plan is None else None
    session = db.session()
    data = build_report(session, ReportRequest(
        plan_ids=tuple(p.id for p in f.plans), period=period, as_of=as_of,
        tz=current_app.config["TRACKER_TIMEZONE"], issued_on=today, calendar=working_calendar(session),
        committee_id=committee_id, agency_id=agency_id, include_coordinating=f.coordinating))
    if f.plan is not None:
        what = f"{f.plan.kind} {f.plan.number}" if f.plan.number else f"{f.plan.kind} {f.plan.year}"
    else:
        what = _("tất cả kế hoạch")
    name = _("Báo cáo - %(what)s - %(period)s - đến %(day)s", what=what, period=period.label,
             day=as_of.strftime("%d-%m-%Y"))
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", name)[:150] + ".docx"
    return _download(data, DOCX, name, "bao-cao.docx")


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
    keys = [key for key, _heading in columns]
    rate_columns = [2 + keys.index(key) for key in ("completion_rate", "on_time_rate")]
    for r in range(header_row + 1, totals_row + 1):
        for cell in sheet[r]:
            cell.border = border
        for rate_column in rate_columns:
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
    _ranking_sheet(book, f, stats)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def ranking_headings() -> list[str]:
    return [_("Hạng"), _("Cơ quan"), _("Đã đến hạn"), _("Tỷ lệ hoàn thành"), _("Tỷ lệ đúng hạn"),
            _("Tỷ lệ quá hạn"), _("Xếp loại")]


def _ranking_sheet(book, f: Filters, stats: Statistics) -> None:
    """The sheet "Xếp hạng thi đua": the ranking of the same table (``tracker.reports.ranking``)."""
    sheet = book.create_sheet("Xếp hạng thi đua")
    thresholds = ranking.Thresholds.from_config(current_app.config)
    sheet.append([_("XẾP HẠNG THI ĐUA THEO CƠ QUAN")])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.append([_("Thời gian: %(p)s", p=_period_label(f))])
    sheet.append([_("Tính đến ngày: %(d)s", d=_day(stats.as_of))])
    sheet.append([_("Khen thưởng: hoàn thành từ %(a)s%% và quá hạn dưới %(b)s%%; phê bình: hoàn thành dưới "
                    "%(c)s%%; còn lại: đạt.", a=thresholds.commend_done, b=thresholds.commend_late,
                    c=thresholds.criticise_done)])
    sheet.append([])
    sheet.append(ranking_headings())
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E6ECF2")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    labels = _ranking_labels()
    for line in _ranking(stats):
        sheet.append([line.rank, line.row.name, line.row.fallen_due, line.row.completion_rate,
                      line.row.on_time_rate, line.late_rate, labels[line.label]])
        for column in (4, 5, 6):
            sheet.cell(row=sheet.max_row, column=column).number_format = "0.0%"
    sheet.column_dimensions["B"].width = 52
    for letter in "CDEFG":
        sheet.column_dimensions[letter].width = 15
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    _no_formulas(sheet)
