"""Batch output folders for the tests of the commands that read one (export, serve, review).

Built once per test module through the real ``extractor batch`` command; a test that writes
(corrections) works on its own copy (``copy_output``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from extractor.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
DUPLICATED = "gov-12-BC-TCT.pdf"
FILES = {
    f"cum/{DUPLICATED}": DUPLICATED,
    f"gui-lai/ban sao {DUPLICATED}": DUPLICATED,
    "cum/table-03-BC-CTĐ.pdf": "table-03-BC-CTĐ.pdf",
    "so-la/seed-51-BC-CTD.pdf": "seed-51-BC-CTD.pdf",
    "tcvn3-09-BC-TCT.pdf": "tcvn3-09-BC-TCT.pdf",
}
"""Archive path → sample: born-digital and legacy text layers (fast), signatures and a stamp."""


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.setdefault("OMP_THREAD_LIMIT", "1")
    return env


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "extractor", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=cli_env(),
    )


def build_batch_output(folder: Path, files: dict[str, str] = FILES, *options: str) -> Path:
    """``folder/archive`` with ``files`` (archive path → sample) and ``folder/out``, the batch's output of it."""
    archive = folder / "archive"
    for name, sample in files.items():
        (archive / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLES / sample, archive / name)
    out = folder / "out"
    done = run_cli("batch", str(archive), "-o", str(out), "--workers", "2", "--quiet", *options, timeout=300)
    assert done.returncode == 0, done.stderr
    return out


def samples_output(folder: Path, names: tuple[str, ...], *options: str) -> Path:
    """The batch output of the samples ``names``, each at its own name."""
    return build_batch_output(folder, {name: name for name in names}, *options)


def copy_output(out: Path, folder: Path) -> Path:
    """A fresh copy of a batch output, for a test that writes into it."""
    return Path(shutil.copytree(out, folder / "out"))


def stored_records(out: Path) -> dict[str, dict]:
    """Records by archive path, as the batch wrote them."""
    lines = (out / "results.jsonl").read_text(encoding="utf-8").splitlines()
    return {record["source"]["file"]: record for record in map(json.loads, lines)}


def without_file(record: dict) -> dict:
    """``record`` with ``source.file`` blanked: the same document read from another path compares equal."""
    return {**record, "source": {**record["source"], "file": None}}


def the_record(out: Path) -> dict:
    """The record of the first done file of a batch output (tests that hold one document)."""
    store = open_store(out)
    try:
        return next(record for _, record in store.records())
    finally:
        store.close()
