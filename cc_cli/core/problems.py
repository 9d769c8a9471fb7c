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
