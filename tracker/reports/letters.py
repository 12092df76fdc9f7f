"""Reminder letters (công văn đôn đốc): for a committee's plans (or one plan) and a day, one
Word letter per agency that has overdue items, in the Decree 30/2020 form of the periodic
report (``document``: the issuer block and the motto, "Số: …/UBND-…" left blank, the place
and date, "V/v đôn đốc …" under the number, "Kính gửi: <agency>", a short body, the table of
the agency's overdue items with their days late, closing and signature), ready for signature.

The items are those ``tracker.plans.statistics`` counts as overdue on the day (every due
date, lead agencies only unless asked): the dashboard's "Quá hạn chưa hoàn thành" column.
Owners not resolved to an agency get no letter (there is nobody to address).

Recording (``record``): a letter generated for real adds, per item, a ``SentStep`` ledger
entry (item key ``a<id>``/``o<id>`` as the reminder planner keys items, step key
``letter-<YYYY-MM-DD>``) and a history entry (``StatusChange`` of kind ``letter``, status
unchanged) that the item's page shows as "Công văn đôn đốc". The ledger entry keeps it once:
a second run the same day adds nothing.

Everything here is Vietnamese: an official letter is written in Vietnamese.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Agency, Assignment, Occurrence, Plan, SentStep, StatusChange
from ..plans.statistics import OVERDUE, CountedItem, Period, counted_items, select_items, sort_items
from ..reading.text import fold
from .content import _day, _issuer_upper, _place, _plan_title, _short, issuer_name_of
from .document import (
    BODY_PT,
    HEADER_PT,
    _cell_text,
    _data_table,
    _heading_block,
    _no_borders,
    _paragraph,
    _setup,
    _widths,
)

#: the ledger's step key of a letter sent on ``day``
STEP_PREFIX = "letter-"
#: the history entry's kind
HISTORY_KIND = "letter"
ITEM_HEADINGS = ("STT", "Nhiệm vụ", "Thời hạn", "Số ngày quá hạn")
ITEM_WIDTHS_MM = (10, 105, 28, 22)


def step_key(day: date) -> str:
    return f"{STEP_PREFIX}{day.isoformat()}"


def item_key(item: CountedItem) -> str:
    """The reminder planner's key of an item: its occurrence's, else its assignment's."""
    return f"o{item.occurrence_id}" if item.occurrence_id is not None else f"a{item.assignment_id}"


@dataclass
class Letter:
    """One agency's letter, in Vietnamese, with no database behind it."""

    agency_id: int
    agency_name: str
    superior: str
    issuer: str
    issuer_name: str
    symbol: str
    place: str
    issued_on: date
    as_of: date
    plans_text: str
    several_plans: bool
    items: list[CountedItem] = field(default_factory=list)
    signer: list[str] = field(default_factory=list)

    @property
    def subject(self) -> str:
        return "V/v đôn đốc thực hiện nhiệm vụ quá hạn"

    @property
    def filename(self) -> str:
        """"cong-van-don-doc-so-tu-phap-tinh-soc-trang-2017-06-15.docx"."""
        slug = "-".join(part for part in "".join(c if c.isalnum() else " " for c in fold(self.agency_name)).split())
        return f"cong-van-don-doc-{slug[:80]}-{self.as_of.isoformat()}.docx"


def overdue_items(session: Session, plan_ids: list[int], as_of: date, tz: str,
                  agency_ids: list[int] | None = None, include_coordinating: bool = False) -> list[CountedItem]:
    """The items overdue on ``as_of`` (every due date) of agencies in the directory."""
    found = counted_items(session, as_of, tz, Period(), plan_ids, include_coordinating, agency_ids=agency_ids)
    return [i for i in select_items(found, OVERDUE) if i.agency_id is not None]


def gather(session: Session, plan_ids: list[int], as_of: date, tz: str, issued_on: date,
           committee_id: int | None = None, agency_ids: list[int] | None = None,
           include_coordinating: bool = False) -> list[Letter]:
    """One letter per agency with overdue items, agencies in name order; items most days late
    first."""
    plans = list(session.scalars(select(Plan).where(Plan.id.in_(plan_ids)).order_by(Plan.year, Plan.id)))
    committee = session.get(Agency, committee_id) if committee_id is not None else None
    issuer_name = issuer_name_of(plans, committee)
    several = len(plans) != 1
    if several:
        plans_text = f"các kế hoạch, đề án do {issuer_name} ban hành"
    else:
        plans_text = _plan_title(plans[0])
    committee_like = fold(issuer_name).startswith(("ubnd", "uy ban nhan dan"))
    place = (plans[0].place if plans and not several else None) or _place(issuer_name) or "………"
    by_agency: dict[int, list[CountedItem]] = {}
    for item in overdue_items(session, plan_ids, as_of, tz, agency_ids, include_coordinating):
        assert item.agency_id is not None
        by_agency.setdefault(item.agency_id, []).append(item)
    letters = []
    for agency_id, items in by_agency.items():
        name = items[0].agency_name or ""
        letters.append(Letter(
            agency_id=agency_id, agency_name=name, superior="", issuer=_issuer_upper(issuer_name),
            issuer_name=issuer_name, symbol="UBND-……" if committee_like else "……", place=place,
            issued_on=issued_on, as_of=as_of, plans_text=plans_text, several_plans=several,
            items=sort_items(items, "late", descending=True),
            signer=(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] if committee_like
                    else ["THỦ TRƯỞNG CƠ QUAN"])))
    return sorted(letters, key=lambda letter: (fold(letter.agency_name), letter.agency_name))


def render(letter: Letter) -> bytes:
    """The letter as the bytes of a ``.docx`` file."""
    document = Document()
    _setup(document)
    _heading_block(document, letter)
    number_cell = document.tables[-1].rows[1].cells[0]
    p = number_cell.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    p.add_run(letter.subject).font.size = Pt(HEADER_PT - 1)
    justify, center = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, f"Kính gửi: {letter.agency_name}.", align=center, before=18, after=12)
    n = len(letter.items)
    _paragraph(document, f"Thực hiện {letter.plans_text}, theo dõi trên hệ thống theo dõi nhiệm vụ, đến ngày "
                         f"{_day(letter.as_of)}, {letter.agency_name} còn {n} nhiệm vụ quá hạn chưa hoàn thành "
                         "(chi tiết tại danh sách dưới đây).", indent=True, align=justify)
    _paragraph(document, f"Để bảo đảm tiến độ thực hiện kế hoạch, {letter.issuer_name} đề nghị "
                         f"{letter.agency_name}:", indent=True, align=justify)
    for line in ("Khẩn trương chỉ đạo hoàn thành các nhiệm vụ quá hạn nêu trên; cập nhật đầy đủ, kịp thời tiến độ "
                 "thực hiện trên hệ thống theo dõi nhiệm vụ.",
                 "Trường hợp không thể hoàn thành, báo cáo, giải trình rõ nguyên nhân và đề xuất thời hạn hoàn "
                 f"thành, gửi về {letter.issuer_name} trước ngày ……/……/{letter.issued_on.year}."):
        _paragraph(document, f"- {line}", indent=True, align=justify)
    table = _data_table(document, ITEM_HEADINGS, ITEM_WIDTHS_MM)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for number, item in enumerate(letter.items, start=1):
        cells = table.add_row().cells
        task = f"{item.task_ref}. {_short(item.task_content, 400)}"
        if letter.several_plans:
            task += f"\n{_short(item.plan_label, 160)}"
        deadline = _day(item.plan_due)
        if item.deadline_text and item.deadline_text != deadline:
            deadline += f"\n({_short(item.deadline_text, 60)})"
        _cell_text(cells[0], str(number), align=center)
        _cell_text(cells[1], task)
        _cell_text(cells[2], deadline, align=center)
        _cell_text(cells[3], str(item.days_late), align=center)
    _widths(table, ITEM_WIDTHS_MM)
    _paragraph(document, f"{letter.issuer_name} đề nghị {letter.agency_name} quan tâm, khẩn trương thực hiện./.",
               indent=True, align=justify, before=12)
    signature = document.add_table(rows=1, cols=2)
    _no_borders(signature)
    _widths(signature, (85, 80))
    left, right = signature.rows[0].cells
    _cell_text(left, "Nơi nhận:", bold=True, italic=True, size=12)
    for line in ("- Như trên;", "- Lưu: VT."):
        paragraph = left.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(line).font.size = Pt(11)
    _cell_text(right, "\n".join(letter.signer), bold=True, size=BODY_PT, align=center)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def record(session: Session, letters: list[Letter], day: date, by: str) -> int:
    """Record the letters on their items (``SentStep`` ``letter-<day>`` and a history entry),
    each item once per day; the number of items newly recorded. The caller commits."""
    key = step_key(day)
    items = [item for letter in letters for item in letter.items]
    keys = sorted({item_key(item) for item in items})
    done = set(session.scalars(select(SentStep.item_key).where(SentStep.item_key.in_(keys),
                                                               SentStep.step_key == key))) if keys else set()
    added = 0
    for letter in letters:
        for item in letter.items:
            k = item_key(item)
            if k in done:
                continue
            done.add(k)
            session.add(SentStep(item_key=k, step_key=key))
            owner = (session.get(Occurrence, item.occurrence_id) if item.occurrence_id is not None
                     else session.get(Assignment, item.assignment_id))
            status = owner.status if owner is not None else item.status
            session.add(StatusChange(
                assignment_id=item.assignment_id, occurrence_id=item.occurrence_id, changed_by=by,
                from_status=status, to_status=status, kind=HISTORY_KIND,
                comment=f"Đôn đốc bằng công văn ngày {_day(day)} ({item.days_late} ngày quá hạn).",
                comment_en=f"Reminded by letter on {_day(day)} ({item.days_late} days overdue)."))
            added += 1
    return added
