"""Counts of classes and students in running text: "107 lớp/6.118 học viên", "04 lớp".

A figure gets
- its school: the school named in the same sentence or list item, nearest before the figure
  (else nearest after); none for aggregate figures. Table rows are ``tables.py``'s;
- its period: see ``periods.py``;
- its label: what is counted, from "label: N lớp/M học viên" or "N lớp <label>";
- its kind: plan, carried over or result.
"""

from __future__ import annotations

import bisect

import regex

from extractor.fields import Field, Figure, Findings, ReviewItem
from extractor.finders import Context, count_value, leftmost_matches
from extractor.finders.periods import Periods
from extractor.finders.tables import table_figures
from extractor.model import Zone

CLAUSE_BREAK = regex.compile(r"[,;:()\n\t]")
ITEM_MARK = regex.compile(r"^\s*(?:[-+•*]|\d{1,2}(?:\.\d{1,2})*\s?[-.)])\s*")
MAX_LABEL_WORDS = 20


def find_figures(context: Context, findings: Findings) -> None:
    sentences = [(s.start_char, s.end_char) for s in context.nlp_doc.sents]
    default_year = int(findings.date.value[:4]) if findings.date and findings.date.value else None
    periods = Periods(context, sentences, default_year)
    schools = sorted((m.start, m.end, e.name) for e in findings.schools if e.id for m in e.mentions if m.start >= 0)
    figures: list[tuple[int, Figure]] = []
    previous_end = -1
    regexes = context.patterns.regexes
    for match in leftmost_matches((regexes["figure"], regexes["figure_reversed"]), context.doc.text):
        index = context.doc.line_index(match.start())
        if context.doc.lines[index].zone is Zone.HEADER or index in context.stamp_lines:
            continue
        sentence = periods.sentence_at(match.start())
        clause_start = max(sentence[0], previous_end)
        previous_end = match.end()
        period = periods.period_at(match.start(), clause_start, sentence)
        school, ambiguous = attribute_school(schools, sentence, match.start())
        figure = make_figure(context, match, sentence, clause_start, period, school, ambiguous)
        figures.append((match.start(), figure))
    figures.extend(table_figures(context, periods, schools))
    findings.figures.extend(figure for _, figure in sorted(figures, key=lambda item: item[0]))
    for position, figure in enumerate(findings.figures):
        if figure.students is not None and figure.classes > figure.students:
            findings.review.append(
                ReviewItem(f"figures[{position}]", "more_classes_than_students", figure.source.confidence)
            )


def make_figure(
    context: Context,
    match: regex.Match[str],
    sentence: tuple[int, int],
    clause_start: int,
    period: str | None,
    school: str | None,
    ambiguous: bool,
) -> Figure:
    classes = count_value(match["classes"])
    students = count_value(match["students"]) if match["students"] else None
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
    between = match.groupdict().get("between")
    if between and regex.search(r"\p{L}", between):
        return tidy(between.strip(" ,"))
    if match["students"] is None:
        after = context.patterns.regexes["figure_label_after"].match(text[match.end() : sentence_end])
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
    the sentence names more than one school. ``schools`` is sorted by offset."""
    first = bisect.bisect_left(schools, (sentence[0],))
    last = bisect.bisect_left(schools, (sentence[1],))
    inside = [item for item in schools[first:last] if item[1] <= sentence[1]]
    if not inside:
        return None, False
    before = [item for item in inside if item[1] <= offset]
    chosen = before[-1] if before else inside[0]
    return chosen[2], len({name for _, _, name in inside}) > 1
