"""Signing in (password or e-mailed link), signing out, and the interface language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email

from .. import clock
from ..accounts.links import LinkError, read_token
from ..extensions import db
from ..models import OFFICER, Account, FocalOfficer

bp = Blueprint("auth", __name__)

LANGUAGES = ("vi", "en")


class LoginForm(FlaskForm):
    email = EmailField(_l("Thư điện tử"), validators=[
        DataRequired(_l("Nhập địa chỉ thư điện tử.")), Email(_l("Địa chỉ thư điện tử không hợp lệ."))])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Nhập mật khẩu."))])


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.index")
    return target


def _signed_in(account: Account) -> None:
    login_user(account)
    account.last_login_at = clock.now()
    session["lang"] = account.language
    db.session.commit()


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        account = db.session.scalar(select(Account).where(
            func.lower(Account.email) == form.email.data.strip().lower()))
        if account is not None and account.active and account.check_password(form.password.data):
            _signed_in(account)
            return redirect(_safe_next(request.args.get("next")))
        # One message for both cases: the form does not tell which addresses have accounts.
        form.password.errors.append(_("Sai địa chỉ thư hoặc mật khẩu."))
    return render_template("auth/login.html", form=form)


@bp.get("/login/link/<token>")
def link(token: str):
    """An e-mailed link: sign in as its address and open its page.

    A focal officer listed in the directory gets an officer account on first use; any
    other address must already have an account.
    """
    config = current_app.config
    try:
        email, path = read_token(config["SECRET_KEY"], token, config["TRACKER_SIGNIN_LINK_DAYS"])
    except LinkError as exc:
        flash(_("Liên kết đăng nhập đã hết hạn. Hãy đăng nhập bằng mật khẩu hoặc dùng liên kết "
                "trong thư mới nhất.") if exc.expired else _("Liên kết đăng nhập không hợp lệ."), "error")
        return redirect(url_for("auth.login"))
    account = db.session.scalar(select(Account).where(func.lower(Account.email) == email))
    if account is None:
        officer = db.session.scalar(select(FocalOfficer).where(
            func.lower(FocalOfficer.email) == email, FocalOfficer.active.is_(True)).limit(1))
        if officer is None:
            flash(_("Địa chỉ này chưa có tài khoản. Hãy liên hệ quản trị hệ thống."), "error")
            return redirect(url_for("auth.login"))
        account = Account(email=email, name=officer.name, role=OFFICER, language=officer.language or "vi")
        db.session.add(account)
        db.session.flush()
    if not account.active:
        flash(_("Tài khoản đã bị khóa."), "error")
        return redirect(url_for("auth.login"))
    if current_user.is_authenticated and current_user.id != account.id:
        logout_user()
    _signed_in(account)
    return redirect(_safe_next(path))


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("auth.login"))


@bp.post("/language/<code>")
def language(code: str):
    if code in LANGUAGES:
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.language = code
            db.session.commit()
    return redirect(_safe_next(request.form.get("next") or request.referrer and urlsplit(request.referrer).path))
