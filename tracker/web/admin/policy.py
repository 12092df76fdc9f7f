"""The reminder policy, global and per plan."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...accounts import scopes
from ...extensions import db
from ...models import ADMIN, AUTHOR, Plan
from ...reminders import policy as reminder_policy
from ...reminders.policy import global_policy
from ..access import get_or_404, require, roles_required
from ..i18n import localized
from . import admin_only, bp
from .forms import PLAN_POLICY_FIELDS, POLICY_LABELS, WEEKDAYS_VI, ActionForm, PlanPolicyForm, PolicyForm, options


def _shown(name: str, value) -> str:
    """A policy value as the pages show it."""
    if name == "before_offsets":
        return ", ".join(str(n) for n in value) if value else _("không nhắc trước hạn")
    if name == "digest_weekday":
        return _(WEEKDAYS_VI[value])
    if hasattr(value, "strftime"):
        return value.strftime("%H:%M")
    return str(value)


def _place_policy_error(form, exc: reminder_policy.PolicyError) -> None:
    target = form[exc.field] if exc.field and exc.field in form else None
    message = localized(exc.message_vi, str(exc))
    if target is None:
        form.form_errors.append(message)
    else:
        target.errors = [*target.errors, message]


@bp.route("/policy", methods=["GET", "POST"])
@admin_only
def policy():
    current = global_policy(db.session)
    if request.method == "POST":
        form = PolicyForm()
    else:
        form = PolicyForm(formdata=None, data={k: getattr(current, k) for k in reminder_policy.POLICY_FIELDS})
        form.before_offsets.data = list(current.before_offsets)
    form.digest_weekday.choices = options((i, _(name)) for i, name in enumerate(WEEKDAYS_VI))
    if form.validate_on_submit():
        try:
            reminder_policy.set_global_policy(db.session, {k: form[k].data for k in reminder_policy.POLICY_FIELDS})
        except reminder_policy.PolicyError as exc:
            db.session.rollback()
            _place_policy_error(form, exc)
        else:
            db.session.commit()
            flash(_("Đã lưu thiết lập nhắc việc chung; áp dụng từ lượt gửi thư tới."), "success")
            return redirect(url_for(".policy"))
    plans = db.session.scalars(select(Plan).where(Plan.reminder_policy.is_not(None)).order_by(Plan.id)).all()
    return render_template("admin/policy.html", form=form, labels=POLICY_LABELS,
                           plans=[p for p in plans if p.reminder_policy]), \
        422 if request.method == "POST" else 200


@bp.route("/plans/<int:plan_id>/policy", methods=["GET", "POST"])
@roles_required(ADMIN, AUTHOR)
def plan_policy(plan_id: int):
    plan = get_or_404(Plan, plan_id)
    require(scopes.can_manage_plan(db.session(), current_user, plan))
    base = global_policy(db.session())
    _effective, overrides = reminder_policy.effective_policy(db.session(), plan)
    if request.method == "POST":
        form = PlanPolicyForm()
    else:
        form = PlanPolicyForm(formdata=None, data={k: overrides.get(k) for k in PLAN_POLICY_FIELDS})
    if form.validate_on_submit():
        # Overrides the form does not show (hours set with `flask policy set --plan`) are kept.
        kept = {k: v for k, v in overrides.items() if k not in PLAN_POLICY_FIELDS}
        chosen = {k: form[k].data for k in PLAN_POLICY_FIELDS if form[k].data is not None}
        try:
            reminder_policy.set_plan_policy(db.session(), plan, {**kept, **chosen})
        except reminder_policy.PolicyError as exc:
            db.session.rollback()
            _place_policy_error(form, exc)
        else:
            db.session.commit()
            flash(_("Đã lưu thiết lập nhắc việc của kế hoạch."), "success")
            return redirect(url_for(".plan_policy", plan_id=plan.id))
    effective, overrides = reminder_policy.effective_policy(db.session(), plan)
    rows = [{"name": k, "label": POLICY_LABELS[k], "global": _shown(k, getattr(base, k)),
             "effective": _shown(k, getattr(effective, k)), "inherited": k not in overrides,
             "field": form[k] if k in PLAN_POLICY_FIELDS else None}
            for k in reminder_policy.POLICY_FIELDS]
    return render_template("admin/plan_policy.html", plan=plan, form=form, rows=rows,
                           overridden=bool(overrides), clear=ActionForm(formdata=None)), \
        422 if request.method == "POST" else 200


@bp.post("/plans/<int:plan_id>/policy/clear")
@roles_required(ADMIN, AUTHOR)
def clear_plan_policy(plan_id: int):
    plan = get_or_404(Plan, plan_id)
    require(scopes.can_manage_plan(db.session(), current_user, plan))
    if ActionForm().validate_on_submit():
        reminder_policy.clear_plan_policy(plan)
        db.session.commit()
        flash(_("Kế hoạch dùng lại thiết lập nhắc việc chung."), "success")
    return redirect(url_for(".plan_policy", plan_id=plan.id))
