"""Ruled tables of text-layer pages: the cells pdfplumber's table finder makes of the drawn rules,
and the figures their rows give (PDFs built at test time with fpdf2, and the committed samples)."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from extractor.extract import ExtractOptions, Extractor
from extractor.ingest import IngestOptions, read_document
from extractor.layout import build_document_text
from extractor.model import PageWords
from extractor.patterns import DEFAULT_DIRECTORY, load_patterns
from extractor.ruled_tables import find_tables, has_rules, is_grid, path_edges, path_objects
from tests.conftest import SAMPLES
from tests.report_pdfs import TABLE_SCHOOLS, drawn_grid_report, numbered_course_table, table_report


def no_ocr() -> None:
    pytest.fail("a born-digital PDF needs no OCR")


def pages_of(path: Path) -> tuple[PageWords, ...]:
    return read_document(path, IngestOptions(), no_ocr).pages


@pytest.fixture(scope="module")
def hard_table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return table_report(tmp_path_factory.mktemp("tables") / "table-05-BC-CTĐ.pdf")


def plumber_cells(path: Path) -> list[list[tuple[float, ...]]]:
    """Cell boxes per page from pdfplumber's own page parse (pdfminer), the reference."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [sorted(rounded(cell) for table in page.find_tables() for cell in table.cells) for page in pdf.pages]


def our_cells(path: Path) -> list[list[tuple[float, ...]]]:
    return [
        sorted(rounded(cell.bbox) for table in page.tables for row in table.rows for cell in row)
        for page in pages_of(path)
    ]


def rounded(box: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(round(value, 1) for value in box)


@pytest.mark.parametrize("rules", ["lines", "bars"])
def test_cells_are_those_pdfplumber_finds(hard_table: Path, tmp_path: Path, rules: str) -> None:
    """Rules read from pdfium's path objects give pdfplumber's table finder the cells it finds
    on its own page parse: merged cells, a table over two pages, stroked lines, filled bars."""
    for path in (
        SAMPLES / "table-03-BC-CTĐ.pdf",
        SAMPLES / "kh-07-KH-HVCB.pdf",
        hard_table,
        drawn_grid_report(tmp_path / f"grid-{rules}.pdf", rules),
    ):
        ours, theirs = our_cells(path), plumber_cells(path)
        assert [len(cells) for cells in ours] == [len(cells) for cells in theirs], path.name
        for mine, reference in zip(ours, theirs, strict=True):
            assert [v for box in mine for v in box] == pytest.approx([v for box in reference for v in box], abs=0.11)


def test_the_table_structure(hard_table: Path) -> None:
    first, second = (page.tables for page in pages_of(hard_table))
    assert len(first) == len(second) == 1
    header, subheader, *rows = first[0].rows
    assert [cell.text for cell in header] == ["TT", "Trường", "Số lượng", "Ghi chú"]
    assert [cell.text for cell in subheader] == ["Lớp", "Học viên"]
    spanning = header[2]
    assert spanning.bbox[0] == subheader[0].bbox[0] and spanning.bbox[2] == subheader[1].bbox[2]
    assert header[0].bbox[3] == subheader[0].bbox[3]  # "TT" spans both header rows
    assert [row[1].text for row in rows] == [printed for _, printed, *_ in TABLE_SCHOOLS[:4]]
    assert [cell.text for cell in rows[2]] == ["3", "Trường Chính trị tỉnh Thái Bình", "31", "", ""]
    assert [[cell.text for cell in row] for row in second[0].rows] == [
        ["5", "Trường Chính trị Hà Nam", "22", "1.250", ""],
        ["", "Tổng cộng", "109", "4.587", ""],
    ]


def test_each_row_is_a_figure_of_its_school(extractor: Extractor, hard_table: Path) -> None:
    record = extractor.extract(hard_table).data
    found = [(f["classes"], f["students"], f["school"], f["period"], f["page"]) for f in record["figures"]]
    wanted = [
        (int(classes), int(students.replace(".", "")) if students else None, canonical, "2024-H1", 1)
        for _, _, canonical, classes, students in TABLE_SCHOOLS
    ]
    wanted[4] = (*wanted[4][:4], 2)
    assert found == [*wanted, (109, 4587, None, "2024-H1", 2)]
    labels = [f["label"] for f in record["figures"]]
    assert labels[1] == "Trường Chính trị Nguyễn Văn Linh tỉnh Hưng Yên"
    assert labels[-1] == "Tổng cộng"


def test_a_figure_points_at_its_row(extractor: Extractor, hard_table: Path) -> None:
    figures = extractor.extract(hard_table).data["figures"]
    table = pages_of(hard_table)[0].tables[0]
    row = table.rows[3]  # the school over two lines of its cell
    assert figures[1]["bbox"] == pytest.approx(
        [row[0].bbox[0], row[0].bbox[1], row[-1].bbox[2], row[-1].bbox[3]], abs=0.1
    )
    assert figures[1]["text"] == "2 Trường Chính trị Nguyễn Văn Linh tỉnh Hưng Yên 26 1.685"


def test_one_line_per_table_row(hard_table: Path) -> None:
    """Each row of a ruled table is one line of the text, its cells (those with words) joined by
    tabs, a name over two lines of its cell in one piece. Without the rules (a scan's pages have
    none), rows are the visual lines, cut where a gap is wide."""
    pages = pages_of(hard_table)
    patterns = load_patterns()
    tabbed = [line.text for line in build_document_text(pages, patterns).lines if "\t" in line.text]
    rows = [row for page in pages for table in page.tables for row in table.rows]
    assert tabbed == ["\t".join(cell.text for cell in row if cell.text) for row in rows]
    assert tabbed[2:4] == [
        "1\tTrường Chính trị tỉnh Hải Dương\t18\t1.012",
        "2\tTrường Chính trị Nguyễn Văn Linh tỉnh Hưng Yên\t26\t1.685",
    ]
    unruled = [dataclasses.replace(page, tables=()) for page in pages]
    lines = [line.text for line in build_document_text(unruled, patterns).lines]
    assert "Trường Chính trị tỉnh Hải" in lines and "1\t18\t1.012" in lines
    assert "5 Trường Chính trị Hà Nam\t22\t1.250" in lines


def test_the_schools_are_those_of_the_rows(extractor: Extractor, hard_table: Path) -> None:
    """Names over two lines of their cells are read whole: the record names each row's school
    once, and no piece of a name ("Trường Chính trị tỉnh Hải") or other school whose name starts
    like a first line ("Trường Chính trị Nguyễn Văn" → Nguyễn Văn Cừ)."""
    schools = extractor.extract(hard_table).data["schools"]
    assert [school["name"] for school in schools] == [canonical for _, _, canonical, *_ in TABLE_SCHOOLS]
    assert all(school["id"] and school["score"] >= 0.9 for school in schools)
    assert [mention["text"] for school in schools for mention in school["mentions"]] == [
        printed for _, printed, *_ in TABLE_SCHOOLS
    ]


def test_a_header_repeated_on_the_next_page(extractor: Extractor, tmp_path: Path) -> None:
    plain = extractor.extract(table_report(tmp_path / "plain.pdf")).data["figures"]
    repeated = extractor.extract(table_report(tmp_path / "repeated.pdf", repeat_header=True)).data["figures"]
    key = ("classes", "students", "school", "period", "page")
    assert [[f[k] for k in key] for f in repeated] == [[f[k] for k in key] for f in plain]


def test_a_table_wholly_on_one_page(extractor: Extractor, tmp_path: Path) -> None:
    figures = extractor.extract(table_report(tmp_path / "short.pdf", intro_lines=4)).data["figures"]
    assert {f["page"] for f in figures} == {1}
    assert [f["school"] for f in figures][-1] is None and len(figures) == len(TABLE_SCHOOLS) + 1


def test_a_new_table_on_the_next_page_is_not_a_continuation(extractor: Extractor, tmp_path: Path) -> None:
    """Counts of research topics under the columns where classes and students were: a table with
    a grid of its own, not the school table going on."""
    other = [("TT", "Nội dung", "Số đề tài", "Số người tham gia"), ("1", "Đề tài cấp trường", "27", "96")]
    path = table_report(tmp_path / "two.pdf", intro_lines=4, next_table=other)
    assert [len(page.tables) for page in pages_of(path)] == [1, 1]
    figures = extractor.extract(path).data["figures"]
    assert {f["page"] for f in figures} == {1} and len(figures) == len(TABLE_SCHOOLS) + 1


@pytest.mark.parametrize("rules", ["lines", "bars"])
def test_a_category_table_drawn_rule_by_rule(extractor: Extractor, tmp_path: Path, rules: str) -> None:
    """ "Loại lớp" names a column too: the counts are under "Số lớp"."""
    record = extractor.extract(drawn_grid_report(tmp_path / "grid.pdf", rules)).data
    found = [(f["classes"], f["students"], f["school"], f["label"]) for f in record["figures"]]
    assert found == [(9, 630, None, "Trung cấp lý luận chính trị"), (4, 1120, None, "Bồi dưỡng chuyên viên")]


def test_a_row_number_before_a_course_named_lop_is_no_count(extractor: Extractor, tmp_path: Path) -> None:
    """Rows are read by their columns only: "1 | Lớp bồi dưỡng …" gives no "1 lớp" figure."""
    figures = extractor.extract(numbered_course_table(tmp_path / "courses.pdf")).data["figures"]
    assert [(f["classes"], f["students"], f["label"]) for f in figures] == [
        (4, 120, "Lớp bồi dưỡng chuyên viên"),
        (6, 380, "Trung cấp LLCT-HC"),
        (14, 644, "Lớp ngoại ngữ theo nhu cầu"),
        (24, 1144, "Tổng cộng"),
    ]


def test_the_header_words_are_patterns(extractor: Extractor, tmp_path: Path) -> None:
    """What names the counts' columns comes from ``patterns/regex.toml``: a header "Số người học"
    counts students once ``table_students_header`` knows it."""
    path = drawn_grid_report(tmp_path / "learners.pdf", "lines", ("Loại lớp", "Số lớp", "Số người học"))
    assert extractor.extract(path).data["figures"] == []
    copy = tmp_path / "patterns"
    shutil.copytree(DEFAULT_DIRECTORY, copy)
    regexes = copy / "regex.toml"
    lines = regexes.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("table_students_header ="))
    lines[at] = r"table_students_header = '''học\s+viên|người\s+học'''"
    regexes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    figures = Extractor(ExtractOptions(patterns_dir=copy)).extract(path).data["figures"]
    assert [(f["classes"], f["students"], f["label"]) for f in figures] == [
        (9, 630, "Trung cấp lý luận chính trị"),
        (4, 1120, "Bồi dưỡng chuyên viên"),
    ]


def test_pages_without_a_grid_are_not_searched() -> None:
    """Header underlines are not a table, nor are two separate boxes (the seed's page 1 has a
    stamp's frame and a signature's): such pages never reach pdfplumber."""
    document = pdfium.PdfDocument(SAMPLES / "seed-51-BC-CTD.pdf")
    try:
        pages = [document[index] for index in range(len(document))]
        assert [has_rules(list(path_objects(page))) for page in pages] == [True] + [False] * 6 + [True]
        for page in (pages[0], pages[7]):
            assert not is_grid([edge for path, matrix in path_objects(page) for edge in path_edges(path, matrix, 842)])
        assert [find_tables(page, ()) for page in pages] == [()] * 8
        for page in pages:
            page.close()
    finally:
        document.close()
    assert all(page.tables == () for page in pages_of(SAMPLES / "gov-12-BC-TCT.pdf"))
