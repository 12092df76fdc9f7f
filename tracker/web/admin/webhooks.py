"""Webhooks: the URLs events are sent to, their recent deliveries with the receivers' last
answers; register one (its secret shown once), disable, enable or remove one, redeliver a
failed delivery. Thin: ``tracker.webhooks.endpoints`` does the work, as for ``flask
webhooks``."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...accounts.people import names_of
from ...extensions import db
from ...models import WebhookDelivery, WebhookEndpoint
from ...models.webhooks import DeliveryState
from ...webhooks import endpoints as registry
from ...webhooks.events import EVENT_LABELS, EVENTS
from ..access import get_or_404
from ..i18n import localized
from . import admin_only, bp
from .forms import ActionForm, WebhookForm, options

DELIVERIES_SHOWN = 10
DELIVERY_STATE_LABELS = DeliveryState.labels()


def _form(formdata=None) -> WebhookForm:
    form = WebhookForm(formdata=formdata) if formdata is not None else WebhookForm()
    form.events.choices = options((code, _l(EVENT_LABELS[code])) for code in EVENTS)
    return form


def _page(form: WebhookForm, secret: str | None = None, made: WebhookEndpoint | None = None, status: int = 200):
    rows = registry.endpoints(db.session())
    recent = registry.recent(db.session(), [r.id for r in rows], DELIVERIES_SHOWN)
    people = names_of(db.session(), [r.created_by for r in rows if r.created_by != "cli"])
    body = render_template("admin/webhooks.html", form=form, rows=rows, recent=recent, secret=secret, made=made,
                           people=people, event_labels=EVENT_LABELS, state_labels=DELIVERY_STATE_LABELS,
                           action=ActionForm(formdata=None))
    # The secret is on this page once: no cache keeps it.
    return body, status, ({"Cache-Control": "no-store"} if secret else {})


@bp.get("/webhooks")
@admin_only
def webhooks():
    form = _form(formdata=None)
    form.events.data = list(EVENTS)
    return _page(form)


@bp.post("/webhooks")
@admin_only
def webhook_add():
    form = _form()
    if form.validate_on_submit():
        try:
            row = registry.add(db.session(), form.url.data, form.events.data or [], current_user.email,
                               form.description.data or "")
        except registry.EndpointError as exc:
            db.session.rollback()
            form.url.errors = [*form.url.errors, localized(exc)]
        else:
            db.session.commit()
            flash(_("Đã đăng ký webhook #%(id)s. Hãy sao chép khóa ký ngay: khóa chỉ hiện một lần.", id=row.id),
                  "success")
            fresh = _form(formdata=None)
            fresh.events.data = list(EVENTS)
            return _page(fresh, secret=row.secret, made=row, status=201)
    return _page(form, status=422)


@bp.post("/webhooks/<int:endpoint_id>/active")
@admin_only
def webhook_active(endpoint_id: int):
    row = get_or_404(WebhookEndpoint, endpoint_id)
    if ActionForm().validate_on_submit():
        registry.set_active(db.session(), row, not row.active)
        db.session.commit()
        flash(_("Đã dùng lại webhook #%(id)s.", id=row.id) if row.active else
              _("Đã tạm dừng webhook #%(id)s: không gửi sự kiện mới, những gì đang chờ được giữ lại.", id=row.id),
              "success")
    return redirect(url_for(".webhooks"))


@bp.post("/webhooks/<int:endpoint_id>/delete")
@admin_only
def webhook_remove(endpoint_id: int):
    row = get_or_404(WebhookEndpoint, endpoint_id)
    if ActionForm().validate_on_submit():
        registry.remove(db.session(), row)
        db.session.commit()
        flash(_("Đã xóa webhook #%(id)s và các lần gửi của nó.", id=endpoint_id), "success")
    return redirect(url_for(".webhooks"))


@bp.post("/webhooks/deliveries/<int:delivery_id>/redeliver")
@admin_only
def webhook_redeliver(delivery_id: int):
    get_or_404(WebhookDelivery, delivery_id)
    if ActionForm().validate_on_submit():
        if registry.redeliver(db.session(), delivery_id) is None:
            flash(_("Chỉ gửi lại được lần gửi bị lỗi."), "error")
        else:
            db.session.commit()
            flash(_("Lần gửi #%(id)s sẽ được gửi lại ở lượt tới (trong vòng một phút).", id=delivery_id),
                  "success")
    return redirect(url_for(".webhooks"))
