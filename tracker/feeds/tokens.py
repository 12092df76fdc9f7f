"""Feed tokens: 256 random bits, shown once, stored only as a SHA-256, bound to one feed.

A feed URL is a bearer secret (docs/calendar.md §Feed tokens): anyone holding it reads the
feed, so each token opens exactly one feed, can be named, listed, revoked and rotated, and an
unknown or revoked token is indistinguishable from a page that does not exist (404).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import FEED_KINDS, FeedToken
from ..models.base import table_of, utcnow
from ..models.feed import feed_key

TOKEN_BYTES = 32          # 256 bits, well above the 128 the issue asks for
_USE_RESOLUTION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(session: Session, kind: str, label: str, target_id: int | None = None,
           target_email: str | None = None, by: str = "cli",
           replaces: FeedToken | None = None) -> tuple[FeedToken, str]:
    """A new token for one feed. Returns the row and the token itself (never stored)."""
    if kind not in FEED_KINDS:
        raise ValueError(f"unknown feed kind {kind!r}")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = FeedToken(kind=kind, target_id=target_id, target_email=target_email,
                    token_hash=hash_token(token), hint=token[-4:], label=label.strip()[:100] or kind,
                    created_by=by, replaces=replaces)
    session.add(row)
    return row, token


def _digest(token: str) -> str | None:
    return hash_token(token) if token and len(token) <= 200 else None


def _live(token_hash: str, revoked_at: datetime | None, digest: str) -> bool:
    # The lookup is by the token's hash (an index lookup on a value an attacker cannot
    # choose); the constant-time comparison is a second guard.
    return revoked_at is None and secrets.compare_digest(token_hash, digest)


def find(session: Session, token: str) -> FeedToken | None:
    """The live token row for a presented token, or None."""
    digest = _digest(token)
    if digest is None:
        return None
    row = session.scalar(select(FeedToken).where(FeedToken.token_hash == digest))
    return row if row is not None and _live(row.token_hash, row.revoked_at, digest) else None


@dataclass(frozen=True)
class Presented:
    """A live token as a poll needs it: read with one Core query, not an ORM object
    (a poll is answered in about a millisecond, and the ORM's load was half of it)."""

    id: int
    kind: str
    target_id: int | None
    target_email: str | None
    last_used_at: datetime | None

    @property
    def feed_key(self) -> str:
        return feed_key(self.kind, self.target_id, self.target_email)


#: what ``presented`` and ``lookup`` give for a token that was revoked or rotated: the feed is
#: gone for good (410), which tells calendar clients to stop polling; unknown tokens are 404
GONE = "gone"


def presented(session: Session, token: str) -> Presented | str | None:
    """The live token as a poll needs it, ``GONE`` for a revoked or rotated one, None for
    one that never existed."""
    digest = _digest(token)
    if digest is None:
        return None
    t = table_of(FeedToken).c
    row = session.connection().execute(
        select(t.id, t.kind, t.target_id, t.target_email, t.last_used_at, t.token_hash, t.revoked_at)
        .where(t.token_hash == digest)).first()
    if row is None or not secrets.compare_digest(row.token_hash, digest):
        return None
    if row.revoked_at is not None:
        return GONE
    return Presented(row.id, row.kind, row.target_id, row.target_email, row.last_used_at)


def touch(session: Session, row: Presented, now: datetime) -> bool:
    """Record a use, at most once a minute (a poll must not write every time): one UPDATE,
    in the session's transaction, when the last one is a minute old."""
    last = row.last_used_at
    if last is not None and now - last < _USE_RESOLUTION:
        return False
    t = table_of(FeedToken)
    session.connection().execute(update(t).where(t.c.id == row.id).values(last_used_at=now))
    return True


def revoke(row: FeedToken, now: datetime | None = None) -> None:
    if row.revoked_at is None:
        row.revoked_at = now or utcnow()


def rotate(session: Session, row: FeedToken, by: str = "cli") -> tuple[FeedToken, str]:
    """Replace a token with a new one for the same feed; the old one stops working now."""
    revoke(row)
    return create(session, row.kind, row.label, row.target_id, row.target_email, by=by, replaces=row)


MAIL_LABEL = "Liên kết trong thư nhắc việc"


def mail_token(session: Session, email: str, secret_key: str) -> str:
    """The officer's feed token quoted in reminder emails.

    Emails need the URL every time, but only hashes are stored, so this one token is
    derived from the secret key, the address and a generation: reproducible by the server,
    unguessable without the key, and still revocable — revoking it moves the generation on,
    and the next email carries a new link.
    """
    email = email.strip().lower()
    rows = session.scalars(select(FeedToken).where(
        FeedToken.kind == "officer", FeedToken.target_email == email, FeedToken.label == MAIL_LABEL)).all()
    generation = sum(1 for r in rows if r.revoked_at is not None)
    digest = hmac.new(secret_key.encode(), f"mail-feed:{email}:{generation}".encode(), hashlib.sha256).digest()
    token = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    if not any(r.token_hash == hash_token(token) for r in rows):
        session.add(FeedToken(kind="officer", target_email=email, token_hash=hash_token(token),
                              hint=token[-4:], label=MAIL_LABEL, created_by="mail"))
        session.flush()
    return token
