"""Explanations (giải trình): a leader or author asks an agency why an item is late; the
agency's officer answers with the reason, a new expected date and evidence."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..vocabulary import N_, Vocabulary
from .assignment import Assignment, Evidence, Occurrence, StatusChange
from .base import Model, UTCDateTime, utcnow


class ExplanationState(Vocabulary):
    """Where an explanation request stands."""

    OPEN = "open", N_("Chờ giải trình")
    ANSWERED = "answered", N_("Đã giải trình")
    WITHDRAWN = "withdrawn", N_("Đã rút yêu cầu")


EXPLANATION_OPEN, EXPLANATION_ANSWERED, EXPLANATION_WITHDRAWN = ExplanationState
EXPLANATION_STATES = ExplanationState.codes()


class ExplanationRequest(Model):
    """A leader or plan author asks an agency to explain an overdue item; its officer answers."""

    __tablename__ = "explanation_requests"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the late assignment to explain; deleted with it (CASCADE)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    #: for a recurring assignment, the one period that is late (None: the assignment as a whole)
    occurrence_id: Mapped[int | None] = mapped_column(ForeignKey("occurrences.id", ondelete="CASCADE"))
    #: e-mail address of the leader, author or administrator who asked
    asked_by: Mapped[str] = mapped_column(String(200))
    #: when it was asked
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: what the asker wants explained, in their words ("" if nothing beyond the request itself)
    message: Mapped[str] = mapped_column(Text, default="")
    #: the day the answer is due (default: 5 working days after the request); reminded after it
    due_on: Mapped[date]
    #: open, answered or withdrawn
    state: Mapped[str] = mapped_column(String(20), default=EXPLANATION_OPEN, index=True)
    #: e-mail address of the officer who answered (None while open)
    answered_by: Mapped[str | None] = mapped_column(String(200))
    #: when it was answered (None while open)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the agency's explanation of the delay ("" while open)
    reason: Mapped[str] = mapped_column(Text, default="")
    #: the day the agency now expects to finish (None: not given, e.g. already done)
    new_expected_date: Mapped[date | None]
    #: the history entry the answer wrote; its evidence files are the answer's (None while open)
    answer_entry_id: Mapped[int | None] = mapped_column(ForeignKey("status_changes.id", ondelete="SET NULL"))
    #: e-mail address of who withdrew the request (None unless withdrawn)
    withdrawn_by: Mapped[str | None] = mapped_column(String(200))
    #: when it was withdrawn (None unless withdrawn)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    assignment: Mapped[Assignment] = relationship()
    occurrence: Mapped[Occurrence | None] = relationship()
    answer_entry: Mapped[StatusChange | None] = relationship()

    @property
    def evidence(self) -> list[Evidence]:
        """The files the answer came with (stored as a progress report's are)."""
        return list(self.answer_entry.evidence) if self.answer_entry is not None else []
