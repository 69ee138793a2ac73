"""Names printed in capitals ("CỤM THI ĐUA CÁC TRƯỜNG CHÍNH TRỊ ...") → their official casing.

The best source is the document itself: the body usually writes the same name in running
text, so the most frequent spelling there wins. Otherwise the name is put in sentence case,
abbreviations are written out and known proper nouns (provinces, "Hồ Chí Minh") get their
capitals back.
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter

import regex

from extractor.patterns import Patterns


def _fold_table() -> dict[int, str]:
    table = {}
    for code in range(0x20, 0x2000):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0].lower().replace("đ", "d")
        table[code] = base if base.isalnum() and len(base) == 1 else " "
    table[ord("đ")] = table[ord("Đ")] = "d"
    return table


FOLD_TABLE = _fold_table()


@functools.lru_cache(maxsize=4)
def fold_same_length(text: str) -> str:
    """``fold`` that keeps every character in place (for mapping matches back): "Cụm Thị" → "cum thi"."""
    return text.translate(FOLD_TABLE)


def spellings(name: str, text: str) -> Counter[str]:
    """How often ``text`` writes ``name`` each way (not all capitals), compared without case or
    diacritics so that OCR damage in the printed name does not matter."""
    words = fold_same_length(name).split()
    if not words:
        return Counter()
    pattern = regex.compile(r"(?<![a-z0-9])" + r"\s+".join(regex.escape(w) for w in words) + r"(?![a-z0-9])")
    return Counter(
        " ".join(text[m.start() : m.end()].split())
        for m in pattern.finditer(fold_same_length(text))
        if not text[m.start() : m.end()].isupper()
    )


def restore_from_text(name: str, text: str) -> str | None:
    """The most frequent spelling of ``name`` in ``text`` that is not all capitals."""
    found = spellings(name, text)
    return found.most_common(1)[0][0] if found else None


def expand_abbreviations(text: str, patterns: Patterns) -> str:
    words = [patterns.abbreviations.get(word, word) for word in text.split()]
    return " ".join(words)


def sentence_case(text: str, patterns: Patterns) -> str:
    """ "TỈNH ỦY THANH HÓA" → "Tỉnh ủy Thanh Hóa"; "PHÓ HIỆU TRƯỞNG" → "Phó Hiệu trưởng"."""
    lowered = text.lower()
    result = lowered[:1].upper() + lowered[1:]
    for phrase in patterns.capitalised:
        result = regex.sub(r"(?<!\p{L})" + regex.escape(phrase) + r"(?!\p{L})", phrase, result, flags=regex.IGNORECASE)
    # A deputy's or acting head's title keeps the capital of the title it qualifies.
    return patterns.regexes["title_qualifier_cs"].sub(lambda m: m.group(0)[:-1] + m.group(1).upper(), result)


def title_case(printed: str, patterns: Patterns) -> str:
    """A signer's title as officially written: "HIÊU TRƯỞNG" (OCR) → "Hiệu trưởng"; the unit
    after a known title keeps its capital: "TRƯỞNG PHÒNG ĐÀO TẠO" → "Trưởng phòng Đào tạo"."""
    words = printed.split()
    keys = [fold_same_length(word).strip() for word in words]
    for count in range(len(keys), 0, -1):
        title = patterns.positions.get(" ".join(keys[:count]))
        if title:
            rest = " ".join(words[count:])
            return f"{title} {sentence_case(rest, patterns)}" if rest else title
    return sentence_case(printed, patterns)


def official_name(printed: str, patterns: Patterns, text: str) -> str:
    """A name as the document writes it in running text, else in sentence case."""
    printed = " ".join(printed.split())
    if not printed.isupper():
        return printed
    expanded = expand_abbreviations(printed, patterns)
    return restore_from_text(expanded, text) or sentence_case(expanded, patterns)
