"""The API's blueprint: every route under ``/api/``, authenticated by bearer token only and
exempt from CSRF (no cookie is ever looked at, so a page elsewhere cannot make a browser
call it with someone's session)."""

from __future__ import annotations

from flask import Blueprint, g, request

from .auth import authenticate, rate_headers
from .errors import ApiError

bp = Blueprint("api", __name__, url_prefix="/api")

#: endpoints anyone may call (the OpenAPI document)
PUBLIC = {"api.openapi"}


@bp.before_request
def _authenticate():
    g.pop("api_token", None)
    g.pop("api_rate", None)
    if request.endpoint in PUBLIC:
        return
    authenticate()


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    return error.response()


@bp.after_request
def _headers(response):
    response.headers["Cache-Control"] = "no-store"
    return rate_headers(response)
