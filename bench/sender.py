"""Sender benchmark: the outbox sender against a bare smtplib loop, same messages, same server.

Run it with ``python bench/sender.py [N]`` from the repository root (virtualenv active);
N messages (default 2,000), SQLite in a temporary file (``TRACKER_BENCH_DATABASE_URL`` for
another database, e.g. PostgreSQL; it is wiped).

Setup: the schema by migration; N reminder-sized messages (a rendered reminder with one
.ics) enqueued with ``enqueue`` to N distinct addresses. An aiosmtpd server on loopback
that only counts. Timed: ``run("send")`` until the queue is empty (what the scheduler does
every minute: claims, marks, commits, SMTP), then the same N messages, built beforehand
with ``to_message``, through one bare ``smtplib.SMTP.send_message`` loop over one
connection. Prints a table and one JSON line; asserts nothing about speed.
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import smtplib
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from time import perf_counter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from tests.conftest import _reset_postgresql, free_port  # noqa: E402
from tracker import create_app  # noqa: E402
from tracker.addresses import bare_address  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.jobs import run  # noqa: E402
from tracker.mail.compose import ComposedMail, MailItem, Recipient, compose, to_message  # noqa: E402
from tracker.mail.outbox import enqueue, idempotency_key  # noqa: E402
from tracker.models import QUEUED, SENT, OutboxMessage  # noqa: E402

AT = datetime(2020, 3, 24, 0, 30, tzinfo=UTC)


class Counter:
    def __init__(self):
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        return "250 OK"


def _mail(n: int) -> ComposedMail:
    item = MailItem(plan_label="Kế hoạch 181/KH-UBND – Kiểm soát thủ tục hành chính năm 2020", plan_key="1",
                    task_ref=f"IV.{n % 40}", task_content="Rà soát, đánh giá thủ tục hành chính thuộc phạm vi "
                    "quản lý, kiến nghị đơn giản hóa", agency="Sở Tư pháp tỉnh Sóc Trăng", role="lead",
                    output="Báo cáo kết quả rà soát", deadline_text="Trong quý I/2020", due=date(2020, 3, 27),
                    step_kind="before", step_number=3, days=3, url=f"https://tracker.example/a/{n}",
                    uid=f"assignment-{n}@tracker.example")
    person = Recipient(f"canbo{n}@soctrang.example", f"Cán bộ {n}")
    composed = compose("reminder", person, [item], today=date(2020, 3, 24), feed_url=None,
                       app_url="https://tracker.example", organizer="no-reply@tracker.example")
    assert composed is not None
    return composed


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    tmp = tempfile.mkdtemp(prefix="tracker-bench-sender-")
    url = os.environ.get("TRACKER_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
    if url.startswith("postgresql"):
        _reset_postgresql(url)
    handler = Counter()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app = create_app({"TESTING": True, "SECRET_KEY": secrets.token_urlsafe(32), "SQLALCHEMY_DATABASE_URI": url,
                      "TRACKER_NOW": AT, "TRACKER_MAIL_BATCH": 1000, "MAIL_SERVER": "127.0.0.1",
                      "MAIL_PORT": controller.port, "MAIL_SUPPRESS_SEND": False,
                      "TRACKER_BASE_URL": "https://tracker.example"})
    mail = app.extensions["mail"]
    mail.server, mail.port, mail.suppress = "127.0.0.1", controller.port, False
    try:
        with app.app_context():
            upgrade()
            for i in range(n):
                composed = _mail(i)
                enqueue(db.session(), composed, "reminder",
                        idempotency_key("reminder", composed.to, "2020-03-24", [f"a{i}:before-3"]), [], f"Cán bộ {i}")
            db.session.commit()
            sender = app.config["MAIL_DEFAULT_SENDER"]
            rows = db.session.execute(sa.select(OutboxMessage).where(OutboxMessage.state == QUEUED)
                                      .order_by(OutboxMessage.id)).scalars().all()
            prepared = [(r.recipient, to_message(ComposedMail(to=r.recipient, subject=r.subject, text=r.body_text,
                                                              html=r.body_html, ics=r.ics),
                                                 sender, message_id=r.message_id, language=r.language))
                        for r in rows]
            db.session.remove()

            runs, start = 0, perf_counter()
            while True:
                report = run("send", AT)
                runs += 1
                if not report.sent and not report.retried:
                    break
            outbox_seconds = perf_counter() - start
            sent = db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.state == SENT))
            db.session.remove()

            received_before = handler.messages
            start = perf_counter()
            with smtplib.SMTP("127.0.0.1", controller.port, timeout=30) as smtp:
                for recipient, message in prepared:
                    smtp.send_message(message, from_addr=(bare_address(sender) or sender), to_addrs=[recipient])
            bare_seconds = perf_counter() - start
            bare = handler.messages - received_before
    finally:
        controller.stop()
    outbox_rate, bare_rate = sent / outbox_seconds, bare / bare_seconds
    load = os.getloadavg()[0]
    print(f"sender benchmark: {n:,} messages, {url.split(':')[0]}, Python {platform.python_version()}, "
          f"load {load:.2f}")
    print(f"{'':<32} {'messages':>9} {'seconds':>9} {'msg/s':>9}")
    print(f"{'outbox sender (run send)':<32} {sent:>9,} {outbox_seconds:>9.2f} {outbox_rate:>9.1f}")
    print(f"{'bare smtplib, one connection':<32} {bare:>9,} {bare_seconds:>9.2f} {bare_rate:>9.1f}")
    print(f"ratio {outbox_rate / bare_rate:.2f} of the bare loop ({runs} runs)")
    print(json.dumps({"bench": "sender", "messages": n, "database": url.split(":")[0], "sent": sent,
                      "outbox_seconds": round(outbox_seconds, 3), "bare_seconds": round(bare_seconds, 3),
                      "ratio": round(outbox_rate / bare_rate, 3), "load": round(load, 2)}))


if __name__ == "__main__":
    main()
