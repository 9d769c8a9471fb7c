"""The Problem value shared by `cc validate` and `cc issue`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)


class ExitCode(IntEnum):
    """Exit codes everywhere: 0 success, 1 problems found, 2 usage or environment error."""

    OK = 0
    PROBLEMS = 1
    USAGE = 2


@dataclass(frozen=True, order=True, slots=True)
class Problem:
    """One finding, with a 1-based line and column in `path` (a catalog-relative file or a roster)."""

    path: str
    line: int
    column: int
    code: str
    severity: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


class UsageError(Exception):
    """A user or environment mistake that the CLI turns into a one-line message and exit code 2."""


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule's finding: `where` is a key path inside `source` (e.g. ("requires", 0))."""

    source: str
    where: tuple[str | int, ...]
    message: str
    on_key: bool = False  # point at the key rather than its value (unknown fields, misplaced fields)
    position: tuple[int, int] | None = None  # explicit (line, column), for files that did not parse
