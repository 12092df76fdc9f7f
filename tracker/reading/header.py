"""The plan's header: number, place and date, kind, title, issuing body, plan year."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING

from .result import PlanContext, PlanHeader, ReadingWarning
from .text import clean, fold

if TYPE_CHECKING:
    from .reporting import ReportingCalendar

_KINDS = {  # folded heading → kind as written in the product
    "ke hoach": "Kế hoạch",
    "de an": "Đề án",
    "chuong trinh hanh dong": "Chương trình hành động",
    "chuong trinh": "Chương trình",
    "phuong an": "Phương án",
}
_NUMBER = re.compile(r"^s[oố]\s*:?\s*(?P<num>\d+\s*/\s*[\w\-Đđ]+(?:\s*-\s*[\w]+)*)", re.IGNORECASE)
_PLACE_DATE = re.compile(
    r"(?P<place>[^\d,;:()/]{2,60}?)\s*,\s*ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})",
    re.IGNORECASE)
_LEVELS = {"tinh": "tỉnh", "huyen": "huyện", "thi xa": "thị xã", "thanh pho": "thành phố",
           "quan": "quận", "xa": "xã", "phuong": "phường", "thi tran": "thị trấn"}
_LEVEL_WORDS = r"(?i:(tỉnh|huyện|thị xã|thành phố|quận|xã|phường|thị trấn))"
# A proper name: capitalised words (case-sensitive on purpose: "về việc" is not a name).
_PROPER = r"((?:[^\W\d_]\w*)(?:\s+[^\W\d_]\w*){0,3}?)"
_UBND = r"(?i:ủy ban nhân dân|uỷ ban nhân dân|ubnd)"
# "Ủy ban nhân dân tỉnh Sóc Trăng xây dựng Kế hoạch ..." (not "... đã ban hành")
_ISSUER_SENTENCE = re.compile(_UBND + r"\s+" + _LEVEL_WORDS + r"(?:\s+" + _PROPER + r")?"
                              r"\s+(?i:xây dựng|ban hành)\s+(?i:kế hoạch|đề án|chương trình)")
# Appendix caption: "(Kèm theo Kế hoạch số: 181/KH-UBND ngày ... của UBND huyện)"
_ISSUER_CAPTION = re.compile(r"(?i:kèm theo)[^)\n]*?(?i:của)\s+" + _UBND + r"\s+" + _LEVEL_WORDS
                             + r"(?:\s+" + _PROPER + r")?")
_ISSUER_LINES = re.compile(r"^(?:ỦY|UỶ) BAN NHÂN DÂN\s*$")
# "UBND HUYỆN CẦN GIUỘC" / "ỦY BAN NHÂN DÂN TỈNH BẾN TRE" on one line
_ISSUER_LINE = re.compile(r"^(?:UBND|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN)\s+(TỈNH|HUYỆN|THỊ XÃ|THÀNH PHỐ|QUẬN|"
                          r"XÃ|PHƯỜNG|THỊ TRẤN)\s+(.+)$")
_BODY_START = re.compile(r"^(căn cứ|thực hiện|i\.|i |để |nhằm |theo )", re.IGNORECASE)

# What the header should say, and the warning when it does not.
_MISSING = [
    ("kind", "missing_kind", "Không tìm thấy loại văn bản (Kế hoạch, Đề án...) ở đầu văn bản.",
     "No document kind (Kế hoạch, Đề án ...) found in the header."),
    ("number", "missing_number", "Không tìm thấy số, ký hiệu văn bản (“Số: .../KH-UBND”).",
     "No document number (“Số: .../KH-UBND”) found."),
    ("issued_date", "missing_issue_date",
     "Không tìm thấy địa danh, ngày ban hành (“..., ngày ... tháng ... năm ...”).",
     "No place and date of issue found."),
    ("issuer", "missing_issuer", "Không xác định được cơ quan ban hành.",
     "Could not tell who issued the plan."),
]

LEVEL_OF = {"tỉnh": "province", "thành phố": "province", "huyện": "district", "thị xã": "district",
            "quận": "district", "xã": "commune", "phường": "commune", "thị trấn": "commune"}


def _lines(text: str) -> list[str]:
    """Lines without markdown marks; a tabbed header line (the two-column layout of
    "ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI ...") gives one line per cell."""
    out: list[str] = []
    for line in text.split("\n"):
        for cell in line.split("\t"):
            out.append(clean(re.sub(r"^[#>\s]+|[*_]{1,2}", "", cell)))
    return out


def read_header(text: str) -> tuple[PlanHeader, list[ReadingWarning]]:
    """Read the header from the start of the document (and the issuer from anywhere)."""
    lines = _lines(text)
    head = lines[:80]
    header = PlanHeader()
    warnings: list[ReadingWarning] = []

    for line in head:
        match = _NUMBER.match(line)
        if match:
            header.number = re.sub(r"\s+", "", match.group("num"))
            break
    # A crawl may wrap the place and date over two lines ("Bắc Ninh, ngày 20" / "tháng 11 năm
    # 2025"): each line is tried joined with the next too.
    pairs = [f"{a} {b}".strip() for a, b in zip(head, head[1:] + [""])]
    for line in [*head, *pairs]:
        match = _PLACE_DATE.search(line)
        if match:
            try:
                header.issued_date = date(int(match.group("y")), int(match.group("m")),
                                          int(match.group("d")))
            except ValueError:
                warnings.append(ReadingWarning(
                    "bad_issue_date", f"Ngày ban hành không hợp lệ: “{match.group(0)}”.",
                    f"Invalid issue date: “{match.group(0)}”."))
            header.place = match.group("place").strip(" ,.")
            break

    kind_index = None
    for i, line in enumerate(head):
        folded = fold(line).strip(" .:")
        for key, kind in _KINDS.items():
            if folded == key or folded.startswith(key + " ve ") or folded.startswith(key + " "):
                if folded == key or len(folded) < 200 and line.isupper():
                    header.kind, kind_index = kind, i
                    break
        if kind_index is not None:
            break
    if kind_index is not None:
        first = head[kind_index]
        kind = header.kind or ""
        rest = first[len(kind):].strip(" .:") if fold(first) != fold(kind) else ""
        title_lines = [rest] if rest else []
        j = kind_index + 1
        while j < len(head) and not head[j] and not title_lines:
            j += 1
        # The title is the next few short lines; a caption "(Ban hành kèm theo ...)" or a
        # sentence ends it.
        while (j < len(head) and head[j] and not _BODY_START.match(head[j])
               and not head[j].startswith("(") and len(title_lines) < 4
               and re.search(r"[^\W\d_]", head[j])):   # a typed rule "-----" ends it
            title_lines.append(head[j])
            if head[j].endswith((".", ":", ";")) or len(head[j]) > 250:
                break
            j += 1
        title = " ".join(t for t in title_lines if t)
        header.title = title[:1].upper() + title[1:] if title else None

    header.issuer = _issuer(lines, header.place)
    header.year = _year(header, text)

    for field, code, vi, en in _MISSING:
        if getattr(header, field) is None:
            warnings.append(ReadingWarning(code, vi, en))
    return header, warnings


def _issuer(lines: list[str], place: str | None) -> str | None:
    """The issuing People's Committee, from the header block, the opening sentence, or captions."""
    for i, line in enumerate(lines[:30]):
        one = _ISSUER_LINE.match(line)
        if one:
            return f"UBND {one.group(1).lower()} {one.group(2).title()}"
        if _ISSUER_LINES.match(line):
            following = [ln for ln in lines[i + 1:i + 4] if ln]
            nxt = re.match(_LEVEL_WORDS + r"\s+(.+)$", following[0], re.IGNORECASE) if following else None
            if nxt:
                return f"UBND {nxt.group(1).lower()} {nxt.group(2).title()}"
    text = "\n".join(lines)
    for pattern in (_ISSUER_CAPTION, _ISSUER_SENTENCE):
        for match in pattern.finditer(text):
            name = match.group(match.lastindex) if match.lastindex and match.lastindex > 1 else None
            if name and not all(word[:1].isupper() for word in name.split()):
                if pattern is _ISSUER_SENTENCE:
                    continue  # "Ủy ban nhân dân tỉnh đã ban hành ..." tells of another plan
                name = None
            level = match.group(1).lower()
            name = name or place
            return f"UBND {level} {name}" if name else f"UBND {level}"
    return None


def _year(header: PlanHeader, text: str) -> int | None:
    """The plan year: the year in the title, else the issue year, else the commonest year."""
    if header.title:
        years = re.findall(r"\b(19\d{2}|20\d{2})\b", header.title)
        if years:
            return int(years[0])            # the first: "giai đoạn 2021-2025" starts in 2021
    if header.issued_date:
        return header.issued_date.year
    counted = Counter(re.findall(r"\b(20\d{2})\b", text))
    return int(counted.most_common(1)[0][0]) if counted else None


def level_of(issuer: str | None) -> str:
    """The administrative level of an issuer name ("UBND huyện X" → district)."""
    if not issuer:
        return "province"
    folded = fold(issuer)
    for key, word in _LEVELS.items():
        if re.search(rf"\b(ubnd|uy ban nhan dan) {key}\b", folded):
            return LEVEL_OF[word]
    return "province"


def context_of(header: PlanHeader, calendar: ReportingCalendar | None = None) -> PlanContext:
    """What the plan's deadline phrases are read against: its year (this year when the
    document names none: a prose plan can still be proposed and corrected), its issue date
    and the level of its issuer."""
    return PlanContext(year=header.year or date.today().year, issued=header.issued_date,
                       level=level_of(header.issuer), calendar=calendar)
