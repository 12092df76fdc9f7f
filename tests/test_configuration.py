"""Settings are checked when the application starts: an invalid one stops it with a clear
message in both languages and exit status 2, never a traceback or a broken page later."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

from .conftest import ROOT


@pytest.mark.parametrize("setting, vi, en", [
    ("TRACKER_TIMEZONE=Mars/Base", "không phải múi giờ IANA", "is not an IANA time zone"),
    ("TRACKER_SIGNIN_LINK_DAYS=abc", "cần một số nguyên", "must be a whole number"),
    ("TRACKER_SESSION_IDLE_HOURS=0", "từ 1 trở lên", "of at least 1"),
    ("TRACKER_LANGUAGE=fr", "chọn vi hoặc en", "use vi or en"),
    ("TRACKER_CHECKIN_PERIODS=weekly", "kỳ không biết: weekly", "unknown periods: weekly"),
    ("TRACKER_REPORT_CUTOFF_DAY=31", "từ 1 đến 28", "from 1 to 28"),
    ("MAIL_PORT=smtp", "MAIL_PORT=“smtp” không hợp lệ", "MAIL_PORT=“smtp” is invalid"),
    ("TRACKER_BASE_URL=tracker.gov.vn", "phải là địa chỉ http://", "must be the site's http://"),
])
def test_an_invalid_setting_stops_the_app_with_the_reason(setting, vi, en, tmp_path):
    name, value = setting.split("=", 1)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "MAIL_"))}
    env.update({"TRACKER_SECRET_KEY": secrets.token_urlsafe(32),
                "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}", name: value})
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "routes"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert vi in result.stderr and en in result.stderr
    assert "Traceback" not in result.stderr


def test_valid_settings_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "MAIL_"))}
    env.update({"TRACKER_SECRET_KEY": secrets.token_urlsafe(32), "TRACKER_LANGUAGE": "en",
                "TRACKER_CHECKIN_PERIODS": "quarterly,annual", "TRACKER_TIMEZONE": "Asia/Bangkok",
                "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}"})
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "routes"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "auth.login" in result.stdout
