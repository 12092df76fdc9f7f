"""The REST API (``/api/v1/``, OpenAPI document at ``/api/openapi.json``): JSON over the
domain functions, authenticated by personal access tokens (``accounts.api_tokens``)."""

from __future__ import annotations

from flask import Flask, request

from . import openapi, views  # noqa: F401  (register the routes)
from .blueprint import bp
from .errors import http_error

__all__ = ["bp", "install", "is_api_request", "http_error"]


def is_api_request() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def install(app: Flask) -> None:
    from ..extensions import csrf
    csrf.exempt(bp)
    app.register_blueprint(bp)
