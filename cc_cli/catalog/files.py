"""The catalog folder's layout: which files make a catalog, and which file owns an id."""

from __future__ import annotations

import os
from pathlib import Path

CATALOG_FILE = "catalog.yaml"
CREDENTIALS_DIR = "credentials"
PATHS_DIR = "paths"


def catalog_files(root: Path) -> list[str]:
    """catalog.yaml, then credentials/*.yaml and paths/*.yaml, as sorted catalog-relative paths."""
    found = [CATALOG_FILE]
    for folder in (CREDENTIALS_DIR, PATHS_DIR):
        try:
            with os.scandir(root / folder) as entries:
                names = sorted(
                    entry.name + ("/" if entry.is_dir() else "")
                    for entry in entries
                    # a broken symlink is listed too, so that validation reports it instead of skipping it
                    if not entry.name.startswith(".") and (entry.is_file() or entry.is_dir() or entry.is_symlink())
                )
        except FileNotFoundError:
            continue
        found.extend(f"{folder}/{name}" for name in names)
    return found


def owns(source: str, item_id: str) -> bool:
    """Whether the file at `source` is named after `item_id` (and so is its rightful owner)."""
    return source.rsplit("/", 1)[-1] == f"{item_id}.yaml"
