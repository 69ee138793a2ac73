"""Vietnamese normalisation of words: NFC, tone placement, OCR look-alikes, dashes."""

from __future__ import annotations

import unicodedata

import pytest

from extractor.normalize import Normalizer
from extractor.patterns import load_patterns

NORMALIZER = Normalizer(load_patterns().lookalikes)


@pytest.mark.parametrize(
    ("seen", "wanted"),
    [
        ("683-QÐ/HVCTQG", "683-QĐ/HVCTQG"),  # Icelandic Eth from Tesseract
        ("hoà", "hòa"),
        ("Hoà", "Hòa"),
        ("thuỷ", "thủy"),
        ("Thuý", "Thúy"),
        ("khoẻ", "khỏe"),
        ("Hoá", "Hóa"),
        ("quý", "quý"),  # "qu" is the onset: the mark stays on y
        ("hoàn", "hoàn"),  # closed syllable: only one placement exists
        ("thuyết", "thuyết"),
        ("2016–2020", "2016-2020"),
        ("Số\u200b", "Số"),
    ],
)
def test_word(seen: str, wanted: str) -> None:
    assert NORMALIZER.word(seen) == wanted


def test_decomposed_input_becomes_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Trường Chính trị")
    assert NORMALIZER.text(decomposed) == "Trường Chính trị"
    assert unicodedata.is_normalized("NFC", NORMALIZER.text(decomposed))


def test_ascii_passes_untouched() -> None:
    assert NORMALIZER.word("51-BC/CTD") == "51-BC/CTD"
