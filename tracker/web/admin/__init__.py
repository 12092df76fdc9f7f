"""Administration: the directory, accounts, the reminder policy (global and per plan), the
outbox, the scheduler's runs, the working-day calendar and the webhooks.

One module per area, all on the one ``admin`` blueprint. Thin views: every change goes
through the same domain functions as the ``flask`` commands (``directory.edit``,
``accounts.manage``, ``reminders.policy``, ``scheduling.office_calendar``, ``mail.outbox``,
``webhooks.endpoints``), and the planner reads what they write on its next run.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template
from sqlalchemy import func, select

from ... import clock
from ...extensions import db
from ...jobs import Job
from ...models import ADMIN, FAILED, Account, Agency, CalendarDay, JobRun, OutboxMessage, OutboxState
from ..access import roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
admin_only = roles_required(ADMIN)

PAGE_SIZE = 100
OFFICER_PREFIX = "officer"   # the add-officer form shares the agency page with the agency's form
RUNS_SHOWN = 50
STATE_LABELS = OutboxState.labels()
JOB_LABELS = Job.labels()


@bp.get("/")
@admin_only
def index():
    year = clock.today().year
    counts = {
        "agencies": db.session.scalar(select(func.count(Agency.id))),
        "accounts": db.session.scalar(select(func.count(Account.id))),
        "failed": db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.state == FAILED)),
        "exceptions": db.session.scalar(select(func.count(CalendarDay.day)).where(
            CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))),
    }
    last_failure = db.session.scalar(select(JobRun).where(JobRun.outcome == "failed")
                                     .order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(1))
    return render_template("admin/index.html", counts=counts, year=year, last_failure=last_failure,
                           job_labels=JOB_LABELS)


# The areas register their views on ``bp`` when imported.
from . import accounts, calendar, directory, jobs, outbox, policy, webhooks  # noqa: E402, F401
