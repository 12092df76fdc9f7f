"""Authors correct a published plan: a task's content, a sub-row's output and deadline, and
its owners (add, remove, replace).

Every change is written into the history of each assignment it touches (who, when, old →
new, kind "edit") and raises its calendar SEQUENCE, so officers' calendars update the event;
a moved due date makes the reminders start again from the new date, as an amended import
does. An owner taken off is removed from the plan (models.base.Removable), never deleted.
Owners can only be agencies of the issuer's own tree.

Plain Python over a session; the caller commits, or rolls back on an ``EditError``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import UserError
from ..models import COORDINATE, LEAD, Agency, Assignment, Occurrence, Plan, StatusChange, Task
from ..models.base import utcnow
from ..reading.deadlines import read_deadline
from ..reading.result import PlanContext
from ..vocabulary import URGENCIES, Urgency
from .importer import deadline_values, forget_due_relative_steps, identity_of, sync_occurrences

ROLES = (LEAD, COORDINATE)
MAX_DEADLINE = 300      # a deadline phrase; the import wizard's live reading takes as much
MAX_NUMBER = 100        # models.Plan.number
MAX_LEADER = 200        # models.Task.directing_leader


class EditError(UserError):
    pass


@dataclass
class RowEdit:
    """What the author wants for one sub-row; None leaves a value as it is."""

    row: int
    output: str | None = None
    deadline_text: str | None = None
    #: (agency id, role) to add to the sub-row
    add: list[tuple[int, str]] = field(default_factory=list)
    #: assignment ids to take off the sub-row
    remove: list[int] = field(default_factory=list)


def _rows(task: Task) -> dict[int, list[Assignment]]:
    rows: dict[int, list[Assignment]] = {}
    for assignment in task.assignments:
        if assignment.removed_at is None:
            rows.setdefault(assignment.row, []).append(assignment)
    return rows


class Note(NamedTuple):
    """One change as the history says it, in Vietnamese and in English."""

    vi: str
    en: str


def _role_words(role: str) -> Note:
    return Note("chủ trì", "lead") if role == LEAD else Note("phối hợp", "coordinating")


def _note(assignment: Assignment, by: str, note: Note) -> None:
    assignment.history.append(StatusChange(changed_by=by, from_status=assignment.status,
                                           to_status=assignment.status, comment=note.vi, comment_en=note.en,
                                           kind="edit"))
    assignment.sequence = (assignment.sequence or 0) + 1      # a new row has no value until flushed
    assignment.updated_at = utcnow()


@dataclass
class Priority:
    """What the author wants for a task's priority; None leaves a value as it is."""

    #: a key task ("nhiệm vụ trọng tâm")
    key_task: bool | None = None
    #: one of tracker.vocabulary.Urgency's codes
    urgency: str | None = None
    #: the directing leader ("lãnh đạo chỉ đạo"); an empty text clears it
    directing_leader: str | None = None


def _yes_no(value: bool) -> Note:
    return Note("có", "yes") if value else Note("không", "no")


def _priority(task: Task, priority: Priority) -> list[Note]:
    """The priority changes ``priority`` asks for, applied to ``task``; EditError for an
    unknown urgency or a leader's name longer than the column."""
    changes: list[Note] = []
    if priority.urgency is not None and priority.urgency not in URGENCIES:
        raise EditError(f"Độ khẩn không hợp lệ: “{priority.urgency}”.", f"Unknown urgency: “{priority.urgency}”.")
    leader = priority.directing_leader
    if leader is not None:
        leader = " ".join(leader.split()) or None
        if leader is not None and len(leader) > MAX_LEADER:
            raise EditError(f"Tên lãnh đạo chỉ đạo dài quá {MAX_LEADER} ký tự.",
                            f"The directing leader is longer than {MAX_LEADER} characters.")
    if priority.key_task is not None and priority.key_task != task.key_task:
        old, new = _yes_no(task.key_task), _yes_no(priority.key_task)
        changes.append(Note(f"Nhiệm vụ trọng tâm: {old.vi} → {new.vi}", f"Key task: {old.en} → {new.en}"))
        task.key_task = priority.key_task
    if priority.urgency is not None and priority.urgency != task.urgency:
        old_label = Urgency(task.urgency).label if task.urgency in URGENCIES else task.urgency
        new_label = Urgency(priority.urgency).label
        changes.append(Note(f"Độ khẩn: {old_label} → {new_label}",
                            f"Urgency: {_URGENCY_EN.get(task.urgency, task.urgency)} → "
                            f"{_URGENCY_EN[priority.urgency]}"))
        task.urgency = priority.urgency
    if priority.directing_leader is not None and leader != task.directing_leader:
        changes.append(Note(f"Lãnh đạo chỉ đạo: “{task.directing_leader or '—'}” → “{leader or '—'}”",
                            f"Directing leader: “{task.directing_leader or '—'}” → “{leader or '—'}”"))
        task.directing_leader = leader
    return changes


# The history keeps the system's words in both languages (StatusChange.comment_en).
_URGENCY_EN: dict[str, str] = {Urgency.NORMAL.value: "normal", Urgency.URGENT.value: "urgent",
                               Urgency.VERY_URGENT.value: "very urgent", Urgency.FLASH.value: "flash"}


def edit_task(session: Session, task: Task, by: str, context: PlanContext, allowed_agencies: set[int] | None,
              content: str | None = None, rows: list[RowEdit] | None = None,
              priority: Priority | None = None) -> list[Note]:
    """Apply the author's corrections to ``task``; returns one note per change.

    ``allowed_agencies``: the agencies owners may be chosen from (the issuer's tree; None:
    any). ``priority``: the task's key-task mark, urgency and directing leader (a key or
    urgent task is reminded more tightly: tracker.reminders.rules.tightened). Raises
    EditError, changing nothing the caller commits, for empty content, an unreadable role,
    an agency outside the tree, a sub-row left with no owner, or an unknown urgency.
    """
    changes: list[Note] = []
    current = _rows(task)
    if priority is not None:
        for line in _priority(task, priority):
            for assignments in current.values():
                for assignment in assignments:
                    _note(assignment, by, line)
            changes.append(line)
    if content is not None:
        content = " ".join(content.split())
        if not content:
            raise EditError("Nội dung nhiệm vụ không được để trống.", "The task's content cannot be empty.")
        if content != task.content:
            line = Note(f"Nội dung: “{task.content}” → “{content}”", f"Content: “{task.content}” → “{content}”")
            task.content = content
            for assignments in current.values():
                for assignment in assignments:
                    _note(assignment, by, line)
            changes.append(line)
    moved: set[str] = set()
    for edit in rows or []:
        members = current.get(edit.row)
        if not members:
            raise EditError(f"Nhiệm vụ {task.ref} không có dòng {edit.row + 1}.",
                            f"Task {task.ref} has no row {edit.row + 1}.")
        changes += _edit_row(session, task, edit, members, by, context, allowed_agencies, moved)
    if moved:
        session.flush()
        forget_due_relative_steps(session, moved)
    if changes:
        task.updated_at = utcnow()
    return changes


def _edit_row(session: Session, task: Task, edit: RowEdit, members: list[Assignment], by: str,
              context: PlanContext, allowed: set[int] | None, moved: set[str]) -> list[Note]:
    changes: list[Note] = []
    first = members[0]
    several = len(_rows(task)) > 1
    where = Note(f"dòng {edit.row + 1}: " if several else "", f"row {edit.row + 1}: " if several else "")
    if edit.output is not None:
        output = edit.output.strip()
        if output != first.output:
            line = Note(f"{where.vi}Sản phẩm: “{first.output}” → “{output}”",
                        f"{where.en}Output: “{first.output}” → “{output}”")
            for assignment in members:
                assignment.output = output
                _note(assignment, by, line)
            changes.append(line)

    reading = None
    if edit.deadline_text is not None and edit.deadline_text.strip() != (first.deadline.text or "").strip():
        if len(edit.deadline_text.strip()) > MAX_DEADLINE:
            raise EditError(f"Thời hạn dài quá {MAX_DEADLINE} ký tự.",
                            f"The deadline is longer than {MAX_DEADLINE} characters.")
        reading = read_deadline(edit.deadline_text.strip(), context)
        old = first.deadline.text or "—"
        due = Note(f" (hạn {reading.due:%d/%m/%Y})", f" (due {reading.due:%d/%m/%Y})") if reading.due else Note("", "")
        line = Note(f"{where.vi}Thời hạn: “{old}” → “{reading.text}”{due.vi}",
                    f"{where.en}Deadline: “{old}” → “{reading.text}”{due.en}")
        for assignment in members:
            old_due = assignment.deadline.due
            for name, value in deadline_values(reading).items():
                setattr(assignment.deadline, name, value)
            if assignment.original_due is not None:
                assignment.original_due = None     # the author's new date is the plan's date now
            sync_occurrences(session, assignment, reading, moved)
            if old_due != reading.due and assignment.id is not None:
                moved.add(f"a{assignment.id}")
            _note(assignment, by, line)
        changes.append(line)

    for assignment_id in edit.remove:
        leaving = next((a for a in members if a.id == assignment_id), None)
        if leaving is None:
            continue
        name = leaving.agency.name if leaving.agency else leaving.owner_text
        line = Note(f"{where.vi}Bỏ cơ quan “{name}” khỏi nhiệm vụ", f"{where.en}“{name}” removed from the task")
        _note(leaving, by, line)
        leaving.removed_at = utcnow()
        changes.append(line)

    live = [a for a in members if a.removed_at is None]
    for agency_id, role in edit.add:
        if role not in ROLES:
            raise EditError(f"Vai trò không hợp lệ: “{role}”.", f"Unknown role: “{role}”.")
        agency = session.get(Agency, agency_id)
        if agency is None or (allowed is not None and agency_id not in allowed):
            raise EditError("Cơ quan được chọn không thuộc địa phương ban hành kế hoạch.",
                            "The chosen agency is outside the issuer's locality.")
        if any(a.agency_id == agency_id for a in live):
            continue
        template = live[0] if live else first
        assignment = Assignment(task=task, row=edit.row, role=role, agency_id=agency_id, owner_text=agency.name,
                                output=template.output, deadline=template.deadline)
        session.add(assignment)
        source = reading
        if source is None and not template.occurrences and template.deadline.kind == "recurring":
            source = read_deadline(template.deadline.text, context)
        if source is not None:
            sync_occurrences(session, assignment, source)
        else:
            for occ in template.occurrences:
                assignment.occurrences.append(Occurrence(period=occ.period, label=occ.label, start=occ.start,
                                                         cutoff=occ.cutoff, due=occ.due))
        words = _role_words(role)
        line = Note(f"{where.vi}Thêm cơ quan “{agency.name}” ({words.vi})",
                    f"{where.en}“{agency.name}” added ({words.en})")
        _note(assignment, by, line)
        live.append(assignment)
        changes.append(line)
    if not live:
        raise EditError(f"Dòng {edit.row + 1} của nhiệm vụ {task.ref} phải còn ít nhất một cơ quan thực hiện.",
                        f"Row {edit.row + 1} of task {task.ref} needs at least one owner.")
    return changes


def edit_plan(session: Session, plan: Plan, by: str, allowed_issuers: set[int] | None,
              number: str | None = None, title: str | None = None, issuer_id: int | None = None,
              signer: str | None = None, issued_date: date | None = None) -> list[Note]:
    """Correct a published plan's number, title, issuer, signer or date of issue (a misread
    header, a wrong body). ``signer``: an empty text clears it; None (for each argument) keeps
    the value.

    The change is written into the history of every assignment of the plan (officers see
    the plan's number in their e-mails and calendars) and the plan keeps matching the
    corrected file on the next import. Raises EditError for an empty title, an issuer outside
    ``allowed_issuers`` (None: any), or a number and issuer another plan already has.
    """
    changes: list[Note] = []
    if number is None:
        number = plan.number
    else:
        number = " ".join(number.split()) or None      # an empty field: the plan has no number
    if number is not None and len(number) > MAX_NUMBER:
        raise EditError(f"Số, ký hiệu dài quá {MAX_NUMBER} ký tự.",
                        f"The number is longer than {MAX_NUMBER} characters.")
    title = " ".join(title.split()) if title is not None else plan.title
    if not title:
        raise EditError("Tên kế hoạch không được để trống.", "The plan's title cannot be empty.")
    issuer = plan.issuer if issuer_id is None else session.get(Agency, issuer_id)
    if issuer_id is not None and (issuer is None or (allowed_issuers is not None and issuer_id not in allowed_issuers)):
        raise EditError("Cơ quan ban hành được chọn không thuộc UBND mà tài khoản của bạn phụ trách.",
                        "The chosen issuer is outside your People's Committee.")
    if signer is not None:
        signer = " ".join(signer.split()) or None
        if signer is not None and len(signer) > MAX_LEADER:
            raise EditError(f"Tên người ký dài quá {MAX_LEADER} ký tự.",
                            f"The signer's name is longer than {MAX_LEADER} characters.")
    if number != plan.number:
        changes.append(Note(f"Số, ký hiệu của kế hoạch: “{plan.number or '—'}” → “{number or '—'}”",
                            f"The plan's number: “{plan.number or '—'}” → “{number or '—'}”"))
    if title != plan.title:
        changes.append(Note(f"Tên kế hoạch: “{plan.title}” → “{title}”",
                            f"The plan's title: “{plan.title}” → “{title}”"))
    if issuer is not None and issuer.id != plan.issuer_id:
        changes.append(Note(f"Cơ quan ban hành: “{plan.issuer_name or '—'}” → “{issuer.name}”",
                            f"Issued by: “{plan.issuer_name or '—'}” → “{issuer.name}”"))
    if signer is not None and signer != plan.signer:
        changes.append(Note(f"Người ký: “{plan.signer or '—'}” → “{signer or '—'}”",
                            f"Signed by: “{plan.signer or '—'}” → “{signer or '—'}”"))
    if issued_date is not None and issued_date != plan.issued_date:
        old_day = f"{plan.issued_date:%d/%m/%Y}" if plan.issued_date else "—"
        changes.append(Note(f"Ngày ban hành: {old_day} → {issued_date:%d/%m/%Y}",
                            f"Date of issue: {old_day} → {issued_date:%d/%m/%Y}"))
    if not changes:
        return []
    identity = identity_of(number, title, plan.year, issuer.id if issuer else None,
                           issuer.name if issuer else plan.issuer_name)
    clash = session.scalar(select(Plan.id).where(Plan.identity == identity, Plan.id != plan.id))
    if clash is not None:
        raise EditError(f"Đã có một kế hoạch khác (#{clash}) với số và cơ quan ban hành này.",
                        f"Another plan (#{clash}) has this number and issuer.")
    plan.number, plan.title, plan.identity = number, title, identity
    if signer is not None:
        plan.signer = signer
    if issued_date is not None:
        plan.issued_date = issued_date
    if issuer is not None:
        plan.issuer_id, plan.issuer_name = issuer.id, issuer.name
    line = Note("; ".join(c.vi for c in changes), "; ".join(c.en for c in changes))
    for task in plan.tasks:
        for assignment in task.assignments:
            _note(assignment, by, line)
    plan.updated_at = utcnow()
    return changes
