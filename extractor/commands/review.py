"""``extractor review OUT_DIR``: the review web app over a batch's output (see extractor/review)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_PORT = 8765


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "review",
        help="check and correct a batch's extractions in a local web page",
        description=(
            "Serve a review page over OUT_DIR (the output of `extractor batch`): the queue of low-confidence "
            "fields and failed consistency checks, page images with the boxes, accept / correct / reject with "
            "the keyboard. Corrections are kept in OUT_DIR/store.sqlite with an audit trail."
        ),
    )
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1; others need --token)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port ({DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--token", help="a secret every request must carry (or EXTRACTOR_TOKEN)")
    parser.add_argument("--reviewer", help="the name corrections are recorded under (default: the OS user)")
    parser.add_argument("--archive", type=Path, help="where the PDFs are, when not where the batch read them")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from extractor.corrections import default_reviewer
    from extractor.errors import ExitCode
    from extractor.review.app import create_app
    from extractor.web import Guard, bind, is_loopback, serve, server_token, url_of

    problem = usage_problem(args)
    if problem:
        print(f"extractor: {problem}", file=sys.stderr)
        return ExitCode.USAGE
    token = server_token(args.host, args.token)
    guard = Guard(token, is_loopback(args.host))
    app = create_app(args.out_dir, guard, args.reviewer or default_reviewer(), args.archive)
    sock = bind(args.host, args.port)
    serve(app, sock, url_of(sock, args.host, token), open_browser=not args.no_browser)
    return ExitCode.OK


def usage_problem(args: argparse.Namespace) -> str | None:
    if not 0 <= args.port <= 65535:
        return f"--port {args.port}: not a port number"
    if args.archive is not None and not args.archive.is_dir():
        return f"{args.archive}: --archive is not a directory"
    return None
