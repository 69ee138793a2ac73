"""Closing fields: signers (capacity, position, name) and recipients ("Nơi nhận", "Kính gửi").

A signature block is a run of upper-case lines in one column of the closing zone, the
capacity first when there is one ("KT. HIỆU TRƯỞNG", "TM. BAN THƯỜNG VỤ", "CỤM TRƯỞNG"), then
the position and its organisation, then, after the space for the signature, the signer's
name. The small print of a visible digital-signature appearance ("Người ký: ...") is not part
of the block.
"""

from __future__ import annotations

import statistics

import regex

from extractor.fields import Field, Findings, Signer
from extractor.finders import Context
from extractor.finders.casing import restore_from_text, sentence_case, title_case
from extractor.gazetteer import fold
from extractor.model import Column, Line, Zone

SIGNATURE_SPACE = 2.0
"""Blank line heights between the title and a name printed in capitals."""
SMALL_PRINT = 0.8
"""Lines shorter than this share of the median line height are small print (appearances)."""
PERSON_NAME = regex.compile(r"^(?:\p{Lu}[\p{Ll}\p{M}]*\s+){1,5}\p{Lu}[\p{Ll}\p{M}]*$")
ITEM = regex.compile(r"^\s*[-+•]\s*")
MIN_GAZETTEER_SCORE = 0.75


def find_closing_fields(context: Context, findings: Findings) -> None:
    closing = context.doc.zone_lines(Zone.CLOSING)
    recipient_indices = find_recipients(context, findings, closing)
    find_addressees(context, findings)
    small = small_print_limit(context)
    for column in (Column.LEFT, Column.FULL, Column.RIGHT):
        lines = [
            (i, line)
            for i, line in closing
            if line.column is column and i not in recipient_indices and line.bbox[3] - line.bbox[1] >= small
        ]
        findings.signers.extend(find_signers(context, drop_appearances(context, lines)))


def small_print_limit(context: Context) -> float:
    heights = [line.bbox[3] - line.bbox[1] for line in context.doc.lines if line.zone is Zone.BODY]
    return SMALL_PRINT * statistics.median(heights) if heights else 0.0


def drop_appearances(context: Context, lines: list[tuple[int, Line]]) -> list[tuple[int, Line]]:
    """Lines without a signature appearance's "Người ký:"/"Thời gian ký:" entries."""
    pattern = context.patterns.regexes["signature_appearance"]
    return [(i, line) for i, line in lines if not pattern.match(line.text)]


def item_text(text: str) -> str:
    return ITEM.sub("", text).strip().rstrip(",;.").strip()


def find_recipients(context: Context, findings: Findings, closing: list[tuple[int, Line]]) -> set[int]:
    """Recipients listed under "Nơi nhận:"; returns the indices of the lines used."""
    heading = context.patterns.regexes["recipients_heading"]
    start = next(((k, line) for k, (_, line) in enumerate(closing) if heading.match(line.text)), None)
    if start is None:
        return set()
    position, heading_line = start
    used = {closing[position][0]}
    items: list[tuple[int, int]] = []
    for index, line in closing[position + 1 :]:
        if line.column is not heading_line.column:
            break
        used.add(index)
        base = context.doc.line_start(index)
        if ITEM.match(line.text) or not items:
            items.append((base, base + len(line.text)))
        else:
            items[-1] = (items[-1][0], base + len(line.text))
    for start_offset, end_offset in items:
        raw = context.doc.text[start_offset:end_offset]
        value = item_text(" ".join(raw.split()))
        if value:
            findings.recipients.append(Field.at(context.doc, start_offset, end_offset, value, 0.9))
    return used


def find_addressees(context: Context, findings: Findings) -> None:
    """Addressees after "Kính gửi:" on its line, or as a "-" list below it."""
    heading = context.patterns.regexes["addressees_heading"]
    lines = context.doc.lines
    for index, line in enumerate(lines):
        match = heading.match(line.text)
        if not match or line.zone is Zone.CLOSING:
            continue
        base = context.doc.line_start(index)
        rest = line.text[match.end() :]
        spans = [(base + match.end(), base + len(line.text))] if item_text(rest) else []
        for follower in range(index + 1, len(lines)):
            if not ITEM.match(lines[follower].text):
                break
            start = context.doc.line_start(follower)
            spans.append((start, start + len(lines[follower].text)))
        found = [Field.at(context.doc, s, e, item_text(context.doc.text[s:e]), 0.9) for s, e in spans]
        findings.recipients[:0] = [f for f in found if f.value]
        return


def find_signers(context: Context, lines: list[tuple[int, Line]]) -> list[Signer]:
    """Blocks of upper-case lines, each closed by the signer's name below the signature space."""
    signers = []
    block: list[tuple[int, Line]] = []
    for index, line in lines:
        text = line.text.strip()
        if block and is_name(context, line, block[-1][1]):
            signers.append(make_signer(context, block, (index, line)))
            block = []
        elif text.isupper():
            block.append((index, line))
    return signers


def is_name(context: Context, line: Line, above: Line) -> bool:
    """A person's name: capitalised words ("Lò Thị Thúy Hà"), or all capitals when the space
    left for the signature separates it from the title ("NGUYỄN VĂN AN")."""
    text = line.text.strip()
    if not text.isupper():
        return bool(PERSON_NAME.match(text))
    height = line.bbox[3] - line.bbox[1]
    below_signature_space = line.bbox[1] - above.bbox[3] > SIGNATURE_SPACE * height
    return (
        below_signature_space
        and bool(PERSON_NAME.match(person_name(text)))
        and not context.patterns.starts_unit(text)
        and not context.patterns.regexes["capacity_prefix"].match(text)
        and fold(text) not in context.patterns.positions
    )


def make_signer(context: Context, block: list[tuple[int, Line]], name_line: tuple[int, Line]) -> Signer:
    capacity_prefix = context.patterns.regexes["capacity_prefix"]
    titles = [item for item in block if not context.patterns.starts_unit(item[1].text)]
    capacity_lines: list[tuple[int, Line]] = []
    if capacity_prefix.match(block[0][1].text) or len(titles) >= 2:
        capacity_lines = [block[0]]
    position_lines = [item for item in block if item not in capacity_lines]
    return Signer(
        name=line_field(context, [name_line], person_name(name_line[1].text), 0.9),
        position=line_field(context, position_lines, position_value(context, position_lines), 0.85),
        capacity=line_field(context, capacity_lines, capacity_value(context, capacity_lines), 0.85),
    )


def person_name(text: str) -> str:
    words = text.split()
    return " ".join(w.capitalize() if w.isupper() else w for w in words)


def capacity_value(context: Context, lines: list[tuple[int, Line]]) -> str | None:
    if not lines:
        return None
    text = " ".join(line.text for _, line in lines)
    prefix = context.patterns.regexes["capacity_prefix"].match(text)
    head = prefix.group().replace(" ", "") + " " if prefix else ""
    rest = text[prefix.end() :] if prefix else text
    return head + title_case(rest, context.patterns)


def position_value(context: Context, lines: list[tuple[int, Line]]) -> str | None:
    """ "HIỆU TRƯỞNG" + "TRƯỜNG CHÍNH TRỊ TỈNH SƠN LA" → "Hiệu trưởng Trường Chính trị tỉnh Sơn La"."""
    if not lines:
        return None
    split = next((k for k, (_, line) in enumerate(lines) if context.patterns.starts_unit(line.text)), len(lines))
    title = title_case(" ".join(line.text for _, line in lines[:split]), context.patterns)
    organisation = " ".join(line.text for _, line in lines[split:])
    if not organisation:
        return title
    match = context.patterns.gazetteer.match_school(organisation)
    if match.school is not None and match.score >= MIN_GAZETTEER_SCORE:
        organisation = match.school.name
    else:
        organisation = restore_from_text(organisation, context.doc.text) or sentence_case(
            organisation, context.patterns
        )
    return f"{title} {organisation}".strip()


def line_field(context: Context, lines: list[tuple[int, Line]], value: str | None, confidence: float) -> Field | None:
    if not lines or value is None:
        return None
    text = " ".join(line.text for _, line in lines)
    return Field.over_lines(context.doc, lines[0][0], lines[-1][0], value, confidence, text)
