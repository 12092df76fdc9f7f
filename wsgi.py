"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi ...``."""

import sys

from tracker import create_app
from tracker.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:
    # A setting the application cannot run with: say which and why, in both languages, and
    # stop with status 2 (no traceback for an operator to decode).
    sys.stderr.write(f"tracker: {exc.message_vi}\ntracker: {exc.message_en}\n")
    raise SystemExit(2) from None
