"""Tables in the text form of a plan: tab-separated cells, one table row per line.

This is the reader core shared by every front end: a front end turns its format into a
list of ``SourceRow`` (line number + cells, ``None`` for a break such as a blank line or a
page break) plus appendix captions; ``read_rows`` does the rest.

What converted documents do to tables (DOMAIN.md) and how each is read:
- header rows repeated on every page: recognised by their Vietnamese column names and
  skipped (a different header starts a new column mapping);
- section rows ("I", "<b>II</b>", or numeral and title in one cell): open a section; a
  numeral used twice is renumbered with a warning;
- a row broken by a page break continues after the break with an empty number cell:
  cells that continue unfinished text are appended to the row above;
- sub-rows (empty number and task cells) add another owner, output and deadline to the
  task above; an empty deadline in a sub-row is a merged cell and is inherited;
- cells split by the conversion (more cells than columns) are joined and flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .result import ReadingWarning, SectionReading
from .text import clean, fold

NUMBER, TASK, OUTPUT, OWNERS, LEAD, COORDINATE, DEADLINE, NOTE = (
    "number", "task", "output", "owners", "lead", "coordinate", "deadline", "note")
ASSIGNMENT_COLUMNS = (OUTPUT, OWNERS, LEAD, COORDINATE, DEADLINE)

# Column meaning from header wording, tried in this order (DOMAIN.md, "Table columns").
# Order matters: "Kết quả công việc" is an output, "Thời gian thực hiện" a deadline.
_HEADER_RULES: list[tuple[str, re.Pattern]] = [
    (NUMBER, re.compile(r"^(s?tt|so tt|so thu tu|stt\.?|tt\.?)$")),
    (LEAD, re.compile(r"chu tri")),
    (COORDINATE, re.compile(r"phoi hop")),
    (DEADLINE, re.compile(r"thoi gian|thoi han|tien do|han hoan thanh|moc thoi gian")),
    (OUTPUT, re.compile(r"san pham|ket qua|hinh thuc")),
    (OWNERS, re.compile(r"phan cong|(co quan|don vi|trach nhiem)\b.*thuc hien|^co quan|^don vi"
                        r"|chiu trach nhiem")),
    (TASK, re.compile(r"noi dung|nhiem vu|cong viec|giai phap|hoat dong")),
    (NOTE, re.compile(r"ghi chu")),
]

_ROMAN = re.compile(r"^(?=[IVXLC])(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_SECTION_CELL = re.compile(r"^(?P<num>[IVXLC]+)(?:\s*[.:/)-]\s*|\s+|$)(?P<title>.*)$")
_TASK_NUMBER = re.compile(r"^(\d+(?:\.\d+)*|[a-zđ])[.):]?$", re.IGNORECASE)
_APPENDIX = re.compile(r"^\W*phu luc\s*(?:so\s*)?(?P<n>[0-9]+|[ivxlc]+)?\b", re.IGNORECASE)
_TERMINAL = (".", ";", "!", "?", ")", "”", '"', ":")


def roman_to_int(numeral: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for i, ch in enumerate(numeral):
        value = values[ch]
        total += -value if i + 1 < len(numeral) and values[numeral[i + 1]] > value else value
    return total


def int_to_roman(number: int) -> str:
    out = ""
    for value, numeral in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"),
                           (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out += numeral
            number -= value
    return out


@dataclass
class SourceRow:
    """One table row as a front end saw it. ``cells`` is None for a break (blank line)."""

    line: int
    cells: list[str] | None
    appendix: str | None = None        # set on a caption line "PHỤ LỤC 2"
    prose: str | None = None           # a non-table line met inside or after a table


@dataclass
class RawAssignment:
    """Cells of one (sub-)row, gathered across page breaks, before interpretation."""

    line: int
    cells: dict[str, str]
    warnings: list[ReadingWarning] = field(default_factory=list)
    merged_deadline_from: RawAssignment | None = None


@dataclass
class RawTask:
    number: str
    content: str
    section: SectionReading | None
    line: int
    appendix: str | None = None
    raw_rows: list[list[str]] = field(default_factory=list)
    rows: list[RawAssignment] = field(default_factory=list)
    warnings: list[ReadingWarning] = field(default_factory=list)


@dataclass
class TableReading:
    sections: list[SectionReading]
    tasks: list[RawTask]
    warnings: list[ReadingWarning]
    header_found: bool


def header_columns(cells: list[str]) -> dict[int, str] | None:
    """Map column index → meaning if ``cells`` is a header row, else None."""
    mapping: dict[int, str] = {}
    for index, cell in enumerate(cells):
        folded = re.sub(r"[^\w ]", " ", fold(clean(cell)))
        folded = re.sub(r"\s+", " ", folded).strip()
        if not folded:
            continue
        if len(folded) > 60:
            return None  # header cells are names, not sentences ("... chủ trì phối hợp ...")
        for meaning, rule in _HEADER_RULES:
            if rule.search(folded) and meaning not in mapping.values():
                mapping[index] = meaning
                break
        else:
            return None  # every header cell names a column
    meanings = set(mapping.values())
    if TASK in meanings and (meanings & {OWNERS, LEAD, DEADLINE, OUTPUT}) and len(meanings) >= 3:
        return mapping
    return None


def text_rows(text: str) -> list[SourceRow]:
    """The text front end: tab-separated lines become rows, blank lines breaks."""
    rows: list[SourceRow] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if "\t" in line:
            rows.append(SourceRow(number, line.split("\t")))
            continue
        stripped = clean(re.sub(r"[*#_>]", " ", line))
        if not stripped:
            rows.append(SourceRow(number, None))
            continue
        match = _APPENDIX.match(fold(stripped))
        if match and len(stripped) < 60:
            n = match.group("n")
            label = (str(roman_to_int(n.upper())) if n and not n.isdigit() else n) or "1"
            rows.append(SourceRow(number, None, appendix=f"PL{label}"))
        else:
            rows.append(SourceRow(number, None, prose=stripped))
    return rows


def _is_header_cell_text(cells: list[str]) -> bool:
    return header_columns(cells) is not None


def _continues(fragment: str, previous: str) -> bool:
    """Does ``fragment`` (after a page break) continue ``previous`` rather than start anew?"""
    if not fragment:
        return True
    if not previous:
        return False
    first = fragment.lstrip("\"“'( ")[:1]
    if first.isalpha():
        return first.islower()
    return not previous.rstrip().endswith(_TERMINAL)


def _join(previous: str, fragment: str) -> str:
    if not previous:
        return fragment
    if not fragment:
        return previous
    return f"{previous} {fragment}"


class _Reader:
    def __init__(self) -> None:
        self.columns: dict[int, str] | None = None
        self.width = 0
        self.appendix: str | None = None
        self.sections: list[SectionReading] = []
        self.section: SectionReading | None = None
        self.tasks: list[RawTask] = []
        self.task: RawTask | None = None
        self.warnings: list[ReadingWarning] = []
        self.after_break = False
        self.header_found = False
        self.ended = False        # prose met after the table: later rows need a header
        self.appendix_title: str | None = None   # the heading under "PHỤ LỤC n"

    # -- helpers -------------------------------------------------------------------------

    def _named(self, cells: list[str]) -> dict[str, str]:
        assert self.columns is not None
        named: dict[str, str] = {}
        for index, meaning in self.columns.items():
            named[meaning] = cells[index] if index < len(cells) else ""
        return named

    def _fit(self, raw: list[str], line: int) -> tuple[list[str], list[ReadingWarning]]:
        """Cells cleaned and fitted to the header's width; surplus cells joined and flagged."""
        cells = [clean(c) for c in raw]
        warnings: list[ReadingWarning] = []
        while len(cells) > self.width and not cells[-1]:
            cells.pop()
        if len(cells) > self.width:
            cells, warning = self._join_split_cells(cells, line)
            warnings.append(warning)
        while len(cells) < self.width:
            cells.append("")
        return cells, warnings

    def _join_split_cells(self, cells: list[str], line: int) -> tuple[list[str], ReadingWarning]:
        """A conversion split one cell in two: join the pair inside the owner columns.

        The deadline is read from the last cell, the number and task from the first ones;
        the surplus belongs to the owner (or output) column, where conversions split most.
        """
        assert self.columns is not None
        surplus = len(cells) - self.width
        order = sorted(self.columns.items())
        target = next((i for i, m in order if m in (OWNERS, LEAD, COORDINATE)), None)
        if target is None:
            target = next((i for i, m in order if m == OUTPUT), self.width - 1)
        pieces = cells[target:target + surplus + 1]
        joined = " ".join(p for p in pieces if p)
        fixed = cells[:target] + [joined] + cells[target + surplus + 1:]
        meaning = self.columns.get(target, "")
        warning = ReadingWarning(
            "split_cell",
            f"Dòng {line}: ô “{meaning}” bị tách thành {surplus + 1} ô khi chuyển đổi "
            f"(“{' | '.join(pieces)}”); đã ghép lại, cần kiểm tra.",
            f"Line {line}: the {meaning} cell was split into {surplus + 1} cells by the "
            f"conversion; joined, please check.",
            suggestion=joined)
        return fixed, warning

    def _section_row(self, named: dict[str, str]) -> tuple[str, str] | None:
        """(numeral, title) if the row is a section heading."""
        number = named.get(NUMBER, "")
        title = named.get(TASK, "")
        others = [v for k, v in named.items() if k not in (NUMBER, TASK, NOTE) and v]
        if others:
            return None
        match = _SECTION_CELL.match(number)
        if match and _ROMAN.match(match.group("num")):
            inline = match.group("title").strip()
            return match.group("num"), clean(_join(inline, title))
        if not number and title:
            match = _SECTION_CELL.match(title)
            if match and _ROMAN.match(match.group("num")) and match.group("title"):
                return match.group("num"), match.group("title")
        return None

    def _open_section(self, numeral: str, title: str, line: int) -> None:
        in_appendix = [s for s in self.sections if s.appendix == self.appendix]
        used = {s.numbering for s in in_appendix}
        expected = int_to_roman(roman_to_int(in_appendix[-1].numbering) + 1) if in_appendix else None
        if numeral in used and expected:
            self.warnings.append(ReadingWarning(
                "repeated_section_number",
                f"Dòng {line}: số mục “{numeral}” đã dùng cho mục trước; đánh lại thành “{expected}”.",
                f"Line {line}: section number “{numeral}” is used twice; renumbered “{expected}”.",
                suggestion=expected))
            numeral = expected
        self.section = SectionReading(self.appendix, numeral, title, len(self.sections))
        self.sections.append(self.section)
        self.task = None

    def _new_task(self, number: str, cells: dict[str, str], line: int, raw: list[str],
                  warnings: list[ReadingWarning]) -> None:
        if self.section is None and self.appendix:
            # An appendix whose table has no section rows: the appendix is the section.
            self.section = SectionReading(self.appendix, "", self.appendix_title or self.appendix,
                                          len(self.sections))
            self.sections.append(self.section)
        self.task = RawTask(number.rstrip(".):"), cells.get(TASK, ""), self.section, line,
                            appendix=self.appendix, raw_rows=[raw], warnings=list(warnings))
        self.tasks.append(self.task)
        assignment_cells = {k: v for k, v in cells.items() if k in ASSIGNMENT_COLUMNS}
        self.task.rows.append(RawAssignment(line, assignment_cells))

    def _continue_or_subrow(self, cells: dict[str, str], line: int, raw: list[str],
                            warnings: list[ReadingWarning]) -> None:
        task = self.task
        assert task is not None
        task.raw_rows.append(raw)
        task.warnings.extend(warnings)
        fragment = cells.get(TASK, "")
        if fragment:
            if _continues(fragment, task.content) or self.after_break:
                task.content = _join(task.content, fragment)
            else:
                # Unnumbered content in the middle of a task: keep it, and say so.
                task.content = _join(task.content, fragment)
                task.warnings.append(ReadingWarning(
                    "unnumbered_row",
                    f"Dòng {line}: dòng không có số thứ tự nhưng có nội dung riêng; đã gộp vào nhiệm vụ trên.",
                    f"Line {line}: a row without a number has its own content; merged into the task above."))
        values = {k: v for k, v in cells.items() if k in ASSIGNMENT_COLUMNS and v}
        if not values:
            return
        current = task.rows[-1]
        owners = any(values.get(k) for k in (OWNERS, LEAD))
        unfinished = all(not current.cells.get(k, "").rstrip().endswith(_TERMINAL)
                         for k in values)
        # After a page break, fragments that continue the row above are appended to it; so
        # is a fragment with no owner of its own where every cell above was left unfinished.
        if (all(_continues(v, current.cells.get(k, "")) for k, v in values.items())
                or (self.after_break and not owners and unfinished)):
            for key, value in values.items():
                current.cells[key] = _join(current.cells.get(key, ""), value)
            return
        sub = RawAssignment(line, {k: cells.get(k, "") for k in ASSIGNMENT_COLUMNS if k in cells})
        task.rows.append(sub)

    # -- main loop -----------------------------------------------------------------------

    def feed(self, row: SourceRow) -> None:
        if row.cells is None:
            if row.appendix:
                self.appendix = row.appendix
                self.appendix_title = None
                self.section = None
                self.task = None
            elif row.prose is not None and self.appendix and self.appendix_title is None \
                    and self.section is None and self.task is None:
                if not row.prose.startswith("("):   # not the "(Kèm theo Kế hoạch số ...)" line
                    self.appendix_title = row.prose
            elif row.prose is not None:
                # Prose after a table closes it: the next rows need their header again.
                if self.columns is not None and self.task is not None:
                    self.ended = True
            self.after_break = True
            return
        header = header_columns([clean(c) for c in row.cells])
        if header is not None:
            if header != self.columns and self.columns is not None:
                self.task = None if self.ended else self.task
            self.columns, self.width = header, len(row.cells)
            while self.width > 0 and not clean(row.cells[self.width - 1]):
                self.width -= 1
            self.width = max(self.width, max(header) + 1)
            self.header_found = True
            self.ended = False
            return
        if self.columns is None:
            return  # tab-separated text before any table header: not part of a plan table
        if self.ended:
            self.warnings.append(ReadingWarning(
                "row_after_table",
                f"Dòng {row.line}: dòng bảng sau đoạn văn bản, không có tiêu đề cột; đọc theo bảng trước.",
                f"Line {row.line}: a table row after prose with no header; read with the previous table's columns."))
            self.ended = False
        fitted, warnings = self._fit(row.cells, row.line)
        if not any(fitted):
            return
        named = self._named(fitted)
        section = self._section_row(named)
        if section:
            self._open_section(section[0], section[1], row.line)
            self.after_break = False
            return
        number = named.get(NUMBER, "")
        if number and _TASK_NUMBER.match(number):
            self._new_task(number, named, row.line, fitted, warnings)
        elif self.task is None:
            if number:
                self._new_task(number, named, row.line, fitted, warnings)
            else:
                self._new_task("", named, row.line, fitted, warnings + [ReadingWarning(
                    "missing_number",
                    f"Dòng {row.line}: nhiệm vụ không có số thứ tự.",
                    f"Line {row.line}: task without a number.")])
        else:
            if number:
                warnings.append(ReadingWarning(
                    "odd_number", f"Dòng {row.line}: số thứ tự không đọc được: “{number}”.",
                    f"Line {row.line}: unreadable row number “{number}”."))
                self._new_task(number, named, row.line, fitted, warnings)
            else:
                self._continue_or_subrow(named, row.line, fitted, warnings)
        self.after_break = False


def read_rows(rows: list[SourceRow]) -> TableReading:
    reader = _Reader()
    for row in rows:
        reader.feed(row)
    return TableReading(reader.sections, reader.tasks, reader.warnings, reader.header_found)
