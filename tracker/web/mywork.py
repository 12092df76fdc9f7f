"""Việc của tôi: an officer's agencies' open items, and their calendar subscription."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import clock
from ..accounts import scopes
from ..config import reporting_calendar
from ..extensions import db
from ..feeds.tokens import mail_token
from ..models import STATUS_LABELS_VI, Agency
from ..models.directory import directory_order
from ..plans.worklist import work_list
from ..scheduling.ontime import LABELS_VI
from .access import roles_required

bp = Blueprint("mywork", __name__, url_prefix="/my")


@bp.get("/")
@roles_required("officer")
def index():
    """The officer's open items by urgency, then all of them (sections: plans.worklist)."""
    config = current_app.config
    agency_ids = sorted(scopes.officer_agency_ids(db.session, current_user))
    agencies = sorted(db.session.scalars(select(Agency).where(Agency.id.in_(agency_ids))),
                      key=lambda ag: directory_order(ag.level, ag.name))
    work = work_list(db.session, agency_ids, clock.today(), config["TRACKER_TIMEZONE"],
                     reporting_calendar(config), config["TRACKER_CHECKIN_PERIODS"])
    return render_template("mywork/index.html", work=work, agencies=agencies, today=clock.today(),
                           labels=LABELS_VI, status_labels=STATUS_LABELS_VI)


@bp.get("/calendar")
@roles_required("officer")
def calendar():
    """The officer's own feed: the same token their reminder e-mails carry."""
    token = mail_token(db.session, current_user.email, current_app.config["SECRET_KEY"])
    db.session.commit()
    return redirect(url_for("feeds.subscribe", token=token))
