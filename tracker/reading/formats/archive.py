"""Opening DOCX/XLSX containers (ZIP) safely, before a library parses them.

A 20 MB upload can declare gigabytes once inflated (a "zip bomb"). The declared sizes in the
ZIP central directory are checked first; Python's zipfile never inflates a member past its
declared size (it stops and fails the CRC), so the check holds even for a lying archive.
Office XML never carries a DOCTYPE, so a part that declares one (entity expansion attacks)
is refused too.
"""

from __future__ import annotations

import io
import re
import zipfile

from ..result import NotAPlanError
from .document import FORMAT_NAMES, corrupt_error

MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024   # all members together, inflated
MAX_MEMBER_RATIO = 100                       # inflated / compressed, for members ...
RATIO_CHECK_FROM = 1024 * 1024               # ... of at least this inflated size
MAX_MEMBERS = 5000
_PROLOG_BYTES = 4096
_ROOT_START = re.compile(rb"<[A-Za-z_]")


def open_zip(data: bytes, fmt: str) -> zipfile.ZipFile:
    """The container of a ``fmt`` file ("docx", "xlsx"), checked; NotAPlanError if unsafe or broken."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except Exception as exc:  # noqa: BLE001 - a damaged archive fails in many ways
        raise corrupt_error(fmt) from exc
    check_zip(archive, members, fmt)
    return archive


def check_zip(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], fmt: str) -> None:
    why = unsafe_reason(archive, members)
    if why == "corrupt":
        raise corrupt_error(fmt)
    if why is not None:
        vi_name, en_name = FORMAT_NAMES[fmt]
        raise _bomb(vi_name, en_name, *why)


def unsafe_reason(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> tuple[str, str] | str | None:
    """Why a ZIP container (an Office or OpenDocument file) is not safe to open, as
    (Vietnamese, English) reasons; "corrupt" when a part cannot be read; None when it is safe.
    Also used for evidence files, which are kept but never parsed."""
    if len(members) > MAX_MEMBERS:
        return f"có {len(members)} thành phần bên trong", f"it holds {len(members)} parts"
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        return (f"khi giải nén chiếm {total // (1024 * 1024)} MB (tối đa "
                f"{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB)",
                f"it inflates to {total // (1024 * 1024)} MB (at most "
                f"{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB)")
    for member in members:
        if (member.file_size >= RATIO_CHECK_FROM
                and member.file_size > MAX_MEMBER_RATIO * max(member.compress_size, 1)):
            ratio = member.file_size // max(member.compress_size, 1)
            return (f"thành phần “{member.filename}” nén với tỷ lệ bất thường ({ratio}:1)",
                    f"its part “{member.filename}” has an abnormal compression ratio ({ratio}:1)")
    for member in members:
        if member.filename.endswith((".xml", ".rels")) and not member.is_dir():
            try:
                with archive.open(member) as stream:
                    head = stream.read(_PROLOG_BYTES)
            except Exception:  # noqa: BLE001 - bad CRC, zlib errors, odd methods
                return "corrupt"
            root = _ROOT_START.search(head)
            prolog = head[:root.start()] if root else head
            if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
                return (f"thành phần “{member.filename}” khai báo DOCTYPE, điều mà Word/Excel "
                        "không bao giờ ghi",
                        f"its part “{member.filename}” declares a DOCTYPE, which Word and "
                        "Excel never write")
    return None


def _bomb(vi_name: str, en_name: str, why_vi: str, why_en: str) -> NotAPlanError:
    return NotAPlanError(
        "unsafe_file",
        f"Tệp có dạng {vi_name} nhưng không an toàn để mở: {why_vi}. Đây không phải một kế hoạch "
        "thông thường (có thể là tệp độc hại); tệp không được đọc.",
        f"The file looks like {en_name} but is not safe to open: {why_en}. This is not an "
        "ordinary plan (it may be malicious); it was not read.")
