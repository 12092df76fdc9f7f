"""The CSV front end: delimited text whose header row names the task columns.

Bytes are decoded like any text plan (UTF-8 with or without BOM, UTF-16, Windows-1258,
TCVN3/VNI: ``encoding.decode_plan_bytes``). The delimiter is the one of ``,`` ``;`` TAB
under which a row names the task columns. Text is taken as CSV only when its name says so
(.csv, .tsv) or when it is a table throughout: a header row, and nearly every other record
with the header's number of fields, as spreadsheets export them. Tab-separated text with
prose around its table is the text form, and stays with the text reader.
"""

from __future__ import annotations

import csv
import io

from ..encoding import DecodedText
from .document import Document
from .grid import Cell
from .sheet import find_header, no_header_error, sheet_document
from .sniff import Sniffed

DELIMITERS = (",", ";", "\t")
HEADER_SEARCH_ROWS = 50
CONSISTENT_SHARE = 0.9      # share of records with the header's width, for unnamed CSV
_NAMED = ("csv", "tsv")


def read_csv(decoded: DecodedText, name: str, found: Sniffed) -> Document | None:
    """A ``Document`` if the text is CSV; None for the text reader. NotAPlanError for a .csv
    file without a task header."""
    named = found.extension in _NAMED
    best: tuple[int, str, list[tuple[int, list[Cell]]], int] | None = None
    for delimiter in DELIMITERS:
        if delimiter == "\t" and not named:
            continue    # tab-separated text is the text reader's
        rows = _records(decoded.text, delimiter)
        if rows is None:
            continue
        header = find_header(rows, HEADER_SEARCH_ROWS)
        if header is None:
            continue
        width = len([c for c in rows[header][1] if c.text.strip()])
        if best is None or width > best[0]:
            best = (width, delimiter, rows, header)
    if best is None:
        if named:
            raise no_header_error("csv")
        return None
    _, delimiter, rows, header = best
    if not named and not _consistent(rows, header):
        return None
    document = sheet_document("csv", rows, name, header)
    document.notices.extend(decoded.notices)
    return document


def _records(text: str, delimiter: str) -> list[tuple[int, list[Cell]]] | None:
    """(first line number, cells) of each record; None when the text is not CSV at all."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[tuple[int, list[Cell]]] = []
    line = 1
    try:
        for record in reader:
            rows.append((line, [Cell(field) for field in record]))
            line = reader.line_num + 1
    except csv.Error:       # an unterminated quote, a field beyond the size limit
        return None
    return rows


def _consistent(rows: list[tuple[int, list[Cell]]], header: int) -> bool:
    """A table throughout: nearly all records after the header have its number of fields."""
    width = len(rows[header][1])
    records = [cells for _, cells in rows[header + 1:] if any(c.text.strip() for c in cells)]
    if not records:
        return False
    same = sum(1 for cells in records if len(cells) == width)
    return same >= CONSISTENT_SHARE * len(records)


