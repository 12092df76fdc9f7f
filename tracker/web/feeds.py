"""Calendar feeds over HTTP: ``/feeds/<token>.ics`` and its subscription page.

Clients poll (Google every 8-24 h, Outlook and Thunderbird hourly or more), so a poll
costs two indexed lookups (the token, the stored feed) whatever the feed's size: a 304
when the client has the stored version, else the stored body, gzip-compressed for the
clients that accept it (all calendar clients do). A stale feed is still answered from
its stored body and rebuilt in the background (tracker.feeds.store); only a feed's
first-ever request waits for a build.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import quote

import segno
from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup

from .. import clock
from ..extensions import db
from ..feeds import store, tokens
from ..feeds.events import FeedContext, build_feed
from ..jobs.feed_refresh import refresher
from ..models import FeedState
from .headers import no_referrer

bp = Blueprint("feeds", __name__)
FORMATS = ("event", "todo")


def feed_context() -> FeedContext:
    return FeedContext.from_config(current_app.config, clock.today())


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


def _not_modified(etags: tuple[str, ...], changed_at: datetime) -> bool:
    """RFC 9110: If-None-Match decides when present (weakly: either encoding's tag will
    do); otherwise If-Modified-Since."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or any(tag in tags for tag in etags)
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
    ctx, now = feed_context(), clock.now()
    key = store.state_key(row, fmt)
    state = db.session.get(FeedState, key)
    if state is None or not state.etag:
        state = store.first_build(db.session, row, fmt, ctx, now)
    elif not store.is_current(state, ctx, store.settings_fingerprint(ctx)):
        refresher(current_app).request(key)     # served as stored meanwhile
    tokens.touch(row, now)
    # One representation per encoding, each with its own strong tag (RFC 9110 §8.8.3).
    plain, gzipped = f'"{state.etag}"', f'"{state.etag}-gz"'
    compressed = request.accept_encodings["gzip"] > 0
    headers = {"ETag": gzipped if compressed else plain, "Last-Modified": _http_date(state.changed_at),
               "Cache-Control": "private, no-cache", "Vary": "Accept-Encoding"}
    if _not_modified((plain, gzipped), state.changed_at):
        db.session.commit()
        return Response(status=304, headers=headers)
    body = state.body_gzip if compressed else state.body
    db.session.commit()
    if compressed:
        headers["Content-Encoding"] = "gzip"
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
