"""Legacy encodings (TCVN3, VNI, VISCII), mojibake and NFD in text layers → Unicode NFC.

The tables are data in patterns/encodings/; every letter goes through each table's inverse and
back, the reference spellings of the Vietnamese reference notes convert, detection picks the
right encoding from font names and from characters, and the two legacy samples read through
the real ingest path.
"""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import fpdf
import pytest

from extractor import legacy
from extractor.errors import PatternError
from extractor.ingest import IngestOptions, is_usable, read_document, text_layer_page
from extractor.legacy import Encoding, convert, detect, font_encoding, is_caps_font, load_tables, repair
from extractor.model import PageWords, TextSource, Word
from extractor.normalize import Normalizer
from extractor.patterns import load_patterns
from tests.conftest import ROOT, SAMPLES

ENCODINGS = ROOT / "patterns" / "encodings"
TCVN3_SAMPLE = SAMPLES / "tcvn3-09-BC-TCT.pdf"
VNI_SAMPLE = SAMPLES / "vni-14-BC-TCT.pdf"
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # ngang huyền sắc hỏi ngã nặng
VOWELS = "aăâeêioôơuưy"
CONSONANTS = "bcdđghklmnpqrstvx"


def alphabet() -> list[str]:
    """Every letter of the Vietnamese alphabet, vowels with each of the six tones, both cases."""
    letters = list(CONSONANTS) + [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES]
    return letters + [letter.upper() for letter in letters]


def normalised(text: str) -> str:
    return Normalizer(load_patterns().lookalikes).text(text)


@pytest.mark.parametrize("encoding", [Encoding.TCVN3, Encoding.VNI, Encoding.VISCII])
def test_every_letter_goes_through_the_table_and_back(encoding: Encoding) -> None:
    table = load_tables().tables[encoding]
    for letter in alphabet():
        encoded = table.encode(letter)
        assert all(ord(char) < 0x100 for char in encoded), (letter, encoded)
        assert table.decode(encoded) == letter, (letter, encoded)


def test_tcvn3_caps_fonts_draw_capitals_from_lower_case_codes() -> None:
    table = load_tables().tables[Encoding.TCVN3]
    for letter in alphabet()[: len(alphabet()) // 2]:  # the lower-case half
        assert convert(table.encode(letter) + "a", Encoding.TCVN3, caps=True) == letter.upper() + "A"


def test_c1_bytes_read_as_cp1252_decode_too() -> None:
    # TCVN 5712 VN1 puts "À" at 0x80; a text layer may show it as U+0080 or as cp1252's "€".
    table = load_tables().tables[Encoding.TCVN3]
    assert table.decode("\x80") == table.decode("€") == "À"
    assert load_tables().tables[Encoding.VISCII].decode("€") == "Ạ"


@pytest.mark.parametrize(
    ("encoding", "legacy_text", "unicode_text"),
    [
        (Encoding.TCVN3, "Tr\xadêng ChÝnh trÞ", "Trường Chính trị"),
        (Encoding.TCVN3, "Trêng ChÝnh trÞ", "Trường Chính trị"),  # the soft hyphen dropped
        (Encoding.TCVN3, "Uû ban nh©n d©n", "Uỷ ban nhân dân"),
        (Encoding.TCVN3, "§¶ng Céng s¶n ViÖt Nam", "Đảng Cộng sản Việt Nam"),
        (Encoding.TCVN3, "B¸o c¸o", "Báo cáo"),
        (Encoding.TCVN3, "ngµy 12 th¸ng 8 n¨m 2021", "ngày 12 tháng 8 năm 2021"),
        (Encoding.TCVN3, "båi dìng, ®îc, ngêi, díi, nh sau", "bồi dưỡng, được, người, dưới, như sau"),
        (Encoding.TCVN3, "Hng Yªn, t ph¸p, ®Ó b/c", "Hưng Yên, tư pháp, để b/c"),
        (Encoding.VNI, "Tröôøng Chính trò", "Trường Chính trị"),
        (Encoding.VNI, "Ñaûng Coäng saûn Vieät Nam", "Đảng Cộng sản Việt Nam"),
        (Encoding.VNI, "Baùo caùo", "Báo cáo"),
        (Encoding.VNI, "hoïc vieân", "học viên"),
        (Encoding.VNI, "Xin chaøo caùc baïn", "Xin chào các bạn"),
        (Encoding.VNI, "TÆNH UÛY BEÁN TRE", "TỈNH ỦY BẾN TRE"),
        (Encoding.VISCII, "Trß¶ng Chính tr¸", "Trường Chính trị"),
        (Encoding.VISCII, "Ðäng Cµng sän Vi®t Nam", "Đảng Cộng sản Việt Nam"),
        (Encoding.VISCII, "h÷c viên", "học viên"),
    ],
)
def test_reference_examples(encoding: Encoding, legacy_text: str, unicode_text: str) -> None:
    assert convert(legacy_text, encoding) == unicode_text
    assert detect(legacy_text) is encoding


def test_vntimeh_header_is_read_in_capitals() -> None:
    header = "CéNG HOµ X· HéI CHñ NGHÜA VIÖT NAM"
    converted = legacy.to_unicode(header, ".VnTimeH")
    assert converted == "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert normalised(converted) == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert legacy.to_unicode(header, ".VnTime") == "CộNG HOà Xã HộI CHủ NGHĩA VIệT NAM"


def test_output_is_nfc() -> None:
    for encoding, text in ((Encoding.TCVN3, "Tr\xadêng ChÝnh trÞ"), (Encoding.VNI, "Tröôøng Chính trò")):
        assert unicodedata.is_normalized("NFC", convert(text, encoding))


def cp1252_mojibake(text: str) -> str:
    """UTF-8 bytes read as cp1252 (Latin-1 for the five bytes cp1252 leaves undefined)."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode("utf-8"))


@pytest.mark.parametrize(
    "text",
    [
        "Tiếng Việt",
        "Trường Chính trị tỉnh Sơn La",
        "Đảng Cộng sản Việt Nam",
        "học viên, Ủy ban nhân dân",
        "Hà Nội, ngày 05 tháng 01 năm 2024",  # "à" is C3 A0: "Ã" and a no-break space
    ],
)
def test_mojibake_is_undone(text: str) -> None:
    broken = cp1252_mojibake(text)
    assert broken != text
    assert repair(broken) == text
    assert detect(broken) is Encoding.UNICODE


def test_the_reference_mojibake_and_what_must_stay() -> None:
    assert repair("Tiáº¿ng Viá»‡t") == "Tiếng Việt"
    for text in ("Trường Chính trị", "Café « Hà Nội »", "Ã", "ÂÃ"):
        assert repair(text) == text


def test_decomposed_letters_are_composed() -> None:
    text = "Trường Chính trị tỉnh Đắk Lắk: 45 lớp, 4.471 học viên"
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    assert repair(decomposed) == text
    assert detect(decomposed) is Encoding.UNICODE
    assert legacy.convert_words(decomposed.split()) == text.split()


@pytest.mark.parametrize(
    ("font", "encoding", "caps"),
    [
        (".VnTime", Encoding.TCVN3, False),
        ("ABCDEF+.VnTimeH", Encoding.TCVN3, True),
        (".VnArialH,Bold", Encoding.TCVN3, True),
        (".VnTime,Bold", Encoding.TCVN3, False),
        (".VnBook-AntiquaH", Encoding.TCVN3, True),
        ("VnTimeH", Encoding.TCVN3, True),
        ("VNI-Times", Encoding.VNI, False),
        ("XYZABC+VNI-Helve-Bold", Encoding.VNI, False),
        ("LiberationSerif", None, False),
        ("TimesNewRomanPS-BoldMT", None, False),
        ("Helvetica", None, False),
    ],
)
def test_encoding_from_font_name(font: str, encoding: Encoding | None, caps: bool) -> None:
    assert font_encoding(font) is encoding
    assert is_caps_font(font) is caps


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Trường Chính trị tỉnh Sơn La báo cáo kết quả năm 2021", Encoding.UNICODE),
        ("Số 51-BC/CTĐ, Quyết định 15/QĐ-UBND ngày 05/01/2024", Encoding.UNICODE),
        ("Nhiệt độ 30°C; « trích yếu »; § 3; kỹ năng · phẩm chất", Encoding.UNICODE),
        ("Sè: 09/BC-TCT Tuyªn Quang, ngµy 08 th¸ng 7 n¨m 2022", Encoding.TCVN3),
        ("Soá 14-BC/TCT Beán Tre, ngaøy 20 thaùng 12 naêm 2021", Encoding.VNI),
        ("Report 2021: Tr\xadêng ChÝnh trÞ tØnh S¬n La, 45 líp", Encoding.TCVN3),
    ],
)
def test_detection_on_mixed_text(text: str, encoding: Encoding) -> None:
    assert detect(text) is encoding


def test_symbol_fonts_and_lone_symbols_stay() -> None:
    assert legacy.convert_words(["ü", "Ø", "§"], "Wingdings-Regular") == ["ü", "Ø", "§"]
    assert legacy.convert_words(["ü"], "SomeFont") == ["ü"]
    assert detect("Ø") is Encoding.UNICODE


def test_unicode_run_is_never_converted() -> None:
    words = ["Trường", "Chính", "trị", "tỉnh", "Đắk", "Lắk,", "Nhiệt", "độ", "30°C,", "mùa", "xuân,", "hoà,", "khoá"]
    assert legacy.convert_words(words) == words
    assert legacy.convert_words(words, "LiberationSerif") == words


# --- broken tables -------------------------------------------------------------------------------


@pytest.fixture
def table_copy(tmp_path: Path) -> Path:
    directory = tmp_path / "encodings"
    shutil.copytree(ENCODINGS, directory)
    return directory


def break_line(path: Path, number: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[number - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def first_row(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith("bytes\t")) + 1


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("ZZ\tà\tµ", "hex"),
        ("B5 B5 B5\tà\tµµµ", "one or two"),
        ("B5\t\tµ", "one letter"),
        ("B5\ta\u0300\tµ", "not NFC"),
        ("B5\t1\tµ", "not a letter"),
        ("B5\tà", "3 tab-separated"),
    ],
)
def test_broken_table_names_file_and_line(table_copy: Path, row: str, message: str) -> None:
    path = table_copy / "vni.tsv"
    number = first_row(path) + 3
    break_line(path, number, row)
    with pytest.raises(PatternError) as error:
        load_tables(table_copy)
    assert f"{path}:{number}:" in str(error.value) and message in str(error.value)


def test_duplicate_bytes_and_bad_header_are_reported(table_copy: Path) -> None:
    path = table_copy / "tcvn3.tsv"
    number = first_row(path)
    first = path.read_text(encoding="utf-8").splitlines()[number - 1]
    break_line(path, number + 1, first)
    with pytest.raises(PatternError, match=rf"tcvn3.tsv:{number + 1}: bytes .* twice"):
        load_tables(table_copy)
    break_line(path, number - 1, "byte\tunicode\tseen")
    with pytest.raises(PatternError, match=rf"tcvn3.tsv:{number - 1}: header"):
        load_tables(table_copy)


def test_lost_u_list_is_validated(table_copy: Path) -> None:
    path = table_copy / legacy.LOST_U_FILE
    path.write_text("# words\nngười\nNgười\n", encoding="utf-8")
    with pytest.raises(PatternError, match=rf"{legacy.LOST_U_FILE}:3: "):
        load_tables(table_copy)


def test_missing_table_is_reported(table_copy: Path) -> None:
    (table_copy / "viscii.tsv").unlink()
    with pytest.raises(PatternError, match=r"viscii\.tsv: cannot be read"):
        load_tables(table_copy)


# --- usability and the ingest path ---------------------------------------------------------------


def words_page(text: str) -> PageWords:
    return PageWords(1, 595, 842, TextSource.TEXT_LAYER, tuple(Word(w, (0, 0, 1, 1), 1.0) for w in text.split()))


def test_unconverted_vni_is_not_usable() -> None:
    vni = "Tröôøng Chính trò tænh Beán Tre baùo caùo keát quaû ñaøo taïo, boài döôõng naêm 2021"
    assert not is_usable(words_page(vni))
    assert is_usable(words_page(convert(vni, Encoding.VNI)))
    assert is_usable(words_page("QĐ-UBND, HĐND, CTĐ: Trường Chính trị tỉnh Đắk Lắk báo cáo kết quả năm 2021"))


def page_text(path: Path) -> tuple[str, list[PageWords]]:
    document = read_document(path, IngestOptions(), no_engine)
    return " ".join(w.text for p in document.pages for w in p.words), list(document.pages)


def no_engine() -> None:
    raise AssertionError("a legacy text layer must not need OCR")


@pytest.mark.parametrize(
    ("path", "phrases"),
    [
        (
            TCVN3_SAMPLE,
            [
                "TỈNH ỦY TUYÊN QUANG TRƯỜNG CHÍNH TRỊ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
                "Số: 09/BC-TCT Tuyên Quang, ngày 08 tháng 7 năm 2022",
                "BÁO CÁO Kết quả đào tạo, bồi dưỡng 6 tháng đầu năm 2022",
                "Trường Chính trị tỉnh Tuyên Quang đã tổ chức 24 lớp với 1.560 học viên",
                "KT. HIỆU TRƯỞNG PHÓ HIỆU TRƯỞNG",
            ],
        ),
        (
            VNI_SAMPLE,
            [
                "TỈNH ỦY BẾN TRE TRƯỜNG CHÍNH TRỊ",
                "ĐẢNG CỘNG SẢN VIỆT NAM",
                "Bến Tre, ngày 20 tháng 12 năm 2021",
                "Trường Chính trị tỉnh Long An trong năm 2021 đã tổ chức 38 lớp/2.140 học viên",
                "T/M BAN GIÁM HIỆU",
            ],
        ),
    ],
)
def test_legacy_samples_read_through_ingest(path: Path, phrases: list[str]) -> None:
    text, pages = page_text(path)
    assert [p.source for p in pages] == [TextSource.TEXT_LAYER]
    assert unicodedata.is_normalized("NFC", text)
    assert not legacy.SUSPECT.search(text)
    for phrase in phrases:
        assert phrase in normalised(text), phrase
    assert is_usable(pages[0])
    for word in pages[0].words:
        x0, top, x1, bottom = word.bbox
        assert 0 <= x0 < x1 <= pages[0].width and 0 <= top < bottom <= pages[0].height, word


def test_words_keep_the_boxes_of_their_legacy_text() -> None:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(TCVN3_SAMPLE)
    try:
        page = document[0]
        raw = page.get_textpage().get_text_range()
        words = text_layer_page(page, 1).words
    finally:
        document.close()
    assert len(words) == len(raw.split())
    school = [w for w in words if w.text == "Trường"]
    assert school and all(w.bbox[2] - w.bbox[0] > 20 for w in school)


def test_a_page_mixing_fonts_is_converted_font_by_font(tmp_path: Path) -> None:
    font = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"  # fonts-liberation2, set up by dev.sh
    pdf = fpdf.FPDF(unit="pt")
    runs = [
        ("Unicode", "LiberationSerif", "Trường Chính trị tỉnh Sơn La"),
        ("Tcvn", ".VnTime", "Tr\xadêng ChÝnh trÞ tØnh Yªn B¸i"),
        ("TcvnCaps", ".VnTimeH", "CéNG HOµ X· HéI"),
        ("Vni", "VNI-Times", "Tröôøng Chính trò tænh Beán Tre"),
        ("Plain", "SomeFont", "§¶ng Céng s¶n ViÖt Nam b¸o c¸o"),  # no hint: by statistics
        ("Utf8", "OtherFont", cp1252_mojibake("Tiếng Việt tại Hà Nội")),
    ]
    for family, name, _ in runs:
        pdf.add_font(family, "", font)
        pdf.fonts[family.lower()].name = name
    pdf.add_page()
    for family, _, text in runs:
        pdf.set_font(family, "", 12)
        pdf.cell(400, 20, text, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "mixed.pdf"
    pdf.output(str(path))
    text, _ = page_text(path)
    assert normalised(text) == (
        "Trường Chính trị tỉnh Sơn La Trường Chính trị tỉnh Yên Bái CỘNG HÒA XÃ HỘI "
        "Trường Chính trị tỉnh Bến Tre Đảng Cộng sản Việt Nam báo cáo Tiếng Việt tại Hà Nội"
    )
