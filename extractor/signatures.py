"""Digital signatures: what a PDF's signature dictionaries say, and what signature widgets show.

``read_signatures`` reads every signature field with pyHanko, never writing to the file: the
signer (certificate subject), the signing time (``/M``, and the CMS ``signingTime`` beside it),
reason, location, whether the signed bytes are still intact and whether they reach the end of
the file. Trust is not checked (a Vietnamese CA or a self-signed certificate is not trusted
here): integrity is what the record reports.

``read_widget_texts`` reads, with pdfium, the text that annotations draw over the pages of a
document with a form (a signed one): e-office systems stamp the number and the day into the
signature widget, a filled text field or a free-text note, leaving the page's "Số:   /TB-UBND"
and "ngày   tháng 01" blank.

Vietnamese signing software writes the CMS ``signingTime`` as local wall-clock time labelled
UTC, seven hours off; ``signed_at`` follows ``/M`` and the disagreement is flagged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import regex

from extractor.fields import ReviewItem
from extractor.gazetteer import fold
from extractor.model import BBox, PageWords, TextSource, Word

if TYPE_CHECKING:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
    from pypdfium2 import PdfDocument, PdfTextPage

TIME_TOLERANCE = dt.timedelta(minutes=15)
"""``/M`` and ``signingTime`` further apart than this disagree (remote signing takes minutes)."""
SAME_SIGNING = dt.timedelta(minutes=2)
"""An appearance whose wall-clock time is this close to a dictionary's is the same signature."""
WORD = regex.compile(r"\S+")
DETAIL_LENGTH = 200
STAMPED_WORD_CONFIDENCE = 0.9
"""Words an annotation draws over the page: exact text, but placed by software at signing, not
printed in the document, so the fields made of them are a little less sure."""

# Flags: reason codes a signature carries; each becomes a review item of the record.
SIGNING_TIMES_DISAGREE = "signing_times_disagree"
NOT_INTACT = "signature_not_intact"
MODIFIED_AFTER_SIGNING = "modified_after_signing"
MALFORMED = "malformed_signature"
UNSUPPORTED = "unsupported_signature_format"
OFFSET_MISSING = "offset_missing"
OFFSET_NOT_VIETNAM = "offset_not_vietnam"
"""An appearance's printed offset is not +07:00."""
TIME_UNREADABLE = "signing_time_unreadable"


@dataclass(frozen=True)
class Signature:
    """One signature: from a signature dictionary or from the text of a visible appearance."""

    signer: str | None
    organisation: str | None
    signed_at: str | None
    """ISO 8601 with the offset as written (``/M`` for dictionaries, the printed one for appearances)."""
    cms_signing_time: str | None
    """The CMS ``signingTime`` attribute (UTC), kept beside ``signed_at``."""
    intact: bool | None
    """The digest over the signed bytes still matches (None for appearances)."""
    covers_whole_file: bool | None
    """The signed byte range reaches the end of the file: nothing was appended (None for appearances)."""
    field: str | None
    reason: str | None
    location: str | None
    source: str
    """``dictionary`` or ``appearance``."""
    page: int | None = None
    bbox: BBox | None = None
    text: str | None = None
    """The appearance's lines as printed."""
    confidence: float = 1.0
    flags: tuple[str, ...] = ()
    """Reason codes for review (``signing_times_disagree``, ``offset_not_vietnam``, ...)."""
    detail: str | None = None
    """Why a signature could not be read."""

    def to_json(self) -> dict[str, Any]:
        return {
            "signer": self.signer,
            "organisation": self.organisation,
            "signed_at": self.signed_at,
            "cms_signing_time": self.cms_signing_time,
            "intact": self.intact,
            "covers_whole_file": self.covers_whole_file,
            "field": self.field,
            "reason": self.reason,
            "location": self.location,
            "source": self.source,
            "page": self.page,
            "bbox": [round(v, 1) for v in self.bbox] if self.bbox else None,
            "text": self.text,
            "confidence": self.confidence,
            "flags": list(self.flags),
            "detail": self.detail,
        }


@dataclass(frozen=True)
class WidgetText:
    """The text an annotation's appearance shows (a signature widget's, a filled field's, a
    free-text note's), on its page."""

    page: int
    bbox: BBox
    """The annotation's rectangle in PDF points, origin top-left."""
    field: str | None
    text: str
    """Lines joined by newlines."""
    words: tuple[Word, ...]


def signature_review(signatures: Sequence[Signature], path: str = "source.signatures") -> list[ReviewItem]:
    """One review item per flag, with the signature's index in ``signatures``."""
    return [
        ReviewItem(f"{path}[{index}]", flag, signature.confidence)
        for index, signature in enumerate(signatures)
        for flag in signature.flags
    ]


def combine_signatures(dictionary: Sequence[Signature], appearance: Sequence[Signature]) -> list[Signature]:
    """Dictionary signatures, then the appearances that do not show one of them again."""
    return [*dictionary, *(a for a in appearance if not any(same_signing(a, d) for d in dictionary))]


def same_signing(appearance: Signature, signature: Signature) -> bool:
    """Same signer, or the same wall-clock time (an appearance's offset may be wrong)."""
    if appearance.signer and signature.signer and fold(appearance.signer) == fold(signature.signer):
        return True
    first, second = wall_clock(appearance.signed_at), wall_clock(signature.signed_at)
    return first is not None and second is not None and abs(first - second) <= SAME_SIGNING


def wall_clock(iso: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(iso).replace(tzinfo=None) if iso else None
    except ValueError:
        return None


# --- Signature dictionaries (pyHanko) ------------------------------------------------------


def read_signatures(path: Path) -> list[Signature]:
    """Every filled signature field of ``path``; [] for an unsigned, unreadable or encrypted file."""
    try:
        with Path(path).open("rb") as stream:
            signatures = flag_modifications(list(signatures_in(stream)))
    except Exception:
        return []
    return with_locations(signatures, widget_locations(path)) if signatures else []


def with_locations(signatures: list[Signature], locations: dict[str, tuple[int, BBox]]) -> list[Signature]:
    """Page and box of each signature's widget (invisible signatures have none)."""
    return [
        dataclasses.replace(s, page=locations[s.field][0], bbox=locations[s.field][1]) if s.field in locations else s
        for s in signatures
    ]


def signatures_in(stream: IO[bytes]) -> Iterator[Signature]:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    reader = PdfFileReader(stream, strict=False)
    if reader.encrypted:
        return
    size = stream.seek(0, os.SEEK_END)
    for name, _value, sig_field in enumerate_sig_fields(reader, filled_status=True):
        yield read_field(reader, name, sig_field, size)


def read_field(reader: PdfFileReader, name: str, sig_field: Any, size: int) -> Signature:
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

    try:
        embedded = EmbeddedPdfSignature(reader, sig_field, name)
        return from_embedded(embedded, size)
    except Exception as exc:
        return malformed(name, sig_field, exc)


def from_embedded(embedded: EmbeddedPdfSignature, size: int) -> Signature:
    values = dictionary_values(embedded.sig_object)
    signer, organisation = subject_names(embedded.signer_cert.subject.native)
    claimed = claimed_time(embedded)
    signed_at = values["signed_at"] or claimed
    intact = integrity(embedded)
    flags = [] if intact is not False else [NOT_INTACT]
    if intact is None:
        flags.append(UNSUPPORTED)
    if disagree(values["signed_at"], claimed):
        flags.append(SIGNING_TIMES_DISAGREE)
    if signed_at is not None and signed_at.tzinfo is None:
        flags.append(OFFSET_MISSING)
    return Signature(
        signer=signer,
        organisation=organisation,
        signed_at=iso(signed_at),
        cms_signing_time=iso(claimed),
        intact=intact,
        covers_whole_file=covers_to_end(embedded.byte_range, size),
        field=name_of(embedded.field_name),
        reason=values["reason"],
        location=values["location"],
        source="dictionary",
        flags=tuple(flags),
    )


def malformed(name: str, sig_field: Any, exc: Exception) -> Signature:
    try:
        values = dictionary_values(sig_field.get_object()["/V"].get_object())
    except Exception:
        values = {"signed_at": None, "reason": None, "location": None}
    return Signature(
        signer=None,
        organisation=None,
        signed_at=iso(values["signed_at"]),
        cms_signing_time=None,
        intact=False,
        covers_whole_file=None,
        field=name_of(name),
        reason=values["reason"],
        location=values["location"],
        source="dictionary",
        flags=(MALFORMED,),
        detail=f"{type(exc).__name__}: {exc}"[:DETAIL_LENGTH],
    )


def dictionary_values(sig_object: Any) -> dict[str, Any]:
    """``/M`` (as a datetime), ``/Reason`` and ``/Location`` of a signature dictionary."""
    return {
        "signed_at": pdf_date(sig_object.get("/M")),
        "reason": text_value(sig_object.get("/Reason")),
        "location": text_value(sig_object.get("/Location")),
    }


def pdf_date(value: Any) -> dt.datetime | None:
    from pyhanko.pdf_utils.generic import parse_pdf_date

    try:
        return parse_pdf_date(str(value), strict=False) if value is not None else None
    except Exception:
        return None


def text_value(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def name_of(field_name: Any) -> str | None:
    return str(field_name) if field_name else None


def subject_names(subject: dict[str, Any]) -> tuple[str | None, str | None]:
    """(signer, organisation): the common name and the organisation, else the organisation alone."""
    common = first_value(subject.get("common_name"))
    organisation = first_value(subject.get("organization_name"))
    return (common, organisation) if common else (organisation, None)


def first_value(value: Any) -> str | None:
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return text_value(value)


def claimed_time(embedded: EmbeddedPdfSignature) -> dt.datetime | None:
    """The CMS ``signingTime``, or a document timestamp's ``genTime``."""
    from pyhanko.sign.validation.generic_cms import extract_self_reported_ts

    if embedded.sig_object_type == "/DocTimeStamp":
        return timestamp_info(embedded)["gen_time"].native
    return extract_self_reported_ts(embedded.signer_info)


def timestamp_info(embedded: EmbeddedPdfSignature) -> Any:
    return embedded.signed_data["encap_content_info"]["content"].parsed


def iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def disagree(first: dt.datetime | None, second: dt.datetime | None) -> bool:
    if first is None or second is None or first.tzinfo is None or second.tzinfo is None:
        return False
    return abs(first - second) > TIME_TOLERANCE


def covers_to_end(byte_range: Sequence[int], size: int) -> bool:
    """The standard two-part range, its second part ending where the file ends."""
    return len(byte_range) == 4 and byte_range[0] == 0 and byte_range[2] + byte_range[3] == size


def integrity(embedded: EmbeddedPdfSignature) -> bool | None:
    """The byte-range digest matches the signed one and the signature over it verifies
    (None when the format is not a detached CMS signature or a document timestamp)."""
    from pyhanko.sign.validation.generic_cms import validate_sig_integrity

    subfilter = str(embedded.sig_object.get("/SubFilter", ""))
    if subfilter not in ("/adbe.pkcs7.detached", "/ETSI.CAdES.detached", "/ETSI.RFC3161"):
        return None
    try:
        digest = embedded.compute_digest()
        if embedded.sig_object_type == "/DocTimeStamp":
            return timestamp_integrity(embedded, digest)
        matches, valid = validate_sig_integrity(embedded.signer_info, embedded.signer_cert, "data", digest)
    except Exception:
        return False
    return matches and valid


def timestamp_integrity(embedded: EmbeddedPdfSignature, digest: bytes) -> bool:
    """A document timestamp: its message imprint is the byte-range digest, and the token verifies."""
    from pyhanko.sign.validation.generic_cms import validate_sig_integrity

    content = embedded.signed_data["encap_content_info"]["content"]
    if timestamp_info(embedded)["message_imprint"]["hashed_message"].native != digest:
        return False
    token_digest = hashlib.new(embedded.md_algorithm, content.contents).digest()
    matches, valid = validate_sig_integrity(embedded.signer_info, embedded.signer_cert, "tst_info", token_digest)
    return matches and valid


def flag_modifications(signatures: list[Signature]) -> list[Signature]:
    """When no signature reaches the end of the file, something was added after the last one."""
    if any(s.covers_whole_file for s in signatures):
        return signatures
    return [
        dataclasses.replace(s, flags=(*s.flags, MODIFIED_AFTER_SIGNING)) if s.covers_whole_file is False else s
        for s in signatures
    ]


# --- Signature widgets (pdfium) ------------------------------------------------------------


def read_widget_texts(path: Path) -> list[WidgetText]:
    """The text of the normal appearance of every widget, free-text and stamp annotation of a
    document with a form, page by page; [] when none (a document without a form costs one open)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(path)
    except Exception:
        return []
    try:
        document.init_forms()
        if not document.formenv:
            return []
        return [text for index in range(len(document)) for text in page_widget_texts(document, index)]
    except Exception:
        return []
    finally:
        document.close()


def widget_locations(path: Path) -> dict[str, tuple[int, BBox]]:
    """Field name → (page, box) of every visible signature widget; {} when pdfium cannot tell."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(path)
    except Exception:
        return {}
    try:
        document.init_forms()
        return dict(located_widgets(document)) if document.formenv else {}
    except Exception:
        return {}
    finally:
        document.close()


def located_widgets(document: PdfDocument) -> Iterator[tuple[str, tuple[int, BBox]]]:
    for index in range(len(document)):
        page = document[index]
        try:
            height = page.get_height()
            for widget in signature_widgets(document, page):
                if widget.field:
                    yield widget.field, (index + 1, widget.box(height))
        finally:
            page.close()


@dataclass(frozen=True)
class Widget:
    field: str | None
    rect: tuple[float, float, float, float]
    """``(left, bottom, right, top)`` in PDF user space."""

    def box(self, height: float) -> BBox:
        """The rectangle with its origin at the top-left corner of a page ``height`` high."""
        left, bottom, right, top = self.rect
        return (left, height - top, right, height - bottom)


def page_widget_texts(document: PdfDocument, index: int) -> list[WidgetText]:
    """Flattening draws the annotations into the page (in memory only): the characters that
    appear after the page's own, inside an annotation's rectangle, are that annotation's."""
    import pypdfium2.raw as pdfium_c

    page = document[index]
    try:
        widgets = annotation_boxes(document, page, signatures_only=False)
        height = page.get_height()
        if not widgets:
            return []
        textpage = page.get_textpage()
        own_chars = textpage.count_chars()
        textpage.close()
        flattened = pdfium_c.FPDFPage_Flatten(page, pdfium_c.FLAT_NORMALDISPLAY) == pdfium_c.FLATTEN_SUCCESS
    finally:
        page.close()
    if not flattened:
        return []
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            words = drawn_words(textpage, own_chars, height)
        finally:
            textpage.close()
    finally:
        page.close()
    texts = (widget_text(index + 1, widget, words, height) for widget in widgets)
    return [text for text in texts if text.words]


def signature_widgets(document: PdfDocument, page: Any) -> list[Widget]:
    return annotation_boxes(document, page, signatures_only=True)


def annotation_boxes(document: PdfDocument, page: Any, signatures_only: bool) -> list[Widget]:
    """Signature widgets; or every annotation that may show stamped text: widgets of any
    field, free-text notes and rubber stamps."""
    import pypdfium2.raw as pdfium_c

    form = document.formenv.raw
    shown = (pdfium_c.FPDF_ANNOT_FREETEXT, pdfium_c.FPDF_ANNOT_STAMP)
    widgets = []
    for position in range(pdfium_c.FPDFPage_GetAnnotCount(page)):
        annot = pdfium_c.FPDFPage_GetAnnot(page, position)
        try:
            subtype = pdfium_c.FPDFAnnot_GetSubtype(annot)
            if subtype == pdfium_c.FPDF_ANNOT_WIDGET:
                signature = pdfium_c.FPDFAnnot_GetFormFieldType(form, annot) == pdfium_c.FPDF_FORMFIELD_SIGNATURE
                if signatures_only and not signature:
                    continue
            elif signatures_only or subtype not in shown:
                continue
            rect = pdfium_c.FS_RECTF()
            if pdfium_c.FPDFAnnot_GetRect(annot, rect) and rect.right > rect.left and rect.top > rect.bottom:
                name = field_name(form, annot) if subtype == pdfium_c.FPDF_ANNOT_WIDGET else None
                widgets.append(Widget(name, (rect.left, rect.bottom, rect.right, rect.top)))
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return widgets


def field_name(form: Any, annot: Any) -> str | None:
    import ctypes

    import pypdfium2.raw as pdfium_c

    size = pdfium_c.FPDFAnnot_GetFormFieldName(form, annot, None, 0)
    if size <= 2:
        return None
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFAnnot_GetFormFieldName(form, annot, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), size)
    return buffer.raw[: size - 2].decode("utf-16-le") or None


def drawn_words(textpage: PdfTextPage, start: int, height: float) -> list[tuple[Word, int]]:
    """Words from character ``start`` on, each with its line number (boxes origin top-left)."""
    import pypdfium2.raw as pdfium_c

    text = textpage.get_text_range()
    rect, raw = pdfium_c.FS_RECTF(), textpage.raw
    words = []
    line_number = text.count("\n", 0, start)
    offset = start
    for line in text[start:].split("\n"):
        for match in WORD.finditer(line):
            pdfium_c.FPDFText_GetLooseCharBox(raw, offset + match.start(), rect)
            left, top = rect.left, rect.top
            pdfium_c.FPDFText_GetLooseCharBox(raw, offset + match.end() - 1, rect)
            box = (left, height - top, rect.right, height - rect.bottom)
            words.append((Word(match.group(), box, STAMPED_WORD_CONFIDENCE), line_number))
        offset += len(line) + 1
        line_number += 1
    return words


def widget_text(page: int, widget: Widget, words: list[tuple[Word, int]], height: float) -> WidgetText:
    bbox = widget.box(height)
    inside = [(word, line) for word, line in words if contains(bbox, word.bbox)]
    lines: dict[int, list[str]] = defaultdict(list)
    for word, line in inside:
        lines[line].append(word.text)
    text = "\n".join(" ".join(lines[key]) for key in sorted(lines))
    return WidgetText(page, bbox, widget.field, text, tuple(word for word, _ in inside))


def contains(outer: BBox, inner: BBox, slack: float = 1.0) -> bool:
    """Whether the centre of ``inner`` lies in ``outer`` (widened by ``slack`` points)."""
    x, y = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return outer[0] - slack <= x <= outer[2] + slack and outer[1] - slack <= y <= outer[3] + slack


def with_widget_words(pages: Sequence[PageWords], widgets: Sequence[WidgetText]) -> tuple[PageWords, ...]:
    """Text-layer pages with the words their annotations draw (an OCRed page already has them:
    rendering draws the annotations)."""
    extra: dict[int, list[Word]] = defaultdict(list)
    for widget in widgets:
        extra[widget.page].extend(widget.words)
    return tuple(
        dataclasses.replace(page, words=page.words + tuple(extra[page.number]))
        if page.source is TextSource.TEXT_LAYER and extra.get(page.number)
        else page
        for page in pages
    )
