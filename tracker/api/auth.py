"""Who calls the API: ``Authorization: Bearer trk_…`` and nothing else (no session cookie,
so no CSRF to guard against), and how often."""

from __future__ import annotations

from flask import current_app, g, request

from .. import clock
from ..accounts import api_tokens
from ..extensions import db
from ..models import Account, ApiToken
from .errors import ApiError
from .limits import FixedWindow


def _window() -> FixedWindow:
    """One counter per application (tests build many apps in one process)."""
    return current_app.extensions.setdefault("tracker_api_rate", FixedWindow(60))


def authenticate() -> Account:
    """The account of the request's token (and ``g.api_token``), or ApiError 401 / 429."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if not header:
        raise ApiError(401)
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiError(401, "unauthenticated", "Tiêu đề Authorization phải có dạng “Bearer <mã truy cập>”.",
                       "The Authorization header must be “Bearer <token>”.")
    now = clock.now()
    row = api_tokens.find(db.session(), value.strip())
    if row is None:
        raise ApiError(401, "invalid_token", "Mã truy cập không đúng.", "The token is not valid.")
    if row.revoked_at is not None:
        raise ApiError(401, "token_revoked", "Mã truy cập đã bị thu hồi.", "The token has been revoked.")
    if row.expires_at <= now:
        raise ApiError(401, "token_expired", "Mã truy cập đã hết hạn: hãy tạo mã mới.",
                       "The token has expired: make a new one.")
    account = row.account
    if not account.active:
        raise ApiError(401, "account_disabled", "Tài khoản của mã truy cập đã bị khóa.",
                       "The token's account is disabled.")
    decision = _window().hit(row.id, current_app.config["TRACKER_API_RATE_LIMIT"], now.timestamp())
    g.api_rate = decision
    if not decision.allowed:
        raise ApiError(429, headers={"Retry-After": str(decision.reset)},
                       message=f"Mã truy cập này đã gửi quá {decision.limit} yêu cầu trong một phút: "
                               f"hãy thử lại sau {decision.reset} giây.",
                       message_en=f"This token has made more than {decision.limit} requests in a minute: "
                                  f"try again in {decision.reset} seconds.")
    if api_tokens.touch(db.session(), row, now):
        db.session.commit()
    g.api_token = row
    return account


def caller() -> Account:
    """The authenticated account of this request (after ``authenticate``)."""
    token: ApiToken = g.api_token
    return token.account


def rate_headers(response):
    decision = g.get("api_rate")
    if decision is not None:
        response.headers["X-RateLimit-Limit"] = str(decision.limit)
        response.headers["X-RateLimit-Remaining"] = str(decision.remaining)
        response.headers["X-RateLimit-Reset"] = str(decision.reset)
    return response
