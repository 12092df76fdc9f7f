"""Limits on guessing passwords, kept in the database so they hold across workers.

Two counters are kept for each wrong password: one for the address typed (whether or not
an account has it, so a lock says nothing about which addresses exist) and one for the
client's network address. After ``max_failures`` failures within the lock period the
account key is locked for the period; a client address is slowed down instead, with a wait
that doubles with each further failure, so one office behind a shared address is not locked
out by a colleague's typos but a script gets nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from ..models import SignInThrottle

MAX_CLIENT_WAIT = timedelta(minutes=15)


@dataclass(frozen=True)
class Limits:
    max_failures: int = 10
    lock: timedelta = timedelta(minutes=15)

    @classmethod
    def from_config(cls, config) -> Limits:
        return cls(config["TRACKER_LOGIN_MAX_FAILURES"], timedelta(minutes=config["TRACKER_LOGIN_LOCK_MINUTES"]))


def account_key(email: str) -> str:
    return "account:" + email.strip().lower()[:254]


def client_key(address: str | None) -> str:
    return "client:" + (address or "unknown")[:100]


def wait(session: Session, keys: list[str], now: datetime) -> timedelta | None:
    """How long until an attempt under these keys is checked again; None if it may be now."""
    longest = None
    for key in keys:
        row = session.get(SignInThrottle, key)
        until = row.locked_until if row is not None else None
        if until is not None and until > now:
            left = until - now
            longest = left if longest is None or left > longest else longest
    return longest


def failed(session: Session, email: str, client: str | None, now: datetime, limits: Limits) -> None:
    """Count a wrong password for the typed address and for the client."""
    for key, is_account in ((account_key(email), True), (client_key(client), False)):
        row = session.get(SignInThrottle, key)
        if row is None:
            row = SignInThrottle(key=key, failures=0, window_start=now)
            session.add(row)
        if row.window_start + limits.lock < now:
            row.failures, row.window_start = 0, now
        row.failures += 1
        if row.failures >= limits.max_failures:
            if is_account:
                row.locked_until = now + limits.lock
                row.failures, row.window_start = 0, now + limits.lock
            else:
                extra = row.failures - limits.max_failures
                row.locked_until = now + min(timedelta(seconds=2 ** min(extra, 20)), MAX_CLIENT_WAIT)
    session.flush()


def succeeded(session: Session, email: str) -> None:
    """A right password clears the address's count (the client's stays: it may be guessing
    other addresses)."""
    row = session.get(SignInThrottle, account_key(email))
    if row is not None:
        session.delete(row)
        session.flush()
