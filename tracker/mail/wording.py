"""The mail's words in each recipient's language, from the app's one translation catalogue.

Mail is written by scheduled jobs, outside any request, so it cannot follow a request's
locale: each kind of message describes its words once, in Vietnamese, as a function of
``pgettext`` and ``npgettext``, and ``words_in`` builds them in the recipient's language.
Every message carries the context "mail", so a page and a message may put the same
Vietnamese differently in English. ``make translations`` extracts them with the pages'
strings; their English is in ``tracker/translations/en``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from gettext import NullTranslations
from pathlib import Path
from typing import Any

from babel.support import Translations

CATALOGUE = Path(__file__).resolve().parents[1] / "translations"
LANGUAGES = ("vi", "en")

#: what a module's words are built from: pgettext(context, message) and
#: npgettext(context, singular, plural) → (one, many)
Builder = Callable[[Callable[[str, str], str], Callable[[str, str, str], tuple[str, str]]], Any]


@cache
def _translations(language: str) -> NullTranslations:
    if language == "vi":
        return NullTranslations()                       # the source language
    return Translations.load(str(CATALOGUE), [language])


def words_in(language: str, build: Builder) -> Any:
    """The words ``build`` describes, in ``language`` (one of ``LANGUAGES``)."""
    translations = _translations(language)

    def pgettext(context: str, message: str) -> str:
        return translations.pgettext(context, message)

    def npgettext(context: str, singular: str, plural: str) -> tuple[str, str]:
        return (translations.npgettext(context, singular, plural, 1),
                translations.npgettext(context, singular, plural, 2))

    return build(pgettext, npgettext)
