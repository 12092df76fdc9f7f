"""Agency names that hold a list's separators: "Văn hóa, Thể thao và Du lịch".

Plans enumerate owners with commas and "và" ("Các Bộ: Công Thương, Nông nghiệp và Môi
trường, Ngoại giao"), and the official names of many ministries, departments and offices
contain those same separators. Splitting on them cuts "Bộ Nông nghiệp và Môi trường" in two.
The names below are the fields of Vietnamese ministries (Bộ), provincial departments (Sở),
district and commune offices (Phòng) and broadcasters, before and after the 2025
reorganisation; a list is split everywhere except inside one of them.

Knowledge of the administration, not of any plan: keep it to official names.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .text import fold, fold_chars

# Fields whose names contain ",", "-" or "và" (spelling variants of the separators are
# matched loosely: "Lao động - Thương binh và Xã hội", "Lao động, Thương binh và Xã hội").
COMPOUND_FIELDS = (
    # Ministries and departments, 2025 structure
    "Nông nghiệp và Môi trường", "Dân tộc và Tôn giáo", "Khoa học và Công nghệ",
    "Văn hóa, Thể thao và Du lịch", "Giáo dục và Đào tạo",
    # before 2025
    "Kế hoạch và Đầu tư", "Nông nghiệp và Phát triển nông thôn", "Tài nguyên và Môi trường",
    "Thông tin và Truyền thông", "Lao động - Thương binh và Xã hội", "Lao động, Thương binh và Xã hội",
    "Văn hóa và Thể thao",
    "Văn hóa - Thể thao", "Văn hóa - Thông tin", "Văn hóa và Thông tin",
    "Khoa học, Công nghệ và Môi trường", "Thương mại và Du lịch", "Quy hoạch - Kiến trúc",
    "Quy hoạch và Kiến trúc",
    # district and commune offices
    "Tài chính - Kế hoạch", "Kinh tế và Hạ tầng", "Kinh tế - Hạ tầng", "Kinh tế, Hạ tầng và Đô thị",
    "Kinh tế - Hạ tầng và Đô thị", "Văn hóa - Xã hội", "Văn hóa và Xã hội", "Tài nguyên - Môi trường",
    "Lao động - Thương binh - Xã hội",
    # broadcasters, councils, steering committees named in owner lists
    "Phát thanh và Truyền hình", "Phát thanh - Truyền hình", "HĐND và UBND", "HĐND - UBND",
    "Hội đồng nhân dân và Ủy ban nhân dân", "Đoàn đại biểu Quốc hội và Hội đồng nhân dân",
    "Biển đảo và Thủy sản", "Thủy lợi và Phòng, chống thiên tai", "Phòng, chống thiên tai và Tìm kiếm cứu nạn",
    "Phòng, chống thiên tai", "Phòng cháy, chữa cháy và cứu nạn, cứu hộ", "Phòng cháy, chữa cháy",
    "Xúc tiến Đầu tư, Thương mại và Du lịch", "Xúc tiến Thương mại và Đầu tư",
)

_SEPARATOR = re.compile(r"\s*(?:,|-|–|\bva\b)\s*")
# What stands in for a separator inside a protected name while a list is split.
_MASKS = {",": "\x01", "-": "\x02", "–": "\x03", "và": "\x04", "Và": "\x05", "VÀ": "\x06", ";": "\x07"}
_UNMASK = {v: k for k, v in _MASKS.items()}


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    alternatives = []
    for name in sorted(set(COMPOUND_FIELDS), key=len, reverse=True):
        # Each separator matches as written, with any spacing ("-" also as "–"): a looser
        # match would join "Tài chính, Kế hoạch và Đầu tư" into "Tài chính - Kế hoạch".
        pieces = re.split(r"(\s*,\s*|\s*[-–]\s*|\s+và\s+|\s+)", fold(name))
        body = ""
        for i, piece in enumerate(pieces):
            if i % 2 == 0:
                body += re.escape(piece)
            elif "," in piece:
                body += r"\s*,\s*"
            elif "-" in piece or "–" in piece:
                body += r"\s*[-–]\s*"
            elif piece.strip() == "va":
                body += r"\s+va\s+"
            else:
                body += r"\s+"
        alternatives.append(body)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(alternatives) + r")(?![a-z0-9])")


def protect(text: str) -> str:
    """``text`` with the separators inside known compound names masked, so that splitting a
    list on ",", "-" and "và" leaves those names whole. ``unmask`` restores them."""
    folded = fold_chars(text).lower()
    spans = [m.span() for m in _pattern().finditer(folded) if _SEPARATOR.search(m.group())]
    if not spans:
        return text
    out, last = [], 0
    for start, end in spans:
        out.append(text[last:start])
        inner = text[start:end]
        inner = re.sub(r"\b(và|Và|VÀ)\b", lambda m: _MASKS[m.group(1)], inner)
        inner = "".join(_MASKS.get(ch, ch) if ch in ",;-–" else ch for ch in inner)
        out.append(inner)
        last = end
    out.append(text[last:])
    return "".join(out)


def unmask(text: str) -> str:
    return "".join(_UNMASK.get(ch, ch) for ch in text)


def split_names(text: str, pattern: str = r",\s*|\s+và\s+") -> list[str]:
    """Split a list of names on ``pattern`` except inside a known compound name."""
    return [unmask(part) for part in re.split(pattern, protect(text))]
