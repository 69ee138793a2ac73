"""What a figure counts, read from its label: the course category and the figure's role.

The categories are the rows of ``patterns/course_categories.tsv`` (first matching row wins,
on the folded label), so "Trung cấp LLCT-HC", "TCLLCT-HC" and "Trung cấp lý luận chính trị -
hành chính hệ không tập trung" are one category. A label that names a course no row knows is a
category of its own, keyed by its folded text; a label that names no course (a plain total,
"tổ chức năm 2023", the school's name in a table row) is the table's fallback category.

The roles come from ``[figure_roles]`` in ``regex.toml``: a stated total, classes newly opened,
classes carried over from an earlier period.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from extractor.gazetteer import fold
from extractor.patterns import Patterns

UNKNOWN_PREFIX = "label:"
"""Category ids of courses the table does not know: ``label:`` and the folded course name."""


@dataclass(frozen=True)
class Category:
    id: str
    name: str


@dataclass(frozen=True)
class Label:
    """What one label says: its course category and its roles."""

    category: Category
    total: bool
    newly_opened: bool
    carried_over: bool
    school: bool
    """The label is a school's name (a row of a table of schools)."""


class Courses:
    """Categories and roles of figure labels, with the patterns of one ``patterns/`` directory.

    Labels repeat across an archive, so each distinct label is read once (``read``)."""

    def __init__(self, patterns: Patterns) -> None:
        self.patterns = patterns
        self.fallback = next(c for c in patterns.course_categories if not c.patterns)
        self.read = functools.lru_cache(maxsize=65536)(self._read)

    def _read(self, label: str | None) -> Label:
        label = label or ""
        folded = fold(label)
        school = self.names_school(label)
        roles = self.patterns.roles
        return Label(
            self._categorise(label, folded, school),
            bool(roles["total_folded"].search(folded)),
            bool(roles["newly_opened_folded"].search(folded)),
            bool(roles["carried_over_folded"].search(folded)),
            school,
        )

    def categorise(self, label: str | None) -> Category:
        return self.read(label).category

    def _categorise(self, label: str, folded: str, school: bool) -> Category:
        for category in self.patterns.course_categories:
            if any(pattern.search(folded) for pattern in category.patterns):
                return Category(category.id, category.name)
        roles = self.patterns.roles
        if school or not roles["course_word_folded"].search(folded):
            return Category(self.fallback.id, self.fallback.name)
        prefix = roles["course_prefix_folded"].match(folded)
        skipped = len(prefix.group().split()) if prefix else 0
        name = " ".join(label.split()[skipped:])
        return Category(UNKNOWN_PREFIX + " ".join(folded.split()[skipped:]), name[:1].upper() + name[1:])

    def names_school(self, label: str) -> bool:
        """Whether the label is a school's name (a row of a table of schools)."""
        return self.patterns.gazetteer.match_school(label).school is not None

    def is_total(self, figure: dict[str, Any]) -> bool:
        return self.read(figure.get("label")).total

    def is_newly_opened(self, figure: dict[str, Any]) -> bool:
        return figure["kind"] == "result" and self.read(figure.get("label")).newly_opened

    def is_carried_over(self, figure: dict[str, Any]) -> bool:
        return figure["kind"] == "carried_over" or self.read(figure.get("label")).carried_over
