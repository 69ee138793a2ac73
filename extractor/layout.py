"""Stage 2b: words → lines in reading order, with the zones of a Vietnamese report.

Words are normalised (``normalize.Normalizer``), grouped into visual lines by their vertical
centres, and split where a gap is far wider than a space: that separates the two columns of
the header (issuer | national or Party motto) and of the closing block (Nơi nhận | signer).
In those zones the left column is read before the right one; in the body, the parts of a
visual line (table cells) stay on one line, separated by a tab.

A ruled table of a text-layer page (``PageWords.tables``) gives one line per table row instead:
its cells left to right, separated by tabs, each cell's words in reading order. A name that
wraps inside its cell is then one run of text ("Trường Chính trị tỉnh Hải Dương", not "... Hải"
on one line and "Dương" two lines down), whatever the other cells' vertical alignment. Scans
have no rules to read: their rows stay visual lines cut at wide gaps.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import regex

from extractor.correct import corrected_row, join_split_numbers, lexicon_for
from extractor.gazetteer import fold
from extractor.model import (
    BBox,
    Column,
    DocumentText,
    Line,
    PageWords,
    RuledTable,
    TextSource,
    Word,
    Zone,
    centre_in,
    union_boxes,
)
from extractor.normalize import Normalizer
from extractor.patterns import Patterns

COLUMN_GAP = 1.8
"""A gap wider than this many line heights splits a visual line into parts."""
SAME_LINE = 0.45
"""Words whose vertical centres differ by less than this share of their height share a line."""
MARGIN = 0.09
"""Share of the page height at top and bottom where lone page numbers are dropped."""
GUTTER = (0.38, 0.62)
"""The middle band of the page that a gap between two header or closing columns reaches into."""
HEADER_FALLBACK = 0.22
TITLE_SEARCH = 0.5
TITLE_CENTRING = 0.1
"""A title's centre is within this share of the page width from the page's centre."""


@dataclass(frozen=True, slots=True)
class Row:
    """A visual line of a page, or one row of a ruled table."""

    words: tuple[Word, ...]
    """Left to right; a table row's cell by cell."""
    cells: tuple[tuple[Word, ...], ...] = ()
    """A table row's cells that hold words, left to right, each in reading order: the row's
    parts (a visual line is cut into parts at wide gaps instead)."""

    @property
    def top(self) -> float:
        return min(w.bbox[1] for w in self.words)

    @property
    def centre(self) -> float:
        """The highest vertical centre of its words: the order ``group_rows`` builds rows in."""
        return min((w.bbox[1] + w.bbox[3]) / 2 for w in self.words)


def build_document_text(pages: Sequence[PageWords], patterns: Patterns) -> DocumentText:
    normalizer = Normalizer(patterns.lookalikes)
    visual = [(page, page_rows(page, patterns, normalizer)) for page in pages]
    title = find_title_row(visual[0], patterns) if visual else None
    if title:
        header_bottom = title.words[0].bbox[1] - 0.5
    else:
        header_bottom = find_header_bottom(visual[0], patterns) if visual else 0.0
    closing = find_closing_start(visual, patterns)
    lines: list[Line] = []
    title_index = None
    for page, rows in visual:
        page_lines_ = page_lines(page, rows, header_bottom, closing)
        if title and page.number == 1:
            title_index = len(lines) + next(i for i, line in enumerate(page_lines_) if line.zone is Zone.BODY)
        lines.extend(page_lines_)
    return DocumentText(lines, pages, title_index)


def page_rows(page: PageWords, patterns: Patterns, normalizer: Normalizer) -> list[Row]:
    """A page's rows of normalised words, top to bottom: the rows of its ruled tables, and the
    visual lines of the other words, page numbers left out. OCRed words are also
    post-corrected (``correct.py``): impossible syllables with one clear candidate in the
    domain lexicon, digit look-alikes, numbers split across a line break; a corrected word's
    confidence drops, and with it that of every field it is part of."""
    words = [word for word in (normalised(w, normalizer) for w in page.words) if word.text]
    table_rows, words = ruled_rows(page.tables, words)
    rows = [row for row in group_rows(words) if not is_page_number(row, page, patterns)]
    if page.source is TextSource.OCR:
        lexicon = lexicon_for(patterns)
        rows = join_split_numbers(
            [[w for part in split_parts(row) for w in corrected_row(part, lexicon)] for row in rows]
        )
    return sorted([Row(tuple(row)) for row in rows if row] + table_rows, key=lambda row: row.centre)


def ruled_rows(tables: Sequence[RuledTable], words: list[Word]) -> tuple[list[Row], list[Word]]:
    """One row per row of the ruled tables (cells that hold no word left out), and the words
    outside every cell."""
    rows: list[Row] = []
    taken: set[int] = set()
    for table in tables:
        inside = [i for i, word in enumerate(words) if i not in taken and centre_in(word.bbox, table.bbox)]
        for table_row in table.rows:
            cells = []
            for cell in table_row:
                mine = [i for i in inside if i not in taken and centre_in(words[i].bbox, cell.bbox)]
                taken.update(mine)
                if mine:
                    cells.append(tuple(w for line in group_rows(words[i] for i in mine) for w in line))
            if cells:
                rows.append(Row(tuple(w for cell in cells for w in cell), tuple(cells)))
    return rows, [word for i, word in enumerate(words) if i not in taken]


def normalised(word: Word, normalizer: Normalizer) -> Word:
    """The word with its text normalised; the same object when nothing changes."""
    text = normalizer.word(word.text)
    return word if text == word.text else Word(text, word.bbox, word.confidence)


def find_title_row(first: tuple[PageWords, list[Row]], patterns: Patterns) -> Row | None:
    """The printed type title of page 1 ("BÁO CÁO", "QUYẾT ĐỊNH"): upper case, centred, in the
    top half. Centring tells it from a stamp's "CÔNG VĂN ĐẾN"."""
    page, rows = first
    for row in rows:
        if row.words[0].bbox[1] > TITLE_SEARCH * page.height:
            break
        text = row_text(row.words)
        centre = (min(w.bbox[0] for w in row.words) + max(w.bbox[2] for w in row.words)) / 2
        if text.isupper() and abs(centre - page.width / 2) < TITLE_CENTRING * page.width and patterns.type_titled(text):
            return row
    return None


def group_rows(words: Iterable[Word]) -> list[list[Word]]:
    """Words grouped into visual lines (top to bottom), each sorted left to right."""
    rows: list[list[Word]] = []
    centres: list[float] = []
    heights: list[float] = []
    for word in sorted(words, key=lambda w: (w.bbox[1] + w.bbox[3]) / 2):
        centre, height = (word.bbox[1] + word.bbox[3]) / 2, word.bbox[3] - word.bbox[1]
        if rows and abs(centre - centres[-1]) <= SAME_LINE * max(height, heights[-1]):
            rows[-1].append(word)
            count = len(rows[-1])
            centres[-1] += (centre - centres[-1]) / count
            heights[-1] = max(heights[-1], height)
        else:
            rows.append([word])
            centres.append(centre)
            heights.append(height)
    return [sorted(row, key=lambda w: w.bbox[0]) for row in rows]


def split_parts(row: list[Word], gutter: tuple[float, float] | None = None) -> list[list[Word]]:
    """Cut a visual line where the gap between two words is far wider than a space.

    With ``gutter`` (the middle band of the page), only gaps reaching into it cut: that
    separates the two columns of a header or closing block without cutting a blank left
    for a number or a day ("Số:      /TB-UBND", "ngày      tháng 01").
    """
    height = statistics.median(w.bbox[3] - w.bbox[1] for w in row)
    parts = [[row[0]]]
    for previous, word in itertools.pairwise(row):
        wide = word.bbox[0] - previous.bbox[2] > COLUMN_GAP * height
        if wide and (gutter is None or (previous.bbox[2] < gutter[1] and word.bbox[0] > gutter[0])):
            parts.append([word])
        else:
            parts[-1].append(word)
    return parts


def is_page_number(row: list[Word], page: PageWords, patterns: Patterns) -> bool:
    top, bottom = row[0].bbox[1], row[0].bbox[3]
    in_margin = bottom < MARGIN * page.height or top > (1 - MARGIN) * page.height
    text = " ".join(w.text for w in row)
    return in_margin and bool(patterns.regexes["page_number"].match(text))


def row_text(row: Sequence[Word]) -> str:
    return " ".join(w.text for w in row)


def find_header_bottom(first: tuple[PageWords, list[Row]], patterns: Patterns) -> float:
    """Where the header of page 1 ends when there is no title: below the page's own number line
    and place-and-date line and the "V/v" lines under the number, else at a fixed share of the
    page."""
    page, rows = first
    top_rows = [
        (i, row_text(row.words)) for i, row in enumerate(rows) if row.words[0].bbox[1] < TITLE_SEARCH * page.height
    ]
    marked = [
        own_line(top_rows, patterns.regexes["document_number"], lambda match: match["blank"] is not None),
        own_line(top_rows, patterns.regexes["place_date"], lambda match: not match["day"].strip().isdigit()),
    ]
    if max(marked) < 0:
        return HEADER_FALLBACK * page.height
    last = max(marked)
    while last + 1 < len(rows) and is_left_continuation(rows[last + 1].words, rows[last].words, page):
        last += 1
    return max(w.bbox[3] for w in rows[last].words) + 1


def own_line(
    rows: list[tuple[int, str]], pattern: regex.Pattern[str], blank: Callable[[regex.Match[str]], bool]
) -> int:
    """Index of the first row the pattern finds, or -1; the first with a blank if there is one. An
    e-office document keeps its own number or day blank and has it stamped elsewhere, as a block
    at the top of the page perhaps: the header goes down to the page's own line."""
    found = [(i, match) for i, text in rows if (match := pattern.search(text))]
    return next((i for i, match in found if blank(match)), found[0][0] if found else -1)


def is_left_continuation(row: Sequence[Word], above: Sequence[Word], page: PageWords) -> bool:
    """A line of the left header block right under the previous one (a công văn's "V/v ...")."""
    height = max(w.bbox[3] - w.bbox[1] for w in row)
    gap = min(w.bbox[1] for w in row) - max(w.bbox[3] for w in above)
    return gap < height and max(w.bbox[2] for w in row) < GUTTER[1] * page.width


def find_closing_start(visual: list[tuple[PageWords, list[Row]]], patterns: Patterns) -> tuple[int, float] | None:
    """Page number and top of the closing block: the last "Nơi nhận" line, else (a letter
    without one) the signer's capacity or title on the right half of the last page."""
    heading = patterns.regexes["recipients_heading"]
    found = None
    for page, rows in visual:
        for row in rows:
            if heading.match(row_text(row.words)):
                found = (page.number, row.words[0].bbox[1] - 3)
    if found is None and visual:
        page, rows = visual[-1]
        for row in rows:
            right = row_text([w for w in row.words if w.bbox[0] > page.width / 2])
            if right.isupper() and (
                patterns.regexes["capacity_prefix"].match(right) or fold(right) in patterns.positions
            ):
                found = (page.number, row.words[0].bbox[1] - 3)
                break
    return found


def zone_of(page: int, top: float, header_bottom: float, closing: tuple[int, float] | None) -> Zone:
    if page == 1 and top < header_bottom:
        return Zone.HEADER
    if closing and (page > closing[0] or (page == closing[0] and top >= closing[1])):
        return Zone.CLOSING
    return Zone.BODY


def page_lines(page: PageWords, rows: list[Row], header_bottom: float, closing: tuple[int, float] | None) -> list[Line]:
    """Lines of one page: header columns, then body lines, then closing columns. A table row's
    parts are its cells."""
    body: list[Line] = []
    columns: dict[Zone, dict[Column, list[Word]]] = {
        Zone.HEADER: {c: [] for c in Column},
        Zone.CLOSING: {c: [] for c in Column},
    }
    gutter = (GUTTER[0] * page.width, GUTTER[1] * page.width)
    for row in rows:
        zone = zone_of(page.number, row.top, header_bottom, closing)
        if zone is Zone.BODY:
            body.append(make_line(row.cells or split_parts(list(row.words)), page.number, zone, Column.FULL))
            continue
        for part in row.cells or split_parts(list(row.words), gutter):
            columns[zone][column_of(union_boxes([w.bbox for w in part]), page.width)].extend(part)
    return (
        column_lines(columns[Zone.HEADER], page.number, Zone.HEADER)
        + body
        + column_lines(columns[Zone.CLOSING], page.number, Zone.CLOSING)
    )


def column_lines(words: dict[Column, list[Word]], page: int, zone: Zone) -> list[Line]:
    """Each column's words grouped into lines again on their own: two columns rarely share
    baselines (a stamp's small print beside the issuer's lines), so rows found across the
    whole page width can mix them."""
    order = (Column.LEFT, Column.FULL, Column.RIGHT)
    return [make_line([row], page, zone, column) for column in order for row in group_rows(words[column])]


def column_of(box: BBox, page_width: float) -> Column:
    middle = page_width / 2
    if box[2] <= middle + 0.05 * page_width and (box[0] + box[2]) / 2 < middle:
        return Column.LEFT
    if box[0] >= middle - 0.05 * page_width and (box[0] + box[2]) / 2 > middle:
        return Column.RIGHT
    return Column.FULL


def make_line(parts: Sequence[Sequence[Word]], page: int, zone: Zone, column: Column) -> Line:
    """One line from its parts: words joined by spaces, parts by tabs."""
    text_parts: list[str] = []
    spans: list[tuple[int, int]] = []
    words: list[Word] = []
    offset = 0
    for index, part in enumerate(parts):
        if index:
            text_parts.append("\t")
            offset += 1
        for position, word in enumerate(part):
            if position:
                text_parts.append(" ")
                offset += 1
            spans.append((offset, offset + len(word.text)))
            text_parts.append(word.text)
            offset += len(word.text)
            words.append(word)
    return Line(
        text="".join(text_parts),
        page=page,
        zone=zone,
        column=column,
        bbox=union_boxes([w.bbox for w in words]),
        spans=tuple(spans),
        words=tuple(words),
    )
