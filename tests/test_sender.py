"""The sender against SMTP servers that behave badly: silent, greylisting, refusing, dropping
the connection; a sender killed mid-run; outcomes that must not overwrite what changed.

Real servers on loopback (aiosmtpd, or a bare socket that never speaks); the clock is the
only fake.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from tracker.extensions import db
from tracker.mail.compose import ComposedMail
from tracker.mail.outbox import _claim, _outcome, enqueue, idempotency_key, send_due
from tracker.models import FAILED, QUEUED, SENDING, SENT, OutboxMessage

from .conftest import ROOT, SECRET_KEY, free_port

NOW = datetime(2020, 3, 24, 0, 30, tzinfo=UTC)


def _queue(session, n: int) -> list[OutboxMessage]:
    rows = []
    for i in range(n):
        mail = ComposedMail(to=f"canbo{i}@soctrang.example", subject=f"[Nhắc hạn] việc {i}", text=f"Việc {i}",
                            html=f"<p>Việc {i}</p>", ics=None)
        key = idempotency_key("reminder", mail.to, "2020-03-24", [f"a{i}:before-3"])
        rows.append(enqueue(session, mail, "reminder", key, [(None, None, "before-3")], "Cán bộ"))
    session.commit()
    return rows


class Scripted:
    """An aiosmtpd handler whose answers the test sets: a reply per RCPT or DATA, a dropped
    connection, or a pause; every message it accepts is kept."""

    def __init__(self):
        self.messages: list = []
        self.rcpt_replies: list[str] = []       # consumed one per RCPT; empty: accept
        self.data_replies: list[str] = []       # consumed one per DATA; "drop" closes the connection
        self.reached = threading.Event()        # set when DATA number ``pause_at`` arrives
        self.pause_at: int | None = None
        self.hold_every = False                 # every DATA waits for ``release``
        self.release = threading.Event()
        self.data_count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_replies:
            return self.rcpt_replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_count += 1
        if self.hold_every or (self.pause_at is not None and self.data_count == self.pause_at):
            self.reached.set()
            while not self.release.is_set():        # hold the reply: the sender waits here
                import asyncio
                await asyncio.sleep(0.05)
        reply = self.data_replies.pop(0) if self.data_replies else "250 OK"
        if reply == "drop":
            server.transport.close()
            return "421 closing"
        if reply.startswith("250"):
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return reply


@pytest.fixture
def scripted(app):
    handler = Scripted()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(TRACKER_NOW=NOW, MAIL_TIMEOUT=2)
    mail = app.extensions["mail"]
    mail.server, mail.port, mail.suppress = "127.0.0.1", controller.port, False
    yield handler
    handler.release.set()
    controller.stop()


def test_a_server_that_never_greets_times_out_and_loses_nothing(app, session, scripted):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)                          # accepts connections, never says a word
    app.extensions["mail"].port = silent.getsockname()[1]
    _queue(session, 3)
    started = time.monotonic()
    try:
        report = send_due(session)
    finally:
        silent.close()
    assert time.monotonic() - started < 30    # MAIL_TIMEOUT is 2 s: not the 90 s and more of no timeout
    assert report.retried == 3 and report.sent == 0
    rows = session.scalars(select(OutboxMessage)).all()
    assert all(r.state == QUEUED and r.attempts == 1 and "máy chủ thư" in r.last_error for r in rows)


def test_greylisting_is_retried_later_not_failed(app, session, scripted):
    scripted.rcpt_replies = ["451 4.7.1 Greylisted, please try again later"]
    [first, second] = _queue(session, 2)
    report = send_due(session)
    assert report.retried == 1 and report.sent == 1 and report.failed == 0
    session.refresh(first)
    assert first.state == QUEUED and "451" in first.last_error and first.next_attempt_at > NOW
    app.config["TRACKER_NOW"] = NOW + timedelta(minutes=5)
    assert send_due(session).sent == 1
    assert sorted(m["To"] for m in scripted.messages) == ["canbo0@soctrang.example", "canbo1@soctrang.example"]


def test_a_permanent_refusal_fails_at_once_with_the_servers_reply(app, session, scripted):
    scripted.data_replies = ["554 5.7.1 Message rejected as spam"]
    [row] = _queue(session, 1)
    report = send_due(session)
    assert report.failed == 1 and report.retried == 0
    session.refresh(row)
    assert row.state == FAILED and row.attempts == 1 and "554" in row.last_error and "spam" in row.last_error


def test_a_dropped_connection_is_reopened_once_and_the_rest_go_out(app, session, scripted):
    scripted.data_replies = ["250 OK", "drop"]           # the second message loses the connection
    _queue(session, 4)
    report = send_due(session)
    assert report.sent == 4 and report.retried == 0
    assert sorted(m["To"] for m in scripted.messages) == [f"canbo{i}@soctrang.example" for i in range(4)]
    assert all(r.state == SENT for r in session.scalars(select(OutboxMessage)))


def test_an_outcome_never_overwrites_what_changed_meanwhile(app, session, scripted):
    """A row failed as stuck and queued again by an administrator while this sender still
    held it: the sender's late "sent" must not turn it back, nor its "failed"."""
    [row] = _queue(session, 1)
    [claimed] = _claim(session, NOW)
    session.commit()
    claimed_at = claimed.claimed_at
    with db.engine.begin() as other:          # the same row, changed by someone else
        other.execute(OutboxMessage.__table__.update().where(OutboxMessage.id == row.id)
                      .values(state=QUEUED, claimed_at=None))
    from tracker.mail.outbox import SendReport
    report = SendReport()
    _outcome(session, claimed, claimed_at, SENT, "", report, app.config)
    session.commit()
    session.expire_all()
    assert session.get(OutboxMessage, row.id).state == QUEUED
    assert report.sent == 0 and "changed by another sender" in report.errors[-1]


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_sender_killed_mid_run_leaves_at_most_one_message_in_doubt(app, session, scripted, tmp_path, sig,
                                                                     database_url):
    """`flask jobs run send` in its own process, signalled while the server holds the reply
    to its third message. SIGKILL: two are sent, one is in doubt, the rest were never
    touched. SIGTERM (a service stop): it finishes the third and stops, nothing in doubt."""
    _queue(session, 8)
    scripted.pause_at = 3
    env = {**os.environ, "TRACKER_DATABASE_URL": database_url, "TRACKER_SECRET_KEY": SECRET_KEY,
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(app.extensions["mail"].port)}
    output = tmp_path / "sender.log"
    with open(output, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "run", "send"],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            assert scripted.reached.wait(60), output.read_text()
            process.send_signal(sig)
            threading.Event().wait(0.5)
            scripted.release.set()                          # the server answers the third at last
            process.wait(30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(30)
            scripted.release.set()
    session.expire_all()
    states = [r.state for r in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    delivered = 2 if sig == signal.SIGKILL else 3
    assert states.count(SENT) == delivered, output.read_text()
    assert states.count(SENDING) == (1 if sig == signal.SIGKILL else 0)
    assert states.count(QUEUED) == 5
    untouched = session.scalars(select(OutboxMessage).where(OutboxMessage.state == QUEUED)).all()
    assert all(r.attempts == 0 for r in untouched)
    assert len(scripted.messages) == delivered


def _fail_all(session, when: datetime):
    for row in session.scalars(select(OutboxMessage)):
        row.state, row.claimed_at, row.last_error, row.attempts = FAILED, when, "554 refused", 8
    session.commit()


def test_every_failed_message_can_be_queued_again_at_once(app, session, runner, scripted):
    rows = _queue(session, 3)
    _fail_all(session, NOW - timedelta(days=2))
    rows[2].claimed_at = NOW
    session.commit()
    assert runner.invoke(args=["outbox", "retry"]).exit_code == 2                 # which ones?
    assert runner.invoke(args=["outbox", "retry", "1", "--failed"]).exit_code == 2
    since = runner.invoke(args=["outbox", "retry", "--failed", "--since", "2020-03-23"])
    assert since.exit_code == 0 and "1 thư lỗi" in since.output                  # only the recent one
    every = runner.invoke(args=["outbox", "retry", "--failed"])
    assert every.exit_code == 0 and "2 thư lỗi" in every.output
    session.expire_all()
    assert all(r.state == QUEUED and r.attempts == 0 for r in session.scalars(select(OutboxMessage)))
    assert send_due(session).sent == 3


def test_the_outbox_page_shows_the_sender_and_retries_every_failed_message(app, session, people, scripted):
    from .conftest import csrf_of, sign_in
    _queue(session, 2)
    _fail_all(session, NOW - timedelta(hours=1))
    client = app.test_client()
    sign_in(client, "admin@tracker.example", "/admin/outbox")
    page = client.get("/admin/outbox")
    assert "Lỗi: 2 thư" in page.text and "Gửi lại mọi thư lỗi" in page.text
    done = client.post("/admin/outbox/retry-failed", data={"csrf_token": csrf_of(page)}, follow_redirects=True)
    assert "2 thư lỗi sẽ được gửi lại" in done.text
    assert {r.state for r in session.scalars(select(OutboxMessage))} == {QUEUED}


def test_administrators_are_told_once_a_day_when_nothing_has_gone_out_for_half_an_hour(app, session, people,
                                                                                    scripted):
    from tracker.jobs import run
    _queue(session, 2)
    scripted.rcpt_replies = ["451 try later"] * 100          # every attempt is put off
    run("send", NOW)
    assert not session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "sending_alert")).all()
    for minutes in (20, 40, 50):                              # still failing after half an hour
        run("send", NOW + timedelta(minutes=minutes))
    alerts = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "sending_alert")).all()
    assert [a.recipient for a in alerts] == ["admin@tracker.example"]
    assert "451" in alerts[0].body_text and "/admin/outbox" in alerts[0].body_text
    scripted.rcpt_replies = []
    run("send", NOW + timedelta(hours=2))                     # the server is back: everything goes
    subjects = [m["Subject"] for m in scripted.messages]
    assert "[Cảnh báo] Hệ thống không gửi được thư nhắc việc" in subjects and len(subjects) == 3


def test_a_server_that_hangs_mid_data_times_out_and_the_message_waits_its_turn(app, session, scripted):
    """The server takes the message and never answers: after MAIL_TIMEOUT (here 1 s) on each
    try (and one reconnection), the message goes back to the queue with a backoff and the
    run ends, instead of blocking the scheduler's sender for minutes."""
    app.config["MAIL_TIMEOUT"] = 1
    scripted.hold_every = True                           # no DATA is ever answered
    [row] = _queue(session, 1)
    started = time.monotonic()
    report = send_due(session)
    assert time.monotonic() - started < 20
    assert report.retried == 1 and report.sent == 0
    session.refresh(row)
    assert row.state == QUEUED and row.next_attempt_at > NOW and row.last_error
