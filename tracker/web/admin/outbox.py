"""The outbox: what was sent to whom, what failed and why; retrying a failed message."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ... import clock
from ...extensions import db
from ...mail import kinds as mail_kinds
from ...mail import outbox
from ...mail.links import hidden as hidden_links
from ...models import FAILED, OUTBOX_STATES, OutboxMessage
from ..access import get_or_404
from . import PAGE_SIZE, STATE_LABELS, admin_only, bp
from .forms import ActionForm


@bp.get("/outbox")
@admin_only
def outbox_list():
    state = request.args.get("state") if request.args.get("state") in OUTBOX_STATES else None
    kind = request.args.get("kind") or None
    recipient = request.args.get("recipient", "").strip()
    page = max(request.args.get("page", 1, type=int), 1)
    query = outbox.messages_query(state, kind, recipient or None)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
                              .options(selectinload(OutboxMessage.items))).all()
    kinds = sorted(set(mail_kinds.LABELS) | set(db.session.scalars(select(OutboxMessage.kind).distinct())))
    return render_template("admin/outbox.html", rows=rows, state=state, kind=kind, recipient=recipient,
                           sender=outbox.sender_state(db.session(), clock.now()),
                           page=page, pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), total=total,
                           kinds=kinds, states=OUTBOX_STATES, state_labels=STATE_LABELS,
                           action=ActionForm(formdata=None))


@bp.get("/outbox/<int:message_id>")
@admin_only
def outbox_message(message_id: int):
    row = get_or_404(OutboxMessage, message_id)
    # The stored text holds placeholders where each recipient's links are minted at sending.
    return render_template("admin/message.html", m=row, body=hidden_links(row.body_text),
                           state_labels=STATE_LABELS, action=ActionForm(formdata=None))


@bp.post("/outbox/retry-failed")
@admin_only
def outbox_retry_failed():
    """Every failed message that has an address goes back in the queue (after the cause,
    the mail server or its password, was fixed)."""
    if ActionForm().validate_on_submit():
        count = outbox.retry_failed(db.session())
        db.session.commit()
        flash(_("%(n)s thư lỗi sẽ được gửi lại ở lượt gửi tới.", n=count), "success")
    return redirect(url_for(".outbox_list", state=FAILED))


@bp.post("/outbox/<int:message_id>/retry")
@admin_only
def outbox_retry(message_id: int):
    get_or_404(OutboxMessage, message_id)
    if ActionForm().validate_on_submit():
        if outbox.retry(db.session(), message_id) is None:
            flash(_("Chỉ gửi lại được thư bị lỗi."), "error")
        else:
            db.session.commit()
            flash(_("Thư #%(id)s sẽ được gửi lại ở lượt gửi tới.", id=message_id), "success")
    if request.form.get("back") == "list":
        return redirect(url_for(".outbox_list", state=FAILED))
    return redirect(url_for(".outbox_message", message_id=message_id))
