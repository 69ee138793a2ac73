"""Files written whole or not at all: a temporary file in the same folder, then a rename.

A reader (or a re-run after ``kill -9``) never sees half a record. Temporary files are named
``.<name>.<random>.tmp``; ``remove_stale_temporaries`` clears those a killed run left behind.
"""

from __future__ import annotations

import contextlib
import os
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
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX)
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_stale_temporaries(folder: Path) -> int:
    """Delete the temporary files a killed run left under ``folder``; how many there were."""
    stale = [p for p in folder.rglob(f".*{TEMPORARY_SUFFIX}") if p.is_file()]
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)
