"""Reminder e-mails: one message per person and run, grouped by plan, with an .ics snapshot.

Pure tests: no database and no app (``tracker.mail.compose`` needs neither).
"""

from __future__ import annotations

import email
import email.policy
import os
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.calendar_lint import lint
from tests.calendar_parsers import (
    check_with_icalendar,
    check_with_icaljs,
    check_with_libical,
    check_with_vobject,
    icaljs_available,
    libical_available,
)
from tracker.mail.compose import (
    ICS_FILENAME,
    KINDS,
    ComposedMail,
    MailItem,
    Recipient,
    clean_line,
    compose,
    group_items,
    language_of,
    to_ics,
    to_message,
)

TODAY = date(2020, 3, 24)
APP = "https://tracker.example"
FEED = "https://tracker.example/feeds/AbC123.ics"
SENDER = "Theo dõi kế hoạch <no-reply@tracker.example>"
PLAN_A = "Kế hoạch 181/KH-UBND – Kiểm soát thủ tục hành chính năm 2020"
PLAN_B = "Kế hoạch 25/KH-UBND – Cải cách hành chính năm 2020"
OFFICER = Recipient("canbo@sotuphap.example", "Nguyễn Thị Lan")
OFFICER_EN = Recipient("officer@sotuphap.example", "Lan Nguyen", language="en")


def item(ref: str, content: str, due: date | None, days: int, *, plan: str = PLAN_A,
         key: str = "181", **changes) -> MailItem:
    values = dict(plan_label=plan, plan_key=key, task_ref=ref, task_content=content,
                  agency="Sở Tư pháp", role="lead", output="Báo cáo kết quả",
                  deadline_text="Trong tháng 3/2020", due=due, step_kind="before", step_number=3,
                  days=days, url=f"{APP}/plans/{key}#task-{ref}", uid=f"assignment-{key}-{ref}@tracker.example")
    values.update(changes)
    return MailItem(**values)


def six_items() -> list[MailItem]:
    """Six items from two plans, deliberately out of order. Plan B's earliest item
    (27/03) is earlier than plan A's (31/03), so plan B comes first."""
    return [
        item("2.10", "Rà soát thủ tục hành chính lĩnh vực tư pháp", date(2020, 3, 31), 5),
        item("II.1", "Niêm yết công khai thủ tục hành chính", date(2020, 4, 30), 26),
        item("2.9", "Cập nhật cơ sở dữ liệu quốc gia về thủ tục hành chính", date(2020, 3, 31), 5),
        item("3", "Tổng hợp báo cáo cải cách hành chính quý I", date(2020, 3, 27), 3, plan=PLAN_B, key="25"),
        item("1", "Kiểm tra công tác cải cách hành chính", date(2020, 4, 15), 15, plan=PLAN_B, key="25"),
        item("2", "Tuyên truyền cải cách hành chính", date(2020, 3, 27), 3, plan=PLAN_B, key="25",
             role="coordinate"),
    ]


def reminder(items=None, recipient=OFFICER, kind="reminder", **kw) -> ComposedMail:
    mail = compose(kind, recipient, six_items() if items is None else items, today=TODAY,
                   feed_url=kw.pop("feed_url", FEED), app_url=APP, **kw)
    assert mail is not None
    return mail


def positions(text: str, needles: list[str]) -> list[int]:
    found = [text.index(n) for n in needles]
    return found


# --- grouping and ordering ---------------------------------------------------------------


def test_grouped_by_plan_ordered_by_earliest_due_then_due_and_reference():
    groups = group_items(six_items())
    assert [label for label, _ in groups] == [PLAN_B, PLAN_A]
    assert [[i.task_ref for i in members] for _, members in groups] == [["2", "3", "1"],
                                                                         ["2.9", "2.10", "II.1"]]


def test_bodies_follow_the_grouping():
    mail = reminder()
    order = ["Tuyên truyền", "Tổng hợp báo cáo", "Kiểm tra công tác",
             "Cập nhật cơ sở dữ liệu", "Rà soát thủ tục", "Niêm yết công khai"]
    for body in (mail.text, mail.html):
        assert body.index(PLAN_B) < body.index(PLAN_A)
        spots = positions(body, order)
        assert spots == sorted(spots)
        assert body.index(PLAN_A) < spots[3]            # plan A's heading before its items
        assert body.count(PLAN_A) == 1 and body.count(PLAN_B) == 1


def test_items_without_due_date_come_last_in_their_plan():
    items = [item("1", "Thường xuyên theo dõi", None, 0), item("2", "Có hạn", date(2020, 5, 1), 20)]
    assert [i.task_ref for _, members in group_items(items) for i in members] == ["2", "1"]


def test_each_item_shows_its_details():
    mail = reminder()
    text = mail.text
    assert "Kính gửi Nguyễn Thị Lan," in text
    assert "Nhiệm vụ 2.10: Rà soát thủ tục hành chính lĩnh vực tư pháp" in text
    assert "Cơ quan: Sở Tư pháp (chủ trì)" in text
    assert "Cơ quan: Sở Tư pháp (phối hợp)" in text
    assert "Sản phẩm: Báo cáo kết quả" in text
    assert "Thời hạn: Trong tháng 3/2020 (hạn 31/03/2020) – còn 5 ngày làm việc" in text
    assert f"{APP}/plans/181#task-2.10" in text
    assert f'href="{APP}/plans/181#task-2.10"' in mail.html
    assert FEED in text and f'href="{FEED}"' in mail.html
    assert "Google Lịch" in text and "tự động" in text


def test_long_task_content_is_shortened():
    long = "Rà soát, đánh giá thủ tục hành chính " * 20
    mail = reminder([item("1", long, date(2020, 3, 31), 5)])
    line = next(text_line for text_line in mail.text.splitlines() if text_line.startswith("1. Nhiệm vụ 1:"))
    content = line.split(": ", 1)[1]
    assert content.endswith("…") and len(content) <= 200


def test_overdue_and_today_wording():
    items = [item("1", "Quá hạn", date(2020, 3, 6), -12, step_kind="overdue", step_number=2),
             item("2", "Hôm nay", TODAY, 0)]
    text = reminder(items, kind="overdue").text
    assert "quá hạn 12 ngày (nhắc lần 2)" in text
    assert "đến hạn hôm nay" in text


# --- subjects ----------------------------------------------------------------------------


def test_vietnamese_subjects_count_and_name_the_earliest_date():
    assert reminder().subject == "[Nhắc trước hạn] 6 nhiệm vụ đến hạn, sớm nhất 27/03/2020"
    one = reminder([item("1", "Niêm yết công khai thủ tục", date(2020, 3, 27), 3)])
    assert one.subject == "[Nhắc trước hạn] 1 nhiệm vụ đến hạn 27/03/2020: Niêm yết công khai thủ tục"
    overdue = [item("1", "A", date(2020, 3, 6), -12), item("2", "B", date(2020, 3, 10), -9)]
    assert reminder(overdue, kind="overdue").subject == "[Nhắc quá hạn] 2 nhiệm vụ quá hạn, lâu nhất 12 ngày"
    head = Recipient("giamdoc@sotuphap.example", "Giám đốc Sở Tư pháp", role="agency_head")
    assert (reminder(overdue, head, kind="escalation_head").subject
            == "[Cảnh báo quá hạn] Sở Tư pháp: 2 nhiệm vụ quá hạn, lâu nhất 12 ngày")
    committee = Recipient("vp@ubnd.example", "Văn phòng UBND tỉnh", role="committee")
    two_agencies = [overdue[0], replace(overdue[1], agency="UBND huyện Cẩm Xuyên")]
    assert (reminder(two_agencies, committee, kind="escalation_committee").subject
            == "[Cảnh báo quá hạn] 2 cơ quan: 2 nhiệm vụ quá hạn, lâu nhất 12 ngày")
    checkin = [item("5", "Theo dõi", date(2020, 6, 14), 3, step_kind="checkin", step_number=None,
                    deadline_text="Thường xuyên"),
               item("6", "Kiểm soát", date(2020, 6, 14), 3, step_kind="checkin", step_number=None,
                    deadline_text="Thường xuyên")]
    assert (reminder(checkin, kind="checkin").subject
            == "[Báo cáo định kỳ] 2 nhiệm vụ thường xuyên cần báo cáo trước 14/06/2020")
    digest = overdue + [item("3", "C", date(2020, 4, 1), 6)]
    assert (reminder(digest, committee, kind="digest").subject
            == "[Tổng hợp hằng tuần] 3 nhiệm vụ cần theo dõi: 2 quá hạn, 1 sắp đến hạn")


def test_english_subjects_and_body():
    mail = reminder(recipient=OFFICER_EN)
    assert mail.subject == "[Reminder] 6 tasks due, earliest 27/03/2020"
    one = reminder([item("1", "Niêm yết", date(2020, 3, 6), -1)], OFFICER_EN, kind="overdue")
    assert one.subject == "[Overdue] 1 task overdue by 1 day: Niêm yết"
    assert "Dear Lan Nguyen," in mail.text
    assert "Agency: Sở Tư pháp (lead)" in mail.text
    assert "5 working days left" in mail.text
    assert "Kính gửi" not in mail.text and "Kính gửi" not in mail.html
    assert '<html lang="en">' in mail.html


@pytest.mark.parametrize("value, expected", [("vi", "vi"), ("en", "en"), ("en-GB", "en"), ("EN_us", "en"),
                                             ("", "vi"), (None, "vi"), ("fr", "vi")])
def test_language_of(value, expected):
    assert language_of(value) == expected


def test_checkin_names_the_cutoff():
    items = [item("5", "Theo dõi, kiểm tra", date(2020, 6, 14), 3, step_kind="checkin",
                  step_number=None, deadline_text="Thường xuyên")]
    mail = reminder(items, kind="checkin")
    assert "Thời hạn: Thường xuyên (báo cáo trước 14/06/2020) – còn 3 ngày làm việc" in mail.text
    cal = icalendar.Calendar.from_ical(mail.ics)
    assert str(cal.walk("VEVENT")[0]["SUMMARY"]).startswith("Báo cáo định kỳ: ")


# --- nothing to say ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_no_items_no_mail(kind):
    assert compose(kind, OFFICER, [], today=TODAY, feed_url=FEED, app_url=APP) is None


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        compose("spam", OFFICER, six_items(), today=TODAY, feed_url=FEED, app_url=APP)


def test_no_feed_link_no_feed_paragraph_and_no_dates_no_ics():
    items = [item("1", "Thường xuyên", None, 0, deadline_text="Thường xuyên")]
    mail = reminder(items, feed_url=None)
    assert mail.ics is None
    assert "Google Lịch" not in mail.text and ICS_FILENAME not in mail.text
    message = to_message(mail, SENDER, "<x@tracker.example>")
    assert [p.get_content_type() for p in message.walk()] == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/html"]


# --- header injection and escaping -------------------------------------------------------


INJECTION = "Niêm yết công khai\r\nBcc: x@y"


def _header_lines(raw: bytes) -> list[bytes]:
    return raw.split(b"\n\n", 1)[0].replace(b"\r\n", b"\n").split(b"\n")


def test_title_with_crlf_never_reaches_a_header():
    items = [item("1", INJECTION, date(2020, 3, 27), 3, agency="Sở\nTư pháp\u2028Bcc: z@w")]
    recipient = Recipient("canbo@sotuphap.example\r\nBcc: q@r", "Lan\r\nBcc: s@t")
    for kind in KINDS:
        mail = compose(kind, recipient, items, today=TODAY, feed_url=FEED, app_url=APP)
        assert "\r" not in mail.subject and "\n" not in mail.subject
        assert all(ch.isprintable() for ch in mail.subject + mail.to)
        message = to_message(mail, SENDER, "<stable-id@tracker.example>")
        raw = message.as_bytes()
        for line in _header_lines(raw):
            assert not line.lower().startswith(b"bcc"), line
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert parsed["Bcc"] is None
        # Kept as one line with its space, so the outbox's address check refuses it
        # (gluing the pieces together could make a valid address of someone else).
        assert mail.to == "canbo@sotuphap.example Bcc: q@r"
    one = compose("reminder", recipient, items, today=TODAY, feed_url=FEED, app_url=APP)
    assert one.subject == "[Nhắc trước hạn] 1 nhiệm vụ đến hạn 27/03/2020: Niêm yết công khai Bcc: x@y"


def test_to_message_never_raises_on_dirty_stored_values():
    mail = ComposedMail(to="canbo@sotuphap.example\r\nBcc: x@y", subject=f"[Nhắc hạn] {INJECTION}\x00\u2028",
                        text="Kính gửi\ud800", html="<p>x</p>", ics=None)
    for sender in (SENDER, "a\r\nBcc: x@y", ("Theo dõi\r\nBcc: x@y", "no-reply@tracker.example"), ""):
        message = to_message(mail, sender, message_id="<id\r\nBcc: x@y@tracker.example>",
                             language="en\r\nBcc: x@y")
        raw = message.as_bytes()
        assert not any(line.lower().startswith(b"bcc") for line in _header_lines(raw))
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert parsed["Subject"] == "[Nhắc hạn] Niêm yết công khai Bcc: x@y"


@pytest.mark.parametrize("field", ["task_content", "agency", "output", "plan_label", "deadline_text", "task_ref"])
def test_html_escapes_imported_text(field):
    evil = '<script>alert("x")</script> & <b>'
    items = [replace(item("1", "Nội dung", date(2020, 3, 27), 3), **{field: evil})]
    mail = reminder(items)
    assert "<script>" not in mail.html and "<b>" not in mail.html
    assert "&lt;script&gt;" in mail.html
    assert "<script>" in mail.text                     # plain text stays plain


def test_only_http_links():
    items = [item("1", "Nội dung", date(2020, 3, 27), 3, url='javascript:alert(1)" onclick="x')]
    mail = compose("reminder", OFFICER, items, today=TODAY, feed_url="javascript:alert(2)", app_url=APP)
    assert 'href="javascript' not in mail.html and "onclick=\"" not in mail.html
    assert "javascript:" not in mail.text
    ics = icalendar.Calendar.from_ical(mail.ics)
    assert "URL" not in ics.walk("VEVENT")[0]


def test_clean_line():
    assert clean_line("a\r\nb\tc\u2028d\x00e \u202ef\u200b  g") == "a b c d e f g"
    assert clean_line("Ke\u0302\u0301 hoa\u0323ch") == "Kế hoạch"      # NFD → NFC


# --- the .ics ----------------------------------------------------------------------------


def test_ics_is_a_publish_snapshot_of_all_day_events():
    mail = reminder(organizer=SENDER)
    data = mail.ics
    cal = check_with_icalendar(data)
    check_with_vobject(data)
    if icaljs_available():
        assert check_with_icaljs(data) == 6
    elif os.environ.get("TRACKER_REQUIRE_ICALJS"):
        pytest.fail("ical.js is required here (npm install --prefix tests/js)")
    # A feed must name no ORGANIZER (personal data); an e-mailed PUBLISH must (RFC 5546), and
    # it names the sending no-reply address.
    feed_only = ("X-PUBLISHED-TTL", "REFRESH-INTERVAL", "X-WR-CALNAME", "ORGANIZER")
    assert [p for p in lint(data) if not any(f in p for f in feed_only)] == []
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["VERSION"]) == "2.0" and cal.get("PRODID")
    events = cal.walk("VEVENT")
    assert len(events) == 6
    assert {str(e["UID"]) for e in events} == {i.uid for i in six_items()}
    for component in cal.walk():
        assert "ATTENDEE" not in component
    assert [str(e["ORGANIZER"]) for e in events] == ["mailto:no-reply@tracker.example"] * 6
    assert cal.walk("VALARM") == []
    for event in events:
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is date and type(end) is date
        assert end == start + timedelta(days=1)
        assert event["DTSTART"].params.get("VALUE") == "DATE"
        assert event.decoded("DTSTAMP") == datetime(2020, 3, 24, tzinfo=UTC)
        assert event["SEQUENCE"] == 0
        assert str(event["TRANSP"]) == "TRANSPARENT"
        assert str(event["URL"]).startswith(APP)
        assert str(event["URL"]) in str(event["DESCRIPTION"])
    assert b"DTSTART;VALUE=DATE:20200327\r\n" in data


def test_ics_is_deterministic_and_honours_a_given_stamp():
    assert reminder().ics == reminder().ics
    stamp = datetime(2020, 3, 23, 17, 0, tzinfo=UTC)
    cal = icalendar.Calendar.from_ical(reminder(stamp=stamp).ics)
    assert all(e.decoded("DTSTAMP") == stamp for e in cal.walk("VEVENT"))


def test_ics_skips_items_without_due_date_and_repeated_uids():
    items = six_items()
    extra = [item("9", "Thường xuyên", None, 0, uid="continuous@tracker.example"), items[0]]
    cal = icalendar.Calendar.from_ical(to_ics(items + extra, today=TODAY))
    assert len(cal.walk("VEVENT")) == 6
    assert to_ics([extra[0]], today=TODAY) is None


def test_overdue_events_are_marked_in_the_summary():
    items = [item("1", "Niêm yết", date(2020, 3, 6), -12)]
    event = icalendar.Calendar.from_ical(reminder(items, kind="overdue").ics).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "[Quá hạn] Hạn: Niêm yết – Sở Tư pháp (chủ trì)"


# --- MIME --------------------------------------------------------------------------------


def test_mime_structure():
    mail = reminder()
    message = to_message(mail, SENDER, "<abc123@tracker.example>")
    parts = list(message.walk())
    assert [p.get_content_type() for p in parts] == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/calendar"]
    assert parts[2].get_content_charset() == "utf-8" and parts[3].get_content_charset() == "utf-8"
    calendar_part = parts[4]
    assert calendar_part.get_param("method") == "PUBLISH"
    assert calendar_part.get_param("method") == str(icalendar.Calendar.from_ical(mail.ics)["METHOD"])
    assert calendar_part.get_param("charset") == "UTF-8"
    assert calendar_part.get_param("name") == ICS_FILENAME
    assert calendar_part.get_content_disposition() == "inline"
    assert calendar_part.get_filename() == ICS_FILENAME
    assert calendar_part.get_payload(decode=True) == mail.ics
    assert message["Message-ID"] == "<abc123@tracker.example>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Content-Language"] == "vi"
    assert message["From"].addresses[0].addr_spec == "no-reply@tracker.example"
    assert message["To"] == OFFICER.email
    assert message["Date"]


def test_mime_method_follows_the_calendar():
    ics = reminder().ics.replace(b"METHOD:PUBLISH", b"METHOD:REQUEST")
    message = to_message(replace(reminder(), ics=ics), SENDER)
    calendar_part = [p for p in message.walk() if p.get_content_type() == "text/calendar"][0]
    assert calendar_part.get_param("method") == "REQUEST"
    assert message["Message-ID"].endswith("@tracker.example>")          # generated when not given


def test_round_trip_keeps_vietnamese_subject_and_bodies():
    mail = reminder()
    sent_at = datetime(2020, 3, 24, 0, 30, tzinfo=UTC)
    raw = to_message(mail, SENDER, "<abc123@tracker.example>", sent_at=sent_at).as_bytes()
    assert all(b < 128 for b in raw)                         # 7-bit clean for any relay
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == mail.subject == "[Nhắc trước hạn] 6 nhiệm vụ đến hạn, sớm nhất 27/03/2020"
    assert parsed["From"] == SENDER
    assert parsed["Message-ID"] == "<abc123@tracker.example>"
    assert parsed["Date"].datetime == sent_at
    assert parsed.get_body(("plain",)).get_content() == mail.text
    assert parsed.get_body(("html",)).get_content() == mail.html
    assert "Rà soát thủ tục hành chính lĩnh vực tư pháp" in parsed.get_body(("plain",)).get_content()
    calendar = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"][0]
    assert calendar.get_payload(decode=True) == mail.ics


def test_english_message_header():
    message = to_message(reminder(recipient=OFFICER_EN), SENDER, language="en")
    assert message["Content-Language"] == "en"


def test_a_huge_escalation_is_a_table_by_agency_then_the_most_overdue():
    from datetime import timedelta

    from tracker.mail.compose import COMMITTEE_LISTED, MAX_LISTED
    agencies = [("Sở Tư pháp", 11), ("Sở Nội vụ", 12), ("UBND huyện Cẩm Xuyên", None)]
    many = [item(f"{n}", f"Việc số {n}", TODAY - timedelta(days=n % 90 + 1), -(n % 90 + 1),
                 step_kind="escalation_committee", uid=f"assignment-{n}@tracker.example",
                 agency=agencies[n % 3][0], agency_id=agencies[n % 3][1])
            for n in range(MAX_LISTED * 3)]
    committee = Recipient("vanphong@ubnd.example", "Văn phòng UBND", role="committee")
    mail = compose("escalation_committee", committee, many, today=TODAY, feed_url=None, app_url=APP)
    # One line per agency: how many, the longest, a link to that agency's list (none
    # for an owner the directory does not know); the longest overdue first.
    assert "Tổng hợp theo cơ quan" in mail.text and "Tổng hợp theo cơ quan" in mail.html
    for name, agency_id in agencies:
        mine = [i for i in many if i.agency == name]
        longest = max(-i.days for i in mine)
        line = next(text_line for text_line in mail.text.splitlines() if text_line.startswith(f"- {name}: "))
        assert line.startswith(f"- {name}: {len(mine)} / {longest} ngày")
        link = f"{APP}/dashboard/items?agency={agency_id}&amp;category=escalations"
        assert (link in mail.html) == (agency_id is not None)
    # Then only the longest overdue items, and a link to the dashboard for the rest.
    assert mail.text.count("Việc số ") == COMMITTEE_LISTED
    assert f"{len(many) - COMMITTEE_LISTED} nhiệm vụ khác" in mail.text
    assert f"{APP}/dashboard/" in mail.text
    assert f'<a href="{APP}/dashboard/">{APP}/dashboard/</a>' in mail.html      # a link, not just text
    most = sorted(many, key=lambda i: i.days)[:COMMITTEE_LISTED]
    assert all(f"Việc số {i.task_ref}" in mail.text for i in most)
    assert mail.ics.count(b"BEGIN:VEVENT") == COMMITTEE_LISTED
    assert str(len(many)) in mail.subject          # the subject still counts every item
    # The agency head's warning (one agency) stays a list, capped at MAX_LISTED.
    head = Recipient("gd@stp.example", "Giám đốc", role="agency_head")
    own = [replace(i, step_kind="escalation_head") for i in many]
    assert compose("escalation_head", head, own, today=TODAY, feed_url=None,
                   app_url=APP).text.count("Việc số ") == MAX_LISTED
    # An officer's long list points to their own work list instead.
    officer = compose("overdue", OFFICER, many, today=TODAY, feed_url=None, app_url=APP)
    assert f"{APP}/my/" in officer.text


# --- subjects in every decoder ------------------------------------------------------------

_VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"


def _both_decoders(raw: bytes) -> tuple[str, str]:
    from email.header import decode_header, make_header
    modern = email.message_from_bytes(raw, policy=email.policy.default)["Subject"]
    legacy = str(make_header(decode_header(email.message_from_bytes(raw)["Subject"])))
    return modern, legacy


@pytest.mark.parametrize("subject", [
    "[Cảnh báo quá hạn] Sở Tư pháp huyện Cù Lao Dung: 273 nhiệm vụ quá hạn, lâu nhất 45 ngày: Rà soát, "
    "đánh giá thủ tục hành chính thuộc phạm vi quản lý của Sở Tư pháp tỉnh",
    "[Nhắc trước hạn] 12 nhiệm vụ đến hạn, sớm nhất 27/03/2020 – Ủy ban nhân dân huyện Mỹ Xuyên",
    "[Tổng hợp hằng tuần]   hai  khoảng trắng liền nhau  và   ba",
])
def test_subjects_keep_every_space_in_two_decoders(subject):
    raw = to_message(replace(reminder(), subject=subject), SENDER).as_bytes()
    kept = clean_line(subject)                              # one line, runs of spaces as one
    assert _both_decoders(raw) == (kept, kept)
    lines = raw.split(b"\n\n")[0].decode("ascii").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Subject: "))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(" "))
    for line in lines[start:end]:           # RFC 2047: encoded-words ≤ 75, their lines ≤ 76
        assert len(line) <= 76
        assert all(len(word) <= 75 for word in re.findall(r"=\?[^?]+\?[bBqQ]\?[^?]*\?=", line))


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=_VIETNAMESE + _VIETNAMESE.upper() + " ,.:–[]0123456789", min_size=1, max_size=240))
def test_any_vietnamese_subject_survives_both_decoders(subject):
    subject = " ".join(subject.split()) or "x"            # what clean_line leaves
    raw = to_message(replace(reminder(), subject=subject), SENDER).as_bytes()
    assert _both_decoders(raw) == (subject, subject)


@pytest.mark.parametrize("kind", ["reminder", "overdue", "escalation_head", "escalation_committee", "checkin",
                                  "digest"])
def test_every_attachment_kind_passes_libicals_parser_and_itip_check(kind):
    """What Evolution and GNOME read: libical, and its iTIP check that a PUBLISH names an
    ORGANIZER."""
    ics = reminder(kind=kind, organizer=SENDER).ics
    assert ics is not None
    if libical_available():
        assert check_with_libical(ics) == 6
    elif os.environ.get("TRACKER_REQUIRE_LIBICAL"):
        pytest.fail("libical is required here (apt-get install gir1.2-ical-3.0 python3-gi)")
    else:
        pytest.skip("libical's GObject bindings are not installed")
