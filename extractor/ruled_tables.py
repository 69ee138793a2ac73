"""Ruled tables of a text-layer page: the grid of cells that a table's drawn lines make.

The lines come from pdfium's path objects (the page is already open for its text); pdfplumber's
table finder (snap and join the edges, intersect them, cells from intersections, tables from
touching cells) turns them into cells. pdfplumber's own page parse (pdfminer, ~60 ms a page) is
never run: a page costs one look at the bounds of its path objects; only a page with enough
horizontal and vertical rules has its path segments read, and only rules that make a grid (one
crossing three others) load pdfplumber's table module.

Each cell carries its box (a merged cell spans several columns or rows) and the text of the
page's words whose centres lie in it. Reading the rows (headers, counts, schools) is the
finders' work (``finders/tables.py``); scans have no rules to read and keep the word-box rows.
"""

from __future__ import annotations

import ctypes
import itertools
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from extractor.model import BBox, RuledTable, TableCell, Word, centre_in, union_boxes

if TYPE_CHECKING:
    from pypdfium2 import PdfPage

Matrix = tuple[float, float, float, float, float, float]
"""A PDF transformation ``(a, b, c, d, e, f)``: ``x' = a·x + c·y + e``, ``y' = b·x + d·y + f``."""
Edge = dict[str, Any]
"""An edge as pdfplumber's table finder takes it."""

IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
THIN = 3.0
"""A path no thicker than this (points) is one rule; pdfplumber snaps edges this close."""
MIN_RULE = 10.0
"""Shorter horizontal or vertical pieces are not rules (ticks, underlines of one letter)."""
MIN_HORIZONTAL, MIN_VERTICAL = 3, 2
"""A table has at least a top, a rule under its header and a bottom, and two sides."""
MAX_FORM_DEPTH = 8
SNAP = JOIN = INTERSECTION = 3.0
"""pdfplumber's default tolerances."""
MIN_EDGE = 3.0
MIN_CELLS = 2
MIN_CROSSED = 3
"""A rule that crosses this many rules the other way makes at least two cells."""


def find_tables(page: PdfPage, words: Sequence[Word]) -> tuple[RuledTable, ...]:
    """The ruled tables of a page, top to bottom, each with at least two cells; () for a page
    without rules (most pages: they cost one pass over the bounds of their path objects)."""
    height = float(page.get_height())
    paths = list(path_objects(page))
    if not has_rules(paths):
        return ()
    edges = [edge for path, matrix in paths for edge in path_edges(path, matrix, height)]
    if not is_grid(edges):
        return ()
    return tuple(
        RuledTable(bbox, rows)
        for bbox, rows in (table_rows(cells, words) for cells in cell_groups(edges))
        if sum(len(row) for row in rows) >= MIN_CELLS
    )


def path_objects(page: PdfPage) -> Iterator[tuple[Any, Matrix]]:
    """Every visible path object of the page with the matrix that maps it onto the page,
    inside form XObjects too."""
    import pypdfium2.raw as pdfium_c

    count = pdfium_c.FPDFPage_CountObjects(page.raw)
    yield from visible_paths((pdfium_c.FPDFPage_GetObject(page.raw, i) for i in range(count)), IDENTITY, 0)


def visible_paths(objects: Iterator[Any], outer: Matrix, depth: int) -> Iterator[tuple[Any, Matrix]]:
    import pypdfium2.raw as pdfium_c

    fill, stroke = ctypes.c_int(), ctypes.c_int()
    for obj in objects:
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            drawn = pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
            if drawn and (fill.value != pdfium_c.FPDF_FILLMODE_NONE or stroke.value):
                yield obj, outer
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
            inner = compose(object_matrix(obj), outer)
            count = pdfium_c.FPDFFormObj_CountObjects(obj)
            yield from visible_paths((pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(count)), inner, depth + 1)


def object_matrix(obj: Any) -> Matrix:
    import pypdfium2.raw as pdfium_c

    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, matrix):
        return IDENTITY
    return (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)


def compose(inner: Matrix, outer: Matrix) -> Matrix:
    """``inner`` then ``outer``."""
    a, b, c, d, e, f = inner
    p, q, r, s, t, u = outer
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def apply(matrix: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f


def has_rules(paths: list[tuple[Any, Matrix]]) -> bool:
    """Enough long thin horizontal and vertical paths, or boxes, to draw a table. A box or a
    whole grid drawn as one path counts as two rules each way; header underlines do not make
    a table."""
    import pypdfium2.raw as pdfium_c

    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    horizontal = vertical = 0
    for obj, matrix in paths:
        if not pdfium_c.FPDFPageObj_GetBounds(obj, *(ctypes.byref(v) for v in (left, bottom, right, top))):
            continue
        (x0, y0), (x1, y1) = apply(matrix, left.value, bottom.value), apply(matrix, right.value, top.value)
        width, height = abs(x1 - x0), abs(y1 - y0)
        horizontal += 2 if width >= MIN_RULE and height > THIN else int(width >= MIN_RULE)
        vertical += 2 if height >= MIN_RULE and width > THIN else int(height >= MIN_RULE)
        if horizontal >= MIN_HORIZONTAL and vertical >= MIN_VERTICAL:
            return True
    return False


def is_grid(edges: list[Edge]) -> bool:
    """Some rule crosses at least three rules the other way (two cells side by side or one
    above the other): separate boxes (stamps, frames) are not a table. Rules are first joined
    as pdfplumber joins them (a table drawn cell by cell has its rules in pieces)."""
    horizontal, vertical = joined(edges, "h"), joined(edges, "v")
    return any(
        sum(
            1
            for position, start, end in across
            if start - SNAP <= at <= end + SNAP and low - SNAP <= position <= high + SNAP
        )
        >= MIN_CROSSED
        for lines, across in ((vertical, horizontal), (horizontal, vertical))
        for at, low, high in lines
    )


def joined(edges: list[Edge], orientation: str) -> list[tuple[float, float, float]]:
    """``(position, start, end)`` of the rules one way: pieces within the snapping tolerance of
    one another are one line (both sides of a thin filled bar too), touching pieces one rule."""
    position, start, end = ("top", "x0", "x1") if orientation == "h" else ("x0", "top", "bottom")
    pieces = sorted((e[position], e[start], e[end]) for e in edges if e["orientation"] == orientation)
    lines: list[list[tuple[float, float, float]]] = []
    for piece in pieces:
        if lines and piece[0] - lines[-1][-1][0] <= SNAP:
            lines[-1].append(piece)
        else:
            lines.append([piece])
    rules = []
    for line in lines:
        at = line[0][0]
        for _, low, high in sorted(line, key=lambda piece: piece[1]):
            if rules and rules[-1][0] == at and low <= rules[-1][2] + JOIN:
                rules[-1] = (at, rules[-1][1], max(rules[-1][2], high))
            else:
                rules.append((at, low, high))
    return rules


def path_edges(obj: Any, matrix: Matrix, page_height: float) -> Iterator[Edge]:
    """The horizontal and vertical straight pieces of a path (a rectangle gives its four
    sides), in points from the top-left corner; curves are skipped."""
    import pypdfium2.raw as pdfium_c

    x, y = ctypes.c_float(), ctypes.c_float()
    start = current = None
    for index in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, index)
        if not pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y)):
            continue
        point = apply(matrix, x.value, y.value)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_LINETO and current is not None:
            yield from straight_edge(current, point, page_height)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or start is None:
            start = point
        current = point
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
            yield from straight_edge(current, start, page_height)
            current = start


def straight_edge(first: tuple[float, float], second: tuple[float, float], page_height: float) -> Iterator[Edge]:
    (x0, y0), (x1, y1) = first, second
    left, right = sorted((x0, x1))
    top, bottom = sorted((page_height - y0, page_height - y1))
    if bottom - top < 1 and right - left >= MIN_EDGE:
        yield edge(left, right, top, top, "h")
    elif right - left < 1 and bottom - top >= MIN_EDGE:
        yield edge(left, left, top, bottom, "v")


def edge(x0: float, x1: float, top: float, bottom: float, orientation: str) -> Edge:
    return {
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "width": x1 - x0,
        "height": bottom - top,
        "orientation": orientation,
        "object_type": "line",
    }


def cell_groups(edges: list[Edge]) -> list[list[BBox]]:
    """pdfplumber's table finder on the edges: each table as its cells' boxes."""
    from pdfplumber import table as plumber
    from pdfplumber.utils import filter_edges

    merged = filter_edges(plumber.merge_edges(edges, SNAP, SNAP, JOIN, JOIN), min_length=MIN_EDGE)
    cells = plumber.intersections_to_cells(plumber.edges_to_intersections(merged, INTERSECTION, INTERSECTION))
    return sorted(plumber.cells_to_tables(cells), key=lambda group: min(cell[1] for cell in group))


def table_rows(cells: list[BBox], words: Sequence[Word]) -> tuple[BBox, tuple[tuple[TableCell, ...], ...]]:
    """The table's box and its rows: cells sharing a top edge, left to right, with their text."""
    bbox = union_boxes(cells)
    words = [word for word in words if centre_in(word.bbox, bbox)]
    ordered = sorted(cells, key=lambda cell: (cell[1], cell[0]))
    rows = tuple(
        tuple(TableCell(cell, cell_text(cell, words)) for cell in row)
        for _, row in itertools.groupby(ordered, key=lambda cell: cell[1])
    )
    return bbox, rows


def cell_text(cell: BBox, words: Sequence[Word]) -> str:
    """The words whose centres lie in the cell, line by line (a word belongs to the line whose
    first word it overlaps vertically), left to right."""
    inside = sorted((w for w in words if centre_in(w.bbox, cell)), key=lambda w: (w.bbox[1] + w.bbox[3]) / 2)
    lines: list[list[Word]] = []
    for word in inside:
        if lines and (word.bbox[1] + word.bbox[3]) / 2 < lines[-1][0].bbox[3]:
            lines[-1].append(word)
        else:
            lines.append([word])
    return " ".join(w.text for line in lines for w in sorted(line, key=lambda w: w.bbox[0]))
