"""Synthetic scans for OCR tests: lines of text drawn on an A4 raster with Liberation Serif,
then degraded like a poor scan (blur, sensor noise, JPEG), as ``extractor.images.PageImage``."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from extractor.images import PageImage, from_pil
from tests.pages import A4

FONT_DIRS = (Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation"))
FONT_SIZE = 13.0


def font_path() -> Path:
    for folder in FONT_DIRS:
        if (folder / "LiberationSerif-Regular.ttf").is_file():
            return folder / "LiberationSerif-Regular.ttf"
    raise FileNotFoundError("Liberation Serif is not installed (apt-get install fonts-liberation2)")


def drawn_page(lines: list[tuple[float, float, str]], dpi: int) -> Image.Image:
    """An A4 page, grey, with ``(x, top, text)`` lines (points) in 13 pt Liberation Serif."""
    scale = dpi / 72
    page = Image.new("L", (round(A4[0] * scale), round(A4[1] * scale)), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(font_path()), round(FONT_SIZE * scale))
    for x, top, text in lines:
        draw.text((x * scale, top * scale), text, font=font, fill=0)
    return page


def degraded(page: Image.Image, dpi: int, blur: float, noise: float, seed: int, quality: int = 40) -> PageImage:
    """``page`` as a poor scan gives it: blurred, with Gaussian noise, JPEG-compressed."""
    blurred = np.asarray(page.filter(ImageFilter.GaussianBlur(blur)), dtype=np.float32)
    noisy = blurred + np.random.default_rng(seed).normal(0.0, noise, blurred.shape)
    buffer = io.BytesIO()
    Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(buffer, format="JPEG", quality=quality)
    return PageImage(from_pil(Image.open(io.BytesIO(buffer.getvalue())), dpi))
