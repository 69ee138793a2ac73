"""Sign PDFs at test time: a self-signed certificate made with ``cryptography``, pyHanko to sign.

No key or certificate is committed; each test session makes its own. The signing time is
fixed: both ``/M`` and the CMS ``signingTime`` get it, unless ``cms_time`` says otherwise (to
imitate Vietnamese software that writes local wall-clock time labelled UTC).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, replace
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.stamp import StaticStampStyle

VIETNAM = dt.timezone(dt.timedelta(hours=7))
SIGNED_AT = dt.datetime(2025, 1, 15, 9, 30, 0, tzinfo=VIETNAM)
FONTS = (
    Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),  # dev.sh installs it
    Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
)


@dataclass(frozen=True)
class Identity:
    certificate: asn1_x509.Certificate
    key: asn1_keys.PrivateKeyInfo


def make_identity(common_name: str | None, organisation: str | None = None, tsa: bool = False) -> Identity:
    """A self-signed certificate whose subject has ``common_name`` and ``organisation``: EC, or
    RSA for a time-stamping authority (pyHanko's test TSA signs with RSA only)."""
    key = rsa.generate_private_key(65537, 2048) if tsa else ec.generate_private_key(ec.SECP256R1())
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)] if common_name else []
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    name = x509.Name(attributes)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=3650))
    )
    if tsa:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    certificate = builder.sign(key, hashes.SHA256())
    der_key = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return Identity(
        asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        asn1_keys.PrivateKeyInfo.load(der_key),
    )


@functools.cache
def default_identity() -> Identity:
    return make_identity("Lò Thị Thúy Hà", "Trường Chính trị tỉnh Sơn La")


class ClockSigner(signers.SimpleSigner):
    """A signer whose CMS ``signingTime`` is ``cms_time`` rather than the session's time."""

    def __init__(self, identity: Identity, cms_time: dt.datetime | None) -> None:
        super().__init__(signing_cert=identity.certificate, signing_key=identity.key, cert_registry=None)
        self.cms_time = cms_time

    async def signed_attrs(self, data_digest, digest_algorithm, attr_settings=None, **kwargs):
        if self.cms_time is not None:
            attr_settings = replace(attr_settings or PdfCMSSignedAttributes(), signing_time=self.cms_time)
        return await super().signed_attrs(data_digest, digest_algorithm, attr_settings, **kwargs)


class FixedTimePdfSigner(signers.PdfSigner):
    """A PDF signer whose ``/M`` (and default ``signingTime``) is ``signed_at``."""

    def __init__(self, *args, signed_at: dt.datetime, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.signed_at = signed_at

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self.signed_at
        return session


def sign_copy(
    source: Path,
    target: Path,
    *,
    identity: Identity | None = None,
    signed_at: dt.datetime = SIGNED_AT,
    cms_time: dt.datetime | None = None,
    field: str = "Signature1",
    reason: str | None = "Ban hành văn bản",
    location: str | None = "Hải Dương",
    stamp: Path | None = None,
    box: tuple[float, float, float, float] | None = None,
    border: int = 3,
) -> Path:
    """``source`` signed into ``target`` (an incremental update); visible when ``box`` is given,
    showing the first page of ``stamp`` when given, framed by a ``border`` that wide."""
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        reason=reason,
        location=location,
        subfilter=fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED,
    )
    pdf_signer = FixedTimePdfSigner(
        meta,
        ClockSigner(identity or default_identity(), cms_time),
        stamp_style=stamp_style(stamp, border) if stamp else None,
        new_field_spec=fields.SigFieldSpec(field, on_page=0, box=box),
        signed_at=signed_at,
    )
    with source.open("rb") as stream, target.open("wb") as output:
        pdf_signer.sign_pdf(IncrementalPdfFileWriter(stream, strict=False), output=output)
    return target


def stamp_style(stamp: Path, border: int) -> StaticStampStyle:
    """The first page of ``stamp`` as a widget's appearance; unframed, it fills the widget (as
    e-office software draws a number over the page's blank), else it sits inside margins."""
    if border:
        return StaticStampStyle.from_pdf_file(str(stamp), border_width=border)
    fill = SimpleBoxLayoutRule(AxisAlignment.ALIGN_MID, AxisAlignment.ALIGN_MID, margins=Margins())
    return StaticStampStyle.from_pdf_file(str(stamp), border_width=0, background_layout=fill)


def timestamp_copy(source: Path, target: Path, moment: dt.datetime = SIGNED_AT) -> Path:
    """``source`` with a document timestamp (``/DocTimeStamp``) from a test TSA."""
    tsa = make_identity("Test TSA", tsa=True)
    stamper = signers.PdfTimeStamper(timestamps.DummyTimeStamper(tsa.certificate, tsa.key, fixed_dt=moment))
    with source.open("rb") as stream, target.open("wb") as output:
        stamper.timestamp_pdf(IncrementalPdfFileWriter(stream, strict=False), "sha256", output=output)
    return target


def make_stamp(target: Path, lines: list[str], size: tuple[float, float] = (160, 40)) -> Path:
    """A one-page PDF of ``size`` points showing ``lines`` (a signature appearance)."""
    return stamp_at(target, size, [(5, 14 * number, line) for number, line in enumerate(lines, 1)], 9)


def stamp_at(target: Path, size: tuple[float, float], pieces: list[tuple[float, float, str]], font_size: float) -> Path:
    """A one-page PDF of ``size`` points with each ``(x, baseline, text)`` of ``pieces`` (from
    the top-left corner): what e-office software draws into a widget over the page's blanks."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=size)
    pdf.add_page()
    pdf.add_font("stamp", fname=str(next(font for font in FONTS if font.exists())))
    pdf.set_font("stamp", size=font_size)
    for x, baseline, text in pieces:
        pdf.text(x, baseline, text)
    pdf.output(str(target))
    return target


def append_annotation(source: Path, target: Path) -> Path:
    """``source`` plus an incremental update that adds a text note to page 1."""
    note = {
        "/Subtype": NameObject("/Text"),
        "/Rect": ArrayObject([NumberObject(v) for v in (10, 10, 30, 30)]),
        "/Contents": TextStringObject("sửa sau khi ký"),
    }
    return with_annotation(source, target, note)


def add_free_text(source: Path, target: Path, box: tuple[float, float, float, float], text: str) -> Path:
    """``source`` with a free-text annotation showing ``text`` in ``box`` (PDF user space), as a
    clerk types the day over the page's blank before signing."""
    entries = {"/Subtype": NameObject("/FreeText"), "/Contents": TextStringObject(text)}
    return with_annotation(source, target, entries, box, text)


def add_text_field(source: Path, target: Path, name: str, box: tuple[float, float, float, float], text: str) -> Path:
    """``source`` with a filled text form field over ``box`` (the number an e-office system fills in)."""
    entries = {
        "/Subtype": NameObject("/Widget"),
        "/FT": NameObject("/Tx"),
        "/T": TextStringObject(name),
        "/V": TextStringObject(text),
    }
    return with_annotation(source, target, entries, box, text, field=True)


def with_annotation(
    source: Path,
    target: Path,
    entries: dict,
    box: tuple[float, float, float, float] | None = None,
    shown: str | None = None,
    field: bool = False,
) -> Path:
    """``source`` plus an incremental update adding one annotation to page 1; with ``box`` it is
    printable and its normal appearance shows ``shown`` in Helvetica 13."""
    with source.open("rb") as stream:
        writer = IncrementalPdfFileWriter(stream, strict=False)
        page_ref, _ = writer.find_page_for_modification(0)
        annotation = DictionaryObject({NameObject("/Type"): NameObject("/Annot")})
        annotation.update({NameObject(key): value for key, value in entries.items()})
        if box is not None:
            annotation[NameObject("/Rect")] = ArrayObject([FloatObject(v) for v in box])
            annotation[NameObject("/F")] = NumberObject(4)
            annotation[NameObject("/DA")] = TextStringObject("/Helv 13 Tf 0 g")
            appearance = writer.add_object(text_appearance(box, shown or ""))
            annotation[NameObject("/AP")] = DictionaryObject({NameObject("/N"): appearance})
        reference = writer.add_object(annotation)
        writer.register_annotation(page_ref, reference)
        if field:
            register_field(writer, reference)
        with target.open("wb") as output:
            writer.write(output)
    return target


def text_appearance(box: tuple[float, float, float, float], text: str) -> StreamObject:
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    width, height = box[2] - box[0], box[3] - box[1]
    return StreamObject(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(v) for v in (0, 0, width, height)]),
            NameObject("/Resources"): DictionaryObject(
                {NameObject("/Font"): DictionaryObject({NameObject("/Helv"): font})}
            ),
        },
        stream_data=f"BT /Helv 13 Tf 2 {height / 2 - 4:.2f} Td ({text}) Tj ET".encode("latin-1"),
    )


def register_field(writer: IncrementalPdfFileWriter, reference: object) -> None:
    """List a widget in the document's form (made when the document has none)."""
    root = writer.root
    if "/AcroForm" not in root:
        root[NameObject("/AcroForm")] = writer.add_object(DictionaryObject({NameObject("/Fields"): ArrayObject()}))
        writer.update_root()
    form = root["/AcroForm"]
    form["/Fields"].append(reference)
    writer.update_container(form)


def append_bytes(source: Path, target: Path, data: bytes = b"\n% appended after signing\n") -> Path:
    target.write_bytes(source.read_bytes() + data)
    return target


def change_signed_byte(source: Path, target: Path) -> Path:
    """``source`` with one byte changed inside a page's content stream, early in the signed
    range (an object or cross-reference stream would not parse any more)."""
    data = bytearray(source.read_bytes())
    start = data.index(b"stream", len(data) // 4)
    while b"/ObjStm" in data[start - 200 : start] or b"/XRef" in data[start - 200 : start]:
        start = data.index(b"stream", start + 1)
    data[start + len(b"stream") + 20] ^= 0x01
    target.write_bytes(bytes(data))
    return target
