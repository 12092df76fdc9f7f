"""Keep feed tokens and sign-in link tokens out of logs: they are bearer secrets."""

from __future__ import annotations

import logging
import re

_SECRET_PATH = re.compile(r"(/feeds/|/login/link/)[A-Za-z0-9_\-]{8,}")


def redact(text: str) -> str:
    return _SECRET_PATH.sub(r"\1[token]", text)


class RedactTokens(logging.Filter):
    """Rewrites a record's message so a feed URL never reaches a log handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install() -> None:
    """Filter the loggers that print request lines (the development server's and gunicorn's)."""
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())


try:  # gunicorn is a production dependency, but keep the app importable without it
    from gunicorn.glogging import Logger as _GunicornLogger

    class GunicornLogger(_GunicornLogger):
        """gunicorn's access log with feed tokens redacted (``logger_class`` in gunicorn.conf.py)."""

        def access(self, resp, req, environ, request_time):
            environ = dict(environ)
            for key in ("RAW_URI", "PATH_INFO", "REQUEST_URI"):
                if key in environ:
                    environ[key] = redact(environ[key])
            return super().access(resp, req, environ, request_time)
except ImportError:  # pragma: no cover
    GunicornLogger = None  # type: ignore[assignment,misc]
