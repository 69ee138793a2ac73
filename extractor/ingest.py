"""Stage 1: a PDF file → pages of words with boxes and confidences.

Each page is read from its text layer when that layer is usable, else rendered in memory and
OCRed. The file is opened read-only; nothing is ever written to it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import regex

from extractor.errors import (
    DamagedPdf,
    EmptyFile,
    EncryptedPdf,
    ExtractorError,
    InputFileNotFound,
    NoPages,
    NotAPdf,
    OcrFailed,
    UnreadableFile,
)
from extractor.model import PageWords, TextSource, Word
from extractor.ocr import GrayImage, OcrEngine, OcrOptions, PixelWord, recognize_upright, render_page

if TYPE_CHECKING:
    from pypdfium2 import PdfDocument, PdfPage, PdfTextPage

WORD = regex.compile(r"\S+")
# Letters a Vietnamese text layer should not be made of: Latin-1 symbols that TCVN3/VNI
# fonts use for accented letters (``Tr­êng ChÝnh trÞ``), replacement and private-use marks.
LEGACY_OR_BROKEN = regex.compile(r"[\u00a1-\u00bf\u00d7\u00de\u00f7\ufffd\p{Co}\x00-\x08]")
LEGACY_FONT = regex.compile(r"^(?:[A-Z]{6}\+)?(?:\.Vn|VNI[-_]|VN[-_]?Times)", regex.IGNORECASE)
TAIL_BYTES = 2048
"""A complete PDF ends with "%%EOF" within this many bytes (some writers append a little)."""
MIN_TEXT_CHARS = 40
MAX_SUSPECT_SHARE = 0.02


@dataclass(frozen=True)
class IngestOptions:
    ocr: OcrOptions = field(default_factory=OcrOptions)
    force_ocr: bool = False


@dataclass(frozen=True)
class IngestedDocument:
    path: Path
    sha256: str
    pages: tuple[PageWords, ...]


def read_document(path: Path, options: IngestOptions, get_engine: Callable[[], OcrEngine]) -> IngestedDocument:
    """Every page of ``path`` as words; ``get_engine`` is called only if a page needs OCR."""
    digest = check_input(path)
    document = open_pdf(path)
    try:
        pages = tuple(read_pages(document, options, get_engine, str(path)))
    finally:
        document.close()
    return IngestedDocument(path, digest, pages)


def check_input(path: Path) -> str:
    """SHA-256 of the file, after the checks that need no PDF parser."""
    name = str(path)
    if not path.exists():
        raise InputFileNotFound(name, "no such file")
    if not path.is_file():
        raise UnreadableFile(name, "not a regular file")
    if not os.access(path, os.R_OK):
        raise UnreadableFile(name, "permission denied")
    digest = hashlib.sha256()
    tail = b""
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
            digest.update(head)
            tail = head
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
                tail = (tail + chunk)[-TAIL_BYTES:]
    except OSError as exc:
        raise UnreadableFile(name, exc.strerror or "cannot be read") from None
    if not head:
        raise EmptyFile(name, "the file is empty (0 bytes)")
    if b"%PDF-" not in head:
        raise NotAPdf(name, "not a PDF (no %PDF- header)")
    if b"%%EOF" not in tail[-TAIL_BYTES:]:
        raise DamagedPdf(name, "the PDF is truncated (no end-of-file marker)")
    return digest.hexdigest()


def open_pdf(path: Path) -> PdfDocument:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    name = str(path)
    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise EncryptedPdf(name, "the PDF is password-protected") from None
        if exc.err_code == pdfium_c.FPDF_ERR_SECURITY:
            raise EncryptedPdf(name, "the PDF uses an unsupported security handler") from None
        raise DamagedPdf(name, "the PDF is damaged or truncated and cannot be parsed") from None
    if len(document) == 0:
        document.close()
        raise NoPages(name, "the PDF has no pages")
    return document


def read_pages(
    document: PdfDocument,
    options: IngestOptions,
    get_engine: Callable[[], OcrEngine],
    name: str,
) -> Iterator[PageWords]:
    for index in range(len(document)):
        page = document[index]
        try:
            words = usable_text_layer(page, index + 1, options)
            yield words or ocr_page(page, index + 1, get_engine(), options.ocr, name)
        finally:
            page.close()


def usable_text_layer(page: PdfPage, number: int, options: IngestOptions) -> PageWords | None:
    """The page's text-layer words when they can be trusted, else None (the page needs OCR)."""
    if options.force_ocr:
        return None
    words = text_layer_page(page, number)
    return words if words is not None and is_usable(words) else None


def page_size(page: PdfPage) -> tuple[float, float]:
    width, height = page.get_size()
    return float(width), float(height)


def text_layer_page(page: PdfPage, number: int) -> PageWords | None:
    """Words of the page's text layer, or None when it uses a legacy-encoded font.

    The text comes in one call; boxes are asked only for each word's first and last
    character (the loose box: the font's full height, so lines group cleanly).
    """
    import pypdfium2.raw as pdfium_c

    width, height = page_size(page)
    textpage = page.get_textpage()
    try:
        if uses_legacy_font(textpage):
            return None
        text = textpage.get_text_range()
        rect, raw, char_box = pdfium_c.FS_RECTF(), textpage.raw, pdfium_c.FPDFText_GetLooseCharBox
        words = []
        for match in WORD.finditer(text):
            char_box(raw, match.start(), rect)
            left, top = rect.left, rect.top
            char_box(raw, match.end() - 1, rect)
            words.append(Word(match.group(), (left, height - top, rect.right, height - rect.bottom), 1.0))
    finally:
        textpage.close()
    return PageWords(number, width, height, TextSource.TEXT_LAYER, tuple(words))


def uses_legacy_font(textpage: PdfTextPage) -> bool:
    """True when a sampled character is drawn with a TCVN3 (.VnTime) or VNI font."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    count = textpage.count_chars()
    buffer = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    for index in range(0, count, max(1, count // 8)):
        size = pdfium_c.FPDFText_GetFontInfo(textpage, index, buffer, len(buffer), ctypes.byref(flags))
        if size and LEGACY_FONT.search(buffer.value.decode("latin-1")):
            return True
    return False


def is_usable(page: PageWords) -> bool:
    """Enough text, and not made of the symbols that legacy encodings or broken maps leave."""
    text = "".join(word.text for word in page.words)
    if len(text) < MIN_TEXT_CHARS:
        return False
    suspect = len(LEGACY_OR_BROKEN.findall(text))
    return suspect / len(text) <= MAX_SUSPECT_SHARE


class OcrCache(Protocol):
    """Where OCR words of a page image are kept (the batch store); keys name image and settings.
    Entries are the words of the upright page and the quarter turns that made it upright."""

    def get(self, key: str) -> tuple[tuple[Word, ...], int] | None: ...

    def put(self, key: str, words: tuple[Word, ...], rotation: int) -> None: ...


def ocr_page(
    page: PdfPage, number: int, engine: OcrEngine, options: OcrOptions, name: str, cache: OcrCache | None = None
) -> PageWords:
    """Render the page in memory and OCR it (or take its words from ``cache``); boxes in PDF points."""
    width, height = page_size(page)
    try:
        image = render_page(page, options.dpi)
        key = image_key(image, options) if cache else ""
        found = cache.get(key) if cache else None
        if found is None:
            pixel_words, rotation = recognize_upright(engine, image)
            scale = width / image.width
            found = to_points(pixel_words, scale, scale), rotation
            if cache:
                cache.put(key, *found)
    except ExtractorError as exc:
        raise type(exc)(name, f"page {number}: {exc.message}") from None
    except (RuntimeError, OSError, ValueError) as exc:
        raise OcrFailed(name, f"page {number}: OCR failed ({exc})") from None
    words, rotation = found
    if rotation % 2:  # the upright page is the page turned a quarter: its sides swap
        width, height = height, width
    return PageWords(number, width, height, TextSource.OCR, words, rotation)


def image_key(image: GrayImage, options: OcrOptions) -> str:
    digest = hashlib.sha256(image.pixels)
    digest.update(f"{image.width}x{image.height}/{image.stride}@{image.dpi}|{options.cache_key()}".encode())
    return digest.hexdigest()


def to_points(words: list[PixelWord], scale_x: float, scale_y: float) -> tuple[Word, ...]:
    return tuple(
        Word(w.text, (w.box[0] * scale_x, w.box[1] * scale_y, w.box[2] * scale_x, w.box[3] * scale_y), w.confidence)
        for w in words
    )
