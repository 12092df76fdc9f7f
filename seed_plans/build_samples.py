"""Build Word (.docx) and Excel (.xlsx) versions of the tabular text seeds.

    python seed_plans/build_samples.py [--out DIR]

Each seed ``seed_plans/<stem>.txt`` whose text holds a task table (tab-separated cells)
becomes ``<stem>.docx`` and ``<stem>.xlsx`` with the structure real files have, built from
what the text shows:
- the header block, the body and the appendix captions as paragraphs (Markdown marks in the
  text become bold, italic and headings; the header block and captions are centred);
- each table as a real table: a section row's title merged across the remaining columns; in
  a sub-row (no number, no task text) the number and task cells, and every cell the text
  leaves empty, merged vertically with the row above, as Word shows a merged cell; the first
  row marked to repeat at the top of each page;
- a blank line inside a table (a page break in the converted text) splits the table: a page
  break, then a new table that starts with the header row only where the text repeats it;
- a row with more cells than the header (a cell split by the conversion) keeps its cells.
The workbook has one sheet: the header block and captions as merged rows above each table,
the tables with the same merges, manual page breaks where the text has them. The prose of
the plan (purpose, organisation, signature) has no place in a task sheet and is left out.

Output is deterministic (fixed document dates and ZIP timestamps), so the files can be
committed and rebuilt to the same bytes. Runs with the project's virtual environment.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tracker.reading.table import header_columns  # noqa: E402

FIXED_TIME = datetime(2024, 1, 1, 0, 0, 0)
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
_BODY_START = re.compile(r"^(căn cứ|thực hiện|để |nhằm |i\.\s)", re.IGNORECASE)
_APPENDIX = re.compile(r"^phụ lục\b", re.IGNORECASE)
_TASK_NUMBER = re.compile(r"^\d+(\.\d+)*[.)]?$")


# -- reading the text seed -------------------------------------------------------------------

@dataclass
class Paragraph:
    lines: list[str]
    centred: bool = False
    heading: bool = False


@dataclass
class Table:
    """One table as the text shows it: rows of cells; ``breaks`` = row indexes after which
    the text has a page break."""

    rows: list[list[str]] = field(default_factory=list)
    breaks: list[int] = field(default_factory=list)


def parse_seed(text: str) -> list[Paragraph | Table]:
    blocks: list[Paragraph | Table] = []
    lines = text.split("\n")
    i = 0
    in_header = True
    while i < len(lines):
        line = lines[i]
        if "\t" in line:
            table = Table()
            while i < len(lines):
                if "\t" in lines[i]:
                    row = _trim(lines[i].split("\t"))
                    if row:                        # a line of empty cells holds nothing
                        table.rows.append(row)
                    i += 1
                elif not lines[i].strip() and i + 1 < len(lines) and _next_is_row(lines, i):
                    table.breaks.append(len(table.rows) - 1)   # a page break inside the table
                    while not lines[i].strip():
                        i += 1
                else:
                    break
            blocks.append(table)
            continue
        if not line.strip():
            i += 1
            continue
        group = []
        while i < len(lines) and lines[i].strip() and "\t" not in lines[i]:
            group.append(lines[i])
            i += 1
        plain = _strip_marks(group[0])
        if in_header and _BODY_START.match(plain):
            in_header = False
        caption = bool(_APPENDIX.match(plain))
        blocks.append(Paragraph(group, centred=in_header or caption,
                                heading=group[0].lstrip().startswith("#")))
    return blocks


def _next_is_row(lines: list[str], i: int) -> bool:
    j = i
    while j < len(lines) and not lines[j].strip():
        j += 1
    return j < len(lines) and "\t" in lines[j]


def _trim(cells: list[str]) -> list[str]:
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


def _strip_marks(line: str) -> str:
    return re.sub(r"^[#\s]+|\*", "", line).strip()


def _runs(line: str, markdown: bool = True) -> list[tuple[str, bool, bool]]:
    """(text, bold, italic) pieces of a line: <b>bold</b> anywhere; in a paragraph (not in a
    table cell, where a star is the author's) also Markdown **bold**, *italic*, # headings."""
    marks = r"(<b>|</b>|\*\*|\*)" if markdown else r"(<b>|</b>)"
    if markdown:
        line = re.sub(r"^#+\s*", "", line.rstrip())
    pieces: list[tuple[str, bool, bool]] = []
    bold = italic = False
    for token in re.split(marks, line, flags=re.IGNORECASE):
        mark = token.lower()
        if mark in ("<b>", "</b>"):
            bold = mark == "<b>"
        elif mark == "**":
            bold = not bold
        elif mark == "*":
            italic = not italic
        elif token:
            pieces.append((token, bold, italic))
    return pieces


def _plain(cell: str) -> str:
    return "".join(text for text, _, _ in _runs(cell, markdown=False)).strip()


def is_tabular(text: str) -> bool:
    return any("\t" in line and header_columns([_plain(c) for c in line.split("\t")])
               for line in text.split("\n"))


# -- table layout shared by Word and Excel ---------------------------------------------------

@dataclass
class Layout:
    """A text table laid on a grid of ``width`` columns.

    ``cells[r]`` maps a column to the text of the cell that starts there; ``merges`` are the
    merged regions (top row, left column, bottom row, right column), never overlapping;
    ``segments`` are the (first, last) rows between page breaks.
    """

    width: int
    cells: list[dict[int, str]]
    merges: list[tuple[int, int, int, int]]
    headers: set[int]
    segments: list[tuple[int, int]]


def layout(table: Table) -> Layout:
    width = max(len(r) for r in table.rows)
    header_width = 0
    headers: set[int] = set()
    grid: list[list[tuple[int, int, str]]] = []        # per row: (column, span, text)
    for index, row in enumerate(table.rows):
        plain = [_plain(c) for c in row]
        if header_columns(plain) is not None:
            headers.add(index)
            header_width = len(row)
        filled = [i for i, c in enumerate(plain) if c]
        if (index not in headers and filled and filled[-1] <= 1 and plain[0]
                and not _TASK_NUMBER.match(plain[0])):
            row = row[:filled[-1] + 1]                 # a section row: its title spans the rest
        else:
            row = row + [""] * (header_width - len(row))
        cells = [(c, 1, text) for c, text in enumerate(row)]
        column, span, text = cells[-1]
        cells[-1] = (column, width - column, text)     # the last cell fills the row
        grid.append(cells)
    breaks = sorted(set(table.breaks))
    segments = [(a, b) for a, b in zip([0] + [b + 1 for b in breaks], breaks + [len(grid) - 1])
                if a <= b]
    top_of: dict[tuple[int, int], int] = {}            # (row, column) → row its merge starts
    for first, last in segments:
        for index in range(first + 1, last + 1):
            plain = [_plain(t) for _, _, t in grid[index]]
            sub_row = (index not in headers and index - 1 not in headers and len(plain) > 1
                       and not plain[0] and not plain[1])
            if not sub_row:
                continue
            above = {(c, s) for c, s, _ in grid[index - 1]}
            for column, span, text in grid[index]:
                if not _plain(text) and (column, span) in above:
                    top_of[(index, column)] = top_of.get((index - 1, column), index - 1)
    bottoms: dict[tuple[int, int], int] = {}
    for (row, column), top in top_of.items():
        bottoms[(top, column)] = max(bottoms.get((top, column), top), row)
    merges = []
    for index, cells in enumerate(grid):
        for column, span, _ in cells:
            if (index, column) in top_of:
                continue
            bottom = bottoms.get((index, column), index)
            if bottom > index or span > 1:
                merges.append((index, column, bottom, column + span - 1))
    return Layout(width, [{c: t for c, _, t in cells} for cells in grid], merges, headers,
                  segments)


# -- Word --------------------------------------------------------------------------------------

def build_docx(blocks: list[Paragraph | Table], title: str) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    _core(document.core_properties, title)

    def add_runs(paragraph, line: str, markdown: bool = True) -> None:
        for text, bold, italic in _runs(line, markdown):
            run = paragraph.add_run(text)
            run.bold = bold or None
            run.italic = italic or None

    for block in blocks:
        if isinstance(block, Paragraph):
            paragraph = document.add_paragraph()
            if block.centred:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for n, line in enumerate(block.lines):
                if n:
                    paragraph.add_run().add_break()
                add_runs(paragraph, line)
                if block.heading:
                    for run in paragraph.runs:
                        run.bold = True
            continue
        plan = layout(block)
        for number, (first, last) in enumerate(plan.segments):
            if number:
                document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            table = document.add_table(rows=last - first + 1, cols=plan.width)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for r in range(first, last + 1):
                if r in plan.headers:
                    # "Repeat as header row at the top of each page"
                    table.rows[r - first]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
                for c, text in plan.cells[r].items():
                    paragraph = table.cell(r - first, c).paragraphs[0]
                    add_runs(paragraph, text.strip(), markdown=False)
                    if r in plan.headers:
                        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                        for run in paragraph.runs:
                            run.bold = True
            for top, left, bottom, right in plan.merges:
                if first <= top and bottom <= last:
                    table.cell(top - first, left).merge(table.cell(bottom - first, right))
    output = io.BytesIO()
    document.save(output)
    return deterministic_zip(output.getvalue())


def _core(properties, title: str) -> None:
    properties.author = "tracker sample builder"
    properties.last_modified_by = "tracker sample builder"
    properties.title = title
    properties.created = FIXED_TIME
    properties.modified = FIXED_TIME
    properties.last_printed = FIXED_TIME
    properties.revision = 1


# -- Excel -------------------------------------------------------------------------------------

def build_xlsx(blocks: list[Paragraph | Table], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.pagebreak import Break

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kế hoạch"
    workbook.properties.creator = "tracker sample builder"
    workbook.properties.title = title
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    width = max(layout(b).width for b in blocks if isinstance(b, Table))
    row_number = 0
    wrap = Alignment(wrap_text=True, vertical="top")

    def merged_line(paragraph: Paragraph) -> None:
        nonlocal row_number
        row_number += 1
        text = "\n".join("".join(t for t, _, _ in _runs(line)).strip() for line in paragraph.lines)
        cell = sheet.cell(row=row_number, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
        cell.font = Font(bold=True)
        sheet.merge_cells(start_row=row_number, start_column=1, end_row=row_number,
                          end_column=width)

    header_block = True
    pending: list[Paragraph] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            if header_block and block.centred:
                merged_line(block)
            elif block.centred:            # an appendix caption: shown above its table
                pending.append(block)
            else:
                header_block = False
                pending.clear()
            continue
        header_block = False
        if row_number:
            row_number += 1                # a blank row before each caption or table
        for paragraph in pending:
            merged_line(paragraph)
        pending.clear()
        plan = layout(block)
        first_row = row_number + 1
        for r, cells in enumerate(plan.cells):
            row_number += 1
            for c, text in cells.items():
                value = _plain(text)
                cell = sheet.cell(row=row_number, column=c + 1, value=value or None)
                cell.alignment = wrap
                if r in plan.headers or "<b>" in text.lower():
                    cell.font = Font(bold=True)
        for top, left, bottom, right in plan.merges:
            sheet.merge_cells(start_row=first_row + top, start_column=left + 1,
                              end_row=first_row + bottom, end_column=right + 1)
        for first, _ in plan.segments[1:]:
            sheet.row_breaks.append(Break(id=first_row + first - 1))   # page break after row
    for letter, size in zip("ABCDEFGH", (6, 45, 35, 25, 25, 20, 15, 15)):
        sheet.column_dimensions[letter].width = size
    output = io.BytesIO()
    workbook.save(output)
    return deterministic_zip(output.getvalue())


# -- output ------------------------------------------------------------------------------------

def deterministic_zip(data: bytes) -> bytes:
    """The same archive with fixed timestamps and dates, so a rebuild gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*",
                                 rb"\g<1>2024-01-01T00:00:00Z", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, content)
    return output.getvalue()


def tabular_seeds(directory: Path = HERE) -> list[Path]:
    return [p for p in sorted(directory.glob("*.txt")) if is_tabular(p.read_text("utf-8"))]


def prose_seeds(directory: Path = HERE) -> list[Path]:
    return [p for p in sorted(directory.glob("*.txt")) if not is_tabular(p.read_text("utf-8"))]


def build(seed: Path, out: Path) -> list[Path]:
    """A tabular seed as Word and Excel; a prose programme as Word only (it has no sheet)."""
    text = seed.read_text("utf-8")
    blocks = parse_seed(text)
    title = seed.stem
    written = []
    builders = ((".docx", build_docx), (".xlsx", build_xlsx)) if is_tabular(text) else ((".docx", build_docx),)
    for suffix, builder in builders:
        path = out / f"{seed.stem}{suffix}"
        path.write_bytes(builder(blocks, title))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE, help="output folder (default: seed_plans/)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for seed in tabular_seeds() + prose_seeds():
        for path in build(seed, args.out):
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
