"""Page rendering and the Tesseract engines, behind one small interface.

Two engines read the same rendered page: ``TesserocrEngine`` keeps one Tesseract API loaded
in-process and hands it the raw grey bitmap (no image encoding on the hot path);
``TesseractCliEngine`` runs the ``tesseract`` program through pytesseract and is used when
the in-process binding is not installed. ``bench/speed.py`` measures both.
"""

from __future__ import annotations

import importlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from extractor.errors import OcrFailed, OcrTimeout, PageTooLarge

if TYPE_CHECKING:
    from PIL import Image
    from pypdfium2 import PdfPage

# Tesseract's OpenMP threads fight each other across worker processes; read at library load.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

MAX_PIXELS = 60_000_000
"""The largest raster rendered for OCR: an A0 poster at about 200 dpi."""
MIN_DPI = 72
MIN_WORDS = 12
MIN_MEAN_CONFIDENCE = 0.55
"""Below these a page "reads badly": worth asking whether it is turned."""
MIN_ORIENTATION_CONFIDENCE = 2.0
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

    def cache_key(self) -> str:
        """What else than the page image decides the OCR words (for the OCR cache)."""
        return f"{self.language}|psm{self.page_segmentation}|{self.engine}"


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


@dataclass(frozen=True, slots=True)
class PixelWord:
    text: str
    box: tuple[int, int, int, int]
    """``(left, top, right, bottom)`` in pixels."""
    confidence: float
    """0..1"""


class OcrEngine(Protocol):
    name: str

    def recognize(self, image: GrayImage) -> list[PixelWord]: ...


def render_page(page: PdfPage, dpi: int) -> GrayImage:
    """Rasterise a page in memory, grey, at ``dpi`` — lower for a page so big that the raster
    would pass ``MAX_PIXELS`` (a poster at 300 dpi), refused below 72 dpi."""
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
        import pytesseract

        config = f"--psm {self._options.page_segmentation} --dpi {image.dpi} --tessdata-dir {self._tessdata}"
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
    """Words from Tesseract's TSV output (level 5 rows), with or without the header row."""
    words: list[PixelWord] = []
    for row in tsv.splitlines():
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        text = cells[11].strip()
        if not text:
            continue
        left, top, width, height = (int(c) for c in cells[6:10])
        confidence = max(0.0, min(1.0, float(cells[10]) / 100))
        words.append(PixelWord(text, (left, top, left + width, top + height), confidence))
    return words


def recognize_upright(engine: OcrEngine, image: GrayImage) -> tuple[list[PixelWord], int]:
    """Words of a page however it is turned, and the quarter turns (counter-clockwise) that
    made it upright; their boxes are in the upright image. A page that reads well costs one
    pass; one that reads badly is asked its orientation and read again turned upright."""
    words = engine.recognize(image)
    detect = getattr(engine, "quarter_turns", None)
    if reads_well(words) or detect is None:
        return words, 0
    quarter_turns = detect(image)
    if quarter_turns == 0:
        return words, 0
    turned = engine.recognize(rotate(image, quarter_turns))
    if mean_confidence(turned) <= mean_confidence(words):
        return words, 0
    return turned, quarter_turns


def reads_well(words: list[PixelWord]) -> bool:
    return len(words) >= MIN_WORDS and mean_confidence(words) >= MIN_MEAN_CONFIDENCE


def mean_confidence(words: list[PixelWord]) -> float:
    return sum(w.confidence for w in words) / len(words) if words else 0.0


def rotate(image: GrayImage, quarter_turns: int) -> GrayImage:
    """The image turned counter-clockwise by ``quarter_turns`` × 90°."""
    import numpy

    pixels = numpy.frombuffer(image.pixels, dtype=numpy.uint8).reshape(image.height, image.stride)[:, : image.width]
    turned = numpy.ascontiguousarray(numpy.rot90(pixels, quarter_turns))
    return GrayImage(turned.tobytes(), turned.shape[1], turned.shape[0], turned.shape[1], image.dpi)


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
