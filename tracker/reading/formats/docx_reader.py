"""The DOCX front end: a Word document's paragraphs and tables → a ``Document`` for the core.

Read from the document's XML (through python-docx's package reader), because what plans
need is below python-docx's object model:
- merged cells: a horizontally merged cell (``gridSpan``) is one cell followed by empty
  ones, so columns stay aligned; a vertically merged one (``vMerge``) continues from above
  and reads as empty, like the text form's merged cells (see ``grid``);
- automatic numbering: "1.", "a)", "I." and bullets typed by Word, not by the author, are
  not in the text; without them a task number column numbered by Word would read empty;
- text in tracked insertions, hyperlinks, fields and content controls, which
  ``Paragraph.text`` leaves out; deleted text and field codes, which it must not show.

Paragraph text feeds the header reader and the prose reader (with the table rows as
TAB-separated lines, as in a text plan); tables become ``SourceRow``s.
Two tables with nothing between them (a table Word split at a page, or a converter's table
per page) are separated by a break, as a page break in the text form, so the core joins
them when the second repeats the header or simply continues.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..result import NotAPlanError
from ..table import SourceRow, text_rows
from .archive import open_zip
from .document import Document, corrupt_error
from .grid import Cell, MergeResolver, row_line, text_row

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT, _CUSTOM_XML = (
    _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("sdt"), _w("sdtContent"), _w("customXml"))
_VAL = _w("val")
# Subtrees whose text is not the document's text: deleted or moved-away text, field codes,
# properties, and the fallback copy of drawings (the same text box twice).
_SKIP = {_w("del"), _w("moveFrom"), _w("instrText"), _w("delText"), _w("rPr"), _w("pPr"),
         _w("tblPr"), _w("tcPr"), _w("trPr"), _w("sectPr"), f"{{{MC}}}Fallback",
         _w("footnoteReference"), _w("endnoteReference"), _w("commentReference")}
_WRAPPERS = {_SDT, _SDT_CONTENT, _CUSTOM_XML, _w("smartTag"), _w("ins"), _w("moveTo")}


def read_docx(data: bytes, name: str = "") -> Document:
    """Read a Word document's bytes. NotAPlanError when it cannot be opened."""
    open_zip(data, "docx").close()            # size and zip-bomb checks before parsing
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # library warnings are not the user's business
            return _Reader(*_parts(data)).read(name)
    except NotAPlanError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged file can fail anywhere in the parsers
        raise corrupt_error("docx") from exc


def _parts(data: bytes):
    """The main document, styles and numbering XML (``None`` where the document has none)."""
    import docx  # noqa: F401 - registers the Word part classes with the package reader
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.package import OpcPackage
    from docx.oxml.parser import parse_xml

    package = OpcPackage.open(io.BytesIO(data))
    main = package.main_document_part

    def element(part):
        return part.element if hasattr(part, "element") else parse_xml(part.blob)

    related = {}
    for key, reltype in (("styles", RT.STYLES), ("numbering", RT.NUMBERING)):
        try:
            related[key] = element(main.part_related_by(reltype))
        except KeyError:
            related[key] = None
    body = element(main).find(_w("body"))
    if body is None:
        raise corrupt_error("docx", "không có phần thân văn bản", "it has no document body")
    return body, related["styles"], related["numbering"]


@dataclass
class _Paragraph:
    text: str
    centered: bool


class _Reader:
    def __init__(self, body, styles, numbering) -> None:
        self.body = body
        self.styles = _Styles(styles)
        self.numbering = _Numbering(numbering, self.styles)
        self.rows: list[SourceRow] = []
        self.header_lines: list[str] = []
        self.prose_lines: list[str] = []
        self.line = 0
        self.merges = MergeResolver()

    def read(self, name: str) -> Document:
        blocks = list(_blocks(self.body))
        previous_table = False
        for index, block in enumerate(blocks):
            if block.tag == _P:
                paragraph = self._paragraph(block)
                following = blocks[index + 1] if index + 1 < len(blocks) else None
                joined = (paragraph.centered and following is not None and following.tag == _P
                          and self.styles.centered(following))
                self._add_paragraph(paragraph, joined)
                previous_table = False
            else:
                if previous_table:
                    self.line += 1
                    self.rows.append(SourceRow(self.line, None))   # a table split at a page
                self._add_table(block)
                previous_table = True
        return Document("docx", self.rows, "\n".join(self.header_lines) + "\n",
                        "\n".join(self.prose_lines) + "\n", name=name)

    # -- paragraphs ----------------------------------------------------------------------

    def _paragraph(self, p) -> _Paragraph:
        label = self.numbering.label(p)
        text = _text(p)
        if label:   # Word shows the number even on an empty paragraph (a numbered TT cell)
            text = f"{label} {text}" if text.strip() else label
        return _Paragraph(text, self.styles.centered(p))

    def _add_paragraph(self, paragraph: _Paragraph, joined: bool) -> None:
        """One paragraph: a row per line for the core, lines for the header and prose readers.

        Paragraphs are separated by a blank line, as in the text form, except within a run of
        centred paragraphs (the title block), whose lines read as one heading.
        """
        for text in paragraph.text.split("\n"):
            self.line += 1
            # The text front end's own rules tell a caption "PHỤ LỤC 2" from prose and blanks.
            for row in text_rows(text.replace("\t", " ")):
                self.rows.append(SourceRow(self.line, row.cells, row.appendix, row.prose))
            self.header_lines.append(text)
            self.prose_lines.append(text.replace("\t", " "))
        if not joined:
            self.header_lines.append("")
            self.prose_lines.append("")

    # -- tables --------------------------------------------------------------------------

    def _add_table(self, tbl) -> None:
        for cells in self._table_cells(tbl):
            self.line += 1
            self.rows.append(self.merges.row(self.line, cells))
            # Rows as the text form has them (cells by TAB), for the header and prose readers
            # alike: the prose reader tells a table from prose by them, as in a text plan.
            self.header_lines.append(row_line([c.text for c in cells if c.above is None]))
            self.prose_lines.append(text_row(cells))
        self.header_lines.append("")
        self.prose_lines.append("")

    def _table_cells(self, tbl) -> list[list[Cell]]:
        """Rows of cells laid on the table grid: spans padded, vertical merges marked."""
        rows: list[list[Cell]] = []
        top: dict[int, str] = {}          # grid column → text of the merge that starts there
        for tr in _children(tbl, _TR):
            cells: list[Cell] = [Cell("") for _ in range(_grid_value(tr, "gridBefore"))]
            for tc in _children(tr, _TC):
                column = len(cells)
                tc_pr = tc.find(_w("tcPr"))
                span = _int(_prop(tc_pr, "gridSpan"), 1)
                v_merge = tc_pr.find(_w("vMerge")) if tc_pr is not None else None
                h_merge = tc_pr.find(_w("hMerge")) if tc_pr is not None else None
                # A continuing cell shows nothing of its own (not even a list number).
                if v_merge is not None and v_merge.get(_VAL, "continue") == "continue":
                    cells.append(Cell("", above=top.get(column, "")))
                elif h_merge is not None and h_merge.get(_VAL, "continue") == "continue":
                    cells.append(Cell(""))      # the old way Word wrote a horizontal merge
                else:
                    text = self._cell_text(tc)
                    top[column] = text
                    cells.append(Cell(text))
                cells.extend(Cell("") for _ in range(min(span, 64) - 1))
            rows.append(cells)
        return rows

    def _cell_text(self, tc) -> str:
        lines: list[str] = []
        for block in _blocks(tc):
            if block.tag == _P:
                lines.append(self._paragraph(block).text)
            else:   # a table inside the cell: its rows as lines of the cell
                lines.extend(" ".join(c.text for c in row if c.text)
                             for row in self._table_cells(block))
        return "\n".join(line for line in lines if line.strip())


# -- XML helpers ---------------------------------------------------------------------------

def _blocks(parent):
    """Paragraphs and tables of a body or cell, in order, through content controls."""
    for child in parent:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag in (_SDT, _SDT_CONTENT, _CUSTOM_XML):
            yield from _blocks(child)


def _children(parent, tag: str):
    """Rows of a table or cells of a row, also when wrapped in content controls."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in (_SDT, _SDT_CONTENT, _CUSTOM_XML):
            yield from _children(child, tag)


def _text(element) -> str:
    """The visible text of a paragraph: runs, tabs, line breaks, text boxes on lines of their own."""
    out: list[str] = []

    def walk(node) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == _w("t"):
                out.append(child.text or "")
            elif tag in (_w("tab"), _w("ptab")):
                out.append("\t")
            elif tag in (_w("br"), _w("cr")):
                out.append("\n")
            elif tag == _w("noBreakHyphen"):
                out.append("-")
            elif tag == _P:              # a paragraph in a text box
                out.append("\n")
                walk(child)
                out.append("\n")
            else:
                walk(child)

    walk(element)
    return "".join(out)


def _prop(properties, name: str) -> str | None:
    if properties is None:
        return None
    found = properties.find(_w(name))
    return found.get(_VAL) if found is not None else None


def _grid_value(tr, name: str) -> int:
    return min(_int(_prop(tr.find(_w("trPr")), name), 0), 64)


def _int(value: str | None, default: int) -> int:
    try:
        return max(int(value), 0) if value is not None else default
    except ValueError:
        return default


class _Styles:
    """Paragraph styles: alignment and list numbering a paragraph inherits from its style."""

    def __init__(self, styles) -> None:
        self.by_id: dict[str, Any] = {}     # style id → its <w:style> element
        self.default: str | None = None
        if styles is None:
            return
        for style in styles.findall(_w("style")):
            style_id = style.get(_w("styleId"))
            if style_id:
                self.by_id[style_id] = style
                if style.get(_w("type")) == "paragraph" and style.get(_w("default")) in ("1", "true"):
                    self.default = style_id

    def chain(self, p: Any) -> Iterator[Any]:
        """The paragraph's own properties, then its style's, then the styles it is based on."""
        p_pr = p.find(_w("pPr"))
        if p_pr is not None:
            yield p_pr
        style_id = _prop(p_pr, "pStyle") or self.default
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.by_id:
            seen.add(style_id)
            style = self.by_id[style_id]
            s_pr = style.find(_w("pPr"))
            if s_pr is not None:
                yield s_pr
            style_id = _prop(style, "basedOn")

    def centered(self, p) -> bool:
        for properties in self.chain(p):
            jc = _prop(properties, "jc")
            if jc is not None:
                return jc == "center"
        return False

    def num_pr(self, p) -> tuple[str, int] | None:
        num_id = level = None
        for properties in self.chain(p):
            num_pr = properties.find(_w("numPr"))
            if num_pr is None:
                continue
            num_id = num_id or _prop(num_pr, "numId")
            level = level if level is not None else _prop(num_pr, "ilvl")
            if num_id:
                break
        if not num_id or num_id == "0":
            return None
        return num_id, min(_int(level, 0), 8)


class _Numbering:
    """Word's automatic list numbers, counted in document order (approximately as Word does:
    a list continues across paragraphs of the same list, a level restarts under a new higher
    level)."""

    def __init__(self, numbering, styles: _Styles) -> None:
        self.styles = styles
        self.abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        if numbering is None:
            return
        for abstract in numbering.findall(_w("abstractNum")):
            levels: dict[int, tuple[int, str, str]] = {}
            for lvl in abstract.findall(_w("lvl")):
                levels[_int(lvl.get(_w("ilvl")), 0)] = (
                    _int(_prop(lvl, "start"), 1), _prop(lvl, "numFmt") or "decimal",
                    _prop(lvl, "lvlText") or "")
            self.abstract[abstract.get(_w("abstractNumId"), "")] = levels
        for num in numbering.findall(_w("num")):
            overrides = {}
            for override in num.findall(_w("lvlOverride")):
                start = _prop(override, "startOverride")
                if start is not None:
                    overrides[_int(override.get(_w("ilvl")), 0)] = _int(start, 1)
            self.nums[num.get(_w("numId"), "")] = (_prop(num, "abstractNumId") or "", overrides)

    def label(self, p) -> str:
        found = self.styles.num_pr(p)
        if found is None or found[0] not in self.nums:
            return ""
        num_id, level = found
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        if level not in levels:
            return ""
        # Lists sharing an abstract definition continue each other unless restarted.
        key = num_id if overrides else f"abstract:{abstract_id}"
        counters = self.counters.setdefault(key, [0] * 9)
        if counters[level] == 0:
            counters[level] = overrides.get(level, levels[level][0])
        else:
            counters[level] += 1
        for deeper in range(level + 1, 9):
            counters[deeper] = 0
        start, fmt, text = levels[level]
        if fmt == "bullet":
            return "-"
        if fmt == "none":
            return ""
        for k in range(9):
            if f"%{k + 1}" in text:
                value = counters[k] or levels.get(k, (1, "decimal", ""))[0]
                text = text.replace(f"%{k + 1}", _format_number(value, levels.get(k, (1, "decimal", ""))[1]))
        return text.strip()


def _format_number(value: int, fmt: str) -> str:
    from ..table import int_to_roman
    if fmt == "upperRoman":
        return int_to_roman(value)
    if fmt == "lowerRoman":
        return int_to_roman(value).lower()
    if fmt in ("upperLetter", "lowerLetter"):
        letters = ""
        n = value
        while n > 0:
            n, r = divmod(n - 1, 26)
            letters = chr(ord("a") + r) + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)
