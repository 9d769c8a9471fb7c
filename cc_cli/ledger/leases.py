"""Batch leases of an SQLite ledger: which `cc issue` runs are alive, exactly, with no clock.

A run holds the lease of its batch (and of any dead batch it is completing) for as long as it works on it.
A lease is a POSIX record lock on one byte of `<ledger>-leases` beside the ledger: byte N for batch N. The
kernel drops the lock when the process ends, however it ends (`kill -9` included), and forked signing
workers do not inherit it; so a batch whose lease can be taken is one whose run is over. The PostgreSQL
ledger (`cc_cli.ledger.postgres`) keeps the same promise with advisory locks of the run's own session.

POSIX locks belong to the process and a process never conflicts with itself; closing any descriptor of the
file drops all of the process's locks on it. So each process opens the file once, shared by all its
`Ledger` objects, and remembers which batches it holds (`_Shared`).
"""

from __future__ import annotations

import errno
import fcntl
import os
from dataclasses import dataclass, field
from pathlib import Path

from cc_cli.core.problems import UsageError


@dataclass(slots=True)
class _Shared:
    """This process's descriptor of one lease file, the batches it holds there, and how many users it has."""

    fd: int
    held: set[int] = field(default_factory=set)
    users: int = 0


_OPEN: dict[Path, _Shared] = {}  # lease file (resolved) -> this process's one descriptor of it


def lease_file(ledger: Path) -> Path:
    """Where the leases of a ledger are kept: beside it, as SQLite keeps its -wal and -shm files."""
    return ledger.with_name(ledger.name + "-leases")


class Leases:
    """The leases one `Ledger` holds; `close` gives them all back."""

    def __init__(self, ledger: Path) -> None:
        self.path = lease_file(ledger)
        self._key = self.path.resolve()
        self.mine: set[int] = set()
        self._shared: _Shared | None = None

    def _open(self) -> _Shared:
        """The lease file, opened (and created) on first use: reading a ledger never needs it."""
        if self._shared is None:
            shared = _OPEN.get(self._key)
            if shared is None:
                try:
                    fd = os.open(self._key, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
                except OSError as exc:
                    raise UsageError(f"cannot open {self.path}, the lease file of the ledger: {exc.strerror}") from None
                shared = _OPEN[self._key] = _Shared(fd)
            shared.users += 1
            self._shared = shared
        return self._shared

    def take(self, batch_id: int) -> bool:
        """Take the lease of a batch; False when a live run (this process included) holds it."""
        shared = self._open()
        if batch_id in shared.held:
            return False
        try:
            fcntl.lockf(shared.fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, batch_id, os.SEEK_SET)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EAGAIN):
                return False
            raise UsageError(f"cannot lock {self.path}, the lease file of the ledger: {exc.strerror}") from None
        shared.held.add(batch_id)
        self.mine.add(batch_id)
        return True

    def release(self, batch_id: int) -> None:
        """Give back the lease of a batch this object holds (nothing happens for any other)."""
        if batch_id not in self.mine or self._shared is None:
            return
        fcntl.lockf(self._shared.fd, fcntl.LOCK_UN, 1, batch_id, os.SEEK_SET)
        self.mine.discard(batch_id)
        self._shared.held.discard(batch_id)

    def close(self) -> None:
        """Release every lease held here; the last user of the file in this process closes it."""
        for batch_id in sorted(self.mine):
            self.release(batch_id)
        shared, self._shared = self._shared, None
        if shared is None:
            return
        shared.users -= 1
        if shared.users == 0:
            _OPEN.pop(self._key, None)
            os.close(shared.fd)
