"""``flask accounts``: sign-in accounts and their roles."""

from __future__ import annotations

import click
from sqlalchemy import select

from ..extensions import db
from ..models import Role
from .common import TrackerGroup, fail

accounts_cli = TrackerGroup("accounts", help="Tài khoản đăng nhập / Accounts.")


@accounts_cli.command("create")
@click.argument("email")
@click.option("--name", default="", help="Họ tên / Full name.")
@click.option("--role", required=True, type=click.Choice(Role.codes()))
@click.option("--committee", help="UBND của chuyên viên theo dõi / lãnh đạo, ví dụ “UBND tỉnh Sóc Trăng”.")
@click.option("--password", help="Mật khẩu (bỏ trống để nhập ẩn) / Password (prompted when omitted).")
@click.option("--no-password", is_flag=True, help="Chỉ đăng nhập bằng liên kết qua thư / Link sign-in only.")
def accounts_create(email, name, role, committee, password, no_password) -> None:
    """Tạo tài khoản / Create an account."""
    from ..accounts.manage import AccountError, create_account, find_committee
    if password is None and not no_password:
        password = click.prompt("Mật khẩu / Password", hide_input=True, confirmation_prompt=True)
    try:
        agency = find_committee(db.session(), committee) if committee else None
        account = create_account(db.session(), email, name, role, agency, None if no_password else password)
        db.session.commit()
    except AccountError as exc:
        db.session.rollback()
        fail(exc.message_vi, exc.message_en)
    click.echo(f"Đã tạo {account.email} ({account.role}).")


@accounts_cli.command("list")
def accounts_list() -> None:
    """Danh sách tài khoản / List accounts."""
    from ..models import Account
    for account in db.session.scalars(select(Account).order_by(Account.role, Account.email)):
        committee = account.committee.name if account.committee else ""
        state = "" if account.active else " (khóa / disabled)"
        click.echo(f"{account.email}\t{account.role}\t{account.name}\t{committee}{state}")


@accounts_cli.command("set-password")
@click.argument("email")
@click.option("--password", help="Mật khẩu mới (bỏ trống để nhập ẩn) / New password.")
def accounts_set_password(email, password) -> None:
    """Đặt mật khẩu / Set a password."""
    from ..accounts.manage import AccountError, find_account, set_password
    account = find_account(db.session(), email)
    if account is None:
        fail(f"Không có tài khoản {email}.", f"No account {email}.")
    if password is None:
        password = click.prompt("Mật khẩu mới / New password", hide_input=True, confirmation_prompt=True)
    try:
        set_password(account, password)
    except AccountError as exc:
        fail(exc.message_vi, exc.message_en)
    db.session.commit()
    click.echo("Đã đặt mật khẩu.")


@accounts_cli.command("set-role")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(Role.codes()))
@click.option("--committee", help="UBND của chuyên viên theo dõi / lãnh đạo / the author's or leader's committee.")
def accounts_set_role(email, role, committee) -> None:
    """Đổi vai trò (mọi phiên đăng nhập của tài khoản kết thúc) / Change an account's role
    (its sessions end)."""
    from ..accounts.manage import AccountError, find_account, find_committee, set_role
    account = find_account(db.session(), email)
    if account is None:
        fail(f"Không có tài khoản {email}.", f"No account {email}.")
    try:
        agency = find_committee(db.session(), committee) if committee else None
        set_role(db.session(), account, role, agency)
    except AccountError as exc:
        db.session.rollback()
        fail(exc.message_vi, exc.message_en)
    db.session.commit()
    click.echo(f"Đã đổi vai trò của {account.email} thành {role}.")


@accounts_cli.command("disable")
@click.argument("email")
def accounts_disable(email) -> None:
    """Khóa tài khoản / Disable an account (it can no longer sign in)."""
    _set_active(email, False)


@accounts_cli.command("enable")
@click.argument("email")
def accounts_enable(email) -> None:
    """Mở khóa tài khoản / Enable a disabled account."""
    _set_active(email, True)


def _set_active(email: str, active: bool) -> None:
    from ..accounts.manage import AccountError, find_account, set_active
    account = find_account(db.session(), email)
    if account is None:
        fail(f"Không có tài khoản {email}.", f"No account {email}.")
    try:
        set_active(db.session(), account, active)
    except AccountError as exc:
        fail(exc.message_vi, exc.message_en)
    db.session.commit()
    click.echo(f"Đã {'mở khóa' if active else 'khóa'} {account.email}.")
