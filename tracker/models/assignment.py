"""Who owes what by when: assignments, their deadlines and occurrences, and status history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import NOT_STARTED, Model, Removable, UTCDateTime, utcnow


class Deadline(Model):
    """The structured reading of one deadline cell, with the text as written."""

    __tablename__ = "deadlines"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the phrase as written in the plan ("Trong quý II/2017")
    text: Mapped[str] = mapped_column(Text)
    #: date, range, recurring, continuous, event, external or unknown
    kind: Mapped[str] = mapped_column(String(20))
    #: first day of the named period, if any
    start: Mapped[date | None]
    #: the day it is due (None for continuous, event-driven, external, unknown)
    due: Mapped[date | None]
    #: reporting periods of a recurring deadline (monthly, quarterly, ...)
    periods: Mapped[list] = mapped_column(JSON, default=list)
    #: also triggered by an event ("... hoặc đột xuất")
    also_event: Mapped[bool] = mapped_column(default=False)
    #: for an event deadline: days after the event ("sau năm ngày, kể từ ...")
    offset_days: Mapped[int | None]
    #: reader flags (deadline_before_issue, year_assumed, approximate ...)
    flags: Mapped[list] = mapped_column(JSON, default=list)


class Assignment(Removable, Model):
    """One responsible agency for one (sub-)row of a task, in one role."""

    __tablename__ = "assignments"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the task (plan row) this is one owner's share of; deleted with the task (CASCADE)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    #: index of the sub-row within the task (0 = the numbered row)
    row: Mapped[int] = mapped_column(default=0)
    #: lead (chủ trì) or coordinate (phối hợp)
    role: Mapped[str] = mapped_column(String(20))
    #: the agency; None while the owner is unresolved (see owner_text)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    #: the owner as written in the plan ("UBND cấp xã", "các đơn vị có liên quan")
    owner_text: Mapped[str] = mapped_column(String(500))
    #: the collective group this assignment was fanned out from, if any
    group_key: Mapped[str | None] = mapped_column(String(40))
    #: expected output (Dự kiến sản phẩm / Kết quả)
    output: Mapped[str] = mapped_column(Text, default="")
    #: the deadline in force, shared by the owners of one sub-row until an approved extension gives this one its own
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id"), index=True)
    #: not_started, in_progress, done, paused, cancelled
    status: Mapped[str] = mapped_column(String(20), default=NOT_STARTED)
    #: reported progress, 0-100
    progress: Mapped[int] = mapped_column(default=0)
    #: when it was reported done (drives the on-time category)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the plan's due date before an approved extension; statistics judge against it
    original_due: Mapped[date | None]
    #: the plan author sent the reported output back as not accepted (cleared on the next report)
    returned: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: the reader's doubts about this owner or sub-row
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    #: grows on every material change (due date, status, text): calendar SEQUENCE
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    #: when an import first wrote it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: last change to the row (import, edit, report): its events' LAST-MODIFIED and part of a draft's changes key
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow,
                                                 onupdate=utcnow)
    #: the first day the reminder planner can owe this assignment a step (None: work it out on the next run;
    #: 9999-12-31: never, unless something changes); kept by tracker.reminders.planner and .invalidation
    next_step_on: Mapped[date | None] = mapped_column(index=True)

    task = relationship("Task", back_populates="assignments")
    agency = relationship("Agency")
    deadline: Mapped[Deadline] = relationship()
    occurrences: Mapped[list[Occurrence]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", order_by="Occurrence.due")
    history: Mapped[list[StatusChange]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", order_by="StatusChange.id")

    __table_args__ = (
        # Open work is what reminders look at: index it where it is not finished.
        Index("ix_assignments_open", "status", "agency_id"),
    )


class Occurrence(Removable, Model):
    """One reporting period of a recurring assignment, tracked on its own."""

    __tablename__ = "occurrences"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the recurring assignment this is one period of; deleted with it (CASCADE)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"),
                                               index=True)
    #: monthly, quarterly, semiannual, nine_months or annual
    period: Mapped[str] = mapped_column(String(20))
    #: "Quý I/2017", "6 tháng đầu năm 2017"
    label: Mapped[str] = mapped_column(String(100))
    #: first day of the data period (Decree 09/2019: 15th of one month to the 14th of another)
    start: Mapped[date]
    #: the cut-off ("ngày chốt số liệu"): last day of the data, normally the 14th of the period's last month
    cutoff: Mapped[date]
    #: the day the report is due
    due: Mapped[date] = mapped_column(index=True)
    #: not_started, in_progress, done, paused or cancelled: this period's own status
    status: Mapped[str] = mapped_column(String(20), default=NOT_STARTED)
    #: when this period's report was marked done (drives its on-time category)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the period's due date before an approved extension; statistics judge against it
    original_due: Mapped[date | None]
    #: grows on every material change: calendar SEQUENCE
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    #: last change to the row: the LAST-MODIFIED of its calendar event
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow,
                                                 onupdate=utcnow, server_default=func.now())

    assignment: Mapped[Assignment] = relationship(back_populates="occurrences")

    __table_args__ = (UniqueConstraint("assignment_id", "period", "due"),)


class StatusChange(Model):
    """History: who changed an assignment's (or occurrence's) status, when, and why."""

    __tablename__ = "status_changes"

    #: surrogate key (also the order of an assignment's history)
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the assignment whose history this is; deleted with it (CASCADE)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"),
                                               index=True)
    #: the reporting period it is about (None: the assignment as a whole); deleted with the period (CASCADE)
    occurrence_id: Mapped[int | None] = mapped_column(ForeignKey("occurrences.id", ondelete="CASCADE"))
    #: when the change was made (the history is shown newest first)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: who made the change: the account's e-mail, or "import", "system", "cli"
    changed_by: Mapped[str] = mapped_column(String(200))
    #: the status before the change (None: not recorded)
    from_status: Mapped[str | None] = mapped_column(String(20))
    #: the status after it (unchanged by extensions, edits and restores)
    to_status: Mapped[str] = mapped_column(String(20))
    #: the percentage reported with it (None: not given)
    progress: Mapped[int | None]
    #: the officer's words, the reason an output was sent back, or the system's note in Vietnamese
    comment: Mapped[str] = mapped_column(Text, default="")
    #: the English of a comment the system wrote (edits, extensions, restores); None for a
    #: person's own words, which are shown as written
    comment_en: Mapped[str | None] = mapped_column(Text)
    #: what kind of entry: report (officer's update), returned (output not accepted),
    #: extension (due date moved), edit (the plan author corrected the plan), import, system
    kind: Mapped[str] = mapped_column(String(20), default="report", server_default="report")

    assignment: Mapped[Assignment] = relationship(back_populates="history")
    occurrence: Mapped[Occurrence | None] = relationship()
    evidence: Mapped[list[Evidence]] = relationship(back_populates="status_change",
                                                    cascade="all, delete-orphan")


class Evidence(Model):
    """A file an officer attached to a progress report (minutes, a decision, a report)."""

    __tablename__ = "evidence"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the progress report it was attached to; deleted with it (CASCADE)
    status_change_id: Mapped[int] = mapped_column(
        ForeignKey("status_changes.id", ondelete="CASCADE"), index=True)
    #: the file name as uploaded (shown, never used as a path)
    filename: Mapped[str] = mapped_column(String(255))
    #: the type checked from the content, not the name (application/pdf, image/png ...)
    content_type: Mapped[str] = mapped_column(String(100))
    #: size of the file in bytes (shown in KB beside its name)
    size: Mapped[int]
    #: hex SHA-256 of the bytes, recorded at upload
    sha256: Mapped[str] = mapped_column(String(64))
    #: the bytes, kept in the database so a backup of it is a backup of everything
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    #: when it was uploaded (the time of its report)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    status_change: Mapped[StatusChange] = relationship(back_populates="evidence")


PENDING, APPROVED, REFUSED = "pending", "approved", "refused"


class ExtensionRequest(Model):
    """An officer asks to move a due date; the plan author approves or refuses."""

    __tablename__ = "extension_requests"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the assignment whose due date is to move; deleted with it (CASCADE)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"),
                                               index=True)
    #: for a recurring assignment, the one period whose report is to move
    occurrence_id: Mapped[int | None] = mapped_column(ForeignKey("occurrences.id", ondelete="CASCADE"))
    #: the due date in force when the request was made
    current_due: Mapped[date]
    #: the later date asked for (the due date in force once approved)
    requested_due: Mapped[date]
    #: why the officer asks (required; sent to the plan authors)
    reason: Mapped[str] = mapped_column(Text)
    #: e-mail address of the person who asked
    requested_by: Mapped[str] = mapped_column(String(200))
    #: when it was asked
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: pending, approved or refused
    state: Mapped[str] = mapped_column(String(20), default=PENDING, index=True)
    #: e-mail address of the plan author who approved or refused it (None while pending)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    #: when it was decided (None while pending)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the plan author's note on the decision, sent to the officers ("" if none)
    decision_comment: Mapped[str] = mapped_column(Text, default="")

    assignment: Mapped[Assignment] = relationship()
    occurrence: Mapped[Occurrence | None] = relationship()
