"""``Feed`` → iCalendar bytes, following docs/calendar.md (§Serving the feed through
§Alarms and tasks).

All-day deadlines as ``DTSTART;VALUE=DATE`` + exclusive ``DTEND``; no floating times and
so no VTIMEZONE; ``DTSTAMP`` = the item's last change (never now); at most one display
alarm, placed after the properties; ``REFRESH-INTERVAL;VALUE=DURATION`` and
``X-PUBLISHED-TTL`` both set. ``?format=todo`` gives VTODOs for clients that show tasks.

Why not the icalendar library here: building a Component per event costs about 0.8 ms,
so an officer's 2,000 deadlines took 1.6 s to write, and a feed must be rebuilt within
its budget of 50 µs per event (docs/calendar.md §Serving at scale). The handful of
property types a feed uses are written directly, in exactly the bytes icalendar writes
(its property order, TEXT escaping and 75-octet folding): the tests build the same feeds
with icalendar and compare byte for byte, and every calendar parser still reads them.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from .events import Feed, FeedEvent

PRODID = "-//tracker//Theo doi ke hoach//VI"
REFRESH = timedelta(hours=1)
ALARM_BEFORE = timedelta(hours=15)      # all-day: 09:00 the day before
_FOLD_AT = 74                           # octets of content per physical line, as icalendar folds


_SPECIAL = re.compile(r"[\\;,\r\n]")


def _text(value: str) -> str:
    """RFC 5545 TEXT escaping, in icalendar's order (line endings become a literal \\n)."""
    if _SPECIAL.search(value) is None:
        return value
    return (value.replace(r"\N", "\n").replace("\\", "\\\\").replace(";", r"\;").replace(",", r"\,")
            .replace("\r\n", r"\n").replace("\n", r"\n").replace("\r", r"\n"))


def _fold(data: bytes) -> bytes:
    """A content line folded every 74 octets between characters (never inside a UTF-8
    sequence, and never right after a backslash or caret, which would split an escape)."""
    if len(data) <= _FOLD_AT:
        return data
    parts, start = [], 0
    while len(data) - start > _FOLD_AT:
        cut = start + _FOLD_AT
        while data[cut] & 0xC0 == 0x80:           # a continuation byte: back to the character
            cut -= 1
        if cut - start > 1 and data[cut - 1] in b"\\^":
            cut -= 1
        parts.append(data[start:cut])
        start = cut
    parts.append(data[start:])
    return b"\r\n ".join(parts)


def _content(lines: list[str]) -> bytes:
    """Lines (no CR or LF inside: TEXT is escaped) as folded content lines. Encoded in one
    go and folded only where long: a feed has some 40,000 lines, most of them short."""
    encoded = "\r\n".join(lines).encode("utf-8").split(b"\r\n")
    return b"\r\n".join([line if len(line) <= _FOLD_AT else _fold(line) for line in encoded]) + b"\r\n"


def _date(day: date) -> str:
    return day.strftime("%Y%m%d")


def _utc(moment: datetime) -> str:
    moment = moment.astimezone(UTC) if moment.tzinfo else moment
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _duration(delta: timedelta) -> str:
    sign = "-" if delta < timedelta(0) else ""
    seconds = abs(int(delta.total_seconds()))
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    out = f"{sign}P{days}D" if days else f"{sign}P"
    if hours or minutes or seconds:
        out += "T" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + \
            (f"{seconds}S" if seconds else "")
    return out


_ALARM_TRIGGER = _duration(-ALARM_BEFORE)


def _event_lines(event: FeedEvent) -> list[str]:
    # icalendar's order for VEVENT: its canonical properties first, then the rest by name.
    stamp, summary = _utc(event.last_modified), _text(event.summary)
    lines = ["BEGIN:VEVENT", f"SUMMARY:{summary}", f"DTSTART;VALUE=DATE:{_date(event.start)}",
             f"DTEND;VALUE=DATE:{_date(event.end)}", f"DTSTAMP:{stamp}", f"UID:{_text(event.uid)}",
             f"SEQUENCE:{event.sequence}"]
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(_text(c) for c in event.categories))
    lines += [f"DESCRIPTION:{_text(event.description)}", f"LAST-MODIFIED:{stamp}",
              f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}", "TRANSP:TRANSPARENT",
              f"URL:{event.url}"]
    if not (event.done or event.cancelled):
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{summary}",
                  f"TRIGGER:{_ALARM_TRIGGER}", "END:VALARM"]
    lines.append("END:VEVENT")
    return lines


def _todo_lines(event: FeedEvent) -> list[str]:
    # VTODO has no canonical order in icalendar: every property by name.
    stamp = _utc(event.last_modified)
    lines = ["BEGIN:VTODO"]
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(_text(c) for c in event.categories))
    lines += [f"DESCRIPTION:{_text(event.description)}", f"DTSTAMP:{stamp}"]
    if event.end - event.start > timedelta(days=1):
        lines.append(f"DTSTART;VALUE=DATE:{_date(event.start)}")
    status = "CANCELLED" if event.cancelled else "COMPLETED" if event.done else "NEEDS-ACTION"
    lines += [f"DUE;VALUE=DATE:{_date(event.end - timedelta(days=1))}",
              f"LAST-MODIFIED:{stamp}", f"PERCENT-COMPLETE:{event.percent}", f"SEQUENCE:{event.sequence}",
              f"STATUS:{status}", f"SUMMARY:{_text(event.summary)}", f"UID:{_text(event.uid)}",
              f"URL:{event.url}", "END:VTODO"]
    return lines


def _header(feed: Feed, color: str) -> list[str]:
    refresh = _duration(REFRESH)
    name = _text(feed.name)
    # No METHOD: a subscription is not an iTIP message, and a PUBLISH would have to name an
    # ORGANIZER, which a feed must not (libical's iTIP check refuses one without).
    return ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{_text(PRODID)}", "CALSCALE:GREGORIAN",
            f"X-WR-CALDESC:{_text(feed.description)}", f"NAME:{name}",
            f"X-WR-CALNAME:{name}", f"COLOR:{_text(color)}", f"REFRESH-INTERVAL;VALUE=DURATION:{refresh}",
            f"X-PUBLISHED-TTL:{refresh}"]


def snapshot(events: list[FeedEvent], stamp: datetime, prodid: str = PRODID, organizer: str | None = None) -> bytes:
    """The events as an e-mail attachment (METHOD:PUBLISH): a snapshot taken when the message
    was written, so no calendar name, refresh or colour (it is not a subscription), no
    alarm and SEQUENCE 0 (the feed, under the same UIDs, carries the live versions), and
    ``stamp`` as every event's DTSTAMP (the same message gives the same bytes). RFC 5546
    asks a PUBLISH to name its ORGANIZER: the sending address (no ATTENDEE, so nothing
    invites a reply)."""
    dtstamp = _utc(stamp)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{_text(prodid)}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    for event in events:
        lines += ["BEGIN:VEVENT", f"SUMMARY:{_text(event.summary)}", f"DTSTART;VALUE=DATE:{_date(event.start)}",
                  f"DTEND;VALUE=DATE:{_date(event.end)}", f"DTSTAMP:{dtstamp}", f"UID:{_text(event.uid)}",
                  "SEQUENCE:0", f"DESCRIPTION:{_text(event.description)}"]
        if organizer:
            lines.append(f"ORGANIZER:mailto:{organizer}")
        lines.append("TRANSP:TRANSPARENT")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return _content(lines)


def to_ical(feed: Feed, fmt: str = "event", color: str = "darkorange") -> bytes:
    lines = _header(feed, color)
    component = _todo_lines if fmt == "todo" else _event_lines
    for event in sorted(feed.events, key=lambda e: (e.start, e.end, e.uid)):
        lines += component(event)
    lines.append("END:VCALENDAR")
    return _content(lines)
