"""Page rendering and the Tesseract engines, behind one small interface.

Two engines read the same rendered page: ``TesserocrEngine`` keeps one Tesseract API loaded
in-process and hands it the raw grey bitmap (no image encoding on the hot path);
``TesseractCliEngine`` runs the ``tesseract`` program through pytesseract and is used when
the in-process binding is not installed. ``bench/speed.py`` measures both.

``read_page`` is the whole OCR of one page: level a skewed scan, read it (turned upright if
it reads badly), read again with their colour dropped the places where a seal or signature
lies over print (colour scans), and read again, one line at a time, the weak lines of page
1's header (number, place, date).
"""

from __future__ import annotations

import importlib
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from extractor.errors import OcrFailed, OcrTimeout, PageTooLarge
from extractor.images import (
    GrayImage,
    PageImage,
    PixelBox,
    colour_only,
    covering_marks,
    crop_scaled,
    dropped_colour,
    level_angle,
    overlapping,
    turn,
)
from extractor.model import centre_in, union_boxes

if TYPE_CHECKING:
    from pypdfium2 import PdfPage

__all__ = ["GrayImage", "PageImage"]

# Tesseract's OpenMP threads fight each other across worker processes; read at library load.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

COLOUR_BITS = 24
MAX_PIXELS = 60_000_000
"""The largest raster rendered for OCR: an A0 poster at about 200 dpi."""
MAX_COLOUR_PIXELS = 20_000_000
"""The largest page also rendered in colour for its drop-out (A3 at 300 dpi): memory stays bounded."""
MIN_DPI = 72
MIN_WORDS = 12
MIN_MEAN_CONFIDENCE = 0.55
"""Below these a page "reads badly": worth asking whether it is turned."""
MIN_ORIENTATION_CONFIDENCE = 2.0
MIN_SKEW = 0.8
"""Degrees of skew from which a page is levelled before OCR (Tesseract copes with less)."""
STAMP_WORD = 0.85
"""A word read this confidently from the coloured ink alone is taken as a stamp's text."""
WEAK_WORD = 0.75
"""A line with a word below this confidence is worth a second reading."""
HEADER_SHARE = 0.3
"""Share of page 1's height, from the top, that holds the number, place and date."""
LINE_SCALE = 2
"""A line read again is enlarged this many times (measured: ``bench/ocr_settings.py --lines``)."""
LINE_MARGIN = 1 / 3
"""White kept around a line read again, in line heights."""
LINE_GAP = 1.8
"""A gap wider than this many line heights splits a line into parts read separately (columns)."""
SINGLE_LINE = 7
"""Tesseract's page segmentation mode for an image of one line."""
TESSDATA_CANDIDATES = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)


@dataclass(frozen=True)
class OcrOptions:
    language: str = "vie"
    dpi: int = 300
    page_segmentation: int = 3
    engine: str = "auto"
    """``auto`` (in-process when available), ``tesserocr`` or ``cli``."""
    page_timeout: float = 120.0
    """Seconds Tesseract may spend on one page."""
    deskew: bool = True
    """Level a page skewed by ``MIN_SKEW``° or more before reading it."""
    header_lines: bool = True
    """Read weak lines of page 1's header again as single lines."""
    colour_dropout: bool = True
    """On a colour scan, read again with the colour dropped where coloured marks lie over print."""

    def cache_key(self) -> str:
        """What else than the page image decides the OCR words (for the OCR cache)."""
        steps = (("deskew", self.deskew), ("header-lines", self.header_lines), ("dropout", self.colour_dropout))
        applied = ",".join(name for name, on in steps if on)
        return f"{self.language}|psm{self.page_segmentation}|{self.engine}|{applied}"


@dataclass(frozen=True, slots=True)
class PixelWord:
    text: str
    box: tuple[int, int, int, int]
    """``(left, top, right, bottom)`` in pixels."""
    confidence: float
    """0..1"""
    line: int = field(default=0, compare=False)
    """Which line of the reading the word belongs to (Tesseract's block, paragraph and line)."""


class OcrEngine(Protocol):
    """What reads a page. Engines may also offer ``quarter_turns(image) -> int`` (orientation
    detection) and ``recognize_line(image)`` (an image of one line); steps that need them are
    skipped for engines without them (plug-ins)."""

    name: str

    def recognize(self, image: GrayImage) -> list[PixelWord]: ...


def render_page(page: PdfPage, dpi: int) -> PageImage:
    """Rasterise a page in memory for OCR: grey (``render_grey``) and, for a colour scan, its
    colour drop-out (``page_dropout``)."""
    grey = render_grey(page, dpi)
    return PageImage(grey, page_dropout(page, grey))


def render_grey(page: PdfPage, dpi: int) -> GrayImage:
    """The page in grey (pdfium's own render) at ``dpi`` — lower for a page so big that the
    raster would pass ``MAX_PIXELS`` (a poster at 300 dpi), refused below 72 dpi."""
    width, height = page.get_size()
    fitting = int((MAX_PIXELS / max(width * height, 1)) ** 0.5 * 72)
    if fitting < MIN_DPI:
        raise PageTooLarge("page", f"{width:.0f} × {height:.0f} points is too large to render for OCR")
    dpi = min(dpi, fitting)
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    try:
        if bitmap.n_channels != 1:
            pil = bitmap.to_pil().convert("L")
            return GrayImage(pil.tobytes(), pil.width, pil.height, pil.width, dpi)
        return GrayImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride, dpi)
    finally:
        bitmap.close()


def page_dropout(page: PdfPage, grey: GrayImage) -> GrayImage | None:
    """The page's colour drop-out at ``grey``'s resolution when it holds colour images and is
    no larger than ``MAX_COLOUR_PIXELS``; else None. A second, colour render of the page: only
    worth it when the page is to be read."""
    if grey.width * grey.height > MAX_COLOUR_PIXELS or not has_colour_images(page):
        return None
    return colour_dropout(page, grey.dpi)


def colour_dropout(page: PdfPage, dpi: int) -> GrayImage:
    bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
    try:
        return dropped_colour(bitmap.to_numpy(), dpi)
    finally:
        bitmap.close()


def has_colour_images(page: PdfPage) -> bool:
    """Whether an image on the page has colour (24 bits or more a pixel); no pixel is decoded."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=1):
        try:
            if image.get_metadata().bits_per_pixel >= COLOUR_BITS:
                return True
        except pdfium.PdfiumError:  # pdfium cannot describe this image: taken as grey
            continue
    return False


def has_tessdata(language: str) -> bool:
    try:
        find_tessdata(language)
    except OcrFailed:
        return False
    return True


def find_tessdata(language: str) -> str:
    """The tessdata folder holding ``<language>.traineddata``."""
    candidates = [os.environ.get("TESSDATA_PREFIX", ""), *TESSDATA_CANDIDATES]
    for folder in candidates:
        if folder and (Path(folder) / f"{language}.traineddata").is_file():
            return folder
    raise OcrFailed(
        "tesseract",
        f"no {language}.traineddata found (install tesseract-ocr-{language} or set TESSDATA_PREFIX)",
    )


class TesserocrEngine:
    """Tesseract loaded once in this process (tesserocr)."""

    name = "tesserocr"

    def __init__(self, options: OcrOptions) -> None:
        import tesserocr

        self._timeout_ms = int(options.page_timeout * 1000)
        self._osd: tesserocr.PyTessBaseAPI | None = None
        self._api = tesserocr.PyTessBaseAPI(
            path=find_tessdata(options.language),
            lang=options.language,
            psm=options.page_segmentation,
            oem=tesserocr.OEM.LSTM_ONLY,
        )

    def recognize(self, image: GrayImage) -> list[PixelWord]:
        api = self._api
        api.SetImageBytes(image.pixels, image.width, image.height, 1, image.stride)
        api.SetSourceResolution(image.dpi)
        if not api.Recognize(timeout=self._timeout_ms):
            raise OcrTimeout("tesseract", f"no result within {self._timeout_ms / 1000:g} s")
        return parse_tsv(api.GetTSVText(0))

    def recognize_line(self, image: GrayImage) -> list[PixelWord]:
        """Words of an image holding one line of text (page segmentation mode 7)."""
        import tesserocr

        page_mode = self._api.GetPageSegMode()
        self._api.SetPageSegMode(tesserocr.PSM.SINGLE_LINE)
        try:
            return self.recognize(image)
        finally:
            self._api.SetPageSegMode(page_mode)

    def quarter_turns(self, image: GrayImage) -> int:
        """Counter-clockwise quarter turns that make the page upright, from Tesseract's
        orientation detection (0 when the osd data is missing or the answer is unsure)."""
        import tesserocr

        if self._osd is None:
            if not has_tessdata("osd"):
                return 0
            self._osd = tesserocr.PyTessBaseAPI(path=find_tessdata("osd"), lang="osd", psm=tesserocr.PSM.OSD_ONLY)
        self._osd.SetImageBytes(image.pixels, image.width, image.height, 1, image.stride)
        self._osd.SetSourceResolution(image.dpi)
        try:
            result = self._osd.DetectOrientationScript()
        except RuntimeError:  # too few characters to tell
            return 0
        if not result or result.get("orient_conf", 0) < MIN_ORIENTATION_CONFIDENCE:
            return 0
        return int(result["orient_deg"]) // 90 % 4

    def close(self) -> None:
        self._api.End()


class TesseractCliEngine:
    """The ``tesseract`` program through pytesseract: one process per page."""

    name = "cli"

    def __init__(self, options: OcrOptions) -> None:
        if shutil.which("tesseract") is None:
            raise OcrFailed("tesseract", "the tesseract program is not installed (apt-get tesseract-ocr)")
        self._tessdata = find_tessdata(options.language)
        self._options = options

    def recognize(self, image: GrayImage) -> list[PixelWord]:
        return self._recognize(image, self._options.page_segmentation)

    def recognize_line(self, image: GrayImage) -> list[PixelWord]:
        """Words of an image holding one line of text (page segmentation mode 7)."""
        return self._recognize(image, SINGLE_LINE)

    def _recognize(self, image: GrayImage, page_segmentation: int) -> list[PixelWord]:
        import pytesseract

        config = f"--psm {page_segmentation} --dpi {image.dpi} --tessdata-dir {self._tessdata}"
        try:
            tsv = pytesseract.image_to_data(
                image.to_pil(), lang=self._options.language, config=config, timeout=self._options.page_timeout
            )
        except RuntimeError as exc:  # pytesseract reports its timeout so
            raise OcrTimeout("tesseract", str(exc)) from None
        return parse_tsv(tsv)

    def close(self) -> None:
        return None


def parse_tsv(tsv: str) -> list[PixelWord]:
    """Words from Tesseract's TSV output (level 5 rows), with or without the header row; each
    knows its line (numbered in reading order from the block, paragraph and line numbers)."""
    words: list[PixelWord] = []
    lines: dict[tuple[str, ...], int] = {}
    for row in tsv.splitlines():
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        text = cells[11].strip()
        if not text:
            continue
        left, top, width, height = (int(c) for c in cells[6:10])
        confidence = max(0.0, min(1.0, float(cells[10]) / 100))
        line = lines.setdefault(tuple(cells[1:5]), len(lines))
        words.append(PixelWord(text, (left, top, left + width, top + height), confidence, line))
    return words


def recognize_upright(engine: OcrEngine, image: GrayImage) -> tuple[list[PixelWord], int, GrayImage]:
    """Words of a page however it is turned, the quarter turns (counter-clockwise) that made it
    upright and the upright image, which their boxes are in. A page that reads well costs one
    pass; one that reads badly is asked its orientation and read again turned upright."""
    words = engine.recognize(image)
    detect = getattr(engine, "quarter_turns", None)
    if reads_well(words) or detect is None:
        return words, 0, image
    quarter_turns = detect(image)
    if quarter_turns == 0:
        return words, 0, image
    upright = turn(image, quarter_turns)
    turned = engine.recognize(upright)
    if mean_confidence(turned) <= mean_confidence(words):
        return words, 0, image
    return turned, quarter_turns, upright


def reads_well(words: list[PixelWord]) -> bool:
    return len(words) >= MIN_WORDS and mean_confidence(words) >= MIN_MEAN_CONFIDENCE


def mean_confidence(words: list[PixelWord]) -> float:
    return sum(w.confidence for w in words) / len(words) if words else 0.0


@dataclass(frozen=True)
class PageReading:
    """The words of a page as read, in the frame of the levelled, upright page."""

    words: list[PixelWord]
    quarter_turns: int
    """Counter-clockwise quarter turns that made the (levelled) page upright."""
    skew: float
    """Degrees the page was turned counter-clockwise, before the quarter turns, to level it."""


def read_page(engine: OcrEngine, image: PageImage, options: OcrOptions, first_page: bool) -> PageReading:
    """One page's words: levelled (``options.deskew``), turned upright when it reads badly,
    read again with the colour dropped under coloured marks over print (``options.colour_dropout``),
    and the weak lines of page 1's header read again one by one (``options.header_lines``)."""
    skew = page_skew(image.grey, options)
    if skew:
        image = image.rotated(skew)
    words, quarter_turns, upright = recognize_upright(engine, image.grey)
    if quarter_turns:  # the grey was turned for its reading: only the drop-out is turned here
        image = PageImage(upright, image.dropout and turn(image.dropout, quarter_turns))
    if options.colour_dropout:
        for mark in covering_marks(image):
            words = reread_under_mark(engine, image, words, mark)
    read_line = getattr(engine, "recognize_line", None)
    if first_page and options.header_lines and read_line is not None:
        header_bottom = HEADER_SHARE * image.grey.height
        words = reread_weak_lines(read_line, image.grey, words, lambda box: box[3] <= header_bottom)
    return PageReading(words, quarter_turns, skew)


def reread_under_mark(engine: OcrEngine, image: PageImage, words: list[PixelWord], mark: PixelBox) -> list[PixelWord]:
    """``words`` with those around a coloured mark read again from the page with its colour
    dropped, when that reads better (higher mean confidence). The area read is the mark widened
    to the whole of every word it touches, so no word is cut. The coloured ink alone is read
    too, for the text of a stamp over print: its confident words are kept."""
    assert image.dropout is not None  # a mark is only found on a colour page
    area = union_boxes([mark, *(w.box for w in words if overlapping(w.box, mark))])
    before = [w for w in words if centre_in(w.box, area)]
    crop = crop_scaled(image.dropout, area, 1)
    first_line = max((w.line for w in words), default=-1) + 1
    after = [
        PixelWord(w.text, shifted(w.box, area[0], area[1]), w.confidence, first_line + w.line)
        for w in engine.recognize(crop)
    ]
    if mean_confidence(after) <= mean_confidence(before):
        return words
    stamp = [
        PixelWord(w.text, shifted(w.box, area[0], area[1]), w.confidence, first_line + len(after) + w.line)
        for w in engine.recognize(colour_only(image, area))
        if w.confidence >= STAMP_WORD
    ]
    return [w for w in words if not centre_in(w.box, area)] + after + stamp


def shifted(box: PixelBox, dx: int, dy: int) -> PixelBox:
    return (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)


def page_skew(image: GrayImage, options: OcrOptions) -> float:
    """Degrees that level the page (0 when it is level enough or deskewing is off)."""
    if not options.deskew:
        return 0.0
    angle = level_angle(image)
    return angle if abs(angle) >= MIN_SKEW else 0.0


def reread_weak_lines(
    read_line: Callable[[GrayImage], list[PixelWord]],
    source: GrayImage,
    words: list[PixelWord],
    wanted: Callable[[PixelBox], bool],
) -> list[PixelWord]:
    """``words`` with each weak line part that ``wanted`` accepts read again from ``source``
    as a single line, enlarged; the new reading replaces the old when it ``reads_better``."""
    result: list[PixelWord] = []
    for part in line_parts(words):
        box = union_boxes([w.box for w in part])
        if min(w.confidence for w in part) < WEAK_WORD and wanted(box):
            again = reread_line(read_line, source, box, part[0].line)
            if reads_better(again, part, box):
                part = again
        result.extend(part)
    return result


def reread_line(
    read_line: Callable[[GrayImage], list[PixelWord]], source: GrayImage, box: PixelBox, line: int
) -> list[PixelWord]:
    """The words of ``box`` in ``source`` read as one line, boxes back in ``source``'s pixels."""
    left, top, right, bottom = box
    margin = round((bottom - top) * LINE_MARGIN)
    left, top = max(0, left - margin), max(0, top - margin)
    crop = crop_scaled(source, (left, top, right + margin, bottom + margin), LINE_SCALE)
    return [
        PixelWord(
            w.text,
            (
                left + w.box[0] // LINE_SCALE,
                top + w.box[1] // LINE_SCALE,
                left + -(-w.box[2] // LINE_SCALE),
                top + -(-w.box[3] // LINE_SCALE),
            ),
            w.confidence,
            line,
        )
        for w in read_line(crop)
    ]


def reads_better(again: list[PixelWord], before: list[PixelWord], box: PixelBox) -> bool:
    """Whether a second reading of a line part should replace the first: more confident on
    the mean, over the same span, and not cutting words apart (a number read as
    "27-BC/T CT" gains confident pieces, not a better reading)."""
    return mean_confidence(again) > mean_confidence(before) and len(again) <= len(before) and same_span(again, box)


def line_parts(words: list[PixelWord]) -> Iterator[list[PixelWord]]:
    """The words of each line, left to right, cut where a gap is far wider than the line is
    high (the two columns of a header that Tesseract read as one line)."""
    lines: dict[int, list[PixelWord]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    for line in lines.values():
        line.sort(key=lambda w: w.box[0])
        height = max(w.box[3] - w.box[1] for w in line)
        part = [line[0]]
        for word in line[1:]:
            if word.box[0] - part[-1].box[2] > LINE_GAP * height:
                yield part
                part = []
            part.append(word)
        yield part


def same_span(words: list[PixelWord], box: PixelBox) -> bool:
    """Whether ``words`` reach from the left to the right end of ``box`` (within a line height):
    a second reading that drops words is no better, however confident."""
    if not words:
        return False
    left, _, right, _ = union_boxes([w.box for w in words])
    tolerance = box[3] - box[1]
    return abs(left - box[0]) <= tolerance and abs(right - box[2]) <= tolerance


def make_engine(options: OcrOptions) -> OcrEngine:
    """The engine ``options.engine`` asks for: ``auto`` prefers the in-process binding; a
    ``package.module:Class`` spec loads an engine of your own (a plug-in: the class takes the
    ``OcrOptions`` and has ``recognize``), as the tests do to inject faults."""
    if ":" in options.engine:
        return plugin_engine(options)
    if options.engine in ("auto", "tesserocr"):
        try:
            return TesserocrEngine(options)
        except ImportError:
            if options.engine == "tesserocr":
                raise OcrFailed("tesseract", "tesserocr is not installed") from None
        except RuntimeError as exc:
            raise OcrFailed("tesseract", f"Tesseract failed to start: {exc}") from None
    return TesseractCliEngine(options)


def plugin_engine(options: OcrOptions) -> OcrEngine:
    module_name, _, class_name = options.engine.partition(":")
    try:
        engine_class = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise OcrFailed("tesseract", f"OCR engine {options.engine!r} cannot be loaded ({exc})") from None
    return engine_class(options)
