"""The outbox ledger and its sender.

Planning jobs ``enqueue`` rendered messages; the sender job claims what is due and sends
it through one SMTP connection per batch (Flask-Mail's connection). The guarantees:

- **never twice**: a message has a unique idempotency key, so planning the same thing again
  adds nothing; a row is claimed (``queued`` → ``sending``) in its own committed
  transaction before it is sent — with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, and a
  compare-and-set update everywhere — so two senders never take the same row; it is marked
  ``sent`` right after the server accepts it. A row a crash left in ``sending`` might have
  gone out, so it is not retried blindly: it is failed with that reason for an
  administrator to look at.
- **never lost**: a refused or failed send stays in the outbox and is retried with
  exponential backoff; after the last attempt it is ``failed`` with the error, visible to
  administrators. A message that cannot go out at all (no address, a malformed one) is
  recorded as failed with the reason.
"""

from __future__ import annotations

import hashlib
import re
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from typing import cast

from flask import current_app
from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import clock
from ..extensions import mail
from ..models import FAILED, QUEUED, SENDING, SENT, OutboxItem, OutboxMessage
from .compose import ComposedMail, to_message
from .links import fill as fill_links

_ADDRESS = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
STUCK_AFTER = timedelta(minutes=15)


def valid_address(address: str | None) -> bool:
    return address is not None and len(address) <= 254 and bool(_ADDRESS.match(address))


def idempotency_key(kind: str, recipient: str | None, day: str, parts: list[str]) -> str:
    digest = hashlib.sha256("|".join(sorted(parts)).encode()).hexdigest()[:32]
    return f"{kind}:{(recipient or '').lower()}:{day}:{digest}"[:255]


def enqueue(session: Session, composed: ComposedMail, kind: str, key: str,
            items: list[tuple[int | None, int | None, str]], recipient_name: str = "",
            language: str = "vi") -> OutboxMessage | None:
    """Add a message unless one with the same key exists; None if it did.

    ``items`` are (assignment_id, occurrence_id, step_key). An invalid address is recorded
    as a failed message with the reason, so nobody wonders why nothing arrived.
    """
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)):
        return None
    now = clock.now()
    host = current_app.config["TRACKER_BASE_URL"].split("://")[-1].split("/")[0] or "tracker"
    row = OutboxMessage(
        idempotency_key=key, kind=kind, recipient=composed.to or None, recipient_name=recipient_name,
        language=language, subject=composed.subject, body_text=composed.text, body_html=composed.html,
        ics=composed.ics, message_id=f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{host}>",
        state=QUEUED, next_attempt_at=now, created_at=now,
        items=[OutboxItem(assignment_id=a, occurrence_id=o, step_key=s) for a, o, s in items])
    if not valid_address(composed.to):
        row.state = FAILED
        row.last_error = (f"Không có địa chỉ email hợp lệ (“{composed.to or ''}”): thư không gửi được. "
                          "Cập nhật danh mục cán bộ đầu mối.")
    if session.get_bind().dialect.name == "sqlite":
        # pysqlite begins a transaction lazily: a SAVEPOINT as the run's first write would
        # start one and its RELEASE would commit the message on its own, outside the run.
        # SQLite serialises writers, so the check above suffices; a racing insert fails the
        # run, and the next run plans it again.
        session.add(row)
        session.flush()
        return row
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:       # planned concurrently by another run: theirs stands
        return None
    return row


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _claim(session: Session, now: datetime, limit: int) -> list[OutboxMessage]:
    query = (select(OutboxMessage.id).where(OutboxMessage.state == QUEUED,
                                            OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    claimed = []
    for message_id in ids:
        # Compare-and-set: only one claimer can move a row out of "queued".
        result = cast(CursorResult, session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.state == QUEUED)
            .values(state=SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)))
        if result.rowcount == 1:
            claimed.append(message_id)
    session.commit()
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(claimed))
                                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id))) if claimed else []


def _fail_stuck(session: Session, now: datetime) -> int:
    """Rows left "sending" by a crash: they may have gone out, so do not resend blindly."""
    stuck = session.scalars(select(OutboxMessage).where(
        OutboxMessage.state == SENDING, OutboxMessage.claimed_at < now - STUCK_AFTER)).all()
    for row in stuck:
        row.state = FAILED
        row.last_error = ("Tiến trình gửi bị dừng giữa chừng: không rõ thư đã đi hay chưa. "
                          "Kiểm tra hộp thư người nhận rồi gửi lại nếu cần. / The sender stopped "
                          "while sending: it is not known whether the message went out.")
    session.commit()
    return len(stuck)


def _backoff(attempts: int) -> timedelta:
    base = current_app.config["TRACKER_MAIL_RETRY_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def send_due(session: Session, limit: int | None = None) -> SendReport:
    """Send what is due, one SMTP connection for the batch. Safe to run concurrently."""
    config = current_app.config
    now = clock.now()
    report = SendReport()
    _fail_stuck(session, now)
    batch = _claim(session, now, limit or config["TRACKER_MAIL_BATCH"])
    if not batch:
        return report
    sender = config["MAIL_DEFAULT_SENDER"]
    try:
        connection = mail.connect()
        connection.__enter__()
    except (OSError, smtplib.SMTPException) as exc:
        for row in batch:
            _retry_or_fail(row, f"Không kết nối được máy chủ thư: {exc}", report, config)
        session.commit()
        return report
    try:
        for row in batch:
            recipient = row.recipient
            if recipient is None or not valid_address(recipient):     # a retried message with no address
                row.state, row.last_error = FAILED, f"Không có địa chỉ email hợp lệ (“{recipient or ''}”)."
                report.failed += 1
                session.commit()
                continue
            try:
                # The recipient's sign-in and feed links are minted now, never stored.
                text, html = fill_links(session, recipient, row.body_text, row.body_html)
                message = to_message(ComposedMail(to=recipient, subject=row.subject,
                                                  text=text, html=html, ics=row.ics),
                                     sender, message_id=row.message_id, language=row.language)
                del message["Date"]
                message["Date"] = format_datetime(clock.now())   # the app's clock, like the rest
                assert connection.host is not None, "MAIL_SUPPRESS_SEND: Flask-Mail opened no SMTP connection"
                connection.host.send_message(message, from_addr=_envelope(sender), to_addrs=[recipient])
            except smtplib.SMTPRecipientsRefused as exc:
                row.state, row.last_error = FAILED, f"Máy chủ thư từ chối người nhận: {exc.recipients}"
                report.failed += 1
            except (TimeoutError, OSError, smtplib.SMTPException) as exc:
                _retry_or_fail(row, f"Lỗi gửi thư: {exc}", report, config)
            else:
                row.state, row.sent_at, row.last_error = SENT, clock.now(), ""
                report.sent += 1
            session.commit()          # each outcome is durable before the next send
    finally:
        try:
            connection.__exit__(None, None, None)  # type: ignore[arg-type]  # flask-mail's stub wants an exception
        except (OSError, smtplib.SMTPException):
            pass
    return report


def _retry_or_fail(row: OutboxMessage, error: str, report: SendReport, config) -> None:
    row.last_error = error[:2000]
    report.errors.append(error)
    if row.attempts >= config["TRACKER_MAIL_MAX_ATTEMPTS"]:
        row.state = FAILED
        report.failed += 1
    else:
        row.state = QUEUED
        row.next_attempt_at = clock.now() + _backoff(row.attempts)
        report.retried += 1


def messages_query(state: str | None = None, kind: str | None = None, recipient: str | None = None):
    """The outbox, newest first, optionally one state, one kind, an address containing
    ``recipient`` (``flask outbox list`` and the administrators' page)."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if state:
        query = query.where(OutboxMessage.state == state)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    if recipient:
        query = query.where(func.lower(OutboxMessage.recipient).contains(recipient.strip().lower(),
                                                                        autoescape=True))
    return query


def retry(session: Session, message_id: int) -> OutboxMessage | None:
    """Queue a failed message again, due now and with a fresh count of attempts (after the
    cause was fixed); None if there is no such failed message. The caller commits.

    The row keeps its Message-ID and idempotency key: it is the same message, not a new one.
    """
    row = session.get(OutboxMessage, message_id)
    if row is None or row.state != FAILED:
        return None
    row.state, row.attempts, row.next_attempt_at = QUEUED, 0, clock.now()
    return row


def _envelope(sender: str) -> str:
    match = re.search(r"<([^>]+)>", sender)
    return match.group(1) if match else sender
