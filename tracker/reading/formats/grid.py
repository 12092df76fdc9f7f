"""Table rows with merged cells → ``SourceRow``s for the reader core.

Word, Excel and PDF tables merge cells; the text form of a plan shows a merged cell as an
empty cell below (or beside) the one that holds the text, and the core reads an empty cell
in a sub-row as "merged: inherit from above" with a warning. Front ends therefore give each
cell its text and, for a cell that continues a vertical merge, the text of the merged cell.
The continuation reads as empty, as in the text form, except in a row that starts a task of
its own (it has a task number): there the core would not inherit across tasks, yet the
document shows that cell belonging to the row, so the row gets the merged text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..table import NUMBER, SourceRow, header_columns
from ..text import clean

# A task's own number ("1", "2.3", "a)"): not a section numeral ("II"), not text.
_TASK_NUMBER = re.compile(r"^(\d+(?:\.\d+)*|[a-zđ])[.):]?$", re.IGNORECASE)


@dataclass(frozen=True)
class Cell:
    text: str
    #: set on a cell that continues a vertical merge: the text of the merged cell
    above: str | None = None


class MergeResolver:
    """Turns cell rows into ``SourceRow``s, following the header to know the number column."""

    def __init__(self) -> None:
        self.number_column: int | None = None

    def row(self, line: int, cells: list[Cell]) -> SourceRow:
        texts = [cell.text if cell.above is None else "" for cell in cells]
        header = header_columns([clean(t) for t in texts])
        if header is not None:
            self.number_column = next((i for i, m in header.items() if m == NUMBER), None)
            return SourceRow(line, texts)
        column = self.number_column
        if (column is not None and column < len(texts)
                and _TASK_NUMBER.match(clean(texts[column]))):
            texts = [cell.above if cell.above is not None and i != column else text
                     for i, (cell, text) in enumerate(zip(cells, texts))]
        return SourceRow(line, texts)


def row_line(cells: list[str]) -> str:
    """A table row for the header reader: every line of every cell, by TAB (it reads each
    piece as a line, so "ỦY BAN NHÂN DÂN" and "TỈNH BẾN TRE" in one cell stay two lines)."""
    pieces = [piece for cell in cells for piece in (p.strip() for p in cell.split("\n")) if piece]
    return "\t".join(pieces)


def text_row(cells: list[Cell]) -> str:
    """A table row as the text form has it, for the prose reader: one piece per cell, by TAB."""
    return "\t".join(" ".join(c.text.split()) for c in cells)
