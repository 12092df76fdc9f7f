"""The reporting calendar (Decree 09/2019/NĐ-CP defaults, and as configuration)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.reading.reporting import DEFAULT_SUBMISSION_DAYS, ReportingCalendar, period_bounds, period_label
from tracker.reading.result import ANNUAL, MONTHLY, NINE_MONTHS, PERIODS, QUARTERLY, SEMIANNUAL

CAL = ReportingCalendar()


def test_defaults_follow_decree_09_2019():
    assert CAL.cutoff_day == 14
    assert dict(CAL.submission_days) == {"national": 25, "province": 20, "district": 17,
                                         "commune": 15}


def test_monthly_periods_run_from_the_15th_to_the_14th():
    occ = CAL.occurrences([MONTHLY], 2017)
    assert len(occ) == 12
    jan, mar = occ[0], occ[2]
    assert (jan.label, jan.start, jan.cutoff, jan.due) == (
        "Tháng 1/2017", date(2016, 12, 15), date(2017, 1, 14), date(2017, 1, 20))
    assert (mar.label, mar.start, mar.cutoff) == ("Tháng 3/2017", date(2017, 2, 15),
                                                  date(2017, 3, 14))
    assert [o.due.month for o in occ] == list(range(1, 13))


def test_quarterly_periods():
    occ = CAL.occurrences([QUARTERLY], 2017)
    assert [o.label for o in occ] == ["Quý I/2017", "Quý II/2017", "Quý III/2017", "Quý IV/2017"]
    assert (occ[0].start, occ[0].cutoff, occ[0].due) == (
        date(2016, 12, 15), date(2017, 3, 14), date(2017, 3, 20))
    assert (occ[3].start, occ[3].cutoff) == (date(2017, 9, 15), date(2017, 12, 14))


def test_semiannual_nine_months_and_annual_periods():
    h1, h2 = CAL.occurrences([SEMIANNUAL], 2017)
    assert (h1.label, h1.start, h1.cutoff, h1.due) == (
        "6 tháng đầu năm 2017", date(2016, 12, 15), date(2017, 6, 14), date(2017, 6, 20))
    assert (h2.label, h2.start, h2.cutoff, h2.due) == (
        "6 tháng cuối năm 2017", date(2017, 6, 15), date(2017, 12, 14), date(2017, 12, 20))
    (nine,) = CAL.occurrences([NINE_MONTHS], 2017)
    assert (nine.label, nine.start, nine.cutoff, nine.due) == (
        "9 tháng năm 2017", date(2016, 12, 15), date(2017, 9, 14), date(2017, 9, 20))
    (year,) = CAL.occurrences([ANNUAL], 2017)
    assert (year.label, year.start, year.cutoff, year.due) == (
        "Năm 2017", date(2016, 12, 15), date(2017, 12, 14), date(2017, 12, 20))


@pytest.mark.parametrize("periods, expected", [
    # "Định kỳ 6 tháng, năm": H1 in June and the annual report in December, not also H2.
    ((SEMIANNUAL, ANNUAL), [(SEMIANNUAL, "6 tháng đầu năm 2017"), (ANNUAL, "Năm 2017")]),
    ((QUARTERLY, ANNUAL), [(QUARTERLY, "Quý I/2017"), (QUARTERLY, "Quý II/2017"),
                           (QUARTERLY, "Quý III/2017"), (ANNUAL, "Năm 2017")]),
    ((QUARTERLY, SEMIANNUAL, NINE_MONTHS, ANNUAL),
     [(QUARTERLY, "Quý I/2017"), (SEMIANNUAL, "6 tháng đầu năm 2017"),
      (NINE_MONTHS, "9 tháng năm 2017"), (ANNUAL, "Năm 2017")]),
    ((QUARTERLY, SEMIANNUAL), [(QUARTERLY, "Quý I/2017"), (SEMIANNUAL, "6 tháng đầu năm 2017"),
                               (QUARTERLY, "Quý III/2017"),
                               (SEMIANNUAL, "6 tháng cuối năm 2017")]),
])
def test_one_report_per_cutoff_the_longest_period_wins(periods, expected):
    occ = CAL.occurrences(periods, 2017)
    assert [(o.period, o.label) for o in occ] == expected


def test_monthly_and_quarterly_keep_twelve_reports():
    occ = CAL.occurrences([MONTHLY, QUARTERLY, ANNUAL], 2020)
    assert len(occ) == 12
    assert [o.period for o in occ if o.due.month in (3, 6, 9)] == [QUARTERLY] * 3
    assert occ[-1].period == ANNUAL


def test_sorted_by_due_date_whatever_the_input_order():
    occ = CAL.occurrences([ANNUAL, SEMIANNUAL, QUARTERLY], 2019)
    assert [o.due for o in occ] == sorted(o.due for o in occ)
    assert CAL.occurrences(iter([ANNUAL, SEMIANNUAL]), 2019) == CAL.occurrences(
        [SEMIANNUAL, ANNUAL, ANNUAL], 2019)


@pytest.mark.parametrize("level, day", [("national", 25), ("province", 20), ("district", 17),
                                        ("commune", 15), ("ward?", 20), ("", 20)])
def test_submission_day_by_level_unknown_is_province(level, day):
    (occ,) = CAL.occurrences([ANNUAL], 2020, level)
    assert occ.due == date(2020, 12, day)


def test_custom_calendar_changes_the_dates():
    cal = ReportingCalendar(cutoff_day=10, submission_days={"province": 18})
    h1, year = cal.occurrences([SEMIANNUAL, ANNUAL], 2017)
    assert (h1.start, h1.cutoff, h1.due) == (date(2016, 12, 11), date(2017, 6, 10),
                                             date(2017, 6, 18))
    assert year.due == date(2017, 12, 18)
    # A level the settings do not name falls back to the province's day.
    assert cal.occurrences([ANNUAL], 2017, "commune")[0].due == date(2017, 12, 18)


def test_days_past_the_month_end_are_clamped():
    cal = ReportingCalendar(cutoff_day=30, submission_days={"province": 31})
    feb = cal.occurrences([MONTHLY], 2020)[1]
    assert (feb.start, feb.cutoff, feb.due) == (date(2020, 1, 31), date(2020, 2, 29),
                                                date(2020, 2, 29))
    mar = cal.occurrences([MONTHLY], 2020)[2]
    assert mar.start == date(2020, 3, 1)


def test_from_settings_keeps_defaults_for_what_is_not_set():
    cal = ReportingCalendar.from_settings(submission_days={"commune": 16})
    assert cal.cutoff_day == 14
    assert dict(cal.submission_days) == {**DEFAULT_SUBMISSION_DAYS, "commune": 16}
    assert ReportingCalendar.from_settings() == ReportingCalendar()


def test_calendar_is_immutable_and_hashable():
    days = {"province": 20}
    cal = ReportingCalendar(submission_days=days)
    days["province"] = 28                          # the caller's dict is copied
    assert cal.submission_day("province") == 20
    with pytest.raises(TypeError):
        cal.submission_days["province"] = 1         # type: ignore[index]
    assert hash(cal) == hash(ReportingCalendar(submission_days={"province": 20}))
    assert len({ReportingCalendar(), ReportingCalendar()}) == 1


@pytest.mark.parametrize("kwargs", [
    {"cutoff_day": 0}, {"cutoff_day": 32}, {"cutoff_day": True},
    {"submission_days": {"province": 40}},
    {"submission_days": {"province": 10}},          # due before the data is cut off
])
def test_invalid_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        ReportingCalendar(**kwargs)


def test_unknown_period_is_refused():
    with pytest.raises(ValueError):
        CAL.occurrences(["weekly"], 2020)
    with pytest.raises(ValueError):
        period_bounds(QUARTERLY, 5, 2020)


def test_helpers():
    assert period_label(QUARTERLY, 4, 2018) == "Quý IV/2018"
    assert period_label(MONTHLY, 11, 2018) == "Tháng 11/2018"
    assert period_bounds(QUARTERLY, 2, 2018) == (date(2018, 3, 15), date(2018, 6, 14))
    assert period_bounds(ANNUAL, 1, 2018, cutoff_day=10) == (date(2017, 12, 11), date(2018, 12, 10))


@settings(max_examples=200, deadline=None)
@given(periods=st.sets(st.sampled_from(PERIODS)), year=st.integers(1901, 2200),
       level=st.sampled_from(["national", "province", "district", "commune", "other"]),
       cutoff=st.integers(1, 28), extra=st.integers(0, 3))
def test_occurrences_are_consistent(periods, year, level, cutoff, extra):
    cal = ReportingCalendar(cutoff_day=cutoff, submission_days={"province": cutoff + extra})
    occ = cal.occurrences(periods, year, level)
    months = [o.cutoff.month for o in occ]
    assert len(months) == len(set(months))          # one report per cut-off
    for o in occ:
        assert o.period in periods
        assert o.start <= o.cutoff <= o.due
        assert o.due.month == o.cutoff.month and o.due.year == year
    assert [o.due for o in occ] == sorted(o.due for o in occ)
