"""The outbox: every message to send is a row, so nothing is lost and nothing goes twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..vocabulary import N_, Vocabulary
from .base import Model, UTCDateTime, utcnow


class OutboxState(Vocabulary):
    """Where a message is on its way out."""

    QUEUED = "queued", N_("Chờ gửi")
    SENDING = "sending", N_("Đang gửi")
    SENT = "sent", N_("Đã gửi")
    FAILED = "failed", N_("Lỗi")


QUEUED, SENDING, SENT, FAILED = OutboxState
OUTBOX_STATES = OutboxState.codes()


class OutboxMessage(Model):
    """One e-mail to one person, rendered when it was planned, sent by the sender job."""

    __tablename__ = "outbox_messages"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: what makes two plannings the same message (kind, recipient, day, items and steps)
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    #: what it is (tracker.mail.kinds): a reminder kind, digest, signin_link or a notice (extension_request, …)
    kind: Mapped[str] = mapped_column(String(30))
    #: the address; None when the person has none (the row is failed with the reason)
    recipient: Mapped[str | None] = mapped_column(String(254))
    #: the recipient's name, as the outbox pages show it ("" if unknown)
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    #: the language it is written in (the recipient's): vi or en
    language: Mapped[str] = mapped_column(String(5), default="vi")
    #: the subject line ("[Nhắc trước hạn] ...")
    subject: Mapped[str] = mapped_column(Text)
    #: plain-text body, with placeholders for the sign-in and feed links (minted when it is sent)
    body_text: Mapped[str] = mapped_column(Text)
    #: HTML body, with the same placeholders
    body_html: Mapped[str] = mapped_column(Text)
    #: the .ics attached for the items in the message
    ics: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: RFC 5322 Message-ID, fixed at planning so a retry is the same message
    message_id: Mapped[str] = mapped_column(String(255))
    #: queued, sending, sent or failed
    state: Mapped[str] = mapped_column(String(10), default=QUEUED)
    #: sends tried so far (an administrator's retry starts again from 0)
    attempts: Mapped[int] = mapped_column(default=0)
    #: not before this time (backoff after a failure)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: why the last send failed, for administrators ("" after a success)
    last_error: Mapped[str] = mapped_column(Text, default="")
    #: when it was planned (for a warning: the day the dashboard counts it sent)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when the sender claimed it (a row left "sending" by a crash is found by this)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when the mail server accepted it (None until then)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    items: Mapped[list[OutboxItem]] = relationship(back_populates="message", cascade="all, delete-orphan")

    __table_args__ = (
        # The sender's query: what is queued and due. Indexed only where still queued.
        Index("ix_outbox_messages_due", "next_attempt_at",
              postgresql_where=text("state = 'queued'"), sqlite_where=text("state = 'queued'")),
    )


class OutboxItem(Model):
    """Which assignment (or occurrence) and which reminder step a message is about."""

    __tablename__ = "outbox_items"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the message (not its RFC Message-ID); deleted with it (CASCADE)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"),
                                            index=True)
    #: the assignment the message is about; None if that row is deleted (SET NULL): the message stays
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id", ondelete="SET NULL"),
                                                      index=True)
    #: the reporting period it is about (None: the whole assignment, or the period was deleted: SET NULL)
    occurrence_id: Mapped[int | None] = mapped_column(ForeignKey("occurrences.id", ondelete="SET NULL"))
    #: the step ("before-3", "overdue-2", "escalation_head", "checkin-2017-06-14")
    step_key: Mapped[str] = mapped_column(String(60))

    message: Mapped[OutboxMessage] = relationship(back_populates="items")
