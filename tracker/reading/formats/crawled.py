"""Tables in text copied from a web page: back to one tab-separated line per row.

Legal libraries publish plans as HTML; copied or crawled, their tables arrive in two forms:

- markdown rows, one per line: ``| 1 | Xây dựng kế hoạch | Sở Nội vụ | Quý II/2025 |``;
- cells flattened one per line, a line holding only ``|`` between two cells, and two such
  lines in a row (an empty cell) closing the row; a cell may run over several lines.

Both become the text front end's form (cells separated by tabs), each row on the line where
it starts and the lines it used left blank, so every line number still points into the
original text. Emphasis marks inside cells are dropped.
"""

from __future__ import annotations

import re

_SEPARATOR_ROW = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_EMPHASIS = re.compile(r"\*+|(?<!\w)_+|_+(?!\w)")
# A flattened table needs a few cells and a row end before it is taken for one.
_MIN_CELLS = 4
_MAX_CELL_LINES = 40
_MAX_FIRST_ROW_CELL_LINES = 8
#: Stands for a cell a web table printed only in an earlier row (merged over several rows):
#: the table reader takes it from the row above.
MERGED = "\u2191"
_TASK_ROW = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")
_CAPTION = re.compile(r"\((?:ban hành )?kèm theo\b")
_PART_TITLE = re.compile(r"^(?:PHỤ LỤC|Phụ lục|KẾ HOẠCH|DANH MỤC|BIỂU)\b")


def _cell(lines: list[str]) -> str:
    return " ".join(_EMPHASIS.sub(" ", " ".join(part.strip() for part in lines)).split())


def _markdown_row(line: str) -> list[str] | None:
    stripped = line.strip()
    if not (stripped.startswith("|") and stripped.count("|") >= 3):
        return None
    return [_cell([c]) for c in stripped.strip("|").split("|")]


def tables_as_rows(text: str) -> str:
    """``text`` with its web tables as tab-separated rows; unchanged when it has none."""
    if "|" not in text:
        return text
    lines = text.split("\n")
    out = list(lines)
    i = 0
    while i < len(lines):
        row = _markdown_row(lines[i])
        if row is not None:
            out[i] = "" if _SEPARATOR_ROW.match(lines[i]) else "\t".join(row)
            i += 1
            continue
        if lines[i].strip() == "|":
            i = _flattened(lines, out, i)
            continue
        i += 1
    return "\n".join(out)


# A cell that opens a table row: its number ("1", "1.2", "II", "III.1.2", "A", "a)"), as written in the
# first column. Web tables print an empty cell as nothing between two "|" lines, and a row's
# end the same way, so what follows the gap tells which it was.
_ROW_START = re.compile(r"^(?:(?:\d{1,3}|[IVXLC]{1,6}|[A-ZĐ])(?:\.\d{1,3})*\.?|[a-zđ]\))$")


def _flattened(lines: list[str], out: list[str], start: int) -> int:
    """Rows of a flattened table starting at the "|" line ``start``; where reading stopped."""
    # Cells as (first line, text), None for each "|" that closed no cell (a gap).
    items: list[tuple[int, str] | None] = []
    current: list[str] = []
    current_start: int | None = None
    run = widest = 0              # cells since the last gap, and the most so far
    i = start + 1
    while i < len(lines):
        line = lines[i]
        if line.strip() == "|":
            if current and _CAPTION.search(_cell(current).lower()):
                # "LỊCH PHỔ BIẾN … (Ban hành kèm theo Quyết định …)" between a signature box
                # and the next table: the box is over, the caption is text, a table follows.
                assert current_start is not None
                i = current_start
                current = []
                break
            if current:
                assert current_start is not None
                items.append((current_start, _cell(current)))
                current, current_start = [], None
                run += 1
                widest = max(widest, run)
            else:
                items.append(None)
                run = 0
            i += 1
            continue
        if not line.strip() or len(current) >= _MAX_CELL_LINES \
                or len(current) >= _MAX_FIRST_ROW_CELL_LINES and widest < 3:
            # (A long run of text after a two-column box — the letterhead, "Kính gửi" — is the
            # document's body, not a cell: task tables have three columns or more.)
            # A blank line, or text running on with no "|" to close it: the table ended at
            # the last "|", and what follows is the document's text again.
            if not current and i + 1 < len(lines) and lines[i + 1].strip() == "|":
                i += 1
                continue
            if current_start is not None:
                i = current_start
            current = []
            break
        if current_start is None:
            if _PART_TITLE.match(_cell([line])):
                # "PHỤ LỤC …" right after a table's last "|": the table (a signature block,
                # usually) is over and a new part of the document begins.
                break
            current_start = i
        current.append(line)
        i += 1
    rows = _layout(items)
    if sum(len(r[1]) for r in rows) < _MIN_CELLS or all(len(r[1]) < 2 for r in rows):
        return start + 1                                 # a stray "|": leave the text alone
    for index in range(start, i):
        out[index] = ""
    for number, row_cells in rows:
        out[number] = "\t".join(row_cells) if len(row_cells) > 1 else row_cells[0]
    return i


def _layout(items: list[tuple[int, str] | None]) -> list[tuple[int, list[str]]]:
    """Cells and gaps into rows.

    Before the first numbered row (the header, a letterhead box) a gap ends the row. After
    it, a gap ends the row when the next cell opens one (a row number) or when the row
    already has the table's width; otherwise it is an empty cell inside the row
    (no coordinating agency, no output), which must not cut the row in two.
    """
    rows: list[tuple[int, list[str]]] = []
    cells: list[str] = []
    first: int | None = None
    width = 0
    numbered = False
    k = 0
    while k < len(items):
        item = items[k]
        if item is not None:
            if first is None:
                first = item[0]
            cells.append(item[1])
            k += 1
            continue
        gaps = 0
        while k < len(items) and items[k] is None:
            gaps += 1
            k += 1
        following = items[k] if k < len(items) else None
        opens = following is not None and bool(_ROW_START.match(following[1]))
        if not cells:
            continue
        inside = width >= 3 and (numbered or bool(_ROW_START.match(cells[0])))
        if inside and not opens and following is not None and len(cells) + gaps <= width:
            cells.extend([""] * gaps)                   # empty cells inside the row
            continue
        if inside and (opens or following is None):
            # Empty cells at the row's end are still cells: a row left short has cells merged
            # with the row above (the table reader takes them from it).
            cells.extend([""] * min(gaps - 1, max(width - len(cells), 0)))
        if inside and not opens and following is not None and len(cells) < width:
            cells.extend([""] * (width - len(cells)))
        if inside and _TASK_ROW.match(cells[0]) and len(cells) < width:
            cells.extend([MERGED] * (width - len(cells)))   # cells merged with the row above
        rows.append((first if first is not None else 0, cells))
        numbered = numbered or inside
        if numbered or len(cells) >= 3:
            width = max(width, len(cells))
        cells, first = [], None
        if inside and not opens and following is not None and gaps > 1:
            cells = [""] * (gaps - 1)                   # the next row opens with empty cells
            first = following[0]
    if cells:
        rows.append((first if first is not None else 0, cells))
    return rows
