"""Time of ``POST /v1/extract`` against ``Extractor.extract`` in-process, on a born-digital sample.

    .venv/bin/python bench/serve.py [--runs 30] [--sample samples/gov-12-BC-TCT.pdf] [--json FILE]

``extractor serve`` runs as its own process on 127.0.0.1 (port 0); one kept-alive
``http.client`` connection posts the PDF, as multipart/form-data (as a browser or ``curl -F``
would) and as a raw application/pdf body, and times each request from send to parsed JSON;
``GET /v1/health`` shows the round trip alone. The baseline is
``Extractor().extract(sample)`` in this process. All are warmed up first (patterns, spaCy, the
first document) and the median of ``--runs`` runs is kept, taking the four in turn so that a
busy machine slows them alike. Target: HTTP ≤ 1.2 × in-process. A measurement,
not a test: it prints PASS/FAIL beside the target and always exits 0.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

os.environ["OMP_THREAD_LIMIT"] = "1"

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from figures import Baseline, Row, Target, section_lines, target_lines  # noqa: E402

TARGET_RATIO = 1.2
WARM_UP = 3


def start_server() -> tuple[subprocess.Popen[str], str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    command = [sys.executable, "-m", "extractor", "serve", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    url = process.stdout.readline().strip()
    if not url:
        raise SystemExit("the server did not start")
    return process, url.rsplit("/", 1)[0]


def timed(action: object) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def multipart_body(name: str, content: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with the PDF as part ``file``, built once like any client would."""
    boundary = "----bench-serve-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def measure(sample: Path, runs: int) -> dict[str, list[float]]:
    """Milliseconds per run of each request kind and of the in-process baseline, taken in turn.

    The client is ``http.client`` on one kept-alive connection, so that what is timed is the
    server, not a client library.
    """
    from extractor.extract import Extractor

    extractor = Extractor()
    content = sample.read_bytes()
    process, url = start_server()
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
    form, form_type = multipart_body(sample.name, content)

    def request(method: str, body: bytes | None = None, content_type: str | None = None) -> None:
        headers = {"Content-Type": content_type} if content_type else {}
        connection.request(method, "/v1/extract" if body is not None else "/v1/health", body, headers)
        response = connection.getresponse()
        payload = response.read()
        if response.status != 200:
            raise SystemExit(f"HTTP {response.status}: {payload[:300]!r}")
        json.loads(payload)

    actions = {
        "multipart": lambda: request("POST", form, form_type),
        "raw": lambda: request("POST", content, "application/pdf"),
        "health": lambda: request("GET"),
        "local": lambda: extractor.extract(sample),
    }
    try:
        for _ in range(WARM_UP):
            for action in actions.values():
                action()
        times: dict[str, list[float]] = {name: [] for name in actions}
        for _ in range(runs):
            for name, action in actions.items():
                times[name].append(timed(action))
    finally:
        connection.close()
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--sample", type=Path, default=ROOT / "samples" / "gov-12-BC-TCT.pdf")
    parser.add_argument("--json", type=Path, dest="json_path")
    args = parser.parse_args(argv)
    times = measure(args.sample, args.runs)
    local = Baseline("Extractor.extract in-process, same sample", statistics.median(times["local"]))
    rows = [
        Row(
            "serve",
            f"POST /v1/extract ({how}), {args.sample.name}, median of {args.runs}",
            statistics.median(times[key]),
            "ms",
            [local],
            Target(TARGET_RATIO, on_ratio=True),
        )
        for key, how in (("multipart", "multipart/form-data"), ("raw", "application/pdf body"))
    ]
    rows.append(Row("serve", "GET /v1/health (the HTTP round trip alone)", statistics.median(times["health"]), "ms"))
    titles = {"serve": "HTTP API (extractor serve on 127.0.0.1, warm, one client)"}
    print("\n".join(section_lines(rows, titles, {}) + target_lines(rows)))
    if args.json_path:
        data = {"rows": [row.to_json() for row in rows], "runs_ms": times}
        args.json_path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
