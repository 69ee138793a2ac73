"""What a batch asks its workers to do, as plain functions of picklable arguments.

A document is read in up to three kinds of task, so that the OCR of one long scan spreads
over every worker instead of holding one:

1. ``probe``: hash the file, read every page's text layer; when no page needs OCR, build the
   record right there (the common born-digital case costs one task);
2. ``ocr``: one page rendered and OCRed (or its words taken from the OCR cache);
3. ``assemble``: layout, finders and record from the pages the other tasks read.

Each worker process (local or Dask) keeps one ``Extractor`` and one OCR engine per set of
options, created on first use.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.extract import ExtractOptions, Extractor
from extractor.ingest import check_input, ocr_page, open_pdf, usable_text_layer, with_signatures
from extractor.model import OcrWords, PageWords
from extractor.ocr import OcrOptions
from extractor.signatures import Signature
from extractor.store import Store


@dataclass(frozen=True)
class Probed:
    sha256: str
    pages: tuple[PageWords | None, ...]
    """Text-layer pages; None for a page that needs OCR. Empty when ``record`` is set."""
    record: dict[str, Any] | None
    signatures: tuple[Signature, ...] = ()


@functools.cache
def extractor_for(options: ExtractOptions) -> Extractor:
    return Extractor(options)


def warm_up(options: ExtractOptions) -> None:
    """Load patterns and the spaCy pipeline before the first task (a worker initializer)."""
    from extractor.nlp import pipeline_for

    pipeline_for(extractor_for(options).patterns)


def probe(path: str, file: str, options: ExtractOptions) -> Probed:
    facts = check_input(Path(path))
    sha256 = facts.sha256
    document = open_pdf(Path(path))
    try:
        pages: list[PageWords | None] = []
        for index in range(len(document)):
            page = document[index]
            try:
                pages.append(usable_text_layer(page, index + 1, options.ingest))
            finally:
                page.close()
    finally:
        document.close()
    pages, signatures = with_signatures(Path(path), pages, facts.signed)
    if all(page is not None for page in pages):
        return Probed(sha256, (), assemble(file, sha256, tuple(pages), options, signatures))
    return Probed(sha256, tuple(pages), None, signatures)


def ocr(path: str, index: int, options: ExtractOptions, cache_path: str | None, refresh: bool = False) -> PageWords:
    """One page's OCR words; with ``cache_path`` (the batch's store) taken from its cache, or
    added to it (``refresh``: OCR again whatever the cache holds, as ``--force`` asks)."""
    extractor = extractor_for(options)
    cache = store_cache(cache_path, options.ingest.ocr, refresh) if cache_path and Path(cache_path).exists() else None
    document = open_pdf(Path(path))
    try:
        page = document[index]
        try:
            return ocr_page(page, index + 1, extractor.engine(), options.ingest.ocr, path, cache)
        finally:
            page.close()
    finally:
        document.close()


def assemble(
    file: str,
    sha256: str,
    pages: tuple[PageWords, ...],
    options: ExtractOptions,
    signatures: tuple[Signature, ...] = (),
) -> dict[str, Any]:
    return extractor_for(options).assemble(file, sha256, pages, signatures).data


class StoreCache:
    """The OCR cache in the batch's store, as ``ingest.OcrCache``."""

    def __init__(self, store: Store, settings: str, refresh: bool) -> None:
        self.store = store
        self.settings = settings
        self.refresh = refresh

    def get(self, key: str) -> OcrWords | None:
        return None if self.refresh else self.store.ocr_words(key, self.settings)

    def put(self, key: str, found: OcrWords) -> None:
        self.store.save_ocr_words(key, self.settings, found)


@functools.cache
def store_cache(path: str, options: OcrOptions, refresh: bool) -> StoreCache:
    return StoreCache(Store(Path(path)), options.cache_key(), refresh)
