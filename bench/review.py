"""How long a reviewer waits: the review app's pages over a small and a large batch store.

    .venv/bin/python bench/review.py [--documents 500] [--runs 15] [--json FILE]

A batch runs over two samples (a born-digital report and a one-page scan); for the large store
the records of that batch are copied under made-up content hashes until the store holds
``--documents`` documents (every copy with its review items, the same PDFs behind them). The
app is driven in-process through FastAPI's TestClient, so the figures are the server's own time
without a network. Baselines from the same run: reading every record from the store (what any
page over the whole batch costs at least) and pypdfium2 rendering the page alone (what a page
image costs at least). Median of ``--runs``. Targets: an item page (the wait between two items)
≤ 250 ms with the large store; a cached page image ≤ 20 ms. A measurement, not a test: it prints
PASS/FAIL beside the targets and always exits 0.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from figures import Baseline, Row, Target, section_lines, target_lines  # noqa: E402

SAMPLES = ("gov-12-BC-TCT.pdf", "tb-15-TB-TCT-scan.pdf")
ITEM_TARGET_MS = 250.0
CACHED_IMAGE_TARGET_MS = 20.0


def make_batch(root: Path) -> Path:
    archive, out = root / "archive", root / "out"
    archive.mkdir()
    for name in SAMPLES:
        shutil.copy(ROOT / "samples" / name, archive / name)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "extractor", "batch", str(archive), "-o", str(out), "--quiet", "--workers", "1"]
    subprocess.run([*command, "--review-threshold", "0.95"], check=True, env=env)
    return out


def enlarge(out: Path, documents: int) -> None:
    """Copies of the store's records under made-up hashes, each at a made-up path of its own."""
    with sqlite3.connect(out / "store.sqlite") as connection:
        files = connection.execute("SELECT * FROM files").fetchall()
        records = {row[0]: row for row in connection.execute("SELECT * FROM documents")}
        for copy in range(documents - len(files)):
            original = files[copy % len(files)]
            sha256 = hashlib.sha256(f"copy {copy}".encode()).hexdigest()
            document = records[original[3]]
            record = json.loads(document[3])
            record["source"]["sha256"] = sha256
            connection.execute(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (sha256, document[1], document[2], json.dumps(record, ensure_ascii=False), *document[4:]),
            )
            path = f"copies/{copy:05d}-{original[0]}"
            target = out.parent / "archive" / path
            target.parent.mkdir(exist_ok=True)
            shutil.copy2(out.parent / "archive" / original[0], target)
            stat = target.stat()
            row = (path, stat.st_size, stat.st_mtime_ns, sha256, *original[4:])
            connection.execute("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(out: Path, runs: int, section: str, label: str) -> list[Row]:
    from fastapi.testclient import TestClient

    from extractor.review.app import create_app
    from extractor.store import open_store
    from extractor.web import Guard

    guard = Guard(token=None, loopback=True)
    client = TestClient(create_app(out, guard, "bench"), base_url="http://localhost")
    store = open_store(out)
    _, record = next(iter(store.records()))
    sha = record["source"]["sha256"]
    documents = len({r["source"]["sha256"] for _, r in store.records()})
    item = record["review"][0]["path"]

    def get(url: str, **params: str) -> Callable[[], None]:
        def action() -> None:
            response = client.get(url, params=params)
            assert response.status_code == 200, (url, response.status_code)

        return action

    get("/")()  # loads the records and the consistency checks once
    read_all = median_ms(lambda: list(store.records()), runs)
    floor = Baseline(f"reading the {documents} records from the store", read_all)
    large = section == "large"
    item_ms = median_ms(get(f"/documents/{sha}/item", path=item), runs)
    rows = [
        Row(section, f"queue page, {label}", median_ms(get("/"), runs), "ms", [floor]),
        Row(section, f"item page, {label}", item_ms, "ms", [floor], Target(ITEM_TARGET_MS) if large else None),
        Row(section, f"document view, {label}", median_ms(get(f"/documents/{sha}"), runs), "ms"),
    ]
    store.close()
    return rows


def measure_images(out: Path, runs: int) -> list[Row]:
    import pypdfium2 as pdfium
    from fastapi.testclient import TestClient

    from extractor.review.app import create_app
    from extractor.review.images import CACHE_NAME, PAGE_DPI
    from extractor.store import open_store
    from extractor.web import Guard

    client = TestClient(create_app(out, Guard(None, True), "bench"), base_url="http://localhost")
    store = open_store(out)
    records = {path: record for path, record in store.records()}
    store.close()
    rows = []
    for name in SAMPLES:
        sha = records[name]["source"]["sha256"]
        pdf = out.parent / "archive" / name

        def cold(sha: str = sha) -> None:
            shutil.rmtree(out / CACHE_NAME, ignore_errors=True)
            assert client.get(f"/documents/{sha}/pages/1.png").status_code == 200

        def render_only(pdf: Path = pdf) -> None:
            document = pdfium.PdfDocument(pdf)
            document[0].render(scale=PAGE_DPI / 72).to_pil()
            document.close()

        floor = Baseline(f"pypdfium2 render at {PAGE_DPI} dpi alone", median_ms(render_only, runs))
        rows.append(Row("images", f"page image, first time, {name}", median_ms(cold, runs), "ms", [floor]))
        cached = median_ms(lambda sha=sha: client.get(f"/documents/{sha}/pages/1.png"), runs)
        rows.append(Row("images", f"page image, cached, {name}", cached, "ms", target=Target(CACHED_IMAGE_TARGET_MS)))
        params = {"path": records[name]["review"][0]["path"]}
        crop = median_ms(lambda sha=sha, params=params: client.get(f"/documents/{sha}/crop.png", params=params), runs)
        rows.append(Row("images", f"crop around a field (page cached), {name}", crop, "ms"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-review-") as folder:
        out = make_batch(Path(folder))
        rows = measure(out, args.runs, "small", f"{len(SAMPLES)} documents")
        rows += measure_images(out, args.runs)
        enlarge(out, args.documents)
        rows += measure(out, args.runs, "large", f"{args.documents} documents")
    titles = {
        "small": "Review pages, a small store",
        "images": "Page images",
        "large": f"Review pages, {args.documents} documents",
    }
    print("\n".join(section_lines(rows, titles, {}) + target_lines(rows)))
    if args.json:
        args.json.write_text(json.dumps([row.to_json() for row in rows], ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
