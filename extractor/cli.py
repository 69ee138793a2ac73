"""Command line: ``extractor extract REPORT.pdf`` and ``extractor schema``.

Errors a user can cause print one line, ``extractor: <file>: <reason>``, on stderr and exit
with the code of ``errors.ExitCode``; no traceback. Modules that are slow to import (pdfium,
spaCy, Tesseract) are imported only when a command needs them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from extractor import __version__
from extractor.errors import ExitCode, ExtractorError, PatternError
from extractor.files import write_atomically

if TYPE_CHECKING:
    from extractor.extract import ExtractOptions, Extractor


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="extractor",
        description="Turn Vietnamese administrative report PDFs into confidence-scored JSON.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    extract = commands.add_parser("extract", help="extract one or more PDFs to JSON records")
    extract.add_argument("files", nargs="+", type=Path, metavar="REPORT.pdf")
    extract.add_argument("-o", "--output", type=Path, help="write the record here (a directory when several files)")
    add_extraction_options(extract)
    extract.add_argument("--compact", action="store_true", help="one line of JSON per record")

    batch = commands.add_parser(
        "batch", help="extract a whole archive in parallel; resumable", description=BATCH_DESCRIPTION
    )
    batch.add_argument("archive", type=Path, metavar="ARCHIVE_DIR")
    batch.add_argument("-o", "--output", type=Path, required=True, metavar="OUT_DIR")
    batch.add_argument("--workers", type=int, default=None, help="worker processes (default: the number of cores)")
    batch.add_argument("--force", action="store_true", help="redo every file, even those already done")
    batch.add_argument("--retry-failed", action="store_true", help="try files that failed before again")
    batch.add_argument("--page-timeout", type=float, default=120.0, help="seconds one page may take (120)")
    batch.add_argument("--worker-memory", type=int, default=2048, metavar="MB", help="a worker's memory limit (2048)")
    batch.add_argument("--executor", choices=("local", "dask"), default="local")
    batch.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="the Dask scheduler (with --executor dask)")
    batch.add_argument("--quiet", action="store_true", help="no progress output")
    add_extraction_options(batch)

    commands.add_parser("schema", help="print the JSON Schema of a record")
    add_plugged_commands(commands)
    return parser


def add_plugged_commands(commands: argparse._SubParsersAction) -> None:
    """Commands that work on a batch's output (review, export, aggregate, serve).

    Each is a module of ``extractor.commands`` with ``add_parser(commands)``, which sets
    ``run=<function(args) -> int>`` as the parser's default. Those modules import only argparse
    at module level, so ``extractor --help`` stays fast.
    """
    import importlib
    import pkgutil

    from extractor import commands as package

    for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        importlib.import_module(f"{package.__name__}.{module.name}").add_parser(commands)


BATCH_DESCRIPTION = (
    "Extract every PDF under ARCHIVE_DIR into OUT_DIR: one record per PDF at the mirrored path, "
    "results.jsonl, errors.jsonl, summary.json and store.sqlite. A re-run skips what is done. "
    "Exit 0 when every file gave a record, 1 when some failed (see errors.jsonl), 2 for bad usage."
)


def add_extraction_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--review-threshold", type=float, default=0.8, help="list fields under this confidence (0.8)")
    parser.add_argument("--force-ocr", action="store_true", help="OCR every page even when it has a text layer")
    parser.add_argument("--dpi", type=int, default=300, help="rendering resolution for OCR (300)")
    parser.add_argument(
        "--ocr-engine", default="auto", help="auto, tesserocr, cli, or package.module:Class for an engine of your own"
    )
    parser.add_argument("--patterns", type=Path, help="patterns directory (default: the project's patterns/)")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = run_command(args)
        sys.stdout.flush()  # here, not at exit, so that a closed pipe is caught below
        return code
    except PatternError as exc:
        return fail(str(exc), ExitCode.PATTERN_ERROR)
    except ExtractorError as exc:
        return fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        return fail("interrupted", ExitCode.INTERNAL)
    except BrokenPipeError:  # the reader went away (``| head``): stop quietly, as shell tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.BROKEN_PIPE
    except Exception as exc:
        return fail(f"internal error: {type(exc).__name__}: {exc}", ExitCode.INTERNAL)


def run_command(args: argparse.Namespace) -> int:
    if args.command == "schema":
        from extractor.record import schema

        print(json.dumps(schema(), ensure_ascii=False, indent=1))
        return ExitCode.OK
    if args.command == "batch":
        return run_batch_command(args)
    if hasattr(args, "run"):
        return int(args.run(args))
    return run_extract(args)


def fail(message: str, code: int) -> int:
    print(f"extractor: {message}", file=sys.stderr)
    return int(code)


def extract_options(args: argparse.Namespace, page_timeout: float = 120.0) -> ExtractOptions:
    from extractor.extract import ExtractOptions
    from extractor.ingest import IngestOptions
    from extractor.ocr import OcrOptions

    ocr = OcrOptions(dpi=args.dpi, engine=args.ocr_engine, page_timeout=page_timeout)
    return ExtractOptions(
        ingest=IngestOptions(ocr=ocr, force_ocr=args.force_ocr),
        review_threshold=args.review_threshold,
        patterns_dir=args.patterns.resolve() if args.patterns else None,
    )


def usage_problem(args: argparse.Namespace) -> str | None:
    if not 0 <= args.review_threshold <= 1:
        return "--review-threshold must be between 0 and 1"
    if not 36 <= args.dpi <= 1200:
        return "--dpi must be between 36 and 1200"
    return None


def run_extract(args: argparse.Namespace) -> int:
    from extractor.extract import Extractor

    problem = usage_problem(args) or (
        "several files need --output DIR" if len(args.files) > 1 and args.output is None else None
    )
    if problem:
        return fail(problem, ExitCode.USAGE)
    extractor = Extractor(extract_options(args))
    indent = None if args.compact else 2
    if len(args.files) == 1:
        record = extractor.extract(args.files[0])
        if args.output is None:
            print(record.to_json(indent))
        else:
            write_atomically(args.output, record.to_json(indent))
        return ExitCode.OK
    return extract_many(extractor, args.files, args.output, indent)


def extract_many(extractor: Extractor, files: list[Path], output: Path, indent: int | None) -> int:
    """One record per file into ``output``; a bad file is reported and the others go on."""
    output.mkdir(parents=True, exist_ok=True)
    worst = ExitCode.OK
    for path in files:
        try:
            record = extractor.extract(path)
        except ExtractorError as exc:
            fail(str(exc), exc.exit_code)
            worst = ExitCode.SOME_FAILED
            continue
        target = output / f"{path.stem}.json"
        write_atomically(target, record.to_json(indent))
        pages, review = record.data["source"]["pages"], len(record.data["review"])
        print(f"{path} → {target} ({pages} pages, {review} to review)", file=sys.stderr)
    return worst


def run_batch_command(args: argparse.Namespace) -> int:
    from extractor.batch import BatchOptions, run_batch
    from extractor.pool import default_workers
    from extractor.progress import make_progress

    problem = usage_problem(args) or batch_problem(args)
    if problem:
        return fail(problem, ExitCode.USAGE)
    options = BatchOptions(
        extract=extract_options(args, args.page_timeout),
        workers=args.workers or default_workers(),
        force=args.force,
        retry_failed=args.retry_failed,
        page_timeout=args.page_timeout,
        worker_memory_mb=args.worker_memory,
        executor=args.executor,
        scheduler=args.scheduler,
    )
    summary = run_batch(args.archive, args.output, options, make_progress(args.quiet))
    if not args.quiet:
        done = f"{summary['done']}/{summary['files']} files done ({summary['skipped']} skipped)"
        print(f"{done}, {summary['failed']} failed; records in {args.output}", file=sys.stderr)
    return ExitCode.SOME_FAILED if summary["failed"] else ExitCode.OK


def batch_problem(args: argparse.Namespace) -> str | None:
    archive, output = args.archive.resolve(), args.output.resolve()
    if not archive.is_dir():
        return f"{args.archive}: not a directory"
    if output == archive or archive in output.parents:
        return f"{args.output}: the output folder must not be inside the archive"
    if args.workers is not None and args.workers < 1:
        return "--workers must be at least 1"
    if args.page_timeout <= 0:
        return "--page-timeout must be positive"
    if args.executor == "dask" and not args.scheduler:
        return "--executor dask needs --scheduler tcp://HOST:PORT"
    return None
