"""Which session cookies still sign someone in.

A session names its account and the account's epoch (``Account.get_id``), when it began
and when it was last used. It stops working when the epoch has moved on (sign-out, a
password or role change, disabling, "đăng xuất mọi nơi"), after ``TRACKER_SESSION_IDLE_HOURS``
without a request, and ``TRACKER_SESSION_MAX_DAYS`` after sign-in, whatever happens.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, session

from .. import clock
from ..extensions import db, login_manager
from ..models import Account

# The last-use stamp is rewritten at most this often (each rewrite re-sends the cookie).
_SEEN_RESOLUTION = 60


def install(app: Flask) -> None:
    app.permanent_session_lifetime = timedelta(days=app.config["TRACKER_SESSION_MAX_DAYS"])
    login_manager.user_loader(load_account)


def load_account(user_id: str) -> Account | None:
    try:
        account_id, epoch = (int(part) for part in user_id.split(":"))
    except ValueError:          # a cookie from before epochs, or tampered with
        return None
    account = db.session.get(Account, account_id)
    if account is None or not account.active or account.session_epoch != epoch:
        return None
    config = current_app.config
    now = int(clock.now().timestamp())
    began, seen = session.get("auth_at"), session.get("seen_at")
    if not isinstance(began, int) or not isinstance(seen, int):
        return None
    if now - began > config["TRACKER_SESSION_MAX_DAYS"] * 86400:
        return None
    if now - seen > config["TRACKER_SESSION_IDLE_HOURS"] * 3600:
        return None
    if now - seen >= _SEEN_RESOLUTION:
        session["seen_at"] = now
    return account
