"""Signed webhooks (issue 16, part 2): administrators register URLs for events; each event is
queued as one delivery per subscribed endpoint in the transaction that made it happen
(``events.emit``), and the ``webhooks`` job sends them signed (``signing``: HMAC-SHA256 over
the time and the body, as Stripe does), retried with backoff, never twice (``sender``).

Plain Python over sessions: the web pages and the ``flask webhooks`` commands are thin
layers over ``endpoints`` and ``sender``.
"""

from __future__ import annotations

from .events import EVENT_LABELS, EVENTS, Event, emit, emit_many, subscribers

__all__ = ["EVENTS", "EVENT_LABELS", "Event", "emit", "emit_many", "subscribers"]
