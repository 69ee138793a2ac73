"""Vietnamese administrative reports (PDF) → structured, confidence-scored JSON.

``from extractor import extract; record = extract("report.pdf")``. Heavy modules (pdfium,
spaCy, Tesseract) load on first use, so ``extractor --help`` stays fast.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "extract"]


def __getattr__(name: str) -> Any:
    if name == "extract":
        from extractor.extract import extract

        return extract
    raise AttributeError(name)
