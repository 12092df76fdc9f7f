"""An e-mail to the administrators when sending has been failing for half an hour.

The sender keeps retrying on its own; what it cannot do is fix a wrong password, a full
quota or a server that refuses everything. After ``outbox.STALLED_AFTER`` with messages due
and none delivered, each administrator gets one message a day (through the outbox like
every other: it goes out as soon as anything does, and says what the last error was).
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import ADMIN, QUEUED, Account, OutboxMessage
from .compose import ComposedMail, language_of
from .outbox import enqueue, idempotency_key, is_stalled
from .wording import LANGUAGES, words_in

KIND = "sending_alert"


def _alert_words(pgettext, npgettext):
    """Subject, greeting, what is wrong, where to look, the last error's label, in Vietnamese."""
    return (
        pgettext("mail", "[Cảnh báo] Hệ thống không gửi được thư nhắc việc"),
        pgettext("mail", "Kính gửi {name},"),
        pgettext("mail", "Đã hơn 30 phút hệ thống không gửi được thư nào; {n} thư đang chờ gửi lại. "
                         "Hãy kiểm tra máy chủ thư (địa chỉ, mật khẩu, hạn mức)."),
        pgettext("mail", "Xem hộp thư đi"),
        pgettext("mail", "Lỗi gần nhất"),
    )


_WORDS: dict[str, tuple[str, ...]] = {language: words_in(language, _alert_words) for language in LANGUAGES}


def alert_if_stalled(session: Session, now: datetime) -> int:
    """Queue the alert for each administrator when sending has stalled; at most one a day
    each. Returns how many were queued. The caller commits."""
    if not is_stalled(session, now):
        return 0
    waiting = session.scalar(select(func.count()).where(OutboxMessage.state == QUEUED))
    error = session.scalar(select(OutboxMessage.last_error).where(
        OutboxMessage.state == QUEUED, OutboxMessage.last_error != "").order_by(OutboxMessage.id.desc()).limit(1))
    url = current_app.config["TRACKER_BASE_URL"].rstrip("/") + "/admin/outbox?state=queued"
    queued = 0
    for admin in session.scalars(select(Account).where(Account.role == ADMIN, Account.active.is_(True))):
        language = language_of(admin.language)
        subject, greeting, intro, button, last = _WORDS[language]
        body = intro.format(n=waiting)
        text = f"{greeting.format(name=admin.name)}\n\n{body}\n\n{last}: {error or '—'}\n\n{button}: {url}\n"
        html = (f"<p>{escape(greeting.format(name=admin.name))}</p><p>{escape(body)}</p>"
                f"<p>{escape(last)}: <code>{escape(error or '—')}</code></p>"
                f'<p><a href="{escape(url)}">{escape(button)}</a></p>')
        key = idempotency_key(KIND, admin.email, now.date().isoformat(), ["stalled"])
        if enqueue(session, ComposedMail(to=admin.email, subject=subject, text=text, html=html, ics=None),
                   KIND, key, [], admin.name, language):
            queued += 1
    return queued
