"""Figures in tables of schools (or course categories) × classes × students.

A table is found by its header: cells naming a "lớp" column and a "học viên" column, possibly
over two rows ("Số lượng" over "Lớp | Học viên"; the header words are ``table_classes_header`` and
``table_students_header`` in ``patterns/regex.toml``). Each following row with a count of classes
becomes a figure: the counts under the two header cells, the row's longest text cell as its
label, the school named in the row as its school; a total row (``table_total``: "Tổng cộng",
"Cộng") has none.

Two ways to know the cells:
- a ruled table of a text-layer page (``ruled_tables``, found at ingest from the drawn rules):
  merged cells, names over several lines and empty cells are known exactly; a table that goes
  on over the next page without repeating its header keeps the columns of the page before;
- otherwise (scans, tables without rules) the rows are rebuilt from word boxes: the
  tab-separated parts of a line (see ``layout``), the number nearest under each header cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from extractor.fields import Field, Figure
from extractor.finders import Context, count_value
from extractor.finders.periods import Periods
from extractor.model import BBox, DocumentText, Line, TableCell, Zone, union_boxes
from extractor.patterns import Patterns

ROW_NUMBER = regex.compile(r"^\s*\d{1,3}[.)]?\s+")
NUMBER = regex.compile(r"^\d{1,3}(?:[.,]\d{3})+$|^\d{1,6}$")
LETTER = regex.compile(r"\p{L}")
MAX_HEADER_ROWS = 3
MIN_SCHOOL_SCORE = 0.8
"""A row's text cell names a school when the gazetteer scores it at least this."""
ROW_CONFIDENCE = 0.9
SAME_RULE = 3.0
"""Column rules this close (points) on two pages are the same column."""

Cell = tuple[str, float, int]
"""A cell of a word-box row: its text, its horizontal centre, its offset in the line."""
Schools = list[tuple[int, int, str]]
"""``(start, end, canonical name)`` of every school mention, sorted by offset."""


def table_figures(context: Context, periods: Periods, schools: Schools) -> list[tuple[int, Figure]]:
    """Figures of every table row, with the offset of the row's label."""
    return ruled_figures(context, periods, schools) + word_box_figures(context, periods, schools)


# --- Ruled tables ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacedWord:
    """A word of the document text with its centre on the page and its offsets in ``doc.text``."""

    x: float
    y: float
    start: int
    end: int
    confidence: float


@dataclass(frozen=True)
class Span:
    """A cell of a ruled table read back from the document text: normalised words, offsets."""

    bbox: BBox
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    confidence: float

    @property
    def is_number(self) -> bool:
        return bool(NUMBER.match(self.text))


@dataclass(frozen=True)
class Columns:
    """Horizontal extents of the classes and the students header cells."""

    classes: tuple[float, float]
    students: tuple[float, float]


def ruled_figures(context: Context, periods: Periods, schools: Schools) -> list[tuple[int, Figure]]:
    figures: list[tuple[int, Figure]] = []
    carried: tuple[int, Columns] | None = None  # the last table's page and columns, for one going on
    for page in sorted(context.doc.tables):
        placed = placed_words(context.doc, page)
        for position, table in enumerate(context.doc.tables[page]):
            rows = [[read_cell(context.doc, cell, placed) for cell in row] for row in table.rows]
            first_data, columns = header_columns(rows, context.patterns)
            if columns is None and position == 0 and carried and carried[0] == page - 1 and goes_on(rows, carried[1]):
                first_data, columns = 0, carried[1]
            carried = (page, columns) if columns else None
            if columns is None:
                continue
            for row in rows[first_data:]:
                figure = ruled_row_figure(context, page, row, columns, periods, schools)
                if figure:
                    figures.append(figure)
    return figures


def goes_on(rows: list[list[Span]], columns: Columns) -> bool:
    """A table at the top of a page continues the last one of the page before when it has
    cells on the same column rules (a table drawn anew has a grid of its own)."""
    return any(
        all(
            any(abs(cell.bbox[0] - low) <= SAME_RULE and abs(cell.bbox[2] - high) <= SAME_RULE for cell in row)
            for low, high in (columns.classes, columns.students)
        )
        for row in rows
    )


def placed_words(doc: DocumentText, page: int) -> list[PlacedWord]:
    placed = []
    for index, line in enumerate(doc.lines):
        if line.page != page:
            continue
        base = doc.line_start(index)
        for (start, end), word in zip(line.spans, line.words, strict=True):
            x, y = (word.bbox[0] + word.bbox[2]) / 2, (word.bbox[1] + word.bbox[3]) / 2
            placed.append(PlacedWord(x, y, base + start, base + end, word.confidence))
    return placed


def read_cell(doc: DocumentText, cell: TableCell, placed: list[PlacedWord]) -> Span:
    """The cell's words as the document text has them (normalised), in reading order."""
    left, top, right, bottom = cell.bbox
    inside = sorted((w for w in placed if left <= w.x <= right and top <= w.y <= bottom), key=lambda w: w.start)
    return Span(
        cell.bbox,
        " ".join(doc.text[w.start : w.end] for w in inside),
        tuple(w.start for w in inside),
        tuple(w.end for w in inside),
        min((w.confidence for w in inside), default=1.0),
    )


def header_columns(rows: list[list[Span]], patterns: Patterns) -> tuple[int, Columns | None]:
    """The index of the first row under the header (the rows on top without counts), and the
    count columns the header names. Of several cells naming "lớp" ("Loại lớp", "Số lớp"), the
    one with most counts under it wins, then the narrowest (not a "Số lượng" over both)."""
    first_data = 0
    while first_data < min(len(rows), MAX_HEADER_ROWS) and not any(cell.is_number for cell in rows[first_data]):
        first_data += 1
    cells = [cell for row in rows[:first_data] for cell in row]
    kinds = [(cell, header_kind(cell.text, patterns)) for cell in cells]
    classes = [cell for cell, kind in kinds if kind == "classes"]
    students = [cell for cell, kind in kinds if kind == "students"]
    if not classes or not students:
        return first_data, None
    body = rows[first_data:]
    classes_cell = max(classes, key=lambda cell: column_preference(cell, body))
    students_cell = max(students, key=lambda cell: column_preference(cell, body))
    return first_data, Columns(extent(classes_cell), extent(students_cell))


def header_kind(text: str, patterns: Patterns) -> str | None:
    """Whether a header cell names the students column or the classes one (a cell naming both,
    "Học viên/lớp", is the students')."""
    if patterns.regexes["table_students_header"].search(text):
        return "students"
    return "classes" if patterns.regexes["table_classes_header"].search(text) else None


def extent(cell: Span) -> tuple[float, float]:
    return cell.bbox[0], cell.bbox[2]


def column_preference(header: Span, body: list[list[Span]]) -> tuple[int, float]:
    counts = sum(1 for row in body if (cell := under(row, extent(header))) is not None and cell.is_number)
    return counts, -(header.bbox[2] - header.bbox[0])


def under(row: list[Span], column: tuple[float, float]) -> Span | None:
    """The cell of ``row`` under the middle of a header cell (a merged cell may span it)."""
    middle = (column[0] + column[1]) / 2
    return next((cell for cell in row if cell.bbox[0] <= middle <= cell.bbox[2]), None)


def ruled_row_figure(
    context: Context, page: int, row: list[Span], columns: Columns, periods: Periods, schools: Schools
) -> tuple[int, Figure] | None:
    classes, students = under(row, columns.classes), under(row, columns.students)
    if classes is None or not classes.is_number or classes is students:
        return None
    labels = [cell for cell in row if cell is not classes and cell is not students and LETTER.search(cell.text)]
    if not labels:
        return None
    label = max(labels, key=lambda cell: len(cell.text))
    start = min(cell.starts[0] for cell in row if cell.starts)
    filled = [cell for cell in row if cell.text]
    text = " ".join(cell.text for cell in filled)
    confidence = round(ROW_CONFIDENCE * (0.5 + min(cell.confidence for cell in filled) / 2), 3)
    bbox = context.doc.page_box(page, union_boxes([cell.bbox for cell in row]))
    figure = Figure(
        classes=count_value(classes.text),
        students=count_value(students.text) if students is not None and students.is_number else None,
        label=" ".join(ROW_NUMBER.sub("", label.text).split()),
        period=periods.period_at(start, start, sentence=(start, start)),
        school=None if is_total(context, label.text) else row_school(context, label, schools),
        source=Field(text, confidence, page, bbox, text),
    )
    return label.starts[0], figure


def is_total(context: Context, label: str) -> bool:
    return bool(context.patterns.regexes["table_total"].match(label))


def row_school(context: Context, label: Span, schools: Schools) -> str | None:
    """The school the whole label cell names by the gazetteer, else a school the schools finder
    found inside the cell."""
    match = context.patterns.gazetteer.match_school(ROW_NUMBER.sub("", label.text))
    if match.school is not None and match.school.kind == "school" and match.score >= MIN_SCHOOL_SCORE:
        return match.school.name
    for start, end, name in schools:
        if any(s < end and start < e for s, e in zip(label.starts, label.ends, strict=True)):
            return name
    return None


# --- Rows rebuilt from word boxes --------------------------------------------------------------


def word_box_figures(context: Context, periods: Periods, schools: Schools) -> list[tuple[int, Figure]]:
    """Figures of tables whose rows are lines of tab-separated parts (lines inside a ruled
    table are left to ``ruled_figures``)."""
    figures: list[tuple[int, Figure]] = []
    doc = context.doc
    lines = doc.lines
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not is_row(doc, line):
            continue
        cells, last = header_cells(lines, index - 1)
        columns = count_columns(cells, context.patterns)
        if columns is None:
            continue
        index = last + 1
        while index < len(lines) and lines[index].page == line.page and is_row(doc, lines[index]):
            figure = row_figure(context, index, columns, periods, schools)
            if figure:
                figures.append(figure)
            index += 1
    return figures


def is_row(doc: DocumentText, line: Line) -> bool:
    """A body line of tab-separated parts outside every ruled table."""
    if "\t" not in line.text or line.zone is not Zone.BODY:
        return False
    x, y = (line.bbox[0] + line.bbox[2]) / 2, (line.bbox[1] + line.bbox[3]) / 2
    return not any(t[0] <= x <= t[2] and t[1] <= y <= t[3] for t in (t.bbox for t in doc.tables.get(line.page, ())))


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


def count_columns(cells: list[Cell], patterns: Patterns) -> tuple[float, float] | None:
    """Horizontal centres of the classes and the students columns, when ``cells`` are a header."""
    kinds = [(x, header_kind(text, patterns)) for text, x, _ in cells]
    classes = [x for x, kind in kinds if kind == "classes"]
    students = [x for x, kind in kinds if kind == "students"]
    if classes and students:
        return classes[0], students[0]
    return None


def row_figure(
    context: Context,
    row_index: int,
    columns: tuple[float, float],
    periods: Periods,
    schools: Schools,
) -> tuple[int, Figure] | None:
    row = context.doc.lines[row_index]
    cells = cells_of(row)
    numbers = [cell for cell in cells if NUMBER.match(cell[0].strip())]
    labels = [cell for cell in cells if LETTER.search(cell[0])]
    if not numbers or not labels:
        return None
    classes = min(numbers, key=lambda cell: abs(cell[1] - columns[0]))
    students = min(numbers, key=lambda cell: abs(cell[1] - columns[1]))
    if classes is students:
        return None
    label, _, label_offset = max(labels, key=lambda cell: len(cell[0]))
    base = context.doc.line_start(row_index)
    named = [name for start, _, name in schools if base <= start < base + len(row.text)]
    source = Field.at(context.doc, base, base + len(row.text), None, ROW_CONFIDENCE)
    figure = Figure(
        classes=count_value(classes[0].strip()),
        students=count_value(students[0].strip()),
        label=" ".join(ROW_NUMBER.sub("", label).split()),
        period=periods.period_at(base, base, sentence=(base, base)),
        school=None if is_total(context, label) or not named else named[0],
        source=source.with_value(" ".join(row.text.split())),
    )
    return base + label_offset, figure
