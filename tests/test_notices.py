"""Extension requests, decisions and returned outputs are told to the people who act on them
(tracker.mail.notices), once each, in their language; the navigation bar counts what waits
(tracker.plans.waiting)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.mail import notices
from tracker.mail.outbox import send_due
from tracker.models import (
    Account,
    Agency,
    Assignment,
    ExtensionRequest,
    FocalOfficer,
    ImportDraft,
    OutboxItem,
    OutboxMessage,
    StatusChange,
)
from tracker.plans.waiting import waiting_for

from .conftest import PASSWORD, STP_OFFICER, csrf_of, sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
AUTHOR = "soanthao@soctrang.example"
AUTHOR_EN = "planning.en@soctrang.example"
OFFICER_EN = "jane.stp@soctrang.example"
OTHER_AUTHOR = "soanthao@camxuyen.hatinh.example"


def _stp() -> Agency:
    return db.session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp tỉnh Sóc Trăng"))


def _dated() -> Assignment:
    rows = db.session.scalars(select(Assignment).where(Assignment.agency_id == _stp().id)).all()
    return next(a for a in rows if a.deadline.due is not None and not a.occurrences)


def _recurring() -> Assignment:
    rows = db.session.scalars(select(Assignment).where(Assignment.agency_id == _stp().id)).all()
    return next(a for a in rows if a.occurrences)


def _messages(kind: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                              .order_by(OutboxMessage.id)).all()


def _by_recipient(kind: str) -> dict[str, OutboxMessage]:
    rows = _messages(kind)
    assert len({m.recipient for m in rows}) == len(rows), "one message per recipient"
    return {m.recipient: m for m in rows}


@pytest.fixture
def staff(app, seeded, people):
    """A second author of UBND tỉnh Sóc Trăng who reads English, an author of another
    committee, and a second focal officer of Sở Tư pháp who reads English."""
    from tracker.accounts.manage import create_account, find_committee
    create_account(db.session, AUTHOR_EN, "Planning Officer", "author",
                   find_committee(db.session, "UBND tỉnh Sóc Trăng"), PASSWORD)
    db.session.scalar(select(Account).where(Account.email == AUTHOR_EN)).language = "en"
    create_account(db.session, OTHER_AUTHOR, "Chuyên viên Cẩm Xuyên", "author",
                   find_committee(db.session, "UBND huyện Cẩm Xuyên"), PASSWORD)
    db.session.add(FocalOfficer(agency=_stp(), name="Jane Doe", email=OFFICER_EN, language="en"))
    db.session.commit()
    return people


def _client(app, email: str):
    client = app.test_client()
    sign_in(client, email)
    return client


def _ask(client, item: Assignment, days: int = 30, reason: str = "Chờ hướng dẫn của Bộ", occurrence=None):
    page = client.get(f"/a/{item.id}")
    data = {"csrf_token": csrf_of(page), "reason": reason}
    if occurrence is not None:
        data["occurrence"] = occurrence.id
        data["requested_due"] = (occurrence.due + timedelta(days=days)).isoformat()
    else:
        data["requested_due"] = (item.deadline.due + timedelta(days=days)).isoformat()
    return client.post(f"/a/{item.id}/extension", data=data)


def _decide(client, approve: bool, comment: str = ""):
    listing = client.get("/extensions")
    request_id = db.session.scalar(select(ExtensionRequest.id).where(ExtensionRequest.state == "pending"))
    data = {"csrf_token": csrf_of(listing), "comment": comment, "approve" if approve else "refuse": "1"}
    return client.post(f"/extensions/{request_id}", data=data)


def test_an_extension_request_reaches_each_author_of_the_plan_once(app, staff, smtp_server):
    catcher, _ = smtp_server
    officer = _client(app, STP_OFFICER)
    item = _dated()
    due = item.deadline.due
    asked = _ask(officer, item, reason="Chờ <b>hướng dẫn</b> của Bộ")
    assert asked.status_code == 302
    sent = _by_recipient(notices.EXTENSION_REQUEST)
    # Both authors of UBND tỉnh Sóc Trăng, nobody of another committee, no administrator.
    assert set(sent) == {AUTHOR, AUTHOR_EN}
    vi, en = sent[AUTHOR], sent[AUTHOR_EN]
    assert vi.language == "vi" and en.language == "en"
    assert vi.subject.startswith("[Đề nghị gia hạn] Sở Tư pháp tỉnh Sóc Trăng: nhiệm vụ ")
    assert en.subject.startswith("[Extension request] Sở Tư pháp tỉnh Sóc Trăng: task ")
    wanted = due + timedelta(days=30)
    for message, current, requested in ((vi, "Hạn hiện tại", "Hạn đề nghị"),
                                        (en, "Current deadline", "Requested deadline")):
        assert f"{current}: {due:%d/%m/%Y}" in message.body_text
        assert f"{requested}: {wanted:%d/%m/%Y}" in message.body_text
        assert item.task.ref in message.body_text
        # The requester by name and office, not by address; the reason escaped in HTML.
        assert "Kim Minh Thành (Sở Tư pháp tỉnh Sóc Trăng)" in message.body_text
        assert STP_OFFICER not in message.body_text
        assert "Chờ &lt;b&gt;hướng dẫn&lt;/b&gt; của Bộ" in message.body_html
        # The link is the recipient's own sign-in link to the item, minted when sent.
        assert f"/login/link/{{{{signin:/a/{item.id}}}}}" in message.body_text
        assert [(i.assignment_id, i.occurrence_id) for i in message.items] == [(item.id, None)]
    assert "Xem và quyết định" in vi.body_text and "View and decide" in en.body_text

    # A double click is refused by the domain; a retried notice finds its messages queued.
    again = _ask(officer, item)
    assert again.status_code == 422 and "đang chờ quyết định" in again.text
    request = db.session.scalar(select(ExtensionRequest))
    assert notices.extension_requested(db.session, request) == 0
    db.session.commit()
    assert len(_messages(notices.EXTENSION_REQUEST)) == 2

    # Sent through a real SMTP server: the link signs the author in and opens the item.
    report = send_due(db.session)
    assert report.sent == 2 and report.failed == 0
    assert sorted(rcpt[0] for rcpt, _ in catcher.messages) == sorted([AUTHOR, AUTHOR_EN])
    message = next(m for rcpt, m in catcher.messages if rcpt == [AUTHOR])
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"https://tracker\.example\.gov\.vn(/login/link/[\w-]+)", text).group(1)
    client = app.test_client()
    opened = client.get(link)
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/a/{item.id}")
    page = client.get(f"/a/{item.id}")
    assert "Đồng ý gia hạn" in page.text
    assert send_due(db.session).sent == 0          # nothing goes twice


def test_the_request_for_a_period_names_the_period(app, staff):
    officer = _client(app, STP_OFFICER)
    item = _recurring()
    period = item.occurrences[0]
    assert _ask(officer, item, occurrence=period).status_code == 302
    message = _by_recipient(notices.EXTENSION_REQUEST)[AUTHOR]
    assert f"Kỳ báo cáo: {period.label}" in message.body_text
    assert f"Hạn hiện tại: {period.due:%d/%m/%Y}" in message.body_text
    assert f"signin:/a/{item.id}%3Fo%3D{period.id}" in message.body_text
    assert message.items[0].occurrence_id == period.id


def test_who_hears_of_a_request(app, staff):
    """The authors who published the plan; else the issuer's nearest committee's authors;
    else the administrators."""
    plan = _dated().task.plan
    authors = notices.plan_authors(db.session, plan)
    assert {a.email for a in authors} == {AUTHOR, AUTHOR_EN}
    publisher = db.session.scalar(select(Account).where(Account.email == AUTHOR_EN))
    db.session.add(ImportDraft(account_id=publisher.id, filename="ke-hoach.docx", sha256="0" * 64, data=b"x",
                               plan_id=plan.id, published_at=plan.created_at))
    db.session.flush()
    assert [a.email for a in notices.plan_authors(db.session, plan)] == [AUTHOR_EN]
    # A publisher who can no longer manage the plan (disabled) does not count.
    publisher.active = False
    assert [a.email for a in notices.plan_authors(db.session, plan)] == [AUTHOR]
    db.session.scalar(select(Account).where(Account.email == AUTHOR)).active = False
    assert [a.email for a in notices.plan_authors(db.session, plan)] == ["admin@tracker.example"]
    db.session.rollback()


@pytest.mark.parametrize("approve", [True, False])
def test_the_decision_reaches_the_officers_in_their_language(app, staff, approve):
    officer, author = _client(app, STP_OFFICER), _client(app, AUTHOR)
    item = _dated()
    due = item.deadline.due
    wanted = due + timedelta(days=30)
    assert _ask(officer, item).status_code == 302
    decided = _decide(author, approve, comment="Ý kiến <i>của</i> Văn phòng")
    assert decided.status_code == 302
    sent = _by_recipient(notices.EXTENSION_DECISION)
    assert set(sent) == {STP_OFFICER, OFFICER_EN}
    vi, en = sent[STP_OFFICER], sent[OFFICER_EN]
    assert (vi.language, en.language) == ("vi", "en")
    if approve:
        assert vi.subject.startswith(f"[Gia hạn] Đồng ý gia hạn đến {wanted:%d/%m/%Y}: nhiệm vụ {item.task.ref}")
        assert f"Hạn mới: {wanted:%d/%m/%Y}" in vi.body_text and f"Hạn cũ: {due:%d/%m/%Y}" in vi.body_text
        assert en.subject.startswith(f"[Extension] Approved until {wanted:%d/%m/%Y}: task {item.task.ref}")
        assert f"New deadline: {wanted:%d/%m/%Y}" in en.body_text
    else:
        assert vi.subject.startswith(f"[Gia hạn] Không đồng ý gia hạn: nhiệm vụ {item.task.ref}")
        assert f"Hạn vẫn là {due:%d/%m/%Y}" in vi.body_text
        assert en.subject.startswith(f"[Extension] Refused: task {item.task.ref}")
        assert f"The deadline stays {due:%d/%m/%Y}" in en.body_text
    for message in (vi, en):
        assert "Ý kiến <i>của</i> Văn phòng" in message.body_text
        assert "Ý kiến &lt;i&gt;của&lt;/i&gt; Văn phòng" in message.body_html
        assert ("Chuyên viên VP (Ủy ban nhân dân tỉnh Sóc Trăng)" in message.body_text
                and AUTHOR not in message.body_text)
        assert f"/login/link/{{{{signin:/a/{item.id}}}}}" in message.body_text
    # Retried: nothing more. Deciding twice is refused by the domain.
    request = db.session.scalar(select(ExtensionRequest))
    assert notices.extension_decided(db.session, request) == 0
    twice = author.post(f"/extensions/{request.id}", data={"csrf_token": csrf_of(author.get("/extensions")),
                                                           "approve": "1"}, follow_redirects=True)
    assert "Đề nghị này đã được quyết định." in twice.text
    assert len(_messages(notices.EXTENSION_DECISION)) == 2
    # The assignment's page lists the messages by their kind's name.
    page = officer.get(f"/a/{item.id}")
    assert "Quyết định gia hạn" in page.text and "extension_decision" not in page.text


def test_a_requester_who_is_not_a_focal_officer_hears_the_decision_too(app, staff):
    admin, author = _client(app, "admin@tracker.example"), _client(app, AUTHOR)
    item = _dated()
    assert _ask(admin, item).status_code == 302
    assert _decide(author, True).status_code == 302
    assert set(_by_recipient(notices.EXTENSION_DECISION)) == {STP_OFFICER, OFFICER_EN, "admin@tracker.example"}


def test_a_returned_output_reaches_the_officers(app, staff, smtp_server):
    catcher, _ = smtp_server
    officer, author = _client(app, STP_OFFICER), _client(app, AUTHOR)
    item = _dated()
    page = officer.get(f"/a/{item.id}")
    done = officer.post(f"/a/{item.id}/report", data={
        "csrf_token": csrf_of(page), "status": "done", "progress": "100", "comment": "Đã ban hành quyết định",
        "files": [(io.BytesIO(PDF), "quyet-dinh.pdf")]}, content_type="multipart/form-data")
    assert done.status_code == 302
    page = author.get(f"/a/{item.id}")
    back = author.post(f"/a/{item.id}/return", data={"csrf_token": csrf_of(page), "comment": "Thiếu phụ lục"})
    assert back.status_code == 302
    sent = _by_recipient(notices.OUTPUT_RETURNED)
    assert set(sent) == {STP_OFFICER, OFFICER_EN}
    vi, en = sent[STP_OFFICER], sent[OFFICER_EN]
    assert vi.subject.startswith(f"[Kết quả bị trả lại] Nhiệm vụ {item.task.ref}")
    assert en.subject.startswith(f"[Output sent back] Task {item.task.ref}")
    assert "Lý do: Thiếu phụ lục" in vi.body_text and "Reason: Thiếu phụ lục" in en.body_text
    assert "Đã ban hành quyết định" in vi.body_text and "quyet-dinh.pdf" in vi.body_text
    assert "Báo cáo lại" in vi.body_text and "Report again" in en.body_text
    assert f"signin:/a/{item.id}%23report" in vi.body_text
    change = db.session.scalar(select(StatusChange).where(StatusChange.kind == "returned"))
    assert notices.output_returned(db.session, change) == 0
    assert [i.step_key for i in db.session.scalars(select(OutboxItem).where(
        OutboxItem.message_id == vi.id))] == [f"returned-{change.id}"]
    assert send_due(db.session).sent == 2
    message = next(m for rcpt, m in catcher.messages if rcpt == [STP_OFFICER])
    assert message["Content-Language"] == "vi"
    link = re.search(r"(/login/link/[\w-]+)", message.get_body(("plain",)).get_content()).group(1)
    opened = app.test_client().get(link)
    assert opened.headers["Location"].endswith(f"/a/{item.id}#report")


def test_an_agency_without_a_reachable_officer_is_said_to_the_author(app, staff):
    officer, author = _client(app, STP_OFFICER), _client(app, AUTHOR)
    item = _dated()
    page = officer.get(f"/a/{item.id}")
    officer.post(f"/a/{item.id}/report", data={"csrf_token": csrf_of(page), "status": "done"})
    for focal in _stp().officers:
        focal.active = False
    db.session.commit()
    page = author.get(f"/a/{item.id}")
    back = author.post(f"/a/{item.id}/return", data={"csrf_token": csrf_of(page), "comment": "Thiếu phụ lục"},
                       follow_redirects=True)
    assert "Không gửi được thư cho cơ quan" in back.text
    assert _messages(notices.OUTPUT_RETURNED) == []


def test_the_navigation_counts_what_waits(app, staff):
    officer, author = _client(app, STP_OFFICER), _client(app, AUTHOR)
    admin, leader = _client(app, "admin@tracker.example"), _client(app, "lanhdao@soctrang.example")
    other = _client(app, OTHER_AUTHOR)
    count = re.compile(r'Đề nghị gia hạn <span class="count">(\d+)</span>')
    assert not count.search(author.get("/plans").text)
    item = _dated()
    assert _ask(officer, item).status_code == 302
    assert count.search(author.get("/plans").text).group(1) == "1"
    assert count.search(admin.get("/plans").text).group(1) == "1"
    assert 'class="count"' not in other.get("/plans").text        # not a plan of Cẩm Xuyên
    assert 'class="count"' not in leader.get("/plans").text
    assert 'class="count"' not in officer.get("/plans").text
    # Decided: the count goes.
    assert _decide(author, False).status_code == 302
    page = author.get("/plans")
    assert "Đề nghị gia hạn" in page.text and not count.search(page.text)

    # The officer: an output sent back counts until it is reported on again.
    mine = re.compile(r'Việc của tôi <span class="count">(\d+)</span>')
    page = officer.get(f"/a/{item.id}")
    officer.post(f"/a/{item.id}/report", data={"csrf_token": csrf_of(page), "status": "done"})
    page = author.get(f"/a/{item.id}")
    author.post(f"/a/{item.id}/return", data={"csrf_token": csrf_of(page), "comment": "Thiếu phụ lục"})
    assert mine.search(officer.get("/my/").text).group(1) == "1"
    page = officer.get(f"/a/{item.id}")
    officer.post(f"/a/{item.id}/report", data={"csrf_token": csrf_of(page), "status": "done"})
    assert 'class="count"' not in officer.get("/my/").text


def test_what_an_amendment_removed_is_not_counted(app, staff):
    officer = _client(app, STP_OFFICER)
    item = _dated()
    assert _ask(officer, item).status_code == 302
    author = db.session.scalar(select(Account).where(Account.email == AUTHOR))
    assert waiting_for(db.session, author).extensions == 1
    item = db.session.get(Assignment, item.id)
    item.removed_at = item.created_at
    db.session.commit()
    assert waiting_for(db.session, author).extensions == 0


def test_the_officer_count_follows_the_returned_list(app, staff):
    """Two periods of a recurring task sent back count twice, as "Kết quả bị trả lại" lists
    them; one new report answers them (the domain clears the flag)."""
    officer, author = _client(app, STP_OFFICER), _client(app, AUTHOR)
    item = _recurring()
    first, second = item.occurrences[:2]
    for period in (first, second):
        page = officer.get(f"/a/{item.id}")
        assert officer.post(f"/a/{item.id}/report", data={"csrf_token": csrf_of(page), "status": "done",
                                                          "occurrence": period.id}).status_code == 302
    for period in (first, second):
        page = author.get(f"/a/{item.id}")
        assert author.post(f"/a/{item.id}/return", data={"csrf_token": csrf_of(page), "comment": "Thiếu số liệu",
                                                          "occurrence": period.id}).status_code == 302
    sent = _messages(notices.OUTPUT_RETURNED)
    assert len(sent) == 4 and {m.items[0].occurrence_id for m in sent} == {first.id, second.id}
    account = db.session.scalar(select(Account).where(Account.email == STP_OFFICER))
    assert waiting_for(db.session, account).returned == 2
    page = officer.get("/my/").text
    assert 'Việc của tôi <span class="count">2</span>' in page
    page = officer.get(f"/a/{item.id}")
    officer.post(f"/a/{item.id}/report", data={"csrf_token": csrf_of(page), "status": "in_progress",
                                               "occurrence": first.id})
    assert waiting_for(db.session, account).returned == 0
