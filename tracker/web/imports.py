"""Import wizard (being built)."""

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/imports")


@bp.get("/new")
def new():
    return "imports"
