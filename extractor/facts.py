"""Figures as facts: how many classes and students one school had in one period, course and kind.

A figure's school is the school it names, else — for a report issued by a school — its issuer
(the school reports on itself); the other figures without a school (a cluster's or an office's
totals) stay unattributed, under the body that reported them. Its kind is the record's
(``result``, ``plan``, ``carried_over``), except that a result whose label says the classes
were newly opened ("mở mới") is kept apart as ``newly_opened``: those are part of the classes
run in the period, and adding both would count them twice.

Within one document the figures of one fact are added up ("Chuyên viên" and "Chuyên viên
chính" in one category), except that a value repeated is counted once: a total stated in the
text and again in a table is one statement. Across documents a fact is not added: a school's
own report and its cluster's table state the same fact, and ``merge`` keeps one of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from extractor.courses import Category, Courses

NEWLY_OPENED = "newly_opened"
KINDS = ("result", NEWLY_OPENED, "carried_over", "plan")


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
    classes: int
    students: int | None
    document: str
    """The sha256 of the document that states it."""
    figures: list[str] = field(default_factory=list)
    """Record paths of the figures ("figures[3]")."""
    values: set[tuple[int, int | None]] = field(default_factory=set)
    own_report: bool = False
    """Stated by the school itself (its issuer)."""
    date: str = ""

    def add(self, path: str, classes: int, students: int | None) -> None:
        self.figures.append(path)
        if (classes, students) in self.values:
            return
        self.values.add((classes, students))
        self.classes += classes
        if students is not None:
            self.students = (self.students or 0) + students


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

    def key(self, record: dict[str, Any], figure: dict[str, Any], issuer_school: str | None) -> tuple[Key, Category]:
        category = self.courses.categorise(figure.get("label"))
        school = figure.get("school") or issuer_school
        reporter = None if school else field_value(record["document"].get("issuer"))
        kind = NEWLY_OPENED if self.courses.is_newly_opened(figure) else figure["kind"]
        return Key(school, reporter, figure.get("period"), kind, category.id), category


def field_value(entry: dict[str, Any] | None) -> Any:
    return entry.get("value") if entry else None


def document_facts(record: dict[str, Any], attribution: Attribution) -> dict[Key, Fact]:
    """The facts one record states, by key."""
    sha256 = record["source"]["sha256"]
    issuer_school = attribution.issuer_school(record)
    date = field_value(record["document"].get("date")) or ""
    facts: dict[Key, Fact] = {}
    for index, figure in enumerate(record.get("figures", [])):
        key, category = attribution.key(record, figure, issuer_school)
        fact = facts.get(key)
        if fact is None:
            own = issuer_school is not None and key.school == issuer_school
            fact = facts[key] = Fact(key, category.name, 0, None, sha256, own_report=own, date=date)
        fact.add(f"figures[{index}]", figure["classes"], figure.get("students"))
    return facts


@dataclass(frozen=True)
class Merged:
    """A fact as the archive states it: the statement kept, and the others that state it too."""

    kept: Fact
    others: tuple[Fact, ...]

    def disagreeing(self) -> tuple[Fact, ...]:
        return tuple(f for f in self.others if (f.classes, f.students) != (self.kept.classes, self.kept.students))


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
