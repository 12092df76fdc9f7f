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

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "a123" for an assignment, "o456" for an occurrence
    item_key: Mapped[str] = mapped_column(String(30))
    step_key: Mapped[str] = mapped_column(String(60))
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("item_key", "step_key"),)


class Setting(Model):
    """An administrator's setting stored as JSON ("reminder_policy": the global defaults)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
