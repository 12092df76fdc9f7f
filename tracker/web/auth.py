"""Signing in (password or e-mailed link), signing out, one's password, and the language."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo

from .. import clock
from ..accounts import throttle
from ..accounts.links import LinkError, find, may_resend, redeem, safe_path
from ..accounts.manage import AccountError, set_password
from ..extensions import db
from ..mail.signin import send_fresh_link
from ..models import OFFICER, Account, FocalOfficer
from .headers import no_referrer
from .i18n import localized

bp = Blueprint("auth", __name__)

LANGUAGES = ("vi", "en")

# Checked against when the address has no password, so an unknown address costs the same
# time as a known one (no telling which addresses have accounts by timing).
_DUMMY_HASH = generate_password_hash("không phải mật khẩu của ai")


class LoginForm(FlaskForm):
    email = EmailField(_l("Thư điện tử"), validators=[
        DataRequired(_l("Nhập địa chỉ thư điện tử.")), Email(_l("Địa chỉ thư điện tử không hợp lệ."))])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Nhập mật khẩu."))])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Mật khẩu hiện tại"))
    new = PasswordField(_l("Mật khẩu mới"), validators=[DataRequired(_l("Nhập mật khẩu mới."))])
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[
        EqualTo("new", _l("Hai lần nhập mật khẩu mới không khớp."))])


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if not target or urlsplit(target).scheme or urlsplit(target).netloc:
        return url_for("home.index")
    path = safe_path(target)
    return path if path != "/" else url_for("home.index")


def _signed_in(account: Account) -> None:
    """Start a session: it names the account's current epoch and when it began (the
    absolute lifetime) and was last used (the idle timeout); see ``web.sessions``."""
    chosen = session.get("lang")        # only ever set by the language switch
    session.clear()                     # no state carried over from before sign-in ...
    if chosen in LANGUAGES:             # ... except the language just chosen on the sign-in page
        account.language = chosen
    login_user(account)
    stamp = int(clock.now().timestamp())
    session["auth_at"] = session["seen_at"] = stamp
    session.permanent = True
    account.last_login_at = clock.now()
    session["lang"] = account.language
    db.session.commit()


def _wait_message(left: timedelta) -> str:
    minutes = max(1, -(-int(left.total_seconds()) // 60))
    return _("Đăng nhập sai quá nhiều lần. Vì an toàn, hãy thử lại sau %(n)s phút.", n=minutes)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        now = clock.now()
        keys = [throttle.account_key(email), throttle.client_key(request.remote_addr)]
        left = throttle.wait(db.session, keys, now)
        if left is not None:
            form.password.errors.append(_wait_message(left))
            return render_template("auth/login.html", form=form), 429
        account = db.session.scalar(select(Account).where(func.lower(Account.email) == email))
        password_hash = account.password_hash if account is not None and account.password_hash else _DUMMY_HASH
        right = check_password_hash(password_hash, form.password.data) and password_hash is not _DUMMY_HASH
        if right and account is not None and account.active:
            throttle.succeeded(db.session, email)
            _signed_in(account)
            return redirect(_safe_next(request.args.get("next")))
        throttle.failed(db.session, email, request.remote_addr, now, throttle.Limits.from_config(current_app.config))
        db.session.commit()
        # One message for every case: the form does not tell which addresses have accounts.
        form.password.errors.append(_("Sai địa chỉ thư hoặc mật khẩu."))
    return render_template("auth/login.html", form=form)


@bp.get("/login/link/<token>")
@no_referrer
def link(token: str):
    """An e-mailed link: sign in as its address and open its page, once.

    A focal officer listed in the directory gets an officer account on first use; any
    other address must already have an account.
    """
    try:
        used = redeem(db.session(), token, clock.now())
    except LinkError as exc:
        db.session.rollback()
        if exc.link is None:
            flash(localized(exc), "error")
            return redirect(url_for("auth.login"))
        return render_template("auth/link_spent.html", token=token, reason=exc.reason,
                               can_resend=may_resend(exc.link)), 410
    email = used.email
    account = db.session.scalar(select(Account).where(func.lower(Account.email) == email))
    if account is None:
        officer = db.session.scalar(select(FocalOfficer).where(
            func.lower(FocalOfficer.email) == email, FocalOfficer.active.is_(True)).limit(1))
        if officer is None:
            db.session.commit()
            flash(_("Địa chỉ này chưa có tài khoản. Hãy liên hệ quản trị hệ thống."), "error")
            return redirect(url_for("auth.login"))
        account = Account(email=email, name=officer.name, role=OFFICER, language=officer.language or "vi")
        db.session.add(account)
        db.session.flush()
    if not account.active:
        db.session.commit()
        flash(_("Tài khoản đã bị khóa."), "error")
        return redirect(url_for("auth.login"))
    if current_user.is_authenticated and current_user.id != account.id:
        logout_user()
    _signed_in(account)
    return redirect(_safe_next(used.path))


@bp.post("/login/link/<token>/resend")
@no_referrer
def resend(token: str):
    """Send a fresh link to the address a used or expired link was for (never elsewhere)."""
    spent = find(db.session(), token)
    if spent is None or not may_resend(spent):
        flash(_("Không gửi lại được liên kết này. Hãy đăng nhập bằng mật khẩu hoặc dùng liên kết "
                "trong thư mới nhất."), "error")
        return redirect(url_for("auth.login"))
    send_fresh_link(db.session(), spent, clock.now())
    db.session.commit()
    return render_template("auth/link_sent.html")


@bp.post("/logout")
def logout():
    """Sign out: this session and every other one of the account (the epoch moves on)."""
    if current_user.is_authenticated:
        current_user.end_sessions()
        db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password; every other session of the account ends."""
    form = PasswordForm()
    if form.validate_on_submit():
        account = current_user._get_current_object()
        if account.password_hash and not account.check_password(form.current.data or ""):
            form.current.errors.append(_("Mật khẩu hiện tại không đúng."))
        else:
            try:
                set_password(account, form.new.data)
            except AccountError as exc:
                form.new.errors.append(localized(exc))
            else:
                db.session.commit()     # set_password ended every session ...
                _signed_in(account)     # this session goes on under the new epoch
                flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc."), "success")
                return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)


@bp.post("/account/sessions/end")
@login_required
def end_sessions():
    """"Đăng xuất mọi nơi": every session of the account ends, this one too."""
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Đã đăng xuất khỏi mọi thiết bị."), "success")
    return redirect(url_for("auth.login"))


@bp.post("/language/<code>")
def language(code: str):
    if code in LANGUAGES:
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.language = code
            db.session.commit()
    return redirect(_safe_next(request.form.get("next") or request.referrer and urlsplit(request.referrer).path))
