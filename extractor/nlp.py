"""The spaCy pipeline: a blank Vietnamese pipeline with rules only, no statistical model.

``spacy.blank("vi")`` without pyvi splits on whitespace only; ``ReportTokenizer`` separates
punctuation and ``/`` (so "51-BC/CTĐ" and "Sơn La," tokenise) and keeps "T."/"TP." whole.
Each token's ``norm_`` is its diacritic-free lower-case form, so the entity rules in
``patterns/patterns.jsonl`` (written on ``NORM``) also match OCR-damaged words ("Trưởng Chính tri").
``report_sentences`` cuts sentences at ". ; ! ?", at list items and at table rows, the unit
the figure finder uses to attribute a figure to a school. ``flowing_text`` joins the lines a
sentence wraps over, so a pattern reads "8 lớp ... hệ tập" + "trung với 512 học viên" as one.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import regex

from extractor.gazetteer import fold
from extractor.patterns import Patterns

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token
    from spacy.vocab import Vocab

TOKEN = regex.compile(r"(?:TP|Tp|tp|T|TX)\.(?=\s)|\d+(?:[.,]\d+)*|[\p{L}\p{M}]+|\S")
MAX_CHARACTERS = 100_000_000
SENTENCE_END = {".", ";", "!", "?"}
BULLET = {"-", "+", "•", "*"}
NUMBERING = regex.compile(r"^(?:[IVX]{1,5}|\d{1,2}(?:\.\d{1,2})*|[a-zđ])$")
NUMBERING_END = {"-", ".", ")"}


@functools.lru_cache(maxsize=65536)
def token_key(text: str) -> str:
    return fold(text)


class ReportTokenizer:
    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        import numpy
        from spacy.attrs import NORM
        from spacy.tokens import Doc

        words: list[str] = []
        spaces: list[bool] = []
        line_starts: list[int] = []
        for match in TOKEN.finditer(text):
            start, end = match.span()
            if start == 0 or text[start - 1] in "\n\t":
                line_starts.append(len(words))
            words.append(match.group())
            spaces.append(end < len(text) and text[end].isspace())
        doc = Doc(self.vocab, words=words, spaces=spaces)
        if words:
            add = self.vocab.strings.add
            norms = numpy.fromiter((add(token_key(word)) for word in words), dtype="uint64", count=len(words))
            doc.from_array([NORM], norms.reshape(-1, 1))
        doc.user_data["line_starts"] = line_starts
        # doc.text has a space for every line break and tab; this is the text as given.
        doc.user_data["text"] = text
        return doc


def mark_sentences(doc: Doc) -> Doc:
    """Sentence starts after . ; ! ?, at list items and table rows, and after a line ending ":"
    (unless the next line goes on with a count).

    Set in one array: assigning ``token.is_sent_start`` one token at a time costs O(n) each.
    """
    import numpy
    from spacy.attrs import SENT_START

    line_starts = set(doc.user_data.get("line_starts", ()))
    starts = numpy.full((len(doc), 1), -1, dtype="int64")
    units: set[int] = set()
    for token in doc:
        previous = doc[token.i - 1] if token.i else None
        unit = token.i in line_starts and (
            (previous is not None and previous.text == ":" and not continues(doc, token)) or starts_item(doc, token)
        )
        if unit:
            units.add(token.idx)
        if unit or previous is None or previous.text in SENTENCE_END:
            starts[token.i, 0] = 1
    doc.from_array([SENT_START], starts.astype("uint64"))
    doc.user_data["line_units"] = units
    return doc


def continues(doc: Doc, token: Token) -> bool:
    """Whether a line after one ending ":" goes on with its statement: a count ("được giao là:" /
    "323 lớp/20.399 học viên", "Chuyên viên:" / "16 lớp") wrapped onto the next line, not a table row."""
    text = doc.user_data["text"]
    line_end = text.find("\n", token.idx)
    return token.text[0].isdigit() and "\t" not in text[token.idx : None if line_end < 0 else line_end]


def starts_item(doc: Doc, token: Token) -> bool:
    """A list item or numbered heading: "- ", "+ ", "1- ", "1.1. ", "II- ", "a) "; not a count that
    ends a sentence on a line of its own ("số lớp:" / "06.")."""
    if token.text in BULLET:
        return True
    following = doc[token.i + 1] if token.i + 1 < len(doc) else None
    if following is None or following.text not in NUMBERING_END or not NUMBERING.match(token.text):
        return False
    end = following.idx + len(following.text)
    text = doc.user_data["text"]
    return end < len(text) and text[end] != "\n"


def flowing_text(doc: Doc) -> str:
    """The text of ``doc`` with each line break inside a paragraph made a space, offsets unchanged.

    Prose wraps anywhere, so a figure ("8 lớp ... hệ tập" / "trung với 512 học viên") may span
    lines. A break stays before a line that starts a unit of its own (a list item, the line after
    one ending ":") and next to a table row (cells joined by tabs).
    """
    text: str = doc.user_data["text"]
    units = doc.user_data["line_units"]
    lines = text.split("\n")
    pieces: list[str] = []
    offset = 0
    for index, line in enumerate(lines[:-1]):
        offset += len(line) + 1
        following = lines[index + 1]
        first = offset + len(following) - len(following.lstrip())
        kept = first in units or "\t" in line or "\t" in following
        pieces.append(line + ("\n" if kept else " "))
    pieces.append(lines[-1])
    return "".join(pieces)


def build_pipeline(patterns: Patterns) -> Language:
    import spacy
    from spacy.language import Language

    if "report_sentences" not in Language.factories:
        Language.component("report_sentences", func=mark_sentences)
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.tokenizer = ReportTokenizer(nlp.vocab)
    # The limit guards spaCy's parser and NER memory; this pipeline has neither, and a
    # 400-page report is over a million characters.
    nlp.max_length = MAX_CHARACTERS
    nlp.add_pipe("report_sentences")
    ruler = nlp.add_pipe("entity_ruler", config={"validate": True})
    ruler.add_patterns(list(patterns.entity_patterns))
    return nlp


@functools.lru_cache(maxsize=4)
def pipeline_for(patterns: Patterns) -> Language:
    return build_pipeline(patterns)
