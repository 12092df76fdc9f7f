"""Officers and authors on an assignment's page: sign-in from an e-mailed link, scopes,
progress reports with evidence, extensions, returned outputs, "Việc của tôi"."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.jobs import run
from tracker.models import DONE, Agency, Assignment, Evidence, ExtensionRequest, StatusChange

from .conftest import STP_OFFICER, issue_link, sign_in

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _csrf(page) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.text).group(1)


def _stp(session) -> Agency:
    return session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp tỉnh Sóc Trăng"))


def _dated(session, agency: Agency) -> Assignment:
    """An assignment of the agency with a single due date."""
    rows = session.scalars(select(Assignment).where(Assignment.agency_id == agency.id)).all()
    return next(a for a in rows if a.deadline.due is not None and not a.occurrences)


def _recurring(session, agency: Agency) -> Assignment:
    rows = session.scalars(select(Assignment).where(Assignment.agency_id == agency.id)).all()
    return next(a for a in rows if a.occurrences)


@pytest.fixture
def officer(app, seeded, people):
    client = app.test_client()
    sign_in(client, STP_OFFICER)
    return client


@pytest.fixture
def author(app, seeded, people):
    client = app.test_client()
    sign_in(client, "soanthao@soctrang.example")
    return client


def test_the_link_in_a_reminder_signs_the_officer_in_and_opens_the_item(app, seeded, smtp_server):
    catcher, _ = smtp_server
    item = _dated(db.session, _stp(db.session))
    due = item.deadline.due
    # Plan and send the reminders of a few working days before the due date.
    for offset in range(10, -1, -1):
        moment = datetime.combine(due - timedelta(days=offset), time(7, 30), TZ)
        run("reminders", moment)
        run("send", moment)
    mine = [m for rcpt, m in catcher.messages if STP_OFFICER in rcpt]
    assert mine, "the officer got a reminder"
    text = mine[-1].get_body(("plain",)).get_content()
    links = re.findall(r"https://tracker\.example\.gov\.vn/login/link/\S+", text)
    assert links
    app.config["TRACKER_NOW"] = moment + timedelta(hours=2)   # the officer reads it that morning
    client = app.test_client()
    opened = client.get(links[0].replace("https://tracker.example.gov.vn", ""), follow_redirects=True)
    assert opened.status_code == 200
    assert "Báo cáo tiến độ" in opened.text                    # the item's page, with the report form
    # The link works once: a second click (a forwarded copy) gets no session.
    again = app.test_client().get(links[0].replace("https://tracker.example.gov.vn", ""))
    assert again.status_code == 410 and "đã được dùng" in again.text
    # The attached calendar never carries the sign-in link.
    ics = next(p for p in mine[0].iter_attachments() if p.get_content_type() == "text/calendar")
    assert "/login/link/" not in ics.get_content()
    # A tampered link signs nobody in.
    other = app.test_client()
    bad = other.get(links[0].replace("https://tracker.example.gov.vn", "")[:-3] + "xyz", follow_redirects=True)
    assert "không hợp lệ" in bad.text
    assert other.get("/my/").status_code == 302


def test_an_expired_link_is_refused(app, seeded, people):
    token = issue_link(STP_OFFICER, "/my/")
    app.config["TRACKER_NOW"] = datetime.now(TZ) + timedelta(days=app.config["TRACKER_SIGNIN_LINK_DAYS"], minutes=1)
    page = app.test_client().get(f"/login/link/{token}", follow_redirects=True)
    assert page.status_code == 410 and "hết hạn" in page.text
    assert app.test_client().get("/my/").status_code == 302


def test_an_officer_sees_only_their_agencies_items(app, officer, seeded):
    stp = _stp(db.session)
    own = _dated(db.session, stp)
    other = db.session.scalar(select(Assignment).where(Assignment.agency_id != stp.id,
                                                       Assignment.agency_id.is_not(None)))
    assert officer.get(f"/a/{own.id}").status_code == 200
    assert officer.get(f"/a/{other.id}").status_code == 404
    assert officer.post(f"/a/{other.id}/report", data={}).status_code in (400, 404)
    assert officer.get("/dashboard/").status_code == 403
    assert officer.get("/imports/new").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(app, seeded):
    client = app.test_client()
    for path in ("/", "/plans", "/plans/1", "/a/1", "/my/", "/dashboard/", "/admin/", "/imports/new"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_password_sign_in_and_errors_next_to_the_field(app, people):
    client = app.test_client()
    page = client.get("/login")
    wrong = client.post("/login", data={"csrf_token": _csrf(page), "email": STP_OFFICER, "password": "sai"})
    assert wrong.status_code == 200 and 'class="field-error"' in wrong.text and "Sai địa chỉ thư" in wrong.text
    empty = client.post("/login", data={"csrf_token": _csrf(page), "email": "", "password": ""})
    assert "Nhập địa chỉ thư điện tử." in empty.text and "Nhập mật khẩu." in empty.text
    ok = client.post("/login", data={"csrf_token": _csrf(page), "email": STP_OFFICER,
                                     "password": "mat-khau-thu-nghiem"})
    assert ok.status_code == 302
    # Only paths on this site are followed after sign-in.
    client2 = app.test_client()
    page = client2.get("/login")
    away = client2.post("/login?next=//evil.example/x", data={
        "csrf_token": _csrf(page), "email": STP_OFFICER, "password": "mat-khau-thu-nghiem"})
    assert "evil.example" not in away.headers["Location"]


def test_forms_without_the_csrf_token_are_refused(app, officer, seeded):
    item = _dated(db.session, _stp(db.session))
    response = officer.post(f"/a/{item.id}/report", data={"status": "done"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Assignment, item.id).status != DONE


def test_report_done_with_evidence(app, officer, seeded, author):
    item = _dated(db.session, _stp(db.session))
    page = officer.get(f"/a/{item.id}")
    response = officer.post(f"/a/{item.id}/report", data={
        "csrf_token": _csrf(page), "status": "done", "progress": "100", "comment": "Đã ban hành <b>QĐ</b>",
        "files": [(io.BytesIO(PDF), "quyet-dinh.pdf")]}, content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    done = db.session.get(Assignment, item.id)
    assert done.status == DONE and done.completed_at is not None
    evidence = db.session.scalar(select(Evidence))
    assert evidence.filename == "quyet-dinh.pdf" and evidence.content_type == "application/pdf"
    page = officer.get(f"/a/{item.id}")
    assert "Đã ban hành &lt;b&gt;QĐ&lt;/b&gt;" in page.text
    download = officer.get(f"/evidence/{evidence.id}")
    assert download.data == PDF and "attachment" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    # The author does not accept it and sends it back: open again, the officer sees why.
    page = author.get(f"/a/{item.id}")
    assert "<h2>Trả lại kết quả</h2>" in page.text
    back = author.post(f"/a/{item.id}/return", data={"csrf_token": _csrf(page), "comment": "Thiếu phụ lục"})
    assert back.status_code == 302
    db.session.expire_all()
    returned = db.session.get(Assignment, item.id)
    assert returned.status == "in_progress" and returned.returned and returned.completed_at is None
    assert "Thiếu phụ lục" in officer.get(f"/a/{item.id}").text
    assert "Kết quả bị trả lại" in officer.get("/my/").text


def test_evidence_of_the_wrong_type_or_size_is_refused_next_to_the_field(app, officer, seeded):
    item = _dated(db.session, _stp(db.session))
    app.config["TRACKER_MAX_EVIDENCE_BYTES"] = 1000
    page = officer.get(f"/a/{item.id}")
    exe = officer.post(f"/a/{item.id}/report", data={
        "csrf_token": _csrf(page), "status": "done", "files": [(io.BytesIO(b"MZ\x90\x00" * 10), "bao-cao.pdf")]},
        content_type="multipart/form-data")
    assert exe.status_code == 422 and 'class="field-error"' in exe.text and "không phải loại được nhận" in exe.text
    big = officer.post(f"/a/{item.id}/report", data={
        "csrf_token": _csrf(page), "status": "done", "files": [(io.BytesIO(PDF + b"0" * 2000), "lon.pdf")]},
        content_type="multipart/form-data")
    assert big.status_code == 422 and "lớn hơn" in big.text
    db.session.expire_all()
    assert db.session.get(Assignment, item.id).status != DONE
    assert db.session.scalar(select(StatusChange).where(StatusChange.assignment_id == item.id)) is None


def test_extension_requested_and_approved_keeps_the_original_date(app, officer, author, seeded):
    item = _dated(db.session, _stp(db.session))
    due = item.deadline.due
    shared = [a.id for a in db.session.scalars(select(Assignment).where(Assignment.deadline_id == item.deadline_id))]
    page = officer.get(f"/a/{item.id}")
    early = officer.post(f"/a/{item.id}/extension", data={
        "csrf_token": _csrf(page), "requested_due": (due - timedelta(days=1)).isoformat(), "reason": "x"})
    assert early.status_code == 422 and "phải sau hạn hiện tại" in early.text
    wanted = due + timedelta(days=30)
    asked = officer.post(f"/a/{item.id}/extension", data={
        "csrf_token": _csrf(page), "requested_due": f"{wanted:%d/%m/%Y}", "reason": "Chờ hướng dẫn của Bộ"})
    assert asked.status_code == 302
    listing = author.get("/extensions")
    assert "Chờ hướng dẫn của Bộ" in listing.text
    request_id = db.session.scalar(select(ExtensionRequest.id))
    decided = author.post(f"/extensions/{request_id}", data={"csrf_token": _csrf(listing), "approve": "1",
                                                             "comment": "Đồng ý"})
    assert decided.status_code == 302
    db.session.expire_all()
    extended = db.session.get(Assignment, item.id)
    assert extended.deadline.due == wanted and extended.original_due == due
    assert "extended" in extended.deadline.flags
    # The other agencies of the same row keep the plan's date.
    for other_id in shared:
        if other_id != item.id:
            assert db.session.get(Assignment, other_id).deadline.due == due
    # An officer cannot decide.
    assert officer.post(f"/extensions/{request_id}",
                        data={"csrf_token": _csrf(page), "approve": "1"}).status_code == 403


def test_my_work_lists_overdue_and_due_items(app, officer, seeded):
    item = _dated(db.session, _stp(db.session))
    due = item.deadline.due
    app.config["TRACKER_NOW"] = datetime.combine(due + timedelta(days=3), time(9), TZ)
    page = officer.get("/my/")
    assert page.status_code == 200
    overdue = page.text.split("Quá hạn", 1)[1].split("Đến hạn trong tuần này", 1)[0]
    assert f"/a/{item.id}" in overdue
    app.config["TRACKER_NOW"] = datetime.combine(due - timedelta(days=(due.weekday() + 1) % 7 or 7), time(9), TZ)
    recurring = _recurring(db.session, _stp(db.session))
    assert recurring
    page = officer.get("/my/")
    assert "Việc của tôi" in page.text and "Nhiệm vụ thường xuyên cần báo cáo kỳ này" in page.text
    assert "/my/calendar" in page.text
    subscribe = officer.get("/my/calendar", follow_redirects=True)
    assert subscribe.status_code == 200 and "webcal://" in subscribe.text


def test_plan_page_filters(app, author, seeded):
    stp = _stp(db.session)
    plan_id = _dated(db.session, stp).task.plan_id
    everything = author.get(f"/plans/{plan_id}")
    only = author.get(f"/plans/{plan_id}", query_string={"agency": stp.id})
    assert only.status_code == 200 and len(only.text) < len(everything.text)
    assert only.text.count("/a/") <= everything.text.count("/a/")
    q2 = author.get(f"/plans/{plan_id}", query_string={"due": "q2"})
    assert q2.status_code == 200
    # Continuous and later tasks drop out of a quarter's view.
    assert 0 < q2.text.count('id="task-') < everything.text.count('id="task-')


def test_language_switch(app, officer, seeded):
    page = officer.get("/my/")
    switched = officer.post("/language/en", data={"csrf_token": _csrf(page), "next": "/my/"})
    assert switched.status_code == 302
    page = officer.get("/my/")
    assert '<html lang="en">' in page.text


def test_malformed_values_get_vietnamese_errors_next_to_the_field(app, officer, seeded):
    item = _dated(db.session, _stp(db.session))
    page = officer.get(f"/a/{item.id}")
    bad = officer.post(f"/a/{item.id}/report", data={"csrf_token": _csrf(page), "status": "xyz", "progress": "abc"})
    assert bad.status_code == 422
    assert "Tiến độ phải là một số từ 0 đến 100." in bad.text and "Trạng thái không hợp lệ." in bad.text
    assert "Not a valid" not in bad.text
    date_bad = officer.post(f"/a/{item.id}/extension", data={"csrf_token": _csrf(page), "requested_due": "31/02",
                                                             "reason": "x"})
    assert date_bad.status_code == 422 and "Ngày không hợp lệ" in date_bad.text


def test_the_overdue_filter_shows_the_overdue_period_of_a_recurring_task(app, author, seeded):
    """A recurring task has no due date of its own: its overdue report period still puts it
    under "quá hạn" (and its row shows that category)."""
    from tracker.models import Assignment
    recurring = next(a for a in db.session.scalars(select(Assignment)) if a.occurrences and a.agency_id)
    first = recurring.occurrences[0]
    app.config["TRACKER_NOW"] = datetime.combine(first.due + timedelta(days=3), time(9, 0), tzinfo=UTC)
    page = author.get(f"/plans/{recurring.task.plan_id}", query_string={"status": "overdue"})
    assert page.status_code == 200
    assert f'id="task-{recurring.task.ref}"' in page.text
    assert f'/a/{recurring.id}"' in page.text
