"""Stage 4: the record — findings and source facts as the JSON contract, with review items.

``build_record`` turns ``Findings`` into plain JSON-ready data, lists every value whose
confidence is under the review threshold (plus the contradictions the finders reported),
and validates the result against ``schema.json`` (JSON Schema 2020-12).
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from extractor import types
from extractor.fields import Field, Findings, ReviewItem, SchoolEntry
from extractor.model import TextSource

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

SCHEMA_VERSION = "1.0.0"
REQUIRED_FIELDS = ("number", "type", "issuer", "date")


@dataclass(frozen=True)
class SourceInfo:
    file: str
    sha256: str
    text_sources: tuple[TextSource, ...]
    """How each page was read, in page order."""
    signatures: tuple[dict[str, Any], ...] = ()
    """Digital signatures, from their dictionaries and visible appearances (``signatures.py``)."""


@dataclass(frozen=True)
class Record:
    """One document's extraction; ``data`` is the JSON contract, the properties its typed view
    (``record.document.number.value``, ``record.figures[0].classes``; ``extractor.types``)."""

    data: dict[str, Any]

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.data, ensure_ascii=False, indent=indent)

    def to_dict(self) -> dict[str, Any]:
        """A deep copy of ``data``."""
        return copy.deepcopy(self.data)

    @classmethod
    def from_dict(cls, data: dict[str, Any], check: bool = True) -> Record:
        """A record from its JSON data, validated against the schema unless ``check`` is false
        (``jsonschema.ValidationError`` when it breaks the contract)."""
        if check:
            validate(data)
        return cls(data)

    @classmethod
    def from_json(cls, text: str | bytes, check: bool = True) -> Record:
        return cls.from_dict(json.loads(text), check)

    @functools.cached_property
    def contents(self) -> types.Contents:
        return types.Contents.from_dict(self.data)

    @property
    def source(self) -> types.Source:
        return self.contents.source

    @property
    def document(self) -> types.Document:
        return self.contents.document

    @property
    def references(self) -> tuple[types.Reference, ...]:
        return self.contents.references

    @property
    def received_stamps(self) -> tuple[types.ReceivedStamp, ...]:
        return self.contents.received_stamps

    @property
    def schools(self) -> tuple[types.School, ...]:
        return self.contents.schools

    @property
    def figures(self) -> tuple[types.Figure, ...]:
        return self.contents.figures

    @property
    def signatures(self) -> tuple[types.Signature, ...]:
        return self.contents.source.signatures

    @property
    def review(self) -> tuple[types.ReviewItem, ...]:
        return self.contents.review

    def fields(self) -> Iterator[tuple[str, types.Field]]:
        """Every stated field of the document with its path (``document.signers[0].name``)."""
        return self.document.fields()


def field_json(field: Field | None) -> dict[str, Any] | None:
    if field is None:
        return None
    bbox = [round(v, 1) for v in field.bbox] if field.bbox else None
    return {
        "value": field.value,
        "confidence": field.confidence,
        "page": field.page,
        "bbox": bbox,
        "text": field.text,
    }


def located(field: Field) -> dict[str, Any]:
    """Provenance of a composite value (reference, stamp, figure) from its source field."""
    return {
        "text": field.value,
        "page": field.page,
        "bbox": [round(v, 1) for v in field.bbox] if field.bbox else None,
        "confidence": field.confidence,
    }


def build_record(source: SourceInfo, findings: Findings, review_threshold: float, version: str) -> Record:
    document_keys = ("number", "type", "issuer", "parent_issuer", "place", "date", "subject")
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "extractor_version": version,
        "source": {
            "file": source.file,
            "sha256": source.sha256,
            "pages": len(source.text_sources),
            "text_source": [text_source.value for text_source in source.text_sources],
            "signatures": list(source.signatures),
        },
        "document": {key: field_json(getattr(findings, key)) for key in document_keys},
        "references": [
            {"kind": r.kind, "number": r.number, "date": r.date, **located(r.source)} for r in findings.references
        ],
        "received_stamps": [
            {"receiver": s.receiver, "number": s.number, "date": s.date, **located(s.source)}
            for s in findings.received_stamps
        ],
        "schools": [school_json(entry) for entry in findings.schools],
        "figures": [
            {
                "classes": f.classes,
                "students": f.students,
                "label": f.label,
                "period": f.period,
                "school": f.school,
                "kind": f.kind,
                **located(f.source),
            }
            for f in findings.figures
        ],
    }
    data["document"]["signers"] = [
        {"name": field_json(s.name), "position": field_json(s.position), "capacity": field_json(s.capacity)}
        for s in findings.signers
    ]
    data["document"]["recipients"] = [field_json(r) for r in findings.recipients]
    data["review"] = [item.__dict__ for item in review_items(data, findings, review_threshold)]
    validate(data)
    return Record(data)


def school_json(entry: SchoolEntry) -> dict[str, Any]:
    return {
        "name": entry.name,
        "id": entry.id,
        "province": entry.province,
        "score": round(entry.score, 3),
        "mentions": [
            {"text": m.text, "page": m.page, "bbox": [round(v, 1) for v in m.bbox] if m.bbox else None}
            for m in entry.mentions
        ],
    }


def review_items(data: dict[str, Any], findings: Findings, threshold: float) -> list[ReviewItem]:
    """Every value under ``threshold``, every missing required field, and the finders' own items."""
    items = list(findings.review)
    flagged = {item.path for item in items}
    for key in REQUIRED_FIELDS:
        if data["document"][key] is None:
            items.append(ReviewItem(f"document.{key}", "missing", 0.0))
    items.extend(item for item in contradictions(data) if item.path not in flagged)
    flagged = {item.path for item in items}
    for path, confidence in confidences(data):
        if confidence < threshold and path not in flagged:
            items.append(ReviewItem(path, "low_confidence", confidence))
    return sorted(items, key=lambda item: item.confidence)


def contradictions(data: dict[str, Any]) -> list[ReviewItem]:
    """Dates that cannot both be right: a cited document dated after the report, a stamp that
    received the report before it was written."""
    date = (data["document"]["date"] or {}).get("value")
    if not date or len(date) != len("YYYY-MM-DD"):
        return []
    items = [
        ReviewItem(f"references[{i}]", "cited_document_dated_after_report", r["confidence"])
        for i, r in enumerate(data["references"])
        if r["date"] and r["date"] > date
    ]
    items += [
        ReviewItem(f"received_stamps[{i}]", "received_before_report_date", s["confidence"])
        for i, s in enumerate(data["received_stamps"])
        if s["date"] and s["date"] < date
    ]
    return items


def confidences(data: dict[str, Any]) -> list[tuple[str, float]]:
    found: list[tuple[str, float]] = []
    for key, value in data["document"].items():
        if isinstance(value, dict):
            found.append((f"document.{key}", value["confidence"]))
    for index, signer in enumerate(data["document"]["signers"]):
        found.extend((f"document.signers[{index}].{k}", v["confidence"]) for k, v in signer.items() if v)
    for index, recipient in enumerate(data["document"]["recipients"]):
        found.append((f"document.recipients[{index}]", recipient["confidence"]))
    for section in ("references", "received_stamps", "figures"):
        found.extend((f"{section}[{i}]", item["confidence"]) for i, item in enumerate(data[section]))
    found.extend((f"schools[{i}]", school["score"]) for i, school in enumerate(data["schools"]))
    return found


@functools.cache
def schema() -> dict[str, Any]:
    return json.loads(resources.files("extractor").joinpath("schema.json").read_text(encoding="utf-8"))


@functools.cache
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


def validate(data: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` when ``data`` breaks the contract (a bug, not bad input)."""
    _validator().validate(data)
