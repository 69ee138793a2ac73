"""The OCR stage's own steps, with the real Tesseract: levelling a skewed scan (and boxes put
back on the page as shown), reading again under a seal with the colour dropped (the stamp on
blank paper kept), and reading weak header lines again as single lines. That the skewed
sample comes out whole is checked with the other scans in ``test_samples_extract.py``."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from extractor.evaluate import compare
from extractor.extract import Extractor
from extractor.images import PageImage, covering_marks, dropped_colour, from_pil, level_angle, rotate_by
from extractor.model import level_back
from extractor.ocr import OcrOptions, PixelWord, TesserocrEngine, line_parts, read_page, reads_better
from tests.conftest import SAMPLES, expected
from tests.ocr_images import degraded, drawn_page, font_path
from tests.pages import FILLER, HEADER_PARTY, body

SKEWED = "gov-12-BC-TCT-skewed"
SKEW_ANGLES = {1: 2.8, 2: -2.5}
"""Degrees counter-clockwise each page of the skewed sample was scanned at (make_samples.py)."""
STAMPED = "seed-51-BC-CTD-200dpi-stamp"
DPI = 150


@pytest.fixture(scope="module")
def sample_records(extractor: Extractor) -> dict[str, dict]:
    return {stem: extractor.extract(SAMPLES / f"{stem}.pdf").data for stem in (SKEWED, "gov-12-BC-TCT", STAMPED)}


# --- skew -------------------------------------------------------------------------------------


def text_page() -> Image.Image:
    return drawn_page([*HEADER_PARTY, *body([FILLER] * 20)], DPI)


@pytest.mark.parametrize("degrees", [-3.0, -1.2, 0.9, 2.8])
@pytest.mark.parametrize("sideways", [False, True])
def test_the_skew_of_a_page_is_measured(degrees: float, sideways: bool) -> None:
    """The angle that levels the page, whether its lines run across or (turned a quarter) down."""
    page = text_page()
    if sideways:
        page = page.transpose(Image.Transpose.ROTATE_90)
    skewed = page.rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor=255)
    assert level_angle(from_pil(skewed, DPI)) == pytest.approx(-degrees, abs=0.15)


def test_a_level_page_and_a_blank_one_are_left_alone() -> None:
    assert abs(level_angle(from_pil(text_page(), DPI))) < 0.1
    assert level_angle(from_pil(Image.new("L", (600, 800), 255), DPI)) == 0.0


def test_a_box_of_the_levelled_page_goes_back_where_the_ink_was() -> None:
    page = np.full((400, 600), 255, dtype=np.uint8)
    page[50:54, 500:504] = 0
    levelled = rotate_by(from_pil(Image.fromarray(page), 72), 3.0).array()
    ys, xs = np.nonzero(levelled < 128)
    x0, top, x1, bottom = level_back((xs.min(), ys.min(), xs.max() + 1, ys.max() + 1), 3.0, 600, 400)
    assert ((x0 + x1) / 2, (top + bottom) / 2) == (pytest.approx(502, abs=1), pytest.approx(52, abs=1))


@pytest.mark.parametrize("key", ["number", "date", "issuer"])
def test_boxes_of_a_skewed_scan_are_on_the_page_as_shown(sample_records: dict[str, dict], key: str) -> None:
    """The field's box on the scan is the born-digital box turned as the sheet was."""
    found = sample_records[SKEWED]["document"][key]
    printed = sample_records["gov-12-BC-TCT"]["document"][key]
    width, height = 595.28, 841.89
    x, y = (printed["bbox"][0] + printed["bbox"][2]) / 2, (printed["bbox"][1] + printed["bbox"][3]) / 2
    angle = math.radians(SKEW_ANGLES[found["page"]])
    cos, sin = math.cos(angle), math.sin(angle)
    dx, dy = x - width / 2, y - height / 2
    shown = (width / 2 + dx * cos + dy * sin, height / 2 - dx * sin + dy * cos)
    centre = ((found["bbox"][0] + found["bbox"][2]) / 2, (found["bbox"][1] + found["bbox"][3]) / 2)
    assert centre == (pytest.approx(shown[0], abs=4), pytest.approx(shown[1], abs=4))


# --- seals --------------------------------------------------------------------------------


def colour_page() -> Image.Image:
    """Black print with a red ring stamped over part of it, and a red stamp on blank paper."""
    page = drawn_page([(60, 60, "Hai dòng chữ đen in sẵn"), (60, 80, "nằm dưới con dấu đỏ")], DPI).convert("RGB")
    draw = ImageDraw.Draw(page)
    scale = DPI / 72
    draw.ellipse([40 * scale, 40 * scale, 140 * scale, 140 * scale], outline=(200, 30, 40), width=round(4 * scale))
    draw.rectangle([350 * scale, 300 * scale, 500 * scale, 350 * scale], outline=(200, 30, 40), width=round(2 * scale))
    draw.text((360 * scale, 315 * scale), "ĐẾN Số: 457", fill=(200, 30, 40))
    return page


def test_only_a_coloured_mark_over_print_is_dropped() -> None:
    rgb = colour_page()
    page = PageImage(from_pil(rgb, DPI), dropped_colour(np.asarray(rgb), DPI))
    marks = covering_marks(page)
    assert len(marks) == 1
    left, top, right, bottom = (v * 72 / DPI for v in marks[0])
    assert left < 60 < 140 < right and top < 60 < 140 < bottom
    assert covering_marks(PageImage(page.grey)) == []


def stamp_over_print() -> PageImage:
    """Six lines of print with a red "ĐẾN" stamp (frame and text) stamped over their right half."""
    dpi, scale = 200, 200 / 72
    rgb = drawn_page(body([FILLER] * 6, start=100), dpi).convert("RGB")
    draw = ImageDraw.Draw(rgb)
    font = ImageFont.truetype(str(font_path()), round(15 * scale))
    draw.rectangle([330 * scale, 95 * scale, 520 * scale, 175 * scale], outline=(200, 30, 40), width=round(2 * scale))
    for row, text in enumerate(["CÔNG VĂN ĐẾN", "Số: 457", "Ngày: 23/8/2021"]):
        draw.text((345 * scale, (102 + 22 * row) * scale), text, font=font, fill=(200, 30, 40))
    return PageImage(from_pil(rgb, dpi), dropped_colour(np.asarray(rgb), dpi))


def test_a_stamp_over_print_is_read_and_so_is_the_print() -> None:
    """Grey, the stamp and the lines under it read as debris; with the colour dropped the
    print is read, and the stamp's own ink, read alone, gives its text."""
    page = stamp_over_print()
    engine = TesserocrEngine(OcrOptions())
    try:
        grey = [w.text for w in read_page(engine, page, OcrOptions(colour_dropout=False), first_page=False).words]
        dropped = [w.text for w in read_page(engine, page, OcrOptions(), first_page=False).words]
    finally:
        engine.close()
    assert "457" not in grey and grey.count("với") < 6
    assert {"ĐẾN", "457", "23/8/2021"} <= set(dropped) and dropped.count("với") == 6


def test_the_title_under_a_seal_is_read(sample_records: dict[str, dict]) -> None:
    """The red seal over "HIỆU TRƯỞNG / TRƯỜNG CHÍNH TRỊ TỈNH SƠN LA" is dropped; the red
    "ĐẾN" stamp on blank paper is still read."""
    record, wanted = sample_records[STAMPED], expected(STAMPED)
    signer = record["document"]["signers"][0]
    assert signer["position"]["value"] == wanted["document"]["signers"][0]["position"]
    stamps = compare(record, wanted).lists["received_stamps"]
    assert (stamps.missing, stamps.extra, stamps.correct) == ((), (), 1)


# --- header lines ------------------------------------------------------------------------


def words(*texts_and_confidences: tuple[str, float]) -> list[PixelWord]:
    return [PixelWord(text, (100 * i, 0, 100 * i + 80, 30), c) for i, (text, c) in enumerate(texts_and_confidences)]


def test_a_second_reading_must_be_surer_and_keep_words_whole() -> None:
    before = words(("Số", 0.42), ("27-BC/TCT", 0.42))
    box = (0, 0, 180, 30)
    assert reads_better(words(("Số", 0.93), ("27-BC/TCT", 0.86)), before, box)
    assert not reads_better(words(("Số", 0.93), ("27-BC/T", 0.31), ("CT", 0.91)), before, box)
    assert not reads_better(words(("Số", 0.40), ("27-BC/TCT", 0.41)), before, box)
    assert not reads_better(words(("Số", 0.99)), before, box)  # the number is gone


def test_a_line_read_as_one_across_two_columns_is_split() -> None:
    line = [
        PixelWord("Số", (80, 0, 100, 14), 0.9, 3),
        PixelWord("27-BC/TCT", (104, 0, 160, 14), 0.5, 3),
        PixelWord("Hải", (320, 0, 340, 14), 0.9, 3),
    ]
    assert [[w.text for w in part] for part in line_parts(line)] == [["Số", "27-BC/TCT"], ["Hải"]]


def test_a_weak_header_line_read_again_as_one_line_gets_the_number_right() -> None:
    """A 150 dpi header, blurred and noisy: page segmentation (psm 3) reads the number as
    "237-BC/TCT"; the line read again alone, enlarged, reads "27-BC/TCT"."""
    page = degraded(drawn_page(HEADER_PARTY, DPI), DPI, blur=1.5, noise=20, seed=5)
    engine = TesserocrEngine(OcrOptions())
    try:
        once = read_page(engine, page, OcrOptions(header_lines=False), first_page=True)
        again = read_page(engine, page, OcrOptions(), first_page=True)
    finally:
        engine.close()
    assert "27-BC/TCT" not in {w.text for w in once.words}
    assert "27-BC/TCT" in {w.text for w in again.words}


def test_the_ocr_cache_key_names_every_step() -> None:
    keys = {
        OcrOptions().cache_key(),
        OcrOptions(deskew=False).cache_key(),
        OcrOptions(header_lines=False).cache_key(),
        OcrOptions(colour_dropout=False).cache_key(),
    }
    assert len(keys) == 4


class DictCache:
    def __init__(self) -> None:
        self.entries: dict = {}

    def get(self, key: str):
        return self.entries.get(key)

    def put(self, key: str, found) -> None:
        self.entries[key] = found


class NoEngine:
    """A cache hit must not read the page again."""

    def recognize(self, image):
        raise AssertionError("the page was read again")


def test_a_cached_page_keeps_its_skew_without_measuring_it_again(monkeypatch: pytest.MonkeyPatch) -> None:
    import pypdfium2 as pdfium

    from extractor import ocr
    from extractor.ingest import ocr_page

    options, cache = OcrOptions(), DictCache()
    document = pdfium.PdfDocument(SAMPLES / f"{SKEWED}.pdf")
    try:
        engine = TesserocrEngine(options)
        first = ocr_page(document[0], 1, engine, options, SKEWED, cache)
        engine.close()
        monkeypatch.setattr(ocr, "page_skew", lambda *_: pytest.fail("the skew was measured again"))
        again = ocr_page(document[0], 1, NoEngine(), options, SKEWED, cache)
    finally:
        document.close()
    assert first.skew == pytest.approx(-SKEW_ANGLES[1], abs=0.3)
    assert [entry.skew for entry in cache.entries.values()] == [first.skew]
    assert again == first
