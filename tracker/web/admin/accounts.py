"""Sign-in accounts: creating them, roles, disabling, passwords."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...accounts import manage
from ...directory import edit
from ...extensions import db
from ...models import ROLE_LABELS_VI, ROLES, Account, Agency
from ..access import get_or_404
from ..i18n import localized
from . import admin_only, bp
from .forms import LANGUAGE_LABELS, AccountForm, ActionForm, PasswordForm, options


def _committee_options() -> list[tuple[int, str]]:
    """Committees as a tree: each one indented under the committee above it."""
    return [(a.id, "\u00a0\u00a0\u00a0" * depth + a.name) for a, depth in edit.committee_tree(db.session())]


@bp.get("/accounts")
@admin_only
def accounts():
    rows = db.session.scalars(select(Account).order_by(Account.role, Account.email)
                              .options(selectinload(Account.committee))).all()
    return render_template("admin/accounts.html", accounts=rows, role_labels=ROLE_LABELS_VI,
                           action=ActionForm(formdata=None))


@bp.route("/accounts/new", methods=["GET", "POST"])
@admin_only
def new_account():
    form = AccountForm() if request.method == "POST" else AccountForm(formdata=None)
    # No role is chosen for the administrator: a forgotten field must not make an administrator.
    form.role.choices = options([("", _("— Chọn vai trò —"))] + [(r, _(ROLE_LABELS_VI[r])) for r in ROLES])
    form.committee.choices = options([(0, "—")] + _committee_options())
    form.language.choices = options((k, _(v)) for k, v in LANGUAGE_LABELS.items())
    if form.validate_on_submit():
        committee = db.session.get(Agency, form.committee.data) if form.committee.data else None
        try:
            account = manage.create_account(db.session, form.email.data, form.name.data or "", form.role.data,
                                            committee, form.password.data or None, form.language.data)
        except manage.AccountError as exc:
            db.session.rollback()
            target = form[exc.field] if exc.field in form else form.email
            target.errors = [*target.errors, localized(exc)]
        else:
            db.session.commit()
            flash(_("Đã tạo tài khoản %(email)s.", email=account.email), "success")
            return redirect(url_for(".accounts"))
    return render_template("admin/account_new.html", form=form), 422 if request.method == "POST" else 200


@bp.post("/accounts/<int:account_id>/active")
@admin_only
def account_active(account_id: int):
    account = get_or_404(Account, account_id)
    if ActionForm().validate_on_submit():
        active = request.form.get("active") == "1"
        try:
            manage.set_active(db.session(), account, active)
        except manage.AccountError as exc:
            db.session.rollback()
            flash(localized(exc), "error")
        else:
            db.session.commit()
            flash(_("Đã mở khóa %(email)s.", email=account.email) if active
                  else _("Đã khóa %(email)s.", email=account.email), "success")
    return redirect(url_for(".accounts"))


@bp.route("/accounts/<int:account_id>/password", methods=["GET", "POST"])
@admin_only
def account_password(account_id: int):
    account = get_or_404(Account, account_id)
    form = PasswordForm() if request.method == "POST" else PasswordForm(formdata=None)
    if form.validate_on_submit():
        try:
            manage.set_password(account, form.password.data)
        except manage.AccountError as exc:
            form.password.errors = [*form.password.errors, localized(exc)]
        else:
            db.session.commit()
            flash(_("Đã đặt mật khẩu mới cho %(email)s.", email=account.email), "success")
            return redirect(url_for(".accounts"))
    return render_template("admin/password.html", account=account, form=form), \
        422 if request.method == "POST" else 200
