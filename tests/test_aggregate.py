"""``extractor aggregate`` end to end: a generated archive of reports, the batch over it, every output.

The archive (``samples/make_report_archive.py``) comes with ``truth.json``: the facts each
document states, the duplicates and the inconsistencies planted. The expected table and its
totals are computed here from those facts, independently of the aggregation code.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook

from extractor.cli import main
from extractor.corrections import Corrections, Edit
from extractor.store import open_store
from tests.batch_output import ROOT, cli_env, copy_output, run_cli

GENERATOR = ROOT / "samples" / "make_report_archive.py"
KEY = ("school", "reporter", "period", "kind", "category")
FILES_PER_ARCHIVE = 50


@dataclass
class Output:
    returncode: int
    stdout: str
    stderr: str


def aggregate(out: Path, *args: str) -> Output:
    """``extractor aggregate OUT_DIR ARGS`` through the command line's ``main``, in this process."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["aggregate", str(out), *args])
    return Output(code, stdout.getvalue(), stderr.getvalue())


@dataclass
class Batch:
    archive: Path
    out: Path
    truth: dict
    result: dict
    """``aggregate --json`` of the batch."""
    sha256: dict[str, str]
    """Each file of the archive by its content hash."""


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    base = tmp_path_factory.mktemp("aggregate")
    archive, out = base / "archive", base / "out"
    made = subprocess.run(
        [sys.executable, str(GENERATOR), str(archive)], capture_output=True, text=True, timeout=600, env=cli_env()
    )
    assert made.returncode == 0, made.stderr
    done = run_cli("batch", str(archive), "-o", str(out), "--workers", "2", "--quiet", timeout=600)
    assert done.returncode == 0, done.stderr
    result = aggregate(out, "--json")
    assert result.returncode == 0, result.stderr
    store = open_store(out)
    try:
        sha256 = {path: record["source"]["sha256"] for path, record in store.records()}
    finally:
        store.close()
    truth = json.loads((archive / "truth.json").read_text(encoding="utf-8"))
    return Batch(archive, out, truth, json.loads(result.stdout), sha256)


def expected_rows(truth: dict) -> dict[tuple, tuple[int, int]]:
    """One value per fact: every document that states it (a copy, a cluster's table) agrees."""
    rows: dict[tuple, tuple[int, int]] = {}
    for document in truth["documents"]:
        for fact in document["facts"]:
            key = tuple(fact[name] for name in KEY)
            value = (fact["classes"], fact["students"])
            assert rows.setdefault(key, value) == value, f"the generator disagrees with itself on {key}"
    return rows


def expected_totals(rows: dict[tuple, tuple[int, int]]) -> dict[tuple, tuple[int, int]]:
    """The schools' rows added up per period, kind and category."""
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for (school, _, period, kind, category), (classes, students) in rows.items():
        if school is not None:
            totals[period, kind, category][0] += classes
            totals[period, kind, category][1] += students
    return {key: (c, s) for key, (c, s) in totals.items()}


def got_rows(result: dict) -> dict[tuple, tuple[int, int | None]]:
    return {tuple(row[name] for name in KEY): (row["classes"], row["students"]) for row in result["rows"]}


def got_totals(result: dict) -> dict[tuple, tuple[int, int | None]]:
    return {(t["period"], t["kind"], t["category"]): (t["classes"], t["students"]) for t in result["totals"]}


def test_the_archive_is_large_and_varied(batch: Batch) -> None:
    documents = batch.truth["documents"]
    assert len(documents) >= FILES_PER_ARCHIVE
    assert set(batch.sha256) == {d["file"] for d in documents}
    facts = [fact for d in documents for fact in d["facts"]]
    periods = {fact["period"] for fact in facts}
    assert {"2023-H1", "2023-H2", "2023", "2024-Q1", "2024-Q2", "2023-2024", "2024"} <= periods
    assert {fact["kind"] for fact in facts} == {"result", "plan", "carried_over", "newly_opened"}
    assert len({fact["school"] for fact in facts if fact["school"]}) >= 8
    assert len({fact["category"] for fact in facts}) >= 8


def test_the_table_equals_the_sums_of_the_truth(batch: Batch) -> None:
    rows = expected_rows(batch.truth)
    assert got_rows(batch.result) == rows
    assert got_totals(batch.result) == expected_totals(rows)
    assert batch.result["documents"] == len(batch.sha256) - sum(len(g["files"]) - 1 for g in batch.truth["duplicates"])


def test_plans_and_results_are_never_added_together(batch: Batch) -> None:
    for total in batch.result["totals"]:
        members = [
            row
            for row in batch.result["rows"]
            if row["school"]
            and (row["period"], row["kind"], row["category"]) == (total["period"], total["kind"], total["category"])
        ]
        assert total["classes"] == sum(row["classes"] for row in members)


def test_duplicates_are_found_and_counted_once(batch: Batch) -> None:
    found = {(frozenset((d["file"], d["kept_file"])), d["reason"]) for d in batch.result["duplicates"]}
    planted = {(frozenset(group["files"]), group["reason"]) for group in batch.truth["duplicates"]}
    assert found == planted
    counted = {sha for row in batch.result["rows"] for sha in row["documents"]}
    for duplicate in batch.result["duplicates"]:
        assert duplicate["sha256"] == duplicate["kept_sha256"] or duplicate["sha256"] not in counted
        assert duplicate["kept_sha256"] == batch.sha256[duplicate["kept_file"]]


def test_every_planted_inconsistency_is_reported_and_nothing_else(batch: Batch) -> None:
    reported = {(check["check"], check["document"]) for check in batch.result["checks"]}
    planted = {(item["check"], batch.sha256[file]) for item in batch.truth["inconsistencies"] for file in item["files"]}
    assert {item["check"] for item in batch.truth["inconsistencies"]} == {
        "total_mismatch",
        "half_years_vs_year",
        "carried_plus_new",
        "students_below_classes",
    }
    assert reported == planted
    for check in batch.result["checks"]:
        assert check["figures"] and all(path.startswith("figures[") for path in check["figures"])
        assert any(ch.isdigit() for ch in check["message"])


def test_csv_and_xlsx_hold_the_same_rows_as_json(batch: Batch, tmp_path: Path) -> None:
    done = aggregate(batch.out, "--csv", "--xlsx", str(tmp_path / "table.xlsx"))
    assert done.returncode == 0, done.stderr
    table = list(csv.DictReader(io.StringIO(done.stdout)))
    school_rows = [row for row in table if row["row_type"] != "total"]
    assert {
        tuple(row[name] or None for name in KEY): (int(row["classes"]), int(row["students"])) for row in school_rows
    } == got_rows(batch.result)
    assert len(table) == len(batch.result["rows"]) + len(batch.result["totals"])
    workbook = load_workbook(tmp_path / "table.xlsx", read_only=True)
    sheet = list(workbook["rows"].iter_rows(values_only=True))
    assert [list(map(str_or_empty, row)) for row in sheet[1:]] == [list(row.values()) for row in table]
    assert len(list(workbook["duplicates"].iter_rows())) == 1 + len(batch.result["duplicates"])
    assert len(list(workbook["checks"].iter_rows())) == 1 + len(batch.result["checks"])


def str_or_empty(value: object) -> str:
    return "" if value is None else str(value)


def test_markdown_and_terminal_tables(batch: Batch, tmp_path: Path) -> None:
    markdown = aggregate(batch.out, "--markdown", "-o", str(tmp_path / "table.md"))
    assert markdown.returncode == 0 and markdown.stdout == ""
    text = (tmp_path / "table.md").read_text(encoding="utf-8")
    header_lines = 2 * 2  # the header and the rule of each table
    assert text.count("\n| ") == len(batch.result["rows"]) + len(batch.result["totals"]) + header_lines
    assert "| Trường Chính trị tỉnh Kon Tum | 2023-H1 | result |" in text
    assert [p.name for p in tmp_path.iterdir()] == ["table.md"]
    terminal = aggregate(batch.out)
    assert terminal.returncode == 0, terminal.stderr
    assert "Trường Chính trị tỉnh Kon Tum" in terminal.stdout
    assert f"Duplicates: {len(batch.result['duplicates'])}" in terminal.stdout
    assert f"Checks failed: {len(batch.result['checks'])}" in terminal.stdout


@pytest.mark.parametrize("suffix, magic", [("png", b"\x89PNG"), ("svg", b"<?xml")])
def test_chart(batch: Batch, tmp_path: Path, suffix: str, magic: bytes) -> None:
    chart = tmp_path / f"chart.{suffix}"
    done = aggregate(batch.out, "--period", "2023-H1", "--chart", str(chart))
    assert done.returncode == 0, done.stderr
    assert chart.read_bytes().startswith(magic)
    if suffix == "svg":
        text = chart.read_text(encoding="utf-8")
        assert "2023-H1" in text or "2023" in text


def test_filters(batch: Batch) -> None:
    done = aggregate(batch.out, "--json", "--period", "2023-H1", "--school", "kon tum", "--kind", "result")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    expected = {
        k: v
        for k, v in got_rows(batch.result).items()
        if k[0] == "Trường Chính trị tỉnh Kon Tum" and k[2:4] == ("2023-H1", "result")
    }
    assert expected and got_rows({"rows": rows}) == expected


def test_corrections_are_applied(batch: Batch, tmp_path: Path) -> None:
    out = copy_output(batch.out, tmp_path)
    store = open_store(out)
    try:
        record = next(r for p, r in store.records() if p == "tct-kon-tum/bc-quy-I-2024.pdf")
        index = next(i for i, f in enumerate(record["figures"]) if f["label"] and "ã" in f["label"])
        Corrections(store).write(record, f"figures[{index}]", 0, [Edit(f"figures[{index}].classes", "corrected", 99)])
    finally:
        store.close()
    done = aggregate(out, "--json", "--school", "Trường Chính trị tỉnh Kon Tum", "--period", "2024-Q1")
    assert done.returncode == 0, done.stderr
    [row] = [r for r in json.loads(done.stdout)["rows"] if r["category"] == "all" and r["kind"] == "result"]
    assert row["classes"] == 99


@pytest.mark.parametrize(
    "args, code, words",
    [
        (("--period", "2023-H3"), 2, "--period 2023-H3"),
        (("--chart", "x.gif"), 2, "--chart x.gif"),
        (("--xlsx", "x.csv"), 2, "--xlsx x.csv"),
        (("--school", "Trường Chính trị tỉnh Atlantis"), 2, "--school"),
    ],
)
def test_bad_options(batch: Batch, args: tuple[str, ...], code: int, words: str) -> None:
    done = aggregate(batch.out, *args)
    assert done.returncode == code
    assert done.stderr.count("\n") == 1 and words in done.stderr and "Traceback" not in done.stderr


def test_a_broken_course_table_is_exit_11(batch: Batch, tmp_path: Path) -> None:
    patterns = tmp_path / "patterns"
    shutil.copytree(ROOT / "patterns", patterns)
    table = patterns / "course_categories.tsv"
    table.write_text(table.read_text(encoding="utf-8") + "all\tTổng lần hai\t\n", encoding="utf-8")
    done = aggregate(batch.out, "--patterns", str(patterns))
    assert done.returncode == 11
    assert done.stderr.count("\n") == 1 and "course_categories.tsv" in done.stderr and "'all'" in done.stderr


def test_no_store_is_one_line_and_exit_13(tmp_path: Path) -> None:
    done = aggregate(tmp_path)
    assert done.returncode == 13
    assert (
        done.stderr
        == f"extractor: {tmp_path}: not a batch output folder (no store.sqlite; run `extractor batch` first)\n"
    )
    assert done.stdout == ""
