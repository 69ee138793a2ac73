"""Figures in running text on synthetic pages: every spelling of a count, on one line and wrapped
onto the next line at any space, and every figure's kind (plan, carried over, result)."""

from __future__ import annotations

import textwrap

import pytest

from extractor.finders.kinds import item_marker, list_parents
from extractor.nlp import flowing_text, pipeline_for
from tests.pages import FILLER, HEADER_PARTY, body, page
from tests.test_finders import PATTERNS, record_of, report

WIDTHS = (None, 22, 29, 37, 46, 58)
"""Line widths (characters) the paragraphs of a test are wrapped to; None: one line each."""


def wrapped(paragraphs: list[str], width: int | None) -> list[str]:
    """Paragraphs as printed lines: each starts a line and wraps at spaces to ``width``."""
    if width is None:
        return paragraphs
    return [line for text in paragraphs for line in textwrap.wrap(text, width, break_on_hyphens=False)]


def broken_at_every_space(sentence: str) -> list[list[str]]:
    """The sentence on two lines, broken at each of its spaces in turn."""
    spaces = [index for index, char in enumerate(sentence) if char == " "]
    return [[sentence[:index], sentence[index + 1 :]] for index in spaces]


def figures(lines: list[str], *keys: str) -> list[tuple]:
    return [tuple(f[key] for key in keys) for f in report(lines)["figures"]]


SPELLINGS = [
    (
        "Năm 2023, Trường Chính trị tỉnh Quảng Trị mở 8 lớp Trung cấp lý luận chính trị hệ tập trung với 512 học viên.",
        (8, 512, "Trung cấp lý luận chính trị hệ tập trung"),
    ),
    ("Trường Chính trị tỉnh Cà Mau đã mở 14 lớp/905 học viên bồi dưỡng cán bộ cơ sở.", (14, 905, None)),
    ("Trường Chính trị tỉnh Bắc Ninh đã khai giảng 1.250 học viên/22 lớp trong năm.", (22, 1250, None)),
    ("Trường Chính trị tỉnh Kiên Giang tổ chức 7 lớp (415 học viên) bồi dưỡng ngạch chuyên viên.", (7, 415, None)),
    ("Trường Chính trị tỉnh Phú Yên đã mở 11 lớp, 687 học viên các hệ đào tạo.", (11, 687, None)),
    ("Trong năm, các trường trong khu vực đã tổ chức tổng số 35 lớp với 2.104 học viên.", (35, 2104, None)),
    ("Trường Chính trị tỉnh Yên Bái mở 05 lớp Cao cấp LLCT với 265 HV tại cơ sở.", (5, 265, "Cao cấp LLCT")),
    ("Trường Chính trị tỉnh Đắk Nông mở 16 lớp với 1250 HV theo nhu cầu của địa phương.", (16, 1250, None)),
    ("Trường Chính trị tỉnh Ninh Thuận đã mở 12 lớp học với 640 học viên hệ không tập trung.", (12, 640, None)),
    (
        "Trường Chính trị tỉnh Điện Biên mở 03 lớp QP-AN đối tượng 4 với 185 học viên là cán bộ cơ sở.",
        (3, 185, "QP-AN đối tượng 4"),
    ),
    (
        "Trường Chính trị tỉnh Sơn La mở 2 lớp Trung cấp khóa K12 hệ tập trung với 96 học viên.",
        (2, 96, "Trung cấp khóa K12 hệ tập trung"),
    ),
    ("Bồi dưỡng ngạch chuyên viên chính tại Trường Chính trị tỉnh Tuyên Quang: 03 lớp.", (3, None, None)),
    ("Lớp bồi dưỡng đại biểu Hội đồng nhân dân cấp xã: số lớp: 12, số học viên: 598.", (12, 598, None)),
    ("Trung cấp lý luận chính trị hệ không tập trung tại các huyện: lớp: 9; học viên: 577.", (9, 577, None)),
    ("Bồi dưỡng kiến thức quốc phòng và an ninh đối tượng 4, số lớp: 06.", (6, None, None)),
]


@pytest.mark.parametrize(("sentence", "expected"), SPELLINGS)
def test_spellings_on_one_line_and_wrapped_anywhere(sentence: str, expected: tuple) -> None:
    keys = ("classes", "students", "label") if expected[2] else ("classes", "students")
    wanted = [expected[: len(keys)]]
    assert figures([sentence], *keys) == wanted
    for lines in broken_at_every_space(sentence):
        assert figures(lines, *keys) == wanted, lines


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Trường Chính trị tỉnh Hà Nam đã mở 14 lớp/", "905 học viên trong năm."], (14, 905)),
        (["Trường Chính trị tỉnh Hà Nam đã khai giảng 1.250 học viên/", "22 lớp trong năm."], (22, 1250)),
        (["Trường Chính trị tỉnh Hà Nam tổ chức 7 lớp (", "415 học viên) trong năm."], (7, 415)),
    ],
)
def test_wrapped_after_a_slash_or_parenthesis(lines: list[str], expected: tuple[int, int]) -> None:
    assert figures(lines, "classes", "students") == [expected]


def test_a_wrapped_figure_keeps_its_school_period_text_and_a_box_over_both_lines() -> None:
    record = report(
        [
            "Trong 6 tháng đầu năm 2023, Trường Chính trị tỉnh Quảng Trị mở 8 lớp Trung cấp lý luận chính trị hệ tập",
            "trung với 512 học viên.",
        ]
    )
    [figure] = record["figures"]
    assert (figure["school"], figure["period"], figure["kind"]) == (
        "Trường Chính trị Lê Duẩn tỉnh Quảng Trị",
        "2023-H1",
        "result",
    )
    assert figure["text"] == "8 lớp Trung cấp lý luận chính trị hệ tập trung với 512 học viên"
    assert figure["bbox"][3] - figure["bbox"][1] > 20  # two lines tall
    assert figure["confidence"] > 0.9


def test_what_is_counted_after_a_count_of_classes_reads_across_the_wrap() -> None:
    sentence = (
        "Trường Chính trị tỉnh Lào Cai khai giảng 4 lớp Trung cấp lý luận chính trị hệ không tập trung, bế giảng 3 lớp."
    )
    wanted = [(4, "Trung cấp lý luận chính trị hệ không tập trung"), (3, "bế giảng")]
    for lines in [[sentence], *broken_at_every_space(sentence)]:
        assert figures(lines, "classes", "label") == wanted, lines


def test_counts_wrapped_after_a_colon_stay_with_what_they_count() -> None:
    lines = [
        "Kết quả, trong năm các trường đã thực hiện 30 lớp so với kế hoạch được giao là:",
        "40 lớp/2.000 học viên.",
        "+ Lớp bồi dưỡng kiến thức quản trị an ninh phi truyền thống cho cán bộ chủ chốt:",
        "02 lớp/140 học viên.",
    ]
    assert figures(lines, "classes", "students", "label", "kind") == [
        (30, None, "trong năm các trường đã thực hiện", "result"),
        (40, 2000, "so với kế hoạch được giao là", "plan"),
        (2, 140, "Lớp bồi dưỡng kiến thức quản trị an ninh phi truyền thống cho cán bộ chủ chốt", "result"),
    ]


def test_list_items_are_not_joined_to_the_line_before() -> None:
    lines = [
        "Kết quả mở lớp của Trường Chính trị tỉnh Lạng Sơn năm 2023 gồm 9 lớp",
        "- 450 học viên là cán bộ cấp xã;",
        "- Trung cấp LLCT-HC: 4 lớp",
        "+ 230 học viên hệ tập trung.",
    ]
    assert figures(lines, "classes", "students") == [(9, None), (4, None)]


@pytest.mark.parametrize(("verb", "kind"), [("đã tổ chức", "result"), ("dự kiến mở", "plan")])
def test_table_rows_under_a_wrapped_paragraph_stay_rows_of_its_kind(verb: str, kind: str) -> None:
    table = [
        (60, 336, "TT"),
        (120, 336, "Đơn vị"),
        (370, 336, "Số lớp"),
        (465, 336, "Số học viên"),
        (60, 352, "1"),
        (120, 352, "Trường Chính trị tỉnh Gia Lai"),
        (370, 352, "26"),
        (465, 352, "1.685"),
        (60, 368, "2"),
        (120, 368, "Trường Chính trị tỉnh Kon Tum"),
        (370, 368, "18"),
        (465, 368, "1.012"),
    ]
    prose = body([FILLER, f"Năm học 2022-2023, các trường trong Cụm {verb} 44 lớp", "với 2.697 học viên, cụ thể:"])
    record = record_of(page(HEADER_PARTY + prose + table))
    assert [(f["classes"], f["students"], f["school"], f["kind"]) for f in record["figures"]] == [
        (44, 2697, None, kind),
        (26, 1685, "Trường Chính trị tỉnh Gia Lai", kind),
        (18, 1012, "Trường Chính trị tỉnh Kon Tum", kind),
    ]


KINDS = [
    # Plans, in their several spellings.
    (["Năm 2024, Trường Chính trị tỉnh Bình Định dự kiến mở 40 lớp với 2.500 học viên."], ["plan"]),
    (["Kế hoạch năm 2024 của Trường Chính trị tỉnh Long An: 36 lớp/2.150 học viên."], ["plan"]),
    (["Chỉ tiêu được giao năm 2024 cho Trường Chính trị tỉnh Sóc Trăng là 28 lớp/1.700 học viên."], ["plan"]),
    (["Trường Chính trị tỉnh Hà Giang phấn đấu mở 30 lớp/1.800 học viên trong năm 2024."], ["plan"]),
    (["Quý IV, Trường Chính trị tỉnh Bạc Liêu sẽ mở thêm 4 lớp Cao cấp LLCT với 260 học viên."], ["plan"]),
    (["Năm 2024, Trường dự kiến mở 6 lớp Trung cấp, 3 lớp Cao cấp và 2 lớp Chuyên viên."], ["plan"] * 3),
    # Results, also where a plan is only the measure or a cited document.
    (["Trường Chính trị tỉnh Đồng Tháp đã mở 25 lớp/1.480 học viên, đạt 104% kế hoạch năm."], ["result"]),
    (
        ["Thực hiện Kế hoạch số 12-KH/TU ngày 05/01/2023 của Tỉnh ủy, Trường mở 18 lớp/1.020 học viên."],
        ["result"],
    ),
    (["Thực hiện kế hoạch năm 2023, Trường Chính trị tỉnh Hòa Bình đã tổ chức 31 lớp với 1.905 học viên."], ["result"]),
    (["Kế hoạch giao 30 lớp; kết quả Trường Chính trị tỉnh Hưng Yên thực hiện được 32 lớp."], ["plan", "result"]),
    # Carried over, before the figure and after it.
    (["Số lớp từ năm trước chuyển sang: 9 lớp/540 học viên."], ["carried_over"]),
    (["Trường Chính trị tỉnh Thái Nguyên quản lý 7 lớp (410 học viên) từ năm 2022 chuyển sang."], ["carried_over"]),
    (["Năm học 2023-2024, Trường Chính trị tỉnh An Giang có 10 lớp/612 học viên chuyển tiếp."], ["carried_over"]),
    (["Các lớp năm trước chuyển qua gồm 5 lớp với 298 học viên."], ["carried_over"]),
    (["Đã mở 05 lớp chuyển tiếp từ năm 2022 và 6 lớp mới."], ["carried_over", "result"]),
    # Lists: the lead-in decides, siblings do not.
    (
        [
            "Chỉ tiêu đào tạo năm 2024 của Trường Chính trị tỉnh Thái Bình như sau:",
            "- Trung cấp LLCT-HC: 12 lớp/780 học viên;",
            "- Bồi dưỡng ngạch chuyên viên: 5 lớp/300 học viên.",
        ],
        ["plan", "plan"],
    ),
    (
        [
            "Năm 2024, Trường Chính trị tỉnh Nam Định dự kiến mở 20 lớp/1.200 học viên.",
            "Trong đó:",
            "- Trung cấp LLCT-HC: 8 lớp/560 học viên;",
            "- Các lớp bồi dưỡng:",
            "+ Chuyên viên: 4 lớp/240 học viên;",
            "+ Lãnh đạo cấp phòng: 3 lớp/180 học viên.",
        ],
        ["plan"] * 4,
    ),
    (
        [
            "Năm 2023, Trường Chính trị tỉnh Vĩnh Phúc đã mở 26 lớp/1.560 học viên, cụ thể:",
            "- Số lớp từ năm 2022 chuyển sang: 4 lớp/250 học viên;",
            "- Số lớp mở mới: 22 lớp/1.310 học viên.",
        ],
        ["result", "carried_over", "result"],
    ),
    (
        [
            "Trường Chính trị tỉnh Trà Vinh dự kiến năm 2024 mở 18 lớp với 1.050 học viên.",
            "Trường tiếp tục đổi mới phương pháp giảng dạy.",
            "- Cao cấp LLCT: 2 lớp/130 học viên.",
        ],
        ["plan", "result"],
    ),
]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("paragraphs", "kinds"), KINDS)
def test_kinds(paragraphs: list[str], kinds: list[str], width: int | None) -> None:
    assert [kind for (kind,) in figures(wrapped(paragraphs, width), "kind")] == kinds


def test_flowing_text_keeps_offsets_items_and_table_rows() -> None:
    text = (
        "Năm 2023 mở 8 lớp hệ tập\ntrung với 512 học viên;\ncác lớp khác:\n- Trung cấp: 4 lớp\n"
        "1\tTrường A\t26\nvới 9 học viên:\n12 lớp."
    )
    flowed = flowing_text(pipeline_for(PATTERNS)(text))
    assert len(flowed) == len(text)
    assert flowed.split("\n") == [
        "Năm 2023 mở 8 lớp hệ tập trung với 512 học viên; các lớp khác:",
        "- Trung cấp: 4 lớp",
        "1\tTrường A\t26",
        "với 9 học viên: 12 lớp.",
    ]


def test_list_levels() -> None:
    sentences = ["Kết quả như sau:", "- A:", "+ a1", "+ a2", "- B", "1. C", "1.1. c", "Đoạn văn.", "- D"]
    markers = [item_marker(s) for s in sentences]
    assert markers == [None, "-", "+", "+", "-", "n.", "nn.", None, "-"]
    assert list_parents(markers) == [None, 0, 1, 1, 0, 4, 5, None, 7]
