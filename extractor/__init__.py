"""Vietnamese administrative reports (PDF) → structured, confidence-scored JSON.

``from extractor import extract; record = extract("report.pdf")`` gives a ``Record``: typed
objects (``record.document.number.value``, ``record.figures[0].classes``), ``record.data``
(the JSON contract as a dict), ``record.to_json()``; ``Record.from_json(text)`` reads one back.
Every public name is loaded on first use, so ``extractor --help`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_HOMES = {
    "extract": "extractor.extract",
    "Extractor": "extractor.extract",
    "ExtractOptions": "extractor.extract",
    "Record": "extractor.record",
    "ExtractorError": "extractor.errors",
    **dict.fromkeys(
        (
            "Contents",
            "Document",
            "Field",
            "Figure",
            "Mention",
            "ReceivedStamp",
            "Reference",
            "RejectedItem",
            "ReviewItem",
            "School",
            "Signature",
            "Signer",
            "Source",
        ),
        "extractor.types",
    ),
}
__all__ = ["__version__", *_HOMES]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
