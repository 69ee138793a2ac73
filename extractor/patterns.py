"""Loads and validates the data files in ``patterns/`` once per process.

Everything a user may extend without touching code lives there: regular expressions
(``regex.toml``), document types (``document_types.tsv``), OCR look-alikes, abbreviations,
spaCy rule patterns (``patterns.jsonl``) and the gazetteer of schools and provinces. A
broken file raises ``PatternError`` naming the file and the entry.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import regex

from extractor.errors import PatternError
from extractor.gazetteer import Gazetteer, fold

DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent / "patterns"
PLACEHOLDER = regex.compile(r"<<(\w+)>>")
REQUIRED_PATTERNS = (
    "document_number",
    "number_value",
    "place_date",
    "date_long",
    "date_numeric",
    "reference",
    "bare_reference",
    "stamp_marker",
    "stamp_number",
    "stamp_date",
    "subject_prefix",
    "recipients_heading",
    "addressees_heading",
    "capacity_prefix",
    "signature_appearance",
    "figure",
    "figure_reversed",
    "figure_plan",
    "figure_carried_over",
    "page_number",
    "figure_label_after",
    "name_connector_folded",
    "generic_determiner_folded",
    "title_qualifier_cs",
    "table_classes_header",
    "table_students_header",
    "table_total",
    "figure_counted",
    "figure_result",
)
REQUIRED_PERIODS = ("H1", "H2", "Q", "SCHOOL_YEAR", "YEAR", "ANNUAL")
TITLE_WORDS = 4
"""The longest type name in words ("Thông tư liên tịch")."""
REQUIRED_ISSUER = ("unit_start_folded", "decoration")
REQUIRED_ROLES = (
    "total_folded",
    "newly_opened_folded",
    "carried_over_folded",
    "course_word_folded",
    "course_prefix_folded",
)
COURSE_COLUMNS = ("id", "name", "patterns")
COURSE_PATTERN_SEPARATOR = ";"


@dataclass(frozen=True)
class DocumentType:
    name: str
    state: tuple[str, ...]
    party: tuple[str, ...]
    older: tuple[str, ...]
    bare_state_symbol: bool = False
    """State symbols of this type carry no type abbreviation ("123/UBND-VX" is a công văn):
    written ``-`` in the state column."""


@dataclass(frozen=True)
class CourseCategory:
    """A row of ``course_categories.tsv``: a course and the patterns of its folded labels."""

    id: str
    name: str
    patterns: tuple[regex.Pattern[str], ...]
    """Empty for the one category of labels that name no course (plain totals)."""


@dataclass(frozen=True, eq=False)
class Patterns:
    directory: Path
    fingerprint: str
    """SHA-256 over every file, so stored results can tell they came from other patterns."""
    regexes: dict[str, regex.Pattern[str]]
    periods: dict[str, regex.Pattern[str]]
    document_types: tuple[DocumentType, ...]
    lookalikes: dict[int, str]
    abbreviations: dict[str, str]
    entity_patterns: tuple[dict, ...]
    capitalised: tuple[str, ...]
    """Phrases that keep their capitals in sentence case ("Hồ Chí Minh"), provinces included."""
    positions: dict[str, str]
    """Signers' titles by folded key ("pho hieu truong") → as officially written."""
    gazetteer: Gazetteer
    roles: dict[str, regex.Pattern[str]]
    """``[figure_roles]`` of regex.toml: total, newly opened, carried over, course words (folded labels)."""
    course_categories: tuple[CourseCategory, ...]

    def starts_unit(self, text: str) -> bool:
        """Whether ``text`` opens an organisation's name ("TRƯỜNG ...", "SỞ ...", "CỤM THI ĐUA ...")."""
        return bool(self.regexes["unit_start_folded"].match(fold(text)))

    def type_named(self, text: str) -> DocumentType | None:
        """The type whose name is ``text`` (any case, any diacritic damage)."""
        key = fold(text)
        return next((t for t in self.document_types if fold(t.name) == key), None)

    def type_titled(self, title: str) -> DocumentType | None:
        """The type a printed title names: "BÁO CÁO", or a title that goes on ("BÁO CÁO TÓM TẮT")."""
        words = title.split()
        for count in range(min(len(words), TITLE_WORDS), 0, -1):
            doc_type = self.type_named(" ".join(words[:count]))
            if doc_type:
                return doc_type
        return None

    @property
    def bare_symbol_type(self) -> DocumentType:
        """The type of a document whose state symbol names no type (a công văn)."""
        return next(t for t in self.document_types if t.bare_state_symbol)

    def type_of_symbol(self, symbol: str, party_style: bool) -> DocumentType | None:
        """The type a symbol's first group stands for ("BC" in "51-BC/CTĐ", "QĐ" in "15/QĐ-UBND")."""
        abbreviation = regex.split(r"[-/.]", symbol, maxsplit=1)[0]
        for attribute in ("party", "state", "older") if party_style else ("state", "party", "older"):
            for doc_type in self.document_types:
                if abbreviation in getattr(doc_type, attribute):
                    return doc_type
        return None


def load_patterns(directory: Path | None = None) -> Patterns:
    """The patterns in ``directory`` (default: $EXTRACTOR_PATTERNS or the project's ``patterns/``)."""
    chosen = directory or Path(os.environ.get("EXTRACTOR_PATTERNS", DEFAULT_DIRECTORY))
    return _load(chosen.resolve())


@functools.lru_cache(maxsize=4)
def _load(directory: Path) -> Patterns:
    if not directory.is_dir():
        raise PatternError(f"{directory}: patterns directory not found")
    document_types = tuple(read_document_types(directory / "document_types.tsv"))
    gazetteer = Gazetteer.load(directory)
    regexes, periods, roles = read_regexes(directory / "regex.toml", document_types)
    return Patterns(
        directory=directory,
        fingerprint=fingerprint(directory),
        regexes=regexes,
        periods=periods,
        document_types=document_types,
        lookalikes=read_lookalikes(directory / "lookalikes.tsv"),
        abbreviations=dict(read_tsv(directory / "abbreviations.tsv", ("short", "full"))),
        entity_patterns=tuple(read_entity_patterns(directory / "patterns.jsonl")),
        capitalised=tuple(read_lines(directory / "capitalised.txt")) + gazetteer.provinces,
        positions={fold(title): title for title in read_lines(directory / "positions.txt")},
        gazetteer=gazetteer,
        roles=roles,
        course_categories=read_course_categories(directory / "course_categories.tsv"),
    )


def fingerprint(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_tsv(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    """Rows of a tab-separated file whose first non-comment line is the header ``columns``."""
    return (cells for _, cells in read_numbered_tsv(path, columns))


def read_numbered_tsv(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, tuple[str, ...]]]:
    """The rows of ``read_tsv`` with their line numbers, for messages about one entry."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise PatternError(f"{path}: cannot be read ({exc})") from None
    header_seen = False
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = tuple(cell.strip() for cell in line.split("\t"))
        if not header_seen:
            if cells[: len(columns)] != columns:
                raise PatternError(f"{path}:{number}: header must be {' | '.join(columns)}")
            header_seen = True
            continue
        if len(cells) > len(columns) or not cells[0]:
            raise PatternError(f"{path}:{number}: expected {len(columns)} tab-separated columns")
        yield number, cells + ("",) * (len(columns) - len(cells))
    if not header_seen:
        raise PatternError(f"{path}: empty (no header row)")


def read_lines(path: Path) -> Iterator[str]:
    """Non-empty, non-comment lines of a plain list file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise PatternError(f"{path}: cannot be read ({exc})") from None
    yield from (line.strip() for line in lines if line.strip() and not line.startswith("#"))


def read_document_types(path: Path) -> list[DocumentType]:
    """The types; exactly one has ``-`` as its state abbreviation (no abbreviation in the symbol)."""
    types = [
        DocumentType(name, _split(state.strip("-")), _split(party), _split(older), bare_state_symbol=state == "-")
        for name, state, party, older in read_tsv(path, ("name", "state", "party", "older"))
    ]
    if sum(t.bare_state_symbol for t in types) != 1:
        raise PatternError(f"{path}: exactly one type must have '-' as its state abbreviation (the công văn)")
    return types


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(";") if part.strip())


def read_lookalikes(path: Path) -> dict[int, str]:
    table: dict[int, str] = {}
    for seen, replacement, _note in read_tsv(path, ("seen", "replacement", "note")):
        try:
            source = "".join(chr(int(code[2:], 16)) for code in seen.split())
            target = "".join(chr(int(code[2:], 16)) for code in replacement.split())
        except ValueError:
            raise PatternError(f"{path}: {seen!r}: code points must be written U+XXXX") from None
        if len(source) != 1:
            raise PatternError(f"{path}: {seen!r}: one code point per row")
        table[ord(source)] = target
    return table


def read_regexes(
    path: Path, document_types: tuple[DocumentType, ...]
) -> tuple[dict[str, regex.Pattern[str]], dict[str, regex.Pattern[str]], dict[str, regex.Pattern[str]]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PatternError(f"{path}: {exc}") from None
    kinds = sorted((t.name for t in document_types), key=len, reverse=True)
    fragments = {"doc_kinds": "|".join(regex.escape(k).replace(r"\ ", r"\s+") for k in kinds)}
    fragments.update(data.get("fragments", {}))

    def expand(name: str, source: str, depth: int = 0) -> str:
        if depth > 8:
            raise PatternError(f"{path}: {name}: fragments nest too deeply")

        def substitute(match: regex.Match[str]) -> str:
            key = match.group(1)
            if key not in fragments:
                raise PatternError(f"{path}: {name}: unknown fragment <<{key}>>")
            return expand(key, fragments[key], depth + 1)

        return PLACEHOLDER.sub(substitute, source)

    def compile_section(section: str, required: tuple[str, ...]) -> dict[str, regex.Pattern[str]]:
        entries = data.get(section, {})
        missing = [name for name in required if name not in entries]
        if missing:
            raise PatternError(f"{path}: [{section}] lacks {', '.join(missing)}")
        compiled = {}
        for name, source in entries.items():
            flags = 0 if name.endswith("_cs") else regex.IGNORECASE
            try:
                compiled[name] = regex.compile(expand(name, source), flags)
            except regex.error as exc:
                raise PatternError(f"{path}: [{section}] {name}: {exc}") from None
        return compiled

    regexes = compile_section("patterns", REQUIRED_PATTERNS) | compile_section("issuer", REQUIRED_ISSUER)
    return regexes, compile_section("periods", REQUIRED_PERIODS), compile_section("figure_roles", REQUIRED_ROLES)


def read_course_categories(path: Path) -> tuple[CourseCategory, ...]:
    """The rows of ``course_categories.tsv`` in order; exactly one has no patterns (labels naming no course)."""
    categories: list[CourseCategory] = []
    for number, (category_id, name, cell) in read_numbered_tsv(path, COURSE_COLUMNS):
        if not name:
            raise PatternError(f"{path}:{number}: category {category_id!r} has no name")
        if any(c.id == category_id for c in categories):
            raise PatternError(f"{path}:{number}: category {category_id!r} is listed twice")
        compiled = []
        for source in (part.strip() for part in cell.split(COURSE_PATTERN_SEPARATOR)):
            if not source:
                continue
            try:
                compiled.append(regex.compile(source))
            except regex.error as exc:
                raise PatternError(f"{path}:{number}: pattern {source!r}: {exc}") from None
        categories.append(CourseCategory(category_id, name, tuple(compiled)))
    fallbacks = [c.id for c in categories if not c.patterns]
    if len(fallbacks) != 1:
        raise PatternError(f"{path}: exactly one category must have no patterns (found {len(fallbacks)})")
    return tuple(categories)


def read_entity_patterns(path: Path) -> Iterator[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise PatternError(f"{path}: cannot be read ({exc})") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PatternError(f"{path}:{number}: not JSON ({exc.msg})") from None
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("label"), str)
            or not isinstance(entry.get("pattern"), list | str)
        ):
            raise PatternError(f"{path}:{number}: an entry needs a 'label' and a 'pattern'")
        yield entry
