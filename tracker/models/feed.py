"""Calendar feed tokens and the state that makes conditional requests cheap."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, UTCDateTime, utcnow

# What a feed shows: an officer's agencies, one agency, one plan, or a People's Committee.
FEED_KINDS = ("officer", "agency", "plan", "leadership")


def feed_key(kind: str, target_id: int | None, target_email: str | None) -> str:
    """One feed, whoever's token opens it: "agency:12", "officer:a@b.example"."""
    return f"{kind}:{target_email or target_id}"


class FeedToken(Model):
    """A secret feed URL. Only the token's SHA-256 is stored; the token is shown once."""

    __tablename__ = "feed_tokens"

    #: surrogate key
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
    #: when it was made (shown on the subscription page)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: who made it: an account's e-mail, "cli", or "mail" (minted for a reminder)
    created_by: Mapped[str] = mapped_column(String(200), default="cli")
    #: when a calendar last fetched it (updated at most once a minute)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: revoked tokens answer 404 and are kept for the audit trail
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the token this one replaced (rotation)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("feed_tokens.id"))

    replaces: Mapped[FeedToken | None] = relationship(remote_side=[id])

    __table_args__ = (Index("ix_feed_tokens_target", "kind", "target_id"),)

    @property
    def feed_key(self) -> str:
        return feed_key(self.kind, self.target_id, self.target_email)


class FeedState(Model):
    """One feed in one format as last built: its body, what it was built from, and whether
    a write has changed it since. A poll reads this one row (the bodies are deferred), so a
    304 costs the same for 20 events as for 20,000; rebuilds happen off the request path."""

    __tablename__ = "feed_states"

    #: "agency:12|event" (feed key and format)
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    #: officer, agency, plan or leadership: with the target, what a rebuild builds
    kind: Mapped[str] = mapped_column(String(20))
    #: the agency (agency, leadership) or plan (plan) the feed shows; None for an officer feed
    target_id: Mapped[int | None]
    #: for an officer feed: the officer's e-mail (it follows them across their agencies)
    target_email: Mapped[str | None] = mapped_column(String(254))
    #: event or todo
    fmt: Mapped[str] = mapped_column(String(10))
    #: moved by every write that changes what the feed shows (see tracker.feeds.changes)
    generation: Mapped[int] = mapped_column(default=0, server_default="0")
    #: the generation the stored body was built at; behind ``generation``: stale
    built_generation: Mapped[int] = mapped_column(default=-1, server_default="-1")
    #: the local day the body was built for (items turn overdue and the window moves daily)
    built_day: Mapped[date | None]
    #: a fingerprint of the deployment settings the body was built with (time zone, periods…)
    built_with: Mapped[str] = mapped_column(String(64), default="", server_default="")
    #: hash of the body: the ETag; a rebuild that gives the same bytes keeps it
    etag: Mapped[str] = mapped_column(String(64), default="", server_default="")
    #: when the body's bytes last changed: the Last-Modified
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: a process claimed the rebuild at this time (a claim older than a few minutes is void)
    building_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the feed as built (read only when sent)
    body: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    #: the same, gzip-compressed, for clients that accept it (every calendar client does)
    body_gzip: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    @property
    def feed_key(self) -> str:
        return feed_key(self.kind, self.target_id, self.target_email)


class FeedScope(Model):
    """What a stored feed was built from, as scopes a write can name: "agency:12", "plan:3",
    "issuer:1" (a committee's plans), "officer:a@b.example" (an officer's memberships)."""

    __tablename__ = "feed_scopes"

    #: a scope the feed was built from ("agency:12", "plan:3"): a write naming it makes the feed stale
    scope: Mapped[str] = mapped_column(String(300), primary_key=True)
    #: the stored feed (FeedState.key) built from it; deleted with it (CASCADE)
    state_key: Mapped[str] = mapped_column(ForeignKey("feed_states.key", ondelete="CASCADE"), primary_key=True)
