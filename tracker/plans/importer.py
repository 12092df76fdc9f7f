"""Write a plan reading into the database, creating it or updating it in place.

The caller owns the transaction (one per import: all or nothing). Re-importing an amended
version of the same plan keeps what people have done: a task is matched by its reference
and content (or by content alone when it was renumbered), an assignment by its sub-row,
role and agency, and matched rows keep their status, progress and history. Importing the
same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..directory.resolve import DirectoryIndex, Resolution
from ..models import (LEAD, PLAN_ACTIVE, Agency, Assignment, Deadline, Occurrence, Plan, Section,
                      Task)
from ..models.base import utcnow
from ..models.mail import SentStep
from ..scheduling.reminders import forget_on_due_change
from ..reading.result import AssignmentReading, DeadlineReading, OwnerMention, PlanReading, TaskReading
from ..reading.text import fold


@dataclass
class ImportResult:
    plan: Plan
    created: bool
    added: list[str] = field(default_factory=list)      # task refs
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    assignments: int = 0
    unresolved: int = 0        # assignments written without an agency (owner kept as text)
    warnings: int = 0
    moved_items: set[str] = field(default_factory=set)   # ledger keys of items whose due moved

    @property
    def unchanged(self) -> bool:
        return not (self.created or self.added or self.changed or self.removed)

    def summary(self) -> str:
        verb = "Đã tạo" if self.created else ("Không thay đổi" if self.unchanged else "Đã cập nhật")
        lines = [f"{verb} kế hoạch “{self.plan.number or self.plan.title}” (id {self.plan.id}): "
                 f"{len(self.plan.tasks)} nhiệm vụ, {self.assignments} phân công, "
                 f"{self.unresolved} cơ quan chưa xác định, {self.warnings} cảnh báo."]
        for label, refs in (("Thêm", self.added), ("Sửa", self.changed), ("Xóa", self.removed)):
            if refs and not self.created:
                lines.append(f"  {label} ({len(refs)}): {', '.join(refs)}")
        return "\n".join(lines)


def plan_identity(reading: PlanReading, issuer_id: int | None) -> str:
    """What makes two files the same plan: its number and issuer, else title and year."""
    header = reading.header
    issuer = f"agency:{issuer_id}" if issuer_id else fold(header.issuer or "")
    if header.number:
        return f"number:{fold(header.number).replace(' ', '')}|{issuer}"
    return f"title:{fold(header.title or reading.source_name)}|{header.year}|{issuer}"


def import_plan(session: Session, reading: PlanReading, index: DirectoryIndex,
                resolution: Resolution | None = None,
                include_prose: bool | Collection[str] = False) -> ImportResult:
    """Write ``reading`` (resolved against ``index`` unless ``resolution`` is given).

    Tasks read from the plan's prose are candidates; they are written only with
    ``include_prose``: True for all of them, or the references the author confirmed.
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
         source_sha256=reading.sha256,
         warnings=[w.as_json() for w in reading.warnings + resolution.warnings])
    session.flush()

    result = ImportResult(plan=plan, created=created)
    sections = _sync_sections(session, plan, reading)
    agencies = {a.name: a.id for a in session.execute(select(Agency.name, Agency.id))}
    # Everything the comparison touches, loaded in a handful of queries (not one per row).
    existing = list(session.scalars(
        select(Task).where(Task.plan_id == plan.id).order_by(Task.position).options(
            selectinload(Task.assignments).selectinload(Assignment.occurrences),
            selectinload(Task.assignments).selectinload(Assignment.deadline)))) if plan.id else []
    matches = _match_tasks(existing, reading.tasks)

    # References move when an amendment inserts or removes rows: park the moving ones on a
    # temporary value first, so the unique (plan, reference) never trips mid-flush.
    moving = [t for rt, t in zip(reading.tasks, matches.values()) if t is not None and t.ref != rt.ref]
    for task in moving:
        task.ref = f"~{task.id}"
    if moving:
        session.flush()

    with session.no_autoflush:
        for reading_task, task in zip(reading.tasks, matches.values()):
            section = sections.get(id(reading_task.section)) if reading_task.section else None
            changed = False
            if task is None:
                task = Task(plan=plan)
                session.add(task)
                result.added.append(reading_task.ref)
            changed |= _set(task, ref=reading_task.ref, content=reading_task.content,
                            position=reading_task.position, source_line=reading_task.line,
                            raw_cells=reading_task.raw_rows, targets=reading_task.targets, section=section,
                            warnings=[w.as_json() for w in reading_task.warnings])
            if _sync_assignments(session, task, reading_task, agencies, result):
                changed = True
                task.updated_at = utcnow()    # owners changed: the task's feeds changed
            if changed and not created and reading_task.ref not in result.added:
                result.changed.append(reading_task.ref)
        kept = {id(t) for t in matches.values() if t is not None}
        for task in existing:
            if id(task) not in kept:
                result.removed.append(task.ref)
                plan.tasks.remove(task)      # delete-orphan removes it and its assignments
    session.flush()
    if result.moved_items:
        forget_due_relative_steps(session, result.moved_items)
    result.warnings = len(plan.warnings) + sum(
        len(t.warnings) + sum(len(a.warnings) for a in t.assignments) for t in reading.tasks)
    return result


def _match_tasks(existing: list[Task], readings: list[TaskReading]) -> dict[int, Task | None]:
    """Which stored task each read task is (position in ``readings`` → task or None).

    Same reference and content first; then same content (the row was renumbered); then
    same reference (the row was reworded). Each stored task matches at most once.
    """
    keys = [(lambda t: (t.ref, fold(t.content))), (lambda t: fold(t.content)), (lambda t: t.ref)]
    matches: dict[int, Task | None] = {i: None for i in range(len(readings))}
    taken: set[int] = set()
    for key in keys:
        index: dict[object, list[Task]] = {}
        for task in existing:
            if id(task) not in taken:
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


def _deadline_values(reading: DeadlineReading) -> dict:
    return dict(text=reading.text, kind=reading.kind, start=reading.start, due=reading.due,
                periods=list(reading.periods), also_event=reading.also_event,
                offset_days=reading.offset_days, flags=list(reading.flags))


def _sync_assignments(session: Session, task: Task, reading: TaskReading,
                      agencies: dict[str, int], result: ImportResult) -> bool:
    changed = False
    existing = {(a.row, a.role, a.agency_id if a.agency_id else fold(a.owner_text)): a
                for a in task.assignments}
    keep: set[int] = set()             # id() of the assignments the reading still names
    for row_index, sub in enumerate(reading.assignments):
        deadline_values = _deadline_values(sub.deadline)
        shared_deadline: Deadline | None = None
        old_due = next((a.deadline.due for a in task.assignments
                        if a.row == row_index and a.deadline is not None), sub.deadline.due)
        for role, agency_id, owner_text, group_key in _owner_rows(sub, agencies):
            key = (row_index, role, agency_id if agency_id else fold(owner_text))
            assignment = existing.get(key)
            if assignment is None:
                assignment = Assignment(task=task, row=row_index, role=role, agency_id=agency_id,
                                        owner_text=owner_text)
                session.add(assignment)
                changed = True
            if assignment.deadline is None:
                if shared_deadline is None:
                    shared_deadline = Deadline(**deadline_values)
                    session.add(shared_deadline)
                assignment.deadline = shared_deadline
                differs = False
            elif assignment.original_due is not None:
                # An approved extension stands: the plan's text may change, its due date
                # is the author's decision now (see plans/extensions.py).
                differs = _set(assignment.deadline, **{k: v for k, v in deadline_values.items()
                                                       if k != "due"})
            else:
                differs = _set(assignment.deadline, **deadline_values)
            differs |= _set(assignment, owner_text=owner_text, group_key=group_key,
                            output=sub.output, warnings=[w.as_json() for w in sub.warnings])
            differs |= _sync_occurrences(session, assignment, sub.deadline, result.moved_items)
            if differs and assignment.id is not None:
                assignment.sequence += 1      # calendars must see the change
            changed |= differs
            if (old_due != sub.deadline.due and assignment.id is not None
                    and assignment.original_due is None):
                result.moved_items.add(f"a{assignment.id}")
            keep.add(id(assignment))
            result.assignments += 1
            result.unresolved += agency_id is None
    for assignment in list(task.assignments):
        if id(assignment) not in keep:
            task.assignments.remove(assignment)   # delete-orphan removes the row
            changed = True
    return changed


def _sync_occurrences(session: Session, assignment: Assignment, deadline: DeadlineReading,
                      moved: set[str] | None = None) -> bool:
    """One occurrence per reporting period; existing ones keep their status."""
    wanted = {(o.period, o.label): o for o in deadline.occurrences}
    current = {(o.period, o.label): o for o in assignment.occurrences}
    changed = False
    for key, occ in wanted.items():
        row = current.get(key)
        if row is None:
            assignment.occurrences.append(Occurrence(period=occ.period, label=occ.label,
                                                     start=occ.start, cutoff=occ.cutoff, due=occ.due))
            changed = True
        else:
            old_due = row.due
            due = row.due if row.original_due is not None else occ.due   # an extension stands
            if _set(row, start=occ.start, cutoff=occ.cutoff, due=due):
                row.sequence += 1
                changed = True
                if old_due != due and moved is not None:
                    moved.add(f"o{row.id}")
    for key, row in current.items():
        if key not in wanted:
            assignment.occurrences.remove(row)
            changed = True
    return changed


__all__ = ["ImportResult", "import_plan", "plan_identity", "LEAD"]
