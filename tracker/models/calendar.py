"""The office's exceptions to the working-day calendar."""

from __future__ import annotations

from datetime import date

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model


class CalendarDay(Model):
    """An administrator's exception to the working-day calendar (a bridge day off, a
    swapped working Saturday) on top of the public holidays."""

    __tablename__ = "calendar_days"

    #: the day the exception is for (one row per day)
    day: Mapped[date] = mapped_column(primary_key=True)
    #: True: worked although a weekend or holiday (làm bù); False: an extra day off (nghỉ bù)
    working: Mapped[bool]
    #: why, as the administrator wrote it ("Làm bù" / "Nghỉ bù" if left empty); shown as the day's name
    note: Mapped[str] = mapped_column(String(200), default="")
