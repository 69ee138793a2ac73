"""``extractor serve [OUT_DIR]``: the HTTP API for other systems (``extractor/server.py``)."""

from __future__ import annotations

import argparse
from pathlib import Path

DESCRIPTION = (
    "Serve the HTTP API: POST /v1/extract (upload a PDF, get its record); with OUT_DIR (a batch's output "
    "folder) also GET /v1/documents, /v1/documents/{id} and /v1/figures, corrections applied. OpenAPI at "
    "/openapi.json, its operations at /docs (works offline). Listens on 127.0.0.1 unless --host is given; "
    "any other address needs --token (or EXTRACTOR_TOKEN). Prints its address on the first line of stdout; "
    "Ctrl-C stops it."
)


def add_parser(commands: argparse._SubParsersAction) -> None:
    from extractor.cli import add_extraction_options

    parser = commands.add_parser(
        "serve", help="serve the HTTP API (extract uploads, read a batch)", description=DESCRIPTION
    )
    parser.add_argument("out_dir", type=Path, nargs="?", metavar="OUT_DIR", help="a batch's output folder (optional)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8766, help="port (8766; the review app uses 8765; 0: a free one)")
    parser.add_argument("--token", help="require this token on every request (needed beyond 127.0.0.1)")
    parser.add_argument("--max-upload-mb", type=float, default=50.0, help="largest upload accepted, in MB (50)")
    parser.add_argument("--max-pages", type=int, default=200, help="most pages an uploaded PDF may have (200)")
    parser.add_argument("--page-timeout", type=float, default=120.0, help="seconds one OCR page may take (120)")
    add_extraction_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from extractor.cli import extract_options, fail, usage_problem
    from extractor.errors import ExitCode
    from extractor.store import open_store
    from extractor.web import Guard, bind, is_loopback, serve, server_token, url_of

    problem = usage_problem(args) or serve_problem(args)
    if problem:
        return fail(problem, ExitCode.USAGE)
    token = server_token(args.host, args.token)
    if args.out_dir is not None:
        open_store(args.out_dir).close()
    sock = bind(args.host, args.port)
    try:
        from extractor.server import Limits, create_app

        limits = Limits(int(args.max_upload_mb * 2**20), args.max_pages)
        app = create_app(args.out_dir, extract_options(args, args.page_timeout), limits)
    except BaseException:
        sock.close()
        raise
    serve(Guard(token, is_loopback(args.host)).wrap(app), sock, url_of(sock, args.host, token, "/docs"), False)
    return ExitCode.OK


def serve_problem(args: argparse.Namespace) -> str | None:
    if args.max_upload_mb <= 0:
        return "--max-upload-mb must be positive"
    if args.max_pages < 1:
        return "--max-pages must be at least 1"
    if not 0 <= args.port <= 65535:
        return "--port must be between 0 and 65535"
    if args.page_timeout <= 0:
        return "--page-timeout must be positive"
    return None
