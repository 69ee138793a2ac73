"""OCR engine plug-ins for fault injection: ``--ocr-engine tests.fault_engines:Class``.

Each delegates to ``extractor.ocr.TesserocrEngine`` (started on first use) except on a *dark*
page, mean grey below ``DARK_BELOW`` (``tests.bad_pdfs.write_black_page`` writes one; a scan
is about 240): there it hangs, kills its process, or raises. Batch workers are spawned
processes, so this module must be importable in them: run with the repository root on
``PYTHONPATH``.

When ``EXTRACTOR_TEST_OCR_LOG`` names a file, every ``recognize`` call appends one line to it
(``pid mean-grey``): how tests tell whether Tesseract ran again or the OCR cache answered.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from extractor.ocr import GrayImage, OcrEngine, OcrOptions, PixelWord, TesserocrEngine

DARK_BELOW = 60.0
LOG_ENV = "EXTRACTOR_TEST_OCR_LOG"
VANISH_ENV = "EXTRACTOR_TEST_VANISH"


def mean_grey(image: GrayImage) -> float:
    import numpy as np

    rows = np.frombuffer(image.pixels, dtype=np.uint8, count=image.stride * image.height)
    return float(rows.reshape(image.height, image.stride)[:, : image.width].mean())


class LoggingTesseract:
    """Tesseract as usual, each call logged (see the module doc); the base of the fault engines."""

    name = "logging-tesseract"

    def __init__(self, options: OcrOptions) -> None:
        self.options = options
        self._engine: OcrEngine | None = None

    def tesseract(self) -> OcrEngine:
        if self._engine is None:
            self._engine = TesserocrEngine(self.options)
        return self._engine

    def recognize(self, image: GrayImage) -> list[PixelWord]:
        grey = mean_grey(image)
        log = os.environ.get(LOG_ENV)
        if log:
            with open(log, "a", encoding="utf-8") as stream:
                stream.write(f"{os.getpid()} {grey:.1f}\n")
        if grey < DARK_BELOW:
            return self.on_dark_page(image)
        return self.tesseract().recognize(image)

    def on_dark_page(self, image: GrayImage) -> list[PixelWord]:
        return self.tesseract().recognize(image)


class HangOnDarkPages(LoggingTesseract):
    """Never returns from a dark page (sleeps in Python: Tesseract's own timeout cannot help)."""

    name = "hang-on-dark-pages"

    def on_dark_page(self, image: GrayImage) -> list[PixelWord]:
        while True:
            time.sleep(3600)


class CrashOnDarkPages(LoggingTesseract):
    """Ends its process at once on a dark page, as a crash in native code would."""

    name = "crash-on-dark-pages"

    def on_dark_page(self, image: GrayImage) -> list[PixelWord]:
        os._exit(3)


class FailOnDarkPages(LoggingTesseract):
    """Raises on a dark page, as a failing engine does."""

    name = "fail-on-dark-pages"

    def on_dark_page(self, image: GrayImage) -> list[PixelWord]:
        raise RuntimeError("injected OCR failure on a dark page")


class BugOnDarkPages(LoggingTesseract):
    """Raises what no caller expects on a dark page (a bug in an engine): ``internal``."""

    name = "bug-on-dark-pages"

    def on_dark_page(self, image: GrayImage) -> list[PixelWord]:
        return [PixelWord("x", (0, 0, 1, 1), 1.0)][1]  # IndexError


class VanishOnFirstPage(FailOnDarkPages):
    """Deletes the files named in ``EXTRACTOR_TEST_VANISH`` (``os.pathsep``-separated) before
    it reads a page: files a batch has listed disappear before it gets to them. Raises on a
    dark page like ``FailOnDarkPages`` (one run tests both)."""

    name = "vanish-on-first-page"

    def recognize(self, image: GrayImage) -> list[PixelWord]:
        for name in filter(None, os.environ.get(VANISH_ENV, "").split(os.pathsep)):
            Path(name).unlink(missing_ok=True)
        return super().recognize(image)
