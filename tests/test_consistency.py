"""Course categories from labels, and the consistency checks, on small hand-made records."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractor.consistency import check_archive, check_document
from extractor.courses import UNKNOWN_PREFIX, Courses
from extractor.errors import PatternError
from extractor.patterns import DEFAULT_DIRECTORY, load_patterns

KON_TUM = "Trường Chính trị tỉnh Kon Tum"
GIA_LAI = "Trường Chính trị tỉnh Gia Lai"
CLUSTER = "Cụm Thi đua các trường chính trị khu vực Tây Nguyên"


def figure(classes: int, students: int | None, label: str | None, period: str = "2023-H1", **extra: object) -> dict:
    return {"classes": classes, "students": students, "label": label, "period": period, "school": None,
            "kind": "result", "text": "", "page": 1, "bbox": None, "confidence": 0.9} | extra  # fmt: skip


def record(sha256: str, issuer: str, figures: list[dict], date: str = "2023-07-14", number: str = "1-BC/X") -> dict:
    def field(value: str) -> dict:
        return {"value": value, "confidence": 0.9, "page": 1, "bbox": None, "text": value}

    return {
        "source": {"file": f"{sha256}.pdf", "sha256": sha256, "pages": 1},
        "document": {"issuer": field(issuer), "number": field(number), "date": field(date)},
        "figures": figures,
    }


@pytest.fixture(scope="module")
def courses() -> Courses:
    return Courses(load_patterns())


@pytest.mark.parametrize(
    "labels, category",
    [
        (
            [
                "Trung cấp lý luận chính trị - hành chính",
                "Các lớp TCLLCT-HC",
                "Các lớp TCELLCT-HC",
                "TC LLCT",
                "Trung cấp LLCT hệ tập trung",
                "trung cấp lý luận chính trị hệ không tập trung",
                "TRUNG CAP LY LUAN CHINH TRI",
                "Lớp Trung cấp chính trị - hành chính",
            ],
            "trung-cap-llct",
        ),
        (["Cao cấp lý luận chính trị", "Lớp CCLLCT-HC", "Cao cấp LLCT - HC không tập trung"], "cao-cap-llct"),
        (["Chuyên viên", "Chuyên viên chính", "Bồi dưỡng ngạch chuyên viên và chuyên viên chính"], "chuyen-vien"),
        (["Lớp BDLĐQL cấp phòng", "Bồi dưỡng lãnh đạo, quản lý cấp phòng và tương đương"], "lanh-dao-cap-phong"),
        (["Bồi dưỡng kiến thức quốc phòng và an ninh đối tượng 4", "QP-AN đối tượng 3", "QPAN"], "qp-an"),
        (["Lớp BD đại biểu HĐND cấp xã", "bồi dưỡng đại biểu Hội đồng nhân dân"], "dai-bieu-hdnd"),
        (["Lớp Cao học Chính trị học (liên kết)", "cao học quản lý kinh tế"], "cao-hoc"),
        (["Lớp ngoại ngữ, tin học theo nhu cầu xã hội", "Tin học cơ bản"], "ngoai-ngu-tin-hoc"),
        (["Các lớp bồi dưỡng khác theo nhu cầu của địa phương"], "other"),
        (["Tổng cộng", "Cộng", "tổ chức năm 2023", "Trường Chính trị Gia Lai", None, "dự kiến mở mới"], "all"),
    ],
)
def test_spellings_of_one_course_land_in_one_category(courses: Courses, labels: list, category: str) -> None:
    assert {courses.categorise(label).id for label in labels} == {category}


def test_an_unknown_course_keeps_its_own_name(courses: Courses) -> None:
    first = courses.categorise("Các lớp Bồi dưỡng cấp ủy cơ sở")
    assert first.id == UNKNOWN_PREFIX + "boi duong cap uy co so"
    assert first.name == "Bồi dưỡng cấp ủy cơ sở"
    assert courses.categorise("lớp bồi dưỡng CẤP ỦY cơ sở").id == first.id


def test_a_bad_category_pattern_names_file_and_line(tmp_path: Path) -> None:
    copy = tmp_path / "patterns"
    shutil.copytree(DEFAULT_DIRECTORY, copy)
    table = copy / "course_categories.tsv"
    lines = table.read_text(encoding="utf-8").splitlines()
    broken = next(i for i, line in enumerate(lines) if line.startswith("qp-an\t"))
    lines[broken] += ";(unclosed"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PatternError, match=rf"course_categories.tsv:{broken + 1}: pattern '\(unclosed'"):
        load_patterns(copy)


def test_students_below_classes() -> None:
    failures = check_document(record("a", CLUSTER, [figure(12, 640, "x"), figure(30, 12, "Trung cấp LLCT")]))
    assert [(f.check, f.figures) for f in failures] == [("students_below_classes", ("figures[1]",))]
    assert "30 classes" in failures[0].message and "12 students" in failures[0].message


def test_total_against_rows_of_schools() -> None:
    rows = [figure(18, 1012, KON_TUM, school=KON_TUM), figure(26, 1685, GIA_LAI, school=GIA_LAI)]
    assert check_document(record("a", CLUSTER, [*rows, figure(44, 2697, "Tổng cộng")])) == []
    failures = check_document(record("a", CLUSTER, [*rows, figure(45, 2697, "Tổng cộng")]))
    assert [(f.check, f.figures, f.document) for f in failures] == [
        ("total_mismatch", ("figures[2]", "figures[0]", "figures[1]"), "a")
    ]
    assert "45 classes" in failures[0].message and "44 classes" in failures[0].message
    # another period's total is not compared with these rows
    assert check_document(record("a", CLUSTER, [*rows, figure(45, 2697, "Tổng cộng", period="2023")])) == []


def test_carried_over_plus_newly_opened() -> None:
    figures = [
        figure(147, 9852, "Số lớp từ năm 2020 chuyển sang", kind="carried_over"),
        figure(113, 6330, "Số lớp mở mới trong 6 tháng đầu năm 2021"),
        figure(260, 16182, "Cụm thi đua đã thực hiện được tổng số"),
    ]
    assert check_document(record("a", CLUSTER, figures)) == []
    figures[2] = figure(261, 16182, "Cụm thi đua đã thực hiện được tổng số")
    [failure] = check_document(record("a", CLUSTER, figures))
    assert failure.check == "carried_plus_new"
    assert failure.figures == ("figures[0]", "figures[1]", "figures[2]")
    assert "260 classes/16182 students" in failure.message and "261 classes" in failure.message


def test_half_years_against_the_year_across_documents() -> None:
    h1 = record("h1", KON_TUM, [figure(10, 600, "Trung cấp LLCT", period="2023-H1")], date="2023-07-01")
    h2 = record("h2", KON_TUM, [figure(12, 700, "TCLLCT-HC", period="2023-H2")], date="2024-01-05")
    year = record("y", CLUSTER, [figure(22, 1300, "Trung cấp lý luận chính trị", period="2023", school=KON_TUM)])
    assert check_archive([h1, h2, year]) == []
    year["figures"][0]["classes"] = 23
    failures = check_archive([h1, h2, year])
    assert {f.check for f in failures} == {"half_years_vs_year"}
    assert {(f.document, f.figures) for f in failures} == {
        ("h1", ("figures[0]",)),
        ("h2", ("figures[0]",)),
        ("y", ("figures[0]",)),
    }
    assert "22 classes/1300 students" in failures[0].message and "23 classes" in failures[0].message
    # plans and results are different facts: a year's plan is not compared with half-years' results
    year["figures"][0]["kind"] = "plan"
    assert check_archive([h1, h2, year]) == []


def test_documents_that_disagree_on_one_fact() -> None:
    own = record("own", GIA_LAI, [figure(26, 1685, "tổ chức 6 tháng đầu năm")])
    cluster = record("cl", CLUSTER, [figure(27, 1685, GIA_LAI, school=GIA_LAI)])
    failures = check_archive([own, cluster])
    assert {(f.check, f.document) for f in failures} == {("sources_disagree", "own"), ("sources_disagree", "cl")}
    assert "26 classes" in failures[0].message and "27 classes" in failures[0].message
