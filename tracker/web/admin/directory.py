"""The agency directory: agencies, their focal officers, and an agency's place in its tree."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...directory import edit
from ...extensions import db
from ...models import Agency, FocalOfficer
from ..access import get_or_404
from . import OFFICER_PREFIX, PAGE_SIZE, admin_only, bp
from .forms import AGENCY_TYPE_LABELS, LANGUAGE_LABELS, LEVEL_LABELS, ActionForm, AgencyForm, OfficerForm, options


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
