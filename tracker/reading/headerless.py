"""Task rows of a table whose header row is missing or unrecognised.

A table copied without its first row, or with a header in words the table reader does not
know, still reads like tasks: a number, what to do, an agency, a deadline. Refusing the file
would leave the author nothing; instead each such row is proposed, its columns guessed from
what the cells hold, with a warning that says so. The author confirms or corrects them like
any proposal.
"""

from __future__ import annotations

import re

from .deadlines import read_deadline
from .owners import read_owners
from .phrases import agency_start
from .result import AssignmentReading, PlanContext, ReadingWarning, SectionReading, TaskReading
from .text import fold

_A = re.ASCII
_NUMBER = re.compile(r"^(\d+(?:\.\d+)*|[a-zđ]|[ivxlc]+)[.):]?$", re.IGNORECASE)
_DEADLINE = re.compile(r"\b(?:quy|qui|thang|nam\s*\d{4}|thuong\s*xuyen|hang\s*(?:nam|quy|thang)|dinh\s*ky|"
                       r"truoc\s*ngay|\d{1,2}/\d{4}|\d{4}\s*-\s*\d{4})\b", _A)
_AGENCY = re.compile(r"^(?:cac\s+)?(?:so|ban|ubnd|uy\s*ban|phong|van\s*phong|cong\s*an|bo|cuc|chi\s*cuc|"
                     r"trung\s*tam|thanh\s*tra|kho\s*bac|co\s*quan|don\s*vi|vu|tieu\s*ban|to\s*cong\s*tac)\b", _A)
#: proposed, not ticked: which cell means what was guessed
CONFIDENCE = 0.5


def is_deadline_cell(cell: str) -> bool:
    return bool(_DEADLINE.search(fold(cell))) and len(cell.split()) <= 12


def is_agency_cell(cell: str) -> bool:
    # The prose reader's test too, so "Ban hành quy chế …" is a task, not "Ban …" the agency.
    return bool(_AGENCY.match(fold(cell))) and agency_start(cell)


def task_like(cells: list[str]) -> bool:
    """A row that reads like a task: an agency in one cell, a deadline in another."""
    return any(is_agency_cell(c) for c in cells[1:]) and any(is_deadline_cell(c) for c in cells[1:])


def read_headerless_rows(text: str, context: PlanContext) -> list[TaskReading]:
    """Every task-like tab-separated row of ``text``, as a proposal."""
    section = SectionReading(None, "BANG", "Bảng không có dòng tiêu đề cột", 0)
    tasks: list[TaskReading] = []
    for line_number, line in enumerate(text.split("\n"), start=1):
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        if len(cells) < 3 or not task_like(cells):
            continue
        number = cells[0] if _NUMBER.match(cells[0]) else ""
        rest = cells[1:] if number else cells
        deadline_cells = [c for c in rest if is_deadline_cell(c)]
        deadline_text = deadline_cells[-1]
        agencies = [c for c in rest if is_agency_cell(c) and c is not deadline_text]
        others = [c for c in rest if c is not deadline_text and c not in agencies]
        if not others:
            continue
        content = max(others, key=len)
        output = next((c for c in others if c is not content), "")
        owners = read_owners(agencies[0], agencies[1] if len(agencies) > 1 else None)
        deadline = read_deadline(deadline_text, context)
        ref = f"{section.numbering}.{len(tasks) + 1}"
        warning = ReadingWarning(
            "headerless_row",
            f"Dòng {line_number}: dòng của một bảng không có dòng tiêu đề cột; nội dung, cơ quan và thời hạn "
            "được đoán theo ô, cần kiểm tra.",
            f"Line {line_number}: a row of a table without a header row; its content, owners and deadline "
            "were guessed from the cells: check them.")
        tasks.append(TaskReading(
            ref=ref, section=section, number=number or str(len(tasks) + 1), content=content,
            position=len(tasks), line=line_number, raw_rows=[cells],
            assignments=[AssignmentReading(lead=owners.lead, coordinate=owners.coordinate, output=output,
                                           deadline=deadline, line=line_number,
                                           warnings=[warning, *owners.warnings, *deadline.warnings])],
            confidence=CONFIDENCE, reason="Dòng bảng không có tiêu đề cột: cột được đoán theo nội dung ô",
            source_text=" | ".join(cells)))
    return tasks
