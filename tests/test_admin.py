"""Administration: the directory, accounts, the reminder policy, the outbox, the scheduler's
runs and the working-day calendar — through the pages, with CSRF tokens as a browser sends
them, and with the planner and a real SMTP server downstream."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

import tracker.jobs as jobs
from tracker.accounts.manage import create_account, find_committee
from tracker.directory.store import load_index
from tracker.jobs import run
from tracker.mail.compose import ComposedMail
from tracker.mail.outbox import enqueue, idempotency_key
from tracker.models import (
    Account,
    Agency,
    AgencyGroup,
    Assignment,
    CalendarDay,
    FocalOfficer,
    JobRun,
    OutboxMessage,
    Plan,
    SentStep,
    Task,
)
from tracker.reminders.policy import global_policy
from tracker.reminders.rules import Item, schedule
from tracker.scheduling.office_calendar import working_calendar

from .conftest import PASSWORD, STP_OFFICER, free_port, sign_in

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
JUSTICE = "Sở Tư pháp tỉnh Sóc Trăng"
ADMIN, AUTHOR, LEADER = "admin@tracker.example", "soanthao@soctrang.example", "lanhdao@soctrang.example"


def at(day: date) -> datetime:
    return datetime.combine(day, time(7, 30), TZ)


def client_for(app, email: str | None):
    client = app.test_client()
    if email:
        sign_in(client, email)
    return client


def token(client, page: str) -> str:
    """The CSRF token a browser would have from ``page``."""
    response = client.get(page)
    assert response.status_code == 200, page
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.text).group(1)


def post(client, url: str, data: dict, page: str | None = None, prefix: str = ""):
    return client.post(url, data={**data, f"{prefix}csrf_token": token(client, page or url)})


def errors_next_to(html: str, field_id: str) -> list[str]:
    """The error messages inside the form field whose label is for ``field_id``."""
    for chunk in re.split(r'<div class="field(?: has-error)?">', html):
        if f'<label for="{field_id}">' in chunk:
            return re.findall(r'<div class="field-error" role="alert">(.*?)</div>', chunk)
    raise AssertionError(f"no field {field_id}")


def last_id(session) -> int:
    return session.scalar(select(func.max(OutboxMessage.id))) or 0


def recipients_since(session, mark: int) -> set[str | None]:
    return set(session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.id > mark)))


def justice(session) -> Agency:
    return session.scalar(select(Agency).where(Agency.name == JUSTICE))


def justice_iv1_keys(session) -> list[str]:
    """Ledger keys of the Department of Justice's task IV.1 (due 31/01/2017, during Tết)."""
    ids = session.scalars(select(Assignment.id).join(Task).where(
        Task.ref == "IV.1", Assignment.agency_id == justice(session).id)).all()
    assert ids
    return [f"a{i}" for i in ids]


def planned(session, keys: list[str]) -> set[str]:
    return set(session.scalars(select(SentStep.step_key).where(SentStep.item_key.in_(keys))))


@pytest.fixture
def failed_message(session):
    """A failed outbox row whose subject carries markup (it must be shown escaped)."""
    row = enqueue(session, ComposedMail(to=None, subject="[Nhắc hạn] <script>alert(1)</script>",
                                        text="Nội dung <b>thư</b>", html="<p>h</p>", ics=None),
                  "reminder", idempotency_key("reminder", None, "2017-01-17", ["a1:before-3"]), [], "Cán bộ A")
    session.commit()
    return row


# --- access -------------------------------------------------------------------------------------


def _pages(session, message_id: int) -> list[str]:
    agency, plan = justice(session), session.scalar(select(Plan))
    officer = agency.officers[0]
    account = session.scalar(select(Account).where(Account.email == LEADER))
    return ["/admin/", "/admin/agencies", f"/admin/agencies/{agency.id}",
            f"/admin/agencies/new?parent={agency.parent_id}", f"/admin/officers/{officer.id}",
            "/admin/accounts", "/admin/accounts/new", f"/admin/accounts/{account.id}/password",
            "/admin/policy", f"/admin/plans/{plan.id}/policy", "/admin/outbox", "/admin/outbox?state=failed",
            f"/admin/outbox/{message_id}", "/admin/jobs", "/admin/jobs?job=reminders", "/admin/calendar",
            "/admin/calendar?year=2017"]


def test_every_page_renders_for_an_administrator_only(app, session, seeded, people, failed_message):
    run("reminders", at(date(2017, 1, 17)))            # something in the outbox and the runs
    pages = _pages(session, failed_message.id)
    admin = client_for(app, ADMIN)
    for page in pages:
        response = admin.get(page)
        assert response.status_code == 200, page
        assert "<script>alert(1)</script>" not in response.text, page
    for email in (LEADER, STP_OFFICER):
        other = client_for(app, email)
        for page in pages:
            assert other.get(page).status_code == 403, (email, page)
    anonymous = client_for(app, None)
    for page in pages:
        response = anonymous.get(page)
        assert response.status_code == 302 and "/login" in response.headers["Location"], page
    # The plan's own policy page is also the plan author's; every other page is not.
    author = client_for(app, AUTHOR)
    plan_page = next(p for p in pages if p.startswith("/admin/plans/"))
    assert author.get(plan_page).status_code == 200
    assert all(author.get(p).status_code == 403 for p in pages if p != plan_page)
    # ... but only an author whose committee issued (or is above) the plan.
    create_account(session, "soanthao@hatinh.example", "Hà Tĩnh", "author",
                   find_committee(session, "Ủy ban nhân dân tỉnh Hà Tĩnh"), PASSWORD)
    session.commit()
    assert client_for(app, "soanthao@hatinh.example").get(plan_page).status_code == 404
    # Changing things is refused the same way.
    officer = client_for(app, STP_OFFICER)
    refused = post(officer, f"/admin/outbox/{failed_message.id}/retry", {}, page="/plans")
    assert refused.status_code == 403
    assert session.get(OutboxMessage, failed_message.id).state == "failed"


def test_a_post_without_the_csrf_token_is_refused(app, session, seeded, people, failed_message):
    admin = client_for(app, ADMIN)
    assert admin.post("/admin/calendar", data={"day": "2017-01-23", "kind": "off"}).status_code == 400
    assert admin.post(f"/admin/outbox/{failed_message.id}/retry").status_code == 400
    assert session.scalar(select(func.count()).select_from(CalendarDay)) == 0
    assert session.get(OutboxMessage, failed_message.id).state == "failed"
    # The same post with the page's token goes through.
    accepted = post(admin, "/admin/calendar", {"day": "2017-01-23", "kind": "off"}, page="/admin/calendar")
    assert accepted.status_code == 302


# --- directory ----------------------------------------------------------------------------------


def test_editing_focal_officers_changes_who_gets_the_next_reminder(app, session, seeded, people):
    admin = client_for(app, ADMIN)
    run("reminders", at(date(2017, 1, 17)))            # before-7 of IV.1
    assert STP_OFFICER in recipients_since(session, 0)

    officer = session.scalar(select(FocalOfficer).where(FocalOfficer.email == STP_OFFICER))
    changed = post(admin, f"/admin/officers/{officer.id}", {
        "name": officer.name, "email": " Moi.STP@SocTrang.example ", "phone": "0299 3822 000",
        "language": "vi", "active": "y"})
    assert changed.status_code == 302
    mark = last_id(session)
    run("reminders", at(date(2017, 1, 23)))            # before-3
    got = recipients_since(session, mark)
    assert "moi.stp@soctrang.example" in got and STP_OFFICER not in got

    # A second officer added on the agency's page, the first one stopped.
    agency_page = f"/admin/agencies/{officer.agency_id}"
    added = post(admin, f"/admin/agencies/{officer.agency_id}/officers", {
        "officer-name": "Lê Văn Mới", "officer-email": "le.moi@soctrang.example", "officer-language": "vi",
        "officer-active": "y"}, page=agency_page, prefix="officer-")
    assert added.status_code == 302
    stopped = post(admin, f"/admin/officers/{officer.id}/active", {"active": "0"}, page=agency_page)
    assert stopped.status_code == 302 and not session.get(FocalOfficer, officer.id).active
    mark = last_id(session)
    run("reminders", at(date(2017, 1, 25)))            # before-1 / due-day reminder
    got = recipients_since(session, mark)
    assert "le.moi@soctrang.example" in got and "moi.stp@soctrang.example" not in got
    page = admin.get(agency_page).text
    assert "le.moi@soctrang.example" in page and "Ngừng nhận" in page


def test_an_agency_added_under_a_parent_is_found_and_resolved(app, session, seeded, people):
    admin = client_for(app, ADMIN)
    committee = find_committee(session, "UBND tỉnh Sóc Trăng")
    departments = session.scalar(select(AgencyGroup).where(AgencyGroup.key == "provincial_departments",
                                                           AgencyGroup.scope_id == committee.id))
    new_page = f"/admin/agencies/new?parent={committee.id}"
    assert departments.name in admin.get(new_page).text        # groups of the committees above it
    response = post(admin, new_page, {
        "name": "Trung tâm Chuyển đổi số tỉnh Sóc Trăng", "aliases": "TT CĐS\nTrung tâm Chuyển đổi số",
        "type": "trung_tam", "level": "province", "head_name": "Nguyễn Văn Số", "head_title": "Giám đốc",
        "head_email": "giamdoc.cds@soctrang.example", "valid_from": "2025-03-01",
        "groups": str(departments.id)})
    assert response.status_code == 302
    created = session.scalar(select(Agency).where(Agency.name == "Trung tâm Chuyển đổi số tỉnh Sóc Trăng"))
    assert created.parent_id == committee.id and created.valid_from == date(2025, 3, 1)
    assert created in departments.members
    assert created.id in {e.id for e in load_index(session).match("TT CĐS")}
    listing = admin.get(f"/admin/agencies?q=chuyen+doi+so&root={committee.id}").text
    assert "Trung tâm Chuyển đổi số tỉnh Sóc Trăng" in listing and JUSTICE not in listing
    # Renamed and an alias dropped: matching follows.
    edited = post(admin, f"/admin/agencies/{created.id}", {
        "name": "Trung tâm Dữ liệu tỉnh Sóc Trăng", "aliases": "Trung tâm Chuyển đổi số", "type": "trung_tam",
        "level": "province", "office_id": "0", "successor_id": "0", "groups": str(departments.id)})
    assert edited.status_code == 302
    index = load_index(session)
    assert not index.match("TT CĐS")
    assert [e.name for e in index.match("Trung tâm Chuyển đổi số")] == ["Trung tâm Dữ liệu tỉnh Sóc Trăng"]


def test_form_errors_are_shown_next_to_their_field_in_vietnamese(app, session, seeded, people):
    admin = client_for(app, ADMIN)
    agency = justice(session)
    page = f"/admin/agencies/{agency.id}"
    response = post(admin, page, {
        "name": "Sở Nội vụ tỉnh Sóc Trăng", "aliases": "Sở Tư pháp", "type": "so", "level": "province",
        "head_email": "giam-doc-khong-co-a-con", "valid_from": "2020-05-01", "valid_to": "2020-01-01",
        "office_id": "0", "successor_id": "0"})
    assert response.status_code == 422
    html = response.text
    assert any("cùng tên" in e for e in errors_next_to(html, "name"))
    assert any("không hợp lệ" in e for e in errors_next_to(html, "head_email"))
    assert errors_next_to(html, "valid_to") == ["Ngày ngừng hoạt động phải sau ngày bắt đầu hoạt động."]
    assert errors_next_to(html, "leader_email") == []
    session.expire_all()
    assert justice(session).head_email == "giamdoc.stp@soctrang.example"     # nothing saved

    officer = agency.officers[0]
    response = post(admin, f"/admin/officers/{officer.id}", {"name": "", "email": "a@b", "language": "vi"})
    assert response.status_code == 422
    assert errors_next_to(response.text, "name") == ["Nhập họ tên cán bộ."]

    plan = session.scalar(select(Plan))
    policy_page = f"/admin/plans/{plan.id}/policy"
    response = post(admin, policy_page, {"before_offsets": "7, ba", "escalate_head_after": "20"})
    assert response.status_code == 422
    assert errors_next_to(response.text, "before_offsets") == [
        "Nhập các số ngày làm việc cách nhau bằng dấu phẩy, ví dụ 7, 3, 1, 0."]
    response = post(admin, policy_page, {"escalate_head_after": "20"})
    assert errors_next_to(response.text, "escalate_committee_after") == [
        "Số ngày cảnh báo gửi UBND (10) phải lớn hơn số ngày cảnh báo gửi Thủ trưởng cơ quan (20)."]
    session.expire_all()
    assert not session.get(Plan, plan.id).reminder_policy

    response = post(admin, "/admin/calendar", {"kind": "off"}, page="/admin/calendar")
    assert response.status_code == 422 and errors_next_to(response.text, "day") == ["Chọn ngày."]

    response = post(admin, "/admin/accounts/new", {"email": "moi@soctrang.example", "role": "author",
                                                   "committee": "0", "language": "vi", "password": "ngan"})
    assert response.status_code == 422
    assert errors_next_to(response.text, "committee") == [
        "Chuyên viên theo dõi và lãnh đạo cần thuộc một UBND: chọn UBND của họ."]
    assert session.scalar(select(Account).where(Account.email == "moi@soctrang.example")) is None

    # No role is chosen in advance (a forgotten field must not make an administrator).
    form = admin.get("/admin/accounts/new").text
    role_select = re.search(r'<select[^>]*id="role"[^>]*>(.*?)</select>', form, re.S).group(1)
    assert "selected" not in role_select and 'value=""' in role_select
    # Committees are a tree: a district's committee is indented under its province's.
    committees = re.findall(r'<option value="\d+">(.*?)</option>',
                            re.search(r'<select[^>]*id="committee"[^>]*>(.*?)</select>', form, re.S).group(1))
    province = committees.index("Ủy ban nhân dân tỉnh Sóc Trăng")
    district = committees.index("\u00a0" * 3 + "Ủy ban nhân dân huyện Châu Thành")
    assert province < district and all(c.startswith("\u00a0") for c in committees[province + 1:district + 1])
    response = post(admin, "/admin/accounts/new", {"email": "moi@soctrang.example", "role": "",
                                                   "committee": "0", "language": "vi"})
    assert response.status_code == 422 and errors_next_to(response.text, "role") == ["Chọn vai trò."]
    assert session.scalar(select(Account).where(Account.email == "moi@soctrang.example")) is None


# --- accounts -----------------------------------------------------------------------------------


def test_accounts_are_created_disabled_enabled_and_given_a_new_password(app, session, seeded, people):
    admin = client_for(app, ADMIN)
    committee = find_committee(session, "UBND tỉnh Sóc Trăng")
    created = post(admin, "/admin/accounts/new", {
        "email": "Moi.Soan@SocTrang.example", "name": "Người soạn mới", "role": "author",
        "committee": str(committee.id), "language": "vi", "password": "mat-khau-rat-dai"})
    assert created.status_code == 302
    account = session.scalar(select(Account).where(Account.email == "moi.soan@soctrang.example"))
    assert account.role == "author" and account.committee_id == committee.id
    assert account.check_password("mat-khau-rat-dai")
    assert "moi.soan@soctrang.example" in admin.get("/admin/accounts").text

    assert post(admin, f"/admin/accounts/{account.id}/active", {"active": "0"}, page="/admin/accounts") \
        .status_code == 302
    assert not session.get(Account, account.id).active
    refused = client_for(app, account.email)                  # a disabled account cannot sign in
    assert refused.get("/plans").status_code == 302
    post(admin, f"/admin/accounts/{account.id}/active", {"active": "1"}, page="/admin/accounts")
    assert session.get(Account, account.id).active
    assert client_for(app, account.email).get("/plans").status_code == 200

    short = post(admin, f"/admin/accounts/{account.id}/password", {"password": "ngan", "confirm": "ngan"})
    assert errors_next_to(short.text, "password") == ["Mật khẩu cần ít nhất 10 ký tự."]
    reset = post(admin, f"/admin/accounts/{account.id}/password",
                 {"password": "mot-mat-khau-moi", "confirm": "mot-mat-khau-moi"})
    assert reset.status_code == 302 and session.get(Account, account.id).check_password("mot-mat-khau-moi")

    # The last active administrator cannot lock everybody out.
    me = session.scalar(select(Account).where(Account.email == ADMIN))
    response = post(admin, f"/admin/accounts/{me.id}/active", {"active": "0"}, page="/admin/accounts")
    assert "quản trị cuối cùng" in admin.get(response.headers["Location"]).text
    assert session.get(Account, me.id).active


# --- reminder policy ----------------------------------------------------------------------------


def test_a_plan_policy_override_changes_the_schedule(app, session, seeded, people, runner):
    keys = justice_iv1_keys(session)
    default = {s.key for s in schedule(Item(due=date(2017, 1, 31), status="not_started"), global_policy(session),
                                       working_calendar(session), until=date(2017, 1, 17))}
    assert "before-7" in default          # what the global policy would send on 17 January

    author = client_for(app, AUTHOR)      # the plan's author may change its policy
    plan = session.scalar(select(Plan))
    page = f"/admin/plans/{plan.id}/policy"
    assert post(author, page, {"before_offsets": "5", "overdue_every": ""}).status_code == 302
    assert session.get(Plan, plan.id).reminder_policy == {"before_offsets": [5]}
    html = author.get(page).text
    assert "riêng của kế hoạch" in html and "theo thiết lập chung" in html
    shown = runner.invoke(args=["policy", "show", "--plan", str(plan.id)])
    assert '"before_offsets": [\n  5\n ]' in shown.output          # the CLI reads the same override

    run("reminders", at(date(2017, 1, 17)))
    assert planned(session, keys) == set()
    assert not [k for k in session.scalars(select(SentStep.step_key)) if k.startswith("before-") and k != "before-5"]
    run("reminders", at(date(2017, 1, 19)))          # 5 working days before 31/01 (Tết) → 19/01
    assert planned(session, keys) == {"before-5"}

    cleared = post(author, f"{page}/clear", {}, page=page)
    assert cleared.status_code == 302 and not session.get(Plan, plan.id).reminder_policy
    assert "riêng của kế hoạch" not in author.get(page).text


def test_the_global_policy_page_sets_what_the_cli_shows(app, session, seeded, people, runner):
    admin = client_for(app, ADMIN)
    assert 'value="7, 3, 1, 0"' in admin.get("/admin/policy").text
    response = post(admin, "/admin/policy", {
        "before_offsets": "5, 2, 0", "send_at": "08:15", "overdue_every": "5", "escalate_head_after": "4",
        "escalate_committee_after": "12", "digest_weekday": "4", "digest_at": "09:00", "checkin_before": "2"})
    assert response.status_code == 302
    policy = global_policy(session)
    assert policy.before_offsets == (5, 2, 0) and policy.overdue_every == 5 and policy.digest_weekday == 4
    assert policy.send_at == time(8, 15) and policy.escalate_committee_after == 12
    assert '"overdue_every": 5' in runner.invoke(args=["policy", "show"]).output
    plan = session.scalar(select(Plan))
    assert 'placeholder="5, 2, 0"' in admin.get(f"/admin/plans/{plan.id}/policy").text


# --- outbox and job runs --------------------------------------------------------------------------


def test_retrying_a_failed_message_requeues_and_delivers_it(app, session, seeded, people, smtp_server):
    catcher, _controller = smtp_server
    app.config["TRACKER_NOW"] = at(date(2017, 1, 17))
    run("reminders")
    mail = app.extensions["mail"]
    working_port, mail.port = mail.port, free_port()        # the mail server is down ...
    app.config["TRACKER_MAIL_MAX_ATTEMPTS"] = 1
    run("send")
    mail.port = working_port                                 # ... and back
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == STP_OFFICER))
    assert row.state == "failed" and row.attempts == 1 and catcher.messages == []

    admin = client_for(app, ADMIN)
    listing = admin.get("/admin/outbox?state=failed&kind=reminder&recipient=TTHC.STP").text
    assert "Không kết nối được máy chủ thư" in listing and row.subject in listing
    assert re.findall(r"/admin/outbox/\d+", admin.get("/admin/outbox?state=sent").text) == []   # none listed
    view = admin.get(f"/admin/outbox/{row.id}").text
    assert "Kim Minh Thành" in view and "Không kết nối được máy chủ thư" in view

    retried = post(admin, f"/admin/outbox/{row.id}/retry", {}, page=f"/admin/outbox/{row.id}")
    assert retried.status_code == 302
    session.refresh(row)
    assert row.state == "queued" and row.attempts == 0
    again = post(admin, f"/admin/outbox/{row.id}/retry", {}, page=f"/admin/outbox/{row.id}")
    assert "Chỉ gửi lại được thư bị lỗi." in admin.get(again.headers["Location"]).text

    report = run("send")
    assert report.sent == 1 and [rcpts for rcpts, _m in catcher.messages] == [[STP_OFFICER]]
    session.refresh(row)
    assert row.state == "sent" and row.sent_at is not None
    last_send = session.scalar(select(JobRun).where(JobRun.job == "send").order_by(JobRun.id.desc()).limit(1))
    assert last_send.outcome == "ok" and last_send.summary.startswith("đã gửi 1")


def test_job_runs_are_recorded_including_a_failing_one(app, session, seeded, people, monkeypatch):
    report = run("reminders", at(date(2017, 1, 17)))
    first = session.scalars(select(JobRun)).one()
    assert (first.job, first.outcome) == ("reminders", "ok")
    assert first.summary.startswith(f"{report.messages} thư, {report.steps} bước nhắc")
    assert first.finished_at >= first.started_at

    real, planned_steps = jobs.plan_messages, []

    def fails_half_way(session_, today, tracks):
        planned_steps.append(real(session_, today, tracks).steps)    # planned and flushed, then it breaks
        raise RuntimeError("hỏng giữa chừng <b>x</b>")

    monkeypatch.setattr(jobs, "plan_messages", fails_half_way)
    steps = session.scalar(select(func.count()).select_from(SentStep))
    with pytest.raises(RuntimeError):
        run("reminders", at(date(2017, 1, 23)))
    # The job's work is rolled back (its ledger of planned steps), its record is not.
    assert planned_steps[0] > 0 and session.scalar(select(func.count()).select_from(SentStep)) == steps
    runs = session.scalars(select(JobRun).order_by(JobRun.id)).all()
    assert [r.outcome for r in runs] == ["ok", "failed"]
    assert runs[1].summary == "RuntimeError: hỏng giữa chừng <b>x</b>" and runs[1].finished_at is not None

    page = client_for(app, ADMIN).get("/admin/jobs?job=reminders").text
    assert "hỏng giữa chừng &lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    assert "23/01/2017 07:30" in page and "17/01/2017 07:30" in page
    assert "Chưa chạy lần nào." in page                  # the other jobs have not run


# --- calendar ----------------------------------------------------------------------------------


def test_a_calendar_exception_added_on_the_page_stops_the_planner_that_day(app, session, seeded, people,
                                                                          runner):
    admin = client_for(app, ADMIN)
    added = post(admin, "/admin/calendar", {"day": "2017-01-23", "kind": "off", "note": "Nghỉ bù thử nghiệm"},
                 page="/admin/calendar?year=2017")
    assert added.status_code == 302 and added.headers["Location"].endswith("year=2017")
    assert not working_calendar(session).is_working_day(date(2017, 1, 23))
    page = admin.get("/admin/calendar?year=2017").text
    assert "23/01/2017" in page and "Nghỉ bù thử nghiệm" in page and "Tết" in page
    assert "Nghỉ bù thử nghiệm" in runner.invoke(args=["calendar", "show", "2017"]).output

    report = run("reminders", at(date(2017, 1, 23)))
    assert report.steps == 0 and report.messages == 0

    removed = post(admin, "/admin/calendar/2017-01-23/delete", {}, page="/admin/calendar?year=2017")
    assert removed.status_code == 302
    assert working_calendar(session).is_working_day(date(2017, 1, 23))
    assert run("reminders", at(date(2017, 1, 23))).steps > 0

    worked = post(admin, "/admin/calendar", {"day": "2017-01-21", "kind": "working"}, page="/admin/calendar")
    assert worked.status_code == 302
    assert working_calendar(session).is_working_day(date(2017, 1, 21))      # a Saturday worked
    assert session.get(CalendarDay, date(2017, 1, 21)).note == "Làm bù"
