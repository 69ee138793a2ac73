"""Typed, read-only objects mirroring ``schema.json``: ``record.document.number.value``.

Frozen dataclasses built from a record's validated JSON (``from_dict``) and turned back into
it (``to_dict``). Keys a class does not know (added later within schema major version 1, or
the review status a correction adds) are kept in ``extra`` and written back, so
``X.from_dict(d).to_dict() == d``. Lists become tuples and boxes ``(x0, top, x1, bottom)``
tuples in PDF points, origin top-left. Standard library only: importing it is cheap.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

BBox = tuple[float, float, float, float]
N = TypeVar("N", bound="Node")


@dataclass(frozen=True)
class Node:
    """What every typed piece shares: ``from_dict``/``to_dict`` and the ``extra`` keys."""

    extra: Mapping[str, Any] = field(default_factory=dict, kw_only=True, hash=False, repr=False)

    @classmethod
    def from_dict(cls: type[N], data: Mapping[str, Any]) -> N:
        known = {f.name for f in dataclasses.fields(cls)} - {"extra"}
        values = {f.name: f.metadata.get("load", _same)(data[f.name]) for f in _fields(cls) if f.name in data}
        return cls(**values, extra={key: value for key, value in data.items() if key not in known})

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for spec in _fields(type(self)):
            value = getattr(self, spec.name)
            if value is None and spec.metadata.get("omit_none"):
                continue
            data[spec.name] = _plain(value)
        return {**data, **self.extra}


def _fields(cls: type) -> Iterator[dataclasses.Field]:
    return (spec for spec in dataclasses.fields(cls) if spec.name != "extra")


def _same(value: Any) -> Any:
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Node):
        return value.to_dict()
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def _load_one(cls: type[Node]) -> Callable[[Any], Node | None]:
    return lambda value: None if value is None else cls.from_dict(value)


def _load_many(cls: type[Node]) -> Callable[[Any], tuple[Node | None, ...] | None]:
    return lambda values: None if values is None else tuple(None if v is None else cls.from_dict(v) for v in values)


def _load_tuple(values: Any) -> tuple | None:
    return None if values is None else tuple(values)


def one(cls: type[Node]) -> dict[str, Any]:
    """Field metadata: a nested object (or null)."""
    return {"load": _load_one(cls)}


def many(cls: type[Node]) -> dict[str, Any]:
    """Field metadata: a list of nested objects."""
    return {"load": _load_many(cls)}


LISTED = {"load": _load_tuple}
"""Field metadata: a list of plain values (a box, flags) as a tuple."""
OMIT_NONE = {"omit_none": True}
"""Field metadata: a key the schema does not require and whose value cannot be null."""


@dataclass(frozen=True)
class Field(Node):
    """A value the document states, with its confidence (0..1) and where it was read."""

    value: Any
    confidence: float
    page: int | None
    bbox: BBox | None = field(metadata=LISTED)
    text: str


@dataclass(frozen=True)
class Signer(Node):
    name: Field | None = field(metadata=one(Field))
    position: Field | None = field(metadata=one(Field))
    capacity: Field | None = field(metadata=one(Field))
    """``KT. Hiệu trưởng``, ``TM. Ban Thường vụ``: on whose behalf the signer signs."""


@dataclass(frozen=True)
class Document(Node):
    """The document's own facts; each is ``None`` when the document does not state it."""

    number: Field | None = field(metadata=one(Field))
    type: Field | None = field(metadata=one(Field))
    issuer: Field | None = field(metadata=one(Field))
    parent_issuer: Field | None = field(metadata=one(Field))
    place: Field | None = field(metadata=one(Field))
    date: Field | None = field(metadata=one(Field))
    """ISO ``YYYY-MM-DD``, or ``YYYY-MM`` when the day is left blank."""
    subject: Field | None = field(metadata=one(Field))
    signers: tuple[Signer, ...] = field(metadata=many(Signer))
    recipients: tuple[Field, ...] = field(metadata=many(Field))

    def fields(self, prefix: str = "document") -> Iterator[tuple[str, Field]]:
        """Every stated field with its path as review items name it (``document.signers[0].name``)."""
        for spec in _fields(Document):
            value = getattr(self, spec.name)
            if isinstance(value, Field):
                yield f"{prefix}.{spec.name}", value
        for index, signer in enumerate(self.signers):
            for role in ("name", "position", "capacity"):
                value = getattr(signer, role)
                if value is not None:
                    yield f"{prefix}.signers[{index}].{role}", value
        for index, recipient in enumerate(self.recipients):
            if recipient is not None:
                yield f"{prefix}.recipients[{index}]", recipient


@dataclass(frozen=True)
class Signature(Node):
    """A digital signature, from its dictionary or its visible appearance (``source``)."""

    signer: str | None
    organisation: str | None
    signed_at: str | None
    """ISO 8601 with offset."""
    cms_signing_time: str | None
    intact: bool | None
    covers_whole_file: bool | None
    field: str | None
    source: str
    """``dictionary`` or ``appearance``."""
    flags: tuple[str, ...] = field(metadata=LISTED)
    reason: str | None = None
    location: str | None = None
    page: int | None = None
    bbox: BBox | None = field(default=None, metadata=LISTED)
    text: str | None = None
    confidence: float | None = field(default=None, metadata=OMIT_NONE)
    detail: str | None = None


@dataclass(frozen=True)
class Source(Node):
    file: str
    sha256: str
    """The document's id: the same PDF found at two paths has one."""
    pages: int
    text_source: tuple[str, ...] = field(metadata=LISTED)
    """``text_layer`` or ``ocr``, per page."""
    signatures: tuple[Signature, ...] = field(metadata=many(Signature))


@dataclass(frozen=True)
class Reference(Node):
    """Another document this one cites."""

    kind: str
    number: str
    date: str | None
    text: str
    page: int | None
    bbox: BBox | None = field(metadata=LISTED)
    confidence: float


@dataclass(frozen=True)
class ReceivedStamp(Node):
    """An incoming-mail stamp ("ĐẾN"): who received the document, under which number, when."""

    receiver: str | None
    number: str | None
    date: str | None
    text: str
    page: int | None
    bbox: BBox | None = field(metadata=LISTED)
    confidence: float


@dataclass(frozen=True)
class Mention(Node):
    text: str
    page: int | None
    bbox: BBox | None = field(metadata=LISTED)


@dataclass(frozen=True)
class School(Node):
    name: str
    """Canonical name from the gazetteer."""
    id: str | None
    """``None`` for a school the gazetteer does not know."""
    province: str | None
    score: float
    mentions: tuple[Mention, ...] = field(metadata=many(Mention))


@dataclass(frozen=True)
class Figure(Node):
    """One "N lớp / M học viên" statement."""

    classes: int
    students: int | None
    label: str | None
    period: str | None
    """``2021``, ``2021-H1``, ``2021-Q3``, ``2020-2021`` or ``None``."""
    school: str | None
    kind: str
    """``result``, ``plan`` or ``carried_over``."""
    text: str
    page: int | None
    bbox: BBox | None = field(metadata=LISTED)
    confidence: float


@dataclass(frozen=True)
class ReviewItem(Node):
    path: str
    """Where in the record, e.g. ``document.date`` or ``figures[3]``."""
    reason: str
    confidence: float


@dataclass(frozen=True)
class RejectedItem(Node):
    """A list item a reviewer marked "not in this document", removed from a corrected record."""

    path: str
    """Its place in the extraction, e.g. ``figures[3]``."""
    item: Any
    """The item as extracted (plain JSON)."""


@dataclass(frozen=True)
class Contents(Node):
    """A whole record, typed: what ``Record.document``, ``Record.figures``… return."""

    schema_version: str
    extractor_version: str
    source: Source = field(metadata=one(Source))
    document: Document = field(metadata=one(Document))
    references: tuple[Reference, ...] = field(metadata=many(Reference))
    received_stamps: tuple[ReceivedStamp, ...] = field(metadata=many(ReceivedStamp))
    schools: tuple[School, ...] = field(metadata=many(School))
    figures: tuple[Figure, ...] = field(metadata=many(Figure))
    review: tuple[ReviewItem, ...] = field(metadata=many(ReviewItem))
    review_status: Mapping[str, str] | None = field(default=None, metadata=OMIT_NONE)
    """Corrected records only: ``auto``, ``accepted``, ``corrected`` or ``rejected`` by item path."""
    review_rejected: tuple[RejectedItem, ...] | None = field(default=None, metadata={**many(RejectedItem), **OMIT_NONE})
    """Corrected records only: the list items reviewers rejected."""
