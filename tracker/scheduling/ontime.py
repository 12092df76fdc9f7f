"""On-time classification (docs/domain.md, "On-time categories").

Official reports (Decision 42/2014/QĐ-TTg as amended by 23/2018/QĐ-TTg) put every item
that has a due date into exactly one of four columns, judged on a given day. Items with
no due date (continuous, event-driven before the event, external before a date is
entered) and items paused or cancelled by the plan author stay out of the statistics.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..vocabulary import N_, Vocabulary


class Category(Vocabulary):
    """The four official columns, in the order reports print them."""

    DONE_ON_TIME = "done_on_time", N_("Hoàn thành đúng hạn")
    DONE_LATE = "done_late", N_("Hoàn thành quá hạn")
    PENDING_ON_TIME = "pending_on_time", N_("Đang thực hiện trong hạn")     # chưa hoàn thành, trong hạn
    OVERDUE = "overdue", N_("Quá hạn chưa hoàn thành")


DONE_ON_TIME, DONE_LATE, PENDING_ON_TIME, OVERDUE = Category
CATEGORIES = Category.codes()
LABELS_VI = Category.labels()
_EXCLUDED_STATUSES = ("paused", "cancelled")


@dataclass(frozen=True)
class OnTime:
    category: str
    days_late: int = 0      # days past the due date (overdue: as of today; done late: when done)


def classify(status: str, due: date | None, completed_on: date | None, today: date) -> OnTime | None:
    """The category of one assignment or occurrence on ``today``; None if not counted.

    Done on the due day is on time; the day after is late. ``completed_on`` is the local
    date it was reported done (ignored unless the status is done).
    """
    if due is None or status in _EXCLUDED_STATUSES:
        return None
    if status == "done":
        finished = completed_on or today
        if finished <= due:
            return OnTime(DONE_ON_TIME)
        return OnTime(DONE_LATE, (finished - due).days)
    if today <= due:
        return OnTime(PENDING_ON_TIME)
    return OnTime(OVERDUE, (today - due).days)
