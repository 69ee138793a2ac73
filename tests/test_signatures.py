"""Digital signatures: dictionaries read with pyHanko from copies signed at test time, widget
texts read with pdfium, and visible appearances parsed from the page text."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest

from extractor.errors import PatternError
from extractor.fields import ReviewItem
from extractor.finders.appearances import (
    appearance_line_indices,
    find_appearance_signatures,
    load_signature_patterns,
    normalise_offset,
)
from extractor.ingest import IngestOptions, read_document
from extractor.layout import build_document_text
from extractor.model import PageWords, TextSource
from extractor.patterns import DEFAULT_DIRECTORY, load_patterns
from extractor.signatures import (
    Signature,
    combine_signatures,
    read_signatures,
    read_widget_texts,
    signature_review,
    with_widget_words,
)
from tests import signing
from tests.conftest import SAMPLES
from tests.pages import FILLER, HEADER_PARTY, body, page

PATTERNS = load_patterns()
SOURCE = SAMPLES / "gov-12-BC-TCT.pdf"
SEED = SAMPLES / "seed-51-BC-CTD.pdf"
WIDGET_BOX = (350, 700, 510, 740)
SEED_SIGNATURES = [
    # /work/shared/seed/report-51-BC-CTD.truth.json, "signatures", in page order.
    {"signer": "Trường Chính trị", "organisation": "Tỉnh ủy Sơn La", "signed_at": "2021-08-18T02:46:13-07:00"},
    {"signer": "Lò Thị Thúy Hà", "signed_at": "2021-08-17T14:36:01+07:00"},
]


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The government sample, signed once for the module (the tests only read it)."""
    return signing.sign_copy(SOURCE, tmp_path_factory.mktemp("signed") / "signed.pdf")


def only(signatures: list[Signature]) -> Signature:
    assert len(signatures) == 1, signatures
    return signatures[0]


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


# --- Dictionaries ----------------------------------------------------------------------


def test_a_signed_copy_reads_back(signed: Path) -> None:
    signature = only(read_signatures(signed))
    assert signature.to_json() | {"page": None, "bbox": None} == {
        "signer": "Lò Thị Thúy Hà",
        "organisation": "Trường Chính trị tỉnh Sơn La",
        "signed_at": "2025-01-15T09:30:00+07:00",
        "cms_signing_time": "2025-01-15T02:30:00+00:00",
        "intact": True,
        "covers_whole_file": True,
        "field": "Signature1",
        "reason": "Ban hành văn bản",
        "location": "Hải Dương",
        "source": "dictionary",
        "page": None,
        "bbox": None,
        "text": None,
        "confidence": 1.0,
        "flags": [],
        "detail": None,
    }
    assert signature_review([signature]) == []


def test_reading_never_changes_the_file(signed: Path) -> None:
    before = fingerprint(signed)
    read_signatures(signed)
    read_widget_texts(signed)
    assert fingerprint(signed) == before


def test_an_incremental_update_after_signing_is_not_covered(signed: Path, tmp_path: Path) -> None:
    signature = only(read_signatures(signing.append_annotation(signed, tmp_path / "annotated.pdf")))
    assert (signature.intact, signature.covers_whole_file) == (True, False)
    assert signature.flags == ("modified_after_signing",)


def test_bytes_appended_after_the_end_are_not_covered(signed: Path, tmp_path: Path) -> None:
    signature = only(read_signatures(signing.append_bytes(signed, tmp_path / "appended.pdf")))
    assert (signature.intact, signature.covers_whole_file) == (True, False)


def test_a_changed_byte_in_the_signed_range_breaks_integrity(signed: Path, tmp_path: Path) -> None:
    signature = only(read_signatures(signing.change_signed_byte(signed, tmp_path / "changed.pdf")))
    assert (signature.intact, signature.covers_whole_file) == (False, True)
    assert signature.signer == "Lò Thị Thúy Hà"
    assert signature_review([signature]) == [ReviewItem("source.signatures[0]", "signature_not_intact", 1.0)]


def test_cms_time_written_as_local_time_labelled_utc(tmp_path: Path) -> None:
    wall_clock_as_utc = signing.SIGNED_AT.replace(tzinfo=dt.UTC)
    path = signing.sign_copy(SOURCE, tmp_path / "vn.pdf", cms_time=wall_clock_as_utc)
    signature = only(read_signatures(path))
    assert signature.signed_at == "2025-01-15T09:30:00+07:00"
    assert signature.cms_signing_time == "2025-01-15T09:30:00+00:00"
    assert signature.intact is True
    assert signature_review([signature], "signatures") == [ReviewItem("signatures[0]", "signing_times_disagree", 1.0)]


def test_a_signing_time_without_offset_is_flagged(tmp_path: Path) -> None:
    naive = signing.SIGNED_AT.replace(tzinfo=None)
    path = signing.sign_copy(SOURCE, tmp_path / "naive.pdf", signed_at=naive, cms_time=signing.SIGNED_AT)
    signature = only(read_signatures(path))
    assert (signature.signed_at, signature.flags) == ("2025-01-15T09:30:00", ("offset_missing",))


def test_a_second_signature_covers_the_first(signed: Path, tmp_path: Path) -> None:
    identity = signing.make_identity(None, "Tỉnh ủy Hải Dương")
    path = signing.sign_copy(signed, tmp_path / "twice.pdf", identity=identity, field="Signature2", reason=None)
    first, second = read_signatures(path)
    assert (first.field, first.intact, first.covers_whole_file, first.flags) == ("Signature1", True, False, ())
    assert (second.signer, second.organisation, second.reason) == ("Tỉnh ủy Hải Dương", None, None)
    assert (second.intact, second.covers_whole_file) == (True, True)


def test_a_document_timestamp(signed: Path, tmp_path: Path) -> None:
    moment = dt.datetime(2025, 1, 16, 1, 0, tzinfo=dt.UTC)
    stamp = signing.timestamp_copy(signed, tmp_path / "stamped.pdf", moment)
    first, second = read_signatures(stamp)
    assert (first.intact, first.covers_whole_file) == (True, False)
    assert (second.signer, second.cms_signing_time, second.intact, second.covers_whole_file) == (
        "Test TSA",
        "2025-01-16T01:00:00+00:00",
        True,
        True,
    )


def test_a_malformed_signature_is_an_entry_not_an_exception(signed: Path, tmp_path: Path) -> None:
    data = signed.read_bytes()
    start = data.index(b"/Contents <") + len(b"/Contents <")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(data[:start] + b"00000000" + data[start + 8 :])
    signature = only(read_signatures(broken))
    assert (signature.intact, signature.field, signature.flags) == (False, "Signature1", ("malformed_signature",))
    assert signature.signed_at == "2025-01-15T09:30:00+07:00"
    assert signature.detail


@pytest.mark.parametrize("make", ["unsigned", "missing", "empty", "text", "truncated"])
def test_unsigned_or_bad_files_give_nothing(signed: Path, tmp_path: Path, make: str) -> None:
    files = {
        "unsigned": SOURCE,
        "missing": tmp_path / "missing.pdf",
        "empty": tmp_path / "empty.pdf",
        "text": tmp_path / "text.pdf",
        "truncated": tmp_path / "truncated.pdf",
    }
    files["empty"].write_bytes(b"")
    files["text"].write_text("không phải PDF", encoding="utf-8")
    files["truncated"].write_bytes(signed.read_bytes()[:5000])
    assert read_signatures(files[make]) == []
    assert read_widget_texts(files[make]) == []


# --- Widgets ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stamped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Signed with a visible widget that shows the number and the day (e-office style)."""
    folder = tmp_path_factory.mktemp("widget")
    stamp = signing.make_stamp(folder / "stamp.pdf", ["Số: 15/TB-UBND", "ngày 15 tháng 01 năm 2025"])
    return signing.sign_copy(SOURCE, folder / "stamped.pdf", stamp=stamp, box=WIDGET_BOX)


def test_widget_text_with_page_and_box(stamped: Path) -> None:
    widget = only_widget(stamped)
    height = 841.89
    assert (widget.page, widget.field) == (1, "Signature1")
    assert widget.text == "Số: 15/TB-UBND\nngày 15 tháng 01 năm 2025"
    assert widget.bbox == pytest.approx((350, height - 740, 510, height - 700), abs=0.01)
    assert [w.text for w in widget.words[:2]] == ["Số:", "15/TB-UBND"]
    for word in widget.words:
        assert widget.bbox[0] <= word.bbox[0] < word.bbox[2] <= widget.bbox[2]
        assert widget.bbox[1] <= word.bbox[1] < word.bbox[3] <= widget.bbox[3]


def only_widget(path: Path):
    widgets = read_widget_texts(path)
    assert len(widgets) == 1, widgets
    return widgets[0]


def test_a_visible_signature_has_its_widget_location(stamped: Path) -> None:
    signature = only(read_signatures(stamped))
    assert signature.page == 1
    assert signature.bbox == pytest.approx(only_widget(stamped).bbox)


def test_an_invisible_signature_has_no_widget_text(signed: Path) -> None:
    assert read_widget_texts(signed) == []
    assert only(read_signatures(signed)).bbox is None


def test_widget_words_join_text_layer_pages_only(stamped: Path) -> None:
    widget = only_widget(stamped)
    pages = (PageWords(1, 595.0, 842.0, TextSource.TEXT_LAYER, ()), PageWords(2, 595.0, 842.0, TextSource.OCR, ()))
    merged = with_widget_words(pages, [widget])
    assert merged[0].words == widget.words
    assert merged[1] is pages[1]


# --- Appearances -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_text():
    ingested = read_document(SEED, IngestOptions(), lambda: pytest.fail("the seed PDF has a text layer"))
    return build_document_text(ingested.pages, PATTERNS)


def core(signature: Signature) -> dict:
    keys = ("signer", "organisation", "signed_at") if signature.signer != "Lò Thị Thúy Hà" else ("signer", "signed_at")
    return {key: signature.to_json()[key] for key in keys}


def test_the_seed_sample_shows_two_appearances(seed_text) -> None:
    found = find_appearance_signatures(seed_text, PATTERNS)
    assert [core(s) for s in found] == SEED_SIGNATURES
    first, second = found
    assert (first.page, second.page) == (1, 8)
    assert first.flags == ("offset_not_vietnam",)
    assert second.flags == ()
    assert second.organisation == "Trường Chính trị, Tỉnh ủy Sơn La"
    assert {s.source for s in found} == {"appearance"}
    assert (first.intact, first.covers_whole_file, first.cms_signing_time) == (None, None, None)
    assert first.bbox[0] > 300 and first.bbox[3] < 60  # top right of page 1
    assert first.text.startswith("Người ký: TRƯỜNG CHÍNH TRỊ\n")
    assert signature_review(found) == [ReviewItem("source.signatures[0]", "offset_not_vietnam", first.confidence)]


def test_appearance_lines_are_all_the_box_lines(seed_text) -> None:
    indices = appearance_line_indices(seed_text, PATTERNS)
    texts = [seed_text.lines[i].text.split(":")[0] for i in sorted(indices)]
    assert texts == ["Người ký", "Email", "Cơ quan", "Thời gian ký"] * 2


WRAPPED = [
    # /work/shared/seed/report-51-BC-CTD.txt: the two boxes as the seed text wraps them.
    "Người ký: TRƯỜNG CHÍNH",
    "TRỊ",
    "Email: Truong Chinh",
    "tri@CHINHTRI",
    "Cơ quan: TỈNH ỦY SƠN LA",
    "Thời gian ký: 18.08.2021",
    "02:46:13 -07:00",
]
WRAPPED_SECOND = [
    "Người ký: Lò Thị",
    "Thúy Hà",
    "Email: Hieu Truong",
    "Chinh",
    "tri@CHINHTRI",
    "Cơ quan: TRƯỞNG",
    "CHÍNH TRỊ, TỈNH",
    "ỦY SƠN LA",
    "Thời gian ký:",
    "17.08.2021 14:36:01",
    "+07:00",
]


def document(*boxes: list[str], after: str = "HIỆU TRƯỞNG") -> object:
    lines = HEADER_PARTY + body([FILLER, "Trường Chính trị tỉnh Sơn La báo cáo.", FILLER])
    top = 400.0
    for box in boxes:
        lines += [(360.0, top + 15.0 * i, text) for i, text in enumerate(box)]
        top += 15.0 * len(box) + 40.0
    lines.append((360.0, top, after))
    return build_document_text([page(lines)], PATTERNS)


def test_wrapped_values_are_joined() -> None:
    found = find_appearance_signatures(document(WRAPPED, WRAPPED_SECOND), PATTERNS)
    assert [core(s) for s in found] == SEED_SIGNATURES
    assert found[1].organisation == "Trường Chính trị, Tỉnh ủy Sơn La"
    assert found[1].text.endswith("\n+07:00")


def test_the_line_after_a_complete_time_is_not_read() -> None:
    doc = document(["Người ký: Nguyễn Văn An", "Thời gian ký: 17.08.2021 14:36:01 +07:00"], after="Nguyễn Văn An")
    (signature,) = find_appearance_signatures(doc, PATTERNS)
    assert signature.text.count("\n") == 1


def test_signed_by_and_signing_day_labels() -> None:
    box = ["Ký bởi: NGUYỄN THỊ MAI", "Cơ quan: SỞ NỘI VỤ TỈNH HẢI DƯƠNG", "Ngày ký: 05-03-2022 10:15:00 +0700"]
    (signature,) = find_appearance_signatures(document(box), PATTERNS)
    assert (signature.signer, signature.organisation, signature.signed_at, signature.flags) == (
        "Nguyễn Thị Mai",
        "Sở Nội vụ tỉnh Hải Dương",
        "2022-03-05T10:15:00+07:00",
        (),
    )


@pytest.mark.parametrize(
    ("printed", "signed_at", "flags"),
    [
        ("Thời gian ký: 05.03.2022 10:15", "2022-03-05T10:15:00", ("offset_missing",)),
        ("Thời gian ký: 05.03.2022 10:15:00 Z", "2022-03-05T10:15:00+00:00", ("offset_not_vietnam",)),
        ("Thời gian ký: 31.02.2022 10:15:00 +07:00", None, ("signing_time_unreadable",)),
        ("Thời gian ký: không rõ", None, ("signing_time_unreadable",)),
    ],
)
def test_signing_time_flags(printed: str, signed_at: str | None, flags: tuple[str, ...]) -> None:
    (signature,) = find_appearance_signatures(document(["Người ký: Trương Văn Bình", printed]), PATTERNS)
    assert (signature.signer, signature.signed_at, signature.flags) == ("Trương Văn Bình", signed_at, flags)


def test_a_surname_is_not_a_unit() -> None:
    (signature,) = find_appearance_signatures(document(["Người ký: TRƯƠNG VĂN BÌNH"]), PATTERNS)
    assert signature.signer == "Trương Văn Bình"


@pytest.mark.parametrize(
    ("text", "offset"), [("+0700", "+07:00"), ("- 7:00", "-07:00"), ("UTC", "+00:00"), ("+25:00", None)]
)
def test_offsets(text: str, offset: str | None) -> None:
    assert normalise_offset(text) == offset


def test_an_appearance_of_a_dictionary_signature_is_not_repeated() -> None:
    common = {"cms_signing_time": None, "field": None, "reason": None, "location": None}
    dictionary = Signature(
        "Lò Thị Thúy Hà",
        None,
        "2021-08-17T14:36:01+07:00",
        intact=True,
        covers_whole_file=True,
        source="dictionary",
        **common,
    )
    same = Signature(
        "Lò Thị Thúy Hà", None, "2021-08-17T14:36:01+07:00", None, None, None, None, None, None, "appearance"
    )
    other = Signature(
        "Trường Chính trị", None, "2021-08-18T02:46:13-07:00", None, None, None, None, None, None, "appearance"
    )
    assert combine_signatures([dictionary], [same, other]) == [dictionary, other]


# --- Pattern file ----------------------------------------------------------------------


BROKEN = [
    ("[labels]\nsigner = 'Người ký'\n", "[labels] lacks organisation, time"),
    ("time = '(?P<day'", "[labels] time"),
    ("formats = ['(?P<day>\\d+)']", "[time] formats #1: lacks the group(s) month, year, hour, minute"),
    ("local_offset = 'Asia/Ho_Chi_Minh'", "[time] local_offset"),
    ("[names", "signatures.toml"),
]


@pytest.mark.parametrize(("change", "message"), BROKEN)
def test_a_broken_pattern_file_names_file_and_entry(tmp_path: Path, change: str, message: str) -> None:
    target = tmp_path / "patterns"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    path = target / "signatures.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    key = change.split(" =")[0]
    if change.startswith("[labels]"):
        lines = [line for line in lines if not line.startswith(("organisation =", "time ="))]
    elif " = " in change:
        index = next(i for i, line in enumerate(lines) if line.startswith(key + " ="))
        end = next(i for i in range(index, len(lines)) if lines[i].rstrip().endswith(("'", "]", '"')))
        lines[index : end + 1] = [change]
    else:
        lines.append(change)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PatternError, match=r"signatures\.toml") as caught:
        load_signature_patterns(target)
    assert message in str(caught.value)
