"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, and a review server.

No browser is downloaded: Playwright launches the system Chromium. ``ReviewServer`` starts
``extractor review`` as a real subprocess on a free port and reads its address from the first
line it prints.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.batch_output import cli_env

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
START_SECONDS = 60


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium browser: Debian's chromium, which ./dev.sh installs (a missing one fails
    the test rather than skipping it, so that CI cannot pass without it)."""
    assert CHROMIUM.exists(), "Debian's chromium is not installed (./dev.sh setup installs it)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class ReviewServer:
    process: subprocess.Popen[str]
    url: str

    def stop(self, seconds: float = 15) -> int:
        """Ctrl-C, as a user would; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(seconds)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise


def start_review(out_dir: Path, *args: str) -> ReviewServer:
    env = cli_env()
    env.pop("EXTRACTOR_TOKEN", None)
    command = [sys.executable, "-m", "extractor", "review", str(out_dir), "--port", "0", "--no-browser", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    line = process.stdout.readline().strip() if process.stdout else ""
    if not line.startswith("http://"):
        process.kill()
        _, errors = process.communicate(timeout=START_SECONDS)
        raise AssertionError(f"review did not start: {line!r} {errors}")
    return ReviewServer(process, line)
