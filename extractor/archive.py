"""The files of an archive, and where each one's record goes.

PDFs are found recursively (".pdf" in any case), in a stable order (by relative path). A
symbolic link is followed only when it points inside the archive, and a directory link is
never followed, so the walk cannot leave the tree or loop. Output paths mirror the input
paths under the output folder with names made safe; nothing can land outside it.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import regex

UNSAFE = regex.compile(r'[\x00-\x1f\x7f<>:"\\|?*]')


def find_pdfs(root: Path) -> list[Path]:
    """Every PDF under ``root``, as paths relative to it, sorted."""
    root = root.resolve()
    found = [path.relative_to(root) for path in walk(root) if path.suffix.lower() == ".pdf"]
    return sorted(found, key=lambda p: p.as_posix())


def walk(root: Path) -> Iterator[Path]:
    for folder, _, files in os.walk(root, followlinks=False):
        for name in files:
            path = Path(folder) / name
            if path.is_symlink() and not inside(path.resolve(), root):
                continue
            yield path


def inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def safe_part(part: str) -> str:
    """One path component, made safe: no control or reserved characters, not "." or ".."."""
    cleaned = UNSAFE.sub("_", unicodedata.normalize("NFC", part)).strip()
    if cleaned in ("", ".", ".."):
        return "_"
    return cleaned.lstrip(".") or "_"


def record_path(relative: Path, out_dir: Path) -> Path:
    """Where the record of ``relative`` goes: the same folders under ``out_dir``, ".json"."""
    parts = [safe_part(part) for part in PurePosixPath(relative.as_posix()).parts]
    parts[-1] = safe_part(Path(parts[-1]).stem) + ".json"
    target = out_dir.joinpath(*parts)
    if not inside(target.resolve(), out_dir.resolve()):
        raise ValueError(f"{relative}: record path escapes the output folder")
    return target
