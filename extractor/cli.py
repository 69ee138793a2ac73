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
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from extractor import __version__
from extractor.errors import ExitCode, ExtractorError, PatternError

if TYPE_CHECKING:
    from extractor.extract import Extractor


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
    extract.add_argument("--review-threshold", type=float, default=0.8, help="list fields under this confidence (0.8)")
    extract.add_argument("--force-ocr", action="store_true", help="OCR every page even when it has a text layer")
    extract.add_argument("--dpi", type=int, default=300, help="rendering resolution for OCR (300)")
    extract.add_argument(
        "--ocr-engine", default="auto", help="auto, tesserocr, cli, or package.module:Class for an engine of your own"
    )
    extract.add_argument("--patterns", type=Path, help="patterns directory (default: the project's patterns/)")
    extract.add_argument("--compact", action="store_true", help="one line of JSON per record")

    commands.add_parser("schema", help="print the JSON Schema of a record")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "schema":
            from extractor.record import schema

            print(json.dumps(schema(), ensure_ascii=False, indent=1))
            return ExitCode.OK
        return run_extract(args)
    except PatternError as exc:
        return fail(str(exc), ExitCode.PATTERN_ERROR)
    except ExtractorError as exc:
        return fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        return fail("interrupted", ExitCode.INTERNAL)
    except Exception as exc:
        return fail(f"internal error: {type(exc).__name__}: {exc}", ExitCode.INTERNAL)


def fail(message: str, code: int) -> int:
    print(f"extractor: {message}", file=sys.stderr)
    return int(code)


def run_extract(args: argparse.Namespace) -> int:
    from extractor.extract import ExtractOptions, Extractor
    from extractor.ingest import IngestOptions
    from extractor.ocr import OcrOptions

    if not 0 <= args.review_threshold <= 1:
        return fail("--review-threshold must be between 0 and 1", ExitCode.USAGE)
    if len(args.files) > 1 and args.output is None:
        return fail("several files need --output DIR", ExitCode.USAGE)
    options = ExtractOptions(
        ingest=IngestOptions(ocr=OcrOptions(dpi=args.dpi, engine=args.ocr_engine), force_ocr=args.force_ocr),
        review_threshold=args.review_threshold,
        patterns_dir=args.patterns,
    )
    extractor = Extractor(options)
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


def write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file and a rename: a reader never sees half a record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text + "\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
