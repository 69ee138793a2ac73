"""The Python API for embedding: ``from extractor import extract`` → typed, frozen objects."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from typing import Any

import jsonschema
import pytest

import extractor
from extractor.extract import Extractor
from extractor.record import Record, schema
from extractor.types import Contents, Document, Field, Figure, School, Signature, Source
from tests.batch_output import ROOT, SAMPLES, cli_env

TEXT_LAYER_SAMPLES = ("gov-12-BC-TCT", "seed-51-BC-CTD", "table-03-BC-CTĐ", "tcvn3-09-BC-TCT")


@pytest.fixture(scope="module")
def typed(extractor: Extractor) -> dict[str, Record]:
    return {stem: extractor.extract(SAMPLES / f"{stem}.pdf") for stem in TEXT_LAYER_SAMPLES}


def test_extract_returns_typed_objects() -> None:
    from extractor import extract

    record = extract(SAMPLES / "gov-12-BC-TCT.pdf")
    assert isinstance(record, extractor.Record)
    number = record.document.number
    assert isinstance(number, Field)
    assert number.value == record.data["document"]["number"]["value"] == "12/BC-TCT"
    assert number.confidence == record.data["document"]["number"]["confidence"]
    assert number.page == 1 and isinstance(number.bbox, tuple) and len(number.bbox) == 4
    assert isinstance(record.source, Source) and record.source.sha256 == record.data["source"]["sha256"]
    assert all(isinstance(figure, Figure) for figure in record.figures)
    assert record.figures[0].classes == record.data["figures"][0]["classes"]
    assert all(isinstance(school, School) for school in record.schools)
    assert [s.name for s in record.schools] == [s["name"] for s in record.data["schools"]]
    assert record.document.signers[0].capacity.value == "KT. Hiệu trưởng"
    assert [r.value for r in record.document.recipients] == [r["value"] for r in record.data["document"]["recipients"]]


def test_extract_is_callable_after_the_module_is_imported() -> None:
    code = (
        "from extractor.extract import Extractor\n"
        "from extractor import extract\n"
        f"print(extract({str(SAMPLES / 'gov-12-BC-TCT.pdf')!r}).document.number.value)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(), check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "12/BC-TCT"


def test_signatures_stamps_and_review_are_typed(typed: dict[str, Record]) -> None:
    record = typed["seed-51-BC-CTD"]
    assert record.signatures and all(isinstance(s, Signature) for s in record.signatures)
    assert record.signatures == record.source.signatures
    first = record.signatures[0]
    assert first.source in ("dictionary", "appearance") and isinstance(first.flags, tuple)
    assert first.signed_at == record.data["source"]["signatures"][0]["signed_at"]
    assert record.received_stamps[0].number == record.data["received_stamps"][0]["number"]
    assert [(r.path, r.reason) for r in record.review] == [(r["path"], r["reason"]) for r in record.data["review"]]


def test_fields_are_named_by_their_review_paths(typed: dict[str, Record]) -> None:
    record = typed["gov-12-BC-TCT"]
    paths = dict(record.fields())
    assert paths["document.number"] is record.document.number
    assert paths["document.signers[0].name"].value == record.data["document"]["signers"][0]["name"]["value"]
    assert paths["document.recipients[1]"].value == record.data["document"]["recipients"][1]["value"]
    stated = [key for key in ("number", "type", "issuer", "parent_issuer", "place", "date", "subject")]
    assert [p for p in paths if p.count(".") == 1 and "[" not in p] == [
        f"document.{key}" for key in stated if record.data["document"][key] is not None
    ]


def test_round_trip_through_json(typed: dict[str, Record]) -> None:
    for record in typed.values():
        again = Record.from_json(record.to_json())
        assert again == record
        assert again.contents == record.contents
        assert again.to_dict() == record.data and again.to_dict() is not again.data
        assert Record.from_json(record.to_json(indent=None).encode()).data == record.data
        assert record.contents.to_dict() == record.data
        assert Contents.from_dict(record.contents.to_dict()) == record.contents
        assert json.loads(record.to_json()) == record.contents.to_dict()


def test_from_json_validates(typed: dict[str, Record]) -> None:
    data = typed["gov-12-BC-TCT"].to_dict()
    data["figures"][0]["classes"] = -1
    with pytest.raises(jsonschema.ValidationError):
        Record.from_json(json.dumps(data))
    assert Record.from_json(json.dumps(data), check=False).figures[0].classes == -1


def test_keys_it_does_not_know_are_kept(typed: dict[str, Record]) -> None:
    data = typed["gov-12-BC-TCT"].to_dict()
    data["document"]["number"]["added_in_1_5"] = {"x": 1}
    data["review_status"] = {"document.number": "corrected"}
    data["review_rejected"] = [{"path": "figures[1]", "item": data["figures"][0]}]
    contents = Contents.from_dict(data)
    assert contents.document.number.extra == {"added_in_1_5": {"x": 1}}
    assert contents.review_status == {"document.number": "corrected"}
    assert contents.review_rejected[0].path == "figures[1]"
    assert contents.to_dict() == data


def test_objects_are_frozen(typed: dict[str, Record]) -> None:
    record = typed["gov-12-BC-TCT"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.document.number.value = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.data = {}  # type: ignore[misc]
    assert hash(record.document.number) == hash(Field.from_dict(record.data["document"]["number"]))


def test_objects_can_be_built_by_hand() -> None:
    field = Field("12/BC-TCT", 0.9, 1, (1.0, 2.0, 3.0, 4.0), "Số: 12/BC-TCT")
    assert field.to_dict() == {
        "value": "12/BC-TCT",
        "confidence": 0.9,
        "page": 1,
        "bbox": [1, 2, 3, 4],
        "text": "Số: 12/BC-TCT",
    }
    assert (
        Document.from_dict(
            {
                **dict.fromkeys(("number", "type", "issuer", "parent_issuer", "place", "date", "subject")),
                "signers": [],
                "recipients": [],
            }
        ).number
        is None
    )


def test_public_names_load_lazily() -> None:
    code = (
        "import sys, extractor\n"
        "heavy = ('extractor.extract', 'extractor.record', 'extractor.types', 'pypdfium2')\n"
        "heavy = [name for name in heavy if name in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert extractor.Field.__module__ == 'extractor.types' and 'extractor.extract' not in sys.modules\n"
        "assert callable(extractor.extract) and extractor.Record.__module__ == 'extractor.record'\n"
        "assert set(extractor.__all__) <= set(dir(extractor))\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(), check=False)
    assert done.stdout.strip() == "ok", done.stderr
    with pytest.raises(AttributeError):
        extractor.no_such_name  # noqa: B018


# -- docs/record.md documents every field -------------------------------------------------------


def property_names(node: Any) -> set[str]:
    """Every property name anywhere in a JSON Schema (nested objects, items, $defs)."""
    names: set[str] = set()
    if isinstance(node, dict):
        names |= set(node.get("properties", {}))
        for value in node.values():
            names |= property_names(value)
    elif isinstance(node, list):
        for value in node:
            names |= property_names(value)
    return names


def test_docs_name_every_property_of_the_schema() -> None:
    text = (ROOT / "docs" / "record.md").read_text(encoding="utf-8")
    missing = sorted(name for name in property_names(schema()) if f"`{name}`" not in text)
    assert not missing, f"docs/record.md does not document: {missing}"


def test_docs_example_is_a_valid_record() -> None:
    text = (ROOT / "docs" / "record.md").read_text(encoding="utf-8")
    example = text.split("```json\n", 1)[1].split("\n```", 1)[0]
    Record.from_json(example)


def test_docs_name_every_export_column() -> None:
    from extractor.export import TABLES

    text = (ROOT / "docs" / "record.md").read_text(encoding="utf-8")
    for table in TABLES:
        section = text.split(f"### `{table.name}`", 1)
        assert len(section) == 2, f"no section for the table {table.name}"
        body = section[1].split("\n### ", 1)[0]
        missing = [name for name in table.names if f"`{name}`" not in body]
        assert not missing, f"{table.name}: {missing}"
