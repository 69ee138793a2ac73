"""Born-digital reports built with fpdf2 at test time: a cluster report with a hard ruled table,
an e-office notice whose number and day are left blank for the signing software to stamp."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TableCellFillMode, VAlign
from fpdf.fonts import FontFace

from tests.signing import FONTS

FONT_SIZE = 13
LINE = 18
LEFT = 70


def new_pdf() -> FPDF:
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_margins(LEFT, 56, 50)
    pdf.set_auto_page_break(True, margin=56)
    font = next(font for font in FONTS if font.exists())
    pdf.add_font("serif", fname=str(font))
    pdf.add_font("serif", style="B", fname=str(font))
    pdf.set_font("serif", size=FONT_SIZE)
    pdf.set_creation_date(dt.datetime(2024, 7, 10, tzinfo=dt.UTC))
    pdf.add_page()
    return pdf


def header(pdf: FPDF, left: Sequence[str], right: Sequence[str], number: str, place_date: str) -> None:
    """Issuer (left) and motto (right) blocks, the number under the issuer, the place and
    date under the motto."""
    top = pdf.get_y()
    for index, text in enumerate(left):
        pdf.set_xy(LEFT, top + index * LINE)
        pdf.cell(220, LINE, text, align="C")
    for index, text in enumerate(right):
        pdf.set_xy(300, top + index * LINE)
        pdf.cell(245, LINE, text, align="C")
    below = top + max(len(left), len(right)) * LINE + 8
    pdf.set_xy(LEFT, below)
    pdf.cell(220, LINE, number, align="C")
    pdf.set_xy(300, below)
    pdf.cell(245, LINE, place_date, align="C")
    pdf.set_xy(LEFT, below + 2 * LINE)


def title(pdf: FPDF, name: str, subject: str) -> None:
    pdf.set_font("serif", "B", 14)
    pdf.cell(0, LINE, name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", size=FONT_SIZE)
    pdf.cell(0, LINE, subject, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)


def paragraphs(pdf: FPDF, texts: Sequence[str]) -> None:
    for text in texts:
        pdf.multi_cell(0, LINE, "      " + text, new_x="LMARGIN", new_y="NEXT")


def closing(pdf: FPDF, recipients: Sequence[str], capacity: Sequence[str], signer: str) -> None:
    pdf.ln(10)
    top = pdf.get_y()
    for index, text in enumerate(["Nơi nhận:", *recipients]):
        pdf.set_xy(LEFT, top + index * 15)
        pdf.cell(200, 15, text)
    for index, text in enumerate(capacity):
        pdf.set_xy(320, top + index * LINE)
        pdf.cell(220, LINE, text, align="C")
    pdf.set_xy(320, top + (len(capacity) + 4) * LINE)
    pdf.cell(220, LINE, signer, align="C")


# --- A cluster report with a hard table ---------------------------------------------------------

TABLE_SCHOOLS = (
    # (TT, printed name, canonical name, classes, students or "")
    ("1", "Trường Chính trị tỉnh Hải Dương", "Trường Chính trị tỉnh Hải Dương", "18", "1.012"),
    (
        "2",
        "Trường Chính trị Nguyễn Văn Linh tỉnh Hưng Yên",
        "Trường Chính trị Nguyễn Văn Linh tỉnh Hưng Yên",
        "26",
        "1.685",
    ),
    ("3", "Trường Chính trị tỉnh Thái Bình", "Trường Chính trị tỉnh Thái Bình", "31", ""),
    ("4", "Trường Chính trị Trường Chinh tỉnh Nam Định", "Trường Chính trị Trường Chinh tỉnh Nam Định", "12", "640"),
    ("5", "Trường Chính trị Hà Nam", "Trường Chính trị tỉnh Hà Nam", "22", "1.250"),
)
TABLE_TOTAL = ("", "Tổng cộng", None, "109", "4.587")
TABLE_WIDTHS = (36, 170, 70, 90, 89)
"""TT | Trường | Số lượng: Lớp | Học viên | Ghi chú (455 points, the text width)."""
OTHER_WIDTHS = (36, 180, 100, 139)
"""A table of other counts whose third and fourth columns lie under those of the table above."""


def table_report(
    path: Path, intro_lines: int = 22, repeat_header: bool = False, next_table: Sequence[Sequence[str]] = ()
) -> Path:
    """A cluster report whose ruled table has a two-row header ("Số lượng" over "Lớp | Học
    viên", "TT" and "Trường" over both rows), school names over two lines of their cell, an
    empty students cell, a total row with an empty TT cell, and goes on over page 2 without
    repeating its header (unless ``repeat_header``). ``intro_lines`` of text before it decide
    where the page breaks. ``next_table`` (a header row, then rows) starts the next page."""
    pdf = new_pdf()
    header(
        pdf,
        ["HỌC VIỆN CHÍNH TRỊ QUỐC GIA", "HỒ CHÍ MINH", "CỤM THI ĐUA SỐ 2"],
        ["ĐẢNG CỘNG SẢN VIỆT NAM"],
        "Số 05-BC/CTĐ",
        "Hải Dương, ngày 10 tháng 7 năm 2024",
    )
    title(pdf, "BÁO CÁO", "kết quả đào tạo, bồi dưỡng 6 tháng đầu năm 2024")
    filler = "Các trường trong Cụm tiếp tục đổi mới nội dung, phương pháp giảng dạy gắn với thực tiễn."
    paragraphs(pdf, [filler] * (intro_lines // 2))
    paragraphs(pdf, ["Trong 6 tháng đầu năm 2024, kết quả mở lớp của các trường trong Cụm như sau:"])
    rows = [(tt, printed, classes, students, "") for tt, printed, _, classes, students in TABLE_SCHOOLS]
    rows.append(TABLE_TOTAL[:2] + TABLE_TOTAL[3:] + ("",))
    draw_table(pdf, rows, repeat_header)
    if next_table:
        pdf.add_page()
        with pdf.table(col_widths=OTHER_WIDTHS, width=sum(OTHER_WIDTHS), align="LEFT", line_height=16) as table:
            for values in next_table:
                table.row(values)
    paragraphs(pdf, ["Các trường đã hoàn thành kế hoạch đào tạo 6 tháng đầu năm 2024 đúng tiến độ."])
    closing(pdf, ["- Như trên,", "- Lưu VT."], ["TM. CỤM THI ĐUA", "CỤM TRƯỞNG"], "Nguyễn Văn Hùng")
    pdf.output(str(path))
    return path


def draw_table(pdf: FPDF, rows: Sequence[Sequence[str]], repeat_header: bool) -> None:
    pdf.ln(4)
    with pdf.table(
        col_widths=TABLE_WIDTHS,
        width=sum(TABLE_WIDTHS),
        align="LEFT",
        line_height=16,
        num_heading_rows=2,
        repeat_headings=int(repeat_header),
        headings_style=FontFace(emphasis="BOLD", fill_color=None),
        cell_fill_mode=TableCellFillMode.NONE,
        v_align=VAlign.M,
        text_align=("CENTER", "LEFT", "CENTER", "CENTER", "LEFT"),
    ) as table:
        first = table.row()
        first.cell("TT", rowspan=2, align="CENTER")
        first.cell("Trường", rowspan=2, align="CENTER")
        first.cell("Số lượng", colspan=2, align="CENTER")
        first.cell("Ghi chú", rowspan=2, align="CENTER")
        second = table.row()
        second.cell("Lớp", align="CENTER")
        second.cell("Học viên", align="CENTER")
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(6)


GRID_HEADER = ("Loại lớp", "Số lớp", "Số học viên")


def drawn_grid_report(path: Path, rules: str, heading: Sequence[str] = GRID_HEADER) -> Path:
    """A one-page report whose table is drawn rule by rule, as office suites export them:
    ``rules`` is "lines" (stroked lines) or "bars" (thin filled rectangles); ``heading`` is the
    table's header row."""
    pdf = new_pdf()
    header(
        pdf,
        ["TỈNH ỦY NINH BÌNH", "TRƯỜNG CHÍNH TRỊ"],
        ["ĐẢNG CỘNG SẢN VIỆT NAM"],
        "Số 11-BC/TCT",
        "Ninh Bình, ngày 02 tháng 12 năm 2024",
    )
    title(pdf, "BÁO CÁO", "kết quả đào tạo năm 2024")
    paragraphs(pdf, ["Năm 2024, Nhà trường mở các lớp sau:"])
    rows = [
        tuple(heading),
        ("Trung cấp lý luận chính trị", "9", "630"),
        ("Bồi dưỡng chuyên viên", "4", "1.120"),
    ]
    widths, height, top = (250, 90, 115), 22, pdf.get_y() + 6
    for index, row in enumerate(rows):
        x = LEFT
        for width, text in zip(widths, row, strict=True):
            pdf.set_xy(x + 4, top + index * height)
            pdf.cell(width - 8, height, text)
            x += width
    xs = [LEFT + sum(widths[:i]) for i in range(len(widths) + 1)]
    ys = [top + i * height for i in range(len(rows) + 1)]
    for y in ys:
        rule(pdf, rules, xs[0], y, xs[-1], y)
    for x in xs:
        rule(pdf, rules, x, ys[0], x, ys[-1])
    pdf.set_xy(LEFT, ys[-1] + 10)
    paragraphs(pdf, ["Các lớp đều kết thúc đúng kế hoạch."])
    closing(pdf, ["- Lưu VT."], ["HIỆU TRƯỞNG"], "Trần Văn Nam")
    pdf.output(str(path))
    return path


def numbered_course_table(path: Path) -> Path:
    """A school's report whose ruled table numbers its rows and names courses starting with
    "Lớp": "5 | Lớp ngoại ngữ theo nhu cầu | 14 | 644" is 14 classes, not "5 lớp"."""
    pdf = new_pdf()
    header(
        pdf,
        ["TỈNH ỦY QUẢNG NAM", "TRƯỜNG CHÍNH TRỊ"],
        ["ĐẢNG CỘNG SẢN VIỆT NAM"],
        "Số 21-BC/TCT",
        "Quảng Nam, ngày 10 tháng 7 năm 2024",
    )
    title(pdf, "BÁO CÁO", "kết quả đào tạo, bồi dưỡng 6 tháng đầu năm 2024")
    paragraphs(pdf, ["Kết quả mở lớp 6 tháng đầu năm 2024 như sau:"])
    rows = [
        ("TT", "Loại lớp", "Số lớp", "Học viên"),
        ("1", "Lớp bồi dưỡng chuyên viên", "4", "120"),
        ("2", "Trung cấp LLCT-HC", "6", "380"),
        ("3", "Lớp ngoại ngữ theo nhu cầu", "14", "644"),
        ("", "Tổng cộng", "24", "1.144"),
    ]
    with pdf.table(col_widths=(36, 250, 80, 89), width=455, align="LEFT", line_height=16) as table:
        for values in rows:
            table.row(values)
    paragraphs(pdf, ["Nhà trường tiếp tục thực hiện kế hoạch năm 2024."])
    closing(pdf, ["- Như trên,", "- Lưu VT."], ["T/M BAN GIÁM HIỆU", "HIỆU TRƯỞNG"], "Nguyễn Văn An")
    pdf.output(str(path))
    return path


def rule(pdf: FPDF, rules: str, x0: float, y0: float, x1: float, y1: float) -> None:
    if rules == "lines":
        pdf.line(x0, y0, x1, y1)
    else:
        pdf.rect(x0 - 0.25, y0 - 0.25, x1 - x0 + 0.5, y1 - y0 + 0.5, style="F")


# --- An e-office notice: the number and the day are left for the signing software -------------

NOTICE_NUMBER_LINE = "Số:            /TB-UBND"
NOTICE_DATE_LINE = "Hải Dương, ngày          tháng 01 năm 2025"


def eoffice_notice(path: Path) -> Path:
    """A born-digital notice of a provincial People's Committee whose number and day are blank
    ("Số:   /TB-UBND", "ngày   tháng 01 năm 2025"): e-office software stamps them at signing."""
    pdf = new_pdf()
    header(
        pdf,
        ["ỦY BAN NHÂN DÂN", "TỈNH HẢI DƯƠNG"],
        ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"],
        NOTICE_NUMBER_LINE,
        NOTICE_DATE_LINE,
    )
    title(pdf, "THÔNG BÁO", "Kết luận của Chủ tịch Ủy ban nhân dân tỉnh về công tác đào tạo cán bộ")
    paragraphs(
        pdf,
        [
            "Ngày 10 tháng 01 năm 2025, Chủ tịch Ủy ban nhân dân tỉnh chủ trì họp với Trường Chính trị "
            "tỉnh Hải Dương về kế hoạch đào tạo, bồi dưỡng cán bộ năm 2025.",
            "Giao Trường Chính trị tỉnh Hải Dương mở 12 lớp với 845 học viên trong năm 2025.",
        ],
    )
    closing(pdf, ["- Trường Chính trị tỉnh,", "- Lưu: VT."], ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], "Lê Ngọc Châu")
    pdf.output(str(path))
    return path


LETTER_NUMBER_LINE = "Số:            /UBND-VP"
LETTER_SUBJECT = ("V/v báo cáo kết quả đào tạo", "cán bộ năm 2024")


def eoffice_letter(path: Path) -> Path:
    """A born-digital công văn (no type title; its trích yếu "V/v ..." under the number) whose
    number and day are blank for the signing software to stamp."""
    pdf = new_pdf()
    header(
        pdf,
        ["ỦY BAN NHÂN DÂN", "TỈNH HẢI DƯƠNG"],
        ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"],
        LETTER_NUMBER_LINE,
        NOTICE_DATE_LINE,
    )
    top = pdf.get_y() - LINE
    for index, text in enumerate(LETTER_SUBJECT):
        pdf.set_xy(LEFT, top + index * LINE)
        pdf.cell(220, LINE, text, align="C")
    pdf.set_xy(LEFT, top + len(LETTER_SUBJECT) * LINE + 14)
    pdf.cell(0, LINE, "Kính gửi: Trường Chính trị tỉnh Hải Dương.", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    paragraphs(
        pdf,
        [
            "Để tổng hợp kết quả đào tạo, bồi dưỡng cán bộ năm 2024, Ủy ban nhân dân tỉnh đề nghị Trường "
            "Chính trị tỉnh Hải Dương báo cáo số lớp, số học viên đã mở trong năm.",
            "Báo cáo gửi về Văn phòng Ủy ban nhân dân tỉnh trước ngày 31 tháng 01 năm 2025.",
        ],
    )
    closing(pdf, ["- Như trên,", "- Lưu: VT."], ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], "Phạm Văn Tùng")
    pdf.output(str(path))
    return path
