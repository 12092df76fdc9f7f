"""Shared column helpers and vocabularies for the models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

from sqlalchemy import DateTime, Table, TypeDecorator, event
from sqlalchemy.orm import Mapped, Session, mapped_column, with_loader_criteria

from ..clock import now as utcnow  # noqa: F401  (stored timestamps follow the app's clock)
from ..extensions import Base, db
from ..vocabulary import N_, Vocabulary

# Models subclass ``db.Model`` (Flask-SQLAlchemy's session and query helpers) built on the
# typed ``Base``; the type checker is shown ``Base`` itself, which it can follow.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


class UTCDateTime(TypeDecorator[datetime]):
    """A moment, stored in UTC and always read back aware.

    PostgreSQL keeps the zone (``timestamptz``); SQLite keeps none and gives naive values
    back, and would store an aware value's wall time as it stands. So every value is turned
    to UTC on the way in (a naive one is taken as UTC already) and marked UTC on the way out:
    no code after the model has to guess.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


def table_of(model: type[Base]) -> Table:
    """A model's Core table, for the few hot paths that skip the ORM (the type checker is
    told ``FromClause``, which cannot be updated or inserted into)."""
    return cast(Table, model.__table__)


class Removable:
    """A row an amended plan dropped: kept with its history, hidden from everything else.

    Nothing an officer reported is ever deleted by an import. A removed task or assignment
    ("đã bỏ khỏi kế hoạch") leaves reminders, feeds, work lists and statistics because every
    ORM query leaves it out (below); the few places that show or restore removed rows ask
    for them with ``execution_options(include_removed=True)``. Objects loaded that way load
    their relationships that way too (removed children included) for the rest of the
    session: the importer wants exactly that; a page asking for removed rows shows them.
    """

    #: when an amended plan dropped it (None: part of the plan)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


@event.listens_for(Session, "do_orm_execute")
def _hide_removed(state) -> None:
    # SQLAlchemy's documented recipe for soft deletion: the criteria also reach the
    # relationship loads (lazy and selectin) of what the statement loads.
    if (state.is_select and not state.is_column_load and not state.is_relationship_load
            and state.lazy_loaded_from is None     # a lazy load carries its statement's criteria
            and not state.execution_options.get("include_removed", False)):
        state.statement = state.statement.options(with_loader_criteria(
            Removable, lambda cls: cls.removed_at.is_(None), include_aliases=True))


class Status(Vocabulary):
    """The status of an assignment or an occurrence (docs/domain.md, "Statuses")."""

    NOT_STARTED = "not_started", N_("Chưa thực hiện")
    IN_PROGRESS = "in_progress", N_("Đang thực hiện")
    DONE = "done", N_("Hoàn thành")
    PAUSED = "paused", N_("Tạm dừng")
    CANCELLED = "cancelled", N_("Đã hủy")


NOT_STARTED, IN_PROGRESS, DONE, PAUSED, CANCELLED = Status
STATUSES = Status.codes()
STATUS_LABELS_VI = Status.labels()

# Role of an agency in a task.
LEAD, COORDINATE = "lead", "coordinate"

# Plan life cycle.
PLAN_DRAFT, PLAN_ACTIVE, PLAN_ARCHIVED = "draft", "active", "archived"
