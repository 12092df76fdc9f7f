"""Work a request starts and does not wait for: a thread in this web worker, with its own
application context and database sessions (the request's session is gone when it ends).

A worker that restarts loses its threads; the work they did in a transaction is then
simply not committed (see plans/publishing.py for how a draft notices).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

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


#: what ``submit_and_wait`` returns for work that goes on after the wait
UNFINISHED = object()


def submit_and_wait(fn, *args, **kwargs):
    """``submit``, then wait up to ``TRACKER_BACKGROUND_WAIT_SECONDS``: what ``fn`` returned
    when it was done by then (a usual plan is), else ``UNFINISHED`` (the page says it is
    being worked on; the work goes on)."""
    job = submit(fn, *args, **kwargs)
    try:
        return job.result(timeout=current_app.config["TRACKER_BACKGROUND_WAIT_SECONDS"])
    except FutureTimeout:
        return UNFINISHED
