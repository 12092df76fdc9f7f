"""Calendar feeds over HTTP, as calendar clients use them (with the clock frozen)."""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tracker.directory.store import load_index
from tracker.extensions import db
from tracker.feeds import tokens
from tracker.jobs.feed_refresh import refresher
from tracker.models import Agency, Assignment, Plan, Task
from tracker.plans.importer import import_plan
from tracker.plans.progress import report
from tracker.reading.plan import read_plan

from .conftest import SEEDS

SOC_TRANG = SEEDS / "soc-trang-2017-kiem-soat-tthc.txt"
CAM_XUYEN = SEEDS / "cam-xuyen-2020-kiem-soat-tthc-mot-cua.txt"
# 1 March 2017, 09:00 in Vietnam: IV.1 (January) is overdue, IV.2 (Q2) is ahead.
MARCH_2017 = datetime(2017, 3, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def plans(app, directory):
    app.config["TRACKER_NOW"] = MARCH_2017
    app.config["TRACKER_BASE_URL"] = "https://tracker.example.gov.vn"
    for path in (SOC_TRANG, CAM_XUYEN):
        import_plan(directory, read_plan(path.read_bytes(), path.name), load_index(directory))
    directory.commit()
    return directory


def _agency(session, name: str) -> Agency:
    return session.scalar(select(Agency).where(Agency.name == name))


def _token(session, kind: str, **target) -> str:
    _, token = tokens.create(session, kind, "test", **target)
    session.commit()
    return token


def _events(body: bytes) -> dict[str, dict]:
    calendar = Calendar.from_ical(body)
    return {str(c["UID"]): c for c in calendar.walk("VEVENT")}


def _refreshed(app, client, url: str, **headers):
    """Poll a feed a change has made stale: the stored version is served at once and a
    rebuild is asked for; once it has run, the next poll gets the new version."""
    stale = client.get(url, headers=headers)
    assert stale.status_code in (200, 304)
    assert refresher(app).pending, "a stale feed asks for its rebuild"
    assert refresher(app).drain() == 1
    return client.get(url, headers=headers)


@pytest.fixture
def justice_feed(plans):
    return _token(plans, "agency", target_id=_agency(plans, "Sở Tư pháp tỉnh Sóc Trăng").id)


def test_agency_feed_shows_its_deadlines_as_all_day_events(app, justice_feed):
    response = app.test_client().get(f"/feeds/{justice_feed}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    events = _events(response.data)
    summaries = [str(e["SUMMARY"]) for e in events.values()]
    # January's review is overdue; the Q3 report is ahead; all are Sở Tư pháp's.
    assert any(s.startswith("[Quá hạn] Hạn: Nghiên cứu, lựa chọn") for s in summaries)
    assert any("Triển khai thực hiện Kế hoạch rà soát" in s and "[Quá hạn]" not in s for s in summaries)
    assert all("Sở Tư pháp tỉnh Sóc Trăng" in s for s in summaries)
    for event in events.values():
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is date and type(end) is date and end > start
    body = response.data.decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body and "X-PUBLISHED-TTL:PT1H" in body
    assert "X-WR-CALNAME:Hạn công việc – Sở Tư pháp tỉnh Sóc Trăng" in body
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", body.replace("@tracker.example.gov.vn", ""))


def test_recurring_deadlines_are_one_event_per_occurrence(app, justice_feed):
    events = _events(app.test_client().get(f"/feeds/{justice_feed}.ics").data)
    reports = sorted(e.decoded("DTSTART") for uid, e in events.items() if uid.startswith("occurrence-"))
    # IX.1 and IX.2: "Định kỳ 6 tháng, năm" → June and December reports, each its own event.
    assert date(2017, 6, 20) in reports and date(2017, 12, 20) in reports


def test_continuous_tasks_appear_as_their_check_ins(app, justice_feed):
    events = _events(app.test_client().get(f"/feeds/{justice_feed}.ics").data)
    checkins = [uid for uid in events if uid.startswith("checkin-")]
    assert checkins and all(re.match(r"checkin-\d+-2017\d{4}@tracker.example.gov.vn", u) for u in checkins)


def test_the_same_data_gives_the_same_bytes_and_a_304(app, justice_feed):
    client = app.test_client()
    first = client.get(f"/feeds/{justice_feed}.ics")
    second = client.get(f"/feeds/{justice_feed}.ics", headers={"Accept": "text/html"})
    assert first.data == second.data
    assert second.headers["Content-Type"] == "text/calendar; charset=utf-8"
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert client.get(f"/feeds/{justice_feed}.ics", headers={"If-None-Match": etag}).status_code == 304
    assert client.get(f"/feeds/{justice_feed}.ics",
                      headers={"If-Modified-Since": modified}).status_code == 304
    # If-None-Match decides when both are sent.
    assert client.get(f"/feeds/{justice_feed}.ics", headers={
        "If-None-Match": '"other"', "If-Modified-Since": modified}).status_code == 200


def test_a_status_change_moves_sequence_last_modified_and_etag(app, plans, justice_feed):
    client = app.test_client()
    before = client.get(f"/feeds/{justice_feed}.ics")
    assignment = plans.scalar(select(Assignment).join(Task).where(
        Task.ref == "IV.2", Assignment.agency_id == _agency(plans, "Sở Tư pháp tỉnh Sóc Trăng").id))
    uid = f"assignment-{assignment.id}@tracker.example.gov.vn"
    app.config["TRACKER_NOW"] = MARCH_2017 + timedelta(hours=2)
    report(plans, assignment, "done", "test", comment="xong")
    plans.commit()
    # Until the rebuild has run, the client keeps what it has: no request waits for a build.
    stale = client.get(f"/feeds/{justice_feed}.ics", headers={"If-None-Match": before.headers["ETag"]})
    assert stale.status_code == 304
    after = _refreshed(app, client, f"/feeds/{justice_feed}.ics", **{"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    old, new = _events(before.data)[uid], _events(after.data)[uid]
    assert int(new["SEQUENCE"]) > int(old["SEQUENCE"])
    assert new.decoded("LAST-MODIFIED") > old.decoded("LAST-MODIFIED")
    assert str(new["SUMMARY"]).startswith("[Đã hoàn thành]")


def test_a_changed_due_date_moves_sequence(app, plans, justice_feed, tmp_path):
    client = app.test_client()
    before = _events(client.get(f"/feeds/{justice_feed}.ics").data)
    app.config["TRACKER_NOW"] = MARCH_2017 + timedelta(days=1)
    amended = SOC_TRANG.read_text("utf-8").replace("Trong quý III/2017.", "Trong tháng 10/2017.")
    import_plan(plans, read_plan(amended.encode(), "amended.txt"), load_index(plans))
    plans.commit()
    after = _events(_refreshed(app, client, f"/feeds/{justice_feed}.ics").data)
    moved = [uid for uid in after if uid in before
             and after[uid].decoded("DTSTART") != before[uid].decoded("DTSTART")]
    assert moved
    for uid in moved:
        assert after[uid].decoded("DTSTART") == date(2017, 10, 31)
        assert int(after[uid]["SEQUENCE"]) > int(before[uid]["SEQUENCE"])
        assert after[uid].decoded("LAST-MODIFIED") > before[uid].decoded("LAST-MODIFIED")


def test_turning_overdue_moves_sequence_without_an_edit(app, justice_feed):
    client = app.test_client()
    app.config["TRACKER_NOW"] = datetime(2017, 6, 29, 2, 0, tzinfo=UTC)
    before = _events(client.get(f"/feeds/{justice_feed}.ics").data)
    app.config["TRACKER_NOW"] = datetime(2017, 7, 1, 2, 0, tzinfo=UTC)
    after = _events(_refreshed(app, client, f"/feeds/{justice_feed}.ics").data)
    turned = [u for u in after if u in before and str(after[u]["SUMMARY"]).startswith("[Quá hạn]")
              and not str(before[u]["SUMMARY"]).startswith("[Quá hạn]")]
    assert turned
    for uid in turned:
        assert int(after[uid]["SEQUENCE"]) == int(before[uid]["SEQUENCE"]) + 1
        assert after[uid].decoded("LAST-MODIFIED") > before[uid].decoded("LAST-MODIFIED")


def test_unknown_tokens_answer_404_and_revoked_or_rotated_ones_410(app, plans, justice_feed):
    client = app.test_client()
    assert client.get("/feeds/not-a-real-token-at-all.ics").status_code == 404
    assert client.get("/feeds/not-a-real-token-at-all/").status_code == 404
    row = tokens.find(plans, justice_feed)
    new_row, new_token = tokens.rotate(plans, row)
    plans.commit()
    assert client.get(f"/feeds/{justice_feed}.ics").status_code == 410       # gone: stop polling
    assert client.get(f"/feeds/{justice_feed}/").status_code == 410
    assert client.get(f"/feeds/{new_token}.ics").status_code == 200
    assert new_row.replaces_id == row.id
    tokens.revoke(new_row)
    plans.commit()
    assert client.get(f"/feeds/{new_token}.ics").status_code == 410


def test_only_the_hash_is_stored_and_a_token_opens_one_feed(app, plans, justice_feed):
    from tracker.models import FeedToken
    rows = plans.scalars(select(FeedToken)).all()
    assert all(justice_feed not in (r.token_hash, r.label) for r in rows)
    plan = plans.scalar(select(Plan).where(Plan.year == 2017))
    plan_token = _token(plans, "plan", target_id=plan.id)
    client = app.test_client()
    plan_events = _events(client.get(f"/feeds/{plan_token}.ics").data)
    agency_events = _events(client.get(f"/feeds/{justice_feed}.ics").data)
    assert plan_events and not set(plan_events) & set(agency_events)
    assert all(uid.startswith(f"plan-{plan.id}-") for uid in plan_events)
    # The plan feed counts how many of a collective owner's members are done.
    assert any(re.search(r"\(\d+/\d+ hoàn thành\)", str(e["SUMMARY"])) for e in plan_events.values())


def test_officer_feed_covers_the_officers_agencies(app, plans):
    agency = _agency(plans, "Sở Tư pháp tỉnh Sóc Trăng")
    email = agency.officers[0].email
    token = _token(plans, "officer", target_email=email)
    events = _events(app.test_client().get(f"/feeds/{token}.ics").data)
    assert events and all("Sở Tư pháp tỉnh Sóc Trăng" in str(e["SUMMARY"]) for e in events.values())


def test_leadership_feed_shows_overdue_items_and_cut_offs(app, plans):
    committee = _agency(plans, "Ủy ban nhân dân tỉnh Sóc Trăng")
    token = _token(plans, "leadership", target_id=committee.id)
    events = _events(app.test_client().get(f"/feeds/{token}.ics").data)
    overdue = [e for e in events.values() if str(e["SUMMARY"]).startswith("[Quá hạn]")]
    cutoffs = [e for u, e in events.items() if u.startswith("cutoff-")]
    assert overdue and cutoffs
    assert date(2017, 6, 14) in [e.decoded("DTSTART") for e in cutoffs]


def test_todo_format(app, justice_feed):
    body = app.test_client().get(f"/feeds/{justice_feed}.ics?format=todo").data
    calendar = Calendar.from_ical(body)
    todos = list(calendar.walk("VTODO"))
    assert todos and not list(calendar.walk("VEVENT"))
    assert all(type(t.decoded("DUE")) is date for t in todos)
    assert app.test_client().get(f"/feeds/{justice_feed}.ics?format=xml").status_code == 404


def test_subscribe_page(app, justice_feed):
    page = app.test_client().get(f"/feeds/{justice_feed}/")
    assert page.status_code == 200
    assert f"webcal://tracker.example.gov.vn/feeds/{justice_feed}.ics" in page.text
    assert "calendar.google.com/calendar/render?cid=webcal%3A%2F%2F" in page.text
    assert "<svg" in page.text and "iPhone" in page.text and "Outlook" in page.text


def test_tokens_never_reach_the_logs(app, justice_feed, caplog):
    from tracker.logs import RedactTokens
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1,
                               '127.0.0.1 - - "GET /feeds/%s.ics HTTP/1.1" 200 -', (justice_feed,), None)
    RedactTokens().filter(record)
    assert justice_feed not in record.getMessage() and "/feeds/[token].ics" in record.getMessage()
    assert any(isinstance(f, RedactTokens) for f in logging.getLogger("werkzeug").filters)


def test_last_use_is_recorded_at_most_once_a_minute(app, plans, justice_feed):
    client = app.test_client()
    client.get(f"/feeds/{justice_feed}.ics")
    row = tokens.find(plans, justice_feed)
    first = row.last_used_at
    app.config["TRACKER_NOW"] = MARCH_2017 + timedelta(seconds=20)
    client.get(f"/feeds/{justice_feed}.ics")
    db.session.refresh(row)
    assert row.last_used_at == first
    app.config["TRACKER_NOW"] = MARCH_2017 + timedelta(minutes=5)
    client.get(f"/feeds/{justice_feed}.ics")
    db.session.refresh(row)
    assert row.last_used_at != first


def test_feeds_create_command(runner, plans):
    result = runner.invoke(args=["feeds", "create", "--agency", "Sở Tư pháp tỉnh Sóc Trăng",
                                 "--name", "Điện thoại"])
    assert result.exit_code == 0, result.output
    https = re.search(r"https:\s+(\S+)", result.output).group(1)
    webcal = re.search(r"webcal:\s+(\S+)", result.output).group(1)
    assert https.startswith("https://tracker.example.gov.vn/feeds/") and webcal.startswith("webcal://")
    listed = runner.invoke(args=["feeds", "list"])
    assert "Điện thoại" in listed.output and https.split("/")[-1][:-4] not in listed.output
    assert runner.invoke(args=["feeds", "create", "--officer", "nobody@nowhere.example"]).exit_code == 2
    assert runner.invoke(args=["feeds", "create"]).exit_code == 2
    plan = runner.invoke(args=["feeds", "create", "--plan", "181/KH-UBND"])
    assert plan.exit_code == 0, plan.output
    leaders = runner.invoke(args=["feeds", "create", "--leadership", "UBND tỉnh Sóc Trăng"])
    assert leaders.exit_code == 0, leaders.output


def test_an_unchanged_feed_is_built_once(app, justice_feed, monkeypatch):
    import tracker.feeds.store as store
    builds = []
    real = store.to_ical
    monkeypatch.setattr(store, "to_ical", lambda *a, **k: builds.append(1) or real(*a, **k))
    client = app.test_client()
    first = client.get(f"/feeds/{justice_feed}.ics")
    second = client.get(f"/feeds/{justice_feed}.ics")
    assert first.data == second.data and len(builds) == 1
    app.config["TRACKER_NOW"] = MARCH_2017 + timedelta(days=1)   # a new day: rebuilt once
    _refreshed(app, client, f"/feeds/{justice_feed}.ics")
    client.get(f"/feeds/{justice_feed}.ics")
    assert len(builds) == 2 and not refresher(app).pending


def test_changed_checkin_periods_reach_a_stored_feed(app, justice_feed):
    client = app.test_client()
    quarterly = client.get(f"/feeds/{justice_feed}.ics")
    quarterly_checkins = [u for u in _events(quarterly.data) if u.startswith("checkin-")]
    app.config["TRACKER_CHECKIN_PERIODS"] = ("monthly",)
    monthly = _refreshed(app, client, f"/feeds/{justice_feed}.ics", **{"If-None-Match": quarterly.headers["ETag"]})
    assert monthly.status_code == 200 and monthly.headers["ETag"] != quarterly.headers["ETag"]
    assert len([u for u in _events(monthly.data) if u.startswith("checkin-")]) > len(quarterly_checkins)


def test_cancelling_a_recurring_assignment_cancels_its_periods_in_the_feed(app, plans, justice_feed):
    """The author cancels a recurring assignment as a whole: each of its reporting periods shows
    cancelled (and leaves reminders and statistics, plans.tracked), not live."""
    justice = _agency(plans, "Sở Tư pháp tỉnh Sóc Trăng")
    recurring = next(a for a in plans.scalars(select(Assignment).where(Assignment.agency_id == justice.id))
                     if len(a.occurrences) >= 2)
    client = app.test_client()
    url = f"/feeds/{justice_feed}.ics"
    before = _events(client.get(url).data)
    uids = [f"occurrence-{o.id}@tracker.example.gov.vn" for o in recurring.occurrences]
    assert all(str(before[uid]["STATUS"]) == "CONFIRMED" for uid in uids)
    report(plans, recurring, "cancelled", "soanthao@soctrang.example")
    plans.commit()
    after = _events(_refreshed(app, client, url).data)
    for uid in uids:
        assert str(after[uid]["STATUS"]) == "CANCELLED"
        assert int(after[uid]["SEQUENCE"]) > int(before[uid]["SEQUENCE"])


def test_the_to_do_feed_is_named_apart_from_the_event_feed(app, justice_feed):
    client = app.test_client()
    events = Calendar.from_ical(client.get(f"/feeds/{justice_feed}.ics").data)
    todos = Calendar.from_ical(client.get(f"/feeds/{justice_feed}.ics?format=todo").data)
    assert str(events["X-WR-CALNAME"]) == "Hạn công việc – Sở Tư pháp tỉnh Sóc Trăng"
    assert str(todos["X-WR-CALNAME"]) == "Hạn công việc – Sở Tư pháp tỉnh Sóc Trăng (việc cần làm)"
    assert "METHOD" not in events and "METHOD" not in todos


@pytest.mark.parametrize("text, limit, expected", [
    ("Kế hoạch kiểm soát thủ tục hành chính năm 2027 trên địa bàn tỉnh", 40,
     "Kế hoạch kiểm soát thủ tục hành chính…"),
    ("Rà soát, đánh giá thủ tục", 12, "Rà soát…"),
    ("ngắn", 40, "ngắn"),
    ("Mộttừrấtdàikhôngcókhoảngtrắng", 10, "Mộttừrấtd…"),
])
def test_names_and_summaries_are_shortened_between_words(text, limit, expected):
    from tracker.feeds.events import _short
    assert _short(text, limit) == expected
