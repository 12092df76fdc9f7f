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
    # Directive documents that hand out work too (docs/domain.md, "Letters, dispatches and decisions").
    "chi thi": "Chỉ thị",
    "thong bao ket luan": "Thông báo kết luận",
    "thong bao": "Thông báo",
    "cong dien": "Công điện",
}
# The kind by the number's type code ("09/CT-UBND"), when no heading names it; a symbol with no
# type code ("1234/UBND-VP") is a letter.
_KIND_CODES = {"KH": "Kế hoạch", "DA": "Đề án", "CTR": "Chương trình", "CT": "Chỉ thị", "TB": "Thông báo",
               "CD": "Công điện"}    # not QĐ: a decision mostly approves a plan, which the import reads as one
_ISSUER_CODES = ("UBND", "VP", "BCD", "BCT", "TTG", "VPCP", "BNV", "BTC", "HDND")
# The signature block's post ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "GIÁM ĐỐC"): the signer's name follows.
_SIGNING_POST = re.compile(r"^(?:(?:TM|KT|TL|TUQ|Q)\.\s*)?(?:PHÓ\s+)?(?:CHỦ TỊCH|GIÁM ĐỐC|CHÁNH VĂN PHÒNG|"
                           r"TRƯỞNG BAN|TRƯỞNG PHÒNG|BỘ TRƯỞNG|THỦ TƯỚNG|THỨ TRƯỞNG|PHÓ THỦ TƯỚNG)\b")
_SIGNED = re.compile(r"^[(\[]?\s*(?:đã ký|đã ký và đóng dấu|ký)\s*[)\]]?$", re.IGNORECASE)
_NUMBER = re.compile(r"^s[oố]\s*:?\s*(?P<num>\d+\s*/\s*[\w\-Đđ]+(?:\s*-\s*[\w]+)*)", re.IGNORECASE)
_PLACE_DATE = re.compile(
    r"(?P<place>[^\d,;:()/]{2,60}?)\s*,\s*ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})",
    re.IGNORECASE)
_LEVELS = {"tinh": "tỉnh", "huyen": "huyện", "thi xa": "thị xã", "thanh pho": "thành phố",
           "quan": "quận", "xa": "xã", "phuong": "phường", "thi tran": "thị trấn", "dac khu": "đặc khu"}
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
            "quận": "district", "xã": "commune", "phường": "commune", "thị trấn": "commune",
            "đặc khu": "commune"}
#: Local government has two tiers (province, commune) from this day: no districts
#: (docs/domain.md, The 2025 reform).
TWO_TIER_FROM = date(2025, 7, 1)


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

    if header.kind == "Thông báo" and fold(header.title or "").startswith("ket luan"):
        header.kind = "Thông báo kết luận"         # "THÔNG BÁO" over "Kết luận của Phó Thủ tướng ..."
    if header.kind is None and header.number:
        header.kind = _kind_of_number(header.number)
    header.signer = _signer(lines)
    header.issuer = _issuer(lines, header.place)
    header.year = _year(header, text)

    for field, code, vi, en in _MISSING:
        if getattr(header, field) is None:
            warnings.append(ReadingWarning(code, vi, en))
    reform = district_after_reform(header)
    if reform is not None:
        warnings.append(reform)
    return header, warnings


def _kind_of_number(number: str) -> str | None:
    """The document kind its number's type code says ("09/CT-UBND" → Chỉ thị; "1234/UBND-VP", a
    symbol with no type code → Công văn); None when the symbol says nothing known."""
    symbol = number.partition("/")[2]
    code = fold(symbol.split("-")[0]).upper()
    if code in _KIND_CODES:
        return _KIND_CODES[code]
    if code in _ISSUER_CODES:
        return "Công văn"
    return None


def _looks_like_a_name(line: str) -> bool:
    """A person's name as signed: two to six capitalised words of letters ("Trần Chí Hùng")."""
    words = line.split()
    return (2 <= len(words) <= 6 and all(w.isalpha() for w in words)
            and all(w[0].isupper() and (len(w) == 1 or not w.isupper()) for w in words))


def _signer(lines: list[str]) -> str | None:
    """The name under the document's first signature block ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH /
    (Đã ký) / Trần Chí Hùng"), or None when there is no such block or no name under it."""
    for i, line in enumerate(lines):
        if not (line.isupper() and _SIGNING_POST.match(line)):
            continue
        for below in lines[i + 1:i + 8]:
            below = below.strip(" |")
            if not below or _SIGNED.match(below) or (below.isupper() and len(below) < 80):
                continue                  # the rest of the post, "(Đã ký)", an empty cell
            if _looks_like_a_name(below):
                return below
            break
    return None


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


def _named_level(issuer: str | None) -> str:
    """The level an issuer name says ("UBND huyện X" → district), whatever the date."""
    if not issuer:
        return "province"
    folded = fold(issuer)
    for key, word in _LEVELS.items():
        if re.search(rf"\b(ubnd|uy ban nhan dan) {key}\b", folded):
            return LEVEL_OF[word]
    return "province"


def level_of(issuer: str | None, on: date | None = None) -> str:
    """The administrative level of an issuer name ("UBND huyện X" → district) for a plan
    issued on ``on``: from 1/7/2025 there are two tiers, so a district name (a slip, or a
    plan dated wrongly) counts as a province, like any level the name does not tell; plans
    issued before keep their district rules. ``on`` None: the name alone."""
    level = _named_level(issuer)
    if level == "district" and on is not None and on >= TWO_TIER_FROM:
        return "province"
    return level


def issued_on(header: PlanHeader) -> date | None:
    """The day a plan counts as issued for the reform: its issue date, else the first day
    of its year (a 2026 plan is after the reform, a 2025 one without a date is not)."""
    return header.issued_date or (date(header.year, 1, 1) if header.year else None)


def district_after_reform(header: PlanHeader) -> ReadingWarning | None:
    """A warning when the header names a district body and the plan is dated after the
    districts were abolished."""
    on = issued_on(header)
    if on is None or on < TWO_TIER_FROM or _named_level(header.issuer) != "district":
        return None
    return ReadingWarning(
        "district_after_reform",
        f"Cơ quan ban hành là “{header.issuer}” nhưng kế hoạch ban hành ngày {on:%d/%m/%Y}: từ ngày "
        f"{TWO_TIER_FROM:%d/%m/%Y} không còn cấp huyện. Kiểm tra cơ quan ban hành và ngày ban hành; "
        "hạn báo cáo được tính theo cấp tỉnh.",
        f"The issuer is “{header.issuer}” but the plan is dated {on:%d/%m/%Y}: districts no longer "
        f"exist since {TWO_TIER_FROM:%d/%m/%Y}. Check the issuer and the date; report deadlines "
        "follow the province's day.")


def context_of(header: PlanHeader, calendar: ReportingCalendar | None = None) -> PlanContext:
    """What the plan's deadline phrases are read against: its year (this year when the
    document names none: a prose plan can still be proposed and corrected), its issue date
    and the level of its issuer (never a district after the 2025 reform)."""
    return PlanContext(year=header.year or date.today().year, issued=header.issued_date,
                       level=level_of(header.issuer, issued_on(header)), calendar=calendar)
