"""`cc verify FOLDER` lists its award files with os.scandir (cc_cli/verify/read.py): the same files, in the
same order, as the Path.rglob filter it replaced, on a tree of the awkward cases."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cc_cli.verify.read import AWARD_SUFFIXES, expand_paths


def _rglob_listing(path: Path) -> list[Path]:
    """What expand_paths did before os.scandir, kept here as the reference."""
    return sorted(
        p
        for p in path.rglob("*")
        if p.suffix.lower() in AWARD_SUFFIXES and "status" not in p.relative_to(path).parts[:-1] and p.is_file()
    )


def _tree(root: Path) -> None:
    files = [
        "a.json",
        "a/x.json",
        "a-b/x.json",
        "a.b/y.SVG",
        "b/c/d/deep.png",
        "b/status/0.json",  # a status folder at any depth is skipped, and all below it
        "b/status/sub/1.json",
        "status/2.json",
        "c/statuses/3.json",
        "c/.hidden.json",
        "c/.json",  # no suffix for pathlib: a name that starts with the dot
        "c/trailing.",
        "c/notes.txt",
        "c/UPPER.Json",
        "d.json/inner.json",  # a folder named like an award is entered, not listed
        ".dot/e.json",
        "space name/é.json",
    ]
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("{}")
    os.symlink(root / "a", root / "link-to-a")  # a symlinked folder: listed by rglob, never entered
    os.symlink(root / "a.json", root / "link.json")  # a symlinked file is a file
    os.symlink(root / "missing.json", root / "broken.json")  # a broken link is not


@pytest.mark.parametrize("start", ["tree", "tree/", "./tree", "tree/b"])
def test_scandir_listing_equals_rglob(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start: str) -> None:
    _tree(tmp_path / "tree")
    monkeypatch.chdir(tmp_path)
    folder = Path(start)
    found = expand_paths([folder])
    assert found == [str(p) for p in _rglob_listing(folder)]  # the text str() of each Path would write
    assert len(found) >= (1 if start == "tree/b" else 10)


def test_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert [str(p) for p in expand_paths([Path(".")])] == [str(p) for p in _rglob_listing(Path("."))]
