"""The office's working calendar: the public-holiday calendar (``workdays``) with the
exceptions an administrator records in ``calendar_days`` (a compensatory day off, a
weekend day worked), which the government announces each year.

``flask calendar`` and the administrators' page change the exceptions; the caller commits.
Reminders, escalations and deadlines counted in working days read ``working_calendar`` on
every run, so a change counts from the next run on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import CalendarDay
from .workdays import CalendarException, WorkingCalendar


def working_calendar(session: Session) -> WorkingCalendar:
    return WorkingCalendar(CalendarException(d.day, d.working, d.note)
                           for d in session.scalars(select(CalendarDay)))


DEFAULT_NOTES = {True: "Làm bù", False: "Nghỉ bù"}


def set_calendar_day(session: Session, day: date, working: bool, note: str = "") -> CalendarDay:
    """Make ``day`` a working day (làm bù) or a day off (nghỉ bù), whatever the library says."""
    row = session.get(CalendarDay, day) or CalendarDay(day=day, working=working)
    row.working, row.note = working, (note or "").strip()[:200] or DEFAULT_NOTES[working]
    session.add(row)
    return row


def unset_calendar_day(session: Session, day: date) -> bool:
    """Remove the exception on ``day``; False if there was none."""
    row = session.get(CalendarDay, day)
    if row is None:
        return False
    session.delete(row)
    return True


@dataclass(frozen=True)
class CalendarLine:
    day: date
    working: bool
    reason: str            # why the day is off (holiday name, exception note), or the exception's note
    exception: bool        # an administrator's exception rather than the library's holiday


def unusual_days(session: Session, year: int, language: str = "vi") -> list[CalendarLine]:
    """The days of ``year`` that are not what their weekday suggests: weekdays off (public
    holidays and exceptions) and weekend days worked, plus every exception of the year; the
    holidays named in ``language``."""
    calendar = working_calendar(session)
    exceptions = calendar.exceptions
    lines = []
    day = date(year, 1, 1)
    while day.year == year:
        working = calendar.is_working_day(day)
        exception = exceptions.get(day)
        if exception is not None or working != (day.weekday() < 5):
            reason = calendar.day_off_reason(day, language) or (exception.note if exception else "")
            lines.append(CalendarLine(day, working, reason or "", exception is not None))
        day += timedelta(days=1)
    return lines
