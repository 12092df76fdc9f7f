"""The e-mail that carries a fresh sign-in link, asked for from a used or expired one.

It goes to the address the old link was for, whoever clicked it: a forwarded reminder
cannot be turned into a session for the person it was forwarded to. Like every message it
goes through the outbox, and its link is minted only when it is sent.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Account, FocalOfficer, SignInLink
from .compose import ComposedMail, language_of
from .links import signin_placeholder
from .outbox import enqueue, idempotency_key
from .wording import LANGUAGES, words_in

KIND = "signin_link"

def _signin_words(pgettext, npgettext):
    """Subject, greeting, introduction, button and footer of a fresh sign-in link, in Vietnamese."""
    return (
        pgettext("mail", "Liên kết đăng nhập mới"),
        pgettext("mail", "Kính gửi {name},"),
        pgettext("mail", "Theo yêu cầu từ trang đăng nhập, đây là liên kết mới để vào hệ thống theo dõi kế "
                         "hoạch. Liên kết chỉ dùng được một lần."),
        pgettext("mail", "Đăng nhập"),
        pgettext("mail", "Nếu anh/chị không yêu cầu, xin bỏ qua thư này: không ai khác nhận được liên kết."),
    )


_WORDS: dict[str, tuple[str, ...]] = {language: words_in(language, _signin_words) for language in LANGUAGES}


def send_fresh_link(session: Session, spent: SignInLink, now: datetime) -> None:
    """Queue a new link to ``spent``'s page for ``spent``'s address; at most once per link."""
    spent.resent_at = now
    account = session.scalar(select(Account).where(func.lower(Account.email) == spent.email))
    officer = None if account else session.scalar(
        select(FocalOfficer).where(func.lower(FocalOfficer.email) == spent.email).limit(1))
    person = account or officer
    name = person.name if person is not None else spent.email
    language = language_of(getattr(person, "language", None) or "vi")
    subject, greeting, intro, button, footer = _WORDS[language]
    url = signin_placeholder(current_app.config["TRACKER_BASE_URL"], spent.path)
    text = f"{greeting.format(name=name)}\n\n{intro}\n\n{button}: {url}\n\n{footer}\n"
    html = (f"<p>{escape(greeting.format(name=name))}</p><p>{escape(intro)}</p>"
            f'<p><a href="{escape(url)}">{escape(button)}</a></p><p>{escape(footer)}</p>')
    composed = ComposedMail(to=spent.email, subject=subject, text=text, html=html, ics=None)
    key = idempotency_key(KIND, spent.email, now.isoformat(), [f"link:{spent.id}"])
    enqueue(session, composed, KIND, key, [], name, language)
