"""The periodic report (Word): its form (Decree 30/2020), its figures, table by agency and
overdue appendix against what the rows themselves say, worked out here without the
statistics module; the command line and the dashboard's download."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import holidays
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from sqlalchemy import select

from tracker.models import Agency, Assignment, Plan, StatusChange, Task
from tracker.plans.progress import report
from tracker.reports.periods import parse_period

from .conftest import STP_OFFICER, sign_in

TZ = "Asia/Ho_Chi_Minh"
UNRESOLVED = "(chưa xác định cơ quan)"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
JUSTICE = "Sở Tư pháp tỉnh Sóc Trăng"
HEALTH = "Sở Y tế tỉnh Sóc Trăng"
CATEGORIES = ("done_on_time", "done_late", "pending_on_time", "overdue")
#: the figures table's wording → what it counts
FIGURE_KEYS = {
    "Tổng số nhiệm vụ được giao": "assigned",
    "Trong đó: nhiệm vụ không thời hạn": "no_deadline",
    "Trong đó: nhiệm vụ đến hạn trong kỳ": "due_in_period",
    "Nhiệm vụ đã đến hạn": "fallen_due",
    "Hoàn thành đúng hạn": "done_on_time",
    "Hoàn thành quá hạn": "done_late",
    "Đang thực hiện trong hạn": "pending_on_time",
    "Trong đó: sắp đến hạn": "due_soon",
    "Quá hạn chưa hoàn thành": "overdue",
    "Trong đó: quá hạn trên 30 ngày": "long_overdue",
    "Chưa cập nhật tiến độ": "stale",
    "Nhiệm vụ kỳ trước chuyển sang": "carried_over",
    "Tỷ lệ hoàn thành": "completion_rate",
    "Tỷ lệ đúng hạn": "on_time_rate",
}
AGENCY_COLUMNS = ("assigned", "no_deadline", "fallen_due", "done_on_time", "done_late", "pending_on_time",
                  "overdue", "completion_rate", "on_time_rate")


def at(y: int, m: int, d: int, hour: int = 3, minute: int = 0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=UTC)


def _local(moment) -> date | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(ZoneInfo(TZ)).date()


def working_days_after(day: date, n: int) -> date:
    """The n-th weekday after ``day`` that is not a Vietnamese public holiday."""
    off = holidays.country_holidays("VN", years=range(day.year, day.year + 2))
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            n -= 1
    return day


# ---- the expectation, from the rows ----

def expected(session, plan: Plan, as_of: date, start: date | None, end: date | None,
             agency: str | None = None) -> dict:
    """Per agency name a Counter of every figure; the overdue items (agency, ref, days late,
    carried over) and the figures' totals."""
    soon_until = working_days_after(as_of, 7)
    reports: dict[tuple, date] = {}
    for change in session.scalars(select(StatusChange).where(StatusChange.kind == "report")):
        day = _local(change.changed_at)
        key = (change.assignment_id, change.occurrence_id)
        if day <= as_of and (key not in reports or reports[key] < day):
            reports[key] = day
    rows: dict[str, Counter] = defaultdict(Counter)
    overdue: list[tuple[str, str, int, bool]] = []
    carried = 0
    query = select(Assignment).join(Task).where(Task.plan_id == plan.id, Assignment.role == "lead")
    for a in session.scalars(query):
        name = a.agency.name if a.agency else UNRESOLVED
        if agency is not None and name != agency:
            continue
        units = ([(o.id, a.status if a.status in ("paused", "cancelled") else o.status, o.due, o.original_due,
                   o.completed_at, o.start) for o in a.occurrences] if a.occurrences else
                 [(None, a.status, a.deadline.due, a.original_due, a.completed_at, a.deadline.start)])
        for occurrence_id, status, due, original, completed, begins in units:
            done_on = _local(completed)
            if status == "done" and done_on and done_on > as_of:
                status = "in_progress"
            if status in ("paused", "cancelled"):
                continue
            mine = [d for d in (reports.get((a.id, occurrence_id)),
                                reports.get((a.id, None)) if occurrence_id else None) if d]
            since = max(mine) if mine else (begins or date(plan.year, 1, 1))
            stale = status != "done" and (as_of - since).days >= 30
            plan_due = original or due
            if plan_due is None:
                overlaps = ((start is None or start <= date(plan.year, 12, 31))
                            and (end is None or date(plan.year, 1, 1) <= end))
                if overlaps:
                    rows[name]["no_deadline"] += 1
                    rows[name]["stale"] += stale
                continue
            if status == "done":
                category = "done_on_time" if (done_on or as_of) <= plan_due else "done_late"
            else:
                category = "pending_on_time" if as_of <= plan_due else "overdue"
            late = (as_of - plan_due).days if category == "overdue" else 0
            if start is not None and plan_due < start:
                if category == "overdue":
                    carried += 1
                    overdue.append((name, a.task.ref, late, True))
                continue
            if end is not None and plan_due > end:
                continue
            row = rows[name]
            row[category] += 1
            row["stale"] += stale
            row["due_soon"] += category == "pending_on_time" and plan_due <= soon_until
            row["long_overdue"] += category == "overdue" and late > 30
            if category == "overdue":
                overdue.append((name, a.task.ref, late, False))
    totals = Counter()
    for row in rows.values():
        row["fallen_due"] = row["done_on_time"] + row["done_late"] + row["overdue"]
        row["due_in_period"] = sum(row[c] for c in CATEGORIES)
        row["assigned"] = row["due_in_period"] + row["no_deadline"]
        totals.update(row)
    totals["carried_over"] = carried
    return {"rows": dict(rows), "totals": totals, "overdue": overdue}


def rate(row: Counter, on_time: bool) -> str:
    fallen = row["done_on_time"] + row["done_late"] + row["overdue"]
    if not fallen:
        return "—"
    done = row["done_on_time"] if on_time else row["done_on_time"] + row["done_late"]
    return f"{100 * done / fallen:.1f}".replace(".", ",") + "%"


def wanted_value(want: Counter, key: str) -> str:
    if key == "completion_rate":
        return rate(want, False)
    if key == "on_time_rate":
        return rate(want, True)
    return str(want[key])


# ---- reading the document ----

def open_docx(data: bytes):
    return Document(BytesIO(data))


def cells(row) -> list[str]:
    """A row's cells' text, a merged cell once."""
    found, seen = [], set()
    for cell in row.cells:
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        found.append(cell.text.strip())
    return found


def table_starting(doc, first: str, second: str | None = None):
    for table in doc.tables:
        head = cells(table.rows[0])
        if head[0] == first and (second is None or head[1] == second):
            return table
    return None


def figures(doc) -> dict[str, str]:
    table = table_starting(doc, "STT", "Chỉ tiêu")
    assert table is not None, "no figures table"
    found = {}
    for row in table.rows[1:]:
        _stt, label, value = cells(row)
        key = next(k for prefix, k in FIGURE_KEYS.items() if label.startswith(prefix))
        found[key] = value
    return found


def body_text(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def check_form(doc) -> None:
    """Decree 30/2020: A4, the margins, Times New Roman 13-14, the motto, "Số:", and page
    numbers from page 2."""
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt in (13, 14)
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == fonts.get(qn("w:cs")) == "Times New Roman"
    for paragraph in doc.paragraphs:             # the body text: nothing smaller or another font
        for run in paragraph.runs:
            assert run.font.name in (None, "Times New Roman"), run.text
            assert run.font.size is None or run.font.size.pt in (13, 14), (run.text, run.font.size.pt)
    head = doc.tables[0]
    issuer, motto = (c.text for c in head.rows[0].cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in motto and "Độc lập - Tự do - Hạnh phúc" in motto
    assert re.search(r"^Số:\s+/BC-", head.rows[1].cells[0].text)
    assert re.search(r"ngày \d{2} tháng \d{1,2} năm \d{4}$", head.rows[1].cells[1].text)
    assert head._tbl.tblPr.find(qn("w:tblBorders")) is not None
    assert section.different_first_page_header_footer
    header = section.header._element.xml
    assert "PAGE" in "".join(t.text for t in section.header._element.iter(qn("w:instrText")))
    assert 'w:fldCharType="begin"' in header
    assert not list(section.first_page_header._element.iter(qn("w:instrText")))
    text = body_text(doc)
    assert "BÁO CÁO" in [p.text for p in doc.paragraphs]
    for heading in ("TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "NHIỆM VỤ THỜI GIAN TỚI", "ĐỀ XUẤT, KIẾN NGHỊ"):
        assert heading in text


def check_figures(doc, want: dict) -> None:
    got = figures(doc)
    totals = want["totals"]
    for key in FIGURE_KEYS.values():
        assert got[key] == wanted_value(totals, key), (key, got[key], totals)
    text = body_text(doc)
    assert "Tỷ lệ hoàn thành = (số nhiệm vụ hoàn thành đúng hạn + số nhiệm vụ hoàn thành quá hạn) / số nhiệm vụ " \
           "đã đến hạn." in text
    assert "Tỷ lệ đúng hạn = số nhiệm vụ hoàn thành đúng hạn / số nhiệm vụ đã đến hạn." in text


def check_agencies(doc, want: dict) -> None:
    table = table_starting(doc, "STT", "Cơ quan")
    assert table is not None
    assert cells(table.rows[0])[2:] == ["Tổng số", "Không thời hạn", "Đã đến hạn", "Hoàn thành đúng hạn",
                                        "Hoàn thành quá hạn", "Đang thực hiện trong hạn", "Quá hạn chưa hoàn thành",
                                        "Tỷ lệ hoàn thành", "Tỷ lệ đúng hạn"]
    body = [cells(r) for r in table.rows[1:-1]]
    assert {r[1] for r in body} == set(want["rows"])
    assert [int(r[0]) for r in body] == list(range(1, len(body) + 1))
    overdue = [int(r[8]) for r in body]
    assert overdue == sorted(overdue, reverse=True)              # most overdue first
    for row in body:
        expect = want["rows"][row[1]]
        assert row[2:] == [wanted_value(expect, k) for k in AGENCY_COLUMNS], row
    total = cells(table.rows[-1])
    assert total[0] == "Tổng cộng"
    assert total[1:] == [wanted_value(want["totals"], k) for k in AGENCY_COLUMNS]


def appendix_rows(doc) -> list[tuple[str, str, int, bool]]:
    """(agency, task reference, days late, carried over) of every item of the appendix."""
    table = table_starting(doc, "STT", "Nhiệm vụ")
    if table is None:
        return []
    assert cells(table.rows[0]) == ["STT", "Nhiệm vụ", "Thời hạn", "Số ngày quá hạn", "Giải trình của cơ quan"]
    found, agency = [], None
    for row in table.rows[1:]:
        texts = cells(row)
        if len(texts) == 1:                     # an agency's line: "I. Sở Y tế … (2 nhiệm vụ)"
            agency = re.match(r"^[IVXLCDM]+\. (.*) \(\d+ nhiệm vụ\)$", texts[0]).group(1)
            continue
        _stt, task, deadline, late, _explanation = texts
        found.append((agency, task.split(". ", 1)[0], int(late), "Kỳ trước chuyển sang" in deadline))
    return found


def check_appendix(doc, want: dict) -> None:
    rows = appendix_rows(doc)
    assert sorted(rows) == sorted(want["overdue"])
    assert "PHỤ LỤC" in body_text(doc)
    by_agency: dict[str, list[int]] = defaultdict(list)
    for agency, _ref, late, _carried in rows:
        by_agency[agency].append(late)
    for lates in by_agency.values():
        assert lates == sorted(lates, reverse=True)                # most days late first


# ---- the scenario ----

def lead(session, ref: str, agency: str, row: int = 0) -> Assignment:
    return session.scalar(select(Assignment).join(Task).join(Agency, Assignment.agency_id == Agency.id)
                          .where(Task.ref == ref, Agency.name == agency, Assignment.role == "lead",
                                 Assignment.row == row))


def progress_of_the_first_half(session) -> None:
    report(session, lead(session, "IV.1", JUSTICE), "done", "canbo", at=at(2017, 1, 25))
    report(session, lead(session, "IV.1", "Sở Nội vụ tỉnh Sóc Trăng"), "done", "canbo", at=at(2017, 1, 31, 16, 30))
    report(session, lead(session, "IV.1", "Sở Tài chính tỉnh Sóc Trăng"), "done", "canbo",
           at=at(2017, 1, 31, 17, 30))
    report(session, lead(session, "IV.1", "Thanh tra tỉnh Sóc Trăng"), "cancelled", "soanthao", at=at(2017, 1, 26))
    report(session, lead(session, "IV.1", HEALTH), "in_progress", "canbo", progress=50, at=at(2017, 1, 28))
    half_year = lead(session, "II.1", JUSTICE)
    report(session, half_year, "done", "canbo", occurrence=half_year.occurrences[0], at=at(2017, 2, 10))
    report(session, lead(session, "IV.2", JUSTICE), "in_progress", "canbo", progress=30, at=at(2017, 6, 10))
    report(session, lead(session, "III.1", JUSTICE), "in_progress", "canbo", progress=30, at=at(2017, 6, 1))
    session.commit()


def test_period_names_and_the_decree_cut_offs():
    assert (parse_period("2017").start, parse_period("2017").end) == (date(2016, 12, 15), date(2017, 12, 14))
    q2 = parse_period("2017-Q2")
    assert (q2.label, q2.start, q2.end, q2.cutoffs) == ("Quý II năm 2017", date(2017, 3, 15), date(2017, 6, 14), True)
    assert (parse_period("2017-h1").start, parse_period("2017-H1").end) == (date(2016, 12, 15), date(2017, 6, 14))
    assert parse_period("2017-H2").label == "6 tháng cuối năm 2017"
    assert (parse_period("2017-9M").end, parse_period("2017-9M").label) == (date(2017, 9, 14), "9 tháng năm 2017")
    assert (parse_period("2017-05").start, parse_period("2017-05").end) == (date(2017, 4, 15), date(2017, 5, 14))
    calendar = parse_period("2017-Q2", calendar=True)
    assert (calendar.start, calendar.end, calendar.cutoffs) == (date(2017, 4, 1), date(2017, 6, 30), False)
    assert parse_period("2016-02", calendar=True).end == date(2016, 2, 29)
    for bad in ("2017-Q5", "2017-13", "17", "2017-H3", "năm 2017", ""):
        with pytest.raises(ValueError):
            parse_period(bad)


def test_the_year_report_as_of_mid_june(app, seeded, people, tmp_path):
    session = seeded
    plan = session.scalar(select(Plan))
    progress_of_the_first_half(session)
    app.config["TRACKER_NOW"] = at(2017, 6, 14, 4)
    out = tmp_path / "bao-cao.docx"
    result = app.test_cli_runner().invoke(args=["reports", "build", "--plan", str(plan.id), "--period", "2017",
                                                "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "14/06/2017" in result.output
    doc = open_docx(out.read_bytes())
    want = expected(session, plan, date(2017, 6, 14), date(2016, 12, 15), date(2017, 12, 14))
    totals = want["totals"]
    # The scenario has something in every figure that matters.
    assert totals["done_on_time"] == 3 and totals["done_late"] == 1
    assert totals["overdue"] > 0 and totals["long_overdue"] > 0 and totals["no_deadline"] > 0
    assert totals["due_soon"] > 0 and totals["stale"] > 0 and totals["carried_over"] == 0
    assert want["rows"][HEALTH]["stale"] >= 1

    check_form(doc)
    check_figures(doc, want)
    check_agencies(doc, want)
    check_appendix(doc, want)
    text = body_text(doc)
    assert "ỦY BAN NHÂN DÂN" in doc.tables[0].rows[0].cells[0].text
    assert "TỈNH SÓC TRĂNG" in doc.tables[0].rows[0].cells[0].text
    assert "(Năm 2017)" in text and "từ ngày 15/12/2016 đến ngày 14/12/2017" in text
    assert "Nghị định số 09/2019/NĐ-CP" in text and "Số liệu tính đến ngày 14/06/2017" in text
    # The sections name what the data says: the agencies with most overdue items.
    named = re.search(r"Các cơ quan có nhiều nhiệm vụ quá hạn nhất: (.+?) \((\d+) nhiệm vụ\)", text)
    most = max(row["overdue"] for row in want["rows"].values())
    assert want["rows"][named.group(1)]["overdue"] == int(named.group(2)) == most
    assert f"Còn {totals['overdue']} nhiệm vụ đến hạn trong kỳ nhưng quá hạn chưa hoàn thành" in text
    assert f"{totals['stale']} nhiệm vụ chưa được cập nhật tiến độ từ 30 ngày trở lên" in text
    assert "nhiệm vụ sắp đến hạn trong 7 ngày làm việc tới" in text
    assert "Đề nghị Thủ trưởng các cơ quan: " in text


def test_a_quarter_carries_the_overdue_items_of_earlier_periods(app, seeded, people, tmp_path):
    session = seeded
    plan = session.scalar(select(Plan))
    progress_of_the_first_half(session)
    app.config["TRACKER_NOW"] = at(2017, 8, 1)
    out = tmp_path / "q2.docx"
    result = app.test_cli_runner().invoke(args=["reports", "build", "--plan", str(plan.id), "--period", "2017-Q2",
                                                "--as-of", "2017-07-05", "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = open_docx(out.read_bytes())
    want = expected(session, plan, date(2017, 7, 5), date(2017, 3, 15), date(2017, 6, 14))
    assert want["totals"]["carried_over"] > 0                    # IV.1, due 31/01, still open
    check_form(doc)
    check_figures(doc, want)
    check_appendix(doc, want)
    assert any(carried for *_rest, carried in appendix_rows(doc))
    assert (HEALTH, "IV.1", 155, True) in appendix_rows(doc)       # due 31/01, 155 days late on 05/07
    # Calendar months instead of the cut-offs: the window moves, so do the figures.
    out = tmp_path / "q2-calendar.docx"
    result = app.test_cli_runner().invoke(args=["reports", "build", "--plan", str(plan.id), "--period", "2017-Q2",
                                                "--calendar", "--as-of", "2017-07-05", "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = open_docx(out.read_bytes())
    check_figures(doc, expected(session, plan, date(2017, 7, 5), date(2017, 4, 1), date(2017, 6, 30)))
    assert "Nghị định số 09/2019/NĐ-CP" not in body_text(doc)


def test_an_agency_reports_upward(app, seeded, people, tmp_path):
    session = seeded
    plan = session.scalar(select(Plan))
    progress_of_the_first_half(session)
    app.config["TRACKER_NOW"] = at(2017, 7, 5)
    out = tmp_path / "stp.docx"
    result = app.test_cli_runner().invoke(args=[
        "reports", "build", "--plan", str(plan.id), "--from", "2017-01-01", "--to", "2017-06-30",
        "--agency", "so tu phap tinh soc trang", "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = open_docx(out.read_bytes())
    # As of the period's last day: it is over.
    want = expected(session, plan, date(2017, 6, 30), date(2017, 1, 1), date(2017, 6, 30), agency=JUSTICE)
    check_form(doc)
    check_figures(doc, want)
    check_appendix(doc, want)
    assert table_starting(doc, "STT", "Cơ quan") is None        # one agency: no table by agency
    head = doc.tables[0].rows[0].cells[0].text
    assert "SỞ TƯ PHÁP TỈNH SÓC TRĂNG" in head and "ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG" in head
    text = body_text(doc)
    assert "Kính gửi: Ủy ban nhân dân tỉnh Sóc Trăng" in text
    assert "(Từ ngày 01/01/2017 đến ngày 30/06/2017)" in text
    assert all(agency == JUSTICE for agency, *_ in appendix_rows(doc))


def test_a_period_with_nothing_says_so(app, seeded, people, tmp_path):
    from tracker.reports.content import NO_DATA
    session = seeded
    plan = session.scalar(select(Plan))
    app.config["TRACKER_NOW"] = at(2020, 1, 10)
    out = tmp_path / "empty.docx"
    result = app.test_cli_runner().invoke(args=["reports", "build", "--committee", "UBND tỉnh Sóc Trăng",
                                                "--period", "2016-Q2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = open_docx(out.read_bytes())
    check_form(doc)
    assert NO_DATA in [p.text for p in doc.paragraphs]
    assert table_starting(doc, "STT", "Chỉ tiêu") is None and table_starting(doc, "STT", "Nhiệm vụ") is None
    assert "quý II năm 2016" in body_text(doc) and plan.title[1:] in body_text(doc)   # the committee's one plan


def test_the_command_refuses_what_it_cannot_do(app, seeded, tmp_path):
    runner = app.test_cli_runner()
    out = str(tmp_path / "x.docx")
    cases = [
        (["--period", "2017"], "--plan hoặc --committee"),
        (["--plan", "1", "--committee", "UBND tỉnh Sóc Trăng", "--period", "2017"], "--plan hoặc --committee"),
        (["--plan", "999", "--period", "2017"], "không có kế hoạch mã 999"),
        (["--plan", "1", "--period", "2017-Q7"], "không hợp lệ"),
        (["--plan", "1"], "thiếu --period"),
        (["--plan", "1", "--period", "2017", "--from", "2017-01-01"], "không dùng cả hai"),
        (["--plan", "1", "--period", "2017", "--agency", "Bộ Ngoại giao"], "không tìm thấy"),
        (["--committee", "UBND tỉnh Không Có", "--period", "2017"], "Không tìm thấy"),
    ]
    for args, message in cases:
        result = runner.invoke(args=["reports", "build", *args, "--out", out])
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output and "Error:" in result.output, (args, result.output)
    assert not (tmp_path / "x.docx").exists()


def test_the_dashboard_link_downloads_the_report(app, seeded, people):
    session = seeded
    plan = session.scalar(select(Plan))
    progress_of_the_first_half(session)
    app.config["TRACKER_NOW"] = at(2017, 7, 5)
    client = app.test_client()
    sign_in(client, "lanhdao@soctrang.example")
    page = client.get("/dashboard/", query_string={"plan": plan.id, "period": "h1"})
    assert page.status_code == 200
    href = re.search(r'id="report-link" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    assert "Tải báo cáo (Word)" in page.text and "hạn từ 15/12/2016 đến 14/06/2017" in page.text
    response = client.get(href)
    assert response.status_code == 200 and response.mimetype == DOCX
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".docx" in disposition
    assert response.headers["Cache-Control"] == "private, no-store"
    doc = open_docx(response.data)
    check_form(doc)
    # As of the period's last day (it is over), between the cut-offs.
    want = expected(session, plan, date(2017, 6, 14), date(2016, 12, 15), date(2017, 6, 14))
    check_figures(doc, want)
    check_agencies(doc, want)
    check_appendix(doc, want)
    assert "(6 tháng đầu năm 2017)" in body_text(doc)

    # The same table's window and an explicit as-of day; one agency's report.
    justice = session.scalar(select(Agency).where(Agency.name == JUSTICE))
    response = client.get("/dashboard/report.docx", query_string={
        "plan": plan.id, "period": "q2", "year": 2017, "basis": "calendar", "asof": "2017-07-05",
        "agency": justice.id})
    assert response.status_code == 200
    doc = open_docx(response.data)
    check_figures(doc, expected(session, plan, date(2017, 7, 5), date(2017, 4, 1), date(2017, 6, 30), JUSTICE))
    assert "Kính gửi: Ủy ban nhân dân tỉnh Sóc Trăng" in body_text(doc)

    # The completion rate has its column and its definition on the dashboard too.
    assert "Tỷ lệ hoàn thành" in page.text and 'data-col="completion_rate"' in page.text
    assert "Tỷ lệ hoàn thành (cách tính của Văn phòng Chính phủ)" in page.text


def test_who_may_download_it(app, seeded, people):
    from tracker.accounts.manage import create_account, find_committee
    from tracker.config import reporting_calendar
    from tracker.directory.store import load_index
    from tracker.plans.importer import import_plan
    from tracker.reading.plan import read_plan

    from .conftest import PASSWORD, SEEDS

    session = seeded
    soc_trang = session.scalar(select(Plan))
    path = SEEDS / "cam-xuyen-2020-kiem-soat-tthc-mot-cua.txt"
    cam_xuyen = import_plan(session, read_plan(path.read_bytes(), path.name,
                                               calendar=reporting_calendar(app.config)), load_index(session)).plan
    create_account(session, "lanhdao@camxuyen.example", "Chủ tịch huyện", "leader",
                   find_committee(session, "UBND huyện Cẩm Xuyên"), PASSWORD)
    session.commit()
    app.config["TRACKER_NOW"] = at(2020, 6, 1)

    anonymous = app.test_client()
    response = anonymous.get("/dashboard/report.docx")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    officer = app.test_client()
    sign_in(officer, STP_OFFICER)
    assert officer.get("/dashboard/report.docx").status_code == 403
    other = app.test_client()
    sign_in(other, "lanhdao@camxuyen.example")
    assert other.get("/dashboard/report.docx", query_string={"plan": soc_trang.id}).status_code == 404
    justice = session.scalar(select(Agency).where(Agency.name == JUSTICE))
    assert other.get("/dashboard/report.docx", query_string={"agency": justice.id}).status_code == 404
    own = other.get("/dashboard/report.docx", query_string={"period": "year", "year": 2020})
    assert own.status_code == 200
    doc = open_docx(own.data)
    text = body_text(doc) + "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "Sóc Trăng" not in text and "CẨM XUYÊN" in doc.tables[0].rows[0].cells[0].text
    assert cam_xuyen.id
