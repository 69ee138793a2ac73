"""Rasters for OCR: the grey page image and what is done to it before Tesseract reads it.

A page is rendered grey; one that holds colour images (a colour scan) is also rendered in
colour for a second image, ``dropout``: the page with coloured ink whitened (the brightest of
the three channels: red or blue ink is bright in its own channel, black print stays dark in
all three). ``covering_marks`` finds the coloured marks that lie
over black print (a seal over the signer's title, a signature over a name), where the
drop-out is worth reading; a stamp on blank paper (the incoming-mail "ĐẾN") is not one.

Skew is measured by a projection profile: the ink of a downscaled page is projected onto
the vertical axis at angles around 0°; text lines give the sharpest profile when they lie
level. Both axes are tried, so a page turned a quarter is measured too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from extractor.model import union_boxes

if TYPE_CHECKING:
    import numpy
    from PIL import Image

PixelBox = tuple[int, int, int, int]
"""``(left, top, right, bottom)`` in pixels."""

SKEW_DPI = 60
"""Resolution the skew is measured at: lines of 10–14 pt text stay apart."""
SKEW_RANGE = 5.0
SKEW_STEP = 0.5
SKEW_FINE_STEP = 0.05
INK_BELOW = 128
MIN_SKEW_GAIN = 1.15
"""The levelled profile must be this much sharper than the unrotated one (else: no clear skew)."""
COLOUR_INK = 60
"""A pixel whose brightest channel exceeds its luminance by this much is coloured ink."""
INK_CELLS_PER_INCH = 8
"""Coloured ink is mapped on a grid of cells this many to the inch."""
MIN_CELL_INK = 0.03
"""Share of coloured-ink pixels that marks a cell as inked."""
MIN_PRINT_UNDER = 0.01
"""Share of dark pixels left in a coloured mark once its colour is dropped that means print lies under it."""


@dataclass(frozen=True)
class GrayImage:
    """An 8-bit grey raster: ``stride`` bytes per row."""

    pixels: bytes
    width: int
    height: int
    stride: int
    dpi: int

    def to_pil(self) -> Image.Image:
        from PIL import Image

        return Image.frombuffer("L", (self.width, self.height), self.pixels, "raw", "L", self.stride, 1)

    def array(self) -> numpy.ndarray:
        """The pixels as a ``height × width`` array (a view, no copy)."""
        import numpy

        rows = numpy.frombuffer(self.pixels, dtype=numpy.uint8, count=self.stride * self.height)
        return rows.reshape(self.height, self.stride)[:, : self.width]


def from_array(pixels: numpy.ndarray, dpi: int) -> GrayImage:
    import numpy

    pixels = numpy.ascontiguousarray(pixels, dtype=numpy.uint8)
    return GrayImage(pixels.tobytes(), pixels.shape[1], pixels.shape[0], pixels.shape[1], dpi)


def from_pil(image: Image.Image, dpi: int) -> GrayImage:
    grey = image.convert("L")
    return GrayImage(grey.tobytes(), grey.width, grey.height, grey.width, dpi)


@dataclass(frozen=True)
class PageImage:
    """A rendered page: grey, and for a colour page the grey with coloured ink whitened."""

    grey: GrayImage
    dropout: GrayImage | None = None

    def rotated(self, degrees: float) -> PageImage:
        return PageImage(rotate_by(self.grey, degrees), self.dropout and rotate_by(self.dropout, degrees))


def dropped_colour(rgb: numpy.ndarray, dpi: int) -> GrayImage:
    """The page with coloured ink whitened: the brightest of its colour channels."""
    import numpy

    # Element-wise, not ``max(axis=2)``: a reduction over the interleaved channels is 20 × slower.
    return from_array(numpy.maximum(numpy.maximum(rgb[:, :, 0], rgb[:, :, 1]), rgb[:, :, 2]), dpi)


def covering_marks(page: PageImage) -> list[PixelBox]:
    """Boxes of the coloured marks that lie over black print (none on a grey page)."""
    if page.dropout is None:
        return []
    grey, dropout = page.grey.array(), page.dropout.array()
    return [box for box in ink_marks(grey, dropout, page.grey.dpi) if prints_under(dropout, box)]


def colour_only(page: PageImage, box: PixelBox) -> GrayImage:
    """``box`` of the page with only its coloured ink (a stamp's text without the print under it)."""
    import numpy

    assert page.dropout is not None
    left, top, right, bottom = box
    grey = page.grey.array()[top:bottom, left:right]
    ink = colour_ink(grey, page.dropout.array()[top:bottom, left:right])
    return from_array(numpy.where(ink, grey, 255), page.grey.dpi)


def colour_ink(grey: numpy.ndarray, dropout: numpy.ndarray) -> numpy.ndarray:
    """Where the pixels are coloured ink: much brighter in their brightest channel than in grey."""
    import numpy

    return (dropout.astype(numpy.int16) - grey) > COLOUR_INK


def ink_marks(grey: numpy.ndarray, dropout: numpy.ndarray, dpi: int) -> list[PixelBox]:
    """Boxes of the coloured marks (seals, stamps, signatures): connected inked cells, one
    cell of margin around, overlapping boxes merged (a stamp's frame and its text)."""

    cell = max(1, dpi // INK_CELLS_PER_INCH)
    rows, columns = grey.shape[0] // cell, grey.shape[1] // cell
    ink = colour_ink(grey[: rows * cell, : columns * cell], dropout[: rows * cell, : columns * cell])
    inked = ink.reshape(rows, cell, columns, cell).mean(axis=(1, 3)) >= MIN_CELL_INK
    boxes: list[PixelBox] = []
    for top, left, bottom, right in connected_boxes(inked):
        box = (
            max(0, (left - 1) * cell),
            max(0, (top - 1) * cell),
            min(grey.shape[1], (right + 2) * cell),
            min(grey.shape[0], (bottom + 2) * cell),
        )
        for other in [b for b in boxes if overlapping(b, box)]:
            boxes.remove(other)
            box = union_boxes([box, other])
        boxes.append(box)
    return boxes


def overlapping(box: PixelBox, other: PixelBox) -> bool:
    return box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]


def connected_boxes(cells: numpy.ndarray) -> list[tuple[int, int, int, int]]:
    """``(top, left, bottom, right)`` cell ranges (inclusive) of each 8-connected group of true cells."""
    import numpy

    seen = numpy.zeros_like(cells, dtype=bool)
    boxes = []
    for start in map(tuple, numpy.argwhere(cells).tolist()):
        if seen[start]:
            continue
        seen[start] = True
        stack, top, left, bottom, right = [start], start[0], start[1], start[0], start[1]
        while stack:
            row, column = stack.pop()
            top, left, bottom, right = min(top, row), min(left, column), max(bottom, row), max(right, column)
            for near in neighbours(row, column, cells.shape):
                if cells[near] and not seen[near]:
                    seen[near] = True
                    stack.append(near)
        boxes.append((top, left, bottom, right))
    return boxes


def neighbours(row: int, column: int, shape: tuple[int, ...]) -> list[tuple[int, int]]:
    return [
        (r, c)
        for r in range(max(0, row - 1), min(shape[0], row + 2))
        for c in range(max(0, column - 1), min(shape[1], column + 2))
        if (r, c) != (row, column)
    ]


def prints_under(dropout: numpy.ndarray, box: PixelBox) -> bool:
    """Whether black print remains inside ``box`` once the colour is dropped."""
    left, top, right, bottom = box
    area = dropout[top:bottom, left:right]
    return bool(area.size) and float((area < INK_BELOW).mean()) >= MIN_PRINT_UNDER


def turn(image: GrayImage, quarter_turns: int) -> GrayImage:
    """The image turned counter-clockwise by ``quarter_turns`` × 90°."""
    import numpy

    return from_array(numpy.rot90(image.array(), quarter_turns), image.dpi)


def rotate_by(image: GrayImage, degrees: float) -> GrayImage:
    """The image turned counter-clockwise by ``degrees`` about its centre, same size, white fill."""
    from PIL import Image

    turned = image.to_pil().rotate(degrees, resample=Image.Resampling.BILINEAR, fillcolor=255)
    return GrayImage(turned.tobytes(), turned.width, turned.height, turned.width, image.dpi)


def crop_scaled(image: GrayImage, box: PixelBox, scale: int) -> GrayImage:
    """``box`` of the image (clipped to it), enlarged ``scale`` times, at ``scale`` × the dpi."""
    from PIL import Image

    left, top, right, bottom = box
    part = image.to_pil().crop((max(0, left), max(0, top), min(image.width, right), min(image.height, bottom)))
    if scale != 1:
        part = part.resize((part.width * scale, part.height * scale), Image.Resampling.BICUBIC)
    return from_pil(part, image.dpi * scale)


def level_angle(image: GrayImage) -> float:
    """Degrees to turn the page counter-clockwise so that its text lines lie level (0 when
    the page has no clear lines): the angle within ±``SKEW_RANGE``° whose projection profile
    is sharpest, along rows or columns (a page turned a quarter)."""
    import numpy

    step = max(1, round(image.dpi / SKEW_DPI))
    small = image.array()[::step, ::step]
    ys, xs = numpy.nonzero(small < INK_BELOW)
    if len(ys) == 0:
        return 0.0
    ys = ys.astype(numpy.float32) - small.shape[0] / 2
    xs = xs.astype(numpy.float32) - small.shape[1] / 2
    best_score, best_angle, level_score = 0.0, 0.0, 0.0
    for across, along in ((ys, xs), (xs, -ys)):
        score, angle = sharpest(across, along)
        if score > best_score:
            best_score, best_angle, level_score = score, angle, profile_sharpness(across, along, 0.0)
    return best_angle if best_score > MIN_SKEW_GAIN * level_score else 0.0


def sharpest(across: numpy.ndarray, along: numpy.ndarray) -> tuple[float, float]:
    """The sharpest profile and its angle: a coarse search, then a fine one around the best."""
    import numpy

    coarse = numpy.arange(-SKEW_RANGE, SKEW_RANGE + SKEW_STEP / 2, SKEW_STEP)
    angle = max(coarse, key=lambda a: profile_sharpness(across, along, a))
    fine = numpy.arange(angle - SKEW_STEP, angle + SKEW_STEP + SKEW_FINE_STEP / 2, SKEW_FINE_STEP)
    scores = [(profile_sharpness(across, along, a), float(a)) for a in fine]
    return max(scores)


def profile_sharpness(across: numpy.ndarray, along: numpy.ndarray, degrees: float) -> float:
    """How sharply the ink piles into lines when the page is turned ``degrees`` counter-clockwise:
    the sum of squared differences between neighbouring rows of the projection."""
    import numpy

    radians = math.radians(degrees)
    rows = across * math.cos(radians) - along * math.sin(radians)
    profile = numpy.bincount((rows - rows.min()).astype(numpy.int32)).astype(numpy.float64)
    return float(numpy.square(numpy.diff(profile)).sum())
