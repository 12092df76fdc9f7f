"""Reporting periods of the periodic report and the data window each covers.

A period is named as on the command line: ``2017`` (the year), ``2017-Q2`` (a quarter),
``2017-H1``/``2017-H2`` (six months), ``2017-9M`` (nine months), ``2017-05`` (a month), or
given as two dates (custom). By default a named period's data runs between the Decree
09/2019 cut-offs (``tracker.reading.reporting.period_bounds``: Q2/2017 is 15/03/2017 to
14/06/2017); ``calendar=True`` takes whole calendar months instead (Q2/2017 is 01/04 to
30/06), as the dashboard's periods do.

Pure: standard library and the reading calendar only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..plans.statistics import Period
from ..reading.reporting import DEFAULT_CUTOFF_DAY, period_bounds
from ..reading.result import ANNUAL, MONTHLY, NINE_MONTHS, QUARTERLY, SEMIANNUAL

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_SPEC = re.compile(r"^\s*(\d{4})(?:-(?:(Q)([1-4])|(H)([12])|(9M)|(\d{1,2})))?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ReportPeriod:
    """A reporting period: its label as reports write it ("Quý II năm 2017") and its window."""

    label: str
    start: date | None
    end: date | None
    #: the window follows the Decree 09/2019 cut-offs (else calendar months, or custom dates)
    cutoffs: bool = False

    @property
    def window(self) -> Period:
        return Period(self.start, self.end)

    @property
    def year(self) -> int | None:
        day = self.end or self.start
        return day.year if day is not None else None


def _calendar_window(kind: str, index: int, year: int) -> tuple[date, date]:
    first, last = {MONTHLY: (index, index), QUARTERLY: (3 * index - 2, 3 * index),
                   SEMIANNUAL: (6 * index - 5, 6 * index), NINE_MONTHS: (1, 9), ANNUAL: (1, 12)}[kind]
    last_month = Period.month(year, last)
    return date(year, first, 1), last_month.end or date(year, last, 28)


def _label(kind: str, index: int, year: int) -> str:
    if kind == MONTHLY:
        return f"Tháng {index} năm {year}"
    if kind == QUARTERLY:
        return f"Quý {_ROMAN[index]} năm {year}"
    if kind == SEMIANNUAL:
        return f"6 tháng {'đầu' if index == 1 else 'cuối'} năm {year}"
    if kind == NINE_MONTHS:
        return f"9 tháng năm {year}"
    return f"Năm {year}"


def named_period(kind: str, index: int, year: int, calendar: bool = False,
                 cutoff_day: int = DEFAULT_CUTOFF_DAY) -> ReportPeriod:
    """A named period (``kind`` one of the reading's periods, ``index`` its number in the
    year): Decree 09/2019 cut-offs unless ``calendar``."""
    if calendar:
        start, end = _calendar_window(kind, index, year)
    else:
        start, end = period_bounds(kind, index, year, cutoff_day)
    return ReportPeriod(_label(kind, index, year), start, end, cutoffs=not calendar)


def custom_period(start: date | None, end: date | None) -> ReportPeriod:
    if start and end and start > end:
        start, end = end, start
    if start and end:
        label = f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
    elif start:
        label = f"Từ ngày {start:%d/%m/%Y}"
    elif end:
        label = f"Đến ngày {end:%d/%m/%Y}"
    else:
        label = "Mọi thời hạn"
    return ReportPeriod(label, start, end)


def parse_period(spec: str, calendar: bool = False, cutoff_day: int = DEFAULT_CUTOFF_DAY) -> ReportPeriod:
    """``2017``, ``2017-Q2``, ``2017-H1``, ``2017-9M`` or ``2017-05`` as a period; ValueError
    (with the accepted forms) for anything else."""
    found = _SPEC.match(spec or "")
    if not found:
        raise ValueError(f"unknown period {spec!r}: use 2017, 2017-Q2, 2017-H1, 2017-9M or 2017-05")
    year = int(found.group(1))
    if not 1990 <= year <= 2100:
        raise ValueError(f"year {year} is out of range (1990-2100)")
    if found.group(2):
        return named_period(QUARTERLY, int(found.group(3)), year, calendar, cutoff_day)
    if found.group(4):
        return named_period(SEMIANNUAL, int(found.group(5)), year, calendar, cutoff_day)
    if found.group(6):
        return named_period(NINE_MONTHS, 1, year, calendar, cutoff_day)
    if found.group(7):
        month = int(found.group(7))
        if not 1 <= month <= 12:
            raise ValueError(f"month {month} is not 1-12")
        return named_period(MONTHLY, month, year, calendar, cutoff_day)
    return named_period(ANNUAL, 1, year, calendar, cutoff_day)
