"""Configuration from the environment.

Every setting is read from a ``TRACKER_``-prefixed variable (see README, "Configuration");
mail settings keep Flask-Mail's own names (``MAIL_SERVER`` ...). Defaults give a working
embedded setup: a SQLite file under ``instance/``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .scheduling.reporting import ReportingCalendar

PREFIX = "TRACKER_"


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(PREFIX + name, default)


def _int(name: str, default: int) -> int:
    value = _env(name)
    return int(value) if value not in (None, "") else default


def load(instance_path: str) -> dict:
    """The settings for one app instance, as a dict for ``app.config.from_mapping``."""
    default_db = "sqlite:///" + str(Path(instance_path) / "tracker.sqlite3")
    return {
        "SECRET_KEY": _env("SECRET_KEY", "dev-only-not-secret"),
        "SQLALCHEMY_DATABASE_URI": _env("DATABASE_URL", default_db),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "TRACKER_TIMEZONE": _env("TIMEZONE", "Asia/Ho_Chi_Minh"),
        "TRACKER_BASE_URL": _env("BASE_URL", "http://127.0.0.1:5000"),
        "TRACKER_SEED_DIR": _env("SEED_DIR", str(Path(__file__).resolve().parent.parent / "seed_plans")),
        # Reporting calendar (Decree 09/2019/NĐ-CP): data cut-off day and the day of the
        # period's last month reports are due, per level of the body that receives them.
        "TRACKER_REPORT_CUTOFF_DAY": _int("REPORT_CUTOFF_DAY", 14),
        "TRACKER_REPORT_DAY_NATIONAL": _int("REPORT_DAY_NATIONAL", 25),
        "TRACKER_REPORT_DAY_PROVINCE": _int("REPORT_DAY_PROVINCE", 20),
        "TRACKER_REPORT_DAY_DISTRICT": _int("REPORT_DAY_DISTRICT", 17),
        "TRACKER_REPORT_DAY_COMMUNE": _int("REPORT_DAY_COMMUNE", 15),
        "TRACKER_MAX_UPLOAD_BYTES": _int("MAX_UPLOAD_BYTES", 20 * 1024 * 1024),
        # Evidence files attached to progress reports: size per file, and what types are taken.
        "TRACKER_MAX_EVIDENCE_BYTES": _int("MAX_EVIDENCE_BYTES", 10 * 1024 * 1024),
        # Any request body above this is refused before it is read (413).
        "TRACKER_MAX_REQUEST_BYTES": _int("MAX_REQUEST_BYTES", 32 * 1024 * 1024),
        # E-mailed sign-in links stay valid this many days.
        "TRACKER_SIGNIN_LINK_DAYS": _int("SIGNIN_LINK_DAYS", 14),
        # Calendar feeds: the rolling window (open overdue items are always shown) and the
        # reporting periods at which continuous tasks appear as check-ins.
        "TRACKER_FEED_PAST_DAYS": _int("FEED_PAST_DAYS", 92),
        "TRACKER_FEED_FUTURE_DAYS": _int("FEED_FUTURE_DAYS", 548),
        "TRACKER_CHECKIN_PERIODS": tuple(p.strip() for p in (_env("CHECKIN_PERIODS", "quarterly") or "").split(",") if p.strip()),
        "BABEL_DEFAULT_LOCALE": _env("LANGUAGE", "vi"),
        # Outgoing mail: Flask-Mail's own variable names (MAIL_SERVER, MAIL_PORT, ...).
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "127.0.0.1"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "") in ("1", "true", "True", "yes"),
        "MAIL_USE_SSL": os.environ.get("MAIL_USE_SSL", "") in ("1", "true", "True", "yes"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER",
                                              "Theo dõi kế hoạch <no-reply@tracker.example>"),
        "MAIL_TIMEOUT": int(os.environ.get("MAIL_TIMEOUT", "30")),
        # Outbox: how many times a message is tried, and the first retry delay (doubling).
        "TRACKER_MAIL_MAX_ATTEMPTS": _int("MAIL_MAX_ATTEMPTS", 8),
        "TRACKER_MAIL_RETRY_SECONDS": _int("MAIL_RETRY_SECONDS", 60),
        "TRACKER_MAIL_BATCH": _int("MAIL_BATCH", 200),
    }


def reporting_calendar(config) -> "ReportingCalendar":
    """The reporting calendar (Decree 09/2019 defaults) as this deployment configures it."""
    from .scheduling.reporting import ReportingCalendar
    return ReportingCalendar(cutoff_day=config["TRACKER_REPORT_CUTOFF_DAY"], submission_days={
        "national": config["TRACKER_REPORT_DAY_NATIONAL"],
        "province": config["TRACKER_REPORT_DAY_PROVINCE"],
        "district": config["TRACKER_REPORT_DAY_DISTRICT"],
        "commune": config["TRACKER_REPORT_DAY_COMMUNE"]})
