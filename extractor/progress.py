"""How a batch shows its progress: a live bar on a terminal, log lines otherwise, or nothing.

All three take the same calls: ``start`` with the number of files (and how many a previous
run already did), ``advance`` per finished file, ``close`` at the end.
"""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO

LOG_EVERY_SECONDS = 10.0


class Progress(Protocol):
    def start(self, files: int, already_done: int) -> None: ...

    def advance(self, pages: int, failed: bool) -> None: ...

    def close(self) -> None: ...


class Counts:
    """Files, pages and failures so far, and the rate and time left they imply."""

    def __init__(self) -> None:
        self.files = self.done = self.pages = self.failed = 0
        self.started = time.monotonic()

    def add(self, pages: int, failed: bool) -> None:
        self.done += 1
        self.pages += pages
        self.failed += failed

    @property
    def pages_per_second(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.pages / elapsed if elapsed > 0 else 0.0

    def eta(self, done_before: int) -> str:
        finished = self.done - done_before
        left = self.files - self.done
        if finished <= 0 or left <= 0:
            return "-"
        seconds = int((time.monotonic() - self.started) / finished * left)
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class SilentProgress:
    def start(self, files: int, already_done: int) -> None:
        return None

    def advance(self, pages: int, failed: bool) -> None:
        return None

    def close(self) -> None:
        return None


class LogProgress:
    """A plain line every few seconds, for logs and pipes (no terminal control codes)."""

    def __init__(self, stream: TextIO, every: float = LOG_EVERY_SECONDS) -> None:
        self.stream = stream
        self.every = every
        self.counts = Counts()
        self.done_before = 0
        self.last = 0.0

    def start(self, files: int, already_done: int) -> None:
        self.counts.files, self.counts.done, self.done_before = files, already_done, already_done
        self.stream.write(f"[batch] {files} files, {already_done} already done\n")
        self.stream.flush()

    def advance(self, pages: int, failed: bool) -> None:
        self.counts.add(pages, failed)
        if time.monotonic() - self.last >= self.every:
            self.report()

    def report(self) -> None:
        counts = self.counts
        self.last = time.monotonic()
        self.stream.write(
            f"[batch] {counts.done}/{counts.files} files, {counts.pages} pages"
            f" ({counts.pages_per_second:.1f} pages/s), {counts.failed} failed, ETA {counts.eta(self.done_before)}\n"
        )
        self.stream.flush()

    def close(self) -> None:
        self.report()


class RichProgress:
    """A live bar with files, pages, pages/s, ETA and failures (rich)."""

    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.counts = Counts()
        self.bar = Progress(
            TextColumn("files"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[pages]} pages, {task.fields[rate]} pages/s, {task.fields[failed]} failed"),
            TimeRemainingColumn(),
            console=Console(file=stream),
        )
        self.task = self.bar.add_task("batch", total=0, pages=0, rate="0.0", failed=0)

    def start(self, files: int, already_done: int) -> None:
        self.counts.files, self.counts.done = files, already_done
        self.bar.update(self.task, total=files, completed=already_done)
        self.bar.start()

    def advance(self, pages: int, failed: bool) -> None:
        self.counts.add(pages, failed)
        counts = self.counts
        self.bar.update(
            self.task,
            completed=counts.done,
            pages=counts.pages,
            rate=f"{counts.pages_per_second:.1f}",
            failed=counts.failed,
        )

    def close(self) -> None:
        self.bar.stop()


def make_progress(quiet: bool, stream: TextIO | None = None) -> Progress:
    stream = stream or sys.stderr
    if quiet:
        return SilentProgress()
    return RichProgress(stream) if stream.isatty() else LogProgress(stream)
