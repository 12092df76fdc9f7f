"""Write a plan reading into the database, creating it or updating it in place.

The caller owns the transaction (one per import: all or nothing). Re-importing an amended
version of the same plan keeps what people have done: a task is matched by its reference
and content (or by content alone when it was renumbered), an assignment by its sub-row,
role and agency (or by role and agency alone when its sub-rows were reordered), and matched
rows keep their status, progress and history. Nothing is deleted: what the amendment no
longer names is marked removed ("đã bỏ khỏi kế hoạch", models.base.Removable) with its
reports, evidence and extension requests, and comes back if a later version names it
again. Importing the same file twice changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, selectinload

from ..directory.resolve import DirectoryIndex, Resolution
from ..feeds.changes import mark_changed
from ..models import LEAD, PLAN_ACTIVE, Agency, Assignment, Deadline, Occurrence, Plan, Section, Task
from ..models.base import table_of, utcnow
from ..models.reminders import SentStep
from ..reading.result import AssignmentReading, DeadlineReading, OwnerMention, PlanReading, TaskReading
from ..reading.text import fold
from ..reminders.rules import forget_on_due_change
from ..webhooks import payloads
from ..webhooks.events import Event, emit
from .removal import RemovedWork, work_on


class KeepCurrent:
    """``import_plan(tracking_from=KEEP)``: leave the plan's setting as it is."""


KEEP = KeepCurrent()


@dataclass
class ImportResult:
    plan: Plan
    created: bool
    added: list[str] = field(default_factory=list)      # task refs
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)     # removed tasks a later version names again
    #: removed assignments that carry what officers did (reports, evidence, extension requests)
    removed_with_work: list[RemovedWork] = field(default_factory=list)
    assignments: int = 0
    unresolved: int = 0        # assignments written without an agency (owner kept as text)
    warnings: int = 0
    moved_items: set[str] = field(default_factory=set)   # ledger keys of items whose due moved
    removed_assignments: list[Assignment] = field(default_factory=list)
    #: what changed in each changed task, old → new, in words ({ref: [lines]}), and the same
    #: lines in English (``details_en``, in the same order)
    details: dict[str, list[str]] = field(default_factory=dict)
    details_en: dict[str, list[str]] = field(default_factory=dict)

    def note(self, ref: str, line: str, line_en: str) -> None:
        lines = self.details.setdefault(ref, [])
        if line not in lines:
            lines.append(line)
            self.details_en.setdefault(ref, []).append(line_en)

    @property
    def unchanged(self) -> bool:
        return not (self.created or self.added or self.changed or self.removed or self.restored)

    def summary(self) -> str:
        verb = "Đã tạo" if self.created else ("Không thay đổi" if self.unchanged else "Đã cập nhật")
        lines = [f"{verb} kế hoạch “{self.plan.number or self.plan.title}” (id {self.plan.id}): "
                 f"{len(self.plan.tasks)} nhiệm vụ, {self.assignments} phân công, "
                 f"{self.unresolved} cơ quan chưa xác định, {self.warnings} cảnh báo."]
        for label, refs in (("Thêm", self.added), ("Sửa", self.changed), ("Bỏ khỏi kế hoạch", self.removed),
                            ("Đưa lại vào kế hoạch", self.restored)):
            if refs and not self.created:
                lines.append(f"  {label} ({len(refs)}): {', '.join(refs)}")
                if refs is self.changed:
                    lines += [f"    {ref}: {line}" for ref in refs for line in self.details.get(ref, [])]
        return "\n".join(lines)


def plan_identity(reading: PlanReading, issuer_id: int | None) -> str:
    """What makes two files the same plan: its number and issuer, else title and year."""
    header = reading.header
    return identity_of(header.number, header.title or reading.source_name, header.year, issuer_id,
                       header.issuer)


def identity_of(number: str | None, title: str, year: int | None, issuer_id: int | None,
                issuer_name: str | None) -> str:
    issuer = f"agency:{issuer_id}" if issuer_id else fold(issuer_name or "")
    if number:
        return f"number:{fold(number).replace(' ', '')}|{issuer}"
    return f"title:{fold(title)}|{year}|{issuer}"


def import_plan(session: Session, reading: PlanReading, index: DirectoryIndex,
                resolution: Resolution | None = None,
                include_prose: bool | Collection[str] = False,
                tracking_from: date | None | KeepCurrent = KEEP) -> ImportResult:
    """Write ``reading`` (resolved against ``index`` unless ``resolution`` is given).

    Tasks read from the plan's prose are candidates; they are written only with
    ``include_prose``: True for all of them, or the references the author confirmed.
    ``tracking_from``: the day reminders start (a plan published part-way through its
    year), None for the start of the plan; by default the plan's current setting stays.
    """
    if resolution is None:
        resolution = index.resolve_plan(reading)
    if include_prose and reading.prose_tasks:
        chosen = [t for t in reading.prose_tasks if include_prose is True or t.ref in include_prose]
        reading.tasks = reading.tasks + chosen
        # Each candidate's own section (a prose programme has several), once each.
        reading.sections = reading.sections + list(
            {id(t.section): t.section for t in chosen if t.section is not None}.values())
    issuer_id = resolution.issuer.id if resolution.issuer else None
    identity = plan_identity(reading, issuer_id)
    plan = session.scalar(select(Plan).where(Plan.identity == identity))
    created = plan is None
    header = reading.header
    if plan is None:
        plan = Plan(identity=identity, status=PLAN_ACTIVE)
        session.add(plan)
    _set(plan, number=header.number, kind=header.kind or "Kế hoạch", title=header.title or "",
         issuer_name=header.issuer, issuer_id=issuer_id, issued_date=header.issued_date,
         place=header.place, year=header.year, source_name=reading.source_name,
         **({"signer": header.signer} if header.signer else {}),
         source_sha256=reading.sha256,
         warnings=[w.as_json() for w in reading.warnings + resolution.warnings])
    if not isinstance(tracking_from, KeepCurrent):
        plan.tracking_from = tracking_from
    session.flush()

    result = ImportResult(plan=plan, created=created)
    sections = _sync_sections(session, plan, reading)
    agencies = {a.name: a.id for a in session.execute(select(Agency.name, Agency.id))}
    # Everything the comparison touches, loaded in a handful of queries (not one per row).
    # Removed rows too: a later version may name them again, and they come back as they were.
    existing = list(session.scalars(
        select(Task).where(Task.plan_id == plan.id).order_by(Task.position).options(
            selectinload(Task.assignments).selectinload(Assignment.occurrences),
            selectinload(Task.assignments).selectinload(Assignment.deadline))
        # populate_existing: rows this session loaded before came without the removed ones.
        .execution_options(include_removed=True, populate_existing=True))) if plan.id else []
    matches = _match_tasks(existing, reading.tasks)
    now = utcnow()

    # References move when an amendment inserts or removes rows: park the moving ones on a
    # temporary value, and take the dropped ones out of the live references, first, so the
    # unique live (plan, reference) never trips mid-flush.
    moving = [t for rt, t in zip(reading.tasks, matches.values()) if t is not None and t.ref != rt.ref]
    for parked in moving:
        parked.ref = f"~{parked.id}"
    kept = {id(t) for t in matches.values() if t is not None}
    dropped = [t for t in existing if id(t) not in kept and t.removed_at is None]
    for gone in dropped:
        result.removed.append(gone.ref)
        gone.removed_at = now
        gone.updated_at = now
        for assignment in gone.assignments:
            _remove_assignment(assignment, now, result)
    if moving or dropped:
        session.flush()

    fresh: list[tuple[TaskReading, Section | None]] = []     # new tasks: written in bulk below
    with session.no_autoflush:
        for reading_task, task in zip(reading.tasks, matches.values()):
            section = sections.get(id(reading_task.section)) if reading_task.section else None
            changed = False
            if task is None:
                fresh.append((reading_task, section))
                result.added.append(reading_task.ref)
                continue
            if task.removed_at is not None:
                task.removed_at = None
                result.restored.append(reading_task.ref)
            # What officers see changed (a number, the wording, the section), or only how the
            # file laid it out (lines, cells, a full stop): the latter is kept, not reported.
            if task.id is not None:
                renumbered = task.ref != reading_task.ref
                reworded = not _same_text(task.content, reading_task.content)
                if renumbered:
                    result.note(reading_task.ref, f"Số thứ tự: {task.ref} → {reading_task.ref}",
                                f"Number: {task.ref} → {reading_task.ref}")
                if reworded:
                    result.note(reading_task.ref, f"Nội dung: “{task.content}” → “{reading_task.content}”",
                                f"Content: “{task.content}” → “{reading_task.content}”")
                changed |= renumbered or reworded or task.section is not section
            _set(task, ref=reading_task.ref, content=reading_task.content,
                 position=reading_task.position, source_line=reading_task.line,
                 raw_cells=reading_task.raw_rows, targets=reading_task.targets, section=section,
                 warnings=[w.as_json() for w in reading_task.warnings])
            if _sync_assignments(session, task, reading_task, agencies, result, now):
                changed = True
                task.updated_at = utcnow()    # owners changed: the task's feeds changed
            if (changed and not created and reading_task.ref not in result.added
                    and reading_task.ref not in result.restored):
                result.changed.append(reading_task.ref)
    session.flush()
    _insert_new_tasks(session, plan, fresh, agencies, result, now)
    result.removed_with_work = work_on(session, result.removed_assignments)
    if result.moved_items:
        forget_due_relative_steps(session, result.moved_items)
    result.warnings = len(plan.warnings) + sum(
        len(t.warnings) + sum(len(a.warnings) for a in t.assignments) for t in reading.tasks)
    if not result.unchanged:      # the webhook event, queued in the import's transaction
        emit(session, Event.PLAN_PUBLISHED, lambda: payloads.published(
            plan, created, result.added, result.changed, result.removed, result.restored, result.assignments))
    return result


def _insert_new_tasks(session: Session, plan: Plan, fresh: list[tuple[TaskReading, Section | None]],
                      agencies: dict[str, int], result: ImportResult, now) -> None:
    """Write the tasks the database does not hold yet, with their assignments, deadlines and
    reporting periods, as four multi-row INSERTs (one per table) instead of one ORM object
    and one INSERT per row: a 2,000-row plan fans out to some 40,000 rows. What is written
    is what ``_sync_assignments`` and ``sync_occurrences`` would write for a new task."""
    if not fresh:
        return

    def ids(model, rows: list[dict]) -> list[int]:
        if not rows:
            return []
        # Core, not the ORM's bulk mode: that one leaves None values out of a row, which splits
        # the rows into many small statements whenever some dates are empty.
        table = table_of(model)
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(session.connection().scalars(statement, rows))

    task_ids = ids(Task, [dict(plan_id=plan.id, section_id=section.id if section is not None else None,
                               ref=rt.ref, content=rt.content, position=rt.position, source_line=rt.line,
                               raw_cells=rt.raw_rows, targets=rt.targets,
                               warnings=[w.as_json() for w in rt.warnings], updated_at=now)
                          for rt, section in fresh])
    # One deadline per sub-row that names somebody (its owners share it).
    owned = [(task_id, row_index, sub, list(_owner_rows(sub, agencies)))
             for task_id, (rt, _section) in zip(task_ids, fresh) for row_index, sub in enumerate(rt.assignments)]
    owned = [o for o in owned if o[3]]
    deadline_ids = ids(Deadline, [deadline_values(sub.deadline) for _t, _r, sub, _o in owned])
    wanted = [(task_id, row_index, sub, deadline_id, owner)
              for (task_id, row_index, sub, owners), deadline_id in zip(owned, deadline_ids) for owner in owners]
    assignment_ids = ids(Assignment, [
        dict(task_id=task_id, row=row_index, role=role, agency_id=agency_id, owner_text=owner_text,
             group_key=group_key, output=sub.output, deadline_id=deadline_id,
             warnings=[w.as_json() for w in sub.warnings], created_at=now, updated_at=now)
        for task_id, row_index, sub, deadline_id, (role, agency_id, owner_text, group_key) in wanted])
    ids(Occurrence, [dict(assignment_id=assignment_id, period=occ.period, label=occ.label, start=occ.start,
                          cutoff=occ.cutoff, due=occ.due, updated_at=now)
                     for assignment_id, (_t, _r, sub, _d, _o) in zip(assignment_ids, wanted)
                     for occ in {(o.period, o.label): o for o in sub.deadline.occurrences}.values()])
    result.assignments += len(wanted)
    # The unit of work never saw these rows: say which stored feeds they change.
    mark_changed(session, plans_whole={plan.id})
    result.unresolved += sum(1 for *_, (_role, agency_id, _text, _group) in wanted if agency_id is None)
    # The plan's task list as loaded before these INSERTs is stale.
    session.expire(plan, ["tasks"])


def _match_tasks(existing: list[Task], readings: list[TaskReading]) -> dict[int, Task | None]:
    """Which stored task each read task is (position in ``readings`` → task or None).

    Same reference and content first; then same content (the row was renumbered); then
    same reference (the row was reworded). Each stored task matches at most once, a live
    one before a removed one.
    """
    # (key, whether a removed task may match on it): a removed task comes back only with its
    # own content, never as the new task that took its number.
    keys = [(lambda t: (t.ref, fold(t.content)), True), (lambda t: fold(t.content), True),
            (lambda t: t.ref, False)]
    matches: dict[int, Task | None] = {i: None for i in range(len(readings))}
    taken: set[int] = set()
    live_first = sorted(existing, key=lambda t: t.removed_at is not None)   # stable: position kept
    for key, removed_too in keys:
        index: dict[object, list[Task]] = {}
        for task in live_first:
            if id(task) not in taken and (removed_too or task.removed_at is None):
                index.setdefault(key(task), []).append(task)
        for i, reading in enumerate(readings):
            if matches[i] is None:
                candidates = [t for t in index.get(key(reading), []) if id(t) not in taken]
                if candidates:
                    matches[i] = candidates[0]
                    taken.add(id(candidates[0]))
    return matches


def forget_due_relative_steps(session: Session, item_keys: set[str]) -> None:
    """Reminders follow a changed due date: the before and overdue steps already planned
    for the old date are forgotten, so the new date gets its own. Escalations (once per
    item) and check-ins (keyed by their cut-off) stay planned."""
    planned = session.scalars(select(SentStep).where(SentStep.item_key.in_(sorted(item_keys)))).all()
    kept = forget_on_due_change(s.step_key for s in planned)
    for step in planned:
        if step.step_key not in kept:
            session.delete(step)


def _same_text(a: str | None, b: str | None) -> bool:
    """The same words, whatever the case, spacing or punctuation a conversion left."""
    return a == b or _words(a or "") == _words(b or "")


@lru_cache(maxsize=1 << 14)
def _words(text: str) -> str:
    return _WORDS.sub(" ", fold(text)).strip()


_WORDS = re.compile(r"[\s.,;:!?\-–—()\[\]\"“”'‘’*_]+")


def _set(obj, **values) -> bool:
    """Assign only what differs, so an unchanged re-import writes nothing."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _sync_sections(session: Session, plan: Plan, reading: PlanReading) -> dict[int, Section]:
    existing = {(s.appendix, s.numbering): s for s in plan.sections}
    out: dict[int, Section] = {}
    keep = set()
    for sec in reading.sections:
        section = existing.get((sec.appendix, sec.numbering))
        if section is None:
            section = Section(plan=plan, appendix=sec.appendix, numbering=sec.numbering)
            session.add(section)
        _set(section, title=sec.title, position=sec.position)
        keep.add((sec.appendix, sec.numbering))
        out[id(sec)] = section
    for key, section in existing.items():
        if key not in keep:
            session.delete(section)
    return out


def _owner_rows(assignment: AssignmentReading, agencies: dict[str, int]):
    """(role, agency_id, owner_text, group_key) for every agency a sub-row names.

    A collective owner fans out to each member; an agency named twice in one sub-row
    (as lead and as coordinator) keeps its lead role only.
    """
    seen: set[int | str] = set()
    for role in ("lead", "coordinate"):
        mention: OwnerMention
        for mention in getattr(assignment, role):
            if mention.members:
                for member in mention.members:
                    agency_id = agencies.get(member)
                    if agency_id is not None and agency_id not in seen:
                        seen.add(agency_id)
                        yield role, agency_id, mention.text, mention.group
            elif mention.agency and not mention.group and mention.agency in agencies:
                agency_id = agencies[mention.agency]
                if agency_id not in seen:
                    seen.add(agency_id)
                    yield role, agency_id, mention.text, None
            else:
                key = fold(mention.text)
                if key not in seen:
                    seen.add(key)
                    yield role, None, mention.text, mention.group


_DEADLINE_COLUMNS = ("text", "kind", "start", "due", "periods", "also_event", "offset_days", "flags")


def deadline_values(reading: DeadlineReading) -> dict:
    return dict(text=reading.text, kind=reading.kind, start=reading.start, due=reading.due,
                periods=list(reading.periods), also_event=reading.also_event,
                offset_days=reading.offset_days, flags=list(reading.flags))


def _sync_assignments(session: Session, task: Task, reading: TaskReading,
                      agencies: dict[str, int], result: ImportResult, now) -> bool:
    changed = False
    wanted = [(row_index, sub, role, agency_id, owner_text, group_key)
              for row_index, sub in enumerate(reading.assignments)
              for role, agency_id, owner_text, group_key in _owner_rows(sub, agencies)]
    matched = _match_assignments(list(task.assignments), wanted)
    shared: dict[int, Deadline] = {}          # one new Deadline per sub-row
    kept: set[int] = set()                    # id() of the assignments the reading names
    for (row_index, sub, role, agency_id, owner_text, group_key), assignment in zip(wanted, matched):
        values = deadline_values(sub.deadline)
        if assignment is None:
            if task.id is not None:
                vi, en = _ROLE_WORDS.get(role, (role, role))
                result.note(reading.ref, f"Thêm {vi}: {_owner_name(agency_id, owner_text)}",
                            f"Added {en}: {_owner_name(agency_id, owner_text)}")
            assignment = Assignment(task=task, row=row_index, role=role, agency_id=agency_id,
                                    owner_text=owner_text)
            session.add(assignment)
            changed = True
        elif assignment.removed_at is not None:
            assignment.removed_at = None       # named again: back with its history
            changed = True
        old_due = assignment.deadline.due if assignment.deadline is not None else sub.deadline.due
        if assignment.deadline is not None and assignment.row != row_index:
            # Moving to another sub-row: stop sharing the old sub-row's deadline row.
            assignment.deadline = Deadline(**{c: getattr(assignment.deadline, c) for c in _DEADLINE_COLUMNS})
            session.add(assignment.deadline)
        if assignment.deadline is None:
            if row_index not in shared:
                shared[row_index] = Deadline(**values)
                session.add(shared[row_index])
            assignment.deadline = shared[row_index]
            differs = False
        else:
            # An approved extension stands: the plan's text may change, its due date is the
            # author's decision now (see plans/extension_requests.py). Only the reading counts as a
            # change, not how a conversion punctuated the phrase.
            plan_values = {k: v for k, v in values.items() if k != "due" or assignment.original_due is None}
            differs = any(getattr(assignment.deadline, k) != v for k, v in plan_values.items()
                          if k not in ("text", "flags")) \
                or not _same_text(assignment.deadline.text, plan_values["text"])
            if differs and assignment.id is not None:
                result.note(reading.ref, f"Thời hạn: “{assignment.deadline.text}” → “{plan_values['text']}”",
                            f"Deadline: “{assignment.deadline.text}” → “{plan_values['text']}”")
            _set(assignment.deadline, **plan_values)
        if assignment.id is not None:
            # A sub-row moved, a new output, or another owner (an agency the author has now
            # resolved counts, a reworded name of the same agency does not).
            new_output = not _same_text(assignment.output, sub.output)
            new_owner = assignment.agency_id != agency_id or (
                agency_id is None and not _same_text(assignment.owner_text, owner_text))
            if new_output:
                result.note(reading.ref, f"Sản phẩm: “{assignment.output}” → “{sub.output}”",
                            f"Output: “{assignment.output}” → “{sub.output}”")
            if new_owner:
                change = (f"{_owner_name(assignment.agency_id, assignment.owner_text)}"
                          f" → {_owner_name(agency_id, owner_text)}")
                result.note(reading.ref, f"Cơ quan: {change}", f"Agency: {change}")
            differs |= assignment.row != row_index or new_output or new_owner
        _set(assignment, row=row_index, agency_id=agency_id, owner_text=owner_text,
             group_key=group_key, output=sub.output, warnings=[w.as_json() for w in sub.warnings])
        differs |= sync_occurrences(session, assignment, sub.deadline, result.moved_items, now)
        if differs and assignment.id is not None:
            assignment.sequence += 1      # calendars must see the change
        changed |= differs
        if (old_due != sub.deadline.due and assignment.id is not None
                and assignment.original_due is None):
            result.moved_items.add(f"a{assignment.id}")
        kept.add(id(assignment))
        result.assignments += 1
        result.unresolved += agency_id is None
    for assignment in task.assignments:
        if id(assignment) not in kept and assignment.removed_at is None:
            if assignment.id is not None:
                vi, en = _ROLE_WORDS.get(assignment.role, (assignment.role, assignment.role))
                name = _owner_name(assignment.agency_id, assignment.owner_text)
                result.note(reading.ref, f"Bỏ {vi}: {name}", f"Removed {en}: {name}")
            _remove_assignment(assignment, now, result)
            changed = True
    return changed


_ROLE_WORDS = {"lead": ("cơ quan chủ trì", "lead agency"), "coordinate": ("cơ quan phối hợp", "coordinating agency")}


def _owner_name(agency_id: int | None, owner_text: str) -> str:
    """An owner as the change list names it: as the plan wrote it (the agency id is internal)."""
    return owner_text or (f"#{agency_id}" if agency_id else "?")


def _match_assignments(existing: list[Assignment], wanted: list[tuple]) -> list[Assignment | None]:
    """Which stored assignment each wanted (row, sub, role, agency, owner text, group) is.

    Same sub-row, role and owner first; then the same role and resolved agency in another
    sub-row (the amendment reordered them); then an owner kept as text that the author has
    since resolved (same sub-row, role and wording). Live assignments before removed ones.
    """
    def who(agency_id, owner_text):
        return agency_id if agency_id else fold(owner_text)

    passes = [
        (lambda a: (a.row, a.role, who(a.agency_id, a.owner_text)),
         lambda w: (w[0], w[2], who(w[3], w[4]))),
        (lambda a: (a.role, a.agency_id) if a.agency_id else None,
         lambda w: (w[2], w[3]) if w[3] else None),
        (lambda a: (a.row, a.role, fold(a.owner_text)) if a.agency_id is None else None,
         lambda w: (w[0], w[2], fold(w[4]))),
    ]
    out: list[Assignment | None] = [None] * len(wanted)
    taken: set[int] = set()
    ordered = sorted(existing, key=lambda a: a.removed_at is not None)
    for stored_key, wanted_key in passes:
        index: dict[object, list[Assignment]] = {}
        for assignment in ordered:
            key = stored_key(assignment)
            if key is not None and id(assignment) not in taken:
                index.setdefault(key, []).append(assignment)
        for i, w in enumerate(wanted):
            key = wanted_key(w)
            if out[i] is not None or key is None:
                continue
            candidates = [a for a in index.get(key, []) if id(a) not in taken]
            if candidates:
                out[i] = candidates[0]
                taken.add(id(candidates[0]))
    return out


def _remove_assignment(assignment: Assignment, now, result: ImportResult) -> None:
    """Out of the plan, not out of the database: its history, reports and evidence stay."""
    if assignment.removed_at is None:
        assignment.removed_at = now
        assignment.sequence += 1
        if assignment.id is not None:
            result.removed_assignments.append(assignment)


def sync_occurrences(session: Session, assignment: Assignment, deadline: DeadlineReading,
                      moved: set[str] | None = None, now=None) -> bool:
    """One occurrence per reporting period; existing ones keep their status, and a period
    the new deadline no longer has is removed with its reports, not deleted."""
    wanted = {(o.period, o.label): o for o in deadline.occurrences}
    current = {(o.period, o.label): o for o in assignment.occurrences}
    by_due = {(o.period, o.due): o for o in assignment.occurrences}
    changed = False
    for key, occ in wanted.items():
        row = current.get(key)
        if row is None and (occ.period, occ.due) in by_due and \
                (by_due[(occ.period, occ.due)].period, by_due[(occ.period, occ.due)].label) not in wanted:
            row = by_due[(occ.period, occ.due)]          # the same period, relabelled
            current.pop((row.period, row.label), None)
            current[key] = row
            row.label = occ.label
            changed = True
        if row is None:
            assignment.occurrences.append(Occurrence(period=occ.period, label=occ.label,
                                                     start=occ.start, cutoff=occ.cutoff, due=occ.due))
            changed = True
        else:
            if row.removed_at is not None:
                row.removed_at = None
                row.sequence += 1
                changed = True
            old_due = row.due
            due = row.due if row.original_due is not None else occ.due   # an extension stands
            if _set(row, start=occ.start, cutoff=occ.cutoff, due=due):
                row.sequence += 1
                changed = True
                if old_due != due and moved is not None:
                    moved.add(f"o{row.id}")
    for key, row in current.items():
        if key not in wanted and row.removed_at is None:
            row.removed_at = now or utcnow()
            row.sequence += 1
            changed = True
    return changed


__all__ = ["ImportResult", "import_plan", "plan_identity", "LEAD"]
