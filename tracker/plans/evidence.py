"""Evidence files: what an officer may attach to a progress report, checked by content.

The type is read from the file's first bytes (and, for Office and OpenDocument files,
from the names inside the ZIP), never from its name or the browser's claim, so a renamed
executable is refused.
"""

from __future__ import annotations

import hashlib
import io
import zipfile

from ..errors import UserError
from dataclasses import dataclass

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
                names = set(archive.namelist())
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    return mimetype if mimetype in KINDS else None
        except (zipfile.BadZipFile, OSError, KeyError):
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
    kind = sniff(data)
    if kind is None:
        allowed = ", ".join(sorted(set(KINDS.values())))
        raise EvidenceError(f"Tệp “{name}” không phải loại được nhận ({allowed}).",
                            f"File “{name}” is not an accepted type ({allowed}).")
    return CheckedFile(name, kind, data, hashlib.sha256(data).hexdigest())
