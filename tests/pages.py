"""Build ``PageWords`` from lines of text placed on a page, for finder tests without a PDF."""

from __future__ import annotations

from extractor.model import PageWords, TextSource, Word

CHAR_WIDTH = 6.0
LINE_HEIGHT = 14.0
A4 = (595.0, 842.0)


def placed_words(x: float, top: float, text: str, confidence: float = 1.0) -> list[Word]:
    """Words of ``text`` laid out from ``x`` on the line whose top is ``top``."""
    words = []
    cursor = x
    for part in text.split(" "):
        if part:
            width = CHAR_WIDTH * len(part)
            words.append(Word(part, (cursor, top, cursor + width, top + LINE_HEIGHT), confidence))
            cursor += width
        cursor += CHAR_WIDTH
    return words


def page(
    lines: list[tuple[float, float, str]], number: int = 1, source: TextSource = TextSource.TEXT_LAYER
) -> PageWords:
    """A page from ``(x, top, text)`` lines."""
    words = [w for x, top, text in lines for w in placed_words(x, top, text)]
    return PageWords(number, A4[0], A4[1], source, tuple(words))


def body(lines: list[str], start: float = 260.0, x: float = 60.0) -> list[tuple[float, float, str]]:
    """Body lines one under the other, from ``start``."""
    return [(x, start + i * 18.0, text) for i, text in enumerate(lines)]


TEXT_AREA = (60.0, 540.0)


def centred(top: float, text: str) -> tuple[float, float, str]:
    """A line centred in the text area (titles, trích yếu)."""
    width = CHAR_WIDTH * len(text)
    return ((TEXT_AREA[0] + TEXT_AREA[1] - width) / 2, top, text)


FILLER = "Nhà trường tiếp tục đổi mới nội dung và phương pháp dạy, gắn với thực tiễn tỉnh."
"""A body line as wide as the text area (80 characters at 6 points)."""
assert len(FILLER) == 80

HEADER_PARTY = [
    (70, 40, "TỈNH ỦY HẢI DƯƠNG"),
    (70, 58, "TRƯỜNG CHÍNH TRỊ"),
    (110, 76, "*"),
    (80, 94, "Số 27-BC/TCT"),
    (330, 40, "ĐẢNG CỘNG SẢN VIỆT NAM"),
    (320, 94, "Hải Dương, ngày 05 tháng 3 năm 2022"),
    centred(140, "BÁO CÁO"),
    centred(158, "kết quả đào tạo năm 2021"),
]
