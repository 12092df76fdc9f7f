"""Calendar feed tokens and the state that makes conditional requests cheap."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, utcnow

# What a feed shows: an officer's agencies, one agency, one plan, or a People's Committee.
FEED_KINDS = ("officer", "agency", "plan", "leadership")


class FeedToken(Model):
    """A secret feed URL. Only the token's SHA-256 is stored; the token is shown once."""

    __tablename__ = "feed_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: officer, agency, plan or leadership
    kind: Mapped[str] = mapped_column(String(20))
    #: the agency (agency, leadership) or plan (plan) the feed is bound to
    target_id: Mapped[int | None]
    #: the officer's email (officer feeds follow the person across their agencies)
    target_email: Mapped[str | None] = mapped_column(String(254))
    #: hex SHA-256 of the token: a stolen database does not give working URLs
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: last four characters, so people can tell their tokens apart in a list
    hint: Mapped[str] = mapped_column(String(8))
    #: the name its owner gave it ("Điện thoại", "Outlook cơ quan")
    label: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: who made it (an account or "cli")
    created_by: Mapped[str] = mapped_column(String(200), default="cli")
    #: when a calendar last fetched it (updated at most once a minute)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: revoked tokens answer 404 and are kept for the audit trail
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: the token this one replaced (rotation)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("feed_tokens.id"))

    replaces: Mapped[FeedToken | None] = relationship(remote_side=[id])

    __table_args__ = (Index("ix_feed_tokens_target", "kind", "target_id"),)

    @property
    def feed_key(self) -> str:
        """One feed, whoever's token opens it: "agency:12", "officer:a@b.example"."""
        return f"{self.kind}:{self.target_email or self.target_id}"


class FeedState(Model):
    """The last version of a feed, since when (its Last-Modified), and its built body."""

    __tablename__ = "feed_states"

    #: "agency:12|event" (feed key and format)
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    #: hash of what the feed is built from
    version: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: the feed as built for this version: a feed is built once per change, not per poll
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
