"""Page images for the review pages, rendered from the original PDFs and cached.

Pages are rendered with pypdfium2 at ``PAGE_DPI`` and kept as PNG files under
``OUT_DIR/.review-cache/`` named by document hash, page and resolution (written through a
temporary file and a rename, so two servers on one store never see half a file). A crop around
a field's box, with the box drawn, is cut from the cached page. Boxes are in PDF points with the
origin at the top-left, whether they came from the text layer or from OCR.

Only files the store lists are opened: a document is found by its sha256 in the store's
``files`` table, under the archive the batch recorded, and only when its size and time are still
those the batch saw (else its boxes may not fit).
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from extractor.files import write_bytes_atomically

if TYPE_CHECKING:
    from PIL.Image import Image
    from pypdfium2 import PdfDocument

CACHE_NAME = ".review-cache"
PAGE_DPI = 150
CROP_MARGIN = (160.0, 40.0)
"""Points of context kept left and right, above and below a field's box: the rest of its line
and about two lines of text on each side."""
BOX_COLOUR = (220, 38, 38)
PNG_EFFORT = 1
"""zlib level: the images travel over loopback, so encoding fast beats encoding small."""
_PDFIUM = threading.Lock()
"""pdfium is not thread-safe; the server renders from a thread pool."""


class PageUnavailable(Exception):
    """The PDF behind a record cannot be shown (moved, changed since the batch, no such page)."""


@dataclass(frozen=True)
class PdfFile:
    path: Path
    size: int
    mtime_ns: int


class PageImages:
    def __init__(self, out_dir: Path) -> None:
        self.cache = out_dir / CACHE_NAME

    def page_png(self, pdf: PdfFile, sha256: str, page: int) -> Path:
        """The cached PNG of one page (1-based), rendered when missing."""
        target = self.cache / f"{sha256}-p{page}-{PAGE_DPI}dpi.png"
        if not target.is_file():
            image = self._render(pdf, page)
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", compress_level=PNG_EFFORT)
            write_bytes_atomically(target, buffer.getvalue())
        return target

    def crop_png(self, pdf: PdfFile, sha256: str, page: int, bbox: tuple[float, float, float, float]) -> bytes:
        """The part of a page around ``bbox`` (PDF points), with the box drawn."""
        from PIL import Image, ImageDraw

        scale = PAGE_DPI / 72
        with Image.open(self.page_png(pdf, sha256, page)) as image:
            page_image = image.convert("RGB")
        x0, top, x1, bottom = (round(v * scale) for v in bbox)
        across, down = (round(margin * scale) for margin in CROP_MARGIN)
        left, upper = max(0, x0 - across), max(0, top - down)
        right, lower = min(page_image.width, x1 + across), min(page_image.height, bottom + down)
        if right <= left or lower <= upper:
            raise PageUnavailable(f"the box {list(bbox)} is outside page {page}")
        crop = page_image.crop((left, upper, right, lower))
        draw = ImageDraw.Draw(crop)
        draw.rectangle((x0 - left - 3, top - upper - 3, x1 - left + 3, bottom - upper + 3), outline=BOX_COLOUR, width=3)
        buffer = io.BytesIO()
        crop.save(buffer, format="PNG", compress_level=PNG_EFFORT)
        return buffer.getvalue()

    @staticmethod
    def page_sizes(pdf: PdfFile) -> list[tuple[float, float]]:
        """Width and height of every page in points, as the PDF shows them (rotation applied)."""
        with _PDFIUM:
            document = _open(pdf)
            try:
                return [document[index].get_size() for index in range(len(document))]
            finally:
                document.close()

    @staticmethod
    def _render(pdf: PdfFile, page: int) -> Image:
        with _PDFIUM:
            document = _open(pdf)
            try:
                if not 1 <= page <= len(document):
                    raise PageUnavailable(f"{pdf.path.name} has no page {page}")
                return document[page - 1].render(scale=PAGE_DPI / 72).to_pil().convert("RGB")
            finally:
                document.close()


def _open(pdf: PdfFile) -> PdfDocument:
    import pypdfium2 as pdfium

    try:
        stat = pdf.path.stat()
    except OSError:
        raise PageUnavailable(f"{pdf.path} is not there any more") from None
    if (stat.st_size, stat.st_mtime_ns) != (pdf.size, pdf.mtime_ns):
        raise PageUnavailable(f"{pdf.path} changed since the batch read it; run the batch again")
    try:
        return pdfium.PdfDocument(pdf.path)
    except pdfium.PdfiumError as exc:
        raise PageUnavailable(f"{pdf.path}: {exc}") from None
