"""The feed writer writes exactly the bytes the icalendar library would write.

The writer (tracker/feeds/ical.py) exists for speed; icalendar stays the reference. The
same feeds are built here with icalendar's components, as the writer's docstring says,
and compared byte for byte, over texts that exercise escaping and folding (Vietnamese
multi-byte letters at the 75-octet boundary, backslashes, commas, semicolons, newlines).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Alarm, Calendar, Event, Todo, vDuration, vText

from tracker.feeds.events import Feed, FeedEvent
from tracker.feeds.ical import ALARM_BEFORE, PRODID, REFRESH, to_ical

from .calendar_parsers import check_with_icalendar, check_with_vobject


def _reference_common(component, event: FeedEvent) -> None:
    component.add("uid", event.uid)
    component.add("dtstamp", event.last_modified)
    component.add("summary", event.summary)
    component.add("description", event.description)
    component.add("url", event.url)
    component.add("sequence", event.sequence)
    component.add("last-modified", event.last_modified)
    if event.categories:
        component.add("categories", event.categories)


def _reference(feed: Feed, fmt: str = "event", color: str = "darkorange") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # icalendar leaves NAME, X-WR-CALNAME and X-WR-CALDESC unescaped (and fails on a
    # newline in them); they are TEXT (RFC 7986, Apple's extensions) and the writer escapes
    # them: the reference is told their type.
    calendar.add("x-wr-caldesc", vText(feed.description))
    calendar.add("name", vText(feed.name))
    calendar.add("x-wr-calname", vText(feed.name))
    calendar.add("color", color)
    calendar.add("refresh-interval", vDuration(REFRESH))
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for event in sorted(feed.events, key=lambda e: (e.start, e.end, e.uid)):
        if fmt == "todo":
            component = Todo()
            _reference_common(component, event)
            if event.end - event.start > timedelta(days=1):
                component.add("dtstart", event.start)
            component.add("due", event.end - timedelta(days=1))
            component.add("status", "CANCELLED" if event.cancelled else
                          "COMPLETED" if event.done else "NEEDS-ACTION")
            component.add("percent-complete", event.percent)
        else:
            component = Event()
            _reference_common(component, event)
            component.add("dtstart", event.start)
            component.add("dtend", event.end)
            component.add("transp", "TRANSPARENT")
            component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
            if not (event.done or event.cancelled):
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", event.summary)
                alarm.add("trigger", -ALARM_BEFORE)
                component.add_component(alarm)
        calendar.add_component(component)
    return calendar.to_ical()


PIECES = ["Rà soát", "thủ tục", "hành chính", "Sở Tư pháp", "UBND cấp xã", "quý II/2017", ";", ",",
          "\\", "\\n", "^", "\n", "–", "“báo cáo”", "Định kỳ 6 tháng, năm", "a", "x" * 73, "ữ" * 30,
          "https://tracker.example.gov.vn/a/1?x=1;y=2,3", "🗓", "  ", "Nhiệm vụ 1.2.", "\r\n"]


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(PIECES) for _ in range(words))


def _event(rng: random.Random, n: int) -> FeedEvent:
    start = date(2026, 1, 1) + timedelta(days=rng.randrange(400))
    status = rng.choice(["open", "done", "cancelled"])
    return FeedEvent(
        uid=f"assignment-{n}@tracker.example.gov.vn", summary=_text(rng, rng.randrange(1, 20)),
        description=_text(rng, rng.randrange(0, 80)), url=f"https://tracker.example.gov.vn/a/{n}",
        start=start, end=start + timedelta(days=rng.choice([1, 1, 2, 40])), sequence=rng.randrange(5),
        last_modified=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC) + timedelta(seconds=rng.randrange(10**7)),
        cancelled=status == "cancelled", done=status == "done", percent=rng.choice([0, 50, 100]),
        categories=rng.choice([[], ["12/KH-UBND"], ["Kế hoạch", "a,b;c"]]))


@pytest.mark.parametrize("fmt", ["event", "todo"])
@pytest.mark.parametrize("seed", range(12))
def test_the_writer_writes_icalendars_bytes(fmt, seed):
    rng = random.Random(seed)
    feed = Feed(_text(rng, 6), _text(rng, 12), [_event(rng, n) for n in range(25)])
    assert to_ical(feed, fmt) == _reference(feed, fmt)


def test_every_fold_point_of_a_long_vietnamese_line():
    # One more character each time, so a fold falls before, on and inside every letter.
    for length in range(60, 160):
        text = ("Đề án nâng cao chất lượng ữ \\; " * 10)[:length]
        event = _event(random.Random(length), length)
        event.summary = event.description = text
        feed = Feed(text, text, [event])
        assert to_ical(feed) == _reference(feed), length


def test_parsers_read_what_the_writer_writes():
    rng = random.Random(99)
    body = to_ical(Feed("Hạn công việc", "Mô tả", [_event(rng, n) for n in range(40)]))
    check_with_icalendar(body)
    check_with_vobject(body)
