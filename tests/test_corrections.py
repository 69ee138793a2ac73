"""Corrections in the batch's store: audit trail, validation, versions, the corrected copy."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from extractor.corrections import Conflict, Corrections, Edit, InvalidCorrection, Validator, item_paths
from extractor.record import validate
from extractor.store import open_store
from tests.batch_output import copy_output, run_cli, samples_output, the_record

SAMPLE = "gov-12-BC-TCT.pdf"


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return samples_output(tmp_path_factory.mktemp("corrections"), (SAMPLE,))


@pytest.fixture
def out(batch_out: Path, tmp_path: Path) -> Path:
    """A fresh copy of the batch output (each test writes its own corrections)."""
    return copy_output(batch_out, tmp_path)


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


def test_no_corrections_gives_the_record_with_every_status_auto(out: Path) -> None:
    record = the_record(out)
    corrected = Corrections(open_store(out)).apply(record)
    assert {k: v for k, v in corrected.items() if not k.startswith("review_")} == record
    assert set(corrected["review_status"]) == set(item_paths(record))
    assert set(corrected["review_status"].values()) == {"auto"}
    assert corrected["review_rejected"] == []
    validate(corrected)


def test_corrections_apply_with_statuses_and_audit_trail(out: Path, validator: Validator) -> None:
    record = the_record(out)
    sha = record["source"]["sha256"]
    corrections = Corrections(open_store(out))
    date = validator.parse("document.date", "7/1/2024")
    assert date == "2024-01-07"
    assert corrections.write(record, "document.date", 0, [Edit("document.date", "corrected", date)], "lan") == 1
    students = validator.parse("figures[1].students", "1.234")
    corrections.write(record, "figures[1]", 0, [Edit("figures[1].students", "corrected", students)], "lan")
    corrections.write(record, "document.number", 0, [Edit("document.number", "accepted")], "minh")
    corrections.write(record, "figures[0]", 0, [Edit("figures[0]", "rejected")], "minh")
    corrections.write(record, "document.place", 0, [Edit("document.place", "rejected")], "minh")

    corrected = corrections.apply(record)
    validate(corrected)
    status = corrected["review_status"]
    assert corrected["document"]["date"]["value"] == "2024-01-07"
    assert corrected["document"]["date"]["confidence"] == 1.0
    assert corrected["document"]["place"] is None and status["document.place"] == "rejected"
    assert status["document.date"] == "corrected" and status["document.number"] == "accepted"
    # figures[0] is gone: the old figures[1] is now figures[0]
    assert len(corrected["figures"]) == len(record["figures"]) - 1
    assert corrected["figures"][0]["students"] == 1234
    assert corrected["figures"][0]["text"] == record["figures"][1]["text"]
    assert status["figures[0]"] == "corrected" and status["figures[1]"] == "auto"
    assert corrected["review_rejected"] == [{"path": "figures[0]", "item": record["figures"][0]}]
    assert all(item["path"] != "figures[0]" or item["reason"] != "low_confidence" for item in corrected["review"])
    assert record["figures"][0]["classes"] == the_record(out)["figures"][0]["classes"]  # the original is untouched

    trail = corrections.entries(sha, "document.date")
    assert [(e.action, e.old_value, e.new_value, e.reviewer) for e in trail] == [
        ("corrected", "2024-01-05", "2024-01-07", "lan")
    ]
    assert trail[0].at.endswith("+00:00")


def test_the_original_record_is_never_overwritten(out: Path) -> None:
    record = the_record(out)
    Corrections(open_store(out)).write(record, "document.date", 0, [Edit("document.date", "corrected", "2024-02-02")])
    assert the_record(out) == record


def test_a_stale_version_is_a_conflict(out: Path) -> None:
    record = the_record(out)
    first, second = Corrections(open_store(out)), Corrections(open_store(out))
    first.write(record, "document.date", 0, [Edit("document.date", "corrected", "2024-01-06")], "lan")
    with pytest.raises(Conflict, match=r"document.date was changed by lan .* reload"):
        second.write(record, "document.date", 0, [Edit("document.date", "corrected", "2024-01-09")], "minh")
    assert first.apply(record)["document"]["date"]["value"] == "2024-01-06"
    assert second.write(record, "document.date", 1, [Edit("document.date", "accepted")], "minh") == 2


def write_many(out: str, writes: int, reviewer: str) -> int:
    """Read the version, write, and on a conflict read again: every write must land once."""
    store = open_store(Path(out))
    corrections = Corrections(store)
    record = next(record for _, record in store.records())
    conflicts = 0
    for n in range(writes):
        while True:
            version = corrections.version(record["source"]["sha256"], "figures[2]")
            edit = Edit("figures[2].students", "corrected", n)
            try:
                corrections.write(record, "figures[2]", version, [edit], reviewer)
                break
            except Conflict:
                conflicts += 1
    return conflicts


def test_two_processes_never_lose_an_edit(out: Path) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        pool.starmap(write_many, [(str(out), 15, "lan"), (str(out), 15, "minh")])
    record = the_record(out)
    entries = Corrections(open_store(out)).entries(record["source"]["sha256"], "figures[2]")
    assert sorted(e.version for e in entries) == list(range(1, 31))
    assert sum(e.reviewer == "lan" for e in entries) == 15


def test_reverted_goes_back_to_the_extraction(out: Path) -> None:
    record = the_record(out)
    corrections = Corrections(open_store(out))
    corrections.write(record, "schools[1]", 0, [Edit("schools[1]", "rejected")])
    assert len(corrections.apply(record)["schools"]) == len(record["schools"]) - 1
    corrections.write(record, "schools[1]", 1, [Edit("schools[1]", "reverted")])
    corrected = corrections.apply(record)
    assert corrected["schools"] == record["schools"] and corrected["review_status"]["schools[1]"] == "auto"


def test_corrections_survive_a_new_batch_run(batch_out: Path, out: Path) -> None:
    record = the_record(out)
    Corrections(open_store(out)).write(record, "figures[3]", 0, [Edit("figures[3].classes", "corrected", 99)])
    done = run_cli("batch", str(batch_out.parent / "archive"), "-o", str(out), "--force", "--quiet")
    assert done.returncode == 0, done.stderr
    again = the_record(out)
    corrected = Corrections(open_store(out)).apply(again)
    assert corrected["figures"][3]["classes"] == 99
    assert corrected["review_status"]["figures[3]"] == "corrected"


def test_a_correction_follows_its_item_to_a_new_place(out: Path) -> None:
    record = the_record(out)
    Corrections(open_store(out)).write(record, "figures[3]", 0, [Edit("figures[3].classes", "corrected", 99)])
    moved = {**record, "figures": [record["figures"][5], *record["figures"]]}
    corrected = Corrections(open_store(out)).apply(moved)
    assert corrected["figures"][4]["classes"] == 99
    assert corrected["figures"][4]["text"] == record["figures"][3]["text"]
    gone = {**record, "figures": record["figures"][:3]}
    assert Corrections(open_store(out)).apply(gone)["figures"] == gone["figures"]


@pytest.mark.parametrize(
    ("path", "typed", "value"),
    [
        ("document.date", "2021-08-12", "2021-08-12"),
        ("document.date", "12/08/2021", "2021-08-12"),
        ("document.date", "2021-08", "2021-08"),
        ("references[0].date", "1.2.2020", "2020-02-01"),
        ("figures[0].students", " 1.324 ", 1324),
        ("figures[0].classes", "0", 0),
        ("figures[0].students", "", None),
        ("figures[0].period", "2021-H1", "2021-H1"),
        ("figures[0].kind", "plan", "plan"),
        ("document.number", "51-BC/CTĐ", "51-BC/CTĐ"),
        ("document.number", "15 / QĐ-UBND", "15/QĐ-UBND"),
        ("references[2].number", "30/2020/NĐ-CP", "30/2020/NĐ-CP"),
        ("received_stamps[0].number", "123", "123"),
        ("document.subject", "  Kết quả   đào tạo ", "Kết quả đào tạo"),
        ("figures[0].school", "Trường Chính trị tỉnh Thanh Hóa", "Trường Chính trị tỉnh Thanh Hóa"),
    ],
)
def test_values_are_parsed_by_kind(validator: Validator, path: str, typed: str, value: object) -> None:
    assert validator.parse(path, typed) == value


@pytest.mark.parametrize(
    ("path", "typed", "message"),
    [
        ("document.date", "31/02/2021", "not a real date"),
        ("document.date", "2021-13-01", "not a real date"),
        ("document.date", "hôm qua", "not a date"),
        ("figures[0].students", "-5", "whole number"),
        ("figures[0].classes", "3.5", "whole number"),
        ("figures[0].classes", "", "empty"),
        ("figures[0].period", "2021-H3", "not a period"),
        ("figures[0].kind", "guess", "not one of"),
        ("document.number", "BC/CTĐ", "number and symbol"),
        ("document.number", "12", "number and symbol"),
        ("schools[0]", "Trường Kinh tế Tuyệt vời", "not a school of the gazetteer"),
        ("document.type", "", "not in this document"),
        ("figures[0].colour", "red", "no part"),
        ("../../etc/passwd", "x", "not a field"),
    ],
)
def test_bad_values_are_refused(validator: Validator, path: str, typed: str, message: str) -> None:
    with pytest.raises(InvalidCorrection, match=message):
        validator.parse(path, typed)


def test_a_school_from_the_gazetteer_or_explicitly_new(validator: Validator) -> None:
    known = validator.parse("schools[0]", "truong chinh tri tinh thanh hoa")
    assert known == {"name": "Trường Chính trị tỉnh Thanh Hóa", "id": "tct-thanh-hoa", "province": "Thanh Hóa"}
    new = validator.parse("schools[0]", "Trường Kinh tế Tuyệt vời", new_school=True)
    assert new == {"name": "Trường Kinh tế Tuyệt vời", "id": None, "province": None}


def test_edits_must_fit_their_item(out: Path) -> None:
    record = the_record(out)
    corrections = Corrections(open_store(out))
    refused = [
        ("figures[0]", Edit("figures[1].classes", "corrected", 3)),
        ("figures[0]", Edit("figures[0]", "corrected", {"classes": 3})),
        ("figures[0]", Edit("figures[0].classes", "rejected")),
        ("figures[99]", Edit("figures[99]", "accepted")),
        ("document.date", Edit("document.date", "deleted")),
        ("source.signatures[0]", Edit("source.signatures[0]", "accepted")),
    ]
    for item, edit in refused:
        with pytest.raises(InvalidCorrection):
            corrections.write(record, item, 0, [edit])
    assert corrections.entries(record["source"]["sha256"]) == []


def test_the_latest_word_on_an_item_counts(out: Path) -> None:
    record = the_record(out)
    corrections = Corrections(open_store(out))
    corrections.write(record, "figures[4]", 0, [Edit("figures[4]", "rejected")])
    corrections.write(record, "figures[4]", 1, [Edit("figures[4].classes", "corrected", 6)])
    corrected = corrections.apply(record)
    assert corrected["figures"][4]["classes"] == 6 and corrected["review_status"]["figures[4]"] == "corrected"
    corrections.write(record, "figures[4]", 2, [Edit("figures[4]", "rejected")])
    assert len(corrections.apply(record)["figures"]) == len(record["figures"]) - 1
