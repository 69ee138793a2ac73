"""Stage 2a: Vietnamese text normalisation of single words.

Words are normalised one at a time, before lines are built, so that the character offsets
finders see are the offsets of the normalised text and provenance stays exact.

- Unicode NFC (text layers and OCR may give decomposed letters);
- look-alikes from ``patterns/lookalikes.tsv`` (``Ð`` U+00D0 for ``Đ`` U+0110, dash and space
  variants, invisible characters);
- one tone-mark placement: in the open syllables ``oa``, ``oe``, ``uy`` the mark sits on the
  first vowel (``hòa``, ``khỏe``, ``thủy``), the form the gazetteer and official names use;
  ``hoà``/``thuỷ`` are rewritten. Closed syllables (``hoàn``, ``thuyết``) are already unique.
"""

from __future__ import annotations

import unicodedata

import regex

TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
# A toned a/e/y directly after o/u at the end of a syllable (no coda), not after "q" ("quý").
MISPLACED_TONE = regex.compile(
    r"(?<![qQ])([oO])([àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸ])(?!\p{L})|(?<![qQ])([uU])([ỳýỷỹỵỲÝỶỸỴ])(?!\p{L})"
)


def _move_tone(match: regex.Match[str]) -> str:
    first = match.group(1) or match.group(3)
    second = match.group(2) or match.group(4)
    decomposed = unicodedata.normalize("NFD", second)
    tone = next(ch for ch in decomposed if ch in TONE_MARKS)
    bare = decomposed.replace(tone, "")
    return unicodedata.normalize("NFC", first + tone) + unicodedata.normalize("NFC", bare)


class Normalizer:
    """Normalises words with a look-alike table loaded from ``patterns/``."""

    def __init__(self, lookalikes: dict[int, str]) -> None:
        self._table = lookalikes

    def word(self, text: str) -> str:
        if text.isascii():
            return text
        text = unicodedata.normalize("NFC", text.translate(self._table))
        return MISPLACED_TONE.sub(_move_tone, text)

    def text(self, text: str) -> str:
        """Normalise free text (a whole string: a gazetteer entry, a pattern, a correction)."""
        return " ".join(self.word(part) for part in text.split())
