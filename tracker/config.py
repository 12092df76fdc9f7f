"""Configuration from the environment.

Every setting is read from a ``TRACKER_``-prefixed variable (see README, "Configuration");
mail settings keep Flask-Mail's own names (``MAIL_SERVER`` ...). Defaults give a working
embedded setup: a SQLite file under ``instance/``.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .reading.reporting import ReportingCalendar

from .errors import UserError

PREFIX = "TRACKER_"


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(PREFIX + name, default)


def _int(name: str, default: int, minimum: int = 0) -> int:
    return _whole(PREFIX + name, default, minimum)


def _whole(variable: str, default: int, minimum: int = 0) -> int:
    """A whole-number setting, or ConfigError naming the variable and what it needs."""
    value = os.environ.get(variable)
    if value in (None, ""):
        return default
    try:
        number = int(value.strip())
    except ValueError:
        number = None
    if number is None or number < minimum:
        raise ConfigError(
            f"{variable}=“{value}” không hợp lệ: cần một số nguyên từ {minimum} trở lên.",
            f"{variable}=“{value}” is invalid: it must be a whole number of at least {minimum}.")
    return number


class ConfigError(UserError):
    """A setting that stops the application from starting (printed, exit status 2)."""


# 32 random bytes written in base64url (``secrets.token_urlsafe(32)``) are 43 characters.
MIN_SECRET_KEY_CHARS = 43
DEVELOPMENT_KEY_FILE = "secret_key"


def secret_key_from_environment() -> str | None:
    """``TRACKER_SECRET_KEY``, or the contents of the file ``TRACKER_SECRET_KEY_FILE`` names
    (systemd credentials, Docker secrets); None when neither is set."""
    key = _env("SECRET_KEY")
    if key:
        return key.strip()
    path = _env("SECRET_KEY_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip() or None
        except OSError as exc:
            raise ConfigError(f"Không đọc được TRACKER_SECRET_KEY_FILE ({path}): {exc.strerror}.",
                              f"Cannot read TRACKER_SECRET_KEY_FILE ({path}): {exc.strerror}.") from exc
    return None


def check_secret_key(key: str | None) -> None:
    """Refuse a missing, short or patterned key: everything signed (sessions, sign-in links,
    feed links in e-mails) is only as secret as it is."""
    how = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
    if not key:
        raise ConfigError(
            "Chưa đặt khóa bí mật TRACKER_SECRET_KEY. Không có nó, ai cũng có thể giả phiên đăng nhập "
            f"và liên kết. Tạo một khóa ngẫu nhiên bằng: {how}",
            "TRACKER_SECRET_KEY is not set. Without it anyone can forge sessions and sign-in links. "
            f"Make a random key with: {how}")
    if len(key) < MIN_SECRET_KEY_CHARS or len(set(key)) < 16:
        raise ConfigError(
            f"TRACKER_SECRET_KEY quá ngắn hoặc không ngẫu nhiên ({len(key)} ký tự): cần ít nhất 32 byte "
            f"ngẫu nhiên ({MIN_SECRET_KEY_CHARS} ký tự base64). Tạo bằng: {how}",
            f"TRACKER_SECRET_KEY is too short or not random ({len(key)} characters): it needs at least "
            f"32 random bytes ({MIN_SECRET_KEY_CHARS} base64 characters). Make one with: {how}")


def development_key(instance_path: str) -> str:
    """The development server's key: made once at random in ``instance/`` and reused, so
    sessions survive a restart of ``make run`` and nothing is shared between machines."""
    path = Path(instance_path) / DEVELOPMENT_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48) + "\n", encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def load(instance_path: str) -> dict:
    """The settings for one app instance, as a dict for ``app.config.from_mapping``."""
    default_db = "sqlite:///" + str(Path(instance_path) / "tracker.sqlite3")
    return {
        # None until the factory decides (production refuses to start without one).
        "SECRET_KEY": secret_key_from_environment(),
        "SQLALCHEMY_DATABASE_URI": _env("DATABASE_URL", default_db),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "TRACKER_TIMEZONE": _env("TIMEZONE", "Asia/Ho_Chi_Minh"),
        "TRACKER_BASE_URL": _env("BASE_URL", "http://127.0.0.1:5000"),
        "TRACKER_SEED_DIR": _env("SEED_DIR", str(Path(__file__).resolve().parent.parent / "seed_plans")),
        # Reporting calendar (Decree 09/2019/NĐ-CP): data cut-off day and the day of the
        # period's last month reports are due, per level of the body that receives them.
        "TRACKER_REPORT_CUTOFF_DAY": _int("REPORT_CUTOFF_DAY", 14, minimum=1),
        "TRACKER_REPORT_DAY_NATIONAL": _int("REPORT_DAY_NATIONAL", 25),
        "TRACKER_REPORT_DAY_PROVINCE": _int("REPORT_DAY_PROVINCE", 20),
        "TRACKER_REPORT_DAY_DISTRICT": _int("REPORT_DAY_DISTRICT", 17),
        "TRACKER_REPORT_DAY_COMMUNE": _int("REPORT_DAY_COMMUNE", 15),
        # Emulation ranking (thi đua), percentages: commended at >= COMMEND_DONE done and
        # < COMMEND_LATE late (done late or overdue, of fallen due); criticised under
        # CRITICISE_DONE done (tracker.reports.ranking).
        "TRACKER_RANKING_COMMEND_DONE": _int("RANKING_COMMEND_DONE", 90),
        "TRACKER_RANKING_COMMEND_LATE": _int("RANKING_COMMEND_LATE", 10),
        "TRACKER_RANKING_CRITICISE_DONE": _int("RANKING_CRITICISE_DONE", 50),
        "TRACKER_MAX_UPLOAD_BYTES": _int("MAX_UPLOAD_BYTES", 20 * 1024 * 1024, minimum=1),
        # Publishing a plan, and listing what an amendment changes, run in the background; the
        # page waits this long for them before it shows their progress instead (a usual plan
        # is done by then).
        "TRACKER_BACKGROUND_WAIT_SECONDS": _int("BACKGROUND_WAIT_SECONDS", 5),
        # Evidence files attached to progress reports: size per file, and what types are taken.
        "TRACKER_MAX_EVIDENCE_BYTES": _int("MAX_EVIDENCE_BYTES", 10 * 1024 * 1024, minimum=1),
        # Any request body above this is refused before it is read (413).
        "TRACKER_MAX_REQUEST_BYTES": _int("MAX_REQUEST_BYTES", 32 * 1024 * 1024, minimum=1),
        # E-mailed sign-in links work once, for this long: officers (whose reminders are the
        # way in) for days, authors, leaders and administrators (who see a whole committee)
        # for hours.
        "TRACKER_SIGNIN_LINK_DAYS": _int("SIGNIN_LINK_DAYS", 7, minimum=1),
        "TRACKER_STAFF_SIGNIN_LINK_HOURS": _int("STAFF_SIGNIN_LINK_HOURS", 24, minimum=1),
        # A session ends after this long without a request, and this long after sign-in.
        "TRACKER_SESSION_IDLE_HOURS": _int("SESSION_IDLE_HOURS", 12, minimum=1),
        "TRACKER_SESSION_MAX_DAYS": _int("SESSION_MAX_DAYS", 7, minimum=1),
        # Sign-in attempts: an account is locked for LOCK_MINUTES after MAX_FAILURES wrong
        # passwords; one client address is slowed down after as many.
        "TRACKER_LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 10, minimum=1),
        "TRACKER_LOGIN_LOCK_MINUTES": _int("LOGIN_LOCK_MINUTES", 15, minimum=1),
        # The REST API: requests per minute one personal access token may make (a fixed
        # window counted in each web process: see tracker.api.limits).
        "TRACKER_API_RATE_LIMIT": _int("API_RATE_LIMIT", 120, minimum=1),
        # Behind a reverse proxy: how many proxies set X-Forwarded-For / -Proto (0: none).
        "TRACKER_PROXY_COUNT": _int("PROXY_COUNT", 0),
        # Calendar feeds: the rolling window (open overdue items are always shown) and the
        # reporting periods at which continuous tasks appear as check-ins.
        "TRACKER_FEED_PAST_DAYS": _int("FEED_PAST_DAYS", 92),
        "TRACKER_FEED_FUTURE_DAYS": _int("FEED_FUTURE_DAYS", 548),
        # A stale feed is rebuilt by a background thread of the web process that noticed it
        # ("background"), or only by the scheduler's minute job and the tests ("manual").
        "TRACKER_FEED_REFRESH": _env("FEED_REFRESH", "background"),
        # Where this machine keeps copies of stored feed bodies to send them as files.
        "TRACKER_FEED_CACHE_DIR": _env("FEED_CACHE_DIR", str(Path(instance_path) / "feed-cache")),
        "TRACKER_CHECKIN_PERIODS": tuple(p.strip() for p in (_env("CHECKIN_PERIODS", "quarterly") or "").split(",")
                                         if p.strip()),
        "BABEL_DEFAULT_LOCALE": _env("LANGUAGE", "vi"),
        # Development server only: run the clock from this day (see tracker.clock).
        "TRACKER_DEMO_TODAY": _env("DEMO_TODAY"),
        # Outgoing mail: Flask-Mail's own variable names (MAIL_SERVER, MAIL_PORT, ...).
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "127.0.0.1"),
        "MAIL_PORT": _whole("MAIL_PORT", 25, minimum=1),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "") in ("1", "true", "True", "yes"),
        "MAIL_USE_SSL": os.environ.get("MAIL_USE_SSL", "") in ("1", "true", "True", "yes"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER",
                                              "Theo dõi kế hoạch <no-reply@tracker.example>"),
        "MAIL_TIMEOUT": _whole("MAIL_TIMEOUT", 30, minimum=1),
        # Outbox: how many times a message is tried, and the first retry delay (doubling).
        "TRACKER_MAIL_MAX_ATTEMPTS": _int("MAIL_MAX_ATTEMPTS", 8, minimum=1),
        "TRACKER_MAIL_RETRY_SECONDS": _int("MAIL_RETRY_SECONDS", 60),
        "TRACKER_MAIL_BATCH": _int("MAIL_BATCH", 200, minimum=1),
        # Webhooks: how long a receiver may take to answer, tries before a delivery is failed,
        # the first retry delay (doubling) and how many deliveries one run of the job sends.
        "TRACKER_WEBHOOK_TIMEOUT": _int("WEBHOOK_TIMEOUT", 10, minimum=1),
        "TRACKER_WEBHOOK_MAX_ATTEMPTS": _int("WEBHOOK_MAX_ATTEMPTS", 8, minimum=1),
        "TRACKER_WEBHOOK_RETRY_SECONDS": _int("WEBHOOK_RETRY_SECONDS", 60),
        "TRACKER_WEBHOOK_BATCH": _int("WEBHOOK_BATCH", 200, minimum=1),
    }


LANGUAGES = ("vi", "en")


def check(settings: dict) -> None:
    """Refuse settings the application cannot run with, each with its reason in both languages
    (the factory calls this; gunicorn.conf.py too, before any worker starts)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from .reading.result import PERIODS
    zone = settings["TRACKER_TIMEZONE"]
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"{PREFIX}TIMEZONE=“{zone}” không phải múi giờ IANA (ví dụ Asia/Ho_Chi_Minh).",
            f"{PREFIX}TIMEZONE=“{zone}” is not an IANA time zone (for example Asia/Ho_Chi_Minh).") from exc
    if settings["BABEL_DEFAULT_LOCALE"] not in LANGUAGES:
        raise ConfigError(
            f"{PREFIX}LANGUAGE=“{settings['BABEL_DEFAULT_LOCALE']}” không được hỗ trợ: chọn vi hoặc en.",
            f"{PREFIX}LANGUAGE=“{settings['BABEL_DEFAULT_LOCALE']}” is not supported: use vi or en.")
    unknown = [p for p in settings["TRACKER_CHECKIN_PERIODS"] if p not in PERIODS]
    if unknown:
        raise ConfigError(
            f"{PREFIX}CHECKIN_PERIODS có kỳ không biết: {', '.join(unknown)} (chọn trong {', '.join(PERIODS)}).",
            f"{PREFIX}CHECKIN_PERIODS has unknown periods: {', '.join(unknown)} (choose from {', '.join(PERIODS)}).")
    refresh = settings.get("TRACKER_FEED_REFRESH", "background")
    if refresh not in ("background", "manual"):
        raise ConfigError(
            f"{PREFIX}FEED_REFRESH=“{refresh}” không hợp lệ: chọn background hoặc manual.",
            f"{PREFIX}FEED_REFRESH=“{refresh}” is not valid: use background or manual.")
    base = settings["TRACKER_BASE_URL"]
    if not re.match(r"^https?://[^/\s]+", base or ""):
        raise ConfigError(
            f"{PREFIX}BASE_URL=“{base}” phải là địa chỉ http:// hoặc https:// của trang.",
            f"{PREFIX}BASE_URL=“{base}” must be the site's http:// or https:// address.")
    for key in ("TRACKER_REPORT_CUTOFF_DAY", "TRACKER_REPORT_DAY_NATIONAL", "TRACKER_REPORT_DAY_PROVINCE",
                "TRACKER_REPORT_DAY_DISTRICT", "TRACKER_REPORT_DAY_COMMUNE"):
        if not 1 <= settings[key] <= 28:
            raise ConfigError(f"{key}={settings[key]} phải là một ngày từ 1 đến 28.",
                              f"{key}={settings[key]} must be a day from 1 to 28.")
    for key in ("TRACKER_RANKING_COMMEND_DONE", "TRACKER_RANKING_COMMEND_LATE", "TRACKER_RANKING_CRITICISE_DONE"):
        if not 0 <= settings.get(key, 0) <= 100:
            raise ConfigError(f"{key}={settings[key]} phải là một tỷ lệ phần trăm từ 0 đến 100.",
                              f"{key}={settings[key]} must be a percentage from 0 to 100.")


def reporting_calendar(config) -> ReportingCalendar:
    """The reporting calendar (Decree 09/2019 defaults) as this deployment configures it."""
    from .reading.reporting import ReportingCalendar
    return ReportingCalendar(cutoff_day=config["TRACKER_REPORT_CUTOFF_DAY"], submission_days={
        "national": config["TRACKER_REPORT_DAY_NATIONAL"],
        "province": config["TRACKER_REPORT_DAY_PROVINCE"],
        "district": config["TRACKER_REPORT_DAY_DISTRICT"],
        "commune": config["TRACKER_REPORT_DAY_COMMUNE"]})
