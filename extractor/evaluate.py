"""Compare a record with hand-labelled expected values (the format of ``samples/expected``).

Used by the tests and by ``bench/accuracy.py``: for each field, whether the value is right;
for lists (references, schools, figures), precision, recall and F1 over exact matches.
Figures match on classes, students, school and period; labels are free text and are scored
separately by similarity.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

DOCUMENT_KEYS = ("number", "type", "issuer", "parent_issuer", "place", "date", "subject")


@dataclass(frozen=True)
class ListScore:
    expected: int
    found: int
    correct: int
    missing: tuple = ()
    extra: tuple = ()

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass
class Comparison:
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    """Field name → (expected, found) for every document field."""
    lists: dict[str, ListScore] = field(default_factory=dict)

    def wrong_fields(self) -> dict[str, tuple[Any, Any]]:
        return {k: v for k, v in self.fields.items() if v[0] != v[1]}


def value(field_json: dict | None) -> Any:
    return None if field_json is None else field_json["value"]


def score_lists(expected: list, found: list) -> ListScore:
    want, got = Counter(expected), Counter(found)
    correct = sum((want & got).values())
    return ListScore(len(expected), len(found), correct, tuple((want - got).elements()), tuple((got - want).elements()))


def compare(record: dict[str, Any], expected: dict[str, Any]) -> Comparison:
    result = Comparison()
    document, wanted = record["document"], expected["document"]
    for key in DOCUMENT_KEYS:
        result.fields[f"document.{key}"] = (wanted.get(key), value(document[key]))
    signers = [tuple(value(s[k]) for k in ("name", "position", "capacity")) for s in document["signers"]]
    result.lists["signers"] = score_lists(
        [(s["name"], s["position"], s["capacity"]) for s in wanted.get("signers", [])], signers
    )
    result.lists["recipients"] = score_lists(wanted.get("recipients", []), [value(r) for r in document["recipients"]])
    result.lists["references"] = score_lists(
        [(r["kind"], r["number"], r["date"]) for r in expected.get("references", [])],
        [(r["kind"], r["number"], r["date"]) for r in record["references"]],
    )
    result.lists["received_stamps"] = score_lists(
        [(s["receiver"], s["number"], s["date"]) for s in expected.get("received_stamps", [])],
        [(s["receiver"], s["number"], s["date"]) for s in record["received_stamps"]],
    )
    result.lists["schools"] = score_lists(
        [s["name"] for s in expected.get("schools", [])], [s["name"] for s in record["schools"]]
    )
    result.lists["figures"] = score_lists(
        [(f["classes"], f["students"], f["school"], f["period"]) for f in expected.get("figures", [])],
        [(f["classes"], f["students"], f["school"], f["period"]) for f in record["figures"]],
    )
    return result
