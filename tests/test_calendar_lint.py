"""Tests of the feed checkers themselves: tests/calendar_lint.py and tests/calendar_parsers.py.

GOOD is a small hand-checked feed (written out below, and rebuilt with icalendar to
show how to avoid the traps in docs/calendar.md §Feed properties). It passes all four parsers and
the lint; each BAD variant changes one thing and the lint must name it.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Alarm, Calendar, Event, vDuration

from . import calendar_parsers as cp
from .calendar_lint import lint

GOOD_LINES = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//tracker//deadline feed//VI",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "NAME:Hạn nộp – Phòng Kế hoạch",
    "X-WR-CALNAME:Hạn nộp – Phòng Kế hoạch",
    "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
    "X-PUBLISHED-TTL:PT1H",
    "BEGIN:VTIMEZONE",
    "TZID:Asia/Ho_Chi_Minh",
    "COMMENT:This timezone only works from 2000-01-01 to 2038-01-01.",
    "BEGIN:STANDARD",
    "DTSTART:20000101T000000",
    "TZNAME:+07",
    "TZOFFSETFROM:+0700",
    "TZOFFSETTO:+0700",
    "END:STANDARD",
    "END:VTIMEZONE",
    "BEGIN:VEVENT",
    "SUMMARY:Báo cáo tình hình thực hiện kế hoạch phát triển kin",
    " h tế - xã hội 6 tháng",
    "DTSTART;VALUE=DATE:20250615",
    "DTEND;VALUE=DATE:20250616",
    "DTSTAMP:20250502T030405Z",
    "UID:task-1@tracker.example",
    "SEQUENCE:0",
    "RRULE:FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=15",
    "EXDATE;VALUE=DATE:20261215",
    "LAST-MODIFIED:20250502T030405Z",
    "TRANSP:TRANSPARENT",
    "BEGIN:VALARM",
    "ACTION:DISPLAY",
    "DESCRIPTION:Nhắc hạn nộp",
    "TRIGGER:-PT15H",
    "END:VALARM",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "SUMMARY:Báo cáo quý",
    "DTSTART;VALUE=DATE:20250320",
    "DTEND;VALUE=DATE:20250321",
    "DTSTAMP:20250502T030405Z",
    "UID:task-2@tracker.example",
    "SEQUENCE:0",
    "RRULE:FREQ=MONTHLY;COUNT=4;INTERVAL=3;BYMONTHDAY=20",
    "LAST-MODIFIED:20250502T030405Z",
    "TRANSP:TRANSPARENT",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "SUMMARY:Báo cáo quý (lùi hạn)",
    "DTSTART;VALUE=DATE:20250623",
    "DTEND;VALUE=DATE:20250624",
    "DTSTAMP:20250502T030405Z",
    "UID:task-2@tracker.example",
    "RECURRENCE-ID;VALUE=DATE:20250620",
    "SEQUENCE:1",
    "LAST-MODIFIED:20250502T030405Z",
    "TRANSP:TRANSPARENT",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "SUMMARY:Họp giao ban",
    "DTSTART;TZID=Asia/Ho_Chi_Minh:20250620T090000",
    "DTEND;TZID=Asia/Ho_Chi_Minh:20250620T103000",
    "DTSTAMP:20250502T030405Z",
    "UID:task-3@tracker.example",
    "SEQUENCE:0",
    "LAST-MODIFIED:20250502T030405Z",
    "END:VEVENT",
    "END:VCALENDAR",
]
GOOD = ("\r\n".join(GOOD_LINES) + "\r\n").encode("utf-8")

UTC = UTC
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
STAMP = datetime(2025, 5, 2, 3, 4, 5, tzinfo=UTC)

ALARM_BLOCK = (
    "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Nhắc hạn nộp\r\n"
    "TRIGGER:-PT15H\r\nEND:VALARM\r\n"
)
SUMMARY_1 = (
    "SUMMARY:Báo cáo tình hình thực hiện kế hoạch phát triển kin\r\n"
    " h tế - xã hội 6 tháng\r\n"
)


def build_good() -> bytes:
    """GOOD built with icalendar 7.3.0, minding the traps of docs/calendar.md §Feed properties."""
    cal = Calendar()
    cal.add("PRODID", "-//tracker//deadline feed//VI")
    cal.add("VERSION", "2.0")
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("METHOD", "PUBLISH")
    cal.calendar_name = "Hạn nộp – Phòng Kế hoạch"  # NAME + X-WR-CALNAME
    # a bare timedelta would be written as "1:00:00"
    cal.add("X-PUBLISHED-TTL", vDuration(timedelta(hours=1)))
    cal.refresh_interval = timedelta(hours=1)
    cal["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # not written by default

    def event(uid: str, summary: str, start, end, sequence: int = 0) -> Event:
        ev = Event()
        ev.add("UID", uid)
        ev.add("DTSTAMP", STAMP)  # the record's last revision, never now()
        ev.add("LAST-MODIFIED", STAMP)
        ev.add("SEQUENCE", sequence)
        ev.add("SUMMARY", summary)
        ev.add("DTSTART", start)
        ev.add("DTEND", end)
        return ev

    semi = event(
        "task-1@tracker.example",
        "Báo cáo tình hình thực hiện kế hoạch phát triển kinh tế - xã hội 6 tháng",
        date(2025, 6, 15),
        date(2025, 6, 16),  # exclusive end of an all-day deadline
    )
    # 15 Jun + 15 Dec in Outlook's monthly template (not YEARLY;BYMONTH=6,12)
    semi.add("RRULE", {"FREQ": "MONTHLY", "INTERVAL": 6, "BYMONTHDAY": 15})
    semi.add("EXDATE", date(2026, 12, 15))
    semi.add("TRANSP", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("ACTION", "DISPLAY")
    alarm.add("DESCRIPTION", "Nhắc hạn nộp")
    alarm.add("TRIGGER", timedelta(hours=-15))  # 09:00 the day before
    semi.add_component(alarm)
    cal.add_component(semi)

    quarterly = event("task-2@tracker.example", "Báo cáo quý", date(2025, 3, 20), date(2025, 3, 21))
    quarterly.add("RRULE", {"FREQ": "MONTHLY", "INTERVAL": 3, "BYMONTHDAY": 20, "COUNT": 4})
    quarterly.add("TRANSP", "TRANSPARENT")
    cal.add_component(quarterly)

    moved = Event()  # override of one occurrence; SEQUENCE >= master's
    moved.add("UID", "task-2@tracker.example")
    moved.add("RECURRENCE-ID", date(2025, 6, 20))
    moved.add("DTSTAMP", STAMP)
    moved.add("LAST-MODIFIED", STAMP)
    moved.add("SEQUENCE", 1)
    moved.add("SUMMARY", "Báo cáo quý (lùi hạn)")
    moved.add("DTSTART", date(2025, 6, 23))
    moved.add("DTEND", date(2025, 6, 24))
    moved.add("TRANSP", "TRANSPARENT")
    cal.add_component(moved)

    cal.add_component(
        event(
            "task-3@tracker.example",
            "Họp giao ban",
            datetime(2025, 6, 20, 9, 0, tzinfo=HCM),
            datetime(2025, 6, 20, 10, 30, tzinfo=HCM),
        )
    )
    # one STANDARD +0700 block; the 1970 default adds +0800 history Outlook mangles
    cal.add_missing_timezones(first_date=date(2000, 1, 1))
    return cal.to_ical()


def replace(data: bytes, old: str, new: str, count: int = 1) -> bytes:
    """Replace text that must occur exactly ``count`` times."""
    old_b, new_b = old.encode("utf-8"), new.encode("utf-8")
    assert data.count(old_b) == count, f"{old!r} occurs {data.count(old_b)} times"
    return data.replace(old_b, new_b)


def in_event(data: bytes, uid: str, line: str) -> bytes:
    """Add a content line right after the UID line of event ``uid``."""
    return replace(data, f"UID:{uid}\r\n", f"UID:{uid}\r\n{line}\r\n")


def assert_problem(problems: list[str], *patterns: str) -> None:
    """Some problem matches all the regexes (case-insensitive)."""
    for problem in problems:
        if all(re.search(p, problem, re.IGNORECASE) for p in patterns):
            return
    raise AssertionError(f"no problem matching {patterns} in {problems}")


# --------------------------------------------------------------------------- the good feed


def test_good_feed_is_what_icalendar_builds():
    assert build_good() == GOOD


def test_good_feed_passes_the_lint():
    assert lint(GOOD) == []
    assert lint(GOOD, previous=GOOD) == []


def test_good_feed_passes_icalendar():
    cal = cp.check_with_icalendar(GOOD)
    assert len(cal.events) == 4
    assert cal.get_missing_tzids() == set()


def test_good_feed_passes_vobject():
    component = cp.check_with_vobject(GOOD)
    assert len(component.vevent_list) == 4


def test_good_feed_expands_to_the_expected_dates():
    assert cp.expand(GOOD, date(2025, 1, 1), date(2028, 1, 1)) == [
        ("task-1@tracker.example", date(2025, 6, 15)),
        ("task-1@tracker.example", date(2025, 12, 15)),
        ("task-1@tracker.example", date(2026, 6, 15)),
        # 2026-12-15 is an EXDATE
        ("task-1@tracker.example", date(2027, 6, 15)),
        ("task-1@tracker.example", date(2027, 12, 15)),
        ("task-2@tracker.example", date(2025, 3, 20)),
        ("task-2@tracker.example", date(2025, 6, 23)),  # moved by RECURRENCE-ID
        ("task-2@tracker.example", date(2025, 9, 20)),
        ("task-2@tracker.example", date(2025, 12, 20)),  # COUNT=4
        ("task-3@tracker.example", date(2025, 6, 20)),
    ]


def test_expand_end_is_exclusive():
    assert cp.expand(GOOD, date(2025, 6, 15), date(2025, 6, 20)) == [
        ("task-1@tracker.example", date(2025, 6, 15)),
    ]


needs_icaljs = pytest.mark.skipif(
    not cp.icaljs_available(),
    reason="ical.js not installed (npm install --prefix tests/js) or node missing",
)


@needs_icaljs
def test_good_feed_passes_icaljs():
    assert cp.check_with_icaljs(GOOD) == 4


@needs_icaljs
def test_icaljs_rejects_a_malformed_feed():
    with pytest.raises(cp.CalendarCheckError, match="ical.js"):
        cp.check_with_icaljs(replace(GOOD, "BEGIN:VEVENT", "BEGIN;VEVENT", count=4))


@needs_icaljs
def test_icaljs_dir_can_be_configured(monkeypatch, tmp_path):
    real = cp.icaljs_modules_dir()
    monkeypatch.setenv("TRACKER_ICALJS_DIR", str(tmp_path))
    assert not cp.icaljs_available()
    monkeypatch.setenv("TRACKER_ICALJS_DIR", str(real))
    assert cp.icaljs_available()
    assert cp.check_with_icaljs(GOOD) == 4


# --------------------------------------------------------------------------- the parsers catch faults


def test_icalendar_check_rejects_a_feed_that_does_not_round_trip():
    # a property order icalendar would not write back the same way
    data = replace(GOOD, "VERSION:2.0\r\nPRODID:-//tracker//deadline feed//VI\r\n",
                   "PRODID:-//tracker//deadline feed//VI\r\nVERSION:2.0\r\n")
    with pytest.raises(cp.CalendarCheckError, match="round trip"):
        cp.check_with_icalendar(data)


def test_icalendar_check_rejects_a_missing_vtimezone():
    start = GOOD.index(b"BEGIN:VTIMEZONE")
    end = GOOD.index(b"END:VTIMEZONE\r\n") + len(b"END:VTIMEZONE\r\n")
    with pytest.raises(cp.CalendarCheckError, match="Asia/Ho_Chi_Minh"):
        cp.check_with_icalendar(GOOD[:start] + GOOD[end:])


def test_vobject_check_rejects_a_missing_uid():
    with pytest.raises(cp.CalendarCheckError, match="vobject"):
        cp.check_with_vobject(replace(GOOD, "UID:task-3@tracker.example\r\n", ""))


# --------------------------------------------------------------------------- bad variants

BAD_VARIANTS = {
    "LF endings": (
        lambda: GOOD.replace(b"\r\n", b"\n"),
        [r"bare LF", r"CRLF"],
    ),
    "80-octet unfolded line": (
        lambda: replace(GOOD, SUMMARY_1, "SUMMARY:" + "x" * 72 + "\r\n"),
        [r"80 octets", r"longer than 75"],
    ),
    "DTEND == DTSTART all-day": (
        lambda: replace(GOOD, "DTEND;VALUE=DATE:20250616", "DTEND;VALUE=DATE:20250615"),
        [r"DTEND 20250615 is not after DTSTART 20250615"],
    ),
    "DATE vs DATE-TIME mismatch": (
        lambda: replace(
            GOOD, "DTEND;VALUE=DATE:20250616", "DTEND;TZID=Asia/Ho_Chi_Minh:20250616T090000"
        ),
        [r"DTSTART is DATE but DTEND is DATE-TIME"],
    ),
    "floating DATE-TIME": (
        lambda: replace(
            GOOD, "DTSTART;TZID=Asia/Ho_Chi_Minh:20250620T090000", "DTSTART:20250620T090000"
        ),
        [r"floating DATE-TIME", r"DTSTART"],
    ),
    "two VALARMs": (
        lambda: replace(GOOD, ALARM_BLOCK, ALARM_BLOCK * 2),
        [r"2 VALARMs"],
    ),
    "METHOD:REQUEST": (
        lambda: replace(GOOD, "METHOD:PUBLISH", "METHOD:REQUEST"),
        [r"METHOD:REQUEST"],
    ),
    "email in DESCRIPTION": (
        lambda: in_event(
            GOOD, "task-3@tracker.example", "DESCRIPTION:Liên hệ nguyen.van.a@sokhdt.gov.vn"
        ),
        [r"DESCRIPTION", r"email address"],
    ),
    "REFRESH-INTERVAL without VALUE=DURATION": (
        lambda: replace(GOOD, "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "REFRESH-INTERVAL:PT1H"),
        [r"REFRESH-INTERVAL", r"VALUE=DURATION"],
    ),
    "REFRESH-INTERVAL missing": (
        lambda: replace(GOOD, "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n", ""),
        [r"REFRESH-INTERVAL", r"missing"],
    ),
    "RRULE FREQ=YEARLY;BYMONTH=6,12": (
        lambda: replace(
            GOOD,
            "RRULE:FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=15",
            "RRULE:FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=15",
        ),
        [r"RRULE", r"BYMONTH"],
    ),
    "RDATE": (
        lambda: in_event(GOOD, "task-1@tracker.example", "RDATE;VALUE=DATE:20250901"),
        [r"RDATE"],
    ),
    "duplicate UID": (
        lambda: replace(GOOD, "UID:task-3@tracker.example", "UID:task-1@tracker.example"),
        [r"duplicate UID task-1@tracker.example"],
    ),
    # further rules of docs/calendar.md (§Serving the feed through §Recurrence, §Own lint)
    "X-PUBLISHED-TTL as timedelta text": (
        lambda: replace(GOOD, "X-PUBLISHED-TTL:PT1H", "X-PUBLISHED-TTL:1:00:00"),
        [r"X-PUBLISHED-TTL"],
    ),
    "X-PUBLISHED-TTL missing": (
        lambda: replace(GOOD, "X-PUBLISHED-TTL:PT1H\r\n", ""),
        [r"X-PUBLISHED-TTL", r"missing"],
    ),
    "X-WR-CALNAME missing": (
        lambda: replace(GOOD, "X-WR-CALNAME:Hạn nộp – Phòng Kế hoạch\r\n", ""),
        [r"X-WR-CALNAME"],
    ),
    "PRODID missing": (
        lambda: replace(GOOD, "PRODID:-//tracker//deadline feed//VI\r\n", ""),
        [r"PRODID"],
    ),
    "DTSTAMP missing": (
        lambda: replace(
            GOOD,
            "DTSTAMP:20250502T030405Z\r\nUID:task-3@tracker.example",
            "UID:task-3@tracker.example",
        ),
        [r"task-3", r"DTSTAMP is missing"],
    ),
    "UID missing": (
        lambda: replace(GOOD, "UID:task-3@tracker.example\r\n", ""),
        [r"UID is missing"],
    ),
    "midnight DATE-TIME all-day": (
        lambda: replace(
            replace(GOOD, "DTSTART;VALUE=DATE:20250615", "DTSTART:20250615T000000Z"),
            "DTEND;VALUE=DATE:20250616",
            "DTEND:20250616T000000Z",
        ),
        [r"midnight DATE-TIME", r"VALUE=DATE"],
    ),
    "TZID without VTIMEZONE": (
        lambda: replace(GOOD, "TZID=Asia/Ho_Chi_Minh:", "TZID=Asia/Bangkok:", count=2),
        [r"TZID=Asia/Bangkok", r"no VTIMEZONE"],
    ),
    "VALARM without TRIGGER": (
        lambda: replace(GOOD, "TRIGGER:-PT15H\r\n", ""),
        [r"VALARM", r"no TRIGGER"],
    ),
    "DISPLAY VALARM without DESCRIPTION": (
        lambda: replace(GOOD, "DESCRIPTION:Nhắc hạn nộp\r\n", ""),
        [r"VALARM", r"no DESCRIPTION"],
    ),
    "property after VALARM": (
        lambda: replace(GOOD, "END:VALARM\r\n", "END:VALARM\r\nCATEGORIES:Hạn\r\n"),
        [r"CATEGORIES", r"after"],
    ),
    "EXRULE": (
        lambda: in_event(GOOD, "task-1@tracker.example", "EXRULE:FREQ=YEARLY"),
        [r"EXRULE"],
    ),
    "EXDATE type differs from DTSTART": (
        lambda: replace(GOOD, "EXDATE;VALUE=DATE:20261215", "EXDATE:20261215T000000Z"),
        [r"EXDATE", r"DTSTART is DATE"],
    ),
    "RRULE FREQ=HOURLY": (
        lambda: replace(
            GOOD, "RRULE:FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=15", "RRULE:FREQ=HOURLY"
        ),
        [r"RRULE", r"FREQ"],
    ),
    "RRULE MONTHLY BYDAY without BYSETPOS": (
        lambda: replace(
            GOOD,
            "RRULE:FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=15",
            "RRULE:FREQ=MONTHLY;BYDAY=MO,TU",
        ),
        [r"RRULE", r"BYSETPOS"],
    ),
    "RRULE with BYWEEKNO": (
        lambda: replace(
            GOOD,
            "RRULE:FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=15",
            "RRULE:FREQ=YEARLY;BYWEEKNO=20",
        ),
        [r"RRULE", r"BYWEEKNO"],
    ),
    "ATTENDEE": (
        lambda: in_event(GOOD, "task-3@tracker.example", "ATTENDEE;CN=Nguyen Van A:urn:uuid:1"),
        [r"ATTENDEE"],
    ),
    "ORGANIZER with mailto": (
        lambda: in_event(GOOD, "task-3@tracker.example", "ORGANIZER:mailto:a@sokhdt.gov.vn"),
        [r"ORGANIZER", r"personal data"],
    ),
    "feed of 1 MB": (
        lambda: in_event(
            GOOD,
            "task-3@tracker.example",
            "DESCRIPTION:" + "\r\n ".join(["x" * 63] + ["x" * 74] * 13600),
        ),
        [r"feed size", r"1000000"],
    ),
}


@pytest.mark.parametrize("name", list(BAD_VARIANTS))
def test_bad_variant_is_reported(name):
    make, patterns = BAD_VARIANTS[name]
    data = make()
    assert data != GOOD
    assert_problem(lint(data), *patterns)


def test_a_big_feed_is_reported_only_for_its_size():
    make, _ = BAD_VARIANTS["feed of 1 MB"]
    problems = lint(make())
    assert len(problems) == 1 and problems[0].startswith("feed size"), problems


def test_a_folded_line_of_75_octets_is_fine_and_76_is_not():
    ok = replace(GOOD, SUMMARY_1, "SUMMARY:" + "x" * 67 + "\r\n")
    assert lint(ok) == []
    too_long = replace(GOOD, SUMMARY_1, "SUMMARY:" + "x" * 68 + "\r\n")
    assert_problem(lint(too_long), r"76 octets")


def test_a_fold_inside_a_utf8_character_is_reported():
    # "ạ" is 3 octets in UTF-8; fold after its first one
    broken = replace(GOOD, SUMMARY_1, "SUMMARY:H\u1ea1n\r\n").replace(
        b"SUMMARY:H\xe1", b"SUMMARY:H\xe1\r\n "
    )
    assert_problem(lint(broken), r"splits a UTF-8 character")


def test_the_email_check_ignores_uids_but_not_other_text():
    assert lint(GOOD) == []  # UIDs look like addresses on purpose
    data = replace(GOOD, "X-WR-CALNAME:Hạn nộp", "X-WR-CALNAME:ke.hoach@sokhdt.gov.vn Hạn nộp")
    assert_problem(lint(data), r"X-WR-CALNAME", r"email address")


def test_the_same_override_twice_is_a_duplicate():
    start = GOOD.index(b"BEGIN:VEVENT\r\nSUMMARY:B\xc3\xa1o c\xc3\xa1o qu\xc3\xbd (")
    end = GOOD.index(b"END:VEVENT\r\n", start) + len(b"END:VEVENT\r\n")
    data = GOOD[:end] + GOOD[start:end] + GOOD[end:]
    assert_problem(lint(data), r"duplicate UID task-2@tracker.example, RECURRENCE-ID 20250620")


@pytest.mark.parametrize(
    "name", ["two VALARMs", "METHOD:REQUEST", "email in DESCRIPTION", "RDATE", "duplicate UID"]
)
def test_libraries_accept_what_only_the_lint_rejects(name):
    data = BAD_VARIANTS[name][0]()
    cal = Calendar.from_ical(data)
    assert [c.errors for c in cal.walk() if c.errors] == []
    cp.check_with_vobject(data)
    if cp.icaljs_available():
        cp.check_with_icaljs(data)


# --------------------------------------------------------------------------- against the previous version


def edit_task3(data: bytes, *, summary: str | None = None, sequence: int | None = None,
               last_modified: str | None = None, dtstamp: str | None = None) -> bytes:
    if summary is not None:
        data = replace(data, "SUMMARY:Họp giao ban", f"SUMMARY:{summary}")
    tail = "UID:task-3@tracker.example\r\nSEQUENCE:0\r\nLAST-MODIFIED:20250502T030405Z"
    if sequence is not None or last_modified is not None:
        data = replace(
            data,
            tail,
            "UID:task-3@tracker.example\r\n"
            f"SEQUENCE:{0 if sequence is None else sequence}\r\n"
            f"LAST-MODIFIED:{last_modified or '20250502T030405Z'}",
        )
    if dtstamp is not None:
        data = replace(
            data,
            "DTSTAMP:20250502T030405Z\r\nUID:task-3",
            f"DTSTAMP:{dtstamp}\r\nUID:task-3",
        )
    return data


def test_sequence_decreased_vs_previous():
    previous = edit_task3(GOOD, sequence=3)
    assert lint(previous) == []
    assert_problem(lint(GOOD, previous=previous), r"task-3", r"SEQUENCE decreased from 3 to 0")


def test_changed_summary_without_sequence_bump():
    new = edit_task3(GOOD, summary="Họp giao ban (đổi phòng)", last_modified="20250601T000000Z")
    assert lint(new) == []
    problems = lint(new, previous=GOOD)
    assert_problem(problems, r"task-3", r"SUMMARY changed", r"SEQUENCE was not increased")


def test_changed_summary_without_last_modified_bump():
    new = edit_task3(GOOD, summary="Họp giao ban (đổi phòng)", sequence=1)
    assert_problem(lint(new, previous=GOOD), r"SUMMARY changed", r"LAST-MODIFIED did not move forward")


def test_changed_alarm_counts_as_a_change():
    new = replace(GOOD, "TRIGGER:-PT15H", "TRIGGER:-PT16H")
    assert_problem(lint(new, previous=GOOD), r"task-1", r"SEQUENCE was not increased")


def test_a_proper_update_passes():
    new = edit_task3(
        GOOD,
        summary="Họp giao ban (đổi phòng)",
        sequence=1,
        last_modified="20250601T000000Z",
        dtstamp="20250601T000000Z",
    )
    assert lint(new, previous=GOOD) == []
    cp.check_with_icalendar(new)


def test_dtstamp_must_not_move_when_nothing_changed():
    new = edit_task3(GOOD, dtstamp="20250601T000000Z")
    assert lint(new) == []
    assert_problem(lint(new, previous=GOOD), r"task-3", r"DTSTAMP", r"now\(\)")


def test_new_and_removed_events_are_not_compared():
    removed = replace(GOOD, "UID:task-3@tracker.example", "UID:task-9@tracker.example")
    assert lint(removed, previous=GOOD) == []
    assert lint(GOOD, previous=removed) == []
