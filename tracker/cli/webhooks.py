"""``flask webhooks``: register the URLs events are sent to, see their deliveries, redeliver a
failed one, deliver what is due now."""

from __future__ import annotations

import click

from .. import clock
from ..extensions import db
from ..models import WebhookEndpoint
from ..webhooks import endpoints as registry
from ..webhooks.events import EVENTS
from .common import TrackerGroup, fail

webhooks_cli = TrackerGroup("webhooks", help="Webhook: gửi sự kiện tới hệ thống khác / Webhooks: events sent to "
                                             "other systems.")


def _endpoint(endpoint_id: int) -> WebhookEndpoint:
    row = db.session.get(WebhookEndpoint, endpoint_id)
    if row is None:
        fail(f"không có webhook #{endpoint_id}.", f"no webhook #{endpoint_id}.")
    return row


@webhooks_cli.command("add")
@click.argument("url")
@click.option("--event", "events", multiple=True, type=click.Choice(EVENTS),
              help="Sự kiện được gửi (nhắc lại để chọn nhiều; mặc định: tất cả) / an event to send (repeat "
                   "for several; default: all).")
@click.option("--description", default="", help="Dùng để làm gì / what it is for.")
def webhooks_add(url: str, events: tuple[str, ...], description: str) -> None:
    """Đăng ký một địa chỉ nhận sự kiện / Register a URL for events.

    In ra khóa ký (chỉ một lần): bên nhận dùng nó để kiểm tra chữ ký X-Tracker-Signature.
    Prints the signing secret (once): the receiver checks X-Tracker-Signature with it."""
    try:
        row = registry.add(db.session(), url, events or EVENTS, "cli", description)
    except registry.EndpointError as exc:
        db.session.rollback()
        fail(exc.message_vi, exc.message_en)
    db.session.commit()
    click.echo(f"Đã đăng ký webhook #{row.id}: {row.url} ({', '.join(row.events)}).")
    click.echo(f"Khóa ký (chỉ hiện một lần) / signing secret (shown once): {row.secret}")


@webhooks_cli.command("list")
@click.option("--deliveries", default=5, type=click.IntRange(min=0), show_default=True,
              help="Số lần gửi gần nhất của mỗi webhook / how many recent deliveries of each to show.")
def webhooks_list(deliveries: int) -> None:
    """Các webhook, sự kiện và các lần gửi gần nhất / Webhooks, their events and recent deliveries.

    Giờ là giờ địa phương (TRACKER_TIMEZONE). / Times are local (TRACKER_TIMEZONE)."""
    rows = registry.endpoints(db.session())
    if not rows:
        click.echo("Chưa có webhook nào. / No webhooks registered.")
        return
    recent = registry.recent(db.session(), [r.id for r in rows], deliveries) if deliveries else {}
    for row in rows:
        state = "đang dùng / active" if row.active else "tạm dừng / disabled"
        click.echo(f"#{row.id} {row.url} [{state}] {', '.join(row.events)}"
                   + (f" — {row.description}" if row.description else "")
                   + f" (khóa / secret …{row.secret[-4:]}, {clock.local_time(row.created_at)}, {row.created_by})")
        for d in recent.get(row.id, []):
            when = d.delivered_at or d.next_attempt_at
            answer = f"HTTP {d.last_status_code}" if d.last_status_code is not None else "-"
            error = f"  ! {d.last_error}" if d.last_error else ""
            click.echo(f"    {d.id:>6} {d.state:<9} {d.event:<26} {clock.local_time(when)} {answer} "
                       f"({d.attempts} lần / tries){error}")


@webhooks_cli.command("remove")
@click.argument("endpoint_id", type=int)
def webhooks_remove(endpoint_id: int) -> None:
    """Xóa một webhook và các lần gửi của nó / Delete a webhook and its deliveries."""
    row = _endpoint(endpoint_id)
    registry.remove(db.session(), row)
    db.session.commit()
    click.echo(f"Đã xóa webhook #{endpoint_id}. / Webhook #{endpoint_id} deleted.")


@webhooks_cli.command("disable")
@click.argument("endpoint_id", type=int)
def webhooks_disable(endpoint_id: int) -> None:
    """Tạm dừng: không gửi sự kiện mới; những gì đang chờ được giữ / Stop sending: nothing new is
    queued, and what is queued waits."""
    registry.set_active(db.session(), _endpoint(endpoint_id), False)
    db.session.commit()
    click.echo(f"Đã tạm dừng webhook #{endpoint_id}. / Webhook #{endpoint_id} disabled.")


@webhooks_cli.command("enable")
@click.argument("endpoint_id", type=int)
def webhooks_enable(endpoint_id: int) -> None:
    """Dùng lại một webhook đã tạm dừng / Send to a disabled webhook again."""
    registry.set_active(db.session(), _endpoint(endpoint_id), True)
    db.session.commit()
    click.echo(f"Đã dùng lại webhook #{endpoint_id}. / Webhook #{endpoint_id} enabled.")


@webhooks_cli.command("retry")
@click.argument("delivery_id", type=int)
def webhooks_retry(delivery_id: int) -> None:
    """Gửi lại một lần gửi bị lỗi (sau khi bên nhận đã sửa) / Queue a failed delivery again."""
    if registry.redeliver(db.session(), delivery_id) is None:
        fail(f"không có lần gửi lỗi #{delivery_id}.", f"no failed delivery #{delivery_id}.")
    db.session.commit()
    click.echo(f"Lần gửi #{delivery_id} sẽ được gửi lại ở lượt tới. / Delivery #{delivery_id} queued again.")


@webhooks_cli.command("deliver")
def webhooks_deliver() -> None:
    """Gửi ngay những gì đến hạn (như tác vụ ``webhooks``) / Deliver what is due now (the
    ``webhooks`` job, once)."""
    from ..jobs import describe, run
    report = run("webhooks")
    click.echo(f"webhooks: {describe(report)}")
    click.echo(f"webhooks: {describe(report, 'en')}")
