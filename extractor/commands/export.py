"""``extractor export OUT_DIR --format jsonl|csv|sqlite [-o PATH] [--corrected]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_NAMES = {"jsonl": "export.jsonl", "csv": "export-csv", "sqlite": "export.sqlite"}
DESCRIPTION = (
    "Write the records of a batch's output folder as tables other systems load, each document once "
    "(keyed by its sha256, with every path it was found at): jsonl (one line per document), csv (a folder "
    "of UTF-8 CSV files with a byte-order mark, one per table), sqlite (one database with keys and indexes). "
    "Columns: docs/record.md. Written whole or not at all."
)


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "export", help="export a batch's records as JSON Lines, CSV or SQLite", description=DESCRIPTION
    )
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="the output folder of `extractor batch`")
    parser.add_argument("--format", choices=tuple(DEFAULT_NAMES), required=True)
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="where to write (default: OUT_DIR/export.jsonl, OUT_DIR/export-csv/, OUT_DIR/export.sqlite; "
        "'-' for jsonl on stdout)",
    )
    parser.add_argument("--corrected", action="store_true", help="apply the reviewers' corrections first")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from extractor.cli import fail
    from extractor.errors import ExitCode
    from extractor.export import export, exported_documents, replaceable_folder, write_jsonl_stream
    from extractor.store import open_store

    if args.output == "-" and args.format != "jsonl":
        return fail("-o -: only --format jsonl can be written to stdout", ExitCode.USAGE)
    target = Path(args.output) if args.output else args.out_dir / DEFAULT_NAMES[args.format]
    if args.format == "csv" and not replaceable_folder(target):
        return fail(f"{target}: exists and holds other files than an export; choose another -o", ExitCode.USAGE)
    if args.format != "csv" and target.is_dir():
        return fail(f"{target}: is a folder; --format {args.format} writes one file", ExitCode.USAGE)
    store = open_store(args.out_dir)
    try:
        if args.output == "-":
            write_jsonl_stream(exported_documents(store, args.corrected), sys.stdout)
            return ExitCode.OK
        count = export(store, target, args.format, args.corrected)
    finally:
        store.close()
    print(f"{count} documents → {target}", file=sys.stderr)
    return ExitCode.OK
