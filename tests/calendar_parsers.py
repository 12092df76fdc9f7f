"""Independent parsers as test oracles for our iCalendar feeds (docs/calendar.md §Validating feeds).

- :func:`check_with_icalendar` – icalendar 7.3.0: parse, byte-stable round trip,
  no ``component.errors``, no missing VTIMEZONE, readable ``.start``/``.end``.
- :func:`check_with_vobject` – ``vobject.readOne(text, validate=True)`` + ``serialize()``.
- :func:`expand` – recurring-ical-events: ``(UID, start date)`` of occurrences.
- :func:`check_with_icaljs` – Mozilla's ical.js under Node (optional: see
  :func:`icaljs_available`; install with ``npm install --prefix tests/js`` or point
  ``TRACKER_ICALJS_DIR`` at a ``node_modules`` directory holding ``ical.js``).

Every check raises :class:`CalendarCheckError` (an ``AssertionError``) on failure.
The own rules that no library checks live in ``tests/calendar_lint.py``.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import tempfile
from datetime import date, datetime
from pathlib import Path

import icalendar

__all__ = [
    "CalendarCheckError",
    "check_with_icalendar",
    "check_with_vobject",
    "expand",
    "check_with_icaljs",
    "check_with_libical",
    "icaljs_available",
    "libical_available",
    "icaljs_modules_dir",
]

_FALLBACK_ICALJS_DIR = Path(__file__).resolve().parent / "js" / "node_modules"
_NODE_TIMEOUT_S = 60


class CalendarCheckError(AssertionError):
    """A parser rejected the feed or a check on its result failed."""


# --------------------------------------------------------------------------- icalendar


def _first_difference(expected: bytes, actual: bytes) -> str:
    diff = difflib.unified_diff(
        expected.decode("utf-8", "replace").split("\r\n"),
        actual.decode("utf-8", "replace").split("\r\n"),
        "input",
        "to_ical()",
        lineterm="",
        n=1,
    )
    return "\n".join(list(diff)[:30])


def check_with_icalendar(data: bytes) -> icalendar.Calendar:
    """Parse with icalendar and return the Calendar.

    Checks: the round trip ``to_ical()`` gives back exactly ``data``; every
    component's ``.errors`` is empty (icalendar swallows bad properties there);
    ``get_missing_tzids()`` is empty; every VEVENT's ``.start`` and ``.end`` work.
    """
    try:
        cal = icalendar.Calendar.from_ical(data)
    except Exception as exc:  # icalendar raises ValueError and friends
        raise CalendarCheckError(f"icalendar cannot parse the feed: {exc!r}") from exc
    if not isinstance(cal, icalendar.Calendar):
        raise CalendarCheckError(f"icalendar returned {type(cal).__name__}, not a Calendar")

    out = cal.to_ical()
    if out != data:
        raise CalendarCheckError(
            "icalendar round trip is not byte-stable:\n" + _first_difference(data, out)
        )

    errors = [
        f"{comp.name}: {prop}: {message}"
        for comp in cal.walk()
        for prop, message in comp.errors
    ]
    if errors:
        raise CalendarCheckError("icalendar reported errors:\n" + "\n".join(errors))

    missing = cal.get_missing_tzids()
    if missing:
        raise CalendarCheckError(f"TZIDs without VTIMEZONE: {sorted(missing)}")

    for event in cal.walk("VEVENT"):
        try:
            event.start  # noqa: B018 - reading is the check
            event.end  # noqa: B018
        except Exception as exc:
            raise CalendarCheckError(
                f"VEVENT {event.get('UID')}: start/end unreadable: {exc!r}"
            ) from exc
    return cal


# --------------------------------------------------------------------------- vobject


def check_with_vobject(data: bytes):
    """``vobject.readOne(text, validate=True)`` then ``serialize()``; returns the component."""
    import vobject  # test-only dependency

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CalendarCheckError(f"feed is not UTF-8: {exc}") from exc
    try:
        component = vobject.readOne(text, validate=True)
        component.serialize()
    except Exception as exc:  # vobject raises ParseError, ValidateError, ...
        raise CalendarCheckError(f"vobject rejected the feed: {exc!r}") from exc
    return component


# --------------------------------------------------------------------------- recurring-ical-events


def expand(
    data: bytes,
    start: date,
    end: date,
    *,
    components: tuple[str, ...] = ("VEVENT",),
) -> list[tuple[str, date]]:
    """Occurrences between ``start`` (inclusive) and ``end`` (exclusive).

    Returns sorted ``(UID, start date)`` pairs; a timed occurrence gives the date
    in its own time zone.
    """
    import recurring_ical_events  # test-only dependency

    cal = icalendar.Calendar.from_ical(data)
    try:
        occurrences = recurring_ical_events.of(cal, components=list(components)).between(
            start, end
        )
    except Exception as exc:
        raise CalendarCheckError(f"recurring-ical-events failed: {exc!r}") from exc
    out = []
    for occ in occurrences:
        begin = occ.start if occ.name == "VEVENT" else occ.get("DTSTART", occ.get("DUE")).dt
        if isinstance(begin, datetime):
            begin = begin.date()
        out.append((str(occ["UID"]), begin))
    return sorted(out)


# --------------------------------------------------------------------------- libical

# Debian's libical through GObject introspection (gir1.2-ical-3.0, python3-gi): the parser
# GNOME and Evolution use, and its iTIP restriction check (RFC 5546: what a METHOD requires).
# It runs in the system's Python, which has the bindings; CI installs them.
SYSTEM_PYTHON = os.environ.get("TRACKER_LIBICAL_PYTHON", "/usr/bin/python3")

_LIBICAL_SCRIPT = r"""
import sys, gi
gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib
comp = ICalGLib.Component.new_from_string(sys.stdin.read())
if comp is None:
    print("libical: not an iCalendar object"); sys.exit(1)
def errors(c, out):
    p = c.get_first_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    while p is not None:
        out.append(p.as_ical_string().strip()); p = c.get_next_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    s = c.get_first_component(ICalGLib.ComponentKind.ANY_COMPONENT)
    while s is not None:
        errors(s, out); s = c.get_next_component(ICalGLib.ComponentKind.ANY_COMPONENT)
    return out
found = errors(comp, [])
if found:
    print("libical parse errors: " + " | ".join(found)); sys.exit(1)
if not ICalGLib.restriction_check(comp):
    print("libical iTIP restrictions: " + " | ".join(errors(comp, []))); sys.exit(1)
print(comp.count_components(ICalGLib.ComponentKind.VEVENT_COMPONENT)
      + comp.count_components(ICalGLib.ComponentKind.VTODO_COMPONENT))
"""


def libical_available() -> bool:
    """True when the system Python has libical's GObject bindings."""
    if not Path(SYSTEM_PYTHON).is_file():
        return False
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import gi; gi.require_version('ICalGLib', '3.0')"],
                           capture_output=True, check=False, timeout=_NODE_TIMEOUT_S)
    return probe.returncode == 0


def check_with_libical(data: bytes) -> int:
    """Parse with libical and run its iTIP restriction check; the number of VEVENT + VTODO.
    Raises CalendarCheckError on a parse error or a failed restriction."""
    proc = subprocess.run([SYSTEM_PYTHON, "-c", _LIBICAL_SCRIPT], input=data, capture_output=True,
                          timeout=_NODE_TIMEOUT_S, check=False)
    if proc.returncode != 0:
        raise CalendarCheckError((proc.stdout + proc.stderr).decode("utf-8", "replace").strip())
    return int(proc.stdout.decode().strip())


# --------------------------------------------------------------------------- ical.js


def icaljs_modules_dir() -> Path:
    """The node_modules directory searched for ical.js."""
    configured = os.environ.get("TRACKER_ICALJS_DIR")
    if configured:
        path = Path(configured)
        # Accept a node_modules dir, or a project dir that contains node_modules.
        if not (path / "ical.js").is_dir() and (path / "node_modules" / "ical.js").is_dir():
            path = path / "node_modules"
        return path
    return _FALLBACK_ICALJS_DIR


def icaljs_available() -> bool:
    """True when ``node`` is on PATH and the ical.js package is installed."""
    return (
        shutil.which("node") is not None
        and (icaljs_modules_dir() / "ical.js" / "package.json").is_file()
    )


_ICALJS_SCRIPT = r"""
'use strict';
const path = require('path');
const { createRequire } = require('module');
const fs = require('fs');
// Resolve ical.js as if from a file inside the node_modules directory; the package's
// "exports" maps require() to its CommonJS build.
const ICAL = createRequire(path.join(process.argv[2], '_tracker_resolve.js'))('ical.js');
const text = fs.readFileSync(0, 'utf8');
let count = 0;
try {
  const root = new ICAL.Component(ICAL.parse(text));
  if (root.name !== 'vcalendar') throw new Error('top-level component is ' + root.name);
  for (const vevent of root.getAllSubcomponents('vevent')) {
    const event = new ICAL.Event(vevent);
    if (!event.startDate) throw new Error('VEVENT ' + event.uid + ' has no start');
    event.endDate;  // computed from DTEND/DURATION; throws when broken
    if (event.isRecurring()) event.iterator().next();
    count += 1;
  }
  count += root.getAllSubcomponents('vtodo').length;
} catch (err) {
  process.stderr.write('ical.js: ' + (err && err.stack ? err.stack : String(err)) + '\n');
  process.exit(2);
}
process.stdout.write(String(count) + '\n');
"""


def check_with_icaljs(data: bytes) -> int:
    """Parse with ical.js under Node; return the number of VEVENT + VTODO.

    Raises CalendarCheckError on a parse error, RuntimeError when node or ical.js
    is missing (use :func:`icaljs_available` to skip).
    """
    node = shutil.which("node")
    modules = icaljs_modules_dir()
    if node is None or not (modules / "ical.js" / "package.json").is_file():
        raise RuntimeError(
            f"ical.js unavailable (node={node}, looked in {modules}); "
            "run `npm install --prefix tests/js` or set TRACKER_ICALJS_DIR"
        )
    with tempfile.TemporaryDirectory(prefix="tracker-icaljs-") as tmp:
        script = Path(tmp) / "parse.cjs"
        script.write_text(_ICALJS_SCRIPT, encoding="utf-8")
        proc = subprocess.run(
            [node, str(script), str(modules.resolve())],
            input=data,
            capture_output=True,
            timeout=_NODE_TIMEOUT_S,
            check=False,
        )
    if proc.returncode != 0:
        raise CalendarCheckError(
            f"ical.js rejected the feed (exit {proc.returncode}):\n"
            + proc.stderr.decode("utf-8", "replace").strip()
        )
    try:
        return int(proc.stdout.decode().strip())
    except ValueError as exc:
        raise CalendarCheckError(f"unexpected ical.js output {proc.stdout!r}") from exc
