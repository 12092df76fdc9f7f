"""The XLSX front end: the first sheet with a task header → a ``Document`` for the core.

openpyxl reads the cells in read-only (streaming) mode, which does not report merged
cells or page breaks; those come from the sheet's own ``<mergeCell>`` and ``<rowBreaks>``,
read here (a manual page break is a break, like a blank line in the text form). A merged range
holds its value in the top-left cell only: the other cells of its first column continue a
vertical merge (see ``grid``), the rest read empty, as in the text form. A date cell
becomes a phrase the deadline reader understands ("ngày 30/9/2017").
"""

from __future__ import annotations

import io
import warnings
from datetime import date, datetime, time

from ..result import NotAPlanError, ReadingWarning
from .archive import open_zip
from .document import corrupt_error
from .grid import Cell
from .sheet import find_header, no_header_error, sheet_document

MAX_ROWS = 20000      # a plan has at most a few hundred rows; a sheet may claim a million
MAX_COLUMNS = 60
HEADER_SEARCH_ROWS = 100


def read_xlsx(data: bytes, name: str = ""):
    """Read an Excel workbook's bytes. NotAPlanError when it has no task table or is damaged."""
    archive = open_zip(data, "xlsx")          # size and zip-bomb checks before parsing
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # openpyxl warns about features it drops
            return _read(data, archive, name)
    except NotAPlanError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged file can fail anywhere in the parsers
        raise corrupt_error("xlsx") from exc
    finally:
        archive.close()


def _read(data: bytes, archive, name: str):
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        found = []
        for sheet in workbook.worksheets:
            rows = _rows(sheet, archive, HEADER_SEARCH_ROWS)
            if find_header(rows) is not None:
                found.append(sheet)
        if not found:
            titles = ", ".join(f"“{s.title}”" for s in workbook.worksheets)
            raise no_header_error("xlsx", f" (các trang tính: {titles})" if titles else "",
                                  f" (sheets: {titles})" if titles else "")
        sheet = found[0]
        rows = _rows(sheet, archive, MAX_ROWS)
        header = find_header(rows)
        assert header is not None           # found above, within the same first rows
        document = sheet_document("xlsx", rows, name, header)
        if len(workbook.worksheets) > 1:
            document.notices.append(ReadingWarning(
                "sheet_chosen",
                f"Đã đọc bảng nhiệm vụ ở trang tính “{sheet.title}”"
                + (f"; các trang tính khác cũng có bảng nhiệm vụ nhưng không được đọc: "
                   f"{', '.join('“' + s.title + '”' for s in found[1:])}." if found[1:] else "."),
                f"The task table was read from the sheet “{sheet.title}”"
                + (f"; other sheets with task tables were not read: "
                   f"{', '.join(s.title for s in found[1:])}." if found[1:] else ".")))
        if len(rows) >= MAX_ROWS:
            document.notices.append(ReadingWarning(
                "sheet_truncated",
                f"Trang tính có hơn {MAX_ROWS} dòng; chỉ đọc {MAX_ROWS} dòng đầu.",
                f"The sheet has more than {MAX_ROWS} rows; only the first {MAX_ROWS} were read."))
        return document
    finally:
        workbook.close()


def _rows(sheet, archive, limit: int) -> list[tuple[int, list[Cell]]]:
    """Up to ``limit`` rows as (row number, cells), merged ranges resolved."""
    sheet.reset_dimensions()      # some writers declare too small a sheet: read what is there
    values: list[list[str]] = []
    for row in sheet.iter_rows(min_row=1, max_row=limit, max_col=MAX_COLUMNS):
        values.append([_text(cell.value) for cell in row])
    while values and not any(values[-1]):
        values.pop()
    grid = [[Cell(v) for v in row] for row in values]
    ranges, breaks = _sheet_layout(sheet, archive)
    for min_col, min_row, max_col, max_row in ranges:
        if min_row > len(grid):
            continue
        top_row = grid[min_row - 1]
        top = top_row[min_col - 1].text if min_col - 1 < len(top_row) else ""
        for r in range(min_row, min(max_row, len(grid)) + 1):
            row = grid[r - 1]
            for c in range(min_col, min(max_col, MAX_COLUMNS) + 1):
                if (r, c) == (min_row, min_col):
                    continue
                while len(row) < c:
                    row.append(Cell(""))
                row[c - 1] = Cell("", above=top) if c == min_col else Cell("")
    rows: list[tuple[int, list[Cell]]] = []
    for number, cells in enumerate(grid, start=1):
        rows.append((number, cells))
        if number in breaks:
            rows.append((number, []))     # a manual page break: the text form's blank line
    return rows


def _sheet_layout(sheet, archive) -> tuple[list[tuple[int, int, int, int]], set[int]]:
    """Merged ranges (min_col, min_row, max_col, max_row) and the rows after which a manual
    page break falls, from the sheet's XML (read-only mode reports neither)."""
    from defusedxml.ElementTree import iterparse  # no entity expansion, no external entities
    from openpyxl.utils.cell import range_boundaries

    path = getattr(sheet, "_worksheet_path", None)
    ranges: list[tuple[int, int, int, int]] = []
    breaks: set[int] = set()
    if not path:
        return ranges, breaks
    in_row_breaks = False
    with archive.open(path.lstrip("/")) as stream:
        for event, element in iterparse(stream, events=("start", "end")):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "rowBreaks":
                in_row_breaks = event == "start"
            elif event != "end":
                continue
            elif tag == "mergeCell":
                try:
                    bounds = range_boundaries(element.get("ref") or "")
                except (ValueError, TypeError):
                    continue
                if None not in bounds:
                    ranges.append(bounds)
            elif tag == "brk" and in_row_breaks:
                try:
                    breaks.add(int(element.get("id") or ""))
                except ValueError:
                    pass
            elif tag == "row":
                element.clear()           # keep memory flat on a long sheet
    return ranges, breaks


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        # A real date cell: in the words a plan would use, so the deadline reader reads it.
        return f"ngày {value.day}/{value.month}/{value.year}"
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return str(value)
