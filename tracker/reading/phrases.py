"""Phrases in running text, found by both the prose reader (``prose``) and the outline
reader (``outline``): deadline phrases and how precisely each pins the work down, the agency
a sentence asks to act (its owner), sentences themselves, and how confident a reading built
from them is.

The rules are about how Vietnamese administrative prose is written, never about one
document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import chain

from .agency_names import split_names
from .deadlines import WEEKDAY, read_deadline
from .owners import _KIND_WORDS, _STARTS, _starts_agency, fold_chars, read_owners
from .result import (
    CONTINUOUS,
    DATE,
    EVENT,
    EXTERNAL,
    RANGE,
    RECURRING,
    DeadlineReading,
    OwnerMention,
    OwnerReading,
    PlanContext,
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
CONFIDENCE: dict[str, tuple[float | None, ...]] = {
    #            NONE  WEAK  MEDIUM STRONG
    "explicit": (0.6, 0.75, 0.85, CHECKED_STRONG),    # named in the sentence or in its lead-in
    "vague":    (0.45, 0.55, 0.7, 0.8),    # named, but as "các cơ quan, đơn vị ..."
    "vague_lead_in": (None, None, 0.65, 0.75),  # a whole section handed to "các cơ quan, đơn vị"
    "vague_heading": (0.4, 0.45, 0.65, 0.75),  # duties under a heading "Các bộ, ngành, địa phương:"
    "inferred": (None, None, 0.65, 0.75),  # from the assignment section; "hằng năm" is too little
    "none":     (None, None, 0.4, 0.5),    # a deadline, nobody named
}


def title_key(text: str) -> str:
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
    # A duty timed by an event, not a date ("trước khi có lũ tràn về", "ngay sau khi được phê
    # duyệt", "khi có yêu cầu"); only a duty with no date of its own takes it.
    ("event", re.compile(
        r"\bkhi\s*(?:co\s*)?phat\s*sinh\b[^,;.()]{0,40}|"
        r"\b(?:ngay\s*sau\s*khi|ngay\s*khi|truoc\s*khi|sau\s*khi|khi\s*co)\s+"
        r"(?:yeu\s*cau|phat\s*sinh|(?:lu|bao|mua|thien\s*tai|su\s*co|chi\s*dao|de\s*nghi|thong\s*tin)\b"
        r"|[^,;.()]{0,40}?\b(?:duoc\s*(?:phe\s*duyet|ban\s*hanh|giao)|co\s*(?:quyet\s*dinh|van\s*ban)))"
        r"[^,;.()]{0,40}", _A)),
    # A time set by law ("đúng thời hạn luật định"): external, like "theo hướng dẫn của Bộ".
    ("external", re.compile(r"\b(?:dung|trong)\s*thoi\s*han\s*(?:luat\s*dinh|phap\s*luat\s*quy\s*dinh)\b", _A)),
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
# "trước ngày 01/6 và 15/11 hằng năm": a second date joined to a first one needs no preposition.
_AFTER_A_DATE = re.compile(r"\d{1,2}\s*(?:/\s*\d{1,2}|thang\s*\d{1,2})\s*(?:,|va|den|toi|-|–)\s*(?:ngay\s*)?$", _A)
# Plans and aims "hằng năm" qualifies ("theo kế hoạch hằng năm và dài hạn", "mục tiêu, nhiệm vụ hằng
# năm"): no deadline. (A yearly budget estimate is a yearly duty: "dự toán kinh phí hằng năm".)
_YEARLY_NOUN = re.compile(r"\b(?:ke\s*hoach|muc\s*tieu|nhiem\s*vu|chi\s*tieu|chuong\s*trinh|dai\s*han)"
                          r"(?:\s*(?:,|va)\s*\w+)?\s*$", _A)
_CONNECT = re.compile(r"^\s*(?:,|-|–|den|toi|va|hoac)\s*(?:het\s*)?$", _A)
# "Thời gian hoàn thành trình UBND tỉnh phê duyệt trong tháng 01/2016.": still the deadline of the
# sentence before.
DEADLINE_LABEL = re.compile(r"^\s*(?:thoi\s*gian\s*(?:thuc\s*hien|hoan\s*thanh)|thoi\s*han|tien\s*do|"
                             r"hoan\s*thanh\s*(?:truoc|trong)|thuc\s*hien\s*(?:truoc|trong|tu))\b", _A)
DEADLINE_ONLY_WORDS = {"thuc", "hien", "thoi", "gian", "hoan", "thanh", "han", "xong", "tien", "do",
                        "trong", "truoc", "va", "nop", "la", "cham", "nhat", "xin", "y", "kien"}


@dataclass
class DeadlinePhrase:
    text: str
    reading: DeadlineReading
    strength: int
    start: int
    end: int


def masked_fold(text: str) -> str:
    folded = fold_chars(text)
    folded = WEEKDAY.sub(lambda m: " " * len(m.group(0)), folded)
    return _DOC_REF.sub(lambda m: " " * len(m.group(0)), folded)


def deadline_phrases(text: str, context: PlanContext, folded: str | None = None) -> list[DeadlinePhrase]:
    """Deadline phrases in one sentence, in order of appearance."""
    folded = folded if folded is not None else masked_fold(text)
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
            if kind == "annual" and _YEARLY_NOUN.search(before):
                continue                   # "kế hoạch hằng năm", "dự toán ngân sách hằng năm": the noun's

            if kind in ("day", "month", "quarter", "half", "year", "yearpart"):
                if prep is None and not (kind != "day" and _CLAUSE_HEAD.search(before)) \
                        and not _AFTER_A_DATE.search(before):
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
                and (_CONNECT.match(folded[merged[-1][1]:start])
                     or not folded[merged[-1][1]:start].strip() and re.match(r"(?:den|toi)\b", folded[start:])):
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
            out.append(DeadlinePhrase(phrase, reading, strength, start, end))
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
        if periods == {"annual"} and fold(reading.text).startswith("dinh ky"):
            return MEDIUM          # "định kỳ hằng năm báo cáo …": an obligation, not a year's aim
        return WEAK if not periods or periods == {"annual"} else STRONG
    if reading.kind == EVENT:
        return STRONG if reading.offset_days is not None else MEDIUM
    if reading.kind == EXTERNAL and kind == "external":
        return MEDIUM              # "đúng thời hạn luật định": the law sets it
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
VERB = re.compile(r"(?<!quy )(?<!chuong )(?:(?<=phan cong )|(?<!cong ))\b(?:" + "|".join(
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
_COLLECTIVE = re.compile(       # ("môi trường", environment, folds like "mọi trường", every school)
    r"^(?!moi\s+truong\b)(?:cac|tung|moi|toan the)\s+(?:so|ban|nganh|phong|co quan|don vi|dia phuong|huyen|xa|phuong|"
    r"thi tran|thanh pho|quan|doan the|hoi|truong(?! hop)|trung tam|chi cuc|cuc|bo|uy ban|ubnd|cap|"
    r"thanh vien|chu dau tu|to chuc doan the|doanh nghiep|tap doan|tong cong ty|to chuc|co so|hop tac xa|"
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
class OwnerPhrase:
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


def agency_start(text: str) -> bool:
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


def owner_at(text: str, folded: str, pos: int, limit_words: int = 22) -> OwnerPhrase | None:
    """The owner named at ``pos`` and the verb that follows it, or None."""
    assign = _ASSIGN.match(folded[pos:])
    if assign:
        pos += assign.end()
    enumerated = _enumerated_kind(text, folded, pos)
    if enumerated is not None:
        return enumerated
    if not agency_start(text[pos:]):
        return None
    for verb in VERB.finditer(folded, pos):
        owner_text = text[pos:verb.start()]
        if len(owner_text.split()) > limit_words or re.search(r"[;.()%]", owner_text):
            return None
        if not text[verb.start()].islower() or _NAME_BEFORE_VERB.search(folded, 0, verb.start()):
            continue                               # "Sở Xây dựng chủ trì", "Bộ Ngoại giao": a name goes on
        if re.search(r"\b(?:cac|nhung|moi|tung)\s*$", folded[pos:verb.start()]):
            continue                               # "các tổ chức chính trị - xã hội": a noun, not "tổ chức"
        # (Adverbs between the owner and the verb: "… xã thường xuyên phối hợp", "Sở X cần chủ động …".)
        owner_text = re.sub(r"(?:\s*,?\s*\b(?:cũng|đều|tự|thường xuyên|chủ động|tích cực|kịp thời|khẩn trương|"
                            r"cần|phải|sẽ|nghiêm túc|tiếp tục|tập trung))+\s*$", "", owner_text.strip(" ,:"),
                            flags=re.IGNORECASE)
        owner_text = re.split(r"\s+(?:do|bởi|nhằm|để|trong việc|về việc)\s+", owner_text, maxsplit=1)[0]
        words = fold_words(owner_text)
        if words and words[-1] in ("da", "dang", "vua"):
            return None                            # the past: "Sở Nội vụ đã tham mưu ..."
        if not words or _BAD_OWNER_TAIL.search(" ".join(words)) or (
                words[-1] in _BARE_KINDS and words[-2:] != ["ngang", "bo"]):
            continue                               # "các đơn vị được | giao ...", "Sở | Xây dựng"
        verb_word = fold(verb.group(0))
        if verb_word in ("giao", "yeu cau", "de nghi"):    # "UBND tỉnh giao Sở Tư pháp ...": the next one
            inner = owner_at(text, folded, verb.end() + 1, limit_words)
            # ("Chủ tịch UBND tỉnh yêu cầu:" names who asks, never who does the work.)
            return inner
        reading = _read_owner_phrase(owner_text, text, folded, verb)
        if not reading.lead:
            return None
        owner = OwnerPhrase(owner_text, reading, "own", end=verb.start())
        if verb_word == "chi dao":
            directed = owner_at(text, folded, verb.end() + 1, limit_words)
            if directed is not None and not re.search(r"[;.]", text[verb.end():directed.end]):
                return _with_directed(owner, directed)
        return owner
    return None


# "các Bộ: Tài chính; Xây dựng; Khoa học và Công nghệ …", "các Sở: Nội vụ, Tư pháp …": one kind
# of body, then the names of those meant.
_KIND_LIST = re.compile(r"(?:cac\s+)?(?P<kind>bo|so)\s*:\s*", _A)


# Agency names whose last word is also a verb ("Bộ Ngoại giao", "Ban Tuyên giáo"): the verb
# that ends an enumeration is not that word.
_NAME_BEFORE_VERB = re.compile(r"\b(?:ngoai|tuyen)\s+$")


def _enumerated_kind(text: str, folded: str, pos: int) -> OwnerPhrase | None:
    opening = _KIND_LIST.match(folded, pos)
    if opening is None or not text[opening.start("kind")].isupper():
        return None
    verb = next((v for v in VERB.finditer(folded, opening.end())
                 if text[v.start()].islower() and not _NAME_BEFORE_VERB.search(folded, 0, v.start())), None)
    if verb is None:
        return None
    names = text[opening.end():verb.start()].strip(" ,;.")
    parts = [n.strip(" ,.") for n in (names.split(";") if ";" in names else split_names(names))]
    if not parts or any(not p or not p[:1].isupper() or len(p.split()) > 8 for p in parts):
        return None
    kind = text[opening.start("kind"):opening.end("kind")]
    reading = read_owners("; ".join(f"{kind} {p}" for p in parts))
    return OwnerPhrase(text[pos:verb.start()].strip(" ,;"), reading, "own", end=verb.start())


_DIRECTING = re.compile(r"^[-+•\s]*chi\s+dao\s+", _A)


def _with_directed(owner: OwnerPhrase, directed: OwnerPhrase) -> OwnerPhrase:
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
    return OwnerPhrase(owner.text, reading, owner.source, note=owner.note, end=directed.end)


def directed_by(text: str, folded: str, owner: OwnerPhrase | None) -> OwnerPhrase | None:
    """A duty under an owner's heading that opens "Chỉ đạo Y chủ trì …" (the heading's owner
    directs Y): both lead."""
    opening = _DIRECTING.match(folded)
    if owner is None or opening is None:
        return None
    directed = owner_at(text, folded, opening.end())
    return _with_directed(owner, directed) if directed is not None else None


def _read_owner_phrase(owner_text: str, text: str, folded: str, verb: re.Match) -> OwnerReading:
    """Lead and coordinating owners: "X chủ trì, phối hợp với Y <verb>", "X phối hợp với Y <verb>"."""
    lead = _SPLIT_AND.sub(", ", _TITLES.sub("", _ADDRESS.sub("", owner_text))).strip(" ,;:")
    rest = folded[verb.start():]
    coord = ""
    match = re.match(r"(?:chu\s*tri\s*,?\s*(?:va\s*)?)?phoi\s*hop\s*(?:chat\s*che\s*)?(?:voi\s*)?", rest)
    if match and match.end() > 0 and "phoi" in match.group(0):
        start = verb.start() + match.end()
        after = VERB.search(folded, start)
        end = after.start() if after else len(text)
        candidate = text[start:end].strip(" ,;:")
        if candidate and len(candidate.split()) <= 12 and agency_start(candidate):
            coord = candidate
    reading = read_owners(lead, coord or None)
    reading.lead = [vague_if_generic(m) for m in reading.lead]
    reading.coordinate = [vague_if_generic(m) for m in reading.coordinate]
    return reading


_PARTNERS = re.compile(r"\bphoi\s*hop\s*(?:chat\s*che\s*)?voi\s+", _A)
# Words after the partners' names: what is done with them, or why.
_PARTNERS_END = re.compile(r"\b(?:dua\s*ra|de|nham|trong\s*viec|ve\s*viec|tai|theo)\b", _A)


def partners_in(text: str, folded: str | None = None) -> list[OwnerMention]:
    """Agencies a duty is done with ("…; phối hợp với Viện Kiểm sát nhân dân tỉnh đưa ra xét
    xử"): they coordinate, whoever leads."""
    folded = folded if folded is not None else masked_fold(text)
    found: list[OwnerMention] = []
    for match in _PARTNERS.finditer(folded):
        if not agency_start(text[match.end():]):
            continue
        words = chain(VERB.finditer(folded, match.end()), _PARTNERS_END.finditer(folded, match.end()))
        stops = [v.start() for v in words if text[v.start()].islower()]
        stops += [i for i in (text.find(c, match.end()) for c in ";.(") if i >= 0]
        end = min(stops, default=len(text))
        names = text[match.end():end].strip(" ,;:")
        if names and len(names.split()) <= 16:
            found += [vague_if_generic(m) for m in read_owners(names).lead]
    return found


def vague_if_generic(mention: OwnerMention) -> OwnerMention:
    """"Cơ quan, địa phương, đơn vị", "Thủ trưởng cơ quan giải quyết TTHC": nobody in particular."""
    if mention.group or mention.vague:
        return mention
    if re.match(r"^(từng|mỗi)\b", mention.text, re.IGNORECASE):
        return OwnerMention(text=mention.text, vague=True)
    words = fold_words(re.sub(r"^(thủ trưởng|người đứng đầu|lãnh đạo)\s+", "", mention.text, flags=re.I))
    if words and (all(w in _KIND_WORDS for w in words) or " ".join(words[:2]) in ("co quan", "don vi")):
        return OwnerMention(text=mention.text, vague=True)
    return mention


def pure_owner(text: str) -> OwnerPhrase | None:
    """A lead-in that is only a list of owners: "2. Sở Nội vụ:", "1. Các sở, ban, ngành tỉnh, UBND ...:",
    "1.2. Sở Tài chính - Cơ quan thường trực Ban Chỉ đạo", "Sở Y tế (cơ quan thường trực)"."""
    # A role after the name ("Sở Tài chính - Cơ quan thường trực …", "Sở Y tế (đầu mối)"),
    # not a name with a dash in it ("Văn phòng - Thống kê").
    body = re.split(r"\s+[-–]\s+(?=(?:cơ quan|đơn vị|thường trực|thành viên|trưởng|phó|chủ trì|đầu mối)\b)"
                    r"|\s*\((?=[^)]*\)?\s*:?\s*$)", text.rstrip(" :."), maxsplit=1, flags=re.IGNORECASE)[0]
    body = re.sub(r"^(?:giao|đề nghị|yêu cầu)\s*:?\s+(?=\S)", "", body.rstrip(" :."), flags=re.IGNORECASE)
    # "Sở Y tế có trách nhiệm:", "Các đơn vị cấp nước có trách nhiệm thực hiện các nhiệm vụ sau": the
    # heading names whose duties follow.
    body = re.sub(r"\s+(?:có|chịu)\s+trách\s+nhiệm(?:\s+(?:thực\s+hiện|triển\s+khai))?"
                  r"(?:\s+(?:các|những)\s+(?:nhiệm\s+vụ|nội\s+dung|việc)(?:\s+(?:sau\s+đây|sau|chủ\s+yếu\s+sau|cụ\s+thể"
                  r"\s+sau|cụ\s+thể))?)?\s*$", "", body, flags=re.IGNORECASE)
    # "Đối với các sở, ngành:", "Trách nhiệm của đối tượng thực hiện kiểm kê:": a heading that
    # names whose duties follow, even when it is not an agency's name.
    named = re.match(r"^(?:\d+(?:\.\d+)*\.?\s*)?(?:đối với|trách nhiệm của|nhiệm vụ của|"
                     r"nhiệm vụ cụ thể của)\s+(?P<who>.+)$",
                     body, flags=re.IGNORECASE)
    if named and (text.rstrip().endswith(":") or agency_start(named.group("who"))) \
            and len(named.group("who").split()) <= 12:
        who = named.group("who").strip(" :.")
        if not agency_start(who):
            reading = read_owners(who)
            if reading.lead:
                return OwnerPhrase(who, reading, "own")
        body = who
    folded = fold_chars(body)
    if not body or not agency_start(body) or len(body.split()) > 20:
        return None
    # A verb ends a sentence's owner; one after a dash that goes on with a capital is a name's
    # ("Cục Kinh tế - Quản lý đầu tư xây dựng").
    dash = re.search(r"\s[-–]\s+(?=[A-ZĐÀ-Ỹ])", body)
    if any(body[m.start()].islower() and not _NAME_BEFORE_VERB.search(folded, 0, m.start())
           for m in VERB.finditer(folded) if not dash or m.start() < dash.start()):
        return None
    reading = read_owners(_SPLIT_AND.sub(", ", _TITLES.sub("", body)))
    reading.lead = [vague_if_generic(m) for m in reading.lead]
    return OwnerPhrase(body, reading, "own") if reading.lead else None


def owner_in_sentence(text: str, folded: str, deadlines: list[DeadlinePhrase]) -> OwnerPhrase | None:
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
        owner = pure_owner(inline.group("owner"))
        if owner:
            owner.end = head + inline.end()
            return owner
    owner = owner_at(text, folded, head)
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
            found = owner_at(text, folded, j, limit_words=16)
            if found:
                clause_owners.append((j, found))
    if not clause_owners:
        closing = re.search(r"\((?P<inner>[^()]{6,})\)\s*[.;]?\s*$", text)
        if closing and closing.start() > 0:           # "… (Sở X chủ trì, hoàn thành …)."
            return owner_at(text, folded, closing.start("inner"))
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
# "Sở Tư pháp chủ trì các nhiệm vụ về cải cách thể chế", "… chịu trách nhiệm nội dung tại mục 2":
# who leads a part of the plan. (Not "chủ trì, phối hợp với … thực hiện các nhiệm vụ, giải pháp
# để …", a duty of its own: the part must be named right after the tasks it hands out.)
MAPPING = re.compile(
    r"\b(?:chu\s*tri|phu\s*trach|chiu\s*trach\s*nhiem)\b[^;]{0,80}?\b(?:nhiem\s*vu|noi\s*dung|linh\s*vuc)\b"
    r"(?:\s*,\s*giai\s*phap)?\s*(?:ve|doi\s*voi|thuoc|tai|o|trong|cua|so|\d|[ivx]+\b|linh\s*vuc)\s*(?:linh\s*vuc)?", _A)
MAPPING_NUMBERS = re.compile(
    r"\b(?:nhiem\s*vu|noi\s*dung|muc)\s*(?:so\s*)?(?P<nums>(?:[ivx]+\s*\.\s*)?\d+(?:\.\d+)*"
    r"(?:\s*(?:,|va|;)\s*(?:[ivx]+\s*\.\s*)?\d+(?:\.\d+)*)*)", _A)


def split_sentences(text: str) -> list[str]:
    """Sentences of one item; a long parenthetical sentence ("(Trong quý I/2016, Sở Nội vụ tham
    mưu ...)") is a sentence of its own."""
    extracted: list[str] = []

    def lift(match: re.Match) -> str:
        inner = match.group("inner").strip()
        # "Nâng cấp Cổng thông tin (Sở X chủ trì, hoàn thành trước …)." closes with who and
        # when of the duty before it: one sentence, not two.
        closing = not text[match.end():].strip(" .;")
        if closing and agency_start(inner) and match.start() > 0:
            return match.group(0)
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


def targets_in(text: str) -> list[str]:
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


# Not duties: legal bases, the closing request to report difficulties.
BOILERPLATE = re.compile(
    r"^(?:can cu\b(?!\s*(?:vao\s*)?(?:chuc nang|muc tieu|noi dung|nhiem vu|tinh hinh|dieu kien|ke hoach nay|"
    r"de an nay|chuong trinh nay|thuc te|kha nang))|"
    r"trong qua trinh (?:to chuc )?(?:thuc hien|trien khai)[^,]*, (?:neu|truong hop) co|"
    r"phu luc\b|noi nhan\b|chi tiet lien he\b|.{0,80}\bdien thoai(?: so)?\s*[:(]?\s*\(?0\d|"
    # A decision's closing articles: when it takes effect, who executes it.
    r"(?:dieu \d+\.?\s*)?(?:quyet dinh|chi thi|nghi quyet|thong tu|ke hoach) nay co hieu luc|"
    r"(?:dieu \d+\.?\s*)?.{0,300}\bchiu trach nhiem thi hanh (?:quyet dinh|chi thi|nghi quyet|thong tu) nay)")
