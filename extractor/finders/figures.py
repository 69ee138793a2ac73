"""Counts of classes and students in running text: "107 lớp/6.118 học viên", "04 lớp".

Figures are read from the text with the lines a sentence wraps over joined (``nlp.flowing_text``),
so a figure may span a line break anywhere. A figure gets
- its school: the school named in the same sentence or list item, nearest before the figure
  (else nearest after); none for aggregate figures. Table rows are ``tables.py``'s;
- its period: see ``periods.py``;
- its label: what is counted, from "label: N lớp/M học viên" or "N lớp <label>";
- its kind: plan, carried over or result (``kinds.py``); a table row's from the table's lead-in.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace

import regex

from extractor.fields import Field, Figure, Findings, ReviewItem
from extractor.finders import Context, count_value, leftmost_matches
from extractor.finders.kinds import ITEM_MARK, Kinds
from extractor.finders.periods import Periods
from extractor.finders.tables import table_figures
from extractor.model import Zone
from extractor.nlp import flowing_text

CLAUSE_BREAK = regex.compile(r"[,;:()\n\t]")
MAX_LABEL_WORDS = 20
FIGURE_PATTERNS = ("figure", "figure_reversed", "figure_counted")


@dataclass(frozen=True)
class Clause:
    """Where a figure sits: its sentence, the start of its clause (the sentence's start or the
    end of the figure before it) and the text it is read from."""

    text: str
    sentence: tuple[int, int]
    start: int


def find_figures(context: Context, findings: Findings) -> None:
    sentences = [(s.start_char, s.end_char) for s in context.nlp_doc.sents]
    text = flowing_text(context.nlp_doc)
    default_year = int(findings.date.value[:4]) if findings.date and findings.date.value else None
    periods = Periods(context, sentences, default_year)
    kinds = Kinds(context.patterns.regexes, text, sentences)
    schools = sorted((m.start, m.end, e.name) for e in findings.schools if e.id for m in e.mentions if m.start >= 0)
    rows = table_figures(context, periods, schools)
    row_lines = {context.doc.line_index(offset) for offset, _ in rows}
    figures: list[tuple[int, Figure]] = []
    previous_end = kind_start = -1
    regexes = context.patterns.regexes
    matches = leftmost_matches([regexes[name] for name in FIGURE_PATTERNS], text)
    for match, following in zip(matches, [*(m.start() for m in matches[1:]), len(text)], strict=False):
        index = context.doc.line_index(match.start())
        if context.doc.lines[index].zone is Zone.HEADER or index in context.stamp_lines or index in row_lines:
            continue  # a table row is read by its columns ("5 | Lớp ngoại ngữ | 14 | 644" is not "5 lớp")
        sentence_index = periods.sentence_index(match.start())
        sentence = sentences[sentence_index]
        clause = Clause(text, sentence, max(sentence[0], previous_end))
        tail = carried_over_after(regexes["figure_carried_over"], text, match.end(), min(following, sentence[1]))
        kind = kinds.kind(sentence_index, text[max(clause.start, kind_start) : match.start()], tail is not None)
        previous_end = match.end()
        kind_start = tail or match.end()
        period = periods.period_at(match.start(), clause.start, sentence)
        school, ambiguous = attribute_school(schools, sentence, match.start())
        figure = make_figure(context, match, clause, period, school, ambiguous, kind)
        figures.append((match.start(), figure))
    for offset, figure in rows:
        figures.append((offset, replace(figure, kind=kinds.table_kind(periods.sentence_index(offset)))))
    findings.figures.extend(figure for _, figure in sorted(figures, key=lambda item: item[0]))
    for position, figure in enumerate(findings.figures):
        if figure.students is not None and figure.classes > figure.students:
            findings.review.append(
                ReviewItem(f"figures[{position}]", "more_classes_than_students", figure.source.confidence)
            )


def carried_over_after(cue: regex.Pattern[str], text: str, start: int, end: int) -> int | None:
    """Where a carried-over cue right after a figure ends, in the figure's clause ("7 lớp (410 học
    viên) từ năm 2022 chuyển sang"), or None."""
    start += text.startswith(")", start)
    found = cue.search(CLAUSE_BREAK.split(text[start:end], maxsplit=1)[0])
    return start + found.end() if found else None


def make_figure(
    context: Context,
    match: regex.Match[str],
    clause: Clause,
    period: str | None,
    school: str | None,
    ambiguous: bool,
    kind: str,
) -> Figure:
    classes = count_value(match["classes"])
    students = count_value(match["students"]) if match.groupdict().get("students") else None
    confidence = 0.92 if students is not None else 0.85
    if ambiguous:
        confidence -= 0.1
    if students is not None and classes > students:
        confidence = 0.5
    source = Field.at(context.doc, match.start(), match.end(), None, confidence)
    return Figure(
        classes=classes,
        students=students,
        label=figure_label(context, match, clause),
        period=period,
        school=school,
        source=source.with_value(" ".join(source.text.split())),
        kind=kind,
    )


def figure_label(context: Context, match: regex.Match[str], clause: Clause) -> str | None:
    """What is counted: "02 lớp Cao học Chính trị học, ..." → "Cao học Chính trị học";
    "Chuyên viên: 16 lớp/..." → "Chuyên viên"; else the clause before the figure."""
    text = clause.text
    between = match.groupdict().get("between")
    if between and regex.search(r"\p{L}", between):
        return tidy(between.strip(" ,"))
    if match.groupdict().get("students") is None:
        after = context.patterns.regexes["figure_label_after"].match(text[match.end() : clause.sentence[1]])
        if after and after.group(1).strip():
            return tidy(after.group(1))
    before = text[clause.start : match.start()]
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
