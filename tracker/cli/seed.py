"""``flask seed``: the sample directories and seed plans, for a first run."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from ..directory.loader import DirectoryError, import_directory, read_directory_file
from ..directory.store import load_index
from ..extensions import db
from ..plans.importer import import_plan
from ..reading.plan import read_plan
from ..reading.result import NotAPlanError
from .common import BilingualCommand, fail, reporting_calendar


@click.command("seed", cls=BilingualCommand)
def seed_command() -> None:
    """Nạp danh mục mẫu và các kế hoạch mẫu / Load the sample directories and seed plans.

    Idempotent: running it again changes nothing. Plans that cannot be read yet (prose
    programmes without a table) are reported and skipped.
    """
    seed_dir = Path(current_app.config["TRACKER_SEED_DIR"])
    for path in sorted(seed_dir.glob("directory-*.yaml")):
        try:
            report = import_directory(db.session(), read_directory_file(path))
            db.session.commit()
            click.echo(f"Danh mục {path.name}: {report}")
        except DirectoryError as exc:
            db.session.rollback()
            fail(exc.message_vi, exc.message_en)
    for path in sorted(seed_dir.glob("*.txt")):
        try:
            reading = read_plan(path.read_bytes(), path.name, calendar=reporting_calendar(current_app))
        except NotAPlanError as exc:
            click.echo(f"Bỏ qua {path.name}: {exc.message_vi}")
            continue
        if not reading.tasks:
            # A prose programme: its proposed tasks need an author's confirmation (the wizard).
            click.echo(f"Bỏ qua {path.name}: văn bản không có bảng; {len(reading.prose_tasks)} nhiệm vụ "
                       "đề xuất cần xác nhận khi nhập qua trang Nhập kế hoạch.")
            continue
        result = import_plan(db.session(), reading, load_index(db.session()))
        db.session.commit()
        click.echo(f"{path.name}: {result.summary()}")
