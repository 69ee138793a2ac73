"""Stage 1: a PDF file → pages of words with boxes and confidences.

Each page is read from its text layer when that layer is usable, else rendered in memory and
OCRed. The file is opened read-only; nothing is ever written to it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import regex

from extractor import legacy, ruled_tables
from extractor.errors import (
    DamagedPdf,
    EmptyFile,
    EncryptedPdf,
    ExtractorError,
    InputFileNotFound,
    NoPages,
    NotAPdf,
    OcrFailed,
    TooManyPages,
    UnreadableFile,
)
from extractor.model import OcrWords, PageWords, TextSource, Word
from extractor.ocr import (
    GrayImage,
    OcrEngine,
    OcrOptions,
    PageImage,
    PixelWord,
    page_dropout,
    read_page,
    render_grey,
)

if TYPE_CHECKING:
    from pypdfium2 import PdfDocument, PdfPage, PdfTextPage

    from extractor.signatures import Signature

WORD = regex.compile(r"\S+")
# In UTF-8 read as cp1252, "à" (C3 A0) is "Ã" + a no-break space: one word, not two.
MOJIBAKE_WORD = regex.compile(r"(?:\u00c3\u00a0|\S)+")
# Letters a Vietnamese text layer should not be made of: Latin-1 symbols that TCVN3/VNI
# fonts use for accented letters (``Tr­êng ChÝnh trÞ``), replacement and private-use marks.
LEGACY_OR_BROKEN = regex.compile(r"[\u00a1-\u00bf\u00d7\u00de\u00f7\ufffd\p{Co}\x00-\x08]")
LOAD_FAILURE_SCAN = 1 << 20
ENCRYPTED = regex.compile(rb"/Encrypt\b")
EMPTY_PAGE_TREE = regex.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+0\b|/Count\s+0\b[^>]*?/Type\s*/Pages\b")
SIGNATURE_MARK = b"/ByteRange"
TAIL_BYTES = 2048
"""A complete PDF ends with "%%EOF" within this many bytes (some writers append a little)."""
MIN_TEXT_CHARS = 40
MAX_SUSPECT_SHARE = 0.02
MAX_DAMAGED_SHARE = 0.25
"""Share of non-ASCII words that may fail to read as Vietnamese syllables (names, typos)."""
FONT_NAME_BYTES = 128


@dataclass(frozen=True)
class IngestOptions:
    ocr: OcrOptions = field(default_factory=OcrOptions)
    force_ocr: bool = False
    max_pages: int | None = None
    """Refuse a longer document (``TooManyPages``) before reading any page."""


@dataclass(frozen=True)
class IngestedDocument:
    path: Path
    sha256: str
    pages: tuple[PageWords, ...]
    signatures: tuple[Signature, ...] = ()
    """Signature dictionaries of the file (read with pyHanko, the file untouched)."""


def read_document(path: Path, options: IngestOptions, get_engine: Callable[[], OcrEngine]) -> IngestedDocument:
    """Every page of ``path`` as words; ``get_engine`` is called only if a page needs OCR."""
    facts = check_input(path)
    document = open_pdf(path)
    try:
        if options.max_pages is not None and len(document) > options.max_pages:
            raise TooManyPages(str(path), f"{len(document)} pages; at most {options.max_pages} are taken")
        pages = tuple(read_pages(document, options, get_engine, str(path)))
    finally:
        document.close()
    stamped, signatures = with_signatures(path, pages, facts.signed)
    return IngestedDocument(path, facts.sha256, tuple(page for page in stamped if page is not None), signatures)


def with_signatures(
    path: Path, pages: Sequence[PageWords | None], signed: bool
) -> tuple[list[PageWords | None], tuple[Signature, ...]]:
    """The file's signature dictionaries, and its pages with the words that e-office software
    stamps into signature widgets at signing (the number and day left blank on the page)."""
    from extractor.signatures import read_signatures, read_widget_texts, with_widget_words

    widgets = read_widget_texts(path)
    read = [page for page in pages if page is not None]
    stamped = iter(with_widget_words(read, widgets) if widgets else read)
    signatures = tuple(read_signatures(path)) if signed else ()
    return [None if page is None else next(stamped) for page in pages], signatures


@dataclass(frozen=True)
class InputFacts:
    """What one read of the whole file tells, before any PDF parser runs."""

    sha256: str
    signed: bool
    """The file has a signature dictionary (``/ByteRange``): only then is pyHanko worth loading."""


def check_input(path: Path) -> InputFacts:
    """Hash the file and look for signatures in one read, after the checks that need no parser."""
    name = str(path)
    if not path.exists():
        raise InputFileNotFound(name, "no such file")
    if not path.is_file():
        raise UnreadableFile(name, "not a regular file")
    if not os.access(path, os.R_OK):
        raise UnreadableFile(name, "permission denied")
    digest = hashlib.sha256()
    tail = b""
    signed = False
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
            digest.update(head)
            tail = head
            signed = SIGNATURE_MARK in head
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
                signed = signed or SIGNATURE_MARK in tail[-len(SIGNATURE_MARK) :] + chunk
                tail = (tail + chunk)[-TAIL_BYTES:]
    except OSError as exc:
        raise UnreadableFile(name, exc.strerror or "cannot be read") from None
    if not head:
        raise EmptyFile(name, "the file is empty (0 bytes)")
    if b"%PDF-" not in head:
        raise NotAPdf(name, "not a PDF (no %PDF- header)")
    if b"%%EOF" not in tail[-TAIL_BYTES:]:
        raise DamagedPdf(name, "the PDF is truncated (no end-of-file marker)")
    return InputFacts(digest.hexdigest(), signed)


def open_pdf(path: Path) -> PdfDocument:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError:
        raise load_failure(path) from None
    if len(document) == 0:
        document.close()
        raise NoPages(str(path), "the PDF has no pages")
    return document


def load_failure(path: Path) -> ExtractorError:
    """Why pdfium refused a file, told from the file itself: pdfium's own error code is a
    per-thread "last error" that a document without pages leaves unset, so a worker would
    report the previous file's reason."""
    name = str(path)
    with path.open("rb") as stream:
        head = stream.read(LOAD_FAILURE_SCAN)
        stream.seek(max(0, path.stat().st_size - LOAD_FAILURE_SCAN))
        tail = stream.read()
    if ENCRYPTED.search(head) or ENCRYPTED.search(tail):
        return EncryptedPdf(name, "the PDF is password-protected")
    if EMPTY_PAGE_TREE.search(head) or EMPTY_PAGE_TREE.search(tail):
        return NoPages(name, "the PDF has no pages")
    return DamagedPdf(name, "the PDF is damaged or truncated and cannot be parsed")


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
    """The page's text-layer words (and its ruled tables) when they can be trusted, else None
    (the page needs OCR)."""
    if options.force_ocr:
        return None
    words = text_layer_page(page, number)
    if not is_usable(words):
        return None
    tables = ruled_tables.find_tables(page, words.words)
    return dataclasses.replace(words, tables=tables) if tables else words


def page_size(page: PdfPage) -> tuple[float, float]:
    width, height = page.get_size()
    return float(width), float(height)


def text_layer_page(page: PdfPage, number: int) -> PageWords:
    """Words of the page's text layer, in Unicode NFC whatever the fonts' encodings.

    The text comes in one call; boxes are asked only for each word's first and last
    character (the loose box: the font's full height, so lines group cleanly). A page that may
    hold legacy-encoded or damaged text (``legacy.needs_attention``) has its words converted
    font by font; other pages cost one regular-expression scan more.
    """
    import pypdfium2.raw as pdfium_c

    width, height = page_size(page)
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        attention = legacy.needs_attention(text)
        matches = list((MOJIBAKE_WORD if attention and legacy.MOJIBAKE.search(text) else WORD).finditer(text))
        texts = [match.group() for match in matches]
        if attention:
            texts = convert_by_font(textpage, matches, texts)
        rect, raw, char_box = pdfium_c.FS_RECTF(), textpage.raw, pdfium_c.FPDFText_GetLooseCharBox
        words = []
        for match, word in zip(matches, texts, strict=True):
            char_box(raw, match.start(), rect)
            left, top = rect.left, rect.top
            char_box(raw, match.end() - 1, rect)
            words.append(Word(word, (left, height - top, rect.right, height - rect.bottom), 1.0))
    finally:
        textpage.close()
    return PageWords(number, width, height, TextSource.TEXT_LAYER, tuple(words))


def convert_by_font(textpage: PdfTextPage, matches: list[regex.Match[str]], texts: list[str]) -> list[str]:
    """Each word converted according to the font of its first character, font by font."""
    by_font: dict[str, list[int]] = {}
    for index, font in enumerate(word_fonts(textpage, matches)):
        by_font.setdefault(font, []).append(index)
    converted = list(texts)
    for font, indices in by_font.items():
        for index, word in zip(indices, legacy.convert_words([texts[i] for i in indices], font), strict=True):
            converted[index] = word
    return converted


def word_fonts(textpage: PdfTextPage, matches: list[regex.Match[str]]) -> list[str]:
    """The font name of each word's first character (one pdfium call per word, not per character)."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    buffer = ctypes.create_string_buffer(FONT_NAME_BYTES)
    flags = ctypes.c_int()
    get_font, raw, size = pdfium_c.FPDFText_GetFontInfo, textpage.raw, len(buffer)
    names = []
    for match in matches:
        length = get_font(raw, match.start(), buffer, size, ctypes.byref(flags))
        names.append(buffer.value.decode("latin-1") if length else "")
    return names


def is_usable(page: PageWords) -> bool:
    """Enough text, not made of the symbols that legacy encodings or broken maps leave, and
    (after conversion) words that read as Vietnamese rather than the debris of an encoding
    nobody recognised (``Tröôøng`` reads as Latin-1 letters, not as symbols)."""
    text = " ".join(word.text for word in page.words)
    letters = len(text) - text.count(" ")
    if letters < MIN_TEXT_CHARS:
        return False
    suspect = len(LEGACY_OR_BROKEN.findall(text))
    return suspect / letters <= MAX_SUSPECT_SHARE and legacy.damaged_share(text) <= MAX_DAMAGED_SHARE


class OcrCache(Protocol):
    """Where OCR words of a page image are kept (the batch store); keys name image and settings."""

    def get(self, key: str) -> OcrWords | None: ...

    def put(self, key: str, found: OcrWords) -> None: ...


def ocr_page(
    page: PdfPage, number: int, engine: OcrEngine, options: OcrOptions, name: str, cache: OcrCache | None = None
) -> PageWords:
    """Render the page in memory and OCR it (or take its words from ``cache``); boxes in PDF
    points on the levelled, upright page, with the skew and quarter turns that made it so.
    The page is rendered in colour too (its drop-out) only when it is to be read."""
    width, height = page_size(page)
    try:
        grey = render_grey(page, options.dpi)
        key = image_key(grey, options) if cache else ""
        found = cache.get(key) if cache else None
        if found is None:
            image = PageImage(grey, page_dropout(page, grey) if options.colour_dropout else None)
            reading = read_page(engine, image, options, first_page=number == 1)
            scale = width / grey.width
            found = OcrWords(to_points(reading.words, scale, scale), reading.quarter_turns, reading.skew)
            if cache:
                cache.put(key, found)
    except ExtractorError as exc:
        raise type(exc)(name, f"page {number}: {exc.message}") from None
    except (RuntimeError, OSError, ValueError) as exc:
        raise OcrFailed(name, f"page {number}: OCR failed ({exc})") from None
    if found.quarter_turns % 2:  # the upright page is the page turned a quarter: its sides swap
        width, height = height, width
    return PageWords(number, width, height, TextSource.OCR, found.words, found.quarter_turns, skew=found.skew)


def image_key(image: GrayImage, options: OcrOptions) -> str:
    digest = hashlib.sha256(image.pixels)
    digest.update(f"{image.width}x{image.height}/{image.stride}@{image.dpi}|{options.cache_key()}".encode())
    return digest.hexdigest()


def to_points(words: list[PixelWord], scale_x: float, scale_y: float) -> tuple[Word, ...]:
    return tuple(
        Word(w.text, (w.box[0] * scale_x, w.box[1] * scale_y, w.box[2] * scale_x, w.box[3] * scale_y), w.confidence)
        for w in words
    )
