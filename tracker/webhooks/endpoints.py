"""Registering endpoints and looking after their deliveries (``flask webhooks`` and the
administrators' page both call these). Plain Python over sessions; the caller commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast
from urllib.parse import urlsplit

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from .. import clock
from ..errors import UserError
from ..models import WebhookDelivery, WebhookEndpoint
from ..models.webhooks import DELIVERY_FAILED, DELIVERY_QUEUED
from .events import EVENTS
from .signing import new_secret

URL_LENGTH = 2000
DESCRIPTION_LENGTH = 300


class EndpointError(UserError):
    pass


def check_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError("Địa chỉ phải bắt đầu bằng http:// hoặc https:// và có tên máy chủ.",
                            "The URL must start with http:// or https:// and name a host.")
    if parts.username or parts.password:
        raise EndpointError("Không ghi tên đăng nhập hoặc mật khẩu trong địa chỉ: mỗi lần gửi đã được ký.",
                            "Do not put a user name or password in the URL: every delivery is signed.")
    if len(url) > URL_LENGTH:
        raise EndpointError(f"Địa chỉ dài quá {URL_LENGTH} ký tự.", f"The URL is longer than {URL_LENGTH} characters.")
    return url


def check_events(events: Iterable[str]) -> list[str]:
    chosen = [e for e in EVENTS if e in set(events)]           # in the vocabulary's order, once each
    unknown = sorted(set(events) - set(EVENTS))
    if unknown:
        raise EndpointError(f"Sự kiện không có: {', '.join(unknown)} (chọn trong {', '.join(EVENTS)}).",
                            f"Unknown events: {', '.join(unknown)} (choose from {', '.join(EVENTS)}).")
    if not chosen:
        raise EndpointError("Chọn ít nhất một sự kiện.", "Choose at least one event.")
    return chosen


def add(session: Session, url: str, events: Iterable[str], created_by: str,
        description: str = "") -> WebhookEndpoint:
    """Register an endpoint with a new secret (the caller shows it once)."""
    description = " ".join((description or "").split())
    if len(description) > DESCRIPTION_LENGTH:
        raise EndpointError(f"Mô tả dài quá {DESCRIPTION_LENGTH} ký tự.",
                            f"The description is longer than {DESCRIPTION_LENGTH} characters.")
    row = WebhookEndpoint(url=check_url(url), events=check_events(list(events)), secret=new_secret(),
                          active=True, created_by=created_by, created_at=clock.now(), description=description)
    session.add(row)
    session.flush()
    return row


def set_active(session: Session, endpoint: WebhookEndpoint, active: bool) -> None:
    """A disabled endpoint is sent no new event, and what is queued for it waits (it is
    neither sent nor lost) until it is enabled again."""
    endpoint.active = active


def remove(session: Session, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint and its deliveries (a delivery being sent right now is let go:
    its outcome finds no row and is not recorded)."""
    session.delete(endpoint)


def redeliver(session: Session, delivery_id: int) -> WebhookDelivery | None:
    """Queue a failed delivery again, due now with a fresh count of attempts: the same
    delivery (id, event id, body), signed anew when it is sent. None if there is no such
    failed delivery. Compare-and-set: a sender that changed it meanwhile is not overwritten."""
    row = session.get(WebhookDelivery, delivery_id)
    if row is None or row.state != DELIVERY_FAILED:
        return None
    result = cast(CursorResult, session.execute(
        update(WebhookDelivery).where(WebhookDelivery.id == delivery_id, WebhookDelivery.state == DELIVERY_FAILED)
        .values(state=DELIVERY_QUEUED, attempts=0, next_attempt_at=clock.now())
        .execution_options(synchronize_session=False)))
    if result.rowcount != 1:
        return None
    session.refresh(row)
    return row


def endpoints(session: Session) -> list[WebhookEndpoint]:
    return list(session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def recent(session: Session, endpoint_ids: Iterable[int], per_endpoint: int = 10) -> dict[int, list[WebhookDelivery]]:
    """The newest deliveries of each endpoint (at most ``per_endpoint``), newest first."""
    found: dict[int, list[WebhookDelivery]] = {}
    for endpoint_id in endpoint_ids:
        found[endpoint_id] = list(session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.id.desc()).limit(per_endpoint)))
    return found


__all__ = ["EndpointError", "add", "check_events", "check_url", "endpoints", "recent", "redeliver", "remove",
           "set_active"]
