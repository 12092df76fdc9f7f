"""What the reminder planner keeps: the ledger of steps planned, and the settings
administrators store (the global reminder policy)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, UTCDateTime, utcnow


class SentStep(Model):
    """The ledger of reminder steps already planned for an item: never planned twice."""

    __tablename__ = "sent_steps"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: "a123" for an assignment, "o456" for an occurrence
    item_key: Mapped[str] = mapped_column(String(30))
    #: the step planned ("before-3", "overdue-2", "escalation_head", "checkin-2017-06-14")
    step_key: Mapped[str] = mapped_column(String(60))
    #: when the planner queued the step's messages
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("item_key", "step_key"),)


class Setting(Model):
    """An administrator's setting stored as JSON ("reminder_policy": the global defaults)."""

    __tablename__ = "settings"

    #: the setting's name ("reminder_policy" is the only one so far)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    #: its value (for reminder_policy: the ReminderPolicy fields)
    value: Mapped[dict] = mapped_column(JSON)
    #: when an administrator last changed it
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
