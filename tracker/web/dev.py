"""Development-only pages (registered when the mail catcher runs: `make run`)."""

from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template

from ..mail.catcher import caught

bp = Blueprint("dev", __name__, url_prefix="/dev")


@bp.get("/mail")
def mail():
    return render_template("dev/mail.html", messages=caught(),
                           zone=ZoneInfo(current_app.config["TRACKER_TIMEZONE"]))
