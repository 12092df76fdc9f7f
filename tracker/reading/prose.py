"""Tasks written as prose: candidate tasks found in paragraphs and bullet points.

Two uses, one reader:

- a *tabular* plan keeps its tasks in a table; only its "TỔ CHỨC THỰC HIỆN" section is read
  here, and only sentences with an explicit dated deadline and a named owner become
  candidates (docs/domain.md, "Plan documents": this section often holds further deadlines);
- a *prose* programme ("Đề án", a remediation plan) has no table at all; the whole body is
  read (``read_prose_plan``).

A sentence is proposed when it assigns work to an agency ("Giao Sở ...", "X chủ trì", "X tham
mưu", "X có trách nhiệm") and/or carries a deadline phrase ("trong tháng 01/2016", "trước ngày
30/9/2017", "Quý I/2016", "định kỳ 6 tháng", "hằng năm"). When the sentence names no owner, the
owner comes from its lead-in ("- Sở Tư pháp chủ trì ... các kế hoạch sau:" over "+" items), or
is inferred from the document's own assignment section ("V. TRÁCH NHIỆM THỰC HIỆN ... Sở Tư
pháp chủ trì ... các nhiệm vụ về cải cách thủ tục hành chính") by matching the areas it names
with the headings the sentence sits under. Percentages ("đạt 100%", "giảm 30%") are kept as
``targets`` of the task they belong to, never as tasks.

Every candidate carries its sentence (``source_text``), a ``confidence`` and the ``reason`` in
Vietnamese; none is tracked until the plan's author confirms it (warning ``prose_task``). The
rules are about how Vietnamese administrative prose is written, never about one document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .deadlines import WEEKDAY, read_deadline
from .header import context_of
from .owners import _KIND_WORDS, _STARTS, _starts_agency, fold_chars, read_owners
from .reporting import ReportingCalendar
from .result import (
    CONTINUOUS,
    DATE,
    EVENT,
    RANGE,
    RECURRING,
    AssignmentReading,
    DeadlineReading,
    NotAPlanError,
    OwnerMention,
    OwnerReading,
    PlanContext,
    PlanHeader,
    PlanReading,
    ReadingWarning,
    SectionReading,
    TaskReading,
)
from .text import fold, fold_words

#: Candidates at or above this confidence start checked in the import preview.
CHECKED_CONFIDENCE = 0.6
#: A named lead and a precise deadline: the surest reading the prose reader makes.
CHECKED_STRONG = 0.9
#: A standing duty in a tabular plan's "Tổ chức thực hiện": proposed, not checked.
TCTH_STANDING = 0.45

# Deadline strength: how precisely a phrase pins the work down.
STRONG, MEDIUM, WEAK, NONE = 3, 2, 1, 0

# Confidence by (where the owner came from, deadline strength). None: not proposed.
_CONFIDENCE: dict[str, tuple[float | None, ...]] = {
    #            NONE  WEAK  MEDIUM STRONG
    "explicit": (0.6, 0.75, 0.85, CHECKED_STRONG),    # named in the sentence or in its lead-in
    "vague":    (0.45, 0.55, 0.7, 0.8),    # named, but as "các cơ quan, đơn vị ..."
    "vague_lead_in": (None, None, 0.65, 0.75),  # a whole section handed to "các cơ quan, đơn vị"
    "vague_heading": (0.4, 0.45, 0.65, 0.75),  # duties under a heading "Các bộ, ngành, địa phương:"
    "inferred": (None, None, 0.65, 0.75),  # from the assignment section; "hằng năm" is too little
    "none":     (None, None, 0.4, 0.5),    # a deadline, nobody named
}
_OBJECTIVE_PENALTY = 0.1   # a dated sentence among the objectives is as often a target as a task

# --- document outline (item markers: ``outline.item_marker``) ------------------------------------
# Section kinds, decided by the innermost heading that says what it is (folded titles).
_RESPONSIBILITY = re.compile(
    r"^(to chuc thuc hien|trach nhiem thuc hien|trach nhiem cua|phan cong( thuc hien| trach nhiem|"
    r" nhiem vu)?|giao nhiem vu)\b")
_OBJECTIVES = re.compile(r"^(muc tieu|chi tieu)\b")
_IMPLEMENTATION = re.compile(r"^(to chuc thuc hien|trach nhiem thuc hien|to chuc theo doi|theo doi,? kiem tra|"
                             r"kiem tra,? giam sat|che do bao cao|phan cong (thuc hien|trach nhiem|nhiem vu))\b")
_NOT_TASKS = re.compile(
    r"^(su can thiet|co so phap ly|can cu phap ly|can cu xay dung|muc dich|yeu cau|quan diem|"
    r"thuc trang|tinh hinh|ket qua (dat duoc|thuc hien)|danh gia (ket qua|tinh hinh|thuc trang)|"
    r"nguyen nhan|han che|(cac )?hanh vi vi pham|xu phat|muc phat|che tai|thong tin lien he|dau moi lien he)\b")



@dataclass
class _Node:
    kind: str                    # roman, num, letter, dash, plus, para, root
    level: int
    number: str
    text: str
    line: int
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)
    role: str = "tasks"          # tasks, objectives, responsibility, skip
    inferred: _Mapping | None = None
    #: {item kind: (headings, those naming an agency)} among the children, counted once
    owner_headings: dict = field(default_factory=dict)

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.text}" if self.kind in ("roman", "num") else self.text

    def ancestors(self):
        node = self.parent
        while node is not None and node.kind != "root":
            yield node
            node = node.parent


def _logical_lines(text: str, tcth_only: bool) -> list[tuple[int, str]]:
    """The document's paragraphs (``outline.paragraphs``: wrapped lines joined, tables and the
    closing left out), with the line each starts on."""
    from .outline import paragraphs
    return [(p.line, p.text) for p in paragraphs(text)]


def _outline(lines: list[tuple[int, str]]) -> _Node:
    root = _Node("root", -1, "", "", 0)
    stack = [root]
    from .outline import item_marker, starts_part
    for number, line in lines:
        kind, num, body, level = item_marker(line)
        if kind == "para" and starts_part(line):
            kind, level = "roman", 0
        node = _Node(kind, level, num, body.strip(), number)
        while stack[-1].level >= level:
            stack.pop()
        node.parent = stack[-1]
        stack[-1].children.append(node)
        stack.append(node)
    return root


def _walk(node: _Node):
    for child in node.children:
        yield child
        yield from _walk(child)


def _assign_roles(root: _Node) -> None:
    for node in _walk(root):
        node.role = "tasks"
        for heading in [node, *node.ancestors()]:
            if heading.kind not in ("roman", "num", "letter") or (heading is node and not node.children):
                continue
            title = _title_key(heading.text)
            if _RESPONSIBILITY.match(title):
                node.role = "responsibility"
            elif _OBJECTIVES.match(title):
                node.role = "objectives"
            elif _NOT_TASKS.match(title):
                node.role = "skip"
            else:
                continue
            break


def _title_key(text: str) -> str:
    return " ".join(fold_words(text))


# --- deadline phrases ------------------------------------------------------------------------
_A = re.ASCII
# Document references and their dates are never deadlines ("Quyết định số 22/2015/QĐ-TTg ngày
# 22/6/2015", "Thông báo số 39/TB-VPBCĐCCHC ngày 03 tháng 8 năm 2017").
_DOC_REF = re.compile(
    r"(?:\bso\s*:?\s*)?\b\d{1,5}[a-z]?(?:\s*/\s*\d{4})?(?:\s*-\s*[a-z&]+)*\s*/\s*[a-z][a-z0-9&.\-]*"
    r"(?:\s*/\s*[a-z0-9&.\-]+)*"
    r"(?:\s*,?\s*ngay\s*\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}"
    r"|\s*,?\s*ngay\s*\d{1,2}\s*thang\s*\d{1,2}\s*,?\s*nam\s*\d{4})?", _A)
_NOT_AFTER_NUMBER = r"(?<![0-9]\s)(?<![0-9])"
_ANCHORS: list[tuple[str, re.Pattern]] = [
    ("event", re.compile(
        r"\b(?:sau|trong\s*vong|trong\s*thoi\s*han|trong|cham\s*nhat(?:\s*la)?|khong\s*qua)\s*"
        r"(?:\d{1,3}|(?:(?:mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi|lam)\s*){1,3})\s*"
        r"(?:\(\s*\d{1,3}\s*\)\s*)?ngay(?:\s*lam\s*viec)?\s*,?\s*"
        r"(?:ke\s*tu|tu\s*ngay|tu\s*khi|sau\s*khi)[^,;.()]{0,100}", _A)),
    ("recurring", re.compile(
        r"(?:\b(?:truoc|vao|tu)\s*)?\bngay\s*\d{1,2}\s*(?:hang|moi)\s*(?:thang|quy|qui)\b"
        r"|\bdinh\s*ky\b(?:\s*(?:,|va|hoac|/)?\s*(?:hang\s*|moi\s*)?(?:quy|qui|thang|nam|tuan|"
        r"(?:6|sau|9|chin|3|ba)\s*thang|ngay\s*\d{1,2})\b)*(?:\s*(?:,|va|hoac)?\s*dot\s*xuat)?"
        r"|\b(?:hang|moi)\s*(?:thang|quy|qui|tuan)\b"
        r"|\b\d{1,2}\s*thang\s*/\s*(?:1\s*|mot\s*)?lan\b"
        r"|\b\d{1,2}\s*(?:lan|dot)\s*(?:/|trong|moi)\s*(?:mot\s*|1\s*)?nam\b", _A)),
    ("annual", re.compile(r"\b(?:hang|moi)\s*nam\b", _A)),
    ("day", re.compile(
        r"\bngay\s*\d{1,2}\s*thang\s*\d{1,2}(?:\s*,?\s*nam\s*\d{4})?"
        r"|(?:\bngay\s*)?(?<![0-9/.])\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?(?![0-9/])", _A)),
    ("month", re.compile(
        _NOT_AFTER_NUMBER + r"\bthang\s*\d{1,2}(?![0-9])(?:\s*(?:-|den|toi)\s*(?:thang\s*)?\d{1,2}(?![0-9]))?"
        r"(?:\s*/\s*\d{4}|\s*,?\s*nam\s*\d{4})?(?![0-9/])", _A)),
    ("quarter", re.compile(
        r"\b(?:quy|qui)\s*(?:iv|i{1,3}|[1-4])\b"
        r"(?:\s*(?:,|va|-|den)\s*(?:(?:quy|qui)\s*)?(?:iv|i{1,3}|[1-4])\b)*"
        r"(?:\s*/\s*\d{4}|\s*,?\s*nam\s*\d{4})?|\bq[1-4]\s*/\s*\d{4}", _A)),
    ("half", re.compile(r"\b(?:6|sau)\s*thang\s*(?:dau|cuoi)\s*nam(?:\s*\d{4})?", _A)),
    ("year", re.compile(
        r"\bnam\s*(?:19|20)\d{2}(?![0-9])(?!\s*(?:-|den|toi)\s*(?:nam\s*)?(?:19|20)?\d{2})", _A)),
    ("yearpart", re.compile(r"\b(?:dau|giua|cuoi|het)\s*nam\b(?!\s*(?:nay|hoc|\d))", _A)),
    ("continuous", re.compile(r"\bthuong\s*xuyen\b", _A)),
]
# What makes a date a deadline rather than a mention: a preposition right before it ...
_PREP = re.compile(
    r"(?:\b(?:truoc|cham\s*nhat(?:\s*(?:la|den|vao))?|muon\s*nhat|khong\s*qua|khong\s*muon\s*hon|"
    r"han\s*chot(?:\s*la)?|trong|den|vao|tu|ke\s*tu|bat\s*dau\s*tu)\s*[:,]?\s*)?"
    r"(?:\b(?:cuoi|(?<!phan )dau|giua|het)\s*)?(?:\bngay\s*)?$", _A)
# ... or, for a month, quarter or year, standing at the head of its clause ("Tháng 12/2016, ...").
_CLAUSE_HEAD = re.compile(r"(?:^|[,;:(.]|\bva|\bphan\s*dau)\s*$", _A)
_ADVERB_HEAD = re.compile(r"(?:^|[;(:]|\b(?:thuc\s*hien|to\s*chuc|duoc|phai|can|se|va))\s*$", _A)
# "… lực lượng Kiểm lâm thường xuyên tổ chức tuần tra": before a verb, an adverb of the duty.
_ACTION_AFTER = re.compile(r"\s*(?:to\s*chuc|kiem\s*tra|theo\s*doi|cap\s*nhat|ra\s*soat|tuyen\s*truyen|"
                           r"phoi\s*hop|thuc\s*hien|bao\s*cao|don\s*doc|huong\s*dan|giam\s*sat|tuan\s*tra|"
                           r"nam\s*bat|chu\s*dong|trien\s*khai|tong\s*hop|danh\s*gia)\b", _A)
_CONNECT = re.compile(r"^\s*(?:,|-|–|den|toi|va|hoac)\s*(?:het\s*)?$", _A)
# "Thời gian hoàn thành trình UBND tỉnh phê duyệt trong tháng 01/2016.": still the deadline of the
# sentence before.
_DEADLINE_LABEL = re.compile(r"^\s*(?:thoi\s*gian\s*(?:thuc\s*hien|hoan\s*thanh)|thoi\s*han|tien\s*do|"
                             r"hoan\s*thanh\s*(?:truoc|trong)|thuc\s*hien\s*(?:truoc|trong|tu))\b", _A)
_DEADLINE_ONLY_WORDS = {"thuc", "hien", "thoi", "gian", "hoan", "thanh", "han", "xong", "tien", "do",
                        "trong", "truoc", "va", "nop", "la", "cham", "nhat", "xin", "y", "kien"}


@dataclass
class _Deadline:
    text: str
    reading: DeadlineReading
    strength: int
    start: int
    end: int


def _masked_fold(text: str) -> str:
    folded = fold_chars(text)
    folded = WEEKDAY.sub(lambda m: " " * len(m.group(0)), folded)
    return _DOC_REF.sub(lambda m: " " * len(m.group(0)), folded)


def _deadlines(text: str, context: PlanContext, folded: str | None = None) -> list[_Deadline]:
    """Deadline phrases in one sentence, in order of appearance."""
    folded = folded if folded is not None else _masked_fold(text)
    spans: list[tuple[int, int, str]] = []
    taken = [False] * len(folded)
    for kind, pattern in _ANCHORS:
        for match in pattern.finditer(folded):
            s, e = match.span()
            if any(taken[s:e]):
                continue
            before = folded[max(0, s - 40):s]
            prep = _PREP.search(before)
            prep = prep if prep and prep.group(0).strip() else None
            if kind == "continuous" and not _ADVERB_HEAD.search(before) and not _ACTION_AFTER.match(folded[e:]):
                continue                   # "nhiệm vụ trọng tâm, thường xuyên": an adjective
            if kind in ("day", "month", "quarter", "half", "year", "yearpart"):
                if prep is None and not (kind != "day" and _CLAUSE_HEAD.search(before)):
                    continue
                if kind == "year" and prep is None and not re.match(r"\s*[,:]", folded[e:e + 2]):
                    continue               # "Năm 2016, ..." heads a clause; "năm 2017 chưa đạt" does not
                if not _plausible(match.group(0), kind, context):
                    continue
            start = s - len(prep.group(0)) if prep else s
            for i in range(s, e):
                taken[i] = True
            spans.append((start, e, kind))
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if merged and kind == "annual" and merged[-1][2] in ("day", "month") \
                and re.fullmatch(r"[\s,(]*", folded[merged[-1][1]:start]) \
                and not re.search(r"\d{4}", folded[merged[-1][0]:merged[-1][1]]):
            merged[-1] = (merged[-1][0], end, "recurring")    # "trước ngày 25/12 hằng năm"
            continue
        if merged and merged[-1][2] not in ("event", "recurring", "annual", "continuous") \
                and kind not in ("event", "recurring", "annual", "continuous") \
                and _CONNECT.match(folded[merged[-1][1]:start]):
            merged[-1] = (merged[-1][0], end, merged[-1][2])   # "từ tháng 3 đến tháng 7 năm 2020"
            continue
        merged.append((start, end, kind))
    out = []
    for start, end, kind in merged:
        if end < len(text) and text[end].isalnum() and " " in text[start:end]:
            end = text.rindex(" ", start, end)        # never cut a word
        phrase = text[start:end].strip(" ,;:")
        reading = read_deadline(phrase, context)
        strength = _strength(kind, reading)
        if strength:
            out.append(_Deadline(phrase, reading, strength, start, end))
    return out


def _plausible(anchor: str, kind: str, context: PlanContext) -> bool:
    """Day and month in range; not a year before the plan's (those are past events)."""
    numbers = [int(n) for n in re.findall(r"\d+", anchor)]
    years = [n for n in numbers if n >= 1900]
    # A year before the plan's is a past event, except in the year the plan was issued (a
    # plan for 2026-2030 issued in November 2025 sets tasks for December 2025).
    earliest = min(context.year, context.issued.year) if context.issued else context.year
    if any(y < earliest for y in years):
        return False
    if kind == "day":
        if len(numbers) < 2 or not (1 <= numbers[0] <= 31 and 1 <= numbers[1] <= 12):
            return False
        if len(numbers) >= 3 and numbers[2] < 100:
            return False
        day = _safe_date(years[0], numbers[1], numbers[0]) if years else None
        if day is not None and context.issued and day < context.issued:
            return False
    if kind == "month" and not all(1 <= n <= 12 for n in numbers if n < 1900):
        return False
    return True


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _strength(kind: str, reading: DeadlineReading) -> int:
    if reading.kind in (DATE, RANGE):
        if "approximate" in reading.flags or kind in ("half", "yearpart"):
            return MEDIUM
        if kind == "year" or (reading.start and reading.due and (reading.due - reading.start).days > 200):
            return WEAK
        return STRONG
    if reading.kind == RECURRING:
        periods = set(reading.periods)
        if periods == {"annual"} and re.search(r"\b\d{1,2}\s*/\s*\d{1,2}\b|\bngay\s*\d", fold(reading.text)):
            return MEDIUM          # a day each year ("trước ngày 30/11 hằng năm"), not a bare "hằng năm"
        return WEAK if not periods or periods == {"annual"} else STRONG
    if reading.kind == EVENT:
        return STRONG if reading.offset_days is not None else MEDIUM
    if reading.kind == CONTINUOUS:
        return WEAK
    return NONE


# --- owners ------------------------------------------------------------------------------------
# Verbs that follow an owner's name ("Sở Tư pháp chủ trì", "UBND cấp huyện căn cứ ...").
_VERBS = (
    "chu tri", "tham muu", "co trach nhiem", "chiu trach nhiem", "phoi hop", "xay dung", "trien khai",
    "to chuc", "thuc hien", "ban hanh", "thanh lap", "ra soat", "kiem tra", "gui", "bao cao",
    "hoan thanh", "bo tri", "can cu", "thong bao", "theo doi", "huong dan", "chi dao", "don doc",
    "cap nhat", "cong bo", "ky ket", "trinh", "de xuat", "tiep tuc", "nghien cuu", "quan triet",
    "chuan bi", "lap ke hoach", "lap danh sach", "lap du toan", "lap danh muc", "phan cong",
    "tap trung", "khan truong", "kip thoi", "chu dong", "nang cao", "tang cuong", "day manh",
    "duy tri", "cung cap", "dau tu", "sap xep", "kien toan", "cung co", "xu ly", "tong hop",
    "danh gia", "so ket", "tong ket", "tuyen truyen", "niem yet", "cong khai", "dang tai",
    "sua doi", "dam bao", "bao dam", "co ke hoach", "giup", "la co quan", "la dau moi",
    "tiep nhan", "giai quyet", "hoan thien", "ap dung", "giao", "yeu cau", "de nghi", "uu tien",
    "khac phuc", "chan chinh", "phan anh", "van hanh", "cu can bo", "mua sam", "dang ky",
    "dua tin", "giam sat", "ho tro", "tham gia", "van dong", "kiem soat", "phan bo", "thuc thi",
    "nghiem tuc", "phai", "can(?!\\s*bo)", "se",
)
# "giao" hands work to someone; "giao thông", "giáo dục", "giao ban" are names and nouns (and
# "giúp việc" is part of one: "Tổ giúp việc").
_NOT_GIVING = r"(?!\s+(?:thong|duc|dich|luu|ban|nhan|tiep|thuong)\b)"
_VERB = re.compile(r"(?<!quy )(?<!chuong )(?:(?<=phan cong )|(?<!cong ))\b(?:" + "|".join(
    v.replace(" ", r"\s+") + (_NOT_GIVING if v == "giao" else r"(?!\s+viec)" if v == "giup" else "")
    for v in sorted(_VERBS, key=len, reverse=True)) + r")\b", _A)
# Who is asked to do something ("Giao Sở Nội vụ ...", "Đề nghị Ủy ban MTTQ ...").
_ASSIGN = re.compile(r"^(?:giao\s+nhiem\s+vu\s+cho|giao\s+cho|giao|de\s+nghi|yeu\s+cau|uy\s+quyen\s+cho)\s+",
                     _A)
_BARE_KINDS = {"so", "phong", "ban", "bo", "cuc", "trung", "van", "uy", "ubnd"}
_BAD_OWNER_TAIL = re.compile(r"\b(?:cua|cho|voi|(?<!van )tai|ve|trong|theo|de|nham|duoc|khong|nhung|"
                             r"khi|neu|truoc|sau|la|va|hoac|da|dang)\s*$", _A)
# First words that may start an owner only when a name follows ("Ban Chỉ đạo", not "Ban hành").
_AMBIGUOUS_START = {"ban", "bao", "bo", "phong", "so", "hoi", "doan", "dai", "cuc", "truong",
                    "thanh", "chi", "vien", "to", "trung", "cong", "kho", "ngan", "lien", "mat",
                    "toa", "quan", "vu", "tieu"}
_NAME_FOLLOWERS = {"tinh", "huyen", "xa", "thanh", "thi", "quan", "cap", "cac", "chi", "nhan", "dong", "phong",
                   "ban", "tam", "an", "tra", "cuc", "bac", "hang", "doan", "kiem", "tu", "tran", "pho", "ly", "dao"}
_TWO_WORD_STARTS = {s.strip() for s in _STARTS if " " in s.strip()}
# Collective nouns after "các" / "từng" that make an owner ("các sở", "các cơ quan, đơn vị").
_COLLECTIVE = re.compile(
    r"^(?:cac|tung|moi|toan the)\s+(?:so|ban|nganh|phong|co quan|don vi|dia phuong|huyen|xa|phuong|"
    r"thi tran|thanh pho|quan|doan the|hoi|truong(?! hop)|trung tam|chi cuc|cuc|bo|uy ban|ubnd|cap|"
    r"thanh vien|chu dau tu|to chuc doan the|doanh nghiep nha nuoc|tap doan|tong cong ty|"
    r"pho thu tuong|bo truong|thu truong|chu tich|giam doc)\b", _A)
_GENERIC_START = re.compile(r"^(?:co quan|don vi|dia phuong|nguoi dung dau|lanh dao)\b", _A)
# Starts the owner reader's list lacks, seen in district and commune plans ("Trạm Y tế xã",
# "Công chức Văn phòng - Thống kê", "Bệnh viện ...", "Hội đồng ..."); a person's post needs a name.
_MORE_STARTS = re.compile(r"^(?:tram|benh vien|hoi dong|chi nhanh|ban quan ly)\b", _A)
_POSTS = re.compile(r"^(?:cong chuc|can bo|vien chuc)\s+(?=\S)", _A)
_TITLES = re.compile(r"\b(thủ trưởng|chủ tịch|giám đốc|trưởng)\s+(?=(các|ubnd|ủy ban|uỷ ban|sở|phòng|ban)\b)",
                     re.IGNORECASE)
_SPLIT_AND = re.compile(
    r"(?<!HĐND)\s+và\s+(?=(UBND|Ủy ban|Uỷ ban|Chủ tịch|Thủ trưởng|Ban |Văn phòng|Trung tâm|Bưu điện|"
    r"Công an|Sở |Phòng ))")


@dataclass
class _Owner:
    text: str                     # the owner phrase as written
    reading: OwnerReading
    source: str                   # own, lead_in, inferred
    note: str = ""                # the lead-in or the assignment that gave it
    end: int = 0                  # where the owner phrase ends in the sentence
    heading: bool = False         # a lead-in that only names owners ("d) Các bộ, ngành, địa phương:")

    @property
    def vague(self) -> bool:
        return bool(self.reading.lead) and all(m.vague for m in self.reading.lead)


# "các đồng chí Bộ trưởng, Thủ trưởng …": a form of address before the owner.
_ADDRESS = re.compile(r"^[-–•+ ]*(?:các\s+)?đồng\s+chí\s+(?=\S)", re.IGNORECASE)


def _agency_start(text: str) -> bool:
    """Does ``text`` start with an agency name (not a verb that shares its first word)?"""
    text = _ADDRESS.sub("", text)
    folded = fold(text).lstrip("-–•+ ")
    if _COLLECTIVE.match(folded) or _GENERIC_START.match(folded):
        return True
    post = _POSTS.match(folded)
    if post:
        rest = text.lstrip("-–•+ ")[post.end():]
        return rest[:1].isupper()
    if _MORE_STARTS.match(folded) and len(text.split()) > 1 and text.split()[1][:1].isupper():
        return True
    if folded.startswith("cac ") or folded.startswith("tung "):
        return False
    if not _starts_agency(text):
        return False
    words = text.lstrip("-–•+ ").split()
    first = fold(words[0]) if words else ""
    two = " ".join(fold_words(" ".join(words[:2])))
    if two == "thanh tra":                 # "Thanh tra tỉnh" is a body, "Thanh tra, kiểm tra" work
        third = words[2] if len(words) > 2 else ""
        return third[:1].isupper() or fold(third).strip(",.") in ("tinh", "huyen", "so", "bo", "chinh")
    if two in _TWO_WORD_STARTS:
        return True
    if first in _AMBIGUOUS_START and len(words) > 1:
        second = words[1]
        if not (second[:1].isupper() or fold(second).strip(",.") in _NAME_FOLLOWERS):
            return False
    return True


def _owner_at(text: str, folded: str, pos: int, limit_words: int = 22) -> _Owner | None:
    """The owner named at ``pos`` and the verb that follows it, or None."""
    assign = _ASSIGN.match(folded[pos:])
    if assign:
        pos += assign.end()
    enumerated = _enumerated_kind(text, folded, pos)
    if enumerated is not None:
        return enumerated
    if not _agency_start(text[pos:]):
        return None
    for verb in _VERB.finditer(folded, pos):
        owner_text = text[pos:verb.start()]
        if len(owner_text.split()) > limit_words or re.search(r"[;.()%]", owner_text):
            return None
        if not text[verb.start()].islower():
            continue                               # "Sở Xây dựng chủ trì": a name goes on
        owner_text = re.sub(r"\s*,?\s*\b(cũng|đều)\s*$", "", owner_text.strip(" ,:"), flags=re.IGNORECASE)
        owner_text = re.split(r"\s+(?:do|bởi|nhằm|để|trong việc|về việc)\s+", owner_text, maxsplit=1)[0]
        words = fold_words(owner_text)
        if words and words[-1] in ("da", "dang", "vua"):
            return None                            # the past: "Sở Nội vụ đã tham mưu ..."
        if not words or _BAD_OWNER_TAIL.search(" ".join(words)) or (
                words[-1] in _BARE_KINDS and words[-2:] != ["ngang", "bo"]):
            continue                               # "các đơn vị được | giao ...", "Sở | Xây dựng"
        verb_word = fold(verb.group(0))
        if verb_word in ("giao", "yeu cau", "de nghi"):    # "UBND tỉnh giao Sở Tư pháp ...": the next one
            inner = _owner_at(text, folded, verb.end() + 1, limit_words)
            if inner:
                return inner
        reading = _read_owner_phrase(owner_text, text, folded, verb)
        if not reading.lead:
            return None
        owner = _Owner(owner_text, reading, "own", end=verb.start())
        if verb_word == "chi dao":
            directed = _owner_at(text, folded, verb.end() + 1, limit_words)
            if directed is not None and not re.search(r"[;.]", text[verb.end():directed.end]):
                return _with_directed(owner, directed)
        return owner
    return None


# "các Bộ: Tài chính; Xây dựng; Khoa học và Công nghệ …", "các Sở: Nội vụ, Tư pháp …": one kind
# of body, then the names of those meant.
_KIND_LIST = re.compile(r"(?:cac\s+)?(?P<kind>bo|so)\s*:\s*", _A)


def _enumerated_kind(text: str, folded: str, pos: int) -> _Owner | None:
    opening = _KIND_LIST.match(folded, pos)
    if opening is None or not text[opening.start("kind")].isupper():
        return None
    verb = next((v for v in _VERB.finditer(folded, opening.end()) if text[v.start()].islower()), None)
    if verb is None:
        return None
    names = text[opening.end():verb.start()].strip(" ,;.")
    parts = [n.strip(" ,.") for n in (names.split(";") if ";" in names else re.split(r",\s*|\s+và\s+", names))]
    if not parts or any(not p or not p[:1].isupper() or len(p.split()) > 8 for p in parts):
        return None
    kind = text[opening.start("kind"):opening.end("kind")]
    reading = read_owners("; ".join(f"{kind} {p}" for p in parts))
    return _Owner(text[pos:verb.start()].strip(" ,;"), reading, "own", end=verb.start())


_DIRECTING = re.compile(r"^[-+•\s]*chi\s+dao\s+", _A)


def _with_directed(owner: _Owner, directed: _Owner) -> _Owner:
    """"Sở X chỉ đạo Chi cục Y thực hiện …": the body directed does the work with X (both lead)."""
    known = {m.text for m in owner.reading.lead}
    # A body named ("Chi cục Biển đảo và Thủy sản") leads with it; "các đơn vị trực thuộc",
    # "cơ quan chuyên môn …" are its own staff, not owners of their own.
    named = [m for m in directed.reading.lead if m.text not in known and not m.vague and not m.group
             and not re.match(r"^(cac|nhung|co quan|don vi|luc luong)\b", fold(m.text))]
    if not named:
        return owner
    reading = OwnerReading(lead=owner.reading.lead + named,
                           coordinate=owner.reading.coordinate + directed.reading.coordinate,
                           warnings=owner.reading.warnings + directed.reading.warnings)
    return _Owner(owner.text, reading, owner.source, note=owner.note, end=directed.end)


def _directed_by(text: str, folded: str, owner: _Owner | None) -> _Owner | None:
    """A duty under an owner's heading that opens "Chỉ đạo Y chủ trì …" (the heading's owner
    directs Y): both lead."""
    opening = _DIRECTING.match(folded)
    if owner is None or opening is None:
        return None
    directed = _owner_at(text, folded, opening.end())
    return _with_directed(owner, directed) if directed is not None else None


def _read_owner_phrase(owner_text: str, text: str, folded: str, verb: re.Match) -> OwnerReading:
    """Lead and coordinating owners: "X chủ trì, phối hợp với Y <verb>", "X phối hợp với Y <verb>"."""
    lead = _SPLIT_AND.sub(", ", _TITLES.sub("", _ADDRESS.sub("", owner_text))).strip(" ,;:")
    rest = folded[verb.start():]
    coord = ""
    match = re.match(r"(?:chu\s*tri\s*,?\s*(?:va\s*)?)?phoi\s*hop\s*(?:chat\s*che\s*)?(?:voi\s*)?", rest)
    if match and match.end() > 0 and "phoi" in match.group(0):
        start = verb.start() + match.end()
        after = _VERB.search(folded, start)
        end = after.start() if after else len(text)
        candidate = text[start:end].strip(" ,;:")
        if candidate and len(candidate.split()) <= 12 and _agency_start(candidate):
            coord = candidate
    reading = read_owners(lead, coord or None)
    reading.lead = [_vague_if_generic(m) for m in reading.lead]
    reading.coordinate = [_vague_if_generic(m) for m in reading.coordinate]
    return reading


def _vague_if_generic(mention: OwnerMention) -> OwnerMention:
    """"Cơ quan, địa phương, đơn vị", "Thủ trưởng cơ quan giải quyết TTHC": nobody in particular."""
    if mention.group or mention.vague:
        return mention
    if re.match(r"^(từng|mỗi)\b", mention.text, re.IGNORECASE):
        return OwnerMention(text=mention.text, vague=True)
    words = fold_words(re.sub(r"^(thủ trưởng|người đứng đầu|lãnh đạo)\s+", "", mention.text, flags=re.I))
    if words and (all(w in _KIND_WORDS for w in words) or " ".join(words[:2]) in ("co quan", "don vi")):
        return OwnerMention(text=mention.text, vague=True)
    return mention


def _pure_owner(text: str) -> _Owner | None:
    """A lead-in that is only a list of owners: "2. Sở Nội vụ:", "1. Các sở, ban, ngành tỉnh, UBND ...:",
    "1.2. Sở Tài chính - Cơ quan thường trực Ban Chỉ đạo", "Sở Y tế (cơ quan thường trực)"."""
    # A role after the name ("Sở Tài chính - Cơ quan thường trực …", "Sở Y tế (đầu mối)"),
    # not a name with a dash in it ("Văn phòng - Thống kê").
    body = re.split(r"\s+[-–]\s+(?=(?:cơ quan|đơn vị|thường trực|thành viên|trưởng|phó|chủ trì|đầu mối)\b)"
                    r"|\s*\((?=[^)]*\)?\s*:?\s*$)", text.rstrip(" :."), maxsplit=1, flags=re.IGNORECASE)[0]
    body = re.sub(r"^(?:giao|đề nghị|yêu cầu)\s*:?\s+(?=\S)", "", body.rstrip(" :."), flags=re.IGNORECASE)
    # "Đối với các sở, ngành:", "Trách nhiệm của đối tượng thực hiện kiểm kê:": a heading that
    # names whose duties follow, even when it is not an agency's name.
    named = re.match(r"^(?:\d+(?:\.\d+)*\.?\s*)?(?:đối với|trách nhiệm của|nhiệm vụ của|"
                     r"nhiệm vụ cụ thể của)\s+(?P<who>.+)$",
                     body, flags=re.IGNORECASE)
    if named and text.rstrip().endswith(":") and len(named.group("who").split()) <= 12:
        who = named.group("who").strip(" :.")
        if not _agency_start(who):
            reading = read_owners(who)
            if reading.lead:
                return _Owner(who, reading, "own")
        body = who
    folded = fold_chars(body)
    if not body or not _agency_start(body) or len(body.split()) > 20:
        return None
    # A verb ends a sentence's owner; one after a dash that goes on with a capital is a name's
    # ("Cục Kinh tế - Quản lý đầu tư xây dựng").
    dash = re.search(r"\s[-–]\s+(?=[A-ZĐÀ-Ỹ])", body)
    if any(body[m.start()].islower() for m in _VERB.finditer(folded) if not dash or m.start() < dash.start()):
        return None
    reading = read_owners(_SPLIT_AND.sub(", ", _TITLES.sub("", body)))
    reading.lead = [_vague_if_generic(m) for m in reading.lead]
    return _Owner(body, reading, "own") if reading.lead else None


def _sentence_owner(text: str, folded: str, deadlines: list[_Deadline]) -> _Owner | None:
    """Who the sentence assigns the work to: at its head, after a leading deadline, or at the head
    of one of its clauses (the clause nearest before the deadline wins)."""
    head = 0
    if deadlines and deadlines[0].start <= 2:
        rest = re.match(r"\s*[,:]?\s*", folded[deadlines[0].end:])
        head = deadlines[0].end + (rest.end() if rest else 0)
    asked = _ASSIGN.match(folded[head:])
    enumerated = _enumerated_kind(text, folded, head + (asked.end() if asked else 0))
    if enumerated is not None:                        # "Yêu cầu các Bộ: Tài chính; Xây dựng …"
        return enumerated
    inline = re.match(r"^(?P<owner>[^:;]{2,120}?)\s*:\s*(?=\S)", text[head:])
    if inline:                                        # "Trung tâm Văn hóa huyện: Dành thời lượng ..."
        owner = _pure_owner(inline.group("owner"))
        if owner:
            owner.end = head + inline.end()
            return owner
    owner = _owner_at(text, folded, head)
    if owner:
        return owner
    clause_owners = []
    depth = 0
    clause_start = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if ch == ";" and depth == 0:
            clause_start = i + 1
        # After a comma only when the clause opened with an adverbial ("Để ...,", "Trên cơ sở
        # ...,"): elsewhere a comma is far more often an enumeration ("của các sở, ngành, UBND ...").
        if (ch == ";" or ch == "," and _INTRO.match(folded[clause_start:].lstrip())
                and not _IN_COORDINATORS.search(folded[clause_start:i])) and depth == 0:
            j = i + 1
            while j < len(text) and text[j] == " ":
                j += 1
            found = _owner_at(text, folded, j, limit_words=16)
            if found:
                clause_owners.append((j, found))
    if not clause_owners:
        return None
    if deadlines:
        before = [o for j, o in clause_owners if j < deadlines[0].start]
        if before:
            return before[-1]
    return clause_owners[0][1]


# Inside the list of whom to work with ("phối hợp với các cơ quan, đơn vị …"): a comma there
# goes on with the list, it does not open a clause with an owner of its own.
_IN_COORDINATORS = re.compile(r"phoi\s*hop\s*(?:chat\s*che\s*)?voi\b(?:(?!" + r"\b(?:tham muu|thuc hien|trien khai|"
                              r"to chuc|xay dung|bao cao|de xuat)\b).)*$", _A)
_INTRO = re.compile(r"(?:de|tren\s*co\s*so|can\s*cu|sau\s*khi|trong\s*qua\s*trinh|truong\s*hop|neu|khi|doi\s*voi|"
                    r"ngoai\s*ra|dong\s*thoi|ben\s*canh\s*do|theo\s*do|tu\s*nay|"
                    r"trong\s*(?:thang|quy|qui|nam)|"
                    r"thang|quy|qui|nam\s*\d)\b", _A)


# --- sentences ---------------------------------------------------------------------------------
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-ZĐÀ-ỸÂĂÊÔƠƯ(“\"])")
_PARENTHETICAL = re.compile(r"\((?P<inner>[A-ZĐÀ-ỸÂĂÊÔƠƯ][^()]{25,})\)")
_PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s*%")
_MAPPING = re.compile(
    r"\b(?:chu\s*tri|phu\s*trach|chiu\s*trach\s*nhiem)\b[^;]*\b(?:nhiem\s*vu|noi\s*dung|linh\s*vuc)\b"
    r"\s*(?:ve|doi\s*voi|thuoc)?\s*(?:linh\s*vuc)?", _A)
_MAPPING_NUMBERS = re.compile(
    r"\b(?:nhiem\s*vu|noi\s*dung|muc)\s*(?:so\s*)?(?P<nums>(?:[ivx]+\s*\.\s*)?\d+(?:\.\d+)*"
    r"(?:\s*(?:,|va|;)\s*(?:[ivx]+\s*\.\s*)?\d+(?:\.\d+)*)*)", _A)


@dataclass
class _Sentence:
    text: str
    node: _Node
    line: int
    folded: str = ""
    deadlines: list[_Deadline] = field(default_factory=list)
    owner: _Owner | None = None
    targets: list[str] = field(default_factory=list)


def _split_sentences(text: str) -> list[str]:
    """Sentences of one item; a long parenthetical sentence ("(Trong quý I/2016, Sở Nội vụ tham
    mưu ...)") is a sentence of its own."""
    extracted: list[str] = []

    def lift(match: re.Match) -> str:
        inner = match.group("inner").strip()
        if len(inner.split()) >= 6:
            extracted.append(inner.rstrip(" ."))
            return ""
        return match.group(0)

    body = _PARENTHETICAL.sub(lift, text)
    pieces: list[str] = []
    for piece in _SPLIT.split(body):
        piece = re.sub(r"\s+([.,;])", r"\1", piece).strip()
        words = piece.split()
        # "TT. HĐND tỉnh": an abbreviation, not the end of a sentence.
        if pieces and re.search(r"\b[A-ZĐ]{1,3}\.$", pieces[-1]):
            pieces[-1] = f"{pieces[-1]} {piece}"
        elif words:
            pieces.append(piece)
    return pieces + extracted


def _targets(text: str) -> list[str]:
    """Clauses with a percentage: "đạt 100% ...", "giảm 30% ...", "ít nhất 80% ..."."""
    out = []
    for clause in re.split(r"\s*;\s*", text):
        if not _PERCENT.search(clause):
            continue
        # From the comma-part that holds the figure to the end of the clause ("Sở Tư pháp chủ trì
        # rà soát ..., đạt 100% văn bản được rà soát"), with a short time phrase before it kept
        # ("Năm 2016, số văn bản ... đạt từ 90%").
        parts = re.split(r",\s+", clause)
        i = next(k for k, part in enumerate(parts) if _PERCENT.search(part))
        if i > 0 and len(parts[i - 1].split()) <= 6 \
                and re.search(r"\d{4}|năm|quý|quí|tháng", parts[i - 1], re.IGNORECASE):
            i -= 1
        target = re.sub(r"^(?:[-+•]\s*)", "", ", ".join(parts[i:])).strip(" .;:")
        if target:
            out.append(target)
    return out


def _is_deadline_only(sentence: _Sentence) -> bool:
    """"Thực hiện trong quí I/2016.": the deadline of the sentence before it."""
    if not sentence.deadlines:
        return False
    if _DEADLINE_LABEL.match(sentence.folded):
        return True
    rest = sentence.folded
    for d in sentence.deadlines:
        rest = rest[:d.start] + " " * (d.end - d.start) + rest[d.end:]
    words = re.findall(r"[a-z0-9]+", rest)
    return len(words) <= 5 and all(w in _DEADLINE_ONLY_WORDS for w in words)


# --- the assignment section ----------------------------------------------------------------------
_FUNCTION = {"va", "cua", "cac", "ve", "theo", "trong", "voi", "cho", "de", "tai", "tren", "nhung",
             "la", "duoc", "tu", "den", "o", "nham", "doi", "tot", "so", "sau", "viec", "cong", "tac"}
_GENERIC_BIGRAMS = {"cai cach", "hanh chinh", "nha nuoc", "thuc hien", "trien khai", "noi dung",
                    "nhiem vu", "co quan", "don vi", "to chuc", "de an", "ke hoach", "chinh nha",
                    "dia ban", "giai phap", "hieu qua", "nang cao", "tang cuong", "day manh"}


@dataclass
class _Mapping:
    owner: _Owner
    areas: list[str]
    numbers: list[str]
    sentence: str
    section_title: str


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"\d+[\w/.\-]*", " ", fold(text))
    words = [w for w in re.findall(r"[a-z]+", text) if w not in _FUNCTION]
    return {f"{a} {b}" for a, b in zip(words, words[1:])} - _GENERIC_BIGRAMS


def _area_score(heading: str, area: str) -> float:
    h, a = _bigrams(heading), _bigrams(area)
    if not h or not a:
        return 0.0
    shared = len(h & a)
    if shared == 0 or (min(len(h), len(a)) >= 3 and shared < 2):
        return 0.0
    return shared / min(len(h), len(a))


def _infer_owners(root: _Node, mappings: list[_Mapping]) -> None:
    """Give each heading (and lead-in) the owner whose assigned area it names best."""
    if not mappings:
        return
    headings = [n for n in _walk(root) if n.role in ("tasks", "objectives")
                and (n.kind in ("roman", "num", "letter") and n.children or n.text.endswith(":"))]
    for node in headings:
        best, best_score = None, 0.0
        for mapping in mappings:
            for area in mapping.areas:
                score = _area_score(node.text, area)
                if score > best_score:
                    best, best_score = mapping, score
        if best is not None and best_score >= 0.5:
            node.inferred = best
    numbered: dict[str, list[_Node]] = {}           # the numbered task items, by number, found once
    for node in _walk(root):
        if node.kind == "num" and node.role == "tasks":
            numbered.setdefault(node.number, []).append(node)
    for mapping in mappings:
        for number in mapping.numbers:
            for node in _numbered(numbered, number):
                node.inferred = mapping


def _numbered(numbered: dict[str, list[_Node]], number: str) -> list[_Node]:
    """The task items "nhiệm vụ 3" / "mục II.3" refers to (outside the assignment section)."""
    roman, _, rest = number.rpartition(".") if re.match(r"^[ivx]+\.", number) else ("", "", number)
    roman = roman.upper()
    nodes = [n for n in numbered.get(rest, []) if not roman or any(a.number == roman for a in n.ancestors())]
    # Prefer items under a "NHIỆM VỤ" / "NỘI DUNG" heading when the number repeats.
    preferred = [n for n in nodes if any(re.match(r"^(nhiem vu|noi dung|cac nhiem vu)", _title_key(a.text))
                                         for a in n.ancestors())]
    return preferred or nodes


# --- candidates ----------------------------------------------------------------------------------
@dataclass
class _Candidate:
    sentence: _Sentence
    owner: _Owner | None
    deadline: _Deadline | None
    confidence: float
    reason: str
    targets: list[str] = field(default_factory=list)
    reason_en: str = ""


@dataclass
class _Context:
    owner: _Owner | None = None
    deadline: _Deadline | None = None
    listing: bool = False         # the items list what is punished or described, not duties


# A lead-in whose list is of violations and their fines ("Các hành vi vi phạm … bị xử phạt
# … như:"), not of duties.
_LISTS_VIOLATIONS = re.compile(r"\b(?:hanh\s*vi\s*vi\s*pham|bi\s*xu\s*phat|xu\s*phat\s*vi\s*pham)\b", _A)


_ASKED = re.compile(r"\b(?:de\s*nghi|yeu\s*cau|giao)\s+", _A)


def _asked_owner(text: str, folded: str) -> _Owner | None:
    """"Sở GDĐT đề nghị UBND các xã, phường; các đơn vị … thực hiện …": whom the sentence asks."""
    for asked in _ASKED.finditer(folded):
        owner = _owner_at(text, folded, asked.end())
        if owner is not None:
            return owner
    return None


def _lead_in(node: _Node, context: PlanContext) -> _Context:
    """What a lead-in ("... sau:", "2. Sở Nội vụ:", "… đề nghị UBND các xã thực hiện … Cụ thể:")
    hands to the items under it: the owner of its last sentence that names one."""
    sentences = _split_sentences(node.text) or [node.text]
    text = sentences[-1]
    folded = _masked_fold(text)
    deadlines = _deadlines(text, context, folded)
    pure = _pure_owner(text) or _named_group(node)
    owner = pure or _sentence_owner(text, folded, deadlines) or _asked_owner(text, folded)
    for earlier in reversed(sentences[:-1]):
        if owner is not None or len(text.split()) > 4:
            break                          # only a bare "Cụ thể:" / "như sau:" looks further back
        folded_earlier = _masked_fold(earlier)
        owner = (_sentence_owner(earlier, folded_earlier, _deadlines(earlier, context, folded_earlier))
                 or _asked_owner(earlier, folded_earlier))
    if owner:
        owner = _Owner(owner.text, owner.reading, "lead_in", note=text.rstrip(" :"),
                       heading=owner is pure and node.kind != "para")
    best = max(deadlines, key=lambda d: d.strength) if deadlines else None
    return _Context(owner, best)


def _named_group(node: _Node) -> _Owner | None:
    """In "Tổ chức thực hiện", a numbered heading with duties under it and no verb names who
    has them, even when it is not an agency's name ("5. Các chủ rừng là tổ chức (…)")."""
    if node.kind not in ("num", "letter") or not node.children:
        return None
    if node.role != "responsibility" and not _among_owner_headings(node):
        return None
    body = re.sub(r"\s*\(.*$", "", node.text).rstrip(" :.")
    folded = fold_chars(body)
    # (After "là" a verb's word is a noun: "Các chủ rừng là tổ chức".)
    if not body or len(body.split()) > 15 or any(body[m.start()].islower() and not folded[:m.start()].endswith("la ")
                                                 for m in _VERB.finditer(folded)):
        return None
    reading = read_owners(body)
    reading.lead = [_vague_if_generic(m) for m in reading.lead]
    return _Owner(body, reading, "own") if reading.lead else None


def _among_owner_headings(node: _Node) -> bool:
    """Is ``node`` one of a run of headings most of which name an agency ("1. UBND các xã", "2. Sở
    Nông nghiệp …", "5. Các chủ rừng là tổ chức (…)")? Then it names whose duties follow too."""
    parent = node.parent
    if parent is None:
        return False
    if node.kind not in parent.owner_headings:      # counted once per list, not once per item
        headings = [n for n in parent.children if n.kind == node.kind and n.children]
        parent.owner_headings[node.kind] = (len(headings), sum(1 for n in headings if _pure_owner(n.text) is not None))
    headings, owners = parent.owner_headings[node.kind]
    if node.children:                               # the others: leave this one out
        headings, owners = headings - 1, owners - (_pure_owner(node.text) is not None)
    return headings >= 2 and owners * 3 >= headings * 2


def _is_lead_in(node: _Node) -> bool:
    return node.text.rstrip().endswith(":") or (node.kind in ("num", "letter") and bool(node.children)
                                                and (_pure_owner(node.text) is not None
                                                     or _named_group(node) is not None))


def _sentences(root: _Node, context: PlanContext) -> list[tuple[_Sentence, _Context]]:
    """Every sentence outside lead-ins, with what its lead-ins give it."""
    out: list[tuple[_Sentence, _Context]] = []

    def visit(node: _Node, inherited: _Context) -> None:
        following = inherited
        for child in node.children:
            if following is not inherited and child.kind in ("para", "roman"):
                following = inherited          # a lead-in's list ends at the next paragraph
            ctx = following
            if _is_lead_in(child):
                given = _lead_in(child, context)
                deadline = given.deadline if given.deadline and given.deadline.strength >= MEDIUM else None
                given = _Context(given.owner or ctx.owner, deadline or ctx.deadline,
                                 ctx.listing or bool(_LISTS_VIOLATIONS.search(_masked_fold(child.text))))
                pieces = _split_sentences(child.text)
                if len(pieces) > 1 and child.role != "skip":
                    out.extend(_read_pieces(child, pieces[:-1], ctx, context))
                if child.children:
                    visit(child, given)
                else:
                    following = given          # a paragraph "... như sau:" leads its followers
                continue
            if child.role != "skip" and not ctx.listing:
                out.extend(_read_pieces(child, _split_sentences(child.text), ctx, context))
            visit(child, ctx)

    visit(root, _Context())
    return out


def _read_pieces(node: _Node, pieces: list[str], ctx: _Context,
                 context: PlanContext) -> list[tuple[_Sentence, _Context]]:
    out: list[tuple[_Sentence, _Context]] = []
    previous: _Sentence | None = None
    for piece in pieces:
        sentence = _Sentence(piece, node, node.line, _masked_fold(piece))
        sentence.deadlines = _deadlines(piece, context, sentence.folded)
        if previous is not None and _is_deadline_only(sentence):
            previous.deadlines.extend(sentence.deadlines)
            previous.text = f"{previous.text} {piece}"
            continue
        sentence.owner = (_sentence_owner(piece, sentence.folded, sentence.deadlines)
                          or _directed_by(piece, sentence.folded, ctx.owner))
        sentence.targets = _targets(piece)
        previous = sentence
        if node.kind == "roman" or node.children and not (sentence.owner or sentence.deadlines):
            continue                       # a heading ("1.1. Cải cách thể chế")
        out.append((sentence, ctx))
    return out


def _mappings(pairs: list[tuple[_Sentence, _Context]]) -> tuple[list[_Mapping], set[int]]:
    """Assignments of areas or numbered tasks to owners, and the sentences that only say that."""
    mappings: list[_Mapping] = []
    mapping_ids: set[int] = set()
    for sentence, ctx in pairs:
        if sentence.node.role != "responsibility":
            continue
        owner = sentence.owner or ctx.owner
        if owner is None or not owner.reading.lead:
            continue
        match = _MAPPING.search(sentence.folded)
        numbers = []
        for found in _MAPPING_NUMBERS.finditer(sentence.folded):
            numbers += [re.sub(r"\s+", "", n)
                        for n in re.split(r"\s*(?:,|va|;)\s*", found.group("nums")) if n]
        if not match and not numbers:
            continue
        areas = []
        if match:
            rest = sentence.text[match.end():]
            areas = [a.strip(" ,.") for a in re.split(r"\s*;\s*", rest) if a.strip(" ,.")]
        section = next((a for a in sentence.node.ancestors() if a.kind == "roman"), None)
        mappings.append(_Mapping(owner, areas, numbers, sentence.text,
                                 section.heading if section else ""))
        mapping_ids.add(id(sentence))
    return mappings, mapping_ids


def _inferred_for(node: _Node) -> _Mapping | None:
    for candidate in [node, *node.ancestors()]:
        if candidate.inferred is not None:
            return candidate.inferred
    return None


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _judge(sentence: _Sentence, ctx: _Context, mapping_ids: set[int],
           tcth_only: bool) -> _Candidate | None:
    """Is the sentence a task, how sure is the reader, and why (in Vietnamese)."""
    deadline = max(sentence.deadlines, key=lambda d: d.strength) if sentence.deadlines else ctx.deadline
    strength = deadline.strength if deadline else NONE
    owner = sentence.owner or ctx.owner
    if _BOILERPLATE.match(sentence.folded.strip()):
        return None                       # legal bases, "if difficulties arise, report to …"
    if tcth_only:
        # A tabular plan's "Tổ chức thực hiện": a dated duty of a named agency is proposed
        # ticked; an undated one (a standing duty: "theo dõi, đôn đốc …") is proposed unticked,
        # for the author to take or leave.
        if owner is None or owner.source not in ("own", "lead_in") or owner.vague:
            return None
        if sentence.deadlines and deadline is not None and strength >= STRONG \
                and deadline.reading.kind in (DATE, RANGE):
            return _Candidate(sentence, owner, deadline, CHECKED_STRONG,
                              "Có cơ quan chủ trì và thời hạn (phần Tổ chức thực hiện)",
                              reason_en="A lead agency and a deadline (implementation section)")
        if ctx.owner is None and owner.end > 0 and not _agency_start(sentence.text.lstrip("-+• ")):
            return None                   # an owner named mid-sentence: a mention, not the duty's owner
        return _Candidate(sentence, owner, deadline if strength >= MEDIUM else None, TCTH_STANDING,
                          "Nhiệm vụ giao cho cơ quan trong phần Tổ chức thực hiện, không có thời hạn cụ thể",
                          reason_en="A duty given to an agency in the implementation section, with no fixed deadline")
    role = sentence.node.role
    if role == "skip":
        return None
    if id(sentence) in mapping_ids and strength < STRONG:
        return None                       # "Sở Tư pháp chủ trì các nhiệm vụ về ...": the assignment itself
    if role == "objectives" and strength < STRONG:
        return None                       # objectives are targets unless a precise date makes them work
    if owner is not None and owner.source == "own":
        row = "vague" if owner.vague else "explicit"
        who = (("Câu giao việc cho cơ quan", "A sentence assigning work to an agency") if row == "explicit"
               else ("Câu giao việc chung cho các cơ quan, đơn vị", "A sentence assigning work to agencies in general"))
    elif owner is not None:
        row = ("vague_heading" if owner.heading else "vague_lead_in") if owner.vague else "explicit"
        who = (f"Cơ quan chủ trì lấy từ câu dẫn “{_short(owner.note, 70)}”",
               f"Lead agency from the lead-in “{_short(owner.note, 70)}”")
    elif (mapping := _inferred_for(sentence.node)) is not None:
        owner = _Owner(mapping.owner.text, mapping.owner.reading, "inferred", note=mapping.sentence)
        row = "inferred"
        title = _title_case(mapping.section_title or "phần phân công")
        who = (f"Chủ trì suy ra từ mục {title}: “{_short(mapping.sentence, 80)}”",
               f"Lead inferred from the part {title}: “{_short(mapping.sentence, 80)}”")
    else:
        row, who = "none", ("Chưa rõ cơ quan chủ trì", "No clear lead agency")
    confidence = _CONFIDENCE[row][strength]
    if confidence is None:
        return None
    if deadline is None:
        when = ("không có thời hạn", "no deadline")
    elif strength == WEAK:
        when = (f"thời hạn chung “{deadline.text}”", f"a general deadline “{deadline.text}”")
    else:
        when = (f"có thời hạn “{deadline.text}”", f"deadline “{deadline.text}”")
    reasons = [who, when]
    if row == "explicit" and strength >= MEDIUM:
        lead_in = owner is not None and owner.source == "lead_in"
        reasons = [(f"Có cơ quan chủ trì và thời hạn{' (lấy từ câu dẫn)' if lead_in else ''}",
                    f"A lead agency and a deadline{' (from the lead-in)' if lead_in else ''}")]
    if role == "objectives":
        confidence -= _OBJECTIVE_PENALTY
        reasons.append(("nêu trong phần mục tiêu", "stated among the objectives"))
    return _Candidate(sentence, owner, deadline, round(confidence, 2), "; ".join(vi for vi, _en in reasons),
                      reason_en="; ".join(en for _vi, en in reasons))


# Not duties: legal bases, the closing request to report difficulties.
_BOILERPLATE = re.compile(
    r"^(?:can cu\b(?!\s*(?:vao\s*)?(?:chuc nang|muc tieu|noi dung|nhiem vu|tinh hinh|dieu kien|ke hoach nay|"
    r"de an nay|chuong trinh nay|thuc te|kha nang))|"
    r"trong qua trinh (?:to chuc )?(?:thuc hien|trien khai)[^,]*, (?:neu|truong hop) co|"
    r"phu luc\b|noi nhan\b|chi tiet lien he\b|.{0,80}\bdien thoai(?: so)?\s*[:(]?\s*\(?0\d|"
    # A decision's closing articles: when it takes effect, who executes it.
    r"(?:dieu \d+\.?\s*)?(?:quyet dinh|chi thi|nghi quyet|thong tu|ke hoach) nay co hieu luc|"
    r"(?:dieu \d+\.?\s*)?.{0,300}\bchiu trach nhiem thi hanh (?:quyet dinh|chi thi|nghi quyet|thong tu) nay)")


def _one_per_item(candidates: list[_Candidate]) -> list[_Candidate]:
    """An item is one duty: its later sentences explain the first unless they name their own
    owner or their own precise deadline (then they are a duty of their own)."""
    kept: list[_Candidate] = []
    first_of: dict[int, _Candidate] = {}
    for candidate in candidates:
        node = candidate.sentence.node
        first = first_of.get(id(node))
        own_owner = candidate.owner is not None and candidate.owner.source == "own"
        own_date = any(d.strength >= STRONG for d in candidate.sentence.deadlines)
        if first is not None and not own_owner and not own_date:
            for target in candidate.targets:
                if target not in first.targets:
                    first.targets.append(target)
            continue
        first_of.setdefault(id(node), candidate)
        kept.append(candidate)
    return kept


def _title_case(title: str) -> str:
    """"V. TRÁCH NHIỆM THỰC HIỆN" → "V. Trách nhiệm thực hiện"."""
    if title.upper() != title:
        return title
    number, _, rest = title.partition(". ")
    return f"{number}. {rest[:1]}{rest[1:].lower()}" if rest else title.capitalize()


# --- the reading -----------------------------------------------------------------------------------
@dataclass
class ProseReading:
    tasks: list[TaskReading]
    warnings: list[ReadingWarning]


def read_prose(text: str, context: PlanContext, whole_document: bool) -> ProseReading:
    """Candidate tasks of a plan's prose: the whole body, or only "Tổ chức thực hiện"."""
    tcth_only = not whole_document
    root = _outline(_logical_lines(text, tcth_only))
    _assign_roles(root)
    sections: dict[int, SectionReading] = {}
    if tcth_only:
        # "Tổ chức thực hiện", and the sections that go on with it ("Tổ chức theo dõi, kiểm
        # tra và chế độ báo cáo", "Trách nhiệm thực hiện").
        parts = [n for n in root.children if n.kind == "roman" and _IMPLEMENTATION.match(_title_key(n.text))]
        if not parts:
            return ProseReading([], [])
        root = _Node("root", -1, "", "", 0, children=parts)
        for number, part in enumerate(parts):
            sections[id(part)] = SectionReading(None, "TCTH" if number == 0 else f"TCTH{number + 1}",
                                                part.heading, -1 + number)
    pairs = _sentences(root, context)
    mappings, mapping_ids = _mappings(pairs) if not tcth_only else ([], set())
    _infer_owners(root, mappings)

    candidates: list[_Candidate] = []
    loose_targets: list[_Sentence] = []
    for sentence, ctx in pairs:
        candidate = _judge(sentence, ctx, mapping_ids, tcth_only)
        if candidate is not None:
            candidate.targets = list(sentence.targets)
            candidates.append(candidate)
        elif sentence.targets and sentence.node.role != "skip":
            loose_targets.append(sentence)
    warnings = [] if tcth_only else _attach_targets(candidates, loose_targets)
    candidates = _one_per_item(candidates)

    # The outline reader takes the items it can read by their structure (labelled lines,
    # agency headings); sentences in those items are not proposed a second time.
    from .outline import read_outline, to_tasks
    proposals, covered = read_outline(text, context)
    if tcth_only:
        proposals = [p for p in proposals if p.confidence >= 0.85]
        covered = {line for p in proposals for line in (p.node.line,)}
    # Labelled lines ("Đơn vị phối hợp: …") are fields of an item, never a task themselves.
    from .outline import is_label_only
    candidates = [c for c in candidates if c.sentence.line not in covered
                  and not is_label_only(c.sentence.text)]
    tasks: list[TaskReading] = []
    for candidate in candidates:
        section = _section(candidate.sentence.node, sections)
        tasks.append(_task(candidate, section, "", len(tasks), tcth_only, context))
    by_numbering = {s.numbering: s for s in sections.values()}
    tasks += to_tasks(proposals, by_numbering, start=(10_000 if tcth_only else 0) + len(tasks))
    tasks.sort(key=lambda t: (t.line, t.position))
    counters: dict[str, int] = {}
    for position, task in enumerate(tasks):
        numbering = task.section.numbering if task.section else "VB"
        counters[numbering] = counters.get(numbering, 0) + 1
        task.number = str(counters[numbering])
        task.ref = f"{numbering}.{task.number}"
        task.position = (10_000 if tcth_only else 0) + position
    return ProseReading(tasks, warnings)


def _section(node: _Node, sections: dict[int, SectionReading]) -> SectionReading:
    """The document's own top section ("III. NHIỆM VỤ, GIẢI PHÁP"), one object per section."""
    top = next((a for a in [node, *node.ancestors()] if a.kind == "roman"), None)
    key = id(top) if top else 0
    if key not in sections:
        base = numbering = top.number if top else "VB"
        repeat = 1
        while any(s.numbering == numbering for s in sections.values()):
            repeat += 1                       # a numeral used twice in the document
            numbering = f"{base}-{repeat}"
        sections[key] = SectionReading(None, numbering, top.heading if top else "Văn bản", len(sections))
    return sections[key]


def _attach_targets(candidates: list[_Candidate], loose: list[_Sentence]) -> list[ReadingWarning]:
    """A target belongs to the task it is written with, else to the nearest task under the same
    heading, else to a task under a heading about the same area; what is left is reported."""
    left: list[str] = []
    for sentence in loose:
        node = sentence.node
        owner = _same_item(candidates, node) or _same_heading(candidates, sentence) \
            or _same_area(candidates, node)
        if owner is None:
            left.extend(sentence.targets)
            continue
        for target in sentence.targets:
            if target not in owner.targets:
                owner.targets.append(target)
    if not left:
        return []
    listed = "; ".join(f"“{_short(t, 80)}”" for t in left[:5]) + (" …" if len(left) > 5 else "")
    return [ReadingWarning(
        "prose_targets",
        f"{len(left)} chỉ tiêu trong văn bản không gắn được với nhiệm vụ đề xuất nào: {listed}.",
        f"{len(left)} targets in the text could not be attached to any proposed task: {listed}.")]


def _same_item(candidates: list[_Candidate], node: _Node) -> _Candidate | None:
    return next((c for c in candidates if c.sentence.node is node), None)


def _heading_of(node: _Node) -> _Node | None:
    return next((a for a in node.ancestors() if a.kind in ("roman", "num", "letter")), None)


def _same_heading(candidates: list[_Candidate], sentence: _Sentence) -> _Candidate | None:
    heading = _heading_of(sentence.node)
    if heading is None:
        return None
    near = [c for c in candidates if _heading_of(c.sentence.node) is heading]
    return min(near, key=lambda c: abs(c.sentence.line - sentence.line)) if near else None


def _same_area(candidates: list[_Candidate], node: _Node) -> _Candidate | None:
    heading = _heading_of(node)
    if heading is None:
        return None
    best, best_score = None, 0.0
    for candidate in candidates:
        other = _heading_of(candidate.sentence.node)
        if other is None or other is heading:
            continue
        score = _area_score(heading.text, other.text)
        if score > best_score:
            best, best_score = candidate, score
    return best if best_score >= 0.5 else None


def _task(candidate: _Candidate, section: SectionReading, number: str, index: int,
          tcth_only: bool, context: PlanContext) -> TaskReading:
    sentence = candidate.sentence
    line = sentence.line
    owner, deadline = candidate.owner, candidate.deadline
    reading = deadline.reading if deadline else read_deadline("", context)
    warnings = [ReadingWarning(
        "prose_task",
        (f"Dòng {line}: nhiệm vụ có thời hạn đọc từ phần “{section.title}” (văn xuôi); "
         "cần xác nhận trước khi theo dõi.") if tcth_only else
        (f"Dòng {line}: nhiệm vụ đề xuất từ nội dung văn bản (độ tin cậy {candidate.confidence:.2f}: "
         f"{candidate.reason}); cần xác nhận trước khi theo dõi."),
        (f"Line {line}: a dated task read from the prose of “{section.title}”; confirm it "
         "before tracking it.") if tcth_only else
        (f"Line {line}: a task proposed from the text (confidence {candidate.confidence:.2f}); "
         "confirm it before tracking it."))]
    lead = owner.reading.lead if owner else []
    coordinate = owner.reading.coordinate if owner else []
    if owner is None:
        warnings.append(ReadingWarning(
            "missing_owner", f"Dòng {line}: không có cơ quan thực hiện.", f"Line {line}: no owner."))
    elif owner.source == "inferred":
        warnings.append(ReadingWarning(
            "inferred_owner",
            f"Dòng {line}: cơ quan chủ trì “{owner.text}” suy ra từ phần phân công trách nhiệm; "
            "cần xác nhận.",
            f"Line {line}: the lead “{owner.text}” is inferred from the assignment section; confirm it.",
            suggestion=owner.text))
    if owner is not None:
        warnings.extend(owner.reading.warnings)
    warnings.extend(reading.warnings)
    assignment = AssignmentReading(lead=list(lead), coordinate=list(coordinate), output="",
                                   deadline=reading, line=line, warnings=warnings)
    content = re.sub(r"^[-+•]\s*", "", sentence.text).rstrip(" ;")
    prefix = section.numbering
    return TaskReading(ref=f"{prefix}.{number}", section=section, number=number, content=content,
                       position=(10_000 if tcth_only else 0) + index, line=line,
                       raw_rows=[[sentence.node.text]], assignments=[assignment],
                       targets=list(candidate.targets), confidence=candidate.confidence,
                       reason=candidate.reason, reason_en=candidate.reason_en, source_text=sentence.text)


def appendix_deadline(text: str, context: PlanContext) -> _Deadline | None:
    """The one precise deadline the body gives the tasks of its appendix ("xử lý các kiến
    nghị … (Phụ lục kèm theo), hoàn thành trước ngày 15/12/2025"), for an appendix table
    without a deadline column; None when the body gives none, or several."""
    found = []
    for _line, paragraph in _logical_lines(text, False):
        for sentence in _split_sentences(paragraph):
            if "phu luc" not in fold(sentence):
                continue
            strong = [d for d in _deadlines(sentence, context) if d.strength >= STRONG
                      and d.reading.kind in (DATE, RANGE)]
            found += strong[:1]
    return found[0] if len({d.reading.due for d in found}) == 1 else None


def read_prose_tasks(text: str, context: PlanContext) -> list[TaskReading]:
    """Dated tasks in a tabular plan's "Tổ chức thực hiện" section (candidates to confirm).

    A letter ("Kính gửi: …") with a table is another thing: the table is an appendix (requests
    to handle, a list of tasks), and the letter's own numbered items hand out duties too."""
    return read_prose(text, context, whole_document=is_letter(text)).tasks


def is_letter(text: str) -> bool:
    """Addressed to someone ("Kính gửi:" near the start): a letter, dispatch or notice."""
    head = "\n".join(text.split("\n")[:60])
    return re.search(r"^\W*k[ií]nh\s+g[uử]i\b", head, re.IGNORECASE | re.MULTILINE) is not None


def _headerless_table() -> NotAPlanError:
    return NotAPlanError(
        "no_table",
        "Có các dòng dạng bảng (ô cách nhau bằng ký tự Tab) nhưng không tìm thấy dòng tiêu đề cột "
        "như “TT | Nội dung công việc | Cơ quan chủ trì | ... | Thời gian thực hiện”: hãy thêm dòng "
        "tiêu đề cột cho bảng nhiệm vụ.",
        "Tab-separated rows were found but no header row such as “TT | Nội dung công việc | Cơ quan "
        "chủ trì | ... | Thời gian thực hiện”: add a header row to the task table.")


def read_prose_plan(text: str, name: str, header: PlanHeader, warnings: list[ReadingWarning],
                    calendar: ReportingCalendar | None = None) -> PlanReading:
    """A plan without a task table: its tasks proposed from the text, or ``NotAPlanError``."""
    table_rows = [[c.strip() for c in line.split("\t") if c.strip()] for line in text.split("\n")
                  if len([c for c in line.split("\t") if c.strip()]) >= 3]
    tabled = bool(table_rows)
    context = context_of(header, calendar)
    prose = read_prose(text, context, whole_document=True)
    # Rows that read like tasks (an agency, a deadline) under no header the table reader
    # knows: a task table whose header row is missing. They are proposed, columns guessed
    # (reading only the prose around them would silently drop them).
    from .headerless import read_headerless_rows
    headerless = read_headerless_rows(text, context) if tabled else []
    if headerless:
        prose.tasks = sorted(prose.tasks + headerless, key=lambda t: t.line)
        for position, task in enumerate(prose.tasks):
            task.position = position
        warnings = warnings + [ReadingWarning(
            "headerless_table",
            f"Có {len(headerless)} dòng bảng trông như nhiệm vụ nhưng bảng không có dòng tiêu đề cột (như “TT | "
            "Nội dung công việc | Cơ quan chủ trì | ... | Thời gian thực hiện”): chúng được đề xuất, cột được "
            "đoán theo nội dung ô; hãy kiểm tra, hoặc thêm dòng tiêu đề cột rồi tải lên lại.",
            f"{len(headerless)} table rows read like tasks but the table has no header row (such as “TT | "
            "Nội dung công việc | Cơ quan chủ trì | ... | Thời gian thực hiện”): they are proposed with their "
            "columns guessed from the cells; check them, or add a header row and upload again.")]
    if not prose.tasks and tabled:
        # Tables of data and no task in the prose either.
        raise _headerless_table()
    if not prose.tasks:
        raise NotAPlanError(
            "no_table",
            "Không tìm thấy bảng nhiệm vụ, cũng không tìm thấy câu nào giao việc hay nêu thời hạn: "
            "cần một bảng có dòng tiêu đề cột như “TT | Nội dung công việc | Cơ quan chủ trì | ... | "
            "Thời gian thực hiện” (các ô cách nhau bằng ký tự Tab), hoặc các câu như “Giao Sở ... "
            "chủ trì ..., hoàn thành trong tháng ...”.",
            "No task table found, and no sentence that assigns work or sets a deadline: a table with "
            "a header row such as “TT | Nội dung công việc | Cơ quan chủ trì | ... | Thời gian thực "
            "hiện” (tab-separated cells) is needed, or sentences such as “Giao Sở ... chủ trì ..., "
            "hoàn thành trong tháng ...”.")
    if header.year is None:
        raise NotAPlanError(
            "no_year", "Không xác định được năm của kế hoạch (không có ngày ban hành hay năm trong tiêu đề).",
            "Could not tell the plan's year (no issue date and no year in the title).")
    checked = sum(1 for t in prose.tasks if (t.confidence or 0) >= CHECKED_CONFIDENCE)
    notice = ReadingWarning(
        "prose_plan",
        f"Văn bản không có bảng nhiệm vụ: {len(prose.tasks)} nhiệm vụ được đề xuất từ nội dung văn bản "
        f"({checked} nhiệm vụ có độ tin cậy từ {CHECKED_CONFIDENCE:.1f} trở lên); tác giả kế hoạch cần "
        "xác nhận cơ quan chủ trì và thời hạn của từng nhiệm vụ trước khi theo dõi.",
        f"The document has no task table: {len(prose.tasks)} tasks were proposed from its text "
        f"({checked} with confidence {CHECKED_CONFIDENCE:.1f} or more); the plan's author must confirm "
        "each task's owner and deadline before it is tracked.")
    if tabled and not headerless:
        # Tables of data (monitoring sites, budgets, indicators) are not task tables: the
        # tasks come from the prose, and the author is told the tables were not read as tasks.
        notice_tables = ReadingWarning(
            "not_task_tables",
            "Văn bản có bảng nhưng không bảng nào có dòng tiêu đề của bảng nhiệm vụ (nội dung, cơ quan "
            "chủ trì, thời hạn): các bảng được coi là bảng số liệu, nhiệm vụ được đọc từ lời văn.",
            "The document has tables, but none has the header row of a task table (content, lead, "
            "deadline): they were taken as data tables and the tasks were read from the text.")
        warnings = warnings + [notice_tables]
    if header.title is None:
        header.title = name or "(không có tiêu đề)"
    return PlanReading(header=header, sections=[], tasks=[], source_name=name,
                       warnings=warnings + [notice] + prose.warnings, prose_tasks=prose.tasks)


__all__ = ["CHECKED_CONFIDENCE", "ProseReading", "read_prose", "read_prose_plan", "read_prose_tasks",
           "fold"]
