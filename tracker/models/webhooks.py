"""Webhooks: the addresses administrators register for events, and the ledger of deliveries
(queued like the outbox: nothing lost, nothing sent twice)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..vocabulary import N_, Vocabulary
from .base import Model, UTCDateTime, utcnow


class DeliveryState(Vocabulary):
    """Where a delivery is on its way to the receiver."""

    QUEUED = "queued", N_("Chờ gửi")
    SENDING = "sending", N_("Đang gửi")
    DELIVERED = "delivered", N_("Đã nhận")
    FAILED = "failed", N_("Lỗi")


DELIVERY_QUEUED, DELIVERY_SENDING, DELIVERED, DELIVERY_FAILED = DeliveryState
DELIVERY_STATES = DeliveryState.codes()


class WebhookEndpoint(Model):
    """A URL an administrator registered, with the events it is sent and the secret that
    signs them."""

    __tablename__ = "webhook_endpoints"

    #: surrogate key (what ``flask webhooks remove`` and the page name)
    id: Mapped[int] = mapped_column(primary_key=True)
    #: where deliveries are POSTed (http or https)
    url: Mapped[str] = mapped_column(String(2000))
    #: what it is for, as the administrator wrote it ("Hệ thống báo cáo của tỉnh")
    description: Mapped[str] = mapped_column(String(300), default="")
    #: the event codes it is sent (tracker.webhooks.events.Event), a JSON list
    events: Mapped[list] = mapped_column(JSON, default=list)
    #: the HMAC-SHA256 key deliveries are signed with (``whsec_…``; shown once, when made)
    secret: Mapped[str] = mapped_column(String(100))
    #: disabled endpoints are sent nothing new (what is queued still goes)
    active: Mapped[bool] = mapped_column(default=True)
    #: who registered it: an administrator's e-mail, or "cli"
    created_by: Mapped[str] = mapped_column(String(200))
    #: when it was registered
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deliveries: Mapped[list[WebhookDelivery]] = relationship(
        back_populates="endpoint", cascade="all, delete-orphan", passive_deletes=True)

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.id} {self.url!r}>"


class WebhookDelivery(Model):
    """One event to one endpoint: queued in the caller's transaction, sent by the
    ``webhooks`` job, retried with backoff, kept with the receiver's last answer."""

    __tablename__ = "webhook_deliveries"

    #: surrogate key (sent as ``X-Tracker-Delivery``)
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the endpoint it goes to; deleted with it (CASCADE)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True)
    #: the event code ("assignment.status_changed"), sent as ``X-Tracker-Event``
    event: Mapped[str] = mapped_column(String(40))
    #: what makes two emissions the same delivery (the event's id and the endpoint)
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    #: the JSON body (the event's envelope), signed and sent as written
    payload: Mapped[dict] = mapped_column(JSON)
    #: queued, sending, delivered or failed
    state: Mapped[str] = mapped_column(String(10), default=DELIVERY_QUEUED)
    #: sends tried so far (an administrator's redelivery starts again from 0)
    attempts: Mapped[int] = mapped_column(default=0)
    #: not before this time (backoff after a failure)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when a sender claimed it (a row left "sending" by a crash is found by this)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the HTTP status of the receiver's last answer (None: none yet, or no answer)
    last_status_code: Mapped[int | None] = mapped_column()
    #: the start of the receiver's last answer body (at most 2,000 characters)
    last_response: Mapped[str] = mapped_column(Text, default="")
    #: why the last try failed ("" after a success): a timeout, a refused connection, a status
    last_error: Mapped[str] = mapped_column(Text, default="")
    #: when the event happened and the delivery was queued
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when the receiver answered 2xx (None until then)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    endpoint: Mapped[WebhookEndpoint] = relationship(back_populates="deliveries")

    __table_args__ = (
        # The sender's query: what is queued and due. Indexed only where still queued.
        Index("ix_webhook_deliveries_due", "next_attempt_at",
              postgresql_where=text("state = 'queued'"), sqlite_where=text("state = 'queued'")),
    )
