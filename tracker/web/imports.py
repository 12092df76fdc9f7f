"""The import wizard: upload → preview exactly as it will be imported, with the reader's
doubts to settle → publish. Re-uploading an amended plan shows what will change first."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import clock
from ..accounts import scopes
from ..config import reporting_calendar
from ..directory.store import load_index
from ..errors import UserError
from ..extensions import db
from ..models import ADMIN, Agency, AgencyGroup, Assignment, ImportDraft, Plan, Task
from ..plans import drafts, publishing
from ..reading.deadlines import read_deadline
from ..reading.header import level_of
from ..reading.result import DeadlineKind, NotAPlanError, PlanContext
from . import background
from .access import get_or_404, require, roles_required
from .forms import UploadForm, parse_day
from .i18n import localized

bp = Blueprint("imports", __name__, url_prefix="/imports")


def _calendar():
    return reporting_calendar(current_app.config)


def _draft(draft_id: int) -> ImportDraft:
    draft = get_or_404(ImportDraft, draft_id)
    require(draft.account_id == current_user.id or current_user.role == ADMIN)
    return draft


def _allowed_issuers() -> set[int] | None:
    return scopes.publishable_issuer_ids(db.session(), current_user)


@bp.route("/new", methods=["GET", "POST"])
@roles_required("author", "admin")
def new():
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(current_app.config["TRACKER_MAX_UPLOAD_BYTES"] + 1)
        try:
            # Read once now, so a file that is not a plan is refused here and nothing is kept.
            reading = drafts.read_plan(data, upload.filename or "", calendar=_calendar(),
                                       max_bytes=current_app.config["TRACKER_MAX_UPLOAD_BYTES"])
        except NotAPlanError as exc:
            form.file.errors.append(localized(exc))
            reading = None
        index = load_index(db.session)
        refusal = reading and drafts.upload_refusal(reading, index, _allowed_issuers(), clock.today())
        if refusal:
            form.file.errors.append(localized(refusal))
        elif reading is not None:
            draft = ImportDraft(account_id=current_user.id, filename=(upload.filename or "ke-hoach")[:300],
                                sha256=hashlib.sha256(data).hexdigest(), data=data,
                                choices=drafts.carried_choices(db.session, reading, index, _allowed_issuers()))
            db.session.add(draft)
            db.session.commit()
            return redirect(url_for(".preview", draft_id=draft.id))
    mine = db.session.scalars(select(ImportDraft).where(
        ImportDraft.account_id == current_user.id, ImportDraft.published_at.is_(None))
        .order_by(ImportDraft.created_at.desc()).limit(20)).all()
    return render_template("imports/new.html", form=form, drafts=mine,
                           max_mb=current_app.config["TRACKER_MAX_UPLOAD_BYTES"] // 1048576), \
        (422 if form.errors else 200)


def _save_choices(draft: ImportDraft, preview: drafts.Preview) -> None:
    """The preview form's fields → the draft's decisions (plans/drafts.py lists them)."""
    earlier = draft.choices or {}
    draft.choices = {
        "owners": _chosen_owners(preview), "deadlines": _typed_deadlines(earlier),
        "prose": request.form.getlist("prose") if preview.reading.prose_tasks else None,
        "prose_owners": {t.ref: names for t in preview.reading.prose_tasks
                         if (names := [n for n in request.form.getlist(f"prose_owner:{t.ref}") if n])},
        "tracking_from": _tracking_from(earlier), "issuer_id": _issuer_choice(earlier),
        "contents": _rewritten(earlier, preview), "dropped": _dropped(earlier, preview),
        "added": _added(earlier, preview), "splits": _splits(earlier, preview),
        **_row_edits(earlier, preview),
    }
    for key in draft.choices["splits"]:         # a split row's parts carry its content now
        draft.choices["contents"].pop(key, None)


def _chosen_owners(preview: drafts.Preview) -> dict[str, list[str]]:
    """Agencies chosen for each unresolved owner; a whole group counts as its members."""
    owners = {}
    groups = {f"group:{g.id}": [m.name for m in g.members] for g in _groups(preview)}
    for doubt in preview.doubts:
        names: list[str] = []
        for value in request.form.getlist(f"owner:{doubt.key}"):
            for name in groups.get(value, [value] if value and not value.startswith("group:") else []):
                if name not in names:
                    names.append(name)
        if names:
            owners[doubt.key] = names
    return owners


def _typed_deadlines(earlier: dict) -> dict[str, str]:
    deadlines = dict(earlier.get("deadlines") or {})
    for name, value in request.form.items():
        if name.startswith("deadline:") and not name.startswith(f"deadline:{drafts.ADDED_PREFIX}"):
            deadlines[name.removeprefix("deadline:")] = value
    return deadlines


def _tracking_from(earlier: dict) -> str | None:
    tracking = earlier.get("tracking_from")
    if "tracking_from" in request.form:
        raw = request.form["tracking_from"].strip()
        try:
            tracking = parse_day(raw).isoformat() if raw else ""     # "": from the start
        except ValueError:
            flash(_("Ngày bắt đầu theo dõi không hợp lệ: “%(v)s” (cần dạng ngày/tháng/năm).", v=raw[:20]), "error")
    return tracking


def _issuer_choice(earlier: dict) -> int | None:
    chosen = request.form.get("issuer_id", type=int)
    if chosen is not None and chosen in {a.id for a in _issuers()}:
        return chosen
    return earlier.get("issuer_id")


def _original(preview: drafts.Preview, task) -> str:
    """A row's content as the file has it (the key its decisions are stored under)."""
    return preview.original_content.get(task.ref, task.content)


def _tidy(text: str) -> str:
    return " ".join(text.split())


def _posted_text(name: str, limit: int) -> str | None:
    posted = request.form.get(name)
    return None if posted is None else _tidy(posted)[:limit]


def _rewritten(earlier: dict, preview: drafts.Preview) -> dict[str, str]:
    contents = dict(earlier.get("contents") or {})
    for task in preview.reading.tasks + preview.reading.prose_tasks:
        text = _posted_text(f"content:{task.ref}", 4000)
        if text is None or drafts.is_added(task) or task.ref in preview.split_parts:
            continue
        original = _original(preview, task)
        if text and text != original:
            contents[drafts.key_of(original)] = text
        else:
            contents.pop(drafts.key_of(original), None)
    return contents


def _splits(earlier: dict, preview: drafts.Preview) -> dict[str, list[str]]:
    """Rows split in two: the text typed as the second task leaves the first one (when it
    is part of it); a part's content box rewrites that part; "gộp lại" undoes the split."""
    splits = {k: list(v) for k, v in (earlier.get("splits") or {}).items()}
    for ref, (key, part) in preview.split_parts.items():
        text = _posted_text(f"content:{ref}", 4000)
        if text and key in splits:
            splits[key][part] = text
    for ref in request.form.getlist("unsplit"):
        if ref in preview.split_parts:
            splits.pop(preview.split_parts[ref][0], None)
    for task in preview.reading.tasks:
        second = _posted_text(f"split:{task.ref}", 4000)
        if not second or drafts.is_added(task) or task.ref in preview.split_parts:
            continue
        whole = _posted_text(f"content:{task.ref}", 4000) or task.content
        first = " ".join(whole.replace(second, " ").split()).strip(" ;,") if second in whole else whole
        if first and first != second:
            splits[drafts.key_of(_original(preview, task))] = [first, second]
        else:
            flash(_("Không tách được nhiệm vụ %(ref)s: phần tách ra phải khác phần còn lại.", ref=task.ref), "error")
    return splits


def _row_edits(earlier: dict, preview: drafts.Preview) -> dict[str, dict]:
    """Owners and outputs retyped in the table (a field left as shown changes nothing; owners
    left empty are not a choice: a row nobody does is taken out with "bỏ")."""
    owners = {k: dict(v) for k, v in (earlier.get("row_owners") or {}).items()}
    outputs = dict(earlier.get("outputs") or {})
    for task in preview.reading.tasks + preview.reading.prose_tasks:
        if drafts.is_added(task):
            continue
        for row, assignment in enumerate(task.assignments or [None]):
            name = drafts.row_key(task, row)
            key = drafts.edit_key(_original(preview, task), row)
            lead, coordinate = _posted_text(f"lead:{name}", 1000), _posted_text(f"coordinate:{name}", 1000)
            shown = (_tidy(drafts.owner_text(assignment.lead)), _tidy(drafts.owner_text(assignment.coordinate))) \
                if assignment else ("", "")
            if lead is not None and coordinate is not None and (lead, coordinate) != shown and (lead or coordinate):
                owners[key] = {"lead": lead, "coordinate": coordinate}
            output = _posted_text(f"output:{name}", 2000)
            if output is not None and assignment is not None and output != _tidy(assignment.output):
                outputs[key] = output
    return {"row_owners": owners, "outputs": outputs}


def _dropped(earlier: dict, preview: drafts.Preview) -> list[str]:
    dropped = set(earlier.get("dropped") or [])
    posted = set(request.form.getlist("drop"))
    for task in preview.reading.tasks + preview.dropped:
        if not drafts.is_added(task):
            key = drafts.key_of(_original(preview, task))
            (dropped.add if task.ref in posted else dropped.discard)(key)
    return sorted(dropped)


def _added(earlier: dict, preview: drafts.Preview) -> list[dict]:
    """Tasks the author added: their deadlines as corrected in the table, those unticked gone,
    and the new one from the form (it needs a lead agency of the issuer's tree)."""
    added = [dict(a) for a in earlier.get("added") or []]
    for number, item in enumerate(added, 1):
        typed = request.form.get(f"deadline:{drafts.ADDED_PREFIX}{number}/0")
        if typed is not None:
            item["deadline"] = typed[:300]
    gone = set(request.form.getlist("remove_added"))           # their references, BS1, BS2 …
    added = [a for number, a in enumerate(added, 1) if f"{drafts.ADDED_PREFIX}{number}" not in gone]
    content = " ".join(request.form.get("new_content", "").split())
    if content:
        owner = request.form.get("new_owner", "")
        if owner and owner in {a.name for a in _choosable(preview)}:
            added.append({"content": content[:4000], "owners": [owner],
                          "deadline": request.form.get("new_deadline", "").strip()[:300],
                          "output": request.form.get("new_output", "").strip()[:2000]})
        else:
            flash(_("Chọn cơ quan chủ trì cho nhiệm vụ bổ sung."), "error")
    return added


@bp.route("/<int:draft_id>", methods=["GET", "POST"])
@roles_required("author", "admin")
def preview(draft_id: int):
    draft = _draft(draft_id)
    db.session.refresh(draft)       # background work may have moved it on since it was loaded
    if publishing.is_running(draft, clock.now()):
        return redirect(url_for(".progress", draft_id=draft.id))
    _tell_failure(draft)
    calendar = _calendar()
    index = load_index(db.session())
    try:
        preview = drafts.prepare(db.session(), draft, calendar, index, today=clock.today(),
                                 default_issuer=current_user.committee_id)
    except UserError as exc:        # the stored file no longer reads (a reader or directory change)
        flash(localized(exc), "error")
        return redirect(url_for(".new"))
    if request.method == "POST" and draft.published_at is None:
        _save_choices(draft, preview)
        db.session.commit()
        if request.form.get("action") == "publish":
            return _publish(draft, calendar)
        return redirect(url_for(".preview", draft_id=draft.id))
    allowed = _allowed_issuers()
    if preview.existing is not None and allowed is not None and preview.existing.issuer_id not in allowed:
        # Another committee's plan: its contents are not this author's to see, not even as
        # a list of differences.
        preview.existing = None
    changes = _changes(draft, preview.existing, preview, index) if preview.existing is not None else None
    agencies = _choosable(preview)
    groups = option_groups(agencies)
    whole = _groups(preview)
    failed = changes is drafts.COMPARE_FAILED
    return render_template("imports/preview.html", draft=draft, p=preview, reading=preview.reading,
                           changes=None if failed else changes, compare_failed=failed,
                           comparing=preview.existing is not None and changes is None,
                           agencies=agencies, row_key=drafts.row_key, describe=describe,
                           deadlines=(draft.choices or {}).get("deadlines") or {},
                           prose_owners=(draft.choices or {}).get("prose_owners") or {},
                           issuers=_issuers(), is_added=drafts.is_added, option_groups=groups,
                           whole_groups=whole, owner_text=drafts.owner_text, edit_key=drafts.edit_key,
                           incomplete=set(drafts.incomplete_proposals(preview.reading, preview.prose_selected)))


def _publish(draft: ImportDraft, calendar):
    """Start publishing in the background and wait a little: a usual plan is done by then
    and the author goes straight to it; a large one shows its progress."""
    try:
        publishing.begin(draft, clock.now())
    except publishing.AlreadyPublishing:
        return redirect(url_for(".progress", draft_id=draft.id))
    db.session.commit()
    background.submit_and_wait(
        publishing.run, lambda: Session(db.engine), draft.id, calendar, _allowed_issuers(),
        request.form.get("confirm_removal") == "1", clock.today(), current_user.committee_id, clock.now)
    return _after_publish(draft)


#: a list of changes being computed for longer than this was lost (a worker restarted)
COMPARING_LOST = timedelta(minutes=10)


def _changes(draft: ImportDraft, existing: Plan, preview: drafts.Preview, index) -> drafts.Changes | str | None:
    """What publishing would change in the existing plan, or None while it is being worked
    out: in the background (a 20,000-row amendment takes longer than a request may), kept
    on the draft for the file, choices and plan state it was computed for. A comparison
    that failed is said (``drafts.COMPARE_FAILED``) until any of those change, or the author
    asks again."""
    key = drafts.changes_key(db.session(), draft, existing)
    again = request.args.get("compare") == "again"
    if draft.changes_key == key and not (again and drafts.compare_failed(draft)):
        if draft.changes is not None:
            return drafts.stored_changes(draft)
        started = draft.changes_started_at
        if started is not None and clock.now() - started < COMPARING_LOST:
            return None                     # another request started it
    draft.changes, draft.changes_key, draft.changes_started_at = None, key, clock.now()
    db.session.commit()
    done = background.submit_and_wait(drafts.compare_and_keep, lambda: Session(db.engine), db.engine, draft.id,
                                      key, preview, index)
    return None if done is background.UNFINISHED else done


def _after_publish(draft: ImportDraft):
    """Where the author goes once the publish has ended (or not yet)."""
    db.session.refresh(draft)
    if draft.published_at is not None:
        plan_id = draft.plan_id
        tasks = db.session.scalar(select(func.count(Task.id)).where(Task.plan_id == plan_id))
        assignments = db.session.scalar(select(func.count(Assignment.id)).join(Task)
                                        .where(Task.plan_id == plan_id))
        flash(_("Đã đưa kế hoạch vào theo dõi: %(n)s nhiệm vụ, %(a)s phân công.", n=tasks, a=assignments), "success")
        return redirect(url_for("plans.detail", plan_id=plan_id))
    if publishing.is_running(draft, clock.now()):
        return redirect(url_for(".progress", draft_id=draft.id))
    return redirect(url_for(".preview", draft_id=draft.id))    # failed: the preview says why


def _tell_failure(draft: ImportDraft) -> None:
    """A publish that failed or was interrupted is said once, on the preview."""
    if publishing.was_interrupted(draft, clock.now()):
        draft.job_state = None
        db.session.commit()
        flash(localized(publishing.INTERRUPTED), "error")
    error = publishing.failure(draft)
    if error is not None:
        db.session.commit()
        flash(localized(error), "error")


@bp.route("/<int:draft_id>/progress")
@roles_required("author", "admin")
def progress(draft_id: int):
    """The progress of a publish, refreshed by the page itself every two seconds."""
    draft = _draft(draft_id)
    db.session.refresh(draft)       # background work may have moved it on since it was loaded
    if not publishing.is_running(draft, clock.now()):
        return _after_publish(draft)
    words = publishing.STEP_WORDS.get(draft.job_step or "queued", publishing.STEP_WORDS["queued"])
    return render_template("imports/progress.html", draft=draft, step=publishing.step_number(draft),
                           steps=len(publishing.STEPS), words=localized(*words))


#: how the owner chooser groups the directory, in this order
CHOOSER_GROUPS = (("ubnd", _l("UBND")), ("departments", _l("Sở, ban, ngành")),
                  ("district_offices", _l("Phòng, ban cấp huyện")), ("communes", _l("UBND cấp xã")),
                  ("other", _l("Cơ quan khác")))


def _chooser_group(agency: Agency) -> str:
    if agency.level == "commune":
        return "communes"
    if agency.type in ("ubnd_tinh", "ubnd_huyen"):
        return "ubnd"
    if agency.level == "district":
        return "district_offices"
    if agency.level in ("province", "national"):
        return "departments"
    return "other"


def option_groups(agencies: list[Agency]) -> list[tuple[str, list[Agency]]]:
    """The chooser's groups (each in the directory's natural order), empty ones left out."""
    by_group: dict[str, list[Agency]] = {}
    for agency in agencies:
        by_group.setdefault(_chooser_group(agency), []).append(agency)
    return [(str(label), by_group[key]) for key, label in CHOOSER_GROUPS if key in by_group]


def _groups(preview: drafts.Preview) -> list[AgencyGroup]:
    """The directory's collective owners under the issuer ("UBND cấp xã" …), to choose whole."""
    choosable = {a.id for a in _choosable(preview)}
    groups = db.session.scalars(select(AgencyGroup).where(AgencyGroup.scope_id.in_(choosable))
                                .order_by(AgencyGroup.name)).all()
    return [g for g in groups if g.members and all(m.id in choosable for m in g.members)]


def _issuers() -> list[Agency]:
    """The bodies this author may publish plans for: their committee and the bodies under it."""
    return scopes.tree_agencies(db.session(), None, within=_allowed_issuers())


def _choosable(preview: drafts.Preview) -> list[Agency]:
    """Agencies offered for an unresolved owner: the issuer's tree, or everything."""
    issuer = preview.resolution.issuer
    return scopes.tree_agencies(db.session(), issuer.id if issuer is not None else None)


@bp.post("/<int:draft_id>/discard")
@roles_required("author", "admin")
def discard(draft_id: int):
    draft = _draft(draft_id)
    if draft.published_at is None:
        db.session.delete(draft)
        db.session.commit()
        flash(_("Đã bỏ bản nháp."), "success")
    return redirect(url_for(".new"))


@bp.get("/<int:draft_id>/deadline")
@roles_required("author", "admin")
def deadline(draft_id: int):
    """The deadline reader's reading of a phrase, for the preview's live display."""
    draft = _draft(draft_id)
    text = request.args.get("text", "")[:300]
    year = request.args.get("year", type=int)
    if year is None or not 1900 <= year <= 2200:     # a plan's year; anything else is a bad request
        abort(400)
    # The preview knows the plan's year, not its day: the year's first day decides the reform.
    reading = read_deadline(text, PlanContext(year=year, issued=None, level=level_of(
        request.args.get("issuer", ""), date(year, 1, 1)), calendar=_calendar()))
    del draft
    return jsonify(kind=reading.kind, due=reading.due.isoformat() if reading.due else None,
                   start=reading.start.isoformat() if reading.start else None,
                   label=describe(reading),
                   warnings=[localized(w.message, w.message_en) for w in reading.warnings])


KIND_LABELS = DeadlineKind.labels()


def describe(reading) -> str:
    """One line for a person: "Hạn 30/06/2017", "Định kỳ: Quý I … (4 kỳ)"."""
    kind = _(KIND_LABELS.get(reading.kind, reading.kind))
    if reading.kind == "range" and reading.start and reading.due:
        return f"{kind} {reading.start:%d/%m/%Y} – {reading.due:%d/%m/%Y}"
    if reading.due:
        return f"{kind} {reading.due:%d/%m/%Y}"
    if reading.kind == "recurring":
        return f"{kind}: " + ", ".join(o.label for o in reading.occurrences)
    return kind
