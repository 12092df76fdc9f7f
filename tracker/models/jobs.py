"""What the scheduler did: one row per job run, for the administrators' page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, UTCDateTime, utcnow


class JobRun(Model):
    """One run of a scheduled job (planning, digest, sending)."""

    __tablename__ = "job_runs"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: which job ran (a Job: reminders, overdue, escalation, checkins, digest, send, feeds)
    job: Mapped[str] = mapped_column(String(30))
    #: when the run began (runs older than 90 days are pruned by it)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when it ended, done or failed (the runs page shows the duration)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: ok or failed
    outcome: Mapped[str] = mapped_column(String(10), default="ok")
    #: the job's own report ("12 messages planned"), or the error
    summary: Mapped[str] = mapped_column(Text, default="")
    #: the same report in English (None for an error, which is the exception's own text)
    summary_en: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_job_runs_job_started", "job", "started_at"),)
