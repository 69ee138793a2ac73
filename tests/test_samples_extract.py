"""Every committed sample against its expected values, field by field.

Born-digital samples must be perfect. The scans are OCRed: for the seed report, number, date,
place and type exact, all 8 schools, and figure pairs F1 ≥ 0.95; the one-page notice must
come out whole.
"""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from extractor.evaluate import compare
from extractor.record import schema
from tests.conftest import expected

BORN_DIGITAL = (
    "seed-51-BC-CTD",
    "gov-12-BC-TCT",
    "table-03-BC-CTĐ",
    "cv-85-TCT-DT",
    "kh-07-KH-HVCB",
    "tcvn3-09-BC-TCT",
    "vni-14-BC-TCT",
)
SCAN = "seed-51-BC-CTD-scan"
NOTICE_SCAN = "tb-15-TB-TCT-scan"
ROTATED_SCAN = "gov-12-BC-TCT-rotated"
STAMPED_SCAN = "seed-51-BC-CTD-200dpi-stamp"
SKEWED_SCAN = "gov-12-BC-TCT-skewed"


@pytest.mark.parametrize("stem", BORN_DIGITAL)
def test_born_digital_document_fields(records: dict, stem: str) -> None:
    comparison = compare(records[stem], expected(stem))
    assert comparison.wrong_fields() == {}


@pytest.mark.parametrize("stem", BORN_DIGITAL)
@pytest.mark.parametrize("section", ["signers", "recipients", "references", "received_stamps", "schools", "figures"])
def test_born_digital_lists(records: dict, stem: str, section: str) -> None:
    score = compare(records[stem], expected(stem)).lists[section]
    assert (score.missing, score.extra) == ((), ())


def test_seed_counts(records: dict) -> None:
    record = records["seed-51-BC-CTD"]
    assert (len(record["references"]), len(record["schools"]), len(record["figures"])) == (10, 8, 38)
    assert record["source"]["text_source"] == ["text_layer"] * 8


def test_scan_meets_targets(records: dict) -> None:
    record = records[SCAN]
    comparison = compare(record, expected(SCAN))
    assert record["source"]["text_source"] == ["ocr"] * record["source"]["pages"]
    for key in ("number", "date", "place", "type"):
        wanted, found = comparison.fields[f"document.{key}"]
        assert found == wanted, key
    schools = comparison.lists["schools"]
    assert schools.correct == schools.expected == 8
    assert comparison.lists["figures"].f1 >= 0.95


@pytest.mark.parametrize("stem", [NOTICE_SCAN, ROTATED_SCAN, SKEWED_SCAN])
def test_scans_come_out_whole(records: dict, stem: str) -> None:
    """A one-page notice; a report scanned a quarter turn and upside down; the same skewed."""
    comparison = compare(records[stem], expected(stem))
    assert comparison.wrong_fields() == {}
    assert {name: (s.missing, s.extra) for name, s in comparison.lists.items() if s.missing or s.extra} == {}


def test_a_seal_over_the_signature_spoils_nothing(records: dict) -> None:
    """200 dpi, noisy, a red seal and a handwritten signature over the signature block: the print
    under the seal is read with the colour dropped, and the red incoming stamp is still read."""
    record = records[STAMPED_SCAN]
    comparison = compare(record, expected(STAMPED_SCAN))
    assert comparison.wrong_fields() == {}
    assert {name for name, s in comparison.lists.items() if s.missing or s.extra} == set()
    signer = record["document"]["signers"][0]
    assert signer["name"]["value"] == "Lò Thị Thúy Hà" and signer["capacity"]["value"] == "Cụm trưởng"
    assert signer["position"]["value"] == expected(STAMPED_SCAN)["document"]["signers"][0]["position"]
    stamps = expected(STAMPED_SCAN)["received_stamps"]
    assert [s["number"] for s in record["received_stamps"]] == [s["number"] for s in stamps]


def test_every_sample_has_an_expected_file(records: dict) -> None:
    assert sorted(records) == sorted([*BORN_DIGITAL, SCAN, NOTICE_SCAN, ROTATED_SCAN, STAMPED_SCAN, SKEWED_SCAN])


def test_scan_values_carry_ocr_confidence(records: dict) -> None:
    record = records[SCAN]
    confidences = [f["confidence"] for f in record["figures"]]
    assert all(0 < c < 1 for c in confidences)
    assert max(confidences) < records["seed-51-BC-CTD"]["figures"][0]["confidence"] + 1e-9


@pytest.mark.parametrize("stem", [*BORN_DIGITAL, SCAN, NOTICE_SCAN, ROTATED_SCAN, STAMPED_SCAN])
def test_records_follow_the_schema_and_boxes_fit_the_page(records: dict, stem: str) -> None:
    record = records[stem]
    Draft202012Validator(schema()).validate(record)
    width, height = 595.3, 841.9
    boxes = [f["bbox"] for f in record["figures"]] + [
        v["bbox"] for v in record["document"].values() if isinstance(v, dict) and v.get("bbox")
    ]
    for x0, top, x1, bottom in boxes:
        assert 0 <= x0 <= x1 <= width and 0 <= top <= bottom <= height


def test_review_lists_low_confidence_first(records: dict) -> None:
    review = records[SCAN]["review"]
    assert review == sorted(review, key=lambda item: item["confidence"])
    assert all(item["confidence"] < 0.8 or item["reason"] != "low_confidence" for item in review)


def test_a_table_read_by_ocr_gives_the_same_figures(extractor, tmp_path) -> None:
    """The cluster table, printed and scanned: rows rebuilt from OCR word boxes."""
    import pypdfium2 as pdfium

    from tests.conftest import SAMPLES

    document = pdfium.PdfDocument(SAMPLES / "table-03-BC-CTĐ.pdf")
    images = [document[i].render(scale=300 / 72, grayscale=True).to_pil().convert("L") for i in range(len(document))]
    path = tmp_path / "table-scan.pdf"
    images[0].save(path, save_all=True, append_images=images[1:], resolution=300)
    record = extractor.extract(path).data
    comparison = compare(record, expected("table-03-BC-CTĐ"))
    assert record["source"]["text_source"] == ["ocr"] * len(images)
    assert comparison.wrong_fields() == {}
    for section in ("figures", "schools", "references"):
        score = comparison.lists[section]
        assert (score.missing, score.extra) == ((), ()), section
