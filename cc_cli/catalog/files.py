"""The catalog folder's layout: which files make a catalog, which file owns an id, and how to read one.

Every file cc reads out of a catalog (its YAML files, the artwork they name) goes through `read_inside`:
a catalog is reviewed in pull requests, so cc reads only regular files that are really inside the folder.
A link that leaves the catalog would read something no reviewer saw (and echo it in messages); a FIFO
would hang `cc validate`, a device such as /dev/zero would fill the memory. A link from one place in the
catalog to a regular file elsewhere in the catalog is allowed: what it reads is under review too. (A hard
link cannot be told from the file itself; making one needs write access to both places anyway.)
"""

from __future__ import annotations

import os
from pathlib import Path

from cc_cli.core.regular import MISSING, SPECIAL, TOO_LARGE, RefusedFile, read_regular

CATALOG_FILE = "catalog.yaml"
CREDENTIALS_DIR = "credentials"
PATHS_DIR = "paths"


def catalog_files(root: Path) -> list[str]:
    """catalog.yaml, then credentials/*.yaml and paths/*.yaml, as sorted catalog-relative paths.

    Every entry but hidden ones is listed, whatever it is (a broken link, a FIFO, a device), so that
    validation reports it instead of skipping it; folders end in "/"."""
    found = [CATALOG_FILE]
    for folder in (CREDENTIALS_DIR, PATHS_DIR):
        try:
            with os.scandir(root / folder) as entries:
                names = sorted(
                    entry.name + ("/" if entry.is_dir() else "") for entry in entries if not entry.name.startswith(".")
                )
        except (FileNotFoundError, NotADirectoryError):
            continue
        found.extend(f"{folder}/{name}" for name in names)
    return found


def owns(source: str, item_id: str) -> bool:
    """Whether the file at `source` is named after `item_id` (and so is its rightful owner)."""
    return source.rsplit("/", 1)[-1] == f"{item_id}.yaml"


class CatalogFileError(Exception):
    """A catalog file cc will not or cannot read. `reason` completes a sentence whose subject is the file
    ("is a FIFO (named pipe), not a regular file: ...", "not found"); `missing`: nothing is there at all."""

    def __init__(self, reason: str, *, missing: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.missing = missing


# What to do about each kind of refusal, after the fact `read_regular` states.
_ADVICE = {SPECIAL: "put the file itself there", TOO_LARGE: "make it smaller"}


def read_inside(root: Path, relative: str, limit: int) -> bytes:
    """The bytes of the regular file at `relative` (catalog-relative) inside the catalog `root`.

    Raises CatalogFileError, before reading anything, for a path or link that leaves the catalog and for
    anything but a regular file; reads at most `limit` bytes (a larger file is refused), so memory and
    time stay bounded whatever the file is."""
    base = Path(os.path.realpath(root))
    path = Path(os.path.normpath(base / relative))
    if not path.is_relative_to(base):
        raise CatalogFileError("is outside the catalog folder")
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(base):
        raise CatalogFileError(f"is a link to {real}, outside the catalog folder: copy the file into the catalog")
    try:
        return read_regular(real, limit, follow_links=False)  # resolved already: a link swapped in is refused
    except RefusedFile as exc:
        if exc.kind != MISSING:
            raise CatalogFileError(f"{exc.reason}: {_ADVICE[exc.kind]}") from None
        if os.path.lexists(path):
            reason = f"is a link to {os.readlink(path)}, which does not exist: fix or remove it"
            raise CatalogFileError(reason) from None
        raise CatalogFileError("not found", missing=True) from None
    except OSError as exc:
        raise CatalogFileError(f"cannot be read: {exc.strerror or exc}") from None
