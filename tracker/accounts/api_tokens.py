"""Personal access tokens for the REST API: made and revoked by their account (or the CLI),
shown once, stored as a SHA-256, named, with an expiry and the last use.

A token is ``trk_`` followed by 256 random bits (base64url): the prefix lets secret
scanners and people recognise one in a file or a log. It authenticates as its account,
with the account's role and scope as they are at each request (nothing is copied into the
token), and stops working when it expires, is revoked or the account is disabled.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import UserError
from ..models import Account, ApiToken
from ..models.base import utcnow

PREFIX = "trk_"
TOKEN_BYTES = 32
DEFAULT_DAYS = 90
MAX_DAYS = 366
MAX_PER_ACCOUNT = 20            # live tokens; a script needs one or two
NAME_LENGTH = 100
_USE_RESOLUTION = timedelta(minutes=1)


class TokenError(UserError):
    """``field`` names the form field the message belongs next to (None: the whole form)."""

    def __init__(self, message_vi: str, message_en: str, field: str | None = None):
        super().__init__(message_vi, message_en)
        self.field = field


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(session: Session, account: Account, name: str, days: int = DEFAULT_DAYS,
           by: str | None = None, now: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for ``account``. Returns the row and the token itself (never stored)."""
    now = now or utcnow()
    name = " ".join((name or "").split())
    if not name:
        raise TokenError("Hãy đặt tên cho mã truy cập.", "Give the token a name.", "name")
    if len(name) > NAME_LENGTH:
        raise TokenError(f"Tên mã truy cập dài quá {NAME_LENGTH} ký tự.",
                         f"The token's name is longer than {NAME_LENGTH} characters.", "name")
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"Thời hạn của mã truy cập phải từ 1 đến {MAX_DAYS} ngày.",
                         f"A token must last between 1 and {MAX_DAYS} days.", "days")
    if not account.active:
        raise TokenError("Tài khoản đã bị khóa.", "The account is disabled.")
    if len(live_tokens(session, account, now)) >= MAX_PER_ACCOUNT:
        raise TokenError(f"Mỗi tài khoản có tối đa {MAX_PER_ACCOUNT} mã truy cập còn hiệu lực: hãy thu hồi "
                         "mã không dùng nữa.",
                         f"An account has at most {MAX_PER_ACCOUNT} live tokens: revoke one you no longer use.")
    token = PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    row = ApiToken(account=account, name=name, token_hash=hash_token(token), hint=token[-4:],
                   created_at=now, created_by=by or account.email, expires_at=now + timedelta(days=days))
    session.add(row)
    session.flush()
    return row, token


def tokens_of(session: Session, account: Account | None = None) -> list[ApiToken]:
    """Every token (of ``account``), newest first, revoked and expired ones too."""
    query = select(ApiToken).order_by(ApiToken.id.desc())
    if account is not None:
        query = query.where(ApiToken.account_id == account.id)
    return list(session.scalars(query))


def live_tokens(session: Session, account: Account, now: datetime) -> list[ApiToken]:
    return [t for t in tokens_of(session, account) if t.live(now)]


def find(session: Session, token: str) -> ApiToken | None:
    """The row of a presented token, whatever its state (the caller checks ``live``), or
    None for anything that is not a token of ours."""
    if not token or not token.startswith(PREFIX) or len(token) > 200:
        return None
    digest = hash_token(token)
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    # The lookup is by the hash (a value an attacker cannot choose); compare in constant time anyway.
    if row is None or not secrets.compare_digest(row.token_hash, digest):
        return None
    return row


def touch(session: Session, row: ApiToken, now: datetime) -> bool:
    """Record a use, at most once a minute (one UPDATE when the last one is a minute old);
    the caller commits."""
    last = row.last_used_at
    if last is not None and now - last < _USE_RESOLUTION:
        return False
    row.last_used_at = now
    session.flush()
    return True


def revoke(row: ApiToken, now: datetime | None = None) -> bool:
    """Stop a token now; False when it already was."""
    if row.revoked_at is not None:
        return False
    row.revoked_at = now or utcnow()
    return True
