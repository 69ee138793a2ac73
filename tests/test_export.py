"""``extractor export``: every format, its columns and keys, each document once, CSV escaping."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor import export as exporting
from extractor.export import TABLES, Exported, write_csv
from extractor.store import open_store
from tests.batch_output import DUPLICATED, FILES, build_batch_output, run_cli, stored_records, without_file

DOCUMENT_COLUMNS = (
    "document_id,path,path_count,pages,ocr_pages,schema_version,extractor_version,review_count,"
    + ",".join(f"{key},{key}_confidence,{key}_page,{key}_status" for key in exporting.DOCUMENT_FIELDS)
).split(",")
FIGURE_COLUMNS = [
    "document_id",
    "ordinal",
    "classes",
    "students",
    "label",
    "period",
    "school",
    "kind",
    "confidence",
    "text",
    "page",
    "bbox_x0",
    "bbox_top",
    "bbox_x1",
    "bbox_bottom",
    "status",
]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_batch_output(tmp_path_factory.mktemp("export"))


@pytest.fixture(scope="module")
def documents(out: Path) -> dict[str, dict]:
    """Each distinct stored record by its id."""
    return {record["source"]["sha256"]: record for record in stored_records(out).values()}


def export(out: Path, fmt: str, *args: str) -> Path:
    done = run_cli("export", str(out), "--format", fmt, *args)
    assert done.returncode == 0, done.stderr
    return Path(done.stderr.split("→ ", 1)[1].strip())


def read_csv(folder: Path, table: str) -> list[dict[str, str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def duplicated_id(documents: dict[str, dict]) -> str:
    return next(id for id, record in documents.items() if record["document"]["number"]["value"] == "12/BC-TCT")


# -- jsonl ---------------------------------------------------------------------------------------


def test_jsonl_has_one_line_per_document_with_every_path(out: Path, documents: dict[str, dict]) -> None:
    target = export(out, "jsonl")
    assert target == out / "export.jsonl"
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(documents) == len(FILES) - 1
    by_id = {line["document_id"]: line for line in lines}
    assert set(by_id) == set(documents)
    for id, line in by_id.items():
        assert set(line) == {"document_id", "paths", "record"}
        assert line["record"]["source"]["sha256"] == id
        assert without_file(line["record"]) == without_file(documents[id])
        assert line["record"]["source"]["file"] in line["paths"]
    assert by_id[duplicated_id(documents)]["paths"] == sorted(p for p, s in FILES.items() if s == DUPLICATED)


def test_jsonl_to_stdout_is_the_same(out: Path) -> None:
    target = export(out, "jsonl", "-o", str(out / "same.jsonl"))
    done = run_cli("export", str(out), "--format", "jsonl", "-o", "-")
    assert done.returncode == 0, done.stderr
    assert done.stdout == target.read_text(encoding="utf-8")


# -- csv -----------------------------------------------------------------------------------------


def test_csv_tables_columns_and_rows(out: Path, documents: dict[str, dict]) -> None:
    folder = export(out, "csv", "-o", str(out / "tables"))
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t.name}.csv" for t in TABLES)
    raw = (folder / "documents.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the byte-order mark to read UTF-8"
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")[:200]
    for table in TABLES:
        with (folder / f"{table.name}.csv").open(encoding="utf-8-sig", newline="") as stream:
            assert next(csv.reader(stream)) == list(table.names)
    rows = read_csv(folder, "documents")
    assert list(rows[0]) == DOCUMENT_COLUMNS
    assert len(rows) == len(documents) and {row["document_id"] for row in rows} == set(documents)
    duplicate = next(row for row in rows if row["document_id"] == duplicated_id(documents))
    assert duplicate["path_count"] == "2"
    paths = read_csv(folder, "paths")
    assert sorted(row["path"] for row in paths) == sorted(FILES)
    figures = read_csv(folder, "figures")
    assert list(figures[0]) == FIGURE_COLUMNS
    assert len(figures) == sum(len(record["figures"]) for record in documents.values())
    for row in figures:
        figure = documents[row["document_id"]]["figures"][int(row["ordinal"])]
        assert row["classes"] == str(figure["classes"]) and row["text"] == figure["text"]
        assert row["students"] == ("" if figure["students"] is None else str(figure["students"]))


def test_csv_keeps_vietnamese_commas_and_newlines(out: Path, documents: dict[str, dict]) -> None:
    folder = export(out, "csv", "-o", str(out / "tables-2"))
    subjects = {row["document_id"]: row["subject"] for row in read_csv(folder, "documents")}
    assert subjects == {id: record["document"]["subject"]["value"] for id, record in documents.items()}
    assert any("," in subject for subject in subjects.values())
    signatures = read_csv(folder, "signatures")
    assert signatures and all("\n" in row["text"] for row in signatures if row["source"] == "appearance")
    stamps = read_csv(folder, "received_stamps")
    assert [row["text"] for row in stamps] == [
        stamp["text"] for record in documents.values() for stamp in record["received_stamps"]
    ]


def test_csv_quotes_by_rfc_4180(documents: dict[str, dict], tmp_path: Path) -> None:
    record = json.loads(json.dumps(next(iter(documents.values()))))
    awkward = 'Báo cáo "sơ kết", năm 2023;\nđợt 2\r\ncuối'
    record["document"]["subject"]["value"] = awkward
    doc = Exported(record["source"]["sha256"], ('a,"b".pdf',), record)
    write_csv(iter([doc]), tmp_path / "csv")
    text = (tmp_path / "csv" / "documents.csv").read_bytes().decode("utf-8-sig")
    assert text.count("\r\n") == 3, "two records ended by CRLF, one CRLF kept inside a quoted value"
    assert '"Báo cáo ""sơ kết"", năm 2023;\nđợt 2\r\ncuối"' in text
    assert '"a,""b"".pdf"' in text
    row = next(csv.DictReader(io.StringIO(text, newline="")))
    assert row["subject"] == awkward and row["path"] == 'a,"b".pdf'


def test_csv_refuses_to_replace_a_foreign_folder(out: Path) -> None:
    foreign = out / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    done = run_cli("export", str(out), "--format", "csv", "-o", str(foreign))
    assert done.returncode == 2 and "other files" in done.stderr
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"


# -- sqlite --------------------------------------------------------------------------------------


def test_sqlite_keys_types_and_indexes(out: Path, documents: dict[str, dict]) -> None:
    database = export(out, "sqlite")
    connection = sqlite3.connect(database)
    try:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert tables == {table.name for table in TABLES}
        for table in TABLES:
            columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{table.name}")')]
            assert columns == list(table.names)
            keys = [
                row[1]
                for row in sorted(connection.execute(f'PRAGMA table_info("{table.name}")'), key=lambda r: r[5])
                if row[5]
            ]
            assert keys == list(table.key)
            if table.name != "documents":
                parents = {row[2] for row in connection.execute(f'PRAGMA foreign_key_list("{table.name}")')}
                assert parents == {"documents"}
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == len(documents)
        types = connection.execute(
            "SELECT DISTINCT typeof(classes), typeof(confidence), typeof(period) FROM figures"
        ).fetchall()
        assert types == [("integer", "real", "text")]
        indexes = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"figures_by_school_period", "documents_by_issuer", "paths_by_document_id"} <= indexes
        paths = connection.execute(
            "SELECT p.path FROM paths p JOIN documents d USING (document_id) WHERE d.number = '12/BC-TCT' ORDER BY 1"
        ).fetchall()
        assert [p for (p,) in paths] == sorted(p for p, s in FILES.items() if s == DUPLICATED)
        totals = connection.execute("SELECT SUM(classes) FROM figures").fetchone()[0]
        assert totals == sum(f["classes"] for record in documents.values() for f in record["figures"])
        flags = connection.execute("SELECT intact, flags FROM signatures WHERE source = 'appearance'").fetchall()
        assert flags and all(intact is None for intact, _ in flags)
    finally:
        connection.close()


def test_sqlite_rejects_an_orphan_row(out: Path) -> None:
    database = export(out, "sqlite", "-o", str(out / "check.sqlite"))
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute("INSERT INTO paths VALUES ('x.pdf', ?)", ("0" * 64,))
    finally:
        connection.close()


# -- all formats ---------------------------------------------------------------------------------


def failing(documents: Iterator[Exported]) -> Iterator[Exported]:
    """The first document, then a write error (a full disk)."""
    yield next(documents)
    raise OSError("disk full")


def test_a_failed_export_leaves_the_previous_one(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = out / "kept.sqlite"
    export(out, "sqlite", "-o", str(target))
    before = target.read_bytes()
    original = exporting.exported_documents
    monkeypatch.setattr(exporting, "exported_documents", lambda store, corrected: failing(original(store)))
    store = open_store(out)
    try:
        for fmt, path in (("sqlite", target), ("csv", out / "kept-csv"), ("jsonl", out / "kept.jsonl")):
            with pytest.raises(OSError, match="disk full"):
                exporting.export(store, path, fmt)
    finally:
        store.close()
    assert target.read_bytes() == before
    assert not (out / "kept.jsonl").exists() and not (out / "kept-csv").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_export_of_a_folder_without_store_is_exit_13(tmp_path: Path) -> None:
    done = run_cli("export", str(tmp_path), "--format", "csv")
    assert done.returncode == 13
    assert done.stderr.startswith("extractor: ") and "store.sqlite" in done.stderr
    assert not list(tmp_path.iterdir())


def test_corrected_export_applies_the_reviewers_corrections(out: Path, tmp_path: Path) -> None:
    from extractor.corrections import Corrections, Edit

    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    store = open_store(copy)
    try:
        record = next(r for _, r in store.records() if r["figures"])
        Corrections(store).write(record, "figures[0]", 0, [Edit("figures[0].students", "corrected", 4321)], "tester")
    finally:
        store.close()
    plain = read_csv(export(copy, "csv", "-o", str(copy / "plain")), "figures")
    fixed = read_csv(export(copy, "csv", "--corrected", "-o", str(copy / "fixed")), "figures")
    document = record["source"]["sha256"]

    def first(rows: list[dict[str, str]]) -> dict[str, str]:
        return next(r for r in rows if r["document_id"] == document and r["ordinal"] == "0")

    assert first(plain)["students"] == str(record["figures"][0]["students"]) and first(plain)["status"] == ""
    assert first(fixed)["students"] == "4321" and first(fixed)["status"] == "corrected"
    assert first(fixed)["confidence"] == "1.0"
    untouched = [r for r in fixed if r["document_id"] != document]
    assert untouched and all(r["status"] == "auto" for r in untouched)
    lines = export(copy, "jsonl", "--corrected", "-o", str(copy / "fixed.jsonl")).read_text(encoding="utf-8")
    corrected = next(json.loads(x)["record"] for x in lines.splitlines() if document in x)
    assert corrected["figures"][0]["students"] == 4321
    assert corrected["review_status"]["figures[0]"] == "corrected"
