"""Working days: the `holidays` calendar for Vietnam, weekends and administrator exceptions.

Expected dates are checked by hand against the Government's announcements where they
exist (Tết, Hùng Kings, 30/4-1/5, 2/9, and the swaps); the lunar dates against an
independent UTC+7 computation.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.scheduling.workdays import MAX_SEARCH_DAYS, CalendarException, WorkingCalendar

CAL = WorkingCalendar()


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(n) for n in range((last - first).days + 1)]


def off(cal: WorkingCalendar, first: date, last: date) -> bool:
    return not any(cal.is_working_day(d) for d in days(first, last))


# -- the library's calendar ------------------------------------------------------------------

def test_tet_2017_runs_from_26_january_to_1_february():
    assert off(CAL, date(2017, 1, 26), date(2017, 2, 1))
    assert CAL.is_working_day(date(2017, 1, 25))
    assert CAL.is_working_day(date(2017, 2, 2))
    assert CAL.day_off_reason(date(2017, 1, 26)) == "29 Tết"
    assert CAL.day_off_reason(date(2017, 1, 28)) == "Tết Nguyên Đán"   # a Saturday


def test_tet_2020_runs_from_23_to_29_january():
    assert off(CAL, date(2020, 1, 23), date(2020, 1, 29))
    assert CAL.is_working_day(date(2020, 1, 22))
    assert CAL.is_working_day(date(2020, 1, 30))
    assert CAL.day_off_reason(date(2020, 1, 24)) == "Giao thừa Tết Nguyên Đán"
    assert CAL.day_off_reason(date(2020, 1, 29)) == "Mùng năm Tết Nguyên Đán"


def test_tet_2026_is_the_five_weekdays_16_to_20_february():
    # Announced: 14/2 (Saturday) to 22/2 (Sunday), nine days, no swap.
    assert off(CAL, date(2026, 2, 14), date(2026, 2, 22))
    assert CAL.is_working_day(date(2026, 2, 13))
    assert CAL.is_working_day(date(2026, 2, 23))
    assert CAL.day_off_reason(date(2026, 2, 16)) == "Giao thừa Tết Nguyên Đán"
    assert CAL.day_off_reason(date(2026, 2, 17)) == "Tết Nguyên Đán"


def test_hung_kings_day_2020():
    assert CAL.day_off_reason(date(2020, 4, 2)) == "Ngày Giỗ Tổ Hùng Vương"
    assert CAL.is_working_day(date(2020, 4, 1))
    assert CAL.is_working_day(date(2020, 4, 3))


def test_hung_kings_day_on_a_sunday_moves_to_monday():
    assert CAL.day_off_reason(date(2022, 4, 10)) == "Ngày Giỗ Tổ Hùng Vương"
    assert CAL.day_off_reason(date(2022, 4, 11)) == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert CAL.is_working_day(date(2022, 4, 12))


def test_reunification_and_labour_day_2020():
    assert CAL.day_off_reason(date(2020, 4, 30)) == "Ngày Chiến thắng"
    assert CAL.day_off_reason(date(2020, 5, 1)) == "Ngày Quốc tế Lao động"
    assert CAL.is_working_day(date(2020, 4, 29))
    assert CAL.is_working_day(date(2020, 5, 4))


def test_national_day_has_an_adjacent_day_since_2021():
    # Labour Code 2019: 2/9 and the day before or after it; 2021 gave Friday 3/9.
    assert CAL.day_off_reason(date(2021, 9, 2)) == "Quốc khánh"
    assert CAL.day_off_reason(date(2021, 9, 3)) == "Quốc khánh"
    assert CAL.is_working_day(date(2021, 9, 1))
    assert CAL.is_working_day(date(2021, 9, 6))
    # Labour Code 2012: one day only.
    assert not CAL.is_working_day(date(2019, 9, 2))
    assert CAL.is_working_day(date(2019, 9, 3))


def test_holiday_on_a_weekend_gives_a_compensatory_day():
    assert CAL.day_off_reason(date(2022, 1, 1)) == "Tết Dương lịch"
    assert CAL.day_off_reason(date(2022, 1, 3)) == "Tết Dương lịch (nghỉ bù)"
    assert CAL.is_working_day(date(2022, 1, 4))


def test_lunar_dates_use_the_vietnamese_calendar():
    # Tết falls a day earlier than in China in these years (new moon before midnight UTC+7).
    assert CAL.day_off_reason(date(2007, 2, 17)) == "Tết Nguyên Đán"
    assert CAL.day_off_reason(date(2030, 2, 2)) == "Tết Nguyên Đán"


def test_weekends():
    assert CAL.day_off_reason(date(2020, 3, 7)) == "Thứ Bảy"
    assert CAL.day_off_reason(date(2020, 3, 8)) == "Chủ nhật"
    assert CAL.day_off_reason(date(2020, 3, 9)) is None
    assert CAL.is_working_day(date(2020, 3, 6))


@pytest.mark.parametrize("weekday_off, saturday_worked", [
    (date(2018, 12, 31), date(2019, 1, 5)),
    (date(2019, 4, 29), date(2019, 5, 4)),
    (date(2024, 4, 29), date(2024, 5, 4)),
    (date(2025, 5, 2), date(2025, 4, 26)),
    (date(2026, 8, 31), date(2026, 8, 22)),
])
def test_swaps_known_to_the_library(weekday_off, saturday_worked):
    assert not CAL.is_working_day(weekday_off)
    assert CAL.day_off_reason(weekday_off) == (
        f"Ngày nghỉ (thay cho ngày {saturday_worked:%d/%m/%Y})")
    assert CAL.is_working_day(saturday_worked)
    assert CAL.day_off_reason(saturday_worked) is None


# Weekdays off per year, checked by hand; a `holidays` upgrade that changes them must be
# looked at (see the notes on 2026 and 2027 in test_2026_new_year_swap_needs_an_exception).
WEEKDAYS_OFF = {
    2016: "01-01 02-08 02-09 02-10 02-11 02-12 04-18 05-02 05-03 09-02",
    2017: "01-02 01-26 01-27 01-30 01-31 02-01 04-06 05-01 05-02 09-04",
    2018: "01-01 02-14 02-15 02-16 02-19 02-20 04-25 04-30 05-01 09-03 12-31",
    2019: "01-01 02-04 02-05 02-06 02-07 02-08 04-15 04-29 04-30 05-01 09-02",
    2020: "01-01 01-23 01-24 01-27 01-28 01-29 04-02 04-30 05-01 09-02",
    2021: "01-01 02-10 02-11 02-12 02-15 02-16 04-21 04-30 05-03 09-02 09-03",
    2022: "01-03 01-31 02-01 02-02 02-03 02-04 04-11 05-02 05-03 09-01 09-02",
    2023: "01-02 01-20 01-23 01-24 01-25 01-26 05-01 05-02 05-03 09-01 09-04",
    2024: "01-01 02-08 02-09 02-12 02-13 02-14 04-18 04-29 04-30 05-01 09-02 09-03",
    2025: "01-01 01-27 01-28 01-29 01-30 01-31 04-07 04-30 05-01 05-02 09-01 09-02",
    2026: "01-01 02-16 02-17 02-18 02-19 02-20 04-27 04-30 05-01 08-31 09-01 09-02 11-24",
    2027: "01-01 02-04 02-05 02-08 02-09 02-10 04-16 04-30 05-03 09-02 09-03 11-24",
}


@pytest.mark.parametrize("year", sorted(WEEKDAYS_OFF))
def test_weekdays_off_2016_to_2027(year):
    found = [d for d in days(date(year, 1, 1), date(year, 12, 31))
             if d.weekday() < 5 and not CAL.is_working_day(d)]
    assert " ".join(f"{d:%m-%d}" for d in found) == WEEKDAYS_OFF[year]


def test_working_days_in_2020():
    # 366 days - 104 weekend days - 10 holidays on weekdays.
    assert CAL.working_days_between(date(2019, 12, 31), date(2020, 12, 31)) == 252


# -- administrator exceptions ---------------------------------------------------------------

def test_2026_new_year_swap_needs_an_exception():
    # Announced 25/12/2025: Friday 2/1/2026 off, worked on Saturday 10/1/2026. holidays
    # 0.109 does not have it, so the administrator enters both days.
    assert CAL.is_working_day(date(2026, 1, 2))
    assert not CAL.is_working_day(date(2026, 1, 10))
    cal = WorkingCalendar([
        CalendarException(date(2026, 1, 2), working=False, note="Nghỉ Tết Dương lịch (hoán đổi)"),
        CalendarException(date(2026, 1, 10), working=True, note="Làm bù cho ngày 02/01/2026"),
    ])
    assert cal.day_off_reason(date(2026, 1, 2)) == "Nghỉ Tết Dương lịch (hoán đổi)"
    assert cal.is_working_day(date(2026, 1, 10))
    assert cal.day_off_reason(date(2026, 1, 10)) is None
    assert list(cal.working_days_in(date(2026, 1, 1), date(2026, 1, 11))) == [
        date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7), date(2026, 1, 8),
        date(2026, 1, 9), date(2026, 1, 10)]


def test_exceptions_win_over_the_library():
    cal = WorkingCalendar([
        CalendarException(date(2020, 4, 2), working=True),            # worked on a holiday
        CalendarException(date(2020, 4, 3), working=False),           # bridge day, no note
        CalendarException(date(2020, 1, 25), working=False, note="x"),  # already off
    ])
    assert cal.is_working_day(date(2020, 4, 2))
    assert cal.day_off_reason(date(2020, 4, 3)) == "Ngày nghỉ bù"
    assert cal.day_off_reason(date(2020, 1, 25)) == "x"
    # The shared library data is untouched.
    assert not CAL.is_working_day(date(2020, 4, 2))
    assert CAL.is_working_day(date(2020, 4, 3))


def test_contradictory_exceptions_are_refused():
    with pytest.raises(ValueError, match="2020-04-03"):
        WorkingCalendar([CalendarException(date(2020, 4, 3), working=False),
                         CalendarException(date(2020, 4, 3), working=True)])
    same = WorkingCalendar([CalendarException(date(2020, 4, 3), working=False),
                            CalendarException(date(2020, 4, 3), working=False, note="cầu")])
    assert same.day_off_reason(date(2020, 4, 3)) == "cầu"


def test_exception_day_must_be_a_date():
    with pytest.raises(ValueError):
        CalendarException(datetime(2020, 4, 3, 8), working=False)


# -- moving and counting --------------------------------------------------------------------

def test_previous_and_next_working_day_around_tet_2020():
    assert CAL.previous_working_day(date(2020, 1, 26)) == date(2020, 1, 22)
    assert CAL.next_working_day(date(2020, 1, 26)) == date(2020, 1, 30)
    assert CAL.previous_working_day(date(2020, 1, 22)) == date(2020, 1, 22)
    assert CAL.previous_working_day(date(2020, 1, 22), inclusive=False) == date(2020, 1, 21)
    assert CAL.next_working_day(date(2020, 1, 30), inclusive=False) == date(2020, 1, 31)


def test_add_working_days():
    assert CAL.add_working_days(date(2020, 1, 31), -3) == date(2020, 1, 21)
    assert CAL.add_working_days(date(2020, 1, 31), -1) == date(2020, 1, 30)
    assert CAL.add_working_days(date(2020, 1, 22), 1) == date(2020, 1, 30)
    assert CAL.add_working_days(date(2020, 1, 22), 3) == date(2020, 2, 3)
    # From a day off, counting starts strictly before it: 1 working day before Sunday
    # 26/1 (in Tết) is Wednesday 22/1.
    assert CAL.add_working_days(date(2020, 1, 26), -1) == date(2020, 1, 22)
    assert CAL.add_working_days(date(2020, 1, 26), 1) == date(2020, 1, 30)
    # n == 0: the day itself, or the previous working day (the reminder direction rule).
    assert CAL.add_working_days(date(2020, 1, 21), 0) == date(2020, 1, 21)
    assert CAL.add_working_days(date(2020, 1, 26), 0) == date(2020, 1, 22)
    # Across a year end with a swapped Saturday: 31/12/2018 and 1/1/2019 are off,
    # Saturday 5/1/2019 is worked.
    assert CAL.add_working_days(date(2018, 12, 28), 4) == date(2019, 1, 5)
    assert CAL.add_working_days(date(2019, 1, 7), -1) == date(2019, 1, 5)


def test_working_days_between_across_tet():
    assert CAL.working_days_between(date(2020, 1, 22), date(2020, 1, 29)) == 0
    assert CAL.working_days_between(date(2020, 1, 22), date(2020, 1, 30)) == 1
    assert CAL.working_days_between(date(2020, 1, 20), date(2020, 2, 3)) == 5
    assert CAL.working_days_between(date(2020, 2, 3), date(2020, 1, 20)) == -5
    assert CAL.working_days_between(date(2020, 1, 26), date(2020, 1, 26)) == 0


def test_working_days_in():
    assert list(CAL.working_days_in(date(2020, 1, 20), date(2020, 2, 3))) == [
        date(2020, 1, 20), date(2020, 1, 21), date(2020, 1, 22), date(2020, 1, 30),
        date(2020, 1, 31), date(2020, 2, 3)]
    assert list(CAL.working_days_in(date(2018, 12, 28), date(2019, 1, 7))) == [
        date(2018, 12, 28), date(2019, 1, 2), date(2019, 1, 3), date(2019, 1, 4),
        date(2019, 1, 5), date(2019, 1, 7)]
    assert list(CAL.working_days_in(date(2020, 2, 3), date(2020, 1, 20))) == []


def test_datetimes_are_read_as_their_date():
    assert not CAL.is_working_day(datetime(2020, 1, 26, 9, 30))
    assert CAL.previous_working_day(datetime(2020, 1, 26, 9, 30)) == date(2020, 1, 22)


def test_searches_give_up_on_an_exception_table_with_no_working_day():
    start = date(2030, 3, 1)
    closed = WorkingCalendar(CalendarException(start + timedelta(n), working=False)
                             for n in range(2 * MAX_SEARCH_DAYS + 50))
    middle = start + timedelta(MAX_SEARCH_DAYS + 25)
    with pytest.raises(ValueError, match="no working day within"):
        closed.next_working_day(middle)
    with pytest.raises(ValueError, match="no working day within"):
        closed.add_working_days(middle, -1)
    # Far enough out, a working day is found again.
    assert closed.previous_working_day(start) == date(2030, 2, 28)


def test_searches_stop_at_the_ends_of_the_date_range():
    with pytest.raises(ValueError):
        CAL.next_working_day(date.max, inclusive=False)
    with pytest.raises(ValueError):
        CAL.previous_working_day(date.min, inclusive=False)


# -- properties -------------------------------------------------------------------------------

any_day = st.dates(min_value=date(2016, 1, 1), max_value=date(2027, 12, 31))
steps = st.integers(min_value=-60, max_value=60)


@given(any_day, steps.filter(lambda n: n != 0))
def test_adding_working_days_lands_on_a_working_day(d, n):
    result = CAL.add_working_days(d, n)
    assert CAL.is_working_day(result)
    assert (result > d) if n > 0 else (result < d)


@given(any_day, steps)
def test_counting_undoes_adding_from_a_working_day(d, n):
    start = CAL.next_working_day(d)
    assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n


@given(any_day)
def test_previous_and_next_working_day_bracket_the_day(d):
    before, after = CAL.previous_working_day(d), CAL.next_working_day(d)
    assert before <= d <= after
    assert CAL.is_working_day(before) and CAL.is_working_day(after)
    assert CAL.working_days_between(before, after) == (0 if before == after else 1)


@given(any_day, st.integers(min_value=0, max_value=800))
def test_working_days_in_agrees_with_counting(d, span):
    end = d + timedelta(span)
    listed = list(CAL.working_days_in(d, end))
    assert listed == [x for x in days(d, end) if CAL.is_working_day(x)]
    assert len(listed) - CAL.is_working_day(d) == CAL.working_days_between(d, end)


@given(any_day, st.booleans())
def test_an_exception_decides_its_day(d, working):
    cal = WorkingCalendar([CalendarException(d, working=working, note="ghi chú")])
    assert cal.is_working_day(d) is working
    assert cal.day_off_reason(d) == (None if working else "ghi chú")
