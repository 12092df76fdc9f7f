"""Events and their emission: ``emit`` queues one delivery per active endpoint subscribed,
in the caller's transaction (an event and its deliveries commit together; a rolled-back
status change sends nothing).

Plain Python over sessions (no Flask): the domain functions that make things happen call
``emit`` where they happen (``plans.progress``, ``plans.extension_requests``,
``plans.importer``, ``reminders.planner``).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..models import WebhookDelivery, WebhookEndpoint
from ..models.webhooks import DELIVERY_QUEUED
from ..vocabulary import N_, Vocabulary


class Event(Vocabulary):
    """What an endpoint can be sent, by the codes receivers see (``X-Tracker-Event``)."""

    STATUS_CHANGED = "assignment.status_changed", N_("Trạng thái phân công thay đổi")
    OVERDUE = "assignment.overdue", N_("Phân công quá hạn")
    ESCALATED = "assignment.escalated", N_("Cảnh báo quá hạn")
    EXTENSION_REQUESTED = "extension.requested", N_("Đề nghị gia hạn")
    EXTENSION_DECIDED = "extension.decided", N_("Quyết định gia hạn")
    PLAN_PUBLISHED = "plan.published", N_("Kế hoạch được đưa vào theo dõi")


EVENTS = Event.codes()
EVENT_LABELS = Event.labels()
#: the envelope's shape; bumped only for a change receivers must know of (keys are only added)
PAYLOAD_VERSION = 1

Payload = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


def subscribers(session: Session, event: str) -> list[WebhookEndpoint]:
    """The active endpoints sent ``event`` (the table is small: read whole, filtered here, the
    same on SQLite and PostgreSQL)."""
    return [e for e in session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active)
                                       .order_by(WebhookEndpoint.id))
            if event in (e.events or [])]


def event_id(key: str | None = None) -> str:
    """The event's id (``evt_…``), the same for every endpoint it goes to: from ``key`` when
    the event has a natural identity (a planned reminder step), else random."""
    if key is None:
        return f"evt_{uuid.uuid4().hex}"
    return "evt_" + hashlib.sha256(key.encode()).hexdigest()[:32]


def emit(session: Session, event: str, payload: Payload, key: str | None = None,
         endpoints: Sequence[WebhookEndpoint] | None = None) -> list[WebhookDelivery]:
    """Queue ``event`` for every active endpoint subscribed to it, in the session's
    transaction (the caller commits, or rolls back and nothing is sent).

    ``payload`` is the event's data, or a function that makes it: it is called only when
    some endpoint is subscribed, so an event nobody listens to costs one small query.
    ``key``: the event's natural identity, when it has one; an event with a key is queued
    once per endpoint however often it is emitted. ``endpoints``: the subscribers, when the
    caller already has them (the planner emits many events of one kind).
    """
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    targets = list(endpoints) if endpoints is not None else subscribers(session, event)
    if not targets:
        return []
    data = dict(payload() if callable(payload) else payload)
    now = clock.now()
    evt = event_id(key)
    envelope = {"id": evt, "type": event, "version": PAYLOAD_VERSION,
                "created_at": now.isoformat().replace("+00:00", "Z"), "data": data}
    queued = []
    existing: set[str] = set()
    keys = {f"{evt}:{endpoint.id}" for endpoint in targets}
    if key is not None:      # the same planned step emitted again: queued once
        existing = set(session.scalars(select(WebhookDelivery.idempotency_key)
                                       .where(WebhookDelivery.idempotency_key.in_(keys))))
    for endpoint in targets:
        idempotency_key = f"{evt}:{endpoint.id}"
        if idempotency_key in existing:
            continue
        row = WebhookDelivery(endpoint_id=endpoint.id, event=event, idempotency_key=idempotency_key,
                              payload=envelope, state=DELIVERY_QUEUED, attempts=0, next_attempt_at=now,
                              created_at=now, last_response="", last_error="")
        session.add(row)
        queued.append(row)
    return queued


def emit_many(session: Session, event: str, items: Iterable[tuple[str | None, Payload]]) -> int:
    """``emit`` for many events of one kind (the planner's overdue notices), reading the
    subscribers once. Returns how many deliveries were queued."""
    pending = list(items)
    targets = subscribers(session, event) if pending else []
    if not targets:
        return 0
    return sum(len(emit(session, event, payload, key=key, endpoints=targets)) for key, payload in pending)


__all__ = ["EVENTS", "EVENT_LABELS", "Event", "PAYLOAD_VERSION", "emit", "emit_many", "event_id", "subscribers"]
