"""Build the sample report PDFs and their expected-value files.

Usage: python samples/make_samples.py [--out samples] [--no-scan]

Everything is deterministic: fixed metadata dates, a seeded RNG for the scan noise and no
dependence on the clock, so two runs give byte-identical files (for the same fonts and
library versions, which ``build_environment()`` records in ``build-info.json``).

Outputs (under ``--out``):
  seed-51-BC-CTD.pdf        born-digital rendering of the seed report (Party style)
  seed-51-BC-CTD-scan.pdf   image-only "scan" of the above (300 dpi, rotated, noisy JPEG)
  gov-12-BC-TCT.pdf         fictitious state-style (Nghị định 30/2020) school report
  table-03-BC-CTĐ.pdf       fictitious cluster report with a ruled table
  cv-85-TCT-DT.pdf          fictitious công văn (state style, trích yếu under the number,
                            two "Kính gửi" addressees, no type title)
  kh-07-KH-HVCB.pdf         fictitious Party-style plan (after the 2025 merger) with a ruled
                            table of course categories
  tb-15-TB-TCT-scan.pdf     image-only scan of a fictitious Party-style notice with an incoming
                            stamp (its born-digital source is built in a temporary directory)
  gov-12-BC-TCT-rotated.pdf image-only scan of gov-12-BC-TCT.pdf with page 1 turned a quarter
                            turn (a landscape page) and page 2 upside down
  gov-12-BC-TCT-skewed.pdf  image-only scan of gov-12-BC-TCT.pdf fed askew: page 1 turned 2.8°
                            counter-clockwise, page 2 2.5° clockwise
  seed-51-BC-CTD-200dpi-stamp.pdf
                            image-only colour scan (200 dpi, noisier) of the first and the last
                            page of the seed report, a red seal over the left third of the
                            signature and a blue handwritten signature on the last page
  tcvn3-09-BC-TCT.pdf       fictitious state-style report whose text layer is TCVN3 (.VnTime,
                            caps lines in .VnTimeH, the body's "ư" soft hyphens dropped)
  vni-14-BC-TCT.pdf         fictitious Party-style report whose text layer is VNI (VNI-Times)
  expected/<stem>.json      what a perfect extractor returns for each PDF
  build-info.json           fonts and library versions the files were built with
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import io
import json
import re
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium
from fpdf import FPDF
from fpdf.enums import Align
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SAMPLES_DIR = Path(__file__).resolve().parent
SEED_DIR = SAMPLES_DIR / "seed"
SEED_TEXT = SEED_DIR / "report-51-BC-CTD.txt"
SEED_TRUTH = SEED_DIR / "report-51-BC-CTD.truth.json"

SEED_STEM = "seed-51-BC-CTD"
SCAN_STEM = "seed-51-BC-CTD-scan"
GOV_STEM = "gov-12-BC-TCT"
TABLE_STEM = "table-03-BC-CTĐ"
CV_STEM = "cv-85-TCT-DT"
KH_STEM = "kh-07-KH-HVCB"
TB_STEM = "tb-15-TB-TCT-scan"

# Fixed metadata so that repeated builds are byte-identical.
CREATION_DATE = datetime(2024, 1, 1, 0, 0, 0, tzinfo=UTC)
SCAN_SEED = 51

# Font lookup: the first candidate directory holding all four styles wins.
FONT_FAMILY = "Serif"
FONT_CANDIDATES: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "/usr/share/fonts/truetype/liberation2",
        {
            "": "LiberationSerif-Regular.ttf",
            "B": "LiberationSerif-Bold.ttf",
            "I": "LiberationSerif-Italic.ttf",
            "BI": "LiberationSerif-BoldItalic.ttf",
        },
    ),
    (
        "/usr/share/fonts/truetype/liberation",
        {
            "": "LiberationSerif-Regular.ttf",
            "B": "LiberationSerif-Bold.ttf",
            "I": "LiberationSerif-Italic.ttf",
            "BI": "LiberationSerif-BoldItalic.ttf",
        },
    ),
    (
        "/usr/share/fonts/truetype/dejavu",
        {
            "": "DejaVuSerif.ttf",
            "B": "DejaVuSerif-Bold.ttf",
            "I": "DejaVuSerif-Italic.ttf",
            "BI": "DejaVuSerif-BoldItalic.ttf",
        },
    ),
)

# Page geometry in points (A4, margins per Nghị định 30: left 30 mm, right 15 mm, 20 mm top/bottom).
PAGE_W = 595.28
PAGE_H = 841.89
LEFT = 85.05
RIGHT = 42.52
TOP = 56.7
BOTTOM = 56.7
TEXT_W = PAGE_W - LEFT - RIGHT

BODY_SIZE = 13.0
LINE_FACTOR = 1.15
PARA_GAP = 3.0
FIRST_LINE_INDENT = 28.35  # 1 cm
HEADER_SIZE = 12.0
HEADER_LEADING = 14.5

BLACK = (0, 0, 0)
STAMP_RED = (200, 30, 45)
SIGN_BLUE = (20, 60, 170)


# --------------------------------------------------------------------------------------
# Small geometry and text helpers
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rect:
    """An axis-aligned box in PDF points, origin top-left (fpdf2 coordinates)."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def overlaps(self, other: Rect) -> bool:
        return not (self.right <= other.x or other.right <= self.x or self.bottom <= other.y or other.bottom <= self.y)

    def as_dict(self) -> dict[str, float]:
        return {"x": round(self.x, 1), "y": round(self.y, 1), "w": round(self.w, 1), "h": round(self.h, 1)}


@dataclass(frozen=True)
class Line:
    """One printed line of a header, title or closing block."""

    text: str
    style: str = ""
    size: float = HEADER_SIZE


@dataclass(frozen=True)
class Para:
    """A body paragraph. ``*...*`` in ``text`` marks italic runs.

    kind: "body" (justified, first-line indent), "h1"/"h2" (bold), "h3" (bold italic),
    "center" (centred, no indent).
    """

    text: str
    kind: str = "body"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def vn_int(value: int) -> str:
    """Format an integer the Vietnamese way: 16182 -> '16.182'."""
    return f"{value:,}".replace(",", ".")


def italic_runs(text: str) -> list[tuple[str, bool]]:
    """Split ``a *b* c`` into [("a ", False), ("b", True), (" c", False)]."""
    parts = text.split("*")
    if len(parts) % 2 == 0:
        raise ValueError(f"unbalanced italic markers in: {text!r}")
    return [(part, i % 2 == 1) for i, part in enumerate(parts) if part]


def assert_disjoint(rects: dict[str, Rect]) -> None:
    names = list(rects)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if rects[a].overlaps(rects[b]):
                raise AssertionError(f"layout overlap: {a} {rects[a]} and {b} {rects[b]}")


# --------------------------------------------------------------------------------------
# Fonts and the PDF document class
# --------------------------------------------------------------------------------------


def find_fonts() -> dict[str, Path]:
    """Return {style: path} for a serif family with Vietnamese glyphs, or exit clearly."""
    for directory, files in FONT_CANDIDATES:
        paths = {style: Path(directory) / name for style, name in files.items()}
        if all(p.is_file() for p in paths.values()):
            return paths
    tried = ", ".join(d for d, _ in FONT_CANDIDATES)
    raise SystemExit(
        "make_samples: no Vietnamese-capable serif TrueType font found. Install Liberation "
        f"Serif (fonts-liberation2) or DejaVu Serif (fonts-dejavu-core). Looked in: {tried}"
    )


class ReportPDF(FPDF):
    """A4 portrait, points, Vietnamese serif font, page numbers centred on top of pages 2+."""

    def __init__(self, fonts: dict[str, Path], title: str) -> None:
        super().__init__(orientation="P", unit="pt", format="A4")
        for style, path in fonts.items():
            self.add_font(FONT_FAMILY, style, str(path))
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(True, BOTTOM)
        set_fixed_metadata(self, title)
        self.set_font(FONT_FAMILY, "", BODY_SIZE)

    def header(self) -> None:
        if self.page_no() < 2:
            return
        self.set_font(FONT_FAMILY, "", BODY_SIZE)
        self.set_text_color(*BLACK)
        self.set_xy(0, 24)
        self.cell(PAGE_W, BODY_SIZE * LINE_FACTOR, str(self.page_no()), align="C")
        self.set_xy(LEFT, TOP)


def set_fixed_metadata(pdf: FPDF, title: str) -> None:
    pdf.set_creation_date(CREATION_DATE)
    pdf.set_title(title)
    pdf.set_author("samples/make_samples.py (test material)")
    pdf.set_creator("samples/make_samples.py")
    pdf.set_lang("vi-VN")


# --------------------------------------------------------------------------------------
# Drawing primitives
# --------------------------------------------------------------------------------------


def text_width(pdf: FPDF, line: Line) -> float:
    pdf.set_font(FONT_FAMILY, line.style.replace("U", ""), line.size)
    return pdf.get_string_width(line.text)


def draw_lines(
    pdf: FPDF,
    lines: Sequence[Line],
    x: float,
    w: float,
    y: float,
    align: str = "C",
    leading: float = HEADER_LEADING,
    color: tuple[int, int, int] = BLACK,
) -> float:
    """Print one line per entry inside [x, x+w]; return the y below the last line."""
    pdf.set_text_color(*color)
    for line in lines:
        if text_width(pdf, line) > w + 0.01:
            raise ValueError(f"line does not fit in {w:.1f} pt: {line.text!r}")
        pdf.set_font(FONT_FAMILY, line.style, line.size)
        pdf.set_xy(x, y)
        pdf.cell(w, leading, line.text, align=align)
        y += leading
    pdf.set_text_color(*BLACK)
    return y


def draw_rule(pdf: FPDF, x_center: float, y: float, width: float) -> None:
    pdf.set_draw_color(*BLACK)
    pdf.set_line_width(0.6)
    pdf.line(x_center - width / 2, y, x_center + width / 2, y)


def draw_box(
    pdf: FPDF,
    lines: Sequence[Line],
    x: float,
    y: float,
    w: float,
    color: tuple[int, int, int],
    pad: float = 4.0,
    align: str = "L",
) -> Rect:
    """A framed block of small text (stamp or digital-signature appearance)."""
    leading = max(line.size for line in lines) * LINE_FACTOR
    h = 2 * pad + leading * len(lines)
    pdf.set_draw_color(*color)
    pdf.set_line_width(1.0)
    pdf.rect(x, y, w, h)
    draw_lines(pdf, lines, x + pad, w - 2 * pad, y + pad, align=align, leading=leading, color=color)
    pdf.set_draw_color(*BLACK)
    return Rect(x, y, w, h)


# --------------------------------------------------------------------------------------
# Document parts: headers, title, body, closing block, table
# --------------------------------------------------------------------------------------

PARTY_LEFT_COL = (LEFT, 215.0)  # x, width
PARTY_RIGHT_COL = (335.0, PAGE_W - RIGHT - 335.0)
STATE_LEFT_COL = (LEFT, 170.0)
STATE_RIGHT_COL = (290.0, PAGE_W - RIGHT - 290.0)
CLOSING_LEFT_COL = (LEFT, 205.0)
CLOSING_RIGHT_COL = (300.0, PAGE_W - RIGHT - 300.0)


@dataclass
class Layout:
    """Where the main blocks of page 1 (and the closing block) ended up, for the report."""

    blocks: dict[str, Rect] = field(default_factory=dict)
    closing_page: int = 0
    pages: int = 0


def draw_party_header(
    pdf: FPDF,
    y0: float,
    issuer_lines: Sequence[Line],
    number: str,
    place_date: str,
    columns: tuple[tuple[float, float], tuple[float, float]] = (PARTY_LEFT_COL, PARTY_RIGHT_COL),
    date_size: float = BODY_SIZE,
) -> tuple[Rect, Rect]:
    """Party style (HD 36): issuer block + '*' + 'Số ...' left; motto + date right.

    ``columns`` and ``date_size`` make room for a long place name ("Thành phố Hồ Chí Minh").
    """
    (lx, lw), (rx, rw) = columns
    left = [*issuer_lines, Line("*", "", HEADER_SIZE)]
    y_number = draw_lines(pdf, left, lx, lw, y0)
    y_end = draw_lines(pdf, [Line(number, "", BODY_SIZE)], lx, lw, y_number)
    draw_lines(pdf, [Line("ĐẢNG CỘNG SẢN VIỆT NAM", "BU", BODY_SIZE)], rx, rw, y0)
    draw_lines(pdf, [Line(place_date, "I", date_size)], rx, rw, y_number)
    return Rect(lx, y0, lw, y_end - y0), Rect(rx, y0, rw, y_end - y0)


def draw_state_header(
    pdf: FPDF,
    y0: float,
    parent: str,
    issuer: str | Sequence[str],
    number: str,
    place_date: str,
    excerpt: Sequence[str] = (),
) -> tuple[Rect, Rect]:
    """State style (NĐ 30): parent/issuer + rule + 'Số:' left; Quốc hiệu, tiêu ngữ right.

    ``issuer`` may take several lines; ``excerpt`` is a công văn's trích yếu ("V/v ..."),
    printed under the number in the left column.
    """
    lx, lw = STATE_LEFT_COL
    rx, rw = STATE_RIGHT_COL
    issuer_lines = [Line(t, "B", HEADER_SIZE) for t in ([issuer] if isinstance(issuer, str) else issuer)]
    y = draw_lines(pdf, [Line(parent, "", HEADER_SIZE), *issuer_lines], lx, lw, y0)
    draw_rule(pdf, lx + lw / 2, y + 3, max(text_width(pdf, line) for line in issuer_lines) * 0.5)
    motto = Line("Độc lập - Tự do - Hạnh phúc", "B", BODY_SIZE)
    y_r = draw_lines(pdf, [Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", HEADER_SIZE), motto], rx, rw, y0)
    draw_rule(pdf, rx + rw / 2, y_r + 3, text_width(pdf, motto))
    y_number = max(y, y_r) + 8
    y_end = draw_lines(pdf, [Line(number, "", BODY_SIZE)], lx, lw, y_number)
    draw_lines(pdf, [Line(place_date, "I", BODY_SIZE)], rx, rw, y_number)
    if excerpt:
        y_end = draw_lines(pdf, [Line(t, "", HEADER_SIZE) for t in excerpt], lx, lw, y_end + 2)
    return Rect(lx, y0, lw, y_end - y0), Rect(rx, y0, rw, y_number + HEADER_LEADING - y0)


def draw_title(pdf: FPDF, y: float, title: str, subject_lines: Sequence[str]) -> Rect:
    lines = [Line(title, "B", 14.0)] + [Line(s, "B", 14.0) for s in subject_lines]
    y_end = draw_lines(pdf, lines, LEFT, TEXT_W, y, leading=17.0)
    draw_rule(pdf, LEFT + TEXT_W / 2, y_end + 6, 80)
    return Rect(LEFT, y, TEXT_W, y_end + 6 - y)


def para_format(kind: str) -> tuple[str, Align, float]:
    """Base font style, alignment and first-line indent of a paragraph kind."""
    formats = {
        "body": ("", Align.J, FIRST_LINE_INDENT),
        "h1": ("B", Align.L, FIRST_LINE_INDENT),
        "h2": ("B", Align.L, FIRST_LINE_INDENT),
        "h3": ("BI", Align.L, FIRST_LINE_INDENT),
        "center": ("", Align.C, 0.0),
    }
    return formats[kind]


HEADING_KINDS = ("h1", "h2", "h3")
KEEP_WITH_NEXT = 2 * PARA_GAP + 3 * BODY_SIZE * LINE_FACTOR  # a heading plus two lines


def write_paragraph(pdf: FPDF, para: Para) -> None:
    """Flow one paragraph from the current y; text_columns breaks pages as needed."""
    base_style, align, indent = para_format(para.kind)
    with (
        pdf.text_columns(text_align=align, line_height=LINE_FACTOR, l_margin=LEFT, r_margin=RIGHT) as cols,
        cols.paragraph(text_align=align, first_line_indent=indent, bottom_margin=PARA_GAP) as out,
    ):
        for text, italic in italic_runs(para.text):
            style = base_style + ("I" if italic and "I" not in base_style else "")
            pdf.set_font(FONT_FAMILY, style, BODY_SIZE)
            out.write(text)
    pdf.set_font(FONT_FAMILY, "", BODY_SIZE)


def keeps_with_next(pdf: FPDF, para: Para) -> bool:
    if para.kind in HEADING_KINDS:
        return True
    if not para.text.endswith(":"):
        return False
    pdf.set_font(FONT_FAMILY, "", BODY_SIZE)
    return pdf.get_string_width(para.text) < TEXT_W - FIRST_LINE_INDENT


def write_paragraphs(pdf: FPDF, paras: Iterable[Para]) -> None:
    """Flow paragraphs from the current y, never leaving a heading (or a one-line
    introduction to a list, ending with ':') alone at the foot of a page."""
    for para in paras:
        if keeps_with_next(pdf, para) and pdf.get_y() + KEEP_WITH_NEXT > PAGE_H - BOTTOM:
            pdf.add_page()
        write_paragraph(pdf, para)


@dataclass(frozen=True)
class Closing:
    """'Nơi nhận' list (left) and signature block (right) at the end of a document."""

    recipients_title: Line
    recipients: tuple[str, ...]
    authority_lines: tuple[Line, ...]
    signer_name: str
    signature_gap: float = 78.0
    appearance: tuple[str, ...] = ()


def draw_closing(pdf: FPDF, closing: Closing) -> tuple[Rect, Rect, Rect | None]:
    """Draw the closing block below the body, on a new page if it does not fit."""
    lx, lw = CLOSING_LEFT_COL
    rx, rw = CLOSING_RIGHT_COL
    left = [closing.recipients_title] + [Line(r, "", 11.0) for r in closing.recipients]
    leading_r = BODY_SIZE * 1.25
    right_h = leading_r * (len(closing.authority_lines) + 1) + closing.signature_gap
    left_h = 15.0 + 13.0 * len(closing.recipients)
    y = pdf.get_y() + 8
    if y + max(left_h, right_h) > PAGE_H - BOTTOM:
        pdf.add_page()
        y = TOP
    draw_lines(pdf, left[:1], lx, lw, y, align="L", leading=15.0)
    draw_lines(pdf, left[1:], lx, lw, y + 15.0, align="L", leading=13.0)
    y_gap = draw_lines(pdf, closing.authority_lines, rx, rw, y, leading=leading_r)
    box = None
    if closing.appearance:
        box_lines = [Line(t, "", 7.5) for t in closing.appearance]
        box_w = 190.0
        box_h = 8.0 + 9.0 * len(box_lines)
        box_y = y_gap + (closing.signature_gap - box_h) / 2
        box = draw_box(pdf, box_lines, rx + (rw - box_w) / 2, box_y, box_w, SIGN_BLUE)
    y_name = y_gap + closing.signature_gap
    y_end = draw_lines(pdf, [Line(closing.signer_name, "B", BODY_SIZE)], rx, rw, y_name, leading=leading_r)
    pdf.set_y(y_end)
    return Rect(lx, y, lw, left_h), Rect(rx, y, rw, y_end - y), box


@dataclass(frozen=True)
class TableRow:
    cells: tuple[str, ...]
    bold: bool = False
    span_first_two: bool = False


def draw_table(
    pdf: FPDF, widths: Sequence[float], header: Sequence[str], rows: Sequence[TableRow], row_h: float = 21.0
) -> Rect:
    """A fully ruled table (drawn cell borders), kept on one page."""
    total_w = sum(widths)
    x0 = LEFT + (TEXT_W - total_w) / 2
    height = row_h * (len(rows) + 1)
    if pdf.get_y() + height > PAGE_H - BOTTOM:
        pdf.add_page()
    y0 = pdf.get_y()
    pdf.set_draw_color(*BLACK)
    pdf.set_line_width(0.7)
    aligns = ("C", "L", "R", "R")
    saved_margin, pdf.c_margin = pdf.c_margin, 6.0
    pdf.set_font(FONT_FAMILY, "B", 12.0)
    pdf.set_xy(x0, y0)
    for w, text in zip(widths, header, strict=True):
        pdf.cell(w, row_h, text, border=1, align="C")
    for i, row in enumerate(rows, start=1):
        pdf.set_font(FONT_FAMILY, "B" if row.bold else "", 12.0)
        pdf.set_xy(x0, y0 + i * row_h)
        if row.span_first_two:
            spans = [(widths[0] + widths[1], row.cells[0], "C")]
            spans += list(zip(widths[2:], row.cells[1:], aligns[2:], strict=True))
        else:
            spans = list(zip(widths, row.cells, aligns, strict=True))
        for w, text, align in spans:
            pdf.cell(w, row_h, text, border=1, align=align)
    pdf.c_margin = saved_margin
    pdf.set_xy(LEFT, y0 + height + 6)
    return Rect(x0, y0, total_w, height)


# --------------------------------------------------------------------------------------
# Expected values
# --------------------------------------------------------------------------------------

# Figure phrases as printed: "N lớp", "N lớp/M học viên" (also ", " "với", "HV"),
# "N lớp (M học viên)" and, students first, "M học viên/N lớp".
FIGURE_RE = re.compile(
    r"^(?P<c>\d+)\s*lớp(?:\s*(?:/|,|với)\s*(?P<s>[\d.]+)\s*(?:học viên|HV))?$"
    r"|^(?P<c2>\d+)\s*lớp\s*\((?P<s2>[\d.]+)\s*học viên\)$"
    r"|^(?P<s3>[\d.]+)\s*học viên\s*/\s*(?P<c3>\d+)\s*lớp$"
)


def figure_numbers(text: str) -> tuple[int, int | None]:
    """(classes, students) of a printed figure phrase; ValueError if it is not one."""
    match = FIGURE_RE.match(text)
    if not match:
        raise ValueError(f"not a figure phrase: {text!r}")
    classes = next(match[k] for k in ("c", "c2", "c3") if match[k])
    students = next((match[k] for k in ("s", "s2", "s3") if match[k]), None)
    return int(classes), int(students.replace(".", "")) if students else None


@dataclass
class Figure:
    classes: int
    students: int | None
    school: str | None
    label: str
    period: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "classes": self.classes,
            "students": self.students,
            "school": self.school,
            "label": self.label,
            "period": self.period,
        }


@dataclass
class Expected:
    """Collects the expected values while the document text is being written."""

    document: dict[str, Any]
    received_stamps: list[dict[str, Any]] = field(default_factory=list)
    references: list[dict[str, Any]] = field(default_factory=list)
    schools: list[dict[str, Any]] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    must_print: list[str] = field(default_factory=list)

    def fig(
        self, text: str, classes: int, students: int | None, label: str, period: str, school: str | None = None
    ) -> str:
        """Record a figure and return its printed text, checking the numbers agree."""
        if figure_numbers(text) != (classes, students):
            raise ValueError(f"figure text {text!r} disagrees with {classes}/{students}")
        self.figures.append(Figure(classes, students, school, label, period))
        self.must_print.append(text)
        return text

    def school(self, printed: str, canonical: str) -> str:
        """Record a school mention (first mention decides the order); return the printed form."""
        if canonical not in CANONICAL_SCHOOLS:
            raise ValueError(f"unknown canonical school {canonical!r}")
        if all(s["name"] != canonical for s in self.schools):
            self.schools.append({"name": canonical, "province": CANONICAL_SCHOOLS[canonical]})
        self.must_print.append(printed)
        return printed

    def ref(self, printed: str, kind: str, number: str, date: str | None, kind_printed: bool = True) -> str:
        """Record a cited document once; return its printed citation.

        ``kind_printed=False`` for a citation without its type word ("văn bản số
        1024/UBND-VX" is a công văn: the symbol has no type abbreviation)."""
        if number not in printed or (kind_printed and kind not in printed):
            raise ValueError(f"citation {printed!r} does not show {kind} {number}")
        if all(r["number"] != number for r in self.references):
            self.references.append({"kind": kind, "number": number, "date": date})
        self.must_print.append(printed)
        return printed

    def as_json(self, stem: str) -> dict[str, Any]:
        return {
            "file": stem,
            "document": self.document,
            "received_stamps": self.received_stamps,
            "references": self.references,
            "schools": self.schools,
            "figures": [f.as_dict() for f in self.figures],
        }


# Canonical names (as in the project's schools.tsv) of the schools the samples mention.
CANONICAL_SCHOOLS: dict[str, str] = {
    "Trường Chính trị tỉnh Thanh Hóa": "Thanh Hóa",
    "Trường Chính trị tỉnh Nghệ An": "Nghệ An",
    "Trường Chính trị Trần Phú tỉnh Hà Tĩnh": "Hà Tĩnh",
    "Trường Chính trị Lê Duẩn tỉnh Quảng Trị": "Quảng Trị",
    "Trường Chính trị tỉnh Kon Tum": "Kon Tum",
    "Trường Chính trị tỉnh Gia Lai": "Gia Lai",
    "Trường Chính trị tỉnh Đắk Lắk": "Đắk Lắk",
    "Trường Chính trị tỉnh Đắk Nông": "Đắk Nông",
    "Trường Chính trị tỉnh Lâm Đồng": "Lâm Đồng",
    "Trường Đào tạo cán bộ Lê Hồng Phong thành phố Hà Nội": "Hà Nội",
    "Trường Chính trị Nguyễn Văn Cừ tỉnh Bắc Ninh": "Bắc Ninh",
    "Trường Chính trị Tô Hiệu thành phố Hải Phòng": "Hải Phòng",
    "Học viện Cán bộ Thành phố Hồ Chí Minh": "Hồ Chí Minh",
    "Trường Chính trị tỉnh Bình Dương": "Bình Dương",
    "Trường Chính trị tỉnh Bà Rịa - Vũng Tàu": "Bà Rịa - Vũng Tàu",
    "Trường Chính trị tỉnh Tuyên Quang": "Tuyên Quang",
    "Trường Chính trị tỉnh Yên Bái": "Yên Bái",
    "Trường Chính trị tỉnh Bến Tre": "Bến Tre",
    "Trường Chính trị tỉnh Long An": "Long An",
}

EXPECTED_KEYS = ("file", "document", "received_stamps", "references", "schools", "figures")


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def seed_expected(stem: str) -> dict[str, Any]:
    """The hand-labelled seed truth, restricted to the expected-values keys."""
    truth = json.loads(SEED_TRUTH.read_text(encoding="utf-8"))
    data = {key: copy.deepcopy(truth[key]) for key in EXPECTED_KEYS if key != "file"}
    return {"file": stem, **data}


# --------------------------------------------------------------------------------------
# (a) The seed report, born digital
# --------------------------------------------------------------------------------------

SEED_BODY_START = "Thực hiện Hướng dẫn số 30-QĐ/HVCTQG"
SEED_BODY_END = "Trên đây là Báo cáo hoạt động thi đua"
# OCR lines of the incoming-mail stamp and handwriting that interrupt the body in the seed.
SEED_NOISE_LINES = (
    "TRƯỜNG CHÍNH TRỊ T. LAI CHÂU",
    "Số: 457",
    "ĐẾN Ngày: 23/8/2021",
    "Chuyên: #/c/ta-g",
    "Chức vụ TC-PC",
    "Đã ký",
    "Vết",
)
ROMAN_HEADING = re.compile(r"^[IVX]+- ")
SUB_HEADING = re.compile(r"^\d+\.\d+- ")
NUMBERED_HEADING = re.compile(r"^\d+- ")


def classify_seed_line(line: str) -> str:
    if ROMAN_HEADING.match(line):
        return "h1"
    if SUB_HEADING.match(line):
        return "h3"
    if NUMBERED_HEADING.match(line):
        return "h2"
    return "body"


def seed_body_paragraphs(text: str) -> list[Para]:
    """The seed's body lines as paragraphs: noise removed, page-break splits re-joined."""
    lines = [line.strip() for line in nfc(text).splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith(SEED_BODY_START))
    end = next(i for i, line in enumerate(lines) if line.startswith(SEED_BODY_END))
    missing = [n for n in SEED_NOISE_LINES if n not in lines[start:end]]
    if missing:
        raise ValueError(f"seed text changed: noise lines not found: {missing}")
    texts: list[str] = []
    for line in lines[start : end + 1]:
        if not line or line in SEED_NOISE_LINES:
            continue
        if line.startswith("- + "):  # nested-list artefact of the OCR export
            line = line[2:]
        if texts and line[0].islower():  # sentence continued across a page break
            texts[-1] = f"{texts[-1]} {line}"
        else:
            texts.append(line)
    return [Para(t, classify_seed_line(t)) for t in texts]


SEED_ORG_SIGNATURE = (
    "Người ký: TRƯỜNG CHÍNH TRỊ",
    "Email: Truong Chinh tri@CHINHTRI",
    "Cơ quan: TỈNH ỦY SƠN LA",
    "Thời gian ký: 18.08.2021 02:46:13 -07:00",
)
SEED_PERSONAL_SIGNATURE = (
    "Người ký: Lò Thị Thúy Hà",
    "Email: Hieu Truong Chinh tri@CHINHTRI",
    "Cơ quan: TRƯỜNG CHÍNH TRỊ, TỈNH ỦY SƠN LA",
    "Thời gian ký: 17.08.2021 14:36:01 +07:00",
)
SEED_STAMP = (
    Line("TRƯỜNG CHÍNH TRỊ T. LAI CHÂU", "B", 9.0),
    Line("Số: 457", "", 9.0),
    Line("ĐẾN  Ngày: 23/8/2021", "B", 9.0),
    Line("Chuyển: .....", "", 9.0),
)
SEED_CLOSING = Closing(
    recipients_title=Line("Nơi nhận:", "BIU", 12.0),
    recipients=(
        "- Phòng thi đua, KT - Sở Nội vụ,",
        "- Vụ Các trường chính trị,",
        "- Các TCT trong Cụm Thi đua,",
        "- Lưu VT.",
    ),
    authority_lines=(
        Line("CỤM TRƯỞNG", "B", BODY_SIZE),
        Line("HIỆU TRƯỞNG", "B", BODY_SIZE),
        Line("TRƯỜNG CHÍNH TRỊ TỈNH SƠN LA", "B", BODY_SIZE),
    ),
    signer_name="Lò Thị Thúy Hà",
    signature_gap=82.0,
    appearance=SEED_PERSONAL_SIGNATURE,
)
SEED_MUST_PRINT = (
    "Số 51-BC/CTĐ",
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "Sơn La, ngày 12 tháng 8 năm 2021",
    "260 lớp với 16.182 học viên",
    "Trường Đào tạo cán bộ Nguyễn văn Cừ tỉnh Quảng Ninh",
    "Số: 457",
    "Lò Thị Thúy Hà",
)


def build_seed(fonts: dict[str, Path], path: Path) -> tuple[dict[str, Any], Layout]:
    pdf = ReportPDF(fonts, "Báo cáo số 51-BC/CTĐ (mẫu thử)")
    pdf.add_page()
    layout = Layout()
    stamp = draw_box(pdf, SEED_STAMP, 40.0, 10.0, 175.0, STAMP_RED, align="C")
    org_lines = [Line(t, "", 7.5) for t in SEED_ORG_SIGNATURE]
    org = draw_box(pdf, org_lines, PAGE_W - RIGHT - 185.0, 12.0, 185.0, SIGN_BLUE)
    issuer = [
        Line("HỌC VIỆN CHÍNH TRỊ QUỐC GIA", "", HEADER_SIZE),
        Line("HỒ CHÍ MINH", "", HEADER_SIZE),
        Line("CỤM THI ĐUA CÁC TRƯỜNG CHÍNH", "B", HEADER_SIZE),
        Line("TRỊ KHU VỰC MIỀN NÚI BIÊN GIỚI", "B", HEADER_SIZE),
        Line("PHÍA BẮC", "B", HEADER_SIZE),
    ]
    left, right = draw_party_header(pdf, 66.0, issuer, "Số 51-BC/CTĐ", "Sơn La, ngày 12 tháng 8 năm 2021")
    title = draw_title(
        pdf,
        left.bottom + 16,
        "BÁO CÁO",
        (
            "công tác 6 tháng đầu năm 2021,",
            "phương hướng, nhiệm vụ 6 tháng cuối năm 2021",
        ),
    )
    pdf.set_y(title.bottom + 12)
    layout.blocks.update(stamp=stamp, org_signature=org, header_left=left, header_right=right, title=title)
    assert_disjoint(layout.blocks)
    write_paragraphs(pdf, seed_body_paragraphs(SEED_TEXT.read_text(encoding="utf-8")))
    recipients, signer, box = draw_closing(pdf, SEED_CLOSING)
    layout.closing_page = pdf.page_no()
    layout.blocks.update(recipients=recipients, signature_block=signer)
    if box is not None:
        layout.blocks["personal_signature"] = box
    layout.pages = pdf.page_no()
    pdf.output(str(path))
    verify_text_layer(path, SEED_MUST_PRINT)
    return seed_expected(path.stem), layout


# --------------------------------------------------------------------------------------
# (b) The image-only scan
# --------------------------------------------------------------------------------------

SCAN_DPI = 300
SCAN_ANGLES = (0.4, -0.3)  # degrees, alternating by page
SCAN_BLUR_PX = 1.0  # scanner optics: a slight softening of the edges
SCAN_NOISE_SIGMA = 8.0  # sensor noise, in grey levels
SCAN_WHITE_POINT = 235.0  # background clean-up: paper at or above this grey becomes white
SCAN_JPEG_QUALITY = 70


@dataclass(frozen=True)
class ScanSettings:
    """How a page is "scanned". ``turns`` are quarter turns counter-clockwise of the sheet on
    the scanner glass (0 upright, 1 sideways: a landscape page, 2 upside down), by page."""

    dpi: int = SCAN_DPI
    angles: tuple[float, ...] = SCAN_ANGLES
    blur_px: float = SCAN_BLUR_PX
    noise_sigma: float = SCAN_NOISE_SIGMA
    white_point: float = SCAN_WHITE_POINT
    jpeg_quality: int = SCAN_JPEG_QUALITY
    colour: bool = False
    turns: tuple[int, ...] = (0,)


PLAIN_SCAN = ScanSettings()
QUARTER_TURNS = {1: Image.Transpose.ROTATE_90, 2: Image.Transpose.ROTATE_180, 3: Image.Transpose.ROTATE_270}

# Ink drawn on the paper before it is scanned: (rendered RGB page, page in the source) -> page.
PaperMarks = Any


def scan_page(
    page: pdfium.PdfPage,
    angle: float,
    rng: np.random.Generator,
    settings: ScanSettings = PLAIN_SCAN,
    turn: int = 0,
    marks: PaperMarks | None = None,
) -> bytes:
    """Render (grey, or RGB with ``settings.colour``), add the ink of ``marks``, turn the sheet,
    rotate, blur slightly, add Gaussian noise, clean the paper white (as scanners do; it also
    keeps the JPEGs small) and JPEG-encode one page."""
    scale = settings.dpi / 72
    if settings.colour:
        image = page.render(scale=scale).to_pil().convert("RGB")
        fill: int | tuple[int, int, int] = (255, 255, 255)
    else:
        image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
        fill = 255
    if marks is not None:
        image = marks(image, page)
    if turn % 4:
        image = image.transpose(QUARTER_TURNS[turn % 4])
    image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=fill)
    image = image.filter(ImageFilter.GaussianBlur(settings.blur_px))
    pixels = np.asarray(image, dtype=np.float32)
    # One noise value per pixel (luminance noise), shared by the colour channels.
    noise = rng.normal(0.0, settings.noise_sigma, pixels.shape[:2]).astype(np.float32)
    pixels = pixels + (noise[..., None] if pixels.ndim == 3 else noise)
    pixels = pixels * (255.0 / settings.white_point)
    noisy = Image.fromarray(np.clip(np.rint(pixels), 0, 255).astype(np.uint8), mode="RGB" if settings.colour else "L")
    buffer = io.BytesIO()
    noisy.save(
        buffer,
        format="JPEG",
        quality=settings.jpeg_quality,
        optimize=True,
        progressive=True,
        dpi=(settings.dpi, settings.dpi),
    )
    return buffer.getvalue()


def build_scan(
    source: Path,
    path: Path,
    seed: int = SCAN_SEED,
    settings: ScanSettings = PLAIN_SCAN,
    pages: Sequence[int] | None = None,
    marks: dict[int, PaperMarks] | None = None,
) -> int:
    """Write an image-only PDF of ``source`` (of its ``pages``, 0-based, default all), with
    ``marks`` drawn on the source pages they are keyed by; return its page count."""
    rng = np.random.default_rng(seed)
    out = FPDF(unit="pt", format="A4")
    set_fixed_metadata(out, "Bản quét (mẫu thử)")  # no number: the scan must be OCRed
    out.set_auto_page_break(False)
    out.set_margin(0)
    document = pdfium.PdfDocument(str(source))
    try:
        indices = list(range(len(document)) if pages is None else pages)
        for n, index in enumerate(indices):
            page = document[index]
            width, height = page.get_size()
            turn = settings.turns[n % len(settings.turns)] % 4
            jpeg = scan_page(
                page, settings.angles[n % len(settings.angles)], rng, settings, turn, (marks or {}).get(index)
            )
            if turn % 2:
                width, height = height, width
            out.add_page(format=(width, height))
            out.image(io.BytesIO(jpeg), x=0, y=0, w=width, h=height)
            page.close()
    finally:
        document.close()
    out.output(str(path))
    return len(indices)


# (b2) The state-style report scanned with its sheets turned: page 1 sideways, page 2 upside down

GOV_ROTATED_STEM = "gov-12-BC-TCT-rotated"
GOV_ROTATED_SEED = 12
GOV_ROTATED_SCAN = ScanSettings(turns=(1, 2))


def build_gov_rotated_scan(source: Path, path: Path) -> dict[str, Any]:
    """Scan ``gov-12-BC-TCT.pdf`` with page 1 a quarter turn (landscape) and page 2 upside
    down; the expected values are those of the born-digital report."""
    build_scan(source, path, seed=GOV_ROTATED_SEED, settings=GOV_ROTATED_SCAN)
    expected = json.loads((source.parent / "expected" / f"{source.stem}.json").read_text(encoding="utf-8"))
    return {**expected, "file": path.stem}


# (b2b) The state-style report scanned askew: 2.8° and -2.5°, past what Tesseract's own line
# finding lets the layout stage group into lines

GOV_SKEWED_STEM = "gov-12-BC-TCT-skewed"
GOV_SKEWED_SEED = 28
GOV_SKEWED_SCAN = ScanSettings(angles=(2.8, -2.5))


def build_gov_skewed_scan(source: Path, path: Path) -> dict[str, Any]:
    """Scan ``gov-12-BC-TCT.pdf`` with its pages skewed by 2.8° and -2.5°; the expected values
    are those of the born-digital report."""
    build_scan(source, path, seed=GOV_SKEWED_SEED, settings=GOV_SKEWED_SCAN)
    expected = json.loads((source.parent / "expected" / f"{source.stem}.json").read_text(encoding="utf-8"))
    return {**expected, "file": path.stem}


# (b3) Two pages of the seed report (first and last) scanned in colour at 200 dpi, with the
# organisation's red seal over the left third of the signature and a blue signature

SEED_STAMP_STEM = "seed-51-BC-CTD-200dpi-stamp"
SEED_STAMP_SEED = 5108
SEED_STAMP_SCAN = ScanSettings(dpi=200, angles=(0.6, -0.6), noise_sigma=12.0, colour=True)
SEAL_RED = (200, 30, 40)
SEAL_OPACITY = 0.78
SEAL_DIAMETER = 110.0  # pt
SEAL_TEXT = "TRƯỜNG CHÍNH TRỊ TỈNH SƠN LA"
SIGNATURE_INK = (25, 55, 165)
SIGNATURE_OPACITY = 0.9
SIGNATURE_WIDTH = 1.3  # pt
# Pen strokes of the handwritten signature, cubic Béziers in pt relative to the top-left corner
# of the printed name: a looped capital, a run of small loops and a long underline flourish.
SIGNATURE_STROKES: tuple[tuple[tuple[float, float], ...], ...] = (
    ((4, -6), (-6, -40), (22, -44), (14, -14)),
    ((14, -14), (8, 2), (30, -30), (38, -18)),
    ((38, -18), (44, -8), (50, -34), (56, -20)),
    ((56, -20), (62, -6), (70, -32), (78, -18)),
    ((78, -18), (84, -8), (96, -30), (102, -22)),
    ((-4, -8), (30, -2), (80, -12), (112, -30)),
)


def text_box(page: pdfium.PdfPage, phrase: str, occurrence: int = 0) -> Rect:
    """The box (pt, origin top-left) of one occurrence (index; -1 the last) of ``phrase``."""
    textpage = page.get_textpage()
    try:
        searcher = textpage.search(phrase, match_case=True)
        matches = []
        while (match := searcher.get_next()) is not None:
            matches.append(match)
        searcher.close()
        if not matches:
            raise AssertionError(f"{phrase!r} not found on the page")
        start, count = matches[occurrence]
        boxes = [textpage.get_charbox(i) for i in range(start, start + count)]
    finally:
        textpage.close()
    height = page.get_height()
    left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
    top, bottom = max(b[3] for b in boxes), min(b[1] for b in boxes)
    return Rect(left, height - top, right - left, top - bottom)


def bezier(points: Sequence[tuple[float, float]], steps: int = 24) -> list[tuple[float, float]]:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    out = []
    for i in range(steps + 1):
        t = i / steps
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
        out.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
    return out


def apply_ink(image: Image.Image, mask: Image.Image, colour: tuple[int, int, int], opacity: float) -> Image.Image:
    """Ink on paper: each channel multiplied toward ``colour`` where ``mask`` is set, so that
    the print under it stays visible (darker) through the ink."""
    base = np.asarray(image, dtype=np.float32)
    alpha = np.asarray(mask, dtype=np.float32)[..., None] / 255.0 * opacity
    tint = np.array(colour, dtype=np.float32) / 255.0
    inked = base * (1.0 - alpha * (1.0 - tint))
    return Image.fromarray(np.clip(np.rint(inked), 0, 255).astype(np.uint8), mode="RGB")


def signature_mask(size: tuple[int, int], name: Rect, scale: float) -> Image.Image:
    """Blue pen strokes above the printed name."""
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    width = max(1, round(SIGNATURE_WIDTH * scale))
    x0 = name.x + name.w / 2 - 54  # the scribble is ~110 pt wide, centred over the name
    for stroke in SIGNATURE_STROKES:
        points = [((x0 + x) * scale, (name.y + y) * scale) for x, y in bezier(stroke)]
        draw.line(points, fill=255, width=width, joint="curve")
    return mask.filter(ImageFilter.GaussianBlur(0.6))


def seal_mask(size: tuple[int, int], centre: tuple[float, float], scale: float, font_path: Path) -> Image.Image:
    """A round seal: a thick outer ring, a thin inner ring, the school's name set around the
    band between them, a five-pointed star in the middle; unevenly inked."""
    diameter = SEAL_DIAMETER * scale
    radius = diameter / 2
    side = round(diameter) + 8
    seal = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(seal)
    c = side / 2
    outer_w = 2.6 * scale
    draw.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=round(outer_w))
    inner = radius * 0.66
    draw.ellipse((c - inner, c - inner, c + inner, c + inner), outline=255, width=max(1, round(0.9 * scale)))
    # The name around the band, starting lower left and running clockwise over the top.
    font = ImageFont.truetype(str(font_path), round(10.5 * scale))
    text = f"{SEAL_TEXT} * "
    text_r = (radius - outer_w + inner) / 2
    step = 360.0 / len(text)
    for i, char in enumerate(text):
        if char == " ":
            continue
        angle = -150.0 + i * step  # degrees clockwise from the top
        glyph_side = round(14 * scale)
        glyph = Image.new("L", (glyph_side, glyph_side), 0)
        ImageDraw.Draw(glyph).text((glyph_side / 2, glyph_side / 2), char, fill=255, font=font, anchor="mm")
        glyph = glyph.rotate(-angle, resample=Image.Resampling.BICUBIC)
        theta = np.deg2rad(angle)
        gx = c + text_r * np.sin(theta) - glyph_side / 2
        gy = c - text_r * np.cos(theta) - glyph_side / 2
        seal.paste(255, (round(gx), round(gy)), glyph)
    star_r, star_in = inner * 0.55, inner * 0.22
    star = []
    for k in range(10):
        r = star_r if k % 2 == 0 else star_in
        theta = np.deg2rad(k * 36.0)
        star.append((c + r * np.sin(theta), c - r * np.cos(theta)))
    draw.polygon(star, fill=255)
    # Uneven ink: a smooth seeded texture between 55% and 100%.
    texture_rng = np.random.default_rng(SEED_STAMP_SEED)
    texture = Image.fromarray((texture_rng.random((side // 6 + 1, side // 6 + 1)) * 255).astype(np.uint8), mode="L")
    texture = texture.resize((side, side), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(2 * scale))
    level = 0.55 + 0.45 * np.asarray(texture, dtype=np.float32) / 255.0
    seal_px = np.asarray(seal.filter(ImageFilter.GaussianBlur(0.5)), dtype=np.float32) * level
    seal = Image.fromarray(np.clip(np.rint(seal_px), 0, 255).astype(np.uint8), mode="L")
    mask = Image.new("L", size, 0)
    mask.paste(seal, (round(centre[0] * scale - c), round(centre[1] * scale - c)))
    return mask


def seal_and_signature(font_path: Path) -> PaperMarks:
    """The marks of the closing page: the signature above the printed name, then the seal
    over its left third and over the left part of the signature block's text (NĐ 30)."""

    def marks(image: Image.Image, page: pdfium.PdfPage) -> Image.Image:
        scale = image.width / page.get_width()
        name = text_box(page, SEED_CLOSING.signer_name, occurrence=-1)
        school = text_box(page, SEED_CLOSING.authority_lines[-1].text)
        image = apply_ink(image, signature_mask(image.size, name, scale), SIGNATURE_INK, SIGNATURE_OPACITY)
        signature_left = name.x + name.w / 2 - 54
        centre = (signature_left + 110 / 3 - SEAL_DIAMETER / 2 + 4, (school.y + name.bottom) / 2 - 10)
        return apply_ink(image, seal_mask(image.size, centre, scale, font_path), SEAL_RED, SEAL_OPACITY)

    return marks


def page_text(path: Path, indices: Sequence[int]) -> str:
    """The text layer of some pages (0-based; negative from the end) as in extract_text."""
    document = pdfium.PdfDocument(str(path))
    try:
        chunks = []
        for index in indices:
            textpage = document[index].get_textpage()
            chunks.append(textpage.get_text_range())
            textpage.close()
    finally:
        document.close()
    return re.sub(r"\s+", " ", nfc(" ".join(chunks)))


# What the first and the last page of the seed report hold of its truth. Page 1: the header,
# the incoming stamp, the introduction (four citations) and the list of the eight schools of
# the cluster followed by two more citations; no figure ("gồm 8 trường", "03 khoa", "02 phòng"
# count no classes). Page 8: the end of the body, the recipients and the signature block; no
# citation, school or figure besides "TRƯỜNG CHÍNH TRỊ TỈNH SƠN LA" under the signer.
SEED_STAMP_REFERENCES = {  # truth number: as printed on page 1
    "30-QĐ/HVCTQG": "Hướng dẫn số 30-QĐ/HVCTQG ngày 03/02/2021",
    "53-QĐ/CTĐ": "Quyết định số 53-QĐ/CTĐ ngày 22/3/2021",
    "625-CV/HVCTQG": "Công văn số 625-CV/HVCTQG ngày 14/6/2021",
    "683-QĐ/HVCTQG": "Quyết định số 683-QĐ/HVCTQG ngày 25/02/2021",
    "09-QĐi/TW": "Quy định số 09/QĐi/TW",  # the OCR text's slash, kept verbatim
}


def seed_stamp_expected(stem: str, source: Path, pages: Sequence[int]) -> dict[str, Any]:
    """The seed truth restricted to what ``pages`` of ``source`` print, checked both ways:
    every kept entry is printed on them, no dropped reference or figure is."""
    data = seed_expected(stem)
    text = page_text(source, pages)
    folded = text.casefold()
    data["references"] = [r for r in data["references"] if r["number"] in SEED_STAMP_REFERENCES]
    missing = [p for p in SEED_STAMP_REFERENCES.values() if p not in text]
    kept = {r["number"] for r in data["references"]}
    dropped = [r["number"] for r in seed_expected(stem)["references"] if r["number"] not in kept]
    printed = [n for n in dropped if n in text or n.replace("-", "/", 1) in text]
    if missing or printed or kept != set(SEED_STAMP_REFERENCES):
        raise AssertionError(f"{stem}: citations missing {missing}, dropped but printed {printed}")
    schools = []
    for school in data["schools"]:
        forms = [school["name"], *school.get("surface_variants", [])]
        if any(form.casefold() in folded for form in forms):
            schools.append(school)
    data["schools"] = schools
    if re.search(r"\d\s*lớp", text):
        raise AssertionError(f"{stem}: a figure is printed on the scanned pages")
    data["figures"] = []
    stamp = data["received_stamps"][0]
    if f"Số: {stamp['number']}" not in text or "Ngày: 23/8/2021" not in text:
        raise AssertionError(f"{stem}: the incoming stamp is not on the scanned pages")
    document = data["document"]
    closing = [
        document["number"],
        "Sơn La, ngày 12 tháng 8 năm 2021",
        document["signers"][0]["name"],
        *document["recipients"],
    ]
    if any(value not in text for value in closing):
        raise AssertionError(f"{stem}: header or closing not on the scanned pages")
    return data


def build_seed_stamp_scan(fonts: dict[str, Path], source: Path, path: Path) -> dict[str, Any]:
    """Scan the first and the last page of the seed report in colour at 200 dpi with a red
    seal and a blue signature on the last page; return its expected values."""
    document = pdfium.PdfDocument(str(source))
    last = len(document) - 1
    document.close()
    pages = (0, last)
    build_scan(
        source,
        path,
        seed=SEED_STAMP_SEED,
        settings=SEED_STAMP_SCAN,
        pages=pages,
        marks={last: seal_and_signature(fonts["B"])},
    )
    return seed_stamp_expected(path.stem, source, pages)


# --------------------------------------------------------------------------------------
# (c1) State-style school report: Số: 12/BC-TCT
# --------------------------------------------------------------------------------------

GOV_CLOSING = Closing(
    recipients_title=Line("Nơi nhận:", "BI", 12.0),
    recipients=(
        "- Như trên;",
        "- Học viện Chính trị khu vực I (để b/c);",
        "- Ban Giám hiệu;",
        "- Lưu: VT, ĐT.",
    ),
    authority_lines=(
        Line("KT. HIỆU TRƯỞNG", "B", BODY_SIZE),
        Line("PHÓ HIỆU TRƯỞNG", "B", BODY_SIZE),
    ),
    signer_name="Nguyễn Thị Thu Hương",
    signature_gap=70.0,
)


def gov_expected() -> Expected:
    return Expected(
        document={
            "number": "12/BC-TCT",
            "type": "Báo cáo",
            "issuer": "Trường Chính trị tỉnh Thanh Hóa",
            "parent_issuer": "Tỉnh ủy Thanh Hóa",
            "place": "Thanh Hóa",
            "date": "2024-01-05",
            "subject": "Kết quả công tác đào tạo, bồi dưỡng năm 2023",
            "signers": [{"name": "Nguyễn Thị Thu Hương", "position": "Phó Hiệu trưởng", "capacity": "KT. Hiệu trưởng"}],
            "recipients": [
                "Ban Tổ chức Tỉnh ủy Thanh Hóa",
                "Như trên",
                "Học viện Chính trị khu vực I (để b/c)",
                "Ban Giám hiệu",
                "Lưu: VT, ĐT",
            ],
        }
    )


def gov_paragraphs(exp: Expected) -> list[Para]:
    """Body of the state-style report; figures, schools and citations go into ``exp``.

    Values are recorded in reading order, so the expected figures keep document order.
    """
    thanh_hoa = "Trường Chính trị tỉnh Thanh Hóa"
    nghe_an = "Trường Chính trị tỉnh Nghệ An"
    ha_tinh = "Trường Chính trị Trần Phú tỉnh Hà Tĩnh"
    year = "2023"
    paras: list[Para] = []
    add = paras.append

    plan = exp.ref(
        "Kế hoạch số 15-KH/TU ngày 20-01-2023 của Ban Thường vụ Tỉnh ủy", "Kế hoạch", "15-KH/TU", "2023-01-20"
    )
    decision = exp.ref(
        "Quyết định số 1234/QĐ-UBND ngày 05/4/2023 của Ủy ban nhân dân tỉnh", "Quyết định", "1234/QĐ-UBND", "2023-04-05"
    )
    add(
        Para(
            f"Thực hiện {plan} về đào tạo, bồi dưỡng cán bộ, công chức, viên chức năm 2023 "
            f"và {decision} về việc giao chỉ tiêu đào tạo, bồi dưỡng cán bộ, công chức, viên "
            f"chức năm 2023, {exp.school(thanh_hoa, thanh_hoa)} báo cáo kết quả công tác đào "
            "tạo, bồi dưỡng năm 2023 như sau:"
        )
    )
    add(Para("I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2023", "h1"))
    add(Para("1. Công tác đào tạo, bồi dưỡng", "h2"))
    school = exp.school(thanh_hoa, thanh_hoa)
    total = exp.fig("58 lớp với 3.412 học viên", 58, 3412, "tổ chức năm 2023", year, thanh_hoa)
    add(
        Para(
            "Bám sát chỉ tiêu được giao, Nhà trường đã chủ động xây dựng kế hoạch, phối hợp "
            "chặt chẽ với Ban Tổ chức Tỉnh ủy, Sở Nội vụ và các huyện, thị xã, thành phố "
            f"trong công tác chiêu sinh, mở lớp. Năm 2023, {school} đã tổ chức {total}, đạt "
            "103,5% kế hoạch năm."
        )
    )
    add(Para("Trong đó:"))
    items = (  # (label as printed, figure text, classes, students)
        ("Trung cấp lý luận chính trị hệ không tập trung", "21 lớp, 1.324 học viên", 21, 1324),
        ("Bồi dưỡng ngạch chuyên viên và chuyên viên chính", "12 lớp với 845 học viên", 12, 845),
        ("Bồi dưỡng lãnh đạo, quản lý cấp phòng và tương đương", "05 lớp, 318 học viên", 5, 318),
        ("Cao cấp lý luận chính trị (Học viện Chính trị khu vực I)", "3 lớp/210 HV", 3, 210),
        ("Bồi dưỡng kiến thức quốc phòng và an ninh đối tượng 4", "02 lớp", 2, None),
        ("Các lớp bồi dưỡng khác theo nhu cầu của địa phương", "15 lớp/715 học viên", 15, 715),
    )
    for label, text, classes, students in items:
        short_label = label.split(" (")[0]
        add(Para(f"- {label}: {exp.fig(text, classes, students, short_label, year)}."))
    add(
        Para(
            "Chất lượng đào tạo, bồi dưỡng tiếp tục được nâng lên; các lớp bế giảng trong "
            "năm có 1.105 học viên tốt nghiệp, trong đó 98 học viên tốt nghiệp loại giỏi, "
            "không có học viên phải thi lại lần hai."
        )
    )
    letter = exp.ref("Công văn số 85/TCT-ĐT ngày 12.6.2023", "Công văn", "85/TCT-ĐT", "2023-06-12")
    add(
        Para(
            f"Thực hiện {letter} của Nhà trường về việc tổ chức các lớp bồi dưỡng trong dịp "
            "hè, các khoa chuyên môn đã bố trí giảng viên đi giảng tại các huyện miền núi, "
            "bảo đảm đúng tiến độ và chất lượng."
        )
    )
    add(Para("2. Công tác nghiên cứu khoa học", "h2"))
    le_duan = exp.school("Trường Chính trị Lê Duẩn", "Trường Chính trị Lê Duẩn tỉnh Quảng Trị")
    add(
        Para(
            "Năm 2023, Nhà trường triển khai 15 đề tài khoa học cấp cơ sở và 01 đề tài cấp "
            f"tỉnh; phối hợp với {le_duan} tổ chức 01 hội thảo khoa học về đổi mới nội dung, "
            "chương trình đào tạo trung cấp lý luận chính trị; xuất bản 04 số Thông tin "
            "Khoa học."
        )
    )
    add(Para("3. Xây dựng đội ngũ", "h2"))
    add(
        Para(
            "Tổng số cán bộ, giảng viên, nhân viên của Nhà trường là 68 người, trong đó có "
            "42 giảng viên (08 tiến sĩ, 34 thạc sĩ); 100% giảng viên có trình độ cao cấp lý "
            "luận chính trị."
        )
    )
    add(Para("4. Trao đổi kinh nghiệm với các trường bạn", "h2"))
    nghe_an_name = exp.school("Trường Chính trị Nghệ An", nghe_an)
    nghe_an_fig = exp.fig("45 lớp với 2.960 học viên", 45, 2960, "tổ chức năm 2023", year, nghe_an)
    ha_tinh_name = exp.school("Trường Chính trị Trần Phú Hà Tĩnh", ha_tinh)
    ha_tinh_fig = exp.fig("31 lớp/1.875 học viên", 31, 1875, "mở năm 2023", year, ha_tinh)
    add(
        Para(
            "Nhà trường đã tổ chức đoàn nghiên cứu, trao đổi kinh nghiệm tại một số trường "
            f"chính trị khu vực Bắc Trung Bộ. {nghe_an_name} trong năm 2023 đã tổ chức "
            f"{nghe_an_fig}, trong đó có nhiều lớp mở tại các huyện miền núi. {ha_tinh_name} "
            f"đã mở {ha_tinh_fig}, chú trọng bồi dưỡng cán bộ cơ sở."
        )
    )
    add(Para("II. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2024", "h1"))
    plan_again = exp.ref("Kế hoạch số 15-KH/TU", "Kế hoạch", "15-KH/TU", "2023-01-20")
    target = exp.fig("62 lớp với 3.850 học viên", 62, 3850, "kế hoạch năm 2024", "2024")
    add(
        Para(
            f"Tiếp tục thực hiện {plan_again} của Ban Thường vụ Tỉnh ủy, năm 2024 Nhà trường "
            f"phấn đấu mở {target}, trong đó ưu tiên các lớp trung cấp lý luận chính trị cho "
            "cán bộ cơ sở."
        )
    )
    add(
        Para(
            "- Đổi mới phương pháp giảng dạy, tăng cường ứng dụng công nghệ thông tin trong quản lý đào tạo, bồi dưỡng."
        )
    )
    rule = exp.ref("Quy định số 11-QĐ/TW", "Quy định", "11-QĐ/TW", None)
    add(
        Para(
            "- Nâng cao chất lượng đội ngũ giảng viên, phấn đấu đạt chuẩn mức 1 theo "
            f"{rule} của Bộ Chính trị về trường chính trị chuẩn."
        )
    )
    add(Para("III. ĐỀ XUẤT, KIẾN NGHỊ", "h1"))
    add(
        Para(
            "Đề nghị Ban Tổ chức Tỉnh ủy quan tâm bố trí kinh phí nâng cấp ký túc xá và "
            "trang thiết bị phục vụ giảng dạy trực tuyến của Nhà trường."
        )
    )
    add(
        Para(
            "Trên đây là báo cáo kết quả công tác đào tạo, bồi dưỡng năm 2023 của "
            f"{exp.school(thanh_hoa, thanh_hoa)}./."
        )
    )
    return paras


def build_gov(fonts: dict[str, Path], path: Path) -> tuple[dict[str, Any], Layout]:
    pdf = ReportPDF(fonts, "Báo cáo số 12/BC-TCT (mẫu thử)")
    pdf.add_page()
    layout = Layout()
    left, right = draw_state_header(
        pdf, TOP, "TỈNH ỦY THANH HÓA", "TRƯỜNG CHÍNH TRỊ", "Số: 12/BC-TCT", "Thanh Hóa, ngày 05 tháng 01 năm 2024"
    )
    title = draw_title(pdf, left.bottom + 20, "BÁO CÁO", ("Kết quả công tác đào tạo, bồi dưỡng năm 2023",))
    y = draw_lines(
        pdf, [Line("Kính gửi: Ban Tổ chức Tỉnh ủy Thanh Hóa.", "", 14.0)], LEFT, TEXT_W, title.bottom + 10, leading=17.0
    )
    layout.blocks.update(
        header_left=left, header_right=right, title=title, kinh_gui=Rect(LEFT, title.bottom + 10, TEXT_W, 17.0)
    )
    assert_disjoint(layout.blocks)
    pdf.set_y(y + 10)
    exp = gov_expected()
    write_paragraphs(pdf, gov_paragraphs(exp))
    recipients, signer, _ = draw_closing(pdf, GOV_CLOSING)
    layout.blocks.update(recipients=recipients, signature_block=signer)
    layout.closing_page = layout.pages = pdf.page_no()
    pdf.output(str(path))
    verify_text_layer(path, ["Số: 12/BC-TCT", *exp.must_print])
    return exp.as_json(path.stem), layout


# --------------------------------------------------------------------------------------
# (c2) Cluster report with a ruled table: Số 03-BC/CTĐ
# --------------------------------------------------------------------------------------

TABLE_PERIOD = "2023-H1"
TABLE_LABEL = "Kết quả mở lớp 6 tháng đầu năm 2023"
# (printed name, canonical name, classes, students) — one table row per member school.
TABLE_SCHOOLS: tuple[tuple[str, str, int, int], ...] = (
    ("Trường Chính trị tỉnh Kon Tum", "Trường Chính trị tỉnh Kon Tum", 18, 1012),
    ("Trường Chính trị Gia Lai", "Trường Chính trị tỉnh Gia Lai", 26, 1685),
    ("Trường Chính trị Đắk Lắk", "Trường Chính trị tỉnh Đắk Lắk", 31, 2140),
    ("Trường Chính trị tỉnh Đắk Nông", "Trường Chính trị tỉnh Đắk Nông", 12, 640),
    ("Trường Chính trị Lâm Đồng", "Trường Chính trị tỉnh Lâm Đồng", 22, 1250),
)
TABLE_CLOSING = Closing(
    recipients_title=Line("Nơi nhận:", "BIU", 12.0),
    recipients=(
        "- Vụ Các trường chính trị (HVCTQG),",
        "- Các trường trong Cụm Thi đua,",
        "- Lưu VT.",
    ),
    authority_lines=(
        Line("TM. CỤM THI ĐUA", "B", BODY_SIZE),
        Line("CỤM TRƯỞNG", "B", BODY_SIZE),
    ),
    signer_name="Trần Quốc Khánh",
    signature_gap=70.0,
)


def table_expected() -> Expected:
    return Expected(
        document={
            "number": "03-BC/CTĐ",
            "type": "Báo cáo",
            "issuer": "Cụm Thi đua các trường chính trị khu vực Tây Nguyên",
            "parent_issuer": "Học viện Chính trị quốc gia Hồ Chí Minh",
            "place": "Gia Lai",
            "date": "2023-07-14",
            "subject": "sơ kết hoạt động thi đua 6 tháng đầu năm 2023, phương hướng, nhiệm vụ 6 tháng cuối năm 2023",
            "signers": [{"name": "Trần Quốc Khánh", "position": "Cụm trưởng", "capacity": "TM. Cụm thi đua"}],
            "recipients": ["Vụ Các trường chính trị (HVCTQG)", "Các trường trong Cụm Thi đua", "Lưu VT"],
        }
    )


def table_intro(exp: Expected) -> list[Para]:
    guide = exp.ref(
        "Hướng dẫn số 30-HD/HVCTQG ngày 03/02/2021 của Học viện Chính trị quốc gia Hồ Chí Minh",
        "Hướng dẫn",
        "30-HD/HVCTQG",
        "2021-02-03",
    )
    plan = exp.ref("Kế hoạch số 01-KH/CTĐ ngày 15/3/2023", "Kế hoạch", "01-KH/CTĐ", "2023-03-15")
    members = [exp.school(canonical, canonical) for _, canonical, _, _ in TABLE_SCHOOLS]
    total_c = sum(row[2] for row in TABLE_SCHOOLS)
    total_s = sum(row[3] for row in TABLE_SCHOOLS)
    total = f"{total_c} lớp với {vn_int(total_s)} học viên"
    return [
        Para(
            f"Thực hiện {guide} về tổ chức hoạt động và bình xét thi đua của các cụm thi đua; "
            f"{plan} của Cụm Thi đua các trường chính trị khu vực Tây Nguyên về tổ chức các "
            "hoạt động của Cụm năm 2023, Cụm Thi đua báo cáo kết quả hoạt động 6 tháng đầu "
            "năm 2023 như sau:"
        ),
        Para("I- KẾT QUẢ THỰC HIỆN NHIỆM VỤ 6 THÁNG ĐẦU NĂM 2023", "h1"),
        Para("1- Công tác đào tạo, bồi dưỡng", "h2"),
        Para(
            "Cụm Thi đua các trường chính trị khu vực Tây Nguyên gồm 05 trường: "
            f"{', '.join(members[:-1])} và {members[-1]}; {members[1]} là đơn vị Cụm trưởng "
            "năm 2023."
        ),
        Para(
            "Trong 6 tháng đầu năm 2023, các trường trong Cụm đã tổ chức "
            f"{exp.fig(total, total_c, total_s, 'tổ chức 6 tháng đầu năm 2023', TABLE_PERIOD)}"
            "; kết quả mở lớp của từng trường cụ thể như sau:"
        ),
    ]


def table_rows(exp: Expected) -> list[TableRow]:
    rows = []
    for number, (printed, canonical, classes, students) in enumerate(TABLE_SCHOOLS, start=1):
        exp.school(printed, canonical)
        exp.figures.append(Figure(classes, students, canonical, TABLE_LABEL, TABLE_PERIOD))
        rows.append(TableRow((str(number), printed, str(classes), vn_int(students))))
    total_c = sum(r[2] for r in TABLE_SCHOOLS)
    total_s = sum(r[3] for r in TABLE_SCHOOLS)
    exp.figures.append(Figure(total_c, total_s, None, "Tổng cộng", TABLE_PERIOD))
    rows.append(TableRow(("Tổng cộng", str(total_c), vn_int(total_s)), bold=True, span_first_two=True))
    return rows


def table_after(exp: Expected) -> list[Para]:
    lam_dong = "Trường Chính trị tỉnh Lâm Đồng"
    dak_lak = "Trường Chính trị tỉnh Đắk Lắk"
    dak_nong = "Trường Chính trị tỉnh Đắk Nông"
    paras: list[Para] = []
    add = paras.append
    leader = exp.school(dak_lak, dak_lak)
    partner = exp.school(lam_dong, lam_dong)
    senior = exp.fig("04 lớp", 4, None, "Cao cấp lý luận chính trị hệ không tập trung", TABLE_PERIOD, lam_dong)
    add(
        Para(
            f"{leader} là đơn vị có số lớp nhiều nhất trong Cụm. {partner} đã phối hợp mở "
            f"{senior} Cao cấp lý luận chính trị hệ không tập trung, góp phần hoàn thành chỉ "
            "tiêu của tỉnh."
        )
    )
    add(Para("2- Công tác nghiên cứu khoa học", "h2"))
    add(
        Para(
            "Các trường đã tổ chức 12 hội thảo khoa học cấp trường, triển khai 27 đề tài "
            "nghiên cứu khoa học cấp cơ sở; 05/05 trường duy trì xuất bản Bản tin Thông tin "
            "lý luận và thực tiễn đúng kỳ hạn."
        )
    )
    add(Para("3- Công tác thi đua, khen thưởng", "h2"))
    add(
        Para(
            "100% trường trong Cụm đã ký kết giao ước thi đua năm 2023; các trường tổ chức "
            "Hội thi giảng viên dạy giỏi cấp trường với 46 giảng viên tham gia."
        )
    )
    add(Para("II- PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2023", "h1"))
    plan = exp.fig("95 lớp với 5.900 học viên", 95, 5900, "dự kiến mở mới 6 tháng cuối năm 2023", "2023-H2")
    add(
        Para(
            "Các trường trong Cụm tiếp tục thực hiện kế hoạch đào tạo, bồi dưỡng năm 2023, "
            f"dự kiến mở mới {plan}; tổ chức giao lưu thể thao, văn nghệ chào mừng Ngày Nhà "
            "giáo Việt Nam 20/11 tại tỉnh Gia Lai."
        )
    )
    add(
        Para(
            "- Đẩy mạnh phong trào thi đua “Dạy tốt, học tốt, phục vụ tốt”, gắn với việc "
            "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh."
        )
    )
    next_leader = exp.school(dak_nong, dak_nong)
    add(
        Para(
            "- Chuẩn bị tổ chức Hội nghị tổng kết hoạt động Cụm Thi đua năm 2023 và bàn giao "
            f"nhiệm vụ Cụm trưởng năm 2024 cho {next_leader}."
        )
    )
    add(
        Para(
            "Trên đây là báo cáo sơ kết hoạt động thi đua 6 tháng đầu năm 2023 của Cụm Thi "
            "đua các trường chính trị khu vực Tây Nguyên./."
        )
    )
    return paras


def build_table(fonts: dict[str, Path], path: Path) -> tuple[dict[str, Any], Layout]:
    pdf = ReportPDF(fonts, "Báo cáo số 03-BC/CTĐ (mẫu thử)")
    pdf.add_page()
    layout = Layout()
    issuer = [
        Line("HỌC VIỆN CHÍNH TRỊ QUỐC GIA", "", HEADER_SIZE),
        Line("HỒ CHÍ MINH", "", HEADER_SIZE),
        Line("CỤM THI ĐUA CÁC TRƯỜNG", "B", HEADER_SIZE),
        Line("CHÍNH TRỊ KHU VỰC TÂY NGUYÊN", "B", HEADER_SIZE),
    ]
    left, right = draw_party_header(pdf, TOP, issuer, "Số 03-BC/CTĐ", "Gia Lai, ngày 14 tháng 7 năm 2023")
    title = draw_title(
        pdf,
        left.bottom + 18,
        "BÁO CÁO",
        (
            "sơ kết hoạt động thi đua 6 tháng đầu năm 2023,",
            "phương hướng, nhiệm vụ 6 tháng cuối năm 2023",
        ),
    )
    layout.blocks.update(header_left=left, header_right=right, title=title)
    assert_disjoint(layout.blocks)
    pdf.set_y(title.bottom + 12)
    exp = table_expected()
    write_paragraphs(pdf, table_intro(exp))
    rows = table_rows(exp)
    y = draw_lines(pdf, [Line(TABLE_LABEL.upper(), "B", 12.0)], LEFT, TEXT_W, pdf.get_y() + 2, leading=16.0)
    pdf.set_y(y + 4)
    layout.blocks["table"] = draw_table(
        pdf, (36.0, 235.0, 80.0, 100.0), ("TT", "Trường", "Số lớp", "Số học viên"), rows
    )
    pdf.set_y(layout.blocks["table"].bottom + 10)
    write_paragraphs(pdf, table_after(exp))
    recipients, signer, _ = draw_closing(pdf, TABLE_CLOSING)
    layout.blocks.update(recipients=recipients, signature_block=signer)
    layout.closing_page = layout.pages = pdf.page_no()
    pdf.output(str(path))
    table_text = [cell for row in rows for cell in row.cells]
    verify_text_layer(path, ["Số 03-BC/CTĐ", *exp.must_print, *table_text])
    return exp.as_json(path.stem), layout


# --------------------------------------------------------------------------------------
# Shared by the samples below: place-and-date line, list items, signers
# --------------------------------------------------------------------------------------


def place_date_line(place: str, iso_date: str) -> str:
    """'Hà Nội, ngày 03 tháng 6 năm 2025' from ('Hà Nội', '2025-06-03'): the day always with
    two digits, the month with two digits only for January and February (NĐ 30, HD 36)."""
    year, month, day = (int(part) for part in iso_date.split("-"))
    month_text = f"{month:02d}" if month < 3 else str(month)
    return f"{place}, ngày {day:02d} tháng {month_text} năm {year}"


def item_value(line: str) -> str:
    """A 'Kính gửi' or 'Nơi nhận' line as recorded: no leading '- ', no trailing ',;.'."""
    return line.removeprefix("- ").rstrip(",;.").strip()


@dataclass(frozen=True)
class Signer:
    """Expected signer values; the printed titles are their capitals (drift-proof)."""

    name: str
    position: str
    capacity: str | None = None
    name_in_capitals: bool = False

    def authority_lines(self) -> tuple[Line, ...]:
        titles = (self.capacity, self.position) if self.capacity else (self.position,)
        return tuple(Line(title.upper(), "B", BODY_SIZE) for title in titles)

    @property
    def printed_name(self) -> str:
        return self.name.upper() if self.name_in_capitals else self.name

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "position": self.position, "capacity": self.capacity}


def signer_closing(title: Line, recipients: tuple[str, ...], signer: Signer, gap: float = 70.0) -> Closing:
    return Closing(
        recipients_title=title,
        recipients=recipients,
        authority_lines=signer.authority_lines(),
        signer_name=signer.printed_name,
        signature_gap=gap,
    )


def closing_must_print(closing: Closing) -> list[str]:
    return [*(line.text for line in closing.authority_lines), closing.signer_name, *closing.recipients]


def draw_addressees(pdf: FPDF, y: float, addressees: Sequence[str], size: float = 14.0) -> Rect:
    """'Kính gửi:' followed by one addressee per line, the lines aligned after the label."""
    label = Line("Kính gửi:", "", size)
    leading = size * 1.2
    x = LEFT + 60.0
    label_w = text_width(pdf, label) + 6.0
    draw_lines(pdf, [label], x, label_w, y, align="L", leading=leading)
    lines = [Line(a, "", size) for a in addressees]
    x_list = x + label_w
    y_end = draw_lines(pdf, lines, x_list, PAGE_W - RIGHT - x_list, y, align="L", leading=leading)
    list_w = max(text_width(pdf, line) for line in lines) + 6.0
    return Rect(x, y, x_list + list_w - x, y_end - y)


# --------------------------------------------------------------------------------------
# (c3) Công văn (state style, no type title, trích yếu under the number): Số: 85/TĐT-ĐT
# --------------------------------------------------------------------------------------

CV_PARENT = "Thành ủy Hà Nội"
CV_ISSUER = "Trường Đào tạo cán bộ Lê Hồng Phong thành phố Hà Nội"
CV_ISSUER_LINES = ("TRƯỜNG ĐÀO TẠO CÁN BỘ", "LÊ HỒNG PHONG")
CV_NUMBER = "85/TĐT-ĐT"
CV_PLACE, CV_DATE = "Hà Nội", "2025-06-03"
CV_EXCERPT = ("V/v báo cáo số liệu đào tạo", "năm 2024")  # the trích yếu, as printed
CV_ADDRESSEES = ("- Ban Tổ chức Thành ủy Hà Nội;", "- Học viện Chính trị khu vực I.")
CV_SIGNER = Signer("Đỗ Minh Tuấn", "Trưởng phòng Đào tạo", "TL. Hiệu trưởng", name_in_capitals=True)
CV_CLOSING = signer_closing(
    Line("Nơi nhận:", "BI", 12.0),
    ("- Như trên;", "- Ban Giám hiệu (để b/c);", "- Lưu: VT, ĐT."),
    CV_SIGNER,
)
CV_YEAR = "2024"
CV_QUARTER = "2025-Q1"


def cv_expected() -> Expected:
    return Expected(
        document={
            "number": CV_NUMBER,
            "type": "Công văn",
            "issuer": CV_ISSUER,
            "parent_issuer": CV_PARENT,
            "place": CV_PLACE,
            "date": CV_DATE,
            "subject": " ".join(CV_EXCERPT).removeprefix("V/v "),
            "signers": [CV_SIGNER.as_dict()],
            "recipients": [item_value(r) for r in (*CV_ADDRESSEES, *CV_CLOSING.recipients)],
        }
    )


def cv_paragraphs(exp: Expected) -> list[Para]:
    bac_ninh = "Trường Chính trị Nguyễn Văn Cừ tỉnh Bắc Ninh"
    hai_phong = "Trường Chính trị Tô Hiệu thành phố Hải Phòng"
    paras: list[Para] = []
    add = paras.append
    letter = exp.ref(
        "văn bản số 1024/UBND-VX ngày 12/3/2025", "Công văn", "1024/UBND-VX", "2025-03-12", kind_printed=False
    )
    own_short = exp.school("Trường Đào tạo cán bộ Lê Hồng Phong", CV_ISSUER)
    add(
        Para(
            f"Thực hiện {letter} của Ủy ban nhân dân Thành phố về việc tổng hợp số liệu đào "
            "tạo, bồi dưỡng cán bộ, công chức, viên chức năm 2024 và theo đề nghị của Ban Tổ "
            f"chức Thành ủy, {own_short} báo cáo số liệu đào tạo, bồi dưỡng năm 2024 và quý "
            "I/2025 như sau:"
        )
    )
    add(Para("1. Kết quả đào tạo, bồi dưỡng năm 2024", "h2"))
    items = (  # (category as printed, figure text, classes, students)
        ("Trung cấp lý luận chính trị hệ không tập trung", "34 lớp/2.386 học viên", 34, 2386),
        ("Bồi dưỡng ngạch chuyên viên và chuyên viên chính", "18 lớp, 1.264 học viên", 18, 1264),
        ("Bồi dưỡng lãnh đạo, quản lý cấp phòng và tương đương", "12 lớp với 815 học viên", 12, 815),
        ("Bồi dưỡng nghiệp vụ công tác xây dựng Đảng ở cơ sở", "22 lớp/1.277 học viên", 22, 1277),
    )
    total_c = sum(item[2] for item in items)
    total_s = sum(item[3] for item in items)
    total = exp.fig(
        f"{total_c} lớp với {vn_int(total_s)} học viên", total_c, total_s, "tổ chức năm 2024", CV_YEAR, CV_ISSUER
    )
    add(Para(f"Năm 2024, {exp.school(own_short, CV_ISSUER)} đã tổ chức {total}, đạt 104,2% kế hoạch năm. Cụ thể:"))
    for index, (label, text, classes, students) in enumerate(items):
        end = "." if index == len(items) - 1 else ";"
        add(Para(f"- {label}: {exp.fig(text, classes, students, label, CV_YEAR)}{end}"))
    circular = exp.ref("Thông tư số 01/2018/TT-BNV", "Thông tư", "01/2018/TT-BNV", None)
    add(
        Para(
            "Số liệu chi tiết theo từng đối tượng được tổng hợp theo mẫu biểu quy định tại "
            f"{circular} của Bộ Nội vụ (gửi kèm theo)."
        )
    )
    add(Para("2. Số liệu quý I/2025", "h2"))
    quarter = exp.fig("17 lớp với 1.148 học viên", 17, 1148, "khai giảng quý I/2025", CV_QUARTER)
    add(
        Para(
            f"Trong quý I/2025, Nhà trường đã khai giảng {quarter}; có 604 học viên tốt "
            "nghiệp, trong đó 71 học viên tốt nghiệp loại giỏi."
        )
    )
    add(Para("3. Số liệu của các trường bạn", "h2"))
    nvc = exp.school("Trường Chính trị Nguyễn Văn Cừ", bac_ninh)
    nvc_fig = exp.fig("1.250 học viên/22 lớp", 22, 1250, "đang quản lý, giảng dạy quý I/2025", CV_QUARTER, bac_ninh)
    add(
        Para(
            "Theo số liệu trao đổi tại Hội nghị giao ban các trường chính trị khu vực đồng "
            f"bằng sông Hồng, trong quý I/2025 {nvc} đang quản lý, giảng dạy {nvc_fig}, chủ "
            "yếu là các lớp trung cấp lý luận chính trị."
        )
    )
    to_hieu = exp.school("Trường Chính trị Tô Hiệu Hải Phòng", hai_phong)
    to_hieu_fig = exp.fig(
        "09 lớp (512 học viên)", 9, 512, "Bồi dưỡng lãnh đạo, quản lý cấp phòng", CV_QUARTER, hai_phong
    )
    add(
        Para(
            f"Cũng trong quý I/2025, {to_hieu} đã khai giảng {to_hieu_fig} bồi dưỡng lãnh "
            "đạo, quản lý cấp phòng cho cán bộ các quận, huyện."
        )
    )
    add(
        Para(
            "Nhà trường đề nghị Ban Tổ chức Thành ủy tiếp tục quan tâm chỉ đạo công tác chiêu "
            "sinh các lớp trung cấp lý luận chính trị năm 2025, bảo đảm đúng đối tượng, đủ số "
            "lượng theo kế hoạch."
        )
    )
    add(Para(f"{exp.school(CV_ISSUER, CV_ISSUER)} trân trọng báo cáo./."))
    return paras


def build_cv(fonts: dict[str, Path], path: Path) -> tuple[dict[str, Any], Layout]:
    pdf = ReportPDF(fonts, f"Công văn số {CV_NUMBER} (mẫu thử)")
    pdf.add_page()
    layout = Layout()
    number = f"Số: {CV_NUMBER}"
    date_line = place_date_line(CV_PLACE, CV_DATE)
    left, right = draw_state_header(pdf, TOP, CV_PARENT.upper(), CV_ISSUER_LINES, number, date_line, excerpt=CV_EXCERPT)
    kinh_gui = draw_addressees(pdf, left.bottom + 16, CV_ADDRESSEES)
    layout.blocks.update(header_left=left, header_right=right, kinh_gui=kinh_gui)
    assert_disjoint(layout.blocks)
    pdf.set_y(kinh_gui.bottom + 10)
    exp = cv_expected()
    write_paragraphs(pdf, cv_paragraphs(exp))
    recipients, signer, _ = draw_closing(pdf, CV_CLOSING)
    layout.blocks.update(recipients=recipients, signature_block=signer)
    layout.closing_page = layout.pages = pdf.page_no()
    pdf.output(str(path))
    verify_text_layer(
        path,
        [
            number,
            date_line,
            *CV_ISSUER_LINES,
            " ".join(CV_EXCERPT),
            "Kính gửi: " + " ".join(CV_ADDRESSEES),
            *exp.must_print,
            *closing_must_print(CV_CLOSING),
        ],
    )
    return exp.as_json(path.stem), layout


# --------------------------------------------------------------------------------------
# (c4) Party-style plan after the 2025 merger, category table: Số 07-KH/HVCB
# --------------------------------------------------------------------------------------

KH_PARENT = "Thành ủy Thành phố Hồ Chí Minh"
KH_ISSUER = "Học viện Cán bộ Thành phố Hồ Chí Minh"
KH_NUMBER = "07-KH/HVCB"
KH_PLACE, KH_DATE = "Thành phố Hồ Chí Minh", "2025-07-15"
KH_SUBJECT_LINES = ("Mở lớp bồi dưỡng", "6 tháng cuối năm 2025")
# The long place name needs a wider right column (and 12 pt) than the default Party header.
KH_HEADER_COLUMNS = ((LEFT, 214.5), (300.0, PAGE_W - RIGHT - 300.0))
KH_PERIOD = "2025-H2"
KH_TABLE_TITLE = "Dự kiến số lớp, số học viên 6 tháng cuối năm 2025"
KH_TOTAL_LABEL = "Cộng"
# (course category, classes, students) — one table row per category, no school.
KH_ROWS: tuple[tuple[str, int, int], ...] = (
    ("Trung cấp lý luận chính trị", 24, 1920),
    ("Bồi dưỡng ngạch chuyên viên chính", 8, 560),
    ("Bồi dưỡng ngạch chuyên viên", 10, 720),
    ("Bồi dưỡng lãnh đạo, quản lý cấp phòng", 9, 585),
    ("Bồi dưỡng cán bộ, công chức cấp xã", 13, 595),
)
KH_SIGNER = Signer("Phạm Quang Vinh", "Giám đốc", "T/M Ban Giám đốc")
KH_CLOSING = signer_closing(
    Line("Nơi nhận:", "BIU", 12.0),
    (
        "- Thường trực Thành ủy (để b/c),",
        "- Ban Tổ chức Thành ủy,",
        "- Các khoa, phòng, cơ sở,",
        "- Lưu VP, P.QLĐT.",
    ),
    KH_SIGNER,
)


def kh_expected() -> Expected:
    return Expected(
        document={
            "number": KH_NUMBER,
            "type": "Kế hoạch",
            "issuer": KH_ISSUER,
            "parent_issuer": KH_PARENT,
            "place": KH_PLACE,
            "date": KH_DATE,
            "subject": " ".join(KH_SUBJECT_LINES),
            "signers": [KH_SIGNER.as_dict()],
            "recipients": [item_value(r) for r in KH_CLOSING.recipients],
        }
    )


def kh_intro(exp: Expected) -> list[Para]:
    binh_duong = "Trường Chính trị tỉnh Bình Dương"
    ba_ria = "Trường Chính trị tỉnh Bà Rịa - Vũng Tàu"
    decision = exp.ref(
        "Quyết định số 18-QĐ/TU ngày 01-7-2025 của Ban Thường vụ Thành ủy", "Quyết định", "18-QĐ/TU", "2025-07-01"
    )
    plan = exp.ref("Kế hoạch số 36-KH/TU ngày 10-01-2025", "Kế hoạch", "36-KH/TU", "2025-01-10")
    academy = exp.school(KH_ISSUER, KH_ISSUER)
    old_bd = exp.school(f"{binh_duong} (cũ)", binh_duong)
    old_br = exp.school(f"{ba_ria} (cũ)", ba_ria)
    total_c = sum(row[1] for row in KH_ROWS)
    total_s = sum(row[2] for row in KH_ROWS)
    total = exp.fig(
        f"{total_c} lớp với {vn_int(total_s)} học viên",
        total_c,
        total_s,
        "dự kiến mở 6 tháng cuối năm 2025",
        KH_PERIOD,
        KH_ISSUER,
    )
    return [
        Para(
            f"Căn cứ {decision} về việc hợp nhất các trường chính trị vào Học viện Cán bộ "
            f"Thành phố; {plan} của Ban Thường vụ Thành ủy về đào tạo, bồi dưỡng cán bộ, "
            f"công chức năm 2025, Ban Giám đốc {academy} xây dựng Kế hoạch mở lớp bồi dưỡng "
            "6 tháng cuối năm 2025 như sau:"
        ),
        Para("I. MỤC ĐÍCH, YÊU CẦU", "h1"),
        Para(
            "- Hoàn thành chỉ tiêu đào tạo, bồi dưỡng cán bộ năm 2025 được Ban Thường vụ "
            "Thành ủy giao, đáp ứng yêu cầu chuẩn hóa đội ngũ cán bộ của Thành phố sau sắp "
            "xếp đơn vị hành chính."
        ),
        Para(
            "- Tổ chức thống nhất chương trình, lịch học tại các cơ sở của Học viện; bảo đảm "
            "chất lượng, tiết kiệm, hiệu quả."
        ),
        Para("II. NỘI DUNG", "h1"),
        Para("1. Quy mô mở lớp", "h2"),
        Para(
            "Từ ngày 01/7/2025, Học viện tổ chức đào tạo, bồi dưỡng tại 03 cơ sở: trụ sở "
            f"chính; cơ sở Thủ Dầu Một, là trụ sở của {old_bd}; cơ sở Bà Rịa, là trụ sở của "
            f"{old_br}."
        ),
        Para(f"Trong 6 tháng cuối năm 2025, {academy} dự kiến mở {total}; chi tiết theo loại lớp như sau:"),
    ]


def kh_rows(exp: Expected) -> list[TableRow]:
    rows = []
    for number, (category, classes, students) in enumerate(KH_ROWS, start=1):
        exp.figures.append(Figure(classes, students, None, category, KH_PERIOD))
        rows.append(TableRow((str(number), category, str(classes), vn_int(students))))
    total_c = sum(row[1] for row in KH_ROWS)
    total_s = sum(row[2] for row in KH_ROWS)
    exp.figures.append(Figure(total_c, total_s, None, KH_TOTAL_LABEL, KH_PERIOD))
    rows.append(TableRow((KH_TOTAL_LABEL, str(total_c), vn_int(total_s)), bold=True, span_first_two=True))
    return rows


def kh_after(exp: Expected) -> list[Para]:
    paras: list[Para] = []
    add = paras.append
    commune = exp.fig("05 lớp/310 học viên", 5, 310, "Bồi dưỡng cán bộ, công chức cấp xã tại cơ sở Bà Rịa", KH_PERIOD)
    add(
        Para(
            "Lớp bồi dưỡng cán bộ, công chức cấp xã được tổ chức đồng thời tại ba cơ sở; "
            f"riêng cơ sở Bà Rịa dự kiến mở {commune} cho cán bộ các xã, phường, đặc khu mới "
            "thành lập."
        )
    )
    school_year = exp.fig(
        "06 lớp với 420 học viên",
        6,
        420,
        "Trung cấp lý luận chính trị hệ tập trung, tuyển sinh năm học 2025-2026",
        "2025-2026",
    )
    add(
        Para(
            "Đối với hệ tập trung, trong năm học 2025-2026 Học viện dự kiến tuyển sinh "
            f"{school_year} trung cấp lý luận chính trị, khai giảng trong tháng 9/2025."
        )
    )
    add(Para("2. Thời gian, địa điểm", "h2"))
    add(
        Para(
            "Các lớp bồi dưỡng khai giảng từ tháng 8 đến tháng 11 năm 2025 và kết thúc trước "
            "ngày 31/12/2025; các lớp trung cấp lý luận chính trị học theo chương trình của "
            "Học viện Chính trị quốc gia Hồ Chí Minh."
        )
    )
    add(Para("3. Kinh phí", "h2"))
    add(
        Para(
            "Kinh phí thực hiện từ nguồn ngân sách Thành phố giao cho Học viện năm 2025 và các "
            "nguồn hợp pháp khác theo quy định."
        )
    )
    add(Para("III. TỔ CHỨC THỰC HIỆN", "h1"))
    add(
        Para(
            "- Phòng Quản lý đào tạo chủ trì, phối hợp với các khoa và các cơ sở xây dựng lịch "
            "học, chiêu sinh; báo cáo Ban Giám đốc kết quả thực hiện trước ngày 15/12/2025."
        )
    )
    add(
        Para(
            "- Các khoa chuyên môn bố trí giảng viên, cập nhật nội dung bài giảng phù hợp với "
            "mô hình chính quyền địa phương hai cấp."
        )
    )
    return paras


def build_kh(fonts: dict[str, Path], path: Path) -> tuple[dict[str, Any], Layout]:
    pdf = ReportPDF(fonts, f"Kế hoạch số {KH_NUMBER} (mẫu thử)")
    pdf.add_page()
    layout = Layout()
    issuer = [Line(KH_PARENT.upper(), "", HEADER_SIZE), Line("HỌC VIỆN CÁN BỘ", "B", HEADER_SIZE)]
    number = f"Số {KH_NUMBER}"
    date_line = place_date_line(KH_PLACE, KH_DATE)
    left, right = draw_party_header(
        pdf, TOP, issuer, number, date_line, columns=KH_HEADER_COLUMNS, date_size=HEADER_SIZE
    )
    title = draw_title(pdf, left.bottom + 18, "KẾ HOẠCH", KH_SUBJECT_LINES)
    layout.blocks.update(header_left=left, header_right=right, title=title)
    assert_disjoint(layout.blocks)
    pdf.set_y(title.bottom + 12)
    exp = kh_expected()
    write_paragraphs(pdf, kh_intro(exp))
    rows = kh_rows(exp)
    y = draw_lines(pdf, [Line(KH_TABLE_TITLE.upper(), "B", 12.0)], LEFT, TEXT_W, pdf.get_y() + 2, leading=16.0)
    pdf.set_y(y + 4)
    layout.blocks["table"] = draw_table(
        pdf, (40.0, 255.0, 66.0, 90.0), ("STT", "Loại lớp", "Số lớp", "Số học viên"), rows
    )
    pdf.set_y(layout.blocks["table"].bottom + 10)
    write_paragraphs(pdf, kh_after(exp))
    recipients, signer, _ = draw_closing(pdf, KH_CLOSING)
    layout.blocks.update(recipients=recipients, signature_block=signer)
    layout.closing_page = layout.pages = pdf.page_no()
    pdf.output(str(path))
    table_text = [cell for row in rows for cell in row.cells]
    verify_text_layer(
        path,
        [
            number,
            date_line,
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            KH_PARENT.upper(),
            "KẾ HOẠCH " + " ".join(KH_SUBJECT_LINES),
            *exp.must_print,
            *table_text,
            *closing_must_print(KH_CLOSING),
        ],
    )
    return exp.as_json(path.stem), layout


# --------------------------------------------------------------------------------------
# (c5) Party-style notice with an incoming stamp, committed only as a scan: Số 15-TB/TCT
# --------------------------------------------------------------------------------------

TB_SOURCE_STEM = "tb-15-TB-TCT"  # the born-digital source; not committed
TB_SCAN_SEED = 15
TB_PARENT = "Tỉnh ủy Nghệ An"
TB_ISSUER = "Trường Chính trị tỉnh Nghệ An"
TB_NUMBER = "15-TB/TCT"
TB_PLACE, TB_DATE = "Nghệ An", "2023-10-02"
TB_SUBJECT_LINES = ("kết quả đào tạo, bồi dưỡng 6 tháng đầu năm 2023", "và kế hoạch mở lớp 6 tháng cuối năm 2023")
# Incoming-mail stamp of the receiving office: (receiver as recorded, number, ISO date).
TB_STAMP = ("Sở Nội vụ tỉnh Nghệ An", "1234", "2023-10-05")
TB_SIGNER = Signer("Hoàng Văn Thành", "Hiệu trưởng")
TB_CLOSING = signer_closing(
    Line("Nơi nhận:", "BIU", 12.0),
    (
        "- Ban Tổ chức Tỉnh ủy (để b/c),",
        "- Sở Nội vụ tỉnh Nghệ An,",
        "- Các huyện ủy, thị ủy, thành ủy,",
        "- Lưu VT, P.QLĐT.",
    ),
    TB_SIGNER,
)


def tb_stamp_lines() -> tuple[Line, ...]:
    receiver, number, iso_date = TB_STAMP
    year, month, day = iso_date.split("-")
    return (
        Line(receiver.upper(), "B", 9.0),
        Line("CÔNG VĂN ĐẾN", "B", 9.0),
        Line(f"Số: {number}", "", 9.0),
        Line(f"Ngày: {day}/{month}/{year}", "", 9.0),
    )


def tb_expected() -> Expected:
    receiver, number, iso_date = TB_STAMP
    return Expected(
        document={
            "number": TB_NUMBER,
            "type": "Thông báo",
            "issuer": TB_ISSUER,
            "parent_issuer": TB_PARENT,
            "place": TB_PLACE,
            "date": TB_DATE,
            "subject": " ".join(TB_SUBJECT_LINES),
            "signers": [TB_SIGNER.as_dict()],
            "recipients": [item_value(r) for r in TB_CLOSING.recipients],
        },
        received_stamps=[{"receiver": receiver, "number": number, "date": iso_date}],
    )


def tb_paragraphs(exp: Expected) -> list[Para]:
    ha_tinh = "Trường Chính trị Trần Phú tỉnh Hà Tĩnh"
    paras: list[Para] = []
    add = paras.append
    plan = exp.ref(
        "Kế hoạch số 118-KH/TU ngày 15-8-2023 của Ban Thường vụ Tỉnh ủy", "Kế hoạch", "118-KH/TU", "2023-08-15"
    )
    own = exp.school(TB_ISSUER, TB_ISSUER)
    add(
        Para(
            f"Thực hiện {plan} về đào tạo, bồi dưỡng cán bộ, công chức năm 2023, {own} thông "
            "báo kết quả đào tạo, bồi dưỡng 6 tháng đầu năm 2023 và kế hoạch mở lớp 6 tháng "
            "cuối năm 2023 như sau:"
        )
    )
    add(Para("1. Kết quả 6 tháng đầu năm 2023", "h2"))
    done = exp.fig("38 lớp với 2.415 học viên", 38, 2415, "tổ chức 6 tháng đầu năm 2023", "2023-H1", TB_ISSUER)
    add(
        Para(
            f"Trong 6 tháng đầu năm 2023, {exp.school(TB_ISSUER, TB_ISSUER)} đã tổ chức "
            f"{done}, đạt 52,6% kế hoạch năm; 100% học viên được đánh giá hoàn thành chương "
            "trình."
        )
    )
    partner = exp.school(ha_tinh, ha_tinh)
    partner_fig = exp.fig("27 lớp/1.690 học viên", 27, 1690, "tổ chức 6 tháng đầu năm 2023", "2023-H1", ha_tinh)
    add(
        Para(
            f"Trong Cụm thi đua, {partner} đã tổ chức {partner_fig} trong cùng kỳ; hai trường "
            "đã phối hợp tổ chức hội thảo khoa học về nâng cao chất lượng đào tạo trung cấp "
            "lý luận chính trị."
        )
    )
    add(Para("2. Kế hoạch mở lớp 6 tháng cuối năm 2023", "h2"))
    plan_fig = exp.fig("29 lớp với 1.850 học viên", 29, 1850, "dự kiến mở 6 tháng cuối năm 2023", "2023-H2")
    add(
        Para(
            f"Trong 6 tháng cuối năm 2023, Nhà trường dự kiến mở {plan_fig}. Trong đó có "
            f"{exp.fig('12 lớp', 12, None, 'Trung cấp lý luận chính trị hệ không tập trung', '2023-H2')} "
            "Trung cấp lý luận chính trị hệ không tập trung mở tại các huyện, thị xã."
        )
    )
    add(
        Para(
            "Đề nghị các huyện ủy, thị ủy, thành ủy và các sở, ban, ngành cấp tỉnh quan tâm cử "
            "cán bộ tham gia học tập đúng đối tượng, đủ số lượng theo kế hoạch./."
        )
    )
    return paras


def build_tb(fonts: dict[str, Path], path: Path) -> tuple[dict[str, Any], Layout]:
    """The born-digital notice (the source of the scan)."""
    pdf = ReportPDF(fonts, f"Thông báo số {TB_NUMBER} (mẫu thử)")
    pdf.add_page()
    layout = Layout()
    stamp_lines = tb_stamp_lines()
    stamp = draw_box(pdf, stamp_lines, 40.0, 10.0, 175.0, STAMP_RED, align="C")
    issuer = [Line(TB_PARENT.upper(), "", HEADER_SIZE), Line("TRƯỜNG CHÍNH TRỊ", "B", HEADER_SIZE)]
    number = f"Số {TB_NUMBER}"
    date_line = place_date_line(TB_PLACE, TB_DATE)
    left, right = draw_party_header(pdf, 66.0, issuer, number, date_line)
    title = draw_title(pdf, left.bottom + 16, "THÔNG BÁO", TB_SUBJECT_LINES)
    layout.blocks.update(stamp=stamp, header_left=left, header_right=right, title=title)
    assert_disjoint(layout.blocks)
    pdf.set_y(title.bottom + 12)
    exp = tb_expected()
    write_paragraphs(pdf, tb_paragraphs(exp))
    recipients, signer, _ = draw_closing(pdf, TB_CLOSING)
    layout.blocks.update(recipients=recipients, signature_block=signer)
    layout.closing_page = layout.pages = pdf.page_no()
    pdf.output(str(path))
    verify_text_layer(
        path,
        [
            number,
            date_line,
            *(line.text for line in stamp_lines),
            "THÔNG BÁO " + " ".join(TB_SUBJECT_LINES),
            *exp.must_print,
            *closing_must_print(TB_CLOSING),
        ],
    )
    return exp.as_json(path.stem), layout


def build_tb_scan(fonts: dict[str, Path], path: Path) -> tuple[dict[str, Any], Layout]:
    """Render the notice born-digital in a temporary directory, commit only its scan."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"{TB_SOURCE_STEM}.pdf"
        expected, layout = build_tb(fonts, source)
        build_scan(source, path, seed=TB_SCAN_SEED)
    return {**expected, "file": path.stem}, layout


# --------------------------------------------------------------------------------------
# (c6, c7) Legacy text layers: TCVN3 (.VnTime) and VNI (VNI-Times) fonts
# --------------------------------------------------------------------------------------
# The text layer holds the legacy fonts' byte codes read as Latin-1, as in PDFs made from
# documents typed in those fonts: the Unicode text is encoded with the tables in
# patterns/encodings/ and drawn with Liberation Serif under a legacy font name (the PDF's
# BaseFont). Rendered, the pages show the Latin-1 look-alikes ("Tr­êng"): legacy PDFs look right
# only with their own fonts, and the extractor reads the text layer, not the glyphs.

ENCODINGS_DIR = SAMPLES_DIR.parent / "patterns" / "encodings"
CAPS_FAMILY = "SerifH"
STYLE_SUFFIXES = {"": "", "B": ",Bold", "I": ",Italic", "BI": ",BoldItalic"}
TCVN3_CAPITALS = "ĂÂÊÔƠƯĐ"  # the only capitals TCVN3 (VN3) fonts have; caps fonts draw the rest
SOFT_HYPHEN = "\xad"


def read_legacy_table(name: str) -> dict[str, str]:
    """Unicode letter → legacy characters as a text layer shows them (the first row of each
    letter in patterns/encodings/<name>.tsv)."""
    table: dict[str, str] = {}
    for line in (ENCODINGS_DIR / f"{name}.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("bytes\t"):
            continue
        hex_bytes, letter, _seen = line.split("\t")
        table.setdefault(letter, bytes.fromhex(hex_bytes).decode("latin-1"))
    return table


def tcvn3_table() -> dict[str, str]:
    """TCVN3 as the .VnTime fonts have it: lower-case letters and seven capitals, 0xA1-0xFE."""
    return {
        letter: code
        for letter, code in read_legacy_table("tcvn3").items()
        if "\xa1" <= code <= "\xfe" and (letter.islower() or letter in TCVN3_CAPITALS)
    }


@dataclass(frozen=True)
class LegacyFonts:
    """How one legacy encoding is written: its table, its font names, whether it has caps fonts."""

    name: str
    table: dict[str, str]
    base_name: str
    caps_name: str | None = None
    style_names: dict[str, str] = field(default_factory=lambda: STYLE_SUFFIXES)

    def encode(self, text: str, caps: bool = False) -> str:
        """``text`` in the legacy encoding; a caps font gets lower-case codes for its letters
        (ASCII capitals stay, as typists left them: "CéNG HOµ")."""
        out = []
        for char in nfc(text):
            if caps and not char.isascii():
                char = char.lower()
            if char.isascii() or char == "ý":  # ý is 0xFD in TCVN3, VISCII and Latin-1 alike
                out.append(char)
            elif char in self.table:
                out.append(self.table[char])
            else:
                raise ValueError(f"{self.name}: {char!r} cannot be written in {text!r}")
        return "".join(out)


def is_caps_text(text: str) -> bool:
    """A line set in capitals (a caps font's job in TCVN3 documents)."""
    return any(char.isalpha() for char in text) and text == text.upper()


class LegacyPDF(ReportPDF):
    """A report whose text is written in a legacy encoding under legacy font names.

    ``normalize_text`` is the one place fpdf2 passes every string through (cells, paragraphs,
    widths): there it is encoded, and lines in capitals switch to the caps font when the
    encoding has one. ``soft_hyphens`` False drops TCVN3's "ư" (0xAD) as many producers do.
    """

    def __init__(self, fonts: dict[str, Path], title: str, legacy: LegacyFonts) -> None:
        super().__init__(fonts, title)
        self.legacy = legacy
        self.soft_hyphens = True
        self.rename_family(FONT_FAMILY, legacy.base_name)
        if legacy.caps_name:
            for style, path in fonts.items():
                self.add_font(CAPS_FAMILY, style, str(path))
            self.rename_family(CAPS_FAMILY, legacy.caps_name)
        self.set_font(FONT_FAMILY, "", BODY_SIZE)

    def rename_family(self, family: str, base_name: str) -> None:
        for style, suffix in self.legacy.style_names.items():
            self.fonts[family.lower() + style].name = base_name + suffix

    def normalize_text(self, text: str) -> str:
        caps = self.legacy.caps_name is not None and is_caps_text(text)
        family = CAPS_FAMILY if caps else FONT_FAMILY
        if self.font_family != family.lower():
            self.set_font(family, self.font_style + ("U" if self.underline else ""), self.font_size_pt)
        encoded = self.legacy.encode(text, caps)
        return encoded if self.soft_hyphens else encoded.replace(SOFT_HYPHEN, "")


def tcvn3_fonts() -> LegacyFonts:
    return LegacyFonts("TCVN3", tcvn3_table(), ".VnTime", ".VnTimeH")


def vni_fonts() -> LegacyFonts:
    styles = {"": "", "B": "-Bold", "I": "-Italic", "BI": "-BoldItalic"}
    return LegacyFonts("VNI", read_legacy_table("vni"), "VNI-Times", style_names=styles)


def verify_legacy_text_layer(path: Path, legacy: LegacyFonts, must_contain: Iterable[str]) -> None:
    """Fail the build if a printed value is not in the text layer in its legacy form (caps
    lines in the caps encoding; TCVN3's soft hyphens ignored, as some are dropped)."""
    text = extract_text(path).replace(SOFT_HYPHEN, "")
    missing = []
    for phrase in must_contain:
        caps = legacy.caps_name is not None and is_caps_text(phrase)
        encoded = legacy.encode(re.sub(r"\s+", " ", phrase), caps).replace(SOFT_HYPHEN, "")
        if encoded not in text:
            missing.append(phrase)
    if missing:
        raise AssertionError(f"{path.name}: not found in the legacy text layer: {missing}")


# (c6) State-style report typed in TCVN3: Số: 09/BC-TCT, Trường Chính trị tỉnh Tuyên Quang

TCVN3_STEM = "tcvn3-09-BC-TCT"
TC_PARENT = "Tỉnh ủy Tuyên Quang"
TC_ISSUER = "Trường Chính trị tỉnh Tuyên Quang"
TC_PARTNER = "Trường Chính trị tỉnh Yên Bái"
TC_NUMBER = "09/BC-TCT"
TC_PLACE, TC_DATE = "Tuyên Quang", "2022-07-08"
TC_SUBJECT = "Kết quả đào tạo, bồi dưỡng 6 tháng đầu năm 2022"
TC_SIGNER = Signer("Nguyễn Văn Hùng", "Phó Hiệu trưởng", "KT. Hiệu trưởng")
TC_CLOSING = signer_closing(
    Line("Nơi nhận:", "BI", 12.0),
    ("- Ban Tổ chức Tỉnh ủy (để b/c);", "- Sở Nội vụ tỉnh Tuyên Quang;", "- Lưu: VT, ĐT."),
    TC_SIGNER,
)


def tcvn3_expected() -> Expected:
    return Expected(
        document={
            "number": TC_NUMBER,
            "type": "Báo cáo",
            "issuer": TC_ISSUER,
            "parent_issuer": TC_PARENT,
            "place": TC_PLACE,
            "date": TC_DATE,
            "subject": TC_SUBJECT,
            "signers": [TC_SIGNER.as_dict()],
            "recipients": [item_value(r) for r in TC_CLOSING.recipients],
        }
    )


def tcvn3_paragraphs(exp: Expected) -> list[Para]:
    paras: list[Para] = []
    add = paras.append
    plan = exp.ref(
        "Kế hoạch số 86-KH/TU ngày 12-01-2022 của Ban Thường vụ Tỉnh ủy", "Kế hoạch", "86-KH/TU", "2022-01-12"
    )
    own = exp.school(TC_ISSUER, TC_ISSUER)
    add(
        Para(
            f"Thực hiện {plan} về đào tạo, bồi dưỡng cán bộ, công chức năm 2022, {own} báo cáo "
            "kết quả đào tạo, bồi dưỡng 6 tháng đầu năm 2022 như sau:"
        )
    )
    add(Para("1. Kết quả 6 tháng đầu năm 2022", "h2"))
    done = exp.fig("24 lớp với 1.560 học viên", 24, 1560, "tổ chức 6 tháng đầu năm 2022", "2022-H1", TC_ISSUER)
    add(
        Para(
            f"Trong 6 tháng đầu năm 2022, {exp.school(TC_ISSUER, TC_ISSUER)} đã tổ chức {done}, "
            "đạt 55,8% kế hoạch năm; công tác quản lý học viên được duy trì thường xuyên."
        )
    )
    partner = exp.school(TC_PARTNER, TC_PARTNER)
    partner_fig = exp.fig("19 lớp/1.204 học viên", 19, 1204, "tổ chức 6 tháng đầu năm 2022", "2022-H1", TC_PARTNER)
    add(
        Para(
            f"Trong Cụm thi đua, {partner} đã tổ chức {partner_fig} trong cùng kỳ; hai trường đã "
            "phối hợp tổ chức hội thảo khoa học về nâng cao chất lượng giảng dạy."
        )
    )
    add(Para("2. Kế hoạch 6 tháng cuối năm 2022", "h2"))
    plan_fig = exp.fig("21 lớp với 1.380 học viên", 21, 1380, "dự kiến mở 6 tháng cuối năm 2022", "2022-H2")
    add(
        Para(
            f"Trong 6 tháng cuối năm 2022, Nhà trường dự kiến mở {plan_fig}, tập trung bồi "
            "dưỡng cán bộ cơ sở và đội ngũ giảng viên kiêm chức."
        )
    )
    add(
        Para(
            "Trên đây là báo cáo kết quả đào tạo, bồi dưỡng 6 tháng đầu năm 2022 của "
            f"{exp.school(TC_ISSUER, TC_ISSUER)}./."
        )
    )
    return paras


def build_tcvn3(fonts: dict[str, Path], path: Path) -> tuple[dict[str, Any], Layout]:
    legacy = tcvn3_fonts()
    pdf = LegacyPDF(fonts, f"Báo cáo số {TC_NUMBER} (mẫu thử, TCVN3)", legacy)
    pdf.add_page()
    layout = Layout()
    number = f"Số: {TC_NUMBER}"
    date_line = place_date_line(TC_PLACE, TC_DATE)
    left, right = draw_state_header(pdf, TOP, TC_PARENT.upper(), "TRƯỜNG CHÍNH TRỊ", number, date_line)
    title = draw_title(pdf, left.bottom + 20, "BÁO CÁO", (TC_SUBJECT,))
    layout.blocks.update(header_left=left, header_right=right, title=title)
    assert_disjoint(layout.blocks)
    pdf.set_y(title.bottom + 12)
    exp = tcvn3_expected()
    pdf.soft_hyphens = False  # the body's "ư" dropped, the header's and closing's kept
    write_paragraphs(pdf, tcvn3_paragraphs(exp))
    pdf.soft_hyphens = True
    recipients, signer, _ = draw_closing(pdf, TC_CLOSING)
    layout.blocks.update(recipients=recipients, signature_block=signer)
    layout.closing_page = layout.pages = pdf.page_no()
    pdf.output(str(path))
    verify_legacy_text_layer(
        path,
        legacy,
        [
            TC_PARENT.upper(),
            "TRƯỜNG CHÍNH TRỊ",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            number,
            date_line,
            "BÁO CÁO",
            TC_SUBJECT,
            *exp.must_print,
            *closing_must_print(TC_CLOSING),
        ],
    )
    return exp.as_json(path.stem), layout


# (c7) Party-style report typed in VNI: Số 14-BC/TCT, Trường Chính trị tỉnh Bến Tre

VNI_STEM = "vni-14-BC-TCT"
VN_PARENT = "Tỉnh ủy Bến Tre"
VN_ISSUER = "Trường Chính trị tỉnh Bến Tre"
VN_PARTNER = "Trường Chính trị tỉnh Long An"
VN_NUMBER = "14-BC/TCT"
VN_PLACE, VN_DATE = "Bến Tre", "2021-12-20"
VN_SUBJECT_LINES = ("kết quả đào tạo, bồi dưỡng năm 2021", "và phương hướng năm 2022")
VN_SIGNER = Signer("Võ Thị Ngọc Hân", "Hiệu trưởng", "T/M Ban Giám hiệu")
VN_CLOSING = signer_closing(
    Line("Nơi nhận:", "BIU", 12.0),
    ("- Ban Tổ chức Tỉnh ủy (để b/c),", "- Học viện Chính trị khu vực IV,", "- Lưu VT, P.ĐT."),
    VN_SIGNER,
)


def vni_expected() -> Expected:
    return Expected(
        document={
            "number": VN_NUMBER,
            "type": "Báo cáo",
            "issuer": VN_ISSUER,
            "parent_issuer": VN_PARENT,
            "place": VN_PLACE,
            "date": VN_DATE,
            "subject": " ".join(VN_SUBJECT_LINES),
            "signers": [VN_SIGNER.as_dict()],
            "recipients": [item_value(r) for r in VN_CLOSING.recipients],
        }
    )


def vni_paragraphs(exp: Expected) -> list[Para]:
    paras: list[Para] = []
    add = paras.append
    plan = exp.ref(
        "Kế hoạch số 45-KH/TU ngày 15-3-2021 của Ban Thường vụ Tỉnh ủy", "Kế hoạch", "45-KH/TU", "2021-03-15"
    )
    own = exp.school(VN_ISSUER, VN_ISSUER)
    add(
        Para(
            f"Thực hiện {plan} về đào tạo, bồi dưỡng cán bộ, công chức năm 2021, {own} báo cáo "
            "kết quả đào tạo, bồi dưỡng năm 2021 và phương hướng năm 2022 như sau:"
        )
    )
    add(Para("1. Kết quả năm 2021", "h2"))
    total = exp.fig("46 lớp với 2.875 học viên", 46, 2875, "tổ chức năm 2021", "2021", VN_ISSUER)
    add(
        Para(
            f"Năm 2021, {exp.school(VN_ISSUER, VN_ISSUER)} đã tổ chức {total}, đạt 101,6% kế "
            "hoạch năm; 100% học viên được đánh giá hoàn thành chương trình."
        )
    )
    partner = exp.school(VN_PARTNER, VN_PARTNER)
    partner_fig = exp.fig("38 lớp/2.140 học viên", 38, 2140, "tổ chức năm 2021", "2021", VN_PARTNER)
    add(
        Para(
            f"Nhà trường đã trao đổi kinh nghiệm với các trường bạn trong khu vực. {partner} "
            f"trong năm 2021 đã tổ chức {partner_fig}, chú trọng bồi dưỡng cán bộ cơ sở."
        )
    )
    add(Para("2. Phương hướng năm 2022", "h2"))
    target = exp.fig("50 lớp với 3.100 học viên", 50, 3100, "kế hoạch năm 2022", "2022")
    add(
        Para(
            f"Năm 2022, Nhà trường phấn đấu mở {target}, ưu tiên các lớp trung cấp lý luận chính trị cho cán bộ cơ sở."
        )
    )
    add(
        Para(
            "Trên đây là báo cáo kết quả đào tạo, bồi dưỡng năm 2021 và phương hướng năm 2022 "
            f"của {exp.school(VN_ISSUER, VN_ISSUER)}./."
        )
    )
    return paras


def build_vni(fonts: dict[str, Path], path: Path) -> tuple[dict[str, Any], Layout]:
    legacy = vni_fonts()
    pdf = LegacyPDF(fonts, f"Báo cáo số {VN_NUMBER} (mẫu thử, VNI)", legacy)
    pdf.add_page()
    layout = Layout()
    issuer = [Line(VN_PARENT.upper(), "", HEADER_SIZE), Line("TRƯỜNG CHÍNH TRỊ", "B", HEADER_SIZE)]
    number = f"Số {VN_NUMBER}"
    date_line = place_date_line(VN_PLACE, VN_DATE)
    # VNI spells marks as letters of their own: the date line needs the wider right column.
    left, right = draw_party_header(
        pdf, TOP, issuer, number, date_line, columns=KH_HEADER_COLUMNS, date_size=HEADER_SIZE
    )
    title = draw_title(pdf, left.bottom + 18, "BÁO CÁO", VN_SUBJECT_LINES)
    layout.blocks.update(header_left=left, header_right=right, title=title)
    assert_disjoint(layout.blocks)
    pdf.set_y(title.bottom + 12)
    exp = vni_expected()
    write_paragraphs(pdf, vni_paragraphs(exp))
    recipients, signer, _ = draw_closing(pdf, VN_CLOSING)
    layout.blocks.update(recipients=recipients, signature_block=signer)
    layout.closing_page = layout.pages = pdf.page_no()
    pdf.output(str(path))
    verify_legacy_text_layer(
        path,
        legacy,
        [
            VN_PARENT.upper(),
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            number,
            date_line,
            "BÁO CÁO " + " ".join(VN_SUBJECT_LINES),
            *exp.must_print,
            *closing_must_print(VN_CLOSING),
        ],
    )
    return exp.as_json(path.stem), layout


# --------------------------------------------------------------------------------------
# Verification, environment record, entry point
# --------------------------------------------------------------------------------------


def extract_text(path: Path) -> str:
    """The whole text layer via pdfium, NFC, with runs of whitespace collapsed and the
    page numbers printed on top of pages 2+ left out (so phrases can run across pages)."""
    document = pdfium.PdfDocument(str(path))
    try:
        chunks = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            if index > 0:
                text = re.sub(r"^\s*\d+\s*\r?\n", "", text, count=1)
            chunks.append(text)
            textpage.close()
            page.close()
    finally:
        document.close()
    return re.sub(r"\s+", " ", nfc(" ".join(chunks)))


def verify_text_layer(path: Path, must_contain: Iterable[str]) -> None:
    """Fail the build if a printed value cannot be read back from the text layer."""
    text = extract_text(path)
    missing = [s for s in must_contain if re.sub(r"\s+", " ", s) not in text]
    if missing:
        raise AssertionError(f"{path.name}: not found in the text layer: {missing}")


def build_environment(fonts: dict[str, Path]) -> dict[str, Any]:
    """What the output bytes depend on besides this script: fonts and library versions."""
    from PIL import features

    return {
        "fonts": {
            style or "R": {"path": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
            for style, path in sorted(fonts.items())
        },
        "versions": {
            "fpdf2": metadata.version("fpdf2"),
            "pypdfium2": metadata.version("pypdfium2"),
            "pillow": metadata.version("pillow"),
            "numpy": metadata.version("numpy"),
            "libjpeg": features.version("jpg"),
        },
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=SAMPLES_DIR, help="output directory (default: the samples/ directory)"
    )
    parser.add_argument("--no-scan", action="store_true", help="skip the (slow) image-only scan")
    parser.add_argument("--verbose", action="store_true", help="print block positions")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    fonts = find_fonts()
    layouts: dict[str, Layout] = {}
    builders = (
        (SEED_STEM, build_seed),
        (GOV_STEM, build_gov),
        (TABLE_STEM, build_table),
        (CV_STEM, build_cv),
        (KH_STEM, build_kh),
        (TCVN3_STEM, build_tcvn3),
        (VNI_STEM, build_vni),
    )
    for stem, builder in builders:
        expected, layouts[stem] = builder(fonts, out / f"{stem}.pdf")
        write_json(out / "expected" / f"{stem}.json", expected)
    if not args.no_scan:
        build_scan(out / f"{SEED_STEM}.pdf", out / f"{SCAN_STEM}.pdf")
        write_json(out / "expected" / f"{SCAN_STEM}.json", seed_expected(SCAN_STEM))
        expected, layouts[TB_STEM] = build_tb_scan(fonts, out / f"{TB_STEM}.pdf")
        write_json(out / "expected" / f"{TB_STEM}.json", expected)
        expected = build_gov_rotated_scan(out / f"{GOV_STEM}.pdf", out / f"{GOV_ROTATED_STEM}.pdf")
        write_json(out / "expected" / f"{GOV_ROTATED_STEM}.json", expected)
        expected = build_gov_skewed_scan(out / f"{GOV_STEM}.pdf", out / f"{GOV_SKEWED_STEM}.pdf")
        write_json(out / "expected" / f"{GOV_SKEWED_STEM}.json", expected)
        expected = build_seed_stamp_scan(fonts, out / f"{SEED_STEM}.pdf", out / f"{SEED_STAMP_STEM}.pdf")
        write_json(out / "expected" / f"{SEED_STAMP_STEM}.json", expected)
    write_json(out / "build-info.json", build_environment(fonts))
    if args.verbose:
        for stem, layout in layouts.items():
            print(f"{stem}: {layout.pages} pages, closing on page {layout.closing_page}")
            for name, rect in layout.blocks.items():
                print(f"  {name:20s} {rect.as_dict()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
