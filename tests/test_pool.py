"""The worker pool survives what bad files do to a worker: hangs, crashes, runaway memory."""

from __future__ import annotations

import time

import pytest

from extractor.pool import Outcome, ProcessPool, Task
from tests import pool_tasks


@pytest.fixture
def pool():
    pool = ProcessPool(workers=2, memory_limit_mb=300)
    yield pool
    pool.close()


def run_all(pool: ProcessPool, tasks: list[Task], deadline: float = 60) -> dict[int, Outcome]:
    for task in tasks:
        pool.submit(task)
    outcomes: dict[int, Outcome] = {}
    stop = time.monotonic() + deadline
    while len(outcomes) < len(tasks) and time.monotonic() < stop:
        for outcome in pool.wait():
            outcomes[outcome.task.id] = outcome
    return outcomes


def test_results_come_back(pool: ProcessPool) -> None:
    tasks = [Task(pool_tasks.double, (n,), timeout=30) for n in range(5)]
    outcomes = run_all(pool, tasks)
    assert [outcomes[t.id].value for t in tasks] == [0, 2, 4, 6, 8]


def test_a_hung_task_is_killed_and_the_pool_goes_on(pool: ProcessPool) -> None:
    hung = Task(pool_tasks.sleep_forever, (), timeout=2, timeout_reason="page_timeout")
    after = [Task(pool_tasks.double, (n,), timeout=30) for n in range(3)]
    outcomes = run_all(pool, [hung, *after])
    assert outcomes[hung.id].error.reason == "page_timeout"
    assert [outcomes[t.id].value for t in after] == [0, 2, 4]


def test_a_crashed_worker_is_replaced(pool: ProcessPool) -> None:
    crash = Task(pool_tasks.die, (), timeout=30)
    after = Task(pool_tasks.double, (21,), timeout=30)
    outcomes = run_all(pool, [crash, after])
    assert outcomes[crash.id].error.reason == "worker_crashed"
    assert outcomes[after.id].value == 42


def test_runaway_memory_is_stopped(pool: ProcessPool) -> None:
    greedy = Task(pool_tasks.grow, (600,), timeout=60)
    outcomes = run_all(pool, [greedy])
    assert outcomes[greedy.id].error.reason == "resource_limit"


def test_user_errors_keep_their_reason(pool: ProcessPool) -> None:
    task = Task(pool_tasks.reject, (), timeout=30)
    outcome = run_all(pool, [task])[task.id]
    assert (outcome.error.reason, outcome.error.message) == ("not_a_pdf", "not a PDF (no %PDF- header)")


def test_lower_priority_number_runs_first() -> None:
    pool = ProcessPool(workers=1, memory_limit_mb=300)
    try:
        late = Task(pool_tasks.double, (1,), timeout=30, priority=5)
        early = Task(pool_tasks.double, (2,), timeout=30, priority=0)
        pool.submit(late)
        pool.submit(early)
        order = []
        while len(order) < 2:
            order.extend(outcome.task.id for outcome in pool.wait())
        assert order == [early.id, late.id]
    finally:
        pool.close()
