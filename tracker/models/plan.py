"""Plans as issued: the plan, its sections and its tasks (rows of the plan's table)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import PLAN_ACTIVE, Model, Removable, UTCDateTime, utcnow


class Plan(Model):
    """A Kế hoạch / Đề án issued by a People's Committee or a department."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: what identifies "the same plan" across re-imports (number + issuer, or title + year)
    identity: Mapped[str] = mapped_column(String(400), unique=True)
    #: number and symbol as written, spaces tidied ("181/KH-UBND"); None if the plan has none
    number: Mapped[str | None] = mapped_column(String(100))
    #: document kind: Kế hoạch, Đề án, Chương trình hành động ...
    kind: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    #: issuing body as written ("UBND huyện Cẩm Xuyên")
    issuer_name: Mapped[str | None] = mapped_column(String(300))
    #: the issuing body in the directory, when it could be resolved
    issuer_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    issued_date: Mapped[date | None]
    #: place in the header ("Cẩm Xuyên")
    place: Mapped[str | None] = mapped_column(String(200))
    #: the year the plan covers; a deadline without a year falls in it
    year: Mapped[int]
    #: file the plan was last imported from, and its SHA-256
    source_name: Mapped[str] = mapped_column(String(300))
    source_sha256: Mapped[str] = mapped_column(String(64))
    #: draft, active or archived
    status: Mapped[str] = mapped_column(String(20), default=PLAN_ACTIVE)
    #: plan-level warnings from the last reading ([{code, message, suggestion}])
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    #: overrides of the global reminder policy for this plan ({"overdue_every": 5, ...})
    reminder_policy: Mapped[dict | None] = mapped_column(JSON)
    #: the day reminders start for a plan published part-way through its year (None: from
    #: the start); nothing is sent for what fell due or was to be reported before it
    tracking_from: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow,
                                                 onupdate=utcnow)

    issuer = relationship("Agency")
    sections: Mapped[list[Section]] = relationship(back_populates="plan", order_by="Section.position",
                                                   cascade="all, delete-orphan")
    tasks: Mapped[list[Task]] = relationship(back_populates="plan", order_by="Task.position",
                                             cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Plan {self.id} {self.number or self.title[:30]!r}>"


class Section(Model):
    """A heading row of the plan's table ("II. Kiểm soát việc thực hiện TTHC"), per appendix."""

    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    #: "PL1" for Phụ lục 1, None for the plan's own body
    appendix: Mapped[str | None] = mapped_column(String(20))
    #: Roman numbering as read (repaired when the source repeats a number)
    numbering: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    position: Mapped[int]

    plan: Mapped[Plan] = relationship(back_populates="sections")


class Task(Removable, Model):
    """One numbered row of the plan: what is to be done. Its owners are its assignments."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id", ondelete="SET NULL"))
    #: stable reference within the plan ("PL1.IV.2")
    ref: Mapped[str] = mapped_column(String(60))
    content: Mapped[str] = mapped_column(Text)
    position: Mapped[int]
    #: 1-based line of the source where the row starts
    source_line: Mapped[int]
    #: the raw table cells the task was read from, one list per source line
    raw_cells: Mapped[list] = mapped_column(JSON, default=list)
    #: the reader's doubts about this row ([{code, message, suggestion}])
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    #: quantified targets stated with the task ("đạt 100% hồ sơ ..."), kept as text
    targets: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow,
                                                 onupdate=utcnow, server_default=func.now())

    plan: Mapped[Plan] = relationship(back_populates="tasks")
    section: Mapped[Section | None] = relationship()
    assignments = relationship("Assignment", back_populates="task", cascade="all, delete-orphan",
                               order_by="(Assignment.row, Assignment.role, Assignment.id)")

    __table_args__ = (
        # A reference names one live task; a removed task keeps the reference it had.
        Index("uq_tasks_live_ref", "plan_id", "ref", unique=True,
              sqlite_where=text("removed_at IS NULL"), postgresql_where=text("removed_at IS NULL")),
    )


class ImportDraft(Model):
    """An uploaded plan file between upload and publication: what the author checks and fixes.

    The reading is redone from the stored bytes on every view (it is pure and fast), so the
    draft keeps only the file and the author's decisions.
    """

    __tablename__ = "import_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the account that uploaded it (only they and administrators see the draft)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    #: the author's decisions: {"owners": {mention: [agency ids]}, "deadlines": {"ref/row": text},
    #: "prose": [refs to import]}
    choices: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the plan it became, once published
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the background publish (plans/publishing.py): "running", "failed", or None (none asked)
    job_state: Mapped[str | None] = mapped_column(String(10))
    #: the step it is at: "queued", "reading", "writing" (the page's progress bar)
    job_step: Mapped[str | None] = mapped_column(String(10))
    #: why it failed, in both languages ({"vi": ..., "en": ...}), shown to the author once
    job_error: Mapped[dict | None] = mapped_column(JSON)
    #: when it last reported a step: a publish silent for too long was interrupted
    job_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: what publishing would change in the existing plan (drafts.Changes as JSON), and the key
    #: of the choices and plan state it was computed for (None while being computed)
    changes: Mapped[dict | None] = mapped_column(JSON)
    changes_key: Mapped[str | None] = mapped_column(String(64))
    #: when that computation started (one that never finished is started again)
    changes_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
