"""Plans as issued: the plan, its sections and its tasks (rows of the plan's table)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, false, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..vocabulary import Urgency
from .base import PLAN_ACTIVE, Model, Removable, UTCDateTime, utcnow


class Plan(Model):
    """A Kế hoạch / Đề án issued by a People's Committee or a department."""

    __tablename__ = "plans"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: what identifies "the same plan" across re-imports (number + issuer, or title + year)
    identity: Mapped[str] = mapped_column(String(400), unique=True)
    #: number and symbol as written, spaces tidied ("181/KH-UBND"); None if the plan has none
    number: Mapped[str | None] = mapped_column(String(100))
    #: document kind: Kế hoạch, Đề án, Chương trình hành động ...
    kind: Mapped[str] = mapped_column(String(100))
    #: the title after the document kind, as written ("Kiểm soát thủ tục hành chính năm 2021")
    title: Mapped[str] = mapped_column(Text)
    #: issuing body as written ("UBND huyện Cẩm Xuyên")
    issuer_name: Mapped[str | None] = mapped_column(String(300))
    #: the issuing body in the directory, when it could be resolved
    issuer_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    #: the date in the header ("ngày 31 tháng 01 năm 2020"); None if it could not be read
    issued_date: Mapped[date | None]
    #: place in the header ("Cẩm Xuyên")
    place: Mapped[str | None] = mapped_column(String(200))
    #: who signed the document, as written under the signature block ("Nguyễn Văn A"); None if unknown
    signer: Mapped[str | None] = mapped_column(String(200))
    #: the year the plan covers; a deadline without a year falls in it
    year: Mapped[int]
    #: name of the file the plan was last imported from
    source_name: Mapped[str] = mapped_column(String(300))
    #: hex SHA-256 of that file's bytes
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
    #: when the plan was first imported
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: last change to the plan row (import, author's edit): part of its events' LAST-MODIFIED
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

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the plan whose table it heads a part of; deleted with the plan (CASCADE)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    #: "PL1" for Phụ lục 1, None for the plan's own body
    appendix: Mapped[str | None] = mapped_column(String(20))
    #: Roman numbering as read (repaired when the source repeats a number)
    numbering: Mapped[str] = mapped_column(String(20))
    #: the heading as written ("Kiểm soát việc thực hiện TTHC")
    title: Mapped[str] = mapped_column(Text)
    #: order among the plan's headings
    position: Mapped[int]

    plan: Mapped[Plan] = relationship(back_populates="sections")


class Task(Removable, Model):
    """One numbered row of the plan: what is to be done. Its owners are its assignments."""

    __tablename__ = "tasks"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the plan it is a row of; deleted with the plan (CASCADE)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    #: the heading it sits under; None if none, or once a re-import drops that heading (SET NULL)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id", ondelete="SET NULL"))
    #: stable reference within the plan ("PL1.IV.2")
    ref: Mapped[str] = mapped_column(String(60))
    #: what is to be done, as written in the task cell ("Nội dung công việc")
    content: Mapped[str] = mapped_column(Text)
    #: order of the row in the plan (lists, feeds and reports follow it)
    position: Mapped[int]
    #: 1-based line of the source where the row starts
    source_line: Mapped[int]
    #: the raw table cells the task was read from, one list per source line
    raw_cells: Mapped[list] = mapped_column(JSON, default=list)
    #: the reader's doubts about this row ([{code, message, suggestion}])
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    #: quantified targets stated with the task ("đạt 100% hồ sơ ..."), kept as text
    targets: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    #: a key task ("nhiệm vụ trọng tâm"), set by the author: reminded more tightly, marked in lists and reports
    key_task: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: how urgent it is (tracker.vocabulary.Urgency: normal, urgent, very_urgent, flash)
    urgency: Mapped[str] = mapped_column(String(20), default=Urgency.NORMAL.value, server_default="normal")
    #: the leader directing it ("lãnh đạo chỉ đạo", "đồng chí Phó Chủ tịch UBND tỉnh"), as the author writes it
    directing_leader: Mapped[str | None] = mapped_column(String(200))
    #: last change to the row (wording, section, owners): its events' LAST-MODIFIED, and part of a draft's changes key
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

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the account that uploaded it (only they and administrators see the draft)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    #: the uploaded file's name (shown in the author's list; becomes the plan's source_name)
    filename: Mapped[str] = mapped_column(String(300))
    #: hex SHA-256 of the file (part of the changes key)
    sha256: Mapped[str] = mapped_column(String(64))
    #: the file's bytes, read again on every view of the draft
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    #: the author's decisions: {"owners": {mention: [agency ids]}, "deadlines": {"ref/row": text},
    #: "prose": [refs to import]}
    choices: Mapped[dict] = mapped_column(JSON, default=dict)
    #: when it was uploaded
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the plan it became, once published
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    #: when it was published into the plan (None: still a draft, which can be edited or discarded)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the background publish (plans/publishing.py): "running", "failed", or None (none asked)
    job_state: Mapped[str | None] = mapped_column(String(10))
    #: the step it is at: "queued", "reading", "writing" (the page's progress bar)
    job_step: Mapped[str | None] = mapped_column(String(10))
    #: why it failed, in both languages ({"vi": ..., "en": ...}), shown to the author once
    job_error: Mapped[dict | None] = mapped_column(JSON)
    #: when it last reported a step: a publish silent for too long was interrupted
    job_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: what publishing would change in the existing plan (drafts.Changes as JSON; None while
    #: being computed)
    changes: Mapped[dict | None] = mapped_column(JSON)
    #: the key of the file, choices and plan state those changes were computed for (drafts.changes_key)
    changes_key: Mapped[str | None] = mapped_column(String(64))
    #: when that computation started (one that never finished is started again)
    changes_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
