"""People who sign in: administrators, plan authors, leaders and focal officers."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..vocabulary import N_, Vocabulary
from .base import Model, UTCDateTime, utcnow


class Role(Vocabulary):
    """What an account may do (docs/domain.md, "Who uses it")."""

    ADMIN = "admin", N_("Quản trị")
    AUTHOR = "author", N_("Chuyên viên theo dõi")
    LEADER = "leader", N_("Lãnh đạo")
    OFFICER = "officer", N_("Cán bộ đầu mối")


ADMIN, AUTHOR, LEADER, OFFICER = Role
ROLES = Role.codes()
ROLE_LABELS_VI = Role.labels()


class Account(UserMixin, Model):
    """A person who signs in. Officers' agencies come from the directory (FocalOfficer rows
    with the same e-mail), so the directory stays the one place that says who is responsible."""

    __tablename__ = "accounts"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: sign-in name, lower case; also where sign-in links are sent
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: full name, as pages and messages show who acted (an officer's comes from the directory)
    name: Mapped[str] = mapped_column(String(200))
    #: admin, author, leader or officer
    role: Mapped[str] = mapped_column(String(20))
    #: the People's Committee whose plans an author or leader works on (None: admin, officer)
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    #: werkzeug hash (scrypt); None for officers who sign in only by e-mailed link
    password_hash: Mapped[str | None] = mapped_column(String(256))
    #: interface language: vi or en
    language: Mapped[str] = mapped_column(String(5), default="vi")
    #: disabled ("Khóa") when False: no sign-in, and its open sessions stop working
    active: Mapped[bool] = mapped_column(default=True)
    #: moved on by sign-out, a password or role change, disabling and "đăng xuất mọi nơi":
    #: a session cookie made under an older epoch no longer signs anyone in
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    #: when the account was made (by an administrator, the CLI or an officer's first link)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the last sign-in, by password or e-mailed link (shown on the accounts page)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    committee = relationship("Agency")

    @property
    def is_active(self) -> bool:        # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        # Flask-Login's "alternative token": the session names the account *and* its epoch,
        # so bumping the epoch ends every session made before.
        return f"{self.id}:{self.session_epoch}"

    def end_sessions(self) -> None:
        """Sign this account out everywhere (every existing session cookie stops working)."""
        self.session_epoch = (self.session_epoch or 0) + 1

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<Account {self.email} {self.role}>"


class SignInLink(Model):
    """A sign-in link sent by e-mail: minted when the message is handed to the mail server,
    usable once, until ``expires_at``. Only the token's SHA-256 is stored, so neither the
    database nor the outbox holds a working link."""

    __tablename__ = "sign_in_links"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 (hex) of the token in the link
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: whom the link signs in (lower case)
    email: Mapped[str] = mapped_column(String(254), index=True)
    #: the page on this site the link opens
    path: Mapped[str] = mapped_column(String(500))
    #: when it was minted: when its message was handed to the mail server
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: it no longer signs in from this time (days for focal officers, hours for other roles)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: when it was used to sign in (it cannot be used again)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when a fresh link was asked for from this one (at most once, so it cannot be used to
    #: flood the address)
    resent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignInThrottle(Model):
    """Failed password sign-ins for one key ("account:<email>" or "client:<address>"), kept in
    the database so the limit holds across workers and restarts."""

    __tablename__ = "sign_in_throttles"

    #: what is counted: "account:<email>" (the address typed) or "client:<address>"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    #: failures since ``window_start`` (reset by a success or when the window has passed)
    failures: Mapped[int] = mapped_column(default=0)
    #: when the current count of failures began (after an account lock: when it ends)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: no attempt is checked before this time
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
