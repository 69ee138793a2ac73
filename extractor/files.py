"""Files written whole or not at all: a temporary file in the same folder, then a rename.

A reader (or a re-run after ``kill -9``) never sees half a record. Temporary files are named
``.<name>.<random>.tmp``; ``remove_stale_temporaries`` clears those a killed run left behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

TEMPORARY_SUFFIX = ".tmp"
_UMASK = os.umask(0)
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK
"""What ``open()`` would have given (mkstemp makes files readable by their owner only)."""


def write_atomically(path: Path, text: str) -> None:
    write_lines_atomically(path, [text])


def write_lines_atomically(path: Path, lines: Iterable[str]) -> None:
    """Write ``lines`` (each ended by a newline) to ``path`` through a temporary file and a rename."""
    with atomic_stream(path) as stream:
        for line in lines:
            stream.write((line + "\n").encode("utf-8"))


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Binary content (a workbook, an image) written whole or not at all."""
    with atomic_stream(path) as stream:
        stream.write(data)


@contextlib.contextmanager
def atomic_stream(path: Path) -> Iterator[BinaryIO]:
    """A binary stream whose content replaces ``path`` only when the block ends without an error."""
    with atomic_path(path) as temporary, temporary.open("wb") as stream:
        yield stream


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary file beside ``target`` (for writers that want a path, such as SQLite), synced
    and renamed onto ``target`` when the block ends without an error, removed otherwise."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=TEMPORARY_SUFFIX)
    os.close(handle)
    path = Path(name)
    try:
        yield path
        os.chmod(path, FILE_MODE)
        synced(path)
        os.replace(path, target)
    finally:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """A temporary folder beside ``target`` that replaces it on success and is removed otherwise.

    A folder cannot be swapped in one rename: the old one is first moved aside, so a crash in
    between leaves it whole under ``.NAME.old.*.tmp`` rather than half overwritten.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=TEMPORARY_SUFFIX))
    try:
        yield path
        os.chmod(path, FILE_MODE | (FILE_MODE & 0o444) >> 2)
        for file in path.iterdir():
            os.chmod(file, FILE_MODE)
            synced(file)
        if target.exists():
            old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old.", suffix=TEMPORARY_SUFFIX))
            os.rename(target, old / target.name)
            os.rename(path, target)
            shutil.rmtree(old)
        else:
            os.rename(path, target)
    finally:
        shutil.rmtree(path, ignore_errors=True)


def synced(path: Path) -> None:
    """Flush ``path`` to the disk before it is renamed into place."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def remove_stale_temporaries(folder: Path) -> int:
    """Delete the temporary files and folders a killed run left under ``folder``; how many there were."""
    stale = [p for p in folder.rglob(f".*{TEMPORARY_SUFFIX}") if not p.is_symlink()]
    for path in stale:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return len(stale)
