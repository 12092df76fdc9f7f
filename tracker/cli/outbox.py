"""``flask outbox``: what was sent to whom, what failed and why; retrying a failed message."""

from __future__ import annotations

import click
from flask import current_app

from .. import clock
from ..extensions import db
from ..models import OutboxState
from .common import TrackerGroup, fail

outbox_cli = TrackerGroup("outbox", help="Hộp thư đi / The outbox.")


@outbox_cli.command("list")
@click.option("--state", type=click.Choice(OutboxState.codes()),
              help="Chỉ thư ở trạng thái này / only messages in this state.")
@click.option("--limit", default=50, type=click.IntRange(min=1), show_default=True,
              help="Số thư mới nhất được hiện / how many of the newest messages to show.")
def outbox_list(state: str | None, limit: int) -> None:
    """Thư đã lập, đã gửi, lỗi và lý do / What was sent to whom and when, what failed and why.

    Giờ là giờ địa phương (TRACKER_TIMEZONE): lúc gửi, hoặc lúc sẽ thử gửi. / Times are local
    (TRACKER_TIMEZONE): when it was sent, or when it will next be tried."""
    from ..mail.outbox import messages_query
    rows = db.session.scalars(messages_query(state).limit(limit + 1)).all()
    for row in rows[:limit]:
        when = row.sent_at or row.next_attempt_at
        error = f"  ! {row.last_error}" if row.last_error else ""
        click.echo(f"{row.id:>6} {row.state:<7} {row.kind:<21} {clock.local_time(when)} "
                   f"{row.recipient or '(không có địa chỉ) ' + row.recipient_name}  "
                   f"“{row.subject}” ({len(row.items)} mục, {row.attempts} lần){error}")
    if not rows:
        click.echo("Hộp thư đi trống / the outbox is empty" + (f" ({state})." if state else "."))
    elif len(rows) > limit:
        click.echo(f"… chỉ hiện {limit} thư mới nhất; dùng --limit để xem thêm. / … only the newest {limit} "
                   "messages are shown; use --limit to see more.")


@outbox_cli.command("retry")
@click.argument("message_id", type=int, required=False)
@click.option("--failed", "every_failed", is_flag=True,
              help="Mọi thư lỗi có địa chỉ / every failed message that has an address.")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M"]),
              help="Với --failed: chỉ thư lỗi từ lúc này (giờ địa phương) / with --failed: only those "
                   "that failed since then (local time).")
def outbox_retry(message_id: int | None, every_failed: bool, since) -> None:
    """Gửi lại thư lỗi (sau khi đã sửa nguyên nhân) / Queue failed messages again, after fixing
    the cause: one by its number, or all of them with --failed."""
    from zoneinfo import ZoneInfo

    from ..mail.outbox import retry, retry_failed
    if (message_id is None) == (not every_failed):
        fail("cho biết số thư, hoặc dùng --failed (không dùng cả hai).",
             "give a message number, or --failed (not both).")
    if since is not None and not every_failed:
        fail("--since chỉ dùng cùng --failed.", "--since goes with --failed.")
    if message_id is None:
        moment = since.replace(tzinfo=ZoneInfo(current_app.config["TRACKER_TIMEZONE"])) if since else None
        count = retry_failed(db.session(), moment)
        db.session.commit()
        click.echo(f"{count} thư lỗi sẽ được gửi lại ở lượt gửi tới. / {count} failed messages queued again.")
        return
    if retry(db.session(), message_id) is None:
        fail(f"không có thư lỗi #{message_id}.", f"no failed message #{message_id}.")
    db.session.commit()
    click.echo(f"Thư #{message_id} sẽ được gửi lại ở lượt gửi tới.")
