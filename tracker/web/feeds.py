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
from pathlib import Path
from urllib.parse import quote

import segno
from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.wsgi import wrap_file

from .. import clock
from ..extensions import db
from ..feeds import store, tokens
from ..feeds.events import FeedContext, build_feed
from ..feeds.files import open_body
from ..jobs.feed_refresh import refresher
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
        return when is not None and changed_at.replace(microsecond=0) <= when
    return False


@bp.get("/feeds/<token>.ics")
@no_referrer
def feed(token: str):
    found = tokens.presented(db.session(), token)
    if found is None:
        abort(404)
    if found == tokens.GONE:
        abort(410)                  # revoked or rotated: clients stop polling
    assert isinstance(found, tokens.Presented)
    fmt = request.args.get("format", "event")
    if fmt not in FORMATS:
        abort(404)
    ctx, now = feed_context(), clock.now()
    key = store.state_key(found, fmt)
    state = store.stored(db.session(), key)
    if state is None:
        store.first_build(db.session(), found, fmt, ctx, now)
        db.session.commit()
        state = store.stored(db.session(), key)
        assert state is not None
    elif not store.is_current(state, ctx, store.settings_fingerprint(ctx)):
        refresher(current_app).request(key)     # served as stored meanwhile
    if tokens.touch(db.session(), found, now):
        db.session.commit()
    compressed = request.accept_encodings["gzip"] > 0
    directory = Path(current_app.config["TRACKER_FEED_CACHE_DIR"])
    # A rebuild may land between reading the feed and opening its body: then read it again.
    for _attempt in range(3):
        # One representation per encoding, each with its own strong tag (RFC 9110 §8.8.3).
        plain, gzipped = f'"{state.etag}"', f'"{state.etag}-gz"'
        headers = {"ETag": gzipped if compressed else plain, "Last-Modified": _http_date(state.changed_at),
                   "Cache-Control": "private, no-cache", "Vary": "Accept-Encoding"}
        if _not_modified((plain, gzipped), state.changed_at):
            return Response(status=304, headers=headers)
        body = open_body(db.session(), directory, key, state.etag, compressed)
        if body is not None:
            break
        state = store.stored(db.session(), key) or state
    else:
        abort(503)
    db.session.rollback()               # nothing more to read: end the transaction early
    if compressed:
        headers["Content-Encoding"] = "gzip"
    size = body.seek(0, io.SEEK_END)
    body.seek(0)
    headers.update({"Content-Disposition": 'inline; filename="han-cong-viec.ics"', "Content-Length": str(size)})
    # Whatever the client asked for (Google sends no Accept header at all).
    return Response(wrap_file(request.environ, body), headers=headers, direct_passthrough=True,
                    content_type="text/calendar; charset=utf-8")


@bp.get("/feeds/<token>/")
@no_referrer
def subscribe(token: str):
    row = tokens.find(db.session(), token)
    if row is None:
        abort(410 if tokens.presented(db.session(), token) == tokens.GONE else 404)
    urls = feed_urls(token)
    out = io.BytesIO()
    segno.make(urls["webcal"], error="m").save(out, kind="svg", scale=5, xmldecl=False,
                                              svgns=True, title="QR")
    feed_name = build_feed(db.session(), row).name      # the name only: no events built
    # The label the system gave the address of reminder e-mails is said in the page's language.
    label = _("Liên kết trong thư nhắc việc") if row.label == tokens.MAIL_LABEL else row.label
    return render_template("feeds/subscribe.html", urls=urls, token=row, feed_name=feed_name, label=label,
                           qr=Markup(out.getvalue().decode()))
