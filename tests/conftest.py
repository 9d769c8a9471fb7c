"""Shared fixtures: the sample catalog, the rule-test base catalog, and a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CATALOG = ROOT / "catalog"
RULES_BASE = Path(__file__).resolve().parent / "rules" / "base"


@pytest.fixture
def base_catalog(tmp_path: Path) -> Path:
    """A copy of the small valid catalog that rule tests add files to."""
    target = tmp_path / "catalog"
    shutil.copytree(RULES_BASE, target)
    return target


def write_files(root: Path, files: dict[str, str | None]) -> None:
    """Write (or with None, delete) catalog-relative files."""
    for relative, content in files.items():
        target = root / relative
        if content is None:
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
