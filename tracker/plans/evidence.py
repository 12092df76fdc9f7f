"""Evidence files: what an officer may attach to a progress report, checked by content.

The type is read from the file's first bytes (and, for Office and OpenDocument files,
from the names inside the ZIP), never from its name or the browser's claim, so a renamed
executable is refused.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from ..errors import UserError
from ..reading.formats.archive import unsafe_reason

MAX_FILES = 5

# What a progress report's evidence usually is: scanned decisions, minutes, reports, photos.
KINDS = {
    "application/pdf": "PDF",
    "image/png": "PNG", "image/jpeg": "JPEG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
}


class EvidenceError(UserError):
    pass


class UnsafeEvidence(Exception):
    """A ZIP container past the archive limits; ``why`` as ``unsafe_reason`` gives it."""

    def __init__(self, why):
        super().__init__(why)
        self.why = why


# The extension a stored file keeps, from its detected type (a renamed file is named for
# what it is, so the downloaded copy opens in the right program and nothing else).
EXTENSIONS = {
    "application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
}


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    data: bytes
    sha256: str


def sniff(data: bytes) -> str | None:
    """The content type of an accepted kind of file, or None."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = archive.infolist()
                # The same limits as plan files: a small upload can declare gigabytes inflated.
                why = unsafe_reason(archive, members)
                if why is not None:
                    raise UnsafeEvidence(why)
                names = {m.filename for m in members}
                if "mimetype" in names:
                    with archive.open("mimetype") as stream:
                        mimetype = stream.read(100).decode("ascii", "replace").strip()
                    return mimetype if mimetype in KINDS else None
        except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, ValueError, EOFError):
            return None
        if "word/document.xml" in names:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if "xl/workbook.xml" in names:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def check(filename: str, data: bytes, max_bytes: int) -> CheckedFile:
    name = (filename or "tep").replace("\\", "/").rsplit("/", 1)[-1][:255] or "tep"
    if not data:
        raise EvidenceError(f"Tệp “{name}” rỗng.", f"File “{name}” is empty.")
    if len(data) > max_bytes:
        mb = max_bytes / 1048576
        raise EvidenceError(f"Tệp “{name}” lớn hơn {mb:g} MB.", f"File “{name}” is larger than {mb:g} MB.")
    try:
        kind = sniff(data)
    except UnsafeEvidence as exc:
        why_vi, why_en = exc.why if isinstance(exc.why, tuple) else ("tệp bị hỏng", "it is damaged")
        raise EvidenceError(f"Tệp “{name}” không an toàn để mở: {why_vi}. Tệp không được nhận.",
                            f"File “{name}” is not safe to open: {why_en}. It was not accepted.") from exc
    if kind is None:
        allowed = ", ".join(sorted(set(KINDS.values())))
        raise EvidenceError(f"Tệp “{name}” không phải loại được nhận ({allowed}).",
                            f"File “{name}” is not an accepted type ({allowed}).")
    return CheckedFile(with_extension(name, kind), kind, data, hashlib.sha256(data).hexdigest())


def with_extension(name: str, kind: str) -> str:
    """``name`` ending in the extension of its detected type ("bao-cao.exe" holding a PDF
    becomes "bao-cao.pdf"; "anh.jpeg" stays)."""
    wanted = EXTENSIONS[kind]
    stem, dot, ext = name.rpartition(".")
    if dot and ("." + ext.lower() == wanted or (wanted == ".jpg" and ext.lower() == "jpeg")):
        return name
    base = stem if dot and stem else name
    return (base[: 255 - len(wanted)] or "tep") + wanted
