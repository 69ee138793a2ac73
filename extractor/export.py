"""A batch's records as tables other systems load: JSON Lines, CSV files, or one SQLite database.

Each document is exported once, keyed by its id (``source.sha256``), with every path it was
found at (the same PDF at two paths is one document). Tables and their columns are fixed here
(``TABLES``) and documented in ``docs/record.md``; a column is only ever added, never renamed.
``ordinal`` is an item's index in its record list, so ``figures`` row ``ordinal = 3`` is
``figures[3]``, the path review items and corrections use. ``*_status`` columns hold the review
status (``auto``, ``accepted``, ``corrected``) with ``--corrected`` and are empty otherwise.

Everything is written whole or not at all: a temporary file (or folder) beside the target,
then a rename.
"""

from __future__ import annotations

import contextlib
import csv
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from extractor.files import atomic_folder, atomic_path, write_lines_atomically

if TYPE_CHECKING:
    from extractor.store import FileState, Store

FORMATS = ("jsonl", "csv", "sqlite")
CSV_ENCODING = "utf-8-sig"
"""UTF-8 with a byte-order mark: without it Excel on Windows reads the file in the ANSI code
page and garbles every Vietnamese letter."""
DOCUMENT_FIELDS = ("number", "type", "issuer", "parent_issuer", "place", "date", "subject")
SIGNER_ROLES = ("name", "position", "capacity")
BBOX_COLUMNS = ("bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom")


@dataclass(frozen=True)
class Exported:
    """One document to export: its id, the paths it was found at (sorted), its record."""

    id: str
    paths: tuple[str, ...]
    record: dict[str, Any]

    def status(self, path: str) -> str | None:
        return self.record.get("review_status", {}).get(path)


Row = dict[str, Any]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]
    """(name, SQLite type) in order; ``BOOLEAN`` is stored as 0/1."""
    key: tuple[str, ...]
    rows: Callable[[Exported], Iterator[Row]]
    indexes: tuple[tuple[str, ...], ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)


def text(*names: str) -> tuple[tuple[str, str], ...]:
    return tuple((name, "TEXT") for name in names)


LOCATION = (("text", "TEXT"), ("page", "INTEGER"), *((name, "REAL") for name in BBOX_COLUMNS))
ITEM = (("document_id", "TEXT"), ("ordinal", "INTEGER"))


def located(item: dict[str, Any]) -> Row:
    bbox = item.get("bbox") or (None,) * 4
    return {"text": item.get("text"), "page": item.get("page"), **dict(zip(BBOX_COLUMNS, bbox, strict=True))}


def field_columns(prefix: str) -> tuple[tuple[str, str], ...]:
    return (
        (prefix, "TEXT"),
        (f"{prefix}_confidence", "REAL"),
        (f"{prefix}_page", "INTEGER"),
        (f"{prefix}_status", "TEXT"),
    )


def field_row(prefix: str, field: dict[str, Any] | None, status: str | None) -> Row:
    field = field or {}
    return {
        prefix: field.get("value"),
        f"{prefix}_confidence": field.get("confidence"),
        f"{prefix}_page": field.get("page"),
        f"{prefix}_status": status,
    }


def document_rows(doc: Exported) -> Iterator[Row]:
    record = doc.record
    row: Row = {
        "document_id": doc.id,
        "path": doc.paths[0],
        "path_count": len(doc.paths),
        "pages": record["source"]["pages"],
        "ocr_pages": record["source"]["text_source"].count("ocr"),
        "schema_version": record["schema_version"],
        "extractor_version": record["extractor_version"],
        "review_count": len(record["review"]),
    }
    for key in DOCUMENT_FIELDS:
        row |= field_row(key, record["document"][key], doc.status(f"document.{key}"))
    yield row


def path_rows(doc: Exported) -> Iterator[Row]:
    return ({"path": path, "document_id": doc.id} for path in doc.paths)


def listed(section: str, values: Callable[[dict[str, Any]], Row]) -> Callable[[Exported], Iterator[Row]]:
    """Rows of one list of the record: the document, the ordinal, the item's own columns."""

    def rows(doc: Exported) -> Iterator[Row]:
        items = doc.record["source"]["signatures"] if section == "signatures" else doc.record[section]
        for ordinal, item in enumerate(items):
            path = f"source.signatures[{ordinal}]" if section == "signatures" else f"{section}[{ordinal}]"
            yield {"document_id": doc.id, "ordinal": ordinal, **values(item), "status": doc.status(path)}

    return rows


def signer_rows(doc: Exported) -> Iterator[Row]:
    for ordinal, signer in enumerate(doc.record["document"]["signers"]):
        row: Row = {"document_id": doc.id, "ordinal": ordinal}
        for role in SIGNER_ROLES:
            row |= field_row(role, signer[role], doc.status(f"document.signers[{ordinal}].{role}"))
        yield row


def recipient_rows(doc: Exported) -> Iterator[Row]:
    for ordinal, recipient in enumerate(doc.record["document"]["recipients"]):
        row = field_row("recipient", recipient, doc.status(f"document.recipients[{ordinal}]"))
        yield {"document_id": doc.id, "ordinal": ordinal, **row, **located(recipient or {})}


def school_values(school: dict[str, Any]) -> Row:
    first = school["mentions"][0] if school["mentions"] else {}
    return {
        "name": school["name"],
        "school_id": school["id"],
        "province": school["province"],
        "score": school["score"],
        "mentions": len(school["mentions"]),
        **located(first),
    }


def signature_values(signature: dict[str, Any]) -> Row:
    keys = ("signer", "organisation", "signed_at", "cms_signing_time", "intact", "covers_whole_file", "field")
    return {
        **{key: signature.get(key) for key in keys},
        "reason": signature.get("reason"),
        "location": signature.get("location"),
        "source": signature["source"],
        "flags": "; ".join(signature["flags"]),
        "detail": signature.get("detail"),
        "confidence": signature.get("confidence"),
        **located(signature),
    }


def picked(*keys: str) -> Callable[[dict[str, Any]], Row]:
    return lambda item: {**{key: item[key] for key in keys}, "confidence": item["confidence"], **located(item)}


STATUS = (("status", "TEXT"),)
TABLES = (
    Table(
        "documents",
        (
            ("document_id", "TEXT"),
            ("path", "TEXT"),
            ("path_count", "INTEGER"),
            ("pages", "INTEGER"),
            ("ocr_pages", "INTEGER"),
            *text("schema_version", "extractor_version"),
            ("review_count", "INTEGER"),
            *(column for key in DOCUMENT_FIELDS for column in field_columns(key)),
        ),
        ("document_id",),
        document_rows,
        (("issuer",), ("date",), ("number",)),
    ),
    Table("paths", (("path", "TEXT"), ("document_id", "TEXT")), ("path",), path_rows, (("document_id",),)),
    Table(
        "signers",
        (*ITEM, *(column for role in SIGNER_ROLES for column in field_columns(role))),
        ("document_id", "ordinal"),
        signer_rows,
    ),
    Table(
        "recipients",
        (*ITEM, *field_columns("recipient"), *LOCATION),
        ("document_id", "ordinal"),
        recipient_rows,
    ),
    Table(
        "references",
        (*ITEM, *text("kind", "number", "date"), ("confidence", "REAL"), *LOCATION, *STATUS),
        ("document_id", "ordinal"),
        listed("references", picked("kind", "number", "date")),
        (("number",),),
    ),
    Table(
        "received_stamps",
        (*ITEM, *text("receiver", "number", "date"), ("confidence", "REAL"), *LOCATION, *STATUS),
        ("document_id", "ordinal"),
        listed("received_stamps", picked("receiver", "number", "date")),
    ),
    Table(
        "schools",
        (
            *ITEM,
            *text("name", "school_id", "province"),
            ("score", "REAL"),
            ("mentions", "INTEGER"),
            *LOCATION,
            *STATUS,
        ),
        ("document_id", "ordinal"),
        listed("schools", school_values),
        (("name",),),
    ),
    Table(
        "figures",
        (
            *ITEM,
            ("classes", "INTEGER"),
            ("students", "INTEGER"),
            *text("label", "period", "school", "kind"),
            ("confidence", "REAL"),
            *LOCATION,
            *STATUS,
        ),
        ("document_id", "ordinal"),
        listed("figures", picked("classes", "students", "label", "period", "school", "kind")),
        (("school", "period"), ("period",)),
    ),
    Table(
        "signatures",
        (
            *ITEM,
            *text("signer", "organisation", "signed_at", "cms_signing_time"),
            ("intact", "BOOLEAN"),
            ("covers_whole_file", "BOOLEAN"),
            *text("field", "reason", "location", "source", "flags", "detail"),
            ("confidence", "REAL"),
            *LOCATION,
            *STATUS,
        ),
        ("document_id", "ordinal"),
        listed("signatures", signature_values),
    ),
    Table(
        "review",
        (*ITEM, *text("path", "reason"), ("confidence", "REAL")),
        ("document_id", "ordinal"),
        lambda doc: (
            {"document_id": doc.id, "ordinal": ordinal, **item} for ordinal, item in enumerate(doc.record["review"])
        ),
    ),
)


# -- reading the store -------------------------------------------------------------------------


def exported_documents(store: Store, corrected: bool = False) -> Iterator[Exported]:
    """Every done document once, in the order of its first path, with all its paths.

    Paths come from the file table; each document's record is then read (and parsed) once,
    under its first path's version and patterns, so only one record is in memory at a time
    whatever the size of the archive, and a PDF found at many paths is not read many times.
    """
    states: dict[str, list[FileState]] = {}
    for _, state in sorted(store.file_states().items()):
        if state.status == "done" and state.sha256:
            states.setdefault(state.sha256, []).append(state)
    correct = corrector(store) if corrected else None
    for sha256, found in states.items():
        record = store.document(sha256, found[0].version, found[0].patterns)
        if record is not None:
            yield Exported(sha256, tuple(state.path for state in found), correct(record) if correct else record)


def corrector(store: Store) -> Callable[[dict[str, Any]], dict[str, Any]]:
    from extractor.corrections import Corrections

    return Corrections(store).apply


# -- writing ---------------------------------------------------------------------------------


def export(store: Store, target: Path, format: str, corrected: bool = False) -> int:
    """Write the store's documents to ``target`` in ``format``; how many documents."""
    documents = exported_documents(store, corrected)
    writer = {"jsonl": write_jsonl, "csv": write_csv, "sqlite": write_sqlite}[format]
    return writer(documents, target)


def jsonl_lines(documents: Iterator[Exported], counter: list[int]) -> Iterator[str]:
    for doc in documents:
        counter[0] += 1
        yield json.dumps({"document_id": doc.id, "paths": list(doc.paths), "record": doc.record}, ensure_ascii=False)


def write_jsonl(documents: Iterator[Exported], target: Path) -> int:
    """One line per document: ``{"document_id", "paths", "record"}``, the record as stored (or corrected)."""
    counter = [0]
    write_lines_atomically(target, jsonl_lines(documents, counter))
    return counter[0]


def write_jsonl_stream(documents: Iterator[Exported], stream: TextIO) -> int:
    counter = [0]
    for line in jsonl_lines(documents, counter):
        stream.write(line + "\n")
    return counter[0]


def csv_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def write_csv(documents: Iterator[Exported], target: Path) -> int:
    """One RFC 4180 file per table (``documents.csv``, ``figures.csv``, …) in the folder ``target``."""
    count = 0
    with atomic_folder(target) as folder, contextlib.ExitStack() as files:
        writers = {}
        for table in TABLES:
            stream = files.enter_context((folder / f"{table.name}.csv").open("w", encoding=CSV_ENCODING, newline=""))
            writers[table.name] = csv.writer(stream)
            writers[table.name].writerow(table.names)
        for doc in documents:
            count += 1
            for table in TABLES:
                writers[table.name].writerows([csv_value(row[name]) for name in table.names] for row in table.rows(doc))
    return count


def create_statements(table: Table) -> list[str]:
    columns = [f'"{name}" {"INTEGER" if kind == "BOOLEAN" else kind}' for name, kind in table.columns]
    constraints = [f"PRIMARY KEY ({', '.join(table.key)})"]
    if table.name != "documents":
        constraints.append("FOREIGN KEY (document_id) REFERENCES documents (document_id)")
    statements = [f'CREATE TABLE "{table.name}" ({", ".join(columns + constraints)}) STRICT']
    for columns_indexed in table.indexes:
        name = f"{table.name}_by_{'_'.join(columns_indexed)}"
        statements.append(f'CREATE INDEX "{name}" ON "{table.name}" ({", ".join(columns_indexed)})')
    return statements


def write_sqlite(documents: Iterator[Exported], target: Path) -> int:
    """One database: the tables with typed columns, primary and foreign keys, and indexes."""
    count = 0
    with atomic_path(target) as path:
        connection = sqlite3.connect(path, isolation_level=None)
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("BEGIN")
            for table in TABLES:
                for statement in create_statements(table):
                    connection.execute(statement)
            inserts = {table.name: insert_statement(table) for table in TABLES}
            for doc in documents:
                count += 1
                for table in TABLES:
                    rows = [[row[name] for name in table.names] for row in table.rows(doc)]
                    connection.executemany(inserts[table.name], rows)
            connection.execute("COMMIT")
        finally:
            connection.close()
    return count


def insert_statement(table: Table) -> str:
    return f'INSERT INTO "{table.name}" VALUES ({", ".join("?" * len(table.columns))})'


def replaceable_folder(target: Path) -> bool:
    """Only a folder this module wrote (nothing but its tables' CSV files) may be replaced."""
    if not target.exists():
        return True
    if not target.is_dir():
        return False
    ours = {f"{table.name}.csv" for table in TABLES}
    return all(entry.name in ours for entry in target.iterdir())
