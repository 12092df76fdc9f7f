"""The outbox and its sender, against a real SMTP server started by the test (aiosmtpd)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.mail.compose import ComposedMail
from tracker.mail.outbox import enqueue, idempotency_key, send_due
from tracker.models import FAILED, QUEUED, SENDING, SENT, OutboxMessage

from .conftest import free_port as _free_port

NOW = datetime(2020, 3, 24, 0, 30, tzinfo=UTC)   # 07:30 in Vietnam


@pytest.fixture
def smtp(app, smtp_server):
    app.config["TRACKER_NOW"] = NOW
    return smtp_server


def _mail(to="canbo@soctrang.example", subject="[Nhắc hạn] 1 nhiệm vụ đến hạn 27/03/2020") -> ComposedMail:
    return ComposedMail(to=to, subject=subject, text="Kính gửi ...\nNhiệm vụ IV.2", html="<p>Nhiệm vụ IV.2</p>",
                        ics=None)


def _queue(session, n=1, **kw):
    rows = []
    for i in range(n):
        key = idempotency_key("reminder", kw.get("to", "canbo@soctrang.example"), "2020-03-24", [f"a{i}:before-3"])
        rows.append(enqueue(session, _mail(**kw), "reminder", key, [(None, None, "before-3")], "Cán bộ"))
    session.commit()
    return rows


def test_a_queued_message_is_delivered_once(app, session, smtp):
    catcher, _ = smtp
    [row] = _queue(session)
    report = send_due(session)
    assert report.sent == 1 and len(catcher.messages) == 1
    rcpts, message = catcher.messages[0]
    assert rcpts == ["canbo@soctrang.example"]
    assert message["Subject"] == "[Nhắc hạn] 1 nhiệm vụ đến hạn 27/03/2020"
    assert message["Message-ID"] == row.message_id
    assert send_due(session).sent == 0 and len(catcher.messages) == 1
    session.refresh(row)
    assert row.state == SENT and row.sent_at is not None and row.attempts == 1


def test_planning_the_same_message_again_adds_nothing(app, session, smtp):
    _queue(session)
    assert _queue(session) == [None]
    assert len(session.scalars(select(OutboxMessage)).all()) == 1


def test_smtp_down_loses_nothing_and_sends_once_when_back(app, session, smtp):
    catcher, controller = smtp
    _queue(session, n=3)
    dead = _free_port()
    app.extensions["mail"].port = dead          # nothing listens there
    report = send_due(session)
    assert report.retried == 3 and report.sent == 0
    rows = session.scalars(select(OutboxMessage)).all()
    assert all(r.state == QUEUED and r.attempts == 1 and r.last_error for r in rows)
    assert all(r.next_attempt_at.replace(tzinfo=UTC) > NOW for r in rows)
    assert send_due(session).sent == 0           # backing off: not due yet
    app.extensions["mail"].port = controller.port
    app.config["TRACKER_NOW"] = NOW + timedelta(minutes=5)
    assert send_due(session).sent == 3
    assert send_due(session).sent == 0
    assert len(catcher.messages) == 3


def test_after_the_last_attempt_a_message_fails_visibly(app, session, smtp):
    app.config["TRACKER_MAIL_MAX_ATTEMPTS"] = 2
    _queue(session)
    app.extensions["mail"].port = _free_port()
    send_due(session)
    app.config["TRACKER_NOW"] = NOW + timedelta(hours=1)
    report = send_due(session)
    assert report.failed == 1
    row = session.scalar(select(OutboxMessage))
    assert row.state == FAILED and "máy chủ thư" in row.last_error and row.attempts == 2


@pytest.mark.parametrize("address", [None, "", "not-an-address", "a@b", "x@y.example\r\nBcc: z@z.example"])
def test_an_undeliverable_address_is_recorded_not_sent(app, session, smtp, address):
    catcher, _ = smtp
    [row] = _queue(session, to=address)
    assert row.state == FAILED and "địa chỉ email" in row.last_error
    assert send_due(session).sent == 0 and catcher.messages == []


def test_a_message_left_sending_by_a_crash_is_not_resent(app, session, smtp):
    catcher, _ = smtp
    [row] = _queue(session)
    row.state, row.claimed_at, row.attempts = SENDING, NOW - timedelta(hours=1), 1
    session.commit()
    send_due(session)
    session.refresh(row)
    assert row.state == FAILED and "không rõ" in row.last_error and catcher.messages == []


def test_two_senders_at_once_send_each_message_once(app, session, smtp):
    catcher, _ = smtp
    _queue(session, n=20)
    errors = []

    def run():
        try:
            with app.app_context():
                send_due(db.session)
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    ids = [m["Message-ID"] for _, m in catcher.messages]
    assert len(ids) == 20 and len(set(ids)) == 20


def test_messages_planned_by_a_run_that_fails_are_rolled_back_with_it(app, session):
    """Planning is one transaction: if the run fails, its messages go with its ledger."""
    app.config["TRACKER_NOW"] = NOW
    for i in range(3):
        key = idempotency_key("reminder", "canbo@soctrang.example", "2020-03-24", [f"a{i}:before-3"])
        enqueue(session, _mail(), "reminder", key, [(None, None, "before-3")], "Cán bộ")
    session.rollback()                       # the run failed before its commit
    assert session.scalars(select(OutboxMessage)).all() == []
