"""What the scheduler did: one row per job run, for the administrators' page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, UTCDateTime, utcnow


class JobRun(Model):
    """One run of a scheduled job (planning, digest, sending)."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: reminders, overdue, escalation, checkins, digest or send
    job: Mapped[str] = mapped_column(String(30))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: ok or failed
    outcome: Mapped[str] = mapped_column(String(10), default="ok")
    #: the job's own report ("12 messages planned"), or the error
    summary: Mapped[str] = mapped_column(Text, default="")
    #: the same report in English (None for an error, which is the exception's own text)
    summary_en: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_job_runs_job_started", "job", "started_at"),)
