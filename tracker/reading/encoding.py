"""Turn the bytes of an uploaded plan into NFC Unicode text, or say clearly why not.

Plans arrive as UTF-8 (with or without BOM), UTF-16 from Notepad, Windows-1258 from old
Windows installs, and - most awkwardly - as text typed in the legacy Vietnamese *font*
encodings TCVN3 (ABC, ".VnTime" fonts) and VNI ("VNI-Times"). Font-encoded text looks
like Latin-1 mojibake ("KÕ ho¹ch", "Keá hoaïch" for "Kế hoạch") whether it comes to us as
raw bytes or already wrapped in UTF-8, so it is recognised on the decoded text.

Recognition rests on one measure: the share of accented words that are well-formed
Vietnamese syllables (initial consonant + vowel cluster + final, at most one tone). Real
Vietnamese scores close to 1.0, mojibake scores low, and mojibake converted with the right
table scores close to 1.0 again. A conversion is only made when it turns a poor text into a
good one; correct Unicode text is already good and is never touched.

Standard library only; no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tracker.reading.result import NotAPlanError, ReadingWarning
from tracker.reading.text import fold

__all__ = ["DecodedText", "decode_plan_bytes", "tcvn3_to_unicode", "vni_to_unicode"]


# ---------------------------------------------------------------------------------------
# Mapping tables (data)
#
# Every Vietnamese vowel with its six tones, in the order: no tone, huyền (grave),
# sắc (acute), hỏi (hook), ngã (tilde), nặng (dot below). The legacy tables below list
# their codes in the same order, row by row.
# ---------------------------------------------------------------------------------------

_VOWEL_ROWS: tuple[str, ...] = (
    "aàáảãạ", "ăằắẳẵặ", "âầấẩẫậ",
    "eèéẻẽẹ", "êềếểễệ",
    "iìíỉĩị",
    "oòóỏõọ", "ôồốổỗộ", "ơờớởỡợ",
    "uùúủũụ", "ưừứửữự",
    "yỳýỷỹỵ",
)

# TCVN3 (TCVN 5712:1993 "VN3", the ABC / .VnTime fonts): one byte per letter. VN3 has
# codes for lower-case letters only, plus the seven bare capitals Ă Â Đ Ê Ô Ơ Ư; a
# capital with a tone was typed with the lower-case code in an upper-case font
# (.VnTimeH), so case is lost and has to be guessed back (see _restore_tcvn3_case).
# "\xad" (soft hyphen) really is the code of "ư".
_TCVN3_ROWS: tuple[str, ...] = (
    "aµ¸¶·¹", "¨»¾¼½Æ", "©ÇÊÈÉË",
    "eÌÐÎÏÑ", "ªÒÕÓÔÖ",
    "i×ÝØÜÞ",
    "oßãáâä", "«åèæçé", "¬êíëìî",
    "uïóñòô", "\xadõøö÷ù",
    "yúýûüþ",
)
_TCVN3_EXTRA: dict[str, str] = {
    "®": "đ",
    "¡": "Ă", "¢": "Â", "§": "Đ", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư",
}

# VNI Windows (VNI-Times fonts): a base ASCII letter followed by one modifier glyph that
# carries both the vowel mark and the tone; ơ, ư, đ and the i-vowels and ỵ are single
# glyphs. Capitals use the upper-case glyphs ("AÙ" = "Á"); files also show a capital
# base with a lower-case modifier ("Uûy"), which the conversion accepts too.
_VNI_ROWS: tuple[tuple[str, ...], ...] = (
    ("a", "aø", "aù", "aû", "aõ", "aï"),
    ("aê", "aè", "aé", "aú", "aü", "aë"),      # ă: breve glyphs ê é è ú ü ë
    ("aâ", "aà", "aá", "aå", "aã", "aä"),      # â: circumflex glyphs â á à å ã ä
    ("e", "eø", "eù", "eû", "eõ", "eï"),
    ("eâ", "eà", "eá", "eå", "eã", "eä"),
    ("i", "ì", "í", "æ", "ó", "ò"),
    ("o", "oø", "où", "oû", "oõ", "oï"),
    ("oâ", "oà", "oá", "oå", "oã", "oä"),
    ("ô", "ôø", "ôù", "ôû", "ôõ", "ôï"),      # ơ is the single glyph "ô"
    ("u", "uø", "uù", "uû", "uõ", "uï"),
    ("ö", "öø", "öù", "öû", "öõ", "öï"),      # ư is the single glyph "ö"
    ("y", "yø", "yù", "yû", "yõ", "î"),       # ỵ is the single glyph "î"
)
_VNI_EXTRA: dict[str, str] = {"ñ": "đ"}


def _build_tcvn3() -> dict[str, str]:
    table: dict[str, str] = {}
    for letters, codes in zip(_VOWEL_ROWS, _TCVN3_ROWS, strict=True):
        for letter, code in zip(letters, codes, strict=True):
            if not code.isascii():          # plain a e i o u y are themselves; "ý" is
                table[code] = letter        # kept (identity) to mark it case-less
    table.update(_TCVN3_EXTRA)
    return table


def _build_vni() -> dict[str, str]:
    table: dict[str, str] = {}

    def add(seq: str, letter: str) -> None:
        table[seq] = letter
        table[seq.upper()] = letter.upper()
        if len(seq) == 2:                   # capital base, lower-case modifier: "Uûy"
            table[seq[0].upper() + seq[1]] = letter.upper()

    for letters, seqs in zip(_VOWEL_ROWS, _VNI_ROWS, strict=True):
        for letter, seq in zip(letters, seqs, strict=True):
            if seq != letter:
                add(seq, letter)
    for seq, letter in _VNI_EXTRA.items():
        add(seq, letter)
    return table


TCVN3_TABLE: dict[str, str] = _build_tcvn3()
VNI_TABLE: dict[str, str] = _build_vni()
_TCVN3_TRANS = str.maketrans(TCVN3_TABLE)
# Longest sequence first, so "aâ" wins over a bare "a" and "ôù" over "ô".
_VNI_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(VNI_TABLE, key=len, reverse=True)))

# Vietnamese letters, precomposed, and the (base letter, has-tone) reading of each vowel.
_VOWEL_FORMS: dict[str, tuple[str, bool]] = {
    form: (row[0], tone > 0)
    for row in _VOWEL_ROWS for tone, letter in enumerate(row)
    for form in (letter, letter.upper())
}
_VIET_LETTERS = frozenset(_VOWEL_FORMS) | frozenset("đĐ") | frozenset(
    "bcdghklmnpqrstvxBCDGHKLMNPQRSTVX")
# Vietnamese letters outside Latin-1: their presence means the text is real Unicode,
# since font-encoded mojibake only ever uses code points below U+0100.
_VIET_EXTENDED = frozenset(ch for ch in _VIET_LETTERS if ord(ch) > 0xFF)
_VIET_LATIN1 = frozenset(ch for ch in _VIET_LETTERS if 0x7F < ord(ch) <= 0xFF)
# Characters that give legacy text away: legacy codes that are not Vietnamese letters.
_TCVN3_TELLS = frozenset(TCVN3_TABLE) - _VIET_LATIN1
_VNI_TELLS = frozenset(ch for seq in VNI_TABLE for ch in seq if ord(ch) > 0x7F) - _VIET_LATIN1
_LEGACY_TELLS = _TCVN3_TELLS | _VNI_TELLS
# Latin-1 symbols that ordinary text uses; not counted as "left over" after a conversion.
_HARMLESS_LATIN1 = frozenset("\u00a0«»°±²³§©®·º¼½¾×÷")
_TCVN3_CASED = frozenset(_TCVN3_EXTRA)        # codes that carry their own case (đ Đ Ă ...)

# ---------------------------------------------------------------------------------------
# Syllable check and text profile
# ---------------------------------------------------------------------------------------

_INITIAL = r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?"
_VOWEL_CLUSTERS = sorted((
    "uyê uya uyu ươi ươu iêu yêu oai oay oao oeo uây uôi "
    "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi oo ôi ơi ua uâ uê ui uô uơ uy ưa ưi ưu "
    "ươ yê a ă â e ê i o ô ơ u ư y").split(), key=len, reverse=True)
_SYLLABLE = re.compile(_INITIAL + "(?:" + "|".join(_VOWEL_CLUSTERS) + ")(?:ch|ng|nh|[cmnpt])?")
# A "word" for profiling: ASCII letters plus everything legacy encodings use as letters
# (the whole Latin-1 upper half, so that "ho¹ch" stays one word) and Vietnamese letters.
_WORD = re.compile(r"[A-Za-z\u00a1-\u00ff\u0100-\u024f\u1ea0-\u1ef9]+")

# Very frequent Vietnamese words in folded form; the share of words that are in this set
# tells Vietnamese (typically 30-50 %) from other languages and from mojibake (~0-5 %).
_COMMON_WORDS = frozenset(
    "va cua cac nam ngay ke hoach thuc hien trong duoc cho theo co la khong voi den ve "
    "tai nguoi nhung mot cong tac quan ly hanh chinh tinh huyen xa don vi ban nhan dan uy "
    "so nay nhu sau de tren dia phuong thang quy dinh chuc to bao cao kiem tra giai "
    "phap nhiem vu trach chu tri phoi hop lien quan nganh cap thu tuc".split())


def _is_syllable(word: str) -> bool:
    """True when ``word`` is a well-formed Vietnamese syllable (one tone at most)."""
    bases: list[str] = []
    tones = 0
    for ch in word.lower():
        form = _VOWEL_FORMS.get(ch)
        if form is not None:
            bases.append(form[0])
            tones += form[1]
        elif ch in _VIET_LETTERS:
            bases.append(ch)
        else:
            return False
    return tones <= 1 and _SYLLABLE.fullmatch("".join(bases)) is not None


@dataclass(frozen=True)
class _Profile:
    accented_words: int     # words with a non-ASCII character
    well_formed: float      # share of those that are Vietnamese syllables (1.0 if none)
    common: float           # share of all words that are very frequent Vietnamese words
    leftovers: int          # non-ASCII characters that are neither letters nor harmless


def _profile(text: str) -> _Profile:
    words = _WORD.findall(text)
    accented = [w for w in words if not w.isascii()]
    good = sum(1 for w in accented if _is_syllable(w))
    common = sum(1 for w in words if fold(w) in _COMMON_WORDS)
    leftovers = sum(1 for ch in text if 0x7F < ord(ch) <= 0xFF
                    and ch not in _VIET_LATIN1 and ch not in _HARMLESS_LATIN1)
    return _Profile(
        accented_words=len(accented),
        well_formed=good / len(accented) if accented else 1.0,
        common=common / len(words) if words else 0.0,
        leftovers=leftovers,
    )


# Thresholds (shares, 0..1). Chosen against the seed plans (well-formed ≈ 0.99, common
# ≈ 0.45-0.55) and their TCVN3 / VNI renderings (well-formed ≈ 0.15-0.3 and common ≈ 0.1
# before conversion; ≈ 0.99 after it with the right table, ≤ 0.3 with the wrong one).
ACCEPT_WELL_FORMED = 0.90   # a converted text must be at least this well-formed
MIN_GAIN = 0.20             # ... and this much better than before the conversion
MAX_LEFTOVER_SHARE = 0.05   # unconverted odd characters per accented word, at most
LOOKS_LEGACY_TELLS = 0.25   # share of non-ASCII chars that are legacy tells: "looks legacy"
PARTIAL_WELL_FORMED = 0.50  # ... and a table repairs at least this much: refuse, don't pass
CP1258_WELL_FORMED = 0.85   # Windows-1258 decoding must give this well-formed text
LOOKS_VIETNAMESE_COMMON = 0.08
MIXED_MIN_WORDS = 10        # Unicode text with this many words repaired by a table ...
MIXED_MIN_SHARE = 0.01      # ... making up this share of its accented words: mixed file
AMBIGUOUS_MARGIN = 0.05     # two conversions closer than this: refuse to choose
CONTROL_SHARE = 0.05        # more control characters than this: binary


def _looks_vietnamese(p: _Profile) -> bool:
    return p.well_formed >= CP1258_WELL_FORMED and p.common >= LOOKS_VIETNAMESE_COMMON


# ---------------------------------------------------------------------------------------
# Conversions
# ---------------------------------------------------------------------------------------

def vni_to_unicode(text: str) -> str:
    """Convert VNI Windows font text ("Keá hoaïch") to NFC Unicode ("Kế hoạch")."""
    return unicodedata.normalize("NFC", _VNI_PATTERN.sub(lambda m: VNI_TABLE[m.group()], text))


def tcvn3_to_unicode(text: str, restore_case: bool = True) -> str:
    """Convert TCVN3 (ABC) font text ("KÕ ho¹ch") to NFC Unicode ("Kế hoạch").

    TCVN3 cannot write capitals with tones; with ``restore_case`` they are guessed back
    from context (all-capital lines and words, sentence and cell starts, "Ủy ban").
    """
    converted = text.translate(_TCVN3_TRANS)
    if restore_case:
        converted = _restore_tcvn3_case(text, converted)
    return unicodedata.normalize("NFC", converted)


_SENTENCE_END = re.compile(r"(?<!\.\.)[.!?]$")    # "..." mid-sentence is no end
_LIST_MARKER = re.compile(r"(?:[-+•–*]|\(?(?:\d{1,3}|[IVXLC]{1,5}|[a-zđ])[.)]|\d+(?:\.\d+)+\.?)$")
_PREFIX_NOISE = " *_#>\"“'‘([«"


def _starts_sentence(prefix: str) -> bool:
    """Whether a word preceded by ``prefix`` (same line) starts a sentence or table cell."""
    p = prefix.rstrip(_PREFIX_NOISE)
    if not p or p.endswith(("\t", "|")):
        return True
    tail = p.split()[-1] if p.split() else p
    return bool(_SENTENCE_END.search(p)) or (
        len(p.split()) == 1 and _LIST_MARKER.fullmatch(tail) is not None)


def _restore_tcvn3_case(source: str, converted: str) -> str:
    """Guess the case of letters whose TCVN3 code is case-less (the toned letters).

    Why: VN3 has no codes for "Ế", "Ủ" ...; typists used the lower-case code in a
    capital font, so "KẾ HOẠCH" arrives as "KÕ HO¹CH" and "Ủy ban" as "ñy ban". Rules,
    from the strongest evidence down: a word whose other letters are all capitals; a
    line whose words are all in capitals (at least one of them a Vietnamese word with a
    toned letter); the first word of a sentence, list item or table cell; "Ủy ban".
    """
    out = list(converted)
    caseless = [s in TCVN3_TABLE and s not in _TCVN3_CASED for s in source]
    pos = 0
    for line in converted.split("\n"):
        start, pos = pos, pos + len(line) + 1
        words = [(m.start() + start, m.end() + start) for m in _WORD.finditer(line)]
        kinds: list[str] = []
        for a, b in words:
            cased = [i for i in range(a, b) if not caseless[i] and out[i].isalpha()]
            if any(out[i].islower() for i in cased):
                kinds.append("lower")
            elif len(cased) >= 2 or (cased and cased[0] != a):
                kinds.append("upper")        # "HO¹CH", or "¸N": a capital after the start
            else:
                kinds.append("single")       # one capital ("Kế" or "KẾ"?) or none at all
        line_caps = "lower" not in kinds and any(
            kind == "upper" and any(caseless[i] for i in range(a, b))
            for kind, (a, b) in zip(kinds, words))
        for kind, (a, b) in zip(kinds, words):
            if not any(caseless[i] for i in range(a, b)):
                continue
            if kind == "upper" or (line_caps and kind == "single"):
                for i in range(a, b):
                    if caseless[i]:
                        out[i] = out[i].upper()
            elif ((caseless[a] and _starts_sentence(converted[start:a]))
                    or (converted[a:b] in ("ủy", "uỷ") and converted[b:b + 4] == " ban")):
                out[a] = out[a].upper()      # sentence/cell start; "Ủy ban" is a name
    return "".join(out)


# ---------------------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------------------

_EMPTY = ("empty_file", "Tệp rỗng: không có nội dung để đọc.",
          "The file is empty: there is nothing to read.")
_NOT_TEXT = ("binary_file",
             "Tệp không phải văn bản thuần (có dữ liệu nhị phân) nên không thể đọc như một kế "
             "hoạch.",
             "The file is not plain text (it contains binary data), so it cannot be read as "
             "a plan.")
_UNKNOWN = ("unknown_encoding",
            "Không nhận ra bảng mã của tệp: tệp không phải Unicode (UTF-8/UTF-16) và cũng "
            "không đọc được thành tiếng Việt theo Windows-1258, TCVN3 hay VNI. Hãy lưu lại "
            "tệp dưới dạng văn bản Unicode (UTF-8) rồi nhập lại.",
            "The file's encoding was not recognised: it is not Unicode (UTF-8/UTF-16) and does "
            "not read as Vietnamese in Windows-1258, TCVN3 or VNI. Save it as Unicode (UTF-8) "
            "text and import it again.")
_LEGACY_NAMES = {"tcvn3": ("TCVN3 (ABC, phông .VnTime)", "TCVN3 (ABC, .VnTime fonts)"),
                 "vni": ("VNI (phông VNI-Times)", "VNI (VNI-Times fonts)")}


def _legacy_error(which: str | None, mixed: bool = False) -> NotAPlanError:
    vi_name, en_name = _LEGACY_NAMES.get(
        which or "", ("TCVN3 (ABC) hoặc VNI", "TCVN3 (ABC) or VNI"))
    vi_part = "Một phần tệp" if mixed else "Tệp"
    en_part = "Part of the file" if mixed else "The file"
    return NotAPlanError(
        "legacy_encoding",
        f"{vi_part} có vẻ được gõ bằng bảng mã cũ {vi_name} nhưng không chuyển tự động sang "
        "Unicode một cách chắc chắn được. Hãy chuyển toàn bộ tệp sang Unicode (ví dụ bằng "
        "công cụ chuyển mã của Unikey) rồi nhập lại.",
        f"{en_part} appears to be typed in the legacy {en_name} encoding but cannot be "
        "converted to Unicode reliably. Convert the whole file to Unicode (e.g. with "
        "Unikey's converter) before importing it.")


def _notice(encoding: str) -> ReadingWarning:
    if encoding == "cp1258":
        return ReadingWarning(
            "converted_cp1258",
            "Tệp được lưu bằng bảng mã Windows-1258 (không phải UTF-8) và đã được chuyển "
            "sang Unicode; nên kiểm tra lại các chữ có dấu.",
            "The file was saved in Windows-1258 (not UTF-8) and has been converted to "
            "Unicode; check the accented letters.",
            "Lưu tệp gốc dưới dạng Unicode (UTF-8) cho những lần nhập sau.")
    vi_name, en_name = _LEGACY_NAMES[encoding]
    case_vi = (" TCVN3 không phân biệt chữ hoa có dấu nên chữ hoa (như \"Ủy\", \"KẾ\") được "
               "đoán theo ngữ cảnh." if encoding == "tcvn3" else "")
    case_en = (" TCVN3 has no capitals with tone marks, so those capitals (\"Ủy\", \"KẾ\") "
               "were guessed from context." if encoding == "tcvn3" else "")
    return ReadingWarning(
        f"converted_{encoding}",
        f"Văn bản được gõ bằng bảng mã cũ {vi_name} và đã được chuyển tự động sang Unicode; "
        f"cần kiểm tra lại nội dung.{case_vi}",
        f"The text was typed in the legacy {en_name} encoding and has been converted to "
        f"Unicode automatically; check it.{case_en}",
        "Chuyển tệp gốc sang Unicode (ví dụ bằng công cụ chuyển mã của Unikey) cho những lần "
        "nhập sau.")


# ---------------------------------------------------------------------------------------
# Legacy font-encoding detection
# ---------------------------------------------------------------------------------------

_CONVERTERS = (("tcvn3", tcvn3_to_unicode), ("vni", vni_to_unicode))


def _detect_legacy(text: str) -> tuple[str, str] | None:
    """(converted text, "tcvn3" | "vni") when ``text`` is font-encoded mojibake.

    None when the text should be used as it is; NotAPlanError("legacy_encoding") when it
    looks font-encoded but no conversion is convincing.
    """
    tells = sum(1 for ch in text if ch in _LEGACY_TELLS)
    if not tells:
        return None                          # fast path: ordinary Unicode or ASCII
    extended = sum(1 for ch in text if ch in _VIET_EXTENDED)
    if extended > tells:
        _check_mixed(text)                   # real Unicode text, maybe with a legacy part
        return None
    before = _profile(text)
    results = []
    for encoding, convert in _CONVERTERS:
        converted = convert(text)
        after = _profile(converted)
        ok = (after.well_formed >= ACCEPT_WELL_FORMED
              and after.well_formed >= before.well_formed + MIN_GAIN
              and after.common >= before.common
              and after.leftovers <= MAX_LEFTOVER_SHARE * max(after.accented_words, 1))
        results.append((after.well_formed, after.common, ok, encoding, converted))
    results.sort(reverse=True)
    good = [r for r in results if r[2]]
    if good:
        if len(good) > 1 and good[0][0] - good[1][0] < AMBIGUOUS_MARGIN:
            raise _legacy_error(None)        # both tables fit: refuse to guess
        return good[0][4], good[0][3]
    non_ascii = sum(1 for ch in text if ord(ch) > 0x7F)
    best = results[0]
    if (tells >= LOOKS_LEGACY_TELLS * non_ascii and before.accented_words >= 3
            and best[0] >= max(PARTIAL_WELL_FORMED, before.well_formed + MIN_GAIN)):
        raise _legacy_error(best[3])
    return None                               # odd symbols, but not Vietnamese mojibake


def _check_mixed(text: str) -> None:
    """Refuse Unicode text with a sizeable part still in TCVN3/VNI (e.g. a pasted header).

    Counts accented words that are malformed as they are but become Vietnamese
    syllables once converted; ordinary text has almost none.
    """
    accented = [w for w in _WORD.findall(text) if not w.isascii()]
    for encoding, convert in _CONVERTERS:
        fixable = sum(1 for w in accented
                      if any(ch in _LEGACY_TELLS for ch in w) and not _is_syllable(w)
                      and _is_syllable(convert(w)))
        if fixable >= MIXED_MIN_WORDS and fixable >= MIXED_MIN_SHARE * len(accented):
            raise _legacy_error(encoding, mixed=True)


# ---------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DecodedText:
    """Text of a plan file: NFC, "\\n" line ends; how it was encoded; notices to show."""

    text: str
    encoding: str
    notices: tuple[ReadingWarning, ...] = ()


_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # UTF-32 before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one.
    (b"\xff\xfe\x00\x00", "utf-32", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig", "utf-8-sig"),
    (b"\xff\xfe", "utf-16", "utf-16"),
    (b"\xfe\xff", "utf-16", "utf-16"),
)
_WHITESPACE_EXTRA = "\ufeff\u200b\u200c\u200d\u2060"
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1a")
# Byte → character for legacy bytes: Windows-1252 where it defines the byte (smart quotes
# and dashes in ANSI files), otherwise Latin-1; so TCVN3/VNI bytes become the very
# characters the legacy fonts showed.
_LATIN_DECODE = "".join(
    bytes([b]).decode("cp1252", errors="replace").replace("\ufffd", chr(b)) for b in range(256))


def _is_blank(text: str) -> bool:
    return not text.strip().strip(_WHITESPACE_EXTRA).strip()


def _too_many_controls(text: str) -> bool:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc"
                   and ch not in _ALLOWED_CONTROLS)
    return controls > CONTROL_SHARE * len(text)


def decode_plan_bytes(data: bytes, name: str = "") -> DecodedText:
    """Decode a plan file's bytes to NFC text, converting legacy Vietnamese encodings.

    Office, PDF, image and archive files never get here: ``formats.sniff`` recognises them
    first and refuses or reads them in their own terms. ``name`` is kept for callers' errors.
    Raises NotAPlanError: empty_file, binary_file, unknown_encoding, legacy_encoding.
    """
    if not data.strip():
        raise NotAPlanError(*_EMPTY)
    encoding = ""
    text: str | None = None
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                raise NotAPlanError(
                    "unknown_encoding",
                    f"Tệp khai báo bảng mã {label.upper()} (có BOM) nhưng nội dung không đúng "
                    "bảng mã đó. Hãy lưu lại tệp dưới dạng Unicode (UTF-8) rồi nhập lại.",
                    f"The file declares {label.upper()} (it has a byte-order mark) but its "
                    "content is not valid in it. Save it as Unicode (UTF-8) and import it "
                    "again.") from None
            encoding = label
            break
    if text is None:
        if b"\x00" in data:
            raise NotAPlanError(*_NOT_TEXT)  # NUL never occurs in 8-bit or UTF-8 text
        try:
            text = data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            return _decode_legacy_bytes(data)

    return _finish(text, encoding, ())


def _finish(text: str, encoding: str, notices: tuple[ReadingWarning, ...],
            check_legacy: bool = True) -> DecodedText:
    text = text.lstrip("\ufeff")
    if _too_many_controls(text):
        raise NotAPlanError(*_NOT_TEXT)
    if _is_blank(text):
        raise NotAPlanError(*_EMPTY)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if check_legacy:
        legacy = _detect_legacy(text)
        if legacy is not None:
            text, encoding = legacy
            notices = notices + (_notice(encoding),)
    return DecodedText(unicodedata.normalize("NFC", text), encoding, notices)


def _decode_legacy_bytes(data: bytes) -> DecodedText:
    """Bytes that are not UTF-8: TCVN3/VNI font bytes, or Windows-1258."""
    latin = data.decode("latin-1").translate(
        {i: _LATIN_DECODE[i] for i in range(0x80, 0xA0)})
    if _too_many_controls(latin):
        raise NotAPlanError(*_NOT_TEXT)
    latin = unicodedata.normalize("NFC", latin.replace("\r\n", "\n").replace("\r", "\n"))
    legacy_error: NotAPlanError | None = None
    legacy: tuple[str, str] | None = None
    try:
        legacy = _detect_legacy(latin)
    except NotAPlanError as error:
        legacy_error = error

    cp1258: str | None = None
    try:
        cp1258 = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        pass
    cp_profile = _profile(cp1258) if cp1258 is not None else None

    if legacy is not None and (cp_profile is None or not _looks_vietnamese(cp_profile)
                               or _profile(legacy[0]).well_formed >= cp_profile.well_formed):
        return _finish(legacy[0], legacy[1], (_notice(legacy[1]),), check_legacy=False)
    if cp1258 is not None and cp_profile is not None and _looks_vietnamese(cp_profile):
        return _finish(cp1258, "cp1258", (_notice("cp1258"),), check_legacy=False)
    if legacy_error is not None:
        raise legacy_error
    raise NotAPlanError(*_UNKNOWN)
