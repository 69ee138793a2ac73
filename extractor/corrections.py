"""Reviewers' corrections, kept beside the batch's records in the same SQLite store.

The extracted record is never changed. Each decision a reviewer makes is a row of the
``corrections`` table, an append-only audit trail: document (sha256), item, field path, action
(``accepted``, ``corrected``, ``rejected`` = "not in this document", ``reverted`` = back to the
extraction), old value, new value, reviewer and time (UTC). Corrections are keyed by the
document's content hash, so a re-run of the batch keeps those of unchanged documents.

Paths name the items of a record's ``review`` list (``document.date``,
``document.signers[0].name``, ``document.recipients[1]``, ``figures[3]``, ``schools[2]``,
``references[0]``, ``received_stamps[0]``, ``source.signatures[0]``) and the parts of a composite
item (``figures[3].students``, ``references[0].date``). Every item has a version, raised by each
write to it or to one of its parts; a write carries the version its author read and is refused
with ``Conflict`` when someone else wrote in between (``BEGIN IMMEDIATE``: two processes on one
store never lose an edit).

``Corrections(store).apply(record)`` gives the corrected copy:

- corrected values replace extracted ones; accepted and corrected items get confidence 1.0;
- a rejected field becomes null; a rejected list item (a figure, a school, a reference, a
  stamp, a recipient, a signature) is removed and listed under ``review_rejected``
  (``{"path": its path in the extraction, "item": the item as extracted}``);
- ``review_status`` maps the path of every reviewable item of the corrected copy to ``auto``,
  ``accepted``, ``corrected`` or ``rejected``; ``review`` keeps only the undecided items.

A correction written against one extraction of a document is found again in a later extraction
by the item's source text and page; when the item is gone it is not applied.
"""

from __future__ import annotations

import copy
import datetime
import getpass
import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extractor.patterns import Patterns
    from extractor.store import Store

ACTIONS = ("accepted", "corrected", "rejected", "reverted")
ITEM_PATH = re.compile(
    r"^(?P<item>document\.(?:signers\[(?P<signer>\d+)\]\.(?:name|position|capacity)|recipients\[(?P<recipient>\d+)\]"
    r"|number|type|issuer|parent_issuer|place|date|subject)"
    r"|(?P<list>references|received_stamps|figures|schools|source\.signatures)\[(?P<index>\d+)\])"
    r"(?:\.(?P<part>[a-z_]+))?$"
)
PARTS = {
    "figures": ("classes", "students", "label", "period", "school", "kind"),
    "references": ("kind", "number", "date"),
    "received_stamps": ("receiver", "number", "date"),
}
"""The parts of a composite item that a reviewer may correct one by one."""
CORRECTABLE_ITEMS = ("document", "schools")
"""Items corrected as a whole (a field's value, a school's name); figures, references and
stamps are corrected part by part, signatures only accepted or rejected."""
MAX_TEXT = 2000

SCHEMA = """
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document TEXT NOT NULL,
    item TEXT NOT NULL,
    path TEXT NOT NULL,
    version INTEGER NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('accepted', 'corrected', 'rejected', 'reverted')),
    old_value TEXT,
    new_value TEXT,
    anchor TEXT,
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL,
    UNIQUE (document, path, version)
);
CREATE INDEX IF NOT EXISTS corrections_by_item ON corrections (document, item, version);
"""


class Conflict(Exception):
    """Someone else changed the item after the writer read it."""


class InvalidCorrection(ValueError):
    """A value that does not fit its field (not a real date, a negative count, ...)."""


@dataclass(frozen=True)
class Edit:
    """One change of one path: ``value`` is already validated (``Validator.parse``)."""

    path: str
    action: str
    value: Any = None


@dataclass(frozen=True)
class Entry:
    """A row of the audit trail."""

    id: int
    document: str
    item: str
    path: str
    version: int
    action: str
    old_value: Any
    new_value: Any
    anchor: str | None
    reviewer: str
    at: str


@dataclass(frozen=True)
class Target:
    """A parsed path: the item it belongs to and, for a part, the part's name."""

    item: str
    section: str
    """``document`` for fields, else the list: ``figures``, ``schools``, ... ``source.signatures``."""
    index: int | None
    part: str | None


def parse_path(path: str) -> Target:
    match = ITEM_PATH.match(path)
    if match is None:
        raise InvalidCorrection(f"{path}: not a field of a record")
    part = match["part"]
    section = match["list"] or "document"
    if part is not None and part not in PARTS.get(section, ()):
        raise InvalidCorrection(f"{path}: {section} items have no part {part!r}")
    index = match["index"]
    return Target(match["item"], section, int(index) if index is not None else None, part)


def default_reviewer() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class Corrections:
    """The corrections of one store; see the module docstring."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.connection = store.connection
        self.connection.executescript(SCHEMA)

    # -- reading -------------------------------------------------------------------------

    def entries(self, document: str, item: str | None = None) -> list[Entry]:
        """The audit trail of a document (or one of its items), oldest first."""
        query = "SELECT * FROM corrections WHERE document = ?" + (" AND item = ?" if item else "") + " ORDER BY id"
        rows = self.connection.execute(query, (document, item) if item else (document,))
        return [_entry(row) for row in rows]

    def versions(self, document: str) -> dict[str, int]:
        """The current version of every item of ``document`` that has been written (0 otherwise)."""
        rows = self.connection.execute(
            "SELECT item, MAX(version) FROM corrections WHERE document = ? GROUP BY item", (document,)
        )
        return dict(rows.fetchall())

    def version(self, document: str, item: str) -> int:
        row = self.connection.execute(
            "SELECT MAX(version) FROM corrections WHERE document = ? AND item = ?", (document, item)
        ).fetchone()
        return row[0] or 0

    def decided(self) -> set[tuple[str, str]]:
        """Every (document, item) whose latest decision is not ``reverted``."""
        rows = self.connection.execute(
            "SELECT document, item, action FROM corrections c WHERE id = "
            "(SELECT MAX(id) FROM corrections WHERE document = c.document AND item = c.item)"
        )
        return {(document, item) for document, item, action in rows if action != "reverted"}

    # -- writing -------------------------------------------------------------------------

    def write(
        self, record: dict[str, Any], item: str, version: int, edits: Sequence[Edit], reviewer: str | None = None
    ) -> int:
        """Record ``edits`` of ``item`` (all its own path or its parts) in one transaction.

        ``version`` is the item's version the reviewer saw; returns the new one. ``Conflict``
        when the item moved on since; ``InvalidCorrection`` for a path or action that does not fit.
        """
        document = record["source"]["sha256"]
        for edit in edits:
            check_edit(record, item, edit)
        if not edits:
            raise InvalidCorrection(f"{item}: nothing to save")
        at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        reviewer = reviewer or default_reviewer()
        with self.store.transaction():  # BEGIN IMMEDIATE: a concurrent writer waits, then sees the new version
            current = self.version(document, item)
            if current != version:
                raise Conflict(self.conflict_message(document, item, version, current))
            effective, _ = self.effective(record)
            anchor = anchor_of(record, item)
            for edit in edits:
                old = _read(effective, item, edit.path)
                new = edit.value if edit.action == "corrected" else None
                self.connection.execute(
                    "INSERT INTO corrections (document, item, path, version, action, old_value, new_value, anchor,"
                    " reviewer, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (document, item, edit.path, current + 1, edit.action, _dump(old), _dump(new), anchor, reviewer, at),
                )
        return current + 1

    def conflict_message(self, document: str, item: str, seen: int, current: int) -> str:
        last = self.entries(document, item)[-1] if current else None
        who = f" by {last.reviewer} at {last.at} ({last.action})" if last else ""
        return (
            f"{item} was changed{who} after you opened it (version {current}, you saw {seen}); "
            "your edit was not saved: reload to see the current value"
        )

    # -- applying ------------------------------------------------------------------------

    def apply(self, record: dict[str, Any]) -> dict[str, Any]:
        """The corrected copy of ``record`` with ``review_status`` (see the module docstring)."""
        corrected, statuses = self.effective(record)
        return _finish(record, corrected, statuses)

    def effective(self, record: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """The record with corrected values and confirmed confidences, nothing removed yet, and the
        status of every item by its path in ``record`` (what the review pages show)."""
        corrected = copy.deepcopy(record)
        statuses = {path: "auto" for path in item_paths(record)}
        for item, entries in self._current_entries(record["source"]["sha256"]).items():
            path = self._relocate(record, item, entries)
            if path is None:
                continue
            status = _status(entries)
            statuses[path] = status
            if status != "rejected":
                for entry in entries:
                    if entry.action == "corrected":
                        _set(corrected, path, _retarget(entry.path, item, path), entry.new_value)
                if status in ("accepted", "corrected"):
                    _confirm(corrected, path)
        return corrected, statuses

    def _current_entries(self, document: str) -> dict[str, list[Entry]]:
        """Per item, the entries since its last ``reverted`` (an empty list after a revert)."""
        items: dict[str, list[Entry]] = {}
        for entry in self.entries(document):
            if entry.action == "reverted" and entry.path == entry.item:
                items[entry.item] = []
            else:
                items.setdefault(entry.item, []).append(entry)
        return {item: entries for item, entries in items.items() if entries}

    def _relocate(self, record: dict[str, Any], item: str, entries: list[Entry]) -> str | None:
        anchor = entries[0].anchor
        if anchor is None or (exists(record, item) and anchor_of(record, item) == anchor):
            return item if exists(record, item) else None
        base = item.split("[")[0]
        for index in range(len(_list(record, base))):
            if anchor_of(record, f"{base}[{index}]") == anchor:
                return f"{base}[{index}]"
        return None


# -- validation -----------------------------------------------------------------------------


class Validator:
    """Turns what a reviewer typed into a value of the field's kind, or ``InvalidCorrection``."""

    def __init__(self, patterns: Patterns | None = None) -> None:
        from extractor.patterns import load_patterns
        from extractor.record import schema

        self.patterns = patterns or load_patterns()
        figure = schema()["properties"]["figures"]["items"]["properties"]
        self.period = re.compile(figure["period"]["pattern"])
        self.figure_kinds = tuple(figure["kind"]["enum"])

    def kind(self, path: str) -> str:
        """What a path holds: date, number, count, school, period, figure_kind, or text."""
        target = parse_path(path)
        key = target.part or target.item.rsplit(".", 1)[-1]
        if target.section == "schools" or key == "school":
            return "school"
        if key == "date":
            return "date"
        if key in ("classes", "students") or (target.section == "received_stamps" and key == "number"):
            return "count"
        if key == "number":
            return "number"
        if key == "period":
            return "period"
        if key == "kind" and target.section == "figures":
            return "figure_kind"
        return "text"

    def parse(self, path: str, typed: str, new_school: bool = False) -> Any:
        kind = self.kind(path)
        text = " ".join(unicodedata.normalize("NFC", typed).split())
        if not text:
            if path.endswith((".students", ".label", ".period", ".school")) or (
                path.startswith("references[") and path.endswith(".date")
            ):
                return None
            raise InvalidCorrection(f"{path}: empty; use “not in this document” when the document does not say it")
        if len(text) > MAX_TEXT:
            raise InvalidCorrection(f"{path}: longer than {MAX_TEXT} characters")
        parser = getattr(self, f"_{kind}")
        return parser(path, text, new_school) if kind == "school" else parser(path, text)

    def _date(self, path: str, text: str) -> str:
        match = self.patterns.regexes["date_numeric"].fullmatch(text)
        try:
            if match:
                return datetime.date(int(match["year"]), int(match["month"]), int(match["day"])).isoformat()
            if len(text) == len("YYYY-MM-DD"):
                return datetime.date.fromisoformat(text).isoformat()
            if len(text) == len("YYYY-MM") and text[4] == "-":
                datetime.date.fromisoformat(f"{text}-01")
                return text
        except ValueError as exc:
            raise InvalidCorrection(f"{path}: {text!r} is not a real date ({exc})") from None
        raise InvalidCorrection(f"{path}: {text!r} is not a date (write 2021-08-12 or 12/08/2021)")

    def _count(self, path: str, text: str) -> int | str:
        digits = text.replace(".", "").replace(" ", "") if re.fullmatch(r"\d{1,3}(?:[. ]\d{3})+", text) else text
        if not digits.isascii() or not digits.isdigit():
            raise InvalidCorrection(f"{path}: {text!r} is not a whole number of 0 or more")
        return digits if path.startswith("received_stamps[") else int(digits)

    def _number(self, path: str, text: str) -> str:
        if self.patterns.regexes["number_value"].fullmatch(text) is None:
            raise InvalidCorrection(f"{path}: {text!r} is not a number and symbol (like 51-BC/CTĐ or 15/QĐ-UBND)")
        return "".join(text.split())

    def _period(self, path: str, text: str) -> str:
        if not self.period.fullmatch(text):
            raise InvalidCorrection(f"{path}: {text!r} is not a period (2021, 2021-H1, 2021-Q3, 2020-2021)")
        return text

    def _figure_kind(self, path: str, text: str) -> str:
        if text not in self.figure_kinds:
            raise InvalidCorrection(f"{path}: {text!r} is not one of {', '.join(self.figure_kinds)}")
        return text

    def _text(self, path: str, text: str) -> str:
        return text

    def _school(self, path: str, text: str, new_school: bool) -> dict[str, Any] | str:
        match = self.patterns.gazetteer.match_school(text)
        if match.school is not None:
            school = {"name": match.school.name, "id": match.school.id, "province": match.school.province}
        elif new_school:
            school = {"name": text, "id": None, "province": None}
        else:
            raise InvalidCorrection(
                f"{path}: {text!r} is not a school of the gazetteer; check the spelling or add it as a new school"
            )
        return school["name"] if path.endswith(".school") else school


def check_edit(record: dict[str, Any], item: str, edit: Edit) -> None:
    """An edit must name ``item`` or one of its parts, exist in ``record`` and suit its kind."""
    target = parse_path(edit.path)
    if target.item != item or parse_path(item).item != item:
        raise InvalidCorrection(f"{edit.path}: not part of {item}")
    if edit.action not in ACTIONS:
        raise InvalidCorrection(f"{edit.path}: unknown action {edit.action!r}")
    if not exists(record, item):
        raise InvalidCorrection(f"{item}: no such item in this document")
    if target.part is not None and edit.action != "corrected":
        raise InvalidCorrection(f"{edit.path}: a part can only be corrected; accept or reject {item}")
    if edit.action == "corrected" and target.part is None and target.section not in CORRECTABLE_ITEMS:
        raise InvalidCorrection(f"{item}: correct its parts ({', '.join(PARTS.get(target.section, ())) or 'none'})")


# -- record helpers -------------------------------------------------------------------------


def item_paths(record: dict[str, Any]) -> Iterator[str]:
    """Every reviewable item of a record, in record order."""
    document = record["document"]
    for key in ("number", "type", "issuer", "parent_issuer", "place", "date", "subject"):
        yield f"document.{key}"
    for index, signer in enumerate(document["signers"]):
        yield from (f"document.signers[{index}].{key}" for key in signer)
    yield from (f"document.recipients[{index}]" for index in range(len(document["recipients"])))
    for section in ("references", "received_stamps", "figures", "schools"):
        yield from (f"{section}[{index}]" for index in range(len(record[section])))
    yield from (f"source.signatures[{index}]" for index in range(len(record["source"]["signatures"])))


def _container(record: dict[str, Any], item: str) -> tuple[Any, str | int]:
    """The list or dict holding ``item`` and its key there."""
    match = ITEM_PATH.match(item)
    assert match is not None
    if match["signer"] is not None:
        return record["document"]["signers"][int(match["signer"])], item.rsplit(".", 1)[1]
    if match["recipient"] is not None:
        return record["document"]["recipients"], int(match["recipient"])
    if match["list"] is not None:
        return _list(record, match["list"]), int(match["index"])
    return record["document"], item.split(".", 1)[1]


def exists(record: dict[str, Any], item: str) -> bool:
    try:
        container, key = _container(record, item)
        container[key]
    except (IndexError, KeyError):
        return False
    return True


def _get(record: dict[str, Any], item: str) -> Any:
    container, key = _container(record, item)
    return container[key]


def value_of(record: dict[str, Any], item: str) -> Any:
    """The item's value in ``record`` (a field, a signer's part, a list item); ``None`` when it has none."""
    return _get(record, item) if exists(record, item) else None


def anchor_of(record: dict[str, Any], item: str) -> str | None:
    """What identifies a list item across extractions: its source text and page."""
    target = parse_path(item)
    if target.section == "document" and "recipients[" not in item:
        return None
    value = _get(record, item)
    if value is None:
        return None
    if target.section == "schools":
        return json.dumps([value["mentions"][0]["text"], value["mentions"][0]["page"]], ensure_ascii=False)
    if target.section == "source.signatures":
        return json.dumps([value.get("signer"), value.get("page")], ensure_ascii=False)
    return json.dumps([value["text"], value["page"]], ensure_ascii=False)


def _read(record: dict[str, Any], item: str, path: str) -> Any:
    """The current value at ``path`` (a field's value, an item's part, a school's name)."""
    value = value_of(record, item)
    target = parse_path(path)
    if value is None:
        return None
    if target.part is not None:
        return value[target.part]
    if target.section == "schools":
        return {"name": value["name"], "id": value["id"], "province": value["province"]}
    if target.section == "document":
        return value["value"]
    return value


def _set(record: dict[str, Any], item: str, path: str, value: Any) -> None:
    target = parse_path(path)
    container, key = _container(record, item)
    current = container[key]
    if target.part is not None:
        current[target.part] = value
    elif target.section == "schools":
        current.update(value)
    elif current is None:
        container[key] = {"value": value, "confidence": 1.0, "page": None, "bbox": None, "text": ""}
    else:
        current["value"] = value


def _confirm(record: dict[str, Any], item: str) -> None:
    value = _get(record, item)
    if isinstance(value, dict):
        value["score" if parse_path(item).section == "schools" else "confidence"] = 1.0


def _retarget(path: str, item: str, moved: str) -> str:
    return moved + path[len(item) :]


def _status(entries: list[Entry]) -> str:
    """Rejected when that is the latest word on the item; else corrected when any value was."""
    if entries[-1].action == "rejected":
        return "rejected"
    if any(entry.action == "corrected" for entry in entries):
        return "corrected"
    return "accepted"


def _finish(record: dict[str, Any], corrected: dict[str, Any], statuses: dict[str, str]) -> dict[str, Any]:
    """Null rejected fields, drop rejected list items (renumbering paths), keep undecided review items."""
    moved: dict[str, str | None] = {}
    rejected_items = []
    for section in ("document.recipients", "references", "received_stamps", "figures", "schools", "source.signatures"):
        items = _list(corrected, section)
        kept = []
        for index, value in enumerate(items):
            path = f"{section}[{index}]"
            if statuses.get(path) == "rejected":
                moved[path] = None
                rejected_items.append({"path": path, "item": _list(record, section)[index]})
            else:
                moved[path] = f"{section}[{len(kept)}]"
                kept.append(value)
        items[:] = kept
    for path, status in statuses.items():
        if status == "rejected" and path not in moved:
            container, key = _container(corrected, path)
            container[key] = None
    final = {moved.get(path, path): status for path, status in statuses.items() if moved.get(path, path) is not None}
    corrected["review"] = [
        {**entry, "path": _renamed(entry["path"], moved)}
        for entry in record["review"]
        if _renamed(entry["path"], moved) is not None and final.get(_renamed(entry["path"], moved), "auto") == "auto"
    ]
    corrected["review_status"] = final
    corrected["review_rejected"] = rejected_items
    return corrected


def _list(record: dict[str, Any], section: str) -> list[Any]:
    """A list of items: ``figures``, ``document.recipients``, ``source.signatures``, ..."""
    if section == "document.recipients":
        return record["document"]["recipients"]
    if section == "source.signatures":
        return record["source"]["signatures"]
    return record[section]


def _renamed(path: str, moved: dict[str, str | None]) -> str | None:
    match = ITEM_PATH.match(path)
    if match is None:
        return path
    item = match["item"]
    if item not in moved:
        return path
    new = moved[item]
    return None if new is None else new + path[len(item) :]


def _entry(row: tuple[Any, ...]) -> Entry:
    id_, document, item, path, version, action, old, new, anchor, reviewer, at = row
    return Entry(id_, document, item, path, version, action, json.loads(old), json.loads(new), anchor, reviewer, at)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
