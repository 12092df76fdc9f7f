"""``flask agencies``: import and list the agency directory."""

from __future__ import annotations

import click
from sqlalchemy import select

from ..directory.edit import DirectoryEditError, merge_agency
from ..directory.loader import DirectoryError, import_directory, read_directory_file
from ..directory.store import find_agencies
from ..extensions import db
from ..models import Agency
from ..reading.header import TWO_TIER_FROM
from ..reading.text import fold
from .common import TrackerGroup, fail

agencies_cli = TrackerGroup("agencies", help="Danh mục cơ quan / The agency directory.")


@agencies_cli.command("import")
@click.argument("path")
def import_agencies(path: str) -> None:
    """Nhập danh mục cơ quan từ YAML hoặc CSV / Import agencies from YAML or CSV."""
    try:
        report = import_directory(db.session(), read_directory_file(path))
        db.session.commit()
    except DirectoryError as exc:
        db.session.rollback()
        fail(exc.message_vi, exc.message_en)
    except Exception:
        db.session.rollback()
        raise
    click.echo(f"Đã nhập {path}: {report}")


@agencies_cli.command("list")
def list_agencies() -> None:
    """Danh sách cơ quan / List agencies."""
    for agency in db.session.scalars(select(Agency).order_by(Agency.level, Agency.name)):
        officers = ", ".join(o.email or f"{o.name} (không email)" for o in agency.officers)
        click.echo(f"{agency.id:>4}  {agency.level:<8} {agency.type:<18} {agency.name}  [{officers}]")


def _one_agency(name: str) -> Agency:
    """The agency ``name`` means: its id (as ``agencies list`` shows), its exact name, or the
    only agency the name matches."""
    if name.strip().isdigit():
        agency = db.session.get(Agency, int(name))
        if agency is None:
            fail(f"không có cơ quan số {name}.", f"no agency with id {name}.")
        return agency
    exact = list(db.session.scalars(select(Agency).where(Agency.name_folded == fold(name))))
    found = exact or find_agencies(db.session(), name)
    if not found:
        fail(f"không tìm thấy cơ quan “{name}”.", f"no agency named “{name}”.")
    if len(found) > 1:
        listed = "; ".join(f"{a.id} {a.name}" for a in found[:10])
        fail(f"“{name}” có thể là nhiều cơ quan ({listed}): ghi số của cơ quan.",
             f"“{name}” could be several agencies ({listed}): give the agency's id.")
    return found[0]


@agencies_cli.command("merge")
@click.argument("old")
@click.option("--into", "new", required=True, help="Cơ quan kế thừa / the successor.")
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=TWO_TIER_FROM.isoformat(),
              show_default=True, help="Ngày hợp nhất / the day of the merger.")
def merge(old: str, new: str, on) -> None:
    """Hợp nhất một cơ quan vào cơ quan kế thừa / Merge an agency into its successor.

    The old agency exists until the day before; plans issued from that day that name it
    are offered the successor, older plans keep it."""
    gone, successor = _one_agency(old), _one_agency(new)
    try:
        merge_agency(db.session(), gone, successor, on.date())
        db.session.commit()
    except DirectoryEditError as exc:
        db.session.rollback()
        fail(exc.message_vi, exc.message_en)
    click.echo(f"Đã hợp nhất “{gone.name}” vào “{successor.name}” từ ngày {on:%d/%m/%Y} / "
               f"merged “{gone.name}” into “{successor.name}” on {on:%Y-%m-%d}.")
