"""One agency's assignment: its history, progress reports with evidence, reminders sent,
extension requests, and the author's decisions; explanation requests (giải trình) and the
agency's answers."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import clock
from ..accounts import scopes
from ..extensions import db
from ..mail import notices
from ..models import (
    EXPLANATION_OPEN,
    PENDING,
    STATUS_LABELS_VI,
    STATUSES,
    Assignment,
    Evidence,
    ExplanationRequest,
    ExplanationState,
    ExtensionRequest,
    Occurrence,
    OutboxItem,
    OutboxMessage,
    StatusChange,
    Task,
)
from ..plans import explanations, progress
from ..plans import extension_requests as ext
from ..plans.evidence import MAX_FILES, CheckedFile, EvidenceError, check
from ..plans.tracked import TrackedItem
from ..scheduling.office_calendar import working_calendar
from ..scheduling.ontime import LABELS_VI
from .access import get_or_404, require, roles_required
from .formatting import people_shown
from .forms import (
    DecisionForm,
    ExplanationAnswerForm,
    ExplanationForm,
    ExtensionForm,
    ReportForm,
    ReturnForm,
    WithdrawForm,
)
from .i18n import localized

bp = Blueprint("assignments", __name__)

def _load(assignment_id: int, include_removed: bool = False) -> Assignment:
    """The assignment if this account may see it; a removed one only to look at its record."""
    assignment = get_or_404(Assignment, assignment_id, include_removed)
    require(scopes.can_view_assignment(db.session(), current_user, assignment))
    return assignment


def _occurrence_choices(assignment: Assignment) -> list[tuple[int, str]]:
    return [(o.id, f"{o.label} — {_('hạn')} {o.due:%d/%m/%Y}") for o in assignment.occurrences]


def _occurrence(assignment: Assignment, occurrence_id: int | None) -> Occurrence | None:
    if not assignment.occurrences:
        return None
    return next((o for o in assignment.occurrences if o.id == occurrence_id), None)


def _forms(assignment: Assignment, report=None, extension=None, returned=None):
    choices = _occurrence_choices(assignment)
    report = report or ReportForm(formdata=None, status=assignment.status, progress=assignment.progress,
                                  occurrence=request.args.get("o", type=int))
    extension = extension or ExtensionForm(formdata=None)
    returned = returned or ReturnForm(formdata=None)
    for form in (report, extension, returned):
        form.occurrence.choices = choices or [(0, "—")]
    report.status.choices = [(s, _(STATUS_LABELS_VI[s])) for s in STATUSES]
    return report, extension, returned


def _checked_files(form) -> list[CheckedFile]:
    """The form's evidence files, checked by content (errors go on ``form.files``)."""
    files = [f for f in form.files.data or [] if f and f.filename]
    checked = []
    if len(files) > MAX_FILES:
        form.files.errors.append(_("Tối đa %(n)s tệp cho một lần báo cáo.", n=MAX_FILES))
    for f in files[:MAX_FILES]:
        try:
            checked.append(check(f.filename, f.read(), current_app.config["TRACKER_MAX_EVIDENCE_BYTES"]))
        except EvidenceError as exc:
            form.files.errors.append(localized(exc))
    return checked


def _explanation_forms(assignment: Assignment, asked, open_requests: list[ExplanationRequest],
                       answer=None, answering: int | None = None):
    """The request form (its periods: the late ones) and one answer form per open request
    (the one just submitted keeps what was typed and its errors)."""
    today, tz = clock.today(), current_app.config["TRACKER_TIMEZONE"]
    late = explanations.late_items(assignment, today, tz)
    asked = asked or ExplanationForm(formdata=None, occurrence=request.args.get("o", type=int))
    asked.occurrence.choices = [(i.occurrence.id, f"{i.occurrence.label} — {_('hạn')} {i.occurrence.due:%d/%m/%Y}")
                                for i in late if i.occurrence is not None] or [(0, "—")]
    answers = {r.id: answer if answering == r.id and answer is not None else ExplanationAnswerForm(formdata=None)
               for r in open_requests}
    return asked, answers, bool(late), explanations.default_due(working_calendar(db.session()), today)


def _render(assignment: Assignment, report=None, extension=None, returned=None, status: int = 200,
            asked=None, answer=None, answering: int | None = None):
    report, extension, returned = _forms(assignment, report, extension, returned)
    tz = current_app.config["TRACKER_TIMEZONE"]
    today = clock.today()

    def category(occurrence=None):
        result = TrackedItem(assignment, occurrence).on_time(today, tz)
        return result.category if result else None

    removed = assignment.removed_at is not None or assignment.task.removed_at is not None
    history = db.session.scalars(select(StatusChange).where(StatusChange.assignment_id == assignment.id)
                                 .order_by(StatusChange.changed_at.desc(), StatusChange.id.desc())
                                 .options(selectinload(StatusChange.evidence))).all()
    messages = db.session.execute(
        select(OutboxMessage, OutboxItem.step_key, OutboxItem.occurrence_id)
        .join(OutboxItem, OutboxItem.message_id == OutboxMessage.id)
        .where(OutboxItem.assignment_id == assignment.id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())).all()
    requests = db.session.scalars(select(ExtensionRequest).where(
        ExtensionRequest.assignment_id == assignment.id).order_by(ExtensionRequest.id.desc())).all()
    explained = explanations.requests_of(db.session(), assignment)
    open_requests = [r for r in explained if r.state == EXPLANATION_OPEN]
    asked, answers, may_ask, default_due = _explanation_forms(assignment, asked, open_requests, answer, answering)
    body = render_template(
        "assignments/detail.html", a=assignment, task=assignment.task, plan=assignment.task.plan,
        history=history, messages=messages, requests=requests, report=report, extension=extension,
        returned=returned, category=category, labels=LABELS_VI, status_labels=STATUS_LABELS_VI,
        decision=DecisionForm(formdata=None),
        person=people_shown([h.changed_by for h in history] + [r.requested_by for r in requests]
                            + [r.decided_by for r in requests]
                            + [e for r in explained for e in (r.asked_by, r.answered_by, r.withdrawn_by) if e]),
        removed=removed,
        explained=explained, asked=asked, answers=answers, withdraw=WithdrawForm(formdata=None),
        may_ask=may_ask and not removed, default_due=default_due,
        default_days=explanations.DEFAULT_WORKING_DAYS, explanation_states=ExplanationState.labels(),
        can_ask=not removed and scopes.can_ask_explanation(db.session(), current_user, assignment),
        can_explain=not removed and scopes.can_explain(db.session(), current_user, assignment),
        can_report=not removed and scopes.can_report(db.session(), current_user, assignment),
        can_manage=scopes.can_manage_plan(db.session(), current_user, assignment.task.plan),
        max_mb=current_app.config["TRACKER_MAX_EVIDENCE_BYTES"] // 1048576, max_files=MAX_FILES)
    return body, status


@bp.get("/a/<int:assignment_id>")
@login_required
def detail(assignment_id: int):
    return _render(_load(assignment_id, include_removed=True))


@bp.post("/a/<int:assignment_id>/report")
@login_required
def report(assignment_id: int):
    assignment = _load(assignment_id)
    require(scopes.can_report(db.session(), current_user, assignment))
    form, _e, _r = _forms(assignment, report=ReportForm())
    if form.validate_on_submit():
        occurrence = _occurrence(assignment, form.occurrence.data)
        if assignment.occurrences and occurrence is None:
            form.occurrence.errors = [*form.occurrence.errors, _("Chọn kỳ báo cáo.")]
        checked = _checked_files(form)
        if not form.files.errors and not form.occurrence.errors:
            try:
                progress.report(db.session(), assignment, form.status.data, by=current_user.email,
                                progress=form.progress.data, comment=form.comment.data or "",
                                occurrence=occurrence, evidence=checked)
            except progress.StatusError as exc:
                db.session.rollback()
                form.status.errors.append(localized(exc))
            else:
                db.session.commit()
                flash(_("Đã ghi nhận báo cáo."), "success")
                return redirect(url_for(".detail", assignment_id=assignment.id))
    return _render(assignment, report=form, status=422)


@bp.post("/a/<int:assignment_id>/extension")
@login_required
def extension(assignment_id: int):
    assignment = _load(assignment_id)
    require(scopes.can_report(db.session(), current_user, assignment))
    _rep, form, _r = _forms(assignment, extension=ExtensionForm())
    if form.validate_on_submit():
        try:
            asked = ext.request_extension(db.session(), assignment, _occurrence(assignment, form.occurrence.data),
                                          form.requested_due.data, form.reason.data, by=current_user.email)
        except ext.ExtensionError as exc:
            db.session.rollback()
            form.requested_due.errors = [*form.requested_due.errors, localized(exc)]
        else:
            notices.extension_requested(db.session(), asked)    # the plan's authors; same transaction
            db.session.commit()
            flash(_("Đã gửi đề nghị gia hạn để xem xét, quyết định."), "success")
            return redirect(url_for(".detail", assignment_id=assignment.id))
    return _render(assignment, extension=form, status=422)


@bp.post("/a/<int:assignment_id>/return")
@login_required
def send_back(assignment_id: int):
    assignment = _load(assignment_id)
    require(scopes.can_manage_plan(db.session(), current_user, assignment.task.plan))
    _rep, _e, form = _forms(assignment, returned=ReturnForm())
    if form.validate_on_submit():
        try:
            change = progress.return_output(db.session(), assignment, current_user.email, form.comment.data,
                                            _occurrence(assignment, form.occurrence.data))
        except progress.StatusError as exc:
            db.session.rollback()
            form.comment.errors = [*form.comment.errors, localized(exc)]
        else:
            told = notices.output_returned(db.session(), change)   # the agency's focal officers
            db.session.commit()
            flash(_("Đã trả lại kết quả cho cơ quan thực hiện."), "success")
            if not told:
                flash(_("Không gửi được thư cho cơ quan (chưa có cán bộ đầu mối có địa chỉ thư): "
                        "hãy báo trực tiếp cho cơ quan."), "warning")
            return redirect(url_for(".detail", assignment_id=assignment.id))
    return _render(assignment, returned=form, status=422)


@bp.post("/a/<int:assignment_id>/explanation")
@login_required
def ask_explanation(assignment_id: int):
    """A leader, author or administrator asks the agency to explain a late item."""
    assignment = _load(assignment_id)
    require(scopes.can_ask_explanation(db.session(), current_user, assignment))
    form = ExplanationForm()
    form.occurrence.choices = _occurrence_choices(assignment) or [(0, "—")]
    if form.validate_on_submit():
        today = clock.today()
        try:
            asked = explanations.ask(db.session(), current_user, assignment,
                                     _occurrence(assignment, form.occurrence.data), form.message.data or "",
                                     today=today, tz=current_app.config["TRACKER_TIMEZONE"],
                                     calendar=working_calendar(db.session()), due_on=form.due_on.data)
        except explanations.ExplanationError as exc:
            db.session.rollback()
            form.message.errors = [*form.message.errors, localized(exc)]
        else:
            told = notices.explanation_requested(db.session(), asked, today)   # the agency's focal officers
            db.session.commit()
            flash(_("Đã gửi yêu cầu giải trình đến cơ quan thực hiện (hạn trả lời %(d)s).",
                    d=f"{asked.due_on:%d/%m/%Y}"), "success")
            if not told:
                flash(_("Không gửi được thư cho cơ quan (chưa có cán bộ đầu mối có địa chỉ thư): "
                        "hãy báo trực tiếp cho cơ quan."), "warning")
            return redirect(url_for(".detail", assignment_id=assignment.id, _anchor="explanation"))
    return _render(assignment, asked=form, status=422)


def _explanation_request(request_id: int) -> ExplanationRequest:
    """The request if this account may see its item, and the item is still part of the plan."""
    item = get_or_404(ExplanationRequest, request_id, include_removed=True)
    require(scopes.can_view_assignment(db.session(), current_user, item.assignment))
    require(item.assignment.removed_at is None and item.assignment.task.removed_at is None)
    return item


@bp.post("/explanations/<int:request_id>/answer")
@login_required
def answer_explanation(request_id: int):
    """The agency's focal officer answers: the reason, the new expected date, evidence."""
    item = _explanation_request(request_id)
    assignment = item.assignment
    require(scopes.can_explain(db.session(), current_user, assignment))
    form = ExplanationAnswerForm()
    if form.validate_on_submit():
        checked = _checked_files(form)
        if not form.files.errors:
            try:
                explanations.answer(db.session(), current_user, item, form.reason.data or "",
                                    form.new_expected_date.data, today=clock.today(), evidence=checked)
            except explanations.ExplanationError as exc:
                db.session.rollback()
                form.reason.errors = [*form.reason.errors, localized(exc)]
            else:
                notices.explanation_answered(db.session(), item)            # the one who asked
                db.session.commit()
                flash(_("Đã gửi giải trình."), "success")
                return redirect(url_for(".detail", assignment_id=assignment.id, _anchor="explanation"))
    return _render(assignment, answer=form, answering=item.id, status=422)


@bp.post("/explanations/<int:request_id>/withdraw")
@login_required
def withdraw_explanation(request_id: int):
    """The asking side takes back a request still waiting for its answer."""
    item = _explanation_request(request_id)
    require(scopes.can_ask_explanation(db.session(), current_user, item.assignment))
    if WithdrawForm().validate_on_submit():
        try:
            explanations.withdraw(db.session(), current_user, item)
        except explanations.ExplanationError as exc:
            db.session.rollback()
            flash(localized(exc), "error")
        else:
            db.session.commit()
            flash(_("Đã rút yêu cầu giải trình."), "success")
    return redirect(url_for(".detail", assignment_id=item.assignment_id, _anchor="explanation"))


@bp.get("/extensions")
@roles_required("author", "admin")
def extensions():
    visible = scopes.visible_plan_ids(db.session, current_user)
    query = (select(ExtensionRequest).join(ExtensionRequest.assignment).join(Assignment.task)
             .order_by(ExtensionRequest.state != PENDING, ExtensionRequest.requested_at.desc()).limit(200)
             .options(selectinload(ExtensionRequest.assignment).selectinload(Assignment.agency),
                      selectinload(ExtensionRequest.assignment).selectinload(Assignment.task)
                      .selectinload(Task.plan), selectinload(ExtensionRequest.occurrence)))
    if visible is not None:
        query = query.where(Task.plan_id.in_(visible))
    requests = db.session.scalars(query).all()
    return render_template("assignments/extensions.html", requests=requests, decision=DecisionForm(formdata=None),
                           person=people_shown([r.requested_by for r in requests] + [r.decided_by for r in requests]))


@bp.post("/extensions/<int:request_id>")
@roles_required("author", "admin")
def decide(request_id: int):
    item = get_or_404(ExtensionRequest, request_id, include_removed=True)
    require(scopes.can_manage_plan(db.session(), current_user, item.assignment.task.plan))
    require(item.assignment.removed_at is None and item.assignment.task.removed_at is None)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            ext.decide(db.session(), item, approve=bool(form.approve.data), by=current_user.email,
                       comment=form.comment.data or "")
        except ext.ExtensionError as exc:
            db.session.rollback()
            flash(localized(exc), "error")
        else:
            told = notices.extension_decided(db.session(), item)   # the agency's officers and the requester
            db.session.commit()
            flash(_("Đã đồng ý gia hạn.") if form.approve.data else _("Đã trả lời không đồng ý gia hạn."), "success")
            if not told:
                flash(_("Không gửi được thư cho cơ quan (chưa có cán bộ đầu mối có địa chỉ thư): "
                        "hãy báo trực tiếp cho cơ quan."), "warning")
    back = request.form.get("next") or ""
    return redirect(back if back.startswith("/a/") else url_for(".extensions"))


@bp.get("/evidence/<int:evidence_id>")
@login_required
def evidence(evidence_id: int):
    item = get_or_404(Evidence, evidence_id, include_removed=True)   # kept when its plan row is removed
    require(scopes.can_view_assignment(db.session(), current_user, item.status_change.assignment))
    response = Response(item.data, mimetype=item.content_type)
    # Always a download, never rendered in our origin; the type was checked from the content.
    response.headers["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote(item.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response



