"""Read a whole plan: bytes → text → header, table, owners and deadlines → ``PlanReading``.

Pure: no database, no Flask. Directory resolution is a separate, later step
(``tracker.directory.resolve``) so that a dry run needs nothing but the file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace

from .deadlines import read_deadline
from .formats import DOCX, PDF, XLSX, decode_text, read_csv, read_docx, read_pdf, read_xlsx, sniff
from .formats.crawled import tables_as_rows
from .header import context_of, read_header
from .owners import read_owners
from .prose import appendix_deadline, read_prose_plan, read_prose_tasks
from .reporting import ReportingCalendar
from .result import (
    AssignmentReading,
    DeadlineReading,
    NotAPlanError,
    OwnerMention,
    PlanContext,
    PlanHeader,
    PlanReading,
    ReadingWarning,
    TaskReading,
)
from .table import COORDINATE, DEADLINE, LEAD, OUTPUT, OWNERS, RawTask, SourceRow, TableReading, read_rows, text_rows

#: Larger uploads are refused before any parsing (a plan is a few hundred kilobytes).
MAX_PLAN_BYTES = 20 * 1024 * 1024


def read_plan(data: bytes, name: str = "", calendar: ReportingCalendar | None = None,
              max_bytes: int = MAX_PLAN_BYTES) -> PlanReading:
    """Read a plan file's bytes (text, CSV, DOCX, XLSX or PDF, told apart by their content).

    Raises ``NotAPlanError`` when it is not a readable plan.
    """
    if len(data) > max_bytes:
        raise NotAPlanError(
            "too_large",
            f"Tệp quá lớn ({len(data) / 1048576:.1f} MB; tối đa {max_bytes / 1048576:.0f} MB). "
            "Một kế hoạch thường chỉ vài trăm KB: hãy bỏ ảnh hoặc phụ lục không cần thiết, hoặc "
            "tải lên bản Word/Excel thay cho bản quét.",
            f"The file is too large ({len(data) / 1048576:.1f} MB; at most "
            f"{max_bytes / 1048576:.0f} MB). A plan is usually a few hundred KB: remove images "
            "or unneeded annexes, or upload the Word/Excel version instead of a scan.")
    found = sniff(data, name)
    readers = {DOCX: read_docx, XLSX: read_xlsx, PDF: read_pdf}
    if found.kind in readers:
        document = readers[found.kind](data, name)
    else:
        decoded = decode_text(data, name, found)
        document = read_csv(decoded, name, found)
        if document is None:
            try:
                reading = read_plan_text(decoded.text, name, calendar=calendar)
            except NotAPlanError as error:
                raise found.explain(error) from None
            reading.sha256 = hashlib.sha256(data).hexdigest()
            reading.warnings[:0] = [*found.notices, *decoded.notices]
            return reading
    try:
        reading = read_plan_parts(document.rows, document.header_text, document.prose_text,
                                  name, calendar=calendar, complete=document.complete_header)
    except NotAPlanError as error:
        raise document.explain(error) from None
    reading.sha256 = hashlib.sha256(data).hexdigest()
    reading.warnings[:0] = [*found.notices, *document.notices]
    return reading


def read_plan_text(text: str, name: str = "", calendar: ReportingCalendar | None = None) -> PlanReading:
    # Tables copied from a web page (markdown rows, cells one per line) become tab rows; the
    # header is read from the text as it was (its letterhead is often such a table).
    rows_text = tables_as_rows(text)
    return read_plan_parts(text_rows(rows_text), text, rows_text, name, calendar=calendar)


def read_plan_parts(rows: list[SourceRow], header_text: str, text: str, name: str = "",
                    calendar: ReportingCalendar | None = None,
                    complete: Callable[[PlanHeader, TableReading], list[ReadingWarning]] | None = None
                    ) -> PlanReading:
    """Read a plan from a front end's parts: table rows, header text and the prose ``text``.

    ``complete`` fills in what a format's header cannot say (a spreadsheet's year).
    """
    header, warnings = read_header(header_text)
    table = read_rows(rows)
    if complete is not None:
        warnings += complete(header, table)
    if not table.header_found:
        # No table: a prose programme; its tasks are proposed from the text (or no_table).
        return read_prose_plan(text, name, header, warnings, calendar)
    if not table.tasks:
        raise NotAPlanError(
            "empty_table", "Bảng nhiệm vụ không có dòng nào.", "The task table has no rows.")
    if header.year is None:
        raise NotAPlanError(
            "no_year", "Không xác định được năm của kế hoạch (không có ngày ban hành hay năm trong tiêu đề).",
            "Could not tell the plan's year (no issue date and no year in the title).")
    context = context_of(header, calendar)
    tasks: list[TaskReading] = []
    for position, raw in enumerate(table.tasks):
        # An owner cell merged down over several tasks (a web page's rowspan) is written only
        # in the first of them: the tasks below it in the same section take its owners.
        above = tasks[-1] if tasks and tasks[-1].section is raw.section and tasks[-1].assignments else None
        tasks.append(_task(raw, position, context, above.assignments[-1] if above else None))
    _deadline_from_body(tasks, text, context)
    _unique_refs(tasks)
    if header.title is None:
        header.title = name or "(không có tiêu đề)"
    return PlanReading(header=header, sections=table.sections, tasks=tasks, source_name=name,
                       warnings=warnings + table.warnings,
                       prose_tasks=read_prose_tasks(text, context))


def _ref(raw: RawTask, position: int) -> str:
    number = raw.number or f"#{position + 1}"
    prefix = raw.section.ref if raw.section is not None else raw.appendix
    return f"{prefix}.{number}" if prefix else number


def _task(raw: RawTask, position: int, context: PlanContext,
          above: AssignmentReading | None = None) -> TaskReading:
    task = TaskReading(ref=_ref(raw, position), section=raw.section, number=raw.number,
                       content=raw.content, position=position, line=raw.line,
                       raw_rows=raw.raw_rows, warnings=list(raw.warnings))
    if not raw.content:
        task.warnings.append(ReadingWarning(
            "missing_content", f"Dòng {raw.line}: nhiệm vụ không có nội dung.",
            f"Line {raw.line}: the task has no content."))
    previous: AssignmentReading | None = None
    for row in raw.rows:
        if previous is None and above is not None:
            # Its owners only: every task has one, so an empty owner cell was merged; an empty
            # deadline may well mean "none" (a merged one within a task is inherited below).
            previous = AssignmentReading(lead=above.lead, coordinate=above.coordinate, output="",
                                         deadline=read_deadline("", context), line=above.line)
        cells = row.cells
        warnings = list(row.warnings)
        if LEAD in cells or COORDINATE in cells:
            owners = read_owners(cells.get(LEAD, ""), cells.get(COORDINATE, ""))
        else:
            owners = read_owners(cells.get(OWNERS, ""))
        warnings.extend(owners.warnings)
        lead, coordinate = owners.lead, owners.coordinate
        if not lead and not coordinate:
            if previous is not None and (previous.lead or previous.coordinate):
                lead = [_copy(m) for m in previous.lead]
                coordinate = [_copy(m) for m in previous.coordinate]
                warnings.append(ReadingWarning(
                    "merged_owner",
                    f"Dòng {row.line}: ô cơ quan thực hiện trống (ô gộp); dùng cơ quan của dòng trên.",
                    f"Line {row.line}: empty owner cell (merged); the owners of the row above are used."))
            else:
                warnings.append(ReadingWarning(
                    "missing_owner", f"Dòng {row.line}: không có cơ quan thực hiện.",
                    f"Line {row.line}: no owner."))
        elif not lead:
            warnings.append(ReadingWarning(
                "missing_lead", f"Dòng {row.line}: có cơ quan phối hợp nhưng không có cơ quan chủ trì.",
                f"Line {row.line}: coordinating agencies but no lead."))
        deadline_text = cells.get(DEADLINE, "")
        if not deadline_text and previous is not None and (previous.deadline.text
                                                            or previous.deadline.kind != "unknown"):
            deadline = _inherit(previous.deadline)
            warnings.append(ReadingWarning(
                "merged_deadline",
                f"Dòng {row.line}: ô thời hạn trống (ô gộp); dùng thời hạn của dòng trên: "
                f"“{previous.deadline.text}”.",
                f"Line {row.line}: empty deadline cell (merged); the deadline of the row above is "
                f"used: “{previous.deadline.text}”.",
                suggestion=previous.deadline.text or None))
        else:
            deadline = read_deadline(deadline_text, context)
            warnings.extend(deadline.warnings)
        assignment = AssignmentReading(lead=lead, coordinate=coordinate,
                                       output=cells.get(OUTPUT, ""), deadline=deadline,
                                       line=row.line, warnings=warnings)
        task.assignments.append(assignment)
        previous = assignment
    return task


def _deadline_from_body(tasks: list[TaskReading], text: str, context: PlanContext) -> None:
    """A table with no deadline at all (an appendix of requests to handle): the deadline the
    body sets for "the appendix" applies to its rows, said in a warning on each."""
    if not tasks or any(a.deadline.text or a.deadline.kind != "unknown" for t in tasks for a in t.assignments):
        return
    found = appendix_deadline(text, context)
    if found is None:
        return
    for task in tasks:
        for assignment in task.assignments:
            assignment.deadline = found.reading
            assignment.warnings.append(ReadingWarning(
                "deadline_from_text",
                f"Dòng {assignment.line}: bảng không có cột thời hạn; dùng thời hạn văn bản đặt cho phụ lục: "
                f"“{found.text}”.",
                f"Line {assignment.line}: the table has no deadline column; the deadline the text sets for the "
                f"appendix is used: “{found.text}”.", suggestion=found.text))


def _inherit(deadline: DeadlineReading) -> DeadlineReading:
    """A merged deadline cell: same reading, nothing written in this row."""
    return replace(deadline, text="", warnings=())


def _copy(mention: OwnerMention) -> OwnerMention:
    return OwnerMention(text=mention.text, group=mention.group, vague=mention.vague)


def _unique_refs(tasks: list[TaskReading]) -> None:
    """References must be unique within a plan; a repeated one gets a suffix and a warning."""
    seen: dict[str, int] = {}
    for task in tasks:
        if task.ref in seen:
            seen[task.ref] += 1
            new_ref = f"{task.ref}-{seen[task.ref]}"
            task.warnings.append(ReadingWarning(
                "duplicate_ref",
                f"Dòng {task.line}: số thứ tự “{task.ref}” trùng với nhiệm vụ trước; dùng “{new_ref}”.",
                f"Line {task.line}: reference “{task.ref}” repeats an earlier task; using “{new_ref}”.",
                suggestion=new_ref))
            task.ref = new_ref
        else:
            seen[task.ref] = 1
