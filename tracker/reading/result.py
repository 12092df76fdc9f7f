"""What a reader produces: a plain, database-free description of a plan as read.

Readers never write anything; the importer (``tracker.plans.importer``) turns a
``PlanReading`` into rows. Every doubtful reading carries a ``ReadingWarning`` with a
stable code, a Vietnamese message (English beside it) and, where possible, a suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from ..errors import UserError
from ..vocabulary import N_, Vocabulary

if TYPE_CHECKING:
    from .reporting import ReportingCalendar  # it imports this module

class DeadlineKind(Vocabulary):
    """What a deadline phrase means (docs/domain.md, "Deadlines")."""

    DATE = "date", N_("Hạn")
    RANGE = "range", N_("Trong thời gian")
    RECURRING = "recurring", N_("Định kỳ")
    CONTINUOUS = "continuous", N_("Thường xuyên")
    EVENT = "event", N_("Khi phát sinh")
    EXTERNAL = "external", N_("Theo tiến độ cấp trên")
    UNKNOWN = "unknown", N_("Chưa đọc được")


DATE, RANGE, RECURRING, CONTINUOUS, EVENT, EXTERNAL, UNKNOWN = DeadlineKind
DEADLINE_KINDS = DeadlineKind.codes()

# Reporting periods, in the order reports fall due within a year.
MONTHLY, QUARTERLY, SEMIANNUAL, NINE_MONTHS, ANNUAL = (
    "monthly", "quarterly", "semiannual", "nine_months", "annual")
PERIODS = (MONTHLY, QUARTERLY, SEMIANNUAL, NINE_MONTHS, ANNUAL)


@dataclass(frozen=True)
class ReadingWarning:
    """A doubt about one reading: stable ``code``, Vietnamese ``message``, optional fix."""

    code: str
    message: str
    message_en: str = ""
    suggestion: str | None = None

    def as_json(self) -> dict:
        return {"code": self.code, "message": self.message, "message_en": self.message_en,
                "suggestion": self.suggestion}


@dataclass(frozen=True)
class PlanContext:
    """What a deadline phrase needs to know about its plan.

    ``level`` is the level of the issuing body (national, province, district, commune):
    reports are due to it, so it picks the submission day in the reporting calendar.
    ``calendar`` is the reporting calendar in force; None means the Decree 09/2019 defaults.
    """

    year: int
    issued: date | None = None
    level: str = "province"
    calendar: ReportingCalendar | None = None


@dataclass(frozen=True)
class OccurrenceReading:
    """One reporting period of a recurring deadline."""

    period: str          # one of PERIODS
    label: str           # "Quý I/2017", "6 tháng đầu năm 2017"
    start: date          # first day of the data period
    cutoff: date         # last day of the data period (Decree 09/2019: the 14th)
    due: date            # the day the report is due

    def as_json(self) -> dict:
        return {"period": self.period, "label": self.label, "start": self.start.isoformat(),
                "cutoff": self.cutoff.isoformat(), "due": self.due.isoformat()}


@dataclass(frozen=True)
class DeadlineReading:
    """The structured reading of one deadline phrase; ``text`` is kept as written."""

    text: str
    kind: str
    start: date | None = None
    due: date | None = None
    periods: tuple[str, ...] = ()
    occurrences: tuple[OccurrenceReading, ...] = ()
    also_event: bool = False
    offset_days: int | None = None
    flags: tuple[str, ...] = ()
    warnings: tuple[ReadingWarning, ...] = ()

    def as_json(self) -> dict:
        return {
            "text": self.text,
            "kind": self.kind,
            "start": self.start.isoformat() if self.start else None,
            "due": self.due.isoformat() if self.due else None,
            "periods": list(self.periods),
            "occurrences": [o.as_json() for o in self.occurrences],
            "also_event": self.also_event,
            "offset_days": self.offset_days,
            "flags": list(self.flags),
        }


@dataclass
class OwnerMention:
    """One owner named in an owner cell, before or after directory resolution.

    ``group`` is the key of a collective group ("provincial_departments", ...) when the
    text names every member of one; ``vague`` marks owners nobody can resolve
    automatically ("các đơn vị có liên quan").
    """

    text: str
    group: str | None = None
    vague: bool = False
    agency: str | None = None                       # canonical name, once resolved
    members: list[str] = field(default_factory=list)  # fanned-out agencies of a group

    def as_json(self) -> dict:
        collective = None
        if self.group:
            collective = {"group": self.group, "members": list(self.members)}
        return {"text": self.text, "agency": self.agency, "collective": collective}


@dataclass
class OwnerReading:
    """The owners read from one or two owner cells."""

    lead: list[OwnerMention] = field(default_factory=list)
    coordinate: list[OwnerMention] = field(default_factory=list)
    warnings: list[ReadingWarning] = field(default_factory=list)


@dataclass
class AssignmentReading:
    """One (sub-)row of a task: who does it, what they deliver, by when."""

    lead: list[OwnerMention]
    coordinate: list[OwnerMention]
    output: str
    deadline: DeadlineReading
    line: int
    warnings: list[ReadingWarning] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "lead": [o.as_json() for o in self.lead],
            "coordinate": [o.as_json() for o in self.coordinate],
            "output": self.output,
            "deadline": self.deadline.as_json(),
            "warnings": [w.as_json() for w in self.warnings],
        }


@dataclass
class SectionReading:
    appendix: str | None       # "PL1" for "Phụ lục 1", None for the plan's own body
    numbering: str             # "I", "II" ... as it should be (see warnings when repaired)
    title: str
    position: int

    @property
    def ref(self) -> str:
        return ".".join(p for p in (self.appendix, self.numbering) if p)


@dataclass
class TaskReading:
    ref: str                   # "PL1.IV.2", "II.1", "PL2.3"
    section: SectionReading | None
    number: str                # the task's own number in its section, as written
    content: str
    position: int
    line: int                  # 1-based line of the task's first row in the source
    raw_rows: list[list[str]] = field(default_factory=list)
    assignments: list[AssignmentReading] = field(default_factory=list)
    warnings: list[ReadingWarning] = field(default_factory=list)
    #: quantified targets attached to the task ("đạt 100% ...", "giảm 30% ..."): not tasks themselves
    targets: list[str] = field(default_factory=list)
    #: prose candidates only: how sure the reader is (0–1), why it was proposed, and the sentence
    confidence: float | None = None
    reason: str = ""
    source_text: str = ""
    reason_en: str = ""

    def as_json(self) -> dict:
        return {
            "ref": self.ref,
            "section": self.section.title if self.section else None,
            "content": self.content,
            "source": {"line": self.line},
            "assignments": [a.as_json() for a in self.assignments],
            "warnings": [w.as_json() for w in self.warnings],
            **({"targets": self.targets} if self.targets else {}),
            **({"candidate": {"confidence": self.confidence, "reason": self.reason,
                              "source": self.source_text}} if self.confidence is not None else {}),
        }


@dataclass
class PlanHeader:
    number: str | None = None        # "181/KH-UBND"
    kind: str | None = None          # "Kế hoạch", "Đề án", ...
    title: str | None = None
    issuer: str | None = None        # "UBND huyện Cẩm Xuyên"
    issued_date: date | None = None
    place: str | None = None
    year: int | None = None
    #: the name under the signature block ("Trần Chí Hùng"); not in ``as_json`` (a sheet has no
    #: signature block, and the formats of one plan read alike)
    signer: str | None = None

    def as_json(self) -> dict:
        return {
            "number": self.number, "kind": self.kind, "title": self.title,
            "issuer": self.issuer,
            "issued_date": self.issued_date.isoformat() if self.issued_date else None,
            "place": self.place, "year": self.year,
        }


@dataclass
class PlanReading:
    header: PlanHeader
    sections: list[SectionReading]
    tasks: list[TaskReading]
    source_name: str = ""
    sha256: str = ""
    warnings: list[ReadingWarning] = field(default_factory=list)
    #: tasks proposed from the plan's prose (the "Tổ chức thực hiện" section of a tabular plan,
    #: or the whole text of a prose programme), each with a confidence: the author confirms them
    prose_tasks: list[TaskReading] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "plan": self.header.as_json(),
            "tasks": [t.as_json() for t in self.tasks],
            "warnings": [w.as_json() for w in self.warnings],
            "prose_tasks": [t.as_json() for t in self.prose_tasks],
        }


class NotAPlanError(UserError):
    """The input cannot be read as a plan; ``code`` says why, for callers that branch on it."""

    def __init__(self, code: str, message_vi: str, message_en: str):
        super().__init__(message_vi, message_en)
        self.code = code
