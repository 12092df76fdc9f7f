"""The navigation bar's counts (``plans.waiting``): pending extension requests next to "Gia
hạn" for authors and administrators, outputs sent back next to "Việc của tôi" for officers.

A context processor hands base.html ``nav_counts``, a function it calls, so only pages
with the navigation bar pay for the counts, once. A database error while counting (an
error page drawn after a failed transaction) shows the bar without counts rather than
failing the page a second time.
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..plans.waiting import Waiting, waiting_for


def nav_counts() -> Waiting:
    """Called once per page (base.html keeps it in a variable)."""
    if not current_user.is_authenticated:
        return Waiting()
    try:
        return waiting_for(db.session(), current_user)
    except SQLAlchemyError:
        current_app.logger.warning("navigation counts unavailable", exc_info=True)
        return Waiting()


def install(app: Flask) -> None:
    @app.context_processor
    def _navigation() -> dict:
        return {"nav_counts": nav_counts}
