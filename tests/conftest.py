"""Shared fixtures: one Extractor (patterns, spaCy, Tesseract loaded once) and sample records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.extract import Extractor

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="session")
def records(extractor: Extractor) -> dict[str, dict]:
    """Records of the committed samples, extracted once for the whole session."""
    return {path.stem: extractor.extract(path).data for path in sorted(SAMPLES.glob("*.pdf"))}


def expected(stem: str) -> dict:
    return json.loads((SAMPLES / "expected" / f"{stem}.json").read_text(encoding="utf-8"))
