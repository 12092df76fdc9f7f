"""Our real feeds, read by independent parsers and our own lint (docs/calendar.md §Validating feeds).

icalendar (round trip byte-stable), vobject with validation, recurring-ical-events
(expected dates), Mozilla's ical.js under Node (CI installs it; skipped where Node or the
module is missing), and tests/calendar_lint.py for what no library checks.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tracker.directory.store import load_index
from tracker.feeds import tokens
from tracker.jobs.feed_refresh import refresher
from tracker.models import Agency, Assignment, Plan, Task
from tracker.plans.importer import import_plan
from tracker.plans.progress import report
from tracker.reading.plan import read_plan

from .calendar_lint import lint
from .calendar_parsers import (
    check_with_icalendar,
    check_with_icaljs,
    check_with_libical,
    check_with_vobject,
    expand,
    icaljs_available,
    libical_available,
)
from .conftest import SEEDS

MARCH_2017 = datetime(2017, 3, 1, 2, 0, tzinfo=UTC)
FEEDS = [("agency", "Sở Tư pháp tỉnh Sóc Trăng"), ("officer", "Sở Tư pháp tỉnh Sóc Trăng"),
         ("plan", None), ("leadership", "Ủy ban nhân dân tỉnh Sóc Trăng")]


@pytest.fixture
def feeds(app, directory):
    app.config["TRACKER_NOW"] = MARCH_2017
    app.config["TRACKER_BASE_URL"] = "https://tracker.example.gov.vn"
    path = SEEDS / "soc-trang-2017-kiem-soat-tthc.txt"
    import_plan(directory, read_plan(path.read_bytes(), path.name), load_index(directory))
    directory.commit()
    made = {}
    for kind, name in FEEDS:
        agency = directory.scalar(select(Agency).where(Agency.name == name)) if name else None
        if kind == "officer":
            target = {"target_email": agency.officers[0].email}
        elif kind == "plan":
            target = {"target_id": directory.scalar(select(Plan.id))}
        else:
            target = {"target_id": agency.id}
        _, made[kind] = tokens.create(directory, kind, "t", **target)
    directory.commit()
    return made


def _get(app, token: str, fmt: str = "event") -> bytes:
    """The feed as it is once any rebuild a change asked for has run."""
    url = f"/feeds/{token}.ics" + ("?format=todo" if fmt == "todo" else "")
    response = app.test_client().get(url)
    if refresher(app).drain():
        response = app.test_client().get(url)
    assert response.status_code == 200
    return response.data


@pytest.mark.parametrize("fmt", ["event", "todo"])
@pytest.mark.parametrize("kind", [k for k, _ in FEEDS])
def test_every_feed_passes_every_checker(app, feeds, kind, fmt):
    body = _get(app, feeds[kind], fmt)
    assert body.count(b"BEGIN:VEVENT") + body.count(b"BEGIN:VTODO") > 0
    assert lint(body) == []
    check_with_icalendar(body)
    if fmt == "event":
        check_with_vobject(body)
    if icaljs_available():
        assert check_with_icaljs(body) > 0
    elif os.environ.get("TRACKER_REQUIRE_ICALJS"):
        pytest.fail("ical.js is required here (npm install --prefix tests/js)")
    if libical_available():
        assert check_with_libical(body) > 0          # its parser and its iTIP restrictions
    elif os.environ.get("TRACKER_REQUIRE_LIBICAL"):
        pytest.fail("libical is required here (apt-get install gir1.2-ical-3.0 python3-gi)")


def test_expanded_dates_are_the_deadlines(app, feeds, session):
    body = _get(app, feeds["agency"])
    dates = expand(body, date(2017, 1, 1), date(2018, 1, 1))
    justice = session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp tỉnh Sóc Trăng"))
    expected = set()
    for a in session.scalars(select(Assignment).where(Assignment.agency_id == justice.id)):
        if a.occurrences:
            expected |= {(f"occurrence-{o.id}@tracker.example.gov.vn", o.due) for o in a.occurrences}
        elif a.deadline.kind in ("date", "range") and a.deadline.due:
            start = a.deadline.start if a.deadline.kind == "range" else a.deadline.due
            expected.add((f"assignment-{a.id}@tracker.example.gov.vn", start))
    got = {(uid, day) for uid, day in dates if not uid.startswith("checkin-")}
    assert got == expected


def test_a_change_passes_the_lint_against_the_previous_version(app, feeds, session):
    before = _get(app, feeds["agency"])
    assignment = session.scalar(select(Assignment).join(Task).where(Task.ref == "IV.2")
                                .where(Assignment.agency.has(Agency.name == "Sở Tư pháp tỉnh Sóc Trăng")))
    app.config["TRACKER_NOW"] = MARCH_2017 + timedelta(hours=3)
    report(session, assignment, "in_progress", "test", progress=40)
    session.commit()
    after = _get(app, feeds["agency"])
    assert after != before
    assert lint(after, previous=before) == []
    # And a day later, when January's items have been overdue for longer, nothing regresses.
    app.config["TRACKER_NOW"] = MARCH_2017 + timedelta(days=120)
    later = _get(app, feeds["agency"])
    assert lint(later, previous=after) == []


def test_feed_size_stays_well_under_a_megabyte(app, feeds):
    for kind in feeds:
        assert len(_get(app, feeds[kind])) < 1_000_000
