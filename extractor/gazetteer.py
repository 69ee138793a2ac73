"""Gazetteer of political schools and provinces, and a fuzzy matcher for mentions of them.

``patterns/schools.tsv`` lists the academies and the one school per province;
``patterns/provinces.tsv`` the 63 provinces before the 2025 merger (plus new names such as
Huế). Both are validated on load, and every lookup key is built once there.

A mention is matched in two ways:

1. exactly, on the folded text of a name or alias ("Trường Chính trị Tô Hiệu");
2. by parts: the mention is split into an institution prefix ("Trường Chính trị",
   "Trường Đào tạo cán bộ", "Học viện …"), an optional person or region ("Hoàng Văn Thụ",
   "khu vực II") and an optional province after "tỉnh"/"thành phố"/"T."/"TP.". The person and
   the province are scored separately, so "Quảng Nam" never passes for "Quảng Ninh" just
   because the rest of the string is identical.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from extractor.errors import PatternError

SCHOOL_COLUMNS = ("id", "name", "province", "kind", "aliases", "valid_to", "successor", "source")
PROVINCE_COLUMNS = ("name", "kind", "aliases", "valid_to", "merged_into")
SCHOOL_KINDS = frozenset({"school", "academy"})
PROVINCE_KINDS = frozenset({"tỉnh", "thành phố"})

ACCEPT = 0.6
"""A match scoring below this is reported as no match."""
AMBIGUITY_MARGIN = 0.05
"""Two schools scoring within this of each other make the mention ambiguous."""
PROVINCE_CUTOFF = 80.0
"""rapidfuzz ratio a province part needs; "quang nam" vs "quang ninh" is 73.7."""
PROVINCE_MARGIN = 3.0
PERSON_CUTOFF = 80.0
PREFIX_CUTOFF = 85.0
MISSING_PERSON = 0.97
"""Factor when the mention gives only the province of a school named after a person."""
TRUNCATED_PROVINCE = 0.9
"""Factor when only the first words after "tỉnh" name a province (trailing text follows)."""
EMBEDDED_PROVINCE = 0.95
"""Factor for a province found at the end of a longer name ("Tỉnh ủy Sơn La")."""
SAME_GROUP_PREFIX = 0.85
OTHER_PREFIX = 0.5

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_D_LETTERS = str.maketrans({"đ": "d", "Đ": "d", "Ð": "d", "ð": "d"})

# Institution prefixes (folded) and the class each belongs to. Longer prefixes win.
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("hoc vien chinh tri hanh chinh quoc gia", "hvctqg"),
    ("hoc vien chinh tri hanh chinh khu vuc", "region"),
    ("truong dao tao boi duong can bo", "dtbd"),
    ("truong nguyen ai quoc khu vuc", "region"),
    ("hoc vien chinh tri quoc gia", "hvctqg"),
    ("hoc vien chinh tri khu vuc", "region"),
    ("truong dao tao can bo", "dtcb"),
    ("hoc vien chinh tri", "hvctqg"),
    ("hoc vien can bo", "hvcb"),
    ("truong chinh tri", "tct"),
    ("truong can bo", "tcb"),
    ("truong dang", "td"),
    ("phan vien", "pv"),
    ("hoc vien", "hv"),
    ("truong", "t"),
)
_PREFIX_TOKENS = sorted(((p.split(), c) for p, c in _PREFIXES), key=lambda pc: -len(pc[0]))
# Names a provincial school has gone by; a mention using another one still fits, less well.
_LOCAL_CLASSES = frozenset({"tct", "dtcb", "dtbd", "tcb", "td", "t", "hvcb"})
_ARABIC_REGIONS = {"1": "i", "2": "ii", "3": "iii", "4": "iv"}
_ROMAN_LOOKALIKE = re.compile(r"[il1]{1,3}|[il1]v")
_ROMAN_FIXES = str.maketrans("l1", "ii")


def fold(text: str) -> str:
    """Diacritic-insensitive comparison key: "Trường Chính trị T. Lai Châu" -> "truong chinh tri t lai chau".

    NFD, combining marks dropped, đ/Đ -> d, lower case, punctuation -> space, spaces collapsed.
    Folding also unifies tone placement (hòa/hoà) and most OCR diacritic damage.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_D_LETTERS))
    kept = [" " if not ch.isalnum() else ch for ch in decomposed if not unicodedata.combining(ch)]
    return " ".join("".join(kept).lower().split())


def _tokens(text: str) -> list[str]:
    """Folded words with "T." / "TP." expanded to "tinh" / "thanh pho" (not as the last word)."""
    words = fold(text).split()
    out: list[str] = []
    for i, word in enumerate(words):
        if i + 1 < len(words) and word == "t":
            out.append("tinh")
        elif i + 1 < len(words) and word == "tp":
            out.extend(("thanh", "pho"))
        else:
            out.append(word)
    return out


def _marker_len(words: list[str], i: int) -> int:
    """Length of the "tinh" / "thanh pho" marker starting at ``words[i]`` (0 when none)."""
    if words[i] == "tinh":
        return 1
    if words[i] == "thanh" and i + 1 < len(words) and words[i + 1] == "pho":
        return 2
    return 0


def _unit_len(words: list[str], i: int) -> int:
    """Length of "tinh uy" / "thanh uy" or of a province marker at ``words[i]`` (0 when none)."""
    if words[i] in ("tinh", "thanh") and words[i + 1 : i + 2] == ["uy"]:
        return 2
    return _marker_len(words, i)


def _strip_marker(words: list[str]) -> list[str]:
    return words[_marker_len(words, 0) :] if words else words


def _province_key(text: str) -> str:
    return " ".join(_strip_marker(_tokens(text)))


@dataclass(frozen=True)
class School:
    id: str
    name: str
    province: str
    kind: str  # "school" | "academy"
    aliases: tuple[str, ...]
    valid_to: str | None
    successor: str | None


@dataclass(frozen=True)
class SchoolMatch:
    school: School | None  # None when nothing in the gazetteer fits
    score: float  # 0..1
    text: str  # the mention as given


@dataclass(frozen=True)
class Province:
    name: str
    kind: str  # "tỉnh" | "thành phố"
    aliases: tuple[str, ...]
    valid_to: str | None
    merged_into: str | None


@dataclass(frozen=True)
class _Form:
    """A school's name reduced to its institution class and person/region part."""

    school: int
    prefix: str
    person: str
    needs_province: bool
    """Built from a name that carried a province: used only for mentions that carry one too."""


@dataclass(frozen=True)
class _Parse:
    prefix: str
    factor: float
    person: str
    province: str


class Gazetteer:
    """Schools and provinces from ``patterns/``; see the module docstring for matching."""

    schools: tuple[School, ...]
    provinces: tuple[str, ...]  # canonical province names

    def __init__(self, schools: tuple[School, ...], provinces: tuple[Province, ...]) -> None:
        self.schools = schools
        self.provinces = tuple(p.name for p in provinces)
        self._province_info = {p.name: p for p in provinces}
        self._province_cache: dict[str, tuple[str | None, float]] = {}
        self._match_cache: dict[str, SchoolMatch] = {}
        self._by_id = {s.id: i for i, s in enumerate(schools)}
        self._province_exact: dict[str, str] = {}
        for p in provinces:
            for key in {_province_key(p.name), *(_province_key(a) for a in p.aliases)}:
                self._province_exact.setdefault(key, p.name)
        self._province_keys = list(self._province_exact)
        self._province_names = list(self._province_exact.values())
        # A current school also serves the name its province took (Thừa Thiên Huế -> Huế).
        self._covers: dict[str, list[int]] = {}
        for i, s in enumerate(schools):
            covered = {s.province}
            merged = self._province_info[s.province].merged_into
            if s.valid_to is None and merged:
                covered.add(merged)
            for name in covered:
                self._covers.setdefault(name, []).append(i)
        self._exact: dict[str, int] = {}
        self._forms: list[list[_Form]] = [[] for _ in schools]
        for i, s in enumerate(schools):
            for surface in (s.name, *s.aliases):
                self._exact.setdefault(" ".join(_tokens(surface)), i)
                form = self._form(i, surface)
                if form and form not in self._forms[i]:
                    self._forms[i].append(form)
        owners: dict[str, list[_Form]] = {}
        for forms in self._forms:
            for form in forms:
                if form.person and not form.needs_province:
                    owners.setdefault(form.person, []).append(form)
        self._person_keys = list(owners)
        self._person_owners = list(owners.values())

    # -- loading ---------------------------------------------------------------------------

    @classmethod
    def load(cls, patterns_dir: Path) -> Gazetteer:
        """Read and validate ``schools.tsv`` and ``provinces.tsv`` in ``patterns_dir``."""
        provinces = _read_provinces(patterns_dir / "provinces.tsv")
        schools = _read_schools(patterns_dir / "schools.tsv", {p.name for p in provinces})
        return cls(schools, provinces)

    def _form(self, index: int, surface: str) -> _Form | None:
        """Parse one name or alias of ``schools[index]``; None when it can only match exactly."""
        parsed = _split_prefix(_tokens(surface), fuzzy=False)
        if parsed is None:
            return None
        prefix, _factor, rest = parsed
        if prefix == "region":
            if not rest:
                return None
            person, tail = _region(rest[0]), _strip_marker(rest[1:])
        else:
            person_words, tail = rest, []
            for i in range(len(rest)):
                if n := _marker_len(rest, i):
                    person_words, tail = rest[:i], rest[i + n :]
                    break
            else:
                covered = {k for k, name in self._province_exact.items() if index in self._covers.get(name, ())}
                for start in range(len(rest)):
                    if " ".join(rest[start:]) in covered:
                        person_words, tail = rest[:start], rest[start:]
                        break
            person = " ".join(person_words)
        if tail:
            name, _score = self._best_province(" ".join(tail))
            if name is None or index not in self._covers.get(name, ()):
                return None  # e.g. "Trường Đảng tỉnh Quảng Nam - Đà Nẵng": exact match only
        elif not person:
            return None
        return _Form(index, prefix, person, needs_province=bool(tail))

    # -- lookups ---------------------------------------------------------------------------

    def by_id(self, school_id: str) -> School:
        """The school with ``school_id``; KeyError when there is none."""
        return self.schools[self._by_id[school_id]]

    def province_info(self, name: str) -> Province:
        """The provinces.tsv row of canonical province ``name``; KeyError when unknown."""
        return self._province_info[name]

    def current(self, school: School) -> School:
        """The school that carries on ``school`` today (itself unless merged away)."""
        seen = {school.id}
        while school.successor:
            school = self.by_id(school.successor)
            if school.id in seen:  # validation forbids cycles; stay safe anyway
                break
            seen.add(school.id)
        return school

    def match_province(self, text: str) -> tuple[str | None, float]:
        """Canonical province named by ``text`` ("T. Lai Châu", "TP.HCM", "Thanh Hoá"), with a score.

        The province may also end a longer name after "tỉnh", "thành phố", "tỉnh ủy" or
        "thành ủy" ("TỈNH ỦY SƠN LA", "Ban Chấp hành Đảng bộ tỉnh Lai Châu"); such finds score
        a little lower. A bare trailing name is not taken ("Học viện … Hồ Chí Minh").
        """
        words = _tokens(text)
        name, score = self._best_province(" ".join(_strip_marker(words)))
        if name is not None and score == 1.0:
            return name, score
        for i in range(len(words) - 1, -1, -1):
            n = _unit_len(words, i)
            if n and i + n < len(words):
                found, found_score = self._province_of_tail(words[i + n :])
                if found is not None:
                    if i > 0 or n != _marker_len(words, i):
                        found_score *= EMBEDDED_PROVINCE
                    return found, round(found_score, 4)
                break
        return name, score

    def _best_province(self, key: str) -> tuple[str | None, float]:
        cached = self._province_cache.get(key)
        if cached is not None:
            return cached
        result: tuple[str | None, float]
        if not key:
            result = (None, 0.0)
        elif key in self._province_exact:
            result = (self._province_exact[key], 1.0)
        else:
            hits = process.extract(key, self._province_keys, scorer=fuzz.ratio, limit=8)
            best_name, best, second = None, 0.0, 0.0
            for _choice, score, idx in hits:
                name = self._province_names[idx]
                if best_name is None:
                    best_name, best = name, score
                elif name != best_name:
                    second = score
                    break
            if best < PROVINCE_CUTOFF or best - second < PROVINCE_MARGIN:
                result = (None, round(best / 100, 4))
            else:
                result = (best_name, round(best / 100, 4))
        if len(self._province_cache) > 4096:
            self._province_cache.clear()
        self._province_cache[key] = result
        return result

    def _province_of_tail(self, words: list[str]) -> tuple[str | None, float]:
        """Province named by the words after "tỉnh"; tolerates trailing words at a cost."""
        name, score = self._best_province(" ".join(words))
        if name is not None:
            return name, score
        shorter = [" ".join(words[:end]) for end in range(len(words) - 1, 0, -1)]
        for key in shorter:  # an exact name first: "son la" in "son la to chuc", not "son la to"
            if key in self._province_exact:
                return self._province_exact[key], TRUNCATED_PROVINCE
        for key in shorter:
            name, score = self._best_province(key)
            if name is not None:
                return name, score * TRUNCATED_PROVINCE
        return None, 0.0

    def match_school(self, mention: str) -> SchoolMatch:
        """The school ``mention`` names, or ``school=None``.

        Score 1.0 for a name or alias equal after folding; otherwise the product of the
        prefix, person and province fits. With ``school=None`` the score is that of the best
        rejected candidate, kept below ``ACCEPT`` (also for ambiguous mentions).
        """
        cached = self._match_cache.get(mention)
        if cached is not None:
            return cached
        result = self._match_school(mention)
        if len(self._match_cache) > 4096:
            self._match_cache.clear()
        self._match_cache[mention] = result
        return result

    def _match_school(self, mention: str) -> SchoolMatch:
        words = _tokens(mention)
        exact = self._exact.get(" ".join(words))
        if exact is not None:
            return SchoolMatch(self.schools[exact], 1.0, mention)
        scores: dict[int, float] = {}
        for parse in _parses(words):
            for index, score in self._score(parse):
                if score > scores.get(index, 0.0):
                    scores[index] = score
        if not scores:
            return SchoolMatch(None, 0.0, mention)
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        best_index, best = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        if best < ACCEPT or best - second < AMBIGUITY_MARGIN:
            return SchoolMatch(None, round(min(best, ACCEPT - 0.01), 4), mention)
        return SchoolMatch(self.schools[best_index], round(best, 4), mention)

    def _score(self, parse: _Parse) -> Iterator[tuple[int, float]]:
        if parse.province:
            province, province_score = self._province_of_tail(parse.province.split())
            if province is None:
                return
            for index in self._covers.get(province, ()):
                for form in self._forms[index]:
                    if parse.person:
                        if not form.person:
                            continue
                        person_score = _person_similarity(parse.person, form.person)
                        if person_score < PERSON_CUTOFF / 100:
                            continue
                    else:
                        person_score = MISSING_PERSON if form.person else 1.0
                    fit = _prefix_fit(parse.prefix, form.prefix) * parse.factor
                    yield index, fit * person_score * province_score
        elif parse.person:
            hits = process.extract(
                parse.person, self._person_keys, scorer=fuzz.ratio, score_cutoff=PERSON_CUTOFF, limit=None
            )
            for _key, _score, idx in hits:
                person_score = _person_similarity(parse.person, self._person_keys[idx])
                for form in self._person_owners[idx]:
                    yield form.school, _prefix_fit(parse.prefix, form.prefix) * parse.factor * person_score


def _person_similarity(a: str, b: str) -> float:
    """rapidfuzz ratio in 0..1, but short parts ("ii", "iv") must be equal."""
    if min(len(a), len(b)) <= 3:
        return 1.0 if a == b else 0.0
    return fuzz.ratio(a, b) / 100


def _prefix_fit(mention_class: str, form_class: str) -> float:
    if mention_class == form_class:
        return 1.0
    if mention_class in _LOCAL_CLASSES and form_class in _LOCAL_CLASSES:
        return SAME_GROUP_PREFIX
    return OTHER_PREFIX


def _split_prefix(words: list[str], fuzzy: bool) -> tuple[str, float, list[str]] | None:
    """(prefix class, fit 0..1, remaining words); the longest prefix that fits wins.

    Fuzzy fits are tried only for prefixes of three or more words: shorter ones
    ("truong dang") are too close to unrelated openings ("truong dai hoc").
    """
    best: tuple[int, float, str] | None = None
    for prefix_words, prefix_class in _PREFIX_TOKENS:
        n = len(prefix_words)
        if len(words) < n or (best is not None and n < best[0]):
            continue
        if words[:n] == prefix_words:
            score = 100.0
        elif fuzzy and n >= 3:
            score = fuzz.ratio(" ".join(words[:n]), " ".join(prefix_words))
            if score < PREFIX_CUTOFF:
                continue
        else:
            continue
        if best is None or score > best[1]:
            best = (n, score, prefix_class)
    if best is None:
        return None
    n, score, prefix_class = best
    return prefix_class, score / 100, words[n:]


def _region(word: str) -> str:
    """Region numeral of an academy, OCR-tolerant: "2", "II", "Il", "ll" -> "ii"."""
    if word in _ARABIC_REGIONS:
        return _ARABIC_REGIONS[word]
    if _ROMAN_LOOKALIKE.fullmatch(word):
        return word.translate(_ROMAN_FIXES)
    return word


def _parses(words: list[str]) -> Iterator[_Parse]:
    """Candidate readings of a mention: where the person part ends and the province begins."""
    parsed = _split_prefix(words, fuzzy=True)
    if parsed is None:
        return
    prefix, factor, rest = parsed
    if prefix == "region":
        if rest:
            yield _Parse(prefix, factor, _region(rest[0]), " ".join(_strip_marker(rest[1:])))
        return
    for i in range(len(rest)):
        if n := _marker_len(rest, i):
            person, province = " ".join(rest[:i]), " ".join(rest[i + n :])
            if person or province:
                yield _Parse(prefix, factor, person, province)
            return
    # No "tỉnh": try every split, also dropping a damaged marker ("tlnh", "tinb").
    for k in range(len(rest) + 1):
        person, tail = " ".join(rest[:k]), rest[k:]
        if person or tail:
            yield _Parse(prefix, factor, person, " ".join(tail))
        if len(tail) > 1 and len(tail[0]) >= 3 and fuzz.ratio(tail[0], "tinh") >= 75:
            yield _Parse(prefix, factor, person, " ".join(tail[1:]))


# -- file reading ------------------------------------------------------------------------


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data line; blank lines and "#" comments are skipped."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PatternError(f"{path}:0: cannot be read ({exc.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_no = data[: exc.start].count(b"\n") + 1
        raise PatternError(f"{path}:{line_no}: not UTF-8") from None
    header_seen = False
    for line_no, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        if unicodedata.normalize("NFC", line) != line:
            raise PatternError(f"{path}:{line_no}: not in Unicode NFC")
        cells = [cell.strip() for cell in line.split("\t")]
        if not header_seen:
            if tuple(cells) != columns:
                raise PatternError(f"{path}:{line_no}: header must be {' | '.join(columns)}")
            header_seen = True
            continue
        if len(cells) != len(columns):
            raise PatternError(f"{path}:{line_no}: expected {len(columns)} tab-separated columns, found {len(cells)}")
        yield line_no, dict(zip(columns, cells, strict=True))
    if not header_seen:
        raise PatternError(f"{path}:1: empty (no header row)")


def _require(path: Path, line_no: int, row: dict[str, str], names: tuple[str, ...]) -> None:
    for name in names:
        if not row[name]:
            raise PatternError(f"{path}:{line_no}: empty required field {name!r}")


def _check_date(path: Path, line_no: int, value: str) -> None:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise PatternError(f"{path}:{line_no}: valid_to {value!r} is not YYYY-MM-DD") from None


def _aliases(cell: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in cell.split(";") if a.strip())


def _read_provinces(path: Path) -> tuple[Province, ...]:
    provinces: list[Province] = []
    lines: dict[str, int] = {}
    keys: dict[str, str] = {}
    for line_no, row in _rows(path, PROVINCE_COLUMNS):
        _require(path, line_no, row, ("name", "kind"))
        name = row["name"]
        if name in lines:
            raise PatternError(f"{path}:{line_no}: duplicate province {name!r} (first on line {lines[name]})")
        if row["kind"] not in PROVINCE_KINDS:
            raise PatternError(f"{path}:{line_no}: kind must be one of {sorted(PROVINCE_KINDS)}")
        if row["valid_to"]:
            _check_date(path, line_no, row["valid_to"])
        if row["merged_into"] and not row["valid_to"]:
            raise PatternError(f"{path}:{line_no}: merged_into needs a valid_to date")
        aliases = _aliases(row["aliases"])
        for surface in (name, *aliases):
            key = _province_key(surface)
            if not key:
                raise PatternError(f"{path}:{line_no}: {surface!r} has no letters")
            if keys.setdefault(key, name) != name:
                raise PatternError(f"{path}:{line_no}: {surface!r} also names {keys[key]!r}")
        lines[name] = line_no
        provinces.append(Province(name, row["kind"], aliases, row["valid_to"] or None, row["merged_into"] or None))
    for province in provinces:
        if province.merged_into and province.merged_into not in lines:
            raise PatternError(
                f"{path}:{lines[province.name]}: merged_into {province.merged_into!r} is not a province here"
            )
    return tuple(provinces)


def _read_schools(path: Path, province_names: set[str]) -> tuple[School, ...]:
    schools: list[School] = []
    lines: dict[str, int] = {}
    keys: dict[str, str] = {}
    for line_no, row in _rows(path, SCHOOL_COLUMNS):
        _require(path, line_no, row, ("id", "name", "province", "kind", "source"))
        school_id = row["id"]
        if not _ID.fullmatch(school_id):
            raise PatternError(f"{path}:{line_no}: id {school_id!r} must be a lower-case ASCII slug")
        if school_id in lines:
            raise PatternError(f"{path}:{line_no}: duplicate id {school_id!r} (first on line {lines[school_id]})")
        if row["kind"] not in SCHOOL_KINDS:
            raise PatternError(f"{path}:{line_no}: kind must be one of {sorted(SCHOOL_KINDS)}")
        if row["province"] not in province_names:
            raise PatternError(f"{path}:{line_no}: province {row['province']!r} is not in provinces.tsv")
        if row["valid_to"]:
            _check_date(path, line_no, row["valid_to"])
        if row["successor"] and not row["valid_to"]:
            raise PatternError(f"{path}:{line_no}: successor needs a valid_to date")
        if row["successor"] == school_id:
            raise PatternError(f"{path}:{line_no}: {school_id!r} is its own successor")
        aliases = _aliases(row["aliases"])
        for surface in (row["name"], *aliases):
            key = " ".join(_tokens(surface))
            if not key:
                raise PatternError(f"{path}:{line_no}: {surface!r} has no letters")
            if keys.setdefault(key, school_id) != school_id:
                raise PatternError(f"{path}:{line_no}: {surface!r} also names {keys[key]!r}")
        lines[school_id] = line_no
        schools.append(
            School(
                id=school_id,
                name=row["name"],
                province=row["province"],
                kind=row["kind"],
                aliases=aliases,
                valid_to=row["valid_to"] or None,
                successor=row["successor"] or None,
            )
        )
    by_id = {s.id: s for s in schools}
    for school in schools:
        if school.successor and school.successor not in by_id:
            raise PatternError(f"{path}:{lines[school.id]}: successor {school.successor!r} is not an id here")
        seen, step = {school.id}, school
        while step.successor and step.successor in by_id:
            step = by_id[step.successor]
            if step.id in seen:
                raise PatternError(f"{path}:{lines[school.id]}: successors of {school.id!r} form a cycle")
            seen.add(step.id)
    return tuple(schools)
