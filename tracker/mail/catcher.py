"""A local mail catcher for the embedded default (`make run`): an SMTP server on loopback
that keeps what it receives, shown at /dev/mail, so a new user sees the reminders the
seed plans produce without configuring a mail server. Development only."""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime, timezone
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

CAUGHT: deque = deque(maxlen=500)
_lock = threading.Lock()


class _Handler:
    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        text = message.get_body(("plain",))
        with _lock:
            CAUGHT.appendleft({
                "received": datetime.now(timezone.utc), "to": ", ".join(envelope.rcpt_tos),
                "subject": str(message["Subject"] or ""),
                "text": text.get_content() if text is not None else "",
                "attachments": [p.get_filename() or p.get_content_type()
                                for p in message.iter_attachments()],
            })
        return "250 OK"


def start(port: int = 8025) -> Controller:
    controller = Controller(_Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def caught() -> list[dict]:
    with _lock:
        return list(CAUGHT)
