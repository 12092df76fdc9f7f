"""The REST API's routes: thin, over the same domain functions as the pages (scopes,
progress, evidence, extension requests, statistics)."""

from __future__ import annotations

from datetime import date

from flask import current_app, g, jsonify, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import clock
from ..accounts import scopes
from ..extensions import db
from ..mail import notices
from ..models import (
    ADMIN,
    AUTHOR,
    LEADER,
    OFFICER,
    STATUSES,
    Account,
    Agency,
    Assignment,
    ExtensionRequest,
    Plan,
    StatusChange,
    Task,
)
from ..plans import extension_requests as ext
from ..plans import progress
from ..plans.evidence import MAX_FILES, EvidenceError, check
from ..plans.statistics import Period, agency_statistics, plan_progress
from ..plans.tracked import tracked_items
from ..scheduling.ontime import CATEGORIES
from ..web.formatting import people_shown
from ..web.forms import parse_day
from . import shapes
from .auth import caller
from .blueprint import bp
from .errors import ApiError
from .pages import Page

# ---- reading the request ----


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise ApiError(400, "invalid_parameter", f"“{name}” phải là một số nguyên dương.",
                       f"“{name}” must be a positive whole number.", field=name)
    return int(raw)


def _choice_arg(name: str, allowed: tuple[str, ...]) -> str | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    if raw not in allowed:
        raise ApiError(400, "invalid_parameter", f"“{name}” phải là một trong: {', '.join(allowed)}.",
                       f"“{name}” must be one of: {', '.join(allowed)}.", field=name)
    return raw


def _date_arg(name: str) -> date | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, "invalid_parameter", f"“{name}” phải là một ngày dạng YYYY-MM-DD.",
                       f"“{name}” must be a date written YYYY-MM-DD.", field=name) from None


def _bool_arg(name: str) -> bool:
    raw = (request.args.get(name) or "").lower()
    if raw in ("", "0", "false", "no"):
        return False
    if raw in ("1", "true", "yes"):
        return True
    raise ApiError(400, "invalid_parameter", f"“{name}” phải là true hoặc false.",
                   f"“{name}” must be true or false.", field=name)


def _body() -> tuple[dict, list]:
    """The fields and files of a POST: JSON (no files) or a form (multipart for files)."""
    if request.mimetype == "application/json":
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ApiError(400, "invalid_json", "Nội dung không phải một đối tượng JSON hợp lệ.",
                           "The body is not a valid JSON object.")
        return data, []
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return request.form.to_dict(), [f for f in request.files.getlist("files") if f and f.filename]
    if not request.content_length and not request.mimetype:
        return {}, []
    raise ApiError(415)


def _invalid(field: str, vi: str, en: str) -> ApiError:
    return ApiError(422, "validation_failed", vi, en, field=field)


def _optional_int(data: dict, name: str) -> int | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        value = None
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if not isinstance(value, int):
        raise _invalid(name, f"“{name}” phải là một số nguyên.", f"“{name}” must be a whole number.")
    return value


def _text(data: dict, name: str, limit: int = 10000) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _invalid(name, f"“{name}” phải là chuỗi ký tự.", f"“{name}” must be a string.")
    if len(value) > limit:
        raise _invalid(name, f"“{name}” dài quá {limit} ký tự.", f"“{name}” is longer than {limit} characters.")
    return value


def _occurrence(assignment: Assignment, data: dict):
    wanted = _optional_int(data, "occurrence")
    if not assignment.occurrences:
        if wanted is not None:
            raise _invalid("occurrence", "Phân công này không có kỳ báo cáo.", "This assignment has no periods.")
        return None
    found = next((o for o in assignment.occurrences if o.id == wanted), None)
    if found is None:
        raise _invalid("occurrence", "Chọn kỳ báo cáo (occurrence) của phân công này.",
                       "Choose one of this assignment's periods (occurrence).")
    return found


# ---- scope ----


def _visible_plans(account: Account) -> set[int] | None:
    return scopes.visible_plan_ids(db.session(), account)


def _plan_or_404(account: Account, plan_id: int) -> Plan:
    plan = db.session.get(Plan, plan_id)
    if plan is None or not scopes.can_view_plan(db.session(), account, plan):
        raise ApiError(404)
    return plan


def _assignment_or_404(account: Account, assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or not scopes.can_view_assignment(db.session(), account, assignment):
        raise ApiError(404)
    return assignment


def _judge() -> shapes.Judge:
    return shapes.Judge(clock.today(), current_app.config["TRACKER_TIMEZONE"])


def _filters() -> dict:
    """The list filters of tasks and assignments, read and checked."""
    due_from, due_to = _date_arg("due_from"), _date_arg("due_to")
    if due_from and due_to and due_from > due_to:
        raise ApiError(400, "invalid_parameter", "“due_from” phải trước hoặc bằng “due_to”.",
                       "“due_from” must not be after “due_to”.", field="due_from")
    return {"plan": _int_arg("plan"), "agency": _int_arg("agency"),
            "status": _choice_arg("status", STATUSES), "category": _choice_arg("category", CATEGORIES),
            "due_from": due_from, "due_to": due_to}


def _matches(a: Assignment, filters: dict, judge: shapes.Judge) -> bool:
    """What SQL cannot say: the on-time category today and the due window, over the
    assignment's items (each reporting period of a recurring one), as the plan page filters."""
    if filters["category"] and filters["category"] not in judge.categories(a):
        return False
    start, end = filters["due_from"], filters["due_to"]
    if start or end:
        dues = [i.due for i in tracked_items(a)]
        if not any(d is not None and (start is None or start <= d) and (end is None or d <= end) for d in dues):
            return False
    return True


def _assignment_query(account: Account, filters: dict):
    query = (select(Assignment).join(Assignment.task)
             .options(selectinload(Assignment.occurrences), selectinload(Assignment.deadline),
                      selectinload(Assignment.agency), selectinload(Assignment.task)))
    if account.role == OFFICER:
        query = query.where(Assignment.agency_id.in_(scopes.officer_agency_ids(db.session(), account)))
    else:
        visible = _visible_plans(account)
        if visible is not None:
            query = query.where(Task.plan_id.in_(visible))
    if filters.get("plan") is not None:
        query = query.where(Task.plan_id == filters["plan"])
    if filters.get("task") is not None:
        query = query.where(Assignment.task_id == filters["task"])
    if filters["agency"] is not None:
        query = query.where(Assignment.agency_id == filters["agency"])
    if filters["status"] is not None:
        query = query.where(Assignment.status == filters["status"])
    return query


# ---- routes ----


@bp.get("/v1/me")
def me():
    account, token = caller(), g.api_token
    return jsonify({"account": {"id": account.id, "name": account.name, "role": account.role,
                                "committee": shapes.agency_ref(account.committee), "language": account.language},
                    "token": {"id": token.id, "name": token.name, "expires_at": shapes.moment(token.expires_at)}})


@bp.get("/v1/plans")
def plans():
    account = caller()
    page = Page.from_request("plans", {})
    visible = _visible_plans(account)

    def batches(after: int, size: int):
        query = select(Plan).where(Plan.id > after).order_by(Plan.id).limit(size)
        if visible is not None:
            query = query.where(Plan.id.in_(visible))
        return db.session.scalars(query).all()

    found, next_after = page.collect(batches)
    progress_of = plan_progress(db.session(), [p.id for p in found], clock.today())
    data = [shapes.plan(p, progress_of.get(p.id, _NO_PROGRESS)) for p in found]
    return jsonify(page.body(data, next_after, "api.plans"))


class _NoProgress:
    done = total = overdue = 0


_NO_PROGRESS = _NoProgress()


@bp.get("/v1/plans/<int:plan_id>")
def plan(plan_id: int):
    found = _plan_or_404(caller(), plan_id)
    progress_of = plan_progress(db.session(), [found.id], clock.today())
    body = shapes.plan(found, progress_of.get(found.id, _NO_PROGRESS))
    body["sections"] = [{"appendix": s.appendix, "numbering": s.numbering, "title": s.title} for s in found.sections]
    body["tasks_url"] = url_for("api.tasks", plan=found.id)
    body["statistics_url"] = url_for("api.plan_statistics", plan_id=found.id)
    return jsonify(body)


@bp.get("/v1/plans/<int:plan_id>/statistics")
def plan_statistics(plan_id: int):
    account = caller()
    if account.role not in (LEADER, AUTHOR, ADMIN):
        raise ApiError(403)
    found = _plan_or_404(account, plan_id)
    as_of = _date_arg("as_of") or clock.today()
    choice = request.args.get("period") or "year"
    year = _int_arg("year") or found.year
    try:
        if choice == "year":
            period = Period.year(year)
        elif len(choice) == 2 and choice[0] == "q" and choice[1] in "1234":
            period = Period.quarter(year, int(choice[1]))
        elif len(choice) == 3 and choice[0] == "m" and choice[1:].isdigit() and 1 <= int(choice[1:]) <= 12:
            period = Period.month(year, int(choice[1:]))
        elif choice == "custom":
            period = Period(_date_arg("from"), _date_arg("to"))
        elif choice == "all":
            period = Period()
        else:
            raise ValueError(choice)
    except ValueError:
        raise ApiError(400, "invalid_parameter",
                       "“period” phải là year, q1–q4, m01–m12, custom hoặc all (năm từ 1990 đến 2100).",
                       "“period” must be year, q1–q4, m01–m12, custom or all (a year from 1990 to 2100).",
                       field="period") from None
    if not 1990 <= year <= 2100:
        raise ApiError(400, "invalid_parameter", "“year” phải từ 1990 đến 2100.", "“year” must be from 1990 to 2100.",
                       field="year")
    stats = agency_statistics(db.session(), as_of, current_app.config["TRACKER_TIMEZONE"], period,
                              plan_ids=[found.id], include_coordinating=_bool_arg("coordinating"))
    return jsonify(shapes.statistics(found.id, stats))


@bp.get("/v1/tasks")
def tasks():
    account = caller()
    judge = _judge()
    filters = _filters()
    page = Page.from_request("tasks", filters)
    visible = _visible_plans(account)
    assignment_filtered = any(filters[k] is not None for k in ("agency", "status", "category", "due_from", "due_to"))

    def batches(after: int, size: int):
        query = (select(Task).where(Task.id > after).order_by(Task.id).limit(size)
                 .options(selectinload(Task.section),
                          selectinload(Task.assignments).selectinload(Assignment.agency),
                          selectinload(Task.assignments).selectinload(Assignment.deadline),
                          selectinload(Task.assignments).selectinload(Assignment.occurrences)))
        if visible is not None:
            query = query.where(Task.plan_id.in_(visible))
        if filters["plan"] is not None:
            query = query.where(Task.plan_id == filters["plan"])
        return db.session.scalars(query).all()

    def keep(task: Task) -> bool:
        if not assignment_filtered:
            return True
        return any((filters["agency"] is None or a.agency_id == filters["agency"])
                   and (filters["status"] is None or a.status == filters["status"])
                   and _matches(a, filters, judge) for a in task.assignments)

    found, next_after = page.collect(batches, keep)
    return jsonify(page.body([shapes.task(t, judge) for t in found], next_after, "api.tasks"))


@bp.get("/v1/tasks/<int:task_id>")
def task(task_id: int):
    account = caller()
    found = db.session.get(Task, task_id)
    if found is None or not scopes.can_view_plan(db.session(), account, found.plan):
        raise ApiError(404)
    return jsonify(shapes.task(found, _judge()))


@bp.get("/v1/assignments")
def assignments():
    account = caller()
    judge = _judge()
    filters = {**_filters(), "task": _int_arg("task")}
    page = Page.from_request("assignments", filters)
    base = _assignment_query(account, filters)

    def batches(after: int, size: int):
        return db.session.scalars(base.where(Assignment.id > after).order_by(Assignment.id).limit(size)).all()

    python_filtered = any(filters[k] is not None for k in ("category", "due_from", "due_to"))
    found, next_after = page.collect(batches, (lambda a: _matches(a, filters, judge)) if python_filtered else None)
    return jsonify(page.body([shapes.assignment(a, judge) for a in found], next_after, "api.assignments"))


@bp.get("/v1/assignments/<int:assignment_id>")
def assignment(assignment_id: int):
    found = _assignment_or_404(caller(), assignment_id)
    body = shapes.assignment(found, _judge())
    history = db.session.scalars(select(StatusChange).where(StatusChange.assignment_id == found.id)
                                 .order_by(StatusChange.changed_at.desc(), StatusChange.id.desc())
                                 .options(selectinload(StatusChange.evidence))).all()
    requests = db.session.scalars(select(ExtensionRequest).where(ExtensionRequest.assignment_id == found.id)
                                  .order_by(ExtensionRequest.id.desc())).all()
    person = people_shown([h.changed_by for h in history] + [r.requested_by for r in requests]
                          + [r.decided_by for r in requests])
    body["history"] = [shapes.history_entry(h, person) for h in history]
    body["extension_requests"] = [shapes.extension_request(r, person) for r in requests]
    return jsonify(body)


def _reportable(assignment_id: int) -> tuple[Account, Assignment]:
    """The assignment if this account may report on it: 404 otherwise, as the page does."""
    account = caller()
    found = _assignment_or_404(account, assignment_id)
    if not scopes.can_report(db.session(), account, found):
        raise ApiError(404)
    return account, found


@bp.post("/v1/assignments/<int:assignment_id>/reports")
def report(assignment_id: int):
    """Status and progress, with evidence files (multipart), as the assignment's page."""
    account, found = _reportable(assignment_id)
    data, files = _body()
    status = data.get("status")
    if status in (None, ""):
        raise _invalid("status", "Chọn trạng thái (status).", "Give the status.")
    if status not in STATUSES:
        raise _invalid("status", f"Trạng thái phải là một trong: {', '.join(STATUSES)}.",
                       f"The status must be one of: {', '.join(STATUSES)}.")
    value = _optional_int(data, "progress")
    if value is not None and not 0 <= value <= 100:
        raise _invalid("progress", "Tiến độ phải từ 0 đến 100.", "Progress must be between 0 and 100.")
    comment = _text(data, "comment")
    occurrence = _occurrence(found, data)
    if len(files) > MAX_FILES:
        raise ApiError(422, "too_many_files", f"Tối đa {MAX_FILES} tệp cho một lần báo cáo.",
                       f"At most {MAX_FILES} files per report.", field="files")
    checked = []
    for f in files:
        try:
            checked.append(check(f.filename, f.read(), current_app.config["TRACKER_MAX_EVIDENCE_BYTES"]))
        except EvidenceError as exc:
            raise ApiError.of(422, exc, "evidence_rejected", field="files") from None
    try:
        change = progress.report(db.session(), found, status, by=account.email, progress=value, comment=comment,
                                 occurrence=occurrence, evidence=checked)
    except progress.StatusError as exc:
        db.session.rollback()
        raise ApiError.of(422, exc, "validation_failed", field="status") from None
    db.session.commit()
    person = people_shown([change.changed_by])
    response = jsonify({"report": shapes.history_entry(change, person),
                        "assignment": shapes.assignment(found, _judge())})
    response.status_code = 201
    response.headers["Location"] = url_for("api.assignment", assignment_id=found.id)
    return response


@bp.post("/v1/assignments/<int:assignment_id>/extension-requests")
def extension(assignment_id: int):
    """Ask for a later due date; the plan's authors are told by e-mail, as from the page."""
    account, found = _reportable(assignment_id)
    data, _files = _body()
    raw = data.get("requested_due")
    if raw in (None, ""):
        raise _invalid("requested_due", "Chọn ngày đề nghị gia hạn (requested_due).", "Give requested_due.")
    try:
        requested = parse_day(raw) if isinstance(raw, str) else None
    except ValueError:
        requested = None
    if requested is None:
        raise _invalid("requested_due", "“requested_due” phải là một ngày dạng YYYY-MM-DD.",
                       "“requested_due” must be a date written YYYY-MM-DD.")
    reason = _text(data, "reason")
    occurrence = _occurrence(found, data)
    try:
        asked = ext.request_extension(db.session(), found, occurrence, requested, reason, by=account.email)
    except ext.ExtensionError as exc:
        db.session.rollback()
        raise ApiError.of(422, exc, "extension_refused", field="requested_due") from None
    notices.extension_requested(db.session(), asked)      # the plan's authors; same transaction
    db.session.commit()
    response = jsonify({"extension_request": shapes.extension_request(asked, people_shown([asked.requested_by]))})
    response.status_code = 201
    response.headers["Location"] = url_for("api.assignment", assignment_id=found.id)
    return response


def _usable_agencies(account: Account) -> set[int] | None:
    if account.role == ADMIN:
        return None
    if account.role == OFFICER:
        found: set[int] = set()
        for agency_id in scopes.officer_agency_ids(db.session(), account):
            found |= {a.id for a in scopes.tree_agencies(db.session(), agency_id)}
        return found
    if account.committee_id is None:
        return set()
    return {a.id for a in scopes.tree_agencies(db.session(), account.committee_id)}


@bp.get("/v1/agencies")
def agencies():
    """The directory as the account may use it: an author's or leader's committee tree, an
    officer's agencies' trees, every agency for administrators. No people: names only."""
    account = caller()
    page = Page.from_request("agencies", {})
    within = _usable_agencies(account)

    def batches(after: int, size: int):
        query = select(Agency).where(Agency.id > after).order_by(Agency.id).limit(size)
        if within is not None:
            query = query.where(Agency.id.in_(within))
        return db.session.scalars(query).all()

    found, next_after = page.collect(batches)
    return jsonify(page.body([shapes.agency(a) for a in found], next_after, "api.agencies"))
