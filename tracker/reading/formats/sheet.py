"""What XLSX and CSV plans share: a grid of cells whose header row names the columns.

A spreadsheet has no paragraphs: a title, an appendix caption or a note is a row with one
filled cell (often merged across the table). Such rows become what the text form makes of
a line without tabs (a caption, or prose that the header reader and the core see as
such); a row with one filled cell that opens with a numeral ("III Công bố ...") stays a
table row, since that is how a section row spans the table. The rows above the first
header row, and caption rows, are the spreadsheet's header block.
"""

from __future__ import annotations

import re

from ..result import NotAPlanError
from ..table import SourceRow, header_columns, text_rows
from ..text import clean, fold
from .document import EXPECTED_COLUMNS_EN, EXPECTED_COLUMNS_VI, FORMAT_NAMES, Document
from .grid import Cell, MergeResolver, row_line

# A cell that opens with a section or task numeral: "III ...", "A. ...", "1", "2.1".
_NUMBERED = re.compile(r"^([IVXLC]+|[A-HĐ]|\d+(\.\d+)*|[a-zđ])(\s*[.:/)-]\s*|\s+|$)")
# Header-block lines that are not a title: issuer, national motto, number, place and date.
_NOT_TITLE = re.compile(r"^(ủy ban|uỷ ban|ubnd|cộng hòa|cộng hoà|độc lập|số\s*:|\(kèm theo|"
                        r"kèm theo|phụ lục)|,\s*ngày\s+\d", re.IGNORECASE)


def find_header(rows: list[tuple[int, list[Cell]]], limit: int | None = None) -> int | None:
    """Index of the first row that names the task columns."""
    for index, (_, cells) in enumerate(rows[:limit]):
        if header_columns(_texts(cells)) is not None:
            return index
    return None


def no_header_error(fmt: str, where_vi: str = "", where_en: str = "") -> NotAPlanError:
    vi_name, en_name = FORMAT_NAMES[fmt]
    return NotAPlanError(
        "no_header",
        f"Không tìm thấy hàng tiêu đề cột của bảng nhiệm vụ trong {vi_name}{where_vi}. Cần một "
        f"hàng gọi tên các cột bằng tiếng Việt (thứ tự tùy ý), ví dụ: {EXPECTED_COLUMNS_VI}; "
        "ít nhất phải có cột nội dung công việc, cột cơ quan thực hiện hoặc thời hạn, và một "
        "cột khác.",
        f"No header row naming the task table's columns was found in {en_name}{where_en}. A row "
        f"naming the columns in Vietnamese (any order) is needed, e.g. {EXPECTED_COLUMNS_EN}; "
        "at least the task column, an owner or deadline column, and one more.")


def sheet_document(fmt: str, rows: list[tuple[int, list[Cell]]], name: str,
                   header_index: int) -> Document:
    """Rows of a sheet (line number, cells) whose first header row is ``header_index``."""
    header_texts = _texts(rows[header_index][1])
    first_column = next(i for i, t in enumerate(header_texts) if t)
    merges = MergeResolver()
    source: list[SourceRow] = []
    header_lines: list[str] = []
    prose_lines: list[str] = []
    title: str | None = None
    caption = True            # above the first table, or between a caption and its table
    for index, (number, cells) in enumerate(rows):
        texts = _texts(cells)
        filled = [(i, t) for i, t in enumerate(texts) if t]
        if not filled:
            source.append(SourceRow(number, None))
            continue
        if index >= header_index and header_columns(texts) is not None:
            caption = False
            source.append(merges.row(number, cells))
            continue
        if len(filled) == 1:
            column = filled[0][0]
            raw = cells[column].text
            lines = [line.strip() for line in raw.replace("\t", " ").split("\n") if line.strip()]
            # Each line of the cell as the text form would read it: a caption, or prose.
            probes = [text_rows(line)[0] for line in lines]
            if probes and probes[0].appendix:
                caption = True
            if (caption or index < header_index
                    or (column <= first_column and not _NUMBERED.match(filled[0][1]))):
                for line, probe in zip(lines, probes):
                    source.append(SourceRow(number, None, appendix=probe.appendix,
                                            prose=None if probe.appendix else probe.prose or line))
                    prose_lines.append(line)
                if caption or index < header_index:
                    header_lines.extend([*lines, ""])
                    if title is None and index < header_index and _title_like(" ".join(lines)):
                        title = " ".join(lines)
                continue
        if index < header_index:
            header_lines.extend([row_line([c.text for c in cells if c.above is None]), ""])
        source.append(merges.row(number, cells))
    return Document(fmt, source, "\n".join(header_lines) + "\n", "\n".join(prose_lines) + "\n",
                    name=name, title=title, infer_year=True)


def _texts(cells: list[Cell]) -> list[str]:
    return [clean(c.text) if c.above is None else "" for c in cells]


def _title_like(text: str) -> bool:
    return (len(re.findall(r"[^\W\d_]{2,}", text)) >= 3 and not _NOT_TITLE.search(text)
            and not fold(text).startswith(("nguoi lap", "noi nhan")))
