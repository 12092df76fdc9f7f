"""Own lint for the published iCalendar feeds (docs/calendar.md, §Serving the feed through
§Recurrence, and §Own lint).

It checks what no parser library checks: client quirks (Outlook, Google, ICSx5),
privacy, determinism and the change rules between two versions of one feed.
It parses content lines itself (unfold, split ``name;params:value``) so it does not
depend on icalendar; only the standard library is used.

Usage::

    problems = lint(feed_bytes)                    # [] when the feed is OK
    problems = lint(new_bytes, previous=old_bytes) # plus SEQUENCE/LAST-MODIFIED rules

Every problem is one human-readable string naming the property or rule concerned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["lint", "MAX_FEED_BYTES", "MAX_LINE_OCTETS"]

MAX_FEED_BYTES = 1_000_000  # Google drops feeds around 1 MB
MAX_LINE_OCTETS = 75  # RFC 5545 §3.1, without the CRLF

ITEM_COMPONENTS = ("VEVENT", "VTODO", "VJOURNAL")
# Properties whose value is a DATE or DATE-TIME (DATE-TIME by default).
DATE_PROPERTIES = ("DTSTART", "DTEND", "DUE", "RECURRENCE-ID", "EXDATE", "RDATE")
# Properties that RFC 5545 requires in UTC.
UTC_PROPERTIES = ("DTSTAMP", "LAST-MODIFIED", "CREATED", "COMPLETED")
# Ignored when deciding whether an item changed between two feed versions.
VOLATILE_PROPERTIES = frozenset({"DTSTAMP", "LAST-MODIFIED", "SEQUENCE"})
# Values that are references to UIDs, not free text (skipped by the e-mail check).
UID_PROPERTIES = frozenset({"UID", "RELATED-TO"})

_DATE_RE = re.compile(r"^\d{8}$")
_DATETIME_RE = re.compile(r"^\d{8}T\d{6}Z?$")
_DURATION_RE = re.compile(r"^[+-]?P(?:\d+W|(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+S)?)?)$")
# Bounded repetitions keep this linear on megabyte-long values.
_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b"
)
_NAME_RE = re.compile(r"^[A-Za-z0-9-]+$")
_WEEKDAYS = frozenset({"MO", "TU", "WE", "TH", "FR", "SA", "SU"})


# --------------------------------------------------------------------------- parsing


@dataclass
class Prop:
    name: str
    params: dict[str, list[str]]
    value: str
    line: int  # physical line number (1-based) where the content line starts

    def param(self, key: str) -> str | None:
        values = self.params.get(key.upper())
        return values[0] if values else None

    def canonical(self) -> tuple:
        params = tuple(sorted((k, tuple(v)) for k, v in self.params.items()))
        return (self.name, params, self.value)


@dataclass
class Comp:
    name: str
    line: int
    props: list[Prop] = field(default_factory=list)
    children: list[Comp] = field(default_factory=list)
    # properties that came after a subcomponent (new Outlook wants all
    # properties before VALARM)
    late_props: list[Prop] = field(default_factory=list)

    def get(self, name: str) -> list[Prop]:
        return [p for p in self.props if p.name == name]

    def first(self, name: str) -> Prop | None:
        for p in self.props:
            if p.name == name:
                return p
        return None

    def walk(self, *names: str):
        if not names or self.name in names:
            yield self
        for child in self.children:
            yield from child.walk(*names)

    def label(self) -> str:
        uid = self.first("UID")
        where = f"{self.name} (line {self.line}"
        if uid is not None:
            where += f", UID {uid.value}"
        rid = self.first("RECURRENCE-ID")
        if rid is not None:
            where += f", RECURRENCE-ID {rid.value}"
        return where + ")"


def _split_physical_lines(data: bytes, problems: list[str] | None) -> list[bytes]:
    """Split into physical lines, reporting anything that is not CRLF."""
    bare_lf = [i for i in _offsets_of(data, b"\n") if not _preceded_by_cr(data, i)]
    bare_cr = [i for i in _offsets_of(data, b"\r") if data[i + 1 : i + 2] != b"\n"]
    if problems is not None:
        if bare_lf:
            first = data.count(b"\n", 0, bare_lf[0]) + 1
            problems.append(
                f"line endings: {len(bare_lf)} bare LF (must be CRLF), first at line {first}"
            )
        if bare_cr:
            first = data.count(b"\n", 0, bare_cr[0]) + 1
            problems.append(
                f"line endings: {len(bare_cr)} bare CR (must be CRLF), first near line {first}"
            )
        if data and not data.endswith(b"\r\n"):
            problems.append("line endings: the last line does not end with CRLF")
    lines = re.split(rb"\r\n|\n|\r", data)
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def _offsets_of(data: bytes, needle: bytes) -> list[int]:
    out, start = [], 0
    while True:
        i = data.find(needle, start)
        if i < 0:
            return out
        out.append(i)
        start = i + 1


def _preceded_by_cr(data: bytes, i: int) -> bool:
    return i > 0 and data[i - 1 : i] == b"\r"


def _parse_content_line(text: str) -> tuple[str, dict[str, list[str]], str] | None:
    """Split ``name;p=a,"b";q=c:value``; None when malformed."""
    i, n = 0, len(text)
    while i < n and text[i] not in ";:":
        i += 1
    if i >= n:
        return None
    name = text[:i]
    if not _NAME_RE.match(name):
        return None
    params: dict[str, list[str]] = {}
    while text[i] == ";":
        i += 1
        j = text.find("=", i)
        if j < 0:
            return None
        pname = text[i:j].upper()
        if not _NAME_RE.match(pname):
            return None
        i = j + 1
        values: list[str] = []
        while True:
            if i < n and text[i] == '"':
                j = text.find('"', i + 1)
                if j < 0:
                    return None
                values.append(text[i + 1 : j])
                i = j + 1
            else:
                j = i
                while j < n and text[j] not in ',;:"':
                    j += 1
                values.append(text[i:j])
                i = j
            if i >= n:
                return None
            if text[i] == ",":
                i += 1
                continue
            break
        if text[i] not in ";:":
            return None
        params[pname] = values
    return name.upper(), params, text[i + 1 :]


def _parse(data: bytes, problems: list[str] | None) -> list[Comp]:
    """Parse into a component tree. Structural problems go to ``problems``."""

    def report(msg: str) -> None:
        if problems is not None:
            problems.append(msg)

    physical = _split_physical_lines(data, problems)
    logical: list[tuple[int, list[bytes]]] = []
    for number, raw in enumerate(physical, start=1):
        if len(raw) > MAX_LINE_OCTETS:
            report(
                f"line {number}: {len(raw)} octets, longer than {MAX_LINE_OCTETS} "
                "(fold long lines with CRLF + space)"
            )
        if raw[:1] in (b" ", b"\t"):
            if not logical:
                report(f"line {number}: continuation line with nothing to continue")
                continue
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                report(f"line {number}: folding splits a UTF-8 character")
            logical[-1][1].append(raw[1:])
        elif raw == b"":
            report(f"line {number}: empty line")
        else:
            logical.append((number, [raw]))

    roots: list[Comp] = []
    stack: list[Comp] = []
    for number, pieces in logical:
        raw = b"".join(pieces)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            report(f"line {number}: not valid UTF-8")
            text = raw.decode("utf-8", errors="replace")
        parsed = _parse_content_line(text)
        if parsed is None:
            report(f"line {number}: malformed content line {text[:40]!r}")
            continue
        name, params, value = parsed
        if name == "BEGIN":
            comp = Comp(value.upper(), number)
            (stack[-1].children if stack else roots).append(comp)
            stack.append(comp)
        elif name == "END":
            if not stack or stack[-1].name != value.upper():
                expected = stack[-1].name if stack else "nothing"
                report(f"line {number}: END:{value} but {expected} is open")
                if stack and value.upper() in [c.name for c in stack]:
                    while stack and stack[-1].name != value.upper():
                        stack.pop()
                    stack.pop()
            else:
                stack.pop()
        elif not stack:
            report(f"line {number}: property {name} outside any component")
        else:
            prop = Prop(name, params, value, number)
            parent = stack[-1]
            parent.props.append(prop)
            if parent.children:
                parent.late_props.append(prop)
    for comp in stack:
        report(f"line {comp.line}: BEGIN:{comp.name} is never closed")
    return roots


# --------------------------------------------------------------------------- values


def _value_type(prop: Prop) -> str:
    return (prop.param("VALUE") or "DATE-TIME").upper()


def _to_datetime(value: str, tzid: str | None) -> datetime | date | None:
    """Comparable value: date for DATE; aware datetime when zone known; else naive."""
    try:
        if _DATE_RE.match(value):
            return datetime.strptime(value, "%Y%m%d").date()
        if not _DATETIME_RE.match(value):
            return None
        naive = datetime.strptime(value[:15], "%Y%m%dT%H%M%S")
    except ValueError:
        return None
    if value.endswith("Z"):
        return naive.replace(tzinfo=UTC)
    if tzid:
        try:
            return naive.replace(tzinfo=ZoneInfo(tzid))
        except (ZoneInfoNotFoundError, ValueError):
            return naive
    return naive


def _check_date_prop(comp: Comp, prop: Prop, problems: list[str]) -> None:
    """Type syntax, floating time, Z with TZID."""
    vtype = _value_type(prop)
    where = f"{comp.label()}: {prop.name} (line {prop.line})"
    for value in prop.value.split(","):
        if vtype == "DATE":
            if not _DATE_RE.match(value):
                problems.append(f"{where}: {value!r} is not a DATE although VALUE=DATE")
        elif vtype == "DATE-TIME":
            if _DATE_RE.match(value):
                problems.append(
                    f"{where}: {value!r} is a DATE but VALUE=DATE is missing"
                )
            elif not _DATETIME_RE.match(value):
                problems.append(f"{where}: {value!r} is not a DATE-TIME")
            elif value.endswith("Z") and prop.param("TZID"):
                problems.append(f"{where}: UTC value {value!r} must not carry a TZID")
            elif not value.endswith("Z") and not prop.param("TZID"):
                problems.append(
                    f"{where}: floating DATE-TIME {value!r} (no Z and no TZID); "
                    "use UTC, TZID=Asia/Ho_Chi_Minh or VALUE=DATE"
                )
        elif vtype != "PERIOD":
            problems.append(f"{where}: unexpected VALUE={vtype}")


def _date_signature(prop: Prop) -> tuple[str, str | None, bool]:
    """(value type, TZID, is UTC) used to compare DTSTART with DTEND/EXDATE."""
    vtype = _value_type(prop)
    if vtype == "DATE":
        return ("DATE", None, False)
    return (vtype, prop.param("TZID"), prop.value.endswith("Z"))


def _describe_signature(sig: tuple[str, str | None, bool]) -> str:
    vtype, tzid, utc = sig
    if vtype != "DATE-TIME":
        return vtype
    if utc:
        return "DATE-TIME (UTC)"
    if tzid:
        return f"DATE-TIME (TZID={tzid})"
    return "DATE-TIME (floating)"


# --------------------------------------------------------------------------- rules


def _check_calendar(cal: Comp, problems: list[str]) -> None:
    version = cal.first("VERSION")
    if version is None or version.value != "2.0":
        problems.append("VCALENDAR: VERSION:2.0 is missing")
    if cal.first("PRODID") is None:
        problems.append("VCALENDAR: PRODID is missing")
    method = cal.first("METHOD")
    if method is not None and method.value.upper() != "PUBLISH":
        problems.append(
            f"VCALENDAR: METHOD:{method.value} in a feed; omit METHOD or use PUBLISH "
            "(never REQUEST)"
        )
    ttl = cal.first("X-PUBLISHED-TTL")
    if ttl is None:
        problems.append("VCALENDAR: X-PUBLISHED-TTL is missing (Outlook; use PT1H)")
    elif not ttl.value.startswith("P") or not _DURATION_RE.match(ttl.value):
        problems.append(
            f"VCALENDAR: X-PUBLISHED-TTL {ttl.value!r} is not a duration like PT1H "
            "(icalendar writes a timedelta as '1:00:00': use vDuration)"
        )
    refresh = cal.first("REFRESH-INTERVAL")
    if refresh is None:
        problems.append("VCALENDAR: REFRESH-INTERVAL;VALUE=DURATION is missing")
    else:
        if (refresh.param("VALUE") or "").upper() != "DURATION":
            problems.append(
                "VCALENDAR: REFRESH-INTERVAL lacks the parameter VALUE=DURATION "
                "(RFC 7986 requires it)"
            )
        if not _DURATION_RE.match(refresh.value) or refresh.value.startswith("-"):
            problems.append(
                f"VCALENDAR: REFRESH-INTERVAL {refresh.value!r} is not a positive duration"
            )
    if cal.first("X-WR-CALNAME") is None:
        problems.append("VCALENDAR: X-WR-CALNAME is missing (Outlook folder name)")


def _check_rrule(comp: Comp, prop: Prop, dtstart: Prop | None, problems: list[str]) -> None:
    where = f"{comp.label()}: RRULE {prop.value!r}"
    parts: dict[str, str] = {}
    for part in prop.value.split(";"):
        key, sep, val = part.partition("=")
        if not sep or not key:
            problems.append(f"{where}: malformed part {part!r}")
            return
        key = key.upper()
        if key in parts:
            problems.append(f"{where}: {key} given twice")
        parts[key] = val.upper() if key != "UNTIL" else val
    freq = parts.get("FREQ")
    if freq not in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY"):
        problems.append(
            f"{where}: FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY (Outlook templates)"
        )
        return

    allowed = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST"}
    if freq == "WEEKLY":
        allowed |= {"BYDAY"}
    elif freq == "MONTHLY":
        allowed |= {"BYMONTHDAY", "BYDAY", "BYSETPOS"}
    elif freq == "YEARLY":
        allowed |= {"BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS"}
    extra = sorted(set(parts) - allowed)
    if extra:
        problems.append(
            f"{where}: {', '.join(extra)} not allowed with FREQ={freq} "
            "(not an Outlook recurrence template)"
        )

    for key in ("INTERVAL", "COUNT"):
        if key in parts and not re.fullmatch(r"[1-9]\d*", parts[key]):
            problems.append(f"{where}: {key} must be a positive integer")
    if "COUNT" in parts and "UNTIL" in parts:
        problems.append(f"{where}: COUNT and UNTIL must not both be given")

    byday = parts.get("BYDAY")
    if byday is not None:
        days = byday.split(",")
        if any(d not in _WEEKDAYS for d in days):
            problems.append(
                f"{where}: BYDAY must list plain weekdays (use BYSETPOS for the n-th)"
            )
    if freq in ("MONTHLY", "YEARLY"):
        has_monthday = "BYMONTHDAY" in parts
        has_day = "BYDAY" in parts
        has_setpos = "BYSETPOS" in parts
        if has_monthday and (has_day or has_setpos):
            problems.append(f"{where}: BYMONTHDAY cannot be combined with BYDAY/BYSETPOS")
        elif has_day != has_setpos:
            problems.append(f"{where}: BYDAY and BYSETPOS must be used together")
        if has_monthday and not re.fullmatch(r"-1|[1-9]|[12]\d|3[01]", parts["BYMONTHDAY"]):
            problems.append(f"{where}: BYMONTHDAY must be one day 1..31 or -1")
        if has_setpos and not re.fullmatch(r"-1|[1-4]", parts["BYSETPOS"]):
            problems.append(f"{where}: BYSETPOS must be one of 1, 2, 3, 4, -1")
    if freq == "YEARLY" and "BYMONTH" in parts:
        if not re.fullmatch(r"[1-9]|1[012]", parts["BYMONTH"]):
            problems.append(
                f"{where}: YEARLY takes at most one BYMONTH value (Outlook); for "
                "e.g. 15 Jun + 15 Dec use FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=15"
            )

    until = parts.get("UNTIL")
    if until is not None and dtstart is not None:
        start_type = _value_type(dtstart)
        if start_type == "DATE" and not _DATE_RE.match(until):
            problems.append(f"{where}: UNTIL must be a DATE because DTSTART is a DATE")
        if start_type == "DATE-TIME" and not (
            _DATETIME_RE.match(until) and until.endswith("Z")
        ):
            problems.append(f"{where}: UNTIL must be a UTC DATE-TIME because DTSTART is a DATE-TIME")


def _check_item(comp: Comp, tzids_defined: set[str], problems: list[str]) -> None:
    label = comp.label()
    uid = comp.get("UID")
    if not uid:
        problems.append(f"{label}: UID is missing")
    if not comp.get("DTSTAMP"):
        problems.append(f"{label}: DTSTAMP is missing")
    for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "DUE", "SEQUENCE", "LAST-MODIFIED",
                 "RECURRENCE-ID", "SUMMARY", "DESCRIPTION", "STATUS", "TRANSP", "DURATION"):
        if len(comp.get(name)) > 1:
            problems.append(f"{label}: {name} appears {len(comp.get(name))} times")

    for name in ("ORGANIZER", "ATTENDEE"):
        if comp.get(name):
            problems.append(f"{label}: {name} must not appear in a feed (personal data)")
    if comp.get("RDATE"):
        problems.append(f"{label}: RDATE is not allowed (Google/Outlook drop it); use RRULE or separate events")
    if comp.get("EXRULE"):
        problems.append(f"{label}: EXRULE is not allowed (removed in RFC 5545)")

    seq = comp.first("SEQUENCE")
    if seq is not None and not re.fullmatch(r"\d+", seq.value):
        problems.append(f"{label}: SEQUENCE {seq.value!r} is not a non-negative integer")

    for name in UTC_PROPERTIES:
        for prop in comp.get(name):
            if not (_DATETIME_RE.match(prop.value) and prop.value.endswith("Z")):
                problems.append(f"{label}: {name} {prop.value!r} must be a UTC DATE-TIME (…Z)")

    for name in DATE_PROPERTIES:
        for prop in comp.get(name):
            _check_date_prop(comp, prop, problems)

    dtstart = comp.first("DTSTART")
    if dtstart is None and comp.name == "VEVENT":
        problems.append(f"{label}: DTSTART is missing (required in a feed without METHOD)")
    if dtstart is not None and comp.name in ("VEVENT", "VTODO"):
        if _value_type(dtstart) == "DATE-TIME" and dtstart.value[9:15] == "000000":
            problems.append(
                f"{label}: DTSTART {dtstart.value!r} is a midnight DATE-TIME; all-day "
                "items must use DTSTART;VALUE=DATE (midnight shifts a day by viewer TZ)"
            )

    end_name = "DTEND" if comp.name == "VEVENT" else "DUE" if comp.name == "VTODO" else None
    end = comp.first(end_name) if end_name else None
    if dtstart is not None and end is not None:
        s_sig, e_sig = _date_signature(dtstart), _date_signature(end)
        if s_sig[0] != e_sig[0]:
            problems.append(
                f"{label}: DTSTART is {s_sig[0]} but {end_name} is {e_sig[0]}; "
                "both must be DATE or both DATE-TIME"
            )
        else:
            s_val = _to_datetime(dtstart.value, dtstart.param("TZID"))
            e_val = _to_datetime(end.value, end.param("TZID"))
            comparable = s_val is not None and e_val is not None and (
                type(s_val) is type(e_val)
                and (not isinstance(s_val, datetime)
                     or (s_val.tzinfo is None) == (e_val.tzinfo is None))
            )
            if comparable and not e_val > s_val:
                hint = " (all-day: DTEND is the exclusive next day)" if s_sig[0] == "DATE" else ""
                problems.append(
                    f"{label}: {end_name} {end.value} is not after DTSTART {dtstart.value}{hint}"
                )
    if end is not None and comp.first("DURATION") is not None:
        problems.append(f"{label}: both {end_name} and DURATION given")
    duration = comp.first("DURATION")
    if duration is not None and (
        not _DURATION_RE.match(duration.value)
        or duration.value.startswith("-")
        or not re.search(r"[1-9]", duration.value)
    ):
        problems.append(f"{label}: DURATION {duration.value!r} is not a positive duration")

    rrules = comp.get("RRULE")
    if len(rrules) > 1:
        problems.append(f"{label}: more than one RRULE")
    for rrule in rrules:
        _check_rrule(comp, rrule, dtstart, problems)

    if dtstart is not None:
        start_sig = _date_signature(dtstart)
        for name in ("EXDATE", "RECURRENCE-ID"):
            for prop in comp.get(name):
                sig = _date_signature(prop)
                if sig != start_sig:
                    problems.append(
                        f"{label}: {name} (line {prop.line}) is "
                        f"{_describe_signature(sig)} but DTSTART is "
                        f"{_describe_signature(start_sig)}; value types must match"
                    )

    alarms = [c for c in comp.children if c.name == "VALARM"]
    if len(alarms) > 1:
        problems.append(f"{label}: {len(alarms)} VALARMs; at most one (Outlook keeps one)")
    for alarm in alarms:
        action = alarm.first("ACTION")
        if action is None:
            problems.append(f"{label}: VALARM (line {alarm.line}) has no ACTION")
        if alarm.first("TRIGGER") is None:
            problems.append(f"{label}: VALARM (line {alarm.line}) has no TRIGGER")
        if action is not None and action.value.upper() == "DISPLAY" and alarm.first("DESCRIPTION") is None:
            problems.append(f"{label}: VALARM (line {alarm.line}) with ACTION:DISPLAY has no DESCRIPTION")
        trigger = alarm.first("TRIGGER")
        if trigger is not None:
            if (trigger.param("VALUE") or "DURATION").upper() == "DATE-TIME":
                if not (_DATETIME_RE.match(trigger.value) and trigger.value.endswith("Z")):
                    problems.append(f"{label}: absolute VALARM TRIGGER must be UTC")
            elif not _DURATION_RE.match(trigger.value):
                problems.append(f"{label}: VALARM TRIGGER {trigger.value!r} is not a duration")
    for prop in comp.late_props:
        problems.append(
            f"{label}: property {prop.name} (line {prop.line}) comes after a "
            "subcomponent; put VALARM after all properties (new Outlook)"
        )
    for child in comp.children:
        if child.name != "VALARM":
            problems.append(f"{label}: unexpected subcomponent {child.name}")

    for prop in comp.props:
        tzid = prop.param("TZID")
        if tzid is not None and tzid not in tzids_defined:
            problems.append(f"{label}: TZID={tzid} used by {prop.name} has no VTIMEZONE")


def _check_privacy(roots: list[Comp], problems: list[str]) -> None:
    def scan(comp: Comp) -> None:
        for prop in comp.props:
            if prop.name in ("ORGANIZER", "ATTENDEE") and comp.name not in ITEM_COMPONENTS:
                problems.append(f"{comp.name}: {prop.name} must not appear (personal data)")
            texts = [prop.value] if prop.name not in UID_PROPERTIES else []
            texts += [v for values in prop.params.values() for v in values]
            for text in texts:
                for match in _EMAIL_RE.finditer(text):
                    found = match.group(0)
                    masked = found[0] + "***" + found[found.index("@"):]
                    problems.append(
                        f"{comp.label()}: {prop.name} (line {prop.line}) contains an "
                        f"email address {masked}; feeds must not leak personal data"
                    )
        for child in comp.children:
            scan(child)

    for root in roots:
        scan(root)


def _item_key(comp: Comp) -> tuple[str, str] | None:
    uid = comp.first("UID")
    if uid is None:
        return None
    rid = comp.first("RECURRENCE-ID")
    rid_value = ""
    if rid is not None:
        parsed = _to_datetime(rid.value, rid.param("TZID"))
        if isinstance(parsed, datetime) and parsed.tzinfo is not None:
            rid_value = parsed.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        else:
            rid_value = rid.value
    return (uid.value, rid_value)


def _items(roots: list[Comp]) -> list[Comp]:
    return [c for root in roots for c in root.walk(*ITEM_COMPONENTS)]


def _fingerprint(comp: Comp) -> list[tuple]:
    out = [p.canonical() for p in comp.props if p.name not in VOLATILE_PROPERTIES]
    for child in comp.children:
        out.append(("BEGIN", child.name))
        out.extend(sorted(_fingerprint(child)))
    return sorted(out)


def _sequence(comp: Comp) -> int:
    seq = comp.first("SEQUENCE")
    try:
        return int(seq.value) if seq is not None else 0
    except ValueError:
        return 0


def _check_against_previous(new_roots: list[Comp], old_roots: list[Comp], problems: list[str]) -> None:
    old_items = {}
    for comp in _items(old_roots):
        key = _item_key(comp)
        if key is not None:
            old_items.setdefault(key, comp)
    for comp in _items(new_roots):
        key = _item_key(comp)
        if key is None or key not in old_items:
            continue
        old = old_items[key]
        label = comp.label()
        old_seq, new_seq = _sequence(old), _sequence(comp)
        if new_seq < old_seq:
            problems.append(f"{label}: SEQUENCE decreased from {old_seq} to {new_seq}")
        old_lm, new_lm = old.first("LAST-MODIFIED"), comp.first("LAST-MODIFIED")
        old_lm_v = _to_datetime(old_lm.value, None) if old_lm else None
        new_lm_v = _to_datetime(new_lm.value, None) if new_lm else None
        if isinstance(old_lm_v, datetime) and isinstance(new_lm_v, datetime) and new_lm_v < old_lm_v:
            problems.append(
                f"{label}: LAST-MODIFIED went back from {old_lm.value} to {new_lm.value}"
            )
        if _fingerprint(old) == _fingerprint(comp):
            old_stamp, new_stamp = old.first("DTSTAMP"), comp.first("DTSTAMP")
            if new_seq == old_seq and old_stamp and new_stamp and old_stamp.value != new_stamp.value:
                problems.append(
                    f"{label}: nothing changed but DTSTAMP moved from {old_stamp.value} to "
                    f"{new_stamp.value}; DTSTAMP must be the record's last revision, not "
                    "now() (the feed must be byte-deterministic)"
                )
            continue
        changed = sorted(
            {p.name for p in comp.props if p.name not in VOLATILE_PROPERTIES}
            ^ {p.name for p in old.props if p.name not in VOLATILE_PROPERTIES}
            | {
                p.name
                for p in comp.props
                if p.name not in VOLATILE_PROPERTIES
                and sorted(q.canonical() for q in comp.get(p.name))
                != sorted(q.canonical() for q in old.get(p.name))
            }
        ) or ["subcomponents"]
        what = ", ".join(changed)
        if new_seq <= old_seq:
            problems.append(
                f"{label}: {what} changed but SEQUENCE was not increased "
                f"(still {new_seq}, was {old_seq})"
            )
        if new_lm is None:
            problems.append(f"{label}: {what} changed but LAST-MODIFIED is missing")
        elif old_lm is not None and not (
            isinstance(old_lm_v, datetime) and isinstance(new_lm_v, datetime) and new_lm_v > old_lm_v
        ):
            problems.append(
                f"{label}: {what} changed but LAST-MODIFIED did not move forward "
                f"({old_lm.value} -> {new_lm.value}); ICSx5 skips the update"
            )


# --------------------------------------------------------------------------- entry point


def lint(data: bytes, previous: bytes | None = None) -> list[str]:
    """Return the problems of feed ``data`` (empty list = OK).

    With ``previous`` (an earlier version of the same feed) also check, for every
    (UID, RECURRENCE-ID) in both, that SEQUENCE never decreases and that a material
    change (any property but DTSTAMP/LAST-MODIFIED/SEQUENCE, VALARMs included)
    increased SEQUENCE and moved LAST-MODIFIED forward.
    """
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError("lint() wants the feed as bytes")
    data = bytes(data)
    problems: list[str] = []
    if len(data) >= MAX_FEED_BYTES:
        problems.append(
            f"feed size {len(data)} bytes, must stay below {MAX_FEED_BYTES} "
            "(Google's limit); publish a rolling window"
        )
    roots = _parse(data, problems)
    calendars = [c for c in roots if c.name == "VCALENDAR"]
    if len(calendars) != 1 or len(roots) != 1:
        problems.append(
            f"expected exactly one VCALENDAR at top level, found {[c.name for c in roots]}"
        )
    for cal in calendars:
        _check_calendar(cal, problems)
        tzids = {
            tz.first("TZID").value
            for tz in cal.children
            if tz.name == "VTIMEZONE" and tz.first("TZID") is not None
        }
        for prop in cal.props:
            if prop.param("TZID") is not None and prop.param("TZID") not in tzids:
                problems.append(f"VCALENDAR: TZID={prop.param('TZID')} has no VTIMEZONE")
        for child in cal.children:
            if child.name in ITEM_COMPONENTS:
                _check_item(child, tzids, problems)
            elif child.name != "VTIMEZONE":
                problems.append(f"VCALENDAR: unexpected component {child.name} (line {child.line})")
    _check_privacy(roots, problems)

    seen: dict[tuple[str, str], Comp] = {}
    for comp in _items(roots):
        key = _item_key(comp)
        if key is None:
            continue
        if key in seen:
            rid = f", RECURRENCE-ID {key[1]}" if key[1] else ""
            problems.append(
                f"duplicate UID {key[0]}{rid}: {seen[key].name} line {seen[key].line} "
                f"and {comp.name} line {comp.line}"
            )
        else:
            seen[key] = comp

    if previous is not None:
        _check_against_previous(roots, _parse(bytes(previous), None), problems)
    return problems
