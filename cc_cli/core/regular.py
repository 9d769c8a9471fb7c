"""Read a file someone named (a roster, a catalog file) without letting it hang cc or fill the memory.

`read_regular` looks at what the path is before reading it: a FIFO would block the read until some
writer came (forever, in practice), a device such as /dev/zero or /dev/urandom never ends, a socket or a
folder is not a file at all, and a file over the caller's limit is refused from its size, unread. What is
read is then read in pieces, and never more than the limit, even from a file that grows meanwhile.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cc_cli.core.oserrors import named

MISSING = "missing"
SPECIAL = "special"  # anything but a regular file: a folder, a FIFO, a device, a socket
TOO_LARGE = "too large"

# What each kind of non-regular file is called in a message.
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
# O_NONBLOCK: a FIFO swapped in after the first check opens at once instead of waiting for a writer.
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1 << 20


class RefusedFile(Exception):
    """A file `read_regular` will not read. `reason` completes a sentence whose subject is the file and
    says what it is ("is a FIFO (named pipe), not a regular file", "not found"); callers add what to do.
    `kind` is MISSING, SPECIAL or TOO_LARGE."""

    def __init__(self, reason: str, kind: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


def read_regular(path: Path | str, limit: int, *, follow_links: bool = True) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them.

    Raises RefusedFile, before reading anything, when nothing is there, when it is not a regular file or
    when it is over `limit` bytes. With `follow_links=False` the path is opened only if it is not a link
    (ELOOP otherwise: for a path the caller has resolved, a link swapped in since must not lead elsewhere). Other OSErrors (permission
    denied, an I/O error) propagate, naming `path`, for `cc_cli.core.oserrors.environment_message`."""
    flags = _OPEN_FLAGS | (0 if follow_links else getattr(os, "O_NOFOLLOW", 0))
    try:
        require_regular(os.stat(path), limit)
        handle = os.open(path, flags)
    except FileNotFoundError:
        raise RefusedFile("not found", MISSING) from None
    try:
        require_regular(os.fstat(handle), limit)  # the file opened is the one checked, not one swapped in
        return _read_at_most(handle, limit)
    except OSError as exc:
        raise named(exc, path) from None
    finally:
        os.close(handle)


def require_regular(info: os.stat_result, limit: int) -> None:
    """RefusedFile unless `info` is a regular file of at most `limit` bytes."""
    for test, kind in _KINDS:
        if test(info.st_mode):
            raise RefusedFile(f"is {kind}, not a regular file", SPECIAL)
    if not stat.S_ISREG(info.st_mode):
        raise RefusedFile("is not a regular file", SPECIAL)
    if info.st_size > limit:
        raise RefusedFile(_too_large(info.st_size, limit), TOO_LARGE)


def _read_at_most(handle: int, limit: int) -> bytes:
    """Read to the end in pieces, refusing a file that grows past `limit` while it is read."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = os.read(handle, min(_CHUNK, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    raise RefusedFile(_too_large(size, limit), TOO_LARGE)


def _too_large(size: int, limit: int) -> str:
    return f"is {size:,} bytes, over the {limit:,}-byte limit"
