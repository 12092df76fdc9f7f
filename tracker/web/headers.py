"""Security headers on every response, and a nonce for the pages' own inline scripts.

A small after-request hook rather than Flask-Talisman: Talisman has had no release since
2023 and cannot give one page its own Referrer-Policy, which the pages whose URL carries a
token need. What is sent:

- ``Content-Security-Policy``: scripts only from this site or with this response's nonce;
  no plugins, no ``<base>`` rewriting, forms post only here, and ``frame-ancestors 'none'``
  (with ``X-Frame-Options: DENY`` for older browsers) so no page can be framed to trick a
  click (extension decisions, account toggles). Styles allow inline attributes: the
  dashboard's bars are sized by them, and all text reaching a page is escaped.
- ``Referrer-Policy: same-origin``; ``no-referrer`` where the URL carries a token
  (``no_referrer`` marks those views).
- ``X-Content-Type-Options: nosniff`` everywhere.
- With an https ``TRACKER_BASE_URL``: ``Strict-Transport-Security`` and ``Secure`` cookies.
"""

from __future__ import annotations

import secrets

from flask import Flask, g, request

CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
HSTS = "max-age=31536000; includeSubDomains"


def no_referrer(view):
    """Mark a view whose URL carries a secret: its page sends no Referer anywhere."""
    view.no_referrer = True
    return view


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def install(app: Flask) -> None:
    https = app.config["TRACKER_BASE_URL"].lower().startswith("https://")
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if https:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.before_request
    def _new_nonce():
        g.pop("csp_nonce", None)    # one per response, even where an app context is reused

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP.format(nonce=csp_nonce()))
        headers.setdefault("X-Frame-Options", "DENY")
        headers["X-Content-Type-Options"] = "nosniff"
        view = app.view_functions.get(request.endpoint or "")
        secret_url = getattr(view, "no_referrer", False)
        headers["Referrer-Policy"] = "no-referrer" if secret_url else "same-origin"
        if https:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
