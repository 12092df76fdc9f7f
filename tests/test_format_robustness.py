"""Whatever arrives, ``read_plan`` answers with a reading or a clear ``NotAPlanError``.

Too large, zip bombs, DOCTYPE bombs, damaged and cut-short Word/Excel/PDF files (random
byte flips, truncation), files whose name lies about their content, old binary Office
files and scanned PDFs. Never another exception, never a long wait.
"""

from __future__ import annotations

import io
import random
import time
import zipfile
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.reading.plan import MAX_PLAN_BYTES, read_plan
from tracker.reading.result import NotAPlanError, PlanReading

from .conftest import SEEDS
from .pdf_maker import PdfMaker

STEM = "soc-trang-2017-kiem-soat-tthc"
DOCX = (SEEDS / f"{STEM}.docx").read_bytes()
XLSX = (SEEDS / f"{STEM}.xlsx").read_bytes()


def _pdf() -> bytes:
    maker = PdfMaker()
    maker.line("Số: 45/KH-UBND")
    maker.line("Bến Tre, ngày 05 tháng 3 năm 2021")
    maker.line("")
    maker.line("KẾ HOẠCH")
    maker.line("Kiểm soát thủ tục hành chính năm 2021")
    maker.line("")
    head = ["TT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"]
    maker.table([head] + [[str(n), f"Nhiệm vụ {n}", "Sở Tư pháp", "", "Tháng 6 năm 2021"]
                          for n in range(1, 6)], [5, 40, 20, 20, 15], header_rows=1)
    return maker.bytes()


PDF = _pdf()
SAMPLES = {"kh.docx": DOCX, "kh.xlsx": XLSX, "kh.pdf": PDF}


def outcome(data: bytes, name: str):
    """The reading, or the NotAPlanError; anything else fails the test."""
    try:
        return read_plan(data, name)
    except NotAPlanError as error:
        assert error.code and error.message_vi and error.message_en
        assert error.message_vi != error.message_en
        return error


def refused(data: bytes, name: str) -> NotAPlanError:
    result = outcome(data, name)
    assert isinstance(result, NotAPlanError), f"{name} was read"
    return result


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_the_samples_read(name):
    assert isinstance(outcome(SAMPLES[name], name), PlanReading)


# -- size ----------------------------------------------------------------------------------------

def test_a_50_mb_upload_is_refused_at_once():
    data = b"PK\x03\x04" + bytes(50 * 1024 * 1024)
    start = time.perf_counter()
    error = refused(data, "kh.docx")
    assert time.perf_counter() - start < 0.5
    assert error.code == "too_large" and "20 MB" in error.message_vi


def test_the_size_limit_is_a_parameter():
    assert MAX_PLAN_BYTES == 20 * 1024 * 1024
    with pytest.raises(NotAPlanError) as caught:
        read_plan(DOCX, "kh.docx", max_bytes=len(DOCX) - 1)
    assert caught.value.code == "too_large"
    assert isinstance(read_plan(DOCX, "kh.docx", max_bytes=len(DOCX)), PlanReading)


# -- zip bombs -----------------------------------------------------------------------------------

def _rezip(data: bytes, replace: dict[str, bytes] = (), add: dict[str, bytes] = ()) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, dict(replace).get(info.filename, source.read(info)))
        for name, content in dict(add).items():
            target.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize("name, data", [("kh.docx", DOCX), ("kh.xlsx", XLSX)])
def test_zip_bomb_member_is_refused_before_parsing(name, data):
    bomb = _rezip(data, add={"customXml/item9.xml": bytes(30 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    start = time.perf_counter()
    error = refused(bomb, name)
    assert time.perf_counter() - start < 2
    assert error.code == "unsafe_file" and "tỷ lệ" in error.message_vi


def test_zip_that_inflates_past_the_total_limit_is_refused():
    # Incompressible members, so the ratio is normal: only the total gives it away.
    noise = random.Random(1).randbytes(30 * 1024 * 1024)
    big = _rezip(DOCX, add={f"word/media/image{n}.bin": noise for n in range(4)})
    error = refused(big, "kh.docx")
    assert error.code in ("unsafe_file", "too_large")


def test_zip_declaring_small_sizes_cannot_inflate_past_them():
    """A member whose central-directory entry understates its size fails its check instead of
    inflating past what was declared (and checked)."""
    document = zipfile.ZipFile(io.BytesIO(DOCX)).read("word/document.xml")
    assert len(document) > 100
    lying = bytearray(DOCX)
    entry = lying.rfind(b"PK\x01\x02", 0, lying.rfind(b"word/document.xml"))
    lying[entry + 24:entry + 28] = (100).to_bytes(4, "little")    # "uncompressed size"
    assert zipfile.ZipFile(io.BytesIO(bytes(lying))).getinfo("word/document.xml").file_size == 100
    error = refused(bytes(lying), "kh.docx")
    assert error.code == "corrupt_file"


@pytest.mark.parametrize("name, data, part", [("kh.docx", DOCX, "word/document.xml"),
                                              ("kh.xlsx", XLSX, "xl/sharedStrings.xml"),
                                              ("kh.xlsx", XLSX, "xl/workbook.xml")])
def test_xml_entity_bomb_is_refused(name, data, part):
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;" * 10)
                         for i in range(1, 10))
              + b']><root>&lol9;</root>')
    members = zipfile.ZipFile(io.BytesIO(data)).namelist()
    bomb = _rezip(data, replace={part: laughs}) if part in members else _rezip(data, add={part: laughs})
    error = refused(bomb, name)
    assert error.code == "unsafe_file" and "DOCTYPE" in error.message_vi


# -- damaged files -------------------------------------------------------------------------------

def _flip(data: bytes, rng: random.Random, flips: int) -> bytes:
    damaged = bytearray(data)
    for _ in range(flips):
        at = rng.randrange(len(damaged))
        damaged[at] ^= 1 << rng.randrange(8)
    return bytes(damaged)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_random_byte_flips(name):
    rng = random.Random(name)
    for _ in range(25):
        result = outcome(_flip(SAMPLES[name], rng, rng.choice((1, 3, 20))), name)
        assert isinstance(result, (PlanReading, NotAPlanError))


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("share", [0.0005, 0.1, 0.5, 0.9, 0.999])
def test_truncated_files(name, share):
    data = SAMPLES[name]
    cut = data[:max(int(len(data) * share), 1)]
    result = outcome(cut, name)
    if isinstance(result, PlanReading):
        # A PDF cut in its trailer is still read: PDF readers rebuild a lost cross-reference.
        assert name == "kh.pdf" and share > 0.9
        return
    error = result
    assert error.code in ("corrupt_file", "wrong_format", "empty_file", "scanned_pdf")
    if error.code == "corrupt_file":
        word = {"kh.docx": "Word", "kh.xlsx": "Excel", "kh.pdf": "PDF"}[name]
        assert word in error.message_vi and "hỏng" in error.message_vi


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SAMPLES)), st.data())
def test_fuzzed_containers_never_raise_anything_else(name, data):
    original = SAMPLES[name]
    start = data.draw(st.integers(0, len(original) - 1))
    chunk = data.draw(st.binary(min_size=1, max_size=64))
    fuzzed = original[:start] + chunk + original[start + len(chunk):]
    if data.draw(st.booleans()):
        fuzzed = fuzzed[:data.draw(st.integers(1, len(fuzzed)))]
    assert isinstance(outcome(fuzzed, name), (PlanReading, NotAPlanError))


# -- names that lie, formats that are not plans ---------------------------------------------------

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
       b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


def test_png_named_docx_is_refused_as_an_image():
    error = refused(PNG, "kehoach.docx")
    assert error.code == "wrong_format"
    assert ".docx" in error.message_vi and "ảnh PNG" in error.message_vi and "Word" in error.message_vi


@pytest.mark.parametrize("data, name, kind", [(DOCX, "kh.xlsx", "Word"), (XLSX, "kh.docx", "Excel"),
                                              (DOCX, "kh.pdf", "Word"), (PDF, "kh.docx", "PDF"),
                                              (DOCX, "kh.txt", "Word")])
def test_content_wins_over_the_name_with_a_notice(data, name, kind):
    reading = outcome(data, name)
    assert isinstance(reading, PlanReading)
    notice = reading.warnings[0]
    assert notice.code == "format_mismatch" and kind in notice.message
    assert name.rsplit(".", 1)[1] in notice.message


def test_text_named_docx_is_read_as_text_with_a_notice():
    data = (SEEDS / f"{STEM}.txt").read_bytes()
    reading = outcome(data, "kh.docx")
    assert isinstance(reading, PlanReading) and reading.warnings[0].code == "format_mismatch"
    assert len(reading.tasks) == 22


def test_binary_garbage_named_docx_says_it_is_not_a_word_document():
    garbage = random.Random(3).randbytes(4000)
    error = refused(garbage, "kh.docx")
    assert error.code == "wrong_format" and "Word" in error.message_vi


def test_other_zip_archive_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("ke-hoach.txt", "KẾ HOẠCH")
    error = refused(out.getvalue(), "kehoach.zip")
    assert error.code == "not_a_plan_format" and "giải nén" in error.message_vi


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


@pytest.mark.parametrize("data, name, code, keep", [
    (OLE + "WordDocument".encode("utf-16-le"), "kehoach.doc", "legacy_doc", ".docx"),
    (OLE, "kehoach.doc", "legacy_doc", ".docx"),
    (OLE + "Workbook".encode("utf-16-le"), "kehoach.xls", "legacy_xls", ".xlsx"),
    (OLE + "EncryptedPackage".encode("utf-16-le"), "kehoach.docx", "encrypted_file", "mật khẩu"),
])
def test_old_office_files_are_refused_with_what_to_do(data, name, code, keep):
    error = refused(data, name)
    assert error.code == code and keep in error.message_vi
    assert "Save As" in error.message_vi or "mật khẩu" in error.message_vi


def test_scanned_pdf_is_refused_with_that_reason():
    from PIL import Image
    image = Image.new("RGB", (200, 280), "white")
    out = io.BytesIO()
    image.save(out, "PDF")
    error = refused(out.getvalue(), "scan.pdf")
    assert error.code == "scanned_pdf"
    assert error.message_vi.startswith("PDF là ảnh quét, không có lớp chữ")


def test_damaged_pdf_named_pdf_mentions_pdf():
    error = refused(b"%PDF-1.7\n" + b"\x00\x01" * 200, "kh.pdf")
    assert "PDF" in error.message_vi


def test_pdf_whose_streams_inflate_too_far_is_refused(monkeypatch):
    from tracker.reading.formats import pdf_reader
    monkeypatch.setattr(pdf_reader, "MAX_INFLATED_BYTES", 4 * 1024 * 1024)
    bomb = zlib.compress(bytes(8 * 1024 * 1024), 9)
    data = (PDF.replace(b"%%EOF", b"") + b"99 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n"
            % len(bomb) + bomb + b"\nendstream\nendobj\n%%EOF\n")
    error = refused(data, "kh.pdf")
    assert error.code == "unsafe_file" and "MB" in error.message_vi
    assert isinstance(read_plan(PDF, "kh.pdf"), PlanReading)     # the same file without it reads


def test_pdf_that_makes_the_parser_loop_is_interrupted(monkeypatch):
    """Found by fuzzing: an object that is never closed and a reference glued to its key send
    the PDF parser round a loop for ever. The read is interrupted and refused."""
    from tracker.reading.formats import pdf_reader
    monkeypatch.setattr(pdf_reader, "TIME_LIMIT_SECONDS", 1.5)
    looping = (PDF.replace(b"endstream\nendobj\n6 0 obj", b"endstream\nendobq\n6 0 obj")
               .replace(b"/Contents 5 0 R", b"/Contents{5 0 R"))
    assert looping != PDF
    start = time.perf_counter()
    error = refused(looping, "kh.pdf")
    assert time.perf_counter() - start < 5
    assert error.code == "corrupt_file" and "giây" in error.message_vi
    assert isinstance(read_plan(PDF, "kh.pdf"), PlanReading)    # and the thread reads on
