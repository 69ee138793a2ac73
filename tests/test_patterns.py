"""Pattern files load once, and a broken one is an error naming the file and the entry."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractor.errors import PatternError
from extractor.nlp import ReportTokenizer, pipeline_for
from extractor.patterns import DEFAULT_DIRECTORY, _load, load_patterns


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "patterns"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    return target


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_loads_and_is_cached() -> None:
    assert load_patterns() is load_patterns()
    assert load_patterns().type_named("BÁO CÁO").name == "Báo cáo"


def test_symbol_types_by_style() -> None:
    patterns = load_patterns()
    assert patterns.type_of_symbol("QĐi/TW", party_style=True).name == "Quy định"
    assert patterns.type_of_symbol("TT/TU", party_style=True).name == "Thông tri"
    assert patterns.type_of_symbol("TT-BNV", party_style=False).name == "Thông tư"
    assert patterns.type_of_symbol("UBND-VX", party_style=False) is None
    assert patterns.bare_symbol_type.name == "Công văn"  # the type of such a symbol, from the data


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("regex.toml", "figure = '''", "figure = '''(?P<x", "figure"),
        ("regex.toml", "<<number_symbol>>", "<<no_such_fragment>>", "no_such_fragment"),
        ("regex.toml", "page_number = ", "page_numbr = ", "page_number"),
        ("document_types.tsv", "name\tstate\tparty\tolder", "name\tstate", "header"),
        ("document_types.tsv", "Công văn\t-\t", "Công văn\t\t", "exactly one type"),
        ("lookalikes.tsv", "U+00D0\tU+0110", "Ð\tĐ", "U+XXXX"),
        ("patterns.jsonl", '{"label": "CLUSTER"', '{"labl": "CLUSTER"', "patterns.jsonl:"),
    ],
)
def test_broken_file_is_named(copy: Path, file: str, old: str, new: str, message: str) -> None:
    replace_in(copy / file, old, new)
    with pytest.raises(PatternError) as error:
        load_patterns(copy)
    assert file in str(error.value) and message in str(error.value)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(PatternError, match="not found"):
        load_patterns(tmp_path / "nowhere")


def test_fingerprint_follows_content(copy: Path) -> None:
    before = load_patterns(copy).fingerprint
    (copy / "capitalised.txt").write_text("Hồ Chí Minh\n", encoding="utf-8")
    _load.cache_clear()
    assert load_patterns(copy).fingerprint != before


def test_tokenizer_separates_punctuation_and_slash() -> None:
    nlp = pipeline_for(load_patterns())
    assert isinstance(nlp.tokenizer, ReportTokenizer)
    doc = nlp("Số 51-BC/CTĐ, TRƯỜNG CHÍNH TRỊ T. LAI CHÂU: 16.182 học viên.")
    assert [t.text for t in doc][:9] == ["Số", "51", "-", "BC", "/", "CTĐ", ",", "TRƯỜNG", "CHÍNH"]
    assert "T." in [t.text for t in doc] and "16.182" in [t.text for t in doc]
    assert doc.text == "Số 51-BC/CTĐ, TRƯỜNG CHÍNH TRỊ T. LAI CHÂU: 16.182 học viên."


def test_entity_rules_ignore_diacritic_damage() -> None:
    doc = pipeline_for(load_patterns())("Trưởng Chinh tri tỉnh Sơn La và Cụm thi đua số 2")
    assert [(e.text, e.label_) for e in doc.ents] == [("Trưởng Chinh tri", "SCHOOL"), ("Cụm thi đua", "CLUSTER")]
