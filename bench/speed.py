"""Speed and memory of the extractor, each figure beside a baseline measured in the same run.

    .venv/bin/python bench/speed.py [--quick] [--pages N] [--only text,ocr,memory,help] [--json FILE]

Sections (``--only`` picks some):

- ``text``: a born-digital page → record, per page after start-up, on the 8-page seed and on a
  100-page PDF built from it; baselines pdftotext, pypdfium2 text, pdfplumber words; then where
  the time goes (ingest / layout / finders, with the spaCy components / record).
- ``ocr``: a scanned page → record with the tesserocr engine, against a minimal pipeline in the
  same process (pypdfium2 render + one loaded ``PyTessBaseAPI``); the ``cli`` engine and the
  ``tesseract`` program for reference; what the OCR stage's own steps cost: measuring the skew
  (every page), levelling a skewed page (``samples/gov-12-BC-TCT-skewed.pdf``), the colour
  drop-out of a colour scan (``samples/seed-51-BC-CTD-200dpi-stamp.pdf``).
- ``memory``: peak RSS of extracting the 100-page PDF in a fresh process, against a process that
  only imports pypdfium2 and spaCy and opens the file (and pdfplumber for scale).
- ``help``: wall time of ``extractor --help`` against ``python -c pass``.

It is a measurement, not a test: it prints PASS/FAIL beside each target and always exits 0.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from pypdfium2 import PdfDocument

    from extractor.extract import Extractor

# Tesseract reads this when its library loads: one thread, as in production (2 cores, workers).
os.environ["OMP_THREAD_LIMIT"] = "1"

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from figures import Baseline, Row, Target, section_lines, target_lines  # noqa: E402
from pdfs import page_count  # noqa: E402

TEXT_SAMPLE = ROOT / "samples" / "seed-51-BC-CTD.pdf"
SCAN_SAMPLE = ROOT / "samples" / "seed-51-BC-CTD-scan.pdf"
SKEWED_SAMPLE = ROOT / "samples" / "gov-12-BC-TCT-skewed.pdf"
COLOUR_SAMPLE = ROOT / "samples" / "seed-51-BC-CTD-200dpi-stamp.pdf"
TESSDATA = os.environ.get("TESSDATA_PREFIX") or "/usr/share/tesseract-ocr/5/tessdata"
OCR_DPI = 300
SECTIONS = ("text", "ocr", "memory", "help")

TARGET_TEXT_MS_PER_PAGE = 15.0
TARGET_OCR_RATIO = 1.10
TARGET_PEAK_MB = 200.0
TARGET_HELP_S = 0.5

T = TypeVar("T")


# --- figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Runs:
    """How often to repeat a timing: at least ``minimum``, then more while under ``budget_s``."""

    minimum: int
    maximum: int
    budget_s: float


@dataclass(frozen=True)
class Config:
    sections: tuple[str, ...]
    ocr_pages: int
    text_pages: int
    runs: Runs
    help_runs: int = 7


# --- timing helpers ------------------------------------------------------------------------


def timed(action: Callable[[], object]) -> float:
    """Seconds one call of ``action`` takes (after a garbage collection, so runs start even)."""
    gc.collect()
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def collect(sample: Callable[[], T], runs: Runs) -> list[T]:
    """``sample()`` repeated as ``runs`` allows."""
    results: list[T] = []
    start = time.perf_counter()
    while len(results) < runs.maximum and (len(results) < runs.minimum or time.perf_counter() - start < runs.budget_s):
        results.append(sample())
    return results


def per_page_ms(action: Callable[[Path], object], path: Path, pages: int, runs: Runs) -> float:
    """Median milliseconds per page of ``action(path)``."""
    return statistics.median(collect(lambda: timed(lambda: action(path)), runs)) * 1000 / pages


def run_quiet(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, check=True, capture_output=True, text=True)


# --- test files ----------------------------------------------------------------------------


def write_pages(source: Path, indices: list[int], target: Path) -> Path:
    """A new PDF made of the pages ``indices`` (0-based, repeats allowed) of ``source``."""
    import pypdfium2 as pdfium

    if target.exists():
        return target
    original = pdfium.PdfDocument(source)
    built = pdfium.PdfDocument.new()
    try:
        built.import_pages(original, indices)
        built.save(target)
    finally:
        built.close()
        original.close()
    return target


def repeated_pdf(source: Path, pages: int, workdir: Path) -> Path:
    """``pages`` pages made by importing the pages of ``source`` over and over."""
    count = page_count(source)
    return write_pages(source, [i % count for i in range(pages)], workdir / f"{source.stem}-x{pages}.pdf")


# --- machine -------------------------------------------------------------------------------


def first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError:
        return "not installed"
    return ((done.stdout or "") + (done.stderr or "")).strip().splitlines()[0]


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def tesserocr_library() -> str:
    try:
        import tesserocr
    except ImportError:
        return "not installed"
    return tesserocr.tesseract_version().splitlines()[0]


def machine() -> dict[str, str]:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": f"{cpu_model()}, {os.cpu_count()} cores ({usable} usable)",
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        "tesseract CLI": first_line(["tesseract", "--version"]),
        "tesserocr": f"{package_version('tesserocr')}, bundled lib{tesserocr_library()}",
        "pytesseract": package_version("pytesseract"),
        "pypdfium2": package_version("pypdfium2"),
        "spacy": package_version("spacy"),
        "pdfplumber": package_version("pdfplumber"),
        "pdftotext": first_line(["pdftotext", "-v"]),
        "OMP_THREAD_LIMIT": os.environ["OMP_THREAD_LIMIT"],
    }


# --- 1. text layer -------------------------------------------------------------------------


def pdfium_text(path: Path) -> None:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
    finally:
        document.close()


def pdftotext(path: Path) -> None:
    run_quiet(["pdftotext", "-enc", "UTF-8", str(path), "-"])


def pdfplumber_words(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_words()
            page.close()


def stage_times(extractor: Extractor, path: Path) -> dict[str, float]:
    """One pass of ``Extractor.extract``'s four stages, each timed on its own."""
    from extractor import __version__
    from extractor.finders import find_fields
    from extractor.ingest import read_document
    from extractor.layout import build_document_text
    from extractor.record import SourceInfo, build_record

    gc.collect()
    clock = [time.perf_counter()]

    def lap() -> None:
        clock.append(time.perf_counter())

    ingested = read_document(path, extractor.options.ingest, extractor.engine)
    lap()
    text = build_document_text(ingested.pages, extractor.patterns)
    lap()
    findings = find_fields(text, extractor.patterns)
    lap()
    source = SourceInfo(str(path), ingested.sha256, tuple(page.source for page in ingested.pages))
    build_record(source, findings, extractor.options.review_threshold, __version__)
    lap()
    names = ("ingest", "layout", "finders", "record")
    return {name: clock[i + 1] - clock[i] for i, name in enumerate(names)}


def spacy_times(extractor: Extractor, text: str) -> dict[str, float]:
    """The spaCy pipeline the finders run, component by component (tokenizer first)."""
    from extractor.nlp import pipeline_for

    nlp = pipeline_for(extractor.patterns)
    gc.collect()
    start = time.perf_counter()
    doc = nlp.make_doc(text)
    times = {"tokenizer": time.perf_counter() - start}
    for name, component in nlp.pipeline:
        start = time.perf_counter()
        doc = component(doc)
        times[name] = time.perf_counter() - start
    return times


def document_text(extractor: Extractor, path: Path) -> str:
    from extractor.ingest import read_document
    from extractor.layout import build_document_text

    ingested = read_document(path, extractor.options.ingest, extractor.engine)
    return build_document_text(ingested.pages, extractor.patterns).text


def medians(samples: list[dict[str, float]]) -> dict[str, float]:
    return {name: statistics.median(sample[name] for sample in samples) for name in samples[0]}


def text_rows(extractor: Extractor, path: Path, runs: Runs) -> list[Row]:
    pages = page_count(path)
    name = f"{pages} pp"
    ours = per_page_ms(extractor.extract, path, pages, runs)
    baselines = [
        Baseline(f"pypdfium2 get_text_range, {name}", per_page_ms(pdfium_text, path, pages, runs)),
        Baseline(f"pdftotext subprocess, whole file ÷ pages, {name}", per_page_ms(pdftotext, path, pages, runs)),
        Baseline(f"pdfplumber extract_words, {name}", per_page_ms(pdfplumber_words, path, pages, runs)),
    ]
    rows = [
        Row(
            "text",
            f"Extractor.extract, {name} ({path.name})",
            ours,
            "ms/page",
            baselines,
            Target(TARGET_TEXT_MS_PER_PAGE),
        ),
    ]
    return rows + breakdown_rows(extractor, path, pages, runs, ours)


def breakdown_rows(extractor: Extractor, path: Path, pages: int, runs: Runs, total_ms: float) -> list[Row]:
    stages = medians(collect(lambda: stage_times(extractor, path), runs))
    text = document_text(extractor, path)
    spacy = medians(collect(lambda: spacy_times(extractor, text), Runs(1, runs.maximum, runs.budget_s)))
    stage_sum = sum(stages.values())
    rows = []
    for stage, seconds in stages.items():
        share = f"{100 * seconds / stage_sum:.0f}% of the stage sum"
        rows.append(Row("text", f"  stage {stage}, {pages} pp", seconds * 1000 / pages, "ms/page", note=share))
        if stage == "finders":
            rows.extend(finder_rows(spacy, seconds, pages))
    note = f"Extractor.extract measured {total_ms:.1f} ms/page"
    rows.append(Row("text", f"  stage sum, {pages} pp", stage_sum * 1000 / pages, "ms/page", note=note))
    return rows


def finder_rows(spacy: dict[str, float], finders_s: float, pages: int) -> list[Row]:
    rows = [
        Row(
            "text",
            f"    finders › spaCy {name}, {pages} pp",
            seconds * 1000 / pages,
            "ms/page",
            note=f"{100 * seconds / finders_s:.0f}% of finders",
        )
        for name, seconds in spacy.items()
    ]
    rest = max(0.0, finders_s - sum(spacy.values()))
    rows.append(
        Row(
            "text",
            f"    finders › finder code (finders − spaCy), {pages} pp",
            rest * 1000 / pages,
            "ms/page",
            note=f"{100 * rest / finders_s:.0f}% of finders",
        )
    )
    return rows


def text_section(config: Config, workdir: Path) -> list[Row]:
    from extractor.extract import ExtractOptions, Extractor

    big = repeated_pdf(TEXT_SAMPLE, config.text_pages, workdir)
    extractor = Extractor(ExtractOptions())
    extractor.extract(TEXT_SAMPLE)  # warm-up: imports, patterns, spaCy pipeline, schema validator
    pdfplumber_words(TEXT_SAMPLE)
    pdfium_text(TEXT_SAMPLE)
    return text_rows(extractor, TEXT_SAMPLE, config.runs) + text_rows(extractor, big, config.runs)


# --- 2. OCR --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OcrTiming:
    render_s: float
    recognize_s: float
    words: int

    @property
    def total_s(self) -> float:
        return self.render_s + self.recognize_s


class MinimalOcr:
    """The least a scanned page needs: pypdfium2 render, raw bytes to one loaded Tesseract."""

    def __init__(self, tessdata: str) -> None:
        import tesserocr

        self.api = tesserocr.PyTessBaseAPI(path=tessdata, lang="vie")

    def page(self, document: PdfDocument, index: int) -> OcrTiming:
        gc.collect()
        start = time.perf_counter()
        page = document[index]
        bitmap = page.render(scale=OCR_DPI / 72, grayscale=True)
        pixels = bytes(bitmap.buffer)
        width, height, stride = bitmap.width, bitmap.height, bitmap.stride
        bitmap.close()
        page.close()
        rendered = time.perf_counter()
        self.api.SetImageBytes(pixels, width, height, 1, stride)
        self.api.SetSourceResolution(OCR_DPI)
        self.api.Recognize()
        tsv = self.api.GetTSVText(0)
        done = time.perf_counter()
        return OcrTiming(rendered - start, done - rendered, count_tsv_words(tsv))

    def close(self) -> None:
        self.api.End()


def count_tsv_words(tsv: str) -> int:
    return sum(1 for row in tsv.splitlines() if row.startswith("5\t") and row.split("\t")[-1].strip())


def ocr_extractor(engine: str) -> Extractor:
    from extractor.extract import ExtractOptions, Extractor
    from extractor.ingest import IngestOptions
    from extractor.ocr import OcrOptions

    return Extractor(ExtractOptions(ingest=IngestOptions(ocr=OcrOptions(dpi=OCR_DPI, engine=engine))))


def timed_extract(extractor: Extractor, path: Path) -> float:
    record: list[object] = []
    seconds = timed(lambda: record.append(extractor.extract(path)))
    sources = record[0].data["source"]["text_source"]
    if set(sources) != {"ocr"}:
        raise RuntimeError(f"{path.name} was not OCRed: {sources}")
    return seconds


def tesseract_cli(png: Path) -> float:
    command = [
        "tesseract",
        str(png),
        "-",
        "--psm",
        "3",
        "--dpi",
        str(OCR_DPI),
        "-l",
        "vie",
        "--tessdata-dir",
        TESSDATA,
        "tsv",
    ]
    return timed(lambda: run_quiet(command))


def page_png(document: PdfDocument, index: int, target: Path) -> Path:
    page = document[index]
    bitmap = page.render(scale=OCR_DPI / 72, grayscale=True)
    bitmap.to_pil().save(target, dpi=(OCR_DPI, OCR_DPI))
    bitmap.close()
    page.close()
    return target


def ocr_section(config: Config, workdir: Path) -> list[Row]:
    import pypdfium2 as pdfium

    count = min(config.ocr_pages, page_count(SCAN_SAMPLE))
    indices = list(range(count))
    singles = [write_pages(SCAN_SAMPLE, [i], workdir / f"scan-p{i + 1}.pdf") for i in indices]
    several = write_pages(SCAN_SAMPLE, indices, workdir / f"scan-first-{count}.pdf")
    document = pdfium.PdfDocument(SCAN_SAMPLE)
    minimal = MinimalOcr(TESSDATA)
    ours = ocr_extractor("tesserocr")
    try:
        minimal.page(document, 0)  # warm-up: first Recognize, page cache
        ours.extract(singles[0])  # warm-up: Tesseract load, patterns, spaCy
        minimal_runs: list[OcrTiming] = []
        ours_runs: list[float] = []
        for index in indices:  # interleaved, so drift hits both alike
            minimal_runs.append(minimal.page(document, index))
            ours_runs.append(timed_extract(ours, singles[index]))
        whole = timed_extract(ours, several)
        cli_extractor = ocr_extractor("cli")
        cli = [timed_extract(cli_extractor, path) for path in singles]
        pngs = [page_png(document, i, workdir / f"scan-p{i + 1}.png") for i in indices]
        program = [tesseract_cli(png) for png in pngs]
    finally:
        minimal.close()
        document.close()
    return ocr_rows(count, minimal_runs, ours_runs, whole, cli, program) + preprocessing_rows(config.runs)


def preprocessing_rows(runs: Runs) -> list[Row]:
    """Median cost of the OCR stage's steps before Tesseract, on page 1 of the samples they act on."""
    import pypdfium2 as pdfium

    from extractor.images import covering_marks, level_angle, rotate_by
    from extractor.ocr import render_grey, render_page

    def median_ms(action: Callable[[], object]) -> float:
        return statistics.median(collect(lambda: timed(action), runs)) * 1000

    images = {}
    for path in (SCAN_SAMPLE, SKEWED_SAMPLE, COLOUR_SAMPLE):
        document = pdfium.PdfDocument(path)
        images[path] = render_page(document[0], OCR_DPI)
        document.close()
    plain, skewed, colour = images[SCAN_SAMPLE], images[SKEWED_SAMPLE], images[COLOUR_SAMPLE]
    angle = level_angle(skewed.grey)
    document = pdfium.PdfDocument(COLOUR_SAMPLE)
    try:
        page = document[0]
        render_grey_ms = median_ms(lambda: render_grey(page, OCR_DPI))
        render_colour = median_ms(lambda: render_page(page, OCR_DPI))
    finally:
        document.close()
    return [
        Row("ocr", "  ours › skew measured (every OCR page)", median_ms(lambda: level_angle(plain.grey)), "ms/page"),
        Row(
            "ocr",
            f"  ours › page levelled ({angle:+.2f}°, skewed pages)",
            median_ms(lambda: rotate_by(skewed.grey, angle)),
            "ms/page",
        ),
        Row(
            "ocr",
            "  ours › colour render + drop-out + marks (colour pages)",
            render_colour - render_grey_ms + median_ms(lambda: covering_marks(colour)),
            "ms/page",
            note="beyond the grey render; then one block read again per mark over print",
        ),
    ]


def ocr_rows(
    count: int,
    minimal: list[OcrTiming],
    ours: list[float],
    whole: float,
    cli: list[float],
    program: list[float],
) -> list[Row]:
    ms = 1000
    median_minimal = Baseline(
        f"minimal: pypdfium2 render + tesserocr, median of {count} pages",
        statistics.median(t.total_s for t in minimal) * ms,
    )
    mean_minimal = Baseline(
        f"minimal, mean of the same {count} pages", statistics.fmean(t.total_s for t in minimal) * ms
    )
    words = ", ".join(str(t.words) for t in minimal)
    target = Target(TARGET_OCR_RATIO, on_ratio=True)
    return [
        Row(
            "ocr",
            f"Extractor(tesserocr), 1-page PDFs, median of {count}",
            statistics.median(ours) * ms,
            "ms/page",
            [median_minimal],
            target,
        ),
        Row(
            "ocr",
            f"Extractor(tesserocr), one {count}-page PDF ÷ {count}",
            whole * ms / count,
            "ms/page",
            [mean_minimal],
            target,
        ),
        Row(
            "ocr",
            "  minimal › render 300 dpi grey + bytes",
            statistics.median(t.render_s for t in minimal) * ms,
            "ms/page",
        ),
        Row(
            "ocr",
            "  minimal › Recognize + GetTSVText",
            statistics.median(t.recognize_s for t in minimal) * ms,
            "ms/page",
            note=f"words per page: {words}",
        ),
        Row(
            "ocr",
            f"ref: Extractor(cli = pytesseract), 1-page PDFs, median of {count}",
            statistics.median(cli) * ms,
            "ms/page",
            [median_minimal],
        ),
        Row(
            "ocr",
            f"ref: tesseract CLI on a 300 dpi PNG, median of {count}",
            statistics.median(program) * ms,
            "ms/page",
            [median_minimal],
            note="Debian build, one process per page",
        ),
    ]


# --- 3. memory -----------------------------------------------------------------------------

# The child prints its peak RSS (kB) last. Not ``ru_maxrss``: Linux carries it over ``exec`` from
# the forking process, so a child of this (large) benchmark would report at least our own peak.
# ``VmHWM`` is the high-water mark of the child's own address space.
REPORT_PEAK = """
import resource
from pathlib import Path
status = Path("/proc/self/status")
lines = status.read_text().splitlines() if status.exists() else []
peak = [line.split()[1] for line in lines if line.startswith("VmHWM:")]
print(peak[0] if peak else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
CHILD_OURS = "import sys; from extractor.extract import Extractor; Extractor().extract(sys.argv[1])"
CHILD_IMPORTS = "import sys; import pypdfium2 as pdfium, spacy; len(pdfium.PdfDocument(sys.argv[1]))"
CHILD_PDFPLUMBER = "import sys, pdfplumber; pdf = pdfplumber.open(sys.argv[1]); [p.extract_words() for p in pdf.pages]"


def peak_rss_mb(code: str, path: Path) -> tuple[float, float]:
    """Peak RSS (MB, as the child reports it) and wall seconds of a fresh process running ``code``."""
    start = time.perf_counter()
    done = run_quiet([sys.executable, "-c", f"{code}\n{REPORT_PEAK}", str(path)])
    seconds = time.perf_counter() - start
    return int(done.stdout.strip().splitlines()[-1]) / 1024, seconds


def growth_note(small: tuple[int, float], large: tuple[int, float]) -> str:
    """MB per extra page between two documents, and the page count where that reaches the target."""
    (small_pages, small_mb), (large_pages, large_mb) = small, large
    if large_pages <= small_pages:
        return ""
    slope = (large_mb - small_mb) / (large_pages - small_pages)
    reach = (
        f"; {TARGET_PEAK_MB:g} MB at ≈ {small_pages + (TARGET_PEAK_MB - small_mb) / slope:.0f} pp" if slope > 0 else ""
    )
    return f"grows {slope:.2f} MB/page from {small_pages} to {large_pages} pp{reach}"


def memory_section(config: Config, workdir: Path) -> list[Row]:
    big = repeated_pdf(TEXT_SAMPLE, config.text_pages, workdir)
    pages, small_pages = page_count(big), page_count(TEXT_SAMPLE)
    ours, ours_s = peak_rss_mb(CHILD_OURS, big)
    small, small_s = peak_rss_mb(CHILD_OURS, TEXT_SAMPLE)
    imports, _ = peak_rss_mb(CHILD_IMPORTS, big)
    plumber, plumber_s = peak_rss_mb(CHILD_PDFPLUMBER, big)
    baseline = [Baseline("import pypdfium2 + spacy, open the file", imports)]
    growth = growth_note((small_pages, small), (pages, ours))
    return [
        Row(
            "memory",
            f"Extractor().extract, {pages} pp, fresh process",
            ours,
            "MB",
            baseline,
            Target(TARGET_PEAK_MB),
            note=f"{ours - imports:.0f} MB over the baseline; child ran {ours_s:.1f} s; {growth}",
        ),
        Row(
            "memory",
            f"Extractor().extract, {small_pages} pp ({TEXT_SAMPLE.name}), fresh process",
            small,
            "MB",
            baseline,
            note=f"{small - imports:.0f} MB over the baseline; child ran {small_s:.1f} s",
        ),
        Row(
            "memory",
            f"ref: pdfplumber extract_words, {pages} pp, pages kept open",
            plumber,
            "MB",
            note=f"child ran {plumber_s:.1f} s",
        ),
    ]


# --- 4. extractor --help -------------------------------------------------------------------


def console_script(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"no {name} script next to {sys.executable} nor on PATH")
    return found


def median_wall_s(command: list[str], runs: int) -> float:
    return statistics.median(timed(lambda: run_quiet(command)) for _ in range(runs))


def help_section(config: Config, workdir: Path) -> list[Row]:
    runs = config.help_runs
    ours = median_wall_s([console_script("extractor"), "--help"], runs)
    python = median_wall_s([sys.executable, "-c", "pass"], runs)
    return [
        Row(
            "help",
            f"extractor --help, median of {runs}",
            ours,
            "s",
            [Baseline("python -c pass", python)],
            Target(TARGET_HELP_S),
        ),
    ]


# --- report --------------------------------------------------------------------------------

SECTION_TITLES = {
    "text": "1. Text-layer page → record, per page after start-up",
    "ocr": "2. OCR page → record vs a minimal pipeline (same process, same pages)",
    "memory": "3. Peak memory (fresh process)",
    "help": "4. extractor --help wall time",
}
RUNNERS: dict[str, Callable[[Config, Path], list[Row]]] = {
    "text": text_section,
    "ocr": ocr_section,
    "memory": memory_section,
    "help": help_section,
}


def report(info: dict[str, str], rows: list[Row], errors: dict[str, str]) -> str:
    lines = ["Machine"] + [f"  {key:<17} {value}" for key, value in info.items()]
    lines += section_lines(rows, {s: SECTION_TITLES[s] for s in SECTIONS}, errors)
    lines += target_lines(rows)
    return "\n".join(lines)


# --- command line --------------------------------------------------------------------------


def parse_sections(text: str) -> tuple[str, ...]:
    chosen = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [part for part in chosen if part not in SECTIONS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"sections are {', '.join(SECTIONS)} (got {text!r})")
    return chosen


def parse_args(argv: list[str] | None) -> tuple[Config, Path | None]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, 2 OCR pages")
    parser.add_argument("--pages", type=int, help="OCR pages (default 4, --quick 2)")
    parser.add_argument("--text-pages", type=int, default=100, help="pages of the big born-digital PDF (100)")
    parser.add_argument(
        "--only", type=parse_sections, default=SECTIONS, help=f"comma-separated sections: {','.join(SECTIONS)}"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    args = parser.parse_args(argv)
    runs = Runs(1, 3, 2.0) if args.quick else Runs(3, 7, 10.0)
    pages = args.pages or (2 if args.quick else 4)
    return Config(args.only, max(1, pages), max(1, args.text_pages), runs), args.json


def run_sections(config: Config) -> tuple[list[Row], dict[str, str]]:
    rows: list[Row] = []
    errors: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="extractor-bench-") as folder:
        for section in config.sections:
            print(f"[bench] {section} …", file=sys.stderr, flush=True)
            try:
                rows += RUNNERS[section](config, Path(folder))
            except Exception as exc:  # a measurement that cannot run is reported, not fatal
                traceback.print_exc()
                errors[section] = f"{type(exc).__name__}: {exc}"
    return rows, errors


def main(argv: list[str] | None = None) -> int:
    config, json_path = parse_args(argv)
    info = machine()
    rows, errors = run_sections(config)
    print(report(info, rows, errors))
    if json_path:
        data = {"machine": info, "config": asdict(config), "rows": [r.to_json() for r in rows], "errors": errors}
        json_path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
