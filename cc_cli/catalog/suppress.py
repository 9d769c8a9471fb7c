"""The suppression list: addresses that asked never to be emailed, one per line in a plain text file that
`notify.suppress` in catalog.yaml names. `#` starts a comment; blank lines are ignored; case is not
significant (addresses are compared lower-cased, as the ledger's `email_lower`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cc_cli.catalog.formats import EMAIL


@dataclass(slots=True)
class Suppressions:
    """The addresses of one suppression file, and the lines that are not addresses (line, text)."""

    addresses: set[str] = field(default_factory=set)
    bad_lines: list[tuple[int, str]] = field(default_factory=list)


def parse_suppressions(text: str) -> Suppressions:
    """Read the file's text (see the module docstring)."""
    found = Suppressions()
    for number, raw in enumerate(text.splitlines(), start=1):
        entry = raw.split("#", 1)[0].strip()
        if not entry:
            continue
        if EMAIL.match(entry):
            found.addresses.add(entry.lower())
        else:
            found.bad_lines.append((number, entry))
    return found


def read_suppressions(path: Path) -> Suppressions:
    """The suppression file at `path`; OSError or UnicodeDecodeError when it cannot be read as UTF-8 text."""
    return parse_suppressions(path.read_text(encoding="utf-8-sig"))
