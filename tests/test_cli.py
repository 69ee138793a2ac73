"""The command line as users see it: JSON on stdout, one-line errors, distinct exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from extractor.errors import ExitCode
from tests.conftest import SAMPLES

GOV = SAMPLES / "gov-12-BC-TCT.pdf"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "extractor", *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_extract_prints_a_record() -> None:
    result = run("extract", str(GOV))
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["document"]["number"]["value"] == "12/BC-TCT"
    assert record["source"]["sha256"] and record["source"]["pages"] == 2


def test_schema_command_prints_a_valid_2020_12_schema() -> None:
    result = run("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"].endswith("2020-12/schema")


def test_several_files_go_on_after_a_bad_one(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_text("not a pdf", encoding="utf-8")
    out = tmp_path / "out"
    result = run("extract", str(GOV), str(bad), "-o", str(out))
    assert result.returncode == ExitCode.SOME_FAILED
    assert (out / "gov-12-BC-TCT.json").is_file()
    assert not (out / "bad.json").exists()
    assert sorted(p.name for p in out.iterdir()) == ["gov-12-BC-TCT.json"]


def encrypted_pdf(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="secret")
    pdf.set_encryption(owner_password="owner", user_password="user")
    pdf.output(str(path))


def make_bad(kind: str, path: Path) -> Path:
    target = path / f"{kind}.pdf"
    if kind == "not_pdf":
        target.write_text("Báo cáo số 12/BC-TCT\n", encoding="utf-8")
    elif kind == "empty":
        target.write_bytes(b"")
    elif kind == "truncated":
        data = GOV.read_bytes()
        target.write_bytes(data[: len(data) // 2])
    elif kind == "encrypted":
        encrypted_pdf(target)
    elif kind == "missing":
        pass
    elif kind == "directory":
        target.mkdir()
    return target


@pytest.mark.parametrize(
    ("kind", "code", "reason"),
    [
        ("not_pdf", ExitCode.NOT_A_PDF, "not a PDF"),
        ("empty", ExitCode.EMPTY_FILE, "empty"),
        ("truncated", ExitCode.DAMAGED_PDF, "truncated"),
        ("encrypted", ExitCode.ENCRYPTED_PDF, "password"),
        ("missing", ExitCode.FILE_NOT_FOUND, "no such file"),
        ("directory", ExitCode.UNREADABLE, "not a regular file"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path: Path, kind: str, code: ExitCode, reason: str) -> None:
    path = make_bad(kind, tmp_path)
    before = path.read_bytes() if path.is_file() else None
    result = run("extract", str(path))
    assert result.returncode == code
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and reason in lines[0]
    assert "Traceback" not in result.stderr
    if before is not None:
        assert path.read_bytes() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    path.write_bytes(GOV.read_bytes())
    path.chmod(0)
    result = run("extract", str(path))
    assert result.returncode == ExitCode.UNREADABLE


def test_broken_pattern_file_names_file_and_entry(tmp_path: Path) -> None:
    patterns = tmp_path / "patterns"
    shutil.copytree(SAMPLES.parent / "patterns", patterns)
    regex_file = patterns / "regex.toml"
    regex_file.write_text(
        regex_file.read_text(encoding="utf-8").replace("figure = '''", "figure = '''(?P<broken", 1),
        encoding="utf-8",
    )
    result = run("extract", str(GOV), "--patterns", str(patterns))
    assert result.returncode == ExitCode.PATTERN_ERROR
    assert "regex.toml" in result.stderr and "figure" in result.stderr
    assert "Traceback" not in result.stderr


def test_output_file_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "record.json"
    result = run("extract", str(GOV), "-o", str(target), "--compact")
    assert result.returncode == 0
    assert json.loads(target.read_text(encoding="utf-8"))["document"]["type"]["value"] == "Báo cáo"
    assert [p.name for p in target.parent.iterdir()] == ["record.json"]


def test_inputs_are_never_modified(tmp_path: Path) -> None:
    before = GOV.read_bytes()
    assert run("extract", str(GOV)).returncode == 0
    assert GOV.read_bytes() == before


def test_usage_error_exit_code() -> None:
    assert run("extract").returncode == ExitCode.USAGE
    assert run("extract", str(GOV), "--review-threshold", "3").returncode == ExitCode.USAGE


def test_a_reader_that_goes_away_is_no_error():
    """``extractor schema | head -1``: the pipe closes early; no traceback, the shell's 141."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "extractor", "schema"],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        )
    finally:
        os.close(writer)
    assert done.returncode == ExitCode.BROKEN_PIPE
    assert done.stderr == ""
