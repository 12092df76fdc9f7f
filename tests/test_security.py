"""The holes an attacker would try first, each shown closed.

Secret key, revocable sessions, sign-in limits, single-use links that are never stored,
security headers, hostile uploads and input, and previews that reveal nothing of another
committee. The authorization of every route is in ``test_authorization_matrix.py``.
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tracker import config as tracker_config
from tracker import create_app
from tracker.extensions import db
from tracker.models import Account, Agency, Assignment, Evidence, OutboxMessage, SignInLink, StatusChange

from .conftest import PASSWORD, ROOT, SEEDS, STP_OFFICER, csrf_of, free_port, issue_link, sign_in

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
AUTHOR = "soanthao@soctrang.example"


def _at(app, moment: datetime) -> None:
    app.config["TRACKER_NOW"] = moment


def _now() -> datetime:
    return datetime.now(TZ).replace(microsecond=0)


def _stp_item(session) -> Assignment:
    stp = session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp tỉnh Sóc Trăng"))
    return session.scalars(select(Assignment).where(Assignment.agency_id == stp.id)).first()


# ---- 1. the secret key ------------------------------------------------------------------------

def test_the_app_refuses_to_start_without_a_real_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    monkeypatch.delenv("TRACKER_SECRET_KEY_FILE", raising=False)
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    with pytest.raises(tracker_config.ConfigError) as missing:
        create_app({"SQLALCHEMY_DATABASE_URI": url})
    assert "TRACKER_SECRET_KEY" in missing.value.message_vi and "secrets.token_urlsafe" in missing.value.message_en
    for weak in ("dev-only-not-secret", "a" * 64, secrets.token_urlsafe(16)):
        with pytest.raises(tracker_config.ConfigError, match="too short or not random"):
            create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": weak})
    # A key in a file (systemd credentials, Docker secrets) is read from TRACKER_SECRET_KEY_FILE.
    key_file = tmp_path / "key"
    key_file.write_text(secrets.token_urlsafe(32) + "\n")
    monkeypatch.setenv("TRACKER_SECRET_KEY_FILE", str(key_file))
    assert create_app({"SQLALCHEMY_DATABASE_URI": url}).config["SECRET_KEY"] == key_file.read_text().strip()


def test_the_development_key_is_random_made_once_and_private(tmp_path):
    first = tracker_config.development_key(str(tmp_path))
    assert first == tracker_config.development_key(str(tmp_path))
    tracker_config.check_secret_key(first)
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert tracker_config.development_key(str(tmp_path / "other")) != first


def _gunicorn(env: dict, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--no-control-socket",
         "--workers", "1", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_gunicorn_without_a_key_exits_with_the_reason_and_with_one_serves_the_headers(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env["TRACKER_DATABASE_URL"] = f"sqlite:///{tmp_path / 'g.sqlite3'}"
    env["HOME"] = str(tmp_path)
    refused = _gunicorn(env, free_port())
    _out, err = refused.communicate(timeout=60)
    assert refused.returncode != 0
    assert "TRACKER_SECRET_KEY" in err and "Chưa đặt khóa bí mật" in err

    env["TRACKER_SECRET_KEY"] = secrets.token_urlsafe(32)
    env["TRACKER_BASE_URL"] = "https://tracker.example.gov.vn"
    port = free_port()
    server = _gunicorn(env, port)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert server.poll() is None, server.communicate()[1]
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/login", headers={"X-Forwarded-Proto": "https"})
        with urllib.request.urlopen(request, timeout=30) as response:
            headers = response.headers
            body = response.read().decode()
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Strict-Transport-Security"].startswith("max-age=")
        cookie = headers["Set-Cookie"] or ""
        assert "Secure" in cookie and "SameSite=Lax" in cookie and "HttpOnly" in cookie
        assert "Đăng nhập" in body
    finally:
        server.terminate()
        server.communicate(timeout=30)


# ---- 2. sessions can be ended ----------------------------------------------------------------

def _copy_session(app, client):
    """A second browser holding a copy of ``client``'s session cookie (a stolen cookie)."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def _signed_in(client) -> bool:
    return client.get("/plans").status_code == 200


def test_logout_password_change_role_change_and_disabling_end_every_session(app, seeded, people):
    from tracker.accounts.manage import set_active, set_role

    client = app.test_client()
    sign_in(client, AUTHOR)
    thief = _copy_session(app, client)
    assert _signed_in(thief)
    page = client.get("/plans")
    client.post("/logout", data={"csrf_token": csrf_of(page)})
    assert not _signed_in(thief) and not _signed_in(client)

    # Changing one's password keeps this session and ends the others.
    sign_in(client, AUTHOR)
    thief = _copy_session(app, client)
    page = client.get("/account/password")
    new = "mat-khau-moi-rat-dai"
    changed = client.post("/account/password", data={"csrf_token": csrf_of(page), "current": PASSWORD,
                                                     "new": new, "confirm": new})
    assert changed.status_code == 302
    assert _signed_in(client) and not _signed_in(thief)
    wrong = client.post("/account/password", data={"csrf_token": csrf_of(client.get("/account/password")),
                                                   "current": "sai", "new": new, "confirm": new})
    assert "Mật khẩu hiện tại không đúng" in wrong.text

    # "Đăng xuất mọi nơi".
    thief = _copy_session(app, client)
    client.post("/account/sessions/end", data={"csrf_token": csrf_of(client.get("/account/password"))})
    assert not _signed_in(thief) and not _signed_in(client)

    # Disable, then enable: the old cookie stays dead.
    sign_in(client, AUTHOR)
    thief = _copy_session(app, client)
    account = db.session.scalar(select(Account).where(Account.email == AUTHOR))
    set_active(db.session, account, False)
    db.session.commit()
    set_active(db.session, account, True)
    db.session.commit()
    assert not _signed_in(thief)

    # A role change applies at once.
    sign_in(client, AUTHOR)
    set_role(db.session, account, "leader")
    db.session.commit()
    assert not _signed_in(client)


def test_sessions_end_after_the_idle_timeout_and_the_absolute_lifetime(app, seeded, people):
    start = _now()
    _at(app, start)
    client = app.test_client()
    sign_in(client, AUTHOR)
    _at(app, start + timedelta(hours=app.config["TRACKER_SESSION_IDLE_HOURS"] - 1))
    assert _signed_in(client)
    _at(app, start + timedelta(hours=2 * app.config["TRACKER_SESSION_IDLE_HOURS"]))
    assert not _signed_in(client)

    # Used every few hours, a session still ends after the absolute lifetime.
    _at(app, start)
    client = app.test_client()
    sign_in(client, AUTHOR)
    moment = start
    while moment < start + timedelta(days=app.config["TRACKER_SESSION_MAX_DAYS"]) - timedelta(hours=6):
        moment += timedelta(hours=6)
        _at(app, moment)
        assert _signed_in(client), moment
    _at(app, start + timedelta(days=app.config["TRACKER_SESSION_MAX_DAYS"], hours=1))
    assert not _signed_in(client)


# ---- 3. guessing passwords -------------------------------------------------------------------

def _try(client, email: str, password: str):
    page = client.get("/login")
    return client.post("/login", data={"csrf_token": csrf_of(page), "email": email, "password": password})


def test_an_account_is_locked_after_ten_failures_whatever_the_address(app, people):
    start = _now()
    _at(app, start)
    for email in (STP_OFFICER, "khong-co-ai@soctrang.example"):
        app.config["TRACKER_NOW"] = start
        for n in range(10):
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = f"10.0.{n}.1"      # each from its own address
            assert "Sai địa chỉ thư hoặc mật khẩu" in _try(client, email, "sai").text
        client = app.test_client()
        locked = _try(client, email, PASSWORD)
        assert locked.status_code == 429 and "thử lại sau 15 phút" in locked.text, email
    # After the lock period the right password works again.
    _at(app, start + timedelta(minutes=16))
    assert _try(app.test_client(), STP_OFFICER, PASSWORD).status_code == 302


def test_one_client_guessing_many_addresses_is_slowed_down(app, people):
    _at(app, _now())
    client = app.test_client()
    for n in range(10):
        _try(client, f"nguoi{n}@example.gov.vn", "sai")
    slowed = _try(client, STP_OFFICER, PASSWORD)
    assert slowed.status_code == 429 and "Đăng nhập sai quá nhiều lần" in slowed.text
    # Another office is not affected.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    assert _try(other, STP_OFFICER, PASSWORD).status_code == 302


def test_unknown_and_known_addresses_cost_one_password_hash_each(app, people, monkeypatch):
    """No telling which addresses have accounts by how long the answer takes."""
    import tracker.web.auth as auth
    calls = []
    real = auth.check_password_hash
    monkeypatch.setattr(auth, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    _try(app.test_client(), STP_OFFICER, "sai")
    _try(app.test_client(), "khong-co-ai@soctrang.example", "sai")
    assert len(calls) == 2
    method = [h.split("$")[0] for h in calls]
    assert method[0] == method[1]          # the same algorithm and cost for both


# ---- 4. sign-in links --------------------------------------------------------------------------

def test_a_link_works_once_and_a_fresh_one_goes_only_to_its_address(app, seeded, people):
    token = issue_link(STP_OFFICER, "/my/")
    first = app.test_client()
    assert first.get(f"/login/link/{token}").status_code == 302
    forwarded = app.test_client()
    spent = forwarded.get(f"/login/link/{token}")
    assert spent.status_code == 410 and "Gửi lại liên kết" in spent.text
    assert spent.headers["Referrer-Policy"] == "no-referrer"
    assert forwarded.get("/my/").status_code == 302
    sent = forwarded.post(f"/login/link/{token}/resend", data={"csrf_token": csrf_of(spent)})
    assert sent.status_code == 200
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "signin_link")).all()
    assert [m.recipient for m in messages] == [STP_OFFICER]
    assert "/login/link/{{signin:/my/}}" in messages[0].body_text        # minted only when sent
    # Only once per link: no flooding an address.
    page = forwarded.get(f"/login/link/{token}")
    assert "Gửi lại liên kết" not in page.text
    again = forwarded.post(f"/login/link/{token}/resend", data={"csrf_token": csrf_of(page)})
    assert again.status_code == 302
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "signin_link")) == 1


def test_a_link_still_valid_cannot_be_multiplied(app, seeded, people):
    token = issue_link(STP_OFFICER, "/my/")
    client = app.test_client()
    page = client.get("/login")
    refused = client.post(f"/login/link/{token}/resend", data={"csrf_token": csrf_of(page)})
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "signin_link")) == 0
    assert app.test_client().get(f"/login/link/{token}").status_code == 302     # still works once


def test_links_for_authors_leaders_and_administrators_live_hours_not_days(app, seeded, people):
    start = _now()
    _at(app, start)
    staff, officer = issue_link(AUTHOR, "/"), issue_link(STP_OFFICER, "/my/")
    _at(app, start + timedelta(hours=app.config["TRACKER_STAFF_SIGNIN_LINK_HOURS"], minutes=1))
    assert "hết hạn" in app.test_client().get(f"/login/link/{staff}").text
    assert app.test_client().get(f"/login/link/{officer}").status_code == 302
    assert app.config["TRACKER_STAFF_SIGNIN_LINK_HOURS"] == 24 and app.config["TRACKER_SIGNIN_LINK_DAYS"] == 7


def test_no_working_link_or_feed_token_is_stored_or_logged(app, seeded, smtp_server):
    from tracker.feeds import tokens
    from tracker.jobs import run
    from tracker.logs import redact
    catcher, _controller = smtp_server
    stp = db.session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp tỉnh Sóc Trăng"))
    item = next(a for a in db.session.scalars(select(Assignment).where(Assignment.agency_id == stp.id))
                if a.deadline.due is not None)
    for offset in range(10, 0, -1):
        moment = datetime.combine(item.deadline.due - timedelta(days=offset), datetime.min.time(),
                                  TZ).replace(hour=7, minute=30)
        run("reminders", moment)
    stored = db.session.scalars(select(OutboxMessage)).all()
    assert stored
    for message in stored:
        for body in (message.body_text, message.body_html):
            for token in re.findall(r"/login/link/([A-Za-z0-9_\-]{20,})", body):
                assert token.startswith("{{")                          # never a token
            for token in re.findall(r"/feeds/([A-Za-z0-9_\-]{20,})", body):
                pytest.fail(f"a feed token is stored: {token}")
    run("send", moment)
    delivered = "\n".join(m.get_body(("plain",)).get_content() for _r, m in catcher.messages)
    links = re.findall(r"/login/link/([A-Za-z0-9_\-]{40,})", delivered)
    feeds = re.findall(r"/feeds/([A-Za-z0-9_\-]{40,})/", delivered)
    assert links and feeds
    # What was sent works; what is stored is only a hash of it.
    assert db.session.scalar(select(SignInLink).where(SignInLink.token_hash == links[0])) is None
    assert tokens.find(db.session, feeds[0]) is not None
    for body in db.session.scalars(select(OutboxMessage.body_text)):
        assert links[0] not in body and feeds[0] not in body
    # Access logs redact both kinds of token.
    line = f'"GET /login/link/{links[0]} HTTP/1.1" 302 / "GET /feeds/{feeds[0]}.ics HTTP/1.1" 200'
    assert links[0] not in redact(line) and feeds[0] not in redact(line)


def test_the_migration_turns_stored_links_into_placeholders():
    spec = importlib.util.spec_from_file_location(
        "sign_in_security", ROOT / "migrations" / "versions" / "c3a9e1f2b7d4_sign_in_security.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from itsdangerous import URLSafeTimedSerializer
    old = URLSafeTimedSerializer("k" * 50, salt="tracker-sign-in-link").dumps({"e": "a@b.vn", "p": "/a/12?o=3"})
    feed = secrets.token_urlsafe(32)
    body = f"Mở: https://x.gov.vn/login/link/{old}\nLịch: https://x.gov.vn/feeds/{feed}/\n"
    scrubbed = module._scrub(body)
    assert old not in scrubbed and feed not in scrubbed
    assert "/login/link/{{signin:/a/12%3Fo%3D3}}" in scrubbed and "/feeds/{{feed}}/" in scrubbed


# ---- 5. headers --------------------------------------------------------------------------------

def test_pages_carry_a_nonce_csp_and_no_referrer_where_the_url_is_secret(app, seeded, people):
    client = app.test_client()
    sign_in(client, AUTHOR)
    page = client.get("/plans")
    csp = page.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp and "'unsafe-inline'" not in \
        csp.split("script-src")[1].split(";")[0]
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in page.headers           # the default base URL is http
    # The nonce changes per response and is the one on the page's scripts.
    item = _stp_item(db.session)
    detail = client.get(f"/a/{item.id}")
    assert re.search(r"'nonce-([^']+)'", detail.headers["Content-Security-Policy"]).group(1) != nonce
    for script_nonce in re.findall(r'<script nonce="([^"]+)"', detail.text):
        assert f"'nonce-{script_nonce}'" in detail.headers["Content-Security-Policy"]
    assert "<script>" not in detail.text
    # A feed's subscription page carries its token in the URL: no Referer leaves it.
    from tracker.feeds import tokens
    _row, token = tokens.create(db.session, "officer", "x", target_email=STP_OFFICER)
    db.session.commit()
    assert client.get(f"/feeds/{token}/").headers["Referrer-Policy"] == "no-referrer"


def test_https_deployments_get_hsts_and_secure_cookies(database_url):
    from .conftest import make_app
    app = make_app(database_url, TRACKER_BASE_URL="https://tracker.example.gov.vn")
    with app.app_context():
        response = app.test_client().get("/login", base_url="https://tracker.example.gov.vn")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie and "SameSite=Lax" in cookie and "HttpOnly" in cookie
        db.session.remove()
        db.engine.dispose()


# ---- 6. uploads and input ----------------------------------------------------------------------

def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_evidence_that_inflates_to_gigabytes_is_refused_without_inflating_it(app, seeded, people):
    officer = app.test_client()
    sign_in(officer, STP_OFFICER)
    item = _stp_item(db.session)
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (120 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    page = officer.get(f"/a/{item.id}")
    response = officer.post(f"/a/{item.id}/report", data={
        "csrf_token": csrf_of(page), "status": "done", "files": [(io.BytesIO(bomb), "bao-cao.docx")]},
        content_type="multipart/form-data")
    assert response.status_code == 422 and "không an toàn để mở" in response.text
    assert db.session.scalar(select(func.count(Evidence.id))) == 0
    assert db.session.scalar(select(StatusChange).where(StatusChange.assignment_id == item.id)) is None
    # An OpenDocument file whose "mimetype" member is huge is refused the same way.
    odt = _zip({"mimetype": b"application/vnd.oasis.opendocument.text" + b" " * (110 * 1024 * 1024)})
    response = officer.post(f"/a/{item.id}/report", data={
        "csrf_token": csrf_of(page), "status": "done", "files": [(io.BytesIO(odt), "bien-ban.odt")]},
        content_type="multipart/form-data")
    assert response.status_code == 422 and "không an toàn để mở" in response.text


def test_evidence_keeps_an_extension_that_matches_its_content(app, seeded, people):
    officer = app.test_client()
    sign_in(officer, STP_OFFICER)
    item = _stp_item(db.session)
    page = officer.get(f"/a/{item.id}")
    officer.post(f"/a/{item.id}/report", data={
        "csrf_token": csrf_of(page), "status": "in_progress", "files": [(io.BytesIO(PDF), "bao-cao.exe")]},
        content_type="multipart/form-data")
    evidence = db.session.scalar(select(Evidence))
    assert evidence.filename == "bao-cao.pdf"
    download = officer.get(f"/evidence/{evidence.id}")
    assert "bao-cao.pdf" in download.headers["Content-Disposition"]


def test_an_xlsx_declaring_entities_is_refused_with_a_reason():
    from tracker.reading.plan import read_plan
    from tracker.reading.result import NotAPlanError
    evil = _zip({
        "[Content_Types].xml": b"<Types/>",
        "xl/workbook.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><workbook/>',
    })
    with pytest.raises(NotAPlanError) as refused:
        read_plan(evil, "ke-hoach.xlsx")
    assert refused.value.code == "unsafe_file" and "DOCTYPE" in refused.value.message_vi


@pytest.mark.parametrize("where", ["query", "form", "filename", "path"])
def test_nul_and_control_characters_get_a_400_with_a_message(app, seeded, people, where):
    client = app.test_client()
    sign_in(client, AUTHOR)
    if where == "query":
        response = client.get("/plans?agency=%00x")
    elif where == "path":
        response = client.get("/plans/1%00")
    elif where == "form":
        page = client.get("/account/password")
        response = client.post("/account/password", data={"csrf_token": csrf_of(page), "current": "a\x00b",
                                                          "new": "x" * 12, "confirm": "x" * 12})
    else:
        page = client.get("/imports/new")
        response = client.post("/imports/new", data={"csrf_token": csrf_of(page),
                                                      "file": (io.BytesIO(b"x"), "ke\x00hoach.txt")},
                               content_type="multipart/form-data")
    assert response.status_code == 400, response.status_code
    assert "ký tự không hợp lệ" in response.text


def test_excel_export_writes_formula_like_names_as_text(app, seeded, people):
    agency = db.session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp tỉnh Sóc Trăng"))
    agency.name = '=HYPERLINK("http://evil.example","Bấm")'
    db.session.commit()
    client = app.test_client()
    sign_in(client, "lanhdao@soctrang.example")
    response = client.get("/dashboard/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells, "the agency is in the export"
    for cell in cells:
        assert cell.data_type == "s" and cell.quotePrefix


# ---- 7. previews -------------------------------------------------------------------------------

def test_a_preview_shows_no_diff_against_another_committees_plan(app, directory, people):
    import hashlib

    from tracker.config import reporting_calendar
    from tracker.directory.store import load_index
    from tracker.models import Account, ImportDraft
    from tracker.plans.importer import import_plan
    from tracker.reading.plan import read_plan
    app.config["TRACKER_NOW"] = datetime(2020, 3, 2, 2, 0, tzinfo=ZoneInfo("UTC"))   # Cẩm Xuyên still exists
    path = SEEDS / "cam-xuyen-2020-kiem-soat-tthc-mot-cua.txt"
    import_plan(directory, read_plan(path.read_bytes(), path.name, calendar=reporting_calendar(app.config)),
                load_index(directory))
    directory.commit()
    client = app.test_client()
    sign_in(client, AUTHOR)                                            # Sóc Trăng's author
    page = client.get("/imports/new")
    changed = path.read_text("utf-8").replace("Thường xuyên", "Trong quý IV/2020", 1).encode()
    uploaded = client.post("/imports/new", data={"csrf_token": csrf_of(page),
                                                  "file": (io.BytesIO(changed), "cam-xuyen.txt")},
                           content_type="multipart/form-data")
    # Refused at upload, with the reason, and no draft is kept to preview.
    assert uploaded.status_code == 422 and "không thuộc UBND" in uploaded.text
    # A draft that exists anyway (uploaded before the author changed committee) shows no diff.
    author_id = directory.scalar(select(Account.id).where(Account.email == AUTHOR))
    draft = ImportDraft(account_id=author_id, filename="cam-xuyen.txt", sha256=hashlib.sha256(changed).hexdigest(),
                        data=changed, choices={})
    directory.add(draft)
    directory.commit()
    preview = client.get(f"/imports/{draft.id}")
    assert preview.status_code == 200
    assert 'id="changes"' not in preview.text
    # The administrator (who may see every plan) does get the differences.
    admin = app.test_client()
    sign_in(admin, "admin@tracker.example")
    page = admin.get("/imports/new")
    uploaded = admin.post("/imports/new", data={"csrf_token": csrf_of(page),
                                                 "file": (io.BytesIO(changed), "cam-xuyen.txt")},
                          content_type="multipart/form-data")
    assert 'id="changes"' in admin.get(uploaded.headers["Location"]).text
