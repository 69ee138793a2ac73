"""A pool of worker processes that survives what bad PDFs do to a worker.

``concurrent.futures`` cannot stop one task: a page that makes Tesseract hang, or a PDF that
decompresses to gigabytes, would hold or kill the whole pool. Here each worker is a process
of its own with a pipe; the pool kills the worker of a task that runs past its deadline or
grows past the memory limit, reports that task as failed with a reason, and starts a fresh
worker. A worker that dies by itself (a crash in native code) is reported and replaced too.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import multiprocessing
import multiprocessing.connection
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psutil

from extractor.errors import ExtractorError

POLL_SECONDS = 0.25


@dataclass(frozen=True)
class Task:
    function: Callable[..., Any]
    """A module-level function (sent to the worker by reference)."""
    args: tuple[Any, ...]
    timeout: float
    timeout_reason: str = "timeout"
    priority: int = 0
    """Lower runs first: finishing started documents before opening new ones bounds memory."""
    id: int = field(default_factory=itertools.count().__next__)


@dataclass(frozen=True)
class TaskError:
    reason: str
    message: str


@dataclass(frozen=True)
class Outcome:
    task: Task
    value: Any = None
    error: TaskError | None = None


def run_task(task: Task) -> Outcome:
    """Run ``task`` here; what users can cause becomes a ``TaskError`` with its reason."""
    try:
        return Outcome(task, task.function(*task.args))
    except ExtractorError as exc:
        return Outcome(task, error=TaskError(exc.reason, exc.message))
    except MemoryError:
        return Outcome(task, error=TaskError("resource_limit", "ran out of memory"))
    except Exception as exc:
        return Outcome(task, error=TaskError("internal", f"{type(exc).__name__}: {exc}"))


def worker_main(connection: multiprocessing.connection.Connection, initializer: Callable[[], None] | None) -> None:
    if initializer is not None:
        initializer()
    while True:
        try:
            task = connection.recv()
        except EOFError:
            return
        if task is None:
            return
        connection.send(run_task(task))


@dataclass
class Worker:
    process: multiprocessing.process.BaseProcess
    connection: multiprocessing.connection.Connection
    task: Task | None = None
    started: float = 0.0


class ProcessPool:
    """``workers`` processes running tasks, each bounded in time and memory."""

    def __init__(self, workers: int, memory_limit_mb: int, initializer: Callable[[], None] | None = None) -> None:
        self.context = multiprocessing.get_context("spawn")
        self.memory_limit = memory_limit_mb * 1024 * 1024
        self.initializer = initializer
        self.queue: list[tuple[int, int, Task]] = []
        self.workers = [self._start() for _ in range(max(1, workers))]

    def _start(self) -> Worker:
        ours, theirs = self.context.Pipe()
        process = self.context.Process(target=worker_main, args=(theirs, self.initializer), daemon=True)
        process.start()
        theirs.close()
        return Worker(process, ours)

    def submit(self, task: Task) -> None:
        heapq.heappush(self.queue, (task.priority, task.id, task))

    @property
    def capacity(self) -> int:
        return len(self.workers)

    def wait(self, timeout: float = POLL_SECONDS) -> list[Outcome]:
        """Hand out queued tasks, then return what finished (or failed) within ``timeout``."""
        self._dispatch()
        running = {worker.connection: worker for worker in self.workers if worker.task is not None}
        outcomes: list[Outcome] = []
        if running:
            for connection in multiprocessing.connection.wait(list(running), timeout=timeout):
                outcomes.append(self._receive(running[connection]))
        outcomes.extend(self._police())
        self._dispatch()
        return outcomes

    def _dispatch(self) -> None:
        for worker in self.workers:
            if worker.task is None and self.queue:
                _, _, task = heapq.heappop(self.queue)
                worker.task, worker.started = task, time.monotonic()
                worker.connection.send(task)

    def _receive(self, worker: Worker) -> Outcome:
        task = worker.task
        try:
            outcome = worker.connection.recv()
        except (EOFError, OSError):
            return self._replace(worker, "worker_crashed", "the worker process died while reading this file")
        worker.task = None
        return outcome if task is None or outcome.task.id == task.id else Outcome(task, outcome.value, outcome.error)

    def _police(self) -> list[Outcome]:
        """Failures of tasks whose worker died, ran past its deadline or grew too big."""
        outcomes = []
        now = time.monotonic()
        for worker in self.workers:
            task = worker.task
            if task is None:
                continue
            if not worker.process.is_alive():
                outcomes.append(
                    self._replace(worker, "worker_crashed", f"the worker died (exit {worker.process.exitcode})")
                )
            elif now - worker.started > task.timeout:
                outcomes.append(self._replace(worker, task.timeout_reason, f"no result within {task.timeout:g} s"))
            elif self._rss(worker) > self.memory_limit:
                limit = self.memory_limit // (1024 * 1024)
                outcomes.append(self._replace(worker, "resource_limit", f"the worker grew past {limit} MB"))
        return outcomes

    @staticmethod
    def _rss(worker: Worker) -> int:
        try:
            return psutil.Process(worker.process.pid).memory_info().rss
        except psutil.Error:
            return 0

    def _replace(self, worker: Worker, reason: str, message: str) -> Outcome:
        """Kill ``worker``, fail its task, and put a fresh worker in its place."""
        task = worker.task
        worker.process.kill()
        worker.process.join()
        worker.connection.close()
        fresh = self._start()
        self.workers[self.workers.index(worker)] = fresh
        assert task is not None
        return Outcome(task, error=TaskError(reason, message))

    def close(self) -> None:
        for worker in self.workers:
            with contextlib.suppress(OSError):
                worker.connection.send(None)
        for worker in self.workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
            worker.connection.close()


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
