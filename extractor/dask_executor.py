"""The same batch tasks on a Dask distributed cluster (``--executor dask --scheduler tcp://...``).

Workers need this package installed (same version) and, for the OCR cache, the output folder
at the same path (a shared file system); without it they OCR every page. A Dask worker runs
tasks in threads, so a hung page is bounded by Tesseract's own per-page timeout, not by
killing the worker as the local pool does.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from extractor.errors import ExtractorError
from extractor.pool import POLL_SECONDS, Outcome, Task, TaskError, run_task

if TYPE_CHECKING:
    from distributed import Future


class SchedulerUnreachable(ExtractorError):
    reason = "scheduler_unreachable"


class DaskExecutor:
    def __init__(self, address: str | None) -> None:
        from distributed import Client

        if not address:
            raise SchedulerUnreachable("dask", "--executor dask needs --scheduler tcp://HOST:PORT")
        try:
            self.client = Client(address, timeout=30, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise SchedulerUnreachable(address, f"cannot reach the Dask scheduler ({exc})") from None
        self.running: dict[Future, tuple[Task, float]] = {}

    @property
    def capacity(self) -> int:
        """Tasks the cluster runs at once: its worker threads."""
        return max(1, sum(self.client.nthreads().values()))

    def submit(self, task: Task) -> None:
        future = self.client.submit(
            run_task, task, pure=False, priority=-task.priority, key=f"extractor-task-{task.id}-{time.time_ns()}"
        )
        self.running[future] = (task, time.monotonic())

    def wait(self, timeout: float = POLL_SECONDS) -> list[Outcome]:
        from distributed import wait

        if not self.running:
            return []
        try:
            with self.client.as_current():
                done, _ = wait(list(self.running), timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            return []
        return [self._outcome(future) for future in done]

    def _outcome(self, future: Future) -> Outcome:
        task, _ = self.running.pop(future)
        if future.status == "finished":
            return future.result()
        message = str(future.exception()) if future.status == "error" else f"the task ended as {future.status}"
        return Outcome(task, error=TaskError("worker_crashed", message))

    def close(self) -> None:
        self.client.close()
