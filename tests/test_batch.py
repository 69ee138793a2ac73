"""``extractor batch`` end to end, through the command line in subprocesses.

Archives are built in tmp folders from the committed samples (born-digital ones, and one-page
scans: OCR costs about a second a page) and the bad files of ``tests.bad_pdfs``. Faults inside
workers come from the OCR plug-ins of ``tests.fault_engines`` (``--ocr-engine
tests.fault_engines:Class``), importable in the spawned workers because ``PYTHONPATH`` names the
repository root. Runs whose outputs several tests read are module fixtures; a test that re-runs
works on a copy of the output folder.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from extractor.errors import ExitCode
from tests.bad_pdfs import (
    vanish_env,
    write_bad_files,
    write_black_page,
    write_dangling_link,
    write_directory,
    write_encrypted,
    write_fifo,
    write_locked,
    write_not_a_pdf,
)
from tests.conftest import ROOT, SAMPLES
from tests.fault_engines import LOG_ENV

GOV = SAMPLES / "gov-12-BC-TCT.pdf"  # 2 pages, born-digital
CV = SAMPLES / "cv-85-TCT-DT.pdf"  # 1 page, born-digital
KH = SAMPLES / "kh-07-KH-HVCB.pdf"  # 2 pages, born-digital
TB_SCAN = SAMPLES / "tb-15-TB-TCT-scan.pdf"  # 1 page, image only
SEED_SCAN = SAMPLES / "seed-51-BC-CTD-scan.pdf"  # 8 pages, image only: only single pages of it here

ENGINES = "tests.fault_engines"
REASONS = {
    "not_found",
    "not_a_pdf",
    "empty_file",
    "damaged_pdf",
    "encrypted_pdf",
    "no_pages",
    "unreadable",
    "page_too_large",
    "page_timeout",
    "ocr_failed",
    "resource_limit",
    "worker_crashed",
    "internal",
}
SUMMARY_KEYS = {
    "files",
    "done",
    "skipped",
    "failed",
    "pages",
    "ocr_pages",
    "failures_by_reason",
    "low_confidence",
    "wall_seconds",
    "pages_per_second",
    "workers",
}
TIMEOUT = 300
HEX64 = re.compile(r"[0-9a-f]{64}")


# --- running the command -------------------------------------------------------------------


def batch_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.setdefault("OMP_THREAD_LIMIT", "1")
    env.pop(LOG_ENV, None)
    env.update(extra)
    return env


def batch_command(archive: Path, out: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "extractor", "batch", str(archive), "-o", str(out), *args]


@dataclass
class Run:
    archive: Path
    out: Path
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def explain(self) -> str:
        return f"exit {self.returncode}\n--- stdout\n{self.stdout[-3000:]}\n--- stderr\n{self.stderr[-3000:]}"


def run_batch(
    archive: Path,
    out: Path,
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = TIMEOUT,
) -> Run:
    start = time.monotonic()
    done = subprocess.run(
        batch_command(archive, out, *args),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env or batch_env(),
        cwd=cwd or out.parent,
    )
    return Run(archive, out, done.returncode, done.stdout, done.stderr, time.monotonic() - start)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "extractor", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=batch_env(),
        cwd=cwd,
    )


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds:g} s waiting for {what}")
        time.sleep(0.05)


# --- archives ------------------------------------------------------------------------------


def copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def single_page(source: Path, index: int, target: Path) -> Path:
    """Page ``index`` (0-based) of ``source`` as a PDF of its own."""
    import pypdfium2 as pdfium

    target.parent.mkdir(parents=True, exist_ok=True)
    original = pdfium.PdfDocument(source)
    built = pdfium.PdfDocument.new()
    try:
        built.import_pages(original, [index])
        built.save(target)
    finally:
        built.close()
        original.close()
    return target


NESTED = "Thư mục 2023/Quý I/Báo cáo tổng kết.PDF"
"""A nested folder, letters with diacritics, spaces and an upper-case extension."""


def build_good_archive(archive: Path) -> list[str]:
    """Three good PDFs (4 pages, 1 of them scanned) and a link out of the tree; their relative paths."""
    copy(GOV, archive / "gov-12-BC-TCT.pdf")
    copy(CV, archive / NESTED)
    copy(TB_SCAN, archive / "scans" / "tb-15-TB-TCT-scan.pdf")
    (archive / "outside.pdf").symlink_to(KH)  # out of the tree: never read
    return sorted(["gov-12-BC-TCT.pdf", NESTED, "scans/tb-15-TB-TCT-scan.pdf"])


# --- reading the outputs -------------------------------------------------------------------


def read_jsonl(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    assert text == "" or text.endswith("\n"), f"{path.name} does not end with a newline"
    return [json.loads(line) for line in text.splitlines()]


def record_file(out: Path, relative: str) -> Path:
    return out / Path(relative).with_suffix(".json")


@dataclass
class Outputs:
    results: list[dict]
    errors: list[dict]
    summary: dict

    @property
    def done(self) -> list[str]:
        return [record["source"]["file"] for record in self.results]

    @property
    def failed(self) -> dict[str, str]:
        return {error["file"]: error["error"] for error in self.errors}

    def record(self, relative: str) -> dict:
        return next(record for record in self.results if record["source"]["file"] == relative)


def outputs(out: Path) -> Outputs:
    return Outputs(
        read_jsonl(out / "results.jsonl"),
        read_jsonl(out / "errors.jsonl"),
        json.loads((out / "summary.json").read_text(encoding="utf-8")),
    )


def validator() -> Draft202012Validator:
    from extractor.record import schema

    return Draft202012Validator(schema())


def check_outputs(out: Path, files: list[str], fresh: bool = False) -> Outputs:
    """Everything the contract says of a finished OUT_DIR for an archive of ``files``."""
    found = outputs(out)
    done, failed = found.done, [error["file"] for error in found.errors]
    assert done == sorted(done), "results.jsonl is not in relative-path order"
    assert len(set(done)) == len(done), f"a file twice in results.jsonl: {done}"
    assert len(set(failed)) == len(failed), f"a file twice in errors.jsonl: {failed}"
    assert not set(done) & set(failed), f"files both done and failed: {set(done) & set(failed)}"
    assert sorted(done + failed) == sorted(files), "results.jsonl + errors.jsonl are not the archive's files"
    schema = validator()
    for record in found.results:
        schema.validate(record)
        path = record_file(out, record["source"]["file"])
        assert path.is_file(), f"no record file {path.relative_to(out)}"
        assert json.loads(path.read_text(encoding="utf-8")) == record, f"{path} differs from its results.jsonl line"
    for relative in failed:
        assert not record_file(out, relative).exists(), f"a failed file has a record: {relative}"
    for error in found.errors:
        assert {"file", "sha256", "error", "message"} <= error.keys(), error
        assert error["error"] in REASONS, error
        assert error["sha256"] is None or HEX64.fullmatch(error["sha256"]), error
        assert isinstance(error["message"], str) and error["message"], error
    for path in out.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
    assert not [p for p in out.rglob("*.tmp")], f"temporary files left: {list(out.rglob('*.tmp'))}"
    summary = found.summary
    assert summary.keys() >= SUMMARY_KEYS, f"summary lacks {SUMMARY_KEYS - summary.keys()}"
    assert summary["files"] == len(files)
    assert summary["done"] == len(done) and summary["failed"] == len(failed), summary
    assert summary["failures_by_reason"] == dict(collections.Counter(found.failed.values())), summary
    assert 0 <= summary["skipped"] <= len(files)
    assert summary["wall_seconds"] >= 0 and summary["pages_per_second"] >= 0 and summary["workers"] >= 1
    if fresh:
        assert summary["skipped"] == 0, summary
        assert summary["pages"] == sum(r["source"]["pages"] for r in found.results), summary
        assert summary["ocr_pages"] == sum(r["source"]["text_source"].count("ocr") for r in found.results), summary
        assert summary["low_confidence"] == sum(len(r["review"]) for r in found.results), summary
    return found


def store_rows(out: Path, table: str) -> int:
    connection = sqlite3.connect(f"file:{out / 'store.sqlite'}?mode=ro", uri=True)
    try:
        return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        connection.close()


def ocr_calls(log: Path) -> int:
    return len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0


def snapshot(out: Path) -> dict[str, bytes]:
    """The bytes of every record and line file (not summary.json: its wall time changes)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.suffix in (".json", ".jsonl") and p.name != "summary.json"
    }


# --- a good archive, run once --------------------------------------------------------------


@dataclass
class GoodRun:
    run: Run
    files: list[str]
    log: Path


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> GoodRun:
    """Three good files with ``--quiet``, Tesseract through the logging plug-in (same words)."""
    folder = tmp_path_factory.mktemp("good")
    files = build_good_archive(folder / "archive")
    log = folder / "ocr.log"
    return GoodRun(logged_batch(folder / "archive", folder / "out", log=log), files, log)


def logged_batch(archive: Path, out: Path, *args: str, log: Path) -> Run:
    """Two workers, quiet, every OCR call logged by the plug-in (same words as Tesseract)."""
    return run_batch(
        archive,
        out,
        "--workers",
        "2",
        "--quiet",
        "--ocr-engine",
        f"{ENGINES}:LoggingTesseract",
        *args,
        env=batch_env(**{LOG_ENV: str(log)}),
    )


def copy_out(good: GoodRun, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(good.run.out, out, symlinks=True)
    return out


def rerun_good(good: GoodRun, out: Path, *args: str, log: Path, archive: Path | None = None) -> Run:
    return logged_batch(archive or good.run.archive, out, *args, log=log)


def test_good_archive_outputs(good: GoodRun) -> None:
    run = good.run
    assert run.returncode == ExitCode.OK, run.explain()
    found = check_outputs(run.out, good.files, fresh=True)
    assert found.done == good.files and found.errors == []
    assert found.summary["pages"] == 4 and found.summary["ocr_pages"] == 1
    assert found.summary["workers"] == 2
    assert found.record("gov-12-BC-TCT.pdf")["document"]["number"]["value"] == "12/BC-TCT"
    assert found.record("scans/tb-15-TB-TCT-scan.pdf")["source"]["text_source"] == ["ocr"]
    assert (run.out / "errors.jsonl").read_text(encoding="utf-8") == ""
    assert ocr_calls(good.log) == 1, "the scanned page should be OCRed exactly once"
    connection = sqlite3.connect(f"file:{run.out / 'store.sqlite'}?mode=ro", uri=True)
    try:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        connection.close()
    assert {"files", "documents", "ocr_pages"} <= tables
    assert store_rows(run.out, "files") == 3 and store_rows(run.out, "ocr_pages") == 1


def test_record_paths_mirror_the_archive(good: GoodRun) -> None:
    out = good.run.out
    assert (out / "Thư mục 2023" / "Quý I" / "Báo cáo tổng kết.json").is_file()
    assert (out / "scans" / "tb-15-TB-TCT-scan.json").is_file()
    assert (out / "gov-12-BC-TCT.json").is_file()
    assert not (out / "outside.json").exists(), "a link out of the archive was followed"
    records = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json") if p.name != "summary.json")
    assert records == sorted(Path(f).with_suffix(".json").as_posix() for f in good.files)
    assert outputs(out).record(NESTED)["document"]["number"]["value"]


def test_quiet_prints_nothing(good: GoodRun) -> None:
    assert good.run.returncode == ExitCode.OK, good.run.explain()
    assert good.run.stdout == "" and good.run.stderr == ""


def test_rerun_skips_everything(good: GoodRun, tmp_path: Path) -> None:
    out = copy_out(good, tmp_path)
    before = snapshot(out)
    log = tmp_path / "ocr.log"
    run = rerun_good(good, out, log=log)
    assert run.returncode == ExitCode.OK, run.explain()
    found = check_outputs(out, good.files)
    assert found.summary["skipped"] == 3 and found.summary["done"] == 3, found.summary
    assert found.summary["wall_seconds"] < 5, found.summary
    assert ocr_calls(log) == 0
    assert snapshot(out) == before, "a skipped file's outputs changed"


def test_force_redoes_everything(good: GoodRun, tmp_path: Path) -> None:
    out = copy_out(good, tmp_path)
    before = outputs(out).results
    run = rerun_good(good, out, "--force", log=tmp_path / "ocr.log")
    assert run.returncode == ExitCode.OK, run.explain()
    found = check_outputs(out, good.files)
    assert found.summary["skipped"] == 0, found.summary
    assert found.results == before


def test_changed_file_is_redone(good: GoodRun, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(good.run.archive, archive, symlinks=True)  # copy2 keeps sizes and times
    out = copy_out(good, tmp_path)
    (archive / "gov-12-BC-TCT.pdf").write_bytes(KH.read_bytes())
    log = tmp_path / "ocr.log"
    run = rerun_good(good, out, log=log, archive=archive)
    assert run.returncode == ExitCode.OK, run.explain()
    found = check_outputs(out, good.files)
    assert found.summary["skipped"] == 2, found.summary
    changed = found.record("gov-12-BC-TCT.pdf")
    assert changed["document"]["number"]["value"] != "12/BC-TCT"
    assert changed["source"]["sha256"] == hashlib.sha256(KH.read_bytes()).hexdigest()
    assert json.loads((out / "gov-12-BC-TCT.json").read_text(encoding="utf-8")) == changed
    assert ocr_calls(log) == 0


def test_patterns_change_reextracts_without_ocr(good: GoodRun, tmp_path: Path) -> None:
    out = copy_out(good, tmp_path)
    before = outputs(out).results
    patterns = tmp_path / "patterns"
    shutil.copytree(ROOT / "patterns", patterns)
    with (patterns / "capitalised.txt").open("a", encoding="utf-8") as stream:
        stream.write("# a comment: the patterns change, what they find does not\n")
    ocr_rows = store_rows(out, "ocr_pages")
    log = tmp_path / "ocr.log"
    run = rerun_good(good, out, "--patterns", str(patterns), log=log)
    assert run.returncode == ExitCode.OK, run.explain()
    found = check_outputs(out, good.files)
    assert found.summary["skipped"] == 0, f"documents not re-extracted: {found.summary}"
    assert ocr_calls(log) == 0, "Tesseract ran again: the OCR cache was not used"
    assert store_rows(out, "ocr_pages") == ocr_rows
    assert found.results == before


def test_dask_executor_gives_the_same_records(good: GoodRun, tmp_path: Path) -> None:
    from distributed import LocalCluster

    out = tmp_path / "out"
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        run = run_batch(
            good.run.archive,
            out,
            "--executor",
            "dask",
            "--scheduler",
            cluster.scheduler_address,
            "--quiet",
            env=batch_env(),
        )
    assert run.returncode == ExitCode.OK, run.explain()
    found = check_outputs(out, good.files, fresh=True)
    local = read_jsonl(good.run.out / "results.jsonl")
    assert len(found.results) == len(local)
    for dask_record, local_record in zip(found.results, local, strict=True):
        assert dask_record == local_record


# --- bad files -----------------------------------------------------------------------------


@dataclass
class BadRun:
    run: Run
    files: list[str]
    expected: dict[str, str]


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> BadRun:
    """Two good files (one scanned) among every bad kind, progress to a pipe (not a terminal)."""
    folder = tmp_path_factory.mktemp("bad")
    archive = folder / "archive"
    good_files = [
        copy(GOV, archive / "gov-12-BC-TCT.pdf"),
        copy(TB_SCAN, archive / "scan" / "tb-15-TB-TCT-scan.pdf"),
    ]
    expected = {f"bad/{name}": reason for name, reason in write_bad_files(archive / "bad").items()}
    write_dangling_link(archive / "bad", "moved-away.pdf")
    expected["bad/moved-away.pdf"] = "not_found"
    files = sorted([p.relative_to(archive).as_posix() for p in good_files] + list(expected))
    run = run_batch(archive, folder / "out", "--workers", "2", "--worker-memory", "1024")
    return BadRun(run, files, expected)


def test_bad_files_fail_with_their_reason_and_the_rest_is_done(bad: BadRun) -> None:
    assert bad.run.returncode == ExitCode.SOME_FAILED, bad.run.explain()
    found = check_outputs(bad.run.out, bad.files, fresh=True)
    assert found.done == ["gov-12-BC-TCT.pdf", "scan/tb-15-TB-TCT-scan.pdf"]
    assert found.failed == bad.expected, bad.run.explain()
    assert found.summary["failures_by_reason"]["resource_limit"] == 1
    assert "Traceback" not in bad.run.stderr


def test_progress_to_a_pipe_is_plain_lines(bad: BadRun) -> None:
    stderr = bad.run.stderr
    assert stderr.strip(), "no progress at all on stderr"
    assert "\x1b" not in stderr and "\r" not in stderr, repr(stderr[:500])
    assert "\x1b" not in bad.run.stdout


def test_rerun_keeps_failures_and_retry_failed_retries_them(bad: BadRun, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(bad.run.out, out)
    before = outputs(out)
    run = run_batch(bad.run.archive, out, "--workers", "2", "--worker-memory", "1024", "--quiet")
    assert run.returncode == ExitCode.SOME_FAILED, run.explain()
    found = check_outputs(out, bad.files)
    assert found.summary["skipped"] == len(bad.files), found.summary
    assert found.results == before.results and found.failed == before.failed
    run = run_batch(bad.run.archive, out, "--workers", "2", "--worker-memory", "1024", "--quiet", "--retry-failed")
    assert run.returncode == ExitCode.SOME_FAILED, run.explain()
    found = check_outputs(out, bad.files)
    assert found.summary["skipped"] == 2, f"failed files not retried: {found.summary}"
    assert found.failed == bad.expected


def test_fifo_named_pdf_is_unreadable(tmp_path: Path) -> None:
    """A named pipe is listed like a file; opening it to read would block for ever."""
    archive = tmp_path / "archive"
    copy(CV, archive / "cv-85-TCT-DT.pdf")
    write_fifo(archive, "pipe.pdf")
    run = run_batch(archive, tmp_path / "out", "--workers", "2", timeout=120)
    assert run.returncode == ExitCode.SOME_FAILED, run.explain()
    found = check_outputs(run.out, ["cv-85-TCT-DT.pdf", "pipe.pdf"])
    assert found.failed == {"pipe.pdf": "unreadable"}


def test_directory_named_pdf_is_unreadable(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    copy(CV, archive / "cv-85-TCT-DT.pdf")
    write_directory(archive, "x.pdf")
    copy(GOV, archive / "x.pdf" / "inside.pdf")
    run = run_batch(archive, tmp_path / "out", "--workers", "2")
    assert run.returncode == ExitCode.SOME_FAILED, run.explain()
    found = check_outputs(run.out, ["cv-85-TCT-DT.pdf", "x.pdf", "x.pdf/inside.pdf"])
    assert found.failed == {"x.pdf": "unreadable"}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_file_without_permissions_is_unreadable(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    copy(CV, archive / "cv-85-TCT-DT.pdf")
    write_locked(archive, "locked.pdf")
    run = run_batch(archive, tmp_path / "out", "--workers", "2")
    assert run.returncode == ExitCode.SOME_FAILED, run.explain()
    assert check_outputs(run.out, ["cv-85-TCT-DT.pdf", "locked.pdf"]).failed == {"locked.pdf": "unreadable"}


def test_files_vanishing_mid_run_and_a_failing_engine(tmp_path: Path) -> None:
    """``VanishOnFirstPage`` deletes ``z-vanishes.pdf`` while the first scan is OCRed: listed, then
    gone before its turn (one worker, path order). It also raises on the black page."""
    archive = tmp_path / "archive"
    copy(TB_SCAN, archive / "a-scan.pdf")
    copy(GOV, archive / "b-gov.pdf")
    write_black_page(archive, "c-black.pdf")
    copy(CV, archive / "d-cv.pdf")
    vanishing = copy(KH, archive / "z-vanishes.pdf")
    files = ["a-scan.pdf", "b-gov.pdf", "c-black.pdf", "d-cv.pdf", "z-vanishes.pdf"]
    env = batch_env(**vanish_env(vanishing))
    run = run_batch(
        archive, tmp_path / "out", "--workers", "1", "--ocr-engine", f"{ENGINES}:VanishOnFirstPage", env=env
    )
    assert not vanishing.exists()
    assert run.returncode == ExitCode.SOME_FAILED, run.explain()
    found = check_outputs(run.out, files, fresh=True)
    assert found.failed == {"c-black.pdf": "ocr_failed", "z-vanishes.pdf": "not_found"}, run.explain()
    assert next(e for e in found.errors if e["file"] == "z-vanishes.pdf")["sha256"] is None


def test_hung_page_times_out_and_the_batch_finishes(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    write_black_page(archive, "black.pdf")
    copy(GOV, archive / "gov-12-BC-TCT.pdf")
    page_timeout = 5
    run = run_batch(
        archive,
        tmp_path / "out",
        "--workers",
        "2",
        "--page-timeout",
        str(page_timeout),
        "--ocr-engine",
        f"{ENGINES}:HangOnDarkPages",
    )
    assert run.returncode == ExitCode.SOME_FAILED, run.explain()
    found = check_outputs(run.out, ["black.pdf", "gov-12-BC-TCT.pdf"])
    assert found.failed == {"black.pdf": "page_timeout"}
    # start-up and the other file take a few seconds; a hung page may take page_timeout plus
    # the rendering and engine start-up of its task, not several times the timeout asked for
    assert run.seconds < page_timeout + 25, f"the hung page held the batch {run.seconds:.1f} s"


def test_worker_crash_fails_one_file_only(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    write_black_page(archive, "black.pdf")
    copy(GOV, archive / "gov-12-BC-TCT.pdf")
    copy(TB_SCAN, archive / "tb-15-TB-TCT-scan.pdf")
    run = run_batch(archive, tmp_path / "out", "--workers", "2", "--ocr-engine", f"{ENGINES}:CrashOnDarkPages")
    assert run.returncode == ExitCode.SOME_FAILED, run.explain()
    found = check_outputs(run.out, ["black.pdf", "gov-12-BC-TCT.pdf", "tb-15-TB-TCT-scan.pdf"], fresh=True)
    assert found.failed == {"black.pdf": "worker_crashed"}
    assert found.record("tb-15-TB-TCT-scan.pdf")["source"]["text_source"] == ["ocr"]


def test_unexpected_exception_is_internal_and_the_batch_goes_on(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    write_black_page(archive, "black.pdf")
    copy(CV, archive / "cv-85-TCT-DT.pdf")
    run = run_batch(archive, tmp_path / "out", "--workers", "2", "--ocr-engine", f"{ENGINES}:BugOnDarkPages")
    assert run.returncode == ExitCode.SOME_FAILED, run.explain()
    found = check_outputs(run.out, ["black.pdf", "cv-85-TCT-DT.pdf"], fresh=True)
    assert found.failed == {"black.pdf": "internal"}
    assert "Traceback" not in run.stderr


# --- kill -9 -------------------------------------------------------------------------------


def test_kill_9_then_rerun_finishes_every_file_once(tmp_path: Path) -> None:
    archive, out = tmp_path / "archive", tmp_path / "out"
    copy(GOV, archive / "a-gov.pdf")
    copy(CV, archive / "b-cv.pdf")
    copy(KH, archive / "sub" / "c-kh.pdf")
    copy(TB_SCAN, archive / "sub" / "d-scan.pdf")
    single_page(SEED_SCAN, 0, archive / "e-scan-p1.pdf")
    single_page(SEED_SCAN, 1, archive / "e-scan-p2.pdf")
    write_encrypted(archive, "x-encrypted.pdf")
    write_not_a_pdf(archive, "y-not-a-pdf.pdf")
    good = ["a-gov.pdf", "b-cv.pdf", "e-scan-p1.pdf", "e-scan-p2.pdf", "sub/c-kh.pdf", "sub/d-scan.pdf"]
    bad = {"x-encrypted.pdf": "encrypted_pdf", "y-not-a-pdf.pdf": "not_a_pdf"}
    files = sorted(good + list(bad))

    def records() -> list[Path]:
        return [p for p in out.rglob("*.json") if p.name != "summary.json"] if out.exists() else []

    def run_until_killed(records_wanted: int) -> None:
        """Start the batch (one worker) and SIGKILL it and its workers once ``records_wanted``
        record files exist."""
        process = subprocess.Popen(
            batch_command(archive, out, "--workers", "1"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=batch_env(),
            cwd=tmp_path,
            start_new_session=True,
        )
        try:
            wait_for(
                lambda: len(records()) >= records_wanted or process.poll() is not None,
                300,
                f"{records_wanted} record files",
            )
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # the batch and its workers
            process.wait(timeout=60)
        assert process.returncode == -signal.SIGKILL, f"the batch ended by itself (exit {process.returncode})"

    run_until_killed(1)
    first_kill = len(records())
    run_until_killed(first_kill + 1)  # a re-run, killed in turn
    done_before_kill = len(records())
    assert done_before_kill < len(good), "everything was done before the kill: nothing left to test"
    # what a kill in the middle of writing a record or a line file leaves behind
    (out / ".a-gov.json.k9k9k9.tmp").write_text('{"schema_version": "1', encoding="utf-8")
    (out / "sub").mkdir(exist_ok=True)
    (out / "sub" / ".c-kh.json.k9k9k9.tmp").write_text("", encoding="utf-8")
    (out / ".results.jsonl.k9k9k9.tmp").write_text('{"source": ', encoding="utf-8")
    (out / ".export.k9k9k9.tmp").mkdir()  # a killed CSV export's folder
    (out / ".export.k9k9k9.tmp" / "documents.csv").write_text("document_id\n", encoding="utf-8")

    run = run_batch(archive, out, "--workers", "2")
    assert run.returncode == ExitCode.SOME_FAILED, run.explain()
    found = check_outputs(out, files)
    assert found.done == good
    assert found.failed == bad
    assert found.summary["skipped"] >= done_before_kill, found.summary
    assert found.summary["pages"] == sum(r["source"]["pages"] for r in found.results)
    assert store_rows(out, "files") == len(files)


# --- usage ---------------------------------------------------------------------------------


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    copy(CV, archive / "cv.pdf")
    not_a_dir = copy(CV, tmp_path / "single.pdf")
    cases = [
        ["batch"],
        ["batch", str(archive)],  # no -o
        ["batch", str(tmp_path / "no-such-dir"), "-o", str(tmp_path / "out-1")],
        ["batch", str(not_a_dir), "-o", str(tmp_path / "out-2")],
        ["batch", str(archive), "-o", str(archive / "out")],  # inside the archive
        ["batch", str(archive), "-o", str(tmp_path / "out-3"), "--workers", "0"],
        ["batch", str(archive), "-o", str(tmp_path / "out-4"), "--executor", "dask"],  # no --scheduler
        ["batch", str(archive), "-o", str(tmp_path / "out-5"), "--review-threshold", "2"],
    ]
    for args in cases:
        done = run_cli(*args, cwd=tmp_path)
        assert done.returncode == ExitCode.USAGE, (args, done.returncode, done.stderr)
        assert "Traceback" not in done.stderr and done.stderr.strip(), (args, done.stderr)
    for name in ("out-1", "out-2", "out-3", "out-4", "out-5"):
        assert not (tmp_path / name).exists(), f"a usage error wrote {name}"
    assert not (archive / "out").exists()


def test_help_lists_the_options(tmp_path: Path) -> None:
    done = run_cli("batch", "--help", cwd=tmp_path)
    assert done.returncode == 0
    for option in (
        "--workers",
        "--force",
        "--retry-failed",
        "--page-timeout",
        "--worker-memory",
        "--executor",
        "--scheduler",
        "--quiet",
        "--ocr-engine",
        "--dpi",
        "--review-threshold",
        "--patterns",
    ):
        assert option in done.stdout, option
