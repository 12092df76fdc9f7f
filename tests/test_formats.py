"""Plans in Word, Excel, CSV and PDF read through the same core as the text form.

Acceptance: the DOCX and XLSX versions of the tabular seeds, built by
``seed_plans/build_samples.py``, read exactly like their text versions. What may differ, and
why: source line numbers (a Word or Excel file has no text lines; "Dòng N" in messages
follows the document's own order, an Excel row number for a sheet), and, for a workbook, what
only the prose says (the issuer named in a sentence, the dated tasks in "Tổ chức thực hiện"):
a task sheet holds the header block, the captions and the tables, not the plan's prose.

Then each format's own structures, built here with python-docx, openpyxl, the csv module and
``tests/pdf_maker``: merged cells, numbering typed by Word, header rows repeated, tables split
at a page, captions, date cells, sheets without header, encodings and delimiters.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from tracker.reading.plan import read_plan, read_plan_text
from tracker.reading.result import NotAPlanError

from .conftest import SEEDS
from .pdf_maker import PdfMaker

TABULAR = ["soc-trang-2017-kiem-soat-tthc", "cam-xuyen-2020-kiem-soat-tthc-mot-cua"]


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_samples", SEEDS / "build_samples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module       # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return module


builder = _load_builder()


def normalised(reading) -> dict:
    """A reading's JSON without what a format legitimately changes: source line numbers."""
    def walk(value):
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items() if k != "source"}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str):
            return re.sub(r"\b(Dòng|Line) \d+", r"\1 #", value)
        return value
    return walk(reading.as_json())


def codes(items) -> list[str]:
    return [w.code for w in items]


def all_codes(reading) -> set[str]:
    found = set(codes(reading.warnings))
    for task in reading.tasks:
        found |= set(codes(task.warnings))
        for a in task.assignments:
            found |= set(codes(a.warnings))
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    for stem in TABULAR:
        builder.build(SEEDS / f"{stem}.txt", out)
    return out


def text_reading(stem: str):
    path = SEEDS / f"{stem}.txt"
    return read_plan(path.read_bytes(), path.name)


# ---------------------------------------------------------------------------------------------
# Acceptance: the seeds in Word and Excel
# ---------------------------------------------------------------------------------------------

def test_the_builder_finds_the_two_tabular_seeds():
    assert [p.stem for p in builder.tabular_seeds()] == sorted(TABULAR)


@pytest.mark.parametrize("stem", TABULAR)
def test_docx_reads_exactly_like_the_text(built, stem):
    path = built / f"{stem}.docx"
    reading = read_plan(path.read_bytes(), path.name)
    assert normalised(reading) == normalised(text_reading(stem))


@pytest.mark.parametrize("stem", TABULAR)
def test_xlsx_reads_like_the_text_but_for_the_prose(built, stem):
    path = built / f"{stem}.xlsx"
    reading, text = read_plan(path.read_bytes(), path.name), text_reading(stem)
    got, want = normalised(reading), normalised(text)
    assert got["tasks"] == want["tasks"]
    assert got["prose_tasks"] == []
    header, expected = dict(got["plan"]), dict(want["plan"])
    if header["issuer"] is None:   # named only in a sentence of the prose, which a sheet lacks
        assert "missing_issuer" in codes(reading.warnings)
        header["issuer"] = expected["issuer"]
    assert header == expected
    assert [w for w in got["warnings"] if w["code"] != "missing_issuer"] == \
        [w for w in want["warnings"] if w["code"] != "missing_issuer"]


@pytest.mark.parametrize("stem", TABULAR)
@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_committed_samples_are_what_the_script_builds(built, stem, suffix):
    committed, fresh = SEEDS / f"{stem}{suffix}", built / f"{stem}{suffix}"
    assert committed.exists(), "run: python seed_plans/build_samples.py"
    first = read_plan(committed.read_bytes(), committed.name).as_json()
    second = read_plan(fresh.read_bytes(), fresh.name).as_json()
    assert first == second


def test_the_script_is_deterministic(tmp_path):
    seed = SEEDS / f"{TABULAR[0]}.txt"
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    builder.build(seed, one)
    builder.build(seed, two)
    for suffix in (".docx", ".xlsx"):
        assert (one / f"{seed.stem}{suffix}").read_bytes() == (two / f"{seed.stem}{suffix}").read_bytes()


def test_samples_have_real_word_structure(built):
    """Merges, repeated header rows and split tables are in the file, not only in the reading."""
    import zipfile
    xml = zipfile.ZipFile(built / f"{TABULAR[1]}.docx").read("word/document.xml").decode()
    assert xml.count("<w:tbl>") >= 4                      # split at the page breaks
    assert "w:tblHeader" in xml and "w:gridSpan" in xml and 'w:type="page"' in xml
    xml = zipfile.ZipFile(built / f"{TABULAR[0]}.docx").read("word/document.xml").decode()
    assert '<w:vMerge w:val="restart"/>' in xml and "<w:vMerge/>" in xml
    sheet = zipfile.ZipFile(built / f"{TABULAR[0]}.xlsx").read("xl/worksheets/sheet1.xml").decode()
    assert "<mergeCell " in sheet and "<rowBreaks" in sheet


def test_seed_command_does_not_import_the_duplicates(runner):
    """``flask seed`` reads ``*.txt``: the Word and Excel copies beside them are the same plans."""
    assert list(SEEDS.glob(f"{TABULAR[0]}.docx")) and list(SEEDS.glob(f"{TABULAR[0]}.xlsx"))
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    for stem in TABULAR:
        assert f"{stem}.txt:" in result.output
    assert ".docx" not in result.output and ".xlsx" not in result.output


def test_cli_parse_reads_a_docx(runner, directory):
    result = runner.invoke(args=["plans", "parse", str(SEEDS / f"{TABULAR[0]}.docx"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["tasks"]) == len(text_reading(TABULAR[0]).tasks)


# ---------------------------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------------------------

def _docx():
    import docx
    return docx.Document()


def _save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _el(tag: str, **attrs):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


def _cell_props(cell):
    return cell._tc.get_or_add_tcPr()


def _v_merge(cell, restart: bool = False) -> None:
    _cell_props(cell).append(_el("w:vMerge", **({"val": "restart"} if restart else {})))


HEAD_5 = ["TT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"]


def _table(document, rows: list[list[str]], cols: int = 5):
    table = document.add_table(rows=len(rows), cols=cols)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).paragraphs[0].add_run(text)
    return table


def _header_block(document) -> None:
    """The two-column header as Word documents lay it out: a borderless table."""
    head = document.add_table(rows=2, cols=2)
    head.cell(0, 0).paragraphs[0].add_run("ỦY BAN NHÂN DÂN")
    head.cell(0, 0).add_paragraph("TỈNH BẾN TRE")
    head.cell(0, 0).add_paragraph("-------")
    head.cell(0, 1).paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    head.cell(0, 1).add_paragraph("Độc lập - Tự do - Hạnh phúc")
    head.cell(1, 0).paragraphs[0].add_run("Số: 45/KH-UBND")
    head.cell(1, 1).paragraphs[0].add_run("Bến Tre, ngày 05 tháng 3 năm 2021")
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    for text in ("KẾ HOẠCH", "Kiểm soát thủ tục hành chính năm 2021"):
        document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("Căn cứ Nghị định số 63/2010/NĐ-CP ngày 08/6/2010 của Chính phủ về "
                           "kiểm soát thủ tục hành chính;")
    document.add_paragraph("II. NỘI DUNG")


def test_docx_header_from_paragraphs_and_a_layout_table():
    document = _docx()
    _header_block(document)
    _table(document, [HEAD_5, ["1", "Rà soát TTHC", "Sở Tư pháp", "Các Sở, ban, ngành tỉnh",
                               "Trong quý II/2021"]])
    reading = read_plan(_save(document), "kh.docx")
    h = reading.header
    assert (h.number, h.issued_date, h.place, h.kind) == (
        "45/KH-UBND", date(2021, 3, 5), "Bến Tre", "Kế hoạch")
    assert h.issuer == "UBND tỉnh Bến Tre"
    assert h.title == "Kiểm soát thủ tục hành chính năm 2021" and h.year == 2021
    assert [t.ref for t in reading.tasks] == ["1"]
    assert reading.tasks[0].assignments[0].deadline.due == date(2021, 6, 30)


def test_docx_merged_cells():
    """gridSpan section rows read as one cell; a vMerge continuing in a sub-row is inherited
    with the usual warning; one continuing into the next task's row belongs to that row."""
    document = _docx()
    _header_block(document)
    table = _table(document, [
        HEAD_5,
        ["I", "Rà soát thủ tục hành chính", "", "", ""],
        ["1", "Rà soát TTHC", "Sở Tư pháp", "Văn phòng UBND tỉnh", "Tháng 6 năm 2021"],
        ["", "", "Các Sở, ban, ngành tỉnh", "Sở Tư pháp", ""],
        ["2", "Công bố TTHC", "Sở Tư pháp", "", ""],
        ["II Kiểm tra", "", "", "", ""],
        ["1", "Kiểm tra việc thực hiện TTHC", "Sở Tư pháp", "", "Thường xuyên"],
    ])
    table.cell(1, 1).merge(table.cell(1, 4))                 # section title across the row
    table.cell(5, 0).merge(table.cell(5, 4))                 # numeral and title in one cell
    for column in (0, 1):                                    # number and task over the sub-row
        table.cell(2, column).merge(table.cell(3, column))
    table.cell(2, 4).merge(table.cell(4, 4))                 # deadline over sub-row and task 2
    reading = read_plan(_save(document), "kh.docx")
    assert [t.ref for t in reading.tasks] == ["I.1", "I.2", "II.1"]
    assert [s.title for s in reading.sections] == ["Rà soát thủ tục hành chính", "Kiểm tra"]
    first, second = reading.tasks[0], reading.tasks[1]
    assert len(first.assignments) == 2
    sub = first.assignments[1]
    assert "merged_deadline" in codes(sub.warnings) and sub.deadline.due == date(2021, 6, 30)
    assert [o.text for o in sub.lead] == ["Các Sở, ban, ngành tỉnh"]
    assert second.assignments[0].deadline.text == "Tháng 6 năm 2021"
    assert second.assignments[0].deadline.due == date(2021, 6, 30)


def _numbering(document, fmt: str = "decimal", text: str = "%1.") -> str:
    """A list definition of our own in the document's numbering part; its numId."""
    numbering = document.part.numbering_part.element
    abstract = _el("w:abstractNum", abstractNumId="90")
    level = _el("w:lvl", ilvl="0")
    level.append(_el("w:start", val="1"))
    level.append(_el("w:numFmt", val=fmt))
    level.append(_el("w:lvlText", val=text))
    abstract.append(level)
    numbering.insert(0, abstract)
    num = _el("w:num", numId="90")
    num.append(_el("w:abstractNumId", val="90"))
    numbering.append(num)
    return "90"


def _number(paragraph, num_id: str, level: int = 0) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    num_pr = _el("w:numPr")
    num_pr.append(_el("w:ilvl", val=str(level)))
    num_pr.append(_el("w:numId", val=num_id))
    p_pr.append(num_pr)


def test_docx_task_numbers_typed_by_word():
    """The TT column numbered by Word's list numbering: the numbers are not in the text."""
    document = _docx()
    _header_block(document)
    num_id = _numbering(document)
    rows = [HEAD_5] + [["", f"Nhiệm vụ thứ {n}", "Sở Tư pháp", "", "Tháng 6 năm 2021"]
                       for n in range(1, 4)]
    table = _table(document, rows)
    for r in range(1, 4):
        _number(table.cell(r, 0).paragraphs[0], num_id)
    reading = read_plan(_save(document), "kh.docx")
    assert [t.ref for t in reading.tasks] == ["1", "2", "3"]
    assert [t.content for t in reading.tasks] == [f"Nhiệm vụ thứ {n}" for n in range(1, 4)]


def test_docx_roman_section_headings_numbered_by_word_reach_the_prose_reader():
    document = _docx()
    _header_block(document)
    _table(document, [HEAD_5, ["1", "Rà soát TTHC", "Sở Tư pháp", "", "Tháng 6 năm 2021"]])
    num_id = _numbering(document, "upperRoman", "%1.")
    for text in ("MỤC ĐÍCH", "NỘI DUNG", "TỔ CHỨC THỰC HIỆN"):
        _number(document.add_paragraph(text), num_id)
    document.add_paragraph("1. Thủ trưởng các Sở, ban, ngành tỉnh chịu trách nhiệm:")
    document.add_paragraph("- Gửi báo cáo kết quả về Sở Tư pháp trước ngày 15/6/2021.")
    reading = read_plan(_save(document), "kh.docx")
    assert [t.deadline.due for p in reading.prose_tasks for t in p.assignments] == [date(2021, 6, 15)]


def test_docx_table_split_at_a_page_with_repeated_header_and_continued_row():
    document = _docx()
    _header_block(document)
    first = _table(document, [HEAD_5, ["1", "Triển khai thực hiện Kế hoạch rà soát các quy định "
                                       "hành chính, thủ tục hành chính của", "Sở Tư pháp", "",
                                       "Trong quý III/2021"]])
    first.rows[0]._tr.get_or_add_trPr().append(_el("w:tblHeader"))
    from docx.enum.text import WD_BREAK
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _table(document, [HEAD_5, ["", "các cơ quan, đơn vị.", "", "", ""],
                      ["2", "Báo cáo kết quả", "Sở Tư pháp", "", "Tháng 12 năm 2021"]])
    reading = read_plan(_save(document), "kh.docx")
    assert [t.ref for t in reading.tasks] == ["1", "2"]
    assert reading.tasks[0].content.endswith("của các cơ quan, đơn vị.")
    assert len(reading.tasks[0].assignments) == 1


def test_docx_two_tables_with_nothing_between_are_one_table():
    document = _docx()
    _header_block(document)
    _table(document, [HEAD_5, ["1", "Rà soát TTHC", "Sở Tư pháp", "", "Tháng 6 năm 2021"]])
    _table(document, [HEAD_5, ["2", "Công bố TTHC", "Sở Tư pháp", "", "Tháng 7 năm 2021"]])
    reading = read_plan(_save(document), "kh.docx")
    assert [t.ref for t in reading.tasks] == ["1", "2"]


def test_docx_appendix_caption_before_its_table():
    document = _docx()
    _header_block(document)
    document.add_paragraph("Nội dung cụ thể theo Phụ lục kèm theo Kế hoạch này.")
    for n in (1, 2):
        caption = document.add_paragraph(f"PHỤ LỤC {n}")
        caption.add_run().add_break()
        caption.add_run(f"NỘI DUNG THỨ {n}")
        document.add_paragraph("(Kèm theo Kế hoạch số 45/KH-UBND ngày 05/3/2021 của UBND tỉnh)")
        _table(document, [HEAD_5, ["1", f"Nhiệm vụ {n}", "Sở Tư pháp", "", "Tháng 6 năm 2021"]])
    reading = read_plan(_save(document), "kh.docx")
    assert [t.ref for t in reading.tasks] == ["PL1.1", "PL2.1"]
    assert [s.title for s in reading.sections] == ["NỘI DUNG THỨ 1", "NỘI DUNG THỨ 2"]


def test_docx_text_in_revisions_hyperlinks_and_content_controls():
    """Tracked insertions and hyperlinks are text; tracked deletions and field codes are not;
    a row inside a content control is a row."""
    document = _docx()
    _header_block(document)
    table = _table(document, [HEAD_5, ["1", "Rà soát ", "Sở Tư pháp", "", "Tháng 6 năm 2021"],
                              ["2", "Công bố TTHC", "Sở Tư pháp", "", "Tháng 7 năm 2021"]])
    p = table.cell(1, 1).paragraphs[0]._p
    inserted, deleted = _el("w:ins", id="1", author="A"), _el("w:del", id="2", author="A")
    for parent, tag, text in ((inserted, "w:t", "TTHC"), (deleted, "w:delText", "bỏ đi")):
        run = _el("w:r")
        node = _el(tag)
        node.text = text
        run.append(node)
        parent.append(run)
    p.append(inserted)
    p.append(deleted)
    field = _el("w:r")
    code = _el("w:instrText")
    code.text = " PAGE "
    field.append(code)
    p.append(field)
    tr = table.rows[2]._tr
    sdt, content = _el("w:sdt"), _el("w:sdtContent")
    tr.addprevious(sdt)
    sdt.append(content)
    content.append(tr)
    reading = read_plan(_save(document), "kh.docx")
    assert [t.content for t in reading.tasks] == ["Rà soát TTHC", "Công bố TTHC"]


def test_docx_prose_plan_reaches_the_prose_reader():
    """No task table: the paragraphs go to the prose reader, as a text plan's would."""
    document = _docx()
    _header_block(document)
    document.add_paragraph("1. Giao Sở Tư pháp chủ trì, phối hợp với các Sở, ban, ngành tỉnh rà "
                           "soát thủ tục hành chính, hoàn thành trong tháng 6/2021.")
    reading = read_plan(_save(document), "kh.docx")
    proposed = reading.tasks + reading.prose_tasks
    assert [t.assignments[0].deadline.due for t in proposed] == [date(2021, 6, 30)]


def test_docx_task_rows_under_a_header_in_other_words_are_proposed():
    document = _docx()
    _header_block(document)
    _table(document, [["Việc", "Ai làm", "Khi nào"], ["Rà soát thủ tục", "Sở Tư pháp", "Tháng 6"]], cols=3)
    reading = read_plan(_save(document), "kh.docx")
    (task,) = reading.prose_tasks
    assert task.content == "Rà soát thủ tục" and [m.text for m in task.assignments[0].lead] == ["Sở Tư pháp"]
    assert "headerless_table" in {w.code for w in reading.warnings}


def test_docx_with_only_a_data_table_is_refused_in_words_for_word():
    document = _docx()
    _header_block(document)
    _table(document, [["Địa điểm quan trắc", "Số mẫu"], ["Xã Tân Tiến", "12"]], cols=2)
    with pytest.raises(NotAPlanError) as caught:
        read_plan(_save(document), "kh.docx")
    assert caught.value.code == "no_table"
    assert "Word" in caught.value.message_vi and "Thời gian thực hiện" in caught.value.message_vi
    assert "Tab" not in caught.value.message_vi


def test_docx_with_neither_table_nor_task_sentence():
    document = _docx()
    _header_block(document)
    document.add_paragraph("Đây là nội dung.")
    with pytest.raises(NotAPlanError) as caught:
        read_plan(_save(document), "kh.docx")
    assert caught.value.code == "no_table" and "Word" in caught.value.message_vi


# ---------------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------------

def _workbook(rows: list[list], merges: list[str] = (), title_sheet: bool = False) -> bytes:
    from openpyxl import Workbook
    workbook = Workbook()
    sheet = workbook.active
    if title_sheet:
        sheet.title = "Hướng dẫn"
        sheet["A1"] = "Hướng dẫn điền biểu mẫu"
        sheet = workbook.create_sheet("Nhiệm vụ")
    for row in rows:
        sheet.append(row)
    for ref in merges:
        sheet.merge_cells(ref)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


XLSX_HEAD = ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Sản phẩm", "Thời hạn hoàn thành"]


def test_xlsx_columns_in_any_order_with_title_rows_and_date_cells():
    rows = [
        ["UBND HUYỆN CẨM XUYÊN"],
        ["KẾ HOẠCH KIỂM SOÁT THỦ TỤC HÀNH CHÍNH NĂM 2020"],
        [],
        ["Thời hạn hoàn thành", "Nhiệm vụ", "STT", "Đơn vị chủ trì", "Sản phẩm"],
        [datetime(2020, 9, 30), "Rà soát TTHC", 1, "Văn phòng HĐND-UBND huyện", "Báo cáo"],
        ["Trong quý II/2020", "Công bố TTHC", 2, "Văn phòng HĐND-UBND huyện", "Quyết định"],
    ]
    reading = read_plan(_workbook(rows, ["A1:E1", "A2:E2"]), "kh.xlsx")
    assert reading.header.year == 2020 and reading.header.issuer == "UBND huyện Cẩm Xuyên"
    assert reading.header.title == "KIỂM SOÁT THỦ TỤC HÀNH CHÍNH NĂM 2020"
    assert [t.ref for t in reading.tasks] == ["1", "2"]
    first = reading.tasks[0].assignments[0]
    assert first.deadline.text == "ngày 30/9/2020" and first.deadline.due == date(2020, 9, 30)
    assert first.output == "Báo cáo"
    assert reading.tasks[1].assignments[0].deadline.due == date(2020, 6, 30)


def test_xlsx_merged_cells_section_rows_and_sub_rows():
    rows = [
        ["KẾ HOẠCH KIỂM SOÁT THỦ TỤC HÀNH CHÍNH NĂM 2021"],
        XLSX_HEAD,
        ["I", "Rà soát thủ tục hành chính"],
        [1, "Rà soát TTHC", "Sở Tư pháp", "Văn phòng UBND tỉnh", "Báo cáo", "Tháng 6 năm 2021"],
        [None, None, "Các Sở, ban, ngành tỉnh", "Sở Tư pháp", "Danh mục", None],
        [2, "Công bố TTHC", "Sở Tư pháp", None, "Quyết định", None],
        ["II. Kiểm tra"],
        [1, "Kiểm tra việc thực hiện TTHC", "Sở Tư pháp", None, "Kết luận", "Thường xuyên"],
    ]
    merges = ["A1:F1", "B3:F3", "A4:A5", "B4:B5", "F4:F6", "A7:F7"]
    reading = read_plan(_workbook(rows, merges), "kh.xlsx")
    assert [t.ref for t in reading.tasks] == ["I.1", "I.2", "II.1"]
    sub = reading.tasks[0].assignments[1]
    assert "merged_deadline" in codes(sub.warnings) and sub.deadline.due == date(2021, 6, 30)
    assert reading.tasks[1].assignments[0].deadline.text == "Tháng 6 năm 2021"


def test_xlsx_first_sheet_with_a_task_header_is_read_and_said():
    rows = [["Kế hoạch năm 2021"], XLSX_HEAD,
            [1, "Rà soát TTHC", "Sở Tư pháp", None, "Báo cáo", "Tháng 6 năm 2021"]]
    reading = read_plan(_workbook(rows, title_sheet=True), "kh.xlsx")
    assert [t.ref for t in reading.tasks] == ["1"]
    assert "sheet_chosen" in codes(reading.warnings)
    assert "Nhiệm vụ" in next(w.message for w in reading.warnings if w.code == "sheet_chosen")


def test_xlsx_year_from_the_file_name_is_flagged():
    rows = [XLSX_HEAD, [1, "Rà soát TTHC", "Sở Tư pháp", None, "Báo cáo", "Tháng 6"]]
    reading = read_plan(_workbook(rows), "nhiem-vu-2022.xlsx")
    assert reading.header.year == 2022
    assert "year_from_name" in codes(reading.warnings)
    assert reading.tasks[0].assignments[0].deadline.due == date(2022, 6, 30)


def test_xlsx_year_from_the_deadlines_is_flagged():
    rows = [XLSX_HEAD,
            [1, "Rà soát TTHC", "Sở Tư pháp", None, "Báo cáo", "Tháng 6 năm 2021"],
            [2, "Công bố TTHC", "Sở Tư pháp", None, "Báo cáo", "Quý III/2021"],
            [3, "Tổng kết", "Sở Tư pháp", None, "Báo cáo", "Quý I/2022"]]
    reading = read_plan(_workbook(rows), "nhiem-vu.xlsx")
    assert reading.header.year == 2021
    warning = next(w for w in reading.warnings if w.code == "year_from_deadlines")
    assert "2021" in warning.message and "2022" in warning.message


def test_xlsx_without_any_year_is_refused():
    rows = [XLSX_HEAD, [1, "Rà soát TTHC", "Sở Tư pháp", None, "Báo cáo", "Thường xuyên"]]
    with pytest.raises(NotAPlanError) as caught:
        read_plan(_workbook(rows), "nhiem-vu.xlsx")
    assert caught.value.code == "no_year"


def test_xlsx_without_a_header_lists_the_columns_expected():
    rows = [["Việc", "Ai làm", "Khi nào"], ["Rà soát", "Sở Tư pháp", "Tháng 6"]]
    with pytest.raises(NotAPlanError) as caught:
        read_plan(_workbook(rows), "kh.xlsx")
    error = caught.value
    assert error.code == "no_header"
    for column in ("TT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp",
                   "Sản phẩm", "Thời gian thực hiện", "Thời hạn hoàn thành"):
        assert column in error.message_vi
    assert "“Sheet”" in error.message_vi and error.message_en


def test_xlsx_header_of_two_rows_under_merged_heading():
    rows = [["Kế hoạch năm 2021"],
            ["TT", "Nội dung công việc", "Phân công thực hiện", None, "Thời gian thực hiện"],
            [None, None, "Chủ trì", "Phối hợp", None],
            [1, "Rà soát TTHC", "Sở Tư pháp", "Văn phòng UBND tỉnh", "Tháng 6 năm 2021"]]
    reading = read_plan(_workbook(rows, ["C2:D2", "A2:A3", "B2:B3", "E2:E3"]), "kh.xlsx")
    a = reading.tasks[0].assignments[0]
    assert [o.text for o in a.lead] == ["Sở Tư pháp"]
    assert [o.text for o in a.coordinate] == ["Văn phòng UBND tỉnh"]


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------

CSV_ROWS = [
    ["Kế hoạch kiểm soát thủ tục hành chính năm 2021", "", "", "", ""],
    ["TT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"],
    ["1", "Rà soát, đánh giá TTHC; báo cáo\nkết quả", "Sở Tư pháp", "Các Sở, ban, ngành tỉnh",
     "Trong quý II/2021"],
    ["2", "Công bố, công khai TTHC", "Văn phòng UBND tỉnh", "", "Thường xuyên"],
]


def _csv(delimiter: str = ",", rows=CSV_ROWS) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("delimiter, name", [(",", "kh.csv"), (";", "kh.csv"), ("\t", "kh.csv"),
                                             ("\t", "kh.tsv"), (",", "kh.txt"), (";", "")])
def test_csv_delimiters(delimiter, name):
    reading = read_plan(_csv(delimiter).encode("utf-8"), name)
    assert [t.ref for t in reading.tasks] == ["1", "2"]
    assert reading.tasks[0].content == "Rà soát, đánh giá TTHC; báo cáo kết quả"
    assert [o.text for o in reading.tasks[0].assignments[0].coordinate] == ["Các Sở, ban, ngành tỉnh"]
    assert reading.header.year == 2021


def test_csv_with_bom_reads_like_without():
    plain = read_plan(_csv().encode("utf-8"), "kh.csv")
    bom = read_plan(_csv().encode("utf-8-sig"), "kh.csv")
    assert normalised(bom) == normalised(plain)


def test_csv_in_windows_1258():
    from .test_encoding import to_cp1258_form
    reading = read_plan(to_cp1258_form(_csv(";")).encode("cp1258"), "kh.csv")
    assert [t.content for t in reading.tasks][1] == "Công bố, công khai TTHC"
    assert "converted_cp1258" in codes(reading.warnings)


def test_csv_without_a_header_lists_the_columns_expected():
    text = _csv(",", [["Việc", "Ai làm"], ["Rà soát", "Sở Tư pháp"]])
    with pytest.raises(NotAPlanError) as caught:
        read_plan(text.encode(), "kh.csv")
    assert caught.value.code == "no_header" and "Cơ quan chủ trì" in caught.value.message_vi


def test_tab_separated_text_plan_stays_with_the_text_reader():
    path = SEEDS / f"{TABULAR[0]}.txt"
    reading = read_plan(path.read_bytes(), path.name)
    assert reading.as_json() == read_plan_text(path.read_text("utf-8"), path.name).as_json()


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------

PDF_HEAD = ["TT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"]
WIDTHS = [5, 40, 20, 20, 15]


def _pdf_header(maker: PdfMaker) -> None:
    maker.columns("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    maker.columns("TỈNH BẾN TRE", "Độc lập - Tự do - Hạnh phúc")
    maker.columns("Số: 45/KH-UBND", "Bến Tre, ngày 05 tháng 3 năm 2021")
    maker.line("")
    maker.line("KẾ HOẠCH", x=270)
    maker.line("Kiểm soát thủ tục hành chính năm 2021", x=200)
    maker.line("")
    maker.line("Căn cứ Nghị định số 63/2010/NĐ-CP ngày 08/6/2010 của Chính phủ về kiểm soát thủ "
               "tục hành chính;")
    maker.line("")


def test_pdf_header_tables_across_pages_merges_and_appendix():
    maker = PdfMaker()
    maker.page_numbers = True
    _pdf_header(maker)
    rows = [PDF_HEAD, ["I", ("Rà soát thủ tục hành chính", 4)]]
    for n in range(1, 31):
        rows.append([str(n), f"Nhiệm vụ rà soát số {n} của các cơ quan, đơn vị trên địa bàn tỉnh",
                     "Sở Tư pháp", "Các Sở, ban, ngành tỉnh", "Tháng 6 năm 2021"])
    rows.append(["", "", "UBND cấp huyện", "Sở Tư pháp", None])       # merged deadline
    maker.table(rows, WIDTHS, header_rows=1)
    assert len(maker.pages) >= 2, "the table must run onto a second page"
    maker.line("")
    maker.line("PHỤ LỤC 2")
    maker.line("NHIỆM VỤ KHÁC")
    maker.table([PDF_HEAD, ["1", "Tổng kết", "Sở Tư pháp", "", "Tháng 12 năm 2021"]], WIDTHS, 1)
    reading = read_plan(maker.bytes(), "kh.pdf")
    h = reading.header
    assert (h.number, h.issued_date, h.issuer, h.year) == ("45/KH-UBND", date(2021, 3, 5),
                                                           "UBND tỉnh Bến Tre", 2021)
    assert h.title == "Kiểm soát thủ tục hành chính năm 2021"
    assert [t.ref for t in reading.tasks] == [f"I.{n}" for n in range(1, 31)] + ["PL2.1"]
    last = reading.tasks[29]
    assert len(last.assignments) == 2 and "merged_deadline" in codes(last.assignments[1].warnings)
    assert all(t.assignments[0].deadline.due == date(2021, 6, 30) for t in reading.tasks[:30])
    assert reading.tasks[-1].section.title == "NHIỆM VỤ KHÁC"
    assert "row_after_table" not in all_codes(reading)


def test_pdf_reads_like_the_same_plan_in_text():
    """A row broken by a page break continues on the next page, as in the text form."""
    maker = PdfMaker()
    _pdf_header(maker)
    maker.table([PDF_HEAD, ["1", "Triển khai rà soát quy định hành chính của", "Sở Tư pháp",
                            "", "Quý III/2021"]], WIDTHS, 1)
    maker.new_page()
    maker.table([PDF_HEAD, ["", "các cơ quan, đơn vị.", "", "", ""],
                 ["2", "Báo cáo kết quả", "Sở Tư pháp", "Các Sở, ban, ngành tỉnh", "Tháng 12 năm 2021"]],
                WIDTHS, 1)
    reading = read_plan(maker.bytes(), "kh.pdf")
    text = "\n".join([
        "ỦY BAN NHÂN DÂN", "TỈNH BẾN TRE", "", "Số: 45/KH-UBND", "",
        "Bến Tre, ngày 05 tháng 3 năm 2021", "", "KẾ HOẠCH", "Kiểm soát thủ tục hành chính năm 2021",
        "", "Căn cứ Nghị định số 63/2010/NĐ-CP ngày 08/6/2010 của Chính phủ về kiểm soát thủ tục "
        "hành chính;", "",
        "\t".join(PDF_HEAD), "1\tTriển khai rà soát quy định hành chính của\tSở Tư pháp\t\tQuý III/2021",
        "", "\t".join(PDF_HEAD), "\tcác cơ quan, đơn vị.\t\t\t",
        "2\tBáo cáo kết quả\tSở Tư pháp\tCác Sở, ban, ngành tỉnh\tTháng 12 năm 2021"])
    expected = read_plan_text(text, "kh.txt")
    assert normalised(reading)["tasks"] == normalised(expected)["tasks"]
    assert normalised(reading)["plan"] == normalised(expected)["plan"]


@pytest.mark.parametrize("stem", ["ca-mau-2016-2017-de-an-cai-cach-hanh-chinh",
                                  "kien-giang-2017-khac-phuc-cai-cach-hanh-chinh"])
def test_prose_seed_docx_proposes_the_same_tasks_as_its_text(stem):
    """The prose programmes as Word documents (seed_plans/build_samples.py): the same
    candidates, owners and deadlines as the text conversion."""
    from tracker.reading.plan import read_plan as _read

    def summary(reading):
        return [(t.content, [([m.text for m in a.lead], a.deadline.due) for a in t.assignments])
                for t in reading.prose_tasks]
    text = _read((SEEDS / f"{stem}.txt").read_bytes(), f"{stem}.txt")
    docx = _read((SEEDS / f"{stem}.docx").read_bytes(), f"{stem}.docx")
    assert text.tasks == [] and docx.tasks == []
    assert summary(docx) == summary(text)
