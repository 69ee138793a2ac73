"""Stage 3: field finders. Each module finds one group of fields in a ``DocumentText``.

``find_fields`` runs them in order; later finders may use what earlier ones found (the
document's own number is never a reference, a stamp's lines are not the issuer).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import regex

from extractor.fields import Findings
from extractor.model import DocumentText
from extractor.patterns import Patterns


@dataclass
class Context:
    doc: DocumentText
    patterns: Patterns
    nlp_doc: object
    """The spaCy ``Doc`` over ``doc.text`` (same character offsets)."""
    stamp_lines: set[int] = field(default_factory=set)
    """Indices of lines that belong to an incoming-mail stamp."""


def count_value(text: str) -> int:
    """A count as printed: "16.182" → 16182 ("." groups thousands; "," where typed the English
    way); "04" → 4."""
    return int(text.replace(".", "").replace(",", ""))


def leftmost_matches(patterns: Iterable[regex.Pattern[str]], text: str) -> list[regex.Match[str]]:
    """Matches of several patterns in text order; where two overlap, the one that starts first
    (then the longer) wins."""
    candidates = sorted(
        (match for pattern in patterns for match in pattern.finditer(text)), key=lambda m: (m.start(), -m.end())
    )
    chosen: list[regex.Match[str]] = []
    for match in candidates:
        if not chosen or match.start() >= chosen[-1].end():
            chosen.append(match)
    return chosen


def find_fields(doc: DocumentText, patterns: Patterns) -> Findings:
    from extractor.finders import closing, figures, header, references, schools, stamps
    from extractor.nlp import pipeline_for

    context = Context(doc, patterns, pipeline_for(patterns)(doc.text))
    findings = Findings()
    stamps.find_received_stamps(context, findings)
    header.find_header_fields(context, findings)
    closing.find_closing_fields(context, findings)
    references.find_references(context, findings)
    schools.find_schools(context, findings)
    figures.find_figures(context, findings)
    return findings
