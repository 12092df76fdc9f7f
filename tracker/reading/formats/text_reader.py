"""Bytes that are not DOCX/XLSX/PDF: decoded as text (``encoding.decode_plan_bytes``).

A file whose name promises Word, Excel or PDF but whose content is neither that nor text is
refused in those terms; one that turns out to be text is read, with a notice.
"""

from __future__ import annotations

from ..encoding import DecodedText, decode_plan_bytes
from ..result import NotAPlanError
from .sniff import DOCX, PDF, XLSX, Sniffed, mismatch_notice, wrong_content_error


def decode_text(data: bytes, name: str, found: Sniffed) -> DecodedText:
    promised = found.promised
    try:
        decoded = decode_plan_bytes(data, name)
    except NotAPlanError as error:
        if promised in (DOCX, XLSX, PDF) and error.code in ("binary_file", "unknown_encoding"):
            raise wrong_content_error(
                found.extension, "dữ liệu không nhận ra được (có thể tệp đã bị hỏng)",
                "unrecognised data (the file may be damaged)") from None
        raise
    if promised in (DOCX, XLSX, PDF):
        found.notices.append(mismatch_notice(found.extension, "text"))
    return decoded
