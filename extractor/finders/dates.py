"""Dates as Vietnamese documents write them → ISO strings.

``ngày 12 tháng 8 năm 2021``, ``12/8/2021``, ``12-8-2021``, ``18.08.2021``. A date that does not
exist (31/2/2021) is not a date. A blank day ("ngày   tháng 01 năm 2025", filled in at signing)
gives a partial ``YYYY-MM`` that the caller must score low, never a silent day 1.
"""

from __future__ import annotations

import datetime

from extractor.patterns import Patterns


def iso_date(day: int, month: int, year: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str, patterns: Patterns) -> str | None:
    """The first date in ``text`` in any of the spellings above, as ``YYYY-MM-DD``."""
    for name in ("date_long", "date_numeric"):
        match = patterns.regexes[name].search(text)
        if match:
            return iso_date(int(match["day"]), int(match["month"]), int(match["year"]))
    # Inside a citation "ngày" is consumed by the caller: "12 tháng 3 năm 2021" remains.
    match = patterns.regexes["date_long"].search("ngày " + text)
    if match:
        return iso_date(int(match["day"]), int(match["month"]), int(match["year"]))
    return None


def partial_date(month: int, year: int) -> str | None:
    if 1 <= month <= 12 and 1900 <= year <= 2100:
        return f"{year:04d}-{month:02d}"
    return None
