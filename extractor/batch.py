"""``extractor batch``: a whole archive, in parallel, resumable, losing nothing.

The main process plans (which files are new, changed or already done, from the store),
hands tasks from ``batch_tasks`` to an executor (the local ``ProcessPool`` or a Dask
cluster), records each outcome in the store as it comes, and writes every output file
atomically. ``results.jsonl``, ``errors.jsonl`` and ``summary.json`` are rebuilt from the
store at the end, so after a ``kill -9`` a re-run finishes the job with every file exactly
once.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from extractor import __version__
from extractor.archive import find_pdfs, record_paths
from extractor.batch_tasks import Probed, assemble, ocr, probe, warm_up
from extractor.extract import ExtractOptions
from extractor.files import remove_stale_temporaries, write_atomically, write_lines_atomically
from extractor.model import PageWords
from extractor.patterns import load_patterns
from extractor.pool import Outcome, ProcessPool, Task
from extractor.progress import Progress
from extractor.signatures import Signature
from extractor.store import STORE_NAME, FileState, Store

OUTPUT_NAMES = ("results.jsonl", "errors.jsonl", "summary.json", STORE_NAME)
PROBE_SECONDS = 120.0
ASSEMBLE_SECONDS = 60.0
SECONDS_PER_PAGE = 1.0
PAGE_MARGIN_SECONDS = 5.0
"""What a page task may take beyond --page-timeout: opening the file and rendering the page."""
OPEN_PER_WORKER = 2
"""Documents in flight per worker: enough to keep every worker busy, few enough to bound memory."""


@dataclass(frozen=True)
class BatchOptions:
    extract: ExtractOptions = field(default_factory=ExtractOptions)
    workers: int = 1
    force: bool = False
    retry_failed: bool = False
    page_timeout: float = 120.0
    worker_memory_mb: int = 2048
    executor: str = "local"
    scheduler: str | None = None


class Executor(Protocol):
    @property
    def capacity(self) -> int: ...

    def submit(self, task: Task) -> None: ...

    def wait(self, timeout: float = ...) -> list[Outcome]: ...

    def close(self) -> None: ...


@dataclass
class Job:
    """One input file on its way through the tasks."""

    relative: str
    path: Path
    size: int
    mtime_ns: int
    sha256: str | None = None
    pages: list[PageWords | None] = field(default_factory=list)
    missing: int = 0
    signatures: tuple[Signature, ...] = ()


def run_batch(archive: Path, out_dir: Path, options: BatchOptions, progress: Progress) -> dict[str, Any]:
    """Process ``archive`` into ``out_dir``; returns the summary (also written to summary.json)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out_dir)
    store = Store(out_dir / STORE_NAME)
    try:
        store.set_meta("archive", str(archive.resolve()))
        return Batch(archive.resolve(), out_dir, options, progress, store).run()
    finally:
        store.close()


class Batch:
    def __init__(self, archive: Path, out_dir: Path, options: BatchOptions, progress: Progress, store: Store) -> None:
        self.archive, self.out_dir, self.options, self.progress, self.store = archive, out_dir, options, progress, store
        self.fingerprint = load_patterns(options.extract.patterns_dir).fingerprint
        self.tasks: dict[int, tuple[Job, str, int]] = {}
        self.open: dict[str, Job] = {}
        self.pages_done = 0
        self.skipped = 0
        self.record_paths: dict[str, Path] = {}

    def run(self) -> dict[str, Any]:
        started = time.monotonic()
        files = [relative.as_posix() for relative in find_pdfs(self.archive)]
        self.record_paths = record_paths(files, self.out_dir, set(OUTPUT_NAMES))
        self.store.forget_missing(set(files))
        todo = self.plan(files)
        self.skipped = len(files) - len(todo)
        self.progress.start(len(files), self.skipped)
        try:
            if todo:
                self.process(todo)
        finally:
            self.progress.close()
        return self.write_outputs(files, time.monotonic() - started)

    def plan(self, files: list[str]) -> list[Job]:
        """The files to (re)do: new, changed, extracted by another version or other patterns."""
        states = self.store.file_states()
        todo = []
        for relative in files:
            path = self.archive / relative
            try:
                stat = path.stat()
                size, mtime_ns = stat.st_size, stat.st_mtime_ns
            except OSError:
                size, mtime_ns = -1, -1
            if not self.needs_work(states.get(relative), size, mtime_ns):
                continue
            todo.append(Job(relative, path, size, mtime_ns))
        return todo

    def needs_work(self, state: FileState | None, size: int, mtime_ns: int) -> bool:
        if state is None or self.options.force:
            return True
        unchanged = (state.size, state.mtime_ns, state.version, state.patterns) == (
            size,
            mtime_ns,
            __version__,
            self.fingerprint,
        )
        return not unchanged or (state.status == "failed" and self.options.retry_failed)

    def process(self, todo: list[Job]) -> None:
        executor = self.make_executor()
        queue = collections.deque(todo)
        try:
            while queue or self.open:
                while queue and len(self.open) < OPEN_PER_WORKER * executor.capacity:
                    self.start(executor, queue.popleft())
                for outcome in executor.wait():
                    self.handle(executor, outcome)
        finally:
            executor.close()

    def make_executor(self) -> Executor:
        if self.options.executor == "dask":
            from extractor.dask_executor import DaskExecutor

            return DaskExecutor(self.options.scheduler)
        initializer = functools.partial(warm_up, self.options.extract)
        return ProcessPool(self.options.workers, self.options.worker_memory_mb, initializer)

    def submit(self, executor: Executor, job: Job, kind: str, task: Task, index: int = -1) -> None:
        self.tasks[task.id] = (job, kind, index)
        executor.submit(task)

    def start(self, executor: Executor, job: Job) -> None:
        self.open[job.relative] = job
        task = Task(probe, (str(job.path), job.relative, self.options.extract), PROBE_SECONDS, "timeout", priority=2)
        self.submit(executor, job, "probe", task)

    def handle(self, executor: Executor, outcome: Outcome) -> None:
        job, kind, index = self.tasks.pop(outcome.task.id)
        if job.relative not in self.open:
            return  # the document already failed through another of its tasks
        if outcome.error is not None:
            self.fail(job, outcome.error.reason, outcome.error.message)
        elif kind == "probe":
            self.probed(executor, job, outcome.value)
        elif kind == "ocr":
            job.pages[index] = outcome.value
            job.missing -= 1
            if job.missing == 0:
                pages = tuple(job.pages)
                seconds = ASSEMBLE_SECONDS + SECONDS_PER_PAGE * len(pages)
                arguments = (job.relative, job.sha256, pages, self.options.extract, job.signatures)
                task = Task(assemble, arguments, seconds, priority=1)
                self.submit(executor, job, "assemble", task)
        else:
            self.finish(job, outcome.value)

    def probed(self, executor: Executor, job: Job, probed: Probed) -> None:
        job.sha256 = probed.sha256
        if probed.record is not None:
            self.finish(job, probed.record)
            return
        known = None if self.options.force else self.store.document(probed.sha256, __version__, self.fingerprint)
        if known is not None:  # the same content under another name, or touched but unchanged
            self.finish(job, known)
            return
        job.pages = list(probed.pages)
        job.signatures = probed.signatures
        missing = [index for index, page in enumerate(job.pages) if page is None]
        job.missing = len(missing)
        cache = str(self.out_dir / STORE_NAME)
        seconds = self.options.page_timeout + PAGE_MARGIN_SECONDS
        for index in missing:
            arguments = (str(job.path), index, self.options.extract, cache, self.options.force)
            task = Task(ocr, arguments, seconds, "page_timeout")
            self.submit(executor, job, "ocr", task, index)

    def state(self, job: Job, status: str, error: str | None = None, message: str | None = None) -> FileState:
        return FileState(
            job.relative, job.size, job.mtime_ns, job.sha256, status, error, message, __version__, self.fingerprint
        )

    def finish(self, job: Job, record: dict[str, Any]) -> None:
        record = relabelled(record, job.relative)
        write_atomically(self.record_paths[job.relative], json.dumps(record, ensure_ascii=False, indent=1))
        self.store.save_done(self.state(job, "done"), record)
        del self.open[job.relative]
        self.pages_done += record["source"]["pages"]
        self.progress.advance(record["source"]["pages"], failed=False)

    def fail(self, job: Job, reason: str, message: str) -> None:
        job.sha256 = job.sha256 or file_sha256(job.path)
        self.store.save_failed(self.state(job, "failed", reason, message))
        del self.open[job.relative]
        self.progress.advance(0, failed=True)

    def write_outputs(self, files: list[str], seconds: float) -> dict[str, Any]:
        """results.jsonl, errors.jsonl and summary.json from the store, streamed (an archive of
        thousands of records is never held in memory at once)."""
        present = set(files)
        totals: collections.Counter[str] = collections.Counter()
        reasons: collections.Counter[str] = collections.Counter()

        def results() -> Iterator[str]:
            for state, record in self.store.outcomes():
                if state.path in present and state.status == "done" and record is not None:
                    totals.update(
                        done=1,
                        pages=record["source"]["pages"],
                        ocr_pages=record["source"]["text_source"].count("ocr"),
                        review=len(record["review"]),
                    )
                    record = relabelled(record, state.path)
                    target = self.record_paths[state.path]
                    if not target.exists():  # lost after its commit (a power cut): the store has it
                        write_atomically(target, json.dumps(record, ensure_ascii=False, indent=1))
                    yield json.dumps(record, ensure_ascii=False)

        def errors() -> Iterator[str]:
            for state, record in self.store.outcomes():
                if state.path in present and not (state.status == "done" and record is not None):
                    reasons[state.error or "internal"] += 1
                    error = {"file": state.path, "sha256": state.sha256, "error": state.error, "message": state.message}
                    yield json.dumps(error, ensure_ascii=False)

        write_lines_atomically(self.out_dir / "results.jsonl", results())
        write_lines_atomically(self.out_dir / "errors.jsonl", errors())
        summary = {
            "files": len(files),
            "done": totals["done"],
            "skipped": self.skipped,
            "failed": sum(reasons.values()),
            "pages": totals["pages"],
            "ocr_pages": totals["ocr_pages"],
            "failures_by_reason": dict(sorted(reasons.items())),
            "low_confidence": totals["review"],
            "wall_seconds": round(seconds, 3),
            "pages_per_second": round(self.pages_done / seconds, 3) if seconds > 0 else 0.0,
            "workers": self.options.workers,
            "archive": str(self.archive),
            "extractor_version": __version__,
            "patterns": self.fingerprint,
        }
        write_atomically(self.out_dir / "summary.json", json.dumps(summary, ensure_ascii=False, indent=1))
        return summary


def relabelled(record: dict[str, Any], relative: str) -> dict[str, Any]:
    """The record with ``source.file`` naming this file (a document found under two names is
    extracted once)."""
    if record["source"]["file"] == relative:
        return record
    return {**record, "source": {**record["source"], "file": relative}}


def file_sha256(path: Path) -> str | None:
    """The content hash of a file that failed before a worker hashed it, when it can be read."""
    digest = hashlib.sha256()
    if not path.is_file():  # a FIFO would block the batch, a directory has no content
        return None
    try:
        with path.open("rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()
