"""The front door: each role lands on the page it uses most."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required

from ..models import AUTHOR, LEADER, OFFICER

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    if current_user.role == OFFICER:
        return redirect(url_for("mywork.index"))
    if current_user.role == LEADER:
        return redirect(url_for("dashboard.index"))
    if current_user.role == AUTHOR:
        return redirect(url_for("plans.index"))
    return redirect(url_for("plans.index"))
