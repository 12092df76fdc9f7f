"""Synthetic plans in forms the seeds do not show: other column orders and wordings, other
header layouts, Unicode and line-ending variants, section styles, page breaks, sub-rows,
owner phrases, split cells, appendices, deadline families and bad input.

Each plan is small and written the way a careful author's Word document would come out of a
conversion to text (cells separated by TAB, one table row per line). Assertions are on
structure (task count, refs, content starts, owners, deadline kinds and dates, warning
codes), never on exact messages.
"""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from tracker.reading.owners import read_owners
from tracker.reading.plan import read_plan, read_plan_text
from tracker.reading.result import NotAPlanError, PlanReading, TaskReading

# -- building plans -------------------------------------------------------------------------

def T(*cells: str) -> str:
    """One table row."""
    return "\t".join(cells)


PROVINCE_HEAD = [
    "ỦY BAN NHÂN DÂN",
    "TỈNH BẾN TRE",
    "",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "",
    "Số: 45/KH-UBND",
    "",
    "Bến Tre, ngày 05 tháng 3 năm 2021",
    "",
    "KẾ HOẠCH",
    "Kiểm soát thủ tục hành chính năm 2021",
    "",
    "Căn cứ Nghị định số 63/2010/NĐ-CP ngày 08/6/2010 của Chính phủ về kiểm soát thủ tục "
    "hành chính;",
    "",
    "Ủy ban nhân dân tỉnh ban hành Kế hoạch kiểm soát thủ tục hành chính năm 2021 như sau:",
    "",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "",
    "- Nâng cao hiệu quả công tác kiểm soát thủ tục hành chính trên địa bàn tỉnh.",
    "",
    "II. NỘI DUNG",
    "",
]

TAIL = [
    "",
    "III. TỔ CHỨC THỰC HIỆN",
    "",
    "1. Sở Tư pháp chủ trì, theo dõi, đôn đốc các cơ quan, đơn vị triển khai thực hiện Kế hoạch này.",
    "",
    "Nơi nhận:",
    "- Như trên;",
    "- Lưu: VT.",
    "",
    "TM. ỦY BAN NHÂN DÂN",
    "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "",
    "Nguyễn Văn An",
]

FIVE = T("TT", "Nội dung công việc", "Kết quả công việc", "Phân công thực hiện",
         "Thời gian thực hiện")
SIX = T("TT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp", "Dự kiến sản phẩm",
        "Thời gian thực hiện")


def plan(*table: str, head: list[str] | None = None, tail: list[str] | None = None) -> str:
    return "\n".join((PROVINCE_HEAD if head is None else head) + list(table)
                     + (TAIL if tail is None else tail))


def read(*table: str, **kw) -> PlanReading:
    return read_plan_text(plan(*table, **kw), "synthetic.txt")


def refs(reading: PlanReading) -> list[str]:
    return [t.ref for t in reading.tasks]


def codes(task: TaskReading) -> set[str]:
    found = {w.code for w in task.warnings}
    for a in task.assignments:
        found |= {w.code for w in a.warnings}
    return found


def texts(mentions) -> list[str]:
    return [m.text for m in mentions]


def all_codes(reading: PlanReading) -> set[str]:
    found = {w.code for w in reading.warnings}
    for t in reading.tasks:
        found |= codes(t)
    return found


# -- columns in other orders and wordings ---------------------------------------------------

def test_five_columns_stt_nhiem_vu_don_vi_thoi_han_san_pham():
    reading = read(
        T("STT", "Nhiệm vụ", "Đơn vị thực hiện", "Thời hạn hoàn thành", "Sản phẩm"),
        T("I", "Công bố, công khai thủ tục hành chính", "", "", ""),
        T("1", "Cập nhật, công bố danh mục thủ tục hành chính mới ban hành.", "Sở Tư pháp",
          "Quý II/2021", "Quyết định công bố của Chủ tịch UBND tỉnh"),
        T("2", "Niêm yết, công khai thủ tục hành chính tại Trung tâm Phục vụ hành chính công.",
          "Văn phòng UBND tỉnh", "Thường xuyên", "Thủ tục hành chính được niêm yết đầy đủ"),
        T("II", "Rà soát, đơn giản hóa thủ tục hành chính", "", "", ""),
        T("1", "Xây dựng Kế hoạch rà soát thủ tục hành chính năm 2021.", "Sở Tư pháp",
          "Tháng 3/2021", "Kế hoạch rà soát"),
    )
    assert refs(reading) == ["I.1", "I.2", "II.1"]
    assert [s.title for s in reading.sections] == [
        "Công bố, công khai thủ tục hành chính", "Rà soát, đơn giản hóa thủ tục hành chính"]
    first, second, third = reading.tasks
    assert first.content.startswith("Cập nhật, công bố danh mục")
    (a,) = first.assignments
    assert texts(a.lead) == ["Sở Tư pháp"] and a.coordinate == []
    assert a.output == "Quyết định công bố của Chủ tịch UBND tỉnh"
    assert a.deadline.kind == "date" and a.deadline.due == date(2021, 6, 30)
    assert a.deadline.text == "Quý II/2021"
    assert texts(second.assignments[0].lead) == ["Văn phòng UBND tỉnh"]
    assert second.assignments[0].deadline.kind == "continuous"
    assert third.assignments[0].deadline.due == date(2021, 3, 31)
    assert third.assignments[0].output == "Kế hoạch rà soát"


def test_five_columns_so_tt_noi_dung_thuc_hien_co_quan_tien_do_ket_qua_dau_ra():
    reading = read(
        T("Số TT", "Nội dung thực hiện", "Cơ quan thực hiện", "Tiến độ", "Kết quả đầu ra"),
        T("I.", "Thông tin, tuyên truyền", "", "", ""),
        T("1.", "Tuyên truyền về công tác kiểm soát thủ tục hành chính trên Báo Bến Tre.",
          "Sở Thông tin và Truyền thông", "Năm 2021", "Tin, bài, phóng sự"),
        T("2.", "Cập nhật tin, bài lên Cổng thông tin điện tử tỉnh.", "Văn phòng UBND tỉnh",
          "Hằng quý", "Tin, bài được đăng tải"),
    )
    assert refs(reading) == ["I.1", "I.2"]
    first, second = reading.tasks
    assert first.number == "1"
    assert first.content.startswith("Tuyên truyền về công tác")
    assert texts(first.assignments[0].lead) == ["Sở Thông tin và Truyền thông"]
    assert first.assignments[0].output == "Tin, bài, phóng sự"
    assert first.assignments[0].deadline.kind == "date"
    assert first.assignments[0].deadline.due == date(2021, 12, 31)
    assert second.assignments[0].deadline.kind == "recurring"
    assert second.assignments[0].output == "Tin, bài được đăng tải"


def test_six_columns_with_note_column():
    reading = read(
        T("TT", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian", "Ghi chú"),
        T("I", "Kiểm tra việc thực hiện thủ tục hành chính", "", "", "", ""),
        T("1", "Kiểm tra công tác kiểm soát thủ tục hành chính tại các sở, ngành.", "Sở Tư pháp",
          "Văn phòng UBND tỉnh; Sở Nội vụ", "Quý III/2021", "Theo kế hoạch kiểm tra"),
        T("2", "Tự kiểm tra tại đơn vị.", "Các sở, ban, ngành tỉnh", "", "Tháng 10/2021", ""),
    )
    assert refs(reading) == ["I.1", "I.2"]
    first, second = reading.tasks
    (a,) = first.assignments
    assert texts(a.lead) == ["Sở Tư pháp"]
    assert texts(a.coordinate) == ["Văn phòng UBND tỉnh", "Sở Nội vụ"]
    assert a.deadline.due == date(2021, 9, 30)
    # A note is neither an output nor an owner nor part of the content.
    assert "Theo kế hoạch kiểm tra" not in a.output
    assert "Theo kế hoạch kiểm tra" not in first.content
    (b,) = second.assignments
    assert b.lead[0].group == "provincial_departments"
    assert b.deadline.due == date(2021, 10, 31)


def test_six_columns_in_another_order_output_before_owners():
    reading = read(
        T("STT", "Nhiệm vụ", "Sản phẩm", "Thời hạn", "Chủ trì", "Phối hợp"),
        T("1", "Xây dựng báo cáo kiểm soát thủ tục hành chính.", "Báo cáo", "Quý IV/2021",
          "Sở Tư pháp", "UBND các huyện, thị xã, thành phố"),
    )
    (task,) = reading.tasks
    assert task.ref == "1"
    (a,) = task.assignments
    assert a.output == "Báo cáo"
    assert texts(a.lead) == ["Sở Tư pháp"]
    assert [m.group for m in a.coordinate] == ["district_committees"]
    assert a.deadline.due == date(2021, 12, 31)


@pytest.mark.parametrize("budget", ["Kinh phí", "Kinh phí (triệu đồng)", "Nguồn kinh phí"])
def test_seven_columns_with_budget_column(budget):
    # Programmes (Đề án, Chương trình) usually add a budget column.
    reading = read(
        T("TT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện", budget,
          "Ghi chú"),
        T("1", "Xây dựng phần mềm một cửa điện tử.", "Sở Thông tin và Truyền thông",
          "Văn phòng UBND tỉnh", "Quý III/2021", "500", ""),
    )
    (task,) = reading.tasks
    (a,) = task.assignments
    assert texts(a.lead) == ["Sở Thông tin và Truyền thông"]
    assert texts(a.coordinate) == ["Văn phòng UBND tỉnh"]
    assert a.deadline.due == date(2021, 9, 30)


def test_two_row_header_with_merged_owner_heading():
    # Word tables often merge "Phân công thực hiện" over two sub-columns.
    reading = read(
        T("TT", "Nội dung công việc", "Phân công thực hiện", "", "Thời gian hoàn thành",
          "Sản phẩm"),
        T("", "", "Chủ trì", "Phối hợp", "", ""),
        T("1", "Rà soát thủ tục hành chính thuộc phạm vi quản lý.", "Sở Tư pháp",
          "Các sở, ban, ngành tỉnh", "Quý II/2021", "Báo cáo rà soát"),
        T("2", "Công bố thủ tục hành chính.", "Văn phòng UBND tỉnh", "Sở Tư pháp",
          "Thường xuyên", "Quyết định công bố"),
    )
    assert refs(reading) == ["1", "2"]
    a = reading.tasks[0].assignments[0]
    assert texts(a.lead) == ["Sở Tư pháp"]
    assert [m.group for m in a.coordinate] == ["provincial_departments"]
    assert a.output == "Báo cáo rà soát"


@pytest.mark.parametrize("numbers", [("(1)", "(2)", "(3)", "(4)", "(5)"),
                                     ("1", "2", "3", "4", "5")])
def test_column_number_row_under_header_is_not_a_task(numbers):
    reading = read(
        FIVE,
        T(*numbers),
        T("I", "Rà soát thủ tục hành chính", "", "", ""),
        T("1", "Rà soát thủ tục hành chính năm 2021.", "Báo cáo rà soát", "Sở Tư pháp",
          "Quý II/2021"),
    )
    assert refs(reading) == ["I.1"]
    assert reading.tasks[0].content.startswith("Rà soát thủ tục")


# -- header -----------------------------------------------------------------------------------

def _table() -> list[str]:
    return [FIVE, T("1", "Rà soát thủ tục hành chính.", "Báo cáo", "Sở Tư pháp", "Quý I")]


def test_provincial_header_on_separate_lines():
    reading = read(*_table())
    h = reading.header
    assert h.number == "45/KH-UBND"
    assert h.issued_date == date(2021, 3, 5)
    assert h.place == "Bến Tre"
    assert h.kind == "Kế hoạch"
    assert h.title.startswith("Kiểm soát thủ tục hành chính năm 2021")
    assert h.issuer == "UBND tỉnh Bến Tre"
    assert h.year == 2021
    assert reading.tasks[0].assignments[0].deadline.due == date(2021, 3, 31)


def test_title_on_two_lines():
    head = PROVINCE_HEAD[:11] + ["Kiểm soát thủ tục hành chính", "trên địa bàn tỉnh Bến Tre năm 2021"] \
        + PROVINCE_HEAD[12:]
    reading = read(*_table(), head=head)
    assert reading.header.title == "Kiểm soát thủ tục hành chính trên địa bàn tỉnh Bến Tre năm 2021"


@pytest.mark.parametrize("rule", [
    "_______________",
    "---------------",
])
def test_title_followed_by_typed_rule(rule):
    head = PROVINCE_HEAD[:12] + [rule] + PROVINCE_HEAD[12:]
    reading = read(*_table(), head=head)
    assert reading.header.title == "Kiểm soát thủ tục hành chính năm 2021"


def test_provincial_header_as_two_column_table():
    head = [
        T("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        T("TỈNH BẾN TRE", "Độc lập - Tự do - Hạnh phúc"),
        "",
        T("Số: 45/KH-UBND", "Bến Tre, ngày 05 tháng 3 năm 2021"),
        "",
    ] + PROVINCE_HEAD[10:]
    reading = read(*_table(), head=head)
    h = reading.header
    assert h.number == "45/KH-UBND"
    assert h.issued_date == date(2021, 3, 5)
    assert h.place == "Bến Tre"
    assert h.issuer == "UBND tỉnh Bến Tre"
    assert refs(reading) == ["1"]


@pytest.mark.parametrize("line", ["Số:12 /KH-UBND", "Số: 12/KH-UBND", "Số :  12 /KH-UBND",
                                  "Số: 12 / KH-UBND", "Số:\u00a012/KH-UBND"])
def test_number_spacing_variants(line):
    head = [line if head_line.startswith("Số:") else head_line for head_line in PROVINCE_HEAD]
    reading = read(*_table(), head=head)
    assert reading.header.number == "12/KH-UBND"


def test_issue_date_with_single_digit_day_and_italics():
    head = [("*Bến Tre, ngày 5 tháng 03 năm 2021*" if "ngày 05" in head_line else head_line)
            for head_line in PROVINCE_HEAD]
    reading = read(*_table(), head=head)
    assert reading.header.issued_date == date(2021, 3, 5)
    assert reading.header.place == "Bến Tre"


def _district_head(issuer_lines: list[str], sentence: bool = True) -> list[str]:
    head = issuer_lines + PROVINCE_HEAD[2:]
    head = [head_line.replace("Bến Tre, ngày", "Cần Giuộc, ngày").replace("nhân dân tỉnh", "nhân dân huyện")
            .replace("địa bàn tỉnh", "địa bàn huyện") for head_line in head]
    if not sentence:
        head = [head_line for head_line in head if not head_line.startswith("Ủy ban nhân dân huyện ban hành")]
    return head


def test_district_issuer_on_two_lines():
    head = _district_head(["ỦY BAN NHÂN DÂN", "HUYỆN CẦN GIUỘC"], sentence=False)
    reading = read(*_table(), head=head)
    assert reading.header.issuer == "UBND huyện Cần Giuộc"
    assert reading.header.place == "Cần Giuộc"


def test_district_issuer_abbreviated_on_one_line():
    # No opening sentence naming the issuer: only the header line says who issues the plan.
    head = _district_head(["UBND HUYỆN CẦN GIUỘC"], sentence=False)
    reading = read(*_table(), head=head)
    assert reading.header.issuer == "UBND huyện Cần Giuộc"


def test_district_issuer_abbreviated_on_one_line_with_opening_sentence():
    head = _district_head(["UBND HUYỆN CẦN GIUỘC"])
    reading = read(*_table(), head=head)
    assert reading.header.issuer == "UBND huyện Cần Giuộc"


def test_plan_year_from_title_when_issued_the_year_before():
    head = [head_line.replace("ngày 05 tháng 3 năm 2021", "ngày 28 tháng 12 năm 2020") for head_line in PROVINCE_HEAD]
    reading = read(*_table(), head=head)
    assert reading.header.issued_date == date(2020, 12, 28)
    assert reading.header.year == 2021
    assert reading.tasks[0].assignments[0].deadline.due == date(2021, 3, 31)


# -- Unicode forms and line endings -----------------------------------------------------------

def _rich_plan() -> str:
    return plan(
        SIX,
        T("<b>I</b>", "<b>Rà soát, đơn giản hóa thủ tục hành chính</b>", "", "", "", ""),
        T("1", "Rà soát thủ tục hành chính trong lĩnh vực đất đai của", "Sở Tài nguyên và Môi trường",
          "UBND các huyện, thị xã, thành phố", "Báo cáo rà soát", "Quý II/2021"),
        "",
        T("", "các sở, ngành và địa phương.", "", "", "", ""),
        T("", "", "Sở Tư pháp", "Các sở, ban, ngành tỉnh", "Báo cáo tổng hợp", ""),
        T("2", "Báo cáo tình hình kiểm soát thủ tục hành chính.", "Sở Tư pháp chủ trì, phối hợp "
          "với Văn phòng UBND tỉnh", "các đơn vị có liên quan", "Báo cáo",
          "Trước ngày 15/6 và 15/12 hằng năm"),
    )


def test_nfd_input_reads_like_nfc():
    text = _rich_plan()
    nfc_reading = read_plan_text(unicodedata.normalize("NFC", text), "p.txt")
    nfd_reading = read_plan_text(unicodedata.normalize("NFD", text), "p.txt")
    assert nfd_reading.as_json() == nfc_reading.as_json()
    assert nfd_reading.header.issuer == "UBND tỉnh Bến Tre"
    assert refs(nfd_reading) == ["I.1", "I.2"]
    # Stored text is NFC.
    assert nfd_reading.tasks[0].content == unicodedata.normalize("NFC", nfd_reading.tasks[0].content)


def test_crlf_reads_like_lf():
    text = _rich_plan()
    lf = read_plan_text(text, "p.txt")
    crlf = read_plan_text(text.replace("\n", "\r\n"), "p.txt")
    assert crlf.as_json() == lf.as_json()
    assert all(not t.content.endswith("\r") for t in crlf.tasks)


@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                          ("utf-16-le", b"\xff\xfe")])
def test_bytes_from_word_save_as_text(encoding, bom):
    text = _rich_plan()
    data = bom + text.replace("\n", "\r\n").encode(encoding)
    reading = read_plan(data, "p.txt")
    assert reading.as_json()["tasks"] == read_plan_text(text, "p.txt").as_json()["tasks"]
    assert reading.header.number == "45/KH-UBND"


# -- sections -----------------------------------------------------------------------------------

@pytest.mark.parametrize("first,second", [
    (("<b>I</b>", "<b>Công bố thủ tục hành chính</b>"), ("<b>II</b>", "<b>Rà soát thủ tục hành chính</b>")),
    (("I.", "Công bố thủ tục hành chính"), ("II.", "Rà soát thủ tục hành chính")),
    (("I", "CÔNG BỐ THỦ TỤC HÀNH CHÍNH"), ("II", "RÀ SOÁT THỦ TỤC HÀNH CHÍNH")),
    (("I. Công bố thủ tục hành chính", ""), ("II. Rà soát thủ tục hành chính", "")),
    (("<b>I. Công bố thủ tục hành chính</b>", ""), ("<b>II. Rà soát thủ tục hành chính</b>", "")),
    (("", "I. Công bố thủ tục hành chính"), ("", "II. Rà soát thủ tục hành chính")),
    (("I", "Công bố thủ tục hành chính"), ("II", "Rà soát thủ tục hành chính")),
], ids=["bold", "dotted", "upper", "one-cell", "one-cell-bold", "in-content-cell", "plain"])
def test_section_row_styles(first, second):
    reading = read(
        FIVE,
        T(*first, "", "", ""),
        T("1", "Công bố danh mục thủ tục hành chính mới.", "Quyết định", "Sở Tư pháp", "Quý I"),
        T("2", "Công khai thủ tục hành chính.", "Niêm yết", "Văn phòng UBND tỉnh", "Thường xuyên"),
        T(*second, "", "", ""),
        T("1", "Rà soát thủ tục hành chính.", "Báo cáo", "Sở Tư pháp", "Quý II"),
    )
    assert refs(reading) == ["I.1", "I.2", "II.1"]
    assert [s.numbering for s in reading.sections] == ["I", "II"]
    assert reading.sections[0].title.lower() == "công bố thủ tục hành chính"
    assert reading.tasks[2].section.title.lower() == "rà soát thủ tục hành chính"
    assert not any(t.content.lower().startswith(("công bố thủ tục", "rà soát thủ tục hành chính"))
                   and not t.assignments[0].lead for t in reading.tasks)


def test_letter_sections():
    reading = read(
        FIVE,
        T("A", "NHIỆM VỤ TRỌNG TÂM", "", "", ""),
        T("1", "Rà soát thủ tục hành chính.", "Báo cáo", "Sở Tư pháp", "Quý II"),
        T("2", "Công bố thủ tục hành chính.", "Quyết định", "Sở Tư pháp", "Thường xuyên"),
        T("B", "NHIỆM VỤ THƯỜNG XUYÊN", "", "", ""),
        T("1", "Báo cáo định kỳ.", "Báo cáo", "Sở Tư pháp", "Hằng quý"),
    )
    assert refs(reading) == ["A.1", "A.2", "B.1"]
    assert [s.title for s in reading.sections] == ["NHIỆM VỤ TRỌNG TÂM", "NHIỆM VỤ THƯỜNG XUYÊN"]


def test_plan_without_sections_uses_plain_numbers():
    reading = read(
        FIVE,
        T("1", "Rà soát thủ tục hành chính.", "Báo cáo", "Sở Tư pháp", "Quý II"),
        T("2", "Công bố thủ tục hành chính.", "Quyết định", "Sở Tư pháp", "Thường xuyên"),
        T("3", "Báo cáo định kỳ.", "Báo cáo", "Sở Tư pháp", "Hằng quý"),
    )
    assert refs(reading) == ["1", "2", "3"]
    assert all(t.section is None for t in reading.tasks)
    assert reading.sections == []


def test_repeated_section_number_is_renumbered():
    reading = read(
        FIVE,
        T("I", "Công bố thủ tục hành chính", "", "", ""),
        T("1", "Công bố thủ tục hành chính.", "Quyết định", "Sở Tư pháp", "Quý I"),
        T("II", "Rà soát thủ tục hành chính", "", "", ""),
        T("1", "Rà soát thủ tục hành chính.", "Báo cáo", "Sở Tư pháp", "Quý II"),
        T("II", "Kiểm tra thực hiện thủ tục hành chính", "", "", ""),
        T("1", "Kiểm tra tại các sở, ngành.", "Báo cáo kiểm tra", "Sở Tư pháp", "Quý III"),
    )
    assert [s.numbering for s in reading.sections] == ["I", "II", "III"]
    assert refs(reading) == ["I.1", "II.1", "III.1"]
    assert reading.tasks[2].section.title == "Kiểm tra thực hiện thủ tục hành chính"
    assert "repeated_section_number" in {w.code for w in reading.warnings}


def test_repeated_page_header_in_the_middle_of_a_section():
    reading = read(
        FIVE,
        T("I", "Công bố thủ tục hành chính", "", "", ""),
        T("1", "Công bố thủ tục hành chính.", "Quyết định", "Sở Tư pháp", "Quý I"),
        T("2", "Công khai thủ tục hành chính.", "Niêm yết", "Văn phòng UBND tỉnh", "Thường xuyên"),
        "",
        FIVE,
        T("3", "Cập nhật thủ tục hành chính lên Cơ sở dữ liệu quốc gia.", "Dữ liệu được cập nhật",
          "Sở Tư pháp", "Thường xuyên"),
        "",
        T("<b>TT</b>", "<b>Nội dung công việc</b>", "<b>Kết quả công việc</b>",
          "<b>Phân công thực hiện</b>", "<b>Thời gian thực hiện</b>"),
        T("4", "Kiểm tra việc niêm yết.", "Báo cáo", "Sở Tư pháp", "Quý IV"),
    )
    assert refs(reading) == ["I.1", "I.2", "I.3", "I.4"]
    assert [s.numbering for s in reading.sections] == ["I"]
    assert not any("Nội dung công việc" in t.content for t in reading.tasks)
    assert reading.tasks[2].content.startswith("Cập nhật thủ tục")


# -- page breaks and sub-rows -----------------------------------------------------------------

def test_task_broken_by_page_break():
    reading = read(
        FIVE,
        T("I", "Rà soát thủ tục hành chính", "", "", ""),
        T("1", "Tổ chức rà soát các thủ tục hành chính thuộc thẩm quyền giải quyết của",
          "Báo cáo kết quả rà soát, đề xuất phương án đơn giản hóa gửi", "Sở Tư pháp",
          "Quý II/2021"),
        "",
        T("", "cấp huyện, cấp xã trên địa bàn tỉnh.", "về Bộ Tư pháp.", "", ""),
        T("2", "Công bố thủ tục hành chính.", "Quyết định", "Sở Tư pháp", "Thường xuyên"),
    )
    assert refs(reading) == ["I.1", "I.2"]
    task = reading.tasks[0]
    assert task.content == ("Tổ chức rà soát các thủ tục hành chính thuộc thẩm quyền giải quyết "
                            "của cấp huyện, cấp xã trên địa bàn tỉnh.")
    (a,) = task.assignments
    assert a.output.endswith("gửi về Bộ Tư pháp.")
    assert texts(a.lead) == ["Sở Tư pháp"]
    assert a.deadline.due == date(2021, 6, 30)


def test_task_broken_by_page_break_with_repeated_header():
    reading = read(
        SIX,
        T("I", "Rà soát thủ tục hành chính", "", "", "", ""),
        T("1", "Tổ chức rà soát các thủ tục hành chính thuộc thẩm quyền giải quyết của",
          "Sở Tư pháp", "Các sở, ban, ngành tỉnh", "Báo cáo kết quả rà soát gửi", "Quý II/2021"),
        "",
        SIX,
        T("", "cấp huyện, cấp xã trên địa bàn tỉnh.", "", "", "về Bộ Tư pháp.", ""),
        T("2", "Công bố thủ tục hành chính.", "Văn phòng UBND tỉnh", "", "Quyết định", "Thường xuyên"),
    )
    assert refs(reading) == ["I.1", "I.2"]
    task = reading.tasks[0]
    assert task.content.endswith("của cấp huyện, cấp xã trên địa bàn tỉnh.")
    (a,) = task.assignments
    assert a.output == "Báo cáo kết quả rà soát gửi về Bộ Tư pháp."
    assert [m.group for m in a.coordinate] == ["provincial_departments"]


def test_owner_name_broken_by_page_break():
    reading = read(
        FIVE,
        T("1", "Rà soát thủ tục hành chính trong lĩnh vực đất đai, môi trường của", "Báo cáo rà soát",
          "Sở Tài nguyên và", "Quý II/2021"),
        "",
        T("", "các huyện, thị xã, thành phố.", "", "Môi trường", ""),
    )
    (task,) = reading.tasks
    assert task.content.endswith("môi trường của các huyện, thị xã, thành phố.")
    (a,) = task.assignments
    assert texts(a.lead) == ["Sở Tài nguyên và Môi trường"]


def test_sub_rows_with_their_own_owner_output_and_deadline():
    reading = read(
        FIVE,
        T("1", "Rà soát quy định, thủ tục hành chính năm 2021.", "Văn bản đăng ký rà soát.",
          "Các sở, ban, ngành tỉnh; UBND các huyện, thị xã, thành phố.", "Tháng 01/2021"),
        T("", "", "Tổng hợp, trình UBND tỉnh ban hành Kế hoạch rà soát.", "Sở Tư pháp.",
          "Tháng 02/2021"),
        T("", "", "Báo cáo kết quả rà soát.", "Sở Tư pháp.", "Quý III/2021"),
        T("2", "Công bố thủ tục hành chính.", "Quyết định", "Sở Tư pháp", "Thường xuyên"),
    )
    assert refs(reading) == ["1", "2"]
    a, b, c = reading.tasks[0].assignments
    assert [m.group for m in a.lead] == ["provincial_departments", "district_committees"]
    assert a.deadline.due == date(2021, 1, 31)
    assert texts(b.lead) == ["Sở Tư pháp"]
    assert b.output.startswith("Tổng hợp, trình UBND tỉnh")
    assert b.deadline.due == date(2021, 2, 28)
    assert c.deadline.due == date(2021, 9, 30)
    assert "merged_deadline" not in codes(reading.tasks[0])


def test_sub_row_with_empty_deadline_inherits():
    reading = read(
        FIVE,
        T("1", "Tổ chức bồi dưỡng nghiệp vụ kiểm soát thủ tục hành chính.", "Tổ chức các lớp tập huấn.",
          "Sở Tư pháp.", "Quý III/2021"),
        T("", "", "Cử cán bộ đầu mối tham gia tập huấn.", "Các sở, ban, ngành tỉnh; UBND cấp huyện.", ""),
    )
    (task,) = reading.tasks
    a, b = task.assignments
    assert [m.group for m in b.lead] == ["provincial_departments", "district_committees"]
    assert b.deadline.kind == a.deadline.kind == "date"
    assert b.deadline.due == a.deadline.due == date(2021, 9, 30)
    assert "merged_deadline" in {w.code for w in b.warnings}
    assert "merged_deadline" not in {w.code for w in a.warnings}


def test_sub_row_with_empty_owner_and_deadline_inherits_both():
    reading = read(
        SIX,
        T("1", "Kiểm tra công tác kiểm soát thủ tục hành chính.", "Sở Tư pháp", "Sở Nội vụ",
          "Kế hoạch kiểm tra.", "Quý II/2021"),
        T("", "", "", "", "Báo cáo kết quả kiểm tra.", ""),
    )
    (task,) = reading.tasks
    a, b = task.assignments
    assert texts(b.lead) == ["Sở Tư pháp"]
    assert b.output == "Báo cáo kết quả kiểm tra."
    assert b.deadline.due == date(2021, 6, 30)
    assert {"merged_owner", "merged_deadline"} <= {w.code for w in b.warnings}


# -- owners -----------------------------------------------------------------------------------

def test_owner_lead_then_coordinate():
    owners = read_owners("Sở Tài chính chủ trì, phối hợp với Sở Kế hoạch và Đầu tư")
    assert texts(owners.lead) == ["Sở Tài chính"]
    assert texts(owners.coordinate) == ["Sở Kế hoạch và Đầu tư"]


@pytest.mark.parametrize("cell,group", [
    ("UBND các huyện, thị xã, thành phố", "district_committees"),
    ("Ủy ban nhân dân các huyện, thị xã, thành phố", "district_committees"),
    ("UBND cấp huyện", "district_committees"),
    ("Các sở, ngành tỉnh", "provincial_departments"),
    ("Các Sở, ban, ngành tỉnh", "provincial_departments"),
    ("UBND các xã, phường, thị trấn", "communes"),
    ("UBND cấp xã", "communes"),
    ("Các phòng, ban, ngành cấp huyện", "district_offices"),
])
def test_owner_groups(cell, group):
    owners = read_owners(cell)
    assert len(owners.lead) == 1
    assert owners.lead[0].group == group
    assert not owners.lead[0].vague
    assert owners.lead[0].text == cell


@pytest.mark.parametrize("cell", ["các đơn vị có liên quan", "Các cơ quan, đơn vị liên quan",
                                  "Các địa phương"])
def test_owner_vague(cell):
    owners = read_owners(cell)
    assert len(owners.lead) == 1
    assert owners.lead[0].vague and owners.lead[0].group is None


def test_owner_list_in_one_cell():
    owners = read_owners("Sở Nội vụ; các sở, ban, ngành tỉnh; UBND các huyện, thị xã, thành phố")
    assert texts(owners.lead) == ["Sở Nội vụ", "các sở, ban, ngành tỉnh",
                                  "UBND các huyện, thị xã, thành phố"]
    assert [m.group for m in owners.lead] == [None, "provincial_departments", "district_committees"]


def test_owner_with_vague_partner():
    owners = read_owners("Sở Nội vụ chủ trì, phối hợp với các đơn vị có liên quan")
    assert texts(owners.lead) == ["Sở Nội vụ"]
    assert len(owners.coordinate) == 1 and owners.coordinate[0].vague


@pytest.mark.parametrize("cell,expected", [
    ("Sở Lao động - Thương binh và Xã hội", ["Sở Lao động - Thương binh và Xã hội"]),
    ("Sở Thông tin và Truyền thông", ["Sở Thông tin và Truyền thông"]),
    ("Công an tỉnh, Bộ Chỉ huy Quân sự tỉnh", ["Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh"]),
    ("Sở Tư pháp, Sở Nội vụ, Văn phòng UBND tỉnh", ["Sở Tư pháp", "Sở Nội vụ", "Văn phòng UBND tỉnh"]),
])
def test_owner_names_with_commas_and_va(cell, expected):
    assert texts(read_owners(cell).lead) == expected


def test_owners_in_a_table_six_columns():
    reading = read(
        SIX,
        T("1", "Triển khai cơ chế một cửa, một cửa liên thông.", "Sở Tài chính chủ trì, phối hợp với "
          "Sở Kế hoạch và Đầu tư", "UBND các huyện, thị xã, thành phố; các đơn vị có liên quan",
          "Báo cáo", "Năm 2021"),
    )
    (a,) = reading.tasks[0].assignments
    assert texts(a.lead) == ["Sở Tài chính"]
    assert texts(a.coordinate) == ["Sở Kế hoạch và Đầu tư", "UBND các huyện, thị xã, thành phố",
                                   "các đơn vị có liên quan"]
    assert [m.group for m in a.coordinate] == [None, "district_committees", None]
    assert [m.vague for m in a.coordinate] == [False, False, True]


# -- cells split or missing -----------------------------------------------------------------------

def test_owner_cell_split_in_two():
    reading = read(
        FIVE,
        T("1", "Rà soát thủ tục hành chính.", "Báo cáo rà soát", "Sở Nội vụ chủ trì,",
          "phối hợp với Sở Tư pháp", "Quý IV/2021"),
        T("2", "Công bố thủ tục hành chính.", "Quyết định", "Sở Tư pháp", "Thường xuyên"),
    )
    assert refs(reading) == ["1", "2"]
    task = reading.tasks[0]
    (a,) = task.assignments
    assert "split_cell" in codes(task)
    assert texts(a.lead) == ["Sở Nội vụ"]
    assert texts(a.coordinate) == ["Sở Tư pháp"]
    assert a.output == "Báo cáo rà soát"
    assert a.deadline.due == date(2021, 12, 31)


def test_content_cell_split_in_two():
    reading = read(
        FIVE,
        T("1", "Tổ chức tập huấn nghiệp vụ kiểm soát thủ tục hành chính cho",
          "cán bộ đầu mối các sở, ngành.", "Danh sách học viên", "Sở Tư pháp", "Quý II/2021"),
    )
    task = reading.tasks[0]
    (a,) = task.assignments
    assert "split_cell" in codes(task)
    assert task.content == ("Tổ chức tập huấn nghiệp vụ kiểm soát thủ tục hành chính cho "
                            "cán bộ đầu mối các sở, ngành.")
    assert a.output == "Danh sách học viên"
    assert texts(a.lead) == ["Sở Tư pháp"]
    assert a.deadline.due == date(2021, 6, 30)


def test_row_with_fewer_cells_than_header():
    reading = read(
        SIX,
        T("1", "Rà soát thủ tục hành chính.", "Sở Tư pháp", "Sở Nội vụ", "Báo cáo", "Quý I"),
        T("2", "Công bố thủ tục hành chính.", "Văn phòng UBND tỉnh"),
        T("3", "Kiểm tra thủ tục hành chính.", "Sở Tư pháp", "", "Báo cáo kiểm tra", "Quý III"),
    )
    assert refs(reading) == ["1", "2", "3"]
    short = reading.tasks[1]
    (a,) = short.assignments
    assert texts(a.lead) == ["Văn phòng UBND tỉnh"]
    assert a.coordinate == [] and a.output == ""
    assert a.deadline.kind == "unknown"
    assert reading.tasks[2].assignments[0].deadline.due == date(2021, 9, 30)


# -- appendices -------------------------------------------------------------------------------------

def _appendix_plan(caption1: str, caption2: str, sections: bool = True) -> str:
    body_tail = [
        "",
        "III. TỔ CHỨC THỰC HIỆN",
        "",
        "Các nội dung cụ thể theo Phụ lục I, Phụ lục II kèm theo Kế hoạch này.",
        "",
        "Nơi nhận:",
        "- Như trên;",
        "- Lưu: VT.",
        "",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "",
        "Nguyễn Văn An",
        "",
        caption1,
        "NHIỆM VỤ KIỂM SOÁT THỦ TỤC HÀNH CHÍNH NĂM 2021",
        "(Kèm theo Kế hoạch số 45/KH-UBND ngày 05/3/2021 của UBND tỉnh Bến Tre)",
        "",
        SIX,
    ]
    if sections:
        body_tail.append(T("I", "Rà soát thủ tục hành chính", "", "", "", ""))
    body_tail += [
        T("1", "Rà soát thủ tục hành chính.", "Sở Tư pháp", "", "Báo cáo", "Quý II"),
        T("2", "Công bố thủ tục hành chính.", "Văn phòng UBND tỉnh", "", "Quyết định", "Thường xuyên"),
        "",
        caption2,
        "NHIỆM VỤ THỰC HIỆN CƠ CHẾ MỘT CỬA, MỘT CỬA LIÊN THÔNG NĂM 2021",
        "(Kèm theo Kế hoạch số 45/KH-UBND ngày 05/3/2021 của UBND tỉnh Bến Tre)",
        "",
        SIX,
    ]
    if sections:
        body_tail.append(T("I", "Kiện toàn Trung tâm Phục vụ hành chính công", "", "", "", ""))
    body_tail += [
        T("1", "Kiện toàn Trung tâm Phục vụ hành chính công.", "Văn phòng UBND tỉnh", "Sở Nội vụ",
          "Quyết định", "Quý I"),
    ]
    head = PROVINCE_HEAD[:-4]   # no table in the body
    return "\n".join(head + body_tail)


@pytest.mark.parametrize("caption1,caption2", [
    ("PHỤ LỤC I", "PHỤ LỤC II"),
    ("**PHỤ LỤC I**", "**PHỤ LỤC II**"),
    ("Phụ lục 1", "Phụ lục 2"),
    ("PHỤ LỤC SỐ 01", "PHỤ LỤC SỐ 02"),
    ("Phụ lục 01", "Phụ lục 02"),
])
def test_two_appendices_with_sections(caption1, caption2):
    reading = read_plan_text(_appendix_plan(caption1, caption2), "p.txt")
    assert refs(reading) == ["PL1.I.1", "PL1.I.2", "PL2.I.1"]
    assert "repeated_section_number" not in all_codes(reading)
    assert reading.tasks[2].content.startswith("Kiện toàn Trung tâm")
    assert texts(reading.tasks[2].assignments[0].coordinate) == ["Sở Nội vụ"]
    assert reading.header.issuer == "UBND tỉnh Bến Tre"


def test_two_appendices_without_sections():
    reading = read_plan_text(_appendix_plan("PHỤ LỤC I", "PHỤ LỤC II", sections=False), "p.txt")
    assert refs(reading) == ["PL1.1", "PL1.2", "PL2.1"]


# -- deadlines ---------------------------------------------------------------------------------------

def test_deadline_families_in_a_table():
    reading = read(
        FIVE,
        T("1", "Nhiệm vụ một.", "Báo cáo", "Sở Tư pháp", "Quý IV/2021"),
        T("2", "Nhiệm vụ hai.", "Báo cáo", "Sở Tư pháp", "Trước ngày 15/6 và 15/12 hằng năm"),
        T("3", "Nhiệm vụ ba.", "Báo cáo", "Sở Tư pháp", "Hằng quý"),
        T("4", "Nhiệm vụ bốn.", "Báo cáo", "Sở Tư pháp", "Tháng 10/2021"),
        T("5", "Nhiệm vụ năm.", "Báo cáo", "Sở Tư pháp", "Năm 2021"),
        T("6", "Nhiệm vụ sáu.", "Báo cáo", "Sở Tư pháp", ""),
        T("7", "Nhiệm vụ bảy.", "Báo cáo", "Sở Tư pháp", "Thường xuyên"),
        T("8", "Nhiệm vụ tám.", "Báo cáo", "Sở Tư pháp", "Quý I"),
    )
    assert refs(reading) == [str(i) for i in range(1, 9)]
    d = [t.assignments[0].deadline for t in reading.tasks]
    assert (d[0].kind, d[0].start, d[0].due) == ("date", date(2021, 10, 1), date(2021, 12, 31))
    assert d[1].kind == "recurring"
    assert [o.due for o in d[1].occurrences] == [date(2021, 6, 15), date(2021, 12, 15)]
    assert d[2].kind == "recurring" and d[2].periods == ("quarterly",)
    assert len(d[2].occurrences) == 4
    assert all(o.due.year == 2021 for o in d[2].occurrences)
    assert (d[3].kind, d[3].start, d[3].due) == ("date", date(2021, 10, 1), date(2021, 10, 31))
    assert (d[4].kind, d[4].due) == ("date", date(2021, 12, 31))
    assert d[5].kind == "unknown" and d[5].text == ""
    assert "merged_deadline" not in codes(reading.tasks[5])
    assert d[6].kind == "continuous" and d[6].due is None
    assert d[7].due == date(2021, 3, 31)
    assert [x.text for x in d[:5]] == ["Quý IV/2021", "Trước ngày 15/6 và 15/12 hằng năm",
                                       "Hằng quý", "Tháng 10/2021", "Năm 2021"]


# -- text around the table ---------------------------------------------------------------------------

def test_signature_block_as_table_is_not_a_task():
    tail = [
        "",
        "III. TỔ CHỨC THỰC HIỆN",
        "",
        "Sở Tư pháp theo dõi, đôn đốc thực hiện Kế hoạch này.",
        "",
        T("Nơi nhận:", "TM. ỦY BAN NHÂN DÂN"),
        T("- Như trên;", "KT. CHỦ TỊCH"),
        T("- Lưu: VT.", "PHÓ CHỦ TỊCH"),
        T("", ""),
        T("", "Nguyễn Văn An"),
    ]
    reading = read(
        FIVE,
        T("1", "Rà soát thủ tục hành chính.", "Báo cáo", "Sở Tư pháp", "Quý II"),
        tail=tail,
    )
    assert refs(reading) == ["1"]


def test_prose_in_body_mentioning_columns_is_not_a_header():
    # A sentence that names column words must not open a table.
    reading = read(
        "Nội dung công việc, cơ quan chủ trì và thời gian thực hiện cụ thể như sau:",
        "",
        *_table(),
    )
    assert refs(reading) == ["1"]


# -- bad input --------------------------------------------------------------------------------------

def test_text_without_table():
    # Without a table, sentences that assign work are proposed as tasks (a prose plan) ...
    text = "\n".join(PROVINCE_HEAD + ["1. Sở Tư pháp chủ trì rà soát thủ tục hành chính."] + TAIL)
    reading = read_plan_text(text, "p.txt")
    assert reading.tasks == [] and reading.prose_tasks
    assert "prose_plan" in {w.code for w in reading.warnings}
    # ... and a text with neither a table nor such a sentence is not a plan.
    text = "\n".join(PROVINCE_HEAD + ["I. MỤC ĐÍCH", "- Làm tốt công tác cải cách hành chính."])
    with pytest.raises(NotAPlanError) as info:
        read_plan_text(text, "p.txt")
    assert info.value.code == "no_table"


def test_tab_separated_task_rows_without_a_header_are_proposals_not_a_table():
    text = "\n".join(PROVINCE_HEAD + [T("1", "Rà soát thủ tục hành chính.", "Sở Tư pháp", "Quý II")]
                     + TAIL)
    reading = read_plan_text(text, "p.txt")
    assert reading.tasks == [] and reading.prose_tasks[0].content == "Rà soát thủ tục hành chính."
    assert reading.prose_tasks[0].ref.startswith("BANG.")
    assert "headerless_table" in {w.code for w in reading.warnings}


@pytest.mark.parametrize("rows", [[FIVE], [FIVE, T("I", "Rà soát thủ tục hành chính", "", "", "")],
                                  [SIX, "", SIX]])
def test_table_header_without_rows(rows):
    with pytest.raises(NotAPlanError) as info:
        read(*rows)
    assert info.value.code == "empty_table"
