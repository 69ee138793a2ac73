"""Walking an archive and naming its records: stable, inside the tree, safe names."""

from __future__ import annotations

from pathlib import Path

from extractor.archive import find_pdfs, record_path, record_paths


def touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4\n%%EOF\n")


def test_finds_pdfs_in_any_case_sorted(tmp_path: Path) -> None:
    for name in ("b/x.PDF", "a.pdf", "b/a/y.Pdf", "notes.txt", "c/z.pdf.bak"):
        touch(tmp_path / name)
    assert [p.as_posix() for p in find_pdfs(tmp_path)] == ["a.pdf", "b/a/y.Pdf", "b/x.PDF"]


def test_links_out_of_the_tree_are_not_followed(tmp_path: Path) -> None:
    archive, outside = tmp_path / "archive", tmp_path / "outside"
    touch(outside / "secret.pdf")
    touch(archive / "inside.pdf")
    (archive / "escape.pdf").symlink_to(outside / "secret.pdf")
    (archive / "folder").symlink_to(outside, target_is_directory=True)
    (archive / "alias.pdf").symlink_to(archive / "inside.pdf")
    assert [p.as_posix() for p in find_pdfs(archive)] == ["alias.pdf", "inside.pdf"]


def test_record_paths_mirror_and_stay_inside(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert record_path(Path("a/b/Báo cáo số 5.PDF"), out) == out / "a/b/Báo cáo số 5.json"
    assert record_path(Path("../x.pdf"), out) == out / "_/x.json"
    assert record_path(Path("a/.hidden.pdf"), out) == out / "a/hidden.json"
    assert record_path(Path("a/b:c?.pdf"), out) == out / "a/b_c_.json"


def test_clashing_names_are_told_apart(tmp_path: Path) -> None:
    out = tmp_path / "out"
    paths = record_paths(["a.PDF", "a.pdf", "summary.pdf"], out, {"summary.json"})
    assert paths["a.PDF"] == out / "a.json"
    assert paths["a.pdf"].parent == out and paths["a.pdf"].name.startswith("a-")
    assert paths["summary.pdf"].name.startswith("summary-")
    assert len(set(paths.values())) == 3
