"""Legacy and damaged Vietnamese text layers → Unicode NFC.

Many administrative PDFs were typed in pre-Unicode fonts: TCVN3 (``.VnTime``), VNI-Windows
(``VNI-Times``) or, rarely, VISCII. Their text layer holds the font's byte codes read as
Latin-1, so "Trường Chính trị" comes out as ``Tr­êng ChÝnh trÞ`` (TCVN3) or ``Tröôøng Chính
trò`` (VNI). This module

- tells the encoding of a run of text from its font name (``.VnTime`` → TCVN3, ``VNI-…`` →
  VNI) or, when the name says nothing, from character statistics: each candidate conversion is
  tried and the one that reads as the most Vietnamese syllables wins, so plain Unicode is never
  converted by accident;
- converts with the tables in ``patterns/encodings/`` (data, loaded and validated once);
- upper-cases runs of TCVN3 caps fonts (``.VnTimeH``), which store lower-case codes;
- puts back the TCVN3 "ư" that producers drop (it is byte 0xAD, the soft hyphen);
- repairs Unicode text decomposed (NFD) or UTF-8 read as cp1252 ("Tiáº¿ng Viá»‡t").
"""

from __future__ import annotations

import contextlib
import enum
import functools
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import product
from pathlib import Path

from extractor.errors import PatternError

DEFAULT_PATTERNS = Path(__file__).resolve().parent.parent / "patterns"
TABLE_COLUMNS = ("bytes", "unicode", "seen")
LOST_U_FILE = "tcvn3-lost-u.txt"


class Encoding(enum.StrEnum):
    UNICODE = "unicode"
    TCVN3 = "tcvn3"
    VNI = "vni"
    VISCII = "viscii"


LEGACY = (Encoding.TCVN3, Encoding.VNI, Encoding.VISCII)

# Font names: an optional subset tag ("ABCDEF+"), then the family. TCVN3 fonts start with
# ".Vn" (some producers drop the dot), VNI fonts with "VNI".
SUBSET_TAG = r"(?:[A-Z]{6}\+)?"
TCVN3_FONT = re.compile(SUBSET_TAG + r"\.?Vn[A-Z]")
VNI_FONT = re.compile(SUBSET_TAG + r"VNI(?:[-_ ]|[A-Z][a-z])", re.IGNORECASE)
VISCII_FONT = re.compile(SUBSET_TAG + r".*VISCII", re.IGNORECASE)
STYLE_SUFFIX = r"(?:[,-](?:Bold|Italic|Oblique|Regular|Normal|Roman|BoldItalic|BoldOblique))?"
CAPS_FONT = re.compile(SUBSET_TAG + r"\.?Vn[^,]*H" + STYLE_SUFFIX + "$")
"""TCVN3 caps fonts (.VnTimeH, .VnArialH, .VnTimeH,Bold): lower-case codes drawn as capitals."""

# Latin-1 and cp1252 characters that Vietnamese Unicode text is not made of: every Latin-1
# letter outside the alphabet, the symbols TCVN3 uses for letters (µ ¸ © ª « ¬ ® × Ý Þ), the
# soft hyphen and C1 controls, and cp1252's extra characters (mojibake continuation bytes).
# Typographic quotes and dashes are left out: Unicode documents use them.
SUSPECT = re.compile(
    "[\x80-\x9f\xa1-\xbf\xc4-\xc7\xcb\xce-\xd1\xd6-\xd8\xdb\xdc\xde\xdf\xe4-\xe7\xeb\xee\xef"
    "\xf0\xf1\xf6-\xf8\xfb\xfc\xfe\xff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2020\u2021\u2030\u2039\u203a\u20ac\u2122]"
)
# A UTF-8 lead byte of a Vietnamese letter (Ã Ä Å Æ Ì Í, á for U+1Exx) read as cp1252, followed
# by a continuation byte (0x80-0xBF read as cp1252 or Latin-1).
CP1252_EXTRAS = (
    "\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    "\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
CONTINUATION = "\x80-\xbf" + CP1252_EXTRAS
MOJIBAKE = re.compile(f"[\xc3-\xc6\xcc\xcd][{CONTINUATION}]|\xe1[\xba\xbb][{CONTINUATION}]")
COMBINING = re.compile("[\u0300-\u036f]")
# Vietnamese letters outside Latin-1: a run that has one is Unicode (legacy fonts' text layers
# are Latin-1 or cp1252 characters only).
BEYOND_LATIN1 = re.compile("[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")
LATIN1_OR_CP1252 = re.compile(f"[\x80-\xff{CP1252_EXTRAS}]")
IN_WORD = re.compile(f"[A-Za-z][\x80-\xff{CP1252_EXTRAS}]|[\x80-\xff{CP1252_EXTRAS}][A-Za-z]")

# --- syllables: what "reads as Vietnamese" means for detection and usability -------------------

TONES = "\u0300\u0301\u0303\u0309\u0323"
NOT_A_TONE = {ord(mark): None for mark in TONES}
RHYME_VOWELS = (
    "uyê|uya|uyu|uây|oai|oay|oao|oeo|iêu|yêu|uôi|ươi|ươu|"
    "oa|oă|oe|uâ|uê|uy|uơ|iê|yê|uô|ươ|ia|ua|ưa|ai|ao|au|ay|âu|ây|eo|êu|iu|oi|ôi|ơi|ui|ưi|ưu|oo|"
    "a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
)
SYLLABLE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnpqrstvx])?"
    f"(?:{RHYME_VOWELS})"
    r"(?:ng|nh|ch|[cmnptk])?"
)
LETTERS = re.compile(r"[^\W\d_]+")
SUSPECT_SYMBOL = re.compile(f"(?![^\\W\\d_])(?:{SUSPECT.pattern})")
MIN_GAIN = 2
"""How much better than Unicode (in ``vietnamese_score`` points) a legacy reading must read."""
SYMBOL_FONT = re.compile(r"Symbol|Wingdings|Webdings|Dingbats|Marlett", re.IGNORECASE)


@functools.lru_cache(maxsize=8192)
def is_syllable(token: str) -> bool:
    """Whether ``token`` (letters only) can be one Vietnamese syllable: onset, vowels, coda, at
    most one tone mark, one case pattern (``chính``, ``Chính``, ``CHÍNH``). Permissive on purpose:
    it only has to tell Vietnamese from the debris of a wrong conversion (``Trửớờng``, ``ChÝnh``,
    ``Baùo``)."""
    if not (token.islower() or token.isupper() or token.istitle()):
        return False
    decomposed = unicodedata.normalize("NFD", token.lower())
    if sum(decomposed.count(mark) for mark in TONES) > 1:
        return False
    bare = unicodedata.normalize("NFC", decomposed.translate(NOT_A_TONE))
    return SYLLABLE.fullmatch(bare) is not None


def vietnamese_score(text: str) -> int:
    """Non-ASCII words that read as syllables, minus those that do not, minus the symbols left
    between letters (``Tr­êng``: the soft hyphen; a letter such as "ü" counts once, as a word)."""
    score = 0
    for token in set(LETTERS.findall(text)):
        if not token.isascii():
            score += 1 if is_syllable(token) else -1
    return score - len(SUSPECT_SYMBOL.findall(text))


def damaged_share(text: str) -> float:
    """Share of the non-ASCII words of ``text`` that are not Vietnamese: legacy debris, a wrong
    conversion. Words in capitals are left out (abbreviations such as "QĐ", "HĐND")."""
    tokens = [t for t in LETTERS.findall(text) if not t.isascii() and not (t.isupper() and len(t) <= 6)]
    if not tokens:
        return 0.0
    return sum(1 for t in tokens if not is_syllable(t)) / len(tokens)


# --- tables --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Table:
    """One legacy encoding: what its characters (as a text layer shows them) stand for."""

    encoding: Encoding
    decoding: dict[str, str]
    """Legacy text (one or two characters, Latin-1 and cp1252 readings) → Unicode."""
    encoding_map: dict[str, str]
    """Unicode letter → legacy text (Latin-1 reading), the first row of each letter."""
    singles: dict[int, str]
    pattern: re.Pattern[str] | None
    """Matches every key, two-character keys first; None when all keys are one character."""

    def decode(self, text: str) -> str:
        text = text.translate(self.singles) if self.pattern is None else self.pattern.sub(self._replace, text)
        return unicodedata.normalize("NFC", text)

    def _replace(self, match: re.Match[str]) -> str:
        return self.decoding[match.group()]

    def encode(self, text: str) -> str:
        """Unicode → legacy characters (for tests and sample PDFs); other characters unchanged."""
        return "".join(self.encoding_map.get(char, char) for char in unicodedata.normalize("NFC", text))


@dataclass(frozen=True, eq=False)
class Tables:
    tables: dict[Encoding, Table]
    lost_u: dict[str, str]
    """TCVN3 words whose ư was dropped, as read ("dới") → as written ("dưới"), lower case."""
    lost_u_pattern: re.Pattern[str] | None


def load_tables(directory: Path | None = None) -> Tables:
    """The tables in ``directory`` (default: ``$EXTRACTOR_PATTERNS/encodings`` or the project's)."""
    if directory is None:
        return _load(default_directory(os.environ.get("EXTRACTOR_PATTERNS", "")))
    return _load(directory.resolve())


@functools.lru_cache(maxsize=4)
def default_directory(patterns: str) -> Path:
    """``$EXTRACTOR_PATTERNS/encodings`` when there is one, else the project's (resolved once:
    conversion asks for the tables once per font run)."""
    directory = Path(patterns or DEFAULT_PATTERNS) / "encodings"
    return (directory if directory.is_dir() else DEFAULT_PATTERNS / "encodings").resolve()


@functools.lru_cache(maxsize=4)
def _load(directory: Path) -> Tables:
    tables = {encoding: read_table(directory / f"{encoding.value}.tsv", encoding) for encoding in LEGACY}
    lost_u = read_lost_u(directory / LOST_U_FILE)
    return Tables(tables, lost_u, whole_words(lost_u))


def read_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line) of the non-blank, non-comment lines of ``path``."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise PatternError(f"{path}: cannot be read ({exc})") from None
    for number, line in enumerate(lines, 1):
        if line.strip() and not line.startswith("#"):
            yield number, line


def read_table(path: Path, encoding: Encoding) -> Table:
    rows = list(read_rows(path))
    decoding: dict[str, str] = {}
    encoding_map: dict[str, str] = {}
    for number, data, text in rows:
        if data.decode("latin-1") in decoding:
            raise PatternError(f"{path}:{number}: bytes {data.hex(' ').upper()} appear twice")
        for key in readings(data):
            decoding[key] = text
        encoding_map.setdefault(text, data.decode("latin-1"))
    return Table(encoding, decoding, encoding_map, single_map(decoding), key_pattern(decoding))


def read_rows(path: Path) -> Iterator[tuple[int, bytes, str]]:
    """(line number, legacy bytes, Unicode text) of each row, validated."""
    lines = read_lines(path)
    header = next(lines, None)
    if header is None:
        raise PatternError(f"{path}: empty (no header row)")
    if tuple(header[1].split("\t")) != TABLE_COLUMNS:
        raise PatternError(f"{path}:{header[0]}: header must be {' | '.join(TABLE_COLUMNS)}")
    for number, line in lines:
        cells = line.split("\t")
        if len(cells) != len(TABLE_COLUMNS):
            raise PatternError(f"{path}:{number}: expected {len(TABLE_COLUMNS)} tab-separated columns")
        yield number, parse_bytes(cells[0], path, number), parse_text(cells[1], path, number)


def parse_bytes(cell: str, path: Path, number: int) -> bytes:
    parts = cell.split()
    if not 1 <= len(parts) <= 2 or any(len(part) != 2 for part in parts):
        raise PatternError(f"{path}:{number}: bytes must be one or two hex bytes such as 'B5' or '61 F8'")
    try:
        return bytes.fromhex(cell)
    except ValueError:
        raise PatternError(f"{path}:{number}: {cell!r} is not hexadecimal") from None


def parse_text(cell: str, path: Path, number: int) -> str:
    if not cell or len(cell) > 2:
        raise PatternError(f"{path}:{number}: unicode must be one letter (or one combining mark)")
    if not unicodedata.is_normalized("NFC", cell):
        raise PatternError(f"{path}:{number}: unicode {cell!r} is not NFC")
    if not all(unicodedata.category(char)[0] in "LM" for char in cell):
        raise PatternError(f"{path}:{number}: unicode {cell!r} is not a letter")
    return cell


def readings(data: bytes) -> set[str]:
    """Every way a text layer may show ``data``: bytes 0x80-0x9F as C1 controls or as cp1252."""
    options = []
    for byte in data:
        chars = {chr(byte)}
        if 0x80 <= byte <= 0x9F:
            with contextlib.suppress(UnicodeDecodeError):  # 0x81 0x8D 0x8F 0x90 0x9D: undefined
                chars.add(bytes([byte]).decode("cp1252"))
        options.append(chars)
    return {"".join(combination) for combination in product(*options)}


def single_map(decoding: dict[str, str]) -> dict[int, str]:
    return {ord(key): value for key, value in decoding.items() if len(key) == 1}


def key_pattern(decoding: dict[str, str]) -> re.Pattern[str] | None:
    """One alternation per first character of the two-character keys, then the single keys."""
    seconds: dict[str, set[str]] = {}
    for key in decoding:
        if len(key) == 2:
            seconds.setdefault(key[0], set()).add(key[1])
    if not seconds:
        return None
    pairs = [re.escape(first) + char_class(rest) for first, rest in sorted(seconds.items())]
    singles = char_class(key for key in decoding if len(key) == 1)
    return re.compile("|".join([*pairs, singles]))


def char_class(chars: Iterable[str]) -> str:
    return "[" + "".join(re.escape(char) for char in sorted(chars)) + "]"


def read_lost_u(path: Path) -> dict[str, str]:
    words = {}
    for number, line in read_lines(path):
        word = line.strip()
        if "ư" not in word or word != word.lower() or not unicodedata.is_normalized("NFC", word):
            raise PatternError(f"{path}:{number}: {word!r} must be a lower-case NFC word with 'ư'")
        words[dropped_u(word)] = word
    return words


def whole_words(words: Iterable[str]) -> re.Pattern[str] | None:
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![^\W\d_])(?:{alternatives})(?![^\W\d_])", re.IGNORECASE) if alternatives else None


def dropped_u(word: str) -> str:
    """``word`` as a TCVN3 text layer shows it when byte 0xAD ("ư") is dropped."""
    return word.replace("ư", "")


# --- detection and conversion --------------------------------------------------------------------


def font_encoding(font_name: str) -> Encoding | None:
    """The encoding a font's name promises, or None when the name says nothing."""
    if TCVN3_FONT.match(font_name):
        return Encoding.TCVN3
    if VNI_FONT.match(font_name):
        return Encoding.VNI
    if VISCII_FONT.match(font_name):
        return Encoding.VISCII
    return None


def is_caps_font(font_name: str) -> bool:
    return CAPS_FONT.match(font_name) is not None


def needs_attention(text: str) -> bool:
    """Whether ``text`` may hold legacy characters, mojibake or decomposed letters (a cheap gate
    before font look-ups and detection; plain Unicode Vietnamese says no)."""
    return bool(SUSPECT.search(text) or COMBINING.search(text))


def detect(text: str, candidates: Iterable[Encoding] = LEGACY) -> Encoding:
    """The encoding under which ``text`` (one font's run) reads as the most Vietnamese.

    Unicode is the default: a legacy reading must beat it by ``MIN_GAIN``, legacy characters
    must sit inside words, next to ASCII letters (``Tr­êng``, ``Baùo``: a lone bullet "ü" of a
    symbol font is not TCVN3 "ỹ"), and a run with a Vietnamese letter beyond Latin-1 is Unicode
    whatever else it holds."""
    if not IN_WORD.search(text) or BEYOND_LATIN1.search(text):
        return Encoding.UNICODE
    tables = load_tables().tables
    best, best_score = Encoding.UNICODE, vietnamese_score(repair(text)) + MIN_GAIN - 1
    for encoding in candidates:
        score = vietnamese_score(tables[encoding].decode(text))
        if score > best_score:
            best, best_score = encoding, score
    return best


def convert(text: str, encoding: Encoding, caps: bool = False) -> str:
    """``text`` in ``encoding`` as Unicode NFC; ``caps`` for a TCVN3 caps font's run."""
    if encoding is Encoding.UNICODE:
        return repair(text)
    tables = load_tables()
    converted = tables.tables[encoding].decode(text)
    if encoding is Encoding.TCVN3:
        converted = restore_lost_u(converted, tables)
    return converted.upper() if caps else converted


def to_unicode(text: str, font_name: str = "") -> str:
    """One run of text in one font: its encoding from the font name, else from its characters."""
    return convert_words([text], font_name)[0]


def convert_words(words: list[str], font_name: str = "") -> list[str]:
    """Words drawn in one font, converted together (one detection, one pass over the tables).

    Conversion never adds or removes white space, so the words are joined with newlines and
    split again; each keeps its place (and so its box)."""
    joined = "\n".join(words)
    if SYMBOL_FONT.search(font_name):
        return words
    if not LATIN1_OR_CP1252.search(joined) and not COMBINING.search(joined) and not is_caps_font(font_name):
        return words
    encoding = font_encoding(font_name) or detect(joined)
    converted = convert(joined, encoding, caps=encoding is Encoding.TCVN3 and is_caps_font(font_name))
    return converted.split("\n")


# TCVN3's dropped "ư": before ơ + ng/c/u (never Vietnamese without it: trường, được, rượu), in
# a syllable left without a vowel ("Hng", "trng" → Hưng, trưng), and after an onset standing
# alone as a word ("nh sau", "t pháp" → như sau, tư pháp). Letters that mark list items
# ("a)", "c)", "d)") and abbreviations ("b/c", "T.") are left alone.
HORN_O = "ơờởỡớợƠỜỞỠỚỢ"
LOST_U_BEFORE_O = re.compile(f"(?<![uưUƯ])(?=[{HORN_O}](?:ng|NG|c|C|u|U))")
VOWELLESS = re.compile(
    r"(?<![^\W\d_])([Nn]gh|[NnGKkPpTtCc]h|[Nn]g|[Tt]r|[bcdđghklmnpqrstvxBCDĐGHKLMNPQRSTVX])(ng)(?![^\W\d_])"
)
ONSET_ALONE = re.compile(r"(?<!\S)([NnTtCc]h|[ts])(?=[\s,;:]|$)")


def restore_lost_u(text: str, tables: Tables) -> str:
    text = LOST_U_BEFORE_O.sub(lambda m: "Ư" if m.string[m.end()].isupper() else "ư", text)
    text = VOWELLESS.sub(r"\1ư\2", text)
    text = ONSET_ALONE.sub(r"\1ư", text)
    if tables.lost_u_pattern is None:
        return text
    return tables.lost_u_pattern.sub(lambda m: known_lost_u(m.group(), tables.lost_u), text)


def known_lost_u(word: str, lost_u: dict[str, str]) -> str:
    found = lost_u[word.lower()]
    if word.isupper() and len(word) > 1:
        return found.upper()
    return found[0].upper() + found[1:] if word[0].isupper() else found


# --- Unicode repairs -----------------------------------------------------------------------------

# Byte value of each character a cp1252 (or, for its five holes, Latin-1) reading produces.
CP1252_BYTES = {bytes([b]).decode("cp1252", errors="ignore") or chr(b): b for b in range(256)}
CP1252_BYTES.update({chr(b): b for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)})
TOKEN = re.compile(r"[^\t\n\r ]+")


def repair(text: str) -> str:
    """Unicode text made whole: UTF-8 read as cp1252 decoded again, decomposed letters composed."""
    if MOJIBAKE.search(text):
        text = undo_mojibake(text)
    if COMBINING.search(text):
        text = unicodedata.normalize("NFC", text)
    return text


def undo_mojibake(text: str) -> str:
    """The cp1252/Latin-1 round trip, word by word (a no-break space inside a word is a byte of
    "à"): taken only when the bytes are valid UTF-8 and the result reads as Vietnamese at least
    as well."""
    return TOKEN.sub(lambda m: undo_word_mojibake(m.group()) if MOJIBAKE.search(m.group()) else m.group(), text)


def undo_word_mojibake(text: str) -> str:
    try:
        data = bytes(CP1252_BYTES[char] for char in text)
        fixed = data.decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return text
    fixed = unicodedata.normalize("NFC", fixed)
    # Ties go to the decoded form: Latin-1 text that happens to be valid multi-byte UTF-8 is
    # all but unheard of ("HÃ\xa0" and "Hà" both read as a syllable).
    return fixed if vietnamese_score(fixed) >= vietnamese_score(text) else text
