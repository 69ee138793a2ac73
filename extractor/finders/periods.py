"""Reporting periods stated in the text, and the period a figure at some offset belongs to.

The period of a figure is the most specific period (half-year, quarter, school year, year)
stated between the previous figure of its sentence and the figure, else earlier in the
sentence, else in the nearest earlier sentence that states one; "kế hoạch được giao" or
"cả năm" there make it the whole year. A period written without its year ("6 tháng đầu
năm") takes the year of the nearest earlier period that has one, else the document's year.
Everything is indexed by offset once, so a figure costs a few bisections.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from extractor.finders import Context

SPECIFIC = {"H1": 2, "H2": 2, "Q": 2, "SCHOOL_YEAR": 1, "YEAR": 1}
QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4}


@dataclass(frozen=True)
class PeriodMark:
    start: int
    kind: str
    """A name from ``[periods]`` in regex.toml: H1, H2, Q, SCHOOL_YEAR, YEAR or ANNUAL."""
    year: int | None
    detail: str | None
    """The quarter (I–IV or 1–4) or the school year's second year."""


def find_marks(context: Context) -> list[PeriodMark]:
    """Every period the text states, in order; a year inside a half-year is not a mark of its own."""
    found: list[tuple[int, int, PeriodMark]] = []
    for kind, pattern in context.patterns.periods.items():
        for match in pattern.finditer(context.doc.text):
            groups = match.groupdict()
            year = int(groups["year"]) if groups.get("year") else None
            detail = groups.get("quarter") or groups.get("year2")
            found.append((match.start(), match.end(), PeriodMark(match.start(), kind, year, detail)))
    found.sort(key=lambda item: (item[0], -item[1]))
    kept: list[PeriodMark] = []
    covered_until = -1
    for start, end, mark in found:
        if mark.kind != "ANNUAL":
            if start < covered_until:
                continue
            covered_until = end
        kept.append(mark)
    return kept


def most_specific(marks: list[PeriodMark]) -> PeriodMark | None:
    """The last of the most specific marks (a half-year beats the bare year next to it)."""
    candidates = [m for m in marks if m.kind in SPECIFIC]
    if not candidates:
        return None
    best = max(SPECIFIC[m.kind] for m in candidates)
    return [m for m in candidates if SPECIFIC[m.kind] == best][-1]


class Periods:
    """The marks of one document, indexed by offset, with its sentences."""

    def __init__(self, context: Context, sentences: list[tuple[int, int]], default_year: int | None) -> None:
        self.marks = find_marks(context)
        self.starts = [m.start for m in self.marks]
        self.sentences = sentences
        self.sentence_starts = [start for start, _ in sentences]
        self.specific_starts = [m.start for m in self.marks if m.kind in SPECIFIC]
        dated = [m for m in self.marks if m.year]
        self.dated_starts = [m.start for m in dated]
        self.dated_years = [m.year for m in dated]
        self.default_year = default_year

    def sentence_index(self, offset: int) -> int:
        """The number of the sentence ``offset`` lies in."""
        return max(0, bisect.bisect_right(self.sentence_starts, offset) - 1)

    def sentence_at(self, offset: int) -> tuple[int, int]:
        return self.sentences[self.sentence_index(offset)]

    def between(self, start: int, end: int) -> list[PeriodMark]:
        return self.marks[bisect.bisect_left(self.starts, start) : bisect.bisect_left(self.starts, end)]

    def period_at(self, offset: int, clause_start: int, sentence: tuple[int, int] | None = None) -> str | None:
        """The period of a figure at ``offset`` whose clause starts at ``clause_start``."""
        sentence = sentence or self.sentence_at(offset)
        for window_start in (clause_start, sentence[0]):
            window = self.between(window_start, offset)
            if any(m.kind == "ANNUAL" for m in window):
                years = [m for m in window if m.kind == "YEAR"]
                return self.format(years[-1] if years else PeriodMark(offset, "YEAR", None, None), offset)
            chosen = most_specific(window)
            if chosen:
                return self.format(chosen, offset)
        earlier = bisect.bisect_left(self.specific_starts, sentence[0]) - 1
        if earlier >= 0:
            stated = self.sentence_at(self.specific_starts[earlier])
            chosen = most_specific(self.between(stated[0], min(stated[1], sentence[0])))
            return self.format(chosen, offset)
        return str(self.default_year) if self.default_year else None

    def year_before(self, offset: int) -> int | None:
        index = bisect.bisect_left(self.dated_starts, offset) - 1
        return self.dated_years[index] if index >= 0 else self.default_year

    def format(self, mark: PeriodMark, offset: int) -> str | None:
        year = mark.year or self.year_before(offset)
        if year is None:
            return None
        if mark.kind in ("H1", "H2"):
            return f"{year}-{mark.kind}"
        if mark.kind == "Q":
            return f"{year}-Q{QUARTERS.get(mark.detail) or int(mark.detail)}"
        if mark.kind == "SCHOOL_YEAR":
            return f"{year}-{mark.detail}"
        return str(year)
