"""The ledger's environment: how long to wait for a lock, and SQLite's environment errors as one line.

A full disk, a read-only folder, a ledger another run keeps locked, a damaged file: SQLite reports each as
an `OperationalError` or `DatabaseError`, which the CLI would show as a bug ("internal error"). Here they
become UsageErrors (exit 2) naming the ledger and what to do. Errors that are bugs in cc (bad SQL,
SQLITE_ERROR) and constraint errors (which the ledger catches on purpose) pass through unchanged.

Every public method of `Ledger` and `LedgerReader` goes through `maps_errors`, so no method needs its own
try/except, and a method added later is covered too.
"""

from __future__ import annotations

import functools
import inspect
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from cc_cli.core.problems import UsageError

LOCK_TIMEOUT = 60.0  # seconds a run waits for another run's write lock before giving up
LOCK_TIMEOUT_VARIABLE = "CC_LEDGER_LOCK_TIMEOUT"

T = TypeVar("T")


def lock_timeout() -> float:
    """Seconds to wait for a locked ledger: $CC_LEDGER_LOCK_TIMEOUT when set, else LOCK_TIMEOUT."""
    raw = os.environ.get(LOCK_TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return LOCK_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86_400:  # also refuses nan
        raise UsageError(f"{LOCK_TIMEOUT_VARIABLE}={raw!r}: give the seconds to wait for a locked ledger, e.g. 60")
    return seconds


def _explain(name: str, path: Path, exc: sqlite3.Error) -> str | None:
    """The message for SQLite error `name` (e.g. SQLITE_IOERR_WRITE), or None for a bug in cc."""
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return (
            f"the ledger {path} is locked by another program (another cc issue or cc revoke?) and stayed locked "
            f"for {lock_timeout():g} s: run again when it has finished ({LOCK_TIMEOUT_VARIABLE} sets the wait)"
        )
    if name.startswith("SQLITE_FULL"):
        return f"cannot write the ledger {path}: the disk is full: free some space and run again"
    if name.startswith("SQLITE_IOERR"):
        return (
            f"cannot write the ledger {path}: disk I/O error ({name}): is the disk full or a file-size limit "
            "reached? Free some space and run again"
        )
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")):
        return (
            f"cannot open or write the ledger {path} ({exc}): cc writes it and the -wal and -shm files beside it, so its "
            "folder must be writable: choose another --out or --ledger, or fix the permissions"
        )
    if name.startswith("SQLITE_NOTADB"):
        return f"{path} is not a cc ledger ({exc})"
    if name.startswith("SQLITE_CORRUPT"):
        return (
            f"the ledger {path} is damaged ({exc}): restore it from a backup (`sqlite3 {path} .recover` may "
            "save what is left)"
        )
    return None


def ledger_error(exc: BaseException, path: Path) -> UsageError | None:
    """The UsageError for an environment error of SQLite on the ledger at `path`, or None."""
    if not isinstance(exc, sqlite3.OperationalError) and type(exc) is not sqlite3.DatabaseError:
        return None  # IntegrityError and the like are cc's business, not the environment's
    name = getattr(exc, "sqlite_errorname", None)
    message = _explain(name, path, exc) if isinstance(name, str) else None
    return UsageError(message) if message else None


def _mapped(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            problem = ledger_error(exc, self.path)
            if problem is None:
                raise
            raise problem from None

    return wrapper


def maps_errors(cls: type[T]) -> type[T]:
    """Class decorator: every public method turns SQLite environment errors into a UsageError naming
    `self.path`. Private helpers are left alone (lock retries need the raw OperationalError)."""
    for name, member in list(vars(cls).items()):
        if inspect.isfunction(member) and not name.startswith("_"):
            setattr(cls, name, _mapped(member))
    return cls
