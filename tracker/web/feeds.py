"""Calendar feeds over HTTP: ``/feeds/<token>.ics`` and its subscription page.

Clients poll (Google every 8-24 h, Outlook and Thunderbird hourly or more), so an
unchanged feed must be cheap: the feed's version is an aggregate query, answered with
304 before anything is built; a changed feed is built once per change.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import quote, urlsplit

import segno
from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup

from .. import clock
from ..config import reporting_calendar
from ..extensions import db
from ..feeds import tokens
from ..feeds.events import FeedContext, Window, build_feed, feed_version
from ..feeds.ical import to_ical
from ..models import FeedState
from .headers import no_referrer

bp = Blueprint("feeds", __name__)
FORMATS = ("event", "todo")


def feed_context() -> FeedContext:
    config = current_app.config
    tz = config["TRACKER_TIMEZONE"]
    today = clock.today()
    base = config["TRACKER_BASE_URL"].rstrip("/")
    return FeedContext(today=today, tz=tz, base_url=base, host=urlsplit(base).hostname or "tracker",
                       window=Window.around(today, config["TRACKER_FEED_PAST_DAYS"],
                                            config["TRACKER_FEED_FUTURE_DAYS"]),
                       checkin_calendar=reporting_calendar(config),
                       checkin_periods=config["TRACKER_CHECKIN_PERIODS"])


def feed_urls(token: str) -> dict[str, str]:
    base = current_app.config["TRACKER_BASE_URL"].rstrip("/")
    https = f"{base}/feeds/{token}.ics"
    webcal = "webcal://" + https.split("://", 1)[1]
    return {"https": https, "webcal": webcal,
            "google": "https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe=""),
            "page": f"{base}/feeds/{token}/"}


def _http_date(moment: datetime) -> str:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def _not_modified(etag: str, changed_at: datetime) -> bool:
    """RFC 9110: If-None-Match decides when present; otherwise If-Modified-Since."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [t.strip() for t in if_none_match.split(",")]
        return "*" in tags or etag in tags or f"W/{etag}" in tags
    since = request.headers.get("If-Modified-Since")
    if since:
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        changed = changed_at if changed_at.tzinfo else changed_at.replace(tzinfo=UTC)
        return when is not None and changed.replace(microsecond=0) <= when
    return False


@bp.get("/feeds/<token>.ics")
@no_referrer
def feed(token: str):
    row = tokens.find(db.session, token)
    if row is None:
        abort(404)
    fmt = request.args.get("format", "event")
    if fmt not in FORMATS:
        abort(404)
    ctx = feed_context()
    version = feed_version(db.session, row, ctx, fmt)
    key = f"{row.feed_key}|{fmt}"
    state = db.session.get(FeedState, key)
    if state is None:
        state = FeedState(key=key, version=version, changed_at=clock.now())
        db.session.add(state)
    elif state.version != version:
        state.version, state.changed_at, state.body = version, clock.now(), None
    tokens.touch(row, clock.now())
    etag = f'"{version[:40]}"'
    headers = {"ETag": etag, "Last-Modified": _http_date(state.changed_at),
               "Cache-Control": "private, no-cache"}
    if _not_modified(etag, state.changed_at):
        db.session.commit()
        return Response(status=304, headers=headers)
    if state.body is None:
        # Built once per version: polls of an unchanged feed are served from here.
        state.body = to_ical(build_feed(db.session, row, ctx), fmt)
    body = state.body
    db.session.commit()
    # Whatever the client asked for (Google sends no Accept header at all).
    return Response(body, headers={**headers, "Content-Disposition": 'inline; filename="han-cong-viec.ics"'},
                    content_type="text/calendar; charset=utf-8")


@bp.get("/feeds/<token>/")
@no_referrer
def subscribe(token: str):
    row = tokens.find(db.session, token)
    if row is None:
        abort(404)
    urls = feed_urls(token)
    out = io.BytesIO()
    segno.make(urls["webcal"], error="m").save(out, kind="svg", scale=5, xmldecl=False,
                                              svgns=True, title="QR")
    feed_name = build_feed(db.session, row, feed_context()).name
    # The label the system gave the address of reminder e-mails is said in the page's language.
    label = _("Liên kết trong thư nhắc việc") if row.label == tokens.MAIL_LABEL else row.label
    return render_template("feeds/subscribe.html", urls=urls, token=row, feed_name=feed_name, label=label,
                           qr=Markup(out.getvalue().decode()))
