"""Signatures, as Stripe signs its webhooks: ``X-Tracker-Signature: t=<unix time>,v1=<hex>``,
where ``<hex>`` is HMAC-SHA256 keyed with the endpoint's secret over ``"<t>.<body>"`` (the
body's exact bytes). The time is signed too, so a captured delivery cannot be replayed
after the receiver's tolerance (5 minutes is the advice).

``verify`` is what a receiver does (the README gives it as a standalone example).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    """A fresh signing secret: 32 random bytes, ``whsec_…``."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return mac.hexdigest()


def header(secret: str, timestamp: int, body: bytes) -> str:
    """The value of ``X-Tracker-Signature``."""
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, value: str, body: bytes, now: float, tolerance: int = TOLERANCE_SECONDS) -> bool:
    """Whether ``value`` (an ``X-Tracker-Signature`` header) signs ``body`` with ``secret``
    at a time within ``tolerance`` seconds of ``now``. Several ``v1`` are accepted (one of
    them must match), so a secret can be rotated without a gap."""
    parts: dict[str, list[str]] = {}
    for item in value.split(","):
        name, _, text = item.strip().partition("=")
        parts.setdefault(name, []).append(text)
    try:
        timestamp = int(parts.get("t", [""])[0])
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, given) for given in parts.get("v1", []))


__all__ = ["SECRET_PREFIX", "TOLERANCE_SECONDS", "header", "new_secret", "signature", "verify"]
