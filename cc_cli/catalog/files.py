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
import stat
from functools import lru_cache
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
    base = _real_folder(os.fspath(root))
    path = os.path.normpath(os.path.join(base, relative))
    if not _within(path, base):
        raise CatalogFileError("is outside the catalog folder")
    real = _resolved(path)
    if not _within(real, base):
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


def _within(path: str, base: str) -> bool:
    """Whether the normalised `path` is `base` or below it."""
    return path == base or path.startswith(base.rstrip(os.sep) + os.sep)


def _resolved(path: str) -> str:
    """`path` with every link resolved. The folder part is resolved once per folder (a catalog has three),
    and the file itself only when it is a link: `os.path.realpath` per file would look at every component
    of every path, which took a quarter of `cc validate`'s reading time on a 10,000-file catalog."""
    folder, name = os.path.split(path)
    candidate = os.path.join(_real_folder(folder), name)
    try:
        is_link = stat.S_ISLNK(os.lstat(candidate).st_mode)
    except OSError:
        is_link = False  # nothing there (or unreadable): reading it says which
    return os.path.realpath(candidate) if is_link else candidate


def _real_folder(folder: str) -> str:
    """The real path of `folder`, cached while the folder itself stays what it was (same inode, not
    replaced by a link): a cached answer is checked with one lstat instead of one per path component."""
    try:
        info = os.lstat(folder)
    except OSError:
        return os.path.realpath(folder)
    return _real_folder_cached(folder, info.st_dev, info.st_ino, info.st_mode)


@lru_cache(maxsize=256)
def _real_folder_cached(folder: str, _dev: int, _ino: int, _mode: int) -> str:
    return os.path.realpath(folder)
