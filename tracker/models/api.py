"""Personal access tokens for the REST API (``/api/v1/``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .account import Account
from .base import Model, UTCDateTime, utcnow


class ApiToken(Model):
    """A personal access token: acts as its account (role and scope), nothing more. Only the
    token's SHA-256 is stored; the token itself (``trk_…``) is shown once, when made."""

    __tablename__ = "api_tokens"

    #: surrogate key (what ``flask tokens revoke`` and the account page name)
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the account the token acts as; deleted with it (CASCADE)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    #: the name its owner gave it ("Báo cáo tuần", "Power BI")
    name: Mapped[str] = mapped_column(String(100))
    #: hex SHA-256 of the token: a stolen database gives no working token
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: last four characters, so people can tell their tokens apart in a list
    hint: Mapped[str] = mapped_column(String(8))
    #: when it was made
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: who made it: the account's own e-mail (settings page) or "cli"
    created_by: Mapped[str] = mapped_column(String(200))
    #: it no longer authenticates from this time (401)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: when a request last used it (written at most once a minute)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: revoked tokens answer 401 and are kept for the audit trail
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    account: Mapped[Account] = relationship()

    def live(self, now: datetime) -> bool:
        """Neither revoked nor expired at ``now``."""
        return self.revoked_at is None and self.expires_at > now

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.name!r} …{self.hint}>"
