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


def _flattened(lines: list[str], out: list[str], start: int) -> int:
    """Rows of a flattened table starting at the "|" line ``start``; where reading stopped."""
    rows: list[tuple[int, list[str]]] = []
    cells: list[str] = []
    first_line: int | None = None
    current: list[str] = []
    current_start: int | None = None
    i = start + 1
    while i < len(lines):
        line = lines[i]
        if line.strip() == "|":
            if current:
                cells.append(_cell(current))
                first_line = current_start if first_line is None else first_line
                current, current_start = [], None
            elif cells:                                  # "|" then "|": the row ends
                rows.append((first_line if first_line is not None else i, cells))
                cells, first_line = [], None
            i += 1
            continue
        if not line.strip() or len(current) >= _MAX_CELL_LINES \
                or len(current) >= _MAX_FIRST_ROW_CELL_LINES and max(
                    [len(cells)] + [len(r[1]) for r in rows]) < 3:
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
    if cells:
        rows.append((first_line if first_line is not None else start, cells))
    if sum(len(r[1]) for r in rows) < _MIN_CELLS or all(len(r[1]) < 2 for r in rows):
        return start + 1                                 # a stray "|": leave the text alone
    for index in range(start, i):
        out[index] = ""
    for number, row_cells in rows:
        out[number] = "\t".join(row_cells) if len(row_cells) > 1 else row_cells[0]
    return i
