"""Bad input files for the batch tests, each written into a folder on demand (none committed).

Every ``write_*`` function takes the folder and a file name and returns the path it wrote;
``BAD_FILES`` maps each kind to its writer and the reason code ``extractor batch`` must give it.
All are small and quick to build, the decompression bomb included (about 2 MB on disk, 2 GiB
once inflated, built in milliseconds by repeating one compressed block).
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

from tests.conftest import SAMPLES

GOV = SAMPLES / "gov-12-BC-TCT.pdf"
BOMB_BYTES = 2 * 1024**3 + 4096
"""What the bomb's content stream inflates to: a little over 2 GiB."""


def place(folder: Path, name: str) -> Path:
    """``folder / name``, the folder created if need be."""
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def write_empty(folder: Path, name: str = "empty.pdf") -> Path:
    """Zero bytes."""
    target = place(folder, name)
    target.write_bytes(b"")
    return target


def write_not_a_pdf(folder: Path, name: str = "not-a-pdf.pdf") -> Path:
    """Text that is no PDF, named like one."""
    target = place(folder, name)
    target.write_text("Báo cáo số 12/BC-TCT\nKết quả đào tạo năm 2023\n", encoding="utf-8")
    return target


def write_truncated(folder: Path, name: str = "truncated.pdf") -> Path:
    """The first half of a real sample: header present, no xref, no "%%EOF"."""
    target = place(folder, name)
    data = GOV.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return target


def write_encrypted(folder: Path, name: str = "encrypted.pdf") -> Path:
    """A one-page PDF that needs a user password to open (fpdf2, RC4)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Bao cao so 12/BC-TCT (mat)")
    pdf.set_encryption(owner_password="owner", user_password="user")
    target = place(folder, name)
    pdf.output(str(target))
    return target


def pdf_bytes(objects: list[bytes]) -> bytes:
    """A PDF file of ``objects`` (numbered from 1; object 1 is the catalog) with a correct xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def write_no_pages(folder: Path, name: str = "no-pages.pdf") -> Path:
    """A well-formed PDF whose page tree is empty (``/Count 0``, ``/Kids []``).

    pdfium refuses to load such a file with error code 0 ("success"), so telling it from a
    damaged file takes more than pdfium's error code.
    """
    target = place(folder, name)
    target.write_bytes(pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]))
    return target


def write_huge_page(folder: Path, name: str = "huge-page.pdf", points: float = 20000.0) -> Path:
    """One ``points`` × ``points`` page with nothing on it: no text layer, so it must be OCRed,
    and at 300 dpi it would be a 83333² raster (7 GB)."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(points, points))
    pdf.add_page()
    target = place(folder, name)
    pdf.output(str(target))
    return target


def deflated_zeros(prefix: bytes, total: int, chunk: int = 1 << 20) -> tuple[bytes, int]:
    """A zlib stream of ``prefix`` then zeros, ``total`` bytes or a little more once inflated,
    and its exact inflated size.

    After a full flush deflate starts afresh, so every further chunk of zeros compresses to the
    same bytes: one block is compressed and repeated. The Adler-32 of the whole is computed
    arithmetically (a zero byte leaves the low sum alone and adds it to the high sum).
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.compress(bytes(chunk)) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(bytes(chunk)) + compressor.flush(zlib.Z_FULL_FLUSH)
    chunks = max(2, -(-(total - len(prefix)) // chunk))
    raw = head + block * (chunks - 1) + compressor.flush()
    checksum = zlib.adler32(prefix)
    low, high = checksum & 0xFFFF, checksum >> 16
    high = (high + chunks * chunk * low) % 65521
    return b"\x78\xda" + raw + struct.pack(">I", (high << 16) | low), len(prefix) + chunks * chunk


def write_bomb(folder: Path, name: str = "bomb.pdf", inflated: int = BOMB_BYTES) -> Path:
    """A one-page PDF whose content stream is ~2 MB of Flate data inflating to ``inflated`` bytes:
    a line of text, then zeros (whitespace to a content parser). pdfium inflates the whole stream
    when it loads the page: about 1.5 × ``inflated`` of memory."""
    text = b"BT /F1 14 Tf 72 760 Td (Bao cao so 12/BC-TCT ve ket qua dao tao, boi duong nam 2023) Tj ET\n"
    stream, _ = deflated_zeros(text, inflated)
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        page,
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    target = place(folder, name)
    target.write_bytes(pdf_bytes(objects))
    return target


def write_black_page(folder: Path, name: str = "black-page.pdf") -> Path:
    """An image-only PDF of one A4 page, all black (mean grey 0): the fault engines' trigger."""
    import io

    from fpdf import FPDF
    from PIL import Image

    image = io.BytesIO()
    Image.new("L", (16, 16), 0).save(image, format="PNG")
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_margin(0)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.image(image, x=0, y=0, w=pdf.w, h=pdf.h)
    target = place(folder, name)
    pdf.output(str(target))
    return target


def write_fifo(folder: Path, name: str = "fifo.pdf") -> Path:
    """A named pipe called ``.pdf``: listed like a file, but reading it would block forever."""
    target = place(folder, name)
    os.mkfifo(target)
    return target


def write_directory(folder: Path, name: str = "folder.pdf") -> Path:
    """A directory named like a PDF."""
    target = place(folder, name)
    target.mkdir()
    return target


def write_locked(folder: Path, name: str = "locked.pdf") -> Path:
    """A real PDF with permissions 0 (readable by root all the same)."""
    target = place(folder, name)
    target.write_bytes(GOV.read_bytes())
    target.chmod(0)
    return target


def write_dangling_link(folder: Path, name: str = "moved-away.pdf") -> Path:
    """A symbolic link inside the archive to a file of the archive that is not there (any more)."""
    target = place(folder, name)
    target.symlink_to(folder / ".gone" / "moved.pdf")
    return target


BAD_FILES: dict[str, tuple[Callable[[Path, str], Path], str]] = {
    "empty.pdf": (write_empty, "empty_file"),
    "not-a-pdf.pdf": (write_not_a_pdf, "not_a_pdf"),
    "truncated.pdf": (write_truncated, "damaged_pdf"),
    "encrypted.pdf": (write_encrypted, "encrypted_pdf"),
    "no-pages.pdf": (write_no_pages, "no_pages"),
    "huge-page.pdf": (write_huge_page, "page_too_large"),
    "bomb.pdf": (write_bomb, "resource_limit"),
}
"""File name → (writer, reason code in errors.jsonl); safe to write in one folder, as root too.
Not here: the FIFO, the directory, the locked file and the links, which need tests of their own."""


def write_bad_files(
    folder: Path, kinds: dict[str, tuple[Callable[[Path, str], Path], str]] = BAD_FILES
) -> dict[str, str]:
    """Write every bad file into ``folder``; file name → expected reason code."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (writer, _) in kinds.items():
        writer(folder, name)
    return {name: reason for name, (_, reason) in kinds.items()}


def vanish_env(*paths: Path) -> dict[str, str]:
    """Environment for ``tests.fault_engines.VanishOnFirstPage``: the files it deletes when a
    worker OCRs its first page (after the batch has listed them, before it reads them when
    they sort after the scanned file and only one worker runs)."""
    return {"EXTRACTOR_TEST_VANISH": os.pathsep.join(str(p) for p in paths)}
