"""Administration (being built)."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
def index():
    return "admin"


@bp.get("/plans/<int:plan_id>/policy")
def plan_policy(plan_id: int):
    return "policy"
