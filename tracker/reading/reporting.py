"""The reporting calendar: which data period a periodic report covers and when it is due.

Basis: Decree 09/2019/NĐ-CP on the reporting regimes of state administrative agencies.

* Data for a periodic report is cut off on the 14th of the period's last month: a monthly
  report covers the 15th of the previous month to the 14th; a quarterly one the 15th of the
  month before the quarter to the 14th of its last month; the six-monthly ones 15 Dec to
  14 Jun and 15 Jun to 14 Dec; the annual one 15 Dec to 14 Dec.
* The decree defines no nine-month period, yet plans ask for "9 tháng" reports: by analogy
  it runs from 15 Dec to 14 Sep.
* Ministries and provinces send periodic reports to the Government by the 25th of the
  period's last month; lower levels set earlier days for the bodies reporting to them.

None of these numbers is law compiled into code: a ``ReportingCalendar`` is configuration.
The app builds one from its settings (``ReportingCalendar.from_settings``); the defaults
below are only the Decree 09/2019 reading used when nothing is configured.

Pure module: standard library only, no Flask or database imports.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

from .result import ANNUAL, MONTHLY, NINE_MONTHS, PERIODS, QUARTERLY, SEMIANNUAL, OccurrenceReading

DEFAULT_CUTOFF_DAY = 14
DEFAULT_SUBMISSION_DAYS: Mapping[str, int] = MappingProxyType(
    {"national": 25, "province": 20, "district": 17, "commune": 15})
DEFAULT_LEVEL = "province"

# Each period's instances in a year as (index, first month, last month) of the data period
# (the data itself starts on the day after the previous month's cut-off).
PERIOD_MONTHS: Mapping[str, tuple[tuple[int, int, int], ...]] = MappingProxyType({
    MONTHLY: tuple((m, m, m) for m in range(1, 13)),
    QUARTERLY: tuple((q, 3 * q - 2, 3 * q) for q in range(1, 5)),
    SEMIANNUAL: ((1, 1, 6), (2, 7, 12)),
    NINE_MONTHS: ((1, 1, 9),),
    ANNUAL: ((1, 1, 12),),
})

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def _month_day(year: int, month: int, day: int) -> date:
    """``date(year, month, day)`` with the day clamped to the month's end (30 Feb → 28/29)."""
    return date(year, month, min(day, _calendar.monthrange(year, month)[1]))


def period_label(period: str, index: int, year: int) -> str:
    """The Vietnamese label of one period instance: "Tháng 3/2017", "Quý I/2017", ..."""
    if period == MONTHLY:
        return f"Tháng {index}/{year}"
    if period == QUARTERLY:
        return f"Quý {_ROMAN[index]}/{year}"
    if period == SEMIANNUAL:
        return f"6 tháng {'đầu' if index == 1 else 'cuối'} năm {year}"
    if period == NINE_MONTHS:
        return f"9 tháng năm {year}"
    if period == ANNUAL:
        return f"Năm {year}"
    raise ValueError(f"unknown reporting period: {period!r}")


def period_bounds(period: str, index: int, year: int,
                  cutoff_day: int = DEFAULT_CUTOFF_DAY) -> tuple[date, date]:
    """First and last day of the data of one period instance.

    The data starts the day after the cut-off of the month before the period (so January
    periods start in December of the previous year) and ends on the cut-off day of the
    period's last month.
    """
    try:
        _, first, last = next(p for p in PERIOD_MONTHS[period] if p[0] == index)
    except (KeyError, StopIteration):
        raise ValueError(f"unknown reporting period: {period!r} #{index}") from None
    prev_year, prev_month = (year - 1, 12) if first == 1 else (year, first - 1)
    start = _month_day(prev_year, prev_month, cutoff_day) + timedelta(days=1)
    return start, _month_day(year, last, cutoff_day)


def _check_day(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 31:
        raise ValueError(f"{name} must be a day of the month (1-31), not {value!r}")
    return value


@dataclass(frozen=True)
class ReportingCalendar:
    """When periodic reports are cut off and due; configuration, not a constant.

    ``cutoff_day`` is the last day of a period's data in its last month; ``submission_days``
    maps the level of the body a report goes to (national, province, district, commune) to
    the day of the period's last month on which it is due. Days past a month's end are
    clamped to it. Raises ValueError for a day outside 1-31 or a submission day before the
    cut-off day (a report cannot be due before its data is closed).
    """

    cutoff_day: int = DEFAULT_CUTOFF_DAY
    submission_days: Mapping[str, int] = field(default_factory=lambda: DEFAULT_SUBMISSION_DAYS)

    def __post_init__(self) -> None:
        _check_day("cutoff_day", self.cutoff_day)
        days = dict(self.submission_days)
        for level, day in days.items():
            _check_day(f"submission day of {level!r}", day)
            # A report due before its data is cut off is a configuration error: fail early.
            if day < self.cutoff_day:
                raise ValueError(f"submission day of {level!r} ({day}) is before the "
                                 f"cut-off day ({self.cutoff_day})")
        # Read-only copy, so a frozen calendar cannot be changed through the caller's dict.
        object.__setattr__(self, "submission_days", MappingProxyType(days))

    def __hash__(self) -> int:
        return hash((self.cutoff_day, tuple(sorted(self.submission_days.items()))))

    @classmethod
    def from_settings(cls, cutoff_day: int | None = None,
                      submission_days: Mapping[str, int] | None = None) -> ReportingCalendar:
        """Build a calendar from settings; missing values keep the Decree 09/2019 defaults.

        ``submission_days`` may name only some levels: the others keep their default day.
        """
        days = dict(DEFAULT_SUBMISSION_DAYS)
        days.update(submission_days or {})
        return cls(cutoff_day=DEFAULT_CUTOFF_DAY if cutoff_day is None else cutoff_day,
                   submission_days=days)

    def submission_day(self, level: str = DEFAULT_LEVEL) -> int:
        """Due day for reports to a body of ``level``; an unknown level counts as a province."""
        day = self.submission_days.get(level)
        if day is None:
            day = self.submission_days.get(DEFAULT_LEVEL, DEFAULT_SUBMISSION_DAYS[DEFAULT_LEVEL])
        return day

    def occurrence(self, period: str, index: int, year: int,
                   level: str = DEFAULT_LEVEL) -> OccurrenceReading:
        """One period instance: its label, data period and due date."""
        start, cutoff = period_bounds(period, index, year, self.cutoff_day)
        return OccurrenceReading(
            period=period, label=period_label(period, index, year), start=start,
            cutoff=cutoff, due=_month_day(year, cutoff.month, self.submission_day(level)))

    def occurrences(self, periods: Iterable[str], year: int,
                    level: str = DEFAULT_LEVEL) -> tuple[OccurrenceReading, ...]:
        """The reports of one plan year for the requested periods, by due date then period.

        When two requested periods end at the same cut-off only the longest one's report
        is kept: one report is due that day and it covers the longer period ("Định kỳ 6
        tháng, năm" is H1 in June and the annual report in December, not also H2).
        Raises ValueError for a period not in ``PERIODS``.
        """
        wanted = set(periods)
        unknown = wanted - set(PERIODS)
        if unknown:
            raise ValueError(f"unknown reporting periods: {sorted(unknown)!r}")
        # Last month -> (span in months, rank, period, index); the longest span wins.
        best: dict[int, tuple[int, int, str, int]] = {}
        for rank, period in enumerate(PERIODS):
            if period not in wanted:
                continue
            for index, first, last in PERIOD_MONTHS[period]:
                candidate = (last - first, rank, period, index)
                if last not in best or candidate > best[last]:
                    best[last] = candidate
        found = [self.occurrence(period, index, year, level)
                 for _, _, period, index in best.values()]
        return tuple(sorted(found, key=lambda o: (o.due, PERIODS.index(o.period))))
