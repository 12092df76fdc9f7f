"""Leadership dashboard (being built)."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.get("/")
def index():
    return "dashboard"
