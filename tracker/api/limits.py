"""Requests per token: a fixed one-minute window, counted in each web process's memory.

Why memory and not the database: counting in the database would write on every API request
(on SQLite a write takes the one writer lock), which is what writing the token's last use
at most once a minute avoids. The limit is there to stop a runaway script, not to bill
anyone, so a count per process is enough: with N gunicorn workers a token can make at most
N × the limit per minute, and a restart forgets the counts. The sign-in throttle
(accounts/throttle.py) is in the database because it must hold across workers against
guessing; a token cannot be guessed (256 bits).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    #: seconds until the window ends (Retry-After when refused)
    reset: int


class FixedWindow:
    """At most ``limit`` hits per key in each window of ``seconds`` (windows aligned on the
    clock, so every process's windows start together)."""

    def __init__(self, seconds: int = 60):
        self.seconds = seconds
        self._counts: dict[object, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def hit(self, key: object, limit: int, now: float) -> Decision:
        window = int(now // self.seconds)
        reset = max(1, math.ceil((window + 1) * self.seconds - now))
        with self._lock:
            if len(self._counts) > 10000:      # forget the windows that are over
                self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
            started, count = self._counts.get(key, (window, 0))
            if started != window:
                count = 0
            if count >= limit:
                return Decision(False, limit, 0, reset)
            self._counts[key] = (window, count + 1)
            return Decision(True, limit, limit - count - 1, reset)
