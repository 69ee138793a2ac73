"""The embedded SQLite store that makes a batch resumable.

- ``files``: each input path with its size, modification time, content hash and outcome
  (``done`` or ``failed`` with an error code). A re-run skips a path whose size and time are
  unchanged and whose document was extracted by the same extractor version and patterns.
- ``documents``: one record per content hash, with the extractor version and the hash of
  ``patterns/`` that produced it; the same PDF found twice is extracted once.
- ``meta``: facts about the batch (``archive``: the folder it read, so that the review app
  can render page images from the original PDFs).
- ``ocr_pages``: OCR words, with the quarter turns and skew that levelled the page, per
  page-image hash and OCR settings, so that re-extracting after a change to ``patterns/``
  never re-runs Tesseract (nor measures the skew again).

Every outcome is written in one transaction, in WAL mode with full synchronisation: a
``kill -9`` or a power cut loses at most the document being written, never half of one.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.errors import NoStore
from extractor.model import OcrWords, Word

STORE_NAME = "store.sqlite"
DOCUMENT_ID = r"^[0-9a-f]{64}$"
"""A document's id, as URLs and exports name it: the sha256 of its file, in lower-case hex."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT,
    status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
    error TEXT,
    message TEXT,
    version TEXT NOT NULL,
    patterns TEXT NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    sha256 TEXT NOT NULL,
    version TEXT NOT NULL,
    patterns TEXT NOT NULL,
    record TEXT NOT NULL,
    pages INTEGER NOT NULL,
    ocr_pages INTEGER NOT NULL,
    review INTEGER NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (sha256, version, patterns)
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ocr_pages (
    image_sha256 TEXT NOT NULL,
    settings TEXT NOT NULL,
    words TEXT NOT NULL,
    PRIMARY KEY (image_sha256, settings)
);
"""


@dataclass(frozen=True)
class FileState:
    path: str
    size: int
    mtime_ns: int
    sha256: str | None
    status: str
    error: str | None
    message: str | None
    version: str
    patterns: str


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.connection = sqlite3.connect(path, timeout=60, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=FULL")
        self.connection.executescript(SCHEMA)

    def close(self) -> None:
        self.connection.close()

    def file_states(self) -> dict[str, FileState]:
        rows = self.connection.execute(
            "SELECT path, size, mtime_ns, sha256, status, error, message, version, patterns FROM files"
        )
        return {row[0]: FileState(*row) for row in rows}

    def document(self, sha256: str, version: str, patterns: str) -> dict[str, Any] | None:
        row = self.connection.execute(
            "SELECT record FROM documents WHERE sha256 = ? AND version = ? AND patterns = ?",
            (sha256, version, patterns),
        ).fetchone()
        return json.loads(row[0]) if row else None

    def save_done(self, state: FileState, record: dict[str, Any]) -> None:
        """The record of a document and the file that holds it, in one transaction."""
        source = record["source"]
        with self.transaction():
            self.connection.execute(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    state.sha256,
                    state.version,
                    state.patterns,
                    json.dumps(record, ensure_ascii=False),
                    source["pages"],
                    source["text_source"].count("ocr"),
                    len(record["review"]),
                    time.time(),
                ),
            )
            self._save_file(state)

    def save_failed(self, state: FileState) -> None:
        with self.transaction():
            self._save_file(state)

    def _save_file(self, state: FileState) -> None:
        self.connection.execute(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                state.path,
                state.size,
                state.mtime_ns,
                state.sha256,
                state.status,
                state.error,
                state.message,
                state.version,
                state.patterns,
                time.time(),
            ),
        )

    def forget_missing(self, present: set[str]) -> None:
        """Drop the outcomes of files no longer in the archive."""
        stale = [path for (path,) in self.connection.execute("SELECT path FROM files") if path not in present]
        with self.transaction():
            self.connection.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in stale])

    def ocr_words(self, image_sha256: str, settings: str) -> OcrWords | None:
        """What reading a page image with ``settings`` gave."""
        row = self.connection.execute(
            "SELECT words FROM ocr_pages WHERE image_sha256 = ? AND settings = ?", (image_sha256, settings)
        ).fetchone()
        if row is None:
            return None
        entry = json.loads(row[0])
        words = tuple(Word(text, (x0, top, x1, bottom), conf) for text, x0, top, x1, bottom, conf in entry["words"])
        return OcrWords(words, entry["rotation"], entry["skew"])

    def save_ocr_words(self, image_sha256: str, settings: str, found: OcrWords) -> None:
        words = [(w.text, *w.bbox, w.confidence) for w in found.words]
        entry = {"rotation": found.quarter_turns, "skew": found.skew, "words": words}
        blob = json.dumps(entry, ensure_ascii=False)
        with self.transaction():
            self.connection.execute("INSERT OR REPLACE INTO ocr_pages VALUES (?, ?, ?)", (image_sha256, settings, blob))

    def outcomes(self) -> Iterator[tuple[FileState, dict[str, Any] | None]]:
        """Every file's outcome in path order, with its record when it is done."""
        rows = self.connection.execute(
            "SELECT f.path, f.size, f.mtime_ns, f.sha256, f.status, f.error, f.message, f.version, f.patterns,"
            " d.record FROM files f LEFT JOIN documents d"
            " ON d.sha256 = f.sha256 AND d.version = f.version AND d.patterns = f.patterns ORDER BY f.path"
        )
        for *state, record in rows:
            yield FileState(*state), json.loads(record) if record else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.connection.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def meta(self, key: str) -> str | None:
        """A fact about the batch: ``archive`` is the absolute path of the archive it read."""
        row = self.connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each done file's path (relative to the archive) and record, in path order."""
        for state, record in self.outcomes():
            if record is not None:
                yield state.path, record

    def transaction(self) -> _Transaction:
        return _Transaction(self.connection)


def open_store(out_dir: Path) -> Store:
    """The store of a batch's output folder; ``NoStore`` when ``out_dir`` is not one."""
    path = out_dir / STORE_NAME
    if not path.is_file():
        raise NoStore(str(out_dir), f"not a batch output folder (no {STORE_NAME}; run `extractor batch` first)")
    return Store(path)


class _Transaction:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> None:
        self.connection.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.connection.execute("COMMIT" if kind is None else "ROLLBACK")
