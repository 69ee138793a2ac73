"""samples/make_samples.py builds the sample PDFs deterministically and they look right.

The whole set is built once into a temporary directory. Byte-for-byte comparison with the
committed files only runs where the fonts and library versions match samples/build-info.json
(elsewhere the bytes legitimately differ); a second build always checks determinism.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest

pytest.importorskip("fpdf")
pdfium = pytest.importorskip("pypdfium2")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"

SEED = "seed-51-BC-CTD"
SCAN = "seed-51-BC-CTD-scan"
GOV = "gov-12-BC-TCT"
TABLE = "table-03-BC-CTĐ"
ALL_STEMS = (SEED, SCAN, GOV, TABLE)
BORN_DIGITAL = (SEED, GOV, TABLE)
PAGE_COUNTS = {SEED: 8, SCAN: 8, GOV: 2, TABLE: 2}

EXPECTED_KEYS = ["file", "document", "received_stamps", "references", "schools", "figures"]
DOCUMENT_KEYS = {
    "number",
    "type",
    "issuer",
    "parent_issuer",
    "place",
    "date",
    "subject",
    "signers",
    "recipients",
}
FIGURE_KEYS = {"classes", "students", "school", "label", "period"}
PERIOD_RE = re.compile(r"^\d{4}(-H[12])?$")


def load_make_samples() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


make_samples = load_make_samples()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    assert make_samples.main(["--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def same_environment(built: Path) -> bool:
    """True when fonts and library versions equal those the committed files were built with."""

    def fingerprint(info: dict) -> dict:
        fonts = {style: f["sha256"] for style, f in info["fonts"].items()}
        return {"fonts": fonts, "versions": info["versions"]}

    committed = SAMPLES / "build-info.json"
    if not committed.is_file():
        return False
    here = json.loads((built / "build-info.json").read_text(encoding="utf-8"))
    then = json.loads(committed.read_text(encoding="utf-8"))
    return fingerprint(here) == fingerprint(then)


def page_texts(path: Path) -> list[str]:
    document = pdfium.PdfDocument(str(path))
    try:
        texts = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


def flat_text(path: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(page_texts(path)))


def page_count(path: Path) -> int:
    document = pdfium.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def test_every_pdf_opens_with_the_right_page_count(built: Path, same_environment: bool) -> None:
    for stem, expected in PAGE_COUNTS.items():
        pages = page_count(built / f"{stem}.pdf")
        if same_environment:
            assert pages == expected, stem
        else:  # other fonts may reflow the text
            assert 1 <= pages <= expected + 2, stem
    assert page_count(built / f"{SCAN}.pdf") == page_count(built / f"{SEED}.pdf")


@pytest.mark.parametrize(
    ("stem", "phrases"),
    [
        (
            SEED,
            [
                "Số 51-BC/CTĐ",
                "260 lớp với 16.182 học viên",
                "ĐẢNG CỘNG SẢN VIỆT NAM",
                "Sơn La, ngày 12 tháng 8 năm 2021",
                "Trường Đào tạo cán bộ Nguyễn văn Cừ",
                "Hoàng Đình Giông",
                "Các lớp TCELLCT-HC: 69 lớp/ 4536 học viên",
                "TRƯỜNG CHÍNH TRỊ T. LAI CHÂU",
                "Số: 457",
                "Nơi nhận:",
                "CỤM TRƯỞNG",
                "Lò Thị Thúy Hà",
                "Thời gian ký: 18.08.2021 02:46:13 -07:00",
            ],
        ),
        (
            GOV,
            [
                "Số: 12/BC-TCT",
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Thanh Hóa, ngày 05 tháng 01 năm 2024",
                "Kính gửi: Ban Tổ chức Tỉnh ủy Thanh Hóa.",
                "Kế hoạch số 15-KH/TU ngày 20-01-2023",
                "3 lớp/210 HV",
                "KT. HIỆU TRƯỞNG",
                "- Lưu: VT, ĐT.",
            ],
        ),
        (
            TABLE,
            [
                "Số 03-BC/CTĐ",
                "TT Trường Số lớp Số học viên",
                "5 Trường Chính trị Lâm Đồng 22 1.250",
                "Tổng cộng 109 6.727",
                "TM. CỤM THI ĐUA",
            ],
        ),
    ],
)
def test_born_digital_text_layer(built: Path, stem: str, phrases: list[str]) -> None:
    text = flat_text(built / f"{stem}.pdf")
    assert unicodedata.is_normalized("NFC", text)
    for phrase in phrases:
        assert phrase in text, phrase


def test_seed_drops_ocr_noise_and_italic_markers(built: Path) -> None:
    text = flat_text(built / f"{SEED}.pdf")
    assert "*" not in text.replace("PHÍA BẮC * Số", "")  # only the Party header asterisk
    for noise in ("Chuyên: #/c/ta-g", "Chức vụ TC-PC", "Đã ký", "Vết"):
        assert noise not in text


def test_scan_is_image_only(built: Path) -> None:
    document = pdfium.PdfDocument(str(built / f"{SCAN}.pdf"))
    seed = pdfium.PdfDocument(str(built / f"{SEED}.pdf"))
    try:
        for index in range(len(document)):
            page = document[index]
            assert page.get_textpage().count_chars() == 0
            assert page.get_size() == pytest.approx(seed[index].get_size(), abs=0.01)
            objects = list(page.get_objects())
            assert [obj.type for obj in objects] == [pdfium.raw.FPDF_PAGEOBJ_IMAGE]
            width_px, height_px = objects[0].get_px_size()
            assert width_px == pytest.approx(page.get_width() * 300 / 72, abs=2)
            assert height_px == pytest.approx(page.get_height() * 300 / 72, abs=2)
            assert objects[0].get_filters() == ["DCTDecode"]
    finally:
        document.close()
        seed.close()
    assert (built / f"{SCAN}.pdf").stat().st_size < 4.5e6


def check_expected(data: dict, stem: str) -> None:
    assert list(data) == EXPECTED_KEYS
    assert data["file"] == stem
    assert set(data["document"]) >= DOCUMENT_KEYS
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["document"]["date"])
    for signer in data["document"]["signers"]:
        assert set(signer) == {"name", "position", "capacity"}
    for stamp in data["received_stamps"]:
        assert {"receiver", "number", "date"} <= set(stamp)
    for reference in data["references"]:
        assert set(reference) == {"kind", "number", "date"}
    numbers = [r["number"] for r in data["references"]]
    assert len(numbers) == len(set(numbers))
    for school in data["schools"]:
        assert {"name", "province"} <= set(school)
    for figure in data["figures"]:
        assert set(figure) == FIGURE_KEYS
        assert isinstance(figure["classes"], int) and figure["classes"] > 0
        assert figure["students"] is None or isinstance(figure["students"], int)
        assert PERIOD_RE.match(figure["period"])


@pytest.mark.parametrize("stem", ALL_STEMS)
def test_expected_files_have_the_required_keys(built: Path, stem: str) -> None:
    for directory in (built, SAMPLES):
        path = directory / "expected" / f"{stem}.json"
        check_expected(json.loads(path.read_text(encoding="utf-8")), stem)


def test_seed_expected_values_are_the_truth(built: Path) -> None:
    truth = json.loads((SAMPLES / "seed" / "report-51-BC-CTD.truth.json").read_text("utf-8"))
    for stem in (SEED, SCAN):
        data = json.loads((built / "expected" / f"{stem}.json").read_text(encoding="utf-8"))
        for key in EXPECTED_KEYS[1:]:
            assert data[key] == truth[key], key


def test_table_total_row_is_the_column_sum(built: Path) -> None:
    data = json.loads((built / "expected" / f"{TABLE}.json").read_text(encoding="utf-8"))
    figures = data["figures"]
    total_index = next(i for i, f in enumerate(figures) if f["label"] == "Tổng cộng")
    rows = [f for f in figures[:total_index] if f["school"] is not None]
    assert len(rows) == 5
    assert figures[total_index]["school"] is None
    assert figures[total_index]["classes"] == sum(f["classes"] for f in rows)
    assert figures[total_index]["students"] == sum(f["students"] for f in rows)
    row_schools = {f["school"] for f in rows}
    assert row_schools == {s["name"] for s in data["schools"]}


def test_own_samples_print_every_expected_number(built: Path) -> None:
    for stem in (GOV, TABLE):
        text = flat_text(built / f"{stem}.pdf")
        data = json.loads((built / "expected" / f"{stem}.json").read_text(encoding="utf-8"))
        printed = {int(n.replace(".", "")) for n in re.findall(r"\d[\d.]*\d|\d", text)}
        for figure in data["figures"]:
            assert figure["classes"] in printed
            assert figure["students"] is None or figure["students"] in printed
        for reference in data["references"]:
            assert reference["number"] in text


def test_build_is_deterministic(built: Path, tmp_path: Path) -> None:
    assert make_samples.main(["--out", str(tmp_path), "--no-scan"]) == 0
    for stem in BORN_DIGITAL:
        assert (tmp_path / f"{stem}.pdf").read_bytes() == (built / f"{stem}.pdf").read_bytes()
        name = f"expected/{stem}.json"
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes()


def test_build_matches_committed_files(built: Path, same_environment: bool) -> None:
    if not same_environment:
        pytest.skip("fonts or library versions differ from samples/build-info.json")
    for stem in ALL_STEMS:
        for name in (f"{stem}.pdf", f"expected/{stem}.json"):
            committed = SAMPLES / name
            assert committed.is_file(), f"{name} is not committed"
            assert (built / name).read_bytes() == committed.read_bytes(), name
