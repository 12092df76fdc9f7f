"""Shared column helpers and vocabularies for the models."""

from __future__ import annotations

from ..clock import now as utcnow  # noqa: F401  (stored timestamps follow the app's clock)
from ..extensions import db

Model = db.Model


# Status of an assignment or an occurrence (docs/domain.md, "Statuses").
NOT_STARTED, IN_PROGRESS, DONE, PAUSED, CANCELLED = (
    "not_started", "in_progress", "done", "paused", "cancelled")
STATUSES = (NOT_STARTED, IN_PROGRESS, DONE, PAUSED, CANCELLED)
STATUS_LABELS_VI = {
    NOT_STARTED: "Chưa thực hiện",
    IN_PROGRESS: "Đang thực hiện",
    DONE: "Hoàn thành",
    PAUSED: "Tạm dừng",
    CANCELLED: "Hủy",
}

# Role of an agency in a task.
LEAD, COORDINATE = "lead", "coordinate"

# Plan life cycle.
PLAN_DRAFT, PLAN_ACTIVE, PLAN_ARCHIVED = "draft", "active", "archived"
