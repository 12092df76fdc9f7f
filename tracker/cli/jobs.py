"""``flask jobs run`` (one scheduled job, once) and ``flask scheduler run`` (the scheduler process)."""

from __future__ import annotations

import click
from flask import current_app

from ..jobs import Job
from .common import TrackerGroup

jobs_cli = TrackerGroup("jobs", help="Chạy một tác vụ định kỳ / Run one scheduled job.")


@jobs_cli.command("run")
@click.argument("name", type=click.Choice(Job.codes()))
@click.option("--at", "at", type=click.DateTime(formats=["%Y-%m-%dT%H:%M"]),
              help="Chạy như vào thời điểm này, giờ địa phương / as if at this local time (YYYY-MM-DDTHH:MM).")
@click.option("--dry-run", is_flag=True,
              help="Chỉ cho biết sẽ lập bao nhiêu thư, không ghi gì / show what would be queued, write "
                   "nothing.")
def run_job(name: str, at, dry_run: bool) -> None:
    """Chạy một lần / Run one job once (reminders, overdue, escalation, checkins, digest, send, feeds,
    webhooks).

    Đây là thư thật: các tác vụ lập lịch xếp thư vào hộp thư đi và bộ gửi (`jobs run send`,
    bộ lập lịch) sẽ gửi chúng cho người nhận; `send` gửi ngay. Dùng --dry-run để xem trước.

    These are real messages: the planning jobs queue mail that the sender will deliver to its
    recipients; `send` delivers now. Use --dry-run to look first."""
    from zoneinfo import ZoneInfo

    if name in ("send", "webhooks") and not current_app.testing:      # (in-process tests keep pytest's own)
        _finish_on_sigterm()
    from ..feeds.store import RefreshReport
    from ..jobs import describe, preview, run
    from ..reminders.planner import PlanReport
    moment = at.replace(tzinfo=ZoneInfo(current_app.config["TRACKER_TIMEZONE"])) if at else None
    when = f" (như vào {at:%d/%m/%Y %H:%M} / as if at {at:%Y-%m-%d %H:%M})" if at else ""
    if name == "feeds":
        stale = preview(name, moment) if dry_run else run(name, moment)
        assert isinstance(stale, RefreshReport)
        if dry_run:
            click.echo(f"feeds{when}, chạy thử: {stale.rebuilt} lịch cần dựng lại; chưa dựng gì.")
            click.echo(f"Dry run: {stale.rebuilt} calendar feeds are stale; none was rebuilt.")
        else:
            click.echo(f"feeds{when}: {describe(stale)}")
            click.echo(f"feeds{when}: {describe(stale, 'en')}")
        return
    if name == "webhooks":
        _run_webhooks(moment, when, dry_run)
        return
    if dry_run:
        report = preview(name, moment)
        assert isinstance(report, PlanReport)
        kinds = _kinds(report.kinds)
        if name == "send":
            click.echo(f"{name}{when}, chạy thử: sẽ gửi {report.messages} thư{kinds}; chưa gửi gì.")
            click.echo(f"Dry run: {report.messages} messages would be sent; nothing was sent.")
        else:
            click.echo(f"{name}{when}, chạy thử: sẽ xếp {report.messages} thư vào hộp thư đi{kinds}; "
                       "không ghi gì.")
            click.echo(f"Dry run: {report.messages} messages would be queued; nothing was written.")
        return
    report = run(name, moment)
    click.echo(f"{name}{when}: {describe(report)}")
    if name == "send":
        click.echo(f"Đã gửi thật {report.sent} thư tới người nhận. / {report.sent} real messages were "
                   "delivered to their recipients.")
    elif report.messages:
        click.echo(f"Đã xếp {report.messages} thư thật vào hộp thư đi{_kinds(report.kinds)}; bộ gửi sẽ gửi chúng "
                   "cho người nhận (lượt gửi tới của bộ lập lịch, hoặc `flask jobs run send`).")
        click.echo(f"{report.messages} real messages were queued; the sender will deliver them to their "
                   "recipients (the scheduler's next send, or `flask jobs run send`).")
    else:
        click.echo("Không có thư nào mới được xếp vào hộp thư đi. / No new messages were queued.")


def _run_webhooks(moment, when: str, dry_run: bool) -> None:
    from ..jobs import describe, preview, run
    from ..reminders.planner import PlanReport
    if dry_run:
        due = preview("webhooks", moment)
        assert isinstance(due, PlanReport)
        click.echo(f"webhooks{when}, chạy thử: sẽ gửi {due.messages} webhook{_kinds(due.kinds)}; chưa gửi gì.")
        click.echo(f"Dry run: {due.messages} webhook deliveries would be sent; nothing was sent.")
        return
    report = run("webhooks", moment)
    click.echo(f"webhooks{when}: {describe(report)}")
    click.echo(f"webhooks{when}: {describe(report, 'en')}")


def _finish_on_sigterm(stop=None) -> None:
    """On SIGTERM (systemctl stop, a deploy) the senders finish the message (or webhook) in
    hand and send no other; the scheduler (``stop``) then shuts down after its running jobs."""
    import signal

    from ..mail.outbox import STOPPING
    from ..webhooks.sender import STOPPING as WEBHOOKS_STOPPING

    def stopping(signum, frame) -> None:
        STOPPING.set()
        WEBHOOKS_STOPPING.set()
        if stop is not None:
            stop.set()
    signal.signal(signal.SIGTERM, stopping)


def _kinds(kinds: dict[str, int]) -> str:
    return " (" + ", ".join(f"{k}: {n}" for k, n in sorted(kinds.items())) + ")" if kinds else ""


scheduler_cli = TrackerGroup("scheduler", help="Bộ lập lịch / The job scheduler.")


@scheduler_cli.command("run")
def scheduler_run() -> None:
    """Chạy bộ lập lịch (tiến trình riêng) / Run the scheduler as its own process.

    Several may run against one database: one leads, the others wait and take over."""
    import logging
    import threading

    from ..jobs.scheduler import run_forever
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stop = threading.Event()
    _finish_on_sigterm(stop)
    try:
        run_forever(current_app._get_current_object(), stop=stop)  # type: ignore[attr-defined]  # the proxied app
    except KeyboardInterrupt:
        pass
