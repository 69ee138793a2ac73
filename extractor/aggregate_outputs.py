"""The aggregate as a terminal table, CSV, JSON, Markdown, an Excel workbook and a chart.

Every format has the same columns: ``row_type`` (``school``, ``unattributed`` or ``total``),
``school``, ``reporter``, ``period``, ``kind``, ``category``, ``category_name``, ``classes``,
``students``, ``documents`` (sha256 of the documents the row comes from, ``;``-separated in the
flat formats).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from extractor.aggregate import UNATTRIBUTED, Aggregate, Row, plain

COLUMNS = (
    "row_type",
    "school",
    "reporter",
    "period",
    "kind",
    "category",
    "category_name",
    "classes",
    "students",
    "documents",
)
CHECK_COLUMNS = ("check", "document", "figures", "message")
DUPLICATE_COLUMNS = ("file", "sha256", "kept_file", "kept_sha256", "reason")
CHART_KIND = "result"
DISPLAY = ("school", "period", "kind", "course", "classes", "students")
"""Columns of the terminal and Markdown tables."""


def row_type(row: Row, total: bool) -> str:
    return "total" if total else "school" if row.school else "unattributed"


def flat_rows(result: Aggregate) -> Iterator[tuple[Any, ...]]:
    """Rows then totals, one tuple of ``COLUMNS`` each."""
    for total, rows in ((False, result.rows), (True, result.totals)):
        for row in rows:
            values = plain(row)
            values["row_type"] = row_type(row, total)
            values["documents"] = ";".join(row.documents)
            yield tuple(values[column] for column in COLUMNS)


def to_csv(result: Aggregate) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(("" if value is None else value for value in row) for row in flat_rows(result))
    return buffer.getvalue().rstrip("\n")


def to_json(result: Aggregate) -> str:
    """One line per row, duplicate and check: readable, and written by json's C encoder."""
    data = result.to_dict()
    parts = []
    for name, value in data.items():
        if isinstance(value, list):
            items = ",\n  ".join(json.dumps(item, ensure_ascii=False) for item in value)
            value_text = f"[\n  {items}\n ]" if value else "[]"
        else:
            value_text = json.dumps(value)
        parts.append(f" {json.dumps(name)}: {value_text}")
    return "{\n" + ",\n".join(parts) + "\n}"


def to_markdown(result: Aggregate) -> str:
    lines = ["# Classes and students", "", *markdown_table(DISPLAY, display_rows(result.rows))]
    lines += ["", "## Totals (schools' rows added up)", "", *markdown_table(DISPLAY[1:], display_totals(result))]
    lines += ["", f"## Duplicates ({len(result.duplicates)})", ""]
    lines += [f"- `{d.file}` = `{d.kept_file}` ({d.reason})" for d in result.duplicates] or ["None."]
    lines += ["", f"## Checks failed ({len(result.checks)})", ""]
    lines += [f"- **{c.check}** ({c.document and c.document[:12]}): {c.message}" for c in result.checks] or ["None."]
    return "\n".join(lines)


def display_rows(rows: Iterable[Row]) -> Iterator[tuple[str, ...]]:
    for row in rows:
        yield (row.who(), *display_values(row))


def display_totals(result: Aggregate) -> Iterator[tuple[str, ...]]:
    return (display_values(row) for row in result.totals)


def display_values(row: Row) -> tuple[str, ...]:
    students = "" if row.students is None else str(row.students)
    return row.period or "?", row.kind, row.category_name, str(row.classes), students


def markdown_table(header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> list[str]:
    def line(cells: Iterable[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    numeric = {"classes", "students"}
    return [line(header), line("---:" if name in numeric else "---" for name in header), *map(line, rows)]


def to_terminal(result: Aggregate, width: int | None = None) -> str:
    """Rich tables of the rows and totals, then the duplicates and the failed checks."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=io.StringIO(), width=width, force_terminal=False, color_system=None)
    rows = Table(title=f"Classes and students ({result.documents} documents, {result.files} files)")
    totals = Table(title="Totals (schools' rows added up)")
    for table, header in ((rows, DISPLAY), (totals, DISPLAY[1:])):
        for name in header:
            table.add_column(name, justify="right" if name in ("classes", "students") else "left")
    for cells in display_rows(result.rows):
        rows.add_row(*cells)
    for cells in display_totals(result):
        totals.add_row(*cells)
    console.print(rows)
    console.print(totals)
    console.print(f"Duplicates: {len(result.duplicates)}")
    for duplicate in result.duplicates:
        console.print(f"  {duplicate.file} = {duplicate.kept_file} ({duplicate.reason})", markup=False)
    console.print(f"Checks failed: {len(result.checks)}")
    for check in result.checks:
        console.print(f"  {check.check}: {check.message}", markup=False)
    return console.file.getvalue().rstrip("\n")


def to_xlsx(result: Aggregate) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "rows"
    sheet.append(COLUMNS)
    for row in flat_rows(result):
        sheet.append(row)
    for title, columns, items in (
        ("duplicates", DUPLICATE_COLUMNS, [plain(d) for d in result.duplicates]),
        ("checks", CHECK_COLUMNS, [plain(c) | {"figures": ", ".join(c.figures)} for c in result.checks]),
    ):
        extra = workbook.create_sheet(title)
        extra.append(columns)
        for item in items:
            extra.append([item[column] for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def chart_values(result: Aggregate, period: str, all_courses: str) -> list[tuple[str, int, int]]:
    """Per school: classes and students of ``period`` (results; the row of category ``all_courses``
    when stated, else the courses added up)."""
    per_school: dict[str, dict[bool, list[Row]]] = {}
    for row in result.rows:
        if row.school and row.period == period and row.kind == CHART_KIND:
            per_school.setdefault(row.school, {}).setdefault(row.category == all_courses, []).append(row)
    values = []
    for school, parts in sorted(per_school.items()):
        chosen = parts.get(True) or parts[False]
        values.append((school, sum(r.classes for r in chosen), sum(r.students or 0 for r in chosen)))
    return values


def to_chart(result: Aggregate, period: str, suffix: str, all_courses: str) -> bytes:
    """Horizontal bars of classes and of students per school for one period (PNG or SVG)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    values = chart_values(result, period, all_courses)
    names = [name for name, _, _ in values] or [UNATTRIBUTED]
    height = max(2.5, 0.45 * len(names) + 1.2)
    figure, (left, right) = pyplot.subplots(1, 2, figsize=(12, height), sharey=True)
    try:
        for axes, index, title in ((left, 1, "classes (lớp)"), (right, 2, "students (học viên)")):
            numbers = [v[index] for v in values] or [0]
            bars = axes.barh(names, numbers, color="#3b6ea8" if index == 1 else "#d08a2c")
            axes.bar_label(bars, padding=3, fontsize=8)
            axes.set_title(title)
            axes.margins(x=0.12)
        left.invert_yaxis()
        figure.suptitle(f"{period}: results per school")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format=suffix, metadata=chart_metadata(suffix))
    finally:
        pyplot.close(figure)
    return buffer.getvalue()


def chart_metadata(suffix: str) -> dict[str, Any]:
    """No creation date in the file, so the same archive draws the same bytes."""
    return {"Date": None} if suffix == "svg" else {}
