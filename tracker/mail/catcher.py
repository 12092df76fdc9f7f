"""A local mail catcher for the embedded default (`make run`): an SMTP server on loopback
that keeps what it receives, shown at /dev/mail, so a new user sees the reminders the
seed plans produce without configuring a mail server. Development only.

Each message is kept as an ``.eml`` file under ``instance/dev-mail/`` (so a restart of
``make run`` does not empty /dev/mail, and any mail program can open one), and announced
by one log line; the SMTP server's own chatter stays out of the log.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller

KEEP = 500                      # the newest messages kept; older files are removed
log = logging.getLogger("tracker.dev_mail")
_lock = threading.Lock()
_folder: Path | None = None


class _Handler:
    def __init__(self, folder: Path):
        self.folder = folder

    async def handle_DATA(self, server, session, envelope):
        stamp = f"{time.time_ns()}"
        path = self.folder / f"{stamp}.eml"
        with _lock:
            path.write_bytes(envelope.content)
            for old in sorted(self.folder.glob("*.eml"))[:-KEEP]:
                old.unlink(missing_ok=True)
        message = message_from_bytes(envelope.content, policy=policy.default)
        log.info("Thư thử nghiệm / caught mail: %s — %s", ", ".join(envelope.rcpt_tos),
                 str(message["Subject"] or ""))
        return "250 OK"


def start(port: int = 8025, folder: Path | str | None = None) -> Controller:
    """Start the catcher; ``folder`` defaults to the app's ``instance/dev-mail``."""
    global _folder
    if folder is None:
        from flask import current_app
        folder = Path(current_app.instance_path) / "dev-mail"
    _folder = Path(folder)
    _folder.mkdir(parents=True, exist_ok=True)
    # aiosmtpd logs every SMTP command (and a harmless "Connection lost" when it checks
    # itself at start): only its warnings are worth an operator's attention.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(_Handler(_folder), hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def caught(folder: Path | str | None = None) -> list[dict]:
    """The kept messages, newest first: who, subject, when, the plain and HTML bodies."""
    where = Path(folder) if folder is not None else _folder
    if where is None or not where.exists():
        return []
    out = []
    with _lock:
        paths = sorted(where.glob("*.eml"), reverse=True)[:KEEP]
        raw = [(p, p.read_bytes()) for p in paths]
    for path, data in raw:
        message = message_from_bytes(data, policy=policy.default)
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        received = datetime.fromtimestamp(int(path.stem) / 1e9, tz=UTC)
        out.append({
            "received": received, "to": str(message["To"] or ""),
            "subject": str(message["Subject"] or ""),
            "text": text.get_content() if text is not None else "",
            "html": html.get_content() if html is not None else "",
            "attachments": [p.get_filename() or p.get_content_type() for p in message.iter_attachments()],
        })
    return out
