"""Reading a deadline phrase ("Thời gian thực hiện", "Thời hạn", "Tiến độ") into a reading.

Pure: no Flask, no database. ``read_deadline`` never raises; whatever it cannot read it returns
as kind ``unknown`` with the flag ``unrecognised``, and the text is always kept as written.

How a phrase is read (docs/domain.md, "Deadlines" and "Reporting periods"):

1. The text is NFC-normalised; known conversion slips (``OCR_SLIPS``) are repaired and flagged
   ``ocr_fixed``; matching then runs on the folded form (no diacritics, lower case), so "quý",
   "QUÍ" and "quy" are the same word. References to other documents ("Kế hoạch số 06/KH-UBND
   ngày 08/01/2020") are blanked first: their dates are not deadlines.
2. Period mentions are scanned left to right (``_MENTION``): a day ("30/9/2017", "ngày 15 tháng
   12"), a month ("tháng 8/2020", "tháng 10-12/2020"), a quarter ("quý II", "Q2/2020", "quí 3"),
   a half or nine months ("6 tháng đầu năm"), a year ("năm 2017", "2021-2025"), a bare day of
   the month ("ngày 25"). Mentions linked by "đến", "-", "tới" form a range; mentions listed with
   "," or "và" stay separate unless they are contiguous ("Quý II, III/2018" is one range). A
   mention without a year borrows the year written next to it ("Tháng 3 đến tháng 7 năm 2020"),
   else the phrase's only written year, else the plan's (flag ``year_assumed``). A year of fewer
   than four digits is flagged ``truncated_year``. A period that merely contains a more precise
   one is dropped ("Năm 2020 (trước ngày 15/12)" is due on 15 Dec).
   Approximate words (flag ``approximate``): "đầu năm" = quarter I, "giữa năm" = quarter II,
   "đầu/giữa tháng" = days 1-10 / 11-20, "đầu/giữa quý" = its first / second month. "Cuối"
   and "hết" just leave the start open.
3. The kind is decided in this order:
   - recurring: reporting-period words in a periodic context ("Định kỳ 6 tháng, năm", "hằng
     quý", "Theo Quý và năm", "Báo cáo 6 tháng và năm"), frequencies ("2 lần/năm", "6 tháng/
     lần"), or several named days that are exactly the ends of reporting periods ("Trước ngày
     15/6 và 15/12" = six-monthly and annual reports due on those days). Days named in the
     phrase replace the calendar's due days ("trước ngày 25 hằng tháng"). Recurring wins over
     "thường xuyên" because its report dates are concrete deadlines, except for a bare "hằng
     năm", which only says that a continuous task goes on every year.
   - continuous: "thường xuyên", "liên tục", "hằng ngày/tuần", "các năm tiếp theo", "trở đi",
     or a single period opened with "từ" and never closed ("Từ tháng 3/2020").
   - date / range: from the period mentions. "Trước", "chậm nhất", "đến" and "cuối" leave the
     start open; a named day is the due date itself ("trước ngày D" is due on D). An offset from
     a named day ("trong vòng 30 ngày kể từ ngày 01/7/2020") is a date too.
   - "định kỳ" with no period named: recurring without periods, flag ``no_period``.
   - event: "đột xuất", "khi có ...", "theo giấy mời", or an offset from an event ("sau năm
     ngày, kể từ ...": ``offset_days`` 5; "trước N ngày": -N; working days and months are
     counted as calendar days, flag ``approximate``).
   - external: "theo tiến độ / hướng dẫn / lộ trình / kế hoạch ... của <another body>".
   - unknown: flag ``unrecognised``.
   "đột xuất" and other event words beside a recurring, continuous or dated reading set
   ``also_event``.

When one phrase names several unrelated dates the earliest is taken (the first obligation to
remind about) and the others are listed in a ``several_dates`` warning, rather than inventing a
reading. Flags: ``deadline_before_issue``, ``truncated_year``, ``year_assumed``, ``approximate``,
``ocr_fixed``, ``several_dates``, ``no_period``, ``unrecognised``; each has a ``ReadingWarning``
with a Vietnamese message, its English beside it and, where possible, a suggestion.
"""

from __future__ import annotations

import calendar as _calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from tracker.reading.result import (
    ANNUAL,
    CONTINUOUS,
    DATE,
    EVENT,
    EXTERNAL,
    MONTHLY,
    NINE_MONTHS,
    PERIODS,
    QUARTERLY,
    RANGE,
    RECURRING,
    SEMIANNUAL,
    UNKNOWN,
    DeadlineReading,
    OccurrenceReading,
    PlanContext,
    ReadingWarning,
)
from tracker.reading.text import clean, fold, nfc

from .reporting import ReportingCalendar

# Known conversion slips, repaired on the NFC text before reading (case-insensitive):
# (pattern, replacement). Most fold to the same letters anyway; repairing them keeps the
# reading honest about what it had to guess (flag "ocr_fixed").
OCR_SLIPS: tuple[tuple[str, str], ...] = (
    ("ð", "đ"),                                 # Icelandic eth typed for Đ: folding misses it
    (r"\bđợt(?=\s+xuất\b)", "đột"),                      # "Đợt xuất" -> "Đột xuất"
    (r"\b(ubnd|hđnd|ủy ban nhân dân|uỷ ban nhân dân|cấp|toàn)(\s+)tinh\b", r"\1\2tỉnh"),
    (r"\bniem(?=\s+yết\b)", "niêm"),                     # "Niem yết" -> "Niêm yết"
    (r"\bthuờng(?=\s+xuyên\b)", "thường"),               # misplaced horn
)
_SLIPS = tuple((re.compile(p, re.IGNORECASE), r) for p, r in OCR_SLIPS)

_MAX_READ = 2000        # a deadline cell longer than this is prose: read its beginning only
_MIN_YEAR, _MAX_YEAR = 1900, 2199

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

# --- patterns (on folded text: a-z, digits, punctuation) --------------------------------
_A = re.ASCII
_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_Y = r"[0-9]{1,4}(?![0-9])(?!\s*(?:lan|dot|nguoi|%))"      # "năm 2 lần" is not a year
_SEP = r"\s*(?:,|;|&|-|~|\bva\b|\bhoac\b|\bden\s+het\b|\bden\b|\btoi\b)\s*"
_YEAR_TAIL = r"(?:\s*[,/.-]?\s*nam\s*|\s*[/.-]\s*)"
_QNUM = r"(?:iv|i{1,3}|[1-4])(?![a-z0-9])"

_MENTION = re.compile(
    # "ngày 15 tháng 12 năm 2020"
    r"(?P<dl>\bngay\s*(?P<dl_d>[0-9]{1,2})\s*thang\s*(?P<dl_m>[0-9]{1,2})(?![0-9])"
    r"(?:\s*,?\s*nam\s*(?P<dl_y>" + _Y + r"))?)"
    # "30/9/2017", "ngày 15/12", "20/11"
    r"|(?P<da>(?:\bngay\s*)?(?<![0-9/.])(?P<da_d>[0-9]{1,2})\s*[/.-]\s*"
    r"(?P<da_m>[0-9]{1,2})(?![0-9])"
    r"(?:\s*[/.-]\s*(?P<da_y>" + _Y + r")|\s*,?\s*nam\s*(?P<da_y2>" + _Y + r"))?(?![/0-9]))"
    # "01/2021": a month and its year
    r"|(?P<my>(?<![0-9/.])(?P<my_m>[0-9]{1,2})\s*/\s*(?P<my_y>(?:19|20)[0-9]{2})(?![0-9/]))"
    # "2021-2025", "Năm 2016 - 2017", "giai đoạn 2021 - 2025", "từ năm 2016 đến năm 2020"
    r"|(?P<yr>(?:\bgiai\s*doan\s*|\btu\s*nam\s*|\bnam\s*)?\b(?P<yr_a>(?:19|20)[0-9]{2})(?![0-9])"
    r"\s*(?:-|~|\bden\b|\btoi\b)\s*(?:(?:het\s*)?nam\s*)?(?P<yr_b>(?:19|20)?[0-9]{2})(?![0-9]))"
    # "tháng 8/2020", "tháng 10-12/2020", "tháng 3 đến tháng 7 năm 2020"
    r"|(?P<mo>\bthang\s*(?P<mo_n>[0-9]{1,2})(?![0-9])"
    r"(?P<mo_more>(?:" + _SEP + r"(?:het\s*)?(?:thang\s*)?[0-9]{1,2}(?![0-9])"
    r"(?!\s*[/.]\s*[0-9]{1,2}(?![0-9])))*)"
    r"(?:" + _YEAR_TAIL + r"(?P<mo_y>" + _Y + r"))?)"
    # "quý II/2017", "Q2/2020", "quý 3 năm 2019", "Quý II, III/2018"
    r"|(?P<qu>\b(?:quy|q)\s*(?P<qu_n>" + _QNUM + r")"
    r"(?P<qu_more>(?:" + _SEP + r"(?:(?:quy|q)\s*)?" + _QNUM + r")*)"
    r"(?:" + _YEAR_TAIL + r"(?P<qu_y>" + _Y + r"))?)"
    # "6 tháng đầu năm 2020", "nửa cuối năm"
    r"|(?P<ha>\b(?:(?:6|sau)\s*thang|nua(?:\s*nam)?)\s*(?P<ha_n>dau|cuoi)(?:\s*nam)?"
    r"(?:\s*[/.-]?\s*(?:nam\s*)?(?P<ha_y>" + _Y + r"))?)"
    # "9 tháng năm 2017", "9 tháng đầu năm"
    r"|(?P<ni>\b(?:9|chin)\s*thang\s*(?:dau\s*)?nam(?:\s*[/.-]?\s*(?P<ni_y>" + _Y + r"))?)"
    # "năm 2017", "năm nay", "2017", "cuối năm", "trong năm"
    r"|(?P<ye>\bnam\s*(?:(?P<ye_nay>nay)\b|(?P<ye_y>" + _Y + r")))"
    r"|(?P<y4>\b(?P<y4_y>(?:19|20)[0-9]{2})(?![0-9]))"
    r"|(?P<yb>\b(?P<yb_q>dau|giua|cuoi|trong|ca|het)\s*nam\b"
    r"(?!\s*(?:[0-9]|ngay|hoc|tiep|sau|toi|truoc|moi)))"
    # "ngày 25" with no month: only meaningful for recurring reports ("ngày 25 hằng tháng")
    r"|(?P<dom>\bngay\s*(?P<dom_d>[0-9]{1,2})(?![0-9])(?!\s*[/.-]\s*[0-9])(?!\s*thang\s*[0-9]))",
    _A)
_MORE_ITEM = re.compile(
    r"(,|;|&|-|~|va|hoac|den\s+het|den|toi)\s*(?:het\s*)?(?:thang\s*|quy\s*|q\s*)?"
    r"([0-9]{1,2}|iv|i{1,3})(?![a-z0-9])", _A)
_QUALIFIER = re.compile(r"\b(dau|giua|cuoi|het)\s*$", _A)
_OPEN_START = re.compile(
    r"\b(?:truoc|cham\s*nhat|muon\s*nhat|tre\s*nhat|han\s*chot|thoi\s*han|khong\s*qua|"
    r"khong\s*muon\s*hon|den|toi)\s*(?:het\s*|ngay\s*)?[:,]?\s*$", _A)
_FROM = re.compile(r"\b(?:tu|ke\s*tu|bat\s*dau(?:\s*tu)?)\s*$", _A)
_DOC_REF = re.compile(
    r"\b(?:so\s*)?[0-9]{1,5}\s*/\s*(?:[0-9]{4}\s*/\s*)?[a-z][a-z0-9&.-]*(?:\s*/\s*[a-z0-9&.-]+)*"
    r"(?:\s*,?\s*ngay\s*[0-9]{1,2}\s*[/.-]\s*[0-9]{1,2}\s*[/.-]\s*[0-9]{2,4}"
    r"|\s*,?\s*ngay\s*[0-9]{1,2}\s*thang\s*[0-9]{1,2}\s*nam\s*[0-9]{4})?", _A)

# Reporting-period words; a token followed by a number or "đầu/cuối" names one period instead.
_PWORD = (r"(?:(?:6|sau)\s*thang|nua\s*nam|ban\s*nien|(?:9|chin)\s*thang|(?:3|ba)\s*thang"
          r"|thang|quy|nam|tuan|ngay)")
_PNOT = (r"(?!\s*(?:[0-9]|(?:i{1,3}|iv)\b|truoc\b(?!\s*ngay)"       # "năm trước": last year
         r"|(?:dau|cuoi|giua|nay|ngay|lam|hoc|tiep|toi|dinh|che|trinh|hoach|mo|pham|tac|chuan"
         r"|nien|luat|dong|doi|tu|trong|sau\s*khi)\b"
         r"|(?:dau\s*|cuoi\s*)?nam\s*[0-9]))")
_PTOKEN = re.compile(r"(?:\b(?P<pre>hang|moi)\s*)?\b(?P<w>" + _PWORD + r")\b" + _PNOT, _A)
_PLIST = re.compile(
    r"(?:\b(?:hang|moi)\s*)?\b" + _PWORD + r"\b" + _PNOT
    + r"(?:\s*(?:[,;/&+-]|\bva\b|\bhoac\b|\bhay\b)\s*(?:\b(?:va|hoac)\b\s*)?"
    + r"(?:\b(?:hang|moi)\s*)?\b" + _PWORD + r"\b" + _PNOT + r")*", _A)
_PERIODIC_CONTEXT = re.compile(
    r"\b(?:dinh\s*ky|theo|bao\s*cao|so\s*ket|tong\s*ket|giao\s*ban|kiem\s*tra|danh\s*gia|"
    r"thong\s*ke|cap\s*nhat|gui)\s*(?:ket\s*qua\s*)?[,:(-]?\s*$", _A)
_DINH_KY = re.compile(r"\bdinh\s*ky\b", _A)

_CONTINUOUS = re.compile(
    r"\b(?:thuong\s*xuyen|lien\s*tuc|hang\s*ngay|moi\s*ngay|quanh\s*nam|suot\s*(?:ca\s*)?nam"
    r"|(?:cac|nhung)\s*nam\s*(?:tiep\s*theo|ke\s*tiep|sau|toi)|tro\s*di|thuong\s*truc)\b", _A)
_OPEN_ENDED = re.compile(
    r"\b(?:tiep\s*theo|ke\s*tiep|tro\s*di|nhung\s*nam\s*sau|cac\s*nam\s*sau)\b", _A)
_EVENT = re.compile(
    r"\b(?:dot\s*xuat|khi\s*co|khi\s*phat\s*sinh|phat\s*sinh|khi\s*nhan\s*duoc|khi\s*duoc"
    r"|sau\s*khi|giay\s*moi|theo\s*yeu\s*cau|khi\s*(?:co\s*)?yeu\s*cau|theo\s*thong\s*bao"
    r"|theo\s*trieu\s*tap|ke\s*tu\s*(?:ngay|khi)|tuy\s*(?:theo\s*)?tinh\s*hinh|khi\s*can)\b"
    r"|^\W*khi\b", _A)
_EXTERNAL = re.compile(
    r"\btheo\s*(?:tien\s*do|lo\s*trinh|huong\s*dan|ke\s*hoach|chi\s*dao|quy\s*dinh|thoi\s*gian"
    r"|thoi\s*han|van\s*ban|de\s*nghi|chuong\s*trinh)\b"
    r"|\b(?:trung\s*uong|chinh\s*phu|cap\s*tren|bo\s*[a-z]+)\s*(?:se\s*)?quy\s*dinh\b"
    r"|\b(?:dung|trong)\s*thoi\s*han\s*(?:luat\s*dinh|phap\s*luat\s*quy\s*dinh|do\s*luat\s*dinh)\b", _A)

# Offsets from a triggering event: "sau năm ngày, kể từ ...", "trong vòng 10 ngày kể từ ...".
_NUMWORDS = r"(?:(?:mot|hai|ba|bon|tu|nam|lam|sau|bay|tam|chin|muoi|tram|linh|le)\b\s*)+"
_OFFSET = re.compile(
    r"(?:\b(?P<pre>sau|trong\s*vong|trong\s*thoi\s*han|trong\s*thoi\s*gian|trong|truoc|khong\s*qua"
    r"|cham\s*nhat|toi\s*da|muon\s*nhat)\s*(?:la\s*)?)?"
    r"(?<![0-9])(?P<n>[0-9]{1,3}(?![0-9])|\b" + _NUMWORDS + r")\s*(?:\(\s*[0-9]{1,3}\s*\)\s*)?"
    r"(?P<unit>ngay\s*lam\s*viec|ngay|tuan|thang)\b"
    r"(?P<after>\s*,?\s*(?:ke\s*tu|tu\s*khi|tu\s*ngay|sau\s*khi|truoc\s*khi|ke\s*khi))?", _A)
# Frequencies: "2 lần/năm", "02 đợt trong năm", "6 tháng/lần", "mỗi quý một lần".
_FREQUENCY = re.compile(
    r"\b(?P<n>[0-9]{1,2}|" + _NUMWORDS + r")\s*(?:lan|dot|ky)\s*(?:/|trong|moi|mot|1|\s)\s*"
    r"(?:1\s*|mot\s*)?(?P<per>nam|quy|thang)\b"
    r"|\b(?:moi\s*)?(?P<every>[0-9]{1,2}|" + _NUMWORDS + r")?\s*(?P<unit>thang|quy|nam)\s*"
    r"(?:/\s*|mot\s*|1\s*)lan\b", _A)
_PER_YEAR = {("nam", 1): ANNUAL, ("nam", 2): SEMIANNUAL, ("nam", 4): QUARTERLY,
             ("nam", 12): MONTHLY, ("quy", 1): QUARTERLY, ("thang", 1): MONTHLY}
_EVERY_MONTHS = {1: MONTHLY, 3: QUARTERLY, 6: SEMIANNUAL, 9: NINE_MONTHS, 12: ANNUAL}
_UNIT_WORDS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5, "sau": 6,
               "bay": 7, "tam": 8, "chin": 9}


# --- warnings -----------------------------------------------------------------------------
_FLAG_ORDER = ("ocr_fixed", "truncated_year", "year_assumed", "approximate", "several_dates",
               "no_period", "deadline_before_issue", "unrecognised")


@dataclass
class _Notes:
    """Warnings collected while reading one phrase; flags come out unique and in a fixed order."""

    warnings: list[ReadingWarning] = field(default_factory=list)

    def add(self, code: str, message: str, message_en: str, suggestion: str | None = None) -> None:
        if not any(w.code == code and w.message == message for w in self.warnings):
            self.warnings.append(ReadingWarning(code, message, message_en, suggestion))

    def flags(self) -> tuple[str, ...]:
        codes = {w.code for w in self.warnings}
        known = [c for c in _FLAG_ORDER if c in codes]
        return tuple(known + sorted(codes - set(_FLAG_ORDER)))


# --- small date helpers ---------------------------------------------------------------------
def _month_end(year: int, month: int) -> date:
    return date(year, month, _calendar.monthrange(year, month)[1])


def _span_text(start: date | None, due: date | None) -> str:
    """"START..DUE" in ISO, "DUE" without a start, "START.." without a due."""
    if start and due:
        return f"{start.isoformat()}..{due.isoformat()}"
    if due:
        return due.isoformat()
    return f"{start.isoformat()}.." if start else ""


def _shift_year(d: date, delta: int) -> date:
    """``d`` moved by ``delta`` years; a month's last day stays its last day (28 Feb -> 29 Feb)."""
    year = d.year + delta
    if d == _month_end(d.year, d.month):
        return _month_end(year, d.month)
    return date(year, d.month, min(d.day, _calendar.monthrange(year, d.month)[1]))


def _resolve_year(digits: str, plan_year: int, notes: _Notes) -> int | None:
    """The year a written year stands for; fewer than four digits is flagged ``truncated_year``.

    A cut cell ("năm 20") keeps a prefix of the plan's year: the plan year is taken. Any other
    two digits are read as an abbreviation ("12/19" = 2019); one or three digits that do not
    match the plan year can only be a cut cell, so the plan year again.
    """
    if len(digits) == 4:
        year = int(digits)
        return year if _MIN_YEAR <= year <= _MAX_YEAR else None
    if len(digits) == 2 and not str(plan_year).startswith(digits):
        year = 2000 + int(digits)
        notes.add("truncated_year",
                  f'Năm ghi tắt "{digits}": đã hiểu là năm {year}; '
                  f"năm của kế hoạch là {plan_year}.",
                  f'Two-digit year "{digits}" read as {year}; the plan year is {plan_year}.',
                  str(plan_year))
        return year
    notes.add("truncated_year",
              f'Năm ghi không đủ 4 chữ số ("{digits}"), có thể ô bị cắt: đã lấy năm của kế hoạch '
              f"({plan_year}).",
              f'Year written with fewer than four digits ("{digits}"), probably a cut cell: '
              f"the plan year ({plan_year}) is assumed.", str(plan_year))
    return plan_year


# --- period mentions ------------------------------------------------------------------------
@dataclass
class _Mention:
    kind: str                  # day, month, quarter, half, nine, year, dom
    pos: int                   # start in the folded text
    end: int
    value: int = 0             # month, quarter, half (1, 2) or day of month (dom)
    day: int = 0               # for kind "day"
    digits: str | None = None  # the year as written
    year: int | None = None
    explicit: bool = False     # the year was written on this mention
    assumed: bool = False      # the plan year was taken
    qual: str | None = None    # đầu, giữa, cuối, hết, trong, cả
    link: str = "none"         # to the previous mention: range, list, adjacent, none
    donor: bool = False        # a bare year that only gives its year to its neighbour


def _connector(between: str) -> str:
    """How two neighbouring mentions are linked, judging by the text between them."""
    words = re.findall(r"[a-z]+|[-~,;&]", between)
    if len(between) > 24:
        return "none"
    if any(w in ("-", "~", "den", "toi") for w in words):
        return "range"
    if any(w in (",", ";", "&", "va", "hoac") for w in words):
        return "list"
    return "adjacent" if not [w for w in words if w not in ("het", "nam", "thang")] else "none"


def _number(token: str) -> int | None:
    token = token.strip()
    if token in _ROMAN:
        return _ROMAN[token]
    return int(token) if token.isdigit() else None


def _scan(f: str) -> list[_Mention]:
    """Period mentions of the folded text, in order, each linked to the previous one."""
    found: list[_Mention] = []
    last_end = 0
    for m in _MENTION.finditer(f):
        group = m.lastgroup
        new: list[_Mention] = []
        if group == "dl":
            new.append(_Mention("day", m.start(), m.end(), value=int(m["dl_m"]), day=int(m["dl_d"]),
                                digits=m["dl_y"]))
        elif group == "da":
            new.append(_Mention("day", m.start(), m.end(), value=int(m["da_m"]), day=int(m["da_d"]),
                                digits=m["da_y"] or m["da_y2"]))
        elif group == "my":
            new.append(_Mention("month", m.start(), m.end(), value=int(m["my_m"]),
                                digits=m["my_y"]))
        elif group == "yr":
            a, b = m["yr_a"], m["yr_b"]
            b = a[:2] + b if len(b) == 2 else b          # "2021-25"
            new.append(_Mention("year", m.start(), m.end(), digits=a))
            new.append(_Mention("year", m.start(), m.end(), digits=b, link="range"))
        elif group in ("mo", "qu"):
            kind = "month" if group == "mo" else "quarter"
            new.append(_Mention(kind, m.start(), m.end(), value=_number(m[group + "_n"]) or 0))
            for sep, num in _MORE_ITEM.findall(m[group + "_more"] or ""):
                link = "range" if sep in ("-", "~", "toi") or sep.startswith("den") else "list"
                new.append(_Mention(kind, m.start(), m.end(), value=_number(num) or 0, link=link))
            new[-1].digits = m[group + "_y"]
        elif group == "ha":
            new.append(_Mention("half", m.start(), m.end(), value=1 if m["ha_n"] == "dau" else 2,
                                digits=m["ha_y"]))
        elif group == "ni":
            new.append(_Mention("nine", m.start(), m.end(), digits=m["ni_y"]))
        elif group == "ye":
            mention = _Mention("year", m.start(), m.end(), digits=m["ye_y"])
            if m["ye_nay"]:                                   # "năm nay": this (plan) year
                mention.qual = "nay"
            new.append(mention)
        elif group == "y4":
            new.append(_Mention("year", m.start(), m.end(), digits=m["y4_y"]))
        elif group == "yb":
            new.append(_Mention("year", m.start(), m.end(), qual=m["yb_q"]))
        elif group == "dom":
            new.append(_Mention("dom", m.start(), m.end(), value=int(m["dom_d"])))
        if not new:
            continue
        qual = _QUALIFIER.search(f[max(0, m.start() - 8):m.start()])
        if qual and new[0].qual is None:
            new[0].qual = qual.group(1)
        new[0].link = _connector(f[last_end:m.start()]) if found else "none"
        found.extend(new)
        last_end = m.end()
    return found


def _valid(m: _Mention) -> bool:
    if m.kind in ("month", "day"):
        return 1 <= m.value <= 12 and (m.kind == "month" or 1 <= m.day <= 31)
    if m.kind == "quarter":
        return 1 <= m.value <= 4
    if m.kind == "dom":
        return 1 <= m.value <= 31
    return True


def _resolve_years(mentions: list[_Mention], plan_year: int, notes: _Notes) -> list[_Mention]:
    """Give every mention a year: its own, its chain neighbour's, or the plan's.

    A chain is a run of mentions linked by range, list or adjacency. The year written at the end
    of a chain applies to all of it ("Tháng 3 đến tháng 7 năm 2020"); a bare year that only
    supplies a year to its left neighbour ("Quý I và năm 2020") is then dropped. Outside any
    chain a mention takes the phrase's only written year, else the plan's.
    """
    for m in mentions:
        if m.qual == "nay":
            m.year, m.explicit = plan_year, True
        elif m.digits:
            m.year = _resolve_year(m.digits, plan_year, notes)
            m.explicit = m.year is not None
    # The phrase's only written year, for mentions outside its chain ("Năm 2020 (trước 15/12)").
    written = {m.year for m in mentions if m.explicit}
    only_year = written.pop() if len(written) == 1 else None
    chains: list[list[int]] = []
    for i, m in enumerate(mentions):
        if chains and m.link in ("range", "list", "adjacent"):
            chains[-1].append(i)
        else:
            chains.append([i])
    for chain in chains:
        for pos, i in enumerate(chain):
            m = mentions[i]
            if m.explicit:
                continue
            right = [mentions[j] for j in chain[pos + 1:] if mentions[j].explicit]
            left = [mentions[j] for j in chain[:pos] if mentions[j].explicit]
            if right:
                m.year = right[0].year
                donor = mentions[chain[pos + 1]]
                if (donor.kind == "year" and donor.explicit and donor.qual is None
                        and donor.link != "range" and m.kind != "year"):
                    donor.donor = True
            elif left:
                m.year = left[-1].year
            elif only_year is not None:
                m.year = only_year
            else:
                m.year, m.assumed = plan_year, True
    return [m for m in mentions if not m.donor]


@dataclass
class _Span:
    first: date | None
    last: date
    approximate: str | None = None    # what was approximated, for the warning


def _span(m: _Mention, notes: _Notes) -> _Span | None:
    """The days a mention covers; ``first`` is None where the phrase leaves the start open."""
    y = m.year
    if y is None or not _MIN_YEAR <= y <= _MAX_YEAR:
        return None
    if m.kind == "day":
        last_day = _calendar.monthrange(y, m.value)[1]
        if m.day > last_day:
            notes.add("approximate",
                      f"Ngày {m.day}/{m.value}/{y} không có thật: đã lấy ngày cuối tháng.",
                      f"{m.day}/{m.value}/{y} does not exist: the month's last day is taken.")
        d = date(y, m.value, min(m.day, last_day))
        return _Span(d, d)
    if m.kind in ("month", "quarter"):
        first_month = m.value if m.kind == "month" else 3 * m.value - 2
        last_month = m.value if m.kind == "month" else 3 * m.value
        if m.qual in ("cuoi", "het"):
            return _Span(None, _month_end(y, last_month))
        if m.kind == "month":
            if m.qual == "dau":
                return _Span(date(y, m.value, 1), date(y, m.value, 10), "đầu tháng: 1-10")
            if m.qual == "giua":
                return _Span(date(y, m.value, 11), date(y, m.value, 20), "giữa tháng: 11-20")
        elif m.qual in ("dau", "giua"):
            month = first_month if m.qual == "dau" else first_month + 1
            return _Span(date(y, month, 1), _month_end(y, month),
                         f"{'đầu' if m.qual == 'dau' else 'giữa'} quý: tháng {month}")
        return _Span(date(y, first_month, 1), _month_end(y, last_month))
    if m.kind == "half":
        return _Span(date(y, 1 if m.value == 1 else 7, 1), _month_end(y, 6 if m.value == 1 else 12))
    if m.kind == "nine":
        return _Span(date(y, 1, 1), date(y, 9, 30))
    if m.kind == "year":
        if m.qual in ("cuoi", "het"):
            return _Span(None, date(y, 12, 31))
        if m.qual == "dau":
            return _Span(date(y, 1, 1), date(y, 3, 31), "đầu năm: quý I")
        if m.qual == "giua":
            return _Span(date(y, 4, 1), date(y, 6, 30), "giữa năm: quý II")
        return _Span(date(y, 1, 1), date(y, 12, 31))
    return None


@dataclass
class _Item:
    """One deadline candidate: a period, or a range of periods."""

    first: date | None
    last: date
    mentions: list[_Mention]
    merged: bool = False
    approximate: list[str] = field(default_factory=list)   # what was approximated, for warnings


def _items(mentions: list[_Mention], notes: _Notes) -> list[_Item]:
    items: list[_Item] = []
    spans = [(m, _span(m, notes)) for m in mentions if m.kind != "dom"]
    for m, span in spans:
        if span is None:
            continue
        prev = items[-1] if items else None
        if prev and m.link == "range":
            if (prev.first and span.last < prev.first and not prev.merged
                    and not prev.mentions[0].explicit):
                # "Từ tháng 10 đến tháng 3/2021": the start borrowed the end's year: one earlier.
                prev.first, prev.last = _shift_year(prev.first, -1), _shift_year(prev.last, -1)
            if span.last > prev.last:
                prev.last, prev.merged = span.last, True
                prev.mentions.append(m)
                prev.approximate += [span.approximate] if span.approximate else []
                continue
        if (prev and m.link in ("list", "adjacent") and prev.mentions[-1].kind == m.kind
                and m.kind != "day" and span.first == prev.last + timedelta(days=1)):
            prev.last, prev.merged = span.last, True          # "Quý II, III": one stretch
            prev.mentions.append(m)
            prev.approximate += [span.approximate] if span.approximate else []
            continue
        items.append(_Item(span.first, span.last, [m], approximate=[span.approximate]
                           if span.approximate else []))
    return items


def _innermost(items: list[_Item]) -> list[_Item]:
    """Drop items that only contain another one: "Năm 2020 (trước ngày 15/12)" is the 15 Dec."""
    def length(i: _Item) -> int:
        return (i.last - (i.first or i.last)).days

    def contains(outer: _Item, inner: _Item) -> bool:
        return (outer is not inner and outer.first is not None
                and outer.first <= (inner.first or inner.last) and inner.last <= outer.last
                and length(outer) > length(inner))
    return [i for i in items if not any(contains(i, other) for other in items)]


# --- reporting periods ----------------------------------------------------------------------
def _period_of(word: str) -> str | None:
    w = re.sub(r"\s+", " ", word)
    if w in ("6 thang", "sau thang", "nua nam", "ban nien"):
        return SEMIANNUAL
    if w in ("9 thang", "chin thang"):
        return NINE_MONTHS
    if w in ("3 thang", "ba thang", "quy"):
        return QUARTERLY
    return {"thang": MONTHLY, "nam": ANNUAL}.get(w)


def _recurring_periods(f: str) -> tuple[tuple[str, ...], bool, bool]:
    """Reporting periods named in a periodic context; also whether "hằng ngày/tuần" was seen.

    A list of period words counts when one word carries "hằng/hàng/mỗi", when it follows
    "định kỳ", "theo", "báo cáo"... or when it names at least two periods ("6 tháng, năm").
    """
    periods: set[str] = set()
    daily = weekly = False
    for lst in _PLIST.finditer(f):
        tokens = list(_PTOKEN.finditer(lst.group(0)))
        prefixed = any(t["pre"] for t in tokens)
        before = f[max(0, lst.start() - 40):lst.start()]
        # "6 tháng (trước ngày 10/6) và năm (...)": a list continued after an aside.
        continued = periods and re.search(r"(?:[,;]|\bva\b|\bhoac\b)\s*$", before, _A)
        if not (prefixed or continued or len(tokens) >= 2 or _PERIODIC_CONTEXT.search(before)):
            continue
        for t in tokens:
            word = t["w"]
            if word in ("tuan", "ngay"):
                # Only "hằng tuần/ngày" is a frequency; a bare "ngày" is a day.
                if t["pre"]:
                    weekly, daily = weekly or word == "tuan", daily or word == "ngay"
                continue
            period = _period_of(word)
            if period:
                periods.add(period)
    for m in _FREQUENCY.finditer(f):
        period = _frequency(m)
        if period:
            periods.add(period)
    return tuple(p for p in PERIODS if p in periods), daily, weekly


def _count(raw: str | None) -> int | None:
    if not raw or not raw.strip():
        return None
    raw = raw.strip()
    return int(raw) if raw.isdigit() else _number_words(raw.split())


def _frequency(m: re.Match) -> str | None:
    """The period of "N lần/năm" (N times a year) or "N tháng/lần" (once every N months)."""
    if m["per"]:
        return _PER_YEAR.get((m["per"], _count(m["n"]) or 0))
    months = {"thang": 1, "quy": 3, "nam": 12}[m["unit"]] * (_count(m["every"]) or 1)
    return _EVERY_MONTHS.get(months)


def _periods_for_months(months: set[int]) -> tuple[str, ...] | None:
    """The fewest reporting periods whose reports fall exactly in ``months`` (annual preferred).

    {6, 12} -> six-monthly and annual; {3, 6, 9, 12} -> quarterly and annual; all twelve ->
    monthly. None when the months are not the ends of any set of periods.
    """
    ends = {MONTHLY: set(range(1, 13)), QUARTERLY: {3, 6, 9, 12}, SEMIANNUAL: {6, 12},
            NINE_MONTHS: {9}, ANNUAL: {12}}
    best: tuple[str, ...] | None = None
    for mask in range(1, 1 << len(PERIODS)):
        combo = tuple(p for i, p in enumerate(PERIODS) if mask >> i & 1)
        if set().union(*(ends[p] for p in combo)) != months:
            continue
        key = (ANNUAL not in combo, len(combo))
        if best is None or key < (ANNUAL not in best, len(best)):
            best = combo
    return best


def _occurrences(periods: tuple[str, ...], context: PlanContext, mentions: list[_Mention]
                 ) -> tuple[OccurrenceReading, ...]:
    """The calendar's occurrences, with due days named in the phrase put in their place.

    "ngày 25 hằng tháng" sets the 25th of every period's last month (or of the month after, when
    the day is not past the cut-off: "trước ngày 5 hằng tháng" reports the previous month);
    "15/6 và 15/12" set the due day of the reports ending in June and December.
    """
    calendar = context.calendar if context.calendar is not None else ReportingCalendar()
    occurrences = tuple(calendar.occurrences(periods, context.year, context.level))
    cutoff_day = getattr(calendar, "cutoff_day", 14)
    every = [m.value for m in mentions if m.kind == "dom"]
    days = {(m.value, m.day) for m in mentions if m.kind == "day"}
    months = {occ.cutoff.month for occ in occurrences}
    in_order: dict[int, tuple[int, int]] = {}
    if days and len(days) == len(occurrences) and not any(
            mo in months or (mo - 2) % 12 + 1 in months for mo, _ in days):
        # "Hằng năm (trước ngày 15/11)": as many days as reports, in no period's month: in order.
        in_order = dict(zip(sorted(months), sorted(days)))
    result = []
    for occ in occurrences:
        due = None
        month, year = occ.cutoff.month, occ.cutoff.year
        named = [d for (mo, d) in days if mo == month]
        after = [d for (mo, d) in days if mo == month % 12 + 1]
        if month in in_order:
            mo, d = in_order[month]
            due = _safe_date(year, mo, min(d, _calendar.monthrange(year, mo)[1]))
            due = due if due and due >= occ.start + timedelta(days=1) else None
        elif named:
            due = date(year, month, min(named[0], _calendar.monthrange(year, month)[1]))
        elif after:
            y2, m2 = (year + 1, 1) if month == 12 else (year, month + 1)
            due = date(y2, m2, min(after[0], _calendar.monthrange(y2, m2)[1]))
        elif every:
            d = every[0]
            if d <= cutoff_day:
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            due = date(year, month, min(d, _calendar.monthrange(year, month)[1]))
        if due is not None:
            cutoff = min(occ.cutoff, due - timedelta(days=1))   # data cannot end after the report
            occ = replace(occ, due=due, cutoff=max(cutoff, occ.start))
        result.append(occ)
    return tuple(sorted(result, key=lambda o: (o.due, PERIODS.index(o.period))))


# --- events ---------------------------------------------------------------------------------
def _number_words(words: list[str]) -> int | None:
    """Vietnamese number words to an int: "năm" 5, "mười lăm" 15, "hai mươi mốt" 21."""
    value = block = 0
    for i, w in enumerate(words):
        if w == "tram":
            value, block = value + (block or 1) * 100, 0
        elif w == "muoi":
            if block >= 10:
                return None
            block = (block or 1) * 10
        elif w in _UNIT_WORDS:
            if block % 10 or (w in ("tu", "lam") and (i == 0 or words[i - 1] != "muoi")):
                return None
            block += _UNIT_WORDS[w]
        elif w not in ("linh", "le"):
            return None
    return value + block or None


def _offset(f: str, notes: _Notes) -> tuple[int, re.Match] | None:
    """Days from the triggering event ("sau năm ngày, kể từ ...": 5); negative for "trước"."""
    for m in _OFFSET.finditer(f):
        unit = re.sub(r"\s+", " ", m["unit"])
        # A bare "N tháng/tuần" is a length, not an offset, unless an event follows.
        if not m["after"] and (unit in ("tuan", "thang") or not m["pre"]):
            continue
        raw = m["n"].strip()
        n = int(raw) if raw.isdigit() else _number_words(raw.split())
        if not n:
            continue
        days = n * {"ngay": 1, "ngay lam viec": 1, "tuan": 7, "thang": 30}[unit]
        if unit in ("ngay lam viec", "thang"):
            what = "ngày làm việc" if unit == "ngay lam viec" else "tháng"
            notes.add("approximate",
                      f"{n} {what} được tính gần đúng là {days} ngày theo lịch.",
                      f"{n} {'working days' if what == 'ngày làm việc' else 'months'} counted as "
                      f"{days} calendar days.")
        before = (m["pre"] or "").startswith("truoc") or "truoc" in (m["after"] or "")
        return (-days if before else days), m
    return None


# --- the reader -----------------------------------------------------------------------------
def _repair(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Apply ``OCR_SLIPS``; return the repaired text and (as written, repaired) pairs."""
    fixes: list[tuple[str, str]] = []
    for pattern, repl in _SLIPS:
        def sub(m: re.Match, repl: str = repl) -> str:
            new = m.expand(repl)
            if m.group(0)[:1].isupper():
                new = new[:1].upper() + new[1:]
            if new != m.group(0):
                fixes.append((m.group(0), new))
            return new
        text = pattern.sub(sub, text)
    return text, fixes


def _before_issue(start: date | None, due: date | None, context: PlanContext, notes: _Notes,
                  *, continuous: bool = False) -> None:
    """Flag a deadline earlier than the plan's issue date, suggesting it in the plan's year.

    Without an issue date the plan year's first day is the limit. A continuous task has no due
    date: it is too early when it is confined to a year before the year of issue.
    """
    issued = context.issued or _safe_date(context.year, 1, 1)
    ref = start if continuous else due
    if issued is None or ref is None:
        return
    if ref >= (date(issued.year, 1, 1) if continuous else issued):
        return
    delta = context.year - ref.year
    suggestion = None
    if delta > 0:
        suggestion = _span_text(start and _shift_year(start, delta),
                                due and _shift_year(due, delta))
    notes.add("deadline_before_issue",
              f"Thời hạn ({_span_text(start, due)}) sớm hơn ngày ban hành kế hoạch "
              f"({issued.isoformat()}); có thể ghi nhầm năm.",
              f"The deadline ({_span_text(start, due)}) is earlier than the plan's issue date "
              f"({issued.isoformat()}); the year may be a typo.", suggestion)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except (TypeError, ValueError, OverflowError):
        return None


def _assumed(item: _Item, context: PlanContext, notes: _Notes) -> None:
    if any(m.assumed for m in item.mentions):
        notes.add("year_assumed",
                  f"Không ghi năm: đã lấy năm của kế hoạch ({context.year}).",
                  f"No year written: the plan year ({context.year}) is assumed.")


#: a weekday before a date ("trước Thứ Tư ngày 03/12/2025"): says nothing more, and "tư"
#: folds to "tu", which would read as "từ" (from)
WEEKDAY = re.compile(r"\b(?:thu\s*(?:hai|ba|tu|nam|sau|bay)|chu\s*nhat)\s*,?\s*(?=ngay\b)", re.ASCII)


def _read(raw: object, context: PlanContext) -> DeadlineReading:
    """The reader proper; may raise on a bug, which ``read_deadline`` turns into ``unknown``."""
    text = nfc(raw if isinstance(raw, str) else ("" if raw is None else str(raw))).strip()
    notes = _Notes()
    repaired, fixes = _repair(clean(text[:_MAX_READ]))
    if fixes:
        shown = ", ".join(f'"{a}" → "{b}"' for a, b in dict(fixes).items())
        notes.add("ocr_fixed", f"Đã sửa lỗi chuyển đổi văn bản: {shown}.",
                  f"Conversion slips repaired: {shown}.", repaired)
    f = re.sub(r"\bqui\b", "quy", _DASHES.sub("-", fold(repaired)), flags=_A)
    f = _DOC_REF.sub(" ", f)
    f = WEEKDAY.sub(" ", f)

    def done(kind: str, **kw: object) -> DeadlineReading:
        if kind == UNKNOWN:
            notes.add("unrecognised",
                      "Không đọc được thời hạn: cần nhập ngày hoặc chọn loại thời hạn.",
                      "The deadline could not be read: enter a date or choose a kind.")
        return DeadlineReading(text=text, kind=kind, flags=notes.flags(),
                               warnings=tuple(notes.warnings), **kw)  # type: ignore[arg-type]

    if not re.search(r"[a-z0-9]", f):
        return done(UNKNOWN)

    also_event = bool(_EVENT.search(f))
    periods, daily, weekly = _recurring_periods(f)
    continuous = bool(_CONTINUOUS.search(f))
    mentions = _resolve_years([m for m in _scan(f) if _valid(m)], context.year, notes)
    items = _innermost(_items(mentions, notes))
    # Several named days that are exactly the ends of reporting periods ("Trước ngày 15/6 và
    # 15/12") are reports with their own due days; they add to any period words.
    months = {i.last.month for i in items}
    day_periods = None
    if (len(items) >= 2 and len(months) == len(items) and len({i.last.year for i in items}) == 1
            and all(not i.merged and i.mentions[0].kind == "day" for i in items)):
        day_periods = _periods_for_months(months)
    if day_periods:
        periods = tuple(p for p in PERIODS if p in periods or p in day_periods)
        context = replace(context, year=items[0].last.year)

    # 1. recurring (a bare "hằng năm" beside "thường xuyên" only says it repeats: continuous)
    if periods and (day_periods or not (continuous and periods == (ANNUAL,))):
        return done(RECURRING, periods=periods, also_event=also_event,
                    occurrences=_occurrences(periods, context, mentions))

    # 2. continuous
    if continuous or daily or weekly:
        if weekly and not continuous and not daily:
            notes.add("approximate",
                      "Báo cáo hằng tuần: theo dõi như nhiệm vụ thường xuyên.",
                      "Weekly reports are tracked as a continuous task.")
        return _continuous(f, items, context, notes, also_event, done)

    # 3. a date or range, maybe counted from a named day ("30 ngày kể từ ngày 01/7/2020")
    offset = _offset(f, notes)
    if (offset and len(items) == 1 and items[0].mentions[0].kind == "day"
            and items[0].mentions[0].pos >= offset[1].start()):
        day = items[0].last
        start, due = sorted((day, day + timedelta(days=offset[0])))
        _before_issue(start, due, context, notes)
        rest = f[:offset[1].start()] + " " + f[offset[1].end():]   # "kể từ ngày" is the date itself
        return done(DATE, start=start, due=due, offset_days=offset[0],
                    also_event=bool(_EVENT.search(rest)))
    if items:
        return _dated(f, items, context, notes, also_event, done)

    # 4. "định kỳ" with no period named, 5. event, 6. external
    if _DINH_KY.search(f) and not offset:
        notes.add("no_period", "Định kỳ nhưng không ghi kỳ báo cáo: cần chọn kỳ (tháng, quý, ...).",
                  "Periodic, but no reporting period is named: choose the periods.")
        return done(RECURRING, also_event=also_event)
    if offset or also_event:
        return done(EVENT, offset_days=offset[0] if offset else None)
    if _EXTERNAL.search(f):
        return done(EXTERNAL)
    return done(UNKNOWN)


def _continuous(f: str, items: list[_Item], context: PlanContext, notes: _Notes,
                also_event: bool, done: Callable[..., DeadlineReading]) -> DeadlineReading:
    """Ongoing work: it starts on the first day named, else on 1 January of the plan year."""
    if items:
        start: date | None = items[0].first or date(items[0].last.year, 1, 1)
    else:
        start = _safe_date(context.year, 1, 1)
    if any(m.explicit for i in items for m in i.mentions) and not _OPEN_ENDED.search(f):
        # Only a task confined to a named year can be too early ("Thường xuyên trong năm 2019"
        # in a 2020 plan); one that goes on from an earlier year is still running.
        _before_issue(start, None, context, notes, continuous=True)
    return done(CONTINUOUS, start=start, also_event=also_event)


def _dated(f: str, items: list[_Item], context: PlanContext, notes: _Notes, also_event: bool,
           done: Callable[..., DeadlineReading]) -> DeadlineReading:
    """A date or a range from the period items; several unrelated dates: the earliest."""
    item = items[0]
    if len(items) > 1:
        item = min(items, key=lambda i: i.last)
        others = [i for i in items if i is not item]
        shown = ", ".join(_span_text(None if i.first == i.last else i.first, i.last)
                          for i in others)
        notes.add("several_dates",
                  f"Cụm từ có nhiều thời hạn; đã lấy thời hạn sớm nhất ({item.last.isoformat()}), "
                  f"còn lại: {shown}.",
                  f"Several deadlines in one phrase; the earliest ({item.last.isoformat()}) is "
                  f"taken, the others are: {shown}.", shown)
    first_mention = item.mentions[0]
    prefix = f[max(0, first_mention.pos - 40):first_mention.pos]
    if not item.merged and _FROM.search(prefix) and len(items) == 1:
        # "Từ tháng 3/2020" with no end: work that starts then and goes on.
        return done(CONTINUOUS, start=item.first or item.last, also_event=also_event)
    _assumed(item, context, notes)
    for what in item.approximate:
        notes.add("approximate",
                  f'Thời hạn ước lượng ("{what}"): cần xác định ngày cụ thể.',
                  f'Approximate deadline ("{what}"): confirm the exact date.',
                  _span_text(item.first, item.last))
    start = item.first
    kind = RANGE if item.merged else DATE
    if kind == DATE and (first_mention.kind == "day" or _OPEN_START.search(prefix)):
        start = None
    _before_issue(start, item.last, context, notes)
    return done(kind, start=start, due=item.last, also_event=also_event)


def read_deadline(text: str | None, context: PlanContext) -> DeadlineReading:
    """Read one deadline phrase of a plan; never raises.

    ``text`` is kept as written (NFC, stripped). Anything that cannot be read, including an
    empty cell, comes back as kind ``unknown`` with the flag ``unrecognised``.
    """
    try:
        return _read(text, context)
    except Exception:                     # a reader bug must never stop an import
        try:
            kept = nfc(text).strip() if isinstance(text, str) else ""
        except Exception:
            kept = ""
        warning = ReadingWarning(
            "unrecognised", "Không đọc được thời hạn: cần nhập ngày hoặc chọn loại thời hạn.",
            "The deadline could not be read: enter a date or choose a kind.")
        return DeadlineReading(text=kept, kind=UNKNOWN, flags=("unrecognised",),
                               warnings=(warning,))
