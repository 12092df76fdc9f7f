"""Stored feeds: which writes make which feeds stale, how they are rebuilt off the request
path, and what a poll costs (with the clock frozen)."""

from __future__ import annotations

import gzip
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from tracker.directory.store import load_index
from tracker.extensions import db
from tracker.feeds import files, store, tokens
from tracker.feeds.events import FeedContext
from tracker.jobs import run
from tracker.jobs.feed_refresh import refresher
from tracker.models import Agency, Assignment, FeedState, FocalOfficer, Occurrence, Plan, Task
from tracker.plans.importer import import_plan
from tracker.plans.progress import report
from tracker.reading.plan import read_plan

from .conftest import SEEDS, make_app

SOC_TRANG = SEEDS / "soc-trang-2017-kiem-soat-tthc.txt"
CAM_XUYEN = SEEDS / "cam-xuyen-2020-kiem-soat-tthc-mot-cua.txt"
MARCH_2017 = datetime(2017, 3, 1, 2, 0, tzinfo=UTC)
JUSTICE, HOME = "Sở Tư pháp tỉnh Sóc Trăng", "Sở Nội vụ tỉnh Sóc Trăng"


@pytest.fixture
def plans(app, directory):
    app.config["TRACKER_NOW"] = MARCH_2017
    app.config["TRACKER_BASE_URL"] = "https://tracker.example.gov.vn"
    import_plan(directory, read_plan(SOC_TRANG.read_bytes(), SOC_TRANG.name), load_index(directory))
    directory.commit()
    return directory


def _agency(session, name: str) -> Agency:
    return session.scalar(select(Agency).where(Agency.name == name))


@pytest.fixture
def feeds(app, plans):
    """Five feeds, each polled once (so each is stored): two agencies, an officer, the plan,
    the committee. A Cà Mau-free agency of the other sample directory stays out of the plan."""
    plan = plans.scalar(select(Plan))
    justice, home = _agency(plans, JUSTICE), _agency(plans, HOME)
    targets = {"justice": dict(kind="agency", target_id=justice.id),
               "home": dict(kind="agency", target_id=home.id),
               "officer": dict(kind="officer", target_email=justice.officers[0].email),
               "plan": dict(kind="plan", target_id=plan.id),
               "committee": dict(kind="leadership", target_id=plan.issuer_id)}
    made = {}
    for name, target in targets.items():
        kind = target.pop("kind")
        _, made[name] = tokens.create(plans, kind, "test", **target)
    plans.commit()
    client = app.test_client()
    for token in made.values():
        assert client.get(f"/feeds/{token}.ics").status_code == 200
    return made


def _names(app, session, feeds) -> set[str]:
    """The stale feeds, by the fixture's names."""
    keys = {}
    for name, token in feeds.items():
        row = tokens.find(session, token)
        keys[store.state_key(row, "event")] = name
    session.expire_all()
    ctx = FeedContext.from_config(app.config, app.config["TRACKER_NOW"].date())
    return {keys[k] for k in store.stale_keys(session, ctx) if k in keys}


def _assignment(session, ref: str, agency: str) -> Assignment:
    return session.scalar(select(Assignment).join(Task).where(
        Task.ref == ref, Assignment.agency_id == _agency(session, agency).id))


def test_a_status_report_marks_its_agencys_officers_plans_and_committees_feeds(app, plans, feeds):
    assert _names(app, plans, feeds) == set()
    report(plans, _assignment(plans, "IV.2", JUSTICE), "in_progress", "test", progress=30)
    plans.commit()
    # Sở Nội vụ has no part in IV.2: its feed is left alone.
    assert _names(app, plans, feeds) == {"justice", "officer", "plan", "committee"}


def test_a_change_nobody_sees_in_a_feed_keeps_its_etag(app, plans, feeds):
    client = app.test_client()
    url = f"/feeds/{feeds['justice']}.ics"
    before = client.get(url)
    assignment = _assignment(plans, "IV.2", JUSTICE)
    assignment.warnings = [*assignment.warnings, {"code": "test", "message": "not in any feed"}]
    plans.commit()
    assert "justice" in _names(app, plans, feeds)
    run("feeds")
    assert client.get(url, headers={"If-None-Match": before.headers["ETag"]}).status_code == 304
    assert client.get(url).headers["Last-Modified"] == before.headers["Last-Modified"]
    assert _names(app, plans, feeds) == set()


def test_an_occurrence_and_a_deadline_mark_their_feeds(app, plans, feeds):
    occurrence = plans.scalar(select(Occurrence).join(Assignment).where(
        Assignment.agency_id == _agency(plans, JUSTICE).id))
    occurrence.status = "done"
    plans.commit()
    assert {"justice", "officer", "plan", "committee"} <= _names(app, plans, feeds)
    run("feeds")
    assert _names(app, plans, feeds) == set()
    # A deadline is seen in the feeds of the agencies that share it, not in their other siblings'.
    justice = _agency(plans, JUSTICE).id
    shared = {a.deadline_id for a in plans.scalars(select(Assignment).where(Assignment.agency_id == justice))}
    other = plans.scalar(select(Assignment).where(Assignment.agency_id.is_not(None),
                                                  Assignment.agency_id != justice,
                                                  Assignment.deadline_id.not_in(shared)))
    _, token = tokens.create(plans, "agency", "test", target_id=other.agency_id)
    plans.commit()
    app.test_client().get(f"/feeds/{token}.ics")
    other.deadline.text = other.deadline.text + " (sửa)"
    plans.commit()
    ctx = FeedContext.from_config(app.config, MARCH_2017.date())
    assert f"agency:{other.agency_id}|event" in store.stale_keys(plans, ctx)
    assert {"plan", "committee"} <= _names(app, plans, feeds) and not {"justice", "officer"} & _names(app, plans, feeds)


def test_a_plans_title_marks_every_agency_in_it(app, plans, feeds):
    plans.scalar(select(Plan)).title = "Kiểm soát thủ tục hành chính (sửa đổi)"
    plans.commit()
    assert _names(app, plans, feeds) == {"justice", "home", "officer", "plan", "committee"}


def test_an_officers_new_agency_marks_their_feed_only(app, plans, feeds):
    officer = _agency(plans, JUSTICE).officers[0]
    plans.add(FocalOfficer(agency_id=_agency(plans, HOME).id, name=officer.name, email=officer.email.upper(),
                           language="vi", active=True))
    plans.commit()
    assert _names(app, plans, feeds) == {"officer"}
    run("feeds")
    body = app.test_client().get(f"/feeds/{feeds['officer']}.ics").data.decode()
    assert HOME in body and "Hạn công việc của tôi" in body


def test_an_agency_renamed_marks_every_feed(app, plans, feeds):
    home = _agency(plans, HOME)
    home.name = "Sở Nội vụ tỉnh Sóc Trăng (mới)"
    plans.commit()
    assert _names(app, plans, feeds) == set(feeds)
    home.head_email = "giamdoc.moi@soctrang.example"    # not shown in any feed
    run("feeds")
    plans.commit()
    assert _names(app, plans, feeds) == set()


def test_a_new_plan_written_in_bulk_reaches_the_feeds_of_its_agencies(app, plans, feeds):
    app.config["TRACKER_NOW"] = datetime(2020, 3, 2, 2, 0, tzinfo=UTC)     # Cẩm Xuyên's plans are 2020's
    run("feeds")
    import_plan(plans, read_plan(CAM_XUYEN.read_bytes(), CAM_XUYEN.name), load_index(plans))
    plans.commit()
    # Cẩm Xuyên's plan is another province's: no feed of Sóc Trăng is touched…
    assert _names(app, plans, feeds) == set()
    cam_xuyen = plans.scalar(select(Plan).order_by(Plan.id.desc()).limit(1))
    agency_id = plans.scalar(select(Assignment.agency_id).join(Task).where(
        Task.plan_id == cam_xuyen.id, Assignment.agency_id.is_not(None)))
    _, token = tokens.create(plans, "agency", "test", target_id=agency_id)
    plans.commit()
    client = app.test_client()
    before = client.get(f"/feeds/{token}.ics").data
    amended = CAM_XUYEN.read_text("utf-8") + "\n"
    import_plan(plans, read_plan(amended.replace("2020", "2021").encode(), "amended.txt"), load_index(plans))
    plans.commit()
    # …and a new one of Cẩm Xuyên marks that agency's feed, though its rows were written by Core inserts.
    ctx = FeedContext.from_config(app.config, app.config["TRACKER_NOW"].date())
    assert f"agency:{agency_id}|event" in store.stale_keys(plans, ctx)
    run("feeds")
    assert client.get(f"/feeds/{token}.ics").data != before


def test_a_write_during_a_rebuild_is_not_lost(app, plans, feeds, monkeypatch):
    """A report made while the feed is being rebuilt leaves it stale: the next run sees it."""
    real = store.build
    other = db.session

    def build_while_reporting(session, target, fmt, ctx):
        built = real(session, target, fmt, ctx)
        with app.app_context():         # another request, its own session
            report(db.session, _assignment(db.session, "IV.2", JUSTICE), "done", "test")
            db.session.commit()
            db.session.remove()
        return built

    report(plans, _assignment(plans, "IV.2", JUSTICE), "in_progress", "test", progress=10)
    plans.commit()
    monkeypatch.setattr(store, "build", build_while_reporting)
    key = store.state_key(tokens.find(plans, feeds["justice"]), "event")
    ctx = FeedContext.from_config(app.config, MARCH_2017.date())
    assert store.rebuild(plans, key, ctx, MARCH_2017)
    monkeypatch.setattr(store, "build", real)
    assert key in store.stale_keys(other, ctx)
    assert store.rebuild(plans, key, ctx, MARCH_2017)
    assert key not in store.stale_keys(plans, ctx)


def test_a_claimed_rebuild_is_not_started_twice(app, plans, feeds):
    key = store.state_key(tokens.find(plans, feeds["justice"]), "event")
    report(plans, _assignment(plans, "IV.2", JUSTICE), "in_progress", "test", progress=10)
    plans.commit()
    ctx = FeedContext.from_config(app.config, MARCH_2017.date())
    assert store._claim(plans, key, MARCH_2017) is not None
    assert not store.rebuild(plans, key, ctx, MARCH_2017 + timedelta(minutes=1))   # claimed elsewhere
    assert store.rebuild(plans, key, ctx, MARCH_2017 + store.CLAIM_FOR + timedelta(seconds=1))  # claim expired


def test_the_feeds_job_drops_feeds_nobody_subscribes_to(app, plans, feeds):
    row = tokens.find(plans, feeds["home"])
    tokens.revoke(row)
    _agency(plans, HOME).name = "Sở Nội vụ (đổi tên)"
    plans.commit()
    result = run("feeds")
    assert result.dropped == 1 and result.rebuilt == len(feeds) - 1
    assert plans.get(FeedState, f"agency:{row.target_id}|event") is None


def test_gzip_for_clients_that_accept_it(app, feeds):
    client = app.test_client()
    url = f"/feeds/{feeds['justice']}.ics"
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data and len(packed.data) < len(plain.data) / 3
    assert packed.headers["ETag"] != plain.headers["ETag"]
    # A client that got either representation revalidates with its own tag.
    for tag in (plain.headers["ETag"], packed.headers["ETag"]):
        assert client.get(url, headers={"If-None-Match": tag, "Accept-Encoding": "gzip"}).status_code == 304
        assert client.get(url, headers={"If-None-Match": tag}).status_code == 304
    assert client.get(url, headers={"Accept-Encoding": "gzip;q=0"}).headers.get("Content-Encoding") is None


def _statements(app, client, url: str, **headers) -> tuple[int, int]:
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url, headers=headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return response.status_code, len([s for s in seen if s.lstrip().upper().startswith("SELECT")])


def test_a_poll_costs_two_lookups_whatever_the_feeds_size(app, plans, feeds):
    client = app.test_client()
    url = f"/feeds/{feeds['plan']}.ics"
    etag = client.get(url).headers["ETag"]
    status, selects = _statements(app, client, url, **{"If-None-Match": etag})
    assert status == 304 and selects == 2            # the token, the stored feed (no body)
    status, selects = _statements(app, client, url)
    assert status == 200 and selects == 2            # the body is sent from its file
    # A stale feed is answered the same way; the rebuild is only asked for.
    plans.scalar(select(Plan)).title = "Kiểm soát thủ tục hành chính (sửa đổi)"
    plans.commit()
    status, selects = _statements(app, client, url, **{"If-None-Match": etag})
    assert status == 304 and selects == 2 and refresher(app).pending


def test_in_the_background_a_report_reaches_the_feed_without_anyone_waiting(database_url, tmp_path):
    """The real thread of a web process: the poll that notices is answered at once."""
    app = make_app(database_url, TRACKER_FEED_REFRESH="background", TRACKER_NOW=MARCH_2017,
                   TRACKER_BASE_URL="https://tracker.example.gov.vn")
    from tracker.directory.loader import import_directory, read_directory_file
    with app.app_context():
        session = db.session
        for path in sorted(SEEDS.glob("directory-*.yaml")):
            import_directory(session, read_directory_file(path))
        import_plan(session, read_plan(SOC_TRANG.read_bytes(), SOC_TRANG.name), load_index(session))
        _, token = tokens.create(session, "agency", "test", target_id=_agency(session, JUSTICE).id)
        session.commit()
        client = app.test_client()
        url = f"/feeds/{token}.ics"
        first = client.get(url)
        report(session, _assignment(session, "IV.2", JUSTICE), "done", "test")
        session.commit()
        session.remove()
        stale = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert stale.status_code == 304
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            fresh = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
            if fresh.status_code == 200:
                break
            time.sleep(0.05)
        assert fresh.status_code == 200 and b"[\xc4\x90\xc3\xa3 ho\xc3\xa0n th\xc3\xa0nh]" in fresh.data
        db.session.remove()
        db.engine.dispose()


def test_the_feeds_job_from_the_command_line(app, plans, feeds, runner):
    _agency(plans, HOME).name = "Sở Nội vụ (đổi tên)"
    plans.commit()
    dry = runner.invoke(args=["jobs", "run", "feeds", "--dry-run"])
    assert dry.exit_code == 0 and f"{len(feeds)} calendar feeds are stale" in dry.output
    assert _names(app, plans, feeds) == set(feeds)
    done = runner.invoke(args=["jobs", "run", "feeds"])
    assert done.exit_code == 0 and f"dựng lại {len(feeds)} lịch" in done.output
    assert f"{len(feeds)} calendar feeds rebuilt" in done.output
    assert _names(app, plans, feeds) == set()


def test_bodies_are_sent_from_files_named_by_version(app, plans, feeds):
    from pathlib import Path
    client = app.test_client()
    url = f"/feeds/{feeds['justice']}.ics"
    directory = Path(app.config["TRACKER_FEED_CACHE_DIR"])
    key = store.state_key(tokens.find(plans, feeds["justice"]), "event")
    first = client.get(url)
    stem = files._names(key, "", False)[0].split("-")[0]
    mine = [p for p in directory.iterdir() if p.name.startswith(stem) and p.name.endswith(".ics")]
    assert len(mine) == 1 and mine[0].read_bytes() == first.data
    assert first.headers["ETag"].strip('"') in mine[0].name
    mine[0].unlink()                       # any file may go: the database is the source
    assert client.get(url).data == first.data and mine[0].exists()
    report(plans, _assignment(plans, "IV.2", JUSTICE), "done", "test")
    plans.commit()
    run("feeds")
    second = client.get(url)
    assert second.data != first.data and not mine[0].exists()     # the old version's file is gone
    assert [p.name for p in directory.iterdir() if p.name.startswith(stem) and p.name.endswith(".ics")] == [
        files._names(key, second.headers["ETag"].strip('"'), False)[0]]


def test_a_cache_directory_that_cannot_be_written_only_slows_feeds_down(app, feeds, tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    app.config["TRACKER_FEED_CACHE_DIR"] = str(blocker / "feed-cache")
    client = app.test_client()
    url = f"/feeds/{feeds['justice']}.ics"
    plain, packed = client.get(url), client.get(url, headers={"Accept-Encoding": "gzip"})
    assert plain.status_code == packed.status_code == 200
    assert gzip.decompress(packed.data) == plain.data and b"BEGIN:VEVENT" in plain.data
    assert plain.headers["Content-Length"] == str(len(plain.data))
    assert "sending from the database" in caplog.text
