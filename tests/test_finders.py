"""Field finders on synthetic pages: each spelling and trap the issue names, one at a time."""

from __future__ import annotations

import dataclasses

import pytest

from extractor.finders import find_fields
from extractor.layout import build_document_text
from extractor.model import DocumentText, PageWords
from extractor.patterns import load_patterns
from extractor.record import SourceInfo, build_record
from tests.pages import FILLER, HEADER_PARTY, body, centred, page

PATTERNS = load_patterns()


def record_of(*pages: PageWords) -> dict:
    text = build_document_text(pages, PATTERNS)
    findings = find_fields(text, PATTERNS)
    source = SourceInfo("test.pdf", "0" * 64, tuple(p.source for p in pages))
    return build_record(source, findings, 0.8, "test").data


def report(lines: list[str], header: list | None = None) -> dict:
    return record_of(page((header or HEADER_PARTY) + body([FILLER, *lines, FILLER])))


def values(record: dict, key: str) -> object:
    field = record["document"][key]
    return None if field is None else field["value"]


def test_party_header_fields() -> None:
    record = report(["Trường đã tổ chức 12 lớp với 845 học viên."])
    assert values(record, "number") == "27-BC/TCT"
    assert values(record, "type") == "Báo cáo"
    assert values(record, "place") == "Hải Dương"
    assert values(record, "date") == "2022-03-05"
    assert values(record, "subject") == "kết quả đào tạo năm 2021"
    assert values(record, "parent_issuer") == "Tỉnh ủy Hải Dương"
    assert values(record, "issuer") == "Trường Chính trị tỉnh Hải Dương"


STATE_HEADER = [
    (70, 40, "ỦY BAN NHÂN DÂN"),
    (75, 58, "TỈNH NINH BÌNH"),
    (90, 94, "Số: 15/QĐ-UBND"),
    (300, 40, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    (330, 58, "Độc lập - Tự do - Hạnh phúc"),
    (320, 94, "Ninh Bình, ngày 09 tháng 02 năm 2023"),
    centred(140, "QUYẾT ĐỊNH"),
    centred(158, "Về việc mở lớp bồi dưỡng"),
]


def test_state_header_keeps_motto_out_of_issuer() -> None:
    record = report(["Căn cứ Luật Tổ chức chính quyền địa phương."], header=STATE_HEADER)
    assert values(record, "number") == "15/QĐ-UBND"
    assert values(record, "type") == "Quyết định"
    assert values(record, "issuer") == "Ủy ban nhân dân tỉnh Ninh Bình"
    assert values(record, "parent_issuer") is None
    assert values(record, "date") == "2023-02-09"


@pytest.mark.parametrize(
    ("printed", "number"),
    [
        ("Số 51-BC/CTĐ", "51-BC/CTĐ"),
        ("Số: 457/BC-TCT", "457/BC-TCT"),
        ("Số 51 -BC/CTĐ", "51-BC/CTĐ"),
        ("Số: 30/2020/NĐ-CP", "30/2020/NĐ-CP"),
        ("Số 05-QC/BTCTU-BDVTU", "05-QC/BTCTU-BDVTU"),
        ("Số: 683-QÐ/HVCTQG", "683-QĐ/HVCTQG"),
    ],
)
def test_number_grammars(printed: str, number: str) -> None:
    header = [line if "Số" not in line[2] else (line[0], line[1], printed) for line in HEADER_PARTY]
    assert values(report([], header=header), "number") == number


def test_blank_number_and_day_are_flagged_not_invented() -> None:
    header = [
        (70, 40, "ỦY BAN NHÂN DÂN"),
        (75, 58, "TỈNH NINH BÌNH"),
        (90, 94, "Số:     /TB-UBND"),
        (320, 94, "Ninh Bình, ngày      tháng 01 năm 2025"),
        centred(140, "THÔNG BÁO"),
    ]
    record = report([], header=header)
    assert values(record, "date") == "2025-01"
    assert record["document"]["date"]["confidence"] < 0.5
    reasons = {item["path"]: item["reason"] for item in record["review"]}
    assert reasons["document.date"] == "day_blank"
    assert reasons["document.number"] == "number_blank"


@pytest.mark.parametrize(
    ("sentence", "classes", "students"),
    [
        ("Thực hiện 107 lớp/6.118 học viên.", 107, 6118),
        ("Tổng số 260 lớp với 16.182 học viên.", 260, 16182),
        ("Chuyển sang 147 lớp/ 9852 học viên.", 147, 9852),
        ("Trung cấp: 47lớp/3107 học viên.", 47, 3107),
        ("Cao học: 01 lớp/43 HV.", 1, 43),
        ("Bồi dưỡng: 05 lớp, 1.324 học viên.", 5, 1324),
        ("Lớp BD công chức cấp xã: 04 lớp.", 4, None),
    ],
)
def test_figure_spellings(sentence: str, classes: int, students: int | None) -> None:
    figures = report([sentence])["figures"]
    assert [(f["classes"], f["students"]) for f in figures] == [(classes, students)]


def test_more_classes_than_students_is_suspicious() -> None:
    record = report(["Đã mở 90 lớp/45 học viên."])
    assert record["figures"][0]["confidence"] < 0.8
    assert any(item["reason"] == "more_classes_than_students" for item in record["review"])


def test_figure_school_and_period() -> None:
    record = report(
        [
            "Trong 6 tháng đầu năm 2022, Trường Chính trị tỉnh Nghệ An mở 20 lớp/1.200 học viên,",
            "Trường Chính trị Trần Phú Hà Tĩnh mở 12 lớp/700 học viên.",
            "Kế hoạch được giao cả năm: 60 lớp/3.000 học viên.",
            "Dự kiến 6 tháng cuối năm mở 30 lớp/1.500 học viên.",
        ]
    )
    found = [(f["classes"], f["school"], f["period"], f["kind"]) for f in record["figures"]]
    assert found == [
        (20, "Trường Chính trị tỉnh Nghệ An", "2022-H1", "result"),
        (12, "Trường Chính trị Trần Phú tỉnh Hà Tĩnh", "2022-H1", "result"),
        (60, None, "2022", "plan"),
        (30, None, "2022-H2", "plan"),
    ]


def test_counts_that_are_not_figures() -> None:
    record = report(["Có 98 học viên tốt nghiệp, 15 đề tài và 42 giảng viên tham gia."])
    assert record["figures"] == []


def test_references_once_each_with_dates_in_any_spelling() -> None:
    record = report(
        [
            "Thực hiện Kế hoạch số 15-KH/TU ngày 20-01-2023 của Ban Thường vụ Tỉnh ủy,",
            "Quyết định số 1234/QĐ-UBND ngày 05/4/2023, Công văn số 85/TCT-ĐT ngày 12.6.2023,",
            "Chỉ thị 05-CT/TW ngày 15 tháng 5 năm 2016 và Kế hoạch số 15-KH/TU nói trên;",
            "Quy định số 09/QĐi/TW của Ban Bí thư.",
        ]
    )
    found = [(r["kind"], r["number"], r["date"]) for r in record["references"]]
    assert found == [
        ("Kế hoạch", "15-KH/TU", "2023-01-20"),
        ("Quyết định", "1234/QĐ-UBND", "2023-04-05"),
        ("Công văn", "85/TCT-ĐT", "2023-06-12"),
        ("Chỉ thị", "05-CT/TW", "2016-05-15"),
        ("Quy định", "09-QĐi/TW", None),
    ]


def test_own_number_is_not_a_reference() -> None:
    record = report(["Báo cáo số 27-BC/TCT được gửi kèm."])
    assert record["references"] == []


def test_stamp_number_is_never_the_document_number() -> None:
    header = [
        (60, 20, "TRƯỜNG CHÍNH TRỊ T. LAI CHÂU"),
        (60, 34, "Số: 457"),
        (60, 48, "ĐẾN Ngày: 23/8/2021"),
        *[(x, top + 30, text) for x, top, text in HEADER_PARTY],
    ]
    record = report([], header=header)
    assert values(record, "number") == "27-BC/TCT"
    assert [(s["receiver"], s["number"], s["date"]) for s in record["received_stamps"]] == [
        ("Trường Chính trị tỉnh Lai Châu", "457", "2021-08-23")
    ]


def test_schools_generic_and_unknown() -> None:
    record = report(
        [
            "Các trường chính trị trong Cụm và Trường Chính trị tỉnh đã phối hợp;",
            "TRƯỜNG CHÍNH TRỊ T. LAI CHÂU, Trường Chinh tri tinh Nghe An, Trường Chính trị tỉnh Atlantis.",
            "Học viện Chính trị khu vực I chủ trì.",
        ]
    )
    schools = {s["name"]: s for s in record["schools"]}
    assert "Trường Chính trị tỉnh Lai Châu" in schools
    assert "Trường Chính trị tỉnh Nghệ An" in schools
    unknown = [s for s in record["schools"] if s["id"] is None]
    assert len(unknown) == 1 and "Atlantis" in unknown[0]["name"] and unknown[0]["score"] < 0.5
    assert not any("Học viện" in name for name in schools)


def test_signers_and_recipients() -> None:
    closing = [
        (60, 600, "Nơi nhận:"),
        (60, 614, "- Ban Tổ chức Tỉnh ủy;"),
        (60, 628, "- Lưu: VT, ĐT."),
        (360, 600, "KT. HIỆU TRƯỞNG"),
        (360, 614, "PHÓ HIỆU TRƯỞNG"),
        (360, 680, "Nguyễn Văn An"),
    ]
    pages = page(HEADER_PARTY + body([FILLER, "Kính gửi: Học viện Chính trị khu vực I.", FILLER]) + closing)
    record = record_of(pages)
    signer = record["document"]["signers"][0]
    assert {k: v["value"] for k, v in signer.items()} == {
        "name": "Nguyễn Văn An",
        "position": "Phó Hiệu trưởng",
        "capacity": "KT. Hiệu trưởng",
    }
    assert [r["value"] for r in record["document"]["recipients"]] == [
        "Học viện Chính trị khu vực I",
        "Ban Tổ chức Tỉnh ủy",
        "Lưu: VT, ĐT",
    ]


def test_every_value_has_provenance() -> None:
    record = report(["Trường Chính trị tỉnh Nghệ An mở 20 lớp/1.200 học viên."])
    for key in ("number", "date", "place", "issuer"):
        field = record["document"][key]
        assert field["page"] == 1 and field["bbox"] and field["text"]
    figure = record["figures"][0]
    assert figure["page"] == 1 and figure["text"] == "20 lớp/1.200 học viên"


@pytest.mark.parametrize(
    ("sentence", "classes", "students"),
    [
        ("Đã mở 5 lớp học với 200 học viên.", 5, 200),
        ("Bồi dưỡng 12 lớp (845 học viên).", 12, 845),
        ("Tổng cộng 1.250 học viên/22 lớp.", 22, 1250),
        ("Mở 7 lớp với 1,325 học viên.", 7, 1325),
        ("Đào tạo 3 lớp, 210 lượt học viên.", 3, 210),
        ("Mở 09 lớp Trung cấp LLCT-HC với 630 học viên.", 9, 630),
        ("Mở 15 lớp bồi dưỡng cho 1.200 học viên.", 15, 1200),
    ],
)
def test_more_figure_spellings(sentence: str, classes: int, students: int) -> None:
    figures = report([sentence])["figures"]
    assert [(f["classes"], f["students"]) for f in figures] == [(classes, students)]


def test_round_up_phrasing_and_labels() -> None:
    record = report(
        [
            "Quản lý, giảng dạy 45 lớp với 4.471 học viên; khai giảng 4 lớp Trung cấp lý luận chính trị,",
            "bế giảng 7 lớp; mở 09 lớp Trung cấp LLCT-HC với 630 học viên và 02 lớp Cao học, 01 lớp Chuyên viên.",
        ]
    )
    found = [(f["classes"], f["students"], f["label"]) for f in record["figures"]]
    assert found == [
        (45, 4471, "giảng dạy"),
        (4, None, "Trung cấp lý luận chính trị"),
        (7, None, "bế giảng"),
        (9, 630, "Trung cấp LLCT-HC"),
        (2, None, "Cao học"),
        (1, None, "Chuyên viên"),
    ]


def test_numeric_date_in_place_line() -> None:
    header = [
        line if "ngày" not in line[2] else (line[0], line[1], "Hải Dương, ngày 05/3/2022") for line in HEADER_PARTY
    ]
    assert values(report([], header=header), "date") == "2022-03-05"


def test_title_with_more_words_names_the_type() -> None:
    header = [line if line[2] != "BÁO CÁO" else centred(line[1], "BÁO CÁO TÓM TẮT") for line in HEADER_PARTY]
    assert values(report([], header=header), "type") == "Báo cáo"


def test_state_letter_cited_without_type_is_a_cong_van() -> None:
    record = report(["Thực hiện văn bản số 123/UBND-VX ngày 02/3/2022 của Ủy ban nhân dân tỉnh."])
    assert [(r["kind"], r["number"], r["date"]) for r in record["references"]] == [
        ("Công văn", "123/UBND-VX", "2022-03-02")
    ]


def test_hyphenated_province_in_a_school_name() -> None:
    record = report(["Trường Chính trị tỉnh Bà Rịa - Vũng Tàu mở 9 lớp/540 học viên."])
    assert "Trường Chính trị tỉnh Bà Rịa - Vũng Tàu" in [s["name"] for s in record["schools"]]
    assert record["figures"][0]["school"] == "Trường Chính trị tỉnh Bà Rịa - Vũng Tàu"


def test_signer_name_in_capitals_below_the_signature_space() -> None:
    closing = [
        (60, 600, "Nơi nhận:"),
        (60, 614, "- Lưu: VT."),
        (360, 600, "TM. BAN THƯỜNG VỤ"),
        (380, 614, "BÍ THƯ"),
        (360, 690, "NGUYỄN VĂN AN"),
    ]
    record = record_of(page(HEADER_PARTY + body([FILLER, FILLER]) + closing))
    signer = record["document"]["signers"][0]
    assert {k: v["value"] for k, v in signer.items()} == {
        "name": "Nguyễn Văn An",
        "position": "Bí thư",
        "capacity": "TM. Ban Thường vụ",
    }


def test_table_rows_with_a_two_line_header() -> None:
    table = [
        (60, 300, "TT"),
        (120, 300, "Đơn vị"),
        (360, 300, "Số lượng"),
        (460, 300, "Số lượng"),
        (370, 314, "lớp"),
        (465, 314, "học viên"),
        (60, 330, "1"),
        (120, 330, "Trường Chính trị tỉnh Gia Lai"),
        (370, 330, "26"),
        (465, 330, "1.685"),
        (60, 346, "2"),
        (120, 346, "Trường Chính trị Kon Tum"),
        (370, 346, "18"),
        (465, 346, "1.012"),
        (120, 362, "Tổng cộng"),
        (370, 362, "44"),
        (465, 362, "2.697"),
    ]
    lines = body([FILLER, "Kết quả năm học 2022-2023 như sau:"]) + table
    record = record_of(page(HEADER_PARTY + lines))
    found = [(f["classes"], f["students"], f["school"], f["period"]) for f in record["figures"]]
    assert found == [
        (26, 1685, "Trường Chính trị tỉnh Gia Lai", "2022-2023"),
        (18, 1012, "Trường Chính trị tỉnh Kon Tum", "2022-2023"),
        (44, 2697, None, "2022-2023"),
    ]


def test_cong_van_without_title_or_recipients_heading() -> None:
    header = [
        (70, 40, "SỞ NỘI VỤ TỈNH LÀO CAI"),
        (90, 94, "Số: 312/SNV-CCVC"),
        (70, 110, "V/v cử cán bộ đi học lớp"),
        (70, 124, "trung cấp lý luận chính trị"),
        (300, 40, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        (330, 58, "Độc lập - Tự do - Hạnh phúc"),
        (320, 94, "Lào Cai, ngày 14 tháng 4 năm 2022"),
    ]
    closing = [(360, 600, "KT. GIÁM ĐỐC"), (370, 614, "PHÓ GIÁM ĐỐC"), (360, 680, "Trần Thị Mai")]
    record = record_of(page(header + body([FILLER, "Kính gửi: Trường Chính trị tỉnh Lào Cai.", FILLER]) + closing))
    assert values(record, "type") == "Công văn"
    assert values(record, "subject") == "cử cán bộ đi học lớp trung cấp lý luận chính trị"
    assert values(record, "issuer") == "Sở Nội vụ tỉnh Lào Cai"
    signer = record["document"]["signers"][0]
    assert {k: v["value"] for k, v in signer.items()} == {
        "name": "Trần Thị Mai",
        "position": "Phó Giám đốc",
        "capacity": "KT. Giám đốc",
    }


def test_dates_that_contradict_the_report_date_are_reviewed() -> None:
    header = [
        (60, 20, "TRƯỜNG CHÍNH TRỊ T. LAI CHÂU"),
        (60, 34, "Số: 457"),
        (60, 48, "ĐẾN Ngày: 23/8/2021"),
        *[(x, top + 30, text) for x, top, text in HEADER_PARTY],
    ]
    record = report(["Thực hiện Kế hoạch số 15-KH/TU ngày 20/01/2023 của Ban Thường vụ Tỉnh ủy."], header=header)
    reasons = {item["path"]: item["reason"] for item in record["review"]}
    assert reasons["references[0]"] == "cited_document_dated_after_report"
    assert reasons["received_stamps[0]"] == "received_before_report_date"


def test_blanks_filled_from_what_signing_stamped_beside_them() -> None:
    """E-office: the page keeps "Số:   /TB-UBND" and "ngày   tháng 01", the signature widget
    shows the number and the day (its words join the page at ingest)."""
    header = [
        (70, 40, "ỦY BAN NHÂN DÂN"),
        (75, 58, "TỈNH NINH BÌNH"),
        (90, 94, "Số:     /TB-UBND"),
        (320, 94, "Ninh Bình, ngày      tháng 01 năm 2025"),
        (60, 112, "Số: 08/TB-UBND"),
        (330, 112, "ngày 14 tháng 01 năm 2025"),
        centred(140, "THÔNG BÁO"),
    ]
    record = report([], header=header)
    assert values(record, "number") == "08/TB-UBND"
    assert values(record, "date") == "2025-01-14"
    assert record["document"]["date"]["text"] == "ngày 14 tháng 01 năm 2025"
    assert record["document"]["number"]["confidence"] < 0.9
    reasons = {item["reason"] for item in record["review"]}
    assert "day_blank" not in reasons and "number_blank" not in reasons


def test_a_title_line_that_names_no_type_leaves_the_type_to_the_symbol() -> None:
    """When layout marks a line as the title but it names no type (an OCR misread on a skewed
    scan), the type comes from the symbol instead of failing."""
    pages = [page(HEADER_PARTY + body([FILLER, "Trường đã tổ chức 12 lớp.", FILLER]))]
    text = build_document_text(pages, PATTERNS)
    title_at = text.title_index
    lines = list(text.lines)
    lines[title_at] = dataclasses.replace(lines[title_at], text="8ÁO CÁO")
    findings = find_fields(DocumentText(lines, pages, title_at), PATTERNS)
    assert findings.type is not None and findings.type.value == "Báo cáo"
    assert findings.type.text == "27-BC/TCT"


def test_the_symbol_gives_the_type_when_no_title_is_printed() -> None:
    header = [line for line in HEADER_PARTY if line[2] != "BÁO CÁO"]
    record = report(["Trường đã tổ chức 12 lớp với 845 học viên."], header)
    assert values(record, "type") == "Báo cáo"
    assert record["document"]["type"]["text"] == "27-BC/TCT"


def test_a_title_the_symbol_contradicts_goes_to_review() -> None:
    header = [centred(140, "KẾ HOẠCH") if line[2] == "BÁO CÁO" else line for line in HEADER_PARTY]
    record = report(["Trường đã tổ chức 12 lớp với 845 học viên."], header)
    assert values(record, "type") == "Kế hoạch"
    assert {"path": "document.type", "reason": "title_and_symbol_disagree"} in [
        {k: item[k] for k in ("path", "reason")} for item in record["review"]
    ]
