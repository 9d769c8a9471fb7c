"""Operating-system errors as the one-line messages users act on: which file, what happened, what to do.

A full disk, a read-only folder or a file-size limit is the environment's doing, not a bug in cc: the CLI
turns every OSError that reaches it into `environment_message` (exit 2). Code that writes a file through
a temporary one re-raises with `named`, so the message names the user's file, not the temporary.
"""

from __future__ import annotations

import errno
from pathlib import Path

# What to do about each error a user can fix; the others get the system's own words.
_ADVICE = {
    errno.ENOSPC: "the disk is full: free some space and run again",
    errno.EDQUOT: "the disk quota is used up: free some space and run again",
    errno.EFBIG: "the file is over the file-size limit (ulimit -f): raise the limit or write elsewhere",
    errno.EROFS: "the file system is read-only: choose a folder cc can write to",
    errno.EACCES: "permission denied: check the permissions of the file and its folder",
    errno.EPERM: "not permitted (an immutable or protected file or folder?): choose another path",
    errno.EIO: "input/output error (a failing disk or a lost network drive?)",
}


def named(exc: OSError, path: Path | str) -> OSError:
    """`exc` again, with its errno (so of the same OSError subclass), but naming `path`: the file the user
    asked for rather than the temporary one beside it."""
    if exc.errno is None:
        return exc
    return OSError(exc.errno, exc.strerror, str(path))


def environment_message(exc: OSError) -> str:
    """One line for an OSError: the file it concerns first, then what happened and what to do."""
    where = exc.filename
    if isinstance(exc, FileExistsError):  # mkdir where a file is
        return f"{where} is a file, but cc needs a folder there: choose another path"
    if isinstance(exc, NotADirectoryError):  # a file used as a folder along the path
        return f"{where}: a folder on this path is a file: choose another path"
    advice = _ADVICE.get(exc.errno or 0)
    if advice is None:  # the system's own words, as before: "No such file or directory: x.csv"
        return f"{exc.strerror or exc}: {where}" if where else str(exc.strerror or exc)
    return f"{where}: {advice}" if where else advice
