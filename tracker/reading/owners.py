"""Owner cells: who leads, who coordinates, and which names are collective groups.

Pure text work; matching names to the directory is ``tracker.directory.resolve``.

Vietnamese owner cells enumerate with commas inside one owner ("Các Sở, ban, ngành
tỉnh") as well as between owners ("Văn phòng HĐND-UBND huyện, phòng Văn hóa- Thông
tin"), so a comma only separates owners when what follows starts a new agency name.
"""

from __future__ import annotations

import re

from .agency_names import protect, split_names, unmask
from .result import OwnerMention, OwnerReading, ReadingWarning
from .text import clean, fold, fold_chars

# Folded words that start an agency name (the first words of a new owner).
_STARTS = (
    "ubnd", "uy ban", "hdnd", "so ", "phong ", "ban ", "van phong", "vp ", "trung tam",
    "cong an", "bhxh", "bao hiem", "bao ", "dai ", "thanh tra", "chi cuc", "cuc ", "bo ",
    "mttq", "mat tran", "tinh doan", "huyen doan", "doan ", "hoi ", "lien doan", "toa an",
    "vien kiem sat", "kho bac", "ngan hang", "buu dien", "cac ", "chu tich", "thu truong",
    "truong ", "giam doc", "quan su", "bo chi huy", "ban chi huy", "cong ty",
    # Party committees and central bodies, which directives and conclusion notices task too.
    "dang uy", "dang bo", "cap uy", "tinh uy", "thanh uy", "huyen uy", "ban thuong vu",
    "bo chinh tri", "ban bi thu", "chinh phu", "thu tuong", "quoc hoi", "tong cuc", "tap doan",
    "tong cong ty", "benh vien", "dai hoc",
    # A ministry's departments and a steering committee's working groups.
    "vu ", "tieu ban", "hoi dong", "to cong tac", "vien ",
    # Standing bodies of councils and committees ("Thường trực HĐND xã", "Thường trực Tỉnh ủy").
    "thuong truc ", "thong tan xa",
    # Associations a plan asks to take part ("Đề nghị: Hiệp hội Doanh nghiệp tỉnh, Liên minh HTX").
    "hiep hoi", "lien minh",
    # Heads of ministries, named by their post ("Bộ trưởng các Bộ, Thủ trưởng cơ quan ngang Bộ").
    "bo truong",
)
# Words that only enumerate kinds of agency ("ban", "ngành", "đơn vị"): never a new owner.
_KIND_WORDS = {"so", "ban", "nganh", "phong", "don", "vi", "co", "quan", "dia", "phuong", "cac",
               "tinh", "huyen", "xa", "cap", "thi", "tran", "thanh", "pho", "doan", "the",
               "to", "chuc", "va"}
# Qualifiers that make a collective phrase a subset nobody can resolve automatically.
_QUALIFIERS = ("lien quan", "duoc giao", "duoc kiem tra", "tiep nhan", "neu co", "co trach nhiem",
               "co thu tuc", "thuc hien")
# Heads of agencies named instead of the agency ("Chủ tịch UBND ...", "Thủ trưởng các Sở").
_PERSON_TITLES = re.compile(
    r"^(chu tich|pho chu tich|thu truong|giam doc|truong phong|chanh van phong|truong)\s+")

_GROUP_PATTERNS: list[tuple[str, re.Pattern]] = [
    # "Các Sở, ban, ngành tỉnh", "Sở, ban, ngành", "các sở ngành thuộc tỉnh"
    ("provincial_departments", re.compile(r"^(cac )?so\b[\w ,]*?(ban|nganh)\b[\w ,]*$")),
    # "UBND cấp huyện", "UBND các huyện, thị xã, thành phố"
    ("district_committees", re.compile(
        r"^(ubnd|uy ban nhan dan) (cap huyen|cac huyen|cac quan|cac huyen, thi xa, thanh pho|"
        r"cac huyen, thanh pho|cac huyen, thi xa)\b.*$")),
    # "UBND cấp xã", "UBND các xã, thị trấn", "UBND các xã, phường, thị trấn"
    ("communes", re.compile(
        r"^(ubnd|uy ban nhan dan) (cap xa|cac xa|cac phuong|cac xa, phuong|cac xa, thi tran|"
        r"cac xa, phuong, thi tran)\b.*$")),
    # "Các phòng, ban, ngành cấp huyện", "Các phòng, ban, đơn vị"
    ("district_offices", re.compile(r"^(cac )?phong\b[\w ,]*?(ban|nganh|don vi)\b[\w ,]*$")),
]

_ROLE_LEAD_THEN_COORD = re.compile(
    r"^(?P<lead>.+?)\s*,?\s*chu tri\s*[,;]?\s*(?:va\s+)?(?:phoi hop|phoi hop voi)\s+(?:voi\s+)?"
    r"(?P<coord>.+)$")
_ROLE_LEAD_COORD = re.compile(r"^(?P<lead>.+?)\s*,?\s*phoi hop\s+(?:voi\s+)?(?P<coord>.+)$")
_ROLE_LEAD_ONLY = re.compile(r"^(?P<lead>.+?)\s*,?\s*chu tri\s*$")


def read_owners(lead_cell: str | None, coordinate_cell: str | None = None) -> OwnerReading:
    """Read one owner cell (five-column form) or a lead and a coordinating cell (six-column).

    "X chủ trì, phối hợp với Y" and "X phối hợp với Y" mean X leads and Y coordinates.
    """
    reading = OwnerReading()
    lead_text = _presplit(lead_cell)
    coord_text = _presplit(coordinate_cell)
    lead_part, coord_part = _split_roles(lead_text)
    reading.lead = _mentions(lead_part, reading.warnings)
    reading.coordinate = _mentions(coord_part, reading.warnings) + _mentions(coord_text, reading.warnings)
    if not reading.lead and not reading.coordinate and (lead_cell or "").strip():
        reading.warnings.append(ReadingWarning(
            "unreadable_owner", f"Không đọc được cơ quan thực hiện: “{clean(lead_cell)}”.",
            f"Could not read the owners: “{clean(lead_cell)}”."))
    return reading


def _presplit(cell: str | None) -> str:
    """Turn separators lost in conversion into ';' before whitespace is collapsed.

    Two or more spaces, or a full stop followed by a capital, separate owners
    ("Sở Tư pháp.  Các Sở, ban, ngành tỉnh").
    """
    if not cell:
        return ""
    text = re.sub(r"[ \t]{2,}", "; ", cell.strip())
    text = re.sub(r"\.\s+(?=[A-ZĐÀ-Ỹ])", "; ", clean(text))
    return text.strip(" .;,")


# One cell with labelled roles: "Chủ trì: Sở Tư pháp; Phối hợp: Văn phòng UBND tỉnh".
_LABELLED_ROLES = re.compile(
    r"^\s*(?:co quan |don vi )?chu tri\s*:\s*(?P<lead>.+?)\s*[;,.]?\s*(?:(?:co quan |don vi )?phoi hop\s*:\s*"
    r"(?P<coord>.+))?$")


def _split_roles(text: str) -> tuple[str, str]:
    if not text:
        return "", ""
    folded = fold_chars(text)
    labelled = _LABELLED_ROLES.match(folded)
    if labelled:
        coordinate = text[labelled.start("coord"):] if labelled.group("coord") else ""
        return text[labelled.start("lead"):labelled.end("lead")], coordinate
    for pattern in (_ROLE_LEAD_THEN_COORD, _ROLE_LEAD_COORD):
        match = pattern.match(folded)
        if match:
            return text[:match.end("lead")], text[match.start("coord"):]
    match = _ROLE_LEAD_ONLY.match(folded)
    if match:
        return text[:match.end("lead")], ""
    return text, ""


def _starts_agency(piece: str) -> bool:
    folded = fold(piece).lstrip("-–•+ ")
    if not any((folded + " ").startswith(s) for s in _STARTS):
        return False
    words = re.findall(r"[a-z0-9]+", folded)
    # "ban", "ngành", "cơ quan đơn vị cấp huyện" only continue an enumeration.
    return not all(w in _KIND_WORDS for w in words) or folded.startswith("cac ")


def _split_pieces(text: str) -> list[str]:
    """Split an owner list on ';', then on ',' / 'và' where a new agency name starts."""
    pieces: list[str] = []
    for part in re.split(r"\s*;\s*", protect(text)):
        part = part.strip(" .,-–")
        if not part:
            continue
        # "và" separates owners only before a new agency ("Sở Tư pháp và các đơn vị ...");
        # "HĐND và UBND", "Thông tin và Truyền thông" stay whole.
        part = re.sub(r"\s+và\s+(?=(các|Các|Sở|Phòng|Trung tâm|Công an|Báo|Đài)\b)", ", ", part)
        current = ""
        for chunk in part.split(","):
            chunk = chunk.strip()
            if not chunk:
                continue
            if current and _starts_agency(chunk) and "(" not in current[current.rfind(")") + 1:]:
                pieces.append(current)
                current = chunk
            else:
                current = f"{current}, {chunk}" if current else chunk
        if current:
            pieces.append(current)
    return [unmask(p) for p in pieces]


def _expand_ellipsis(pieces: list[str]) -> list[str]:
    """'UBND cấp huyện, cấp xã' → 'UBND cấp huyện', 'UBND cấp xã'."""
    out: list[str] = []
    for piece in pieces:
        match = re.match(r"^(?P<head>.+?\bcấp)\s+(?P<lvl>huyện|xã|tỉnh)\s*,\s*cấp\s+(?P<rest>.+)$",
                         piece, re.IGNORECASE)
        if match:
            head = match.group("head")
            out.append(f"{head} {match.group('lvl')}")
            for level in re.split(r"\s*,\s*cấp\s+", match.group("rest")):
                out.append(f"{head} {level.strip()}")
        else:
            out.append(piece)
    return out


def _expand_colon_list(piece: str) -> list[str]:
    """'Các phòng, ngành: Tư pháp, LĐTBXH, Công an huyện' → 'Phòng Tư pháp', ...."""
    head, _, tail = piece.partition(":")
    if not tail.strip():
        return [piece]
    kind = re.search(r"\b(phòng|sở|ban|trung tâm)\b", head, re.IGNORECASE) \
        or re.match(r"^\s*(?:các\s+)?(bộ)\b", head, re.IGNORECASE)
    prefix = kind.group(1).capitalize() if kind else ""
    items = []
    for item in split_names(tail.strip(), r"\s*,\s*"):
        item = item.strip(" .")
        if not item:
            continue
        items.append(item if (_starts_agency(item) or not prefix) else f"{prefix} {item}")
    return items


def _extract_parentheses(piece: str) -> list[str]:
    """'Văn phòng HĐND-UBND huyện ( Trung tâm HCC huyện)' names two owners."""
    match = re.match(r"^(?P<outer>.+?)\s*\(\s*(?P<inner>[^()]+?)\s*\)\s*(?P<after>.*)$", piece)
    if match and _starts_agency(match.group("inner")) and not match.group("after"):
        return [match.group("outer").strip(), match.group("inner").strip()]
    return [piece]


def _split_missing_separator(piece: str, warnings: list[ReadingWarning]) -> list[str]:
    """'Các Sở, ban, ngành UBND huyện' lost its separator: two owners."""
    match = re.match(r"^(?P<a>.*\b(ngành|ban|sở|phòng|đơn vị))\s+(?P<b>(UBND|Ủy ban nhân dân)\b.+)$",
                     piece)
    if match and not re.search(r"(HĐND|Văn phòng)\s*$", match.group("a")):
        a, b = match.group("a").strip(), match.group("b").strip()
        warnings.append(ReadingWarning(
            "missing_separator",
            f"Hai cơ quan viết liền nhau không có dấu phân cách: “{piece}”; đọc thành “{a}” và “{b}”.",
            f"Two owners written without a separator: “{piece}”; read as “{a}” and “{b}”.",
            suggestion=f"{a}; {b}"))
        return [a, b]
    return [piece]


def classify(text: str) -> OwnerMention:
    """A mention with its collective group or vagueness recognised from the text alone."""
    folded = fold(text)
    folded = _PERSON_TITLES.sub("", folded)
    bare = re.sub(r"[^\w, ]", " ", folded)
    bare = re.sub(r"\s+", " ", bare).strip()
    qualified = any(q in bare for q in _QUALIFIERS)
    for key, pattern in _GROUP_PATTERNS:
        if pattern.match(bare):
            if qualified:
                return OwnerMention(text=text, vague=True)
            return OwnerMention(text=text, group=key)
    if bare.startswith("cac ") or qualified or bare in ("cac dia phuong", "dia phuong"):
        return OwnerMention(text=text, vague=True)
    return OwnerMention(text=text)


def _mentions(text: str, warnings: list[ReadingWarning]) -> list[OwnerMention]:
    if not text:
        return []
    names: list[str] = []
    for piece in _expand_ellipsis(_split_pieces(text)):
        for part in _split_missing_separator(piece, warnings):
            for item in _expand_colon_list(part):
                names.extend(_extract_parentheses(item))
    mentions = []
    seen = set()
    for name in names:
        name = name.strip(" .,;:-–")
        if not name or fold(name) in seen:
            continue
        seen.add(fold(name))
        mentions.append(classify(name))
    return mentions
