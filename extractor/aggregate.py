"""Classes and students of an archive by school × period × kind × course category, with totals.

The records of a batch (corrections applied) are reduced to facts (``facts.py``): a figure
naming a school is that school's; a figure without one belongs to the issuer when a school
issued the report, else it stays unattributed under the body that reported it (a cluster's or
an office's totals restate its schools' figures and are not added to them). Results, plans,
classes carried over and classes newly opened are kept apart, never added together.

The same document found twice is counted once: files with the same content (sha256), and
records with the same issuer, number and date (a scan and its born-digital copy, a resend),
of which the one read from a text layer (else the first by path) is kept; the others are
listed as duplicates. A fact stated by several documents (a school's report and its cluster's
table) is counted once as well, see ``facts.merge``.

``totals`` add the schools' rows (never the unattributed ones) per period, kind and category.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from extractor.consistency import CheckFailure, archive_failures, attribution_for, document_failures
from extractor.facts import Fact, Key, Merged, document_facts, field_value, merge
from extractor.gazetteer import fold
from extractor.patterns import Patterns

UNATTRIBUTED = "(không rõ trường)"


@dataclass(frozen=True)
class Row:
    school: str | None
    reporter: str | None
    """The body that reported an unattributed row (its issuer); None for a school's row."""
    period: str | None
    kind: str
    category: str
    category_name: str
    classes: int
    students: int | None
    documents: tuple[str, ...]
    """The sha256 of the documents whose figures make the row."""

    def who(self) -> str:
        return self.school or f"{UNATTRIBUTED} {self.reporter or ''}".strip()


@dataclass(frozen=True)
class Duplicate:
    file: str
    sha256: str
    kept_file: str
    kept_sha256: str
    reason: str
    """``same_file`` (identical content) or ``same_number`` (same issuer, number and date)."""


@dataclass(frozen=True)
class Filters:
    period: str | None = None
    school: str | None = None
    """A canonical school name (resolve what a user typed with ``resolve_school``)."""
    kind: str | None = None

    def keep(self, key: Key) -> bool:
        return (
            (self.period is None or key.period == self.period)
            and (self.school is None or key.school == self.school)
            and (self.kind is None or key.kind == self.kind)
        )


@dataclass(frozen=True)
class Aggregate:
    rows: tuple[Row, ...]
    totals: tuple[Row, ...]
    duplicates: tuple[Duplicate, ...]
    checks: tuple[CheckFailure, ...]
    files: int
    documents: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "documents": self.documents,
            "rows": [plain(row) for row in self.rows],
            "totals": [plain(row) for row in self.totals],
            "duplicates": [plain(duplicate) for duplicate in self.duplicates],
            "checks": [plain(check) for check in self.checks],
        }


def plain(item: Row | Duplicate | CheckFailure) -> dict[str, Any]:
    """A flat dataclass as a dict of JSON values (``dataclasses.asdict`` copies deeply, slowly)."""
    return {name: list(value) if isinstance(value, tuple) else value for name, value in vars(item).items()}


def aggregate(
    entries: Sequence[tuple[str, dict[str, Any]]], patterns: Patterns, filters: Filters | None = None
) -> Aggregate:
    """The aggregate of ``entries`` (path, record) as ``store.records()`` gives them."""
    filters = filters or Filters()
    kept, duplicates = find_duplicates(entries)
    attribution = attribution_for(patterns)
    records = [record for _, record in kept]
    per_document, checks = [], []
    for record in records:
        keyed = attribution.keyed(record)
        per_document.append(document_facts(record, attribution, keyed))
        checks.extend(document_failures(keyed, record["source"]["sha256"], attribution.courses))
    merged = merge(per_document)
    checks.extend(archive_failures(merged, {r["source"]["sha256"]: r for r in records}))
    rows = sorted((make_row(m) for key, m in merged.items() if filters.keep(key)), key=row_order)
    return Aggregate(
        rows=tuple(rows),
        totals=tuple(totals(rows)),
        duplicates=tuple(duplicates),
        checks=tuple(checks),
        files=len(entries),
        documents=len(kept),
    )


def make_row(merged: Merged) -> Row:
    fact: Fact = merged.kept
    key = fact.key
    documents = (fact.document, *(f.document for f in merged.others))
    return Row(
        key.school,
        key.reporter,
        key.period,
        key.kind,
        key.category,
        fact.category_name,
        fact.classes,
        fact.students,
        tuple(dict.fromkeys(documents)),
    )


def row_order(row: Row) -> tuple:
    return (row.school is None, row.school or row.reporter or "", row.period or "", row.kind, row.category)


def totals(rows: Iterable[Row]) -> list[Row]:
    """The schools' rows added up per period, kind and category (students: those stated)."""
    groups: dict[tuple, list[Row]] = {}
    for row in rows:
        if row.school is not None:
            groups.setdefault((row.period, row.kind, row.category), []).append(row)
    summed = []
    for (period, kind, category), members in groups.items():
        students = [row.students for row in members if row.students is not None]
        documents = tuple(dict.fromkeys(d for row in members for d in row.documents))
        classes = sum(row.classes for row in members)
        name = members[0].category_name
        summed.append(
            Row(None, None, period, kind, category, name, classes, sum(students) if students else None, documents)
        )
    return sorted(summed, key=lambda row: (row.period or "", row.kind, row.category))


def find_duplicates(
    entries: Sequence[tuple[str, dict[str, Any]]],
) -> tuple[list[tuple[str, dict[str, Any]]], list[Duplicate]]:
    """The entries to count (one per document) and the duplicates left out, in path order."""
    groups: dict[object, list[tuple[str, dict[str, Any]]]] = {}
    identity: dict[str, object] = {}
    for path, record in entries:
        sha256 = record["source"]["sha256"]
        key = identity.get(sha256)
        if key is None:
            key = identity[sha256] = document_identity(record) or sha256
        groups.setdefault(key, []).append((path, record))
    kept, duplicates = [], []
    for members in groups.values():
        chosen = min(members, key=lambda entry: ocr_pages(entry[1]))
        kept.append(chosen)
        for path, record in members:
            if path == chosen[0]:
                continue
            same = record["source"]["sha256"] == chosen[1]["source"]["sha256"]
            duplicates.append(
                Duplicate(
                    path,
                    record["source"]["sha256"],
                    chosen[0],
                    chosen[1]["source"]["sha256"],
                    "same_file" if same else "same_number",
                )
            )
    kept.sort(key=lambda entry: entry[0])
    return kept, sorted(duplicates, key=lambda d: (d.kept_file, d.file))


def document_identity(record: dict[str, Any]) -> tuple[str, str, str] | None:
    """Issuer, number and date, normalised; None when one of them is missing."""
    document = record["document"]
    issuer, number, date = (field_value(document.get(name)) for name in ("issuer", "number", "date"))
    if not (issuer and number and date):
        return None
    return fold(issuer), "".join(fold(number).split()), date


def ocr_pages(record: dict[str, Any]) -> int:
    return record["source"].get("text_source", []).count("ocr")


def resolve_school(text: str, patterns: Patterns) -> str | None:
    """The canonical school a user means by ``text`` ("Kon Tum", "tct kon tum", a full name)."""
    match = patterns.gazetteer.match_school(text)
    if match.school:
        return match.school.name
    key = fold(text)
    named = [s.name for s in patterns.gazetteer.schools if key in fold(s.name)]
    return named[0] if len(named) == 1 else None
