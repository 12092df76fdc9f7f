"""The PDF front end: a PDF's text layer and ruled tables → a ``Document`` for the core.

pdfplumber finds tables by their ruling lines and gives each cell's text; the page text
outside the tables is grouped into lines (words on one baseline), a line split where a wide
gap separates two columns of the header block ("ỦY BAN NHÂN DÂN ... CỘNG HÒA XÃ HỘI ..."),
and paragraphs where the gap between lines is wider than a line. Pages are read in order,
each page's tables and lines by their position, so a caption stays before its table and a
table that runs onto the next page continues there (a page break between, as in the text
form; page numbers in the margins are dropped). A cell that pdfplumber reports missing under
a taller cell above it continues a vertical merge (see ``grid``).

A PDF without a text layer (a scan) cannot be read: it is refused with that reason. The PDF
parser inflates compressed streams without a limit, so a small file could claim gigabytes:
streams are measured first, inflating each only up to the limit. It can also loop for ever
on a damaged file (an object that refers to itself): a parse that runs past
``TIME_LIMIT_SECONDS`` is interrupted.
"""

from __future__ import annotations

import ctypes
import io
import re
import threading
import warnings
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..result import NotAPlanError, ReadingWarning
from ..table import SourceRow, text_rows
from .document import Document, corrupt_error
from .grid import Cell, MergeResolver, row_line, text_row

MAX_PAGES = 300
MAX_INFLATED_BYTES = 200 * 1024 * 1024   # all compressed streams together, once inflated
TIME_LIMIT_SECONDS = 60.0                # a 20-page plan takes a few seconds
_MIN_TEXT_CHARS = 20          # fewer characters than this in the whole file: no text layer
_MARGIN = 0.08                # top and bottom share of a page where page numbers sit
_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?\d{1,3}(?:\s*-)?\s*$|^\s*(?:trang|page)\s*\d+"
                          r"(?:\s*(?:/|của|of)\s*\d+)?\s*$", re.IGNORECASE)


@dataclass
class _Line:
    top: float
    bottom: float
    segments: list[str]


@dataclass
class _Table:
    top: float
    rows: list[list[Cell]]


@dataclass
class _Page:
    items: list[_Line | _Table] = field(default_factory=list)
    chars: int = 0
    images: int = 0


def read_pdf(data: bytes, name: str = "") -> Document:
    """Read a PDF's bytes. NotAPlanError for scans, encrypted or damaged files."""
    _check_inflation(data)
    try:
        with warnings.catch_warnings(), _time_limit(TIME_LIMIT_SECONDS):
            warnings.simplefilter("ignore")
            pages = _pages(data)
    except NotAPlanError:
        raise
    except _TimeUp:
        raise corrupt_error(
            "pdf", f"đọc quá {TIME_LIMIT_SECONDS:.0f} giây mà chưa xong",
            f"reading it took more than {TIME_LIMIT_SECONDS:.0f} seconds") from None
    except Exception as exc:  # noqa: BLE001 - a damaged file can fail anywhere in the parsers
        if type(exc).__name__ in ("PDFPasswordIncorrect", "PDFEncryptionError"):
            raise NotAPlanError(
                "encrypted_file",
                "Tệp PDF được đặt mật khẩu hoặc mã hóa nên không đọc được. Hãy gỡ mật khẩu (hoặc "
                "tải lên bản Word/Excel của kế hoạch).",
                "The PDF is password-protected or encrypted and cannot be read. Remove the "
                "password (or upload the plan's Word/Excel version).") from exc
        raise corrupt_error("pdf") from exc
    if sum(p.chars for p in pages) < _MIN_TEXT_CHARS:
        raise NotAPlanError(
            "scanned_pdf",
            "PDF là ảnh quét, không có lớp chữ nên không đọc được nội dung"
            + (" (các trang chỉ chứa hình ảnh)" if any(p.images for p in pages) else "")
            + ". Hãy tải lên bản Word (.docx) hoặc Excel (.xlsx) của kế hoạch, hoặc một PDF "
            "được xuất trực tiếp từ Word (có thể chọn, sao chép được chữ).",
            "The PDF is a scanned image with no text layer, so its content cannot be read"
            + (" (its pages hold images only)" if any(p.images for p in pages) else "")
            + ". Upload the plan's Word (.docx) or Excel (.xlsx) version, or a PDF exported "
            "from Word (whose text can be selected and copied).")
    return _document(pages, name)


_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_PIECE = 1 << 20


def _check_inflation(data: bytes) -> None:
    """Refuse a PDF whose Flate streams inflate past ``MAX_INFLATED_BYTES`` (a "zip bomb")."""
    budget = MAX_INFLATED_BYTES
    position = 0
    while budget >= 0:
        match = _STREAM.search(data, position)
        if match is None:
            break
        end = data.find(b"endstream", match.end())
        end = len(data) if end < 0 else end
        position = end                          # one pass over the file, however it is cut
        inflater = zlib.decompressobj()
        pending = data[match.end():end]
        try:
            while budget >= 0 and not inflater.eof:     # a megabyte at a time
                out = inflater.decompress(pending, _PIECE)
                budget -= len(out)
                pending = inflater.unconsumed_tail
                if not pending and len(out) < _PIECE:
                    break
        except zlib.error:
            continue            # not a Flate stream (an image, plain text): nothing to inflate
        if budget < 0:
            raise NotAPlanError(
                "unsafe_file",
                f"Tệp PDF không an toàn để mở: nội dung nén của nó khi giải nén vượt quá "
                f"{MAX_INFLATED_BYTES // (1024 * 1024)} MB. Đây không phải một kế hoạch thông "
                "thường (có thể là tệp độc hại); tệp không được đọc.",
                f"The PDF is not safe to open: its compressed content inflates past "
                f"{MAX_INFLATED_BYTES // (1024 * 1024)} MB. This is not an ordinary plan (it may "
                "be malicious); it was not read.")


class _TimeUp(BaseException):
    """Raised into a parse that runs too long; not an Exception, which parsers catch."""


@contextmanager
def _time_limit(seconds: float):
    """Interrupt the current thread after ``seconds``: a timer thread raises ``_TimeUp`` in it
    (CPython's asynchronous exception). Nothing is paid while the limit is not reached, and it
    works in any thread of a web server, unlike an alarm signal."""
    thread_id = threading.get_ident()
    lock = threading.Lock()
    done = False

    def interrupt() -> None:
        with lock:
            if not done:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                                           ctypes.py_object(_TimeUp))

    timer = threading.Timer(seconds, interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            done = True
        timer.cancel()      # a call: an interruption still pending is raised here, not later


def _pages(data: bytes) -> list[_Page]:
    import pdfplumber

    pages: list[_Page] = []
    # Not ``with``: on failure pdfplumber's close() walks the page tree again, which is what
    # may have failed (or looped) in the first place. The stream is ours; nothing to release.
    pdf = pdfplumber.open(io.BytesIO(data))
    if len(pdf.pages) > MAX_PAGES:
        raise NotAPlanError(
            "too_many_pages",
            f"Tệp PDF có {len(pdf.pages)} trang (tối đa {MAX_PAGES}): không phải một kế hoạch "
            "thông thường.",
            f"The PDF has {len(pdf.pages)} pages (at most {MAX_PAGES}): not an ordinary plan.")
    for page in pdf.pages:
        pages.append(_page(page))
        page.close()           # pdfplumber caches each page's objects until closed
    return pages


def _page(page) -> _Page:
    result = _Page(chars=len(page.chars), images=len(page.images))
    if not result.chars:
        return result
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    for table in tables:
        result.items.append(_Table(table.bbox[1], _table_cells(table)))
    words = [w for w in page.extract_words(use_text_flow=False, keep_blank_chars=False)
             if not any(_inside(w, box) for box in boxes)]
    height = float(page.height)
    for line in _lines(words):
        text = " ".join(line.segments)
        in_margin = line.top < _MARGIN * height or line.bottom > (1 - _MARGIN) * height
        if in_margin and _PAGE_NUMBER.match(text):
            continue               # page furniture, not the plan's text
        result.items.append(line)
    result.items.sort(key=lambda item: item.top)
    return result


def _inside(word: dict, box: tuple) -> bool:
    x = (word["x0"] + word["x1"]) / 2
    y = (word["top"] + word["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _lines(words: list[dict]) -> list[_Line]:
    """Words on one baseline form a line; a gap wider than three letters splits it in columns."""
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) <= 2.5:
            lines[-1].append(word)
        else:
            lines.append([word])
    result: list[_Line] = []
    for group in lines:
        group.sort(key=lambda w: w["x0"])
        letters = sum(len(w["text"]) for w in group) or 1
        char_width = sum(w["x1"] - w["x0"] for w in group) / letters
        segments = [[group[0]["text"]]]
        for before, word in zip(group, group[1:]):
            if word["x0"] - before["x1"] > max(3 * char_width, 12):
                segments.append([])
            segments[-1].append(word["text"])
        result.append(_Line(min(w["top"] for w in group), max(w["bottom"] for w in group),
                            [" ".join(s) for s in segments]))
    return result


def _table_cells(table) -> list[list[Cell]]:
    texts = table.extract()
    rows = table.rows
    grid: list[list[Cell]] = []
    for i, (row, values) in enumerate(zip(rows, texts)):
        cells: list[Cell] = []
        for j, (box, value) in enumerate(zip(row.cells, values)):
            if box is not None:
                cells.append(Cell(value or ""))
                continue
            # A missing cell under a cell that reaches down into this row: a vertical merge.
            above = None
            for k in range(i - 1, -1, -1):
                upper = rows[k].cells[j] if j < len(rows[k].cells) else None
                if upper is not None:
                    if upper[3] > row.bbox[1] + 1:
                        above = texts[k][j] or ""
                    break
            cells.append(Cell("", above=above))
        grid.append(cells)
    return grid


def _document(pages: list[_Page], name: str) -> Document:
    rows: list[SourceRow] = []
    header_lines: list[str] = []
    prose_lines: list[str] = []
    columns: list[list[str]] = []     # consecutive lines laid out in columns, not yet written
    merges = MergeResolver()
    number = 0
    scanned = [i + 1 for i, p in enumerate(pages) if not p.chars and p.images]

    def flush() -> None:
        """Lines in two columns ("ỦY BAN NHÂN DÂN | CỘNG HÒA ...", "TỈNH X | Độc lập ...") go to
        the header reader column by column, as each column is read: the left one first."""
        for k in range(max((len(c) for c in columns), default=0)):
            header_lines.extend(c[k] for c in columns if k < len(c))
        columns.clear()

    def blank() -> None:
        flush()
        header_lines.append("")
        prose_lines.append("")

    for page in pages:
        if number:
            number += 1
            rows.append(SourceRow(number, None))        # the page break
            blank()
        previous: _Line | None = None
        for item in page.items:
            if isinstance(item, _Table):
                if previous is not None:
                    blank()                     # a table ends the paragraph before it
                flush()
                for cells in item.rows:
                    number += 1
                    rows.append(merges.row(number, cells))
                    header_lines.append(row_line([c.text for c in cells if c.above is None]))
                    prose_lines.append(text_row(cells))   # as in a text plan: a table in prose
                blank()
                previous = None
                continue
            if previous is not None and item.top - previous.bottom > (previous.bottom - previous.top):
                number += 1
                rows.append(SourceRow(number, None))    # a paragraph break
                blank()
            number += 1
            flat = " ".join(item.segments)
            for row in text_rows(flat):
                rows.append(SourceRow(number, row.cells, row.appendix, row.prose))
            if len(item.segments) > 1:
                columns.append(item.segments)
            else:
                flush()
                header_lines.append(flat)
            prose_lines.append(flat)
            previous = item
    flush()
    document = Document("pdf", rows, "\n".join(header_lines) + "\n",
                        "\n".join(prose_lines) + "\n", name=name)
    if scanned:
        document.notices.append(ReadingWarning(
            "scanned_pages",
            f"Các trang {', '.join(map(str, scanned))} của PDF là ảnh quét (không có lớp chữ) nên "
            "không đọc được; nội dung trên các trang đó không có trong kết quả.",
            f"Pages {', '.join(map(str, scanned))} of the PDF are scanned images (no text layer) "
            "and could not be read; their content is missing from the reading."))
    return document
