"""The scheduler's recent runs."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from ...extensions import db
from ...jobs import JOBS
from ...models import JobRun
from . import JOB_LABELS, RUNS_SHOWN, admin_only, bp


@bp.get("/jobs")
@admin_only
def jobs():
    job = request.args.get("job") if request.args.get("job") in JOBS else None
    latest = {name: db.session.scalar(select(JobRun).where(JobRun.job == name)
                                      .order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(1))
              for name in JOBS}
    query = select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(RUNS_SHOWN)
    if job:
        query = query.where(JobRun.job == job)
    return render_template("admin/jobs.html", latest=latest, runs=db.session.scalars(query).all(),
                           job=job, jobs=JOBS, job_labels=JOB_LABELS, shown=RUNS_SHOWN)
