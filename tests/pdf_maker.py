"""A small PDF writer for the PDF reader's tests: text lines and ruled tables, in Vietnamese.

PDF libraries on PyPI need a TrueType font with Vietnamese glyphs to write Vietnamese text,
and none ships one. What a PDF reader needs is the text layer, not the glyphs: this writer
uses a CID font without an embedded font program (the PDF specification allows it; a viewer
substitutes a font) whose ToUnicode map gives each character, exactly as Word's "Save as
PDF" output maps its embedded subset. Every character is 0.5 em wide.

Tables are drawn with cell borders (as plans are), so pdfplumber's ruling-line table finder
sees them. A cell is a string, ``(text, span)`` for a horizontal merge, or ``None`` for a
cell merged with the one above it (the upper cell's box is drawn down over it).
"""

from __future__ import annotations

import textwrap
import zlib

CHAR_EM = 0.5


class PdfMaker:
    def __init__(self, width: float = 595, height: float = 842, margin: float = 40,
                 size: float = 9, leading: float = 12) -> None:
        self.width, self.height, self.margin = width, height, margin
        self.size, self.leading = size, leading
        self.pages: list[list[str]] = []
        self.cids: dict[str, int] = {}
        self.page_numbers = False
        self.new_page()

    # -- layout ------------------------------------------------------------------------------

    def new_page(self) -> None:
        self.pages.append([])
        self.y = self.height - self.margin

    def _chars_per(self, width: float) -> int:
        return max(int(width / (self.size * CHAR_EM)), 1)

    def line(self, text: str, x: float | None = None) -> None:
        """A paragraph (wrapped to the page width); an empty string is a blank line."""
        if not text:
            self.y -= self.leading
            return
        for piece in textwrap.wrap(text, self._chars_per(self.width - 2 * self.margin)) or [""]:
            if self.y - self.leading < self.margin:
                self.new_page()
            self._text(x if x is not None else self.margin, self.y - self.size, piece)
            self.y -= self.leading

    def columns(self, left: str, right: str) -> None:
        """Two texts on one baseline (the header block's two columns)."""
        self._text(self.margin, self.y - self.size, left)
        self._text(self.width / 2 + 20, self.y - self.size, right)
        self.y -= self.leading

    def table(self, rows: list[list], widths: list[float], header_rows: int = 0) -> None:
        """A ruled table; rows that do not fit go to the next page, after the header rows again."""
        scale = (self.width - 2 * self.margin) / sum(widths)
        widths = [w * scale for w in widths]
        lefts = [self.margin + sum(widths[:i]) for i in range(len(widths))]
        header = rows[:header_rows]
        layout = [self._row_lines(row, widths) for row in rows]
        heights = [max([len(c) for c in lines] + [1]) * self.leading + 4 for lines in layout]
        index = 0
        drawn_on_page: list[int] = []
        while index < len(rows):
            if self.y - heights[index] < self.margin and drawn_on_page:
                self._draw(rows, layout, heights, drawn_on_page, lefts, widths)
                self.new_page()
                drawn_on_page = []
                if header and index >= header_rows:
                    rows = rows[:index] + header + rows[index:]
                    layout = layout[:index] + [self._row_lines(r, widths) for r in header] + layout[index:]
                    heights = heights[:index] + heights[:header_rows] + heights[index:]
            drawn_on_page.append(index)
            self.y -= heights[index]
            index += 1
        self._draw(rows, layout, heights, drawn_on_page, lefts, widths)
        self.y -= self.leading

    def _row_lines(self, row: list, widths: list[float]) -> list[list[str]]:
        lines = []
        column = 0
        for cell in row:
            text, span = (cell if isinstance(cell, tuple) else (cell, 1))
            width = sum(widths[column:column + span])
            lines.append([] if text is None else
                         textwrap.wrap(text, self._chars_per(width - 6)) or [])
            column += span
        return lines

    def _draw(self, rows, layout, heights, indexes, lefts, widths) -> None:
        if not indexes:
            return
        top = self.y + sum(heights[i] for i in indexes)
        tops = {}
        y = top
        for i in indexes:
            tops[i] = y
            y -= heights[i]
        for i in indexes:
            column = 0
            for c, cell in enumerate(rows[i]):
                text, span = (cell if isinstance(cell, tuple) else (cell, 1))
                if text is None:            # merged with the cell above: drawn by that cell
                    column += span
                    continue
                bottom = tops[i] - heights[i]
                below = i + 1
                while below in tops and c < len(rows[below]) and rows[below][c] is None:
                    bottom -= heights[below]
                    below += 1
                x = lefts[column]
                width = sum(widths[column:column + span])
                self.pages[-1].append(f"0.5 w {x:.2f} {bottom:.2f} {width:.2f} "
                                      f"{tops[i] - bottom:.2f} re S")
                for n, piece in enumerate(layout[i][c]):
                    self._text(x + 3, tops[i] - 2 - self.size - n * self.leading, piece)
                column += span

    # -- output ------------------------------------------------------------------------------

    def _text(self, x: float, y: float, text: str) -> None:
        codes = "".join(f"{self.cids.setdefault(ch, len(self.cids) + 1):04X}" for ch in text)
        self.pages[-1].append(f"BT /F1 {self.size} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm <{codes}> Tj ET")

    def bytes(self) -> bytes:
        pages = [list(commands) for commands in self.pages]
        if self.page_numbers:       # a page number in the bottom margin, as Word prints it
            for number, commands in enumerate(pages, start=1):
                codes = "".join(f"{self.cids.setdefault(ch, len(self.cids) + 1):04X}"
                                for ch in str(number))
                commands.append(f"BT /F1 {self.size} Tf 1 0 0 1 {self.width / 2:.2f} 15 Tm "
                                f"<{codes}> Tj ET")
        objects: list[bytes] = []

        def add(body: bytes) -> int:
            objects.append(body)
            return len(objects)

        def stream(data: bytes, extra: str = "") -> bytes:
            packed = zlib.compress(data)
            return (f"<< /Length {len(packed)} /Filter /FlateDecode {extra}>>\nstream\n".encode()
                    + packed + b"\nendstream")

        bfchars = [f"<{cid:04X}> <{ch.encode('utf-16-be').hex().upper()}>"
                   for ch, cid in self.cids.items()]
        cmap = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
                "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
                "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
                "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
        for start in range(0, len(bfchars), 100):
            chunk = bfchars[start:start + 100]
            cmap += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
        cmap += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
        to_unicode = add(stream("\n".join(cmap).encode()))
        descriptor = add(b"<< /Type /FontDescriptor /FontName /TimesVN /Flags 32 "
                         b"/FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 "
                         b"/Descent -200 /CapHeight 700 /StemV 80 >>")
        cid_font = add(f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TimesVN "
                       f"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
                       f"/FontDescriptor {descriptor} 0 R /DW {int(CHAR_EM * 1000)} "
                       f"/CIDToGIDMap /Identity >>".encode())
        font = add(f"<< /Type /Font /Subtype /Type0 /BaseFont /TimesVN /Encoding /Identity-H "
                   f"/DescendantFonts [{cid_font} 0 R] /ToUnicode {to_unicode} 0 R >>".encode())
        pages_id = len(objects) + 1 + 2 * len(pages)
        kids = []
        for commands in pages:
            content = add(stream("\n".join(commands).encode()))
            kids.append(add(f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {self.width} "
                            f"{self.height}] /Resources << /Font << /F1 {font} 0 R >> >> "
                            f"/Contents {content} 0 R >>".encode()))
        assert add(f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] "
                   f"/Count {len(kids)} >>".encode()) == pages_id
        catalog = add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode())
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
        out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
        out += (f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R >>\nstartxref\n"
                f"{xref}\n%%EOF\n").encode()
        return bytes(out)
