"""Which reader a plan file needs, told by its content (never by its name alone).

ZIP with ``word/document.xml`` → DOCX; ZIP with ``xl/workbook.xml`` → XLSX; ``%PDF-`` → PDF;
anything else is text (plain, or CSV). Formats that are not plans, or that we cannot read
(old binary .doc/.xls, images, archives), are refused with a message saying what to do. When
the name's extension disagrees with the content, the content wins and the reading says so.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from ..result import NotAPlanError, ReadingWarning
from .document import FORMAT_NAMES, corrupt_error

DOCX, XLSX, PDF, TEXT = "docx", "xlsx", "pdf", "text"

# Extension → the format its name promises.
_EXTENSIONS = {
    "docx": DOCX, "docm": DOCX, "dotx": DOCX, "xlsx": XLSX, "xlsm": XLSX, "xltx": XLSX,
    "pdf": PDF, "txt": TEXT, "csv": TEXT, "tsv": TEXT, "text": TEXT, "md": TEXT,
    "doc": "doc", "xls": "xls", "rtf": "rtf", "odt": "odt", "ods": "ods",
    "png": "image", "jpg": "image", "jpeg": "image", "gif": "image", "tif": "image",
    "tiff": "image", "zip": "zip", "rar": "zip", "7z": "zip",
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# (magic, Vietnamese, English) of files that are certainly not plans.
_NOT_PLANS: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "ảnh PNG", "a PNG image"),
    (b"\xff\xd8\xff", "ảnh JPEG", "a JPEG image"),
    (b"GIF87a", "ảnh GIF", "a GIF image"),
    (b"GIF89a", "ảnh GIF", "a GIF image"),
    (b"II*\x00", "ảnh TIFF", "a TIFF image"),
    (b"MM\x00*", "ảnh TIFF", "a TIFF image"),
    (b"Rar!\x1a\x07", "tệp nén RAR", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "tệp nén 7z", "a 7z archive"),
    (b"\x1f\x8b", "tệp nén gzip", "a gzip archive"),
)
_IMAGE_HINT_VI = (" Nếu đây là ảnh chụp hoặc bản quét kế hoạch, hãy tải lên bản Word (.docx), "
                  "Excel (.xlsx) hoặc PDF có lớp chữ của kế hoạch.")
_IMAGE_HINT_EN = (" If it is a photo or scan of the plan, upload the plan's Word (.docx), Excel "
                  "(.xlsx) or text-layer PDF version instead.")


@dataclass
class Sniffed:
    kind: str                                   # DOCX, XLSX, PDF or TEXT
    extension: str                              # the name's extension, lower case, no dot
    notices: list[ReadingWarning] = field(default_factory=list)

    @property
    def promised(self) -> str | None:
        """The format the file name promises, if it names one."""
        return _EXTENSIONS.get(self.extension)

    def explain(self, error: NotAPlanError) -> NotAPlanError:
        """A text reading's error, for a file whose name promised Word, Excel or PDF: say first
        that the content is plain text (most likely the wrong file was chosen)."""
        if self.promised not in (DOCX, XLSX, PDF):
            return error
        vi_name, en_name = FORMAT_NAMES[self.promised]
        return NotAPlanError(
            "wrong_format",
            f"Tệp có đuôi “.{self.extension}” nhưng nội dung không phải {vi_name} mà là văn bản "
            f"thuần; đọc như văn bản thì: {error.message_vi}",
            f"The file name ends in “.{self.extension}” but the content is not {en_name}: it is "
            f"plain text, and read as text: {error.message_en}")


def extension(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def sniff(data: bytes, name: str) -> Sniffed:
    """The reader ``data`` needs; NotAPlanError for formats that cannot hold a readable plan."""
    ext = extension(name)
    kind = _content_kind(data, ext)
    found = Sniffed(kind, ext)
    promised = found.promised
    if promised in (DOCX, XLSX, PDF, TEXT) and promised != kind and kind != TEXT:
        found.notices.append(mismatch_notice(ext, kind))
    return found


def mismatch_notice(ext: str, kind: str) -> ReadingWarning:
    vi_name, en_name = FORMAT_NAMES[kind]
    return ReadingWarning(
        "format_mismatch",
        f"Tên tệp có đuôi “.{ext}” nhưng nội dung là {vi_name}; đã đọc theo nội dung. Nên đổi "
        "đuôi tệp cho đúng.",
        f"The file name ends in “.{ext}” but the content is {en_name}; it was read as such. "
        "Consider renaming the file.")


def wrong_content_error(ext: str, what_vi: str, what_en: str, hint_vi: str = "",
                        hint_en: str = "") -> NotAPlanError:
    """A file whose name promises a plan format but whose content is something else."""
    promised = _EXTENSIONS.get(ext)
    if promised in FORMAT_NAMES:
        vi_name, en_name = FORMAT_NAMES[promised]
        return NotAPlanError(
            "wrong_format",
            f"Tệp có đuôi “.{ext}” nhưng nội dung không phải {vi_name} mà là {what_vi}, nên không "
            f"đọc được như một kế hoạch.{hint_vi}",
            f"The file name ends in “.{ext}” but the content is not {en_name}: it is {what_en}, "
            f"so it cannot be read as a plan.{hint_en}")
    return NotAPlanError(
        "not_a_plan_format",
        f"Tệp là {what_vi}, không phải văn bản, Word, Excel hay PDF nên không đọc được như một kế "
        f"hoạch.{hint_vi}",
        f"The file is {what_en}, not text, Word, Excel or PDF, so it cannot be read as a "
        f"plan.{hint_en}")


def _content_kind(data: bytes, ext: str) -> str:
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data, ext)
    if b"%PDF-" in data[:1024]:
        return PDF
    if data.startswith(_OLE):
        raise _ole_error(data, ext)
    for magic, vi, en in _NOT_PLANS:
        if data.startswith(magic):
            image = "ảnh" in vi
            raise wrong_content_error(ext, vi, en, _IMAGE_HINT_VI if image else "",
                                      _IMAGE_HINT_EN if image else "")
    if data.startswith(b"{\\rtf"):
        raise NotAPlanError(
            "rtf_document",
            "Tệp là tài liệu RTF, chương trình không đọc dạng này. Hãy mở tệp bằng Word, chọn "
            "Lưu thành (Save As) → “Word Document (*.docx)” rồi tải tệp .docx lên.",
            "The file is an RTF document, which is not read. Open it in Word, Save As “Word "
            "Document (*.docx)” and upload the .docx file.")
    return TEXT


def _zip_kind(data: bytes, ext: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except Exception as exc:  # noqa: BLE001 - a damaged archive fails in many ways
        # Cut short or damaged: name the format the file name or the first bytes promise.
        promised = _EXTENSIONS.get(ext)
        if promised not in (DOCX, XLSX):
            head = data[:65536]
            promised = DOCX if b"word/" in head else XLSX if b"xl/" in head else None
        if promised in (DOCX, XLSX):
            raise corrupt_error(promised) from exc
        raise NotAPlanError(
            "corrupt_file",
            "Tệp là tệp nén ZIP nhưng bị hỏng hoặc không đầy đủ nên không mở được.",
            "The file is a ZIP archive but is damaged or incomplete, so it cannot be opened.") from exc
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    if any(n.startswith("ppt/") for n in names):
        raise wrong_content_error(ext, "bản trình chiếu PowerPoint (.pptx)",
                                  "a PowerPoint presentation (.pptx)")
    if "mimetype" in names or "content.xml" in names:
        raise NotAPlanError(
            "opendocument",
            "Tệp là tài liệu OpenDocument (.odt/.ods), chương trình chưa đọc dạng này. Hãy mở tệp "
            "(LibreOffice, Word hoặc Excel) và lưu thành Word (.docx) hoặc Excel (.xlsx) rồi tải "
            "lên.",
            "The file is an OpenDocument file (.odt/.ods), which is not read yet. Open it and "
            "save it as Word (.docx) or Excel (.xlsx), then upload that.")
    if _EXTENSIONS.get(ext) in (DOCX, XLSX):
        raise corrupt_error(_EXTENSIONS[ext], "thiếu phần nội dung chính của tài liệu",
                            "the document's main part is missing")
    raise wrong_content_error(
        ext, "một tệp nén ZIP", "a ZIP archive",
        " Hãy giải nén và tải lên tệp kế hoạch (.docx, .xlsx, .pdf, .txt) bên trong.",
        " Unpack it and upload the plan file (.docx, .xlsx, .pdf, .txt) inside.")


def _ole_error(data: bytes, ext: str) -> NotAPlanError:
    """Old binary Office files (and password-protected new ones, which use the same container)."""
    head = data[:1 << 20]
    if "EncryptedPackage".encode("utf-16-le") in head:
        return NotAPlanError(
            "encrypted_file",
            "Tệp Word/Excel được đặt mật khẩu nên không đọc được. Hãy mở tệp, gỡ mật khẩu "
            "(File → Info → Protect → Encrypt with Password, xóa mật khẩu), lưu lại rồi tải lên.",
            "The Word/Excel file is password-protected and cannot be read. Open it, remove the "
            "password, save it and upload it again.")
    is_xls = ("Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head
              or ext in ("xls", "xlsx"))
    is_doc = "WordDocument".encode("utf-16-le") in head or ext in ("doc", "docx")
    if is_doc and "Workbook".encode("utf-16-le") not in head:
        return NotAPlanError(
            "legacy_doc",
            "Tệp là tài liệu Word cũ (.doc, Word 97–2003), chương trình không đọc được dạng này. "
            "Hãy mở tệp bằng Word, chọn Lưu thành (Save As) → “Word Document (*.docx)” rồi tải "
            "tệp .docx lên.",
            "The file is an old-style Word document (.doc, Word 97–2003), which cannot be read. "
            "Open it in Word, Save As “Word Document (*.docx)” and upload the .docx file.")
    if is_xls:
        return NotAPlanError(
            "legacy_xls",
            "Tệp là bảng tính Excel cũ (.xls, Excel 97–2003), chương trình không đọc được dạng "
            "này. Hãy mở tệp bằng Excel, chọn Lưu thành (Save As) → “Excel Workbook (*.xlsx)” "
            "rồi tải tệp .xlsx lên.",
            "The file is an old-style Excel workbook (.xls, Excel 97–2003), which cannot be read. "
            "Open it in Excel, Save As “Excel Workbook (*.xlsx)” and upload the .xlsx file.")
    return NotAPlanError(
        "legacy_office",
        "Tệp là tài liệu Office cũ (.doc/.xls, Office 97–2003), chương trình không đọc được dạng "
        "này. Hãy mở tệp và lưu thành Word (.docx) hoặc Excel (.xlsx) rồi tải lên.",
        "The file is an old-style Office document (.doc/.xls, Office 97–2003), which cannot be "
        "read. Open it and save it as Word (.docx) or Excel (.xlsx), then upload that.")
