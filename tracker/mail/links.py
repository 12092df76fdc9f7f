"""Links in stored messages are placeholders, filled in when the message is sent.

A planned message waits in the outbox (and stays there after it is sent, for the
administrators' page). If it held the recipient's sign-in link or calendar-feed URL, a copy
of the database, a backup or an administrator's screen would hold working bearer secrets.
So the planner writes ``{{signin:/a/12}}`` where the sign-in token goes and ``{{feed}}`` where
the feed token goes; ``fill`` mints them for the recipient right before the message is handed
to the mail server. A retry mints new ones; nothing working is ever stored.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from flask import current_app
from sqlalchemy.orm import Session

from ..accounts import links as sign_in_links
from ..feeds.tokens import mail_token

_SIGNIN = re.compile(r"/login/link/\{\{signin:([^{}\s\"'<>]*)\}\}")
_FEED = re.compile(r"/feeds/\{\{feed\}\}/")


def signin_placeholder(base_url: str, path: str) -> str:
    """Where the recipient's own sign-in link to ``path`` goes (quoted: no "&" to escape)."""
    return f"{base_url.rstrip('/')}/login/link/{{{{signin:{quote(path, safe='/')}}}}}"


def feed_placeholder(base_url: str) -> str:
    """Where the recipient's calendar-feed URL goes."""
    return f"{base_url.rstrip('/')}/feeds/{{{{feed}}}}/"


def fill(session: Session, recipient: str, *texts: str) -> list[str]:
    """``texts`` (a message's plain and HTML bodies) with every placeholder replaced by links
    minted for ``recipient``; one link per page, shared by both bodies."""
    config = current_app.config
    minted: dict[str, str] = {}

    def signin(match: re.Match) -> str:
        path = sign_in_links.safe_path(unquote(match.group(1)))
        if path not in minted:
            minted[path] = sign_in_links.issue(session, recipient, path, config)
        return f"/login/link/{minted[path]}"

    def feed(_match: re.Match) -> str:
        return f"/feeds/{mail_token(session, recipient, config['SECRET_KEY'])}/"

    return [_FEED.sub(feed, _SIGNIN.sub(signin, text)) if "{{" in text else text for text in texts]


def hidden(text: str) -> str:
    """``text`` as an administrator may see it: the placeholders named, not filled."""
    text = _SIGNIN.sub("/login/link/[liên kết đăng nhập riêng, tạo khi gửi]", text)
    return _FEED.sub("/feeds/[mã lịch riêng, tạo khi gửi]/", text)
