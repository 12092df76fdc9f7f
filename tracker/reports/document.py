"""The periodic report written as a Word document in the form of Decree 30/2020/NĐ-CP
(Appendix I, "Báo cáo"): A4; margins 20 mm top and bottom, 30 mm left, 15 mm right; Times
New Roman 14 pt (13 pt in the header blocks, 11 pt in the wide tables); the issuer block and
the national motto side by side in a borderless table, "Số: …/BC-…" and the place and date
under them; "BÁO CÁO" and the subject; page numbers centred in the header from page 2 (a
PAGE field, first page different).

Pure: a ``ReportContent`` in, bytes out (python-docx; no database, no Flask).
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Protocol

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from ..plans.statistics import CountedItem
from ..vocabulary import URGENCIES, Urgency
from .content import NO_DATA, ReportContent, _day, _percent, _short

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"
BODY_PT = 14
HEADER_PT = 13
TABLE_PT = 11
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
#: page and margins (Decree 30/2020: top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm)
PAGE = (Mm(210), Mm(297))
MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
TEXT_WIDTH_MM = 210 - 30 - 15
AGENCY_HEADINGS = ("STT", "Cơ quan", "Tổng số", "Không thời hạn", "Đã đến hạn", "Hoàn thành đúng hạn",
                   "Hoàn thành quá hạn", "Đang thực hiện trong hạn", "Quá hạn chưa hoàn thành",
                   "Tỷ lệ hoàn thành", "Tỷ lệ đúng hạn")
AGENCY_WIDTHS_MM = (8, 39, 11, 12, 11, 12, 12, 13, 12, 17, 17)
APPENDIX_HEADINGS = ("STT", "Nhiệm vụ", "Thời hạn", "Số ngày quá hạn", "Giải trình của cơ quan")
APPENDIX_WIDTHS_MM = (9, 68, 26, 17, 45)
FIGURE_HEADINGS = ("STT", "Chỉ tiêu", "Số lượng")
FIGURE_WIDTHS_MM = (12, 118, 35)
HEADING_WIDTHS_MM = (70, 95)


class Heading(Protocol):
    """What the issuer block and the date line need (a report's content, a reminder letter's)."""

    superior: str
    issuer: str
    symbol: str
    place: str
    issued_on: date


def _fonts(rpr_owner, size: int | None = None) -> None:
    """Times New Roman for every script of a style or run (Word picks the font per script)."""
    font = rpr_owner.font
    font.name = FONT
    if size is not None:
        font.size = Pt(size)
    rpr = rpr_owner.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _paragraph(container, text: str = "", *, bold: bool = False, italic: bool = False, size: int | None = None,
               align=None, indent: bool = False, after: int | None = None, before: int | None = None,
               keep: bool = False):
    p = container.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        if size is not None:
            run.font.size = Pt(size)
    fmt = p.paragraph_format
    if align is not None:
        p.alignment = align
    if indent:
        fmt.first_line_indent = Cm(1)
    if after is not None:
        fmt.space_after = Pt(after)
    if before is not None:
        fmt.space_before = Pt(before)
    if keep:
        fmt.keep_with_next = True
    return p


def _cell_text(cell, text: str, *, bold: bool = False, italic: bool = False, size: int = TABLE_PT,
               align=WD_ALIGN_PARAGRAPH.LEFT) -> None:
    lines = text.split("\n")
    p = cell.paragraphs[0]
    for i, line in enumerate(lines):
        if i:
            p = cell.add_paragraph()
        p.alignment = align
        p.paragraph_format.first_line_indent = None
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.space_before = Pt(0)
        run = p.add_run(line)
        run.bold, run.italic = bold or None, italic or None
        run.font.size = Pt(size)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    # In the schema's order (Word refuses a file whose table properties are out of order).
    table._tbl.tblPr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                           "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def _rule(cell, line_mm: float, cell_mm: float) -> None:
    """The short solid line Decree 30/2020 draws under the issuer's name and under the motto:
    an empty paragraph's bottom border, ``line_mm`` long and centred in the cell."""
    p = cell.add_paragraph()
    fmt = p.paragraph_format
    fmt.left_indent = fmt.right_indent = Mm(max(cell_mm - line_mm, 0) / 2)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(name), value)
    borders.append(bottom)
    # pBdr comes before spacing and indentation in a paragraph's properties (schema order).
    p._p.get_or_add_pPr().insert_element_before(borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku",
                                                "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
                                                "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                                                "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                                                "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
                                                "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
                                                "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def _widths(table, widths_mm) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _page_field(paragraph) -> None:
    """A PAGE field: Word and LibreOffice put the page's number there."""
    def char(kind: str):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
        return run

    char("begin")
    instruction = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = " PAGE "
    instruction._r.append(text)
    char("separate")
    paragraph.add_run("2")
    char("end")


def _setup(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.header_distance = section.footer_distance = Mm(10)
    normal = document.styles["Normal"]
    _fonts(normal, BODY_PT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name in ("Header", "Footer", "Table Grid"):
        try:
            _fonts(document.styles[name])
        except KeyError:
            continue
    # Page numbers: centred at the top from page 2; the first page has a header of its own, empty.
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(paragraph)
    section.first_page_header.is_linked_to_previous = False


def _heading_block(document, content: Heading) -> None:
    table = document.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _widths(table, HEADING_WIDTHS_MM)
    left, right = table.rows[0].cells
    center = WD_ALIGN_PARAGRAPH.CENTER
    lines: list[tuple[str, bool]] = []
    if content.superior:
        lines.append((content.superior, False))
    issuer = content.issuer
    prefix = "ỦY BAN NHÂN DÂN "
    if issuer.startswith(prefix):
        lines += [(prefix.strip(), True), (issuer[len(prefix):], True)]
    else:
        lines.append((issuer, True))
    _cell_text(left, "\n".join(text for text, _ in lines[:1]), bold=lines[0][1], size=HEADER_PT, align=center)
    for text, bold in lines[1:]:
        p = left.add_paragraph()
        p.alignment = center
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(text)
        run.bold = bold or None
        run.font.size = Pt(HEADER_PT)
    _rule(left, 25, HEADING_WIDTHS_MM[0])
    _cell_text(right, MOTTO[0], bold=True, size=HEADER_PT, align=center)
    p = right.add_paragraph()
    p.alignment = center
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run(MOTTO[1])
    run.bold = True
    run.font.size = Pt(BODY_PT)
    _rule(right, 66, HEADING_WIDTHS_MM[1])
    number, dated = table.rows[1].cells
    _cell_text(number, f"Số:        /{content.symbol}", size=HEADER_PT, align=center)
    _cell_text(dated, f"{content.place}, {_date_words(content)}", italic=True, size=BODY_PT, align=center)


def _date_words(content: Heading) -> str:
    """"ngày 05 tháng 02 năm 2017": a zero before days under 10 and months under 3 (Decree 30)."""
    d = content.issued_on
    day = f"{d.day:02d}"
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {day} tháng {month} năm {d.year}"


def _title(document, content: ReportContent) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    if content.recipient:
        _paragraph(document, f"Kính gửi: {content.recipient}", align=center, before=12)
    _paragraph(document, "BÁO CÁO", bold=True, align=center, before=18, after=0, keep=True)
    _paragraph(document, content.subject, bold=True, align=center, after=0, keep=True)
    _paragraph(document, f"({content.period.label})", bold=True, align=center, after=12)
    _paragraph(document, content.intro, indent=True)


def _bullets(document, lines: list[str]) -> None:
    for line in lines:
        _paragraph(document, line if line.startswith("…") else f"- {line}", indent=True,
                   align=WD_ALIGN_PARAGRAPH.JUSTIFY)


def _data_table(document, headings, widths):
    table = document.add_table(rows=1, cols=len(headings))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        _cell_text(cell, heading, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _repeat_header(table.rows[0])
    return table


def _figures(document, content: ReportContent) -> None:
    table = _data_table(document, FIGURE_HEADINGS, FIGURE_WIDTHS_MM)
    number = 0
    for figure in content.figures:
        cells = table.add_row().cells
        if figure.of_which:
            label, stt = f"Trong đó: {figure.label[:1].lower()}{figure.label[1:]}", ""
        else:
            number += 1
            label, stt = figure.label, str(number)
        value = _percent(figure.value) if figure.rate else str(figure.value)
        _cell_text(cells[0], stt, size=BODY_PT - 1, align=WD_ALIGN_PARAGRAPH.CENTER)
        _cell_text(cells[1], label, italic=figure.of_which, bold=figure.rate, size=BODY_PT - 1)
        _cell_text(cells[2], value, bold=figure.rate, size=BODY_PT - 1, align=WD_ALIGN_PARAGRAPH.CENTER)
    _widths(table, FIGURE_WIDTHS_MM)


def _agency_values(row) -> list[str]:
    return [str(row.assigned), str(row.no_deadline), str(row.fallen_due), str(row.done_on_time),
            str(row.done_late), str(row.pending_on_time), str(row.overdue),
            _percent(row.completion_rate), _percent(row.on_time_rate)]


def _agencies(document, content: ReportContent) -> None:
    table = _data_table(document, AGENCY_HEADINGS, AGENCY_WIDTHS_MM)
    right = WD_ALIGN_PARAGRAPH.CENTER
    for number, row in enumerate(content.rows, start=1):
        cells = table.add_row().cells
        _cell_text(cells[0], str(number), align=right)
        _cell_text(cells[1], content.row_name(row))
        for cell, value in zip(cells[2:], _agency_values(row), strict=True):
            _cell_text(cell, value, align=right)
    cells = table.add_row().cells
    merged = cells[0].merge(cells[1])
    _cell_text(merged, "Tổng cộng", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for cell, value in zip(table.rows[-1].cells[2:], _agency_values(content.totals), strict=True):
        _cell_text(cell, value, bold=True, align=right)
    _widths(table, AGENCY_WIDTHS_MM)


def _appendix(document, content: ReportContent) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    paragraph = _paragraph(document, "")
    paragraph.add_run().add_break(WD_BREAK.PAGE)
    _paragraph(document, "PHỤ LỤC", bold=True, align=center, after=0)
    _paragraph(document, "DANH SÁCH NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH", bold=True, align=center, after=0)
    _paragraph(document, f"(Kèm theo Báo cáo số        /{content.symbol} ngày      tháng      năm "
                         f"{content.issued_on.year}, số liệu tính đến ngày {_day(content.as_of)})",
               italic=True, align=center, after=12)
    table = _data_table(document, APPENDIX_HEADINGS, APPENDIX_WIDTHS_MM)
    for group_number, group in enumerate(content.appendix, start=1):
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1])
        _cell_text(merged, f"{_roman(group_number)}. {group.name} ({len(group.items)} nhiệm vụ)", bold=True)
        for number, item in enumerate(group.items, start=1):
            cells = table.add_row().cells
            task = f"{item.task_ref}. {_short(item.task_content, 400)}{priority_mark(item)}"
            if content.several_plans:
                task += f"\n{_short(item.plan_label, 160)}"
            deadline = _day(item.plan_due)
            if item.deadline_text and item.deadline_text != deadline:
                deadline += f"\n({_short(item.deadline_text, 60)})"
            if (item.assignment_id, item.occurrence_id) in content.carried_keys:
                deadline += "\nKỳ trước chuyển sang"
            _cell_text(cells[0], str(number), align=center)
            _cell_text(cells[1], task)
            _cell_text(cells[2], deadline, align=center)
            _cell_text(cells[3], str(item.days_late), align=center)
            _cell_text(cells[4], content.explanation(item))
    _widths(table, APPENDIX_WIDTHS_MM)


def priority_mark(item: CountedItem) -> str:
    """What the appendix writes after a key or urgent task: " (★ trọng tâm; Hỏa tốc)", or ""."""
    marks = ["★ trọng tâm"] if item.key_task else []
    if item.urgency in URGENCIES and item.urgency != Urgency.NORMAL:
        marks.append(Urgency(item.urgency).label)
    return f" ({'; '.join(marks)})" if marks else ""


def _roman(n: int) -> str:
    numerals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, letters in numerals:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _signature(document, content: ReportContent) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, (85, 80))
    left, right = table.rows[0].cells
    _cell_text(left, "Nơi nhận:", bold=True, italic=True, size=12)
    recipients = ([f"- {content.recipient};"] if content.recipient else ["- Như trên;"]) + ["- Lưu: VT."]
    for line in recipients:
        p = left.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(line)
        run.font.size = Pt(11)
    _cell_text(right, "\n".join(content.signer), bold=True, size=BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER)


def render(content: ReportContent) -> bytes:
    """The report as the bytes of a ``.docx`` file."""
    document = Document()
    _setup(document)
    _heading_block(document, content)
    _title(document, content)
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY

    _paragraph(document, "I. KẾT QUẢ THỰC HIỆN", bold=True, keep=True, before=6)
    if content.empty:
        _paragraph(document, NO_DATA, indent=True, align=justify)
    else:
        _paragraph(document, "1. Số liệu chung", bold=True, keep=True)
        _paragraph(document, content.scope, indent=True, align=justify)
        _figures(document, content)
        _paragraph(document, "Cách tính:", italic=True, before=6, after=0, keep=True)
        for line in content.definitions:
            _paragraph(document, f"- {line}", italic=True, indent=True, align=justify, after=0)
        if not content.agency_report:
            _paragraph(document, "2. Kết quả theo cơ quan", bold=True, keep=True, before=6)
            _paragraph(document, "Sắp xếp theo số nhiệm vụ quá hạn chưa hoàn thành, nhiều nhất trước.",
                       indent=True, italic=True)
            _agencies(document, content)

    _paragraph(document, "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", bold=True, keep=True, before=12)
    _paragraph(document, "1. Tồn tại, hạn chế", bold=True, keep=True)
    _bullets(document, content.shortcomings)
    _paragraph(document, "2. Nguyên nhân", bold=True, keep=True)
    _bullets(document, content.causes)
    _paragraph(document, "III. NHIỆM VỤ THỜI GIAN TỚI", bold=True, keep=True, before=6)
    _bullets(document, content.next_tasks)
    _paragraph(document, "IV. ĐỀ XUẤT, KIẾN NGHỊ", bold=True, keep=True, before=6)
    _bullets(document, content.proposals)
    _paragraph(document, f"Trên đây là báo cáo kết quả thực hiện {content.period.label[:1].lower()}"
                         f"{content.period.label[1:]}./.", indent=True, align=justify)
    _signature(document, content)
    if content.appendix and not content.empty:
        _appendix(document, content)
    out = BytesIO()
    document.save(out)
    return out.getvalue()
