"""The import wizard's domain: read an uploaded plan, apply the author's decisions, show
what importing it would change, and publish it.

Plain Python over a session (no Flask). The reading is redone from the stored bytes on
every preview: reading is pure and fast, and the author's decisions are kept apart
(``ImportDraft.choices``) so they survive a re-read:

- ``owners``: {folded owner text: [agency names]} for owners the reader could not resolve;
- ``deadlines``: {"<task ref>/<sub-row>": deadline phrase} for corrected deadline cells;
- ``prose``: [refs] of the prose candidates to import (None: the reader's default by confidence);
- ``prose_owners``: {ref: [agency names]}: the lead chosen for a proposal read from the prose
  (replacing the reader's owners);
- ``contents``: {folded content as read: content as the author rewrote it};
- ``dropped``: [folded task contents] of rows the author took out (spurious or not to track);
- ``added``: [{"content", "owners": [agency names], "deadline", "output"}] tasks the reader
  missed, added by the author (references BS1, BS2 … "bổ sung");
- ``tracking_from``: ISO date reminders start from, "" for the start of the plan (absent:
  today for a new plan, the plan's own setting for an amendment);
- ``row_owners``: {"<folded content>/<sub-row>": {"lead": text, "coordinate": text}}: a row's
  owners as the author retyped them, read and resolved like the file's own cells;
- ``outputs``: {"<folded content>/<sub-row>": text}: a row's expected output, rewritten;
- ``splits``: {folded content: [first part, second part]}: a table row that held two tasks,
  split by the author (the second becomes "<ref>a", as an inserted article does in law).
"""

from __future__ import annotations

import hashlib
import json
import logging
from copy import deepcopy
from dataclasses import asdict, dataclass, field, replace
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..directory.resolve import DirectoryIndex, Resolution
from ..directory.store import load_index
from ..errors import UserError
from ..models import Assignment, ImportDraft, Plan, Task
from ..reading.deadlines import read_deadline
from ..reading.header import context_of
from ..reading.owners import read_owners
from ..reading.phrases import CHECKED_CONFIDENCE
from ..reading.plan import read_plan
from ..reading.result import AssignmentReading, OwnerMention, PlanContext, PlanReading, ReadingWarning, TaskReading
from ..reading.text import fold
from .importer import ImportResult, import_plan, plan_identity
from .removal import RemovedWork

log = logging.getLogger(__name__)

OWNER_DOUBTS = ("unresolved_owner", "ambiguous_owner", "vague_owner", "unknown_group")


@dataclass
class Doubt:
    """An owner text the directory could not resolve: the author picks the agencies."""

    key: str                      # folded text: one choice covers every row that names it
    text: str
    message: str
    suggestions: list[str]
    refs: list[str] = field(default_factory=list)
    chosen: list[str] = field(default_factory=list)
    message_en: str = ""


@dataclass
class Preview:
    reading: PlanReading
    resolution: Resolution
    doubts: list[Doubt]
    prose_selected: set[str]
    existing: Plan | None
    choices_warnings: list[ReadingWarning] = field(default_factory=list)
    #: the day reminders will start (see models.Plan.tracking_from)
    tracking_from: date | None = None
    #: deadlines (per owner and reporting period) already past on the day of the preview
    overdue_now: int = 0
    #: table rows the author took out (shown, so they can be put back)
    dropped: list[TaskReading] = field(default_factory=list)
    #: {ref: content as the file has it} for the rows whose content the author rewrote
    original_content: dict[str, str] = field(default_factory=dict)
    #: {ref: (split key, 0 or 1)} for the two parts of each row the author split
    split_parts: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: edit keys (see ``edit_key``) of the rows whose owners or output the author changed
    edited_rows: set[str] = field(default_factory=set)

    @property
    def unresolved_left(self) -> int:
        return sum(1 for d in self.doubts if not d.chosen)


def key_of(text: str) -> str:
    return fold(text).strip()


def row_key(task: TaskReading, row: int) -> str:
    return f"{task.ref}/{row}"


def edit_key(content: str, row: int) -> str:
    """A sub-row named by its task's content as read (not its number): the author's changes
    to its owners and output carry over to an amended file whose numbering moved."""
    return f"{key_of(content)}/{row}"


def owner_text(mentions: list[OwnerMention]) -> str:
    """Owners as the author would type them: the directory's name when resolved to one
    agency, the text as written otherwise (a group, or a name still in doubt)."""
    return "; ".join(m.agency if m.agency and not m.members else m.text for m in mentions)


def _mentions(task: TaskReading):
    for row, assignment in enumerate(task.assignments):
        for role in ("lead", "coordinate"):
            for mention in getattr(assignment, role):
                yield row, assignment, mention


def read_draft(draft: ImportDraft, calendar) -> PlanReading:
    return read_plan(draft.data, draft.filename, calendar=calendar)


def carried_choices(session: Session, reading: PlanReading, index: DirectoryIndex,
                    allowed_issuers: set[int] | None) -> dict:
    """The choices of the last published draft of the same plan that name things by their
    text (owners chosen, rows taken out, tasks added), for a new draft of it: an amended (or
    re-uploaded) plan does not make its author decide everything again, and a task the
    author added is not removed by the next version of the file.
    Only from a plan whose issuer the author works for (``allowed_issuers``; None: any)."""
    issuer = index.issuer_of(reading)
    plan = session.scalar(select(Plan).where(
        Plan.identity == plan_identity(reading, issuer.id if issuer else None)))
    if plan is None or (allowed_issuers is not None and plan.issuer_id not in allowed_issuers):
        return {}
    earlier = session.scalar(select(ImportDraft).where(
        ImportDraft.plan_id == plan.id, ImportDraft.published_at.is_not(None))
        .order_by(ImportDraft.published_at.desc(), ImportDraft.id.desc()).limit(1))
    if earlier is None:
        return {}
    # Named by text, so they hold in a new version; deadlines and proposals are by number.
    return {key: earlier.choices[key]
            for key in ("owners", "dropped", "added", "contents", "row_owners", "outputs", "splits")
            if (earlier.choices or {}).get(key)}


def _context(reading: PlanReading, calendar) -> PlanContext:
    return context_of(reading.header, calendar)


SPLIT_SUFFIX = "a"


def apply_splits(reading: PlanReading, splits: dict[str, list[str]]) -> dict[str, tuple[str, int]]:
    """Rows the author split in two: the first part keeps the row's number, the second is
    inserted after it as "<number>a"; both keep the row's owners, deadlines and output (the
    author then corrects each). Returns {ref: (split key, part)} for the parts."""
    if not splits:
        return {}
    parts: dict[str, tuple[str, int]] = {}
    taken = {t.ref for t in reading.tasks}
    tasks: list[TaskReading] = []
    for task in reading.tasks:
        key = key_of(task.content)
        texts = [t for t in splits.get(key) or [] if t.strip()]
        if len(texts) != 2:
            tasks.append(task)
            continue
        second = deepcopy(task, {id(task.section): task.section})     # the same section, not a copy
        second.ref = second.number = _free_ref(f"{task.ref}{SPLIT_SUFFIX}", taken)
        taken.add(second.ref)
        task.content, second.content = texts
        note = ReadingWarning("split_by_author", "Chuyên viên theo dõi tách dòng này thành hai nhiệm vụ.",
                              "The plan author split this row into two tasks.")
        for i, part in enumerate((task, second)):
            part.warnings = [*part.warnings, note]
            parts[part.ref] = (key, i)
        tasks += [task, second]
    for position, task in enumerate(tasks, 1):      # the inserted parts take their place in order
        task.position = position
    reading.tasks = tasks
    return parts


def _free_ref(ref: str, taken: set[str]) -> str:
    while ref in taken:
        ref += SPLIT_SUFFIX
    return ref


def apply_row_edits(reading: PlanReading, owners: dict[str, dict], outputs: dict[str, str], calendar,
                    split_parts: dict[str, tuple[str, int]] | None = None) -> set[str]:
    """The author's owners and outputs for rows, before the directory resolves them: typed
    owners are read like the file's own cells ("X chủ trì, phối hợp với Y" too), so what the
    directory does not know, or knows in another province only, becomes a doubt to settle
    (never an agency outside the issuer's tree). A row read with nobody gets one. The two
    parts of a split row start from what the author gave the whole row.
    Returns the edit keys of the rows changed."""
    if not owners and not outputs:
        return set()
    split_parts = split_parts or {}

    def keys_of(task: TaskReading, row: int) -> list[str]:
        """The row's own key, then (a split part) the whole row's."""
        return [edit_key(task.content, row)] + ([f"{split_parts[task.ref][0]}/{row}"]
                                                if task.ref in split_parts else [])

    applied = set()
    for task in reading.tasks + reading.prose_tasks:
        if not task.assignments and any(k in owners for k in keys_of(task, 0)):
            task.assignments.append(AssignmentReading(lead=[], coordinate=[], output="",
                                                      deadline=read_deadline("", _context(reading, calendar)),
                                                      line=task.line))
        for row, assignment in enumerate(task.assignments):
            keys = keys_of(task, row)
            key = keys[0]
            typed = next((owners[k] for k in keys if k in owners), None)
            if typed and (typed.get("lead") or typed.get("coordinate")):
                read = read_owners(typed.get("lead") or "", typed.get("coordinate") or "")
                assignment.lead, assignment.coordinate = read.lead, read.coordinate
                assignment.warnings = [w for w in assignment.warnings if "owner" not in w.code] + read.warnings
                applied.add(key)
            output = next((outputs[k] for k in keys if k in outputs), None)
            if output is not None:
                assignment.output = output
                applied.add(key)
    return applied


def apply_deadlines(reading: PlanReading, edits: dict[str, str], calendar) -> None:
    """Corrected deadline phrases replace the cells' readings (with the reader's own flags)."""
    if not edits:
        return
    context = _context(reading, calendar)
    for task in reading.tasks + reading.prose_tasks:
        for row, assignment in enumerate(task.assignments):
            text = edits.get(row_key(task, row))
            if text is not None and text.strip() != (assignment.deadline.text or "").strip():
                old = [w.code for w in assignment.deadline.warnings] + ["merged_deadline"]
                assignment.deadline = read_deadline(text.strip(), context)
                assignment.warnings = [w for w in assignment.warnings if w.code not in old]
                assignment.warnings.extend(assignment.deadline.warnings)


def _out_of_scope(name: str) -> ReadingWarning:
    return ReadingWarning(
        "owner_out_of_scope",
        f"Cơ quan “{name}” không thuộc địa phương ban hành kế hoạch nên không thể giao nhiệm vụ.",
        f"“{name}” is outside the issuer's locality: the plan cannot assign it tasks.")


def apply_owners(reading: PlanReading, index: DirectoryIndex, chosen: dict[str, list[str]],
                 issuer=None) -> list[ReadingWarning]:
    """The author's agencies for unresolved owners; returns what was refused.

    Only agencies of the issuer's own tree can be chosen (a form is not trusted to offer
    only those): a task is never assigned to another province's agency, which would then
    get its reminders. A choice that left the directory is dropped too.
    """
    known = {a.name for a in index.agencies.values()}
    allowed = {a.name for a in index.in_tree(issuer)}
    refused: list[ReadingWarning] = []
    for key, names in chosen.items():
        for name in names:
            if name not in known:
                refused.append(ReadingWarning("owner_gone", f"Cơ quan “{name}” không còn trong danh mục.",
                                              f"“{name}” is no longer in the directory."))
            elif name not in allowed:
                refused.append(_out_of_scope(name))
        chosen[key] = [n for n in names if n in allowed]
    for task in reading.tasks + reading.prose_tasks:
        for _row, assignment, mention in _mentions(task):
            names = chosen.get(key_of(mention.text)) or []
            if not names or (mention.agency is not None and not mention.group) or mention.members:
                continue
            _choose(mention, names)
            assignment.warnings = [w for w in assignment.warnings
                                   if not (w.code in OWNER_DOUBTS and f"“{mention.text}”" in w.message)]
            assignment.warnings.append(ReadingWarning(
                "owner_chosen", f"“{mention.text}”: chuyên viên theo dõi chọn {'; '.join(names)}.",
                f"“{mention.text}”: chosen by the plan author: {'; '.join(names)}."))
    return refused


def apply_prose_owners(reading: PlanReading, index: DirectoryIndex, chosen: dict[str, list[str]],
                       issuer=None) -> list[ReadingWarning]:
    """The lead the author chose for a proposal from the prose, in place of what the reader
    found (often nobody: "Tiếp tục rà soát …"). Only the issuer's own agencies."""
    allowed = {a.name for a in index.in_tree(issuer)}
    refused: list[ReadingWarning] = []
    by_ref = {t.ref: t for t in reading.prose_tasks}
    for ref, names in chosen.items():
        task = by_ref.get(ref)
        if task is None or not task.assignments:
            continue
        good = [n for n in names if n in allowed]
        refused += [_out_of_scope(n) for n in names if n not in allowed]
        if good:
            for assignment in task.assignments:
                assignment.lead = [OwnerMention(text=n, agency=n) for n in good]
                assignment.coordinate = [m for m in assignment.coordinate if m.agency not in good]
                assignment.warnings = [w for w in assignment.warnings if w.code not in OWNER_DOUBTS]
    return refused


ADDED_PREFIX = "BS"     # "bổ sung": the references of tasks the author adds


def is_added(task: TaskReading) -> bool:
    """A task the author added in the wizard (not read from the file)."""
    return task.ref.startswith(ADDED_PREFIX) and task.number == task.ref


def apply_rows(reading: PlanReading, choices: dict, index: DirectoryIndex, issuer, calendar,
               ) -> tuple[list[TaskReading], list[ReadingWarning], dict[str, str]]:
    """The author's rows: contents rewritten, rows taken out (returned, to show them) and
    missed tasks added, each with the agencies chosen (the issuer's own only) and its
    deadline read as any other. Rows are named by their content as the file has it, not by
    their number, so the choices carry over to an amended version whose numbering moved.
    Returns (rows taken out, refused choices, {ref: content as the file has it})."""
    rewritten = choices.get("contents") or {}
    originals = {}
    for task in reading.tasks + reading.prose_tasks:
        new = rewritten.get(key_of(task.content))
        if new:
            originals[task.ref] = task.content
            task.content = new
    dropped_keys = set(choices.get("dropped") or [])
    dropped = [t for t in reading.tasks if key_of(originals.get(t.ref, t.content)) in dropped_keys]
    out = {id(t) for t in dropped}
    reading.tasks = [t for t in reading.tasks if id(t) not in out]
    allowed = {a.name for a in index.in_tree(issuer)}
    context = _context(reading, calendar)
    refused: list[ReadingWarning] = []
    last = max((t.position for t in reading.tasks), default=0)
    for number, added in enumerate(choices.get("added") or [], 1):
        names = [n for n in added.get("owners") or [] if n in allowed]
        refused += [_out_of_scope(n) for n in added.get("owners") or [] if n not in allowed]
        ref = f"{ADDED_PREFIX}{number}"
        deadline = read_deadline((added.get("deadline") or "").strip(), context)
        reading.tasks.append(TaskReading(
            ref=ref, section=None, number=ref, content=added["content"], position=last + number, line=0,
            assignments=[AssignmentReading(lead=[OwnerMention(text=n, agency=n) for n in names], coordinate=[],
                                           output=added.get("output") or "", deadline=deadline, line=0,
                                           warnings=list(deadline.warnings))],
            warnings=[ReadingWarning("added_by_author", "Nhiệm vụ do chuyên viên theo dõi bổ sung.",
                                     "Task added by the plan author.")]))
    return dropped, refused, originals


NO_DEADLINE = ("khong thoi han", "khong co thoi han")


def incomplete_proposals(reading: PlanReading, prose_refs: set[str]) -> list[str]:
    """Ticked proposals, and tasks the author added, that cannot be tracked yet: no owner,
    or a deadline nobody could read (the author types one, or "không thời hạn" to track it
    without a date)."""
    missing = []
    chosen = [t for t in reading.tasks if is_added(t)] + [t for t in reading.prose_tasks if t.ref in prose_refs]
    for task in chosen:
        if not task.assignments:
            missing.append(task.ref)
        for assignment in task.assignments:
            if not (assignment.lead or assignment.coordinate) or (
                    assignment.deadline.kind == "unknown"
                    and fold(assignment.deadline.text).strip(" .") not in NO_DEADLINE):
                missing.append(task.ref)
                break
    return missing


def _choose(mention: OwnerMention, names: list[str]) -> None:
    if len(names) == 1:
        mention.agency, mention.vague = names[0], False
    else:
        mention.agency, mention.members, mention.vague = mention.text, list(names), False


def doubts_of(reading: PlanReading, index: DirectoryIndex, scope, chosen: dict[str, list[str]],
              prose_refs: set[str]) -> list[Doubt]:
    found: dict[str, Doubt] = {}
    tasks = reading.tasks + [t for t in reading.prose_tasks if t.ref in prose_refs]
    for task in tasks:
        for _row, assignment, mention in _mentions(task):
            key = key_of(mention.text)
            resolved = (mention.agency is not None) or bool(mention.members)
            if resolved and key not in chosen:
                continue
            doubt = found.get(key)
            if doubt is None:
                said = next((w for w in assignment.warnings
                             if w.code in OWNER_DOUBTS and f"“{mention.text}”" in w.message), None)
                doubt = found[key] = Doubt(
                    key, mention.text,
                    said.message if said else f"Không tìm thấy “{mention.text}” trong danh mục cơ quan.",
                    index.suggestions(mention.text, scope), chosen=list(chosen.get(key, [])),
                    message_en=said.message_en if said else f"“{mention.text}” is not in the agency directory.")
            if task.ref not in doubt.refs:
                doubt.refs.append(task.ref)
    return list(found.values())


def default_prose(reading: PlanReading) -> set[str]:
    """Candidates start checked when the reader is confident and has an owner for them."""
    return {t.ref for t in reading.prose_tasks
            if (t.confidence or 0) >= CHECKED_CONFIDENCE and any(a.lead or a.coordinate for a in t.assignments)}


def overdue_on(reading: PlanReading, prose_refs: set[str], today: date) -> int:
    """How many deadlines (one per owner and reporting period) are already past ``today``:
    what a plan published part-way through its year would owe from its first day."""
    count = 0
    for task in reading.tasks + [t for t in reading.prose_tasks if t.ref in prose_refs]:
        for assignment in task.assignments:
            owners = sum(len(m.members) or 1 for m in assignment.lead + assignment.coordinate)
            dues: list[date | None] = [o.due for o in assignment.deadline.occurrences] or [assignment.deadline.due]
            count += owners * sum(1 for d in dues if d is not None and d < today)
    return count


def _tracking_choice(choices: dict, existing: Plan | None, today: date | None) -> date | None:
    """The author's day ("" : from the start of the plan), else the plan's own, else today."""
    raw = choices.get("tracking_from")
    if raw == "":
        return None
    if raw:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    if existing is not None:
        return existing.tracking_from
    return today


def upload_refusal(reading: PlanReading, index: DirectoryIndex, allowed_issuers: set[int] | None,
                   today: date) -> UserError | None:
    """Why a file cannot become a draft for this author, if it cannot: its issuer no longer
    exists (the 2025 reform merged or ended it), or is outside the author's People's Committee.

    An account that still belongs to the ended body itself (its plans being wound up) may
    import them; anyone else is told the body has ended."""
    issuer = index.issuer_of(reading)
    if issuer is None:
        return None
    in_scope = allowed_issuers is not None and issuer.id in allowed_issuers
    if issuer.valid_to is not None and issuer.valid_to < today and not in_scope:
        return UserError(
            f"Kế hoạch do “{issuer.name}” ban hành; cơ quan này không còn từ ngày {issuer.valid_to:%d/%m/%Y} "
            "(sắp xếp đơn vị hành chính), nên không thể theo dõi kế hoạch của nó.",
            f"The plan was issued by “{issuer.name}”, which ceased to exist on {issuer.valid_to:%d/%m/%Y} "
            "(administrative reorganisation): its plan cannot be tracked.")
    if allowed_issuers is not None and issuer.id not in allowed_issuers:
        return UserError(
            f"Kế hoạch do “{issuer.name}” ban hành, không thuộc UBND mà tài khoản của bạn phụ trách.",
            f"The plan was issued by “{issuer.name}”, outside your People's Committee.")
    return None


def prepare(session: Session, draft: ImportDraft, calendar, index: DirectoryIndex | None = None,
            today: date | None = None, default_issuer: int | None = None) -> Preview:
    """Read the draft and apply every decision: exactly what publishing would write.

    ``today`` (the caller's clock) counts what is already overdue and is the default day
    tracking starts for a new plan. The issuer is the author's choice, else the one the
    file names, else ``default_issuer`` (the author's own committee)."""
    choices = draft.choices or {}
    reading = read_draft(draft, calendar)
    split_parts = apply_splits(reading, choices.get("splits") or {})
    edited = apply_row_edits(reading, choices.get("row_owners") or {}, choices.get("outputs") or {}, calendar,
                             split_parts)
    apply_deadlines(reading, choices.get("deadlines") or {}, calendar)
    index = index or load_index(session)
    issuer = index.agencies.get(choices.get("issuer_id") or -1)
    issuer_note = None
    if issuer is None and index.issuer_of(reading) is None and default_issuer in index.agencies:
        # The file does not name its issuer (a bare spreadsheet), or names one the directory
        # does not know: the author's own committee, said plainly and changeable.
        issuer = index.agencies[default_issuer]
        named = f"ghi “{reading.header.issuer}”, không có trong danh mục" if reading.header.issuer \
            else "không ghi cơ quan ban hành"
        named_en = f"names “{reading.header.issuer}”, which is not in the directory" if reading.header.issuer \
            else "does not name its issuer"
        issuer_note = ReadingWarning(
            "issuer_assumed",
            f"Tệp {named}: kế hoạch được ghi là do {issuer.name} ban hành; đổi ở ô “Cơ quan ban hành” nếu "
            "không đúng.",
            f"The file {named_en}: the plan is recorded as issued by {issuer.name}; change it under "
            "“Issuer” if that is wrong.")
    if issuer is not None and not reading.header.issuer:
        reading.header.issuer = issuer.name
    resolution = index.resolve_plan(reading, issuer=issuer)
    if issuer_note is not None:
        resolution.warnings.append(issuer_note)
    dropped, row_refusals, originals = apply_rows(reading, choices, index, resolution.issuer, calendar)
    owners = {k: list(v) for k, v in (choices.get("owners") or {}).items()}
    refused = apply_owners(reading, index, owners, resolution.issuer)
    refused += apply_prose_owners(reading, index, dict(choices.get("prose_owners") or {}), resolution.issuer)
    prose = set(choices["prose"]) if choices.get("prose") is not None else default_prose(reading)
    prose &= {t.ref for t in reading.prose_tasks}
    doubts = doubts_of(reading, index, resolution.issuer, owners, prose)
    existing = session.scalar(select(Plan).where(
        Plan.identity == plan_identity(reading, resolution.issuer.id if resolution.issuer else None)))
    preview = Preview(reading, resolution, doubts, prose, existing)
    preview.choices_warnings = refused + row_refusals
    preview.dropped = dropped
    preview.original_content = originals
    preview.split_parts = split_parts
    preview.edited_rows = edited
    preview.tracking_from = _tracking_choice(choices, existing, today)
    if today is not None:
        preview.overdue_now = overdue_on(reading, prose, today)
    return preview


@dataclass
class Changes:
    """What publishing would do, kept as plain values (the dry run's rows are rolled back)."""

    created: bool
    added: list[str]
    changed: list[str]
    removed: list[str]
    assignments: int
    unresolved: int
    restored: list[str] = field(default_factory=list)
    #: removed assignments on which officers reported: publishing needs the author's confirmation
    removed_with_work: list[RemovedWork] = field(default_factory=list)
    #: each changed task's changes in words, old → new (and in English, line for line)
    details: dict[str, list[str]] = field(default_factory=dict)
    details_en: dict[str, list[str]] = field(default_factory=dict)

    def lines(self, ref: str) -> list[tuple[str, str]]:
        """A changed task's lines as (Vietnamese, English); a list kept before English was
        kept with it reads in Vietnamese."""
        english = self.details_en.get(ref, [])
        return [(vi, english[i] if i < len(english) else "") for i, vi in enumerate(self.details.get(ref, []))]

    @property
    def unchanged(self) -> bool:
        return not (self.created or self.added or self.changed or self.removed or self.restored)

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Changes:
        return cls(**{**data, "removed_with_work": [RemovedWork(**w) for w in data.get("removed_with_work", [])]})

    @classmethod
    def of(cls, result: ImportResult) -> Changes:
        return cls(result.created, list(result.added), list(result.changed), list(result.removed),
                   result.assignments, result.unresolved, list(result.restored),
                   list(result.removed_with_work), dict(result.details), dict(result.details_en))


def changes_key(session: Session, draft: ImportDraft, plan: Plan) -> str:
    """What a list of changes was computed from: the file, the author's choices and the
    state of the plan it is compared with (any edit, report or import moves a timestamp or a
    count), so a stored list is used only while all three are as they were."""
    tasks = session.execute(select(func.count(Task.id), func.max(Task.updated_at))
                            .where(Task.plan_id == plan.id).execution_options(include_removed=True)).one()
    assignments = session.execute(
        select(func.count(Assignment.id), func.max(Assignment.updated_at), func.sum(Assignment.sequence))
        .join(Task, Assignment.task_id == Task.id).where(Task.plan_id == plan.id)
        .execution_options(include_removed=True)).one()
    state = [draft.sha256, draft.choices or {}, plan.id, *map(str, tasks), *map(str, assignments)]
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()


def dry_run(engine, preview: Preview, index: DirectoryIndex) -> Changes:
    """What publishing ``preview`` would change, computed in a transaction that is rolled
    back (the preview itself is left as it was: the page goes on showing it)."""
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            with Session(bind=connection, autoflush=False) as session:
                result = import_plan(session, replace(preview.reading), index, preview.resolution,
                                     include_prose=preview.prose_selected)
                return Changes.of(result)
        finally:
            transaction.rollback()


#: what ``compare_and_keep`` leaves on a draft, and the view gets, when the comparison failed
COMPARE_FAILED = "failed"


def compare_and_keep(make_session, engine, draft_id: int, key: str, preview: Preview,
                     index: DirectoryIndex) -> Changes | str:
    """``dry_run``, kept on the draft for ``key`` (see ``changes_key``): the page shows it
    when it is done, even if the request that asked has long ended. A failure is kept too
    (``COMPARE_FAILED``, the error in the log), so the page says so instead of waiting."""
    try:
        changes = dry_run(engine, preview, index)
        kept: dict = changes.as_json()
        result: Changes | str = changes
    except Exception:
        log.exception("listing the changes of import draft %s failed", draft_id)
        kept, result = {COMPARE_FAILED: True}, COMPARE_FAILED
    with make_session() as session:
        session.execute(update(ImportDraft).where(ImportDraft.id == draft_id, ImportDraft.changes_key == key)
                        .values(changes=kept))
        session.commit()
    return result


def compare_failed(draft: ImportDraft) -> bool:
    return bool((draft.changes or {}).get(COMPARE_FAILED))


def stored_changes(draft: ImportDraft) -> Changes | str:
    """The list of changes kept on the draft (``COMPARE_FAILED`` if working it out failed)."""
    return COMPARE_FAILED if compare_failed(draft) or draft.changes is None else Changes.from_json(draft.changes)


class PublishError(UserError):
    pass


def publish(session: Session, draft: ImportDraft, calendar, allowed_issuers: set[int] | None,
            confirm_removal: bool = False, today: date | None = None,
            default_issuer: int | None = None, progress=None) -> ImportResult:
    """Import the draft as the author decided. The caller commits (one transaction: all or
    nothing), and rolls back on a PublishError.

    ``allowed_issuers``: the agencies whose plans this author may publish (None: any).
    ``confirm_removal``: the author has seen which assignments with officers' reports the
    amendment takes out of the plan; without it such an amendment is refused.
    ``progress(step)``: told "reading", then "writing" (the page's progress bar).
    """
    if progress:
        progress("reading")
    preview = prepare(session, draft, calendar, today=today, default_issuer=default_issuer)
    if not preview.reading.tasks and not preview.prose_selected:
        raise PublishError("Chưa chọn nhiệm vụ nào để nhập.", "No task has been chosen to import.")
    incomplete = incomplete_proposals(preview.reading, preview.prose_selected)
    if incomplete:
        refs = ", ".join(incomplete[:10]) + (", …" if len(incomplete) > 10 else "")
        raise PublishError(
            f"{len(incomplete)} nhiệm vụ đề xuất đã chọn hoặc bổ sung chưa có cơ quan thực hiện hoặc thời hạn "
            f"({refs}): chọn cơ quan và ghi thời hạn (hoặc “không thời hạn”), hoặc bỏ chúng.",
            f"{len(incomplete)} chosen or added tasks have no owner or no deadline yet ({refs}): choose an "
            "owner and write a deadline (or “không thời hạn”), or drop them.")
    issuer = preview.resolution.issuer
    if allowed_issuers is not None and (issuer is None or issuer.id not in allowed_issuers):
        raise PublishError(
            f"Kế hoạch do “{preview.reading.header.issuer or '?'}” ban hành, không thuộc UBND mà tài khoản "
            "của bạn phụ trách.",
            f"The plan was issued by “{preview.reading.header.issuer or '?'}”, outside your People's Committee.")
    if progress:
        progress("writing")
    result = import_plan(session, preview.reading, load_index(session), preview.resolution,
                         include_prose=preview.prose_selected, tracking_from=preview.tracking_from)
    if result.removed_with_work and not confirm_removal:
        raise RemovalNotConfirmed(result.removed_with_work)
    return result


class RemovalNotConfirmed(PublishError):
    """The amendment drops assignments officers have reported on, and the author has not
    confirmed it."""

    def __init__(self, work: list[RemovedWork]):
        listed = "; ".join(w.describe() for w in work[:5]) + ("; …" if len(work) > 5 else "")
        super().__init__(
            f"Bản sửa đổi bỏ {len(work)} phân công đã có báo cáo của cơ quan ({listed}). Báo cáo và tệp minh "
            "chứng vẫn được giữ; hãy đánh dấu “Tôi đồng ý bỏ các phân công này khỏi kế hoạch” "
            "rồi đưa vào theo dõi lại.",
            f"The amendment removes {len(work)} assignments that agencies have reported on ({listed}). Their "
            "reports and evidence are kept; tick “I agree to remove these assignments from the plan” and "
            "publish again.")
        self.work = work
