"""Agency ranking for emulation (xếp hạng thi đua): the agencies of a period's table
(``tracker.plans.statistics.agency_statistics``: no second counting rule) ranked by completion
rate, then on-time rate, with a label from configurable thresholds (``TRACKER_RANKING_…``):

* "Khen thưởng" (commended): completion rate ≥ ``commend_done`` % and late share (1 − on-time
  rate: done late or overdue, over fallen due) < ``commend_late`` %;
* "Phê bình" (criticised): completion rate < ``criticise_done`` %;
* "Đạt" otherwise;
* "Chưa đánh giá" (not rated) when nothing of the agency has fallen due (no rate): ranked last,
  without a rank number.

Equal rates share a rank ("1, 1, 3"). Owners not resolved to an agency are not ranked.
Pure: rows in, ranking out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..plans.statistics import AgencyRow
from ..reading.text import fold

COMMENDED, PASSED, CRITICISED, NOT_RATED = "commended", "passed", "criticised", "not_rated"
#: the labels as official documents write them (the interface translates them)
LABELS_VI = {COMMENDED: "Khen thưởng", PASSED: "Đạt", CRITICISED: "Phê bình", NOT_RATED: "Chưa đánh giá"}


@dataclass(frozen=True)
class Thresholds:
    """Percentages: commended at ≥ ``commend_done`` done and < ``commend_late`` late;
    criticised under ``criticise_done`` done."""

    commend_done: int = 90
    commend_late: int = 10
    criticise_done: int = 50

    @classmethod
    def from_config(cls, config: Mapping) -> Thresholds:
        return cls(config.get("TRACKER_RANKING_COMMEND_DONE", 90), config.get("TRACKER_RANKING_COMMEND_LATE", 10),
                   config.get("TRACKER_RANKING_CRITICISE_DONE", 50))


@dataclass(frozen=True)
class Ranked:
    """One agency's line: its rank (None: not rated), its table row and its label."""

    rank: int | None
    row: AgencyRow
    label: str

    @property
    def late_rate(self) -> float | None:
        rate = self.row.on_time_rate
        return None if rate is None else 1 - rate


def judge(row: AgencyRow, thresholds: Thresholds) -> str:
    done, on_time = row.completion_rate, row.on_time_rate
    if done is None or on_time is None:
        return NOT_RATED
    # Compared in whole items (done * 100 >= 90 * fallen), not floats: 9 of 10 is exactly 90%.
    fallen = row.fallen_due
    late = fallen - row.done_on_time
    if row.done * 100 >= thresholds.commend_done * fallen and late * 100 < thresholds.commend_late * fallen:
        return COMMENDED
    if row.done * 100 < thresholds.criticise_done * fallen:
        return CRITICISED
    return PASSED


def rank(rows: Iterable[AgencyRow], thresholds: Thresholds | None = None) -> list[Ranked]:
    """The agencies of ``rows`` ranked: completion rate, then on-time rate (highest first),
    then name; the not rated after them, by name."""
    thresholds = thresholds or Thresholds()
    agencies = [r for r in rows if r.agency_id is not None]

    def name(row: AgencyRow) -> tuple:
        return (fold(row.name), row.name or "")

    rated = [r for r in agencies if r.fallen_due]
    unrated = sorted((r for r in agencies if not r.fallen_due), key=name)
    # Division is correctly rounded: equal fractions (1/2, 2/4) give equal floats, so ties are exact.
    rated.sort(key=lambda r: (-(r.completion_rate or 0), -(r.on_time_rate or 0), *name(r)))
    out: list[Ranked] = []
    previous: tuple | None = None
    position = 0
    for index, row in enumerate(rated, start=1):
        key = (row.completion_rate, row.on_time_rate)
        if key != previous:
            position, previous = index, key
        out.append(Ranked(position, row, judge(row, thresholds)))
    out += [Ranked(None, row, NOT_RATED) for row in unrated]
    return out
