"""What every command group shares: usage errors told in Vietnamese and English, failing
with a message in both, the reporting calendar and the directory."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import inspect

from .. import clock, config
from ..directory.resolve import DirectoryIndex
from ..directory.store import load_index
from ..extensions import db
from ..reading.plan import read_plan
from ..reading.reporting import ReportingCalendar
from ..reading.result import NotAPlanError, PlanReading


class BilingualUsageError(click.UsageError):
    """click's own usage error (missing argument, unknown option, bad value), told in
    Vietnamese and then in English like the rest of the command line."""

    _KINDS = {"argument": "đối số", "option": "tùy chọn", "parameter": "tham số"}

    def __init__(self, original: click.UsageError):
        super().__init__(original.format_message(), original.ctx)
        self.vietnamese = self._vietnamese(original)

    @classmethod
    def _vietnamese(cls, exc: click.UsageError) -> str:
        import re
        hint = ""
        if isinstance(exc, click.BadParameter):
            given = exc.param_hint or (exc.param.get_error_hint(exc.ctx) if exc.param is not None else "")
            hint = given if isinstance(given, str) else " / ".join(given)
        if isinstance(exc, click.MissingParameter):
            kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "parameter")
            return f"thiếu {cls._KINDS.get(kind, kind)} {hint}.".replace("  ", " ")
        if isinstance(exc, click.NoSuchOption):
            return f"không có tùy chọn “{exc.option_name}”."
        if isinstance(exc, click.BadOptionUsage):
            return f"dùng sai tùy chọn “{exc.option_name}”."
        if isinstance(exc, click.BadParameter):
            return f"giá trị không hợp lệ cho {hint} (chi tiết ở dòng tiếng Anh).".replace("  ", " ")
        found = re.match(r"No such command '(.+)'", exc.message)
        if found:
            return f"không có lệnh “{found.group(1)}”."
        found = re.match(r"Got unexpected extra arguments? \((.+)\)", exc.message)
        if found:
            return f"thừa đối số: {found.group(1)}."
        return "gọi lệnh không đúng cách."

    def show(self, file=None) -> None:
        where = {"file": file} if file is not None else {"err": True}
        color = self.ctx.color if self.ctx is not None else None
        if self.ctx is not None:
            click.echo(self.ctx.get_usage(), color=color, **where)
            click.echo(f"Xem hướng dẫn / for help: {self.ctx.command_path} --help\n", color=color, **where)
        click.echo(f"Lỗi: {self.vietnamese}\nError: {self.format_message()}", color=color, **where)


# click ≥ 8.2 shows a group's help (called with no arguments) by raising a UsageError.
_NoArgsIsHelp = getattr(click.exceptions, "NoArgsIsHelpError", ())


class _Bilingual:
    """Parse a command's arguments, turning click's English-only usage errors bilingual."""

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except (BilingualUsageError, _NoArgsIsHelp):
            raise                  # already bilingual, or click showing the help: not an error
        except click.UsageError as exc:
            raise BilingualUsageError(exc) from exc


class BilingualCommand(_Bilingual, click.Command):
    pass


class TrackerGroup(_Bilingual, AppGroup):
    """The operators' command groups: their commands' usage errors come in both languages."""

    command_class = BilingualCommand

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except BilingualUsageError:
            raise
        except click.UsageError as exc:
            raise BilingualUsageError(exc) from exc


def reporting_calendar(app: Flask) -> ReportingCalendar:
    return config.reporting_calendar(app.config)


def today_local() -> date:
    return clock.today()


def fail(vi: str, en: str, code: int = 2) -> NoReturn:
    click.echo(f"Lỗi: {vi}\nError: {en}", err=True)
    sys.exit(code)


def directory_index() -> DirectoryIndex:
    """The directory, or an empty one when the database has not been created yet (dry runs)."""
    if not inspect(db.engine).has_table("agencies"):
        return DirectoryIndex([], [])
    return load_index(db.session())


def read_plan_file(path: str) -> PlanReading:
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(f"không đọc được tệp “{path}”: {exc.strerror}.", f"cannot read “{path}”: {exc.strerror}.")
    limit = current_app.config["TRACKER_MAX_UPLOAD_BYTES"]
    if len(data) > limit:
        fail(f"tệp quá lớn ({len(data)} byte, tối đa {limit}).",
              f"the file is too large ({len(data)} bytes, at most {limit}).")
    try:
        return read_plan(data, file.name, calendar=reporting_calendar(current_app))
    except NotAPlanError as exc:
        fail(f"“{file.name}” — {exc.message_vi}", f"“{file.name}” — {exc.message_en}")
