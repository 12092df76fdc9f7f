"""The current time, from one place, so tests (and `--at` runs of jobs) can set it.

``TRACKER_NOW`` in the app config (an aware datetime) freezes the clock; production never
sets it. ``TRACKER_CLOCK_SHIFT`` (a timedelta) moves a running clock: the development server's
demo date (``make run DEMO_TODAY=2017-06-15``) sees the seed plans as if today were that day,
with time still passing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def now() -> datetime:
    """Aware UTC now (or the frozen moment). Also what every stored timestamp uses."""
    frozen = current_app.config.get("TRACKER_NOW") if has_app_context() else None
    if frozen is not None:
        return frozen.astimezone(UTC)
    shift = current_app.config.get("TRACKER_CLOCK_SHIFT") if has_app_context() else None
    return datetime.now(UTC) + shift if shift else datetime.now(UTC)


def today() -> date:
    """Today's date in ``TRACKER_TIMEZONE``."""
    return now().astimezone(ZoneInfo(current_app.config["TRACKER_TIMEZONE"])).date()


MOMENT = "%d/%m/%Y %H:%M"


def local_time(moment: datetime | None, pattern: str = MOMENT) -> str:
    """A stored timestamp written in ``TRACKER_TIMEZONE`` (pages, CLI): an officer in Hà Nội
    who reported at 05:13 reads 05:13, not 22:13 the day before. Empty for none."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(current_app.config["TRACKER_TIMEZONE"])).strftime(pattern)
