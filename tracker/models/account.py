"""People who sign in: administrators, plan authors, leaders and focal officers."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .base import Model, utcnow

ADMIN, AUTHOR, LEADER, OFFICER = "admin", "author", "leader", "officer"
ROLES = (ADMIN, AUTHOR, LEADER, OFFICER)
ROLE_LABELS_VI = {ADMIN: "Quản trị", AUTHOR: "Soạn kế hoạch", LEADER: "Lãnh đạo",
                  OFFICER: "Cán bộ đầu mối"}


class Account(UserMixin, Model):
    """A person who signs in. Officers' agencies come from the directory (FocalOfficer rows
    with the same e-mail), so the directory stays the one place that says who is responsible."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: sign-in name, lower case; also where sign-in links are sent
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: admin, author, leader or officer
    role: Mapped[str] = mapped_column(String(20))
    #: the People's Committee whose plans an author or leader works on (None: admin, officer)
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    #: werkzeug hash (scrypt); None for officers who sign in only by e-mailed link
    password_hash: Mapped[str | None] = mapped_column(String(256))
    #: interface language: vi or en
    language: Mapped[str] = mapped_column(String(5), default="vi")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    committee = relationship("Agency")

    @property
    def is_active(self) -> bool:        # Flask-Login refuses inactive accounts
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<Account {self.email} {self.role}>"
