"""Incoming-mail stamps: the box with "ĐẾN", the receiver, "Số: 457" and "Ngày: 23/8/2021".

The stamp is found by its upper-case "ĐẾN" marker; its other entries are read from the few
lines around the marker on the same page. Those lines are recorded in ``Context.stamp_lines``
so that no other finder takes the stamp's number or receiver for the document's own.
"""

from __future__ import annotations

from extractor.fields import Field, Findings, ReceivedStamp
from extractor.finders import Context
from extractor.finders.casing import official_name
from extractor.finders.dates import parse_date

WINDOW = 3
"""Lines before and after the marker that can belong to the stamp."""
MIN_SCHOOL_SCORE = 0.6


def find_received_stamps(context: Context, findings: Findings) -> None:
    regexes = context.patterns.regexes
    lines = context.doc.lines
    for index, line in enumerate(lines):
        marker = regexes["stamp_marker"].search(line.text)
        if not marker or not marker.group().isupper():
            continue
        window = [
            i for i in range(index - WINDOW, index + WINDOW + 1) if 0 <= i < len(lines) and lines[i].page == line.page
        ]
        number_at = next((i for i in window if regexes["stamp_number"].search(lines[i].text)), None)
        date_at = next((i for i in window if regexes["stamp_date"].search(lines[i].text)), None)
        if number_at is None and date_at is None:
            continue
        stamp = read_stamp(context, window, index, number_at, date_at)
        findings.received_stamps.append(stamp)


def read_stamp(
    context: Context, window: list[int], marker_at: int, number_at: int | None, date_at: int | None
) -> ReceivedStamp:
    regexes, lines = context.patterns.regexes, context.doc.lines
    number = date = None
    if number_at is not None:
        number = regexes["stamp_number"].search(lines[number_at].text)["number"]
    if date_at is not None:
        date = parse_date(regexes["stamp_date"].search(lines[date_at].text)["date"], context.patterns)
    first_entry = min(i for i in (marker_at, number_at, date_at) if i is not None)
    receiver_at = [i for i in window if i < first_entry and lines[i].text.isupper()][-2:]
    receiver = read_receiver(context, receiver_at)
    used = set(receiver_at) | {i for i in (marker_at, number_at, date_at) if i is not None}
    context.stamp_lines.update(range(min(used), max(used) + 1))
    start = context.doc.line_start(min(used))
    end = context.doc.line_start(max(used)) + len(lines[max(used)].text)
    found = sum(value is not None for value in (receiver, number, date))
    source = Field.at(context.doc, start, end, None, 0.5 + 0.15 * found)
    return ReceivedStamp(receiver, number, date, source.with_value(context.doc.text[start:end]))


def read_receiver(context: Context, line_indices: list[int]) -> str | None:
    if not line_indices:
        return None
    printed = " ".join(context.doc.lines[i].text for i in line_indices)
    match = context.patterns.gazetteer.match_school(printed)
    if match.school is not None and match.score >= MIN_SCHOOL_SCORE:
        return match.school.name
    return official_name(printed, context.patterns, context.doc.text)
