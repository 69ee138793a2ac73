"""Build an archive of born-digital reports for the aggregation, with what it must add up to.

Usage: python samples/make_report_archive.py OUT_DIR [--seed N]

Writes about 55 PDFs under OUT_DIR (schools' half-year, year, quarter, school-year reports and
plans; clusters' reports with a table of their schools) and ``OUT_DIR/truth.json``:

- ``documents``: per file, its issuer, number and date and the facts it states: the classes
  and students of one school (or, for ``school: null``, of the reporting body) in one period,
  kind (``result``, ``newly_opened``, ``carried_over``, ``plan``) and course category (ids of
  ``patterns/course_categories.tsv``; ``label:<folded name>`` for a course the table does not
  know);
- ``duplicates``: groups of files that are one document (``same_file``: a resend, the same
  bytes; ``same_number``: a copy laid out differently, same issuer, number and date);
- ``inconsistencies``: what was planted (a total that is not the sum of its rows, H1 + H2 ≠
  the year, carried over + newly opened ≠ the period's classes, fewer students than classes),
  with the check that must report it and the files it must be reported on.

Deterministic: the same seed gives the same files (fixed metadata, seeded choices). The
schools come from ``patterns/schools.tsv``; courses are written in varied ways, in prose
and in tables, in both the Party (HD 36) and the state (NĐ 30) styles.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_samples as ms  # the sample builder's layout helpers

PATTERNS = Path(__file__).resolve().parent.parent / "patterns"
YEAR = 2023
NEXT = YEAR + 1

# The spellings of each course as reports write them; the id is the category it must land in.
COURSES: dict[str, tuple[str, ...]] = {
    "trung-cap-llct": (
        "Trung cấp lý luận chính trị - hành chính",
        "Trung cấp LLCT-HC",
        "TCLLCT-HC",
        "TC LLCT",
        "Trung cấp lý luận chính trị hệ không tập trung",
    ),
    "cao-cap-llct": (
        "Cao cấp lý luận chính trị",
        "Cao cấp LLCT-HC",
        "CCLLCT",
        "Cao cấp lý luận chính trị - hành chính",
    ),
    "chuyen-vien": ("Bồi dưỡng ngạch chuyên viên", "Chuyên viên và chuyên viên chính", "BD ngạch CV"),
    "lanh-dao-cap-phong": ("Bồi dưỡng lãnh đạo, quản lý cấp phòng", "BDLĐQL cấp phòng", "Lãnh đạo cấp phòng"),
    "qp-an": ("Bồi dưỡng kiến thức quốc phòng và an ninh đối tượng 4", "QP-AN đối tượng 3", "Kiến thức QP-AN"),
    "dai-bieu-hdnd": ("Bồi dưỡng đại biểu HĐND cấp xã", "Đại biểu Hội đồng nhân dân cấp huyện"),
    "ngoai-ngu-tin-hoc": ("Ngoại ngữ, tin học", "Tin học ứng dụng", "Ngoại ngữ theo nhu cầu xã hội"),
    "label:boi duong cap uy co so": ("Bồi dưỡng cấp ủy cơ sở", "bồi dưỡng cấp ủy cơ sở"),
}
SPLIT_TRUNG_CAP = ("Trung cấp LLCT hệ tập trung", "Trung cấp LLCT-HC hệ không tập trung")
TABLE_LABEL_CHARS = 45
"""Longer course names do not fit the table's column."""
ITEM_PREFIXES = ("", "", "Lớp ", "Các lớp ")
ALL = "all"
SCHOOL_IDS = (
    "tct-son-la",
    "tct-dien-bien",
    "tct-lai-chau",
    "tct-lao-cai",
    "tct-kon-tum",
    "tct-gia-lai",
    "tct-dak-lak",
    "tct-lam-dong",
)
TABLE_WIDTHS = (30.0, 272.0, 70.0, 95.0)
CLUSTERS = (
    ("Tây Bắc", "tb", SCHOOL_IDS[:4]),
    ("Tây Nguyên", "tn", SCHOOL_IDS[4:]),
)
SIGNERS = ("Nguyễn Văn Hùng", "Lê Thị Hồng Vân", "Trần Đức Minh", "Phạm Thị Thu Hà", "Hoàng Văn Nam")


@dataclass(frozen=True)
class School:
    id: str
    name: str
    province: str
    short: str
    """Code in document symbols ("TCT" + initials of the province)."""


def load_schools() -> dict[str, School]:
    with (PATTERNS / "schools.tsv").open(encoding="utf-8") as stream:
        rows = {row["id"]: row for row in csv.DictReader(stream, delimiter="\t")}
    schools = {}
    for school_id in SCHOOL_IDS:
        row = rows[school_id]
        initials = "".join(word[0] for word in row["province"].split()).upper()
        schools[school_id] = School(school_id, row["name"], row["province"], f"TCT{initials}")
    return schools


Value = tuple[int, int]


@dataclass
class Document:
    """One report: how it is printed and the facts it states."""

    file: str
    issuer: str
    number: str
    date: str
    parent_lines: tuple[str, ...]
    unit_lines: tuple[str, ...]
    number_line: str
    place: str
    title: str
    subject: tuple[str, ...]
    state_style: bool = False
    paragraphs: list[ms.Para | tuple[str, list[ms.TableRow]]] = field(default_factory=list)
    facts: dict[tuple, Value] = field(default_factory=dict)
    totals: set[tuple] = field(default_factory=set)
    date_line: str = ""
    signer: str = ""
    position: str = "HIỆU TRƯỞNG"

    def state(
        self,
        school: str | None,
        reporter: str | None,
        period: str,
        kind: str,
        category: str,
        value: Value,
        total: bool = False,
    ) -> None:
        """A fact as the document states it: parts of one fact add up, a total is the fact."""
        key = (school, reporter, period, kind, category)
        if key in self.totals:
            return
        if total:
            self.facts[key] = value
            self.totals.add(key)
            return
        old = self.facts.get(key, (0, 0))
        self.facts[key] = (old[0] + value[0], old[1] + value[1])

    def truth(self) -> dict[str, Any]:
        facts = [
            dict(zip(("school", "reporter", "period", "kind", "category"), key, strict=True))
            | {"classes": value[0], "students": value[1]}
            for key, value in sorted(self.facts.items(), key=lambda item: str(item[0]))
        ]
        return {"file": self.file, "issuer": self.issuer, "number": self.number, "date": self.date, "facts": facts}


def figure_text(value: Value, rng: random.Random) -> str:
    classes, students = value
    return rng.choice(("{c} lớp/{s} học viên", "{c} lớp với {s} học viên", "{c} lớp, {s} học viên")).format(
        c=f"{classes:02d}" if classes < 10 and rng.random() < 0.5 else classes, s=ms.vn_int(students)
    )


@dataclass
class Plan:
    """What a school did (or plans) in one period, by course."""

    courses: dict[str, Value]

    def total(self) -> Value:
        return (sum(c for c, _ in self.courses.values()), sum(s for _, s in self.courses.values()))


def random_plan(rng: random.Random, count: int) -> Plan:
    chosen = rng.sample(sorted(COURSES), count)
    courses = {}
    for course in chosen:
        classes = rng.randint(2, 14)
        courses[course] = (classes, classes * rng.randint(42, 78))
    return Plan(courses)


def halves(rng: random.Random) -> tuple[Plan, Plan]:
    """A school's two half-years: mostly the same courses, other numbers."""
    first = random_plan(rng, 5)
    second = random_plan(rng, 5)
    return first, Plan({course: second.courses.get(course, value) for course, value in first.courses.items()})


def add(a: Plan, b: Plan) -> Plan:
    return Plan(
        {
            k: tuple(x + y for x, y in zip(a.courses.get(k, (0, 0)), b.courses.get(k, (0, 0)), strict=True))
            for k in sorted(set(a.courses) | set(b.courses))
        }
    )


class Archive:
    """The documents, built from a seeded model of what each school did."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.schools = load_schools()
        self.documents: list[Document] = []
        self.duplicates: list[dict[str, Any]] = []
        self.inconsistencies: list[dict[str, Any]] = []
        self.numbers: dict[str, int] = {}
        self.halves = {s: halves(self.rng) for s in SCHOOL_IDS}
        self.year_all: dict[str, Value] = {}

    # -- numbering and headers ---------------------------------------------------------

    def number(self, short: str, kind: str, state_style: bool) -> tuple[str, str]:
        self.numbers[short] = self.numbers.get(short, 0) + self.rng.randint(3, 9)
        value = self.numbers[short]
        number = f"{value:02d}/{kind}-{short}" if state_style else f"{value:02d}-{kind}/{short}"
        return number, (f"Số: {number}" if state_style else f"Số {number}")

    def school_document(
        self, school: School, stem: str, date: str, title: str, subject: tuple[str, ...], kind: str = "BC"
    ) -> Document:
        state_style = self.rng.random() < 0.4
        number, line = self.number(school.short, kind, state_style)
        return Document(
            file=f"{school.id}/{stem}.pdf",
            issuer=school.name,
            number=number,
            date=date,
            parent_lines=(f"TỈNH ỦY {school.province.upper()}",),
            unit_lines=("TRƯỜNG CHÍNH TRỊ",),
            number_line=line,
            place=school.province,
            title=title,
            subject=subject,
            state_style=state_style,
            date_line=ms.place_date_line(school.province, date),
            signer=self.rng.choice(SIGNERS),
        )

    # -- what schools write --------------------------------------------------------------

    def course_items(self, doc: Document, school: School, period: str, kind: str, plan: Plan, table: bool) -> None:
        """The courses of ``plan``, as list items in prose or as the rows of a table."""
        rows: list[ms.TableRow] = []
        for course, value in plan.courses.items():
            for label, part in self.spell(course, value, table):
                if table:
                    rows.append(ms.TableRow((str(len(rows) + 1), label, str(part[0]), ms.vn_int(part[1]))))
                else:
                    doc.paragraphs.append(ms.Para(self.item(label, part, kind)))
                doc.state(school.name, None, period, kind, course, part)
        if table:
            total = plan.total()
            rows.append(ms.TableRow(("Tổng cộng", str(total[0]), ms.vn_int(total[1])), bold=True, span_first_two=True))
            doc.state(school.name, None, period, kind, ALL, total, total=True)
            doc.paragraphs.append(("Nội dung", rows))

    def item(self, label: str, value: Value, kind: str) -> str:
        """A list item: "- Label: N lớp/M học viên;" or "- Mở N lớp Label với M học viên;" (plans:
        "Dự kiến mở …", or "Dự kiến mở lớp Label: …" when the label holds a digit)."""
        inline = not any(ch.isdigit() for ch in label)
        if kind == "plan":
            if inline:
                return f"- Dự kiến mở {value[0]} lớp {label} với {ms.vn_int(value[1])} học viên;"
            return f"- Dự kiến mở lớp {label}: {figure_text(value, self.rng)};"
        if inline and self.rng.random() < 0.5:
            return f"- Mở {value[0]} lớp {label} với {ms.vn_int(value[1])} học viên;"
        return f"- {self.rng.choice(ITEM_PREFIXES)}{label}: {figure_text(value, self.rng)};"

    def spell(self, course: str, value: Value, table: bool) -> Iterator[tuple[str, Value]]:
        """How a report names the course; Trung cấp sometimes split into its two forms."""
        if course == "trung-cap-llct" and value[0] >= 4 and self.rng.random() < 0.35:
            first = (value[0] // 2, value[1] // 2 + 7)
            yield SPLIT_TRUNG_CAP[0], first
            yield SPLIT_TRUNG_CAP[1], (value[0] - first[0], value[1] - first[1])
            return
        fitting = [name for name in COURSES[course] if not table or len(name) <= TABLE_LABEL_CHARS]
        yield self.rng.choice(fitting), value

    def period_report(
        self,
        school: School,
        index: int,
        period: str,
        words: str,
        plan: Plan,
        date: str,
        stem: str,
        table: bool,
        carried: Value | None = None,
        planted_new: bool = False,
    ) -> Document:
        subject = (f"Kết quả công tác đào tạo, bồi dưỡng {words}",)
        doc = self.school_document(school, stem, date, "BÁO CÁO", subject)
        total = plan.total()
        opening = self.rng.choice(("Trường đã tổ chức", "Trường đã mở", "nhà trường đã mở"))
        doc.paragraphs += [
            ms.Para("I- KẾT QUẢ CÔNG TÁC ĐÀO TẠO, BỒI DƯỠNG", "h1"),
            ms.Para(f"Trong {words}, {opening} {figure_text(total, self.rng)}."),
        ]
        doc.state(school.name, None, period, "result", ALL, total)
        if carried:
            new = (total[0] - carried[0] - (1 if planted_new else 0), total[1] - carried[1])
            doc.paragraphs.append(
                ms.Para(
                    f"Số lớp từ năm {YEAR - 1} chuyển sang: {figure_text(carried, self.rng)}; số lớp mở mới trong "
                    f"{words}: {figure_text(new, self.rng)}."
                )
            )
            doc.state(school.name, None, period, "carried_over", ALL, carried)
            doc.state(school.name, None, period, "newly_opened", ALL, new)
            if planted_new:
                self.plant("carried_plus_new", [doc], "newly opened one class short of the total")
        doc.paragraphs.append(ms.Para("Kết quả cụ thể như sau:"))
        self.course_items(doc, school, period, "result", plan, table)
        doc.paragraphs.append(ms.Para("II- PHƯƠNG HƯỚNG, NHIỆM VỤ", "h1"))
        doc.paragraphs.append(
            ms.Para(
                "Tiếp tục nâng cao chất lượng giảng dạy, đổi mới phương pháp, tăng cường "
                "công tác quản lý học viên và cơ sở vật chất phục vụ đào tạo."
            )
        )
        return self.finish(doc)

    def finish(self, doc: Document) -> Document:
        doc.paragraphs.append(ms.Para("Trên đây là báo cáo của Trường./."))
        self.documents.append(doc)
        return doc

    def plant(self, check: str, docs: list[Document], note: str) -> None:
        self.inconsistencies.append({"check": check, "files": [d.file for d in docs], "note": note})

    # -- the archive -----------------------------------------------------------------------

    def build(self) -> None:
        for index, school_id in enumerate(SCHOOL_IDS):
            self.school_year(index, self.schools[school_id])
        for name, code, members in CLUSTERS:
            self.cluster(name, code, members)
        self.duplicate_documents()

    def school_year(self, index: int, school: School) -> None:
        h1, h2 = self.halves[school.id]
        carried = (3 + index, (3 + index) * 61) if index in (0, 3) else None
        first = self.period_report(
            school,
            index,
            f"{YEAR}-H1",
            f"6 tháng đầu năm {YEAR}",
            h1,
            f"{YEAR}-07-{10 + index:02d}",
            f"bc-6-thang-dau-{YEAR}",
            table=index % 2 == 1,
            carried=carried,
            planted_new=index == 3,
        )
        second = self.period_report(
            school,
            index,
            f"{YEAR}-H2",
            f"6 tháng cuối năm {YEAR}",
            h2,
            f"{YEAR}-12-{12 + index:02d}",
            f"bc-6-thang-cuoi-{YEAR}",
            table=index % 3 == 0,
        )
        whole = add(h1, h2)
        year = self.year_report(school, index, whole)
        if index == 5:
            self.plant("half_years_vs_year", [first, second, year], "the year's total two classes over H1 + H2")
        quarter = random_plan(self.rng, 3)
        if index == 6:
            quarter.courses[next(iter(quarter.courses))] = (12, 9)
        report = self.period_report(
            school,
            index,
            f"{NEXT}-Q1",
            f"quý I năm {NEXT}",
            quarter,
            f"{NEXT}-04-{5 + index:02d}",
            f"bc-quy-I-{NEXT}",
            table=index % 4 == 2,
        )
        if index == 6:
            self.plant("students_below_classes", [report], "a course with fewer students than classes")
        if index != len(SCHOOL_IDS) - 1:
            second_quarter = random_plan(self.rng, 3)
            self.period_report(
                school,
                index,
                f"{NEXT}-Q2",
                f"quý II/{NEXT}",
                second_quarter,
                f"{NEXT}-07-{3 + index:02d}",
                f"bc-quy-II-{NEXT}",
                table=False,
            )
        if index in (1, 4, 6, 7):
            self.plan_document(school, index)
        if index in (0, 2, 5):
            self.school_year_report(school, index)

    def year_report(self, school: School, index: int, whole: Plan) -> Document:
        doc = self.school_document(
            school,
            f"bc-tong-ket-{YEAR}",
            f"{NEXT}-01-{8 + index:02d}",
            "BÁO CÁO",
            (f"Tổng kết công tác đào tạo, bồi dưỡng năm {YEAR}",),
        )
        total = whole.total()
        stated = (total[0] + 2, total[1] + 90) if index == 5 else total
        self.year_all[school.id] = stated
        doc.paragraphs += [
            ms.Para("I- KẾT QUẢ ĐÀO TẠO, BỒI DƯỠNG", "h1"),
            ms.Para(f"Năm {YEAR}, Trường đã tổ chức {figure_text(stated, self.rng)}, trong đó:"),
        ]
        doc.state(school.name, None, str(YEAR), "result", ALL, stated)
        for course, value in whole.courses.items():
            label = self.rng.choice(COURSES[course])
            doc.paragraphs.append(ms.Para(f"- {label}: {figure_text(value, self.rng)};"))
            doc.state(school.name, None, str(YEAR), "result", course, value)
        if index not in (1, 4, 6, 7):
            plan = (total[0] + self.rng.randint(1, 6), total[1] + self.rng.randint(50, 400))
            doc.paragraphs.append(ms.Para("II- PHƯƠNG HƯỚNG NĂM " + str(NEXT), "h1"))
            doc.paragraphs.append(ms.Para(f"Năm {NEXT}, Trường phấn đấu mở {figure_text(plan, self.rng)}."))
            doc.state(school.name, None, str(NEXT), "plan", ALL, plan)
        return self.finish(doc)

    def plan_document(self, school: School, index: int) -> None:
        doc = self.school_document(
            school,
            f"kh-dao-tao-{NEXT}",
            f"{YEAR}-12-{20 + index:02d}",
            "KẾ HOẠCH",
            (f"Đào tạo, bồi dưỡng năm {NEXT}",),
            kind="KH",
        )
        plan = random_plan(self.rng, 4)
        total = plan.total()
        doc.paragraphs += [
            ms.Para("I- CHỈ TIÊU ĐÀO TẠO, BỒI DƯỠNG", "h1"),
            ms.Para(f"Năm {NEXT}, Trường dự kiến mở {figure_text(total, self.rng)}, cụ thể:"),
        ]
        doc.state(school.name, None, str(NEXT), "plan", ALL, total)
        self.course_items(doc, school, str(NEXT), "plan", plan, table=False)
        self.finish(doc)

    def school_year_report(self, school: School, index: int) -> None:
        years = f"{YEAR}-{NEXT}"
        doc = self.school_document(
            school,
            f"bc-tuyen-sinh-{years}",
            f"{YEAR}-10-{2 + index:02d}",
            "BÁO CÁO",
            (f"Kết quả tuyển sinh năm học {years}",),
        )
        middle = (3 + index, (3 + index) * 64)
        senior = (1 + index % 2, (1 + index % 2) * 55)
        doc.paragraphs += [
            ms.Para("I- KẾT QUẢ TUYỂN SINH", "h1"),
            ms.Para(f"Năm học {years}, Trường tuyển sinh và khai giảng các lớp sau:"),
            ms.Para(f"- Trung cấp lý luận chính trị hệ tập trung: {figure_text(middle, self.rng)};"),
            ms.Para(f"- Mở {senior[0]} lớp Cao cấp LLCT với {ms.vn_int(senior[1])} học viên."),
        ]
        doc.state(school.name, None, years, "result", "trung-cap-llct", middle)
        doc.state(school.name, None, years, "result", "cao-cap-llct", senior)
        self.finish(doc)

    def cluster(self, name: str, code: str, members: tuple[str, ...]) -> None:
        periods = (
            (f"{YEAR}-H1", f"6 tháng đầu năm {YEAR}", f"{YEAR}-07-25", 0),
            (f"{YEAR}-H2", f"6 tháng cuối năm {YEAR}", f"{YEAR}-12-28", 1),
            (str(YEAR), f"năm {YEAR}", f"{NEXT}-01-25", None),
        )
        for period, words, date, half in periods:
            values = [self.halves[m][half].total() if half is not None else self.year_all[m] for m in members]
            planted = code == "tn" and half == 1
            doc = self.cluster_document(name, code, period, words, date, members, values, planted)
            if planted:
                self.plant("total_mismatch", [doc], "the table's total three classes over its rows")

    def cluster_document(
        self,
        name: str,
        code: str,
        period: str,
        words: str,
        date: str,
        members: tuple[str, ...],
        values: list[Value],
        planted: bool,
    ) -> Document:
        issuer = f"Cụm Thi đua các trường chính trị khu vực {name}"
        state_style = False
        number, line = self.number(f"CTĐ{code.upper()}", "BC", state_style)
        doc = Document(
            file=f"cum-{code}/bc-{period.lower()}.pdf",
            issuer=issuer,
            number=number,
            date=date,
            parent_lines=("HỌC VIỆN CHÍNH TRỊ QUỐC GIA", "HỒ CHÍ MINH"),
            unit_lines=("CỤM THI ĐUA CÁC TRƯỜNG", f"CHÍNH TRỊ KHU VỰC {name.upper()}"),
            number_line=line,
            place=self.schools[members[0]].province,
            title="BÁO CÁO",
            subject=(f"Kết quả hoạt động thi đua {words}",),
            date_line=ms.place_date_line(self.schools[members[0]].province, date),
            signer=self.rng.choice(SIGNERS),
            position="CỤM TRƯỞNG",
        )
        names = [self.schools[m].name for m in members]
        total = (sum(c for c, _ in values), sum(s for _, s in values))
        stated = (total[0] + 3, total[1]) if planted else total
        doc.paragraphs += [
            ms.Para("I- KẾT QUẢ THỰC HIỆN NHIỆM VỤ", "h1"),
            ms.Para(f"{issuer} gồm {len(members):02d} trường: {', '.join(names[:-1])} và {names[-1]}."),
            ms.Para(
                f"Trong {words}, các trường trong Cụm đã tổ chức {total[0]} lớp với {ms.vn_int(total[1])} học viên"
                "; kết quả mở lớp của từng trường cụ thể như sau:"
            ),
        ]
        rows = []
        for number, (school_name, value) in enumerate(zip(names, values, strict=True), start=1):
            printed = school_name.replace("tỉnh ", "") if self.rng.random() < 0.3 else school_name
            rows.append(ms.TableRow((str(number), printed, str(value[0]), ms.vn_int(value[1]))))
            doc.state(school_name, None, period, "result", ALL, value)
        rows.append(ms.TableRow(("Tổng cộng", str(stated[0]), ms.vn_int(stated[1])), bold=True, span_first_two=True))
        doc.paragraphs.append(("Trường", rows))
        doc.state(None, issuer, period, "result", ALL, stated, total=True)
        doc.paragraphs.append(
            ms.Para("Các trường tiếp tục thực hiện tốt phong trào thi đua “Dạy tốt, học tốt, phục vụ tốt”.")
        )
        doc.paragraphs.append(ms.Para("Trên đây là báo cáo của Cụm Thi đua./."))
        self.documents.append(doc)
        return doc

    def duplicate_documents(self) -> None:
        """A resend (same bytes), a school report laid out again, a cluster report re-typed."""
        resend = next(d for d in self.documents if d.file.endswith(f"bc-quy-I-{NEXT}.pdf"))
        self.duplicates.append({"files": [resend.file, f"gui-lai/{Path(resend.file).name}"], "reason": "same_file"})
        relaid = next(d for d in self.documents if d.file == f"{SCHOOL_IDS[1]}/bc-6-thang-cuoi-{YEAR}.pdf")
        copy = relaid_copy(relaid, f"ban-sao/{SCHOOL_IDS[1]}-bc-6-thang-cuoi-{YEAR}.pdf")
        copy.state_style = not relaid.state_style
        self.documents.append(copy)
        self.duplicates.append({"files": [relaid.file, copy.file], "reason": "same_number"})
        retyped = next(d for d in self.documents if d.file.startswith("cum-tb/") and d.file.endswith(f"-{YEAR}.pdf"))
        copy = relaid_copy(retyped, f"ban-sao/cum-tb-bc-{YEAR}.pdf")
        year, month, day = retyped.date.split("-")
        copy.date_line = f"{retyped.place}, ngày {day}/{month}/{year}"
        copy.number_line = f"Số: {retyped.number}"
        self.documents.append(copy)
        self.duplicates.append({"files": [retyped.file, copy.file], "reason": "same_number"})


def relaid_copy(doc: Document, file: str) -> Document:
    """The same document, to be printed again under ``file`` (the caller changes its layout)."""
    return Document(**{**doc.__dict__, "file": file, "paragraphs": list(doc.paragraphs), "facts": dict(doc.facts)})


# -- printing ------------------------------------------------------------------------------


def render(doc: Document, fonts: dict[str, Path], path: Path) -> None:
    pdf = ms.ReportPDF(fonts, f"{doc.title.title()} số {doc.number} (mẫu thử)")
    pdf.add_page()
    if doc.state_style:
        left, _ = ms.draw_state_header(pdf, ms.TOP, doc.parent_lines[0], doc.unit_lines, doc.number_line, doc.date_line)
    else:
        header = [ms.Line(text, "", ms.HEADER_SIZE) for text in doc.parent_lines]
        header += [ms.Line(text, "B", ms.HEADER_SIZE) for text in doc.unit_lines]
        left, _ = ms.draw_party_header(pdf, ms.TOP, header, doc.number_line, doc.date_line)
    title = ms.draw_title(pdf, left.bottom + 18, doc.title, doc.subject)
    pdf.set_y(title.bottom + 12)
    for part in doc.paragraphs:
        if isinstance(part, ms.Para):
            ms.write_paragraphs(pdf, [part])
        else:
            heading, rows = part
            table = ms.draw_table(pdf, TABLE_WIDTHS, ("TT", heading, "Số lớp", "Số học viên"), rows)
            pdf.set_y(table.bottom + 10)
    ms.draw_closing(pdf, closing(doc))
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))


def closing(doc: Document) -> ms.Closing:
    authority = (ms.Line("TM. CỤM THI ĐUA", "B", ms.BODY_SIZE),) if doc.position == "CỤM TRƯỞNG" else ()
    return ms.Closing(
        recipients_title=ms.Line("Nơi nhận:", "BIU", 12.0),
        recipients=("- Ban Tổ chức Tỉnh ủy,", "- Lưu VT."),
        authority_lines=(*authority, ms.Line(doc.position, "B", ms.BODY_SIZE)),
        signer_name=doc.signer,
        signature_gap=60.0,
    )


def build(out_dir: Path, seed: int) -> dict[str, Any]:
    archive = Archive(seed)
    archive.build()
    fonts = ms.find_fonts()
    out_dir.mkdir(parents=True, exist_ok=True)
    for doc in archive.documents:
        render(doc, fonts, out_dir / doc.file)
    for group in archive.duplicates:
        if group["reason"] == "same_file":
            target = out_dir / group["files"][1]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(out_dir / group["files"][0], target)
    resent = {group["files"][1]: group["files"][0] for group in archive.duplicates if group["reason"] == "same_file"}
    by_file = {doc.file: doc for doc in archive.documents}
    documents = [doc.truth() for doc in archive.documents]
    documents += [by_file[original].truth() | {"file": copy} for copy, original in resent.items()]
    truth = {
        "seed": seed,
        "documents": sorted(documents, key=lambda d: d["file"]),
        "duplicates": archive.duplicates,
        "inconsistencies": archive.inconsistencies,
    }
    (out_dir / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)
    truth = build(args.out_dir, args.seed)
    print(f"{len(truth['documents'])} PDFs and truth.json in {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
