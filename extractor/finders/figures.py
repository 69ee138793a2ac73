"""Counts of classes and students: "107 lớp/6.118 học viên", "04 lớp", table rows.

A figure gets
- its school: the school named in the same sentence, list item or table row, nearest before
  the figure (else nearest after); none for aggregate figures;
- its period: the most specific period (half-year, quarter, school year, year) stated
  between the previous figure of the sentence and this one, else in the sentence, else in
  the nearest earlier sentence that states one; "kế hoạch được giao", "cả năm" make it the
  year. A period without a year takes the year of the nearest earlier period that has one;
- its label: what is counted, from "label: N lớp/M học viên" or "N lớp <label>";
- its kind: plan, carried over or result.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import regex

from extractor.fields import Field, Figure, Findings, ReviewItem
from extractor.finders import Context, leftmost_matches
from extractor.model import Line, Zone

SPECIFIC = {"H1": 2, "H2": 2, "Q": 2, "SCHOOL_YEAR": 1, "YEAR": 1}
QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4}
LABEL_AFTER = regex.compile(r"^\s*([^\d,;.:()\n\t]+?)(?=\s*(?:[,;.:()\n\t]|\s(?:và|với)\s|$))")
CLAUSE_BREAK = regex.compile(r"[,;:()\n\t]")
ITEM_MARK = regex.compile(r"^\s*(?:[-+•*]|\d{1,2}(?:\.\d{1,2})*\s?[-.)])\s*")
ROW_NUMBER = regex.compile(r"^\s*\d{1,3}[.)]?\s+")
NUMBER = regex.compile(r"^\d{1,3}(?:\.\d{3})+$|^\d{1,6}$")
MAX_LABEL_WORDS = 20


@dataclass(frozen=True)
class PeriodMark:
    start: int
    kind: str
    year: int | None
    detail: str | None


def to_int(text: str) -> int:
    """Counts as printed: "16.182" → 16182 ("." groups thousands; "," where typed the English
    way); "04" → 4."""
    return int(text.replace(".", "").replace(",", ""))


def find_figures(context: Context, findings: Findings) -> None:
    marks = period_marks(context)
    sentences = [(s.start_char, s.end_char) for s in context.nlp_doc.sents]
    schools = sorted((m.start, m.end, e.name) for e in findings.schools if e.id for m in e.mentions)
    default_year = int(findings.date.value[:4]) if findings.date and findings.date.value else None
    figures: list[tuple[int, Figure]] = []
    previous_end = -1
    regexes = context.patterns.regexes
    for match in leftmost_matches((regexes["figure"], regexes["figure_reversed"]), context.doc.text):
        index = context.doc.line_index(match.start())
        if context.doc.lines[index].zone is Zone.HEADER or index in context.stamp_lines:
            continue
        sentence = sentences[bisect.bisect_right([s for s, _ in sentences], match.start()) - 1]
        clause_start = max(sentence[0], previous_end)
        previous_end = match.end()
        period = choose_period(marks, sentences, sentence, clause_start, match.start(), default_year)
        school, ambiguous = attribute_school(schools, sentence, match.start())
        figures.append(
            (
                match.start(),
                make_figure(context, findings, match, sentence, clause_start, period, school, ambiguous),
            )
        )
    figures.extend(table_figures(context, marks, sentences, schools, default_year))
    findings.figures.extend(figure for _, figure in sorted(figures, key=lambda item: item[0]))
    for position, figure in enumerate(findings.figures):
        if figure.students is not None and figure.classes > figure.students:
            findings.review.append(
                ReviewItem(f"figures[{position}]", "more_classes_than_students", figure.source.confidence)
            )


def make_figure(
    context: Context,
    findings: Findings,
    match: regex.Match[str],
    sentence: tuple[int, int],
    clause_start: int,
    period: str | None,
    school: str | None,
    ambiguous: bool,
) -> Figure:
    classes = to_int(match["classes"])
    students = to_int(match["students"]) if match["students"] else None
    confidence = 0.92 if students is not None else 0.85
    if ambiguous:
        confidence -= 0.1
    if students is not None and classes > students:
        confidence = 0.5
    before = context.doc.text[clause_start : match.start()]
    source = Field.at(context.doc, match.start(), match.end(), None, confidence)
    return Figure(
        classes=classes,
        students=students,
        label=figure_label(context, match, clause_start, sentence[1]),
        period=period,
        school=school,
        source=source.with_value(" ".join(source.text.split())),
        kind=figure_kind(context, before),
    )


def figure_kind(context: Context, before: str) -> str:
    if context.patterns.regexes["figure_carried_over"].search(before):
        return "carried_over"
    if context.patterns.regexes["figure_plan"].search(before):
        return "plan"
    return "result"


def figure_label(context: Context, match: regex.Match[str], clause_start: int, sentence_end: int) -> str | None:
    """What is counted: "02 lớp Cao học Chính trị học, ..." → "Cao học Chính trị học";
    "Chuyên viên: 16 lớp/..." → "Chuyên viên"; else the clause before the figure."""
    text = context.doc.text
    if match["students"] is None:
        after = LABEL_AFTER.match(text[match.end() : sentence_end])
        if after and after.group(1).strip():
            return tidy(after.group(1))
    before = text[clause_start : match.start()]
    colon = before.rfind(":")
    if colon >= 0 and not before[colon + 1 :].strip():
        head = before[:colon]
        return tidy(ITEM_MARK.sub("", head[head.rfind(":") + 1 :]))
    pieces = [piece for piece in CLAUSE_BREAK.split(before) if piece.strip()]
    return tidy(ITEM_MARK.sub("", pieces[-1])) if pieces else None


def tidy(label: str) -> str | None:
    words = label.split()
    return " ".join(words[-MAX_LABEL_WORDS:]) or None


def attribute_school(
    schools: list[tuple[int, int, str]], sentence: tuple[int, int], offset: int
) -> tuple[str | None, bool]:
    """The school named in the sentence nearest before ``offset`` (else after); and whether
    the sentence names more than one school."""
    inside = [(start, end, name) for start, end, name in schools if sentence[0] <= start and end <= sentence[1]]
    if not inside:
        return None, False
    before = [item for item in inside if item[1] <= offset]
    chosen = before[-1] if before else min(inside, key=lambda item: item[0] - offset)
    return chosen[2], len({name for _, _, name in inside}) > 1


def period_marks(context: Context) -> list[PeriodMark]:
    """Every period the text states, in order; a year inside a half-year is not a mark of its own."""
    marks: list[tuple[int, int, PeriodMark]] = []
    for kind, pattern in context.patterns.periods.items():
        for match in pattern.finditer(context.doc.text):
            groups = match.groupdict()
            year = int(groups["year"]) if groups.get("year") else None
            detail = groups.get("quarter") or groups.get("year2")
            marks.append((match.start(), match.end(), PeriodMark(match.start(), kind, year, detail)))
    marks.sort(key=lambda item: (item[0], -item[1]))
    kept: list[PeriodMark] = []
    covered_until = -1
    for start, end, mark in marks:
        if mark.kind != "ANNUAL" and start < covered_until:
            continue
        if mark.kind != "ANNUAL":
            covered_until = end
        kept.append(mark)
    return kept


def choose_period(
    marks: list[PeriodMark],
    sentences: list[tuple[int, int]],
    sentence: tuple[int, int],
    clause_start: int,
    offset: int,
    default_year: int | None,
) -> str | None:
    for window_start in (clause_start, sentence[0]):
        window = [m for m in marks if window_start <= m.start < offset]
        if any(m.kind == "ANNUAL" for m in window):
            years = [m for m in window if m.kind == "YEAR"]
            return format_period(
                years[-1] if years else PeriodMark(offset, "YEAR", None, None), marks, offset, default_year
            )
        chosen = most_specific(window)
        if chosen:
            return format_period(chosen, marks, offset, default_year)
    starts = [s for s, _ in sentences]
    position = bisect.bisect_right(starts, sentence[0]) - 2
    while position >= 0:
        start, end = sentences[position]
        chosen = most_specific([m for m in marks if start <= m.start < end])
        if chosen:
            return format_period(chosen, marks, offset, default_year)
        position -= 1
    return str(default_year) if default_year else None


def most_specific(marks: list[PeriodMark]) -> PeriodMark | None:
    candidates = [m for m in marks if m.kind in SPECIFIC]
    if not candidates:
        return None
    best = max(SPECIFIC[m.kind] for m in candidates)
    return [m for m in candidates if SPECIFIC[m.kind] == best][-1]


def format_period(mark: PeriodMark, marks: list[PeriodMark], offset: int, default_year: int | None) -> str | None:
    year = mark.year or next((m.year for m in reversed(marks) if m.start < offset and m.year), default_year)
    if year is None:
        return None
    if mark.kind in ("H1", "H2"):
        return f"{year}-{mark.kind}"
    if mark.kind == "Q":
        quarter = QUARTERS.get(mark.detail) or int(mark.detail)
        return f"{year}-Q{quarter}"
    if mark.kind == "SCHOOL_YEAR":
        return f"{year}-{mark.detail}"
    return str(year)


def table_figures(
    context: Context,
    marks: list[PeriodMark],
    sentences: list[tuple[int, int]],
    schools: list[tuple[int, int, str]],
    default_year: int | None,
) -> list[tuple[int, Figure]]:
    """Rows of a table whose header has a "lớp" column and a "học viên" column."""
    figures: list[tuple[int, Figure]] = []
    lines = context.doc.lines
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if "\t" not in line.text or line.zone is not Zone.BODY:
            continue
        parts, last = header_parts(lines, index - 1)
        columns = count_columns(parts)
        if columns is None:
            continue
        index = last + 1
        while index < len(lines) and lines[index].page == line.page and "\t" in lines[index].text:
            figure = row_figure(context, index, columns, marks, sentences, schools, default_year)
            if figure:
                figures.append(figure)
            index += 1
    return figures


def parts_of(line: Line) -> list[tuple[str, float, int]]:
    """The tab-separated parts of a line: text, horizontal centre, offset in the line."""
    parts = []
    offset = 0
    for text in line.text.split("\t"):
        boxes = [
            w.bbox for (s, e), w in zip(line.spans, line.words, strict=True) if offset <= s and e <= offset + len(text)
        ]
        if boxes:
            parts.append((text, (min(b[0] for b in boxes) + max(b[2] for b in boxes)) / 2, offset))
        offset += len(text) + 1
    return parts


def header_parts(lines: tuple[Line, ...], index: int) -> tuple[list[tuple[str, float, int]], int]:
    """The cells of a table header that may take two lines ("Số lượng" over "lớp"), and the
    index of its last line."""
    parts = parts_of(lines[index])
    if index + 1 < len(lines):
        following = lines[index + 1]
        if following.page == lines[index].page and "\t" in following.text:
            cells = parts_of(following)
            if not any(NUMBER.match(text.strip()) for text, _, _ in cells):
                return parts + cells, index + 1
    return parts, index


def count_columns(parts: list[tuple[str, float, int]]) -> tuple[float, float] | None:
    """Horizontal centres of the classes and students columns, when ``parts`` are such a header."""
    classes = [x for text, x, _ in parts if regex.search(r"(?i)\blớp\b", text) and "học viên" not in text.lower()]
    students = [x for text, x, _ in parts if regex.search(r"(?i)học\s+viên|\bHV\b", text)]
    if classes and students:
        return classes[0], students[0]
    return None


def row_figure(
    context: Context,
    row_index: int,
    columns: tuple[float, float],
    marks: list[PeriodMark],
    sentences: list[tuple[int, int]],
    schools: list[tuple[int, int, str]],
    default_year: int | None,
) -> tuple[int, Figure] | None:
    row = context.doc.lines[row_index]
    parts = parts_of(row)
    numbers = [(text, x, offset) for text, x, offset in parts if NUMBER.match(text.strip())]
    labels = [(text, offset) for text, _, offset in parts if regex.search(r"\p{L}", text)]
    if not numbers or not labels:
        return None
    classes = min(numbers, key=lambda item: abs(item[1] - columns[0]))
    students = min(numbers, key=lambda item: abs(item[1] - columns[1]))
    if classes is students:
        return None
    label, label_offset = max(labels, key=lambda item: len(item[0]))
    label = ROW_NUMBER.sub("", label)
    base = context.doc.line_start(row_index)
    named = [name for start, _, name in schools if base <= start < base + len(row.text)]
    school = named[0] if named else None
    period = choose_period(marks, sentences, (base, base), base, base, default_year)
    source = Field.at(context.doc, base, base + len(row.text), None, 0.9)
    figure = Figure(
        classes=to_int(classes[0].strip()),
        students=to_int(students[0].strip()),
        label=" ".join(label.split()),
        period=period,
        school=school,
        source=source.with_value(" ".join(row.text.split())),
        kind="result",
    )
    return base + label_offset, figure
