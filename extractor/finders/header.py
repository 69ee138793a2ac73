"""Header fields: the document's own number, type, issuer and parent, place, date, subject.

The number is read only from the header zone (a stamp's "Số: 457" and numbers cited in the
body never qualify), and it must fit the number-and-symbol grammar of either style.
"""

from __future__ import annotations

import regex

from extractor.fields import Field, Findings, ReviewItem
from extractor.finders import Context, leftmost_matches
from extractor.finders.casing import official_name
from extractor.finders.dates import iso_date, partial_date
from extractor.model import Column, DocumentText, Line, Zone
from extractor.patterns import DocumentType

HEADER_SEARCH_LINES = 25
"""Without a detected header zone, how many first lines of page 1 may hold the header."""
SUBJECT_LINES = 4
CENTRED = 0.04
SUBJECT_WIDTH = 0.9
"""A trích yếu line is centred and narrower than this share of the text width."""
MIN_GAZETTEER_SCORE = 0.75
STAMPED_CONFIDENCE = 0.85
"""A number or day read from what signing software stamped beside a blank, not from the blank."""


def find_header_fields(context: Context, findings: Findings) -> None:
    header = [(i, line) for i, line in context.doc.zone_lines(Zone.HEADER) if i not in context.stamp_lines]
    if not header:
        header = [
            (i, line)
            for i, line in enumerate(context.doc.lines[:HEADER_SEARCH_LINES])
            if line.page == 1 and i not in context.stamp_lines
        ]
    number_line = find_document_number(context, findings, header)
    find_place_and_date(context, findings, header)
    title_at = context.doc.title_index
    find_type(context, findings, title_at)
    find_issuer(context, findings, header, number_line)
    find_subject(context, findings, title_at, header, number_line)


def find_document_number(context: Context, findings: Findings, header: list[tuple[int, Line]]) -> Line | None:
    """The first complete number in the header. E-office software stamps the number into the
    signature widget at signing and leaves the page's "Số:   /TB-UBND" blank: a complete number
    elsewhere in the header (the widget's words) then wins, with less confidence.

    Returns the page's own number line, where the issuer's block ends: the blank one when the
    number was stamped (a stamp may stand anywhere, above the issuer too)."""
    pattern = context.patterns.regexes["document_number"]
    found = [(index, line, match) for index, line in header if (match := pattern.search(line.text))]
    if not found:
        return None
    complete = [item for item in found if item[2]["blank"] is None]
    blank = [item for item in found if item[2]["blank"] is not None]
    if complete:
        index, line, match = complete[0]
        base = context.doc.line_start(index)
        value = "".join(match.group(0)[match.start("num") - match.start() :].split())
        confidence = 0.97 if line.zone is Zone.HEADER else 0.75
        if symbol_type(context, match) is None and "/" not in match["symbol"]:
            confidence -= 0.1
        if blank:
            confidence = min(confidence, STAMPED_CONFIDENCE)
        findings.number = Field.at(context.doc, base + match.start("num"), base + match.end(), value, confidence)
    else:
        index, line, match = blank[0]
        base = context.doc.line_start(index)
        value = "".join(match["blank"].split()).lstrip("_.…")
        findings.number = Field.at(context.doc, base + match.start("blank"), base + match.end(), value, 0.3)
        findings.review.append(ReviewItem("document.number", "number_blank", 0.3))
    return (blank or complete)[0][1]


def symbol_type(context: Context, match: regex.Match[str]) -> DocumentType | None:
    return context.patterns.type_of_symbol(match["symbol"], party_style=match["sep"] == "-")


def find_place_and_date(context: Context, findings: Findings, header: list[tuple[int, Line]]) -> None:
    """The first place-and-date line of the header; the one with a blank day if there is one (the
    page's own, when a stamp block prints a whole place and date too), its day then read from the
    stamp."""
    pattern = context.patterns.regexes["place_date"]
    found = [(index, line, match) for index, line in header if (match := pattern.search(line.text))]
    if not found:
        return
    index, line, match = next((item for item in found if not item[2]["day"].strip().isdigit()), found[0])
    base = context.doc.line_start(index)
    place = trim_place(match["place"])
    place_start = base + match.end("place") - len(place)
    findings.place = Field.at(context.doc, place_start, base + match.end("place"), place, 0.95)
    month, year = int(match["month"]), int(match["year"])
    between = line.text[match.end("place") : match.end()]
    span = (base + match.end("place") + len(between) - len(between.lstrip(", ")), base + match.end())
    if match["day"].strip().isdigit():
        value, confidence = iso_date(int(match["day"]), month, year), 0.97
    elif stamped := stamped_date(context, header, month, year):
        (value, *span), confidence = stamped, STAMPED_CONFIDENCE
    else:
        value, confidence = partial_date(month, year), 0.3
        findings.review.append(ReviewItem("document.date", "day_blank", confidence))
    if value is None:
        findings.review.append(ReviewItem("document.date", "not_a_real_date", 0.0))
        return
    findings.date = Field.at(context.doc, span[0], span[1], value, confidence)


def stamped_date(
    context: Context, header: list[tuple[int, Line]], month: int, year: int
) -> tuple[str, int, int] | None:
    """A full date of the same month and year elsewhere in the header ("ngày 15 tháng 01 năm
    2025", "15/01/2025"): the day that e-office software stamped into the signature widget while
    the place line kept a blank."""
    patterns = [context.patterns.regexes[name] for name in ("date_long", "date_numeric")]
    for index, line in header:
        for match in leftmost_matches(patterns, line.text):
            if (int(match["month"]), int(match["year"])) == (month, year):
                base = context.doc.line_start(index)
                iso = iso_date(int(match["day"]), month, year)
                if iso:
                    return iso, base + match.start(), base + match.end()
    return None


def trim_place(place: str) -> str:
    """The place without words the line may carry before it (at most six words)."""
    words = place.split()
    return " ".join(words[-6:]) if len(words) > 6 else " ".join(words)


def find_type(context: Context, findings: Findings, title_at: int | None) -> None:
    from_symbol = None
    if findings.number is not None and findings.number.value:
        match = context.patterns.regexes["number_value"].search(findings.number.value)
        if match and match["symbol"]:
            from_symbol = symbol_type(context, match)
    line = context.doc.lines[title_at] if title_at is not None else None
    doc_type = context.patterns.type_titled(line.text) if line is not None else None
    if line is not None and doc_type is not None:  # else the title line was misjudged: the symbol decides
        start = context.doc.line_start(title_at)
        agrees = from_symbol is None or from_symbol.name == doc_type.name
        findings.type = Field.at(context.doc, start, start + len(line.text), doc_type.name, 0.98 if agrees else 0.7)
        if not agrees:
            findings.review.append(ReviewItem("document.type", "title_and_symbol_disagree", 0.7))
    elif from_symbol is not None:
        findings.type = findings.number.with_value(from_symbol.name, 0.85)
    elif findings.number is not None and opens_with_subject(context):
        findings.type = findings.number.with_value(context.patterns.bare_symbol_type.name, 0.75)


def opens_with_subject(context: Context) -> bool:
    """A header line starts "V/v": a công văn, whose symbol carries no type."""
    prefix = context.patterns.regexes["subject_prefix"]
    return any(prefix.match(line.text) for _, line in context.doc.zone_lines(Zone.HEADER))


def issuer_lines(context: Context, header: list[tuple[int, Line]], number_line: Line | None) -> list[tuple[int, Line]]:
    """Upper-case lines of the left header column above the number line."""
    limit = number_line.bbox[1] if number_line else float("inf")
    decoration = context.patterns.regexes["decoration"]
    return [
        (i, line)
        for i, line in header
        if line.column is not Column.RIGHT
        and line.bbox[1] < limit
        and not decoration.match(line.text)
        and line.text.isupper()
        and not context.patterns.regexes["place_date"].search(line.text)
    ]


def find_issuer(context: Context, findings: Findings, header: list[tuple[int, Line]], number_line: Line | None) -> None:
    lines = issuer_lines(context, header, number_line)
    if not lines:
        return
    split = next((k for k in range(1, len(lines)) if context.patterns.starts_unit(lines[k][1].text)), 0)
    parent, issuer = lines[:split], lines[split:]
    province = None
    if parent:
        findings.parent_issuer = name_field(context, parent, None)
        province = context.patterns.gazetteer.match_province(text_of(parent))[0]
    findings.issuer = name_field(context, issuer, province)


def text_of(lines: list[tuple[int, Line]]) -> str:
    return " ".join(line.text for _, line in lines)


def name_field(context: Context, lines: list[tuple[int, Line]], province: str | None) -> Field:
    """An organisation's name from its header lines: a school by its canonical name."""
    printed = text_of(lines)
    gazetteer = context.patterns.gazetteer
    match = gazetteer.match_school(printed)
    if (match.school is None or match.score < MIN_GAZETTEER_SCORE) and province:
        match = gazetteer.match_school(f"{printed} {gazetteer.province_info(province).kind} {province}")
    if match.school is not None and match.score >= MIN_GAZETTEER_SCORE:
        value, confidence = match.school.name, 0.95
    else:
        value, confidence = official_name(printed, context.patterns, context.doc.text), 0.9
    return Field.over_lines(context.doc, lines[0][0], lines[-1][0], value, confidence, printed)


def find_subject(
    context: Context,
    findings: Findings,
    title_at: int | None,
    header: list[tuple[int, Line]],
    number_line: Line | None,
) -> None:
    lines = subject_lines(context, title_at, header, number_line)
    if not lines:
        return
    text = " ".join(context.doc.lines[i].text for i in lines)
    value = context.patterns.regexes["subject_prefix"].sub("", text).strip().rstrip(".;,")
    findings.subject = Field.over_lines(context.doc, lines[0], lines[-1], value, 0.9, text)


def subject_lines(
    context: Context, title_at: int | None, header: list[tuple[int, Line]], number_line: Line | None
) -> list[int]:
    """The trích yếu: centred lines under the title, or "V/v ..." under the number (công văn)."""
    doc = context.doc
    if title_at is not None:
        title = doc.lines[title_at]
        area = text_area(doc, title.page)
        chosen = []
        for index in range(title_at + 1, min(title_at + 1 + SUBJECT_LINES, len(doc.lines))):
            line = doc.lines[index]
            if line.page != title.page or not is_centred(line, area):
                break
            if context.patterns.regexes["addressees_heading"].match(line.text):
                break
            chosen.append(index)
        return chosen
    start = next((i for i, line in header if context.patterns.regexes["subject_prefix"].match(line.text)), None)
    if start is None:
        return []
    column = doc.lines[start].column
    return [i for i, line in header if i >= start and line.column is column and not line.text.isupper()]


def text_area(doc: DocumentText, page: int) -> tuple[float, float]:
    """Left and right edges of the body text on a page (its margins, not the paper's)."""
    lines = [line for line in doc.lines if line.page == page and line.zone is Zone.BODY]
    return min(line.bbox[0] for line in lines), max(line.bbox[2] for line in lines)


def is_centred(line: Line, area: tuple[float, float]) -> bool:
    """Centred in the text area and clearly narrower than it: equal space left and right."""
    width = area[1] - area[0]
    left, right = line.bbox[0] - area[0], area[1] - line.bbox[2]
    return abs(left - right) < CENTRED * width and line.bbox[2] - line.bbox[0] < SUBJECT_WIDTH * width
