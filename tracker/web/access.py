"""Access checks for views: sign-in required, roles, and 404 for what one may not see.

An item the account may not open answers 404, not 403, so item numbers reveal nothing.
"""

from __future__ import annotations

from functools import wraps
from typing import TypeVar

from flask import abort
from flask_login import current_user, login_required

from ..extensions import db


def roles_required(*roles: str):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


M = TypeVar("M")


def get_or_404(model: type[M], ident, include_removed: bool = False) -> M:
    """``include_removed``: also a row an amended plan removed (models.base.Removable)."""
    obj = db.session.get(model, ident, execution_options={"include_removed": include_removed})
    if obj is None:
        abort(404)
    return obj


def require(allowed: bool) -> None:
    if not allowed:
        abort(404)
