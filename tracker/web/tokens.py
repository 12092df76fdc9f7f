"""Mã truy cập API: the account's personal access tokens for the REST API, under its
settings (``/account/tokens``): make one (shown once), see them (name, last four
characters, expiry, last use), revoke one."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from .. import clock
from ..accounts import api_tokens
from ..extensions import db
from ..models import ApiToken
from .access import get_or_404, require
from .i18n import localized

bp = Blueprint("tokens", __name__)


class TokenForm(FlaskForm):
    name = StringField(_l("Tên gợi nhớ"), validators=[
        DataRequired(_l("Hãy đặt tên cho mã truy cập.")),
        Length(max=api_tokens.NAME_LENGTH, message=_l("Tên dài quá %(max)d ký tự."))])
    days = IntegerField(_l("Hiệu lực (ngày)"), default=api_tokens.DEFAULT_DAYS,
                        invalid_value_message=_l("Nhập số ngày."),
                        validators=[InputRequired(_l("Nhập số ngày.")),
                                    NumberRange(1, api_tokens.MAX_DAYS,
                                                _l("Từ %(min)s đến %(max)s ngày."))])


def _page(form: TokenForm, token: str | None = None, status: int = 200):
    rows = api_tokens.tokens_of(db.session(), current_user)
    response = render_template("account/tokens.html", form=form, rows=rows, token=token, now=clock.now(),
                               max_days=api_tokens.MAX_DAYS)
    headers = {"Cache-Control": "no-store"} if token else {}
    return response, status, headers


@bp.get("/account/tokens")
@login_required
def index():
    return _page(TokenForm(formdata=None))


@bp.post("/account/tokens")
@login_required
def create():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            row, token = api_tokens.create(db.session(), current_user._get_current_object(), form.name.data,
                                           form.days.data, now=clock.now())
        except api_tokens.TokenError as exc:
            db.session.rollback()
            field = getattr(form, exc.field or "name", form.name)
            field.errors = [*field.errors, localized(exc)]
        else:
            db.session.commit()
            flash(_("Đã tạo mã truy cập “%(name)s”. Hãy sao chép ngay: mã chỉ hiện một lần.", name=row.name),
                  "success")
            return _page(TokenForm(formdata=None), token=token, status=201)
    return _page(form, status=422)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    row = get_or_404(ApiToken, token_id)
    require(row.account_id == current_user.id)      # one's own tokens only; others' are not there
    if api_tokens.revoke(row, clock.now()):
        db.session.commit()
        flash(_("Đã thu hồi mã truy cập “%(name)s”.", name=row.name), "success")
    return redirect(url_for(".index"))
