"""The development server's conveniences: a demo date for the clock, and a mail catcher that
keeps what it catches across restarts."""

from __future__ import annotations

import logging
import smtplib
from datetime import date, timedelta
from email.message import EmailMessage

import pytest

from tracker import clock
from tracker.config import ConfigError
from tracker.mail import catcher

from .conftest import free_port, make_app


def test_the_demo_date_runs_the_clock_from_that_day(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'd.sqlite3'}", TRACKER_DEMO_TODAY="2017-06-15")
    with app.app_context():
        assert clock.today() == date(2017, 6, 15)
        first = clock.now()
        assert clock.now() >= first                  # time still passes
    with pytest.raises(ConfigError, match="2017-06-15"):
        make_app(f"sqlite:///{tmp_path / 'e.sqlite3'}", TRACKER_DEMO_TODAY="15/06/2017")


def test_the_demo_date_is_refused_outside_the_development_server(tmp_path):
    from tracker import create_app

    from .conftest import SECRET_KEY
    with pytest.raises(ConfigError) as refused:
        create_app({"SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}",
                    "TRACKER_DEMO_TODAY": "2017-06-15"})
    assert "development server only" in refused.value.message_en


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def test_caught_mail_survives_a_restart_and_keeps_its_html(tmp_path):
    folder = tmp_path / "dev-mail"
    port = free_port()
    controller = catcher.start(port, folder)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@x.vn", "b@x.vn", "[Nhắc hạn] Thử"
    message.set_content("Nội dung")
    message.add_alternative("<p>Nội <b>dung</b></p>", subtype="html")
    lines = _Lines()
    for name in ("tracker.dev_mail", "mail.log"):
        logging.getLogger(name).addHandler(lines)
    logging.getLogger("tracker.dev_mail").setLevel(logging.INFO)
    # (Alembic's fileConfig, run by the migrations of earlier tests, disables loggers that
    # existed before it; the development server never runs migrations in its own process.)
    logging.getLogger("tracker.dev_mail").disabled = False
    try:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.send_message(message)
    finally:
        controller.stop()
        for name in ("tracker.dev_mail", "mail.log"):
            logging.getLogger(name).removeHandler(lines)
    assert [r.getMessage() for r in lines.records if r.name == "tracker.dev_mail"] == \
        ["Thư thử nghiệm / caught mail: b@x.vn — [Nhắc hạn] Thử"]
    assert not [r for r in lines.records if r.name == "mail.log" and r.levelno < logging.WARNING]
    # A new process (a restart) reads the same folder.
    (kept,) = catcher.caught(folder)
    assert kept["subject"] == "[Nhắc hạn] Thử" and "<b>dung</b>" in kept["html"] and "Nội dung" in kept["text"]
    assert abs(kept["received"].date() - date.today()) <= timedelta(days=1)
