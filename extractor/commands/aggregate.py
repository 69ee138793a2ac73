"""``extractor aggregate OUT_DIR``: classes and students by school × period × kind × course."""

from __future__ import annotations

import argparse
import contextlib
import gc
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FORMATS = ("csv", "json", "markdown")
KINDS = ("result", "newly_opened", "carried_over", "plan")
PERIOD = re.compile(r"^\d{4}(?:-(?:H[12]|Q[1-4]|\d{4}))?$")
CHART_SUFFIXES = ("png", "svg")

DESCRIPTION = (
    "Add up the figures of a batch's records (reviewers' corrections applied) by school, period, "
    "kind (result, newly_opened, carried_over, plan: never added together) and course category, "
    "with totals; the same document found twice is counted once and listed under duplicates; "
    "consistency checks are listed. Prints a table, or CSV, JSON or Markdown."
)


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "aggregate", help="totals of classes and students across a batch", description=DESCRIPTION
    )
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="a batch's output folder")
    chosen = parser.add_mutually_exclusive_group()
    for name in FORMATS:
        chosen.add_argument(f"--{name}", dest="format", action="store_const", const=name, help=f"print {name}")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the table (or CSV, JSON…) to FILE")
    parser.add_argument("--xlsx", type=Path, metavar="FILE.xlsx", help="also write an Excel workbook")
    parser.add_argument(
        "--chart", type=Path, metavar="FILE.png|svg", help="also draw classes and students per school for one period"
    )
    parser.add_argument("--period", help="only this period: 2021, 2021-H1, 2021-Q3, 2020-2021")
    parser.add_argument("--school", help="only this school (any spelling the gazetteer knows)")
    parser.add_argument("--kind", choices=KINDS, help="only this kind of figure")
    parser.add_argument("--patterns", type=Path, help="patterns directory (default: the project's patterns/)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from extractor.aggregate import Filters, aggregate, resolve_school
    from extractor.cli import fail
    from extractor.consistency import attribution_for
    from extractor.errors import ExitCode
    from extractor.files import write_atomically, write_bytes_atomically
    from extractor.patterns import load_patterns

    problem = usage_problem(args)
    if problem:
        return fail(problem, ExitCode.USAGE)
    patterns = load_patterns(args.patterns.resolve() if args.patterns else None)
    school = resolve_school(args.school, patterns) if args.school else None
    if args.school and school is None:
        return fail(f"--school {args.school}: no school of the gazetteer goes by that name", ExitCode.USAGE)
    with no_cyclic_collection():  # the records live until the command ends
        entries = read_entries(args.out_dir)
        result = aggregate(entries, patterns, Filters(args.period, school, args.kind))
        text = render(result, args.format)
        if args.output:
            write_atomically(args.output, text)
        else:
            print(text)
        if args.xlsx:
            from extractor.aggregate_outputs import to_xlsx

            write_bytes_atomically(args.xlsx, to_xlsx(result))
        if args.chart:
            from extractor.aggregate_outputs import to_chart

            period = args.period or latest_period(result)
            if period is None:
                return fail(f"{args.chart}: no school has results to draw", ExitCode.USAGE)
            fallback = attribution_for(patterns).courses.fallback.id
            write_bytes_atomically(args.chart, to_chart(result, period, chart_suffix(args.chart), fallback))
            if not args.period:
                print(f"extractor: {args.chart}: period {period} (choose one with --period)", file=sys.stderr)
        return ExitCode.OK


@contextlib.contextmanager
def no_cyclic_collection() -> Iterator[None]:
    """The garbage collector paused: thousands of records live to the end of the command, and
    collecting among them doubles its time. Restored after, for a caller that goes on (tests)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def usage_problem(args: argparse.Namespace) -> str | None:
    if args.period and not PERIOD.match(args.period):
        return f"--period {args.period}: write 2021, 2021-H1, 2021-H2, 2021-Q1…Q4 or 2020-2021"
    if args.chart and chart_suffix(args.chart) not in CHART_SUFFIXES:
        return f"--chart {args.chart}: the file must end in .png or .svg"
    if args.xlsx and args.xlsx.suffix.lower() != ".xlsx":
        return f"--xlsx {args.xlsx}: the file must end in .xlsx"
    return None


def chart_suffix(path: Path) -> str:
    return path.suffix.lower().lstrip(".")


def read_entries(out_dir: Path) -> list[tuple[str, dict[str, Any]]]:
    """The batch's (path, record) pairs, with reviewers' corrections applied."""
    from extractor.corrections import Corrections
    from extractor.store import open_store

    store = open_store(out_dir)
    try:
        corrections = Corrections(store)
        touched = {document for document, _ in corrections.decided()}
        return [
            (path, corrections.apply(record) if record["source"]["sha256"] in touched else record)
            for path, record in store.records()
        ]
    finally:
        store.close()


def render(result: Any, chosen: str | None) -> str:
    from extractor import aggregate_outputs

    if chosen is None:
        return aggregate_outputs.to_terminal(result, shutil.get_terminal_size((160, 24)).columns)
    renderers = {"csv": aggregate_outputs.to_csv, "json": aggregate_outputs.to_json}
    return renderers.get(chosen, aggregate_outputs.to_markdown)(result)


def latest_period(result: Any) -> str | None:
    periods = sorted({row.period for row in result.rows if row.school and row.period and row.kind == "result"})
    return periods[-1] if periods else None
