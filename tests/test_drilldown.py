"""Drilling down from the dashboard: every number opens the list of exactly the items it
counts (same filters, same function), the lists page and sort, the open escalations group by
agency or by task, and the plans list shows each plan's progress."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from tracker.extensions import db
from tracker.jobs import run
from tracker.models import Agency, Assignment, OutboxItem, OutboxMessage, Plan, Task
from tracker.plans.extension_requests import decide, request_extension
from tracker.plans.progress import report
from tracker.plans.statistics import COLUMNS, Period, agency_statistics, counted_items, plan_progress, select_items
from tracker.reading.text import fold
from tracker.scheduling.ontime import OVERDUE, PENDING_ON_TIME, classify

from .conftest import PASSWORD, SEEDS, STP_OFFICER, sign_in
from .test_dashboard import JUSTICE, _Tables, escalation_lines, lead, listed_items

TZ = "Asia/Ho_Chi_Minh"
UTC = UTC
HEALTH = "Sở Y tế tỉnh Sóc Trăng"
BUILDING = "Sở Xây dựng tỉnh Sóc Trăng"
AS_OF = date(2017, 7, 5)


def at(y: int, m: int, d: int, hour: int = 3, minute: int = 0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=UTC)


def _local(moment) -> date | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(ZoneInfo(TZ)).date()


# ---- reading the pages ----

def dashboard_cells(html: str) -> list[tuple[str, str, int, str]]:
    """(row: agency id or "totals", column, number shown, link) of every linked cell."""
    reader = _Tables("dashboard-table")
    reader.feed(html)
    cells = []
    for (section, attrs, row), links in zip(reader.rows, reader.links):
        if section not in ("tbody", "tfoot"):
            continue
        name = attrs["data-agency"] if section == "tbody" else "totals"
        for column, text in row.items():
            if column in COLUMNS:
                href = links.get(column)
                assert href, (name, column, "a count without a link")
                cells.append((name, column, int(text), href.replace("&amp;", "&")))
    return cells


def card_links(html: str) -> dict[str, tuple[int, str]]:
    """The figure cards' numbers and links, by the column they open."""
    cards = html.split('class="cards dash-cards"')[1].split("<h2")[0]
    found = {}
    for href, number in re.findall(r'<a href="(/dashboard/items\?[^"]+)" title="[^"]*">(\d+)</a>', cards):
        href = href.replace("&amp;", "&")
        assert "agency=" not in href
        found[re.search(r"category=(\w+)", href).group(1)] = (int(number), href)
    return found


def listed_total(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return int(re.search(r'id="items-count" data-total="(\d+)"', response.text).group(1))


def list_rows(html: str) -> list[dict]:
    """The data attributes of the lines of a list page."""
    return [dict(re.findall(r'(data-[\w-]+)="([^"]*)"', m))
            for m in re.findall(r"<tr (data-assignment=[^>]*)>", html)]


# ---- what should be counted, worked out from the rows themselves ----

def expected_items(session, plan_ids, as_of: date, start, end, coordinating: bool) -> dict:
    """(agency id or None, column) → set of (assignment id, occurrence id), judged against the
    plan's own date, escalations still overdue against the working date."""
    escalated = set(session.execute(
        select(OutboxItem.assignment_id, OutboxItem.occurrence_id).join(OutboxMessage)
        .where(OutboxMessage.kind.in_(("escalation_head", "escalation_committee")))).all())
    table: dict = defaultdict(set)
    for a in session.scalars(select(Assignment).join(Task).where(Task.plan_id.in_(plan_ids))):
        if a.role != "lead" and not coordinating:
            continue
        units = ([(o.id, o.status, o.due, o.original_due, o.completed_at) for o in a.occurrences]
                 or [(None, a.status, a.deadline.due, a.original_due, a.completed_at)])
        for occurrence_id, status, due, original, completed in units:
            plan_due = original or due
            if plan_due is None or (start and plan_due < start) or (end and plan_due > end):
                continue
            result = classify(status, plan_due, _local(completed), as_of)
            if result is None:
                continue
            key = (a.id, occurrence_id)
            columns = [result.category, "total"]
            if result.category != PENDING_ON_TIME:
                columns.append("fallen_due")
            if original is not None:
                columns.append("extended")
            if key in escalated and classify(status, due, _local(completed), as_of).category == OVERDUE:
                columns.append("escalations")
            for column in columns:
                table[(a.agency_id, column)].add(key)
                table[("totals", column)].add(key)
    return table


# ---- the scenario: half a year of reports, an extension, notices and escalations ----

def half_year(app, session) -> Plan:
    plan = session.scalar(select(Plan))
    app.config["TRACKER_NOW"] = at(2017, 1, 20)
    report(session, lead(session, "IV.1", JUSTICE), "done", "canbo", at=at(2017, 1, 25))
    report(session, lead(session, "IV.1", "Sở Nội vụ tỉnh Sóc Trăng"), "done", "canbo",
           at=at(2017, 1, 31, 16, 30))
    report(session, lead(session, "IV.1", "Sở Tài chính tỉnh Sóc Trăng"), "done", "canbo",
           at=at(2017, 1, 31, 17, 30))
    report(session, lead(session, "IV.1", "Thanh tra tỉnh Sóc Trăng"), "cancelled", "soanthao",
           at=at(2017, 1, 26))
    half = lead(session, "II.1", JUSTICE)
    report(session, half, "done", "canbo", occurrence=half.occurrences[0], at=at(2017, 2, 10))
    session.commit()
    run("overdue", at(2017, 2, 20, 1))
    run("escalation", at(2017, 2, 21, 1))
    report(session, lead(session, "IV.1", "Sở Công Thương tỉnh Sóc Trăng"), "done", "canbo",
           at=at(2017, 3, 1))
    session.commit()
    app.config["TRACKER_NOW"] = at(2017, 6, 26)
    building = lead(session, "IV.2", BUILDING)
    decide(session, request_extension(session, building, None, date(2017, 8, 31), "Chờ số liệu", "canbo"),
           True, "soanthao")
    session.commit()
    run("overdue", at(2017, 6, 27, 1))
    run("escalation", at(2017, 6, 28, 1))
    app.config["TRACKER_NOW"] = at(2017, 7, 5)
    return plan


FILTERS = [
    ({"period": "year"}, Period.year(2017), False),
    ({"period": "q1"}, Period.quarter(2017, 1), False),
    ({"period": "all", "coord": "1"}, Period(), True),
]


@pytest.mark.parametrize("query,period,coordinating", FILTERS, ids=["year", "q1", "all-coord"])
def test_every_cell_opens_a_list_of_exactly_the_items_it_counts(app, seeded, people, query, period,
                                                                coordinating):
    session = seeded
    plan = half_year(app, session)
    client = app.test_client()
    sign_in(client, "lanhdao@soctrang.example")
    args = {"plan": plan.id, **query}
    page = client.get("/dashboard/", query_string=args)
    assert page.status_code == 200
    cells = dashboard_cells(page.text)
    want = expected_items(session, [plan.id], AS_OF, period.start, period.end, coordinating)
    agencies = {row for row, *_ in cells}
    assert len(cells) == len(agencies) * len(COLUMNS) and "totals" in agencies
    assert want[("totals", "escalations")] and want[("totals", "overdue")]
    if query["period"] != "q1":                  # the extended item is due in June
        assert want[("totals", "extended")]

    for row, column, number, href in cells:
        assert href.startswith("/dashboard/items?") and f"category={column}" in href
        for key, value in args.items():          # the dashboard's filters go along
            assert f"{key}={value}" in href, (href, key)
        assert f"asof={AS_OF.isoformat()}" in href
        assert listed_total(client, href) == number, (row, column, number, href)
        agency = None if row in ("", "totals") else int(row)
        assert number == len(want[("totals" if row == "totals" else agency, column)]), (row, column)

    # The totals' lists hold exactly the items, page after page.
    for column in COLUMNS:
        href = next(h for row, c, _n, h in cells if row == "totals" and c == column)
        listed = listed_items(client, href)
        assert len(listed) == len(set(listed)) and set(listed) == want[("totals", column)], column

    # The figure cards say and open the same.
    cards = card_links(page.text)
    totals = {c: (n, h) for row, c, n, h in cells if row == "totals"}
    for column in ("total", "done_on_time", "fallen_due", "overdue", "escalations"):
        number, href = cards[column]
        assert (number, listed_total(client, href)) == (totals[column][0], totals[column][0]), column


def test_the_lists_and_the_table_come_from_one_function(app, seeded, people):
    """The module's own guarantee: each row's number is the length of its items' selection."""
    session = seeded
    plan = half_year(app, session)
    stats = agency_statistics(session, AS_OF, TZ, Period.year(2017), [plan.id], True)
    for row in [*stats.rows, stats.totals]:
        ids = None if row is stats.totals else [row.agency_id]
        items = counted_items(session, AS_OF, TZ, Period.year(2017), [plan.id], True, agency_ids=ids)
        for column in COLUMNS:
            assert row.count(column) == len(select_items(items, column)), (row.name, column)
    assert stats.totals.escalations == len(stats.escalations) > 0
    with pytest.raises(ValueError):
        select_items(stats.items, "on_time_rate")


def test_a_list_pages_and_sorts(app, seeded, people):
    session = seeded
    plan = half_year(app, session)
    client = app.test_client()
    sign_in(client, "lanhdao@soctrang.example")
    base = {"plan": plan.id, "period": "year", "category": "total"}
    total = listed_total(client, "/dashboard/items?" + "&".join(f"{k}={v}" for k, v in base.items()))
    assert total > 100
    names = {a.id: a.name for a in session.scalars(select(Agency))}

    def everything(**order) -> list[dict]:
        rows, page = [], 1
        while True:
            response = client.get("/dashboard/items", query_string={**base, **order, "page": page})
            lines = list_rows(response.text)
            assert len(lines) == min(50, total - 50 * (page - 1)), (page, len(lines))
            rows += lines
            if len(rows) == total:
                return rows
            assert "Trang sau" in response.text
            page += 1

    by_date = everything(sort="deadline", dir="asc")
    keys = [(r["data-assignment"], r["data-occurrence"]) for r in by_date]
    assert len(set(keys)) == total                   # no line twice, none left out
    dues = [r["data-due"] for r in by_date]
    assert dues == sorted(dues) and dues[0] < dues[-1]
    assert [r["data-due"] for r in everything(sort="deadline", dir="desc")] == sorted(dues, reverse=True)
    late = [int(r["data-late"]) for r in everything(sort="late", dir="desc")]
    assert late == sorted(late, reverse=True) and late[0] > 0
    assert [int(r["data-late"]) for r in everything(sort="late", dir="asc")] == sorted(late)
    agencies = [fold(names[int(r["data-agency"])]) for r in everything(sort="agency", dir="asc")]
    assert agencies == sorted(agencies) and agencies[0] != agencies[-1]
    # The same order gives the same pages; past the end shows the last page.
    first = client.get("/dashboard/items", query_string={**base, "sort": "agency", "page": 1}).text
    assert list_rows(first) == list_rows(client.get("/dashboard/items", query_string={
        **base, "sort": "agency", "dir": "asc", "page": 1}).text)
    last = -(-total // 50)
    assert list_rows(client.get("/dashboard/items", query_string={**base, "page": 99}).text) == \
        list_rows(client.get("/dashboard/items", query_string={**base, "page": last}).text)
    assert f"Trang {last} / {last}" in client.get("/dashboard/items", query_string={**base, "page": 99}).text
    # The heading of the column sorted now flips it; the others start their own way, on page 1.
    page = client.get("/dashboard/items", query_string={**base, "sort": "late", "dir": "desc", "page": 2})
    heads = {text: href for href, text in re.findall(r'<th[^>]*><a href="([^"]+)">([^<]+)</a>', page.text)}
    assert "sort=late&amp;dir=asc" in heads["Số ngày quá hạn"] and "page=" not in heads["Số ngày quá hạn"]
    assert "sort=deadline&amp;dir=asc" in heads["Hạn"] and "sort=agency&amp;dir=asc" in heads["Cơ quan"]
    assert 'aria-sort="descending"' in page.text
    # An overdue list starts with the most days late; others by date.
    overdue = list_rows(client.get("/dashboard/items", query_string={**base, "category": "overdue"}).text)
    assert [int(r["data-late"]) for r in overdue] == sorted((int(r["data-late"]) for r in overdue), reverse=True)
    plain = list_rows(client.get("/dashboard/items", query_string=base).text)
    assert [r["data-due"] for r in plain] == dues[:50]
    # Nonsense in the query string is explained or ignored, never a failure.
    odd = client.get("/dashboard/items", query_string={**base, "category": "nonsense", "sort": "x",
                                                       "dir": "sideways", "page": "abc"})
    assert odd.status_code == 200 and "nonsense" in odd.text and list_rows(odd.text) == plain
    assert client.get("/dashboard/items", query_string={**base, "agency": "abc"}).status_code == 404


def test_open_escalations_group_by_agency_or_by_task(app, seeded, people):
    session = seeded
    plan = half_year(app, session)
    client = app.test_client()
    sign_in(client, "lanhdao@soctrang.example")
    args = {"plan": plan.id, "period": "year"}
    page = client.get("/dashboard/", query_string=args)
    assert "Đã cảnh báo, vẫn quá hạn" in page.text and "vượt cấp" not in page.text
    column = {row: n for row, c, n, _h in dashboard_cells(page.text) if c == "escalations"}
    total = column.pop("totals")
    escalated = {row: n for row, n in column.items() if n}
    assert total > 20 and len(escalated) > 20           # more than a page of agencies

    lines = escalation_lines(client, **args)
    assert len(lines) == len(escalated) and len({line["data-agency"] for line in lines}) == len(lines)
    assert {line["data-agency"]: int(line["data-count"]) for line in lines} == escalated
    assert [int(line["data-late"]) for line in lines] == sorted((int(line["data-late"]) for line in lines),
                                                                 reverse=True)
    first = re.findall(r'<tr data-agency="(\d*)" data-count', page.text)
    assert len(first) == 20 and "Trang 1 / 2" in page.text
    # Each line: its oldest item, its list (the escalated items) and the agency's overdue items.
    health = lead(session, "IV.1", HEALTH).agency_id
    line = next(x for x in lines if x["data-agency"] == str(health))
    items = client.get("/dashboard/items", query_string={**args, "agency": health, "category": "escalations"})
    rows = list_rows(items.text)
    assert len(rows) == int(line["data-count"]) and max(int(r["data-late"]) for r in rows) == int(line["data-late"])
    second = client.get("/dashboard/", query_string={**args, "esc_page": 2}).text
    assert not set(first) & set(re.findall(r'<tr data-agency="(\d*)" data-count', second))
    link = re.search(rf'href="([^"]*agency={health}&amp;category=overdue)"', page.text + second).group(1)
    assert listed_total(client, link.replace("&amp;", "&")) == dict(
        (row, n) for row, c, n, _h in dashboard_cells(page.text) if c == "overdue")[str(health)]
    by_count = escalation_lines(client, **args, esc_sort="count", esc_dir="desc")
    assert [int(x["data-count"]) for x in by_count] == sorted((int(x["data-count"]) for x in lines), reverse=True)
    names = {str(a.id): fold(a.name) for a in session.scalars(select(Agency))}
    by_name = [names[x["data-agency"]] for x in escalation_lines(client, **args, esc_sort="name", esc_dir="asc")]
    assert by_name == sorted(by_name)

    # By task: one line per task, naming its agencies; the counts add up to the same total.
    tasks = escalation_lines(client, **args, esc="task")
    assert len({x["data-task"] for x in tasks}) == len(tasks) and sum(int(x["data-count"]) for x in tasks) == total
    iv1 = lead(session, "IV.1", HEALTH).task_id
    line = next(x for x in tasks if x["data-task"] == str(iv1))
    listed = client.get("/dashboard/items", query_string={**args, "task": iv1, "category": "escalations"})
    assert len(list_rows(listed.text)) == int(line["data-count"]) > 5
    task_page = client.get("/dashboard/", query_string={**args, "esc": "task"}).text
    assert "cơ quan khác" in task_page and 'data-grouping="task"' in task_page
    assert 'aria-current="true">Nhiệm vụ' in task_page
    # The dashboard's filters survive the toggle and the paging.
    toggle = re.search(r'<a href="([^"]+)">Cơ quan</a> · <strong', task_page).group(1)
    assert f"plan={plan.id}" in toggle and "period=year" in toggle and "esc=" not in toggle


def test_an_overdue_reporting_period_of_a_recurring_task_is_in_the_overdue_list(app, seeded, people):
    session = seeded
    plan = session.scalar(select(Plan))
    health = lead(session, "IX.1", HEALTH)
    first, later = health.occurrences[0], health.occurrences[1]
    assert first.due == date(2017, 6, 20) and later.due > AS_OF
    app.config["TRACKER_NOW"] = at(2017, 7, 5)
    client = app.test_client()
    sign_in(client, "lanhdao@soctrang.example")
    args = {"plan": plan.id, "period": "all", "agency": health.agency_id}

    def keys(category):
        return set(listed_items(client, "/dashboard/items", **args, category=category))

    assert (health.id, first.id) in keys("overdue") and (health.id, later.id) not in keys("overdue")
    assert (health.id, later.id) in keys("pending_on_time")
    page = client.get("/dashboard/items", query_string={**args, "category": "overdue"})
    assert f'/a/{health.id}?o={first.id}' in page.text and first.label in page.text
    report(session, health, "done", "canbo", occurrence=first, at=at(2017, 7, 1))
    session.commit()
    assert (health.id, first.id) not in keys("overdue") and (health.id, first.id) in keys("done_late")
    row = next(r for r in list_rows(client.get("/dashboard/items", query_string={
        **args, "category": "done_late"}).text) if r["data-occurrence"] == str(first.id))
    assert row["data-late"] == "11"


def _expected_progress(session, plan_id: int, today: date) -> tuple[int, int, int]:
    done = total = overdue = 0
    for a in session.scalars(select(Assignment).join(Task).where(Task.plan_id == plan_id)):
        units = ([(o.status, o.original_due or o.due) for o in a.occurrences]
                 or [(a.status, a.original_due or a.deadline.due)])
        for status, due in units:
            done += status == "done"
            total += status != "cancelled"
            overdue += status not in ("done", "paused", "cancelled") and due is not None and due < today
    return done, total, overdue


def test_the_plans_list_shows_each_plans_progress_from_one_query(app, seeded, people):
    from tracker.config import reporting_calendar
    from tracker.directory.store import load_index
    from tracker.plans.importer import import_plan
    from tracker.reading.plan import read_plan

    session = seeded
    path = SEEDS / "cam-xuyen-2020-kiem-soat-tthc-mot-cua.txt"
    cam_xuyen = import_plan(session, read_plan(path.read_bytes(), path.name,
                                               calendar=reporting_calendar(app.config)),
                            load_index(session)).plan
    session.commit()
    plan = half_year(app, session)
    for a in session.scalars(select(Assignment).join(Task).where(Task.ref == "IV.1", Task.plan_id == plan.id)):
        if a.role == "coordinate":
            report(session, a, "done", "canbo", at=at(2017, 6, 1))
    session.commit()
    plans = [plan.id, cam_xuyen.id]

    statements = []
    listener = lambda *a: statements.append(a[2])       # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        progress = plan_progress(session, plans, AS_OF)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 1                       # every plan at once
    for plan_id in plans:
        p = progress[plan_id]
        assert (p.done, p.total, p.overdue) == _expected_progress(session, plan_id, AS_OF), plan_id
    mine = progress[plan.id]
    assert 0 < mine.done < mine.total and mine.overdue > 0
    assert progress[cam_xuyen.id].done == 0

    client = app.test_client()
    sign_in(client, "admin@tracker.example")
    page = client.get("/plans")
    assert page.status_code == 200
    cells = dict(re.findall(r'<a href="/plans/(\d+)">.*?class="plan-progress" (data-done="\d+" data-total="\d+" '
                            r'data-overdue="\d+")', page.text, re.S))
    assert cells[str(plan.id)] == f'data-done="{mine.done}" data-total="{mine.total}" data-overdue="{mine.overdue}"'
    share = re.search(rf"{mine.done}/{mine.total}</span> · (\d+)%", page.text).group(1)
    assert abs(int(share) - 100 * mine.done / mine.total) <= 0.5
    assert f"{mine.overdue} quá hạn" in page.text and 'class="bar"' in page.text and "<script" not in \
        page.text.split("<main")[1]
    # The overdue number opens the dashboard's list of those very items.
    link = re.search(rf'href="(/dashboard/items\?plan={plan.id}[^"]*category=overdue[^"]*)"', page.text).group(1)
    assert listed_total(client, link.replace("&amp;", "&")) == mine.overdue
    # An officer sees the progress but no dashboard link.
    officer = app.test_client()
    sign_in(officer, STP_OFFICER)
    page = officer.get("/plans")
    assert page.status_code == 200 and "plan-progress" in page.text and "/dashboard/items" not in page.text


def test_who_may_open_a_list(app, seeded, people):
    from tracker.accounts.manage import create_account, find_committee

    session = seeded
    plan = session.scalar(select(Plan))
    justice = lead(session, "IV.1", JUSTICE)
    create_account(session, "lanhdao@camxuyen.example", "Chủ tịch huyện", "leader",
                   find_committee(session, "UBND huyện Cẩm Xuyên"), PASSWORD)
    session.commit()
    app.config["TRACKER_NOW"] = at(2017, 7, 5)
    url = "/dashboard/items"
    anonymous = app.test_client()
    response = anonymous.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    officer = app.test_client()
    sign_in(officer, STP_OFFICER)
    assert officer.get(url).status_code == 403
    other = app.test_client()
    sign_in(other, "lanhdao@camxuyen.example")
    assert other.get(url, query_string={"plan": plan.id}).status_code == 404
    assert other.get(url, query_string={"agency": justice.agency_id}).status_code == 404
    assert other.get(url, query_string={"task": justice.task_id}).status_code == 404
    page = other.get(url, query_string={"period": "all"})
    assert page.status_code == 200 and "Sóc Trăng" not in page.text
    leader = app.test_client()
    sign_in(leader, "lanhdao@soctrang.example")
    page = leader.get(url, query_string={"agency": justice.agency_id, "category": "overdue"})
    assert page.status_code == 200 and JUSTICE in page.text
    assert leader.get(url, query_string={"agency": 999999}).status_code == 404
