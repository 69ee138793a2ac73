"""Schools named anywhere in the text, canonicalised with the gazetteer.

spaCy's entity rules (``patterns/patterns.jsonl``) find where a school's name starts
("Trường Chính trị", "Trường Đào tạo cán bộ", "Học viện Cán bộ", diacritics optional); the
name then runs over capitalised words and the connectors of Vietnamese place names ("tỉnh",
"T.", "thành phố", "văn"). Every prefix of that run is scored against the gazetteer and the
best one wins, so "Trường Chính trị Hoàng Đình Dong tỉnh Cao Bằng" and "TRƯỜNG CHÍNH TRỊ T.
LAI CHÂU" resolve, and "Trường Chính trị tỉnh" (no name) is not a mention at all. A named
school the gazetteer does not know is still reported, with a low score.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import regex

from extractor.fields import Findings, Mention, SchoolEntry
from extractor.finders import Context
from extractor.finders.casing import official_name
from extractor.gazetteer import SchoolMatch, fold

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

MAX_NAME_TOKENS = 9
MIN_SCORE = 0.6
UNKNOWN_SCORE = 0.4
"""The highest score of a school the gazetteer does not know."""
EXACT = 0.99
NAME_WORD = regex.compile(r"^(?:[\p{L}\p{M}.]+|-)$")
"""A word of a name, or the hyphen inside one ("Bà Rịa - Vũng Tàu")."""


def name_tokens(doc: Doc, anchor: Span, connector: regex.Pattern[str]) -> list[Token]:
    """Tokens after an anchor that can belong to the name: capitalised words (upper case
    after an upper-case anchor, as in "TRƯỜNG CHÍNH TRỊ T. LAI CHÂU") and connectors."""
    upper = anchor.text.isupper()
    tokens = []
    for token in doc[anchor.end : anchor.end + MAX_NAME_TOKENS]:
        if not NAME_WORD.match(token.text) or token.ent_iob_ == "B":
            break
        capitalised = token.text.isupper() if upper else token.text[0].isupper()
        if not (capitalised or connector.match(token.norm_)):
            break
        tokens.append(token)
    return tokens


def find_schools(context: Context, findings: Findings) -> None:
    found: dict[str, SchoolEntry] = {}
    nlp_doc = context.nlp_doc
    connector = context.patterns.regexes["name_connector_folded"]
    generic = context.patterns.regexes["generic_determiner_folded"]
    for entity in nlp_doc.ents:
        if entity.label_ != "SCHOOL":
            continue
        if entity.start > 0 and generic.match(nlp_doc[entity.start - 1].norm_):
            continue
        tokens = name_tokens(nlp_doc, entity, connector)
        if any(t.text[0].isupper() and not connector.match(t.norm_) for t in tokens):
            add_mention(context, found, *best_extent(context, entity.start_char, tokens))
    add_issuer(context, findings, found)
    findings.schools.extend(found.values())


def add_issuer(context: Context, findings: Findings, found: dict[str, SchoolEntry]) -> None:
    """The issuer is a school named in the header even when printed only as "TRƯỜNG CHÍNH TRỊ"
    under its province's Party committee."""
    issuer = findings.issuer
    if issuer is None:
        return
    match = context.patterns.gazetteer.match_school(issuer.value)
    school = match.school
    if school is None or school.kind != "school" or match.score < EXACT:
        return
    mention = Mention(issuer.text, issuer.page or 1, issuer.bbox, -1, -1)
    entry = found.get(school.id)
    if entry is None:
        found[school.id] = SchoolEntry(school.name, school.id, school.province, issuer.confidence, (mention,))


def best_extent(context: Context, start: int, tokens: list[Token]) -> tuple[SchoolMatch, int, int]:
    """The gazetteer match of the best-scoring prefix of the name (ties: the longer one)."""
    best: tuple[SchoolMatch, int, int] | None = None
    for token in tokens:
        end = token.idx + len(token.text)
        match = context.patterns.gazetteer.match_school(" ".join(context.doc.text[start:end].split()))
        if best is None or match.score >= best[0].score:
            best = (match, start, end)
    return best


def add_mention(context: Context, found: dict[str, SchoolEntry], match: SchoolMatch, start: int, end: int) -> None:
    location = context.doc.locate(start, end)
    mention = Mention(" ".join(context.doc.text[start:end].split()), location.page, location.bbox, start, end)
    school = match.school if match.score >= MIN_SCORE else None
    if school is not None and school.kind != "school":
        return
    key = school.id if school else "?" + fold(mention.text)
    if key in found:
        entry = found[key]
        found[key] = replace(entry, score=max(entry.score, match.score), mentions=(*entry.mentions, mention))
    elif school is not None:
        found[key] = SchoolEntry(school.name, school.id, school.province, match.score, (mention,))
    else:
        province = context.patterns.gazetteer.match_province(mention.text)[0]
        name = official_name(" ".join(mention.text.split()), context.patterns, context.doc.text)
        found[key] = SchoolEntry(name, None, province, min(match.score, UNKNOWN_SCORE), (mention,))
