"""What the periodic report says, gathered from the database: the figures and the table by
agency (``tracker.plans.statistics``, the dashboard's own counting), the items of earlier
periods still overdue, the sections pre-filled from the data, and the overdue appendix with
each item's latest explanation (``tracker.plans.explanations``: the agency's reason and the
day it expects to finish, or that one was asked and is awaited). Explanations are taken as
they stand on the day the report is made (``issued_on``), not on the as-of day: a report on a
quarter, written after its cut-off, lists the items overdue at the cut-off with what their
agencies have said about them since.

Everything here is Vietnamese: an official report is written in Vietnamese whatever the
interface language of the person who asks for it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Agency, Plan
from ..plans.explanations import ItemExplanation, explanations_on
from ..plans.statistics import (
    OVERDUE,
    AgencyRow,
    CountedItem,
    Horizons,
    Period,
    Statistics,
    agency_statistics,
    counted_items,
    select_items,
    sort_items,
)
from ..plans.tracked import local_date
from ..reading.text import fold
from ..scheduling.workdays import WorkingCalendar
from .periods import ReportPeriod

UNRESOLVED = "(chưa xác định cơ quan)"
#: the sentence a report with nothing to count says instead of its tables
NO_DATA = ("Trong kỳ báo cáo không có nhiệm vụ nào thuộc phạm vi báo cáo: không có nhiệm vụ có thời hạn "
           "trong kỳ, nhiệm vụ không thời hạn hay nhiệm vụ kỳ trước còn quá hạn.")
#: how many agencies or items a pre-filled sentence names at most
NAMED = 5
SOON_LISTED = 10
BLANK = "……………………………………………………………………………………………"


@dataclass(frozen=True)
class ReportRequest:
    """What to report on: the plans (``plan_ids``; a plan's report or every plan of
    ``committee_id``), the period, the as-of day and, for an agency's own report, the agency."""

    plan_ids: tuple[int, ...]
    period: ReportPeriod
    as_of: date
    tz: str
    #: the day written on the date line (the office corrects it when it signs)
    issued_on: date
    calendar: WorkingCalendar
    #: the committee whose plans are reported on (None: a single plan's report)
    committee_id: int | None = None
    #: the agency's own report to the plans' issuer (None: the issuer's report)
    agency_id: int | None = None
    include_coordinating: bool = False
    soon_days: int = 7
    stale_days: int = 30
    long_overdue_days: int = 30


@dataclass(frozen=True)
class Figure:
    """One line of the figures table: a key (tests and code find lines by it), the wording,
    the value (a count, or a rate as a fraction; None: no rate) and whether it is a rate or an
    indented "of which" line."""

    key: str
    label: str
    value: int | float | None
    rate: bool = False
    of_which: bool = False


@dataclass
class AppendixGroup:
    """The overdue items of one agency, most days late first."""

    name: str
    items: list[CountedItem]


@dataclass
class ReportContent:
    """Everything the document writes, in Vietnamese, with no database behind it."""

    #: the issuer block: the superior body (may be empty) and the issuing body, as written
    superior: str
    issuer: str
    #: the "Số:" symbol after "/" ("BC-UBND")
    symbol: str
    place: str
    issued_on: date
    subject: str
    period: ReportPeriod
    as_of: date
    #: "Kính gửi" of an agency's report (None: the committee's own report)
    recipient: str | None
    intro: str
    empty: bool
    figures: list[Figure]
    definitions: list[str]
    scope: str
    rows: list[AgencyRow]
    totals: AgencyRow
    shortcomings: list[str]
    causes: list[str]
    next_tasks: list[str]
    proposals: list[str]
    appendix: list[AppendixGroup]
    #: (assignment id, occurrence id) of the appendix items from earlier periods
    carried_keys: set[tuple[int, int | None]] = field(default_factory=set)
    #: (assignment id, occurrence id) → the appendix item's explanations on the day of the report
    explanations: dict[tuple[int, int | None], ItemExplanation] = field(default_factory=dict)
    signer: list[str] = field(default_factory=list)
    several_plans: bool = False
    agency_report: bool = False
    #: the time zone the explanations' days are told in
    tz: str = "Asia/Ho_Chi_Minh"

    def row_name(self, row: AgencyRow) -> str:
        return row.name or UNRESOLVED

    def explanation(self, item: CountedItem) -> str:
        """The appendix's words on an item's explanation: the latest reason and the day the
        agency expects to finish, with the day it explained; or that one was asked and is
        awaited; "" when none was asked."""
        found = self.explanations.get((item.assignment_id, item.occurrence_id))
        if found is None:
            return ""
        lines = []
        if found.answered is not None:
            answer = found.answered
            lines.append(" ".join(answer.reason.split()))
            if answer.new_expected_date is not None:
                lines.append(f"Dự kiến hoàn thành: {_day(answer.new_expected_date)}")
            if answer.answered_at is not None:
                lines.append(f"(Giải trình ngày {_day(local_date(answer.answered_at, self.tz))})")
        if found.waiting is not None:
            waiting = found.waiting
            lines.append(f"Đã yêu cầu giải trình ngày {_day(local_date(waiting.asked_at, self.tz))} "
                         f"(hạn {_day(waiting.due_on)}), chưa giải trình.")
        return "\n".join(lines)


def _percent(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{100 * value:.1f}".replace(".", ",") + "%"


def _day(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else "…"


def _issuer_upper(name: str) -> str:
    """"UBND tỉnh Sóc Trăng" → "ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG" (the abbreviation written out)."""
    folded = fold(name)
    for short in ("ubnd ", "uy ban nhan dan "):
        if folded.startswith(short):
            rest = name[len(name.split(" ")[0]) + 1:] if short == "ubnd " else name[len("Ủy ban nhân dân "):]
            return f"ỦY BAN NHÂN DÂN {rest.upper()}"
    return name.upper()


def _place(name: str | None) -> str | None:
    """The place a committee's name names: "UBND huyện Cẩm Xuyên" → "Cẩm Xuyên"."""
    if not name:
        return None
    words = name.split()
    folded = [fold(w) for w in words]
    for i, word in enumerate(folded):
        if word in ("tinh", "huyen", "xa", "phuong", "quan") and i + 1 < len(words):
            return " ".join(words[i + 1:])
        if word == "thi" and i + 2 < len(words) and folded[i + 1] in ("xa", "tran"):
            return " ".join(words[i + 2:])
        if word == "thanh" and i + 2 < len(words) and folded[i + 1] == "pho":
            return " ".join(words[i + 2:])
    return None


def issuer_name_of(plans, committee) -> str:
    """Who issues a document about ``plans``: the committee asked for, else the one body that
    issued them all, else the name they all give, else a blank to fill."""
    issuer_agency = committee
    if issuer_agency is None and len({p.issuer_id for p in plans}) == 1:
        issuer_agency = plans[0].issuer
    if issuer_agency is not None:
        return issuer_agency.name
    written = {p.issuer_name for p in plans}
    return (written.pop() if len(written) == 1 else None) or "………………"


def _plan_title(plan: Plan) -> str:
    """"Kế hoạch số 181/KH-UBND ngày 31/01/2020 Kiểm soát ..." as a report names a plan."""
    parts = [plan.kind]
    if plan.number:
        parts.append(f"số {plan.number}")
    if plan.issued_date:
        parts.append(f"ngày {_day(plan.issued_date)}")
    return " ".join(parts) + f" về {plan.title[:1].lower()}{plan.title[1:]}" if plan.title else " ".join(parts)


def _committee(agency: Agency | None) -> Agency | None:
    """The People's Committee an agency belongs to (itself when it is one)."""
    node = agency
    while node is not None:
        if node.type in ("ubnd_tinh", "ubnd_huyen", "ubnd_xa"):
            return node
        node = node.parent
    return agency


def _agency_list(pairs: list[tuple[str, int]]) -> str:
    named = [f"{name} ({n} nhiệm vụ)" for name, n in pairs[:NAMED]]
    rest = len(pairs) - NAMED
    return "; ".join(named) + (f" và {rest} cơ quan khác" if rest > 0 else "")


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def gather(session: Session, request: ReportRequest) -> ReportContent:
    """The report's content for ``request`` (a request naming no plan gets the "no data" report)."""
    plans = list(session.scalars(select(Plan).where(Plan.id.in_(request.plan_ids)).order_by(Plan.year, Plan.id)))
    committee = session.get(Agency, request.committee_id) if request.committee_id is not None else None
    agency = session.get(Agency, request.agency_id) if request.agency_id is not None else None
    horizons = Horizons(request.calendar, request.soon_days, request.stale_days, request.long_overdue_days)
    window = request.period.window
    agency_ids = [request.agency_id] if request.agency_id is not None else None
    plan_ids = [p.id for p in plans]
    stats: Statistics = agency_statistics(session, request.as_of, request.tz, window, plan_ids,
                                          request.include_coordinating, agency_ids=agency_ids,
                                          horizons=horizons, undated=True)
    totals = stats.totals
    # Items due before the period and still overdue on the as-of day: carried over.
    carried: list[CountedItem] = []
    if window.start is not None:
        before = Period(None, window.start - timedelta(days=1))
        carried = select_items(counted_items(session, request.as_of, request.tz, before, plan_ids,
                                             request.include_coordinating, agency_ids=agency_ids,
                                             horizons=horizons), OVERDUE)
    # What falls due next: open items due within the "due soon" days, in the period or after it.
    soon_end = request.calendar.add_working_days(request.as_of, request.soon_days)
    upcoming = sort_items(select_items(counted_items(
        session, request.as_of, request.tz, Period(request.as_of, soon_end), plan_ids,
        request.include_coordinating, agency_ids=agency_ids, horizons=horizons), "due_soon"))

    issuer_name = issuer_name_of(plans, committee)
    several = len(plans) != 1
    if several:
        plans_text = f"các kế hoạch, đề án do {issuer_name} ban hành" if committee is not None else "các kế hoạch"
    else:
        plans_text = _plan_title(plans[0])

    if agency is not None:
        parent = _committee(agency.parent) if agency.parent is not None else None
        superior = _issuer_upper(parent.name) if parent is not None else ""
        issuer = agency.name.upper()
        symbol = "BC-……"
        place = _place(parent.name if parent is not None else None) or (plans[0].place if plans else None)
        recipient: str | None = issuer_name
        subject = f"Kết quả thực hiện nhiệm vụ được giao tại {plans_text}"
        who = agency.name
        signer = [agency.head_title.upper() if agency.head_title else "THỦ TRƯỞNG CƠ QUAN"]
    else:
        superior = ""
        issuer = _issuer_upper(issuer_name)
        symbol = "BC-UBND" if fold(issuer_name).startswith(("ubnd", "uy ban nhan dan")) else "BC-……"
        place = (plans[0].place if plans and not several else None) or _place(issuer_name)
        recipient = None
        subject = f"Kết quả thực hiện {plans_text}"
        who = issuer_name
        signer = (["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"] if symbol == "BC-UBND" else ["THỦ TRƯỞNG CƠ QUAN"])

    period = request.period
    label = period.label[:1].lower() + period.label[1:]
    intro = (f"Thực hiện {plans_text}, {who} báo cáo kết quả thực hiện {label} như sau:"
             if not period.label.startswith(("Từ", "Đến", "Mọi")) else
             f"Thực hiện {plans_text}, {who} báo cáo kết quả thực hiện ({label}) như sau:")
    if period.start or period.end:
        window_text = (f"các nhiệm vụ có thời hạn (theo kế hoạch, không tính gia hạn) từ ngày {_day(period.start)} "
                       f"đến ngày {_day(period.end)}")
        if period.cutoffs:
            window_text += " (kỳ chốt số liệu theo Nghị định số 09/2019/NĐ-CP)"
    else:
        window_text = "mọi nhiệm vụ có thời hạn"
    scope = (f"Số liệu tính đến ngày {_day(request.as_of)}, gồm {window_text} và các nhiệm vụ không thời hạn; "
             "mỗi kỳ báo cáo của nhiệm vụ định kỳ tính là một nhiệm vụ; "
             + ("tính cả cơ quan chủ trì và cơ quan phối hợp." if request.include_coordinating
                else "chỉ tính cơ quan chủ trì."))

    figures = [
        Figure("assigned", "Tổng số nhiệm vụ được giao", totals.assigned),
        Figure("no_deadline", "Nhiệm vụ không thời hạn (thường xuyên, khi phát sinh, chưa xác định thời hạn)",
               totals.no_deadline, of_which=True),
        Figure("due_in_period", "Nhiệm vụ đến hạn trong kỳ", totals.due_in_period, of_which=True),
        Figure("fallen_due", "Nhiệm vụ đã đến hạn", totals.fallen_due),
        Figure("done_on_time", "Hoàn thành đúng hạn", totals.done_on_time),
        Figure("done_late", "Hoàn thành quá hạn", totals.done_late),
        Figure("pending_on_time", "Đang thực hiện trong hạn", totals.pending_on_time),
        Figure("due_soon", f"Sắp đến hạn (trong {request.soon_days} ngày làm việc tới)", totals.due_soon,
               of_which=True),
        Figure("overdue", "Quá hạn chưa hoàn thành", totals.overdue),
        Figure("long_overdue", f"Quá hạn trên {request.long_overdue_days} ngày", totals.long_overdue,
               of_which=True),
        Figure("stale", f"Chưa cập nhật tiến độ từ {request.stale_days} ngày trở lên", totals.stale),
        Figure("carried_over", "Nhiệm vụ kỳ trước chuyển sang, vẫn quá hạn", len(carried)),
        Figure("completion_rate", "Tỷ lệ hoàn thành", totals.completion_rate, rate=True),
        Figure("on_time_rate", "Tỷ lệ đúng hạn", totals.on_time_rate, rate=True),
    ]
    definitions = [
        "Nhiệm vụ đã đến hạn = hoàn thành đúng hạn + hoàn thành quá hạn + quá hạn chưa hoàn thành "
        "(nhiệm vụ chưa đến hạn và nhiệm vụ không thời hạn không tính).",
        "Tỷ lệ hoàn thành = (số nhiệm vụ hoàn thành đúng hạn + số nhiệm vụ hoàn thành quá hạn) / số nhiệm vụ "
        "đã đến hạn.",
        "Tỷ lệ đúng hạn = số nhiệm vụ hoàn thành đúng hạn / số nhiệm vụ đã đến hạn.",
        "Đúng hạn hay quá hạn được xét theo thời hạn ghi trong kế hoạch; nhiệm vụ được gia hạn vẫn xét theo "
        "hạn ban đầu. Khi chưa có nhiệm vụ nào đến hạn thì không tính tỷ lệ (ghi “—”).",
    ]

    rows = stats.rows
    in_period_overdue = [i for i in stats.items if i.category == OVERDUE]
    appendix = _appendix(in_period_overdue + carried, rows)
    overdue_pairs = [(r.name or UNRESOLVED, r.overdue) for r in rows if r.overdue]
    for name, n in _count_by_agency(carried):
        overdue_pairs.append((name, n))
    overdue_pairs = _merge(overdue_pairs)
    stale_pairs = _merge([(r.name or UNRESOLVED, r.stale) for r in rows if r.stale])

    shortcomings: list[str] = []
    if totals.overdue:
        shortcomings.append(
            f"Còn {totals.overdue} nhiệm vụ đến hạn trong kỳ nhưng quá hạn chưa hoàn thành"
            + (f" (trong đó {totals.long_overdue} nhiệm vụ quá hạn trên {request.long_overdue_days} ngày)"
               if totals.long_overdue else "") + ".")
    if carried:
        shortcomings.append(f"Còn {len(carried)} nhiệm vụ từ các kỳ trước đến nay vẫn quá hạn chưa hoàn thành.")
    if overdue_pairs and agency is None:
        shortcomings.append("Các cơ quan có nhiều nhiệm vụ quá hạn nhất: " + _agency_list(overdue_pairs) + ".")
    if totals.done_late:
        shortcomings.append(f"{totals.done_late} nhiệm vụ hoàn thành nhưng chậm so với thời hạn.")
    if totals.stale:
        shortcomings.append(
            f"{totals.stale} nhiệm vụ chưa được cập nhật tiến độ từ {request.stale_days} ngày trở lên"
            + (f", chủ yếu ở: {_agency_list(stale_pairs)}" if stale_pairs and agency is None else "") + ".")
    if not shortcomings:
        shortcomings.append("Trong kỳ không có nhiệm vụ quá hạn hoặc chậm cập nhật tiến độ.")
    shortcomings.append(BLANK)

    causes = ["Nguyên nhân khách quan: " + BLANK, "Nguyên nhân chủ quan: " + BLANK]
    if totals.extended:
        causes.insert(0, f"{totals.extended} nhiệm vụ phải gia hạn thời gian thực hiện so với kế hoạch.")

    next_tasks: list[str] = []
    if totals.overdue or carried:
        next_tasks.append(f"Khẩn trương hoàn thành {totals.overdue + len(carried)} nhiệm vụ quá hạn (chi tiết tại "
                          "Phụ lục kèm theo), ưu tiên các nhiệm vụ quá hạn lâu nhất.")
    if upcoming:
        listed = "; ".join(
            f"{i.task_ref}. {_short(i.task_content, 90)} ({i.agency_name or i.owner_text}, hạn {_day(i.plan_due)})"
            for i in upcoming[:SOON_LISTED])
        more = f" và {len(upcoming) - SOON_LISTED} nhiệm vụ khác" if len(upcoming) > SOON_LISTED else ""
        next_tasks.append(f"Tập trung thực hiện {len(upcoming)} nhiệm vụ sắp đến hạn trong "
                          f"{request.soon_days} ngày làm việc tới: {listed}{more}.")
    if totals.no_deadline:
        next_tasks.append(f"Tiếp tục thực hiện {totals.no_deadline} nhiệm vụ thường xuyên, không thời hạn và "
                          "báo cáo tiến độ theo kỳ.")
    next_tasks.append("Cập nhật đầy đủ, kịp thời tiến độ thực hiện nhiệm vụ trên hệ thống theo dõi.")
    next_tasks.append(BLANK)

    proposals: list[str] = []
    if agency is None:
        if overdue_pairs:
            names = ", ".join(name for name, _ in overdue_pairs[:NAMED])
            proposals.append(f"Đề nghị Thủ trưởng các cơ quan: {names} chỉ đạo khẩn trương hoàn thành các nhiệm vụ "
                             f"quá hạn, báo cáo kết quả về {issuer_name}.")
        if stale_pairs:
            names = ", ".join(name for name, _ in stale_pairs[:NAMED])
            proposals.append(f"Đề nghị các cơ quan: {names} cập nhật tiến độ thực hiện nhiệm vụ định kỳ theo quy định.")
    elif totals.overdue or carried:
        proposals.append(f"Đề nghị {issuer_name} xem xét, cho ý kiến đối với các nhiệm vụ quá hạn nêu tại Phụ lục "
                         "(gia hạn hoặc điều chỉnh nội dung, nếu cần).")
    proposals.append(BLANK)

    return ReportContent(
        superior=superior, issuer=issuer, symbol=symbol, place=place or "………", issued_on=request.issued_on,
        subject=subject, period=period, as_of=request.as_of, recipient=recipient, intro=intro,
        empty=totals.assigned == 0 and not carried, figures=figures, definitions=definitions, scope=scope,
        rows=rows, totals=totals, shortcomings=shortcomings, causes=causes, next_tasks=next_tasks,
        proposals=proposals, appendix=appendix,
        carried_keys={(i.assignment_id, i.occurrence_id) for i in carried}, signer=signer,
        several_plans=several, agency_report=agency is not None,
        explanations=explanations_on(session, [(i.assignment_id, i.occurrence_id) for g in appendix for i in g.items],
                                     max(request.issued_on, request.as_of), request.tz),
        tz=request.tz)


def _count_by_agency(items: list[CountedItem]) -> list[tuple[str, int]]:
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        counts[item.agency_name or UNRESOLVED] += 1
    return list(counts.items())


def _merge(pairs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """(name, count) pairs added up by name, most first, then by name."""
    counts: dict[str, int] = defaultdict(int)
    for name, n in pairs:
        counts[name] += n
    return sorted(counts.items(), key=lambda p: (-p[1], p[0] == UNRESOLVED, fold(p[0]), p[0]))


def _appendix(items: list[CountedItem], rows: list[AgencyRow]) -> list[AppendixGroup]:
    """The overdue items by agency: agencies with the most first, items most days late first."""
    groups: dict[str, list[CountedItem]] = defaultdict(list)
    for item in items:
        groups[item.agency_name or UNRESOLVED].append(item)
    order = [name for name, _n in _merge([(name, len(found)) for name, found in groups.items()])]
    return [AppendixGroup(name, sort_items(groups[name], "late", descending=True)) for name in order]
