"""Reading deadline phrases: the phrase table, phrases it has never seen, and properties."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.reading.deadlines import OCR_SLIPS, read_deadline
from tracker.reading.reporting import ReportingCalendar
from tracker.reading.result import ANNUAL, DEADLINE_KINDS, MONTHLY, NINE_MONTHS, QUARTERLY, SEMIANNUAL, PlanContext
from tracker.reading.text import nfc

TSV = Path(__file__).parent / "fixtures" / "deadline_phrases.tsv"


@dataclass(frozen=True)
class Row:
    text: str
    plan_year: int
    issued: date | None
    kind: str
    start: date | None
    due: date | None
    periods: tuple[str, ...]
    also_event: bool
    flags: tuple[str, ...]
    note: str


def _day(cell: str) -> date | None:
    return date.fromisoformat(cell) if cell else None


def _rows() -> list[Row]:
    # Split on tabs by hand: notes hold quotes that the csv module would take as quoting.
    lines = TSV.read_text(encoding="utf-8").split("\n")
    header = lines[0].split("\t")
    assert header[:10] == ["text", "plan_year", "issued_date", "kind", "start", "due", "periods",
                           "also_event", "flags", "note"]
    rows = []
    for line in lines[1:]:
        if not line.strip():                      # the file's final newline
            continue
        cells = (line.rstrip("\r").split("\t") + [""] * 10)[:10]
        text, year, issued, kind, start, due, periods, event, flags, note = cells
        rows.append(Row(text, int(year), _day(issued), kind, _day(start), _day(due),
                        tuple(p for p in periods.split(",") if p), event == "true",
                        tuple(f for f in flags.split(",") if f), note))
    return rows


ROWS = _rows()


def test_the_table_is_complete():
    assert len(ROWS) == sum(1 for line in TSV.read_text(encoding="utf-8").split("\n")[1:]
                            if line.strip())
    assert any(r.text == "" for r in ROWS)        # the empty cell row survived the parsing
    # The NFD row must stay NFD in the file, or the test no longer tests anything.
    nfd = [r.text for r in ROWS if r.text != nfc(r.text)]
    assert nfd and all(unicodedata.is_normalized("NFD", t) for t in nfd)


@pytest.mark.parametrize("row", ROWS, ids=[r.text or "<empty>" for r in ROWS])
def test_phrase_table(row: Row):
    reading = read_deadline(row.text, PlanContext(year=row.plan_year, issued=row.issued))
    assert reading.text == nfc(row.text).strip()
    assert reading.kind == row.kind
    assert reading.start == row.start
    assert reading.due == row.due
    assert reading.periods == row.periods
    assert reading.also_event == row.also_event
    assert set(row.flags) <= set(reading.flags)
    # Every flag is explained by a warning with a message in both languages.
    assert {w.code for w in reading.warnings} == set(reading.flags)
    assert all(w.message and w.message_en for w in reading.warnings)


def _read(text: str, year: int = 2020, issued: date | None = None, **kw) -> object:
    return read_deadline(text, PlanContext(year=year, issued=issued, **kw))


# --- notes the table carries -------------------------------------------------------------
def test_before_issue_suggests_the_same_period_in_the_plan_year():
    r = _read("Tháng 2 năm 2019", 2020, date(2020, 1, 31))
    (w,) = [w for w in r.warnings if w.code == "deadline_before_issue"]
    assert "2020-02-01..2020-02-29" in w.suggestion
    assert "2019" in w.message and w.message_en


def test_before_issue_for_a_single_day_suggests_the_day():
    r = _read("trước ngày 30/9/2016", 2017, date(2017, 1, 10))
    (w,) = [w for w in r.warnings if w.code == "deadline_before_issue"]
    assert w.suggestion == "2017-09-30"


def test_offsets_from_the_event():
    assert _read("sau năm ngày, kể từ ngày nhận được quyết định công bố").offset_days == 5
    assert _read("Trong vòng 10 ngày kể từ ngày nhận được văn bản").offset_days == 10
    assert _read("trong vòng mười lăm ngày kể từ ngày nhận").offset_days == 15
    assert _read("Trong thời hạn hai mươi ngày, kể từ khi có quyết định").offset_days == 20


def test_ocr_slips_are_repaired_and_shown():
    r = _read("Đợt xuất theo yêu cầu của UBND tinh")
    assert r.kind == "event" and "ocr_fixed" in r.flags
    (w,) = [w for w in r.warnings if w.code == "ocr_fixed"]
    assert w.suggestion == "Đột xuất theo yêu cầu của UBND tỉnh"
    # "tinh" is a real word elsewhere: "tinh gọn bộ máy" is not a slip.
    assert "ocr_fixed" not in _read("Thường xuyên tinh gọn bộ máy").flags
    assert OCR_SLIPS                                # a data table, not code


def test_truncated_year():
    r = _read("Thường xuyên trong năm 20", 2020)
    assert (r.kind, r.start, r.flags) == ("continuous", date(2020, 1, 1), ("truncated_year",))
    r = _read("Tháng 8 năm 202", 2020)
    assert (r.due, "truncated_year" in r.flags) == (date(2020, 8, 31), True)


def test_year_assumed_only_for_dates():
    assert "year_assumed" in _read("Trước 20/11", 2019).flags
    assert "year_assumed" in _read("Tháng 8", 2019).flags
    for text in ("Hằng tháng", "Thường xuyên", "Đột xuất theo yêu cầu", "Định kỳ 6 tháng, năm"):
        assert "year_assumed" not in _read(text).flags, text


# --- phrases the table does not hold -----------------------------------------------------
@pytest.mark.parametrize("text, kind, start, due", [
    ("Quý IV", "date", date(2020, 10, 1), date(2020, 12, 31)),
    ("tháng 11/2018", "date", date(2018, 11, 1), date(2018, 11, 30)),
    ("Hoàn thành trước 31/12/2021", "date", None, date(2021, 12, 31)),
    ("Năm 2019 và các năm tiếp theo", "continuous", date(2019, 1, 1), None),
    ("quý 4 năm 2020.", "date", date(2020, 10, 1), date(2020, 12, 31)),
    ("QUÝ I/2020", "date", date(2020, 1, 1), date(2020, 3, 31)),
    ("Quy 2/2020", "date", date(2020, 4, 1), date(2020, 6, 30)),
    ("Q3-2020", "date", date(2020, 7, 1), date(2020, 9, 30)),
    ("- Trong tháng 5/2020.", "date", date(2020, 5, 1), date(2020, 5, 31)),
    ("Tháng 8, năm 2020", "date", date(2020, 8, 1), date(2020, 8, 31)),
    ("Ngày 15 tháng 12 năm 2020", "date", None, date(2020, 12, 15)),
    ("Trước ngày 30-6-2020", "date", None, date(2020, 6, 30)),
    ("Đến hết tháng 6/2020", "date", None, date(2020, 6, 30)),
    ("Cuối quý II/2020", "date", None, date(2020, 6, 30)),
    ("Trong 6 tháng đầu năm 2020", "date", date(2020, 1, 1), date(2020, 6, 30)),
    ("9 tháng đầu năm 2020", "date", date(2020, 1, 1), date(2020, 9, 30)),
    ("Từ tháng 10 đến tháng 3/2021", "range", date(2020, 10, 1), date(2021, 3, 31)),
    ("Tháng 11/2020 – tháng 2/2021", "range", date(2020, 11, 1), date(2021, 2, 28)),
    ("Quý I và Quý II năm 2020", "range", date(2020, 1, 1), date(2020, 6, 30)),
    ("Từ ngày 01/3/2020 đến ngày 30/6/2020", "range", date(2020, 3, 1), date(2020, 6, 30)),
    ("Từ năm 2016 đến năm 2020", "range", date(2016, 1, 1), date(2020, 12, 31)),
    ("Từ tháng 3/2020", "continuous", date(2020, 3, 1), None),
    ("Năm 2020 (trước ngày 15/12)", "date", None, date(2020, 12, 15)),
    ("Theo Kế hoạch số 12/KH-UBND ngày 15/3/2020 của UBND tỉnh", "external", None, None),
    ("Khi có yêu cầu", "event", None, None),
    ("Theo quy định", "external", None, None),
])
def test_unseen_phrases(text, kind, start, due):
    r = _read(text, 2020)
    assert (r.kind, r.start, r.due) == (kind, start, due)


def test_two_named_days_at_period_ends_are_reports():
    # docs/domain.md, "Reporting periods": many plans name their own days, "trước ngày 15/6 và 15/12".
    r = _read("Trước ngày 15/6 và 15/12", 2020)
    assert r.kind == "recurring" and r.periods == (SEMIANNUAL, ANNUAL)
    assert [o.due for o in r.occurrences] == [date(2020, 6, 15), date(2020, 12, 15)]
    assert "year_assumed" not in r.flags


def test_a_named_day_of_every_month():
    r = _read("Trước ngày 25 hằng tháng", 2020)
    assert r.kind == "recurring" and r.periods == (MONTHLY,)
    assert len(r.occurrences) == 12
    assert all(o.due.day == 25 and o.due.month == o.cutoff.month for o in r.occurrences)
    # A day not past the cut-off is in the month after the period (previous month's report).
    r = _read("Trước ngày 5 hằng tháng", 2020)
    assert r.occurrences[0].due == date(2020, 2, 5)
    assert r.occurrences[-1].due == date(2021, 1, 5)


def test_several_unrelated_dates_take_the_earliest_and_warn():
    r = _read("Trước 20/11 và 30/11/2020", 2020)
    assert (r.kind, r.due) == ("date", date(2020, 11, 20))
    (w,) = [w for w in r.warnings if w.code == "several_dates"]
    assert "2020-11-30" in w.suggestion


@pytest.mark.parametrize("text, flag", [
    ("đầu năm 2016", "approximate"), ("giữa năm 2020", "approximate"),
    ("đầu tháng 3/2020", "approximate"), ("Hằng tuần", "approximate"),
    ("05 ngày làm việc sau khi kết thúc hội nghị", "approximate"),
    ("Định kỳ", "no_period"), ("15/6/21", "truncated_year"),
    ("Ðột xuất", "ocr_fixed"), ("Niem yết thường xuyên", "ocr_fixed"),
])
def test_flags(text, flag):
    r = _read(text)
    assert flag in r.flags
    assert any(w.code == flag and w.message and w.message_en for w in r.warnings)


def test_recurring_with_event():
    r = _read("Định kỳ 6 tháng, năm hoặc đợt xuất", 2020)
    assert (r.kind, r.also_event, r.periods) == ("recurring", True, (SEMIANNUAL, ANNUAL))
    assert "ocr_fixed" in r.flags
    r = _read("Trước 30/6/2020 hoặc đột xuất", 2020)
    assert (r.kind, r.due, r.also_event) == ("date", date(2020, 6, 30), True)


def test_a_period_counted_from_a_named_day():
    r = _read("Trong vòng 30 ngày kể từ ngày 01/7/2020", 2020)
    assert (r.kind, r.start, r.due, r.offset_days) == ("date", date(2020, 7, 1),
                                                       date(2020, 7, 31), 30)


def test_continuous_in_an_earlier_year_is_flagged():
    r = _read("Thường xuyên trong năm 2019", 2020, date(2020, 1, 31))
    assert "deadline_before_issue" in r.flags
    (w,) = [w for w in r.warnings if w.code == "deadline_before_issue"]
    assert w.suggestion.startswith("2020-01-01")
    # Work that goes on from an earlier year is not too early.
    assert "deadline_before_issue" not in _read("Năm 2019 và các năm tiếp theo", 2020,
                                                date(2020, 1, 31)).flags


# --- occurrences ---------------------------------------------------------------------------
def test_occurrences_six_monthly_and_annual():
    r = _read("Định kỳ 6 tháng, năm", 2017, level="province")
    assert [o.due for o in r.occurrences] == [date(2017, 6, 20), date(2017, 12, 20)]
    assert [o.label for o in r.occurrences] == ["6 tháng đầu năm 2017", "Năm 2017"]


def test_occurrences_quarterly_and_annual():
    r = _read("Theo Quý và năm", 2020)
    assert [o.period for o in r.occurrences] == [QUARTERLY] * 3 + [ANNUAL]
    assert len(_read("hàng quí, 6 tháng, 9 tháng và năm", 2016).occurrences) == 4
    assert [o.period for o in _read("hàng quí, 6 tháng, 9 tháng và năm", 2016).occurrences] == [
        QUARTERLY, SEMIANNUAL, NINE_MONTHS, ANNUAL]


def test_occurrences_monthly():
    r = _read("Hằng tháng", 2020)
    assert len(r.occurrences) == 12
    assert r.occurrences[0].label == "Tháng 1/2020"


def test_occurrences_follow_the_level_and_a_custom_calendar():
    assert _read("Hằng năm", 2020, level="national").occurrences[0].due == date(2020, 12, 25)
    assert _read("Hằng năm", 2020, level="commune").occurrences[0].due == date(2020, 12, 15)
    cal = ReportingCalendar(cutoff_day=10, submission_days={"province": 18})
    r = _read("Định kỳ 6 tháng, năm", 2017, calendar=cal)
    assert [o.due for o in r.occurrences] == [date(2017, 6, 18), date(2017, 12, 18)]
    assert r.occurrences[0].cutoff == date(2017, 6, 10)
    assert r.occurrences[0].start == date(2016, 12, 11)


# --- robustness ----------------------------------------------------------------------------
@pytest.mark.parametrize("value", [None, "", "   ", "\u200b", "x" * 1_000_000, "1/" * 10_000,
                                   "tháng " * 5000, "\x00\ud800", 42])
def test_never_raises_on_odd_input(value):
    r = read_deadline(value, PlanContext(year=2020))
    assert r.kind in DEADLINE_KINDS


VIETNAMESE_WORDS = [
    "tháng", "Tháng", "quý", "quí", "QUÝ", "Q", "năm", "ngày", "trước", "đến", "hết", "từ", "và",
    "hoặc", "đầu", "giữa", "cuối", "6 tháng", "9 tháng", "hằng", "hàng", "định kỳ", "Định kỳ",
    "thường xuyên", "đột xuất", "Đợt xuất", "I", "II", "III", "IV", "kể từ", "sau", "trong vòng",
    "mười", "lăm", "hai mươi", "giai đoạn", "theo", "tiến độ", "báo cáo", "chậm nhất", "tinh",
    "UBND", "các năm tiếp theo", "Ð", unicodedata.normalize("NFD", "Thường xuyên"),
]
_token = st.one_of(st.sampled_from(VIETNAMESE_WORDS), st.integers(0, 3000).map(str),
                   st.sampled_from(list("/-.,;:()– ")), st.text(max_size=3))
_phrase = st.lists(_token, max_size=16).map(" ".join) | st.lists(_token, max_size=16).map("".join)
_context = st.builds(PlanContext, year=st.integers(1901, 2150),
                     issued=st.none() | st.dates(date(1950, 1, 1), date(2150, 1, 1)),
                     level=st.sampled_from(["national", "province", "district", "commune", "?"]))


def _check(reading) -> None:
    assert reading.kind in DEADLINE_KINDS
    if reading.start and reading.due:
        assert reading.due >= reading.start
    assert {w.code for w in reading.warnings} == set(reading.flags)
    for o in reading.occurrences:
        assert o.start <= o.cutoff <= o.due


@settings(max_examples=300, deadline=None)
@given(text=st.text(), context=_context)
def test_property_arbitrary_text(text, context):
    _check(read_deadline(text, context))


@settings(max_examples=300, deadline=None)
@given(text=_phrase, context=_context)
def test_property_deadline_like_text(text, context):
    reading = read_deadline(text, context)
    _check(reading)
    assert reading.text == nfc(text).strip()


@settings(max_examples=300, deadline=None)
@given(text=_phrase, context=_context)
def test_property_reader_itself_does_not_fail(text, context):
    # read_deadline has a last-resort guard; the reader under it should not need it.
    from tracker.reading.deadlines import _read as reader
    _check(reader(text, context))


@settings(max_examples=100, deadline=None)
@given(text=_phrase)
def test_property_nfd_and_case_do_not_change_the_reading(text):
    context = PlanContext(year=2020)
    a = read_deadline(nfc(text), context)
    b = read_deadline(unicodedata.normalize("NFD", text), context)
    assert (a.kind, a.start, a.due, a.periods) == (b.kind, b.start, b.due, b.periods)
