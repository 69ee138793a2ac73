"""Figures in tables of schools (or course categories) × classes × students.

A table is found by its header: a line whose cells (tab-separated parts, see ``layout``) name
a "lớp" column and a "học viên" column, possibly over two lines ("Số lượng" over "lớp"). Each
following row with numbers becomes a figure: the number nearest under each header cell, the
row's longest text cell as its label, the school named in the row as its school; a total row
("Tổng cộng", "Cộng") has no school. The same mechanism serves text layers and OCR, since
both give word boxes.
"""

from __future__ import annotations

import regex

from extractor.fields import Field, Figure
from extractor.finders import Context, count_value
from extractor.finders.periods import Periods
from extractor.model import Line, Zone

ROW_NUMBER = regex.compile(r"^\s*\d{1,3}[.)]?\s+")
NUMBER = regex.compile(r"^\d{1,3}(?:[.,]\d{3})+$|^\d{1,6}$")
CLASSES_HEADER = regex.compile(r"(?i)(?<!\p{L})lớp(?!\p{L})")
STUDENTS_HEADER = regex.compile(r"(?i)học\s+viên|(?<!\p{L})HV(?!\p{L})")

Cell = tuple[str, float, int]
"""A cell: its text, its horizontal centre, its offset in the line."""


def table_figures(context: Context, periods: Periods, schools: list[tuple[int, int, str]]) -> list[tuple[int, Figure]]:
    """Figures of every table row, with the offset of the row's label."""
    figures: list[tuple[int, Figure]] = []
    lines = context.doc.lines
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if "\t" not in line.text or line.zone is not Zone.BODY:
            continue
        cells, last = header_cells(lines, index - 1)
        columns = count_columns(cells)
        if columns is None:
            continue
        index = last + 1
        while index < len(lines) and lines[index].page == line.page and "\t" in lines[index].text:
            figure = row_figure(context, index, columns, periods, schools)
            if figure:
                figures.append(figure)
            index += 1
    return figures


def cells_of(line: Line) -> list[Cell]:
    cells = []
    offset = 0
    for text in line.text.split("\t"):
        boxes = [
            w.bbox for (s, e), w in zip(line.spans, line.words, strict=True) if offset <= s and e <= offset + len(text)
        ]
        if boxes:
            cells.append((text, (min(b[0] for b in boxes) + max(b[2] for b in boxes)) / 2, offset))
        offset += len(text) + 1
    return cells


def header_cells(lines: tuple[Line, ...], index: int) -> tuple[list[Cell], int]:
    """The cells of a header that may take two lines, and the index of its last line."""
    cells = cells_of(lines[index])
    if index + 1 < len(lines):
        following = lines[index + 1]
        if following.page == lines[index].page and "\t" in following.text:
            more = cells_of(following)
            if not any(NUMBER.match(text.strip()) for text, _, _ in more):
                return cells + more, index + 1
    return cells, index


def count_columns(cells: list[Cell]) -> tuple[float, float] | None:
    """Horizontal centres of the classes and the students columns, when ``cells`` are a header."""
    classes = [x for text, x, _ in cells if CLASSES_HEADER.search(text) and not STUDENTS_HEADER.search(text)]
    students = [x for text, x, _ in cells if STUDENTS_HEADER.search(text)]
    if classes and students:
        return classes[0], students[0]
    return None


def row_figure(
    context: Context,
    row_index: int,
    columns: tuple[float, float],
    periods: Periods,
    schools: list[tuple[int, int, str]],
) -> tuple[int, Figure] | None:
    row = context.doc.lines[row_index]
    cells = cells_of(row)
    numbers = [cell for cell in cells if NUMBER.match(cell[0].strip())]
    labels = [cell for cell in cells if regex.search(r"\p{L}", cell[0])]
    if not numbers or not labels:
        return None
    classes = min(numbers, key=lambda cell: abs(cell[1] - columns[0]))
    students = min(numbers, key=lambda cell: abs(cell[1] - columns[1]))
    if classes is students:
        return None
    label, _, label_offset = max(labels, key=lambda cell: len(cell[0]))
    base = context.doc.line_start(row_index)
    named = [name for start, _, name in schools if base <= start < base + len(row.text)]
    source = Field.at(context.doc, base, base + len(row.text), None, 0.9)
    figure = Figure(
        classes=count_value(classes[0].strip()),
        students=count_value(students[0].strip()),
        label=" ".join(ROW_NUMBER.sub("", label).split()),
        period=periods.period_at(base, base, sentence=(base, base)),
        school=named[0] if named else None,
        source=source.with_value(" ".join(row.text.split())),
    )
    return base + label_offset, figure
