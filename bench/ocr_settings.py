"""Tesseract settings on the scanned samples: accuracy against the known text, and time.

    .venv/bin/python bench/ocr_settings.py [--psm 3,4,6] [--dpi 200,300] [--pages N] [--json FILE]
    .venv/bin/python bench/ocr_settings.py --lines

``--lines`` measures instead the second reading of weak header lines (``OcrOptions.header_lines``:
page 1's weak lines read again alone, psm 7, enlarged): on page 1 of every scanned sample and
on a grid of synthetic degraded headers (``tests/ocr_images.py``: 150 and 200 dpi, blur 1–2 px,
noise σ 20 and 35, six seeds), how often the number and the date are read exactly with and
without it, and the time it adds.

The scans ``samples/seed-51-BC-CTD-scan.pdf`` and ``samples/tb-15-TB-TCT-scan.pdf`` are
renderings of born-digital PDFs: the seed's is committed (``samples/seed-51-BC-CTD.pdf``), the
notice's is rebuilt in a temporary directory with ``samples/make_samples.py`` (skipped when
that cannot run). Each scanned page is rendered grey at each resolution, read by Tesseract
``vie`` (tesserocr, LSTM, one thread, loaded once per page segmentation mode) and compared
with the text layer of the matching born-digital page. Both texts go through the extractor's
word normalisation (NFC, tone placement, look-alikes) and have their whitespace collapsed.

Columns:

- ``CER``: character error rate, Levenshtein distance / reference length; reading order
  counts (a header whose two columns are merged line by line costs characters);
- ``bag WER``: words missing or extra regardless of order, / reference words;
- ``CER corr``: CER after ``extractor.correct`` (``correct_words`` per OCR line, numbers
  split across lines joined);
- ``ms/page``: median wall time of Tesseract's recognition per page, ``CPU ms`` its CPU time
  (steadier on a busy machine); ``render``: median time of rendering a page, in ms.

A measurement, not a test: it prints the table and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"  # as in production; read when Tesseract loads

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from extractor.correct import Lexicon, correct_words, find_number_joins, lexicon_for  # noqa: E402
from extractor.normalize import Normalizer  # noqa: E402
from extractor.ocr import (  # noqa: E402
    GrayImage,
    OcrOptions,
    PageImage,
    TesserocrEngine,
    find_tessdata,
    read_page,
    render_grey,
    render_page,
)
from extractor.patterns import load_patterns  # noqa: E402

SEED_SCAN = ROOT / "samples" / "seed-51-BC-CTD-scan.pdf"
SEED_SOURCE = ROOT / "samples" / "seed-51-BC-CTD.pdf"
TB_SCAN = ROOT / "samples" / "tb-15-TB-TCT-scan.pdf"


@dataclass(frozen=True)
class Page:
    label: str
    scan: Path
    index: int
    reference: str


@dataclass
class Result:
    psm: int
    dpi: int
    pages: int
    reference_chars: int
    char_errors: int
    corrected_errors: int
    word_errors: int
    reference_words: int
    ms_per_page: float
    cpu_ms_per_page: float
    render_ms: float

    @property
    def cer(self) -> float:
        return self.char_errors / self.reference_chars

    @property
    def cer_corrected(self) -> float:
        return self.corrected_errors / self.reference_chars

    @property
    def bag_wer(self) -> float:
        return self.word_errors / self.reference_words


def text_layer(path: Path) -> list[str]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [document[i].get_textpage().get_text_bounded() for i in range(len(document))]
    finally:
        document.close()


def tb_reference() -> list[str]:
    """The text layer of the notice's born-digital source, rebuilt as make_samples.py does."""
    sys.path.insert(0, str(ROOT / "samples"))
    import make_samples

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"{make_samples.TB_SOURCE_STEM}.pdf"
        make_samples.build_tb(make_samples.find_fonts(), source)
        return text_layer(source)


def sample_pages(limit: int | None) -> list[Page]:
    seed = text_layer(SEED_SOURCE)[:limit]
    pages = [Page(f"seed p{i + 1}", SEED_SCAN, i, text) for i, text in enumerate(seed)]
    try:
        pages += [Page("tb-15 p1", TB_SCAN, 0, tb_reference()[0])]
    except Exception as exc:  # fonts or fpdf2 missing: measure the seed alone
        print(f"tb-15 skipped: its born-digital source could not be rebuilt ({exc})", file=sys.stderr)
    return pages


def render_all(pages: list[Page], dpi: int) -> tuple[list[GrayImage], float]:
    """Every page rendered at ``dpi``, and the median time of a render in ms."""
    images, times = [], []
    documents = {path: pdfium.PdfDocument(str(path)) for path in {p.scan for p in pages}}
    try:
        for page in pages:
            start = time.perf_counter()
            images.append(render_grey(documents[page.scan][page.index], dpi))
            times.append(time.perf_counter() - start)
    finally:
        for document in documents.values():
            document.close()
    return images, statistics.median(times) * 1000


def recognise(api: object, image: GrayImage) -> tuple[str, float, float]:
    """The text of a page, the wall time and the CPU time of its recognition."""
    api.SetImageBytes(image.pixels, image.width, image.height, 1, image.stride)
    api.SetSourceResolution(image.dpi)
    start, cpu = time.perf_counter(), time.process_time()
    api.Recognize()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return api.GetUTF8Text(), elapsed, cpu


def normalised_words(text: str, normalizer: Normalizer) -> list[str]:
    return [normalizer.word(word) for word in text.split()]


def corrected_text(text: str, normalizer: Normalizer, lexicon: Lexicon) -> str:
    """The OCR text after ``correct_words`` on each line and joining split numbers."""
    lines = [normalised_words(line, normalizer) for line in text.splitlines()]
    lines = [
        [fix.text if fix else word for word, fix in zip(line, correct_words(line, lexicon), strict=True)]
        for line in lines
    ]
    dropped = set()
    for join in find_number_joins(lines):
        lines[join.first[0]][join.first[1]] = join.text
        dropped.add(join.second)
    return " ".join(w for i, line in enumerate(lines) for j, w in enumerate(line) if (i, j) not in dropped)


def bag_errors(reference: list[str], hypothesis: list[str]) -> int:
    matched = sum((Counter(reference) & Counter(hypothesis)).values())
    return max(len(reference), len(hypothesis)) - matched


def measure(pages: list[Page], psms: list[int], dpis: list[int]) -> Iterator[Result]:
    import tesserocr

    normalizer = Normalizer(load_patterns().lookalikes)
    lexicon = lexicon_for(load_patterns())
    references = [normalised_words(p.reference, normalizer) for p in pages]
    apis = {
        psm: tesserocr.PyTessBaseAPI(path=find_tessdata("vie"), lang="vie", psm=psm, oem=tesserocr.OEM.LSTM_ONLY)
        for psm in psms
    }
    try:
        for dpi in dpis:
            images, render_ms = render_all(pages, dpi)
            for psm in psms:
                yield measure_setting(apis[psm], psm, dpi, images, references, normalizer, lexicon, render_ms)
    finally:
        for api in apis.values():
            api.End()


def measure_setting(
    api: object,
    psm: int,
    dpi: int,
    images: list[GrayImage],
    references: list[list[str]],
    normalizer: Normalizer,
    lexicon: Lexicon,
    render_ms: float,
) -> Result:
    result = Result(psm, dpi, len(images), 0, 0, 0, 0, 0, 0.0, 0.0, render_ms)
    times, cpu_times = [], []
    for image, reference in zip(images, references, strict=True):
        text, elapsed, cpu = recognise(api, image)
        times.append(elapsed)
        cpu_times.append(cpu)
        words = normalised_words(text, normalizer)
        wanted = " ".join(reference)
        result.reference_chars += len(wanted)
        result.char_errors += Levenshtein.distance(wanted, " ".join(words))
        result.corrected_errors += Levenshtein.distance(wanted, corrected_text(text, normalizer, lexicon))
        result.word_errors += bag_errors(reference, words)
        result.reference_words += len(reference)
    result.ms_per_page = statistics.median(times) * 1000
    result.cpu_ms_per_page = statistics.median(cpu_times) * 1000
    return result


def print_table(results: list[Result], pages: list[Page]) -> None:
    print(f"Tesseract settings on {len(pages)} scanned pages ({', '.join(p.label for p in pages)})")
    print(f"{'psm':>4} {'dpi':>4} {'CER':>7} {'bag WER':>8} {'CER corr':>9} {'ms/page':>8} {'CPU ms':>7} {'render':>7}")
    for r in results:
        print(
            f"{r.psm:>4} {r.dpi:>4} {r.cer:>7.2%} {r.bag_wer:>8.2%} {r.cer_corrected:>9.2%} "
            f"{r.ms_per_page:>8.0f} {r.cpu_ms_per_page:>7.0f} {r.render_ms:>7.0f}"
        )


# --- header lines read again -----------------------------------------------------------------

SCANNED_SAMPLES = (
    "seed-51-BC-CTD-scan",
    "tb-15-TB-TCT-scan",
    "gov-12-BC-TCT-rotated",
    "gov-12-BC-TCT-skewed",
    "seed-51-BC-CTD-200dpi-stamp",
)
SYNTHETIC_NUMBER, SYNTHETIC_DATE = "27-BC/TCT", "2022-03-05"
"""What ``tests.pages.HEADER_PARTY`` prints."""


def date_read(iso: str, text: str) -> bool:
    """Whether ``text`` holds "ngày D tháng M năm Y" for the ISO date (leading zeros optional)."""
    year, month, day = (int(part) for part in iso.split("-"))
    return re.search(rf"ngày 0?{day} tháng 0?{month} năm {year}", text) is not None


@dataclass
class LineCounts:
    """Pages measured; numbers and dates read exactly and seconds spent, without and with the
    second reading (keyed by ``header_lines``)."""

    pages: int = 0
    numbers: Counter[bool] = field(default_factory=Counter)
    dates: Counter[bool] = field(default_factory=Counter)
    seconds: Counter[bool] = field(default_factory=Counter)


def page_text(image: PageImage, engine: TesserocrEngine, header_lines: bool) -> tuple[str, float]:
    start = time.process_time()  # CPU time: steadier than wall time on a busy machine
    words = read_page(engine, image, OcrOptions(header_lines=header_lines), first_page=True).words
    elapsed = time.process_time() - start
    ordered = sorted(words, key=lambda w: (w.line, w.box[0]))
    return " ".join(w.text for w in ordered).replace("\u2044", "/"), elapsed


def header_cases() -> Iterator[tuple[str, PageImage, str, str]]:
    """``(label, page 1 image, number, ISO date)`` of the samples, then of synthetic headers."""
    from tests.ocr_images import degraded, drawn_page
    from tests.pages import HEADER_PARTY

    for stem in SCANNED_SAMPLES:
        expected = json.loads((ROOT / "samples" / "expected" / f"{stem}.json").read_text(encoding="utf-8"))
        document = pdfium.PdfDocument(str(ROOT / "samples" / f"{stem}.pdf"))
        try:
            yield stem, render_page(document[0], 300), expected["document"]["number"], expected["document"]["date"]
        finally:
            document.close()
    for dpi in (150, 200):
        page = drawn_page(HEADER_PARTY, dpi)
        for blur in (1.0, 1.5, 2.0):
            for noise in (20.0, 35.0):
                for seed in range(6):
                    image = degraded(page, dpi, blur, noise, seed)
                    yield f"synthetic {dpi} dpi", image, SYNTHETIC_NUMBER, SYNTHETIC_DATE


def measure_lines() -> dict[str, LineCounts]:
    engine = TesserocrEngine(OcrOptions())
    groups: dict[str, LineCounts] = {}
    try:
        for label, image, number, date in header_cases():
            group = "samples (page 1)" if not label.startswith("synthetic") else label
            counts = groups.setdefault(group, LineCounts())
            counts.pages += 1
            page_text(image, engine, header_lines=False)  # warm-up: a page's first reading is slower
            for header_lines in (False, True):
                text, seconds = page_text(image, engine, header_lines)
                counts.numbers[header_lines] += number in text
                counts.dates[header_lines] += date_read(date, text)
                counts.seconds[header_lines] += seconds
    finally:
        engine.close()
    return groups


def print_lines(groups: dict[str, LineCounts]) -> None:
    print("Weak header lines read again (psm 7, ×2): number and date read exactly, off → on")
    print(f"{'pages':<22} {'n':>3} {'number':>9} {'date':>9} {'CPU ms/page added':>18}")
    for label, c in groups.items():
        added = (c.seconds[True] - c.seconds[False]) / c.pages * 1000
        print(
            f"{label:<22} {c.pages:>3} {c.numbers[False]:>4}→{c.numbers[True]:<4} "
            f"{c.dates[False]:>4}→{c.dates[True]:<4} {added:>18.0f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--psm", default="3,4,6", help="page segmentation modes, comma-separated")
    parser.add_argument("--dpi", default="200,300", help="resolutions, comma-separated")
    parser.add_argument("--pages", type=int, default=None, help="only the first N seed pages")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--lines", action="store_true", help="measure header lines read again instead")
    args = parser.parse_args(argv)
    if args.lines:
        try:
            print_lines(measure_lines())
        except Exception:  # a measurement: report and exit 0
            traceback.print_exc()
        return 0
    try:
        pages = sample_pages(args.pages)
        psms = [int(p) for p in args.psm.split(",")]
        dpis = [int(d) for d in args.dpi.split(",")]
        results = list(measure(pages, psms, dpis))
    except Exception:  # a measurement: report and exit 0
        traceback.print_exc()
        return 0
    print_table(results, pages)
    if args.json:
        rows = [asdict(r) | {"cer": r.cer, "bag_wer": r.bag_wer, "cer_corrected": r.cer_corrected} for r in results]
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
