"""The typed values that flow between the pipeline's stages.

PDF → ``PageWords`` (ingest) → ``DocumentText`` (layout) → field finders → record.
Every word carries a box in PDF points (origin top-left, y growing downwards) and a
confidence in 0..1, whether it came from the text layer or from OCR, so later stages
never need to know which.
"""

from __future__ import annotations

import bisect
import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

BBox = tuple[float, float, float, float]
"""``(x0, top, x1, bottom)`` in PDF points, origin at the top-left corner of the page."""


Box = TypeVar("Box", BBox, tuple[int, int, int, int])
"""A box in points (``BBox``) or in pixels."""


def union_boxes(boxes: Sequence[Box]) -> Box:
    """Smallest box that holds every box given (at least one), in points or in pixels."""
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def centre_in(box: Box, area: Box) -> bool:
    """Whether the centre of ``box`` lies in ``area`` (edges included)."""
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return area[0] <= x <= area[2] and area[1] <= y <= area[3]


def turn_back(box: tuple[float, float, float, float], quarter_turns: int, width: float, height: float) -> BBox:
    """A box on a page turned ``quarter_turns`` × 90° counter-clockwise, on the page as it
    was (``width`` × ``height``, before turning)."""
    left, top, right, bottom = box
    if quarter_turns == 0:
        return (left, top, right, bottom)
    if quarter_turns == 1:
        return (width - bottom, left, width - top, right)
    if quarter_turns == 2:
        return (width - right, height - bottom, width - left, height - top)
    return (top, height - right, bottom, height - left)


def level_back(box: BBox, degrees: float, width: float, height: float) -> BBox:
    """A box on a page that was turned ``degrees`` counter-clockwise about its centre (to level
    a skewed scan), on the page as it was: the box around its four corners turned back."""
    radians = math.radians(degrees)
    cos, sin = math.cos(radians), math.sin(radians)
    centre_x, centre_y = width / 2, height / 2
    xs, ys = [], []
    for x, y in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])):
        dx, dy = x - centre_x, y - centre_y
        xs.append(centre_x + dx * cos - dy * sin)
        ys.append(centre_y + dx * sin + dy * cos)
    return (min(xs), min(ys), max(xs), max(ys))


class TextSource(enum.StrEnum):
    TEXT_LAYER = "text_layer"
    OCR = "ocr"


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    bbox: BBox
    confidence: float


@dataclass(frozen=True, slots=True)
class OcrWords:
    """What reading a page image gave, as the OCR cache keeps it: words in PDF points on the
    levelled, upright page, and the quarter turns and skew (degrees) that made it so."""

    words: tuple[Word, ...]
    quarter_turns: int
    skew: float


@dataclass(frozen=True, slots=True)
class TableCell:
    bbox: BBox
    """A merged cell spans several columns or rows of the grid."""
    text: str
    """The page's words whose centres lie in the cell, as printed (not normalised)."""


@dataclass(frozen=True, slots=True)
class RuledTable:
    """A table drawn with rules on a text-layer page (``ruled_tables``)."""

    bbox: BBox
    rows: tuple[tuple[TableCell, ...], ...]
    """Cells sharing a top edge, left to right, rows top to bottom."""


@dataclass(frozen=True, slots=True)
class PageWords:
    """One page as the ingest stage delivers it: words in PDF points, in no particular order."""

    number: int
    width: float
    height: float
    source: TextSource
    words: tuple[Word, ...]
    rotation: int = 0
    """Counter-clockwise quarter turns that made a scanned page upright. Words, ``width`` and
    ``height`` are those of the upright page; ``DocumentText.locate`` turns boxes back."""
    tables: tuple[RuledTable, ...] = ()
    """Ruled tables of a text-layer page, top to bottom (OCRed pages have none: their rows are
    rebuilt from word boxes)."""
    skew: float = 0.0
    """Degrees a skewed scan was turned counter-clockwise (before the quarter turns) to level its
    lines; words are those of the levelled page, and ``locate`` turns boxes back by it too."""


class Zone(enum.StrEnum):
    HEADER = "header"
    """Top of page 1 above the title: issuer, motto, number, place and date."""
    BODY = "body"
    CLOSING = "closing"
    """From "Nơi nhận"/the signature block to the end of the last page."""


class Column(enum.StrEnum):
    FULL = "full"
    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class Line:
    """A run of words read as one line: normalised text plus where each word came from."""

    text: str
    page: int
    zone: Zone
    column: Column
    bbox: BBox
    spans: tuple[tuple[int, int], ...]
    """Character offsets of each word inside ``text``."""
    words: tuple[Word, ...]


@dataclass(frozen=True, slots=True)
class Location:
    page: int
    bbox: BBox | None
    confidence: float


class DocumentText:
    """All lines of a document in reading order, joined by newlines into ``text``.

    Finders search ``text`` (or one line's text) and call ``locate`` to turn a character
    span back into a page, a box and the lowest confidence of the words it touches.
    """

    def __init__(self, lines: Sequence[Line], pages: Sequence[PageWords], title_index: int | None = None) -> None:
        self.lines: tuple[Line, ...] = tuple(lines)
        self.title_index = title_index
        """Index of the line with the printed type title ("BÁO CÁO"), when there is one."""
        self.page_count = len(pages)
        self.page_sizes = {p.number: (p.width, p.height) for p in pages}
        self.rotations = {p.number: p.rotation for p in pages if p.rotation}
        self.skews = {p.number: p.skew for p in pages if p.skew}
        self.tables = {p.number: p.tables for p in pages if p.tables}
        """Page number → its ruled tables."""
        self.starts: list[int] = []
        offset = 0
        for line in self.lines:
            self.starts.append(offset)
            offset += len(line.text) + 1
        self.text = "\n".join(line.text for line in self.lines)

    def line_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def line_start(self, index: int) -> int:
        return self.starts[index]

    def locate(self, start: int, end: int) -> Location:
        """Page, box and confidence of the words overlapping ``text[start:end]``."""
        end = max(end, start + 1)
        first, last = self.line_index(start), self.line_index(end - 1)
        page = self.lines[first].page
        boxes: list[BBox] = []
        confidences: list[float] = []
        for index in range(first, last + 1):
            line = self.lines[index]
            if line.page != page:
                break
            base = self.starts[index]
            for (s, e), word in zip(line.spans, line.words, strict=True):
                if base + s < end and base + e > start:
                    boxes.append(word.bbox)
                    confidences.append(word.confidence)
        if not boxes:
            return Location(page, None, 1.0)
        return Location(page, self.page_box(page, union_boxes(boxes)), min(confidences))

    def page_box(self, page: int, box: BBox) -> BBox:
        """A box of the levelled, upright page on the page as the PDF shows it."""
        turns, skew = self.rotations.get(page, 0), self.skews.get(page, 0.0)
        if not turns and not skew:
            return box
        width, height = self.page_sizes[page]
        if turns % 2:  # the page as shown is the upright one turned back: its sides swap
            width, height = height, width
        box = turn_back(box, turns, width, height)
        return level_back(box, skew, width, height) if skew else box

    def zone_lines(self, zone: Zone) -> list[tuple[int, Line]]:
        """``(line index, line)`` of every line in a zone, in reading order."""
        return [(i, line) for i, line in enumerate(self.lines) if line.zone is zone]
