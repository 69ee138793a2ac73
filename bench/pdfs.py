"""Small PDF helpers the benchmark scripts share."""

from __future__ import annotations

from pathlib import Path


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    try:
        return len(document)
    finally:
        document.close()
