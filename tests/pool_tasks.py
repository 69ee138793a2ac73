"""Module-level task functions for the pool tests (workers import them by reference)."""

from __future__ import annotations

import os
import time

from extractor.errors import NotAPdf


def double(value: int) -> int:
    return value * 2


def sleep_forever() -> None:
    while True:
        time.sleep(1)


def die() -> None:
    os._exit(3)


def grow(megabytes: int) -> int:
    block = bytearray(megabytes * 1024 * 1024)
    for index in range(0, len(block), 4096):
        block[index] = 1
    time.sleep(30)
    return len(block)


def reject() -> None:
    raise NotAPdf("x.pdf", "not a PDF (no %PDF- header)")
