"""The outbox ledger and its sender.

Planning jobs ``enqueue`` rendered messages; the sender job claims what is due, one
message at a time, and sends it over one SMTP connection per run. The guarantees:

- **never twice**: a message has a unique idempotency key, so planning the same thing again
  adds nothing; a row is claimed (``queued`` → ``sending``) in its own committed
  transaction before it is sent — with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, and a
  compare-and-set update everywhere — so two senders never take the same row; it is marked
  ``sent`` right after the server accepts it, by a compare-and-set that never overwrites
  what another sender or an administrator did meanwhile. The next message is claimed in
  the commit that records this one, so a crash leaves at most one row in ``sending``; it
  might have gone out, so it is not retried blindly: once older than any live sender can
  hold a message (``stuck_after``: every SMTP step times out), it is failed with that
  reason for an administrator to look at.
- **never lost**: a temporary refusal (4xx), a timeout or an unreachable server keeps the
  message in the outbox, retried with exponential backoff; after the last attempt, or at
  once on a permanent refusal (5xx, with the server's reply), it is ``failed`` with the
  error, visible to administrators. A message that cannot go out at all (no address, a malformed one) is
  recorded as failed with the reason.
"""

from __future__ import annotations

import hashlib
import smtplib
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from typing import cast
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import clock
from ..addresses import bare_address, valid_address
from ..models import FAILED, QUEUED, SENDING, SENT, OutboxItem, OutboxMessage
from .compose import ComposedMail, to_message
from .links import fill as fill_links


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
    host = urlsplit(current_app.config["TRACKER_BASE_URL"]).hostname or "tracker"   # no port: not in a Message-ID
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


def _due_query(now: datetime, postgresql: bool, limit: int):
    query = (select(OutboxMessage.id).where(OutboxMessage.state == QUEUED, OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    return query.with_for_update(skip_locked=True) if postgresql else query


def _claim(session: Session, now: datetime, limit: int = 1) -> list[OutboxMessage]:
    """Take up to ``limit`` due messages for this sender (``queued`` → ``sending``), in the
    session's transaction: the caller commits. Compare-and-set, so two senders never take
    the same row (and on PostgreSQL they skip each other's locked rows)."""
    postgresql = session.get_bind().dialect.name == "postgresql"
    claimed = []
    for message_id in session.scalars(_due_query(now, postgresql, limit)).all():
        result = cast(CursorResult, session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.state == QUEUED)
            .values(state=SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)))
        if result.rowcount == 1:
            claimed.append(message_id)
    if not claimed:
        return []
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(claimed))
                                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)))


def _claim_next(session: Session, now: datetime) -> OutboxMessage | None:
    """The next due message, taken for this sender in one statement (``UPDATE … WHERE id =
    (the first due) … RETURNING``; on PostgreSQL the subquery locks the row and skips those
    another sender holds). In the session's transaction: the caller commits."""
    postgresql = session.get_bind().dialect.name == "postgresql"
    statement = (update(OutboxMessage)
                 .where(OutboxMessage.id == _due_query(now, postgresql, 1).scalar_subquery(),
                        OutboxMessage.state == QUEUED)
                 .values(state=SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
                 .returning(OutboxMessage)
                 .execution_options(synchronize_session=False, populate_existing=True))
    return session.scalars(statement).first()


def stuck_after(config) -> timedelta:
    """How long a live sender can hold one message: every SMTP step is bounded by
    ``MAIL_TIMEOUT`` (a connection and a reconnection of five steps each, a delivery of five
    more each time), plus a minute for the rest. A row ``sending`` for longer was left by a
    crash, never by a sender still at work."""
    return timedelta(seconds=20 * config["MAIL_TIMEOUT"] + 60)


def _fail_stuck(session: Session, now: datetime) -> int:
    """Rows left "sending" by a crash: they may have gone out, so do not resend blindly."""
    threshold = now - stuck_after(current_app.config)
    stuck = session.scalars(select(OutboxMessage).where(
        OutboxMessage.state == SENDING, OutboxMessage.claimed_at < threshold)).all()
    failed = 0
    for row in stuck:
        failed += _settle(session, row, row.claimed_at, state=FAILED, last_error=(
            "Tiến trình gửi bị dừng giữa chừng: không rõ thư đã đi hay chưa. "
            "Kiểm tra hộp thư người nhận rồi gửi lại nếu cần. / The sender stopped "
            "while sending: it is not known whether the message went out."))
    session.commit()
    return failed


def _settle(session: Session, row: OutboxMessage, claimed_at: datetime | None, **values) -> int:
    """Record a claimed message's outcome, only if it is still this claim's: a compare-and-set
    on the state and the claim time, so nothing another sender or an administrator did since
    is overwritten. 1 if recorded."""
    result = cast(CursorResult, session.execute(
        update(OutboxMessage).where(OutboxMessage.id == row.id, OutboxMessage.state == SENDING,
                                    OutboxMessage.claimed_at == claimed_at).values(**values)))
    return result.rowcount


def _backoff(attempts: int) -> timedelta:
    base = current_app.config["TRACKER_MAIL_RETRY_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


class _Dropped(Exception):
    """The server closed the connection: reconnect once and try the message again."""


def _connect(config) -> smtplib.SMTP:
    """An SMTP connection whose every step times out after ``MAIL_TIMEOUT`` (Flask-Mail's
    own connection waits forever on a server that accepts and never answers)."""
    settings = current_app.extensions["mail"]          # Flask-Mail's live settings
    kind = smtplib.SMTP_SSL if settings.use_ssl else smtplib.SMTP
    host = kind(settings.server, settings.port, timeout=config["MAIL_TIMEOUT"])
    try:
        if settings.use_tls:
            host.starttls()
        if settings.username and settings.password:
            host.login(settings.username, settings.password)
    except BaseException:
        host.close()
        raise
    return host


def _deliver(host: smtplib.SMTP, message, sender: str, recipient: str) -> tuple[str, str]:
    """Hand one message to the server: (``SENT``, ""), (``QUEUED``, why: try again later) or
    (``FAILED``, the server's reply); ``_Dropped`` when the connection went away.

    A 4xx reply (greylisting, a full mailbox, a busy server) is temporary and retried with
    backoff; a 5xx reply is permanent and failed at once with the server's words."""
    try:
        host.send_message(message, from_addr=bare_address(sender) or sender, to_addrs=[recipient])
    except smtplib.SMTPServerDisconnected as exc:
        raise _Dropped(str(exc)) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        code, reply = next(iter(exc.recipients.values()), (550, b""))
        return _by_code(code, reply, "Máy chủ thư từ chối người nhận")
    except smtplib.SMTPResponseException as exc:         # MAIL FROM or DATA refused
        return _by_code(exc.smtp_code, exc.smtp_error, "Máy chủ thư không nhận thư")
    except (TimeoutError, OSError, smtplib.SMTPException) as exc:
        raise _Dropped(f"{type(exc).__name__}: {exc}") from exc
    return SENT, ""


def _by_code(code: int, reply: bytes | str, what: str) -> tuple[str, str]:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return (QUEUED if 400 <= code < 500 else FAILED), f"{what}: {code} {text}".strip()


#: set on SIGTERM (a service stop or restart): the sender finishes the message in hand and
#: claims no other, so a stop leaves nothing in doubt
STOPPING = threading.Event()


def send_due(session: Session, limit: int | None = None) -> SendReport:
    """Send what is due, one message at a time over one SMTP connection. Safe to run
    concurrently (each message is claimed by compare-and-set).

    A message is claimed in the same commit that records the previous one's outcome, so
    a crash leaves at most one message of this sender in doubt. Every SMTP step times out
    (``MAIL_TIMEOUT``); a dropped connection is reopened once."""
    config = current_app.config
    report = SendReport()
    _fail_stuck(session, clock.now())
    limit = limit or config["TRACKER_MAIL_BATCH"]
    sender = config["MAIL_DEFAULT_SENDER"]
    suppressed = current_app.extensions["mail"].suppress          # MAIL_SUPPRESS_SEND: nothing leaves
    host: smtplib.SMTP | None = None
    handled = 0
    row = _claim_next(session, clock.now()) if not STOPPING.is_set() else None
    session.commit()
    try:
        while row is not None:
            claimed_at = row.claimed_at
            recipient = row.recipient
            state: str
            if recipient is None or not valid_address(recipient):     # a retried message with no address
                state, error = FAILED, f"Không có địa chỉ email hợp lệ (“{recipient or ''}”)."
            elif suppressed:
                state, error = SENT, ""
            else:
                # The recipient's sign-in and feed links are minted now, never stored.
                text, html = fill_links(session, recipient, row.body_text, row.body_html)
                message = to_message(ComposedMail(to=recipient, subject=row.subject, text=text, html=html,
                                                  ics=row.ics),
                                     sender, message_id=row.message_id, language=row.language)
                del message["Date"]
                message["Date"] = format_datetime(clock.now())   # the app's clock, like the rest
                try:
                    if host is None:
                        host = _connect(config)
                    try:
                        state, error = _deliver(host, message, sender, recipient)
                    except _Dropped:
                        _close(host)
                        host = _connect(config)                  # once: a second drop is an error
                        state, error = _deliver(host, message, sender, recipient)
                except (_Dropped, TimeoutError, OSError, smtplib.SMTPException) as exc:
                    _close(host)
                    host = None
                    state, error = QUEUED, f"Không kết nối được máy chủ thư: {exc}"
            _outcome(session, row, claimed_at, state, error, report, config)
            handled += 1
            if state == QUEUED and host is None:
                # The server is unreachable: every due message waits its backoff, untried.
                for waiting in _claim(session, clock.now(), limit - handled):
                    _outcome(session, waiting, waiting.claimed_at, QUEUED, error, report, config)
                session.commit()
                break
            row = _claim_next(session, clock.now()) if handled < limit and not STOPPING.is_set() else None
            session.commit()          # this outcome and the next claim, durable together
    finally:
        _close(host)
    return report


def _close(host: smtplib.SMTP | None) -> None:
    if host is not None:
        try:
            host.quit()
        except (OSError, smtplib.SMTPException):
            host.close()


def _outcome(session: Session, row: OutboxMessage, claimed_at: datetime | None, state: str, error: str,
             report: SendReport, config) -> None:
    if state == SENT:
        values: dict = {"state": SENT, "sent_at": clock.now(), "last_error": ""}
        counter = "sent"
    elif state == QUEUED and row.attempts < config["TRACKER_MAIL_MAX_ATTEMPTS"]:
        values = {"state": QUEUED, "last_error": error[:2000],
                  "next_attempt_at": clock.now() + _backoff(row.attempts)}
        counter = "retried"
    else:
        values = {"state": FAILED, "last_error": error[:2000]}
        counter = "failed"
    if error:
        report.errors.append(error)
    if _settle(session, row, claimed_at, **values):
        setattr(report, counter, getattr(report, counter) + 1)
    else:
        report.errors.append(f"#{row.id}: changed by another sender or an administrator; left as it is")


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
    # Compare-and-set: a sender that meanwhile changed the row is not overwritten.
    result = cast(CursorResult, session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.state == FAILED)
        .values(state=QUEUED, attempts=0, next_attempt_at=clock.now())))
    return row if result.rowcount == 1 else None


def retry_failed(session: Session, since: datetime | None = None) -> int:
    """Queue again every failed message that has an address (failed since ``since``, by its
    last attempt, when given): after the cause (the server, the credentials) was fixed. The
    caller commits; returns how many."""
    query = (update(OutboxMessage).where(OutboxMessage.state == FAILED, OutboxMessage.recipient.is_not(None))
             .values(state=QUEUED, attempts=0, next_attempt_at=clock.now()))
    if since is not None:
        query = query.where(func.coalesce(OutboxMessage.claimed_at, OutboxMessage.created_at) >= since)
    return cast(CursorResult, session.execute(query.execution_options(synchronize_session=False))).rowcount


@dataclass(frozen=True)
class SenderState:
    """How the sender is doing, for the administrators' page."""

    queued: int
    failed: int
    #: the longest a due message has been waiting (None: nothing due)
    oldest_due: datetime | None
    last_sent: datetime | None
    #: failing for ``STALLED_AFTER`` or longer: messages are due, and nothing went out since
    stalled: bool


#: the sender is "stalled" when messages have been due this long and none went out meanwhile
STALLED_AFTER = timedelta(minutes=30)


def is_stalled(session: Session, now: datetime) -> bool:
    """Messages have been retried for ``STALLED_AFTER`` and none went out meanwhile. Asked
    after every send run: the first query reads only the (small) queue, and the second is
    asked only when the first finds a long wait."""
    first_tried = session.scalar(select(func.min(OutboxMessage.created_at))
                                 .where(OutboxMessage.state == QUEUED, OutboxMessage.attempts > 0))
    if first_tried is None or now - first_tried < STALLED_AFTER:
        return False
    return session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.state == SENT, OutboxMessage.sent_at >= now - STALLED_AFTER).limit(1)) is None


def sender_state(session: Session, now: datetime) -> SenderState:
    counts = dict(session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)).all())
    oldest_due = session.scalar(select(func.min(OutboxMessage.next_attempt_at))
                                .where(OutboxMessage.state == QUEUED, OutboxMessage.next_attempt_at <= now))
    last_sent = session.scalar(select(func.max(OutboxMessage.sent_at)))
    return SenderState(counts.get(QUEUED, 0), counts.get(FAILED, 0), oldest_due, last_sent,
                       is_stalled(session, now))


