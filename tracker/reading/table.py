"""Tables in the text form of a plan: tab-separated cells, one table row per line.

This is the reader core shared by every front end: a front end turns its format into a
list of ``SourceRow`` (line number + cells, ``None`` for a break such as a blank line or a
page break) plus appendix captions; ``read_rows`` does the rest.

What converted documents do to tables (docs/domain.md, "Converted documents") and how
each is read:
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
from functools import lru_cache
from itertools import combinations

from .deadlines import read_deadline
from .formats.crawled import MERGED
from .owners import _starts_agency
from .result import PlanContext, ReadingWarning, SectionReading
from .text import clean, fold

NUMBER, TASK, OUTPUT, OWNERS, LEAD, COORDINATE, DEADLINE, NOTE, OTHER = (
    "number", "task", "output", "owners", "lead", "coordinate", "deadline", "note", "other")
ASSIGNMENT_COLUMNS = (OUTPUT, OWNERS, LEAD, COORDINATE, DEADLINE)
# What each column is called in a warning an author reads (Vietnamese, English).
COLUMN_NAMES = {NUMBER: ("số thứ tự", "number"), TASK: ("nội dung", "task"), OUTPUT: ("sản phẩm", "output"),
                OWNERS: ("cơ quan thực hiện", "owners"), LEAD: ("cơ quan chủ trì", "lead agency"),
                COORDINATE: ("cơ quan phối hợp", "coordinating agencies"), DEADLINE: ("thời hạn", "deadline"),
                NOTE: ("ghi chú", "notes"), OTHER: ("khác", "other")}

# Column meaning from header wording, tried in this order (docs/domain.md, "Table columns").
# Order matters: "Kết quả công việc" is an output, "Thời gian thực hiện" a deadline.
_HEADER_RULES: list[tuple[str, re.Pattern]] = [
    (NUMBER, re.compile(r"^(s?tt|so tt|so thu tu|stt\.?|tt\.?)$")),
    (LEAD, re.compile(r"chu tri")),
    (COORDINATE, re.compile(r"phoi hop")),
    (DEADLINE, re.compile(r"thoi gian|thoi han|tien do|han hoan thanh|moc thoi gian")),
    (OUTPUT, re.compile(r"san pham|ket qua|hinh thuc")),
    # Who proposed an item (a province's request in a summary of requests) is not its owner.
    (OTHER, re.compile(r"^(tinh|dia phuong|don vi|co quan) (kien nghi|de xuat|de nghi)$")),
    (OWNERS, re.compile(r"phan cong|(co quan|don vi|trach nhiem)\b.*thuc hien|^co quan|^don vi"
                        r"|chiu trach nhiem|phu trach|tiep nhan,? xu ly")),
    (TASK, re.compile(r"noi dung|nhiem vu|cong viec|giai phap|hoat dong|thong tin de xuat|"
                      r"(de xuat|kien nghi|de nghi)( cua)?( cac)? ?(dia phuong|don vi)?$")),
    (NOTE, re.compile(r"ghi chu")),
    # Columns the tracker does not use (budget, funding source), recognised so the header is.
    (OTHER, re.compile(r"kinh phi|nguon|du toan|von|dia ban|doi tuong|chi tieu|muc tieu")),
]
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")
# Words after which a cell cannot end: the text continues after a page break.
_DANGLING = re.compile(r"(\b(và|của|với|cho|các|những|tại|về|trong|theo|để|đến|từ|do)|[-–,(])$",
                       re.IGNORECASE)
# The signature block and distribution list end the plan's tables.
_CLOSING = re.compile(r"^(nơi nhận|tm\.|kt\.|t/m|lưu\s*:|chủ tịch$|phó chủ tịch$)", re.IGNORECASE)
_LETTER_SECTION = re.compile(r"^(?P<num>[A-HĐ])(?:\s*[.:/)-]\s*|\s+|$)(?P<title>.*)$")

_ROMAN = re.compile(r"^(?=[IVXLC])(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_SUBSECTION = re.compile(r"^(?P<num>[IVXLC]{1,6}(?:\.\d{1,3})+)\.?$")
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


def cell_meaning(cell: str) -> str | None:
    """The column a header cell names, if any."""
    folded = re.sub(r"[^\w ]", " ", fold(clean(cell)))
    folded = re.sub(r"\s+", " ", folded).strip()
    if not folded or len(folded) > 60:
        return None  # header cells are names, not sentences ("... chủ trì phối hợp ...")
    for meaning, rule in _HEADER_RULES:
        if rule.search(folded):
            return meaning
    return None


def header_columns(cells: list[str]) -> dict[int, str] | None:
    """Map column index → meaning if ``cells`` is a header row, else None.

    One cell may name a column we do not know; a meaning named twice keeps its first column.
    """
    mapping: dict[int, str] = {}
    unknown: list[int] = []
    for index, cell in enumerate(cells):
        if not clean(cell):
            continue
        meaning = cell_meaning(cell)
        if meaning is None:
            if len(clean(cell)) > 60:
                return None
            unknown.append(index)
            meaning = OTHER
        mapping[index] = OTHER if meaning in mapping.values() and meaning != OTHER else meaning
    meanings = set(mapping.values())
    if unknown and TASK not in meanings and {NUMBER, DEADLINE} <= meanings and meanings & {OWNERS, LEAD}:
        # A number, a time and who is responsible: what the first unnamed column lists are
        # the tasks ("Tên thông tin thống kê", "Tên đề án", "Tên báo cáo").
        mapping[unknown[0]] = TASK
        unknown = unknown[1:] if len(unknown) <= 2 else unknown
        meanings.add(TASK)
    if len(unknown) > 1:
        return None
    if TASK in meanings and len(meanings & {OWNERS, LEAD, DEADLINE, OUTPUT}) >= 1 \
            and len(meanings - {OTHER}) >= 3:
        return mapping
    return None


def _column_numbers(cells: list[str]) -> bool:
    """A row "(1) (2) (3) ..." or "1 2 3 ..." numbering the columns under the header (letters
    first too: "A B 1 2 3 4", as statistical forms label theirs)."""
    values = [c.strip("() ") for c in cells if c.strip()]
    letters = 0
    while letters < len(values) and re.fullmatch(r"[A-Z]", values[letters]) \
            and ord(values[letters]) == ord("A") + letters:
        letters += 1
    numbers = values[letters:]
    return (len(values) >= 3 and len(numbers) >= 2 and all(_COLUMN_NUMBER.match(v) for v in numbers)
            and [int(v) for v in numbers] == list(range(int(numbers[0]), int(numbers[0]) + len(numbers))))


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
            label = (str(roman_to_int(n.upper())) if n and not n.isdigit() else
                     str(int(n)) if n else "1")
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
    if _DANGLING.search(previous.rstrip()):
        return True   # "Sở Tài nguyên và" | "Môi trường": the name goes on
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
        self.letter: str | None = None           # current letter section ("A"), if any
        self.header_row = False                  # the previous row was a header row
        self.closed = False                      # the signature block was met: tables are over
        self.last_row: list[str] | None = None   # the previous task row, fitted (for spans)

    # -- helpers -------------------------------------------------------------------------

    def _named(self, cells: list[str]) -> dict[str, str]:
        assert self.columns is not None
        named: dict[str, str] = {}
        for index, meaning in self.columns.items():
            named[meaning] = cells[index] if index < len(cells) else ""
        return named

    def _fit(self, raw: list[str], line: int) -> tuple[list[str], list[ReadingWarning]]:
        """Cells cleaned and fitted to the header's width; surplus cells joined and flagged,
        a numbered row short of cells aligned to its columns (a cell merged over rows)."""
        cells = [clean(c) for c in raw]
        merged = MERGED in cells          # a web table said some cells are merged from above
        cells = [c for c in cells if c != MERGED]
        warnings: list[ReadingWarning] = []
        while len(cells) > self.width and not cells[-1]:
            cells.pop()
        if len(cells) > self.width:
            cells, warning = self._join_split_cells(cells, line)
            warnings.append(warning)
        if len(cells) < self.width and len(cells) >= 2 and re.fullmatch(r"\d+(?:\.\d+)*[.)]?", cells[0]):
            spanned = self._spanned(cells, line, merged)
            if spanned is not None:
                cells, warning = spanned
                warnings.append(warning)
        while len(cells) < self.width:
            cells.append("")
        return cells, warnings

    def _spanned(self, cells: list[str], line: int, merged: bool) -> tuple[list[str], ReadingWarning] | None:
        """A numbered row with fewer cells than columns (empty cells are still cells): a web
        table printed a cell merged over several rows (one lead agency, one deadline for a
        group) only in its first row. Its cells go where they fit best, and the missing
        cells are the ones above them. When the cells fit in order, only a web table's own word
        (``merged``) makes the last ones merged rather than empty."""
        assert self.columns is not None
        missing = self.width - len(cells)
        if self.last_row is None or missing > 4:
            return None
        candidates = [i for i in range(self.width) if self.columns.get(i) in ASSIGNMENT_COLUMNS]

        def placed(gaps: tuple[int, ...]) -> list[str | None]:
            out: list[str | None] = []
            rest = iter(cells)
            for i in range(self.width):
                out.append(None if i in gaps else next(rest, ""))
            return out

        def score(layout: list[str | None]) -> int:
            return sum(_fit_score(self.columns.get(i, OTHER) if self.columns else OTHER, c)
                       for i, c in enumerate(layout) if c is not None)

        in_order = tuple(range(len(cells), self.width))
        best, best_score = in_order, score(placed(in_order))
        for gaps in combinations(candidates, missing):
            value = score(placed(gaps))
            if value > best_score:
                best, best_score = gaps, value
        if best == in_order and not merged:
            return None                  # (a short tab-separated row: its last cells are empty)
        if not any(self.columns.get(i) in ASSIGNMENT_COLUMNS and self.last_row[i] for i in best
                   if i < len(self.last_row)):
            return None                  # nothing above to take: cells left empty
        layout = placed(best)
        fitted = [c if c is not None else self.last_row[i] if i < len(self.last_row) else ""
                  for i, c in enumerate(layout)]
        names = ", ".join(COLUMN_NAMES.get(self.columns.get(i, OTHER), ("", ""))[0] for i in best)
        names_en = ", ".join(COLUMN_NAMES.get(self.columns.get(i, OTHER), ("", ""))[1] for i in best)
        return fitted, ReadingWarning(
            "merged_cell",
            f"Dòng {line}: dòng thiếu ô “{names}” (ô gộp với dòng trên); đã lấy theo dòng trên, cần kiểm tra.",
            f"Line {line}: the row has no {names_en} cell (merged with the row above); taken from "
            f"the row above, please check.")

    def _join_split_cells(self, cells: list[str], line: int) -> tuple[list[str], ReadingWarning]:
        """A conversion split one cell in two: join the pair inside the owner columns.

        The deadline is read from the last cell, the number and task from the first ones;
        the surplus belongs to the owner (or output) column, where conversions split most.
        """
        assert self.columns is not None
        surplus = len(cells) - self.width
        order = sorted(self.columns.items())
        # Evidence first: a text cell left unfinished and a next cell continuing in lower case.
        target = next((i for i, m in order if m in (TASK, OUTPUT, OWNERS, LEAD, COORDINATE)
                       and i + 1 < len(cells) and cells[i] and cells[i + 1][:1].islower()
                       and not cells[i].endswith(_TERMINAL)), None)
        if target is None:
            target = next((i for i, m in order if m in (OWNERS, LEAD, COORDINATE)), None)
        if target is None:
            target = next((i for i, m in order if m == OUTPUT), self.width - 1)
        pieces = cells[target:target + surplus + 1]
        joined = " ".join(p for p in pieces if p)
        fixed = cells[:target] + [joined] + cells[target + surplus + 1:]
        meaning_vi, meaning_en = COLUMN_NAMES.get(self.columns.get(target, ""), ("", ""))
        warning = ReadingWarning(
            "split_cell",
            f"Dòng {line}: ô “{meaning_vi}” bị tách thành {surplus + 1} ô khi chuyển đổi "
            f"(“{' | '.join(pieces)}”); đã ghép lại, cần kiểm tra.",
            f"Line {line}: the {meaning_en} cell was split into {surplus + 1} cells by the "
            f"conversion; joined, please check.",
            suggestion=joined)
        return fixed, warning

    def _section_row(self, named: dict[str, str]) -> tuple[str, str, bool] | None:
        """(numeral, title, is_letter) if the row is a section heading ("II", "A. ...")."""
        number = named.get(NUMBER, "")
        title = named.get(TASK, "")
        others = [v for k, v in named.items() if k not in (NUMBER, TASK, NOTE, OTHER) and v]
        if others:
            return None
        sub = _SUBSECTION.match(number)
        if sub and title:                # "III.1.2 | Nhóm các nền tảng …": a group inside III
            return sub.group("num"), clean(title), False
        match = _SECTION_CELL.match(number)
        if match and _ROMAN.match(match.group("num")):
            inline = match.group("title").strip()
            return match.group("num"), clean(_join(inline, title)), False
        match = _LETTER_SECTION.match(number)
        if match and (match.group("title") or title):
            return match.group("num"), clean(_join(match.group("title"), title)), True
        if not number and title:
            match = _SECTION_CELL.match(title)
            if match and _ROMAN.match(match.group("num")) and match.group("title"):
                return match.group("num"), match.group("title"), False
        return None

    def _open_section(self, numeral: str, title: str, line: int, letter: bool = False) -> None:
        """Open a section; a number used twice in the same scope is renumbered, with a warning.

        Letter sections ("A", "B") may hold Roman ones: "A.I", "A.II".
        """
        if letter:
            prefix, scope = "", [s.numbering for s in self.sections if s.appendix == self.appendix
                                 and s.numbering and "." not in s.numbering
                                 and not _ROMAN.match(s.numbering)]
            following = chr(ord(scope[-1]) + 1) if scope else None
        else:
            prefix = f"{self.letter}." if self.letter else ""
            scope = [s.numbering[len(prefix):] for s in self.sections
                     if s.appendix == self.appendix and s.numbering.startswith(prefix)
                     and _ROMAN.match(s.numbering[len(prefix):] or "-")]
            following = int_to_roman(roman_to_int(scope[-1]) + 1) if scope else None
        if numeral in scope and following:
            self.warnings.append(ReadingWarning(
                "repeated_section_number",
                f"Dòng {line}: số mục “{numeral}” đã dùng cho mục trước; đánh lại thành “{following}”.",
                f"Line {line}: section number “{numeral}” is used twice; renumbered “{following}”.",
                suggestion=following))
            numeral = following
        if letter:
            self.letter = numeral
        self.section = SectionReading(self.appendix, prefix + numeral, title, len(self.sections))
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
            elif cells.get(LEAD) or cells.get(OWNERS):
                # Its own duty and its own owner: a task the author left unnumbered.
                task.raw_rows.pop()
                self._new_task("", cells, line, raw, warnings + [ReadingWarning(
                    "unnumbered_task",
                    f"Dòng {line}: dòng không có số thứ tự nhưng có nội dung và cơ quan thực hiện "
                    "riêng; đọc thành một nhiệm vụ riêng.",
                    f"Line {line}: a row without a number has its own content and owner; read as a "
                    "task of its own.")])
                return
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
            self._feed_break(row)
            return
        cells = [clean(c) for c in row.cells]
        header = header_columns(cells)
        if header is not None:
            if header != self.columns and self.columns is not None:
                self.task = None if self.ended else self.task
            self.columns, self.width = header, len(cells)
            while self.width > 0 and not cells[self.width - 1]:
                self.width -= 1
            self.width = max(self.width, max(header) + 1)
            self.header_found = True
            self.ended = self.closed = False
            self.header_row = True
            return
        if self.columns is None:
            return  # tab-separated text before any table header: not part of a plan table
        if any(_CLOSING.match(c) for c in cells if c):
            self.closed = True   # "Nơi nhận: | TM. ỦY BAN NHÂN DÂN": the signature block
        if self.closed:
            return
        if self.header_row and self._second_header_row(cells):
            return
        was_header, self.header_row = self.header_row, False
        if was_header and _column_numbers(cells):
            return  # "(1) (2) (3) ..." under the header
        fitted, warnings = self._fit(row.cells, row.line)
        if not any(fitted):
            return
        named = self._named(fitted)
        if self.ended:
            number = named.get(NUMBER, "")
            if not (_TASK_NUMBER.match(number) or self._section_row(named)):
                self.warnings.append(ReadingWarning(
                    "row_outside_table",
                    f"Dòng {row.line}: dòng có ô bảng nằm ngoài bảng nhiệm vụ, không đọc: "
                    f"“{' | '.join(c for c in fitted if c)}”.",
                    f"Line {row.line}: a tabbed line outside the task table was not read."))
                return
            self.warnings.append(ReadingWarning(
                "row_after_table",
                f"Dòng {row.line}: dòng bảng sau đoạn văn bản, không có tiêu đề cột; đọc theo bảng trước.",
                f"Line {row.line}: a table row after prose with no header; read with the previous table's columns."))
            self.ended = False
        for index, cell in enumerate(fitted):
            if cell and index not in self.columns:
                warnings.append(ReadingWarning(
                    "unmapped_cell",
                    f"Dòng {row.line}: ô thứ {index + 1} không thuộc cột nào có tiêu đề: “{cell}”.",
                    f"Line {row.line}: cell {index + 1} is under no column heading: “{cell}”.",
                    suggestion=cell))
        section = self._section_row(named)
        if section:
            self._open_section(section[0], section[1], row.line, letter=section[2])
            self.after_break = False
            return
        number = named.get(NUMBER, "")
        if number and _TASK_NUMBER.match(number):
            self.last_row = fitted
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

    def _feed_break(self, row: SourceRow) -> None:
        if row.appendix:
            self.appendix = row.appendix
            self.appendix_title = None
            self.section = None
            self.letter = None
            self.task = None
            self.closed = False
        elif row.prose is not None and _CLOSING.match(row.prose):
            self.closed = self.columns is not None
        elif row.prose is not None and self.appendix and self.appendix_title is None \
                and self.section is None and self.task is None:
            if not row.prose.startswith("("):   # not the "(Kèm theo Kế hoạch số ...)" line
                self.appendix_title = row.prose
        elif row.prose is not None:
            # Prose after a table closes it: the next rows need their header again.
            if self.columns is not None and self.task is not None:
                self.ended = True
        self.after_break = True

    def _second_header_row(self, cells: list[str]) -> bool:
        """A second header row under merged headings ("Phân công thực hiện" over "Chủ trì |
        Phối hợp"): its names refine the columns they sit in."""
        named = {i: _SPAN_ENDS.get(_words(c)) or cell_meaning(c) for i, c in enumerate(cells) if c}
        if not named or any(m is None for m in named.values()):
            return False
        assert self.columns is not None
        if _END_OF_SPAN in named.values():
            # "Thời gian" over "Bắt đầu | Hoàn thành": the deadline is when the work ends.
            self.columns = {i: (OTHER if m == DEADLINE else m) for i, m in self.columns.items()}
        for index, meaning in named.items():
            self.columns[index] = DEADLINE if meaning == _END_OF_SPAN else (meaning or OTHER)  # never None here
        self.width = max(self.width, max(named) + 1)
        if LEAD in self.columns.values() or COORDINATE in self.columns.values():
            self.columns = {i: (OTHER if m == OWNERS else m) for i, m in self.columns.items()}
        return True


_END_OF_SPAN = "end_of_span"
# Under a merged "Thời gian" heading: when the work starts (not tracked) and when it ends.
_SPAN_ENDS = {"bat dau": OTHER, "tu": OTHER, "tu ngay": OTHER, "khoi cong": OTHER, "thoi gian bat dau": OTHER,
              "hoan thanh": _END_OF_SPAN, "ket thuc": _END_OF_SPAN, "den": _END_OF_SPAN,
              "den ngay": _END_OF_SPAN, "thoi gian hoan thanh": _END_OF_SPAN}


_PROBE = PlanContext(year=2000)


@lru_cache(maxsize=4096)
def _fit_score(meaning: str, cell: str) -> int:
    """How well a cell's text fits a column: an agency in an owner column, a time phrase in
    the deadline column (and neither elsewhere). Cached: each alignment of a short row
    scores the same cells against the same columns."""
    if not cell:
        return 0
    agency = _starts_agency(cell)
    timed = len(cell) < 80 and read_deadline(cell, _PROBE).kind != "unknown"
    if meaning in (OWNERS, LEAD, COORDINATE):
        return 2 if agency and not timed else -2 if timed else 0
    if meaning == DEADLINE:
        return 2 if timed else -2 if agency else 0
    if meaning in (TASK, OUTPUT, NOTE, OTHER):
        return -1 if timed and len(cell) < 30 else 0
    return 0


def _words(cell: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold(clean(cell))))


def read_rows(rows: list[SourceRow]) -> TableReading:
    reader = _Reader()
    for row in rows:
        reader.feed(row)
    return TableReading(reader.sections, reader.tasks, reader.warnings, reader.header_found)
