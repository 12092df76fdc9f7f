"""``flask tokens``: personal access tokens for the REST API (create, list, revoke)."""

from __future__ import annotations

import click

from .. import clock
from ..extensions import db
from .common import TrackerGroup, fail

tokens_cli = TrackerGroup("tokens", help="Mã truy cập API / API personal access tokens.")


@tokens_cli.command("create")
@click.option("--email", required=True, help="Tài khoản của mã / the token's account.")
@click.option("--name", required=True, help="Tên gợi nhớ / a name for the token.")
@click.option("--expires-days", "days", type=int, default=None,
              help="Hiệu lực bao nhiêu ngày (mặc định 90) / days until it expires (default 90).")
def create_token(email: str, name: str, days: int | None) -> None:
    """Tạo mã truy cập (chỉ hiện một lần) / Create a token (shown once)."""
    from ..accounts import api_tokens
    from ..accounts.manage import find_account
    account = find_account(db.session(), email)
    if account is None:
        fail(f"không có tài khoản “{email}”.", f"no account “{email}”.")
    try:
        row, token = api_tokens.create(db.session(), account, name, api_tokens.DEFAULT_DAYS if days is None else days,
                                       by="cli",
                                       now=clock.now())
    except api_tokens.TokenError as exc:
        db.session.rollback()
        fail(exc.message_vi, exc.message_en)
    db.session.commit()
    click.echo(f"Đã tạo mã truy cập #{row.id} “{row.name}” cho {account.email} ({account.role}), "
               f"hết hạn {clock.local_time(row.expires_at)}. Mã chỉ hiện một lần, giữ bí mật:")
    click.echo(token)


@tokens_cli.command("list")
@click.option("--email", default=None, help="Chỉ mã của tài khoản này / only this account's tokens.")
def list_tokens(email: str | None) -> None:
    """Các mã truy cập (không bao giờ in mã) / List tokens (never the tokens themselves)."""
    from ..accounts import api_tokens
    from ..accounts.manage import find_account
    account = None
    if email:
        account = find_account(db.session(), email)
        if account is None:
            fail(f"không có tài khoản “{email}”.", f"no account “{email}”.")
    now = clock.now()
    rows = api_tokens.tokens_of(db.session(), account)
    for row in sorted(rows, key=lambda r: r.id):
        state = ("đã thu hồi" if row.revoked_at else "hết hạn" if row.expires_at <= now else "đang dùng")
        used = clock.local_time(row.last_used_at) if row.last_used_at else "chưa dùng"
        click.echo(f"{row.id:>4}  {row.account.email}  “{row.name}” trk_…{row.hint}  {state}  "
                   f"hết hạn: {clock.local_time(row.expires_at)}  lần cuối: {used}")
    if not rows:
        click.echo("Chưa có mã truy cập nào / no tokens yet (flask tokens create).")


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_token(token_id: int) -> None:
    """Thu hồi một mã truy cập / Revoke a token (it answers 401 from now on)."""
    from ..accounts import api_tokens
    from ..models import ApiToken
    row = db.session.get(ApiToken, token_id)
    if row is None:
        fail(f"không có mã truy cập #{token_id}.", f"no token #{token_id}.")
    if not api_tokens.revoke(row, clock.now()):
        click.echo(f"Mã truy cập #{token_id} đã bị thu hồi từ trước / was already revoked.")
        return
    db.session.commit()
    click.echo(f"Đã thu hồi mã truy cập #{token_id} “{row.name}” / revoked.")
