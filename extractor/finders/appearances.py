"""Visible signature appearances: the small print a signing tool stamps on the page.

    Người ký: TRƯỜNG CHÍNH TRỊ              Người ký: Lò Thị
    Email: Truong Chinh tri@CHINHTRI        Thúy Hà
    Cơ quan: TỈNH ỦY SƠN LA                 ...
    Thời gian ký: 18.08.2021 02:46:13 -07:00      Thời gian ký:
                                            17.08.2021 14:36:01
                                            +07:00

A scan of a signed print keeps only this text (the signature dictionary is gone), so it is
read as a ``Signature`` with ``source: "appearance"``. An appearance starts at a signer label;
each further label opens an entry, and lines without a label continue the entry above when
they sit right under it (values wrap in the narrow box). The labels and time formats are in
``patterns/signatures.toml``.
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import regex

from extractor.errors import PatternError
from extractor.fields import Field
from extractor.finders.casing import sentence_case, spellings
from extractor.model import DocumentText, Line
from extractor.patterns import Patterns
from extractor.signatures import OFFSET_MISSING, OFFSET_NOT_VIETNAM, TIME_UNREADABLE, Signature

FILE_NAME = "signatures.toml"
REQUIRED_LABELS = ("signer", "organisation", "time")
TIME_GROUPS = ("day", "month", "year", "hour", "minute")
OFFSET = regex.compile(r"^([+-])\s*(\d{1,2})\s*:?\s*(\d{2})$")
APPEARANCE_CONFIDENCE = 0.9
LINE_GAP = 1.0
"""A continuation line starts less than this many line heights under the line above."""
INDENT = 2.0
"""... and within this many line heights of the appearance's left edge."""
TALLER = 1.5
"""... and is not taller than this many times the appearance's first line (body text)."""


@dataclass(frozen=True)
class SignaturePatterns:
    path: Path
    labels: dict[str, regex.Pattern[str]]
    """Label name → pattern matching the label and its colon at the start of a line."""
    time_formats: tuple[regex.Pattern[str], ...]
    local_offset: str
    organisation_start: regex.Pattern[str]


@dataclass
class Block:
    """One appearance: its line indices and its entries (label → value text)."""

    first: int
    last: int
    entries: list[tuple[str, list[str]]] = field(default_factory=list)

    def value(self, label: str) -> str | None:
        texts = [" ".join(parts) for name, parts in self.entries if name == label]
        text = " ".join(" ".join(texts).split())
        return text or None


def find_appearance_signatures(doc: DocumentText, patterns: Patterns) -> list[Signature]:
    """Every visible signature appearance in ``doc``, in reading order."""
    table = load_signature_patterns(patterns.directory)
    return [appearance_signature(doc, patterns, table, block) for block in appearance_blocks(doc, table)]


def appearance_line_indices(doc: DocumentText, patterns: Patterns) -> set[int]:
    """Indices of all lines that belong to an appearance (wrapped values included)."""
    table = load_signature_patterns(patterns.directory)
    return {i for block in appearance_blocks(doc, table) for i in range(block.first, block.last + 1)}


# --- Patterns ------------------------------------------------------------------------------


def load_signature_patterns(directory: Path) -> SignaturePatterns:
    return _load(Path(directory).resolve() / FILE_NAME)


@functools.lru_cache(maxsize=4)
def _load(path: Path) -> SignaturePatterns:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PatternError(f"{path}: {exc}") from None
    time = table(path, data, "time")
    return SignaturePatterns(
        path=path,
        labels=read_labels(path, table(path, data, "labels")),
        time_formats=read_time_formats(path, time.get("formats")),
        local_offset=read_offset(path, time.get("local_offset")),
        organisation_start=compile_entry(
            path, "[names] organisation_start", table(path, data, "names").get("organisation_start")
        ),
    )


def table(path: Path, data: dict, name: str) -> dict:
    section = data.get(name)
    if not isinstance(section, dict):
        raise PatternError(f"{path}: [{name}] is missing")
    return section


def compile_entry(path: Path, name: str, source: object) -> regex.Pattern[str]:
    if not isinstance(source, str) or not source.strip():
        raise PatternError(f"{path}: {name}: must be a non-empty string")
    try:
        return regex.compile(source, regex.IGNORECASE)
    except regex.error as exc:
        raise PatternError(f"{path}: {name}: {exc}") from None


def read_labels(path: Path, labels: dict) -> dict[str, regex.Pattern[str]]:
    missing = [name for name in REQUIRED_LABELS if name not in labels]
    if missing:
        raise PatternError(f"{path}: [labels] lacks {', '.join(missing)}")
    compiled = {name: compile_entry(path, f"[labels] {name}", source) for name, source in labels.items()}
    return {name: regex.compile(rf"^\s*(?:{p.pattern})\s*[:：]\s*", regex.IGNORECASE) for name, p in compiled.items()}


def read_time_formats(path: Path, formats: object) -> tuple[regex.Pattern[str], ...]:
    if not isinstance(formats, list) or not formats:
        raise PatternError(f"{path}: [time] formats: must be a non-empty list of patterns")
    compiled = []
    for number, source in enumerate(formats, 1):
        pattern = compile_entry(path, f"[time] formats #{number}", source)
        missing = [group for group in TIME_GROUPS if group not in pattern.groupindex]
        if missing:
            raise PatternError(f"{path}: [time] formats #{number}: lacks the group(s) {', '.join(missing)}")
        compiled.append(pattern)
    return tuple(compiled)


def read_offset(path: Path, offset: object) -> str:
    normalised = normalise_offset(offset) if isinstance(offset, str) else None
    if normalised is None:
        raise PatternError(f"{path}: [time] local_offset: must be written like +07:00")
    return normalised


# --- Blocks --------------------------------------------------------------------------------


def appearance_blocks(doc: DocumentText, table: SignaturePatterns) -> list[Block]:
    blocks = []
    index = 0
    while index < len(doc.lines):
        if table.labels["signer"].match(doc.lines[index].text):
            blocks.append(read_block(doc, table, index))
            index = blocks[-1].last + 1
        else:
            index += 1
    return blocks


def read_block(doc: DocumentText, table: SignaturePatterns, start: int) -> Block:
    block = Block(start, start)
    for index in range(start, len(doc.lines)):
        line = doc.lines[index]
        label = label_of(line.text, table)
        if index > start and not continues(doc.lines[start], doc.lines[index - 1], line):
            break
        if label and (index == start or label[0] != "signer"):
            block.entries.append((label[0], [line.text[label[1] :]]))
        elif label is None and index > start and not time_complete(block, table):
            block.entries[-1][1].append(line.text)
        else:
            break
        block.last = index
    return block


def label_of(text: str, table: SignaturePatterns) -> tuple[str, int] | None:
    """The label a line opens with and where its value starts."""
    for name, pattern in table.labels.items():
        match = pattern.match(text)
        if match:
            return name, match.end()
    return None


def continues(first: Line, above: Line, line: Line) -> bool:
    """Whether ``line`` sits right under ``above`` in the appearance that ``first`` opens."""
    height = first.bbox[3] - first.bbox[1]
    return (
        line.page == above.page
        and -height / 2 <= line.bbox[1] - above.bbox[3] <= LINE_GAP * height
        and abs(line.bbox[0] - first.bbox[0]) <= INDENT * height
        and line.bbox[3] - line.bbox[1] <= TALLER * height
    )


def time_complete(block: Block, table: SignaturePatterns) -> bool:
    """The last entry is a signing time with its offset: nothing more to read."""
    name, parts = block.entries[-1]
    if name != "time":
        return False
    match = time_match(" ".join(parts), table)
    return match is not None and match.group("offset") is not None


def time_match(text: str, table: SignaturePatterns) -> regex.Match[str] | None:
    return next((m for m in (p.search(text) for p in table.time_formats) if m), None)


# --- Values --------------------------------------------------------------------------------


def appearance_signature(doc: DocumentText, patterns: Patterns, table: SignaturePatterns, block: Block) -> Signature:
    source = Field.over_lines(doc, block.first, block.last, None, APPEARANCE_CONFIDENCE)
    signed_at, flags = signing_time(block.value("time"), table)
    return Signature(
        signer=signer_name(block.value("signer"), patterns, table, doc.text),
        organisation=organisation_name(block.value("organisation"), patterns, doc.text),
        signed_at=signed_at,
        cms_signing_time=None,
        intact=None,
        covers_whole_file=None,
        field=None,
        reason=None,
        location=None,
        source="appearance",
        page=source.page,
        bbox=source.bbox,
        text=source.text,
        confidence=source.confidence,
        flags=flags,
    )


def signer_name(text: str | None, patterns: Patterns, table: SignaturePatterns, doc_text: str) -> str | None:
    if not text:
        return None
    if table.organisation_start.match(text):
        return organisation_name(text, patterns, doc_text)
    return " ".join(word.capitalize() if word.isupper() else word for word in text.split())


def organisation_name(text: str | None, patterns: Patterns, doc_text: str) -> str | None:
    """Each comma-separated unit as the document writes it, else in sentence case:
    "TRƯỞNG CHÍNH TRỊ, TỈNH ỦY SƠN LA" → "Trường Chính trị, Tỉnh ủy Sơn La"."""
    if not text:
        return None
    parts = [" ".join(part.split()) for part in text.split(",") if part.strip()]
    return ", ".join(unit_name(part, patterns, doc_text) for part in parts) or None


def unit_name(printed: str, patterns: Patterns, doc_text: str) -> str:
    if not printed.isupper():
        return printed
    name = capitalised_spelling(printed, doc_text) or sentence_case(printed, patterns)
    return name[:1].upper() + name[1:]


def capitalised_spelling(name: str, text: str) -> str | None:
    """The most frequent spelling of ``name`` in ``text`` that starts with a capital ("TRƯỞNG
    CHÍNH TRỊ" → "Trường Chính trị"); spellings with diacritics first (an e-mail address
    "Truong Chinh tri@..." is not a name)."""
    found = {spelling: count for spelling, count in spellings(name, text).items() if spelling[:1].isupper()}
    return max(found, key=lambda s: (not s.isascii(), found[s])) if found else None


def signing_time(text: str | None, table: SignaturePatterns) -> tuple[str | None, tuple[str, ...]]:
    """ISO 8601 with the printed offset, and the flags it raises."""
    match = time_match(text, table) if text else None
    if match is None:
        return None, (TIME_UNREADABLE,)
    try:
        year, month, day, hour, minute = (int(match.group(g)) for g in ("year", "month", "day", "hour", "minute"))
        moment = dt.datetime(year, month, day, hour, minute, int(match.group("second") or 0))
    except ValueError:
        return None, (TIME_UNREADABLE,)
    offset = normalise_offset(match.group("offset"))
    if offset is None:
        return moment.isoformat(), (OFFSET_MISSING,)
    flags = () if offset == table.local_offset else (OFFSET_NOT_VIETNAM,)
    return moment.isoformat() + offset, flags


def normalise_offset(text: str | None) -> str | None:
    """ "+0700", "+07:00", "- 7:00" → "+07:00" / "-07:00"; "Z", "UTC", "GMT" → "+00:00"."""
    if text is None:
        return None
    if text.strip().upper() in ("Z", "UTC", "GMT"):
        return "+00:00"
    match = OFFSET.match(text.strip())
    if match is None or int(match.group(2)) > 14 or int(match.group(3)) > 59:
        return None
    return f"{match.group(1)}{int(match.group(2)):02d}:{match.group(3)}"
