"""Input no page should ever see: refused with a 400 and a message, before any view runs.

A NUL character cannot be stored in PostgreSQL text (the driver raises, which was a 500),
and never belongs in a form, a file name, a query or a path; nor do other C0 control
characters outside tabs and line breaks.
"""

from __future__ import annotations

import re

from flask import Flask, abort, request

_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def install(app: Flask) -> None:
    @app.before_request
    def _refuse_control_characters():
        values = [request.path]
        for multi in (request.args, request.form):
            for key, value in multi.items(multi=True):
                values += [key, value]
        for key, upload in request.files.items(multi=True):
            values += [key, upload.filename or ""]
        if any(_BAD.search(v) for v in values if isinstance(v, str)):
            abort(400, description="control_characters")
