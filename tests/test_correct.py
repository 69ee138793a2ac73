"""OCR post-correction: the syllable check, the lexicon, word and number fixes, their speed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
import regex

from extractor.correct import (
    CORRECTION_FACTOR,
    Lexicon,
    correct_words,
    corrected_row,
    default_rules,
    find_number_joins,
    fix_digit_lookalikes,
    fix_symbol_type,
    is_valid_syllable,
    join_split_numbers,
    lexicon_for,
    load_rules,
    mark_distance,
    read_confusions,
)
from extractor.errors import PatternError
from extractor.model import Word
from extractor.patterns import DEFAULT_DIRECTORY, load_patterns, read_lines

ROOT = Path(__file__).resolve().parents[1]
LEXICON = lexicon_for(load_patterns())
TYPES = LEXICON.type_abbreviations

# Words of the seed report and the expected values that are not Vietnamese syllables, on
# purpose: abbreviations and symbols, roman numerals, single letters of symbols and lists,
# loan words, and the ASCII e-mail name of the signature box ("Hieu Truong Chinh tri@CHINHTRI").
NOT_SYLLABLES = {
    # abbreviations and symbols
    "BC",
    "BD",
    "BDLĐQL",
    "BNV",
    "CT",
    "CTĐ",
    "CV",
    "HC",
    "HD",
    "HV",
    "HVCB",
    "HVCTQG",
    "HĐND",
    "KH",
    "KT",
    "LLCT",
    "PC",
    "QLĐT",
    "QĐ",
    "QĐi",
    "TB",
    "TC",
    "TCELLCT",
    "TCLLCT",
    "TCT",
    "TL",
    "TM",
    "TT",
    "TW",
    "TĐT",
    "UBND",
    "VP",
    "VT",
    "VX",
    "ĐT",
    "ĐTBĐ",
    # roman numerals, letters of symbols and lists
    "II",
    "III",
    "IV",
    "XV",
    "H",
    "K",
    "M",
    "P",
    "Q",
    "T",
    "b",
    "c",
    "g",
    # loan words
    "Covid",
    "Email",
    "Website",
    # the e-mail name
    "CHINHTRI",
    "Hieu",
    "Truong",
}
LOAN_WORDS = frozenset({"Covid", "Lênin"})


def sample_words() -> set[str]:
    texts = [(ROOT / "samples" / "seed" / "report-51-BC-CTD.txt").read_text(encoding="utf-8")]
    for path in sorted((ROOT / "samples" / "expected").glob("*.json")):
        texts += list(json_strings(json.loads(path.read_text(encoding="utf-8"))))
    return {word for text in texts for word in regex.findall(r"[^\W\d_]+", text)}


def json_strings(value: object, key: str = "") -> list[str]:
    if isinstance(value, str):
        return [] if key == "file" else [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in json_strings(v, k)]
    if isinstance(value, list):
        return [s for v in value for s in json_strings(v, key)]
    return []


# --- the syllable check ---------------------------------------------------------------------


def test_the_words_of_the_samples_are_syllables_but_the_listed_exceptions() -> None:
    words = sample_words()
    invalid = {w for w in words if not is_valid_syllable(w)}
    assert invalid == NOT_SYLLABLES
    assert len(words - invalid) >= 700


@pytest.mark.parametrize(
    "word",
    [
        "truờng",  # u without its horn before ơ: no rhyme "uơng"
        "ngiệp",  # ng before i: written ngh
        "chínhh",
        "đưọc",  # ư before o: no rhyme "ưoc"
        "hoàc",  # checked syllable with huyền
        "hoc",  # checked syllable without tone
        "QUOC",
        "VƯT",
        "kếT",  # mixed case
        "CưƠng",
        "ci",  # c before i: written k
        "kà",  # k only before e, ê, i, y
        "gế",  # g before ê: written gh
        "ghà",
        "iên",  # without onset the diphthong is written yê
        "tyên",
        "qa",
        "lờp",
        "sảch",
        "ă",
        "họcc",
        "Covid-19",
        "ǹ",
        "hóà",  # two tone marks
    ],
)
def test_damaged_words_are_impossible(word: str) -> None:
    assert not is_valid_syllable(word)


@pytest.mark.parametrize(
    "word",
    [
        "Thỉ",  # valid Vietnamese, though OCR's reading of "Thi": validity is not correctness
        "TRƯƠNG",
        "TÍNH",
        "HIÊU",
        "học",
        "hoặc",
        "lớp",
        "sách",
        "tiếp",
        "nghề",
        "nghiệp",
        "ghi",
        "kế",
        "kỳ",
        "kỹ",
        "kĩ",
        "lý",
        "lí",
        "gì",
        "gìn",
        "giếng",
        "giữ",
        "quý",
        "quốc",
        "quyết",
        "Quảng",
        "quen",
        "yêu",
        "yên",
        "oanh",
        "uyên",
        "khuỷu",
        "thuở",
        "hòa",
        "hoà",
        "thủy",
        "thuỷ",
        "xoong",
        "soóc",
        "Đắk",
        "Lắk",
        "Kon",
        "HỌC",
        "Học",
        "học,",
        "(Trường",
        "“Học",
        "NGUYỄN",
    ],
)
def test_real_syllables_are_valid(word: str) -> None:
    assert is_valid_syllable(word)


def test_checked_syllables_take_only_sac_or_nang() -> None:
    assert [is_valid_syllable(f"h{rhyme}") for rhyme in ("ọc", "óc", "òc", "ỏc", "õc", "oc")] == [
        True,
        True,
        False,
        False,
        False,
        False,
    ]
    assert not is_valid_syllable("hoàc") and is_valid_syllable("hoặc")


def test_decomposed_input_is_read_as_composed() -> None:
    assert is_valid_syllable(unicodedata.normalize("NFD", "Nguyễn"))


def test_rules_are_data(tmp_path: Path) -> None:
    copy = tmp_path / "syllables"
    shutil.copytree(DEFAULT_DIRECTORY / "syllables", copy)
    rhymes = copy / "rhymes.txt"
    rhymes.write_text(rhymes.read_text(encoding="utf-8").replace("\nuyu\n", "\n"), encoding="utf-8")
    assert default_rules().allows("khuỷu") and not load_rules(copy).allows("khuỷu")
    (copy / "constraints.toml").write_text("checked_codas = [", encoding="utf-8")
    with pytest.raises(PatternError, match=r"constraints\.toml"):
        load_rules(copy)


def test_validating_a_page_of_ocr_words_is_fast() -> None:
    words = sorted(sample_words())[:600]
    cold = []
    for _ in range(3):
        is_valid_syllable.cache_clear()
        start = time.perf_counter()
        for word in words:
            is_valid_syllable(word)
        cold.append(time.perf_counter() - start)
    start = time.perf_counter()
    for word in words:
        is_valid_syllable(word)
    warm = time.perf_counter() - start
    assert min(cold) < 0.005  # about 1 ms on a 2-core EPYC: generous for loaded CI machines
    assert warm < 0.001


# --- the lexicon ----------------------------------------------------------------------------


def test_lexicon_is_built_from_patterns() -> None:
    assert {"trường", "trưởng"} <= LEXICON.same_letters("truong")
    assert LEXICON.fits("trưởng", "hieu", None) and not LEXICON.fits("trường", "hieu", None)
    assert LEXICON.fits("tỉnh", None, "son")  # from the schools and provinces
    assert "bồi" in LEXICON.same_letters("boi")  # from lexicon.txt
    assert {"QĐ", "NĐ", "BC", "QĐi"} <= TYPES


def test_the_lexicon_and_confusion_lists_are_real_syllables() -> None:
    for phrase in read_lines(DEFAULT_DIRECTORY / "lexicon.txt"):
        for token in regex.findall(r"\p{L}+", phrase):
            assert is_valid_syllable(token) or token.isupper() or token in LOAN_WORDS, (phrase, token)
    for seen, intended in read_confusions(DEFAULT_DIRECTORY / "syllables" / "confusions.tsv").items():
        assert is_valid_syllable(seen) and all(is_valid_syllable(form) for form in intended), seen


def test_a_confusion_without_intended_form_is_named(tmp_path: Path) -> None:
    path = tmp_path / "confusions.tsv"
    path.write_text("seen\tintended\tnote\ntính\ttính\tsame\n", encoding="utf-8")
    with pytest.raises(PatternError, match="tính"):
        read_confusions(path)


# --- words ----------------------------------------------------------------------------------


def fixed(text: str, lexicon: Lexicon = LEXICON) -> str:
    words = text.split()
    return " ".join(c.text if c else w for w, c in zip(words, correct_words(words, lexicon), strict=True))


@pytest.mark.parametrize(
    ("seen", "wanted"),
    [
        ("Phó Hiệu truờng", "Phó Hiệu trưởng"),  # the bigram decides between trường and trưởng
        ("Trường Chính trị truờng", "Trường Chính trị trường"),  # no bigram: nearer by marks
        ("HỌC VIỆN CHÍNH TRỊ QUOC GIA", "HỌC VIỆN CHÍNH TRỊ QUỐC GIA"),
        ("được đưọc đào tạo", "được được đào tạo"),
        ("chínhh trị", "chính trị"),
        ("nghiên cứu ngiệp vụ", "nghiên cứu nghiệp vụ"),
        ("hoàc", "hoặc"),
        ("kếT quả", "kết quả"),
        ("kỷ CưƠng-", "kỷ cương-"),
        ("(truờng,", "(trường,"),
        # listed confusions, decided by the neighbours
        ("Trường Chính trị tính Sơn La", "Trường Chính trị tỉnh Sơn La"),
        ("TRƯƠNG CHÍNH TRỊ TÍNH SƠN LA", "TRƯỜNG CHÍNH TRỊ TỈNH SƠN LA"),
        ("CỤM THỊ ĐUA", "CỤM THI ĐUA"),
        ("Cụm Thỉ đua", "Cụm Thi đua"),
        ("HIÊU TRƯỞNG", "HIỆU TRƯỞNG"),
        ("chuyên mồn", "chuyên môn"),
        ("Đà Năng", "Đà Nẵng"),
        # left alone
        ("tính toán", "tính toán"),  # a real word in a context the lexicon does not know
        ("Năng lực", "Năng lực"),
        ("Lò Thị Thúy Hà", "Lò Thị Thúy Hà"),
        ("Đắk Lắk Kon Tum", "Đắk Lắk Kon Tum"),
        ("UBND HĐND TCT LLCT HVCTQG TP", "UBND HĐND TCT LLCT HVCTQG TP"),
        ("Email: Hieu Truong Chinh tri@CHINHTRI", "Email: Hieu Truong Chinh tri@CHINHTRI"),
        ("Covid Website", "Covid Website"),
        ("truong", "truong"),  # every mark lost: three marks from any candidate, not a clear fix
    ],
)
def test_correct_words(seen: str, wanted: str) -> None:
    assert fixed(seen) == wanted


def test_corrections_say_what_changed() -> None:
    corrections = correct_words(["Phó", "Hiệu", "truờng,", "2O21"], LEXICON)
    assert corrections[:2] == [None, None]
    assert (corrections[2].original, corrections[2].text, corrections[2].reason) == ("truờng,", "trưởng,", "syllable")
    assert (corrections[3].text, corrections[3].reason) == ("2021", "digits")


def test_only_a_clear_candidate_is_taken() -> None:
    lexicon = Lexicon.from_phrases(["lương", "lượng"])
    assert fixed("luờng", lexicon) == "luờng"  # two candidates two marks away, no context
    lexicon = Lexicon.from_phrases(["chất lượng", "tiền lương"])
    assert fixed("chất luờng", lexicon) == "chất lượng"
    assert fixed("TCT", Lexicon.from_phrases(["tốt"])) == "TCT"  # no vowel, and too short


def test_mark_distance() -> None:
    assert mark_distance("truờng", "trường") == 1
    assert mark_distance("truờng", "trưởng") == 2
    assert mark_distance("dao", "đào") == 2
    assert mark_distance("hòa", "hoà") == 0


# --- numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seen", "wanted"),
    [
        ("2O21", "2021"),
        ("2o2l", "2021"),
        ("l5/QĐ", "15/QĐ"),
        ("16.l82", "16.182"),
        ("Covid-l9", "Covid-19"),
        ("lO", "lO"),  # no digit: not a number
        ("K74B.21", "K74B.21"),
        ("quý I/2025", "quý I/2025"),
    ],
)
def test_digit_lookalikes(seen: str, wanted: str) -> None:
    assert fix_digit_lookalikes(seen) == wanted


@pytest.mark.parametrize(
    ("seen", "wanted"),
    [
        ("683-Q4/HVCTQG", "683-QĐ/HVCTQG"),
        ("15/Q4-UBND", "15/QĐ-UBND"),
        ("N4-CP", "NĐ-CP"),
        ("30/2020/N4-CP", "30/2020/NĐ-CP"),
        ("09-Q4i/TW", "09-QĐi/TW"),
        ("15/QD-UBND", "15/QĐ-UBND"),
        ("30-HD/HVCTQG", "30-HD/HVCTQG"),  # HD is Hướng dẫn: left as it is
        ("12/DA-UBND", "12/DA-UBND"),  # DA is Dự án
        ("15/4/2021", "15/4/2021"),
        ("Q4/2021", "Q4/2021"),  # a quarter, not a symbol
        ("1024/UBND-VX", "1024/UBND-VX"),
        ("51-BC/CT4", "51-BC/CT4"),  # only the type group: the issuer is not checked
    ],
)
def test_document_symbol_types(seen: str, wanted: str) -> None:
    assert fix_symbol_type(fix_digit_lookalikes(seen), TYPES) == wanted


def test_numbers_in_words() -> None:
    assert fixed("Quyết định số 683-Q4/HVCTQG ngày 25/02/2O21") == "Quyết định số 683-QĐ/HVCTQG ngày 25/02/2021"
    assert fixed("(l5/Q4-UBND);") == "(15/QĐ-UBND);"
    assert fixed("47lớp/3107 học viên") == "47lớp/3107 học viên"  # glued tokens are not split


def test_numbers_split_by_a_line_break() -> None:
    lines = [["thực", "hiện", "260", "lớp", "với", "16."], ["182", "học", "viên."]]
    assert [(j.first, j.second, j.text) for j in find_number_joins(lines)] == [((0, 5), (1, 0), "16.182")]
    assert find_number_joins([["với", "16.", "182", "HV"]])[0].text == "16.182"
    assert find_number_joins([["1.234."], ["567", "lớp"]]) == []  # a line of its own
    assert find_number_joins([["năm", "2021."], ["182", "học", "viên"]]) == []
    assert find_number_joins([["mục", "16."], ["182", "trang"]]) == []  # not a count
    assert find_number_joins([["với", "16."], ["18", "học", "viên"]]) == []
    assert find_number_joins([["với", "16."], [], ["182", "lượt"]])[0].second == (2, 0)


# --- words with boxes -----------------------------------------------------------------------


def row(text: str, top: float = 0.0) -> list[Word]:
    return [Word(w, (10.0 * i, top, 10.0 * i + 8, top + 10), 0.9) for i, w in enumerate(text.split())]


def test_corrected_words_keep_their_box_and_lose_confidence() -> None:
    before = row("Phó Hiệu truờng")
    after = corrected_row(before, LEXICON)
    assert after[:2] == before[:2]
    assert after[2].text == "trưởng" and after[2].bbox == before[2].bbox
    assert after[2].confidence == pytest.approx(0.9 * CORRECTION_FACTOR)


def test_joined_numbers_take_the_place_of_their_first_part() -> None:
    rows = [row("với 16."), row("182 học viên", top=20)]
    joined = join_split_numbers(rows)
    assert [[w.text for w in r] for r in joined] == [["với", "16.182"], ["học", "viên"]]
    assert joined[0][1].bbox == rows[0][1].bbox
    same_row = join_split_numbers([row("với 16. 182 HV")])
    assert [w.text for w in same_row[0]] == ["với", "16.182", "HV"]
    assert same_row[0][1].bbox == (10.0, 0.0, 28.0, 10.0)


def test_a_patterns_copy_without_the_new_files_still_gives_a_lexicon(tmp_path: Path) -> None:
    copy = tmp_path / "patterns"
    shutil.copytree(DEFAULT_DIRECTORY, copy, ignore=shutil.ignore_patterns("syllables", "lexicon.txt"))
    lexicon = lexicon_for(load_patterns(copy))
    assert "trưởng" in lexicon.same_letters("truong")  # from positions.txt
    assert "giảng" not in lexicon.same_letters("giang")  # only lexicon.txt has it
    assert lexicon.confusions == LEXICON.confusions  # the project's own list


# --- the settings benchmark -----------------------------------------------------------------


def test_ocr_settings_bench_prints_its_table(tmp_path: Path) -> None:
    figures = tmp_path / "settings.json"
    arguments = ["--pages", "1", "--psm", "6", "--dpi", "200", "--json", str(figures)]
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "ocr_settings.py"), *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "CER corr" in done.stdout
    rows = json.loads(figures.read_text(encoding="utf-8"))
    assert len(rows) == 1 and rows[0]["psm"] == 6 and 0 <= rows[0]["cer"] < 0.2
