"""Sign-in links for e-mails: one click signs a person in and opens the item, once.

A link is minted when its message is handed to the mail server (``tracker.mail.links``),
never when the message is planned, so a stored message holds no working link. Its token is
256 random bits of which only the SHA-256 is kept: a copy of the database opens nothing.
A link works once and for a limited time: days for focal officers, whose reminders are their
way in, hours for authors, leaders and administrators, whose sessions see a whole committee.
A used or expired link offers to send a fresh one to the same address (``resend``), which
is how a forwarded e-mail stays harmless: the new link goes to the owner, not the forwarder.
Only a path on this site can be opened (no open redirect).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import UserError
from ..models import OFFICER, Account, SignInLink
from ..models.base import table_of, utcnow

TOKEN_BYTES = 32


class LinkError(UserError):
    """Why a link does not sign in: ``invalid`` (unknown token), ``expired`` or ``used``.
    ``link`` is the stored link when there is one (to offer a fresh one to its address)."""

    MESSAGES = {
        "invalid": ("Liên kết đăng nhập không hợp lệ.", "The sign-in link is not valid."),
        "expired": ("Liên kết đăng nhập đã hết hạn.", "The sign-in link has expired."),
        "used": ("Liên kết đăng nhập đã được dùng.", "The sign-in link has already been used."),
    }

    def __init__(self, reason: str, link: SignInLink | None = None):
        super().__init__(*self.MESSAGES.get(reason, self.MESSAGES["invalid"]))
        self.reason, self.link = reason, link

    @property
    def expired(self) -> bool:
        return self.reason == "expired"


def safe_path(path: str | None) -> str:
    """``path`` if it is a path on this site, else "/" (never "//host" or "/\\host")."""
    if (not isinstance(path, str) or not path.startswith("/") or path.startswith("//")
            or "\\" in path or any(ord(c) < 32 for c in path)):
        return "/"
    return path


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def lifetime(session: Session, email: str, config) -> timedelta:
    """How long a new link for ``email`` works: short for accounts above a focal officer."""
    role = session.scalar(select(Account.role).where(func.lower(Account.email) == email.strip().lower()))
    if role is not None and role != OFFICER:
        return timedelta(hours=config["TRACKER_STAFF_SIGNIN_LINK_HOURS"])
    return timedelta(days=config["TRACKER_SIGNIN_LINK_DAYS"])


def issue(session: Session, email: str, path: str, config, now: datetime | None = None) -> str:
    """A new single-use token for ``email`` opening ``path``. Only its hash is stored; the
    caller puts the token in the one message it sends and forgets it."""
    if safe_path(path) != path:
        raise ValueError("a sign-in link opens a path on this site")
    now = now or utcnow()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(SignInLink(token_hash=hash_token(token), email=email.strip().lower(), path=path,
                           created_at=now, expires_at=now + lifetime(session, email, config)))
    session.flush()
    return token


def sign_in_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/login/link/{token}"


def find(session: Session, token: str) -> SignInLink | None:
    if not token or len(token) > 200:
        return None
    return session.scalar(select(SignInLink).where(SignInLink.token_hash == hash_token(token)))


def redeem(session: Session, token: str, now: datetime | None = None) -> SignInLink:
    """Use a link: the stored link, now marked used; ``LinkError`` if it cannot sign in.

    The mark is a compare-and-set, so two clicks racing (a mail scanner and the person)
    cannot both get a session. The caller commits.
    """
    now = now or utcnow()
    link = find(session, token)
    if link is None:
        raise LinkError("invalid")
    if link.used_at is not None:
        raise LinkError("used", link)
    if link.expires_at <= now:
        raise LinkError("expired", link)
    claimed = session.connection().execute(
        table_of(SignInLink).update()
        .where(SignInLink.id == link.id, SignInLink.used_at.is_(None))
        .values(used_at=now)).rowcount
    if claimed != 1:
        raise LinkError("used", link)
    session.refresh(link)
    return link


def may_resend(link: SignInLink, now: datetime | None = None) -> bool:
    """A fresh link replaces a used or expired one, at most once (no flooding an address)."""
    spent = link.used_at is not None or link.expires_at <= (now or utcnow())
    return spent and link.resent_at is None
