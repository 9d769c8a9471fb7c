"""Build a folder beside the target, then swap it in: readers (and a crash) never see half a site.

`cc site --out DIR` replaces DIR as a whole, so it must be sure DIR is a site it built: a marker file says
so, and a non-empty folder without it is refused (a mistyped `--out ~` must never delete a home folder).
What hosting keeps beside the pages (KEEP: .git, CNAME, the published status lists) moves to the new site.
On Linux the swap is one `renameat2(RENAME_EXCHANGE)` call, atomic even for a web server reading the folder;
elsewhere it is two renames, with the old site kept until the new one is in place.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import os
import shutil
import tempfile
import time
from pathlib import Path

from cc_cli.core.problems import UsageError

MARKER = ".cc-site"
MARKER_TEXT = (
    "Built by `cc site`. The whole folder is replaced on every build, except .git, CNAME, .nojekyll,\n"
    ".well-known and status/ (the published status lists; `cc site --awards DIR` replaces them with DIR's),\n"
    "which are carried over: keep nothing else here.\n"
)
# What hosting needs beside the pages, carried from the old site into each new one: a gh-pages checkout,
# the custom domain file, and the status lists `cc revoke` writes for publishing at BASE_URL/status/.
KEEP = (".git", "CNAME", ".nojekyll", ".well-known", "status")
_TEMP_SUFFIX = ".cc-site-tmp"
_STALE_AFTER = 15 * 60  # seconds: younger leftovers may be another build still running
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def check_target(out: Path) -> None:
    """Refuse a target that is a file, or a non-empty folder `cc site` did not build."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise UsageError(f"--out {out} is not a folder; choose a folder for the site")
    if out.is_dir() and not (out / MARKER).exists() and any(out.iterdir()):
        raise UsageError(
            f"--out {out} is a folder that `cc site` did not build (no {MARKER} file): "
            "it would be replaced as a whole, so choose an empty or new folder"
        )


def start(out: Path) -> Path:
    """A fresh temporary folder beside `out` (same file system, so the swap is a rename), marked as ours."""
    check_target(out)
    parent = out.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        sweep(out)
        temporary = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=_TEMP_SUFFIX, dir=parent))
    except OSError as exc:
        raise UsageError(f"cannot create the site folder beside {out}: {exc.strerror or exc}") from None
    (temporary / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    return temporary


def sweep(out: Path) -> None:
    """Remove what an interrupted build left beside `out`: only folders carrying our marker, and only old
    ones, so a second `cc site` never deletes the folder a first one is still writing."""
    parent = out.absolute().parent
    for leftover in parent.glob(f".{glob.escape(out.name)}.*{_TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            stale = time.time() - leftover.stat().st_mtime > _STALE_AFTER
            if stale and leftover.is_dir() and (leftover / MARKER).exists():
                shutil.rmtree(leftover, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False where the call is unavailable."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return bool(result == 0)


def finish(temporary: Path, out: Path) -> None:
    """Put the built folder at `out`, replacing (then deleting) the previous site if there was one."""
    check_target(out)  # again: the folder may have changed while the site was being built
    temporary.chmod(0o755)  # mkdtemp makes it 0700; a web server must be able to read it
    if not out.exists():
        os.rename(temporary, out)
        return
    for name in KEEP:
        if (out / name).exists() and not (temporary / name).exists():
            os.rename(out / name, temporary / name)
    if _exchange(temporary, out):
        shutil.rmtree(temporary, ignore_errors=True)  # now holds the previous site
        return
    old = temporary.with_name(temporary.name.replace(_TEMP_SUFFIX, ".old" + _TEMP_SUFFIX))
    os.rename(out, old)
    try:
        os.rename(temporary, out)
    except OSError:
        os.rename(old, out)  # put the previous site back rather than leave nothing
        raise
    shutil.rmtree(old, ignore_errors=True)


def abandon(temporary: Path) -> None:
    with contextlib.suppress(OSError):
        shutil.rmtree(temporary)
