"""Creating and changing accounts (the CLI and the administrators' pages both call this)."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..directory.resolve import normal
from ..errors import UserError
from ..models import ADMIN, AUTHOR, LEADER, OFFICER, ROLES, Account, Agency, AgencyAlias

MIN_PASSWORD = 10
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(UserError):
    """``field`` names the form field the message belongs next to (None: the whole form)."""

    def __init__(self, message_vi: str, message_en: str, field: str | None = None):
        super().__init__(message_vi, message_en)
        self.field = field


def find_committee(session: Session, name: str) -> Agency:
    """A People's Committee (or any agency) by its name or an alias, diacritics and case ignored."""
    key = normal(name)
    found = [a for a in session.scalars(select(Agency)) if normal(a.name) == key]
    if not found:
        found = [al.agency for al in session.scalars(select(AgencyAlias)) if normal(al.alias) == key]
    if len(found) != 1:
        raise AccountError(f"Không tìm thấy duy nhất một cơ quan tên “{name}” trong danh mục cơ quan.",
                           f"No single agency named “{name}” in the directory.", "committee")
    return found[0]


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.",
                           f"The password needs at least {MIN_PASSWORD} characters.", "password")


def find_account(session: Session, email: str) -> Account | None:
    return session.scalar(select(Account).where(func.lower(Account.email) == email.strip().lower()))


def set_password(account: Account, password: str) -> None:
    """A new password; every session of the account ends (the caller may sign the person
    in again, as the self-service page does)."""
    check_password(password)
    account.set_password(password)
    account.end_sessions()


def set_role(session: Session, account: Account, role: str, committee: Agency | None = None) -> None:
    """Change what an account may do; its sessions end, so the new rights apply at once."""
    if role not in ROLES:
        raise AccountError(f"Vai trò “{role}” không có ({', '.join(ROLES)}).", f"Unknown role “{role}”.", "role")
    if role in (AUTHOR, LEADER) and committee is None and account.committee_id is None:
        raise AccountError("Chuyên viên theo dõi và lãnh đạo cần thuộc một UBND: chọn UBND của họ.",
                           "Authors and leaders need a People's Committee.", "committee")
    if role != ADMIN:
        _keep_an_administrator(session, account, "Không thể bỏ quyền của tài khoản quản trị cuối cùng.",
                               "The last active administrator cannot lose the role.")
    account.role = role
    if committee is not None:
        account.committee_id = committee.id
    if role == ADMIN or role == OFFICER:
        account.committee_id = None
    account.end_sessions()


def _keep_an_administrator(session: Session, account: Account, message_vi: str, message_en: str) -> None:
    """Refuse a change that would leave no active administrator (nobody could then manage
    accounts from the pages)."""
    if account.role == ADMIN and account.active:
        others = session.scalar(select(func.count(Account.id)).where(
            Account.role == ADMIN, Account.active.is_(True), Account.id != account.id))
        if not others:
            raise AccountError(message_vi, message_en)


def set_active(session: Session, account: Account, active: bool) -> None:
    """Enable or disable sign-in. The last active administrator cannot be disabled: nobody
    could then manage accounts from the pages."""
    if not active:
        _keep_an_administrator(session, account, "Không thể khóa tài khoản quản trị cuối cùng.",
                               "The last active administrator cannot be disabled.")
    account.active = active
    # Disabling ends every session; enabling again does not bring the old ones back.
    account.end_sessions()


def create_account(session: Session, email: str, name: str, role: str, committee: Agency | None = None,
                   password: str | None = None, language: str = "vi") -> Account:
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise AccountError(f"Địa chỉ thư “{email}” không hợp lệ.", f"“{email}” is not an e-mail address.",
                           "email")
    if role not in ROLES:
        raise AccountError(f"Vai trò “{role}” không có ({', '.join(ROLES)}).", f"Unknown role “{role}”.", "role")
    if role in (AUTHOR, LEADER) and committee is None:
        raise AccountError("Chuyên viên theo dõi và lãnh đạo cần thuộc một UBND: chọn UBND của họ.",
                           "Authors and leaders need a People's Committee.", "committee")
    if session.scalar(select(Account).where(func.lower(Account.email) == email)) is not None:
        raise AccountError(f"Đã có tài khoản {email}.", f"An account {email} already exists.", "email")
    account = Account(email=email, name=name.strip() or email, role=role, language=language,
                      committee_id=committee.id if committee is not None and role != ADMIN else None)
    if password is not None:
        check_password(password)
        account.set_password(password)
    session.add(account)
    session.flush()
    return account


def demo_accounts(session: Session, password: str) -> list[Account]:
    """Development only (`flask dev`): an administrator, and for each committee in the
    directory that issued a plan, an author and a leader; plus each such plan's first focal
    officer gets a password. Idempotent."""
    from ..models import FocalOfficer, Plan
    made = []

    def ensure(email, name, role, committee=None):
        account = session.scalar(select(Account).where(Account.email == email))
        if account is None:
            account = create_account(session, email, name, role, committee, password)
            made.append(account)
        return account

    ensure("quantri@tracker.example", "Quản trị hệ thống", ADMIN)
    for plan in session.scalars(select(Plan).where(Plan.issuer_id.is_not(None)).order_by(Plan.id)):
        committee = plan.issuer
        domain = (committee.head_email or "tracker.example").split("@")[-1]
        ensure(f"soanthao@{domain}", f"Văn phòng — {committee.name}", AUTHOR, committee)
        ensure(f"lanhdao@{domain}", f"Lãnh đạo — {committee.name}", LEADER, committee)
        officer = session.scalar(select(FocalOfficer).join(FocalOfficer.agency)
                                 .where(Agency.parent_id == committee.id, FocalOfficer.email.is_not(None))
                                 .order_by(FocalOfficer.id).limit(1))
        if officer is not None and officer.email:
            ensure(officer.email.lower(), officer.name, OFFICER)
    return made
