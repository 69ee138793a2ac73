"""The pipeline, start to end: PDF → words → lines → findings → record.

``Extractor`` keeps what is expensive to set up (patterns, the spaCy pipeline, a loaded
Tesseract) for the whole run; ``extract()`` is the one-call API for embedding.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from extractor import __version__
from extractor.finders import find_fields
from extractor.finders.appearances import find_appearance_signatures
from extractor.ingest import IngestOptions, read_document
from extractor.layout import build_document_text
from extractor.model import PageWords
from extractor.ocr import OcrEngine, make_engine
from extractor.patterns import load_patterns
from extractor.record import Record, SourceInfo, build_record
from extractor.signatures import Signature, combine_signatures, signature_review


@dataclass(frozen=True)
class ExtractOptions:
    ingest: IngestOptions = field(default_factory=IngestOptions)
    review_threshold: float = 0.8
    patterns_dir: Path | None = None


class Extractor:
    def __init__(self, options: ExtractOptions | None = None, engine: OcrEngine | None = None) -> None:
        self.options = options or ExtractOptions()
        self.patterns = load_patterns(self.options.patterns_dir)
        self._engine = engine

    def engine(self) -> OcrEngine:
        """The OCR engine, started on first use: text-layer documents never load Tesseract."""
        if self._engine is None:
            self._engine = make_engine(self.options.ingest.ocr)
        return self._engine

    def extract(self, path: str | Path) -> Record:
        ingested = read_document(Path(path), self.options.ingest, self.engine)
        return self.assemble(str(path), ingested.sha256, ingested.pages, ingested.signatures)

    def assemble(
        self, file: str, sha256: str, pages: Sequence[PageWords], signatures: Sequence[Signature] = ()
    ) -> Record:
        """The record of a document whose pages have been read (here or by batch workers)."""
        text = build_document_text(pages, self.patterns)
        findings = find_fields(text, self.patterns)
        signed = combine_signatures(signatures, find_appearance_signatures(text, self.patterns))
        findings.review.extend(signature_review(signed))
        source = SourceInfo(file, sha256, tuple(page.source for page in pages), tuple(s.to_json() for s in signed))
        return build_record(source, findings, self.options.review_threshold, __version__)


def extract(path: str | Path, options: ExtractOptions | None = None) -> Record:
    """Extract one report: ``record = extract("report.pdf"); print(record.to_json())``."""
    return Extractor(options).extract(path)


class _CallableModule(ModuleType):
    """Importing ``extractor.extract`` (for ``Extractor``) makes the package attribute
    ``extractor.extract`` this module instead of the function, so ``from extractor import
    extract`` may give either: both are called the same way."""

    def __call__(self, path: str | Path, options: ExtractOptions | None = None) -> Record:
        return extract(path, options)


sys.modules[__name__].__class__ = _CallableModule
