"""Deadlines hidden in the prose of a tabular plan's "TỔ CHỨC THỰC HIỆN" section.

DOMAIN.md: "III/IV. TỔ CHỨC THỰC HIỆN (who does what; more deadlines hide here in prose)".
A sentence there becomes a candidate task only when it carries an explicit dated deadline
("trước ngày 30/01/2017", "trong tháng 3/2021", "trong quý II/2021") and names who must
do it, either at its own start or in its numbered lead-in ("1. Thủ trưởng các Sở, ban,
ngành tỉnh, Chủ tịch UBND cấp huyện chịu trách nhiệm:"). Candidates are kept apart from
the table's tasks (``PlanReading.prose_tasks``) and carry a ``prose_task`` warning: the
plan author confirms them. Whole prose programmes are a separate, larger reader.
"""

from __future__ import annotations

import re

from .deadlines import read_deadline
from .owners import _starts_agency, read_owners
from .result import AssignmentReading, PlanContext, ReadingWarning, SectionReading, TaskReading
from .text import clean, fold

_HEADING = re.compile(r"^[IVX]+\s*[.:]\s*tổ chức thực hiện", re.IGNORECASE)
_NEXT_HEADING = re.compile(r"^([IVX]+\s*[.:]\s+\S|phụ lục|nơi nhận|tm\.|kt\.)", re.IGNORECASE)
_ITEM = re.compile(r"^(?P<num>\d+)\s*[.)]\s*(?P<text>.+)$")
_BULLET = re.compile(r"^[-–+•]\s*(?P<text>.+)$")
# Explicit dated deadlines only: prose is full of dates that are not deadlines.
_DATED = re.compile(
    r"(?:(?:hoàn thành\s+)?(?:trước|chậm nhất(?:\s+là)?|trong|đến|hạn chót)\s+)"
    r"(?:ngày\s+\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?"
    r"|\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}"
    r"|tháng\s+\d{1,2}(?:\s*/\s*\d{4}|\s+năm\s+\d{4})?"
    r"|quý\s+(?:[IVX]+|\d)(?:\s*/\s*\d{4}|\s+năm\s+\d{4})?)",
    re.IGNORECASE)
_RESPONSIBLE = re.compile(r"\s*(?:chịu trách nhiệm|có trách nhiệm|chủ trì|thực hiện|tổ chức)?\s*:?\s*$",
                          re.IGNORECASE)
_SENTENCE_OWNER = re.compile(
    r"^(?:giao\s+)?(?P<owners>.+?)\s+(?:căn cứ|chịu trách nhiệm|có trách nhiệm|chủ trì|"
    r"tham mưu|xây dựng|triển khai|tổ chức|thực hiện|gửi|báo cáo|hoàn thành|rà soát)\b", re.IGNORECASE)
_TITLES = re.compile(r"\b(thủ trưởng|chủ tịch|giám đốc|trưởng)\s+(?=(các|ubnd|ủy ban|sở|phòng|ban)\b)",
                     re.IGNORECASE)


def _lines(text: str) -> list[tuple[int, str]]:
    return [(n, clean(re.sub(r"[*#_>]", " ", line)))
            for n, line in enumerate(text.split("\n"), start=1) if "\t" not in line]


def _owners_text(text: str) -> str:
    """Owners as agencies: "Thủ trưởng các Sở ..., Chủ tịch UBND cấp huyện" → the bodies."""
    return _TITLES.sub("", text).strip(" ,;:")


def read_prose_tasks(text: str, context: PlanContext) -> list[TaskReading]:
    lines = _lines(text)
    start = next((i for i, (_, line) in enumerate(lines) if _HEADING.match(line)), None)
    if start is None:
        return []
    section = SectionReading(None, "TCTH", clean(lines[start][1]), -1)
    tasks: list[TaskReading] = []
    lead_in = ""
    for number, line in lines[start + 1:]:
        if not line:
            continue
        if _NEXT_HEADING.match(line):
            break
        item = _ITEM.match(line)
        bullet = _BULLET.match(line)
        sentence = (item or bullet).group("text") if (item or bullet) else line
        if item:
            lead_in = ""
            if sentence.rstrip().endswith(":"):
                lead_in = _owners_text(_RESPONSIBLE.sub("", sentence))
                continue
        match = _DATED.search(sentence)
        if not match:
            continue
        owners_text = ""
        own = _SENTENCE_OWNER.match(sentence)
        if own and _starts_agency(own.group("owners")):
            owners_text = _owners_text(own.group("owners"))
        elif bullet and lead_in:
            owners_text = lead_in
        if not owners_text:
            continue
        deadline = read_deadline(match.group(0), context)
        if deadline.kind not in ("date", "range"):
            continue
        owners = read_owners(owners_text)
        if not owners.lead:
            continue
        warning = ReadingWarning(
            "prose_task",
            f"Dòng {number}: nhiệm vụ có thời hạn đọc từ phần “{section.title}” (văn xuôi); "
            "cần xác nhận trước khi theo dõi.",
            f"Line {number}: a dated task read from the prose of “{section.title}”; confirm it "
            "before tracking it.")
        assignment = AssignmentReading(lead=owners.lead, coordinate=owners.coordinate, output="",
                                       deadline=deadline, line=number,
                                       warnings=[warning, *owners.warnings, *deadline.warnings])
        tasks.append(TaskReading(ref=f"TCTH.{len(tasks) + 1}", section=section,
                                 number=str(len(tasks) + 1), content=sentence.rstrip(" ;"),
                                 position=10_000 + len(tasks), line=number,
                                 raw_rows=[[line]], assignments=[assignment]))
    return tasks


__all__ = ["read_prose_tasks", "fold"]
