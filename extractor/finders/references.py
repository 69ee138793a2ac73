"""Other documents the text cites: "Quyết định số 2356/QĐ-HVCTQG ngày 30/5/2017".

Each cited document is reported once, in the order of its first citation, with the date the
citation gives (else null). The kind is the word the text uses ("Hướng dẫn số 30-QĐ/HVCTQG"
is a Hướng dẫn); a number cited without one ("số 15/QĐ-UBND") takes the kind of its symbol.
Citations in the header or in a stamp, and the document's own number, are not references.
"""

from __future__ import annotations

import regex

from extractor.fields import Field, Findings, Reference
from extractor.finders import Context, leftmost_matches
from extractor.finders.dates import parse_date
from extractor.gazetteer import fold
from extractor.model import Zone


def clean_number(match: regex.Match[str]) -> str:
    """The number as printed, without OCR's stray spaces; "09/QĐi/TW" (a slash read for the
    Party style's hyphen: two slashes fit neither grammar) becomes "09-QĐi/TW"."""
    number = "".join(match.group(0)[match.start("num") - match.start() : match.end("symbol") - match.start()].split())
    if match["sep"] == "/" and match["year"] is None and "/" in match["symbol"] and "-" not in match["symbol"]:
        number = number.replace("/", "-", 1)
    return number


def find_references(context: Context, findings: Findings) -> None:
    own = fold(findings.number.value) if findings.number and findings.number.value else None
    regexes = context.patterns.regexes
    seen: dict[str, int] = {}
    for match in leftmost_matches((regexes["reference"], regexes["bare_reference"]), context.doc.text):
        number = clean_number(match)
        if in_body(context, match.start()) and fold(number) != own:
            add_reference(context, findings, seen, match, number)


def in_body(context: Context, offset: int) -> bool:
    index = context.doc.line_index(offset)
    return context.doc.lines[index].zone is not Zone.HEADER and index not in context.stamp_lines


def add_reference(
    context: Context, findings: Findings, seen: dict[str, int], match: regex.Match[str], number: str
) -> None:
    date = parse_date(match["date"], context.patterns) if match["date"] else None
    key = fold(number)
    if key in seen:
        earlier = findings.references[seen[key]]
        if earlier.date is None and date is not None:
            findings.references[seen[key]] = Reference(earlier.kind, earlier.number, date, earlier.source)
        return
    kind = kind_of(context, match)
    if kind is None:
        return
    confidence = 0.95 if match.groupdict().get("kind") else 0.8
    source = Field.at(context.doc, match.start(), match.end(), None, confidence)
    seen[key] = len(findings.references)
    findings.references.append(Reference(kind, number, date, source.with_value(" ".join(source.text.split()))))


def kind_of(context: Context, match: regex.Match[str]) -> str | None:
    printed = match.groupdict().get("kind")
    if printed:
        doc_type = context.patterns.type_named(" ".join(printed.split()))
    else:
        party_style = match["sep"] == "-"
        doc_type = context.patterns.type_of_symbol(match["symbol"], party_style)
        if doc_type is None and not party_style:
            # Nghị định 30: a công văn's symbol is its issuer and unit, with no type ("123/UBND-VX").
            doc_type = context.patterns.bare_symbol_type
    return doc_type.name if doc_type else None
