"""Ingest: text-layer decisions, OCR boxes mapped to PDF points, OCR failures reported.

Fault-injecting engines stand in for Tesseract where the test is about what the pipeline does
with the engine's answer, not about recognition itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.errors import OcrFailed, TooManyPages
from extractor.extract import ExtractOptions, Extractor
from extractor.ingest import IngestOptions, is_usable, read_document
from extractor.model import PageWords, TextSource, Word
from extractor.ocr import GrayImage, PixelWord, parse_tsv
from tests.conftest import SAMPLES

GOV = SAMPLES / "gov-12-BC-TCT.pdf"


class FixedEngine:
    """Answers every page with one word at a known pixel box, and counts calls."""

    name = "fixed"

    def __init__(self) -> None:
        self.calls = 0

    def recognize(self, image: GrayImage) -> list[PixelWord]:
        self.calls += 1
        scale = image.dpi / 72
        return [PixelWord("Số", (int(72 * scale), int(72 * scale), int(144 * scale), int(96 * scale)), 0.5)]


class FailingEngine:
    name = "failing"

    def recognize(self, image: GrayImage) -> list[PixelWord]:
        raise RuntimeError("Tesseract crashed")


def words_page(text: str) -> PageWords:
    return PageWords(1, 595, 842, TextSource.TEXT_LAYER, tuple(Word(w, (0, 0, 1, 1), 1.0) for w in text.split()))


def test_text_layer_pages_never_start_the_engine() -> None:
    engine = FixedEngine()
    document = read_document(GOV, IngestOptions(), lambda: engine)
    assert engine.calls == 0
    assert [p.source for p in document.pages] == [TextSource.TEXT_LAYER] * 2
    assert all(w.confidence == 1.0 for p in document.pages for w in p.words)


def test_a_document_over_the_page_limit_is_refused_before_any_page_is_read() -> None:
    engine = FixedEngine()
    with pytest.raises(TooManyPages, match="2 pages; at most 1") as refused:
        read_document(GOV, IngestOptions(force_ocr=True, max_pages=1), lambda: engine)
    assert refused.value.reason == "too_many_pages" and engine.calls == 0
    assert len(read_document(GOV, IngestOptions(max_pages=2), lambda: engine).pages) == 2


def test_ocr_boxes_are_mapped_to_pdf_points() -> None:
    engine = FixedEngine()
    document = read_document(GOV, IngestOptions(force_ocr=True), lambda: engine)
    assert engine.calls == 2
    word = document.pages[0].words[0]
    assert word.text == "Số" and word.confidence == 0.5
    assert word.bbox == pytest.approx((72, 72, 144, 96), abs=0.5)


def test_ocr_failure_names_file_and_page() -> None:
    extractor = Extractor(ExtractOptions(ingest=IngestOptions(force_ocr=True)), engine=FailingEngine())
    with pytest.raises(OcrFailed) as error:
        extractor.extract(GOV)
    assert str(GOV) in str(error.value) and "page 1" in str(error.value)


@pytest.mark.parametrize(
    ("text", "usable"),
    [
        ("Trường Chính trị tỉnh Sơn La báo cáo kết quả đào tạo, bồi dưỡng năm 2021", True),
        ("Tr­êng ChÝnh trÞ tØnh S¬n La b¸o c¸o kÕt qu¶ ®µo t¹o, båi d­ìng n¨m 2021", False),  # TCVN3
        ("Số 51", False),  # too little text: a scan with a stray text object
        (
            "\ufffd\ufffd\ufffd \ufffd\ufffd broken ToUnicode map \ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd",
            False,
        ),
    ],
)
def test_text_layer_usability(text: str, usable: bool) -> None:
    assert is_usable(words_page(text)) is usable


def test_tesseract_tsv_parsing() -> None:
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t\n"
        "5\t1\t1\t1\t1\t1\t100\t200\t50\t20\t96.5\tSố\n"
        "5\t1\t1\t1\t1\t2\t160\t200\t80\t20\t-1\t \n"
    )
    assert parse_tsv(tsv) == [PixelWord("Số", (100, 200, 150, 220), 0.965)]


def test_real_tesseract_reads_a_rendered_page(extractor: Extractor, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(GOV)
    single = pdfium.PdfDocument.new()
    single.import_pages(source, [0])
    path = tmp_path / "page1.pdf"
    single.save(path)
    options = IngestOptions(force_ocr=True)
    document = read_document(path, options, extractor.engine)
    text = " ".join(w.text for w in document.pages[0].words)
    assert document.pages[0].source is TextSource.OCR
    assert "12/BC-TCT" in text and "Thanh" in text


def test_a_page_scanned_sideways_is_read_upright(extractor: Extractor, tmp_path: Path) -> None:
    """Read upright for layout and fields; boxes given on the page as the PDF shows it."""
    import pypdfium2 as pdfium

    upright = extractor.extract(GOV).data["document"]["number"]["bbox"]
    image = pdfium.PdfDocument(GOV)[0].render(scale=300 / 72, grayscale=True).to_pil().convert("L")
    path = tmp_path / "sideways.pdf"
    image.rotate(90, expand=True).save(path, resolution=300)  # a quarter turn counter-clockwise
    record = extractor.extract(path).data
    number = record["document"]["number"]
    assert number["value"] == "12/BC-TCT" and record["document"]["date"]["value"] == "2024-01-05"
    x0, top, x1, bottom = number["bbox"]
    page_width = 595.3
    assert x0 == pytest.approx(upright[1], abs=6) and x1 == pytest.approx(upright[3], abs=6)
    assert top == pytest.approx(page_width - upright[2], abs=6) and bottom == pytest.approx(
        page_width - upright[0], abs=6
    )
