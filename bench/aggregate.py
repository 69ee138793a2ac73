"""Time of ``extractor aggregate`` over a store of 10 000 records.

    .venv/bin/python bench/aggregate.py [--records 10000] [--runs 3] [--json FILE]

The records are real: ``samples/make_report_archive.py`` builds its archive in a temporary
folder and ``extractor batch`` extracts it; each record is then replicated into a new store
as another document (its own sha256, number, a school of the gazetteer in place of each
school, its years moved), so that nothing collapses into duplicates and the aggregate has
thousands of rows, as an archive of many schools over many years would. Measured: the whole
command (``--json`` to a file, a new process each run, the fastest of ``--runs``), beside
reading the same records from the store alone, and the parts of the command in-process.
Target: ≤ 5 s. A measurement, not a test: it prints PASS/FAIL beside the target and exits 0.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ["OMP_THREAD_LIMIT"] = "1"

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from figures import Baseline, Row, Target, section_lines, target_lines  # noqa: E402

from extractor.patterns import load_patterns  # noqa: E402
from extractor.store import FileState, Store, open_store  # noqa: E402

TARGET_SECONDS = 5.0
YEARS = 30


def environment() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))


def run(*args: str) -> None:
    subprocess.run([sys.executable, *args], check=True, env=environment(), capture_output=True)


def base_records(work: Path) -> list[dict[str, Any]]:
    """The records of the generated archive, extracted by the batch."""
    archive, out = work / "archive", work / "out"
    run(str(ROOT / "samples" / "make_report_archive.py"), str(archive))
    run("-m", "extractor", "batch", str(archive), "-o", str(out), "--workers", "2", "--quiet")
    store = open_store(out)
    try:
        return [record for _, record in store.records()]
    finally:
        store.close()


class Replicator:
    """Copy ``n`` of a record: another document of other schools, some years later.

    Copy ``n`` moves the years by ``n % YEARS`` and gives the archive's schools the places of
    other schools of the gazetteer, a different set for each block of ``YEARS`` copies, so no
    two copies state the same fact."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        gazetteer = load_patterns().gazetteer
        self.schools = [s.name for s in gazetteer.schools if s.kind == "school" and s.valid_to is None]
        named = {f["school"] for r in records for f in r["figures"]} | {issuer(r) for r in records}
        self.base = sorted(name for name in named if name in self.schools)
        self.blocks = len(self.schools) // len(self.base)

    def school(self, name: str | None, n: int) -> str | None:
        if name not in self.base:
            return name
        block = (n // YEARS) % self.blocks
        return self.schools[block * len(self.base) + self.base.index(name)]

    def replicate(self, record: dict[str, Any], n: int) -> dict[str, Any]:
        copy = json.loads(json.dumps(record))
        shift = n % YEARS
        source = copy["source"]
        source["sha256"] = hashlib.sha256(f"{source['sha256']}:{n}".encode()).hexdigest()
        source["file"] = f"copy-{n}/{source['file']}"
        document = copy["document"]
        if document.get("issuer"):
            document["issuer"]["value"] = self.school(document["issuer"]["value"], n)
        if document.get("number"):
            document["number"]["value"] = f"{n}{document['number']['value']}"
        if document.get("date") and document["date"]["value"]:
            document["date"]["value"] = moved(document["date"]["value"], shift)
        for figure in copy["figures"]:
            figure["school"] = self.school(figure["school"], n)
            if figure["period"]:
                figure["period"] = moved(figure["period"], shift)
        return copy


def issuer(record: dict[str, Any]) -> str | None:
    field = record["document"].get("issuer")
    return field["value"] if field else None


def moved(text: str, years: int) -> str:
    """A date or period ``years`` later ("2023-H1" → "2025-H1", "2023-2024" → "2025-2026")."""
    return re.sub(r"\d{4}", lambda m: str(int(m.group()) + years), text)


def build_store(out: Path, records: list[dict[str, Any]], count: int) -> None:
    """A batch output folder holding ``count`` replicated records (one transaction for all)."""
    out.mkdir(parents=True, exist_ok=True)
    store = Store(out / "store.sqlite")
    replicator = Replicator(records)
    store.connection.execute("PRAGMA synchronous=OFF")
    try:
        for n in range(count):
            record = replicator.replicate(records[n % len(records)], n // len(records))
            sha256 = record["source"]["sha256"]
            state = FileState(f"{n:05d}.pdf", 1, 0, sha256, "done", None, None, "bench", "bench")
            store.save_done(state, record)
    finally:
        store.close()


def timed_command(out: Path, target: Path, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "extractor", "aggregate", str(out), "--json", "-o", str(target)],
            check=True,
            env=environment(),
        )
        best = min(best, time.perf_counter() - start)
    return best


def in_process_parts(out: Path) -> dict[str, float]:
    """Seconds of each part of the command: read (with corrections), aggregate, render JSON."""
    from extractor.aggregate import aggregate
    from extractor.aggregate_outputs import to_json
    from extractor.commands.aggregate import no_cyclic_collection, read_entries

    patterns = load_patterns()
    parts = {}
    with no_cyclic_collection():  # as the command does
        start = time.perf_counter()
        entries = read_entries(out)
        parts["read"] = time.perf_counter() - start
        start = time.perf_counter()
        result = aggregate(entries, patterns)
        parts["aggregate"] = time.perf_counter() - start
        start = time.perf_counter()
        to_json(result)
        parts["render"] = time.perf_counter() - start
    parts["rows"] = len(result.rows)
    parts["checks"] = len(result.checks)
    return parts


def read_only(out: Path) -> float:
    start = time.perf_counter()
    store = open_store(out)
    try:
        sum(1 for _ in store.records())
    finally:
        store.close()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, dest="json_path")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-aggregate-") as folder:
        work = Path(folder)
        start = time.perf_counter()
        records = base_records(work)
        built = time.perf_counter() - start
        big = work / "big"
        start = time.perf_counter()
        build_store(big, records, args.records)
        filled = time.perf_counter() - start
        command = timed_command(big, work / "aggregate.json", args.runs)
        reading = read_only(big)
        parts = in_process_parts(big)
    label = f"extractor aggregate --json, {args.records} records"
    rows = [
        Row(
            "command",
            label,
            command,
            "s",
            [Baseline("reading the records from the store, nothing else", reading)],
            Target(TARGET_SECONDS),
            note=f"{parts['rows']:.0f} rows, {parts['checks']:.0f} failed checks; fastest of {args.runs}",
        ),
        Row("parts", "read records (corrections applied)", parts["read"], "s"),
        Row("parts", "facts, duplicates, checks, totals", parts["aggregate"], "s"),
        Row("parts", "render JSON", parts["render"], "s"),
        Row("setup", f"archive generated and extracted ({len(records)} records)", built, "s"),
        Row("setup", f"store of {args.records} replicated records written", filled, "s"),
    ]
    titles = {"command": "Aggregate (whole command, new process)", "parts": "In-process parts", "setup": "Set-up"}
    print("\n".join(section_lines(rows, titles, {}) + target_lines(rows)))
    if args.json_path:
        args.json_path.write_text(json.dumps({"rows": [row.to_json() for row in rows]}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
