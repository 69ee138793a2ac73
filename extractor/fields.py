"""What the field finders return: values with their confidence and provenance.

These are the building blocks of the record (``record.py`` assembles them and turns them into
JSON). A ``Field`` is the unit of the output contract: a value, a confidence in 0..1, the page
(1-based), the box in PDF points (``[x0, top, x1, bottom]``) and the source text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from extractor.model import BBox, DocumentText


@dataclass(frozen=True)
class Field:
    value: Any
    confidence: float
    page: int | None
    bbox: BBox | None
    text: str

    @classmethod
    def at(cls, doc: DocumentText, start: int, end: int, value: Any, confidence: float) -> Field:
        """A field whose source is ``doc.text[start:end]``; OCR word confidence caps ``confidence``."""
        location = doc.locate(start, end)
        return cls(
            value=value,
            confidence=round(confidence * (0.5 + location.confidence / 2), 3),
            page=location.page,
            bbox=location.bbox,
            text=doc.text[start:end],
        )

    @classmethod
    def over_lines(
        cls, doc: DocumentText, first: int, last: int, value: Any, confidence: float, text: str | None = None
    ) -> Field:
        """A field whose source is lines ``first``..``last``; ``text`` replaces the joined lines."""
        start = doc.line_start(first)
        end = doc.line_start(last) + len(doc.lines[last].text)
        field = cls.at(doc, start, end, value, confidence)
        return field if text is None else Field(value, field.confidence, field.page, field.bbox, text)

    def with_value(self, value: Any, confidence: float | None = None) -> Field:
        return Field(value, self.confidence if confidence is None else confidence, self.page, self.bbox, self.text)


@dataclass(frozen=True)
class Signer:
    name: Field | None
    position: Field | None
    capacity: Field | None


@dataclass(frozen=True)
class Reference:
    kind: str
    number: str
    date: str | None
    source: Field
    """Value: the citation as one string; its box, page and confidence are the reference's."""


@dataclass(frozen=True)
class ReceivedStamp:
    receiver: str | None
    number: str | None
    date: str | None
    source: Field


@dataclass(frozen=True)
class Mention:
    text: str
    page: int
    bbox: BBox | None
    start: int
    end: int


@dataclass(frozen=True)
class SchoolEntry:
    name: str
    id: str | None
    province: str | None
    score: float
    mentions: tuple[Mention, ...]


@dataclass(frozen=True)
class Figure:
    classes: int
    students: int | None
    label: str | None
    period: str | None
    school: str | None
    source: Field
    kind: str = "result"
    """``result``, ``plan`` or ``carried_over``; plans and results are never summed together."""


@dataclass(frozen=True)
class ReviewItem:
    path: str
    reason: str
    confidence: float


@dataclass
class Findings:
    """Everything the finders found in one document."""

    number: Field | None = None
    type: Field | None = None
    issuer: Field | None = None
    parent_issuer: Field | None = None
    place: Field | None = None
    date: Field | None = None
    subject: Field | None = None
    signers: list[Signer] = field(default_factory=list)
    recipients: list[Field] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    received_stamps: list[ReceivedStamp] = field(default_factory=list)
    schools: list[SchoolEntry] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)
