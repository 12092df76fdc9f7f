"""tracker.reading.encoding: bytes of a plan file → NFC text, or a clear NotAPlanError.

The legacy tables are checked against encoders written here independently of the
module's tables (TCVN3 as byte values, VNI built from each letter's decomposition), by
round-tripping real seed plans.
"""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.reading.encoding import DecodedText, decode_plan_bytes, tcvn3_to_unicode, vni_to_unicode
from tracker.reading.result import NotAPlanError

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seed_plans").glob("*.txt"))
SEED_IDS = [p.stem for p in SEEDS]

# ---------------------------------------------------------------------------------------
# Independent encoders (Unicode → legacy), for round trips
# ---------------------------------------------------------------------------------------

TONE_MARKS = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # -, huyền, sắc, hỏi, ngã, nặng

# TCVN3 (ABC) byte per base vowel and tone, in TONE_MARKS order.
TCVN3_BYTES = {
    "a": (0x61, 0xB5, 0xB8, 0xB6, 0xB7, 0xB9), "ă": (0xA8, 0xBB, 0xBE, 0xBC, 0xBD, 0xC6),
    "â": (0xA9, 0xC7, 0xCA, 0xC8, 0xC9, 0xCB), "e": (0x65, 0xCC, 0xD0, 0xCE, 0xCF, 0xD1),
    "ê": (0xAA, 0xD2, 0xD5, 0xD3, 0xD4, 0xD6), "i": (0x69, 0xD7, 0xDD, 0xD8, 0xDC, 0xDE),
    "o": (0x6F, 0xDF, 0xE3, 0xE1, 0xE2, 0xE4), "ô": (0xAB, 0xE5, 0xE8, 0xE6, 0xE7, 0xE9),
    "ơ": (0xAC, 0xEA, 0xED, 0xEB, 0xEC, 0xEE), "u": (0x75, 0xEF, 0xF3, 0xF1, 0xF2, 0xF4),
    "ư": (0xAD, 0xF5, 0xF8, 0xF6, 0xF7, 0xF9), "y": (0x79, 0xFA, 0xFD, 0xFB, 0xFC, 0xFE),
}
TCVN3_OTHER = {"đ": 0xAE, "Ă": 0xA1, "Â": 0xA2, "Đ": 0xA7, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5,
               "Ư": 0xA6}


def split_tone(ch: str) -> tuple[str, str]:
    """("ê", "\u0301") for "ế": the letter with its vowel mark, and its tone mark."""
    nfd = unicodedata.normalize("NFD", ch)
    tone = next((m for m in TONE_MARKS[1:] if m in nfd), "")
    return unicodedata.normalize("NFC", nfd.replace(tone, "")) if tone else ch, tone


def to_tcvn3(text: str) -> str:
    """Unicode → TCVN3 as Unikey writes it: a toned capital gets the lower-case code."""
    out = []
    for ch in text:
        if ch in TCVN3_OTHER:
            out.append(chr(TCVN3_OTHER[ch]))
            continue
        base, tone = split_tone(ch)
        low = base.lower()
        if low in TCVN3_BYTES and not ch.isascii():
            upper_bare = ch.isupper() and not tone and base in "ĂÂÊÔƠƯ"
            assert not upper_bare
            out.append(chr(TCVN3_BYTES[low][TONE_MARKS.index(tone)]))
        else:
            out.append(ch)
    return "".join(out)


VNI_TONE = dict(zip(TONE_MARKS, ("", "ø", "ù", "û", "õ", "ï")))
VNI_CIRCUMFLEX = dict(zip(TONE_MARKS, ("â", "à", "á", "å", "ã", "ä")))   # â ê ô + tone
VNI_BREVE = dict(zip(TONE_MARKS, ("ê", "è", "é", "ú", "ü", "ë")))       # ă + tone
VNI_I = dict(zip(TONE_MARKS, ("i", "ì", "í", "æ", "ó", "ò")))


def to_vni(text: str, mixed_case: bool = False) -> str:
    """Unicode → VNI Windows. ``mixed_case``: capital base with lower-case glyphs ("Uûy")."""
    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("ñ" if ch == "đ" else "Ñ")
            continue
        nfd = unicodedata.normalize("NFD", ch)
        low, upper = nfd.lower(), ch != ch.lower()
        letter, marks = low[0], low[1:]
        tone = next((m for m in TONE_MARKS[1:] if m in marks), "")
        if ch.isascii() or letter not in "aeiouy":
            out.append(ch)
            continue
        if letter == "i":
            seq = VNI_I[tone]
        elif letter == "y" and tone == "\u0323":
            seq = "î"
        elif "\u0302" in marks:
            seq = letter + VNI_CIRCUMFLEX[tone]
        elif "\u0306" in marks:
            seq = letter + VNI_BREVE[tone]
        elif "\u031b" in marks:                       # horn: ơ = "ô", ư = "ö"
            seq = {"o": "ô", "u": "ö"}[letter] + VNI_TONE[tone]
        else:
            seq = letter + VNI_TONE[tone]
        if upper:
            seq = seq[0].upper() + (seq[1:] if mixed_case else seq[1:].upper())
        out.append(seq)
    return "".join(out)


def to_cp1258_form(text: str) -> str:
    """Split off tone marks only: cp1258 has ê ơ ư ă but few toned letters."""
    return "".join(base + tone for base, tone in map(split_tone, text))


def to_ansi(text: str) -> bytes:
    """Legacy font text as an 8-bit file: Latin-1 bytes, smart quotes as Windows-1252."""
    return b"".join(bytes([ord(ch)]) if ord(ch) <= 0xFF else ch.encode("cp1252")
                    for ch in text)


def seed_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def decode_error(data: bytes, name: str = "") -> NotAPlanError:
    with pytest.raises(NotAPlanError) as info:
        decode_plan_bytes(data, name)
    return info.value


# ---------------------------------------------------------------------------------------
# Unicode input
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", SEEDS, ids=SEED_IDS)
def test_seed_plans_come_back_unchanged(path: Path) -> None:
    text = seed_text(path)
    result = decode_plan_bytes(path.read_bytes(), path.name)
    assert isinstance(result, DecodedText)
    assert result.text == unicodedata.normalize("NFC", text)
    assert result.encoding == "utf-8"
    assert result.notices == ()


@pytest.mark.parametrize("path", SEEDS, ids=SEED_IDS)
def test_decomposed_crlf_bom_utf8_is_normalised(path: Path) -> None:
    text = seed_text(path)
    data = b"\xef\xbb\xbf" + unicodedata.normalize("NFD", text).replace("\n", "\r\n").encode()
    result = decode_plan_bytes(data)
    assert result.text == text
    assert result.encoding == "utf-8-sig"
    assert result.notices == ()


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    text = seed_text(SEEDS[0])[:3000]
    bom = {"utf-16": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[codec]
    result = decode_plan_bytes(bom + text.replace("\n", "\r\n").encode(codec))
    assert result.text == text and result.encoding == "utf-16" and result.notices == ()


def test_old_mac_line_endings() -> None:
    assert decode_plan_bytes("Kế hoạch\rsố 1\r\n".encode()).text == "Kế hoạch\nsố 1\n"


def test_symbols_in_unicode_text_are_left_alone() -> None:
    text = "Điều 5 § 2 © Sở Nội vụ: «Kế hoạch» ½ năm, 25°C × 2\n" * 3
    assert decode_plan_bytes(text.encode()).text == text


def test_french_utf8_is_not_taken_for_tcvn3() -> None:
    text = "Le café «noir» est très bon. Où est la forêt? Ça va, merci.\n"
    result = decode_plan_bytes(text.encode())
    assert result.text == text and result.notices == ()


_VIET_ALPHABET = ("aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợ"
                  "pqrstuùúủũụưừứửữựvxyỳýỷỹỵ")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_VIET_ALPHABET + _VIET_ALPHABET.upper() + " \n.,;:-()0123456789/",
               min_size=1, max_size=400))
def test_any_unicode_vietnamese_is_never_altered(text: str) -> None:
    if not text.strip():
        return
    result = decode_plan_bytes(text.encode())
    assert result.text == text and result.notices == ()


# ---------------------------------------------------------------------------------------
# Windows-1258
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", SEEDS, ids=SEED_IDS)
def test_cp1258_round_trip(path: Path) -> None:
    text = seed_text(path)[:3000]
    with pytest.raises(UnicodeEncodeError):
        text.encode("cp1258")                 # precomposed "ế", "ạ" ... have no byte
    data = to_cp1258_form(text).encode("cp1258")
    result = decode_plan_bytes(data)
    assert result.text == text
    assert result.encoding == "cp1258"
    assert [n.code for n in result.notices] == ["converted_cp1258"]


def test_cp1258_of_non_vietnamese_is_unknown() -> None:
    data = "Le café noir est très bon. Où est la forêt? Ça va.\n".encode("cp1252") * 5
    assert decode_error(data).code == "unknown_encoding"


# ---------------------------------------------------------------------------------------
# TCVN3 and VNI
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("legacy, unicode", [
    ("KÕ ho¹ch", "Kế hoạch"),
    ("Sè", "Số"),
    ("n¨m", "năm"),
    ("ñy ban nh©n d©n", "Ủy ban nhân dân"),
    ("c¸c c¬ quan, ®¬n vÞ", "các cơ quan, đơn vị"),
    ("§iÒu 3. Tr­ëng phßng", "Điều 3. Trưởng phòng"),
    ("KÕ HO¹CH", "KẾ HOẠCH"),
    ("ngµy 31 th¸ng 01 n¨m 2020", "ngày 31 tháng 01 năm 2020"),
    ("- ®Èy m¹nh; ñy quyÒn", "- đẩy mạnh; ủy quyền"),
    ("Õch. ¸o", "Ếch. Áo"),
])
def test_tcvn3_known_pairs(legacy: str, unicode: str) -> None:
    assert tcvn3_to_unicode(legacy) == unicode


@pytest.mark.parametrize("legacy, unicode", [
    ("Keá hoaïch", "Kế hoạch"),
    ("Uûy ban nhaân daân", "Ủy ban nhân dân"),
    ("UÛY BAN NHAÂN DAÂN", "ỦY BAN NHÂN DÂN"),
    ("ñöôïc thöïc hieän", "được thực hiện"),
    ("Ñieàu 3. Tröôûng phoøng", "Điều 3. Trưởng phòng"),
    ("naêm 2020, nguyeân taéc, kyõ thuaät, chò, tæ leä, yù kieán, Myõ Tho, ngöôøi, ñaëc bieät",
     "năm 2020, nguyên tắc, kỹ thuật, chị, tỉ lệ, ý kiến, Mỹ Tho, người, đặc biệt"),
    ("khuyeán khích, ngoaøi, tuïy, ỵ".replace("ỵ", "î"), "khuyến khích, ngoài, tụy, ỵ"),
])
def test_vni_known_pairs(legacy: str, unicode: str) -> None:
    assert vni_to_unicode(legacy) == unicode


def test_independent_encoders_match_known_pairs() -> None:
    assert to_tcvn3("Kế hoạch") == "KÕ ho¹ch" and to_tcvn3("Số") == "Sè"
    assert to_tcvn3("năm") == "n¨m" and to_tcvn3("ủy ban nhân dân") == "ñy ban nh©n d©n"
    assert to_vni("Kế hoạch") == "Keá hoaïch"
    assert to_vni("Ủy ban nhân dân", mixed_case=True) == "Uûy ban nhaân daân"


@pytest.mark.parametrize("path", SEEDS, ids=SEED_IDS)
def test_tcvn3_round_trip_of_seed(path: Path) -> None:
    text = seed_text(path)
    head = text[:3000]
    for data in (to_tcvn3(head).encode("utf-8"), to_ansi(to_tcvn3(head))):
        result = decode_plan_bytes(data)
        assert result.text == head
        assert result.encoding == "tcvn3"
        assert [n.code for n in result.notices] == ["converted_tcvn3"]
    # Whole file: letters always right; capitals TCVN3 cannot encode are guessed back.
    back = tcvn3_to_unicode(to_tcvn3(text))
    assert back.lower() == text.lower()
    lost = [i for i, ch in enumerate(text) if ch.isupper() and to_tcvn3(ch) == to_tcvn3(ch.lower())]
    recovered = sum(1 for i in lost if back[i] == text[i])
    assert recovered >= 0.95 * len(lost)


@pytest.mark.parametrize("path", SEEDS, ids=SEED_IDS)
@pytest.mark.parametrize("mixed_case", [False, True])
def test_vni_round_trip_of_seed(path: Path, mixed_case: bool) -> None:
    text = seed_text(path)
    head = text[:3000]
    vni = to_vni(head, mixed_case)
    for data in (vni.encode("utf-8"), to_ansi(vni)):
        result = decode_plan_bytes(data)
        assert result.text == head
        assert result.encoding == "vni"
        assert [n.code for n in result.notices] == ["converted_vni"]
    assert vni_to_unicode(to_vni(text, mixed_case)) == text


def test_every_vietnamese_letter_round_trips() -> None:
    letters = _VIET_ALPHABET + _VIET_ALPHABET.upper()
    assert vni_to_unicode(to_vni(letters)) == letters
    assert vni_to_unicode(to_vni(letters, mixed_case=True)) == letters
    lower = _VIET_ALPHABET
    assert tcvn3_to_unicode(to_tcvn3(lower), restore_case=False) == lower
    assert tcvn3_to_unicode(to_tcvn3(lower.upper()), restore_case=False) == "".join(
        ch if to_tcvn3(ch) != to_tcvn3(ch.lower()) else ch.lower() for ch in lower.upper())


def test_notice_messages_are_bilingual() -> None:
    result = decode_plan_bytes(to_tcvn3(seed_text(SEEDS[1])[:2000]).encode())
    (notice,) = result.notices
    assert "TCVN3" in notice.message and "TCVN3" in notice.message_en
    assert "kiểm tra" in notice.message and notice.suggestion


def test_unicode_plan_with_a_pasted_tcvn3_part_is_refused() -> None:
    text = seed_text(SEEDS[0])
    data = (text[:4000] + "\n" + to_tcvn3(text[4000:6000]) + "\n" + text[6000:]).encode()
    error = decode_error(data)
    assert error.code == "legacy_encoding"
    assert "Unikey" in error.message_vi and "Unicode" in error.message_en


def test_half_tcvn3_half_vni_is_refused_not_guessed() -> None:
    text = seed_text(SEEDS[1])[:4000]
    data = (to_tcvn3(text[:2000]) + to_vni(text[2000:])).encode()
    error = decode_error(data)
    assert error.code == "legacy_encoding"
    assert "TCVN3" in error.message_vi or "VNI" in error.message_vi


# ---------------------------------------------------------------------------------------
# Empty, binary, undecodable
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    b"", b"   ", b" \n\t\r\n ", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n",
    "  \n ".encode("utf-16"), "\u00a0\u200b\n".encode(),
])
def test_empty(data: bytes) -> None:
    error = decode_error(data)
    assert error.code == "empty_file"
    assert error.message_vi == "Tệp rỗng: không có nội dung để đọc."
    assert error.message_en == "The file is empty: there is nothing to read."


def _zip_with(member: str) -> bytes:
    return b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 18 + member.encode() + b"\x00" * 40


@pytest.mark.parametrize("data, name, code, vi_word", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "kh.pdf", "corrupt_file", "PDF"),
    (_zip_with("word/document.xml"), "kh.docx", "corrupt_file", "Word (.docx)"),
    (_zip_with("[Content_Types].xml"), "kh.docx", "corrupt_file", "Word (.docx)"),
    (_zip_with("xl/workbook.xml"), "kh.bin", "corrupt_file", "Excel (.xlsx)"),
    (_zip_with("notes.txt"), "a.zip", "corrupt_file", "ZIP"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "kh.doc", "legacy_doc", "Word cũ (.doc"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le"), "", "legacy_xls", "Excel cũ (.xls"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "scan.png", "not_a_plan_format", "ảnh PNG"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "scan.jpg", "not_a_plan_format", "ảnh JPEG"),
    (b"GIF89a\x01\x00", "", "not_a_plan_format", "ảnh GIF"),
])
def test_known_binary_formats_are_refused_by_name_before_any_decoding(data: bytes, name: str, code: str,
                                                                      vi_word: str) -> None:
    """Office, PDF, image and archive bytes never reach the text decoder: the format sniffer
    names what they are (``formats.sniff``)."""
    from tracker.reading.plan import read_plan
    with pytest.raises(NotAPlanError) as caught:
        read_plan(data, name)
    assert caught.value.code == code and vi_word in caught.value.message_vi


@pytest.mark.parametrize("data", [
    "Kế hoạch\x00số 1".encode(),
    "Kế hoạch số 1, năm 2020".encode("utf-16-le"),     # no BOM: NUL bytes
    bytes(range(1, 32)) * 20 + b"abc",                 # control characters, no NUL
    "Kế hoạch".encode("utf-16") + b"\x01\x00" * 50,    # UTF-16, but controls
])
def test_binary_content(data: bytes) -> None:
    error = decode_error(data)
    assert error.code == "binary_file"
    assert "nhị phân" in error.message_vi and "binary" in error.message_en


def test_bom_with_invalid_content() -> None:
    assert decode_error(b"\xff\xfe\x00\xd8a\x00").code == "unknown_encoding"   # lone surrogate


def test_random_high_bytes_are_unknown() -> None:
    rng = random.Random(7)
    data = bytes(rng.randrange(0x80, 0x100) for _ in range(2000))
    assert decode_error(data).code in {"unknown_encoding", "legacy_encoding", "binary_file"}


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_give_text_or_not_a_plan(data: bytes) -> None:
    try:
        result = decode_plan_bytes(data)
    except NotAPlanError as error:
        assert error.code in {"empty_file", "binary_file", "unknown_encoding", "legacy_encoding"}
        assert error.message_vi and error.message_en
        return
    assert isinstance(result, DecodedText)
    assert unicodedata.is_normalized("NFC", result.text)
    assert "\r" not in result.text and result.text.strip()


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=500), st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]))
def test_random_text_gives_text_or_not_a_plan(text: str, codec: str) -> None:
    try:
        result = decode_plan_bytes(text.encode(codec, errors="surrogatepass"))
    except NotAPlanError:
        return
    assert unicodedata.is_normalized("NFC", result.text)
