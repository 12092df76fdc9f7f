"""``Feed`` → iCalendar bytes, following docs/calendar.md (§Serving the feed through
§Alarms and tasks).

All-day deadlines as ``DTSTART;VALUE=DATE`` + exclusive ``DTEND``; no floating times and
so no VTIMEZONE; ``DTSTAMP`` = the item's last change (never now); at most one display
alarm, placed after the properties; ``REFRESH-INTERVAL;VALUE=DURATION`` and
``X-PUBLISHED-TTL`` both set (icalendar needs help with each: see docs/calendar.md
§Feed properties).
``?format=todo`` gives VTODOs for clients that show tasks.
"""

from __future__ import annotations

from datetime import timedelta

from icalendar import Alarm, Calendar, Event, Todo, vDuration

from .events import Feed, FeedEvent

PRODID = "-//tracker//Theo doi ke hoach//VI"
REFRESH = timedelta(hours=1)
ALARM_BEFORE = timedelta(hours=15)      # all-day: 09:00 the day before


def _common(component, event: FeedEvent) -> None:
    component.add("uid", event.uid)
    component.add("dtstamp", event.last_modified)
    component.add("summary", event.summary)
    component.add("description", event.description)
    component.add("url", event.url)
    component.add("sequence", event.sequence)
    component.add("last-modified", event.last_modified)
    if event.categories:
        component.add("categories", event.categories)


def _event(event: FeedEvent) -> Event:
    component = Event()
    _common(component, event)
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
    return component


def _todo(event: FeedEvent) -> Todo:
    component = Todo()
    _common(component, event)
    if event.end - event.start > timedelta(days=1):
        component.add("dtstart", event.start)
    component.add("due", event.end - timedelta(days=1))
    component.add("status", "CANCELLED" if event.cancelled else
                  "COMPLETED" if event.done else "NEEDS-ACTION")
    component.add("percent-complete", event.percent)
    return component


def to_ical(feed: Feed, fmt: str = "event", color: str = "darkorange") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("calscale", "GREGORIAN")
    calendar.calendar_name = feed.name            # NAME and X-WR-CALNAME
    calendar.add("x-wr-caldesc", feed.description)
    calendar.add("color", color)
    calendar.add("refresh-interval", vDuration(REFRESH))
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    calendar.add("x-published-ttl", vDuration(REFRESH))
    build = _todo if fmt == "todo" else _event
    for event in sorted(feed.events, key=lambda e: (e.start, e.end, e.uid)):
        calendar.add_component(build(event))
    return calendar.to_ical()
