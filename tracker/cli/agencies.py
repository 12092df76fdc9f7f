"""``flask agencies``: import and list the agency directory."""

from __future__ import annotations

import click
from sqlalchemy import select

from ..directory.loader import DirectoryError, import_directory, read_directory_file
from ..extensions import db
from ..models import Agency
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
