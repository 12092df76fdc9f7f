"""The leadership dashboard: its numbers against the on-time classification worked out
directly from the data, extensions, escalations, the Excel export, and who may see what."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tracker.jobs import run
from tracker.models import Agency, Assignment, OutboxItem, OutboxMessage, Plan, Task
from tracker.plans.extension_requests import decide, request_extension
from tracker.plans.progress import report
from tracker.plans.statistics import Period, agency_statistics
from tracker.scheduling.ontime import OVERDUE, classify

from .conftest import PASSWORD, SEEDS, STP_OFFICER, sign_in

TZ = "Asia/Ho_Chi_Minh"
UTC = UTC
UNRESOLVED = "(chưa xác định cơ quan)"
CATEGORIES = ("done_on_time", "done_late", "pending_on_time", "overdue")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JUSTICE = "Sở Tư pháp tỉnh Sóc Trăng"


# ---- the expectation, worked out from the rows themselves ----

def _local(moment) -> date | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(ZoneInfo(TZ)).date()


def expected(session, plan_id: int, as_of: date, start: date | None, end: date | None,
             coordinating: bool = False) -> dict[str, Counter]:
    """Per agency name: the four categories judged against the plan's own date, the extended
    items, and the escalated items still overdue against the working date."""
    escalated = set(session.execute(
        select(OutboxItem.assignment_id, OutboxItem.occurrence_id).join(OutboxMessage)
        .where(OutboxMessage.kind.in_(("escalation_head", "escalation_committee")))).all())
    table: dict[str, Counter] = defaultdict(Counter)
    assignments = session.scalars(select(Assignment).join(Task).where(Task.plan_id == plan_id))
    for a in assignments:
        if a.role != "lead" and not coordinating:
            continue
        if a.occurrences:
            units = [(o.id, o.status, o.due, o.original_due, o.completed_at) for o in a.occurrences]
        else:
            units = [(None, a.status, a.deadline.due, a.original_due, a.completed_at)]
        for occurrence_id, status, due, original, completed in units:
            plan_due = original or due
            if plan_due is None or (start and plan_due < start) or (end and plan_due > end):
                continue
            result = classify(status, plan_due, _local(completed), as_of)
            if result is None:
                continue
            row = table[a.agency.name if a.agency else UNRESOLVED]
            row[result.category] += 1
            row["extended"] += original is not None
            if (a.id, occurrence_id) in escalated:
                working = classify(status, due, _local(completed), as_of)
                row["escalations"] += working.category == OVERDUE
    for row in table.values():
        for key in (*CATEGORIES, "extended", "escalations"):
            row[key] += 0
    return dict(table)


def _totals(table: dict[str, Counter]) -> Counter:
    total = Counter()
    for row in table.values():
        total.update(row)
    return total


def _rate(row: Counter) -> float | None:
    fallen = row["done_on_time"] + row["done_late"] + row["overdue"]
    return row["done_on_time"] / fallen if fallen else None


# ---- reading what the app shows ----

class _Tables(HTMLParser):
    """Rows of the table with a given id: [(section, {"name": ..., col: text})], and in
    ``links`` (one dict per row, same order) each cell's first link by column."""

    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.inside, self.section = table_id, False, None
        self.rows: list[tuple[str, dict, dict]] = []
        self.links: list[dict[str, str]] = []
        self.cell: list[str] | None = None
        self.column = None
        self.href: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == self.table_id:
            self.inside = True
        elif not self.inside:
            return
        elif tag in ("thead", "tbody", "tfoot"):
            self.section = tag
        elif tag == "tr":
            self.rows.append((self.section, attrs, {}))
            self.links.append({})
        elif tag in ("td", "th"):
            self.cell, self.column = [], attrs.get("data-col") or ("name" if tag == "th" else None)
            self.href = None
        elif tag == "a" and self.cell is not None and self.href is None:
            self.href = attrs.get("href")

    def handle_data(self, data):
        if self.inside and self.cell is not None:
            self.cell.append(data)

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag in ("td", "th") and self.cell is not None:
            if self.column:
                self.rows[-1][2][self.column] = " ".join("".join(self.cell).split())
                if self.href:
                    self.links[-1][self.column] = self.href
            self.cell = None
        elif tag == "table":
            self.inside = False


def page_table(html: str) -> tuple[list[tuple[str, dict]], dict]:
    reader = _Tables("dashboard-table")
    reader.feed(html)
    body = [(cells["name"], cells) for section, _, cells in reader.rows if section == "tbody"]
    totals = [cells for section, _, cells in reader.rows if section == "tfoot"]
    return body, (totals[0] if totals else {})


def page_escalations(html: str) -> list[dict]:
    """The escalation list's lines: their data attributes (agency or task, count, days late)."""
    reader = _Tables("escalations-table")
    reader.feed(html)
    return [attrs for section, attrs, _ in reader.rows if section == "tbody"]


def escalation_lines(client, **query) -> list[dict]:
    """Every line of the dashboard's escalation list, page after page."""
    found, page = [], 1
    while True:
        response = client.get("/dashboard/", query_string={**query, "esc_page": page})
        assert response.status_code == 200
        lines = page_escalations(response.text)
        found += lines
        if f"esc_page={page + 1}" not in response.text.replace("&amp;", "&"):
            return found
        page += 1


def listed_items(client, url: str, **query) -> list[tuple[int, int | None]]:
    """(assignment, occurrence) of every line of a cell's list, page after page (``url`` may
    carry its own query string)."""
    from urllib.parse import parse_qsl, urlsplit
    parts = urlsplit(url.replace("&amp;", "&"))
    url, query = parts.path, {**dict(parse_qsl(parts.query)), **query}
    found, page = [], 1
    while True:
        response = client.get(url, query_string={**query, "page": page})
        assert response.status_code == 200, (url, query, response.status_code)
        reader = _Tables("items-table")
        reader.feed(response.text)
        rows = [attrs for section, attrs, _ in reader.rows if section == "tbody"]
        found += [(int(a["data-assignment"]), int(a["data-occurrence"]) if a["data-occurrence"] else None)
                  for a in rows]
        total = int(_attr(response.text, "items-count", "data-total"))
        if len(found) >= total or not rows:
            assert len(found) == total, (url, query, len(found), total)
            return found
        page += 1


def _attr(html: str, element_id: str, name: str) -> str:
    import re
    tag = re.search(rf'<[^>]*\bid="{element_id}"[^>]*>', html).group(0)
    return re.search(rf'\b{name}="([^"]*)"', tag).group(1)


def workbook_table(data: bytes):
    sheet = load_workbook(BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Cơ quan")
    end = next(i for i, r in enumerate(rows) if r[0] == "Tổng cộng")
    return sheet, rows[:header], rows[header], rows[header + 1:end], rows[end], header + 1


XLSX_COLUMNS = {"Hoàn thành đúng hạn": "done_on_time", "Hoàn thành quá hạn": "done_late",
                "Đang thực hiện trong hạn": "pending_on_time", "Quá hạn chưa hoàn thành": "overdue",
                "Tổng số": "total", "Đã đến hạn": "fallen_due", "Tỷ lệ hoàn thành": "completion",
                "Tỷ lệ đúng hạn": "rate",
                "Được gia hạn": "extended", "Đã cảnh báo, vẫn quá hạn": "escalations"}


def _check_row(where: str, got: dict, want: Counter) -> None:
    """``got``: column → number (or, for the page, text) for one agency or the totals."""
    for key in (*CATEGORIES, "extended", "escalations"):
        assert int(got[key]) == want[key], (where, key, got, dict(want))
    assert int(got["total"]) == sum(want[c] for c in CATEGORIES), (where, got)
    assert int(got["fallen_due"]) == want["done_on_time"] + want["done_late"] + want["overdue"], where
    fallen = want["done_on_time"] + want["done_late"] + want["overdue"]
    completion = (want["done_on_time"] + want["done_late"]) / fallen if fallen else None
    for rate, shown in ((_rate(want), got["rate"]), (completion, got.get("completion", "absent"))):
        _check_rate(where, rate, shown)


def _check_rate(where: str, rate: float | None, shown) -> None:
    if rate is None:
        assert shown in ("—", None), (where, shown)
    elif isinstance(shown, str):                  # the page: "66,7%"
        assert shown.endswith("%"), (where, shown)
        assert float(shown[:-1].replace(",", ".")) == pytest.approx(100 * rate, abs=0.051), (where, shown)
    else:                                         # the workbook: the fraction itself
        assert shown == pytest.approx(rate), (where, shown)


def compare(client, session, plan: Plan, as_of: date, query: dict, start, end,
            coordinating: bool = False) -> dict[str, Counter]:
    """The statistics module, the page and the workbook all equal the expectation."""
    want = expected(session, plan.id, as_of, start, end, coordinating)
    assert want, "the scenario should have something to count"

    stats = agency_statistics(session, as_of, TZ, Period(start, end), [plan.id], coordinating)
    module = {(r.name or UNRESOLVED): r for r in stats.rows}
    assert set(module) == set(want)
    for name, row in module.items():
        got = {k: getattr(row, k) for k in (*CATEGORIES, "extended", "escalations", "total", "fallen_due")}
        _check_row(f"module {name}", {**got, "rate": row.on_time_rate, "completion": row.completion_rate},
                   want[name])
    assert [r.overdue for r in stats.rows] == sorted((r.overdue for r in stats.rows), reverse=True)

    args = {"plan": plan.id, **query, **({"coord": "1"} if coordinating else {})}
    page = client.get("/dashboard/", query_string=args)
    assert page.status_code == 200
    body, totals = page_table(page.text)
    assert [name for name, _ in body] == [(r.name or UNRESOLVED) for r in stats.rows]
    for name, cells in body:
        _check_row(f"page {name}", {**cells, "rate": cells["on_time_rate"], "completion": cells["completion_rate"]},
                   want[name])
    _check_row("page totals", {**totals, "rate": totals["on_time_rate"], "completion": totals["completion_rate"]},
               _totals(want))
    assert f"tính đến ngày {as_of:%d/%m/%Y}" in page.text

    export = client.get("/dashboard/export.xlsx", query_string=args)
    assert export.status_code == 200 and export.mimetype == XLSX
    _sheet, _block, header, rows, total_row, _ = workbook_table(export.data)
    keys = [XLSX_COLUMNS.get(h) for h in header]
    sheet_rows = {r[0]: {k: v for k, v in zip(keys, r) if k} for r in rows}
    assert [r[0] for r in rows] == [name for name, _ in body]
    for name, got in sheet_rows.items():
        assert all(isinstance(got[k], int) for k in (*CATEGORIES, "total")), got
        _check_row(f"xlsx {name}", got, want[name])
    _check_row("xlsx totals", {k: v for k, v in zip(keys, total_row) if k}, _totals(want))
    return want


# ---- the scenario ----

def at(y: int, m: int, d: int, hour: int = 3, minute: int = 0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=UTC)


def lead(session, ref: str, agency: str, row: int = 0) -> Assignment:
    return session.scalar(select(Assignment).join(Task).join(Agency, Assignment.agency_id == Agency.id)
                          .where(Task.ref == ref, Agency.name == agency, Assignment.role == "lead",
                                 Assignment.row == row))


def test_period_windows():
    assert Period.year(2017) == Period(date(2017, 1, 1), date(2017, 12, 31))
    assert Period.quarter(2017, 1) == Period(date(2017, 1, 1), date(2017, 3, 31))
    assert Period.quarter(2017, 4) == Period(date(2017, 10, 1), date(2017, 12, 31))
    assert Period.month(2016, 2).end == date(2016, 2, 29)
    assert Period.month(2017, 12).end == date(2017, 12, 31)
    assert Period(None, date(2017, 6, 30)).contains(date(2001, 1, 1))
    assert not Period(date(2017, 7, 1), None).contains(date(2017, 6, 30))
    with pytest.raises(ValueError):
        Period.quarter(2017, 5)


def test_numbers_equal_the_classification_as_the_year_goes_on(app, seeded, people):
    session = seeded
    plan = session.scalar(select(Plan))
    client = app.test_client()
    sign_in(client, "lanhdao@soctrang.example")
    q1 = (date(2017, 1, 1), date(2017, 3, 31))
    year = (date(2017, 1, 1), date(2017, 12, 31))

    # 20 January: nothing has fallen due; every dated item is pending.
    app.config["TRACKER_NOW"] = at(2017, 1, 20)
    want = compare(client, session, plan, date(2017, 1, 20), {"period": "year"}, *year)
    assert sum(r["pending_on_time"] for r in want.values()) == _totals(want)["pending_on_time"] > 0
    assert _totals(want)["overdue"] == 0

    # Reports around the 31 January deadline of IV.1 (and one early half-year report).
    report(session, lead(session, "IV.1", JUSTICE), "done", "canbo", at=at(2017, 1, 25))
    # 23:30 in Hà Nội on the due day is on time; 00:30 the next day is late.
    report(session, lead(session, "IV.1", "Sở Nội vụ tỉnh Sóc Trăng"), "done", "canbo",
           at=at(2017, 1, 31, 16, 30))
    report(session, lead(session, "IV.1", "Sở Tài chính tỉnh Sóc Trăng"), "done", "canbo",
           at=at(2017, 1, 31, 17, 30))
    report(session, lead(session, "IV.1", "Thanh tra tỉnh Sóc Trăng"), "cancelled", "soanthao",
           at=at(2017, 1, 26))
    report(session, lead(session, "IV.1", "Sở Y tế tỉnh Sóc Trăng"), "in_progress", "canbo",
           progress=50, at=at(2017, 1, 28))
    half_year = lead(session, "II.1", JUSTICE)
    report(session, half_year, "done", "canbo", occurrence=half_year.occurrences[0], at=at(2017, 2, 10))
    session.commit()

    app.config["TRACKER_NOW"] = at(2017, 2, 15)
    want = compare(client, session, plan, date(2017, 2, 15), {"period": "q1"}, *q1)
    assert want[JUSTICE]["done_on_time"] == 1
    assert want["Sở Nội vụ tỉnh Sóc Trăng"]["done_on_time"] == 1
    assert want["Sở Tài chính tỉnh Sóc Trăng"]["done_late"] == 1
    assert "Thanh tra tỉnh Sóc Trăng" not in want          # its only Q1 item was cancelled
    assert want["Sở Y tế tỉnh Sóc Trăng"]["overdue"] == 1
    compare(client, session, plan, date(2017, 2, 15), {"period": "m01"}, date(2017, 1, 1), date(2017, 1, 31))
    want = compare(client, session, plan, date(2017, 2, 15), {"period": "year"}, *year)
    assert want[JUSTICE]["done_on_time"] == 2              # IV.1 and the early half-year report
    compare(client, session, plan, date(2017, 2, 15), {"period": "year"}, *year, coordinating=True)

    # The agencies are told they are overdue, then (next day) the escalation job runs; then
    # one escalated agency reports (late).
    run("overdue", at(2017, 2, 20, 1))
    run("escalation", at(2017, 2, 21, 1))
    trade = lead(session, "IV.1", "Sở Công Thương tỉnh Sóc Trăng")
    assert session.scalar(select(OutboxItem).where(OutboxItem.assignment_id == trade.id)) is not None
    report(session, trade, "done", "canbo", at=at(2017, 3, 1))
    session.commit()

    app.config["TRACKER_NOW"] = at(2017, 3, 10)
    want = compare(client, session, plan, date(2017, 3, 10), {"period": "q1"}, *q1)
    totals = _totals(want)
    assert totals["escalations"] == totals["overdue"] > 0
    assert want["Sở Công Thương tỉnh Sóc Trăng"]["done_late"] == 1
    assert want["Sở Công Thương tỉnh Sóc Trăng"]["escalations"] == 0
    lines = escalation_lines(client, plan=plan.id, period="q1")
    assert sum(int(line["data-count"]) for line in lines) == totals["escalations"]
    listed = {a for a, _o in listed_items(client, "/dashboard/items", plan=plan.id, period="q1",
                                          category="escalations")}
    assert len(listed) == totals["escalations"] and trade.id not in listed
    assert lead(session, "IV.1", "Sở Y tế tỉnh Sóc Trăng").id in listed

    # After the half-year deadlines: recurring occurrences count one each.
    home_affairs = lead(session, "IX.1", "Sở Nội vụ tỉnh Sóc Trăng")
    report(session, home_affairs, "done", "canbo", occurrence=home_affairs.occurrences[0], at=at(2017, 6, 25))
    session.commit()
    app.config["TRACKER_NOW"] = at(2017, 7, 5)
    want = compare(client, session, plan, date(2017, 7, 5), {"period": "q2"}, date(2017, 4, 1), date(2017, 6, 30))
    assert want["Sở Nội vụ tỉnh Sóc Trăng"]["done_late"] == 1
    assert want[JUSTICE]["done_on_time"] == 1 and want[JUSTICE]["overdue"] >= 2
    compare(client, session, plan, date(2017, 7, 5),
            {"period": "custom", "from": "2017-06-01", "to": "2017-06-25"}, date(2017, 6, 1), date(2017, 6, 25))
    want = compare(client, session, plan, date(2017, 7, 5), {"period": "all"}, None, None, coordinating=True)
    assert UNRESOLVED in want                  # "các địa phương" coordinates IX.2
    # An explicit as-of day in the query string is used instead of the clock.
    compare(client, session, plan, date(2017, 12, 31), {"period": "year", "asof": "2017-12-31"}, *year)


def test_an_approved_extension_keeps_the_category_and_shows_as_extended(app, seeded, people):
    session = seeded
    plan = session.scalar(select(Plan))
    client = app.test_client()
    sign_in(client, "admin@tracker.example")
    q2 = (date(2017, 4, 1), date(2017, 6, 30))
    building = lead(session, "IV.2", "Sở Xây dựng tỉnh Sóc Trăng")
    health = lead(session, "IX.1", "Sở Y tế tỉnh Sóc Trăng")
    assert building.deadline.due == date(2017, 6, 30) and health.occurrences[0].due == date(2017, 6, 20)

    app.config["TRACKER_NOW"] = at(2017, 7, 5)
    before = agency_statistics(session, date(2017, 7, 5), TZ, Period(*q2), [plan.id])

    app.config["TRACKER_NOW"] = at(2017, 6, 26)
    asked = [request_extension(session, building, None, date(2017, 8, 31), "Chờ số liệu", "canbo"),
             request_extension(session, health, health.occurrences[0], date(2017, 7, 15), "Chờ số liệu",
                               "canbo")]
    session.commit()                        # asked one day, decided by the author later
    for request in asked:
        decide(session, request, True, "soanthao")
    session.commit()
    assert building.deadline.due == date(2017, 8, 31) and building.original_due == date(2017, 6, 30)

    app.config["TRACKER_NOW"] = at(2017, 7, 5)
    want = compare(client, session, plan, date(2017, 7, 5), {"period": "q2"}, *q2)
    after = agency_statistics(session, date(2017, 7, 5), TZ, Period(*q2), [plan.id])
    by_name = {r.name: r for r in before.rows}
    for row in after.rows:
        old = by_name[row.name]
        assert [row.count(c) for c in CATEGORIES] == [old.count(c) for c in CATEGORIES], row.name
    # II.1 and IX.1 (20/6) and IV.2 (30/6, judged against it, not against 31/8) are all overdue.
    assert want["Sở Xây dựng tỉnh Sóc Trăng"]["overdue"] == by_name["Sở Xây dựng tỉnh Sóc Trăng"].overdue == 3
    assert want["Sở Xây dựng tỉnh Sóc Trăng"]["extended"] == 1
    assert want["Sở Y tế tỉnh Sóc Trăng"]["extended"] == 1
    assert after.totals.extended == 2 and before.totals.extended == 0

    # Done before the new date is still late against the plan's date; the window is the plan's too.
    report(session, building, "done", "canbo", at=at(2017, 8, 15))
    session.commit()
    app.config["TRACKER_NOW"] = at(2017, 8, 20)
    want = compare(client, session, plan, date(2017, 8, 20), {"period": "q2"}, *q2)
    assert want["Sở Xây dựng tỉnh Sóc Trăng"]["done_late"] == 1
    assert want["Sở Xây dựng tỉnh Sóc Trăng"]["extended"] == 1
    q3 = compare(client, session, plan, date(2017, 8, 20), {"period": "q3"}, date(2017, 7, 1), date(2017, 9, 30))
    assert "Sở Xây dựng tỉnh Sóc Trăng" not in q3 and q3[JUSTICE]["pending_on_time"] == 1


def test_numbers_change_when_an_item_is_reported_done(app, seeded, people):
    session = seeded
    plan = session.scalar(select(Plan))
    client = app.test_client()
    sign_in(client, "soanthao@soctrang.example")
    app.config["TRACKER_NOW"] = at(2017, 2, 15)
    health = "Sở Y tế tỉnh Sóc Trăng"

    def row(name):
        body, totals = page_table(client.get("/dashboard/", query_string={"plan": plan.id, "period": "q1"}).text)
        return dict(body)[name], totals

    before, totals_before = row(health)
    assert (before["overdue"], before["done_late"], before["on_time_rate"]) == ("1", "0", "0,0%")
    report(session, lead(session, "IV.1", health), "done", "canbo", at=at(2017, 2, 14))
    session.commit()
    after, totals_after = row(health)
    assert (after["overdue"], after["done_late"], after["total"]) == ("0", "1", before["total"])
    assert int(totals_after["overdue"]) == int(totals_before["overdue"]) - 1
    assert int(totals_after["done_late"]) == int(totals_before["done_late"]) + 1
    # A report recorded as made before the due date is on time: the rate moves.
    building = "Sở Xây dựng tỉnh Sóc Trăng"
    before, _ = row(building)
    assert (before["overdue"], before["done_on_time"], before["on_time_rate"]) == ("1", "0", "0,0%")
    report(session, lead(session, "IV.1", building), "done", "canbo", at=at(2017, 1, 30))
    session.commit()
    after, totals_last = row(building)
    assert (after["overdue"], after["done_on_time"], after["on_time_rate"]) == ("0", "1", "100,0%")
    assert totals_last["on_time_rate"] != totals_after["on_time_rate"]


def test_the_workbook_header_formats_and_filename(app, seeded, people):
    session = seeded
    plan = session.scalar(select(Plan))
    client = app.test_client()
    sign_in(client, "lanhdao@soctrang.example")
    report(session, lead(session, "IV.1", JUSTICE), "done", "canbo", at=at(2017, 1, 25))
    session.commit()
    app.config["TRACKER_NOW"] = at(2017, 3, 10)
    page = client.get("/dashboard/", query_string={"plan": plan.id, "period": "q1"})
    assert 'href="/dashboard/export.xlsx?' in page.text and "period=q1" in page.text
    response = client.get("/dashboard/export.xlsx", query_string={"plan": plan.id, "period": "q1"})
    assert response.headers["Content-Type"] == XLSX
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    name = unquote(disposition.split("filename*=UTF-8''")[1])
    assert name.startswith("Thống kê đúng hạn") and "Quý I-2017" in name and name.endswith(".xlsx")
    assert "/" not in name
    ascii_name = disposition.split('filename="')[1].split('"')[0]
    assert ascii_name.isascii() and ascii_name.endswith(".xlsx")

    sheet, block, header, rows, totals, header_row = workbook_table(response.data)
    text = "\n".join(str(r[0]) for r in block if r[0])
    assert "Kiểm soát thủ tục hành chính năm 2017" in text
    assert "Quý I/2017" in text and "01/01/2017" in text and "31/03/2017" in text
    assert "Tính đến ngày: 10/03/2017" in text and "Chỉ cơ quan chủ trì" in text
    assert list(header) == ["Cơ quan", *XLSX_COLUMNS]
    assert sheet.freeze_panes == f"B{header_row + 1}"
    rate_column = 1 + list(header).index("Tỷ lệ đúng hạn")
    justice_row = header_row + 1 + [r[0] for r in rows].index(JUSTICE)
    assert sheet.cell(justice_row, rate_column).number_format == "0.0%"
    assert sheet.cell(justice_row, rate_column).value == pytest.approx(1 / 2)   # one of two IV.1 rows
    total_row = header_row + 1 + len(rows)
    assert sheet.cell(total_row, 1).value == "Tổng cộng" and sheet.cell(total_row, 1).font.b
    assert all(sheet.cell(total_row, c).font.b for c in range(1, len(header) + 1))
    assert not sheet.cell(justice_row, 1).font.b
    assert sheet.column_dimensions["A"].width > 40
    notes = [r[0] for r in sheet.iter_rows(min_row=total_row + 1, values_only=True) if r[0]]
    assert any("số đã đến hạn = hoàn thành đúng hạn + hoàn thành quá hạn + quá hạn" in n for n in notes)
    assert any("Chỉ tính phân công của cơ quan chủ trì" in n for n in notes)


def test_who_sees_what(app, seeded, people):
    from tracker.accounts.manage import create_account, find_committee
    from tracker.config import reporting_calendar
    from tracker.directory.store import load_index
    from tracker.plans.importer import import_plan
    from tracker.reading.plan import read_plan

    session = seeded
    soc_trang = session.scalar(select(Plan))
    path = SEEDS / "cam-xuyen-2020-kiem-soat-tthc-mot-cua.txt"
    cam_xuyen = import_plan(session, read_plan(path.read_bytes(), path.name,
                                               calendar=reporting_calendar(app.config)),
                            load_index(session)).plan
    create_account(session, "lanhdao@camxuyen.example", "Chủ tịch huyện", "leader",
                   find_committee(session, "UBND huyện Cẩm Xuyên"), PASSWORD)
    session.commit()
    app.config["TRACKER_NOW"] = at(2020, 6, 1)

    anonymous = app.test_client()
    for url in ("/dashboard/", "/dashboard/export.xlsx"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]

    officer = app.test_client()
    sign_in(officer, STP_OFFICER)
    assert officer.get("/dashboard/").status_code == 403
    assert officer.get("/dashboard/export.xlsx").status_code == 403

    other = app.test_client()
    sign_in(other, "lanhdao@camxuyen.example")
    page = other.get("/dashboard/")
    assert page.status_code == 200
    assert cam_xuyen.title[:40] in page.text and soc_trang.title[:40] not in page.text
    assert "Sóc Trăng" not in page.text
    assert other.get("/dashboard/", query_string={"plan": soc_trang.id}).status_code == 404
    assert other.get("/dashboard/export.xlsx", query_string={"plan": soc_trang.id}).status_code == 404
    _s, block, _h, rows, _t, _r = workbook_table(other.get("/dashboard/export.xlsx?period=all").data)
    assert rows and not any("Sóc Trăng" in str(r[0]) for r in rows + block)

    home = app.test_client()
    sign_in(home, "lanhdao@soctrang.example")
    page = home.get("/dashboard/", query_string={"period": "all"})
    assert soc_trang.title[:40] in page.text and cam_xuyen.title[:40] not in page.text
    body, _ = page_table(page.text)
    assert JUSTICE in dict(body) and not any("Cẩm Xuyên" in name for name, _ in body)
    assert home.get("/dashboard/", query_string={"plan": cam_xuyen.id}).status_code == 404

    admin = app.test_client()
    sign_in(admin, "admin@tracker.example")
    page = admin.get("/dashboard/", query_string={"period": "all"})
    assert soc_trang.title[:40] in page.text and cam_xuyen.title[:40] in page.text


def test_text_is_escaped_and_bad_input_is_explained(app, seeded, people):
    session = seeded
    plan = session.scalar(select(Plan))
    justice = session.scalar(select(Agency).where(Agency.name == JUSTICE))
    justice.name = "Sở <script>alert(1)</script> Tư pháp"
    lead_item = session.scalar(select(Assignment).join(Task).where(
        Task.ref == "IV.1", Assignment.agency_id == justice.id, Assignment.row == 0))
    lead_item.task.content = "Nội dung <img src=x onerror=alert(2)>"
    session.commit()
    run("overdue", at(2017, 2, 20, 1))              # the agencies are told first,
    run("escalation", at(2017, 2, 21, 1))           # then their heads and the committee
    app.config["TRACKER_NOW"] = at(2017, 3, 1)
    client = app.test_client()
    sign_in(client, "admin@tracker.example")
    page = client.get("/dashboard/", query_string={"plan": plan.id, "period": "q1"})
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;alert(1)" in page.text
    assert str(justice.id) in {line["data-agency"] for line in page_escalations(page.text)}
    page = client.get("/dashboard/", query_string={"plan": plan.id, "period": "q1", "esc": "task"})
    assert str(lead_item.task_id) in {line["data-task"] for line in page_escalations(page.text)}
    assert "<img src=x" not in page.text and "&lt;img src=x" in page.text
    assert "<script>alert(1)" not in page.text
    listed = client.get("/dashboard/items", query_string={"plan": plan.id, "period": "q1",
                                                          "category": "escalations", "agency": justice.id})
    assert "<script>alert(1)" not in listed.text and "&lt;script&gt;alert(1)" in listed.text
    assert "<img src=x" not in listed.text and "&lt;img src=x" in listed.text
    assert lead_item.id in {a for a, _o in listed_items(client, "/dashboard/items", plan=plan.id, period="q1",
                                                        category="escalations", agency=justice.id)}

    page = client.get("/dashboard/", query_string={
        "period": "custom", "from": "2017-03-31", "to": "2017-01-01", "asof": "31/02/2017"})
    assert page.status_code == 200
    assert "31/02/2017" in page.text and "đã đổi chỗ" in page.text
    assert "Từ 01/01/2017 đến 31/03/2017" in page.text and "tính đến ngày 01/03/2017" in page.text
    page = client.get("/dashboard/", query_string={"period": "q9", "plan": "x"})
    assert page.status_code == 200 and "q9" in page.text and "Năm 2017" in page.text
