"""Reminder letters (công văn đôn đốc) and the emulation ranking (xếp hạng thi đua).

Letters: each agency's letter lists exactly its overdue items (worked out here from the rows,
with ``test_reports.expected``, not with the statistics module), in the Decree 30/2020 form;
a real run records each item once a day (ledger and history), a dry run records nothing.
Ranking: order and labels of an invented table worked out by hand; the dashboard's table and
the workbook's sheet "Xếp hạng thi đua" against the rows themselves.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tracker.models import Agency, Plan, SentStep, StatusChange
from tracker.plans.statistics import AgencyRow
from tracker.reports.ranking import Thresholds, rank

from .conftest import sign_in
from .test_reports import JUSTICE, UNRESOLVED, at, cells, expected, open_docx, progress_of_the_first_half

LEADER = "lanhdao@soctrang.example"
AS_OF = date(2017, 6, 14)
ITEM_HEADINGS = ["STT", "Nhiệm vụ", "Thời hạn", "Số ngày quá hạn"]


def overdue_by_agency(session, plan, as_of: date) -> dict[str, Counter]:
    """Agency name → Counter of (task ref, days late) of its overdue items (every due date)."""
    found: dict[str, Counter] = defaultdict(Counter)
    for name, ref, late, _carried in expected(session, plan, as_of, None, None)["overdue"]:
        if name != UNRESOLVED:
            found[name][(ref, late)] += 1
    return dict(found)


def letter_items(doc) -> Counter:
    table = next(t for t in doc.tables if cells(t.rows[0]) == ITEM_HEADINGS)
    found = Counter()
    for row in table.rows[1:]:
        _stt, task, _deadline, late = cells(row)
        found[(task.split(". ", 1)[0], int(late))] += 1
    return found


def ledger(session) -> tuple[int, int]:
    steps = session.scalar(select(func.count()).select_from(SentStep).where(SentStep.step_key == "letter-2017-06-15"))
    history = session.scalar(select(func.count()).select_from(StatusChange).where(StatusChange.kind == "letter"))
    return steps, history


def test_one_letter_per_agency_with_exactly_its_overdue_items(app, seeded, people, tmp_path):
    session = seeded
    plan = session.scalar(select(Plan))
    progress_of_the_first_half(session)
    app.config["TRACKER_NOW"] = at(2017, 6, 15, 4)
    want = overdue_by_agency(session, plan, AS_OF)
    assert len(want) >= 2 and sum(sum(c.values()) for c in want.values()) >= 3
    runner = app.test_cli_runner()

    # A dry run writes the letters and records nothing.
    drafts = tmp_path / "drafts"
    result = runner.invoke(args=["reports", "letters", "--plan", str(plan.id), "--as-of", "2017-06-14",
                                 "--dry-run", "--out", str(drafts)])
    assert result.exit_code == 0, result.output
    assert len(list(drafts.glob("*.docx"))) == len(want)
    assert ledger(session) == (0, 0)

    out = tmp_path / "letters"
    result = runner.invoke(args=["reports", "letters", "--plan", str(plan.id), "--as-of", "2017-06-14",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("*.docx"))
    assert len(files) == len(want)
    seen = {}
    for path in files:
        doc = open_docx(path.read_bytes())
        text = "\n".join(p.text for p in doc.paragraphs)
        agency = next(name for name in want if f"Kính gửi: {name}." in text)
        seen[agency] = letter_items(doc)
        head = doc.tables[0]
        assert "ỦY BAN NHÂN DÂN" in head.rows[0].cells[0].text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head.rows[0].cells[1].text
        assert "/UBND-" in head.rows[1].cells[0].text and "V/v đôn đốc thực hiện nhiệm vụ" in head.rows[1].cells[0].text
        assert "ngày 15 tháng 6 năm 2017" in head.rows[1].cells[1].text
        assert "đến ngày 14/06/2017" in text and f"còn {sum(seen[agency].values())} nhiệm vụ quá hạn" in text
        signature = doc.tables[-1]
        assert "Nơi nhận:" in signature.rows[0].cells[0].text
        assert "TM. ỦY BAN NHÂN DÂN" in signature.rows[0].cells[1].text
    assert seen == want

    # Recorded once per item: the ledger and the item's history; a second run adds nothing.
    total = sum(sum(c.values()) for c in want.values())
    assert ledger(session) == (total, total)
    assert f"cho {total} nhiệm vụ" in result.output
    entry = session.scalar(select(StatusChange).where(StatusChange.kind == "letter"))
    assert entry.comment.startswith("Đôn đốc bằng công văn ngày 15/06/2017") and entry.from_status == entry.to_status
    result = runner.invoke(args=["reports", "letters", "--plan", str(plan.id), "--as-of", "2017-06-14",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "cho 0 nhiệm vụ" in result.output
    assert ledger(session) == (total, total)

    # The item's page shows it.
    client = app.test_client()
    sign_in(client, LEADER)
    page = client.get(f"/a/{entry.assignment_id}")
    assert page.status_code == 200 and "Công văn đôn đốc" in page.text

    # One .docx file: one agency only.
    result = runner.invoke(args=["reports", "letters", "--plan", str(plan.id), "--out", str(tmp_path / "x.docx")])
    assert result.exit_code == 2 and "--agency" in result.output
    single = tmp_path / "stp.docx"
    result = runner.invoke(args=["reports", "letters", "--committee", "UBND tỉnh Sóc Trăng", "--as-of", "2017-06-14",
                                 "--agency", "so tu phap tinh soc trang", "--dry-run", "--out", str(single)])
    assert result.exit_code == 0, result.output
    assert letter_items(open_docx(single.read_bytes())) == want[JUSTICE]


def row(agency_id, name, on_time=0, late=0, pending=0, overdue=0) -> AgencyRow:
    return AgencyRow(agency_id, name, done_on_time=on_time, done_late=late, pending_on_time=pending,
                     overdue=overdue)


def test_ranking_order_and_labels():
    rows = [
        row(1, "Sở Ba", on_time=9, overdue=1),              # 90% done, 10% late: not commended
        row(2, "Sở Một", on_time=19, overdue=1),            # 95% done, 5% late: commended
        row(3, "Sở Năm", on_time=1, late=1, overdue=3),     # 40% done: criticised
        row(4, "Sở Bốn", on_time=5, overdue=5),             # 50% done: passes
        row(5, "Sở Sáu", pending=4),                        # nothing fallen due: not rated
        row(6, "Sở An", on_time=9, overdue=1),              # ties with Sở Ba: same rank, name first
        row(None, None, overdue=7),                         # not resolved to an agency: not ranked
        row(7, "Sở Bảy", on_time=8, late=2),                # 100% done, 80% on time
    ]
    got = [(r.rank, r.row.name, r.label) for r in rank(rows)]
    assert got == [
        (1, "Sở Bảy", "passed"),          # the most done (100%), but 20% late
        (2, "Sở Một", "commended"),
        (3, "Sở An", "passed"),
        (3, "Sở Ba", "passed"),
        (5, "Sở Bốn", "passed"),
        (6, "Sở Năm", "criticised"),
        (None, "Sở Sáu", "not_rated"),
    ]
    # Thresholds move the labels, not the order.
    loose = rank(rows, Thresholds(commend_done=90, commend_late=25, criticise_done=45))
    assert [(r.row.name, r.label) for r in loose][:4] == [
        ("Sở Bảy", "commended"), ("Sở Một", "commended"), ("Sở An", "commended"), ("Sở Ba", "commended")]
    assert [r.label for r in loose if r.row.name == "Sở Năm"] == ["criticised"]
    assert [r.label for r in rank(rows, Thresholds(criticise_done=35)) if r.row.name == "Sở Năm"] == ["passed"]


def expected_ranking(want_rows: dict[str, Counter], commend_done=90, commend_late=10, criticise_done=50):
    """(rank, name, label) from the rows, the rule written out again."""
    rated, unrated = [], []
    for name, c in want_rows.items():
        if name == UNRESOLVED or not sum(c[k] for k in ("done_on_time", "done_late", "pending_on_time", "overdue")):
            continue            # (the dashboard's table counts dated items only)
        fallen = c["done_on_time"] + c["done_late"] + c["overdue"]
        if not fallen:
            unrated.append(name)
            continue
        done = c["done_on_time"] + c["done_late"]
        late = fallen - c["done_on_time"]
        if done * 100 >= commend_done * fallen and late * 100 < commend_late * fallen:
            label = "Khen thưởng"
        elif done * 100 < criticise_done * fallen:
            label = "Phê bình"
        else:
            label = "Đạt"
        rated.append((done / fallen, c["done_on_time"] / fallen, name, label))
    from tracker.reading.text import fold
    rated.sort(key=lambda r: (-r[0], -r[1], fold(r[2]), r[2]))
    out, previous, position = [], None, 0
    for index, (done, on_time, name, label) in enumerate(rated, start=1):
        if (done, on_time) != previous:
            position, previous = index, (done, on_time)
        out.append((position, name, label))
    return out + [(None, name, "Chưa đánh giá") for name in sorted(unrated, key=lambda n: (fold(n), n))]


@pytest.mark.parametrize("thresholds", [{}, {"TRACKER_RANKING_COMMEND_DONE": 50, "TRACKER_RANKING_COMMEND_LATE": 60,
                                             "TRACKER_RANKING_CRITICISE_DONE": 30}])
def test_the_dashboard_and_its_workbook_rank_the_table(app, seeded, people, thresholds):
    session = seeded
    plan = session.scalar(select(Plan))
    progress_of_the_first_half(session)
    app.config.update(thresholds)
    app.config["TRACKER_NOW"] = at(2017, 6, 15, 4)
    want_rows = expected(session, plan, AS_OF, date(2017, 1, 1), date(2017, 12, 31))["rows"]
    want = expected_ranking(want_rows, *(thresholds[k] for k in (
        "TRACKER_RANKING_COMMEND_DONE", "TRACKER_RANKING_COMMEND_LATE", "TRACKER_RANKING_CRITICISE_DONE"))
        if thresholds else ())
    # The scenario has every label, and a tie.
    assert {label for *_rest, label in want} == {"Khen thưởng", "Đạt", "Phê bình", "Chưa đánh giá"}
    assert len({r for r, *_rest in want}) < len(want)

    client = app.test_client()
    sign_in(client, LEADER)
    args = {"plan": plan.id, "period": "year", "year": 2017, "asof": "14/06/2017"}
    page = client.get("/dashboard/", query_string=args)
    assert page.status_code == 200 and 'id="ranking-table"' in page.text
    for _rank, name, label in want:
        assert name in page.text and label in page.text

    export = client.get("/dashboard/export.xlsx", query_string=args)
    assert export.status_code == 200
    book = load_workbook(BytesIO(export.data))
    assert book.sheetnames[0] == "Thống kê" and "Xếp hạng thi đua" in book.sheetnames
    sheet = book["Xếp hạng thi đua"]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = values.index(["Hạng", "Cơ quan", "Đã đến hạn", "Tỷ lệ hoàn thành", "Tỷ lệ đúng hạn", "Tỷ lệ quá hạn",
                           "Xếp loại"])
    got = [(r[0], r[1], r[6]) for r in values[header + 1:] if r[1]]
    assert got == want
    for r in values[header + 1:]:
        c = want_rows[r[1]]
        fallen = c["done_on_time"] + c["done_late"] + c["overdue"]
        assert r[2] == fallen
        if fallen:
            assert r[3] == pytest.approx((c["done_on_time"] + c["done_late"]) / fallen)
            assert r[4] == pytest.approx(c["done_on_time"] / fallen)

    # The letter links: one agency's draft, or all of them; nothing recorded.
    justice = session.scalar(select(Agency).where(Agency.name == JUSTICE))
    letter = client.get("/dashboard/letters", query_string={"plan": plan.id, "asof": "14/06/2017",
                                                            "agency": justice.id})
    assert letter.status_code == 200 and letter.mimetype.endswith("wordprocessingml.document")
    assert letter_items(open_docx(letter.data)) == overdue_by_agency(session, plan, AS_OF)[JUSTICE]
    bundle = client.get("/dashboard/letters", query_string={"plan": plan.id, "asof": "14/06/2017"})
    assert bundle.status_code == 200 and bundle.mimetype == "application/zip"
    import zipfile
    assert len(zipfile.ZipFile(BytesIO(bundle.data)).namelist()) == len(overdue_by_agency(session, plan, AS_OF))
    assert ledger(session) == (0, 0)
