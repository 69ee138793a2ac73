"""OCR post-correction: impossible Vietnamese syllables, known confusions, damaged numbers.

Three checks run on the words of an OCR page, each proposing a fix only when it is clear:

1. **Syllables.** ``is_valid_syllable`` tells whether a word can be written in Vietnamese at
   all: onset, medial, nucleus, coda and tone combined by the spelling rules in
   ``patterns/syllables/`` (``onsets.txt``, ``rhymes.txt``, ``constraints.toml``). A valid
   word may still be the wrong one ("Thỉ" for "Thi"): validity is not correctness.
   ``correct_words`` replaces an impossible word ("truờng", "đưọc", "chínhh", "ngiệp",
   "hoàc") only when the domain ``Lexicon`` offers exactly one clear candidate: the same
   letters with other marks, else (words of 4+ letters) one letter more, less or changed;
   several candidates are narrowed to those that make a lexicon bigram with a neighbouring
   word, then to a unique nearest one by marks. A valid word is replaced only when it is a
   listed OCR confusion (``patterns/syllables/confusions.tsv``) and the neighbours decide.
2. **Numbers.** Inside digit runs, O/o → 0 and l/I → 1 ("2O21", "l5/QĐ"); in a document
   symbol, a type abbreviation read with 4 or D for Đ ("683-Q4/HVCTQG", "N4-CP",
   "15/QD-UBND") when the result, and not the original, is a type abbreviation of
   ``patterns/document_types.tsv``.
3. **Numbers split by a line break** ("… 16." / "182 học viên"): ``find_number_joins`` on
   lines of words, a separate step because it changes how many words there are.

Glued tokens such as "47lớp/3107" are deliberately not split: the figure, reference and
stamp patterns already accept a number glued to its word (``\\d{1,4}\\s*lớp``,
``số\\s*:?``), and splitting would have to invent boxes for the parts.

Every fix is returned as a ``Correction`` so that the caller can lower the confidence of the
word (``CORRECTION_FACTOR``): the fields built on it then go to review.
"""

from __future__ import annotations

import functools
import string
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import regex
from rapidfuzz.distance import Levenshtein

from extractor.errors import PatternError
from extractor.gazetteer import fold
from extractor.model import Word, union_boxes
from extractor.patterns import DEFAULT_DIRECTORY, read_lines, read_tsv

if TYPE_CHECKING:
    from extractor.patterns import Patterns

CORRECTION_FACTOR = 0.8
"""Confidence factor for a corrected word (fields take the lowest confidence of their words)."""
MAX_MARK_DISTANCE = 2
"""A candidate differing from the word in more marks than this is not a clear fix."""
MIN_FUZZY_LETTERS = 4
"""Words shorter than this are only given candidates with the same letters ("TCT" ≠ "tốt")."""

TONES = {"\u0300": "huyền", "\u0301": "sắc", "\u0303": "ngã", "\u0309": "hỏi", "\u0323": "nặng"}
VOWELS = "aăâeêioôơuưy"
PUNCTUATION = string.punctuation + "“”‘’«»…–—•·°"
CASE_LOOKALIKES = frozenset("cosuvwxz")
"""Letters whose capital OCR often reads for the small one (C/c, O/o, S/s …)."""
DIGIT_LOOKALIKES = str.maketrans("OoIl", "0011")
SYMBOL_SEPARATORS = regex.compile(r"([/.,:-])")
DOCUMENT_SYMBOL = regex.compile(
    r"^(?P<head>\d{1,5}(?:/\d{4})?[-/])?(?P<type>[\p{Lu}4][\p{L}4]{0,5})(?P<tail>[-/]\p{Lu}[\p{L}\d&./-]*)?$"
)
LETTERS = regex.compile(r"\p{L}+")
UNIT_WORDS = frozenset({"hoc", "hv", "lop", "luot", "nguoi", "vien", "dong", "trieu", "ty", "cuon", "ban"})
"""Folded words that follow a count ("182 học viên"): a number split by a line break is
joined only before one of these."""
SPLIT_HEAD = regex.compile(r"^\d{1,3}(?:\.\d{3})*\.$")
SPLIT_TAIL = regex.compile(r"^\d{3}(?:\.\d{3})*[,;:)]?$")


# --- letters -------------------------------------------------------------------------------


def _letter_table() -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, frozenset[str]]]]:
    """For every toned vowel: (vowel without tone, tone name); for every Vietnamese letter:
    (base Latin letter, its shape marks) with đ as d plus a stroke."""
    toned: dict[str, tuple[str, str]] = {}
    shapes: dict[str, tuple[str, frozenset[str]]] = {"đ": ("d", frozenset("đ"))}
    for vowel in VOWELS:
        decomposed = unicodedata.normalize("NFD", vowel)
        shapes[vowel] = (decomposed[0], frozenset(decomposed[1:]))
        for mark, name in TONES.items():
            toned[unicodedata.normalize("NFC", vowel + mark)] = (vowel, name)
    return toned, shapes


TONED, SHAPES = _letter_table()
STRIP_TONE = str.maketrans({char: base for char, (base, _tone) in TONED.items()})
TONED_LETTER = regex.compile("[" + "".join(TONED) + "]")


def tone_of(lower: str) -> str | None:
    """The tone mark of a lower-case syllable (None for ngang)."""
    found = TONED_LETTER.search(lower)
    return TONED[found.group()][1] if found else None


def has_plain_case(word: str) -> bool:
    """Lower, UPPER or Title case: OCR's "kếT", "CưƠng" are none of them."""
    return word.islower() or word.isupper() or (word[0].isupper() and (len(word) == 1 or word[1:].islower()))


# --- syllable rules ------------------------------------------------------------------------


@dataclass(frozen=True)
class SyllableRules:
    """Every toneless written syllable the spelling rules allow, and which are checked."""

    valid: frozenset[str]
    checked: frozenset[str]
    checked_tones: frozenset[str]
    exceptions: frozenset[str] = frozenset()
    """Toned syllables accepted outside the rules (Đắk, Kon)."""

    def allows(self, lower: str) -> bool:
        """Whether a lower-case NFC word is a Vietnamese syllable."""
        if lower in self.exceptions:
            return True
        found = TONED_LETTER.findall(lower)
        if len(found) > 1:
            return False
        base = lower.translate(STRIP_TONE) if found else lower
        if base not in self.valid:
            return False
        return base not in self.checked or (bool(found) and TONED[found[0]][1] in self.checked_tones)


def load_rules(directory: Path) -> SyllableRules:
    """The rules in ``directory`` (``onsets.txt``, ``rhymes.txt``, ``constraints.toml``,
    ``exceptions.txt``)."""
    onsets = list(read_lines(directory / "onsets.txt"))
    rhymes = list(read_lines(directory / "rhymes.txt"))
    try:
        constraints = tomllib.loads((directory / "constraints.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PatternError(f"{directory / 'constraints.toml'}: {exc}") from None
    valid = frozenset(_spellings(onsets, rhymes, constraints))
    codas = tuple(constraints["checked_codas"])
    tones = frozenset(constraints["checked_tones"])
    unknown = tones - set(TONES.values())
    if unknown:
        raise PatternError(f"{directory / 'constraints.toml'}: checked_tones: unknown {sorted(unknown)}")
    exceptions = frozenset(
        unicodedata.normalize("NFC", line.lower()) for line in read_lines(directory / "exceptions.txt")
    )
    return SyllableRules(valid, frozenset(s for s in valid if s.endswith(codas)), tones, exceptions)


def _spellings(onsets: list[str], rhymes: list[str], constraints: dict) -> Iterable[str]:
    """Onset + rhyme for every pair the constraints allow (without tone)."""
    yield from (rhyme for rhyme in rhymes if _allowed("", rhyme, constraints))
    for onset in onsets:
        if onset == "q":
            yield from ("q" + rhyme for rhyme in _q_rhymes(rhymes, constraints))
        elif onset == "gi" and constraints.get("gi", {}).get("shares_i"):
            for rhyme in rhymes:
                if rhyme.startswith("i"):
                    yield "g" + rhyme
                elif not rhyme.startswith("y") and _allowed(onset, rhyme, constraints):
                    yield onset + rhyme
        else:
            yield from (onset + rhyme for rhyme in rhymes if _allowed(onset, rhyme, constraints))


def _allowed(onset: str, rhyme: str, constraints: dict) -> bool:
    only = constraints.get("only_before", {}).get(onset)
    if only is not None and rhyme[0] not in only:
        return False
    if rhyme[0] in constraints.get("never_before", {}).get(onset, ""):
        return False
    medial = constraints.get("medial", {})
    if onset in medial.get("excluded_onsets", ()) and rhyme.startswith(tuple(medial.get("prefixes", ()))):
        return False
    onsetless = constraints.get("onsetless", {})
    if onset and rhyme.startswith(tuple(onsetless.get("no_onset", ()))):
        return False
    return bool(onset) or not rhyme.startswith(tuple(onsetless.get("need_onset", ())))


def _q_rhymes(rhymes: list[str], constraints: dict) -> set[str]:
    """What "q" may precede: the medial rhymes with their medial written u (hoa → qua)."""
    prefixes = tuple(constraints.get("medial", {}).get("prefixes", ()))
    found = {"u" + rhyme[1:] for rhyme in rhymes if rhyme.startswith(prefixes)}
    return found | set(constraints.get("q", {}).get("extra_rhymes", ()))


@functools.cache
def default_rules() -> SyllableRules:
    return load_rules(DEFAULT_DIRECTORY / "syllables")


@functools.lru_cache(maxsize=1 << 16)
def is_valid_syllable(word: str) -> bool:
    """Whether ``word`` (leading and trailing punctuation ignored) is one written Vietnamese
    syllable in lower, UPPER or Title case. Tone placement is not judged (hòa = hoà)."""
    core = word.strip(PUNCTUATION)
    if not core or not has_plain_case(core):
        return False
    if not core.isascii() and not unicodedata.is_normalized("NFC", core):
        core = unicodedata.normalize("NFC", core)
    return default_rules().allows(core.lower())


# --- lexicon -------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Syllables and bigrams of the domain, keyed by their folded form."""

    forms: Mapping[str, frozenset[str]]
    """Folded syllable ("truong") → the lower-case syllables written so ("trường", "trưởng")."""
    after: frozenset[tuple[str, str]]
    """(folded previous word, syllable) for every bigram."""
    before: frozenset[tuple[str, str]]
    """(syllable, folded next word) for every bigram."""
    confusions: Mapping[str, tuple[str, ...]]
    type_abbreviations: frozenset[str]
    protected: frozenset[str]
    """Words never corrected as syllables (UBND, HVCTQG …)."""
    _near: dict[str, set[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_phrases(
        cls,
        phrases: Iterable[str],
        confusions: Mapping[str, Sequence[str]] | None = None,
        type_abbreviations: Iterable[str] = (),
        protected: Iterable[str] = (),
    ) -> Lexicon:
        forms: dict[str, set[str]] = {}
        pairs: set[tuple[str, str]] = set()
        for phrase in phrases:
            previous = None
            for token in LETTERS.findall(unicodedata.normalize("NFC", phrase).lower()):
                if not is_valid_syllable(token):
                    previous = None
                    continue
                forms.setdefault(fold(token), set()).add(token)
                if previous:
                    pairs.add((previous, token))
                previous = token
        return cls(
            forms={key: frozenset(value) for key, value in forms.items()},
            after=frozenset((fold(a), b) for a, b in pairs),
            before=frozenset((a, fold(b)) for a, b in pairs),
            confusions={key: tuple(value) for key, value in (confusions or {}).items()},
            type_abbreviations=frozenset(type_abbreviations),
            protected=frozenset(protected),
        )

    def same_letters(self, folded: str) -> frozenset[str]:
        return self.forms.get(folded, frozenset())

    def one_letter_off(self, folded: str) -> set[str]:
        """Syllables whose folded form is one insertion, deletion or substitution away."""
        if not self._near:
            self._build_near()
        keys = set(self._near.get(folded, ()))
        for variant in _deletions(folded):
            keys |= self._near.get(variant, set())
        found: set[str] = set()
        for key in keys:
            if Levenshtein.distance(key, folded) == 1:
                found |= self.forms[key]
        return found

    def _build_near(self) -> None:
        for key in self.forms:
            for variant in (key, *_deletions(key)):
                self._near.setdefault(variant, set()).add(key)

    def fits(self, syllable: str, previous: str | None, following: str | None) -> bool:
        """Whether ``syllable`` makes a bigram with a neighbour (given folded)."""
        return (previous is not None and (previous, syllable) in self.after) or (
            following is not None and (syllable, following) in self.before
        )


def _deletions(text: str) -> list[str]:
    return [text[:i] + text[i + 1 :] for i in range(len(text))]


@functools.lru_cache(maxsize=4)
def lexicon_for(patterns: Patterns) -> Lexicon:
    """The lexicon of a patterns directory: gazetteer names and aliases, document types,
    positions, capitalised phrases, abbreviations written out, and ``lexicon.txt``."""
    directory = patterns.directory
    phrases: list[str] = []
    for school in patterns.gazetteer.schools:
        phrases += [school.name, *school.aliases]
    for province in patterns.gazetteer.provinces:
        phrases += [province, *patterns.gazetteer.province_info(province).aliases]
    phrases += [t.name for t in patterns.document_types]
    phrases += [*patterns.positions.values(), *patterns.capitalised, *patterns.abbreviations.values()]
    if (directory / "lexicon.txt").is_file():
        phrases += read_lines(directory / "lexicon.txt")
    abbreviations = {a for t in patterns.document_types for a in (*t.state, *t.party, *t.older)}
    return Lexicon.from_phrases(
        phrases,
        confusions=read_confusions(_syllables_directory(directory) / "confusions.tsv"),
        type_abbreviations=abbreviations,
        protected=abbreviations | set(patterns.abbreviations),
    )


def _syllables_directory(directory: Path) -> Path:
    own = directory / "syllables"
    return own if own.is_dir() else DEFAULT_DIRECTORY / "syllables"


def read_confusions(path: Path) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for seen, intended, _note in read_tsv(path, ("seen", "intended", "note")):
        forms = tuple(f.strip().lower() for f in intended.split(";") if f.strip() and f.strip() != seen.lower())
        if not forms:
            raise PatternError(f"{path}: {seen!r}: no intended form")
        table[unicodedata.normalize("NFC", seen.lower())] = forms
    return table


# --- words ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Correction:
    """A word replaced: ``text`` keeps the word's punctuation and case."""

    original: str
    text: str
    reason: str
    """``syllable`` (impossible syllable), ``confusion`` (listed confusion, neighbours
    decide), ``digits`` (O/l/I inside a number) or ``symbol`` (4/D for Đ in a type)."""


OTHER, NUMBER, VALID, INVALID, ADDRESS = range(5)
"""What a word is to ``correct_words``: nothing to check, a number or symbol, a valid or an
impossible syllable (letters only), an e-mail address or URL."""


def correct_words(words: Sequence[str], lexicon: Lexicon) -> list[Correction | None]:
    """A correction or None for each word of a line, in reading order (the neighbours decide
    between candidates). Syllables are left alone on a line with an e-mail address or a URL
    ("Email: Hieu Truong Chinh tri@…" is not Vietnamese prose)."""
    kinds = [_kind(word) for word in words]
    prose = ADDRESS not in kinds
    result: list[Correction | None] = []
    for index, (word, kind) in enumerate(zip(words, kinds, strict=True)):
        fixed = None
        if kind == NUMBER:
            fixed = correct_number(split_punctuation(word)[1], lexicon.type_abbreviations)
        elif kind in (VALID, INVALID) and prose:
            fixed = _correct_letters(word, kind, lexicon, words, index)
        result.append(_correction(word, fixed))
    return result


@functools.lru_cache(maxsize=1 << 16)
def _kind(word: str) -> int:
    core = split_punctuation(word)[1]
    if "@" in word or "://" in word or word.lower().startswith("www."):
        return ADDRESS
    if not core:
        return OTHER
    if any(ch.isdigit() for ch in core) or "-" in core or "/" in core:
        return NUMBER
    if not core.isalpha():
        return OTHER
    return VALID if is_valid_syllable(core) else INVALID


def _correction(word: str, fixed: tuple[str, str] | None) -> Correction | None:
    if not fixed:
        return None
    lead, _core, trail = split_punctuation(word)
    return Correction(word, lead + fixed[0] + trail, fixed[1])


@functools.lru_cache(maxsize=1 << 14)
def split_punctuation(word: str) -> tuple[str, str, str]:
    """Leading punctuation, the word, trailing punctuation: "(Trường," → ("(", "Trường", ",")."""
    core = word.strip(PUNCTUATION)
    if not core:
        return word, "", ""
    start = word.index(core)
    return word[:start], core, word[start + len(core) :]


def _correct_letters(
    word: str, kind: int, lexicon: Lexicon, words: Sequence[str], index: int
) -> tuple[str, str] | None:
    core = split_punctuation(word)[1]
    if core in lexicon.protected:
        return None
    if kind == VALID:
        if unicodedata.normalize("NFC", core.lower()) not in lexicon.confusions:
            return None
        fixed = _confusion(core, lexicon, *_neighbours(words, index))
        return (fixed, "confusion") if fixed else None
    if not any(ch in VOWELS for ch in core.lower().translate(STRIP_TONE)):
        return None  # an acronym: HĐND, TP
    fixed = _candidate(core, lexicon, *_neighbours(words, index))
    return (fixed, "syllable") if fixed else None


def _neighbours(words: Sequence[str], index: int) -> tuple[str | None, str | None]:
    """The folded words before and after ``words[index]``, None across punctuation."""
    lead, _core, trail = split_punctuation(words[index])
    previous = following = None
    if index and not lead:
        _lead, core, after = split_punctuation(words[index - 1])
        previous = fold(core) if core and not after else None
    if index + 1 < len(words) and not trail:
        before, core, _after = split_punctuation(words[index + 1])
        following = fold(core) if core and not before else None
    return previous or None, following or None


def _candidate(core: str, lexicon: Lexicon, previous: str | None, following: str | None) -> str | None:
    """The one clear lexicon syllable for an impossible word, in the word's case."""
    lower = unicodedata.normalize("NFC", core.lower())
    key = fold(lower)
    candidates = set(lexicon.same_letters(key))
    limit = MAX_MARK_DISTANCE
    if not candidates and len(key) >= MIN_FUZZY_LETTERS:
        candidates, limit = lexicon.one_letter_off(key), 1
    candidates = {c for c in candidates if mark_distance(lower, c) <= limit}
    fitting = {c for c in candidates if lexicon.fits(c, previous, following)}
    chosen = _nearest(lower, fitting or candidates)
    return with_case_of(core, chosen) if chosen else None


def _nearest(lower: str, candidates: set[str]) -> str | None:
    """The only candidate, or the one nearer by marks than every other."""
    if len(candidates) <= 1:
        return next(iter(candidates), None)
    ranked = sorted(candidates, key=lambda c: mark_distance(lower, c))
    first, second = (mark_distance(lower, c) for c in ranked[:2])
    return ranked[0] if first < second else None


def _confusion(core: str, lexicon: Lexicon, previous: str | None, following: str | None) -> str | None:
    """A listed confusion replaced when exactly one intended form fits the neighbours and the
    word as read does not."""
    lower = unicodedata.normalize("NFC", core.lower())
    intended = lexicon.confusions.get(lower)
    if not intended or lexicon.fits(lower, previous, following):
        return None
    fitting = [form for form in intended if lexicon.fits(form, previous, following)]
    return with_case_of(core, fitting[0]) if len(fitting) == 1 else None


def mark_distance(first: str, second: str) -> int:
    """How many marks two lower-case syllables differ by: the tone, plus shape marks
    (circumflex, breve, horn, the stroke of đ) present in one and not the other."""
    distance = int(tone_of(first) != tone_of(second))
    shapes = Counter(_shapes(first))
    shapes.subtract(_shapes(second))
    return distance + sum(abs(count) for count in shapes.values())


def _shapes(lower: str) -> Iterable[tuple[str, str]]:
    for char in lower.translate(STRIP_TONE):
        base, marks = SHAPES.get(char, (char, frozenset()))
        yield from ((base, mark) for mark in marks)


def with_case_of(model: str, lower: str) -> str:
    """``lower`` in the case of ``model``: UPPER, Title, else lower case. A model in mixed
    case ("kếT", "CưƠng") gives lower case unless it starts with a capital OCR does not
    confuse with its small letter ("ThỊ" → "Thị")."""
    if len(model) > 1 and model.isupper():
        return lower.upper()
    first = model[:1]
    if not first.isupper() or (not has_plain_case(model) and fold(first) in CASE_LOOKALIKES):
        return lower
    return lower[:1].upper() + lower[1:]


# --- numbers -------------------------------------------------------------------------------


def correct_number(core: str, type_abbreviations: frozenset[str]) -> tuple[str, str] | None:
    """Digit look-alikes inside digit runs, then a document type read with 4 or D for Đ."""
    digits = fix_digit_lookalikes(core)
    symbol = fix_symbol_type(digits, type_abbreviations)
    if symbol != digits:
        return symbol, "symbol"
    return (digits, "digits") if digits != core else None


def fix_digit_lookalikes(text: str) -> str:
    """O/o → 0 and l/I → 1 in each run between separators that holds a digit and nothing
    but digits and those letters ("2O21", "l5/QĐ", "16.l82"); "K74B", "lO" stay."""
    parts = SYMBOL_SEPARATORS.split(text)
    for index, part in enumerate(parts):
        if part and not part.isdigit() and any(c.isdigit() for c in part) and all(c in "0123456789OoIl" for c in part):
            parts[index] = part.translate(DIGIT_LOOKALIKES)
    return "".join(parts)


def fix_symbol_type(text: str, type_abbreviations: frozenset[str]) -> str:
    """The type group of a document symbol with 4 or D read for Đ ("683-Q4/HVCTQG",
    "N4-CP", "15/QD-UBND"), when only the corrected group is a known type abbreviation."""
    match = DOCUMENT_SYMBOL.match(text)
    if not match or not (match["head"] or match["tail"]) or match["type"] in type_abbreviations:
        return text
    kind = match["type"]
    for fixed in (kind.replace("4", "Đ"), kind.replace("D", "Đ")):
        if fixed != kind and fixed in type_abbreviations:
            return (match["head"] or "") + fixed + (match["tail"] or "")
    return text


@dataclass(frozen=True, slots=True)
class NumberJoin:
    """Two words that are one number split by a line break or a stray space: ``first`` and
    ``second`` are (line index, word index); ``text`` is the whole number ("16.182")."""

    first: tuple[int, int]
    second: tuple[int, int]
    text: str


def find_number_joins(lines: Sequence[Sequence[str]]) -> list[NumberJoin]:
    """Numbers with a thousands dot broken after the dot: "16." ending a line (or followed
    by a space) and "182" before a counted word ("học viên", "lớp", "HV" …)."""
    joins: list[NumberJoin] = []
    for line_index, words in enumerate(lines):
        for word_index, word in enumerate(words):
            after = _next_position(lines, line_index, word_index)
            if after is None or not SPLIT_HEAD.match(word) or (word_index == 0 and len(words) == 1):
                continue
            tail_line, tail_word = after
            tail = lines[tail_line][tail_word]
            unit = _next_position(lines, tail_line, tail_word)
            if SPLIT_TAIL.match(tail) and unit and _is_unit(lines[unit[0]][unit[1]]):
                joins.append(NumberJoin((line_index, word_index), after, word + tail))
    return joins


def _next_position(lines: Sequence[Sequence[str]], line: int, word: int) -> tuple[int, int] | None:
    if word + 1 < len(lines[line]):
        return line, word + 1
    following = line + 1
    while following < len(lines) and not lines[following]:
        following += 1
    return (following, 0) if following < len(lines) else None


def _is_unit(word: str) -> bool:
    return fold(word).split(" ")[0] in UNIT_WORDS


# --- words with boxes ----------------------------------------------------------------------


def corrected_row(row: Sequence[Word], lexicon: Lexicon) -> list[Word]:
    """``correct_words`` applied to a row of OCR words: a corrected word keeps its box and
    gets ``CORRECTION_FACTOR`` times its confidence."""
    fixes = correct_words([w.text for w in row], lexicon)
    return [
        Word(fix.text, word.bbox, word.confidence * CORRECTION_FACTOR) if fix else word
        for word, fix in zip(row, fixes, strict=True)
    ]


def join_split_numbers(rows: Sequence[Sequence[Word]]) -> list[list[Word]]:
    """``find_number_joins`` applied to rows of words: the number takes the place of its
    first part (the union of both boxes when they share a row), the second part is dropped,
    and the confidence is lowered as for a correction."""
    out = [list(row) for row in rows]
    dropped: set[tuple[int, int]] = set()
    for join in find_number_joins([[w.text for w in row] for row in rows]):
        if join.first in dropped:
            continue
        first, second = rows[join.first[0]][join.first[1]], rows[join.second[0]][join.second[1]]
        same_row = join.first[0] == join.second[0]
        box = union_boxes([first.bbox, second.bbox]) if same_row else first.bbox
        confidence = min(first.confidence, second.confidence) * CORRECTION_FACTOR
        out[join.first[0]][join.first[1]] = Word(join.text, box, confidence)
        dropped.add(join.second)
    return [[w for j, w in enumerate(row) if (i, j) not in dropped] for i, row in enumerate(out)]
