"""Reminder and escalation planning: which e-mail each item is owed, and on which day.

Issue "Reminders and escalation by email: scheduled, working-day aware, never lost, never
twice". This module only decides *what* is due; sending, recipients' addresses and the
ledger of what was sent live elsewhere.

* ``ReminderPolicy`` is data: global defaults, per-plan overrides (``merged``) and a JSON
  form (``as_dict`` / ``from_dict``). All counts are working days.
* ``schedule`` lists the steps of one item (an assignment, or one occurrence of a recurring
  task: each occurrence is reminded and escalated on its own) up to a horizon.
* ``due_steps`` picks what to send today, given the keys already sent for the item: at
  most one step per track, the most recent one, never one already sent.

The tracks and their recipients (docs/domain.md, "Escalation": focal officer → head of the agency
→ the People's Committee that issued the plan):

==========================  =========================================  ==================
track                       steps (keys)                               to
==========================  =========================================  ==================
``before``                  ``before-7``, ``before-3``, ``before-1``,  focal officers
                            ``before-0`` (the due day, ``DUE_DAY``)
``overdue``                 ``overdue-1``, ``overdue-2``, ... every N  focal officers
                            working days after the due date
``escalation_head``         ``escalation_head`` (once per item)        head of the agency
``escalation_committee``    ``escalation_committee`` (once per item)   issuing committee
``checkin``                 ``checkin-2017-06-14`` per reporting       focal officers
                            cut-off of a continuous item
``explanation``             ``explanation-1``, ``explanation-2``, ...  focal officers
                            of an unanswered explanation request
                            (``explanation_step``; not an item's track)
==========================  =========================================  ==================

Working days come only from the calendar object passed in (``WorkingDays``: the app's
``tracker.scheduling.workdays.WorkingCalendar`` or any object with the same methods);
every step is scheduled on a working day, a step that would fall on a day off moves to the
previous working day.

Pure module: standard library only, no Flask or database imports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field, fields
from datetime import date, time
from types import MappingProxyType
from typing import Protocol

# Step kinds; each kind is also the name of its track.
BEFORE = "before"                                   # n working days before the due date
OVERDUE = "overdue"                                 # n-th overdue notice
ESCALATION_HEAD = "escalation_head"                 # level 1: head of the agency
ESCALATION_COMMITTEE = "escalation_committee"       # level 2: the issuing People's Committee
CHECKIN = "checkin"                                 # check-in before a reporting cut-off
EXPLANATION = "explanation"                         # an explanation request unanswered after its due day
KINDS = TRACKS = (BEFORE, OVERDUE, ESCALATION_HEAD, ESCALATION_COMMITTEE, CHECKIN)
DUE_DAY = "before-0"                                # key of the due-day reminder (offset 0)

# Who each track writes to (role names; the mailer resolves them to addresses).
OFFICERS, AGENCY_HEAD, COMMITTEE = "officers", "agency_head", "committee"
AUDIENCE: Mapping[str, str] = MappingProxyType({
    BEFORE: OFFICERS, OVERDUE: OFFICERS, CHECKIN: OFFICERS,
    ESCALATION_HEAD: AGENCY_HEAD, ESCALATION_COMMITTEE: COMMITTEE, EXPLANATION: OFFICERS,
})

# Status of an assignment or occurrence (same vocabulary as tracker.models.base).
NOT_STARTED, IN_PROGRESS, DONE, PAUSED, CANCELLED = (
    "not_started", "in_progress", "done", "paused", "cancelled")
STATUSES = (NOT_STARTED, IN_PROGRESS, DONE, PAUSED, CANCELLED)
_SILENT_STATUSES = frozenset((DONE, PAUSED, CANCELLED))

# Tracks counted from the due date; see ``forget_on_due_change``.
_DUE_RELATIVE_TRACKS = (BEFORE, OVERDUE)


class WorkingDays(Protocol):
    """What the planner needs from a working-day calendar (``WorkingCalendar`` has it)."""

    def is_working_day(self, d: date) -> bool: ...

    def previous_working_day(self, d: date, inclusive: bool = True) -> date: ...

    def add_working_days(self, d: date, n: int) -> date: ...


# --- policy -------------------------------------------------------------------------------


def _check_count(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be a whole number of working days >= {minimum}, "
                         f"not {value!r}")
    return value


def _check_time(name: str, value: object) -> time:
    if not isinstance(value, time):
        raise ValueError(f"{name} must be a time of day, not {value!r}")
    if value.tzinfo is not None:
        raise ValueError(f"{name} is a local time of day and takes no time zone: {value!r}")
    return value


def _time_to_json(value: time) -> str:
    if value.second == 0 and value.microsecond == 0:
        return value.isoformat(timespec="minutes")
    return value.isoformat()


def _time_from_json(name: str, value: object) -> object:
    if isinstance(value, str):
        try:
            return time.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{name} must be a time of day such as '07:30', "
                             f"not {value!r}") from None
    return value


@dataclass(frozen=True)
class ReminderPolicy:
    """When reminders and escalations go out; all counts are in working days.

    * ``before_offsets``: reminders this many working days before the due date; 0 is the
      due day itself (``DUE_DAY``). Stored largest first; may be empty (no reminders
      before the deadline).
    * ``send_at``: local hour at which the day's reminders are sent.
    * ``overdue_every``: once overdue, a notice to the focal officers every N working days
      until done.
    * ``escalate_head_after`` / ``escalate_committee_after``: level 1 (head of the agency)
      and level 2 (the People's Committee that issued the plan: its office and the leader
      in charge) after this many working days overdue; each level once per item.
    * ``digest_weekday`` (0 = Monday) and ``digest_at``: the weekly leadership digest.
    * ``checkin_before``: continuous items get a check-in request this many working days
      before each reporting cut-off (0: on the cut-off day).
    * ``escalate_unreminded``: False (the default) holds an item's escalations until its
      agency has been sent at least one reminder or overdue notice for it: the head of an
      agency and the committee never hear first of something the agency was never told.

    Raises ValueError for negative or non-integer counts, repeated offsets, an
    overdue interval or a level-1 delay of 0 (a notice on the due day is not overdue), a
    level-2 delay not after level 1, a weekday outside 0-6, or a time with a time zone.
    """

    before_offsets: tuple[int, ...] = (7, 3, 1, 0)
    send_at: time = time(7, 30)
    overdue_every: int = 3
    escalate_head_after: int = 3
    escalate_committee_after: int = 10
    digest_weekday: int = 0
    digest_at: time = time(8, 0)
    checkin_before: int = 3
    escalate_unreminded: bool = False

    def __post_init__(self) -> None:
        offsets = self.before_offsets
        if isinstance(offsets, (str, bytes)) or not isinstance(offsets, Iterable):
            raise ValueError(f"before_offsets must be a list of working-day counts, "
                             f"not {offsets!r}")
        offsets = tuple(offsets)
        for offset in offsets:
            _check_count("each of before_offsets", offset, 0)
        if len(set(offsets)) != len(offsets):
            raise ValueError(f"before_offsets must not repeat an offset: {list(offsets)!r}")
        # Normalised, so two policies with the same offsets compare (and hash) equal.
        object.__setattr__(self, "before_offsets", tuple(sorted(offsets, reverse=True)))
        _check_time("send_at", self.send_at)
        _check_time("digest_at", self.digest_at)
        _check_count("overdue_every", self.overdue_every, 1)
        _check_count("escalate_head_after", self.escalate_head_after, 1)
        _check_count("escalate_committee_after", self.escalate_committee_after, 1)
        if self.escalate_committee_after <= self.escalate_head_after:
            raise ValueError(
                f"escalate_committee_after ({self.escalate_committee_after}) must be later "
                f"than escalate_head_after ({self.escalate_head_after})")
        if (isinstance(self.digest_weekday, bool) or not isinstance(self.digest_weekday, int)
                or not 0 <= self.digest_weekday <= 6):
            raise ValueError(f"digest_weekday must be 0 (Monday) to 6 (Sunday), "
                             f"not {self.digest_weekday!r}")
        _check_count("checkin_before", self.checkin_before, 0)
        if not isinstance(self.escalate_unreminded, bool):
            raise ValueError(f"escalate_unreminded must be true or false, not {self.escalate_unreminded!r}")

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form: offsets as a list, times as "HH:MM" strings."""
        return {
            "before_offsets": list(self.before_offsets),
            "send_at": _time_to_json(self.send_at),
            "overdue_every": self.overdue_every,
            "escalate_head_after": self.escalate_head_after,
            "escalate_committee_after": self.escalate_committee_after,
            "digest_weekday": self.digest_weekday,
            "digest_at": _time_to_json(self.digest_at),
            "checkin_before": self.checkin_before,
            "escalate_unreminded": self.escalate_unreminded,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> ReminderPolicy:
        """Read ``as_dict`` output back; missing keys keep the defaults.

        Times may be ``time`` objects or ISO strings ("07:30"). Raises ValueError naming
        the key for an unknown key or a bad value.
        """
        return cls().merged(data)

    def merged(self, overrides: Mapping[str, object]) -> ReminderPolicy:
        """This policy with a plan's overrides applied (same encodings as ``from_dict``).

        Raises ValueError naming the key for an unknown key, and ValueError for values that
        fail validation in combination (a level-2 delay not after level 1, ...).
        """
        known = self.field_names()
        unknown = [key for key in overrides if key not in known]
        if unknown:
            raise ValueError(f"unknown reminder policy setting(s): {', '.join(map(repr, unknown))}"
                             f" (known: {', '.join(known)})")
        values = {name: getattr(self, name) for name in known}
        for key, value in overrides.items():
            if key in ("send_at", "digest_at"):
                value = _time_from_json(key, value)
            values[key] = value
        return type(self)(**values)


DEFAULT_POLICY = ReminderPolicy()

# How much tighter each urgency is (tracker.vocabulary.Urgency's codes); a key task is at
# least as tight as an urgent one.
URGENCY_LEVELS: Mapping[str, int] = MappingProxyType({"normal": 0, "urgent": 1, "very_urgent": 2, "flash": 3})


def tightness(key_task: bool, urgency: str) -> int:
    """0 for an ordinary task; 1 for a key task or an urgent one, 2 very urgent, 3 flash.
    An unknown urgency counts as ordinary."""
    level = URGENCY_LEVELS.get(urgency, 0)
    return max(level, 1) if key_task else level


def tightened(policy: ReminderPolicy, key_task: bool, urgency: str) -> ReminderPolicy:
    """The policy for a key or urgent task: the merged global and plan policy, made tighter.

    The last step of the merge (global → plan → task). An ordinary task keeps ``policy``
    itself. Otherwise, at tightness ``n`` (``tightness``):

    * reminders start earlier: one more reminder at twice the earliest offset (the default
      7 working days before the due date gives one 14 days before), none added when the
      policy sends no reminder before the due date;
    * overdue notices repeat ``n + 1`` times as often (every ⌈overdue_every / (n + 1)⌉
      working days, at least 1: the default 3 becomes 2 for a key or urgent task, 1 for a
      very urgent or flash one).

    Escalations, times of day, the digest and check-ins are unchanged. Never looser than
    ``policy``, whatever the plan set.
    """
    level = tightness(key_task, urgency)
    if level == 0:
        return policy
    offsets = set(policy.before_offsets)
    if offsets and max(offsets) > 0:
        offsets.add(2 * max(offsets))
    every = max(1, -(-policy.overdue_every // (level + 1)))
    return policy.merged({"before_offsets": sorted(offsets, reverse=True), "overdue_every": every})


# --- items and steps ----------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """What the planner needs to know about one assignment or one occurrence.

    ``due`` is None for continuous items (and event / external ones before a date is set).
    ``cutoffs`` are the reporting cut-offs at which a continuous item's status is asked
    for; ``checkins_done`` the cut-offs already reported. ``tracking_from``: a plan tracked
    from part-way through its year (adopted in March, listing January tasks). Raises
    ValueError for an unknown status.
    """

    due: date | None
    status: str
    continuous: bool = False
    cutoffs: tuple[date, ...] = ()
    checkins_done: frozenset[date] = field(default_factory=frozenset)
    #: the day its plan started to be tracked (None: from the start); see ``schedule``
    tracking_from: date | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r} (known: {', '.join(STATUSES)})")
        object.__setattr__(self, "cutoffs", tuple(sorted(set(self.cutoffs))))
        object.__setattr__(self, "checkins_done", frozenset(self.checkins_done))

    @property
    def active(self) -> bool:
        """False once done, paused or cancelled: such an item is owed nothing."""
        return self.status not in _SILENT_STATUSES

    def overdue_on(self, today: date) -> bool:
        """Past its due date (calendar days, as in ``ontime.classify``) and still open."""
        return self.active and self.due is not None and today > self.due


@dataclass(frozen=True)
class Step:
    """One reminder or escalation of an item, on the working day it is meant for.

    ``key`` is stable for the item ("before-3", "overdue-2", "escalation_head",
    "checkin-2017-06-14") and is what the ledger of sent steps records. ``number`` is the
    offset of a before-step or the ordinal of an overdue notice; ``cutoff`` is the
    reporting cut-off of a check-in.
    """

    kind: str
    key: str
    scheduled: date
    track: str
    number: int | None = None
    cutoff: date | None = None

    @property
    def audience(self) -> str:
        return AUDIENCE[self.track]


def before_key(offset: int) -> str:
    return f"{BEFORE}-{offset}"


def overdue_key(n: int) -> str:
    return f"{OVERDUE}-{n}"


def checkin_key(cutoff: date) -> str:
    return f"{CHECKIN}-{cutoff.isoformat()}"


def explanation_key(n: int) -> str:
    return f"{EXPLANATION}-{n}"


def track_of(key: str) -> str:
    """The track a stored key belongs to ("overdue-2" → "overdue")."""
    for track in (ESCALATION_COMMITTEE, ESCALATION_HEAD):
        if key == track:
            return track
    head, sep, _ = key.partition("-")
    if sep and head in (BEFORE, OVERDUE, CHECKIN, EXPLANATION):
        return head
    raise ValueError(f"not a reminder step key: {key!r}")


def forget_on_due_change(sent: Iterable[str]) -> set[str]:
    """The sent keys that still hold after the item's due date changes.

    Keys do not carry the due date, so a ledger kept across a new deadline would treat
    "before-3" of the new date as already sent. Call this when the due date changes: the
    before and overdue tracks start again from the new date, while escalations (once per
    item) and check-ins (keyed by their cut-off) stay sent.
    """
    return {key for key in sent if track_of(key) not in _DUE_RELATIVE_TRACKS}


def _rank(step: Step) -> tuple[date, int]:
    """Order of steps within one track: later rank supersedes earlier."""
    if step.track == BEFORE:
        return step.scheduled, -(step.number or 0)       # same day: the smaller offset wins
    if step.track == OVERDUE:
        return step.scheduled, step.number or 0
    if step.track == CHECKIN and step.cutoff is not None:
        return step.scheduled, step.cutoff.toordinal()
    return step.scheduled, 0


def _on_or_before(calendar: WorkingDays, d: date, working_days: int) -> date:
    """``working_days`` working days before ``d``; 0 is ``d`` or the working day before it."""
    if working_days == 0:
        return calendar.previous_working_day(d, inclusive=True)
    return calendar.add_working_days(d, -working_days)


# --- planning -----------------------------------------------------------------------------


def schedule(item: Item, policy: ReminderPolicy, calendar: WorkingDays,
             until: date) -> list[Step]:
    """Every step of ``item`` scheduled on or before ``until``, by day then track.

    * before-k on the k-th working day before the due date; before-0 (the due day) on the
      due date or, if that is a day off, the working day before it. A due date on a day
      off puts before-1 and before-0 on the same day: only before-0 is kept.
    * overdue-n on the (n × overdue_every)-th working day after the due date; the series
      never ends while the item is open, hence the horizon ``until`` (callers pass today,
      or today plus how far ahead they want to look). The horizon bounds every track.
    * escalation_head / escalation_committee on the X-th / Y-th working day after it.
    * for a continuous item, checkin-<cut-off> ``checkin_before`` working days before each
      reporting cut-off not yet reported (0: on the cut-off or the working day before).

    Items with no due date that are not continuous have no steps; done, paused and
    cancelled items have none (the steps of a reopened item are recomputed).

    A plan tracked from part-way (``item.tracking_from``) owes nothing for the time before:
    no step is scheduled before that day, no check-in for a cut-off before it, and an
    item already overdue on that day starts its overdue series there (overdue-1 on the
    first working day of tracking, escalations ``escalate_*_after`` working days later),
    as if it had fallen due that day: its agency hears of it before anyone above does.
    """
    if not item.active:
        return []
    steps: list[Step] = []
    due = item.due
    start = item.tracking_from
    first_day = None if start is None else (start if calendar.is_working_day(start)
                                            else calendar.add_working_days(start, 1))
    if due is not None:
        by_day: dict[date, Step] = {}
        for offset in policy.before_offsets:            # largest first: smaller ones replace
            day = _on_or_before(calendar, due, offset)
            by_day[day] = Step(BEFORE, before_key(offset), day, BEFORE, number=offset)
        steps.extend(s for s in by_day.values() if s.scheduled <= until)

        if start is not None and first_day is not None and due < start:
            # Overdue when tracking began: the series starts on the first day of tracking.
            n, day = 1, first_day
            escalation_base = first_day
        else:
            n, day = 1, calendar.add_working_days(due, policy.overdue_every)
            escalation_base = due
        # Stepping from one notice to the next equals counting from the due date, since
        # each notice falls on a working day; it keeps long-overdue items cheap.
        while day <= until:
            steps.append(Step(OVERDUE, overdue_key(n), day, OVERDUE, number=n))
            n, day = n + 1, calendar.add_working_days(day, policy.overdue_every)

        for kind, after in ((ESCALATION_HEAD, policy.escalate_head_after),
                            (ESCALATION_COMMITTEE, policy.escalate_committee_after)):
            day = calendar.add_working_days(escalation_base, after)
            if day <= until:
                steps.append(Step(kind, kind, day, kind))

    if item.continuous:
        for cutoff in item.cutoffs:
            if cutoff in item.checkins_done or (start is not None and cutoff < start):
                continue
            day = _on_or_before(calendar, cutoff, policy.checkin_before)
            if first_day is not None and day < first_day:
                day = first_day                  # a cut-off just after tracking began
            if day <= until:
                steps.append(Step(CHECKIN, checkin_key(cutoff), day, CHECKIN, cutoff=cutoff))

    if first_day is not None:
        steps = [s for s in steps if s.scheduled >= first_day]

    steps.sort(key=lambda s: (s.scheduled, TRACKS.index(s.track), _rank(s)))
    return steps


def due_steps(item: Item, policy: ReminderPolicy, calendar: WorkingDays, today: date,
              sent: Set[str]) -> list[Step]:
    """The steps to send for ``item`` on ``today``, at most one per track.

    For each track the latest step scheduled on or before today is the candidate; it is
    returned unless its key is in ``sent``. Earlier steps of the track that were never
    sent are superseded, not sent late, and a step is never returned once a later one of
    its track has gone out. Before-steps stop once the item is overdue (today after the
    due date); done, paused and cancelled items get nothing. Nothing is returned on a day
    off: what fell due is sent on the next working day's run.

    The same rule makes a catch-up after downtime send what was missed once, without a
    storm. A week of downtime, Monday 16 to Sunday 22 March 2020, default policy:

    * an item due Wednesday 25 March was owed before-7 (Mon 16) and before-3 (Fri 20).
      The run on Monday 23 sends before-3 only; before-7 is superseded. before-1 (Tue 24)
      and before-0 (Wed 25) follow on their days.
    * an item due Friday 6 March had been sent overdue-1 and escalation_head (Wed 11); it
      was owed overdue-2 (Mon 16), overdue-3 (Thu 19) and escalation_committee (Fri 20).
      Monday 23 sends overdue-3 and escalation_committee; overdue-2 is skipped.
    * had either item been done during the downtime, it gets nothing.

    ``sent`` holds the keys already sent for this item (or occurrence). When the due date
    changes, pass it through ``forget_on_due_change`` first so the before and overdue
    tracks follow the new date; steps are always recomputed from ``item.due``. Unless
    ``policy.escalate_unreminded``, escalations wait until ``sent`` holds a reminder or an
    overdue notice (one sent earlier, not in the same run).
    """
    if not item.active or not calendar.is_working_day(today):
        return []
    latest: dict[str, Step] = {}
    for step in schedule(item, policy, calendar, until=today):
        best = latest.get(step.track)
        if best is None or _rank(step) > _rank(best):
            latest[step.track] = step
    overdue = item.overdue_on(today)
    reminded = policy.escalate_unreminded or any(track_of(k) in _DUE_RELATIVE_TRACKS for k in sent)
    chosen = []
    for track in TRACKS:
        newest = latest.get(track)
        if newest is None or newest.key in sent or (track == BEFORE and overdue):
            continue
        if track in (ESCALATION_HEAD, ESCALATION_COMMITTEE) and not reminded:
            continue                     # held until the agency itself has been told
        chosen.append(newest)
    return chosen


def next_step_day(item: Item, policy: ReminderPolicy, calendar: WorkingDays, after: date,
                  sent: Set[str]) -> date | None:
    """The first day after ``after`` on which ``due_steps`` can return a step for ``item``,
    as long as nothing about it changes but ``sent`` (None: never).

    It is the earliest step scheduled after ``after`` that is not in ``sent``, leaving out
    escalations while they are held (they wait for a reminder, which is itself a step);
    ``due_steps`` on any earlier day finds the same latest step of each track as on
    ``after``. Used to skip an item on the days between (tracker.reminders.planner): a day
    too early costs a look, a day too late would lose a step.
    """
    if not item.active:
        return None
    # Far enough for every track: before-steps end on the due date, check-ins on the last
    # cut-off, escalations and the next overdue notice within so many working days of
    # the due date, the first day of tracking, or ``after``.
    start = max(d for d in (after, item.due, item.tracking_from, *item.cutoffs) if d is not None)
    horizon = calendar.add_working_days(start, max(policy.overdue_every, policy.escalate_head_after,
                                                   policy.escalate_committee_after) + 1)
    reminded = policy.escalate_unreminded or any(track_of(k) in _DUE_RELATIVE_TRACKS for k in sent)
    for step in schedule(item, policy, calendar, until=horizon):
        if step.scheduled <= after or step.key in sent:
            continue
        if step.track in (ESCALATION_HEAD, ESCALATION_COMMITTEE) and not reminded:
            continue
        return step.scheduled              # steps come by day
    return None


def explanation_step(answer_due: date, policy: ReminderPolicy, calendar: WorkingDays, today: date,
                     sent: Set[str]) -> Step | None:
    """The reminder owed on ``today`` for an explanation request still unanswered, whose
    answer was due on ``answer_due`` (tracker.plans.explanations), or None.

    Reminded like an overdue item: the first reminder on the first working day after the due
    day, then one every ``policy.overdue_every`` working days until it is answered or
    withdrawn (the caller asks only about open requests). As in ``due_steps``, the latest
    step scheduled on or before today is the candidate; one already in ``sent`` (the
    ledger's keys for the request) is not returned again, and earlier ones a downtime skipped
    are superseded, not sent late. Nothing on a day off.
    """
    if not calendar.is_working_day(today) or today <= answer_due:
        return None
    latest: Step | None = None
    n, day = 1, calendar.add_working_days(answer_due, 1)
    while day <= today:
        latest = Step(EXPLANATION, explanation_key(n), day, EXPLANATION, number=n)
        n, day = n + 1, calendar.add_working_days(day, policy.overdue_every)
    if latest is None or latest.key in sent:
        return None
    return latest
