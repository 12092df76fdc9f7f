"""Administration: the directory, accounts, the reminder policy (global and per plan), the
outbox, the scheduler's runs and the working-day calendar.

Thin views: every change goes through the same domain functions as the ``flask`` commands
(``directory.edit``, ``accounts.manage``, ``reminders.policy``, ``scheduling.office_calendar``,
``mail.outbox``), and the
planner reads what they write on its next run.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import clock
from ..accounts import manage, scopes
from ..directory import edit
from ..extensions import db
from ..jobs import JOBS
from ..mail import kinds as mail_kinds
from ..mail import outbox
from ..mail.links import hidden as hidden_links
from ..models import (
    ADMIN,
    AUTHOR,
    FAILED,
    OUTBOX_STATES,
    ROLE_LABELS_VI,
    ROLES,
    Account,
    Agency,
    CalendarDay,
    FocalOfficer,
    JobRun,
    OutboxMessage,
    Plan,
)
from ..reminders import policy as reminder_policy
from ..reminders.policy import global_policy
from ..scheduling import office_calendar
from .access import get_or_404, require, roles_required
from .admin_forms import (
    AGENCY_TYPE_LABELS,
    LANGUAGE_LABELS,
    LEVEL_LABELS,
    PLAN_POLICY_FIELDS,
    POLICY_LABELS,
    WEEKDAYS_VI,
    AccountForm,
    ActionForm,
    AgencyForm,
    CalendarDayForm,
    OfficerForm,
    PasswordForm,
    PlanPolicyForm,
    PolicyForm,
    options,
)
from .i18n import localized

bp = Blueprint("admin", __name__, url_prefix="/admin")
admin_only = roles_required(ADMIN)

PAGE_SIZE = 100
OFFICER_PREFIX = "officer"   # the add-officer form shares the agency page with the agency's form
RUNS_SHOWN = 50
STATE_LABELS = {"queued": "Chờ gửi", "sending": "Đang gửi", "sent": "Đã gửi", "failed": "Lỗi"}
JOB_LABELS = {"reminders": "Nhắc trước hạn", "overdue": "Nhắc quá hạn", "escalation": "Cảnh báo quá hạn",
              "checkins": "Nhắc báo cáo định kỳ", "digest": "Tổng hợp hằng tuần", "send": "Gửi thư",
              "feeds": "Dựng lại lịch đăng ký"}


# --- index ------------------------------------------------------------------------------------


@bp.get("/")
@admin_only
def index():
    year = clock.today().year
    counts = {
        "agencies": db.session.scalar(select(func.count(Agency.id))),
        "accounts": db.session.scalar(select(func.count(Account.id))),
        "failed": db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.state == FAILED)),
        "exceptions": db.session.scalar(select(func.count(CalendarDay.day)).where(
            CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))),
    }
    last_failure = db.session.scalar(select(JobRun).where(JobRun.outcome == "failed")
                                     .order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(1))
    return render_template("admin/index.html", counts=counts, year=year, last_failure=last_failure,
                           job_labels=JOB_LABELS)


# --- directory --------------------------------------------------------------------------------


@bp.get("/agencies")
@admin_only
def agencies():
    search = request.args.get("q", "").strip()
    root = request.args.get("root", type=int)
    page = max(request.args.get("page", 1, type=int), 1)
    rows = edit.tree_rows(db.session, search or None, root)
    shown = rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    loaded = {a.id: a for a in db.session.scalars(
        select(Agency).where(Agency.id.in_([i for i, _d in shown]))
        .options(selectinload(Agency.officers), selectinload(Agency.parent)))}
    return render_template("admin/agencies.html", rows=[(loaded[i], d) for i, d in shown if i in loaded],
                           total=len(rows), page=page, pages=max((len(rows) + PAGE_SIZE - 1) // PAGE_SIZE, 1),
                           search=search, root=root, roots=edit.tree_roots(db.session),
                           type_labels=AGENCY_TYPE_LABELS, level_labels=LEVEL_LABELS)


def _agency_choices(form: AgencyForm, agency: Agency | None, parent: Agency | None) -> None:
    none = [(0, "—")]
    if agency is not None:
        form.office_id.choices = options(none + [(a.id, a.name) for a in edit.office_choices(db.session(), agency)])
        form.successor_id.choices = options(
            none + [(a.id, a.name) for a in edit.successor_choices(db.session(), agency)])
    form.groups.choices = options((g.id, f"{g.name} — {g.scope.name}")
                                  for g in edit.group_choices(db.session(), parent))
    form.type.choices = options((k, _(v)) for k, v in AGENCY_TYPE_LABELS.items())
    form.level.choices = options((k, _(v)) for k, v in LEVEL_LABELS.items())


def _agency_data(agency: Agency) -> dict:
    return {"name": agency.name, "aliases": "\n".join(a.alias for a in agency.aliases),
            "type": agency.type, "level": agency.level,
            **{k: getattr(agency, k) or "" for k in ("head_name", "head_title", "head_email", "head_phone",
                                                     "leader_name", "leader_title", "leader_email")},
            "office_id": agency.office_id or 0, "successor_id": agency.successor_id or 0,
            "valid_from": agency.valid_from, "valid_to": agency.valid_to,
            "groups": [g.id for g in agency.groups]}


def _agency_fields(form: AgencyForm) -> edit.AgencyFields:
    return edit.AgencyFields(
        name=form.name.data or "", type=form.type.data, level=form.level.data,
        aliases=(form.aliases.data or "").splitlines(),
        head_name=form.head_name.data, head_title=form.head_title.data, head_email=form.head_email.data,
        head_phone=form.head_phone.data, leader_name=form.leader_name.data,
        leader_title=form.leader_title.data, leader_email=form.leader_email.data,
        office_id=form.office_id.data or None if "office_id" in form else None,
        successor_id=form.successor_id.data or None if "successor_id" in form else None,
        valid_from=form.valid_from.data, valid_to=form.valid_to.data, group_ids=list(form.groups.data or []))


def _place_errors(form, exc: edit.DirectoryEditError) -> None:
    messages = exc.errors_en if str(get_locale()) == "en" else exc.errors_vi
    for name, message in messages.items():
        target = form[name] if name in form else form.name
        target.errors = [*target.errors, message]


def _render_agency(agency: Agency, form: AgencyForm, officer_form: OfficerForm | None = None, status: int = 200):
    officer_form = officer_form or OfficerForm(formdata=None, prefix=OFFICER_PREFIX)
    officer_form.language.choices = options((k, _(v)) for k, v in LANGUAGE_LABELS.items())
    children = db.session.scalars(select(Agency).where(Agency.parent_id == agency.id).order_by(Agency.name)).all()
    return render_template("admin/agency.html", agency=agency, form=form, officer_form=officer_form,
                           children=children, action=ActionForm(formdata=None),
                           type_labels=AGENCY_TYPE_LABELS, level_labels=LEVEL_LABELS,
                           language_labels=LANGUAGE_LABELS), status


@bp.route("/agencies/<int:agency_id>", methods=["GET", "POST"])
@admin_only
def agency(agency_id: int):
    agency = get_or_404(Agency, agency_id)
    form = AgencyForm() if request.method == "POST" else AgencyForm(formdata=None, data=_agency_data(agency))
    _agency_choices(form, agency, agency.parent)
    if form.validate_on_submit():
        try:
            edit.update_agency(db.session(), agency, _agency_fields(form))
        except edit.DirectoryEditError as exc:
            db.session.rollback()
            _place_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Đã lưu “%(name)s”.", name=agency.name), "success")
            return redirect(url_for(".agency", agency_id=agency.id))
    return _render_agency(agency, form, status=422 if request.method == "POST" else 200)


@bp.route("/agencies/new", methods=["GET", "POST"])
@admin_only
def new_agency():
    parent_id = request.args.get("parent", type=int)
    parent = get_or_404(Agency, parent_id) if parent_id is not None else None
    if request.method == "POST":
        form = AgencyForm()
    else:
        # A new body usually sits one level below its parent, in the same province.
        defaults = {"type": "phong" if parent and parent.level == "district" else "so",
                    "level": parent.level if parent else "province"}
        form = AgencyForm(formdata=None, data=defaults)
    # Nothing is under a new agency yet, nor has it been replaced: no office, no successor.
    del form.office_id
    del form.successor_id
    _agency_choices(form, None, parent)
    if form.validate_on_submit():
        try:
            created = edit.add_agency(db.session, parent, _agency_fields(form))
        except edit.DirectoryEditError as exc:
            db.session.rollback()
            _place_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Đã thêm “%(name)s”.", name=created.name), "success")
            return redirect(url_for(".agency", agency_id=created.id))
    return render_template("admin/agency_new.html", form=form, parent=parent), \
        422 if request.method == "POST" else 200


def _officer_saved(agency: Agency, officer: FocalOfficer | None, form: OfficerForm) -> FocalOfficer | None:
    """Save the form; None (with the errors on the form) if the directory refused it."""
    try:
        saved = edit.save_officer(db.session(), agency, officer, form.name.data, form.email.data,
                                  form.phone.data, form.language.data, bool(form.active.data))
    except edit.DirectoryEditError as exc:
        db.session.rollback()
        _place_errors(form, exc)
        return None
    db.session.commit()
    return saved


@bp.post("/agencies/<int:agency_id>/officers")
@admin_only
def add_officer(agency_id: int):
    agency = get_or_404(Agency, agency_id)
    form = OfficerForm(prefix=OFFICER_PREFIX)
    form.language.choices = options((k, _(v)) for k, v in LANGUAGE_LABELS.items())
    if form.validate_on_submit() and _officer_saved(agency, None, form):
        flash(_("Đã thêm cán bộ đầu mối %(name)s.", name=form.name.data), "success")
        return redirect(url_for(".agency", agency_id=agency.id) + "#officers")
    agency_form = AgencyForm(formdata=None, data=_agency_data(agency))
    _agency_choices(agency_form, agency, agency.parent)
    return _render_agency(agency, agency_form, form, status=422)


@bp.route("/officers/<int:officer_id>", methods=["GET", "POST"])
@admin_only
def officer(officer_id: int):
    item = get_or_404(FocalOfficer, officer_id)
    if request.method == "POST":
        form = OfficerForm()
    else:
        form = OfficerForm(formdata=None, obj=item)
        form.email.data, form.phone.data = item.email or "", item.phone or ""
    form.language.choices = options((k, _(v)) for k, v in LANGUAGE_LABELS.items())
    if form.validate_on_submit() and _officer_saved(item.agency, item, form):
        flash(_("Đã lưu cán bộ đầu mối %(name)s.", name=item.name), "success")
        return redirect(url_for(".agency", agency_id=item.agency_id) + "#officers")
    return render_template("admin/officer.html", officer=item, form=form), \
        422 if request.method == "POST" else 200


@bp.post("/officers/<int:officer_id>/active")
@admin_only
def officer_active(officer_id: int):
    item = get_or_404(FocalOfficer, officer_id)
    if ActionForm().validate_on_submit():
        item.active = request.form.get("active") == "1"
        db.session.commit()
        flash(_("%(name)s sẽ nhận nhắc việc.", name=item.name) if item.active
              else _("%(name)s sẽ không nhận nhắc việc nữa.", name=item.name), "success")
    return redirect(url_for(".agency", agency_id=item.agency_id) + "#officers")


# --- accounts ---------------------------------------------------------------------------------


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


# --- reminder policy --------------------------------------------------------------------------


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


# --- outbox -----------------------------------------------------------------------------------


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


# --- scheduler runs ---------------------------------------------------------------------------


@bp.get("/jobs")
@admin_only
def jobs():
    job = request.args.get("job") if request.args.get("job") in JOBS else None
    latest = {name: db.session.scalar(select(JobRun).where(JobRun.job == name)
                                      .order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(1))
              for name in JOBS}
    query = select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(RUNS_SHOWN)
    if job:
        query = query.where(JobRun.job == job)
    return render_template("admin/jobs.html", latest=latest, runs=db.session.scalars(query).all(),
                           job=job, jobs=JOBS, job_labels=JOB_LABELS, shown=RUNS_SHOWN)


# --- working-day calendar ---------------------------------------------------------------------

YEARS = range(2000, 2101)   # what the page lists; the library covers these years


def _calendar_page(year: int, form: CalendarDayForm, status: int = 200):
    lines = office_calendar.unusual_days(db.session(), year, str(get_locale()))
    return render_template("admin/calendar.html", year=year, lines=lines,
                           form=form, action=ActionForm(formdata=None), weekdays=WEEKDAYS_VI,
                           years=YEARS), status


@bp.get("/calendar")
@admin_only
def calendar():
    year = request.args.get("year", type=int)
    if year not in YEARS:
        year = clock.today().year
    return _calendar_page(year, CalendarDayForm(formdata=None))


@bp.post("/calendar")
@admin_only
def calendar_set():
    form = CalendarDayForm()
    if form.validate_on_submit():
        if form.day.data.year not in YEARS:
            form.day.errors = [*form.day.errors, _("Chọn một ngày từ năm %(a)s đến năm %(b)s.",
                                                   a=YEARS.start, b=YEARS.stop - 1)]
        else:
            row = office_calendar.set_calendar_day(db.session, form.day.data, form.kind.data == "working",
                                            form.note.data)
            db.session.commit()
            flash(_("%(day)s: %(what)s (%(note)s).", day=row.day.strftime("%d/%m/%Y"),
                    what=_("ngày làm việc") if row.working else _("ngày nghỉ"), note=row.note), "success")
            return redirect(url_for(".calendar", year=row.day.year))
    year = form.day.data.year if form.day.data and form.day.data.year in YEARS else clock.today().year
    return _calendar_page(year, form, 422)


@bp.post("/calendar/<day>/delete")
@admin_only
def calendar_unset(day: str):
    try:
        when = date.fromisoformat(day)
    except ValueError:
        abort(404)
    if ActionForm().validate_on_submit():
        if office_calendar.unset_calendar_day(db.session(), when):
            db.session.commit()
            flash(_("Đã bỏ ngoại lệ ngày %(day)s.", day=when.strftime("%d/%m/%Y")), "success")
        else:
            flash(_("Không có ngoại lệ ngày %(day)s.", day=when.strftime("%d/%m/%Y")), "error")
    return redirect(url_for(".calendar", year=when.year))
