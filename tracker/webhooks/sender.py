"""The webhooks sender: what is due in the deliveries ledger, POSTed one at a time, signed.

The same discipline as the outbox (``tracker.mail.outbox``):

- **never twice**: a delivery is claimed (``queued`` → ``sending``) in its own committed
  transaction before it is sent — ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, and a
  compare-and-set everywhere — so two senders never take the same row; its outcome is
  recorded by a compare-and-set on the claim (state and claim time), so nothing another
  sender or an administrator did meanwhile is overwritten. The next delivery is claimed in
  the commit that records this one: a crash leaves at most one row in ``sending``. It may
  have arrived, so it is not retried blindly: once older than any live sender can hold a
  delivery (``stuck_after``) it is failed with that reason, for an administrator to
  redeliver.
- **never lost**: anything but a 2xx answer (another status, a redirect, a refused
  connection, a timeout) keeps the delivery queued with exponential backoff; after the last
  attempt it is ``failed`` with the receiver's last status, answer and error, and an
  administrator can redeliver it. An endpoint that failed once in a run is tried no more in
  that run (its other deliveries wait, untouched, for the next run), so one dead receiver
  cannot hold up the others for long.

Requests (the web pages, the API) never wait for a receiver: they only add rows, in their
own transaction; this runs in the scheduler's ``webhooks`` job (every minute) or ``flask
webhooks deliver``.

Plain Python over sessions (no Flask): the job passes the settings.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from .. import clock
from ..models import WebhookDelivery, WebhookEndpoint
from ..models.webhooks import DELIVERED, DELIVERY_FAILED, DELIVERY_QUEUED, DELIVERY_SENDING
from . import signing

USER_AGENT = "tracker-webhooks/1"
#: the longest answer kept for administrators
EXCERPT_CHARS = 2000
#: the longest wait between two tries
MAX_BACKOFF = timedelta(hours=6)

#: set on SIGTERM (a service stop): the sender finishes the delivery in hand and claims no other
STOPPING = threading.Event()


@dataclass(frozen=True)
class Settings:
    #: seconds a receiver may take to accept the connection, and then each read of its answer
    timeout: int = 10
    max_attempts: int = 8
    #: first retry delay; it doubles each time (at most ``MAX_BACKOFF``)
    retry_seconds: int = 60
    #: at most this many deliveries per run
    batch: int = 200

    @classmethod
    def from_config(cls, config) -> Settings:
        return cls(timeout=config["TRACKER_WEBHOOK_TIMEOUT"], max_attempts=config["TRACKER_WEBHOOK_MAX_ATTEMPTS"],
                   retry_seconds=config["TRACKER_WEBHOOK_RETRY_SECONDS"], batch=config["TRACKER_WEBHOOK_BATCH"])


@dataclass
class DeliveryReport:
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def body_of(payload: dict) -> bytes:
    """The exact bytes sent (and signed): the stored envelope as compact UTF-8 JSON."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def stuck_after(settings: Settings) -> timedelta:
    """How long a live sender can hold one delivery: the connection and every read of the
    answer are bounded by the timeout (a handful of them), plus a minute for the rest. A row
    ``sending`` for longer was left by a crash."""
    return timedelta(seconds=20 * settings.timeout + 60)


def backoff(settings: Settings, attempts: int) -> timedelta:
    return min(timedelta(seconds=settings.retry_seconds * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _due_query(now: datetime, postgresql: bool, skip: set[int]):
    active = select(WebhookEndpoint.id).where(WebhookEndpoint.active)
    query = (select(WebhookDelivery.id)
             .where(WebhookDelivery.state == DELIVERY_QUEUED, WebhookDelivery.next_attempt_at <= now,
                    WebhookDelivery.endpoint_id.in_(active.scalar_subquery()))
             .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(1))
    if skip:
        query = query.where(WebhookDelivery.endpoint_id.not_in(sorted(skip)))
    return query.with_for_update(skip_locked=True, of=WebhookDelivery) if postgresql else query


@dataclass(frozen=True)
class Claimed:
    """What sending a claimed delivery needs, read inside the claim's transaction (the POST
    itself holds no transaction open)."""

    id: int
    claimed_at: datetime
    attempts: int
    endpoint_id: int
    event: str
    url: str
    secret: str
    body: bytes


def claim_next(session: Session, now: datetime, skip: set[int] | None = None) -> Claimed | None:
    """The next due delivery of an active endpoint (not one in ``skip``), taken for this
    sender in one statement (``UPDATE … WHERE id = (the first due) AND state = 'queued'
    RETURNING``; on PostgreSQL the subquery locks the row and skips those another sender
    holds). In the session's transaction: the caller commits."""
    postgresql = session.get_bind().dialect.name == "postgresql"
    statement = (update(WebhookDelivery)
                 .where(WebhookDelivery.id == _due_query(now, postgresql, skip or set()).scalar_subquery(),
                        WebhookDelivery.state == DELIVERY_QUEUED)
                 .values(state=DELIVERY_SENDING, claimed_at=now, attempts=WebhookDelivery.attempts + 1)
                 .returning(WebhookDelivery.id, WebhookDelivery.claimed_at, WebhookDelivery.attempts,
                            WebhookDelivery.endpoint_id, WebhookDelivery.event, WebhookDelivery.payload)
                 .execution_options(synchronize_session=False))
    row = session.execute(statement).first()
    if row is None:
        return None
    endpoint = session.get(WebhookEndpoint, row.endpoint_id)
    assert endpoint is not None          # the foreign key holds it (deleting it deletes the row)
    return Claimed(id=row.id, claimed_at=row.claimed_at, attempts=row.attempts, endpoint_id=row.endpoint_id,
                   event=row.event, url=endpoint.url, secret=endpoint.secret, body=body_of(row.payload))


@dataclass(frozen=True)
class Answer:
    """What came back: a status (None: no answer at all), its body's start, and the error."""

    status: int | None
    excerpt: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is not a delivery: it is recorded as the answer and retried (a POST
    turned into a GET elsewhere would look delivered and be lost)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _excerpt(response) -> str:
    try:
        data = response.read(EXCERPT_CHARS * 4)
    except (OSError, http.client.HTTPException):
        return ""
    return data.decode("utf-8", "replace")[:EXCERPT_CHARS]


def headers_for(claimed: Claimed, timestamp: int) -> dict[str, str]:
    return {"Content-Type": "application/json", "User-Agent": USER_AGENT, "X-Tracker-Event": claimed.event,
            "X-Tracker-Delivery": str(claimed.id),
            "X-Tracker-Signature": signing.header(claimed.secret, timestamp, claimed.body)}


def post(claimed: Claimed, settings: Settings) -> Answer:
    """POST one delivery, signed now (the signature's time is the real time, not the app's
    clock: a receiver compares it with its own)."""
    request = urllib.request.Request(claimed.url, data=claimed.body, method="POST",
                                     headers=headers_for(claimed, int(time.time())))
    try:
        with _OPENER.open(request, timeout=settings.timeout) as response:
            status = response.status
            excerpt = _excerpt(response)
    except urllib.error.HTTPError as exc:          # an answer, just not a 2xx one
        excerpt = _excerpt(exc)
        exc.close()
        return Answer(exc.code, excerpt, f"HTTP {exc.code} {exc.reason}".strip())
    except urllib.error.URLError as exc:
        return Answer(None, "", f"Không kết nối được / could not connect: {exc.reason}")
    except TimeoutError:
        return Answer(None, "", f"Hết thời gian chờ trả lời ({settings.timeout} giây) / no answer within "
                                f"{settings.timeout} s")
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return Answer(None, "", f"{type(exc).__name__}: {exc}")
    if 200 <= status < 300:
        return Answer(status, excerpt)
    return Answer(status, excerpt, f"HTTP {status}")


def _settle(session: Session, claimed: Claimed, **values) -> int:
    """Record a claimed delivery's outcome, only if it is still this claim's. 1 if recorded."""
    result = cast(CursorResult, session.execute(
        update(WebhookDelivery).where(WebhookDelivery.id == claimed.id, WebhookDelivery.state == DELIVERY_SENDING,
                                      WebhookDelivery.claimed_at == claimed.claimed_at)
        .values(**values).execution_options(synchronize_session=False)))
    return result.rowcount


def record(session: Session, claimed: Claimed, answer: Answer, settings: Settings,
           report: DeliveryReport) -> str:
    """The outcome of one try: delivered, queued again after its backoff, or failed after the
    last attempt. Returns the state recorded."""
    values: dict = {"last_status_code": answer.status, "last_response": answer.excerpt[:EXCERPT_CHARS],
                    "last_error": answer.error[:2000]}
    now = clock.now()
    if answer.ok:
        values.update(state=DELIVERED, delivered_at=now, last_error="")
        counter = "delivered"
    elif claimed.attempts < settings.max_attempts:
        values.update(state=DELIVERY_QUEUED, next_attempt_at=now + backoff(settings, claimed.attempts))
        counter = "retried"
    else:
        values.update(state=DELIVERY_FAILED)
        counter = "failed"
    if answer.error:
        report.errors.append(f"#{claimed.id} {claimed.url}: {answer.error}")
    if _settle(session, claimed, **values):
        setattr(report, counter, getattr(report, counter) + 1)
        return values["state"]
    report.errors.append(f"#{claimed.id}: changed by another sender or an administrator; left as it is")
    return ""


def fail_stuck(session: Session, now: datetime, settings: Settings) -> int:
    """Rows left ``sending`` by a crash: they may have arrived, so they are not resent blindly."""
    threshold = now - stuck_after(settings)
    result = cast(CursorResult, session.execute(
        update(WebhookDelivery).where(WebhookDelivery.state == DELIVERY_SENDING,
                                      WebhookDelivery.claimed_at < threshold)
        .values(state=DELIVERY_FAILED, last_error=(
            "Tiến trình gửi bị dừng giữa chừng: không rõ bên nhận đã nhận hay chưa. Kiểm tra rồi gửi lại nếu "
            "cần. / The sender stopped while delivering: it is not known whether the receiver got it."))
        .execution_options(synchronize_session=False)))
    session.commit()
    return result.rowcount


def deliver_due(session: Session, settings: Settings, limit: int | None = None) -> DeliveryReport:
    """Deliver what is due, one at a time. Safe to run concurrently (each delivery is
    claimed by compare-and-set); a claim is committed with the previous outcome."""
    report = DeliveryReport()
    report.failed += fail_stuck(session, clock.now(), settings)
    limit = limit or settings.batch
    failing: set[int] = set()           # endpoints that failed in this run: not tried again in it
    handled = 0
    claimed = claim_next(session, clock.now()) if not STOPPING.is_set() else None
    session.commit()
    while claimed is not None:
        answer = post(claimed, settings)
        record(session, claimed, answer, settings, report)
        handled += 1
        if not answer.ok:
            failing.add(claimed.endpoint_id)
        claimed = (claim_next(session, clock.now(), failing)
                   if handled < limit and not STOPPING.is_set() else None)
        session.commit()                # this outcome and the next claim, durable together
    return report


def due_count(session: Session, now: datetime) -> dict[str, int]:
    """Event → deliveries due now to active endpoints (``jobs run webhooks --dry-run``)."""
    active = select(WebhookEndpoint.id).where(WebhookEndpoint.active).scalar_subquery()
    rows = session.execute(
        select(WebhookDelivery.event, func.count())
        .where(WebhookDelivery.state == DELIVERY_QUEUED, WebhookDelivery.next_attempt_at <= now,
               WebhookDelivery.endpoint_id.in_(active))
        .group_by(WebhookDelivery.event)).all()
    return {event: count for event, count in rows}


__all__ = ["Answer", "Claimed", "DeliveryReport", "STOPPING", "Settings", "USER_AGENT", "body_of", "claim_next",
           "deliver_due", "due_count", "post", "record", "stuck_after"]
