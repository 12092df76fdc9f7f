"""Signed, expiring sign-in links for e-mails: one click takes an officer to the item.

The token carries the address and the page to open, signed with the app's secret, so
neither can be changed; it expires after ``TRACKER_SIGNIN_LINK_DAYS``. Only a path on this
site can be opened (no open redirect).
"""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "tracker-sign-in-link"


class LinkError(ValueError):
    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def make_token(secret: str, email: str, path: str) -> str:
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError("a sign-in link opens a path on this site")
    return _serializer(secret).dumps({"e": email.strip().lower(), "p": path})


def read_token(secret: str, token: str, max_age_days: int) -> tuple[str, str]:
    """(email, path) of a valid token; ``LinkError`` when it is tampered with or too old."""
    try:
        data = _serializer(secret).loads(token, max_age=max_age_days * 86400)
    except SignatureExpired as exc:
        raise LinkError(expired=True) from exc
    except BadSignature as exc:
        raise LinkError(expired=False) from exc
    path = data.get("p", "/")
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("//"):
        path = "/"
    return data["e"], path


def sign_in_url(base_url: str, secret: str, email: str, path: str) -> str:
    return f"{base_url.rstrip('/')}/login/link/{make_token(secret, email, path)}"
