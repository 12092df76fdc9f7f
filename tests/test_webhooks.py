"""Signed webhooks against a real receiver: an HTTP server on loopback (``http.server`` in a
thread) that checks signatures with its own copy of the secret, answers as the test says
(a status, or nothing at all), and keeps every request. The clock is the only fake. Every
test runs on SQLite and, when configured, PostgreSQL (``conftest.BACKENDS``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.jobs import run, run_planning
from tracker.models import Assignment, Plan, WebhookDelivery, WebhookEndpoint
from tracker.webhooks import emit, endpoints
from tracker.webhooks.events import EVENTS
from tracker.webhooks.sender import Settings, deliver_due
from tracker.webhooks.signing import verify

from .conftest import SEEDS, STP_OFFICER, csrf_of, sign_in

NOW = datetime(2017, 6, 15, 2, 0, tzinfo=UTC)        # 09:00 in Sóc Trăng


class Receiver:
    """What the receiving server does: ``script`` holds its next answers (a status, or
    "hang": say nothing until released), one per request; empty: 200."""

    def __init__(self):
        self.requests: list[dict] = []
        self.script: list[int | str] = []
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/tracker"

    def handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):           # noqa: N802  (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    answer = receiver.script.pop(0) if receiver.script else 200
                if answer == "hang":
                    receiver.release.wait(10)
                    return
                reply = json.dumps({"ok": answer == 200, "said": "xin chào" * 400}).encode()
                self.send_response(int(answer))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture
def receiver(app):
    found = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), found.handler())
    server.daemon_threads = True
    found.server = server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(TRACKER_NOW=NOW, TRACKER_WEBHOOK_TIMEOUT=1)
    yield found
    found.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def endpoint(session, receiver) -> WebhookEndpoint:
    row = endpoints.add(session, receiver.url, EVENTS, "test", "Cổng báo cáo của tỉnh")
    session.commit()
    return row


def _assignment(session) -> Assignment:
    return session.scalar(select(Assignment).where(Assignment.agency_id.is_not(None),
                                                   Assignment.status == "not_started")
                          .order_by(Assignment.id).limit(1))


def _deliveries(session, event: str | None = None) -> list[WebhookDelivery]:
    session.expire_all()
    query = select(WebhookDelivery).order_by(WebhookDelivery.id)
    return list(session.scalars(query.where(WebhookDelivery.event == event) if event else query))


def _report(session, status: str = "in_progress") -> Assignment:
    from tracker.plans.progress import report
    assignment = _assignment(session)
    report(session, assignment, status, STP_OFFICER, progress=40, comment="Đang triển khai")
    return assignment


def receiver_verifies(secret: str, headers: dict, body: bytes, now: float) -> bool:
    """A receiver's own check, as the README tells it (no tracker code): parse the header,
    recompute the HMAC over "<t>.<body>", compare in constant time, refuse an old time."""
    parts = dict(item.split("=", 1) for item in headers["X-Tracker-Signature"].split(","))
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"]) and abs(now - int(parts["t"])) <= 300


# 1. Signed deliveries, with the receiver's copy of the secret

def test_a_status_change_is_delivered_signed_and_the_signature_verifies(app, seeded, receiver, endpoint):
    secret = endpoint.secret            # the receiver's copy, as the page showed it once
    assignment = _report(seeded)
    seeded.commit()
    assert receiver.requests == []       # the request that changed it did not wait for anyone
    report = run("webhooks")
    assert report.delivered == 1 and report.retried == report.failed == 0
    [got] = receiver.requests
    headers, body = got["headers"], got["body"]
    [row] = _deliveries(seeded)
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "tracker-webhooks/1"
    assert headers["X-Tracker-Event"] == "assignment.status_changed"
    assert headers["X-Tracker-Delivery"] == str(row.id)
    assert receiver_verifies(secret, headers, body, time.time())
    assert verify(secret, headers["X-Tracker-Signature"], body, time.time())
    # Anything else is refused: another secret, a changed body, a replay after 5 minutes.
    assert not receiver_verifies("whsec_khac", headers, body, time.time())
    assert not verify(secret, headers["X-Tracker-Signature"], body.replace(b"40", b"90"), time.time())
    assert not verify(secret, headers["X-Tracker-Signature"], body, time.time() + 301)
    event = json.loads(body)
    assert event["type"] == "assignment.status_changed" and event["id"].startswith("evt_")
    data = event["data"]
    assert data["assignment"]["id"] == assignment.id and data["assignment"]["status"] == "in_progress"
    assert (data["from_status"], data["to_status"], data["progress"]) == ("not_started", "in_progress", 40)
    assert data["changed_by"] and "@" not in data["changed_by"]            # a name, never an address
    assert data["assignment"]["url"] == f"/api/v1/assignments/{assignment.id}"
    assert (row.state, row.attempts, row.last_status_code) == ("delivered", 1, 200)
    assert row.delivered_at == NOW and len(row.last_response) == 2000     # the excerpt, cut


def test_an_event_in_a_rolled_back_transaction_sends_nothing(app, seeded, receiver, endpoint):
    _report(seeded)
    assert len([r for r in seeded.new if isinstance(r, WebhookDelivery)]) == 1   # queued with the change...
    seeded.rollback()                                                          # ...and gone with it
    assert _deliveries(seeded) == []
    assert run("webhooks").delivered == 0 and receiver.requests == []


# 2. Retries

def test_a_receiver_answering_500_gets_the_same_delivery_again_after_the_backoff(app, seeded, receiver,
                                                                                 endpoint):
    receiver.script = [500]
    _report(seeded)
    seeded.commit()
    assert run("webhooks").retried == 1
    [row] = _deliveries(seeded)
    assert (row.state, row.attempts, row.last_status_code) == ("queued", 1, 500)
    assert "HTTP 500" in row.last_error and row.last_response.startswith('{"ok": false')
    assert row.next_attempt_at == NOW + timedelta(seconds=60)
    assert run("webhooks").delivered == 0 and len(receiver.requests) == 1     # not before the backoff
    app.config["TRACKER_NOW"] = NOW + timedelta(seconds=61)
    assert run("webhooks").delivered == 1
    first, second = receiver.requests
    assert first["body"] == second["body"]                                   # the same event...
    assert first["headers"]["X-Tracker-Delivery"] == second["headers"]["X-Tracker-Delivery"] == str(row.id)
    [row] = _deliveries(seeded)
    assert (row.state, row.attempts, row.last_status_code, row.last_error) == ("delivered", 2, 200, "")


def test_a_receiver_that_never_answers_times_out_and_is_retried(app, seeded, receiver, endpoint):
    receiver.script = ["hang"]
    _report(seeded)
    seeded.commit()
    started = time.monotonic()
    assert run("webhooks").retried == 1
    assert time.monotonic() - started < 5                  # the 1 s timeout, not the receiver's 10 s
    [row] = _deliveries(seeded)
    assert (row.state, row.attempts, row.last_status_code) == ("queued", 1, None)
    assert "1 s" in row.last_error
    app.config["TRACKER_NOW"] = NOW + timedelta(minutes=2)
    assert run("webhooks").delivered == 1
    [row] = _deliveries(seeded)
    assert (row.state, row.attempts) == ("delivered", 2) and len(receiver.requests) == 2


def test_after_the_last_attempt_it_fails_and_an_administrator_can_redeliver_it(app, seeded, receiver, endpoint,
                                                                            runner):
    app.config["TRACKER_WEBHOOK_MAX_ATTEMPTS"] = 2
    receiver.script = [503, 503]
    _report(seeded)
    seeded.commit()
    run("webhooks")
    app.config["TRACKER_NOW"] = NOW + timedelta(minutes=2)
    assert run("webhooks").failed == 1
    [row] = _deliveries(seeded)
    assert (row.state, row.attempts, row.last_status_code) == ("failed", 2, 503)
    app.config["TRACKER_NOW"] = NOW + timedelta(days=1)
    assert run("webhooks").delivered == 0                  # failed stays failed
    listed = runner.invoke(args=["webhooks", "list"])
    assert listed.exit_code == 0 and f"{row.id}" in listed.output and "HTTP 503" in listed.output
    retried = runner.invoke(args=["webhooks", "retry", str(row.id)])
    assert retried.exit_code == 0, retried.output
    dry = runner.invoke(args=["jobs", "run", "webhooks", "--dry-run"])
    assert dry.exit_code == 0 and "sẽ gửi 1 webhook" in dry.output and "nothing was sent" in dry.output
    assert runner.invoke(args=["webhooks", "retry", str(row.id)]).exit_code == 2     # only a failed one
    delivered = runner.invoke(args=["webhooks", "deliver"])
    assert delivered.exit_code == 0 and "đã gửi 1" in delivered.output, delivered.output
    [row] = _deliveries(seeded)
    assert (row.state, row.attempts) == ("delivered", 1) and len(receiver.requests) == 3


def test_a_redirect_is_not_a_delivery(app, seeded, receiver, endpoint):
    receiver.script = [302]
    _report(seeded)
    seeded.commit()
    assert run("webhooks").retried == 1
    [row] = _deliveries(seeded)
    assert (row.state, row.last_status_code) == ("queued", 302)


def test_a_dead_receiver_holds_up_nobody_else(app, seeded, receiver, endpoint):
    """An endpoint that failed once in a run is not tried again in it: one timeout, not one
    per delivery; the other endpoints' deliveries go out."""
    dead = endpoints.add(seeded, "http://127.0.0.1:9/nobody", EVENTS, "test")    # the discard port: refused
    seeded.commit()
    for _ in range(3):
        emit(seeded, "plan.published", {"n": 1})
    seeded.commit()
    report = run("webhooks")
    assert report.delivered == 3 and report.retried == 1
    waiting = [d for d in _deliveries(seeded) if d.endpoint_id == dead.id]
    assert sorted(d.attempts for d in waiting) == [0, 0, 1] and all(d.state == "queued" for d in waiting)


# 3. Never twice, never lost

def test_two_senders_at_once_deliver_each_delivery_once(app, session, receiver, endpoint):
    second = endpoints.add(session, receiver.url + "?b", ["plan.published"], "test")
    session.commit()
    for i in range(15):
        emit(session, "plan.published", {"plan": {"id": i}})
    session.commit()
    assert session.scalar(select(func.count(WebhookDelivery.id))) == 30
    errors = []

    def sender():
        try:
            with app.app_context():
                deliver_due(db.session(), Settings.from_config(app.config))
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    ids = [r["headers"]["X-Tracker-Delivery"] for r in receiver.requests]
    assert len(ids) == 30 and len(set(ids)) == 30
    rows = _deliveries(session)
    assert all(r.state == "delivered" and r.attempts == 1 for r in rows)
    assert {r.endpoint_id for r in rows} == {endpoint.id, second.id}


def test_a_delivery_left_sending_by_a_crash_is_failed_not_resent(app, session, receiver, endpoint):
    [row] = emit(session, "plan.published", {"plan": {"id": 1}})
    session.commit()
    row.state, row.claimed_at, row.attempts = "sending", NOW - timedelta(hours=1), 1
    session.commit()
    report = run("webhooks")
    assert report.failed == 1 and receiver.requests == []
    [row] = _deliveries(session)
    assert row.state == "failed" and "không rõ" in row.last_error


def test_only_subscribed_active_endpoints_are_queued_and_disabled_ones_wait(app, seeded, receiver, endpoint):
    plans_only = endpoints.add(seeded, receiver.url + "?plans", ["plan.published"], "test")
    seeded.commit()
    _report(seeded)
    seeded.commit()
    assert [d.endpoint_id for d in _deliveries(seeded)] == [endpoint.id]
    endpoints.set_active(seeded, plans_only, False)
    emit(seeded, "plan.published", {"x": 1})
    seeded.commit()
    assert len(_deliveries(seeded)) == 2              # a disabled endpoint is sent nothing new
    endpoints.set_active(seeded, endpoint, False)
    seeded.commit()
    assert run("webhooks").delivered == 0 and receiver.requests == []       # ...and what is queued waits
    endpoints.set_active(seeded, endpoint, True)
    seeded.commit()
    assert run("webhooks").delivered == 2


# 4. Each event from its domain action

def _events(session) -> list[str]:
    return [d.event for d in _deliveries(session)]


def test_status_changes_and_returned_outputs_are_emitted(app, seeded, endpoint):
    from tracker.plans.progress import report, return_output
    assignment = _assignment(seeded)
    report(seeded, assignment, "not_started", STP_OFFICER, progress=10)      # no change of status: no event
    assert _events(seeded) == []
    report(seeded, assignment, "done", STP_OFFICER)
    return_output(seeded, assignment, "soanthao@soctrang.example", "Thiếu biên bản")
    seeded.commit()
    rows = _deliveries(seeded, "assignment.status_changed")
    assert [(r.payload["data"]["from_status"], r.payload["data"]["to_status"], r.payload["data"]["kind"])
            for r in rows] == [("not_started", "done", "report"), ("done", "in_progress", "returned")]


def test_extension_requests_and_decisions_are_emitted(app, seeded, endpoint):
    from tracker.plans.extension_requests import decide, request_extension
    assignment = next(a for a in seeded.scalars(select(Assignment).where(Assignment.agency_id.is_not(None)))
                      if a.deadline.due is not None and not a.occurrences)
    request = request_extension(seeded, assignment, None, date(2030, 1, 1), "Chờ hướng dẫn của Bộ", STP_OFFICER)
    seeded.commit()
    decide(seeded, request, True, "soanthao@soctrang.example", "Đồng ý")
    seeded.commit()
    [asked] = _deliveries(seeded, "extension.requested")
    [decided] = _deliveries(seeded, "extension.decided")
    assert asked.payload["data"]["extension_request"]["id"] == request.id
    assert asked.payload["data"]["extension_request"]["state"] == "pending"
    assert decided.payload["data"]["extension_request"]["state"] == "approved"
    assert decided.payload["data"]["assignment"]["deadline"]["due"] == "2030-01-01"


def test_publishing_a_plan_is_emitted_once_per_import_that_changes_it(app, seeded, endpoint, runner):
    path = SEEDS / "cam-xuyen-2020-kiem-soat-tthc-mot-cua.txt"
    assert runner.invoke(args=["plans", "import", str(path)]).exit_code == 0
    [published] = _deliveries(seeded, "plan.published")
    plan = seeded.scalar(select(Plan).where(Plan.id == published.payload["data"]["plan"]["id"]))
    assert published.payload["data"]["created"] is True and plan.number in path.read_text()
    assert runner.invoke(args=["plans", "import", str(path)]).exit_code == 0    # the same file: nothing changed
    assert len(_deliveries(seeded, "plan.published")) == 1


def test_overdue_and_escalations_are_emitted_where_the_planner_plans_them(app, seeded, endpoint):
    for day in ("2017-07-03", "2017-07-10", "2017-07-17", "2017-07-31"):
        run_planning(datetime.fromisoformat(day + "T08:00+07:00"))
    overdue = _deliveries(seeded, "assignment.overdue")
    escalated = _deliveries(seeded, "assignment.escalated")
    assert overdue and escalated
    # Became overdue: once per item, however many notices follow.
    items = [(d.payload["data"]["assignment"]["id"], (d.payload["data"]["occurrence"] or {}).get("id"))
             for d in overdue]
    assert len(items) == len(set(items))
    assert all(d.payload["data"]["days_overdue"] > 0 and d.payload["data"]["notice"] == 1 for d in overdue)
    levels = {d.payload["data"]["level"] for d in escalated}
    assert levels <= {"agency_head", "committee"} and "agency_head" in levels
    before = len(_deliveries(seeded))
    run_planning(datetime.fromisoformat("2017-07-31T08:00+07:00"))        # a replay adds nothing
    assert len(_deliveries(seeded)) == before


# 5. The administrators' page and the command line

def test_the_page_shows_the_secret_once_and_redelivers_a_failed_one(app, seeded, people, receiver):
    client = app.test_client()
    sign_in(client, "admin@tracker.example")
    page = client.get("/admin/webhooks")
    assert page.status_code == 200 and "Chưa có webhook nào" in page.text
    made = client.post("/admin/webhooks", data={"csrf_token": csrf_of(page), "url": receiver.url,
                                                 "description": "Cổng tỉnh",
                                                 "events": ["assignment.status_changed", "plan.published"]})
    assert made.status_code == 201 and made.headers["Cache-Control"] == "no-store"
    row = seeded.scalar(select(WebhookEndpoint))
    assert row.secret in made.text and row.events == ["assignment.status_changed", "plan.published"]
    assert row.created_by == "admin@tracker.example"
    again = client.get("/admin/webhooks")
    assert row.secret not in again.text and row.secret[-4:] in again.text and "Quản trị" in again.text
    bad = client.post("/admin/webhooks", data={"csrf_token": csrf_of(again), "url": "ftp://x", "events": ["x"]})
    assert bad.status_code == 422

    app.config["TRACKER_WEBHOOK_MAX_ATTEMPTS"] = 1
    receiver.script = [500]
    _report(seeded)
    seeded.commit()
    assert run("webhooks").failed == 1
    [delivery] = _deliveries(seeded)
    listed = client.get("/admin/webhooks")
    assert "HTTP 500" in listed.text and "Gửi lại" in listed.text
    client.post(f"/admin/webhooks/deliveries/{delivery.id}/redeliver", data={"csrf_token": csrf_of(listed)})
    assert run("webhooks").delivered == 1
    client.post(f"/admin/webhooks/{row.id}/active", data={"csrf_token": csrf_of(listed)})
    seeded.expire_all()
    assert seeded.get(WebhookEndpoint, row.id).active is False
    client.post(f"/admin/webhooks/{row.id}/delete", data={"csrf_token": csrf_of(listed)})
    seeded.expire_all()
    assert seeded.scalar(select(func.count(WebhookEndpoint.id))) == 0 and _deliveries(seeded) == []


def test_the_command_line_adds_lists_and_removes(app, session, runner):
    added = runner.invoke(args=["webhooks", "add", "https://bao-cao.example/hook", "--event", "plan.published",
                                "--description", "Cổng tỉnh"])
    assert added.exit_code == 0, added.output
    row = session.scalar(select(WebhookEndpoint))
    assert row.secret in added.output and row.secret.startswith("whsec_") and row.events == ["plan.published"]
    listed = runner.invoke(args=["webhooks", "list"])
    assert "https://bao-cao.example/hook" in listed.output and row.secret not in listed.output
    bad = runner.invoke(args=["webhooks", "add", "javascript:alert(1)"])
    assert bad.exit_code == 2 and "http://" in bad.output
    assert runner.invoke(args=["webhooks", "remove", str(row.id)]).exit_code == 0
    assert runner.invoke(args=["webhooks", "remove", str(row.id)]).exit_code == 2
    assert session.scalar(select(func.count(WebhookEndpoint.id))) == 0


def test_a_web_request_never_waits_for_a_receiver(app, seeded, people, receiver, endpoint):
    """The receiver would hang for 10 s: the API's report answers at once, the delivery is
    only queued."""
    from tracker.accounts import api_tokens
    receiver.script = ["hang"]
    _row, token = api_tokens.create(seeded, people["officer"], "t")
    seeded.commit()
    assignment = _assignment(seeded)
    started = time.monotonic()
    answer = app.test_client().post(f"/api/v1/assignments/{assignment.id}/reports", json={"status": "done"},
                                    headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201, answer.text
    assert time.monotonic() - started < 2 and receiver.requests == []
    assert [d.state for d in _deliveries(seeded)] == ["queued"]
