"""Tests for the school/province gazetteer: data files, matcher, validation."""

from __future__ import annotations

import time
import unicodedata
from pathlib import Path

import pytest

from extractor.errors import PatternError
from extractor.gazetteer import SCHOOL_COLUMNS, Gazetteer, fold

PATTERNS = Path(__file__).parents[1] / "patterns"

PROVINCES_63 = [
    "An Giang",
    "Bà Rịa - Vũng Tàu",
    "Bạc Liêu",
    "Bắc Giang",
    "Bắc Kạn",
    "Bắc Ninh",
    "Bến Tre",
    "Bình Dương",
    "Bình Định",
    "Bình Phước",
    "Bình Thuận",
    "Cà Mau",
    "Cao Bằng",
    "Cần Thơ",
    "Đà Nẵng",
    "Đắk Lắk",
    "Đắk Nông",
    "Điện Biên",
    "Đồng Nai",
    "Đồng Tháp",
    "Gia Lai",
    "Hà Giang",
    "Hà Nam",
    "Hà Nội",
    "Hà Tĩnh",
    "Hải Dương",
    "Hải Phòng",
    "Hậu Giang",
    "Hòa Bình",
    "Hồ Chí Minh",
    "Hưng Yên",
    "Khánh Hòa",
    "Kiên Giang",
    "Kon Tum",
    "Lai Châu",
    "Lâm Đồng",
    "Lạng Sơn",
    "Lào Cai",
    "Long An",
    "Nam Định",
    "Nghệ An",
    "Ninh Bình",
    "Ninh Thuận",
    "Phú Thọ",
    "Phú Yên",
    "Quảng Bình",
    "Quảng Nam",
    "Quảng Ngãi",
    "Quảng Ninh",
    "Quảng Trị",
    "Sóc Trăng",
    "Sơn La",
    "Tây Ninh",
    "Thái Bình",
    "Thái Nguyên",
    "Thanh Hóa",
    "Thừa Thiên Huế",
    "Tiền Giang",
    "Trà Vinh",
    "Tuyên Quang",
    "Vĩnh Long",
    "Vĩnh Phúc",
    "Yên Bái",
]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load(PATTERNS)


# -- fold --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Trường Chính trị tỉnh Sơn La", "truong chinh tri tinh son la"),
        ("TRƯỜNG CHÍNH TRỊ T. LAI CHÂU", "truong chinh tri t lai chau"),
        ("Đắk Lắk", "dak lak"),
        ("ĐẢNG", "dang"),
        ("Thanh Hoá", "thanh hoa"),
        ("Thanh Hóa", "thanh hoa"),
        ("Bà Rịa – Vũng Tàu", "ba ria vung tau"),
        ("  TP.HCM,\tngày ", "tp hcm ngay"),
        (unicodedata.normalize("NFD", "Trường Chính trị"), "truong chinh tri"),
        ("04-KH/TCT", "04 kh tct"),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


# -- data files --------------------------------------------------------------------------


def test_files_are_nfc_and_rectangular() -> None:
    for name, width in (("schools.tsv", 8), ("provinces.tsv", 5)):
        text = (PATTERNS / name).read_text(encoding="utf-8")
        assert unicodedata.normalize("NFC", text) == text
        lines = [line for line in text.splitlines() if line]
        assert all(line.count("\t") == width - 1 for line in lines), name
    header = (PATTERNS / "schools.tsv").read_text(encoding="utf-8").splitlines()[0]
    assert tuple(header.split("\t")) == SCHOOL_COLUMNS


def test_every_pre_2025_province_has_exactly_one_school(gazetteer: Gazetteer) -> None:
    assert len(PROVINCES_63) == 63
    assert set(PROVINCES_63) <= set(gazetteer.provinces)
    for province in PROVINCES_63:
        schools = [s for s in gazetteer.schools if s.kind == "school" and s.province == province]
        assert len(schools) == 1, (province, [s.id for s in schools])
    school_provinces = {s.province for s in gazetteer.schools}
    assert school_provinces <= set(PROVINCES_63)


def test_academies(gazetteer: Gazetteer) -> None:
    academies = {s.id for s in gazetteer.schools if s.kind == "academy"}
    assert academies == {"hvctqg", "hvctkv-1", "hvctkv-2", "hvctkv-3", "hvctkv-4"}
    assert gazetteer.by_id("hvcb-ho-chi-minh").kind == "school"


def test_canonical_names(gazetteer: Gazetteer) -> None:
    assert gazetteer.by_id("tct-son-la").name == "Trường Chính trị tỉnh Sơn La"
    assert gazetteer.by_id("tct-hoang-van-thu-lang-son").name == "Trường Chính trị Hoàng Văn Thụ tỉnh Lạng Sơn"
    assert gazetteer.by_id("tct-hoang-dinh-giong-cao-bang").name == ("Trường Chính trị Hoàng Đình Giong tỉnh Cao Bằng")
    assert gazetteer.by_id("dtcb-nguyen-van-cu-quang-ninh").name == (
        "Trường Đào tạo cán bộ Nguyễn Văn Cừ tỉnh Quảng Ninh"
    )
    assert gazetteer.by_id("tct-thai-binh").name == "Trường Chính trị tỉnh Thái Bình"
    assert gazetteer.by_id("tct-ha-nam").name == "Trường Chính trị tỉnh Hà Nam"
    with pytest.raises(KeyError):
        gazetteer.by_id("tct-atlantis")


def test_aliases_carry_no_commentary(gazetteer: Gazetteer) -> None:
    for school in gazetteer.schools:
        for alias in school.aliases:
            assert "(" not in alias and ")" not in alias, (school.id, alias)
    # the ambiguous plain name stays on Bắc Ninh, the Thanh Hóa precursor on Thanh Hóa
    assert "Trường Chính trị Nguyễn Văn Cừ" in gazetteer.by_id("tct-nguyen-van-cu-bac-ninh").aliases
    assert "Trường Chính trị Nguyễn Văn Cừ" not in gazetteer.by_id("dtcb-nguyen-van-cu-quang-ninh").aliases
    assert "Trường Đảng Hoàng Văn Thụ" in gazetteer.by_id("tct-thanh-hoa").aliases
    assert "Trường Đảng Hoàng Văn Thụ" not in gazetteer.by_id("tct-hoang-van-thu-lang-son").aliases


def test_successors_resolve_and_follow_the_province_merger(gazetteer: Gazetteer) -> None:
    merged = [s for s in gazetteer.schools if s.valid_to]
    assert len(merged) == 29  # 63 provinces -> 34, Thừa Thiên Huế only renamed
    for school in merged:
        assert school.valid_to == "2025-06-30"
        assert school.successor is not None
        successor = gazetteer.by_id(school.successor)
        assert successor.valid_to is None, school.id
        assert successor.province == gazetteer.province_info(school.province).merged_into, school.id
    for school in gazetteer.schools:
        if not school.valid_to:
            assert school.successor is None
            assert gazetteer.province_info(school.province).valid_to in (None, "2024-12-31")


@pytest.mark.parametrize(
    ("school_id", "successor_id"),
    [
        ("tct-soc-trang", "tct-can-tho"),
        ("tct-hau-giang", "tct-can-tho"),
        ("tct-quang-binh", "tct-le-duan-quang-tri"),
        ("tct-kien-giang", "tct-ton-duc-thang-an-giang"),
        ("tct-ben-tre", "tct-pham-hung-vinh-long"),
        ("tct-tra-vinh", "tct-pham-hung-vinh-long"),
        ("tct-vinh-phuc", "tct-phu-tho"),
        ("tct-hoa-binh", "tct-phu-tho"),
        ("tct-long-an", "tct-tay-ninh"),
        ("tct-binh-duong", "hvcb-ho-chi-minh"),
        ("tct-ba-ria-vung-tau", "hvcb-ho-chi-minh"),
        ("tct-quang-nam", "tct-da-nang"),
        ("tct-chau-van-dang-bac-lieu", "tct-ca-mau"),
        ("tct-truong-chinh-nam-dinh", "tct-ninh-binh"),
        ("tct-ha-nam", "tct-ninh-binh"),
        ("tct-thai-binh", "tct-nguyen-van-linh-hung-yen"),
        ("tct-hai-duong", "tct-to-hieu-hai-phong"),
    ],
)
def test_known_mergers(gazetteer: Gazetteer, school_id: str, successor_id: str) -> None:
    school = gazetteer.by_id(school_id)
    assert school.successor == successor_id
    assert gazetteer.current(school).id == successor_id


def test_current_school_is_itself(gazetteer: Gazetteer) -> None:
    school = gazetteer.by_id("tct-son-la")
    assert gazetteer.current(school) is school


# -- matching ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mention", "school_id"),
    [
        ("Trường Chính trị tỉnh Sơn La", "tct-son-la"),
        ("TRƯỜNG CHÍNH TRỊ T. LAI CHÂU", "tct-lai-chau"),
        ("Trường Chính trị Lào Cai", "tct-lao-cai"),
        ("Trường Đào tạo cán bộ Nguyễn văn Cừ tỉnh Quảng Ninh", "dtcb-nguyen-van-cu-quang-ninh"),
        ("Trường Chính trị Hoàng Văn Thụ tỉnh Lạng Sơn", "tct-hoang-van-thu-lang-son"),
        ("Trường Chính trị Hoàng Văn Thụ", "tct-hoang-van-thu-lang-son"),
        ("Trường Chính trị tỉnh Thanh Hoá", "tct-thanh-hoa"),
        ("Trường Chính trị tỉnh Thanh Hóa", "tct-thanh-hoa"),
        ("Trường Chinh tri tinh Nghe An", "tct-nghe-an"),
        ("Trường Chính trị Tô Hiệu", "tct-to-hieu-hai-phong"),
        ("Học viện Cán bộ TP.HCM", "hvcb-ho-chi-minh"),
        ("Học viện Cán bộ Thành phố Hồ Chí Minh", "hvcb-ho-chi-minh"),
        ("Trường Chính trị Nguyễn Văn Cừ", "tct-nguyen-van-cu-bac-ninh"),
        ("Trường Chính trị Nguyễn Văn Cừ tỉnh Quảng Ninh", "dtcb-nguyen-van-cu-quang-ninh"),
        ("Trường Đảng Hoàng Văn Thụ", "tct-thanh-hoa"),
        ("Trường Chính trị Trần Phú Hà Tĩnh", "tct-tran-phu-ha-tinh"),
        ("Trường Chính trị Nguyễn Văn Linh Hưng Yên", "tct-nguyen-van-linh-hung-yen"),
        ("Trường Chính trị Nguyễn Chí Thanh thành phố Huế", "tct-nguyen-chi-thanh-thua-thien-hue"),
        ("Trường Chính trị tỉnh Bà Rịa – Vũng Tàu", "tct-ba-ria-vung-tau"),
        ("Trường Chính trị TP. Cần Thơ", "tct-can-tho"),
        ("Trường Chính trị tỉnh Thái Bình", "tct-thai-binh"),
        ("Học viện Chính trị quốc gia Hồ Chí Minh", "hvctqg"),
        ("Học viện Chính trị khu vực I", "hvctkv-1"),
        ("Học viện Chính trị khu vực II", "hvctkv-2"),
        ("Học viện Chính trị khu vực 3", "hvctkv-3"),
        ("Học viện Chính trị khu vực IV", "hvctkv-4"),
        ("HVCTQG", "hvctqg"),
        # a school named after a person, mentioned by its province only
        ("Trường Chính trị tỉnh Cao Bằng", "tct-hoang-dinh-giong-cao-bang"),
        ("Trường Chính trị thành phố Hải Phòng", "tct-to-hieu-hai-phong"),
        ("Trường Chính trị tỉnh Nam Định", "tct-truong-chinh-nam-dinh"),
    ],
)
def test_clean_mentions(gazetteer: Gazetteer, mention: str, school_id: str) -> None:
    match = gazetteer.match_school(mention)
    assert match.school is not None, mention
    assert match.school.id == school_id
    assert match.score >= 0.85
    assert match.text == mention


@pytest.mark.parametrize(
    ("mention", "school_id"),
    [
        ("Trường Chính trị Hoàng Đình Giông tỉnh Cao Bằng", "tct-hoang-dinh-giong-cao-bang"),
        ("Trường Chính trị Hoàng Đình Dong tỉnh Cao Bằng", "tct-hoang-dinh-giong-cao-bang"),
        ("Trường Chính tri tỉnh Điện Biên", "tct-dien-bien"),
        ("Trưởng Chính trị tỉnh Hà Giang", "tct-ha-giang"),
        ("Truong Chlnh trj tinh Dien Bien", "tct-dien-bien"),
        ("Trường Chính trị tỉnh Dlện Biên", "tct-dien-bien"),
        ("Trường Chính trị tlnh Quảng Trị", "tct-le-duan-quang-tri"),
        ("Trường Chính trị tỉnh Quảng Nlnh", "dtcb-nguyen-van-cu-quang-ninh"),
        ("Trường Chính trị Hoàng Van Thuy", "tct-hoang-van-thu-lang-son"),
        ("Học viện Chính trị khu vực Il", "hvctkv-2"),
        ("Học viện Chính trị quốc gia Hồ Chí Mlnh", "hvctqg"),
        ("Trường Chính trị tỉnh Sơn La tổ chức", "tct-son-la"),
        ("Trường Chính trị TP. Hà Nội", "dtcb-le-hong-phong-ha-noi"),
    ],
)
def test_damaged_mentions(gazetteer: Gazetteer, mention: str, school_id: str) -> None:
    match = gazetteer.match_school(mention)
    assert match.school is not None, mention
    assert match.school.id == school_id
    assert match.score >= 0.6


def test_damage_lowers_the_score(gazetteer: Gazetteer) -> None:
    clean = gazetteer.match_school("Trường Chính trị Hoàng Đình Giong tỉnh Cao Bằng")
    damaged = gazetteer.match_school("Trường Chính trị Hoàng Đình Dong tỉnh Cao Bằng")
    assert clean.score == 1.0
    assert 0.6 <= damaged.score < clean.score


@pytest.mark.parametrize(
    "mention",
    [
        "Trường Chính trị tỉnh",
        "Trường Chính trị",
        "Trường Đại học Kinh tế Quốc dân",
        "Trường Chính trị tỉnh Atlantis",
        "Trường THPT tỉnh Sơn La",
        "Tỉnh ủy Sơn La",
        "Học viện Chính trị khu vực",
        "Học viện Chính trị khu vực V",
        "Học viện Chính trị Công an nhân dân",
        "Trường Đảng",
        "",
        "   ",
        # a person and a province that belong to different schools
        "Trường Chính trị Nguyễn Văn Cừ tỉnh Bắc Giang",
        # as close to Quảng Ninh as to Quảng Ngãi
        "Trường Chính trị tỉnh Quảng Nain",
    ],
)
def test_no_match(gazetteer: Gazetteer, mention: str) -> None:
    match = gazetteer.match_school(mention)
    assert match.school is None, (mention, match)
    assert match.score < 0.6


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Quảng Nam", "Quảng Ninh"),
        ("Quảng Nam", "Quảng Ngãi"),
        ("Quảng Ninh", "Quảng Ngãi"),
        ("Quảng Bình", "Quảng Ninh"),
        ("Hà Nam", "Hà Nội"),
        ("Hà Nam", "Hà Giang"),
        ("Bắc Giang", "Bắc Ninh"),
        ("Bắc Kạn", "Bắc Ninh"),
        ("Ninh Bình", "Ninh Thuận"),
        ("Hòa Bình", "Thái Bình"),
        ("Bình Định", "Bình Thuận"),
        ("Hải Dương", "Hải Phòng"),
        ("Vĩnh Long", "Vĩnh Phúc"),
        ("Đắk Lắk", "Đắk Nông"),
    ],
)
def test_near_province_names_are_not_confused(gazetteer: Gazetteer, first: str, second: str) -> None:
    for name, other in ((first, second), (second, first)):
        for mention in (
            f"Trường Chính trị tỉnh {name}",
            f"Trường Chính trị {name}",
            fold(f"Trường Chính trị tỉnh {name}"),
        ):
            match = gazetteer.match_school(mention)
            assert match.school is not None, mention
            assert match.school.province == name, (mention, match.school.id)
            assert match.school.province != other
        assert gazetteer.match_province(name) == (name, 1.0)


def test_person_and_province_are_scored_separately(gazetteer: Gazetteer) -> None:
    # The whole string is very close to the Quảng Ninh name, but the province is wrong.
    match = gazetteer.match_school("Trường Đào tạo cán bộ Nguyễn Văn Cừ tỉnh Quảng Nam")
    assert match.school is None
    # and a right province does not rescue a wrong person
    assert gazetteer.match_school("Trường Chính trị Lê Lợi tỉnh Thanh Hóa").school is None


@pytest.mark.parametrize(
    ("text", "province"),
    [
        ("Sơn La", "Sơn La"),
        ("tỉnh Sơn La", "Sơn La"),
        ("T. Lai Châu", "Lai Châu"),
        ("TP.HCM", "Hồ Chí Minh"),
        ("TP. Hồ Chí Minh", "Hồ Chí Minh"),
        ("thành phố Hồ Chí Minh", "Hồ Chí Minh"),
        ("Sài Gòn", "Hồ Chí Minh"),
        ("Thanh Hoá", "Thanh Hóa"),
        ("Khánh Hoà", "Khánh Hòa"),
        ("Đắc Lắc", "Đắk Lắk"),
        ("Daklak", "Đắk Lắk"),
        ("BR-VT", "Bà Rịa - Vũng Tàu"),
        ("Bà Rịa – Vũng Tàu", "Bà Rịa - Vũng Tàu"),
        ("Thừa Thiên Huế", "Thừa Thiên Huế"),
        ("Huế", "Huế"),
        ("Ha Noi", "Hà Nội"),
    ],
)
def test_match_province_exact(gazetteer: Gazetteer, text: str, province: str) -> None:
    assert gazetteer.match_province(text) == (province, 1.0)


@pytest.mark.parametrize(
    ("text", "province"),
    [
        ("TỈNH ỦY SƠN LA", "Sơn La"),
        ("THÀNH ỦY HÀ NỘI", "Hà Nội"),
        ("BAN CHẤP HÀNH ĐẢNG BỘ TỈNH LAI CHÂU", "Lai Châu"),
        ("UBND TP. HỒ CHÍ MINH", "Hồ Chí Minh"),
        ("TỈNH ỦY THANH HOÁ", "Thanh Hóa"),
        ("UBND tỉnh Quảng Nlnh", "Quảng Ninh"),
    ],
)
def test_match_province_inside_a_longer_name(gazetteer: Gazetteer, text: str, province: str) -> None:
    name, score = gazetteer.match_province(text)
    assert name == province
    assert 0.8 <= score < 1.0


@pytest.mark.parametrize(
    "text",
    [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "HỌC VIỆN CHÍNH TRỊ QUỐC GIA HỒ CHÍ MINH",
        "ĐOÀN TNCS HỒ CHÍ MINH",
        "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH",
        "Tỉnh ủy Atlantis",
        "tỉnh ủy",
    ],
)
def test_match_province_none(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.match_province(text)[0] is None


def test_match_province_trailing_words(gazetteer: Gazetteer) -> None:
    assert gazetteer.match_province("tỉnh Sơn La tổ chức") == ("Sơn La", 0.9)
    assert gazetteer.match_school("Trường Chính trị tỉnh Sơn La tổ chức").score == 0.9


def test_match_province_fuzzy(gazetteer: Gazetteer) -> None:
    name, score = gazetteer.match_province("Quảng Nlnh")
    assert name == "Quảng Ninh" and 0.8 <= score < 1.0
    assert gazetteer.match_province("Atlantis")[0] is None
    assert gazetteer.match_province("Atlantis")[1] < 0.8
    assert gazetteer.match_province("")[0] is None


def test_provinces_list(gazetteer: Gazetteer) -> None:
    assert len(gazetteer.provinces) == len(set(gazetteer.provinces)) == 64  # 63 + Huế
    assert gazetteer.province_info("Hồ Chí Minh").kind == "thành phố"
    assert gazetteer.province_info("Sơn La").kind == "tỉnh"
    assert gazetteer.province_info("Hậu Giang").merged_into == "Cần Thơ"
    assert gazetteer.province_info("Thừa Thiên Huế").merged_into == "Huế"


def test_matching_is_fast(gazetteer: Gazetteer) -> None:
    mentions = [f"Trường Chính trị tỉnh {p}" for p in PROVINCES_63]
    mentions += [f"Truong Chinh trj tinh {fold(p)}x" for p in PROVINCES_63]
    mentions += ["Trường Chính trị Hoàng Đình Dong tỉnh Cao Bằng", "Trường Đại học Kinh tế Quốc dân"]
    fresh = Gazetteer.load(PATTERNS)
    start = time.perf_counter()
    for mention in mentions:
        fresh.match_school(mention)
    per_call = (time.perf_counter() - start) / len(mentions)
    assert per_call < 0.001


# -- validation --------------------------------------------------------------------------

PROVINCES_HEADER = "name\tkind\taliases\tvalid_to\tmerged_into\n"
SCHOOLS_HEADER = "\t".join(SCHOOL_COLUMNS) + "\n"
GOOD_PROVINCES = PROVINCES_HEADER + "Sơn La\ttỉnh\t\t\t\nHà Nam\ttỉnh\t\t2025-06-30\tNinh Bình\nNinh Bình\ttỉnh\t\t\t\n"
GOOD_SCHOOLS = (
    SCHOOLS_HEADER
    + "tct-son-la\tTrường Chính trị tỉnh Sơn La\tSơn La\tschool\tTrường Chính trị Sơn La\t\t\thttp://a\n"
    + "tct-ha-nam\tTrường Chính trị tỉnh Hà Nam\tHà Nam\tschool\t\t2025-06-30\ttct-ninh-binh\tnot verified\n"
    + "tct-ninh-binh\tTrường Chính trị tỉnh Ninh Bình\tNinh Bình\tschool\t\t\t\thttp://b\n"
)


def _write(directory: Path, schools: str = GOOD_SCHOOLS, provinces: str = GOOD_PROVINCES) -> Path:
    (directory / "schools.tsv").write_text(schools, encoding="utf-8")
    (directory / "provinces.tsv").write_text(provinces, encoding="utf-8")
    return directory


def test_minimal_files_load(tmp_path: Path) -> None:
    gazetteer = Gazetteer.load(_write(tmp_path))
    assert [s.id for s in gazetteer.schools] == ["tct-son-la", "tct-ha-nam", "tct-ninh-binh"]
    assert gazetteer.match_school("Trường Chính trị Sơn La").school == gazetteer.by_id("tct-son-la")
    assert gazetteer.by_id("tct-ha-nam").valid_to == "2025-06-30"


def test_comments_and_blank_lines_are_skipped(tmp_path: Path) -> None:
    schools = "# gazetteer\n" + GOOD_SCHOOLS + "\n\n"
    assert len(Gazetteer.load(_write(tmp_path, schools=schools)).schools) == 3


def _replace_line(text: str, line_no: int, new: str) -> str:
    lines = text.splitlines(keepends=True)
    lines[line_no - 1] = new
    return "".join(lines)


SCHOOL_ROW_3 = "tct-ha-nam\tTrường Chính trị tỉnh Hà Nam\tHà Nam\tschool\t\t2025-06-30\ttct-ninh-binh\tnot verified\n"


@pytest.mark.parametrize(
    ("schools", "line_no", "reason"),
    [
        (_replace_line(GOOD_SCHOOLS, 1, "id\tname\tprovince\n"), 1, "header"),
        (_replace_line(GOOD_SCHOOLS, 3, "tct-ha-nam\tTrường Chính trị tỉnh Hà Nam\tHà Nam\n"), 3, "columns"),
        (
            _replace_line(GOOD_SCHOOLS, 3, SCHOOL_ROW_3.replace("\tnot verified", "\tnot\tverified")),
            3,
            "columns",
        ),
        (_replace_line(GOOD_SCHOOLS, 3, SCHOOL_ROW_3.replace("Trường Chính trị tỉnh Hà Nam", "")), 3, "name"),
        (_replace_line(GOOD_SCHOOLS, 3, SCHOOL_ROW_3.replace("tct-ha-nam", " ")), 3, "'id'"),
        (_replace_line(GOOD_SCHOOLS, 3, SCHOOL_ROW_3.replace("not verified", "")), 3, "source"),
        (_replace_line(GOOD_SCHOOLS, 3, SCHOOL_ROW_3.replace("tct-ha-nam", "tct-son-la")), 3, "duplicate id"),
        (
            _replace_line(GOOD_SCHOOLS, 3, SCHOOL_ROW_3.replace("tct-ninh-binh", "tct-nam-dinh")),
            3,
            "successor",
        ),
        (_replace_line(GOOD_SCHOOLS, 3, SCHOOL_ROW_3.replace("\tHà Nam\t", "\tAtlantis\t")), 3, "province"),
        (_replace_line(GOOD_SCHOOLS, 3, SCHOOL_ROW_3.replace("school", "college")), 3, "kind"),
        (_replace_line(GOOD_SCHOOLS, 3, SCHOOL_ROW_3.replace("2025-06-30", "30/6/2025")), 3, "valid_to"),
        (_replace_line(GOOD_SCHOOLS, 3, SCHOOL_ROW_3.replace("2025-06-30", "")), 3, "successor"),
        (_replace_line(GOOD_SCHOOLS, 3, SCHOOL_ROW_3.replace("tct-ha-nam", "TCT Hà Nam")), 3, "slug"),
        (
            _replace_line(GOOD_SCHOOLS, 3, SCHOOL_ROW_3.replace("\t\t2025", "\tTrường Chính trị Sơn La\t2025")),
            3,
            "also names",
        ),
        (
            _replace_line(GOOD_SCHOOLS, 3, unicodedata.normalize("NFD", SCHOOL_ROW_3)),
            3,
            "NFC",
        ),
    ],
)
def test_malformed_schools(tmp_path: Path, schools: str, line_no: int, reason: str) -> None:
    directory = _write(tmp_path, schools=schools)
    with pytest.raises(PatternError) as error:
        Gazetteer.load(directory)
    message = str(error.value)
    assert message.startswith(f"{directory / 'schools.tsv'}:{line_no}: "), message
    assert reason in message


def test_successor_cycle(tmp_path: Path) -> None:
    schools = GOOD_SCHOOLS.replace(
        "Ninh Bình\tschool\t\t\t\thttp://b", "Ninh Bình\tschool\t\t2025-06-30\ttct-ha-nam\thttp://b"
    )
    with pytest.raises(PatternError, match="cycle"):
        Gazetteer.load(_write(tmp_path, schools=schools))


@pytest.mark.parametrize(
    ("provinces", "line_no", "reason"),
    [
        (_replace_line(GOOD_PROVINCES, 1, "name\tkind\n"), 1, "header"),
        (_replace_line(GOOD_PROVINCES, 2, "Sơn La\ttỉnh\n"), 2, "columns"),
        (_replace_line(GOOD_PROVINCES, 2, "\ttỉnh\t\t\t\n"), 2, "name"),
        (_replace_line(GOOD_PROVINCES, 2, "Sơn La\tquận\t\t\t\n"), 2, "kind"),
        (_replace_line(GOOD_PROVINCES, 4, "Sơn La\ttỉnh\t\t\t\n"), 4, "duplicate"),
        (_replace_line(GOOD_PROVINCES, 3, "Hà Nam\ttỉnh\t\t2025-06-30\tAtlantis\n"), 3, "merged_into"),
        (_replace_line(GOOD_PROVINCES, 3, "Hà Nam\ttỉnh\tSơn La\t2025-06-30\tNinh Bình\n"), 3, "also names"),
    ],
)
def test_malformed_provinces(tmp_path: Path, provinces: str, line_no: int, reason: str) -> None:
    directory = _write(tmp_path, provinces=provinces)
    with pytest.raises(PatternError) as error:
        Gazetteer.load(directory)
    message = str(error.value)
    assert message.startswith(f"{directory / 'provinces.tsv'}:{line_no}: "), message
    assert reason in message


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(PatternError, match=r"provinces\.tsv:0: cannot be read"):
        Gazetteer.load(tmp_path)
    _write(tmp_path)
    (tmp_path / "schools.tsv").write_bytes(GOOD_SCHOOLS.encode() + b"tct-x\t\xff\n")
    with pytest.raises(PatternError, match=r"schools\.tsv:5: not UTF-8"):
        Gazetteer.load(tmp_path)


def test_pattern_error_is_a_value_error() -> None:
    assert issubclass(PatternError, ValueError)
