"""What the review pages show, read from the batch's store: documents, the queue, items, decisions.

The records are read once and again only when the batch changed the store. Each server thread
has its own SQLite connection (a connection may not cross threads); writes go through
``Corrections``, whose versions make two servers on one store safe.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.corrections import (
    PARTS,
    Corrections,
    Edit,
    InvalidCorrection,
    Validator,
    item_paths,
    parse_path,
    value_of,
)
from extractor.review.images import PdfFile
from extractor.store import Store, open_store

if TYPE_CHECKING:
    from extractor.consistency import CheckFailure

SECTION_NAMES = {
    "references": "Reference",
    "received_stamps": "Received stamp",
    "figures": "Figure",
    "schools": "School",
    "source.signatures": "Signature",
}
SECTION_KINDS = {
    "references": "reference",
    "received_stamps": "stamp",
    "figures": "figure",
    "schools": "school",
    "source.signatures": "signature",
}
FIELD_KINDS = {"number": "number", "date": "date"}
PART_LABELS = {
    "value": "Value",
    "classes": "Classes (lớp)",
    "students": "Students (học viên)",
    "label": "What it counts",
    "period": "Period",
    "school": "School",
    "kind": "Kind",
    "number": "Number",
    "date": "Date",
    "receiver": "Receiver",
}
ACTIONS = {"accept": "accepted", "correct": "corrected", "reject": "rejected", "revert": "reverted"}


@dataclass(frozen=True)
class Document:
    sha256: str
    files: tuple[str, ...]
    """Where the document is in the archive (one content may sit at several paths)."""
    record: dict[str, Any]
    failures: tuple[CheckFailure, ...]
    """Consistency checks the extraction fails on its own."""
    archive_failures: tuple[CheckFailure, ...] = ()
    """Checks it fails together with other documents (H1 + H2 ≠ year, sources that disagree)."""

    @property
    def file(self) -> str:
        return self.files[0]


@dataclass(frozen=True)
class QueueItem:
    document: str
    file: str
    path: str
    reason: str
    confidence: float
    kind: str
    message: str | None = None
    """A consistency check's explanation."""

    @property
    def key(self) -> tuple[float, str, str, str]:
        return (self.confidence, self.file, self.path, self.reason)


@dataclass(frozen=True)
class Filters:
    document: str = ""
    kind: str = ""
    reason: str = ""
    view: str = "left"

    def keep(self, item: QueueItem, decided: bool) -> bool:
        return (
            (not self.document or item.document == self.document)
            and (not self.kind or item.kind == self.kind)
            and (not self.reason or item.reason == self.reason)
            and (self.view == "all" or not decided)
        )

    def query(self) -> dict[str, str]:
        return {name: value for name, value in self.__dict__.items() if value and (name, value) != ("view", "left")}


@dataclass
class Queue:
    items: list[QueueItem]
    decided: dict[tuple[str, str], str]
    """The status of every decided (document, path)."""
    total: int
    left: int
    kinds: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def is_decided(self, item: QueueItem) -> bool:
        return (item.document, item.path) in self.decided

    def status(self, item: QueueItem) -> str:
        return self.decided.get((item.document, item.path), "auto")


@dataclass(frozen=True)
class Part:
    """One input of an item's form."""

    name: str
    path: str
    label: str
    kind: str
    value: Any


class ReviewData:
    def __init__(self, out_dir: Path, archive: Path | None = None) -> None:
        self.out_dir = out_dir
        self.archive = archive
        self.validator = Validator()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._documents: dict[str, Document] = {}
        self._items: list[QueueItem] = []
        """Every queue entry of ``_documents``, worst first (filters keep the order)."""
        self._stamp: tuple[Any, ...] | None = None
        self._statuses: dict[str, tuple[int, dict[str, str]]] = {}
        """Per document: its latest correction's id and the status of each path decided then."""
        open_store(out_dir).close()  # NoStore now rather than at the first request

    # -- store access --------------------------------------------------------------------

    @property
    def store(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = open_store(self.out_dir)
            self._local.corrections = Corrections(store)
        return store

    @property
    def corrections(self) -> Corrections:
        self.store  # noqa: B018 (opens this thread's connection and its Corrections)
        return self._local.corrections

    def documents(self) -> dict[str, Document]:
        """Every done document by sha256, reloaded when the batch has changed the store."""
        return self._current()[0]

    def _current(self) -> tuple[dict[str, Document], list[QueueItem]]:
        """The documents and their queue entries, both read again only when the batch changed the store."""
        stamp = self.store.connection.execute(
            "SELECT (SELECT COUNT(*) FROM files), (SELECT MAX(updated_at) FROM files),"
            " (SELECT MAX(updated_at) FROM documents)"
        ).fetchone()
        with self._lock:
            if stamp != self._stamp:
                self._documents = self._load()
                self._items = sorted(_queue_items(self._documents.values()), key=lambda item: item.key)
                self._statuses = {}
                self._stamp = stamp
            return self._documents, self._items

    def _load(self) -> dict[str, Document]:
        """The records with the consistency checks they fail, alone and across the archive."""
        from extractor.consistency import check_archive, check_document
        from extractor.export import exported_documents

        found = list(exported_documents(self.store))
        across: dict[str, list[CheckFailure]] = {}
        for failure in check_archive([doc.record for doc in found]):
            across.setdefault(failure.document or "", []).append(failure)
        return {
            doc.id: Document(
                doc.id, doc.paths, doc.record, tuple(check_document(doc.record)), tuple(across.get(doc.id, ()))
            )
            for doc in found
        }

    def current_failures(self, document: Document) -> list[CheckFailure]:
        """The checks a document fails with its corrections applied, figures named by their place in
        the extraction (a rejected figure no longer counts)."""
        from extractor.consistency import check_document

        corrected = self.corrections.apply(document.record)
        rejected = {item["path"] for item in corrected["review_rejected"]}
        paths = (f"figures[{index}]" for index in range(len(document.record["figures"])))
        kept = [path for path in paths if path not in rejected]
        return [
            dataclasses.replace(failure, figures=tuple(kept[int(path[8:-1])] for path in failure.figures))
            for failure in check_document(corrected)
        ]

    def document(self, sha256: str) -> Document | None:
        return self.documents().get(sha256)

    def pdf(self, document: Document) -> PdfFile | None:
        """The original PDF of a document, as the batch saw it; ``None`` when the archive is unknown."""
        root = self.archive or self._recorded_archive()
        if root is None:
            return None
        for relative in document.files:
            row = self.store.connection.execute(
                "SELECT size, mtime_ns FROM files WHERE path = ? AND sha256 = ?", (relative, document.sha256)
            ).fetchone()
            path = (root / relative).resolve()
            if row and path.is_relative_to(root.resolve()):
                return PdfFile(path, row[0], row[1])
        return None

    def _recorded_archive(self) -> Path | None:
        archive = self.store.meta("archive")
        return Path(archive) if archive else None

    # -- the queue -----------------------------------------------------------------------

    def queue(self, filters: Filters) -> Queue:
        """Review items and failed consistency checks, worst confidence first."""
        decided = self.decided()
        everything = self._current()[1]
        kinds = sorted({item.kind for item in everything})
        reasons = sorted({item.reason for item in everything})
        left = sum((item.document, item.path) not in decided for item in everything)
        chosen = [item for item in everything if filters.keep(item, (item.document, item.path) in decided)]
        return Queue(chosen, decided, len(everything), left, kinds, reasons)

    def decided(self) -> dict[tuple[str, str], str]:
        """The status of every (document, path) with a decision, by its path in the current extraction
        (a correction made before a re-extraction follows its item). Worked out again only for
        documents whose corrections changed."""
        latest = dict(
            self.store.connection.execute("SELECT document, MAX(id) FROM corrections GROUP BY document").fetchall()
        )
        documents = self.documents()
        with self._lock:
            for sha256, last in latest.items():
                cached = self._statuses.get(sha256)
                if sha256 in documents and (cached is None or cached[0] != last):
                    _, statuses = self.corrections.effective(documents[sha256].record)
                    decided = {path: status for path, status in statuses.items() if status != "auto"}
                    self._statuses[sha256] = (last, decided)
            return {
                (sha256, path): status
                for sha256 in latest
                if sha256 in self._statuses
                for path, status in self._statuses[sha256][1].items()
            }

    def neighbours(self, filters: Filters, current: QueueItem) -> tuple[QueueItem | None, QueueItem | None]:
        """The items before and after ``current`` in the filtered queue (``current`` may have left it)."""
        items = self.queue(filters).items
        before = [item for item in items if item.key < current.key]
        after = [item for item in items if item.key > current.key]
        return (before[-1] if before else None), (after[0] if after else None)

    def queue_item(self, document: Document, path: str, reason: str) -> QueueItem:
        """The queue entry of ``path`` with ``reason`` (or a plain one for an item opened from a page)."""
        for entry in document.record["review"]:
            if entry["path"] == path and entry["reason"] == reason:
                return QueueItem(document.sha256, document.file, path, reason, entry["confidence"], kind_of(path))
        for failure in (*document.failures, *document.archive_failures):
            if failure.check == reason and path in failure.figures[:1]:
                confidence = _confidence(document.record, path)
                return QueueItem(document.sha256, document.file, path, reason, confidence, "figure", failure.message)
        return QueueItem(document.sha256, document.file, path, "", _confidence(document.record, path), kind_of(path))

    # -- items ---------------------------------------------------------------------------

    def parts(self, effective: dict[str, Any], path: str) -> list[Part]:
        """The inputs of an item's form, filled with the current values (``effective``: the record with
        its corrections, ``Corrections.effective``)."""
        target = parse_path(path)
        value = _value_at(effective, path)
        if target.section == "source.signatures":
            return []
        if target.section not in PARTS:
            shown = (value or {}).get("name" if target.section == "schools" else "value")
            return [Part("value", path, PART_LABELS["value"], self.validator.kind(path), shown)]
        value = value or {}
        return [
            Part(name, f"{path}.{name}", PART_LABELS[name], self.validator.kind(f"{path}.{name}"), value.get(name))
            for name in PARTS[target.section]
        ]

    def decide(
        self, document: Document, path: str, version: int, action: str, typed: dict[str, str], new_school: bool,
        reviewer: str,
    ) -> int:  # fmt: skip
        """Record a reviewer's decision; ``InvalidCorrection`` or ``Conflict`` when it cannot be."""
        if action not in ACTIONS:
            raise InvalidCorrection(f"{path}: unknown action {action!r}")
        parse_path(path)
        if action != "correct":
            edits = [Edit(path, ACTIONS[action])]
        else:
            edits = self._corrections(document, path, typed, new_school)
        return self.corrections.write(document.record, path, version, edits, reviewer)

    def _corrections(self, document: Document, path: str, typed: dict[str, str], new_school: bool) -> list[Edit]:
        """Edits for the parts whose value changed; none changed means the reviewer confirms it."""
        edits, problems = [], []
        effective, _ = self.corrections.effective(document.record)
        for part in self.parts(effective, path):
            if part.name not in typed:
                continue
            try:
                value = self.validator.parse(part.path, typed[part.name], new_school)
            except InvalidCorrection as exc:
                problems.append(str(exc))
                continue
            shown = value["name"] if isinstance(value, dict) else value
            if shown != part.value:
                edits.append(Edit(path if part.name == "value" else part.path, "corrected", value))
        if problems:
            raise InvalidCorrection("; ".join(problems))
        return edits or [Edit(path, "accepted")]

    def boxes(self, document: Document) -> Iterator[tuple[str, str, int, list[float]]]:
        """(path, label, page, bbox) of every located item of a document, schools once per mention."""
        record = document.record
        for path in item_paths(record):
            value = _value_at(record, path)
            if not isinstance(value, dict):
                continue
            places = value.get("mentions") or [value]
            for place in places:
                if place.get("page") and place.get("bbox"):
                    yield path, f"{label_of(path)}: {summary(record, path)}", place["page"], place["bbox"]


def _queue_items(documents: Iterable[Document]) -> Iterator[QueueItem]:
    """The review items and failed consistency checks of ``documents``."""
    for document in documents:
        record = document.record
        for entry in record["review"]:
            if _parses(entry["path"]):
                yield QueueItem(
                    document.sha256, document.file, entry["path"], entry["reason"], entry["confidence"],
                    kind_of(entry["path"]),
                )  # fmt: skip
        for failure in (*document.failures, *document.archive_failures):
            for path in failure.figures[:1]:
                confidence = _confidence(record, path)
                yield QueueItem(
                    document.sha256, document.file, path, failure.check, confidence, "figure", failure.message
                )


# -- presentation helpers -------------------------------------------------------------------


def kind_of(path: str) -> str:
    """The field kind the queue filters by."""
    target = parse_path(path)
    if target.section != "document":
        return SECTION_KINDS[target.section]
    if ".signers[" in path:
        return "signer"
    if ".recipients[" in path:
        return "recipient"
    return FIELD_KINDS.get(path.split(".", 1)[1], "text")


def label_of(path: str) -> str:
    """A reviewer's name for a path: "Figure 4", "Signer 1 — position", "Date"."""
    target = parse_path(path)
    suffix = f" — {target.part}" if target.part else ""
    if target.section != "document":
        return f"{SECTION_NAMES[target.section]} {(target.index or 0) + 1}{suffix}"
    match = re.match(r"document\.(signers|recipients)\[(\d+)\](?:\.(\w+))?", path)
    if match:
        kind, number, part = match.groups()
        return f"{kind[:-1].capitalize()} {int(number) + 1}" + (f" — {part}" if part else "")
    return path.split(".", 1)[1].replace("_", " ").capitalize()


def summary(record: dict[str, Any], path: str) -> str:
    """One line saying what the item holds."""
    value = _value_at(record, path)
    if value is None:
        return "— (not found)"
    section = parse_path(path).section
    if section == "figures":
        students = f" / {value['students']} học viên" if value["students"] is not None else ""
        details = ", ".join(str(v) for v in (value["period"], value["school"], value["kind"]) if v)
        return f"{value['classes']} lớp{students} — {value['label'] or '?'} ({details})"
    if section == "references":
        return " ".join(str(v) for v in (value["kind"], value["number"], value["date"]) if v)
    if section == "received_stamps":
        return " ".join(
            str(v) for v in (value["receiver"], value["number"] and f"số {value['number']}", value["date"]) if v
        )
    if section == "schools":
        return value["name"] + ("" if value["id"] else " (not in the gazetteer)")
    if section == "source.signatures":
        return " ".join(str(v) for v in (value.get("signer"), value.get("signed_at"), *value.get("flags", [])) if v)
    return str(value["value"])


def source_of(record: dict[str, Any], path: str) -> dict[str, Any] | None:
    """Where an item was read: page, bbox, text, confidence (a school's first mention)."""
    value = _value_at(record, path)
    if not isinstance(value, dict):
        return None
    if "mentions" in value:
        mention = value["mentions"][0]
        return {**mention, "confidence": value["score"]}
    return {key: value.get(key) for key in ("page", "bbox", "text", "confidence")}


def _value_at(record: dict[str, Any], path: str) -> Any:
    return value_of(record, parse_path(path).item)


def _confidence(record: dict[str, Any], path: str) -> float:
    value = _value_at(record, path)
    if not isinstance(value, dict):
        return 0.0
    return float(value.get("confidence", value.get("score", 0.0)))


def _parses(path: str) -> bool:
    try:
        parse_path(path)
    except InvalidCorrection:
        return False
    return True
