"""E-office documents: the page keeps "Số:   /TB-UBND" and "ngày   tháng 01 năm 2025" blank, and
signing stamps the number and the day over the blanks. Built at test time: a born-digital notice
(fpdf2), then a free-text note or a filled form field, then a real signature (pyHanko, a
certificate made for the session) whose appearance shows the number."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from extractor.extract import Extractor
from extractor.ingest import text_layer_page
from extractor.model import BBox, Word
from tests import signing
from tests.report_pdfs import eoffice_letter, eoffice_notice

Box = tuple[float, float, float, float]
"""``(left, bottom, right, top)`` in PDF user space, as annotations and pyHanko take it."""


@pytest.fixture(scope="module")
def notice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return eoffice_notice(tmp_path_factory.mktemp("eoffice") / "notice.pdf")


def first_page_words(path: Path) -> tuple[float, tuple[Word, ...]]:
    """The height of page 1 and the words of its own text layer (no annotation)."""
    document = pdfium.PdfDocument(path)
    try:
        page = document[0]
        height = page.get_height()
        words = text_layer_page(page, 1).words
        page.close()
    finally:
        document.close()
    return height, words


def blank_between(path: Path, before: str, after: str) -> Box:
    """The blank the page leaves between two of its words."""
    height, words = first_page_words(path)
    index = next(i for i, word in enumerate(words) if word.text == before and words[i + 1].text == after)
    left, right = words[index].bbox, words[index + 1].bbox
    return (left[2] + 2, height - right[3], right[0] - 2, height - left[1])


def stamp_over(folder: Path, box: Box, texts: list[tuple[float, str]]) -> Path:
    """What the signing software draws into its widget: each text centred at an offset from
    the widget's left edge, in the page's size."""
    width, height = box[2] - box[0], box[3] - box[1]
    return signing.stamp_at(folder / "stamp.pdf", (width, height), [(x - 7, height - 4, t) for x, t in texts], 13)


def number_signed(notice: Path, folder: Path, day_mark: Callable[[Path, Path, Box, str], Path]) -> Path:
    """The day marked over its blank before signing, the number in the signature's widget."""
    number, day = blank_between(notice, "Số:", "/TB-UBND"), blank_between(notice, "ngày", "tháng")
    marked = day_mark(notice, folder / "marked.pdf", day, "15")
    stamp = stamp_over(folder, number, [((number[2] - number[0]) / 2, "15")])
    return signing.sign_copy(marked, folder / "signed.pdf", stamp=stamp, box=number, border=0, field="VanThu")


def one_widget(notice: Path, folder: Path) -> Path:
    """One signature widget over the whole line, showing the number and the day over their blanks."""
    number, day = blank_between(notice, "Số:", "/TB-UBND"), blank_between(notice, "ngày", "tháng")
    box = (number[0], number[1], day[2], number[3])
    texts = [((number[2] - number[0]) / 2, "15"), ((day[0] + day[2]) / 2 - box[0], "15")]
    return signing.sign_copy(notice, folder / "signed.pdf", stamp=stamp_over(folder, box, texts), box=box, border=0)


SIGNED = {
    "signature_and_free_text": lambda notice, folder: number_signed(notice, folder, signing.add_free_text),
    "signature_and_text_field": lambda notice, folder: number_signed(
        notice, folder, lambda source, target, box, text: signing.add_text_field(source, target, "Ngay", box, text)
    ),
    "one_signature_widget": one_widget,
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def overlap(first: BBox, second: BBox) -> bool:
    return first[0] < second[2] and second[0] < first[2] and first[1] < second[3] and second[1] < first[3]


@pytest.mark.parametrize("kind", SIGNED)
def test_number_and_day_stamped_at_signing(extractor: Extractor, notice: Path, tmp_path: Path, kind: str) -> None:
    signed = SIGNED[kind](notice, tmp_path)
    before = sha256(signed)
    record = extractor.extract(signed).data
    assert sha256(signed) == before
    number, date = record["document"]["number"], record["document"]["date"]
    assert (number["value"], number["page"], number["text"]) == ("15/TB-UBND", 1, "15 /TB-UBND")
    assert (date["value"], date["text"]) == ("2025-01-15", "ngày 15 tháng 01 năm 2025")
    assert 0.8 < number["confidence"] < 0.97 and 0.8 < date["confidence"] < 0.97
    assert not {"number_blank", "day_blank"} & {item["reason"] for item in record["review"]}
    [signature] = record["source"]["signatures"]
    assert (signature["source"], signature["intact"], signature["covers_whole_file"]) == ("dictionary", True, True)
    assert signature["page"] == 1 and overlap(number["bbox"], signature["bbox"])
    assert record["document"]["issuer"]["value"] == "Ủy ban nhân dân tỉnh Hải Dương"


def test_the_page_under_the_widget_is_empty(notice: Path, tmp_path: Path) -> None:
    """Only the widget shows the number: the page's own text has nothing where it stands."""
    signed = SIGNED["signature_and_free_text"](notice, tmp_path)
    number = blank_between(notice, "Số:", "/TB-UBND")
    height, words = first_page_words(signed)
    under = (number[0], height - number[3], number[2], height - number[1])
    assert [word.text for word in words if overlap(word.bbox, under)] == []
    assert "15" not in [word.text for word in words]


STAMP_BOXES = {"over_the_motto": (300.0, 790.0, 545.0, 834.0), "over_the_issuer": (70.0, 790.0, 315.0, 834.0)}


@pytest.mark.parametrize("at", STAMP_BOXES)
def test_a_stamp_block_in_the_header(extractor: Extractor, notice: Path, tmp_path: Path, at: str) -> None:
    """The number and the full date stamped as a block of their own at the top of the page, above
    the motto or above the issuer: the issuer and the subject are still the page's own."""
    stamp = signing.stamp_at(
        tmp_path / "stamp.pdf", (245, 44), [(6, 16, "Số: 15/TB-UBND"), (6, 34, "ngày 15 tháng 01 năm 2025")], 10
    )
    signed = signing.sign_copy(notice, tmp_path / "signed.pdf", stamp=stamp, box=STAMP_BOXES[at], border=0)
    record = extractor.extract(signed).data
    document = record["document"]
    number, date = document["number"], document["date"]
    assert (number["value"], date["value"]) == ("15/TB-UBND", "2025-01-15")
    assert number["bbox"][1] < 52 and date["bbox"][1] < 52  # read from the stamp at the top, not the blanks
    assert record["source"]["signatures"][0]["intact"] is True
    issuer, subject = document["issuer"], document["subject"]
    assert (issuer["value"], issuer["text"]) == ("Ủy ban nhân dân tỉnh Hải Dương", "ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG")
    assert issuer["bbox"][1] > 52  # the page's own block under the stamp
    assert subject["value"] == "Kết luận của Chủ tịch Ủy ban nhân dân tỉnh về công tác đào tạo cán bộ"
    assert document["type"]["value"] == "Thông báo" and document["place"]["value"] == "Hải Dương"
    assert "missing" not in {item["reason"] for item in record["review"]}


@pytest.mark.parametrize("day", ["Hải Dương, ngày 15 tháng 01 năm 2025", "Ngày: 15/01/2025"])
@pytest.mark.parametrize("at", STAMP_BOXES)
def test_a_stamp_block_over_a_letter(extractor: Extractor, tmp_path: Path, at: str, day: str) -> None:
    """A công văn has no title: its header ends under its own number, place-and-date and "V/v"
    lines, not under a stamp block at the top that carries a number and a place and date too."""
    letter = eoffice_letter(tmp_path / "letter.pdf")
    stamp = signing.stamp_at(tmp_path / "stamp.pdf", (245, 44), [(6, 16, "Số: 15/UBND-VP"), (6, 34, day)], 10)
    signed = signing.sign_copy(letter, tmp_path / "signed.pdf", stamp=stamp, box=STAMP_BOXES[at], border=0)
    document = extractor.extract(signed).data["document"]
    assert {key: document[key]["value"] for key in ("number", "date", "type", "issuer", "subject", "place")} == {
        "number": "15/UBND-VP",
        "date": "2025-01-15",
        "type": "Công văn",
        "issuer": "Ủy ban nhân dân tỉnh Hải Dương",
        "subject": "báo cáo kết quả đào tạo cán bộ năm 2024",
        "place": "Hải Dương",
    }
    assert document["number"]["bbox"][1] < 52 and document["subject"]["bbox"][1] > 52
    for stamped in (document["number"], document["date"]):  # read from the stamp: less sure than print
        assert stamped["bbox"][1] < 52 and 0.8 < stamped["confidence"] < 0.97
