"""Figures as facts: how many classes and students one school had in one period, course and kind.

A figure's school is the school it names, else — for a report issued by a school — its issuer
(the school reports on itself); the other figures without a school (a cluster's or an office's
totals) stay unattributed, under the body that reported them. Its kind is the record's
(``result``, ``plan``, ``carried_over``), except that a result whose label says the classes
were newly opened ("mở mới") is kept apart as ``newly_opened``: those are part of the classes
run in the period, and adding both would count them twice.

Within one document the figures of one fact are added up ("Chuyên viên" and "Chuyên viên
chính" in one category), except that a value repeated is counted once (a figure stated in the
text and again in a table is one statement), and that a figure whose label says it is a total
("Tổng cộng", "tổng số") is the fact by itself. Across documents a fact is not added: a school's
own report and its cluster's table state the same fact, and ``merge`` keeps one of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from extractor.courses import Category, Courses

NEWLY_OPENED = "newly_opened"


@dataclass(frozen=True, order=True)
class Key:
    school: str | None
    """Canonical school name; None for a figure no school can be credited with."""
    reporter: str | None
    """For unattributed figures, the body that reported them (the issuer); None otherwise."""
    period: str | None
    kind: str
    category: str


@dataclass
class Fact:
    key: Key
    category_name: str
    document: str
    """The sha256 of the document that states it."""
    own_report: bool = False
    """Stated by the school itself (its issuer)."""
    date: str = ""
    figures: list[str] = field(default_factory=list)
    """Record paths of the figures ("figures[3]")."""
    parts: dict[tuple[int, int | None], None] = field(default_factory=dict)
    """Distinct values of the figures, in order (a value repeated is one statement)."""
    stated_total: tuple[int, int | None] | None = None
    """The first value whose label says it is a total ("Tổng cộng"): the fact, whatever the parts."""

    def add(self, path: str, classes: int, students: int | None, is_total: bool) -> None:
        self.figures.append(path)
        self.parts[classes, students] = None
        if is_total and self.stated_total is None:
            self.stated_total = (classes, students)

    @property
    def value(self) -> tuple[int, int | None]:
        """Classes, and students when stated (a part without students adds none)."""
        if self.stated_total:
            return self.stated_total
        students = [s for _, s in self.parts if s is not None]
        return sum(c for c, _ in self.parts), sum(students) if students else None

    @property
    def classes(self) -> int:
        return self.value[0]

    @property
    def students(self) -> int | None:
        return self.value[1]


class Attribution:
    """Who a document's figures belong to, and what they count."""

    def __init__(self, courses: Courses) -> None:
        self.courses = courses

    def issuer_school(self, record: dict[str, Any]) -> str | None:
        """The canonical name of the school that issued the report, if a school did."""
        issuer = field_value(record["document"].get("issuer"))
        if not issuer:
            return None
        school = self.courses.patterns.gazetteer.match_school(issuer).school
        return school.name if school else None

    def keyed(self, record: dict[str, Any]) -> list[Keyed]:
        """Each figure of ``record`` with the fact it belongs to."""
        issuer = field_value(record["document"].get("issuer"))
        issuer_school = self.issuer_school(record)
        keyed = []
        for index, figure in enumerate(record.get("figures", [])):
            category = self.courses.categorise(figure.get("label"))
            school = figure.get("school") or issuer_school
            kind = NEWLY_OPENED if self.courses.is_newly_opened(figure) else figure["kind"]
            key = Key(school, None if school else issuer, figure.get("period"), kind, category.id)
            keyed.append(Keyed(f"figures[{index}]", figure, key, category, issuer_school))
        return keyed


@dataclass(frozen=True)
class Keyed:
    path: str
    figure: dict[str, Any]
    key: Key
    category: Category
    issuer_school: str | None


def field_value(entry: dict[str, Any] | None) -> Any:
    return entry.get("value") if entry else None


def document_facts(
    record: dict[str, Any], attribution: Attribution, keyed: list[Keyed] | None = None
) -> dict[Key, Fact]:
    """The facts one record states, by key (``keyed``: its figures already keyed)."""
    sha256 = record["source"]["sha256"]
    date = field_value(record["document"].get("date")) or ""
    facts: dict[Key, Fact] = {}
    for item in attribution.keyed(record) if keyed is None else keyed:
        fact = facts.get(item.key)
        if fact is None:
            own = item.issuer_school is not None and item.key.school == item.issuer_school
            fact = facts[item.key] = Fact(item.key, item.category.name, sha256, own_report=own, date=date)
        is_total = attribution.courses.is_total(item.figure)
        fact.add(item.path, item.figure["classes"], item.figure.get("students"), is_total)
    return facts


@dataclass(frozen=True)
class Merged:
    """A fact as the archive states it: the statement kept, and the others that state it too."""

    kept: Fact
    others: tuple[Fact, ...]

    def disagreeing(self) -> tuple[Fact, ...]:
        return tuple(f for f in self.others if f.value != self.kept.value)


def merge(per_document: Iterable[dict[Key, Fact]]) -> dict[Key, Merged]:
    """One statement per fact across documents: the school's own report first, then the latest."""
    grouped: dict[Key, list[Fact]] = {}
    for facts in per_document:
        for key, fact in facts.items():
            grouped.setdefault(key, []).append(fact)
    merged = {}
    for key, facts in grouped.items():
        latest_first = sorted(facts, key=lambda f: f.date, reverse=True)
        ranked = sorted(latest_first, key=lambda f: not f.own_report)
        merged[key] = Merged(ranked[0], tuple(ranked[1:]))
    return merged


def archive_facts(records: Sequence[dict[str, Any]], attribution: Attribution) -> dict[Key, Merged]:
    return merge(document_facts(record, attribution) for record in records)
