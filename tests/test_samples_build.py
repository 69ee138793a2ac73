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

import pypdfium2 as pdfium
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"

SEED = "seed-51-BC-CTD"
SCAN = "seed-51-BC-CTD-scan"
GOV = "gov-12-BC-TCT"
TABLE = "table-03-BC-CTĐ"
CV = "cv-85-TCT-DT"
KH = "kh-07-KH-HVCB"
TB_SCAN = "tb-15-TB-TCT-scan"
GOV_ROTATED = "gov-12-BC-TCT-rotated"
GOV_SKEWED = "gov-12-BC-TCT-skewed"
SEED_STAMP = "seed-51-BC-CTD-200dpi-stamp"
TCVN3 = "tcvn3-09-BC-TCT"
VNI = "vni-14-BC-TCT"
LEGACY = (TCVN3, VNI)  # text layers in legacy encodings (not Unicode)
ALL_STEMS = (SEED, SCAN, GOV, TABLE, CV, KH, TB_SCAN, GOV_ROTATED, GOV_SKEWED, SEED_STAMP, *LEGACY)
BORN_DIGITAL = (SEED, GOV, TABLE, CV, KH, *LEGACY)
OWN_BORN_DIGITAL = (GOV, TABLE, CV, KH)  # fictitious: expected values generated with the text
SCANS = {SCAN: 4.5e6, TB_SCAN: 1.5e6, GOV_ROTATED: 1.5e6, GOV_SKEWED: 1.5e6, SEED_STAMP: 1.5e6}  # size limits, bytes
SCAN_DPI = {SCAN: 300, TB_SCAN: 300, GOV_ROTATED: 300, GOV_SKEWED: 300, SEED_STAMP: 200}
PAGE_COUNTS = {
    SEED: 8,
    SCAN: 8,
    GOV: 2,
    TABLE: 2,
    CV: 1,
    KH: 2,
    TB_SCAN: 1,
    GOV_ROTATED: 2,
    GOV_SKEWED: 2,
    SEED_STAMP: 2,
    TCVN3: 1,
    VNI: 1,
}
A4 = (595.28, 841.89)
A4_LANDSCAPE = (841.89, 595.28)
# Page sizes of the scans where not all A4 portrait: the sheet turned sideways is a landscape page.
SCAN_PAGE_SIZES = {GOV_ROTATED: [A4_LANDSCAPE, A4]}

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
# 2021, 2021-H1 (half year), 2025-Q1 (quarter), 2025-2026 (school year)
PERIOD_RE = re.compile(r"^\d{4}(-H[12]|-Q[1-4]|-\d{4})?$")


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
    assert page_count(built / f"{GOV_ROTATED}.pdf") == page_count(built / f"{GOV}.pdf")
    assert page_count(built / f"{SEED_STAMP}.pdf") == 2  # first and last page of the seed


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
        (
            CV,
            [
                "THÀNH ỦY HÀ NỘI TRƯỜNG ĐÀO TẠO CÁN BỘ LÊ HỒNG PHONG",
                "Số: 85/TĐT-ĐT",
                "V/v báo cáo số liệu đào tạo năm 2024",
                "Hà Nội, ngày 03 tháng 6 năm 2025",
                "Kính gửi: - Ban Tổ chức Thành ủy Hà Nội; - Học viện Chính trị khu vực I.",
                "văn bản số 1024/UBND-VX ngày 12/3/2025",
                "Thông tư số 01/2018/TT-BNV",
                "Trường Chính trị Nguyễn Văn Cừ đang quản lý, giảng dạy 1.250 học viên/22 lớp",
                "09 lớp (512 học viên)",
                "TL. HIỆU TRƯỞNG TRƯỞNG PHÒNG ĐÀO TẠO",
                "ĐỖ MINH TUẤN",
            ],
        ),
        (
            KH,
            [
                "THÀNH ỦY THÀNH PHỐ HỒ CHÍ MINH",
                "HỌC VIỆN CÁN BỘ",
                "Số 07-KH/HVCB",
                "Thành phố Hồ Chí Minh, ngày 15 tháng 7 năm 2025",
                "KẾ HOẠCH Mở lớp bồi dưỡng 6 tháng cuối năm 2025",
                "Trường Chính trị tỉnh Bình Dương (cũ)",
                "Trường Chính trị tỉnh Bà Rịa - Vũng Tàu (cũ)",
                "STT Loại lớp Số lớp Số học viên",
                "1 Trung cấp lý luận chính trị 24 1.920",
                "Cộng 64 4.380",
                "năm học 2025-2026",
                "T/M BAN GIÁM ĐỐC GIÁM ĐỐC",
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


@pytest.mark.parametrize("stem", list(SCANS))
def test_scan_is_image_only(built: Path, stem: str) -> None:
    dpi = SCAN_DPI[stem]
    colour = pdfium.raw.FPDF_COLORSPACE_DEVICERGB if stem == SEED_STAMP else pdfium.raw.FPDF_COLORSPACE_DEVICEGRAY
    document = pdfium.PdfDocument(str(built / f"{stem}.pdf"))
    try:
        sizes = SCAN_PAGE_SIZES.get(stem, [A4] * len(document))
        assert len(document) == len(sizes)
        for index in range(len(document)):
            page = document[index]
            assert page.get_textpage().count_chars() == 0
            assert page.get_size() == pytest.approx(sizes[index], abs=0.01)
            assert page.get_rotation() == 0  # turned in the image, not by /Rotate
            objects = list(page.get_objects())
            assert [obj.type for obj in objects] == [pdfium.raw.FPDF_PAGEOBJ_IMAGE]
            width_px, height_px = objects[0].get_px_size()
            assert width_px == pytest.approx(page.get_width() * dpi / 72, abs=2)
            assert height_px == pytest.approx(page.get_height() * dpi / 72, abs=2)
            assert objects[0].get_filters() == ["DCTDecode"]
            assert objects[0].get_metadata().colorspace == colour
    finally:
        document.close()
    assert (built / f"{stem}.pdf").stat().st_size < SCANS[stem]


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


def test_rotated_scan_expected_values_are_the_report_s(built: Path) -> None:
    report = json.loads((built / "expected" / f"{GOV}.json").read_text(encoding="utf-8"))
    data = json.loads((built / "expected" / f"{GOV_ROTATED}.json").read_text(encoding="utf-8"))
    assert data == {**report, "file": GOV_ROTATED}


def small_grey(image, size: tuple[int, int]):
    import numpy as np

    return np.asarray(image.convert("L").resize(size), dtype=np.float32)


def test_rotated_scan_pages_are_turned(built: Path) -> None:
    """Each page of the scan, turned back, looks like its source page, and not when left as is
    or turned back the other way: page 1 is a quarter turn counter-clockwise, page 2 a half."""
    from PIL import Image

    turns = {1: Image.Transpose.ROTATE_270, 2: Image.Transpose.ROTATE_180, 3: Image.Transpose.ROTATE_90}
    scan = pdfium.PdfDocument(str(built / f"{GOV_ROTATED}.pdf"))
    source = pdfium.PdfDocument(str(built / f"{GOV}.pdf"))
    try:
        for index, turn in enumerate((1, 2)):
            want = small_grey(source[index].render(scale=0.25).to_pil(), (120, 170))
            image = scan[index].render(scale=0.25).to_pil()
            distance = {}
            for back in (0, 1, 2, 3):
                turned = image.transpose(turns[back]) if back else image
                distance[back] = abs(small_grey(turned, (120, 170)) - want).mean()
            assert min(distance, key=distance.get) == turn, distance
    finally:
        scan.close()
        source.close()


def test_stamp_scan_expected_values_are_the_truth_of_its_pages(built: Path) -> None:
    truth = json.loads((SAMPLES / "seed" / "report-51-BC-CTD.truth.json").read_text("utf-8"))
    data = json.loads((built / "expected" / f"{SEED_STAMP}.json").read_text(encoding="utf-8"))
    assert data["document"] == truth["document"]
    assert data["received_stamps"] == truth["received_stamps"]
    # Page 1 cites five documents and names the eight schools; neither page states a figure.
    assert [r["number"] for r in data["references"]] == [
        "30-QĐ/HVCTQG",
        "53-QĐ/CTĐ",
        "625-CV/HVCTQG",
        "683-QĐ/HVCTQG",
        "09-QĐi/TW",
    ]
    assert all(r in truth["references"] for r in data["references"])
    assert data["schools"] == truth["schools"]
    assert data["figures"] == []
    pages = page_texts(built / f"{SEED}.pdf")
    two = re.sub(r"\s+", " ", pages[0] + " " + pages[-1])
    for reference in truth["references"]:
        printed = reference["number"].replace("09-QĐi", "09/QĐi")
        assert (reference in data["references"]) == (printed in two), reference


def test_stamp_scan_has_a_red_seal_and_a_blue_signature_over_the_signature_block(built: Path) -> None:
    """The seal is stamped over the left of the signature block's text (NĐ 30: over the left third
    of the signature), the signature in blue above the printed name; page 1 has neither."""
    import numpy as np

    seed = pdfium.PdfDocument(str(built / f"{SEED}.pdf"))
    try:
        last = seed[len(seed) - 1]
        school = make_samples.text_box(last, "TRƯỜNG CHÍNH TRỊ TỈNH SƠN LA")
        name = make_samples.text_box(last, "Lò Thị Thúy Hà", occurrence=-1)
    finally:
        seed.close()
    scan = pdfium.PdfDocument(str(built / f"{SEED_STAMP}.pdf"))
    try:
        pages = [np.asarray(scan[i].render(scale=100 / 72).to_pil().convert("RGB"), dtype=np.int32) for i in (0, 1)]
    finally:
        scan.close()
    scale = 100 / 72

    def share(pixels, rect, test) -> float:
        box = pixels[round(rect[1] * scale) : round(rect[3] * scale), round(rect[0] * scale) : round(rect[2] * scale)]
        r, g, b = box[..., 0], box[..., 1], box[..., 2]
        return float(test(r, g, b).mean())

    def red(r, g, b):
        return (r > g + 60) & (r > b + 60)

    def blue(r, g, b):
        return (b > r + 50) & (b > g + 30)

    # The seal covers the left part of the line "TRƯỜNG CHÍNH TRỊ TỈNH SƠN LA", not its right end.
    left_part = (school.x, school.y - 4, school.x + school.w / 3, school.bottom + 4)
    right_end = (school.right - school.w / 4, school.y - 4, school.right, school.bottom + 4)
    assert share(pages[1], left_part, red) > 0.05
    assert share(pages[1], right_end, red) < 0.005
    # The signature: blue strokes just above the printed name.
    above_name = (name.x - 20, name.y - 40, name.right + 20, name.y)
    assert share(pages[1], above_name, blue) > 0.02
    # A round seal of ~110 pt: red pixels span about that much.
    ys, xs = np.nonzero(red(pages[1][..., 0], pages[1][..., 1], pages[1][..., 2]))
    assert 95 < (xs.max() - xs.min()) / scale < 125
    assert 95 < (ys.max() - ys.min()) / scale < 125
    # Page 1 keeps only its printed red stamp (top left) and blue signature box (top right).
    assert share(pages[0], (0, 100, 595, 842), red) < 0.001


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
    for stem in OWN_BORN_DIGITAL:
        text = flat_text(built / f"{stem}.pdf")
        data = json.loads((built / "expected" / f"{stem}.json").read_text(encoding="utf-8"))
        printed = {int(n.replace(".", "")) for n in re.findall(r"\d[\d.]*\d|\d", text)}
        for figure in data["figures"]:
            assert figure["classes"] in printed
            assert figure["students"] is None or figure["students"] in printed
        for reference in data["references"]:
            assert reference["number"] in text


def test_category_table_rows_have_no_school(built: Path) -> None:
    data = json.loads((built / "expected" / f"{KH}.json").read_text(encoding="utf-8"))
    figures = data["figures"]
    total_index = next(i for i, f in enumerate(figures) if f["label"] == "Cộng")
    categories = [row[0] for row in make_samples.KH_ROWS]
    rows = figures[total_index - len(categories) : total_index]
    assert [f["label"] for f in rows] == categories
    assert all(f["school"] is None and f["period"] == "2025-H2" for f in [*rows, figures[total_index]])
    assert figures[total_index]["classes"] == sum(f["classes"] for f in rows)
    assert figures[total_index]["students"] == sum(f["students"] for f in rows)
    assert any(f["period"] == "2025-2026" for f in figures)


def test_recipients_are_addressees_then_noi_nhan(built: Path) -> None:
    data = json.loads((built / "expected" / f"{CV}.json").read_text(encoding="utf-8"))
    assert data["document"]["recipients"] == [
        "Ban Tổ chức Thành ủy Hà Nội",
        "Học viện Chính trị khu vực I",
        "Như trên",
        "Ban Giám hiệu (để b/c)",
        "Lưu: VT, ĐT",
    ]
    assert data["document"]["subject"] == "báo cáo số liệu đào tạo năm 2024"


def test_notice_scan_expected_values(built: Path) -> None:
    data = json.loads((built / "expected" / f"{TB_SCAN}.json").read_text(encoding="utf-8"))
    assert data["document"]["place"] == "Nghệ An"
    assert data["received_stamps"] == [{"receiver": "Sở Nội vụ tỉnh Nghệ An", "number": "1234", "date": "2023-10-05"}]
    assert data["references"] == [{"kind": "Kế hoạch", "number": "118-KH/TU", "date": "2023-08-15"}]
    assert {f["period"] for f in data["figures"]} == {"2023-H1", "2023-H2"}
    assert not (built / "tb-15-TB-TCT.pdf").exists()  # only the scan is an output


def test_expected_schools_are_gazetteer_rows(built: Path) -> None:
    rows = {}
    lines = (ROOT / "patterns" / "schools.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t"), strict=False))
        if row.get("kind") == "school":
            rows[row["name"]] = row["province"]
    for stem in ALL_STEMS:
        data = json.loads((built / "expected" / f"{stem}.json").read_text(encoding="utf-8"))
        for school in data["schools"]:
            assert rows.get(school["name"]) == school["province"], (stem, school["name"])
        names = {s["name"] for s in data["schools"]}
        for figure in data["figures"]:
            assert figure["school"] is None or figure["school"] in names, (stem, figure)


def test_build_is_deterministic(built: Path, tmp_path: Path) -> None:
    assert make_samples.main(["--out", str(tmp_path), "--no-scan"]) == 0
    for stem in BORN_DIGITAL:
        assert (tmp_path / f"{stem}.pdf").read_bytes() == (built / f"{stem}.pdf").read_bytes()
        name = f"expected/{stem}.json"
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes()
    assert not (tmp_path / f"{TB_SCAN}.pdf").exists()  # --no-scan skips every scan
    fonts = make_samples.find_fonts()
    make_samples.build_tb_scan(fonts, tmp_path / f"{TB_SCAN}.pdf")
    make_samples.build_gov_rotated_scan(tmp_path / f"{GOV}.pdf", tmp_path / f"{GOV_ROTATED}.pdf")
    make_samples.build_gov_skewed_scan(tmp_path / f"{GOV}.pdf", tmp_path / f"{GOV_SKEWED}.pdf")
    make_samples.build_seed_stamp_scan(fonts, tmp_path / f"{SEED}.pdf", tmp_path / f"{SEED_STAMP}.pdf")
    for stem in (TB_SCAN, GOV_ROTATED, GOV_SKEWED, SEED_STAMP):
        assert (tmp_path / f"{stem}.pdf").read_bytes() == (built / f"{stem}.pdf").read_bytes(), stem


def test_build_matches_committed_files(built: Path, same_environment: bool) -> None:
    if not same_environment:
        pytest.skip("fonts or library versions differ from samples/build-info.json")
    for stem in ALL_STEMS:
        for name in (f"{stem}.pdf", f"expected/{stem}.json"):
            committed = SAMPLES / name
            assert committed.is_file(), f"{name} is not committed"
            assert (built / name).read_bytes() == committed.read_bytes(), name


def page_fonts(path: Path) -> set[str]:
    """Base font names of the characters on page 1 (subset tag removed)."""
    import ctypes

    document = pdfium.PdfDocument(str(path))
    try:
        textpage = document[0].get_textpage()
        buffer, flags = ctypes.create_string_buffer(128), ctypes.c_int()
        names = set()
        for index in range(textpage.count_chars()):
            if pdfium.raw.FPDFText_GetFontInfo(textpage, index, buffer, 128, ctypes.byref(flags)):
                names.add(buffer.value.decode("latin-1").split("+", 1)[-1])
        return names
    finally:
        document.close()


@pytest.mark.parametrize(
    ("stem", "fonts", "legacy_phrases", "unicode_phrases"),
    [
        (
            TCVN3,
            {".VnTime", ".VnTime,Bold", ".VnTime,Italic", ".VnTime,BoldItalic", ".VnTimeH", ".VnTimeH,Bold"},
            ["TR\xadêNG CHÝNH TRÞ", "Sè: 09/BC-TCT", "Trêng ChÝnh trÞ tØnh Tuyªn Quang", "24 líp víi 1.560 häc viªn"],
            ["Trường", "Chính trị", "CỘNG HÒA"],
        ),
        (
            VNI,
            {"VNI-Times", "VNI-Times-Bold", "VNI-Times-Italic", "VNI-Times-BoldItalic"},
            ["TRÖÔØNG CHÍNH TRÒ", "Soá 14-BC/TCT", "Tröôøng Chính trò tænh Long An", "38 lôùp/2.140 hoïc vieân"],
            ["Trường", "Chính trị", "ĐẢNG"],
        ),
    ],
)
def test_legacy_samples_have_legacy_text_layers(
    built: Path, stem: str, fonts: set[str], legacy_phrases: list[str], unicode_phrases: list[str]
) -> None:
    path = built / f"{stem}.pdf"
    assert page_fonts(path) == fonts
    text = flat_text(path)
    for phrase in legacy_phrases:
        assert phrase in text, phrase
    for phrase in unicode_phrases:
        assert phrase not in text, phrase


def test_legacy_samples_read_back_as_their_expected_values(built: Path) -> None:
    from extractor import legacy

    for stem in LEGACY:
        font = ".VnTime" if stem == TCVN3 else "VNI-Times"
        text = legacy.to_unicode(flat_text(built / f"{stem}.pdf"), font)
        data = json.loads((built / "expected" / f"{stem}.json").read_text(encoding="utf-8"))
        for reference in data["references"]:
            assert reference["number"] in text
        for school in data["schools"]:
            assert school["name"] in text
        for figure in data["figures"]:
            assert f"{figure['classes']} lớp" in text
