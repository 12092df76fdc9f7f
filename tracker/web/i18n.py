"""The interface language in views: pick the Vietnamese or English message."""

from __future__ import annotations

from flask_babel import get_locale

from ..errors import UserError


def localized(message: str | UserError, en: str | None = None) -> str:
    """``localized(error)`` or ``localized(message_vi, message_en)``."""
    if isinstance(message, UserError):
        return localized(message.message_vi, message.message_en)
    return en if en and str(get_locale()) == "en" else message
