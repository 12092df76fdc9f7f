"""Explanations (giải trình), issue 15 part 4: a leader or author asks an agency to explain a
late item, the agency's officer answers (reason, new expected date, evidence); who may do
what, the e-mails through the real outbox, reminders of an unanswered request (each once),
the dashboard's counts and the report's appendix."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from sqlalchemy import select

from tracker.accounts.manage import create_account, find_committee
from tracker.extensions import db
from tracker.jobs import run, run_planning
from tracker.mail import notices
from tracker.mail.outbox import send_due
from tracker.models import (
    Account,
    Agency,
    Assignment,
    ExplanationRequest,
    OutboxMessage,
    SentStep,
    StatusChange,
)
from tracker.plans import explanations
from tracker.plans.evidence import check
from tracker.plans.progress import report
from tracker.plans.statistics import Period, agency_statistics, counted_items, select_items
from tracker.reminders import rules
from tracker.reports import ReportRequest, gather, render
from tracker.reports.periods import named_period
from tracker.scheduling.office_calendar import working_calendar

from .conftest import PASSWORD, STP_OFFICER, csrf_of, sign_in

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LEADER, AUTHOR, ADMIN = "lanhdao@soctrang.example", "soanthao@soctrang.example", "admin@tracker.example"
OTHER_LEADER = "lanhdao@camxuyen.hatinh.example"
JUSTICE = "Sở Tư pháp tỉnh Sóc Trăng"


def _stp() -> Agency:
    return db.session.scalar(select(Agency).where(Agency.name == JUSTICE))


def _dated(index: int = 0) -> Assignment:
    rows = db.session.scalars(select(Assignment).where(Assignment.agency_id == _stp().id)
                              .order_by(Assignment.id)).all()
    return [a for a in rows if a.deadline.due is not None and not a.occurrences][index]


def _recurring() -> Assignment:
    rows = db.session.scalars(select(Assignment).where(Assignment.agency_id == _stp().id)
                              .order_by(Assignment.id)).all()
    return next(a for a in rows if a.occurrences)


def _account(email: str) -> Account:
    return db.session.scalar(select(Account).where(Account.email == email))


def _at(app, day: date, hour: int = 9) -> None:
    app.config["TRACKER_NOW"] = datetime.combine(day, time(hour), TZ)


def _working_day_after(day: date, n: int = 1) -> date:
    return working_calendar(db.session).add_working_days(day, n)


def _messages(kind: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                              .order_by(OutboxMessage.id)).all()


def _ask(account_email: str, item: Assignment, occurrence=None, today: date | None = None, **kwargs):
    from flask import current_app

    from tracker import clock
    return explanations.ask(db.session, _account(account_email), item, occurrence, kwargs.pop("message", "Vì sao?"),
                            today=today or clock.today(), tz=current_app.config["TRACKER_TIMEZONE"],
                            calendar=working_calendar(db.session), **kwargs)


@pytest.fixture
def world(app, seeded, people):
    """The seeded Sóc Trăng plan and one account per role, plus a leader of another committee;
    the clock ten days after a Justice item fell due."""
    create_account(db.session, OTHER_LEADER, "Lãnh đạo Cẩm Xuyên", "leader",
                   find_committee(db.session, "UBND huyện Cẩm Xuyên"), PASSWORD)
    db.session.commit()
    item = _dated()
    _at(app, _working_day_after(item.deadline.due, 8))
    return item


# ---- the domain: what may be asked, by whom; who answers --------------------------------


def test_who_may_ask_answer_and_withdraw(app, world):
    item = world
    today = date.fromisoformat(app.config["TRACKER_NOW"].date().isoformat())
    for email in (STP_OFFICER, OTHER_LEADER):
        with pytest.raises(explanations.ExplanationError):
            _ask(email, item)
    asked = _ask(LEADER, item)
    db.session.commit()
    # Five working days to answer, by default.
    assert asked.due_on == working_calendar(db.session).add_working_days(today, explanations.DEFAULT_WORKING_DAYS)
    assert asked.state == "open" and asked.asked_by == LEADER
    with pytest.raises(explanations.ExplanationError, match="đang chờ"):      # one open request per item
        _ask(AUTHOR, item)
    for email in (LEADER, AUTHOR, ADMIN):                                    # the agency's own word only
        with pytest.raises(explanations.ExplanationError):
            explanations.answer(db.session, _account(email), asked, "Lý do", today + timedelta(days=30), today=today)
    with pytest.raises(explanations.ExplanationError):                        # an officer does not withdraw
        explanations.withdraw(db.session, _account(STP_OFFICER), asked)
    with pytest.raises(explanations.ExplanationError, match="lý do"):
        explanations.answer(db.session, _account(STP_OFFICER), asked, "  ", today + timedelta(days=30), today=today)
    with pytest.raises(explanations.ExplanationError, match="dự kiến"):       # still open: a date is needed
        explanations.answer(db.session, _account(STP_OFFICER), asked, "Lý do", None, today=today)
    with pytest.raises(explanations.ExplanationError, match="trước hôm nay"):
        explanations.answer(db.session, _account(STP_OFFICER), asked, "Lý do", today - timedelta(days=1), today=today)

    pdf = check("cong-van.pdf", PDF, 10 ** 6)
    explanations.answer(db.session, _account(STP_OFFICER), asked, "Chờ ý kiến của Bộ Tư pháp",
                        today + timedelta(days=20), today=today, evidence=[pdf])
    db.session.commit()
    assert asked.state == "answered" and asked.answered_by == STP_OFFICER
    assert [e.filename for e in asked.evidence] == ["cong-van.pdf"]
    with pytest.raises(explanations.ExplanationError, match="đã được trả lời"):
        explanations.answer(db.session, _account(STP_OFFICER), asked, "Lần nữa", today + timedelta(days=20),
                            today=today)
    with pytest.raises(explanations.ExplanationError):
        explanations.withdraw(db.session, _account(AUTHOR), asked)

    # A second request, taken back by an author; the history tells all three.
    again = _ask(AUTHOR, item)
    explanations.withdraw(db.session, _account(AUTHOR), again)
    db.session.commit()
    assert again.state == "withdrawn" and again.withdrawn_by == AUTHOR
    entries = db.session.scalars(select(StatusChange).where(StatusChange.assignment_id == item.id,
                                                            StatusChange.kind == "explanation")
                                 .order_by(StatusChange.id)).all()
    assert [e.comment.split(":")[0].split(",")[0] for e in entries] == [
        "Yêu cầu giải trình", "Giải trình; dự kiến hoàn thành " + f"{today + timedelta(days=20):%d/%m/%Y}",
        "Yêu cầu giải trình", "Rút yêu cầu giải trình"]
    assert {e.from_status for e in entries} == {e.to_status for e in entries} == {item.status}


def test_only_a_late_item_may_be_asked_about(app, world):
    item = world
    third_quarter = next(a for a in db.session.scalars(select(Assignment).where(Assignment.agency_id == _stp().id))
                         if a.deadline.due == date(2017, 9, 30) and not a.occurrences)
    _at(app, date(2017, 10, 16))                # after the third quarter
    today = date(2017, 10, 16)
    assert item.deadline.due < third_quarter.deadline.due < today
    # Not yet due.
    later = next(a for a in db.session.scalars(select(Assignment).where(Assignment.agency_id == _stp().id))
                 if a.deadline.due is not None and not a.occurrences and a.deadline.due > today)
    with pytest.raises(explanations.ExplanationError, match="quá hạn"):
        _ask(LEADER, later)
    # Done on time: nothing to explain.
    report(db.session, item, "done", STP_OFFICER, at=datetime.combine(item.deadline.due, time(10), TZ))
    db.session.commit()
    with pytest.raises(explanations.ExplanationError, match="quá hạn"):
        _ask(LEADER, item)
    # The day to answer by must be after today.
    with pytest.raises(explanations.ExplanationError, match="sau hôm nay"):
        _ask(ADMIN, third_quarter, due_on=today)
    # Done late: may be asked, and answered without a new expected date.
    report(db.session, third_quarter, "done", STP_OFFICER)
    db.session.commit()
    asked = _ask(LEADER, third_quarter, due_on=today + timedelta(days=3))
    assert asked.due_on == today + timedelta(days=3)
    explanations.answer(db.session, _account(STP_OFFICER), asked, "Chậm do thiếu nhân sự", None, today=today)
    assert asked.state == "answered" and asked.new_expected_date is None
    # A recurring assignment: one period at a time, and only a late one.
    recurring = _recurring()
    with pytest.raises(explanations.ExplanationError, match="kỳ báo cáo"):
        _ask(LEADER, recurring)
    late = [o for o in recurring.occurrences if o.due < today]
    future = [o for o in recurring.occurrences if o.due > today]
    assert late and future
    assert _ask(LEADER, recurring, late[0]).occurrence is late[0]
    with pytest.raises(explanations.ExplanationError, match="quá hạn"):
        _ask(LEADER, recurring, future[0])
    # An item an amendment removed from the plan is not asked about.
    later.removed_at = datetime(2017, 10, 1, tzinfo=TZ)
    assert not explanations.is_late(later, None, date(2018, 6, 1), "Asia/Ho_Chi_Minh")


# ---- the pages and the mail, through the real outbox ------------------------------------


def _client(app, email: str):
    client = app.test_client()
    sign_in(client, email)
    return client


def test_asking_mails_the_agency_and_the_answer_mails_the_asker(app, world, smtp_server):
    catcher, _controller = smtp_server
    item = world
    leader = _client(app, LEADER)
    page = leader.get(f"/a/{item.id}")
    assert page.status_code == 200 and "Yêu cầu giải trình" in page.text
    asked = leader.post(f"/a/{item.id}/explanation", data={"csrf_token": csrf_of(page),
                                                           "message": "Đề nghị nêu rõ <b>lý do</b> chậm."})
    assert asked.status_code == 302 and asked.headers["Location"].endswith(f"/a/{item.id}#explanation")
    request = db.session.scalar(select(ExplanationRequest))
    sent = _messages(notices.EXPLANATION_REQUEST)
    officers = {o.email.lower() for o in _stp().officers if o.active and o.email}
    assert {m.recipient for m in sent} == officers and STP_OFFICER in officers
    mail = next(m for m in sent if m.recipient == STP_OFFICER)
    assert mail.subject.startswith(f"[Yêu cầu giải trình] Nhiệm vụ {item.task.ref} – ")
    assert f"Hạn giải trình: {request.due_on:%d/%m/%Y}" in mail.body_text
    assert f"Hạn theo kế hoạch: {item.deadline.due:%d/%m/%Y}" in mail.body_text
    assert "Phó Chủ tịch" in mail.body_text and LEADER not in mail.body_text       # by name, not address
    assert "&lt;b&gt;lý do&lt;/b&gt;" in mail.body_html
    assert f"/login/link/{{{{signin:/a/{item.id}%23explanation}}}}" in mail.body_text
    # A retried notice queues nothing more.
    assert notices.explanation_requested(db.session, request, app.config["TRACKER_NOW"].date()) == 0

    # Delivered by the sender; the officer follows the link and answers with a file.
    assert send_due(db.session).sent == len(officers)
    delivered = next(m for rcpt, m in catcher.messages if STP_OFFICER in rcpt)
    link = re.search(r"https://tracker\.example\.gov\.vn(/login/link/\S+)", delivered.get_body(("plain",))
                     .get_content()).group(1)
    officer = app.test_client()
    landed = officer.get(link, follow_redirects=True)
    assert landed.status_code == 200 and "Gửi giải trình" in landed.text
    expected = app.config["TRACKER_NOW"].date() + timedelta(days=30)
    answered = officer.post(f"/explanations/{request.id}/answer", data={
        "csrf_token": csrf_of(landed), "reason": "Chờ hướng dẫn của Bộ Tư pháp",
        "new_expected_date": f"{expected:%d/%m/%Y}", "files": (io.BytesIO(PDF), "cong-van.pdf")},
        content_type="multipart/form-data")
    assert answered.status_code == 302
    db.session.expire_all()
    request = db.session.get(ExplanationRequest, request.id)
    assert (request.state, request.reason, request.new_expected_date) == (
        "answered", "Chờ hướng dẫn của Bộ Tư pháp", expected)
    told = _messages(notices.EXPLANATION_ANSWER)
    assert [m.recipient for m in told] == [LEADER]
    assert f"Dự kiến hoàn thành: {expected:%d/%m/%Y}" in told[0].body_text
    assert "cong-van.pdf" in told[0].body_text

    # The item shows the request, the answer and its file, to the leader too.
    shown = leader.get(f"/a/{item.id}")
    assert "Chờ hướng dẫn của Bộ Tư pháp" in shown.text and "Đã giải trình" in shown.text
    evidence = request.evidence[0]
    assert leader.get(f"/evidence/{evidence.id}").data == PDF


def test_a_page_refuses_what_the_domain_refuses(app, world):
    item = world
    leader = _client(app, LEADER)
    page = leader.get(f"/a/{item.id}")
    bad = leader.post(f"/a/{item.id}/explanation", data={"csrf_token": csrf_of(page), "due_on": "01/01/2017"})
    assert bad.status_code == 422 and "Hạn giải trình phải sau hôm nay" in bad.text
    assert db.session.scalar(select(ExplanationRequest)) is None
    _ask(LEADER, item)
    db.session.commit()
    request = db.session.scalar(select(ExplanationRequest))
    officer = _client(app, STP_OFFICER)
    page = officer.get(f"/a/{item.id}")
    empty = officer.post(f"/explanations/{request.id}/answer", data={"csrf_token": csrf_of(page), "reason": "x"})
    assert empty.status_code == 422 and "ngày dự kiến hoàn thành" in empty.text
    exe = officer.post(f"/explanations/{request.id}/answer", data={
        "csrf_token": csrf_of(page), "reason": "x", "new_expected_date": "31/12/2030",
        "files": (io.BytesIO(b"MZ\x90\x00"), "virus.pdf")}, content_type="multipart/form-data")
    assert exe.status_code == 422 and "không phải loại được nhận" in exe.text
    db.session.expire_all()
    assert db.session.get(ExplanationRequest, request.id).state == "open"
    # An officer of another agency does not even see it.
    other = db.session.scalar(select(Agency).where(Agency.name == "Sở Nội vụ tỉnh Sóc Trăng"))
    outsider = next(o.email for o in other.officers if o.email)
    create_account(db.session, outsider, "Cán bộ Nội vụ", "officer", None, PASSWORD)
    db.session.commit()
    stranger = _client(app, outsider)
    token = csrf_of(stranger.get("/login"))
    assert stranger.post(f"/explanations/{request.id}/answer", data={"csrf_token": token, "reason": "x"}
                         ).status_code == 404
    assert stranger.get(f"/a/{item.id}").status_code == 404


# ---- reminders: after the due day, each once -------------------------------------------


def test_an_unanswered_request_is_reminded_after_its_due_day_each_reminder_once(app, world, smtp_server):
    item = world
    asked = _ask(LEADER, item)
    db.session.commit()
    due_on, key = asked.due_on, f"e{asked.id}"
    officers = {o.email.lower() for o in _stp().officers if o.active and o.email}

    def overdue_job(day: date) -> None:
        run("overdue", datetime.combine(day, time(7, 30), TZ))

    def reminders() -> list[OutboxMessage]:
        return _messages(notices.EXPLANATION_REMINDER)

    overdue_job(due_on)                                     # on its due day: nothing yet
    assert reminders() == []
    first = _working_day_after(due_on)
    overdue_job(first)
    overdue_job(first)                                      # a second run the same day adds nothing
    run_planning(datetime.combine(first, time(7, 30), TZ))  # nor the scheduler's pass
    assert {m.recipient for m in reminders()} == officers and len(reminders()) == len(officers)
    mail = next(m for m in reminders() if m.recipient == STP_OFFICER)
    assert mail.subject.startswith("[Nhắc giải trình]") and "nhắc lần 1" in mail.body_text
    assert [(i.assignment_id, i.step_key) for i in mail.items] == [(item.id, "explanation-1")]
    overdue_job(_working_day_after(first))                  # not yet the next one
    assert len(reminders()) == len(officers)
    every = rules.DEFAULT_POLICY.overdue_every
    second = _working_day_after(first, every)
    overdue_job(second)
    assert len(reminders()) == 2 * len(officers)
    assert "nhắc lần 2" in reminders()[-1].body_text
    steps = sorted(db.session.scalars(select(SentStep.step_key).where(SentStep.item_key == key)))
    assert steps == ["explanation-1", "explanation-2"]

    # Answered: no more.
    explanations.answer(db.session, _account(STP_OFFICER), asked, "Đã có lý do", second + timedelta(days=10),
                        today=second)
    db.session.commit()
    overdue_job(_working_day_after(second, every))
    assert len(reminders()) == 2 * len(officers)
    # They went out through the real server.
    catcher, _ = smtp_server
    run("send", datetime.combine(second, time(8), TZ))
    assert any(m["Subject"].startswith("[Nhắc giải trình]") for _rcpt, m in catcher.messages)


def test_the_rule_of_explanation_reminders():
    calendar = working_calendar_of()
    policy = rules.ReminderPolicy(overdue_every=3)
    due = date(2017, 6, 9)                                   # a Friday
    assert rules.explanation_step(due, policy, calendar, due, set()) is None
    assert rules.explanation_step(due, policy, calendar, date(2017, 6, 10), set()) is None      # Saturday
    first = rules.explanation_step(due, policy, calendar, date(2017, 6, 12), set())
    assert (first.key, first.number, first.scheduled) == ("explanation-1", 1, date(2017, 6, 12))
    assert rules.explanation_step(due, policy, calendar, date(2017, 6, 13), {"explanation-1"}) is None
    # After a week of downtime, the latest one only.
    late = rules.explanation_step(due, policy, calendar, date(2017, 6, 23), {"explanation-1"})
    assert late.key == "explanation-4"
    assert rules.track_of("explanation-4") == rules.EXPLANATION


def working_calendar_of():
    from tracker.scheduling.workdays import WorkingCalendar
    return WorkingCalendar()


# ---- the dashboard and the report ---------------------------------------------------------


def test_the_dashboard_counts_open_and_answered_requests_of_the_period(app, world):
    item, other = world, _dated(1)
    today = app.config["TRACKER_NOW"].date()
    plan_id = item.task.plan_id
    first = _ask(LEADER, item)
    asked_other = other.deadline.due < today and _ask(AUTHOR, other)
    db.session.commit()
    explanations.answer(db.session, _account(STP_OFFICER), first, "Lý do", today + timedelta(days=9), today=today)
    db.session.commit()
    period = Period.year(item.deadline.due.year)
    stats = agency_statistics(db.session, today, "Asia/Ho_Chi_Minh", period, [plan_id])
    answered, waiting = stats.totals.explanations_answered, stats.totals.explanations_open
    assert (answered, waiting) == (1, 1 if asked_other else 0)
    items = counted_items(db.session, today, "Asia/Ho_Chi_Minh", period, [plan_id])
    assert [i.assignment_id for i in select_items(items, "explanations_answered")] == [item.id]
    # As of the day before it was answered, it was still waiting; before it was asked, nothing.
    earlier = agency_statistics(db.session, today - timedelta(days=1), "Asia/Ho_Chi_Minh", period, [plan_id])
    assert earlier.totals.explanations_answered == 0

    client = _client(app, LEADER)
    page = client.get("/dashboard/", query_string={"plan": plan_id, "period": "year", "year": period.start.year})
    assert page.status_code == 200
    card = re.search(r'id="fig-explanations-answered">.*?<a href="([^"]+)"[^>]*>(\d+)</a>', page.text, re.S)
    assert card.group(2) == "1"
    listed = client.get(card.group(1).replace("&amp;", "&"))
    assert listed.status_code == 200 and f'data-assignment="{item.id}"' in listed.text
    assert 'data-total="1"' in listed.text


def test_the_reports_appendix_gives_the_latest_explanation(app, world):
    item = world
    today = app.config["TRACKER_NOW"].date()
    asked = _ask(LEADER, item)
    db.session.commit()
    expected = today + timedelta(days=15)
    explanations.answer(db.session, _account(STP_OFFICER), asked, "Chờ   ý kiến\nthẩm định", expected, today=today)
    db.session.commit()
    due = item.deadline.due
    quarter = (due.month - 1) // 3 + 1
    period = named_period("quarterly", quarter, due.year, True, 14)
    content = gather(db.session, ReportRequest(plan_ids=(item.task.plan_id,), period=period, as_of=today,
                                               tz="Asia/Ho_Chi_Minh", issued_on=today,
                                               calendar=working_calendar(db.session)))
    listed = [i for g in content.appendix for i in g.items if i.assignment_id == item.id]
    assert listed, "the item is overdue in its quarter"
    words = content.explanation(listed[0])
    assert words.splitlines()[:2] == ["Chờ ý kiến thẩm định", f"Dự kiến hoàn thành: {expected:%d/%m/%Y}"]
    doc = Document(io.BytesIO(render(content)))
    table = next(t for t in doc.tables if t.rows[0].cells[-1].text == "Giải trình của cơ quan")
    row = next(r for r in table.rows if r.cells[1].text.startswith(f"{item.task.ref}. "))
    assert "Chờ ý kiến thẩm định" in row.cells[4].text and f"{expected:%d/%m/%Y}" in row.cells[4].text
    # A report made after the cut-off gives what the agency said since; one made the day
    # before it was asked says nothing; while it waits, the report says so.
    made_before = gather(db.session, ReportRequest(plan_ids=(item.task.plan_id,), period=period,
                                                   as_of=today - timedelta(days=1), tz="Asia/Ho_Chi_Minh",
                                                   issued_on=today - timedelta(days=1),
                                                   calendar=working_calendar(db.session)))
    listed = [i for g in made_before.appendix for i in g.items if i.assignment_id == item.id]
    assert made_before.explanation(listed[0]) == ""
    again = _ask(AUTHOR, item, due_on=today + timedelta(days=7))
    db.session.commit()
    later = gather(db.session, ReportRequest(plan_ids=(item.task.plan_id,), period=period,
                                             as_of=period.end, tz="Asia/Ho_Chi_Minh", issued_on=today,
                                             calendar=working_calendar(db.session)))
    listed = [i for g in later.appendix for i in g.items if i.assignment_id == item.id]
    words = later.explanation(listed[0]).splitlines()
    assert words[0] == "Chờ ý kiến thẩm định"
    assert words[-1] == (f"Đã yêu cầu giải trình ngày {today:%d/%m/%Y} (hạn {again.due_on:%d/%m/%Y}), "
                         "chưa giải trình.")
