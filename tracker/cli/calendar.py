"""``flask calendar``: working-day exceptions (compensatory days off, swapped working days)."""

from __future__ import annotations

import click

from ..extensions import db
from .common import TrackerGroup, fail

calendar_cli = TrackerGroup("calendar", help="Ngày làm việc / Working days and exceptions.")


@calendar_cli.command("set")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--off", "kind", flag_value="off", help="Ngày nghỉ bù / an extra day off.")
@click.option("--working", "kind", flag_value="working", help="Ngày làm bù / a day worked.")
@click.option("--note", default="")
def calendar_set(day, kind: str | None, note: str) -> None:
    """Thêm ngày nghỉ bù hoặc làm bù / Add a compensatory day off or a swapped working day."""
    from ..scheduling.office_calendar import set_calendar_day
    if kind is None:
        fail("chọn --off hoặc --working.", "choose --off or --working.")
    row = set_calendar_day(db.session(), day.date(), kind == "working", note)
    db.session.commit()
    click.echo(f"{day:%d/%m/%Y}: {'ngày làm việc' if row.working else 'ngày nghỉ'} ({row.note})")


@calendar_cli.command("unset")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
def calendar_unset(day) -> None:
    """Bỏ một ngoại lệ / Remove an exception."""
    from ..scheduling.office_calendar import unset_calendar_day
    if not unset_calendar_day(db.session(), day.date()):
        fail(f"không có ngoại lệ ngày {day:%d/%m/%Y}.", f"no exception on {day:%Y-%m-%d}.")
    db.session.commit()
    click.echo("Đã bỏ.")


@calendar_cli.command("show")
@click.argument("year", type=int)
def calendar_show(year: int) -> None:
    """Các ngày nghỉ trong tuần của một năm / Weekdays off in a year (holidays and exceptions)."""
    from ..scheduling.office_calendar import unusual_days
    for line in unusual_days(db.session(), year):
        state = "làm việc" if line.working else "nghỉ"
        click.echo(f"{line.day:%a %d/%m/%Y}  {state:<9} {line.reason}")
