"""The files of an archive, and where each one's record goes.

PDFs are found recursively (".pdf" in any case), in a stable order (by relative path). A
symbolic link is followed only when it points inside the archive, and a directory link is
never followed, so the walk cannot leave the tree or loop. Output paths mirror the input
paths under the output folder with names made safe; nothing can land outside it.
"""

from __future__ import annotations

import hashlib
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
    """Files, and folders named like files (reported as unreadable rather than skipped)."""
    for folder, folders, files in os.walk(root, followlinks=False):
        for name in [*files, *folders]:
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


def record_paths(files: list[str], out_dir: Path, reserved: set[str]) -> dict[str, Path]:
    """The record path of each file; when two files would share one ("a.pdf", "a.PDF"), or a
    file would take a reserved output name ("summary.json"), a short hash of its relative path
    tells them apart, the same on every run."""
    taken = {out_dir / name for name in reserved}
    paths = {}
    for relative in files:
        target = record_path(Path(relative), out_dir)
        if target in taken:
            tag = hashlib.sha256(relative.encode()).hexdigest()[:8]
            target = target.with_name(f"{target.stem}-{tag}.json")
        taken.add(target)
        paths[relative] = target
    return paths
