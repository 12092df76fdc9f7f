"""Work a request starts and does not wait for: a thread in this web worker, with its own
application context and database sessions (the request's session is gone when it ends).

A worker that restarts loses its threads; the work they did in a transaction is then
simply not committed (see plans/publishing.py for how a draft notices).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from flask import Flask, current_app

# Two at a time per worker: publishing is mostly database work, and a third author waits.
_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tracker-background")


def submit(fn, *args, **kwargs) -> Future:
    """Run ``fn(*args, **kwargs)`` in a background thread inside this app's context."""
    app: Flask = current_app._get_current_object()   # type: ignore[attr-defined]

    def work():
        with app.app_context():
            return fn(*args, **kwargs)

    return _executor.submit(work)
