"""Working days (ngày làm việc) for reminders and "N working days overdue".

A working day is a Monday to Friday that is not a public holiday, as adjusted by the
announcements an administrator enters:

* Weekends: state bodies rest on Saturday and Sunday (40-hour week, Quyết định
  188/1999/QĐ-TTg).
* Public holidays (Labour Code 2019, art. 112): 1 January; Tết Nguyên Đán, five days
  chosen each year; Giỗ Tổ Hùng Vương (10th day of the 3rd lunar month); 30 April;
  1 May; 2 September with a day before or after it. A holiday falling on a weekend gives
  a compensatory day off (nghỉ bù).
* The holiday calendar comes from the maintained ``holidays`` package
  (``holidays.country_holidays("VN", language="vi")``): it computes Tết and Hùng Kings'
  day with the Vietnamese lunar calendar (UTC+7, which differs from the Chinese one in
  some years, e.g. Tết 2007 and 2030), adds the compensatory days, and lists the swaps
  announced so far (a weekday off in exchange for a Saturday worked, which it reports as
  ``weekend_workdays`` and this module treats as working days).
* The library cannot know announcements it has not caught up with (the Tết days and
  swaps are decided each year), so an administrator keeps a table of
  ``CalendarException`` rows: an extra day off (a bridge day, "nghỉ bù") or a day worked
  although it is a weekend or holiday ("làm bù"). An exception always wins over the
  library.

Direction rule for reminders: a reminder that would fall on a day off moves to the
*previous* working day, so it still comes before the due date. "N working days before the
due date" counts working days strictly before the due date, whether or not the due date
itself is a working day: ``add_working_days(due, -N)``.

Pure module: the standard library and ``holidays`` only, no Flask or database imports.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays

COUNTRY = "VN"
LANGUAGE = "vi"
SATURDAY = "Thứ Bảy"
SUNDAY = "Chủ nhật"
DEFAULT_OFF_NOTE = "Ngày nghỉ bù"
# Longest run of days off a search walks through before giving up. Tết with its weekends
# is at most ~9 days; only a broken exception table comes near this.
MAX_SEARCH_DAYS = 400

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class CalendarException:
    """An administrator's exception to the library calendar for one day.

    ``working=False`` is an extra day off (a bridge day, "nghỉ bù"); ``working=True`` is a
    day worked although it is a weekend or a holiday (a swapped Saturday, "làm bù").
    ``note`` is shown as the reason of a day off, e.g. "Nghỉ bù theo Thông báo 123/TB-BNV".
    """

    day: date
    working: bool
    note: str = ""

    def __post_init__(self) -> None:
        # A datetime would never match the dates it is compared with: refuse it early.
        if not isinstance(self.day, date) or isinstance(self.day, datetime):
            raise ValueError(f"exception day must be a date, not {self.day!r}")


@dataclass(frozen=True)
class _Year:
    """One year's days off (day -> reason) and its working days as sorted ordinals."""

    days_off: Mapping[date, str]
    working: tuple[int, ...]


@lru_cache(maxsize=256)
def _library_year(year: int, language: str = LANGUAGE) -> tuple[Mapping[date, str], frozenset[date]]:
    """The library's holidays of ``year`` (named in ``language``: "vi" or "en_US") and the
    weekend days it says were worked.

    Shared by all calendars, so a new exception table (a new ``WorkingCalendar``) does not
    recompute the library; its first call in a process also loads the translations.
    """
    library = holidays.country_holidays(COUNTRY, language=language, years=year)
    names = {day: name for day, name in library.items() if day.year == year}
    # Saturdays worked in exchange for a weekday off: keeping the weekday off without the
    # Saturday would count one working day too few.
    swapped = frozenset(day for day in library.weekend_workdays if day.year == year)
    return MappingProxyType(names), swapped


def _as_date(d: date) -> date:
    if isinstance(d, datetime):
        return d.date()
    if isinstance(d, date):
        return d
    raise TypeError(f"expected a date, not {d!r}")


class WorkingCalendar:
    """Which days are working days: the ``holidays`` calendar for Vietnam plus exceptions.

    Each year is computed once, on first use, into a table of its days off, so
    ``is_working_day`` is a dictionary look-up afterwards. Raises ValueError for two
    exceptions that disagree about the same day.
    """

    def __init__(self, exceptions: Iterable[CalendarException] = ()) -> None:
        table: dict[date, CalendarException] = {}
        for exc in exceptions:
            known = table.get(exc.day)
            if known is not None and known.working != exc.working:
                raise ValueError(f"contradictory calendar exceptions for {exc.day.isoformat()}")
            if known is None or (exc.note and not known.note):
                table[exc.day] = exc
        self._exceptions: Mapping[date, CalendarException] = MappingProxyType(table)
        self._years: dict[int, _Year] = {}

    @property
    def exceptions(self) -> Mapping[date, CalendarException]:
        """The administrator's exceptions by day (read-only)."""
        return self._exceptions

    # -- one year -------------------------------------------------------------------------

    def _year(self, year: int) -> _Year:
        found = self._years.get(year)
        if found is None:
            found = self._years[year] = self._build_year(year)
        return found

    def _build_year(self, year: int) -> _Year:
        library, swapped = _library_year(year)
        days_off: dict[date, str] = {}
        working: list[int] = []
        day, end = date(year, 1, 1), date(year, 12, 31)
        while True:
            reason = self._reason(day, library, swapped)
            if reason is None:
                working.append(day.toordinal())
            else:
                days_off[day] = reason
            if day == end:
                break
            day += _ONE_DAY
        return _Year(MappingProxyType(days_off), tuple(working))

    def _reason(self, day: date, library: Mapping[date, str],
                swapped: frozenset[date]) -> str | None:
        exc = self._exceptions.get(day)
        if exc is not None:
            return None if exc.working else (exc.note or DEFAULT_OFF_NOTE)
        name = library.get(day)
        if name:
            return name
        if day in swapped:
            return None
        weekday = day.weekday()
        if weekday == 5:
            return SATURDAY
        if weekday == 6:
            return SUNDAY
        return None

    # -- single days ------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        if type(d) is not date:
            d = _as_date(d)
        year = self._years.get(d.year) or self._year(d.year)
        return d not in year.days_off

    def day_off_reason(self, d: date, language: str = "vi") -> str | None:
        """Why ``d`` is a day off (holiday name, "Thứ Bảy", "Chủ nhật", or the exception's
        note), in Vietnamese or English (``language="en"``; an administrator's note stays as
        written); None for a working day."""
        d = _as_date(d)
        reason = self._year(d.year).days_off.get(d)
        if reason is None or language != "en":
            return reason
        exc = self._exceptions.get(d)
        if exc is not None:
            return exc.note or "Day off in exchange"
        names, _swapped = _library_year(d.year, "en_US")
        return names.get(d) or ("Saturday" if d.weekday() == 5 else "Sunday" if d.weekday() == 6 else reason)

    def _step(self, d: date, direction: int) -> date:
        """The nearest working day strictly after (+1) or before (-1) ``d``."""
        step = _ONE_DAY if direction > 0 else -_ONE_DAY
        day = d
        for _ in range(MAX_SEARCH_DAYS):
            try:
                day += step
            except OverflowError:
                raise ValueError(f"no working day {'after' if direction > 0 else 'before'} "
                                 f"{d.isoformat()} within the supported dates") from None
            if self.is_working_day(day):
                return day
        raise ValueError(f"no working day within {MAX_SEARCH_DAYS} days "
                         f"{'after' if direction > 0 else 'before'} {d.isoformat()}: "
                         "check the calendar exceptions")

    def previous_working_day(self, d: date, inclusive: bool = True) -> date:
        """``d`` itself if it is a working day and ``inclusive``, else the one before it.

        This is where a reminder that would fall on a day off goes.
        """
        d = _as_date(d)
        if inclusive and self.is_working_day(d):
            return d
        return self._step(d, -1)

    def next_working_day(self, d: date, inclusive: bool = True) -> date:
        """``d`` itself if it is a working day and ``inclusive``, else the one after it."""
        d = _as_date(d)
        if inclusive and self.is_working_day(d):
            return d
        return self._step(d, +1)

    # -- counting -----------------------------------------------------------------------------

    def add_working_days(self, d: date, n: int) -> date:
        """The ``n``-th working day after ``d`` (n > 0) or before it (n < 0).

        Counting starts strictly after or before ``d``, whether or not ``d`` is a working
        day: ``add_working_days(due, -3)`` is the third working day before ``due``, the
        day of a "3 working days before" reminder. ``n == 0`` gives ``d`` if it is a
        working day, else the previous working day (the reminder direction rule).
        """
        d = _as_date(d)
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"n must be an int, not {n!r}")
        if n == 0:
            return self.previous_working_day(d)
        # Through each year's sorted working days (bisect), not day by day: a reminder
        # planner asks this millions of times a year. As in ``_step``, a gap of more than
        # MAX_SEARCH_DAYS between two working days on the way is an error.
        direction = 1 if n > 0 else -1
        where = "after" if direction > 0 else "before"
        previous, remaining, year = d.toordinal(), abs(n), d.year
        days = self._year(year).working
        i = bisect_right(days, previous) if direction > 0 else bisect_left(days, previous) - 1
        while True:
            while 0 <= i < len(days):
                if abs(days[i] - previous) > MAX_SEARCH_DAYS:
                    break
                previous, remaining, i = days[i], remaining - 1, i + direction
                if remaining == 0:
                    return date.fromordinal(previous)
            else:
                year += direction
                if not MINYEAR <= year <= MAXYEAR:
                    raise ValueError(f"no working day {where} {date.fromordinal(previous).isoformat()} "
                                     "within the supported dates")
                edge = date(year, 1, 1) if direction > 0 else date(year, 12, 31)
                if abs(edge.toordinal() - previous) <= MAX_SEARCH_DAYS:
                    days = self._year(year).working
                    i = 0 if direction > 0 else len(days) - 1
                    continue
            raise ValueError(f"no working day within {MAX_SEARCH_DAYS} days {where} "
                             f"{date.fromordinal(previous).isoformat()}: check the calendar exceptions")

    def _count_through(self, d: date) -> int:
        """Working days from 1 January of ``d``'s year up to and including ``d``."""
        return bisect_right(self._year(d.year).working, d.toordinal())

    def working_days_between(self, a: date, b: date) -> int:
        """Working days after ``a`` up to and including ``b``; negative if ``b`` < ``a``.

        ``working_days_between(due, today)`` is how many working days an item is overdue
        (0 on the due date, and across a holiday that follows it).
        """
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        # Per-year prefix counts, so a long overdue span costs one step per year.
        count = self._count_through(b) - self._count_through(a)
        for year in range(a.year, b.year):
            count += len(self._year(year).working)
        return count

    def working_days_in(self, start: date, end: date) -> Iterator[date]:
        """The working days from ``start`` to ``end``, both included, in order."""
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return
        lo, hi = start.toordinal(), end.toordinal()
        for year in range(start.year, end.year + 1):
            working = self._year(year).working
            for ordinal in working[bisect_right(working, lo - 1):bisect_right(working, hi)]:
                yield date.fromordinal(ordinal)

    def __repr__(self) -> str:
        return f"WorkingCalendar({len(self._exceptions)} exceptions)"


__all__ = ["CalendarException", "WorkingCalendar", "MAX_SEARCH_DAYS"]
