"""Text helpers shared by every reader: Unicode normalisation and diacritic folding.

Converted documents arrive both precomposed (NFC) and decomposed (NFD); everything is
normalised to NFC before it is stored, and matched in a folded form (no diacritics,
lower case, single spaces) so that "quý", "QUÝ", "quí" and "quy" compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
# Formatting tags that document conversions leave in cells ("<b>II</b>"). Only these are
# removed: any other markup is text the author wrote, kept and escaped when shown.
_BREAKS = re.compile(r"<\s*br\s*/?>|</?\s*(?:p|div)(?:\s[^<>]*)?>", re.IGNORECASE)
_TAGS = re.compile(r"</?\s*(b|i|u|em|strong|span|font|sup|sub|p|br|div)(\s[^<>]*)?/?>", re.IGNORECASE)


def nfc(text: str) -> str:
    """NFC form of ``text``; the form in which every string is stored."""
    return unicodedata.normalize("NFC", text)


def clean(text: str | None) -> str:
    """NFC, conversion formatting tags removed, whitespace collapsed, stripped."""
    if not text:
        return ""
    text = nfc(text)
    text = _BREAKS.sub(" ", text)       # a line break inside a cell separates words
    text = _TAGS.sub("", text)
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    return _SPACES.sub(" ", text).strip()


def fold(text: str | None) -> str:
    """Matching form: no diacritics (đ → d), lower case, punctuation kept, spaces collapsed."""
    if not text:
        return ""
    return _fold(text)


@lru_cache(maxsize=1 << 14)
def _fold(text: str) -> str:
    # Cached: an import compares the same owner names, outputs and deadline phrases
    # tens of thousands of times (a 2,000-row plan fans out to 35,000 assignments).
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped.lower()).strip()


def fold_chars(text: str) -> str:
    """Fold character by character, so indexes in the result are indexes in ``text``.

    Works because NFC Vietnamese letters each fold to exactly one base letter.
    """
    return "".join((fold(ch) or " ")[:1] if not ch.isspace() else " " for ch in text)


def fold_words(text: str | None) -> list[str]:
    """Folded text split into words (letters and digits only)."""
    return re.findall(r"[a-z0-9]+", fold(text))


def natural_key(text: str | None) -> tuple:
    """Sort key in the order people expect: numbers by value ("Phường 2" before "Phường 10",
    "2.9" before "2.10"), letters without regard to case or diacritics, then as written."""
    parts = re.findall(r"\d+|\D+", clean(text))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, fold(p)) for p in parts) + ((2, 0, clean(text)),)
