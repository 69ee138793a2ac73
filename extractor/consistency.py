"""Consistency checks over the figures of one document and of a whole archive.

Per document:
- ``students_below_classes``: a figure with fewer students than classes;
- ``total_mismatch``: the per-school rows (figures whose label is a school's name, as in a table
  of schools or "Trường Chính trị tỉnh X: 12 lớp/…") do not add up to the
  stated total (a figure without a school whose label says it is a total: "Tổng cộng"), for
  the same period, kind and course category;
- ``carried_plus_new``: classes carried over plus classes newly opened differ from the classes
  run in the period (same school, period and course category).

Across the archive (facts as ``facts.py`` builds them, one statement per fact):
- ``half_years_vs_year``: a school's H1 and H2 do not add up to its year, when all three are
  stated (same course category and kind; carried-over classes are not additive);
- ``sources_disagree``: two documents state different numbers for the same fact.

What "total", "newly opened" and "carried over" mean is data: ``[figure_roles]`` in
``patterns/regex.toml``. Each failure names the figures involved by record path
("figures[3]") and its message gives the numbers. A failure that spans documents is reported
once per document involved, each with that document's figures, so every document's review
queue gets it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from extractor.courses import Courses
from extractor.facts import NEWLY_OPENED, Attribution, Fact, Key, Keyed, Merged, archive_facts, field_value
from extractor.patterns import Patterns, load_patterns

CARRIED_OVER = "carried_over"


@dataclass(frozen=True)
class CheckFailure:
    check: str
    message: str
    figures: tuple[str, ...]
    """Record paths of the figures involved ("figures[3]") in ``document``."""
    document: str | None
    """The sha256 of the document the figures belong to."""


@functools.lru_cache(maxsize=4)
def attribution_for(patterns: Patterns) -> Attribution:
    return Attribution(Courses(patterns))


def check_document(record: dict[str, Any], patterns: Patterns | None = None) -> list[CheckFailure]:
    """Every failed check among the figures of one record."""
    attribution = attribution_for(patterns or load_patterns())
    return document_failures(attribution.keyed(record), record["source"]["sha256"], attribution.courses)


def document_failures(keyed: list[Keyed], sha256: str, courses: Courses) -> list[CheckFailure]:
    """The checks of one document whose figures are already ``keyed``."""
    return [
        *students_below_classes(keyed, sha256),
        *total_mismatches(keyed, sha256, courses),
        *carried_plus_new(keyed, sha256, courses),
    ]


def check_archive(records: Sequence[dict[str, Any]], patterns: Patterns | None = None) -> list[CheckFailure]:
    """Every failed check that needs several documents (H1 + H2 = year, disagreeing sources)."""
    attribution = attribution_for(patterns or load_patterns())
    return archive_failures(archive_facts(records, attribution), {r["source"]["sha256"]: r for r in records})


def archive_failures(merged: dict[Key, Merged], records: dict[str, dict[str, Any]]) -> list[CheckFailure]:
    """The archive checks over facts already merged (``aggregate`` merges them once for both)."""
    return [*half_years_vs_year(merged, records), *sources_disagree(merged, records)]


# -- one document ---------------------------------------------------------------------------


def students_below_classes(keyed: list[Keyed], sha256: str) -> Iterable[CheckFailure]:
    for item in keyed:
        classes, students = item.figure["classes"], item.figure.get("students")
        if students is not None and students < classes:
            yield CheckFailure(
                "students_below_classes",
                f"{item.path} counts {classes} classes but only {students} students",
                (item.path,),
                sha256,
            )


@dataclass
class Group:
    """Figures of one document that should agree, as (path, classes, students)."""

    items: list[tuple[str, int, int | None]]

    def total(self) -> tuple[int, int | None]:
        """The sum, a value repeated counted once; students only when every figure gives them."""
        return add_up({(classes, students) for _, classes, students in self.items})

    def paths(self) -> list[str]:
        return [path for path, _, _ in self.items]


def entry(item: Keyed) -> tuple[str, int, int | None]:
    return item.path, item.figure["classes"], item.figure.get("students")


def total_mismatches(keyed: list[Keyed], sha256: str, courses: Courses) -> Iterable[CheckFailure]:
    totals: dict[tuple, list[tuple[str, int, int | None]]] = {}
    rows: dict[tuple, dict[str, Group]] = {}
    for item in keyed:
        figure, key = item.figure, item.key
        group = (key.period, key.kind, key.category)
        if figure.get("school") and courses.read(figure.get("label")).school:
            rows.setdefault(group, {}).setdefault(figure["school"], Group([])).items.append(entry(item))
        elif not figure.get("school") and courses.is_total(figure):
            totals.setdefault(group, []).append(entry(item))
    for group, stated in totals.items():
        schools = rows.get(group, {})
        if len(schools) < 2:
            continue
        summed = add_up(g.total() for g in schools.values())
        row_paths = [p for g in schools.values() for p in g.paths()]
        for path, classes, students in stated:
            if not agrees(summed, (classes, students)):
                yield CheckFailure(
                    "total_mismatch",
                    f"{path} states a total of {amount(classes, students)} ({describe(group)}) but the "
                    f"{len(schools)} schools' rows add up to {amount(*summed)} ({', '.join(row_paths)})",
                    (path, *row_paths),
                    sha256,
                )


def carried_plus_new(keyed: list[Keyed], sha256: str, courses: Courses) -> Iterable[CheckFailure]:
    parts: dict[tuple, dict[str, Group]] = {}
    for item in keyed:
        figure, key = item.figure, item.key
        if courses.is_carried_over(figure):
            role = CARRIED_OVER
        elif key.kind == NEWLY_OPENED:
            role = "new"
        elif figure["kind"] == "result":
            role = "total" if courses.is_total(figure) else "done"
        else:
            continue
        group = (key.school or key.reporter, key.period, key.category)
        parts.setdefault(group, {}).setdefault(role, Group([])).items.append(entry(item))
    for (who, period, category), roles in parts.items():
        if "total" in roles:
            roles["done"] = roles.pop("total")
        if len(roles) < 3:
            continue
        carried, new = roles[CARRIED_OVER].total(), roles["new"].total()
        expected = add_up((carried, new))
        done = {(c, s) for _, c, s in roles["done"].items}
        if any(agrees(expected, value) for value in done):
            continue
        paths = (*roles[CARRIED_OVER].paths(), *roles["new"].paths(), *roles["done"].paths())
        stated = " or ".join(amount(*value) for value in sorted(done, key=str))
        yield CheckFailure(
            "carried_plus_new",
            f"{who or 'unknown'}, {period}, {category}: carried over {amount(*carried)} + newly opened "
            f"{amount(*new)} = {amount(*expected)}, but the period's classes are stated as {stated} "
            f"({', '.join(paths)})",
            paths,
            sha256,
        )


def add_up(values: Iterable[tuple[int, int | None]]) -> tuple[int, int | None]:
    """Classes added; students added when every value gives them."""
    listed = list(values)
    students = [s for _, s in listed]
    return sum(c for c, _ in listed), None if None in students else sum(students)


def agrees(expected: tuple[int, int | None], stated: tuple[int, int | None]) -> bool:
    """Classes equal, and students equal when both are known."""
    return expected[0] == stated[0] and (expected[1] is None or stated[1] is None or expected[1] == stated[1])


def amount(classes: int, students: int | None) -> str:
    return f"{classes} classes" + ("" if students is None else f"/{students} students")


def describe(group: tuple) -> str:
    return ", ".join(str(part) for part in group if part)


# -- the archive ----------------------------------------------------------------------------


def half_years_vs_year(merged: dict[Key, Merged], records: dict[str, dict[str, Any]]) -> Iterable[CheckFailure]:
    for key, year in merged.items():
        if key.school is None or key.kind == CARRIED_OVER or not (key.period or "").isdigit():
            continue
        halves = [
            merged.get(Key(key.school, None, f"{key.period}-{half}", key.kind, key.category)) for half in ("H1", "H2")
        ]
        if None in halves:
            continue
        h1, h2 = halves[0].kept, halves[1].kept
        expected = add_up(((h1.classes, h1.students), (h2.classes, h2.students)))
        if agrees(expected, (year.kept.classes, year.kept.students)):
            continue
        facts = (h1, h2, year.kept)
        message = (
            f"{key.school}, {year.kept.category_name}, {key.kind}: {key.period}-H1 {amount(h1.classes, h1.students)}"
            f" + {key.period}-H2 {amount(h2.classes, h2.students)} = {amount(*expected)}, but {key.period} is stated"
            f" as {amount(year.kept.classes, year.kept.students)} ({where(facts, records)})"
        )
        yield from per_document("half_years_vs_year", message, facts)


def sources_disagree(merged: dict[Key, Merged], records: dict[str, dict[str, Any]]) -> Iterable[CheckFailure]:
    for key, fact in merged.items():
        others = fact.disagreeing()
        if not others:
            continue
        facts = (fact.kept, *others)
        who = key.school or key.reporter or "unknown"
        values = "; ".join(f"{amount(f.classes, f.students)} in {file_of(f, records)}" for f in facts)
        message = f"{who}, {key.period}, {fact.kept.category_name}, {key.kind}: the documents disagree: {values}"
        yield from per_document("sources_disagree", message, facts)


def per_document(check: str, message: str, facts: Sequence[Fact]) -> Iterable[CheckFailure]:
    """One failure per document involved, each naming that document's figures."""
    paths: dict[str, list[str]] = {}
    for fact in facts:
        paths.setdefault(fact.document, []).extend(fact.figures)
    for document, figures in paths.items():
        yield CheckFailure(check, message, tuple(dict.fromkeys(figures)), document)


def where(facts: Sequence[Fact], records: dict[str, dict[str, Any]]) -> str:
    return "; ".join(f"{file_of(f, records)} {', '.join(f.figures)}" for f in facts)


def file_of(fact: Fact, records: dict[str, dict[str, Any]]) -> str:
    record = records.get(fact.document)
    source = record["source"] if record else {}
    number = field_value(record["document"].get("number")) if record else None
    return f"{source.get('file', fact.document[:12])}" + (f" ({number})" if number else "")
