"""``flask`` commands for operators (``flask --app wsgi plans ...``), one module per command
group. Thin: they call the readers, the directory, the importer and the jobs, and print in
Vietnamese (English beside errors).
"""

from __future__ import annotations

from flask import Flask

from .accounts import accounts_cli
from .agencies import agencies_cli
from .calendar import calendar_cli
from .common import reporting_calendar
from .dev import dev_command
from .feeds import feeds_cli
from .jobs import jobs_cli, scheduler_cli
from .outbox import outbox_cli
from .plans import plans_cli
from .policy import policy_cli
from .reports import reports_cli
from .seed import seed_command
from .tasks import tasks_cli
from .tokens import tokens_cli
from .webhooks import webhooks_cli


def register_commands(app: Flask) -> None:
    app.cli.add_command(accounts_cli)
    app.cli.add_command(calendar_cli)
    app.cli.add_command(policy_cli)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(dev_command)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(feeds_cli)
    app.cli.add_command(plans_cli)
    app.cli.add_command(tasks_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(webhooks_cli)
    app.cli.add_command(agencies_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(seed_command)



__all__ = ["register_commands", "reporting_calendar"]
