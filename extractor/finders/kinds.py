"""Whether a figure is a result, a plan or classes carried over from an earlier period.

The cues are data (``figure_plan``, ``figure_carried_over``, ``figure_result`` in regex.toml).
A figure's kind is, in order:

1. the kind whose cue ends nearest before it in its clause ("Thực hiện kế hoạch, Trường đã mở
   30 lớp": "đã" is nearer than "kế hoạch");
2. else the kind of the figure before it in the same sentence ("dự kiến mở 5 lớp A, 3 lớp B");
3. else, in a list item, the kind of the item's lead-in, the sentence ending with ":" the list
   hangs from: its last figure, else a cue there ("Chỉ tiêu năm 2024:" over "- Trung cấp: 10 lớp"),
   else its own lead-in's; a lead-in that only opens the list ("Trong đó:") takes the figure before
   it; sibling items never decide;
4. else a result.

A table's rows take the kind of its lead-in, like a list's items ("dự kiến mở …, cụ thể:" over a
table of courses: plans).

A carried-over cue right after the figure in its clause ("Đã mở 05 lớp chuyển tiếp từ năm 2022")
makes a result carried over; it qualifies that figure only, so the next one does not inherit it.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence

import regex

CUES = (("plan", "figure_plan"), ("carried_over", "figure_carried_over"), ("result", "figure_result"))
RESULT = "result"
ITEM_MARK = regex.compile(
    r"^\s*(?:(?P<bullet>[-+•*–])|(?P<number>\d{1,2}(?:\.\d{1,2})*)\s?(?P<end>[-.)])"
    r"|(?P<roman>[IVX]{1,5})\s?(?P<end>[-.)])|(?P<letter>[a-zđ])(?P<end>\)))\s*"
)


def item_marker(sentence: str) -> str | None:
    """What kind of list item a sentence is: "-", "+", "n." ("1."), "nn-" ("1.1-"), "I-", "a)"; None for prose."""
    match = ITEM_MARK.match(sentence)
    if not match:
        return None
    if match["bullet"]:
        return match["bullet"]
    if match["number"]:
        return "n" * (match["number"].count(".") + 1) + match["end"]
    return ("I" if match["roman"] else "a") + match["end"]


def nearest_cue(patterns: Mapping[str, regex.Pattern[str]], text: str) -> str | None:
    """The kind whose cue ends last in ``text``."""
    best: tuple[int, str] | None = None
    for kind, key in CUES:
        pattern = patterns.get(key)
        ends = [match.end() for match in pattern.finditer(text)] if pattern else []
        if ends and (best is None or ends[-1] > best[0]):
            best = (ends[-1], kind)
    return best[1] if best else None


class Kinds:
    """Kinds of the figures of one text, asked for in text order."""

    def __init__(
        self, patterns: Mapping[str, regex.Pattern[str]], text: str, sentences: Sequence[tuple[int, int]]
    ) -> None:
        self.patterns = patterns
        self.text = text
        self.sentences = sentences
        self.markers = [item_marker(text[start:end]) for start, end in sentences]
        self.parents = list_parents(self.markers)
        self.figure_sentences: list[int] = []
        self.figure_kinds: list[str] = []

    def kind(self, sentence: int, before: str, carried_after: bool) -> str:
        """The kind of the next figure, in sentence number ``sentence`` (an index of ``sentences``),
        with the text of its clause before it and whether a carried-over cue follows it there."""
        kind = (
            nearest_cue(self.patterns, before)
            or self.last_kind_in(sentence)
            or self.lead_in_kind(self.parents[sentence])
        )
        self.figure_sentences.append(sentence)
        self.figure_kinds.append(kind)
        return "carried_over" if carried_after and kind != "plan" else kind

    def table_kind(self, sentence: int) -> str:
        """The kind of a table row in sentence number ``sentence``: its lead-in's, the sentence
        before the table's rows (cells joined by tabs), as for a list."""
        lead_in = sentence
        while lead_in >= 0 and "\t" in self.text[slice(*self.sentences[lead_in])]:
            lead_in -= 1
        return self.lead_in_kind(lead_in) if lead_in >= 0 else RESULT

    def last_kind_in(self, sentence: int) -> str | None:
        return self.figure_kinds[-1] if self.figure_sentences and self.figure_sentences[-1] == sentence else None

    def lead_in_kind(self, sentence: int | None) -> str:
        """The kind a list hanging from ``sentence`` states, when it is a lead-in (ends with ":")."""
        while sentence is not None:
            start, end = self.sentences[sentence]
            lead_in = self.text[start:end].rstrip()
            if not lead_in.endswith(":"):
                return RESULT
            if self.figures_in(sentence):
                return self.kind_before(sentence + 1)
            kind = nearest_cue(self.patterns, lead_in)
            if kind:
                return kind
            if self.markers[sentence] is None:
                return self.kind_before(sentence)
            sentence = self.parents[sentence]
        return RESULT

    def figures_in(self, sentence: int) -> bool:
        index = bisect.bisect_left(self.figure_sentences, sentence)
        return index < len(self.figure_sentences) and self.figure_sentences[index] == sentence

    def kind_before(self, sentence: int) -> str:
        """The kind of the last figure before sentence number ``sentence``."""
        index = bisect.bisect_left(self.figure_sentences, sentence) - 1
        return self.figure_kinds[index] if index >= 0 else RESULT


def list_parents(markers: Sequence[str | None]) -> list[int | None]:
    """For each sentence that is a list item, the sentence its list hangs from: the nearest
    earlier item one level up, or the prose sentence before the list; None for prose."""
    parents: list[int | None] = []
    levels: list[tuple[str, int]] = []
    """The markers of the open list levels with the last sentence of each; bottom: the lead-in."""
    lead_in: int | None = None
    for index, marker in enumerate(markers):
        if marker is None:
            parents.append(None)
            levels = []
            lead_in = index
            continue
        open_markers = [level for level, _ in levels]
        if marker in open_markers:
            del levels[open_markers.index(marker) :]
        parents.append(levels[-1][1] if levels else lead_in)
        levels.append((marker, index))
    return parents
