"""The rule registry: every rule is a small function registered with its code, severity and summary.

Rules yield `Hit`s (which file, where in it, what to change); the engine turns them into `Problem`s with
the rule's code and the severity that `catalog.yaml` `rules:` may override. A rule's docstring is its
documentation page (`cc rules CODE`), with the framework reason and a passing and a failing example.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cc_cli.core.problems import ERROR, WARNING, Hit

# What a rule is called with. `cc validate` runs the first four on the catalog; "import" rules (CC7xx) check
# the rows of a file of awards issued elsewhere at `cc import awards`; "roster" rules (CC5xx) check
# the rows of a roster at `cc issue`.
SCOPES = ("file", "credential", "path", "catalog", "roster", "import")


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: str
    summary: str
    scope: str
    check: Callable[..., Iterable[Hit]]
    # A credential rule that reads only its credential, catalog.yaml and files under the catalog root (never
    # another credential or path): `cc validate` runs it in the worker that reads the file.
    per_file: bool = False

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.check) or ""


RULES: dict[str, Rule] = {}


def rule(
    code: str, severity: str, summary: str, scope: str, *, per_file: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `check` as rule `code`. Scope says what it is called with: one file's data, one credential,
    one path, the whole catalog, or one roster row. `per_file`: see `Rule.per_file`."""
    if severity not in (ERROR, WARNING) or scope not in SCOPES or (per_file and scope != "credential"):
        raise ValueError(f"bad rule declaration {code}")

    def register(check: Callable[..., Any]) -> Callable[..., Any]:
        if code in RULES:
            raise ValueError(f"rule {code} registered twice")
        RULES[code] = Rule(code, severity, summary, scope, check, per_file)
        return check

    return register
