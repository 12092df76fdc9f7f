"""``flask feeds``: secret calendar feed addresses (create, list, revoke, rotate)."""

from __future__ import annotations

import click
from sqlalchemy import select

from .. import clock
from ..directory.store import load_index
from ..extensions import db
from ..models import Agency, Plan
from .common import TrackerGroup, fail

feeds_cli = TrackerGroup("feeds", help="Lịch đăng ký (iCalendar) / Calendar feeds.")


def _feed_target(officer, agency, plan, leadership) -> tuple[str, int | None, str | None]:
    chosen = [x for x in (officer, agency, plan, leadership) if x]
    if len(chosen) != 1:
        fail("chọn đúng một trong --officer, --agency, --plan, --leadership.",
              "choose exactly one of --officer, --agency, --plan, --leadership.")
    if officer:
        from ..feeds.events import officer_agencies
        if not officer_agencies(db.session(), officer):
            fail(f"không có cán bộ đầu mối nào có email “{officer}”.",
                  f"no active focal officer has the email “{officer}”.")
        return "officer", None, officer.strip().lower()
    if plan:
        found = [p for p in db.session.scalars(select(Plan))
                 if (p.number or "").replace(" ", "").lower() == plan.replace(" ", "").lower()
                 or str(p.id) == plan]
        if len(found) != 1:
            fail(f"không tìm thấy đúng một kế hoạch “{plan}” (số ký hiệu hoặc mã).",
                  f"no single plan matches “{plan}” (number or id).")
        return "plan", found[0].id, None
    name = agency or leadership
    matches = load_index(db.session()).match(name)
    if leadership:
        matches = [m for m in matches if m.type.startswith("ubnd")]
    if len(matches) != 1:
        names = "; ".join(m.name for m in matches[:5]) or "không có"
        fail(f"“{name}” không chỉ đúng một cơ quan ({names}).",
              f"“{name}” does not name exactly one agency ({names}).")
    return ("leadership" if leadership else "agency"), matches[0].id, None


@feeds_cli.command("create")
@click.option("--officer", help="Email cán bộ đầu mối / focal officer's email.")
@click.option("--agency", help="Tên cơ quan / agency name.")
@click.option("--plan", help="Số ký hiệu kế hoạch (181/KH-UBND) hoặc mã / plan number or id.")
@click.option("--leadership", help="UBND ban hành kế hoạch / the People's Committee.")
@click.option("--name", "label", default="", help="Tên gợi nhớ (Điện thoại, Outlook cơ quan).")
def create_feed(officer, agency, plan, leadership, label) -> None:
    """Tạo địa chỉ lịch bí mật / Create a secret feed URL (shown once)."""
    from ..feeds import tokens
    from ..web.feeds import feed_urls
    kind, target_id, email = _feed_target(officer, agency, plan, leadership)
    default = {"officer": "Lịch cá nhân", "agency": "Lịch cơ quan", "plan": "Lịch kế hoạch",
               "leadership": "Lịch lãnh đạo"}[kind]
    row, token = tokens.create(db.session(), kind, label or default, target_id, email)
    db.session.commit()
    urls = feed_urls(token)
    click.echo(f"Đã tạo lịch #{row.id} ({kind}, “{row.label}”). Địa chỉ chỉ hiện một lần, giữ bí mật:")
    _echo_feed_urls(urls)
    click.echo(f"Trang đăng ký / subscribe page: {urls['page']}")


def _echo_feed_urls(urls: dict[str, str]) -> None:
    """The feed's addresses, each labelled by its real scheme (an http base URL is not "https")."""
    from urllib.parse import urlsplit
    address = urls["https"]            # the direct address, whatever TRACKER_BASE_URL's scheme
    scheme = urlsplit(address).scheme or "url"
    click.echo(f"{scheme + ':':<7} {address}")
    click.echo(f"webcal: {urls['webcal']}")
    if scheme != "https" and urlsplit(address).hostname not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"Lưu ý: địa chỉ dùng {scheme}, không mã hóa (đặt TRACKER_BASE_URL là https://… khi chạy "
                   f"thật). / Note: the address uses {scheme}, unencrypted (set TRACKER_BASE_URL to https://… "
                   "in production).")


FEED_KINDS_VI = {"officer": "cán bộ", "agency": "cơ quan", "plan": "kế hoạch", "leadership": "lãnh đạo"}


def _feed_target_name(row) -> str:
    """Who or what a feed follows, by name: the agency, the plan, the officer's e-mail."""
    if row.kind == "officer":
        from ..feeds.events import officer_agencies
        agencies = officer_agencies(db.session(), row.target_email or "")
        names = "; ".join(a.name for a in agencies)
        return f"{row.target_email}" + (f" ({names})" if names else " (không còn là cán bộ đầu mối)")
    if row.kind == "plan":
        plan = db.session.get(Plan, row.target_id) if row.target_id else None
        if plan is None:
            return f"(kế hoạch #{row.target_id} không còn)"
        title = plan.title if len(plan.title) <= 80 else plan.title[:79] + "…"
        return f"{plan.kind} {plan.number or '(không số)'} — {title}"
    agency = db.session.get(Agency, row.target_id) if row.target_id else None
    return agency.name if agency else f"(cơ quan #{row.target_id} không còn)"


@feeds_cli.command("list")
def list_feeds() -> None:
    """Các địa chỉ lịch / List feed tokens (never the tokens themselves)."""
    from ..models import FeedToken
    rows = db.session.scalars(select(FeedToken).order_by(FeedToken.id)).all()
    for row in rows:
        state = "đã thu hồi" if row.revoked_at else "đang dùng"
        used = clock.local_time(row.last_used_at) if row.last_used_at else "chưa dùng"
        target = f"{FEED_KINDS_VI.get(row.kind, row.kind)}: {_feed_target_name(row)}"
        click.echo(f"{row.id:>4}  {target}  “{row.label}” …{row.hint}  {state}  lần cuối: {used}")
    if not rows:
        click.echo("Chưa có địa chỉ lịch nào / no feeds yet (flask feeds create).")


@feeds_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_feed(token_id: int) -> None:
    """Thu hồi một địa chỉ lịch / Revoke a feed token (it answers 410 Gone from now on)."""
    from ..feeds import tokens
    from ..models import FeedToken
    row = db.session.get(FeedToken, token_id)
    if row is None:
        fail(f"không có địa chỉ lịch #{token_id}.", f"no feed token #{token_id}.")
    tokens.revoke(row)
    db.session.commit()
    click.echo(f"Đã thu hồi lịch #{token_id}. Các lịch đã đăng ký bằng địa chỉ này sẽ ngừng cập nhật.")


@feeds_cli.command("rotate")
@click.argument("token_id", type=int)
def rotate_feed(token_id: int) -> None:
    """Đổi địa chỉ lịch (địa chỉ cũ ngừng hoạt động) / Rotate a feed token."""
    from ..feeds import tokens
    from ..models import FeedToken
    from ..web.feeds import feed_urls
    row = db.session.get(FeedToken, token_id)
    if row is None or row.revoked_at is not None:
        fail(f"không có địa chỉ lịch #{token_id} đang dùng.", f"no live feed token #{token_id}.")
    new, token = tokens.rotate(db.session(), row)
    db.session.commit()
    urls = feed_urls(token)
    click.echo(f"Lịch #{row.id} đã được thay bằng #{new.id}; cần đăng ký lại bằng địa chỉ mới:")
    _echo_feed_urls(urls)
