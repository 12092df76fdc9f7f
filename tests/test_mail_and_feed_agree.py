"""A subscriber who also gets the e-mails sees each deadline once: the .ics attached to a
message and the calendar feed give the same item the same UID on the same day, and the
Message-ID the server receives is the one stored (no port in either, whatever the address)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import select

from tracker.directory.store import load_index
from tracker.feeds import tokens
from tracker.jobs import run
from tracker.jobs.feed_refresh import refresher
from tracker.models import Agency, Assignment, OutboxMessage, Task
from tracker.plans.importer import import_plan
from tracker.reading.plan import read_plan

from .conftest import SEEDS

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PLAN = SEEDS / "soc-trang-2017-kiem-soat-tthc.txt"


def test_a_check_in_has_one_uid_and_one_day_in_mail_and_feed(app, session, directory, smtp_server):
    catcher, _ = smtp_server
    app.config["TRACKER_BASE_URL"] = "https://tracker.example.gov.vn:8443"
    import_plan(directory, read_plan(PLAN.read_bytes(), PLAN.name), load_index(directory))
    directory.commit()
    justice = session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp tỉnh Sóc Trăng"))
    continuous = session.scalars(select(Assignment).join(Task).where(
        Assignment.agency_id == justice.id, Task.ref == "I.2")).one()
    assert continuous.deadline.kind == "continuous"

    moment = datetime.combine(date(2017, 3, 10), time(7, 30), TZ)       # before the Q1 cut-off
    run("checkins", moment)
    run("send", moment)
    mails = [m for _, m in catcher.messages if m["Subject"].startswith("[Báo cáo định kỳ]")]
    assert mails
    mailed = {}
    for mail in mails:
        for part in mail.walk():
            if part.get_content_type() == "text/calendar":
                for event in icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT"):
                    mailed[str(event["UID"])] = event.decoded("DTSTART")
    ours = {uid: day for uid, day in mailed.items() if uid.startswith(f"checkin-{continuous.id}-")}
    assert len(ours) == 1, mailed
    [(uid, day)] = ours.items()
    assert uid.endswith("@tracker.example.gov.vn")                     # no port in a UID

    _, token = tokens.create(session, "agency", "Lịch cơ quan", justice.id)
    session.commit()
    client = app.test_client()
    client.get(f"/feeds/{token}.ics")
    refresher(app).drain()
    feed = icalendar.Calendar.from_ical(client.get(f"/feeds/{token}.ics").data)
    in_feed = {str(e["UID"]): e.decoded("DTSTART") for e in feed.walk("VEVENT")}
    assert in_feed.get(uid) == day

    stored = {row.message_id for row in session.scalars(select(OutboxMessage))}
    received = {m["Message-ID"] for _, m in catcher.messages}
    assert received and received <= stored and all(":8443" not in mid for mid in stored)
