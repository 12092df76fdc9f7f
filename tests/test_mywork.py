"""Việc của tôi: the sections of an officer's work list (plans.worklist, without the web) and
the page built from it. The Sóc Trăng plan of 2017 as seeded; the clock frozen mid-June 2017:
Sở Tư pháp has January items overdue, a Q2 item and two half-year reports due this month, a
Q3 item due in September, year-end items, "Thường xuyên" tasks and event-driven ones."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from tracker.config import reporting_calendar
from tracker.extensions import db
from tracker.models import Agency, Assignment
from tracker.plans import extension_requests as extensions
from tracker.plans import progress
from tracker.plans.worklist import month_end, work_list

from .conftest import STP_OFFICER, sign_in

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2017, 6, 15)              # a Thursday: the week ends on 18/06, "Sắp đến hạn" on 30/09
UPPER = ("returned", "overdue", "this_week", "this_month", "upcoming", "checkins")


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), TZ)


def _stp(session) -> Agency:
    return session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp tỉnh Sóc Trăng"))


def _mine(session) -> list[Assignment]:
    return list(session.scalars(select(Assignment).where(Assignment.agency_id == _stp(session).id)
                                .order_by(Assignment.id)))


def _due_on(session, day: date) -> Assignment:
    """Sở Tư pháp's first assignment with this single due date."""
    return next(a for a in _mine(session) if a.deadline.due == day and not a.occurrences)


def _continuous(session) -> Assignment:
    return next(a for a in _mine(session) if a.deadline.kind == "continuous")


def _work(app, today: date = TODAY):
    return work_list(db.session, [_stp(db.session).id], today, app.config["TRACKER_TIMEZONE"],
                     reporting_calendar(app.config), app.config["TRACKER_CHECKIN_PERIODS"])


def _key(w) -> tuple[int, int | None]:
    return (w.assignment.id, w.occurrence.id if w.occurrence else None)


def _where(work, assignment: Assignment, occurrence=None) -> list[str]:
    """The upper sections an item is listed in."""
    key = (assignment.id, occurrence.id if occurrence else None)
    return [name for name in UPPER if key in {_key(w) for w in getattr(work, name)}]


def _extend(session, assignment: Assignment, to: date, approve: bool = True, occurrence=None):
    request = extensions.request_extension(session, assignment, occurrence, to, "Chờ hướng dẫn của Bộ",
                                           by=STP_OFFICER)
    session.flush()
    if approve is not None:
        extensions.decide(session, request, approve, by="soanthao@soctrang.example")
    session.commit()


# ---- the work list, without the web ----

def test_each_open_item_is_in_one_section_above_and_all_are_in_the_complete_list(app, seeded):
    app.config["TRACKER_NOW"] = _at(TODAY)
    work = _work(app)
    session = db.session
    assert work.upcoming_until == date(2017, 9, 30)
    keys = [_key(w) for name in UPPER for w in getattr(work, name)]
    assert len(keys) == len(set(keys)), "an item listed twice above the complete list"
    assert set(keys) <= {_key(w) for w in work.everything}
    # Every open item of the agency is in the complete list, dated or not.
    expected = sum(len(a.occurrences) or 1 for a in _mine(session))
    assert len(work.everything) == expected
    assert work.undated == sum(1 for w in work.everything if w.due is None) > 0

    assert _where(work, _due_on(session, date(2017, 1, 31))) == ["overdue"]
    assert work.overdue[0].days_late == (TODAY - date(2017, 1, 31)).days
    assert _where(work, _due_on(session, date(2017, 6, 30))) == ["this_month"]
    assert _where(work, _due_on(session, date(2017, 9, 30))) == ["upcoming"]
    year_end = _due_on(session, date(2017, 12, 31))
    assert _where(work, year_end) == [] and work.later > 0
    # Undated tasks are in the complete list, with their words ("Thường xuyên.", "Theo ...").
    undated = {w.assignment.deadline.kind for w in work.everything if w.due is None}
    assert {"continuous", "external", "event"} <= undated
    assert any(w.label.startswith("Thường xuyên") for w in work.everything)
    assert all(w.status == "not_started" and w.progress is None and w.extension_to is None
               for w in work.everything)


def test_an_item_extended_to_next_year_stays_in_the_list(app, seeded):
    session = db.session
    app.config["TRACKER_NOW"] = _at(TODAY)
    q3 = _due_on(session, date(2017, 9, 30))
    _extend(session, q3, date(2018, 3, 31))
    work = _work(app)
    assert _where(work, q3) == []                       # past "Sắp đến hạn" (30/09/2017) ...
    listed = next(w for w in work.everything if w.assignment.id == q3.id)
    assert listed.due == date(2018, 3, 31) and listed.original_due == date(2017, 9, 30)
    # ... until it comes within three months of its date.
    work = _work(app, date(2018, 1, 10))
    assert _where(work, q3) == ["upcoming"] and work.upcoming_until == date(2018, 4, 30)


def test_a_returned_output_is_listed_once_with_the_reason(app, seeded):
    session = db.session
    app.config["TRACKER_NOW"] = _at(TODAY)
    q2 = _due_on(session, date(2017, 6, 30))
    overdue = _due_on(session, date(2017, 1, 31))
    for item in (q2, overdue):
        progress.report(session, item, "done", by=STP_OFFICER, progress=100)
        progress.return_output(session, item, "soanthao@soctrang.example", "Thiếu phụ lục")
    session.commit()
    work = _work(app)
    assert _where(work, q2) == ["returned"] and _where(work, overdue) == ["returned"]
    returned = {w.assignment.id: w for w in work.returned}
    assert returned[q2.id].returned_reason == "Thiếu phụ lục"
    assert returned[overdue.id].days_late == (TODAY - date(2017, 1, 31)).days   # still late
    assert returned[q2.id].progress == 90 and returned[q2.id].status == "in_progress"
    # A new report answers it: back in its due section.
    progress.report(session, q2, "in_progress", by=STP_OFFICER, progress=95)
    session.commit()
    work = _work(app)
    assert _where(work, q2) == ["this_month"]
    assert next(w for w in work.this_month if w.assignment.id == q2.id).returned_reason is None


def test_a_returned_report_of_one_period_is_listed_once(app, seeded):
    session = db.session
    recurring = next(a for a in _mine(session) if a.occurrences)
    june, december = recurring.occurrences[0], recurring.occurrences[-1]
    app.config["TRACKER_NOW"] = _at(TODAY)
    progress.report(session, recurring, "done", by=STP_OFFICER, occurrence=june)
    progress.return_output(session, recurring, "soanthao@soctrang.example", "Số liệu chưa khớp", june)
    session.commit()
    work = _work(app)
    assert _where(work, recurring, june) == ["returned"]
    assert work.returned[0].returned_reason == "Số liệu chưa khớp"
    assert _where(work, recurring, december) == []        # the other period is not the one sent back
    assert (recurring.id, december.id) in {_key(w) for w in work.everything}


def test_status_progress_and_a_pending_extension(app, seeded):
    session = db.session
    app.config["TRACKER_NOW"] = _at(TODAY)
    q2 = _due_on(session, date(2017, 6, 30))
    progress.report(session, q2, "in_progress", by=STP_OFFICER, progress=40)
    _extend(session, q2, date(2017, 8, 15), approve=None)          # asked, not decided
    refused = _due_on(session, date(2017, 9, 30))
    _extend(session, refused, date(2017, 12, 1), approve=False)
    work = _work(app)
    row = next(w for w in work.this_month if w.assignment.id == q2.id)
    assert (row.status, row.progress, row.extension_to) == ("in_progress", 40, date(2017, 8, 15))
    assert next(w for w in work.upcoming if w.assignment.id == refused.id).extension_to is None


def test_a_continuous_task_reported_this_period_leaves_the_check_ins_not_the_list(app, seeded):
    session = db.session
    app.config["TRACKER_NOW"] = _at(TODAY)
    task = _continuous(session)
    work = _work(app)
    assert _where(work, task) == ["checkins"] and work.checkins[0].period is not None
    progress.report(session, task, "in_progress", by=STP_OFFICER, comment="Đã rà soát 12 thủ tục")
    session.commit()
    work = _work(app)
    assert _where(work, task) == []
    assert task.id in {w.assignment.id for w in work.everything}


def test_done_paused_and_cancelled_items_leave_the_list(app, seeded):
    session = db.session
    app.config["TRACKER_NOW"] = _at(TODAY)
    first, second, third = [_due_on(session, d) for d in (date(2017, 1, 31), date(2017, 6, 30),
                                                          date(2017, 9, 30))]
    for item, status in ((first, "done"), (second, "paused"), (third, "cancelled")):
        progress.report(session, item, status, by=STP_OFFICER)
    session.commit()
    listed = {w.assignment.id for w in _work(app).everything}
    assert not listed & {first.id, second.id, third.id}


def test_the_list_is_read_in_a_fixed_number_of_queries(app, seeded):
    """However many items there are: extension requests and history come in one query each."""
    session = db.session
    app.config["TRACKER_NOW"] = _at(TODAY)
    for item in _mine(session)[:6]:
        progress.report(session, item, "in_progress", by=STP_OFFICER, progress=10)
    _extend(session, _due_on(session, date(2017, 9, 30)), date(2017, 11, 30), approve=None)
    session.expire_all()
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        work = _work(app)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(work.everything) > 20
    assert len(statements) <= 10, statements


def test_month_end():
    assert month_end(date(2017, 6, 15)) == date(2017, 6, 30)
    assert month_end(date(2017, 11, 3), 3) == date(2018, 2, 28)
    assert month_end(date(2017, 12, 31), 1) == date(2018, 1, 31)


def test_an_officer_without_agencies_gets_an_empty_list(app, seeded):
    work = work_list(db.session, [], TODAY, "Asia/Ho_Chi_Minh", reporting_calendar(app.config), ("quarterly",))
    assert work.empty and not work.pressing


# ---- the page ----

@pytest.fixture
def officer(app, seeded, people):
    client = app.test_client()
    sign_in(client, STP_OFFICER)
    return client


def _split(page: str) -> tuple[str, str]:
    """The sections above the complete list, and the complete list."""
    upper, _, everything = page.partition('id="all-open"')
    assert everything, "no complete list"
    return upper, everything


def _rows(html: str, assignment: Assignment) -> int:
    return html.count(f'href="/a/{assignment.id}"')


def _section(page: str, heading: str, following: str) -> str:
    return page.split(heading, 1)[1].split(following, 1)[0]


def test_the_page_shows_every_section_and_each_item_once_above(app, officer, seeded):
    session = db.session
    app.config["TRACKER_NOW"] = _at(TODAY)
    q2 = _due_on(session, date(2017, 6, 30))
    progress.report(session, q2, "done", by=STP_OFFICER, progress=100)
    progress.return_output(session, q2, "soanthao@soctrang.example", "Thiếu phụ lục")
    overdue = _due_on(session, date(2017, 1, 31))
    progress.report(session, overdue, "in_progress", by=STP_OFFICER, progress=40)
    _extend(session, overdue, date(2017, 7, 31), approve=None)
    q3 = _due_on(session, date(2017, 9, 30))
    _extend(session, q3, date(2018, 3, 31))
    session.commit()

    page = officer.get("/my/")
    assert page.status_code == 200
    text = page.text
    headings = ["Kết quả bị trả lại", "Quá hạn", "Đến hạn trong tuần này", "Đến hạn trong tháng này",
                "Sắp đến hạn", "Nhiệm vụ thường xuyên cần báo cáo kỳ này", "Tất cả nhiệm vụ chưa hoàn thành"]
    found = [text.find(f"{h} <span class=\"chip\">") for h in headings]
    assert -1 not in found and found == sorted(found), dict(zip(headings, found))
    upper, everything = _split(text)

    # The returned item: once above, under its own heading, with the reason.
    assert _rows(upper, q2) == 1
    returned = _section(text, "Kết quả bị trả lại <span", "Quá hạn <span")
    assert _rows(returned, q2) == 1 and "Thiếu phụ lục" in returned
    # Status, progress, days late and the pending extension on the overdue row.
    late = _section(text, "Quá hạn <span", "Đến hạn trong tuần này <span")
    row = late[late.index(f'href="/a/{overdue.id}"'):].split("</tr>", 1)[0]
    assert "Đang thực hiện · 40%" in row
    assert f"quá hạn {(TODAY - date(2017, 1, 31)).days} ngày" in row
    assert "Đang đề nghị gia hạn đến 31/07/2017" in row
    assert "Chưa thực hiện" in text                       # the other rows' status
    assert "not_started" not in text and "in_progress" not in text
    # Extended to next year: not above, but in the complete list with both dates.
    assert _rows(upper, q3) == 0
    row = everything[everything.index(f'href="/a/{q3.id}"'):].split("</tr>", 1)[0]
    assert "31/03/2018" in row and "gia hạn từ" in row and "30/09/2017" in row
    assert "Còn " in _section(text, "Sắp đến hạn <span", "Nhiệm vụ thường xuyên")   # points to the rest
    # Every open item is in the complete list, "Thường xuyên" tasks included.
    for a in _mine(session):
        assert _rows(everything, a) == (len(a.occurrences) or 1), a.id
    assert "Thường xuyên" in everything
    continuous = _continuous(session)
    assert _rows(everything, continuous) == 1
    # The complete list is folded while there is something above it to do.
    assert '<details class="all-open">' in everything


def test_a_quiet_page_opens_the_complete_list(app, officer, seeded):
    """Nothing due for months and every check-in made: the undated tasks are still on the page."""
    session = db.session
    app.config["TRACKER_NOW"] = _at(date(2018, 1, 20))      # past the plan's year: no check-in period
    for a in _mine(session):
        if a.deadline.due is not None or a.occurrences:
            for occurrence in a.occurrences or [None]:
                progress.report(session, a, "done", by=STP_OFFICER, occurrence=occurrence)
    session.commit()
    text = officer.get("/my/").text
    upper, everything = _split(text)
    assert "Không có nhiệm vụ quá hạn." in upper and "Không có nhiệm vụ sắp đến hạn." in upper
    assert '<details class="all-open" open>' in everything
    assert _rows(everything, _continuous(session)) == 1
    assert "Đang đề nghị gia hạn" not in text
