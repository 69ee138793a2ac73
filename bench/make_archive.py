"""A benchmark archive for ``extractor batch``: N PDFs of 1–8 pages, born-digital and scanned.

    .venv/bin/python bench/make_archive.py [--files 200] [--scan-share 0.25] [--seed 51] [--out DIR]

Pages come from the committed born-digital samples (pypdfium2 ``import_pages``). A scanned PDF
is made of those pages re-rendered at 300 dpi grey with ``samples/make_samples.py``'s scanner
(rotation, blur, noise, JPEG), each page with a noise seed, an angle and an offset of its own:
no two scanned pages are the same image, so the OCR cache of a batch cannot make a run look
faster than it is.

Everything is seeded per file (file ``i`` is the same whatever ``--files`` is, so a smaller
archive is a prefix of a bigger one). Layout: ``digital/NN/bc-IIII.pdf`` and
``scan/NN/bc-IIII.pdf`` (``NN`` = ``i // 50``), so ``OUT/scan`` is the scanned part on its own.
The archive is cached under ``--out`` (default ``/tmp/extractor-bench-archive-N``) with a
``manifest.json``; a second call with the same parameters returns at once.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import io
import json
import os
import random
import re
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
BORN_DIGITAL = (
    "seed-51-BC-CTD.pdf",
    "gov-12-BC-TCT.pdf",
    "table-03-BC-CTĐ.pdf",
    "cv-85-TCT-DT.pdf",
    "kh-07-KH-HVCB.pdf",
)
BUILDER_VERSION = 2
"""Bumped when what is built changes, so that cached archives are rebuilt."""
CREATION_DATE = re.compile(rb"/CreationDate\(D:(\d{14}[^)]*)\)")
FILE_ID = re.compile(rb"/ID\[<[0-9A-Fa-f]{32}><[0-9A-Fa-f]{32}>\]")
MAX_PAGES = 8
MAX_OFFSET_PT = 4.0
MAX_ANGLE = 0.6


@dataclass(frozen=True)
class Params:
    files: int
    scan_share: float
    seed: int
    version: int = BUILDER_VERSION


@dataclass(frozen=True)
class Entry:
    index: int
    path: str
    """Relative to the archive, POSIX."""
    scanned: bool
    pages: int
    sources: list[tuple[str, int]]
    """(sample file name, 0-based page) of each page."""


@dataclass(frozen=True)
class Manifest:
    root: Path
    params: Params
    entries: list[Entry]

    @property
    def pages(self) -> int:
        return sum(entry.pages for entry in self.entries)

    def part(self, scanned: bool) -> list[Entry]:
        return [entry for entry in self.entries if entry.scanned == scanned]


def page_pool() -> list[tuple[str, int]]:
    import pypdfium2 as pdfium

    pool = []
    for name in BORN_DIGITAL:
        document = pdfium.PdfDocument(SAMPLES / name)
        pool += [(name, index) for index in range(len(document))]
        document.close()
    return pool


def plan_entry(index: int, params: Params, pool: list[tuple[str, int]]) -> Entry:
    """File ``index``: seeded on its own, so the same in an archive of any size."""
    rng = random.Random(f"{params.seed}:{index}")
    scanned = rng.random() < params.scan_share
    pages = rng.randint(1, MAX_PAGES)
    first = (rng.choice(BORN_DIGITAL), 0)  # a document starts with a header page
    sources = [first] + [rng.choice(pool) for _ in range(pages - 1)]
    folder = "scan" if scanned else "digital"
    return Entry(index, f"{folder}/{index // 50:02d}/bc-{index:04d}.pdf", scanned, pages, sources)


def load_make_samples() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_samples", module)
    spec.loader.exec_module(module)
    return module


def build_entry(entry: Entry, params: Params, root: Path) -> None:
    target = root / entry.path
    target.parent.mkdir(parents=True, exist_ok=True)
    if entry.scanned:
        build_scanned(entry, params, target)
    else:
        build_born_digital(entry, target)


def build_born_digital(entry: Entry, target: Path) -> None:
    import pypdfium2 as pdfium

    built = pdfium.PdfDocument.new()
    opened: dict[str, pdfium.PdfDocument] = {}
    try:
        for name, index in entry.sources:
            if name not in opened:
                opened[name] = pdfium.PdfDocument(SAMPLES / name)
            built.import_pages(opened[name], [index])
        buffer = io.BytesIO()
        built.save(buffer)
    finally:
        built.close()
        for document in opened.values():
            document.close()
    target.write_bytes(fixed_metadata(buffer.getvalue(), entry))


def fixed_metadata(data: bytes, entry: Entry) -> bytes:
    """pdfium stamps a saved file with the clock and a random /ID: both replaced by values of the
    same length (the xref offsets stay right), so that two builds are byte-identical."""
    identifier = hashlib.md5(f"{entry.index}:{entry.sources}".encode()).hexdigest().upper().encode()
    data = CREATION_DATE.sub(lambda m: b"/CreationDate(D:20240101000000" + m.group(1)[14:] + b")", data)
    return FILE_ID.sub(b"/ID[<" + identifier + b"><" + identifier + b">]", data)


def build_scanned(entry: Entry, params: Params, target: Path) -> None:
    """Each page: make_samples' scanner with a seed, an angle and an offset of its own."""
    import numpy as np
    import pypdfium2 as pdfium
    from fpdf import FPDF

    samples = load_make_samples()
    out = FPDF(unit="pt", format="A4")
    samples.set_fixed_metadata(out, "Bản quét (benchmark)")
    out.set_auto_page_break(False)
    out.set_margin(0)
    opened: dict[str, pdfium.PdfDocument] = {}
    try:
        for number, (name, index) in enumerate(entry.sources):
            if name not in opened:
                opened[name] = pdfium.PdfDocument(SAMPLES / name)
            page = opened[name][index]
            width, height = page.get_size()
            local = random.Random(f"{params.seed}:{entry.index}:{number}")
            rng = np.random.default_rng(local.getrandbits(64))
            angle = local.uniform(-MAX_ANGLE, MAX_ANGLE)
            jpeg = samples.scan_page(page, angle, rng)
            page.close()
            dx, dy = local.uniform(-MAX_OFFSET_PT, MAX_OFFSET_PT), local.uniform(-MAX_OFFSET_PT, MAX_OFFSET_PT)
            out.add_page(format=(width, height))
            out.image(io.BytesIO(jpeg), x=dx, y=dy, w=width, h=height)
    finally:
        for document in opened.values():
            document.close()
    out.output(str(target))


def read_manifest(root: Path) -> Manifest | None:
    try:
        data = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        entries = [Entry(**{**e, "sources": [tuple(s) for s in e["sources"]]}) for e in data["entries"]]
        return Manifest(root, Params(**data["params"]), entries)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def default_out(files: int) -> Path:
    return Path(f"/tmp/extractor-bench-archive-{files}")


def build_archive(
    files: int = 200,
    scan_share: float = 0.25,
    seed: int = 51,
    out: Path | None = None,
    jobs: int | None = None,
    log: bool = True,
) -> Manifest:
    """The archive of ``files`` PDFs under ``out`` (built, or reused when already there)."""
    params = Params(files, scan_share, seed)
    root = (out or default_out(files)).resolve()
    cached = read_manifest(root)
    if cached and cached.params == params and all((root / e.path).is_file() for e in cached.entries):
        return cached
    pool = page_pool()
    entries = [plan_entry(index, params, pool) for index in range(files)]
    building = root.with_name(f"{root.name}.building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    start = time.perf_counter()
    workers = jobs or len(os.sched_getaffinity(0))
    # scanned files first: they are the slow ones, so the workers finish together
    order = sorted(entries, key=lambda e: (not e.scanned, -e.pages))
    with ProcessPoolExecutor(workers) as executor:
        for _ in executor.map(build_entry, order, [params] * len(order), [building] * len(order)):
            pass
    manifest = {"params": asdict(params), "entries": [asdict(e) for e in entries]}
    (building / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    shutil.rmtree(root, ignore_errors=True)
    building.rename(root)
    if log:
        scanned = [e for e in entries if e.scanned]
        print(
            f"[make_archive] {files} files, {sum(e.pages for e in entries)} pages"
            f" ({len(scanned)} scanned files, {sum(e.pages for e in scanned)} scanned pages)"
            f" built in {time.perf_counter() - start:.1f} s under {root}",
            file=sys.stderr,
        )
    return Manifest(root, params, entries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=200, help="PDFs in the archive (200)")
    parser.add_argument("--scan-share", type=float, default=0.25, help="share of scanned PDFs (0.25)")
    parser.add_argument("--seed", type=int, default=51)
    parser.add_argument("--out", type=Path, help="where to build it (/tmp/extractor-bench-archive-N)")
    parser.add_argument("--jobs", type=int, help="build processes (the number of cores)")
    args = parser.parse_args(argv)
    if args.files < 1 or not 0 <= args.scan_share <= 1:
        parser.error("--files must be positive and --scan-share between 0 and 1")
    manifest = build_archive(args.files, args.scan_share, args.seed, args.out, args.jobs)
    scanned = manifest.part(True)
    print(
        f"{manifest.root}: {len(manifest.entries)} files, {manifest.pages} pages;"
        f" scanned: {len(scanned)} files, {sum(e.pages for e in scanned)} pages"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
