"""The roster file format as data: its columns, the limits of its cells, and a roster once read.

A roster is the CSV a programme issues from, one award per row, naming the catalog's credentials. How a file
becomes a `Roster` (encodings, dialect sniffing, header aliases, CC501) is the reader's business
(`cc_cli.catalog.roster`); what a row must hold is the roster rules' (CC502-CC509, `cc_cli.rules.roster_rules`).
Both work on the values declared here, as the catalog's shape checks and schema work on `fields.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cc_cli.core.problems import Problem

REQUIRED = ("email", "name", "credential")
OPTIONAL = ("issued_on", "expires_on", "evidence_url", "evidence_narrative", "external_id")
# The longest value each cell may hold (CC509).
LIMITS = {
    "email": 320,
    "name": 200,
    "credential": 200,
    "issued_on": 40,
    "expires_on": 40,
    "evidence_url": 2048,
    "evidence_narrative": 2000,
    "external_id": 200,
    # `cc import awards` files (`cc_cli.catalog.roster.IMPORT`)
    "state": 40,
    "expired": 40,
    "url": 2048,
    "source_id": 200,
}
DEFAULT_LIMIT = 2000
MULTILINE = frozenset({"evidence_narrative"})  # Markdown, where line breaks (LF) are meaningful
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass(slots=True)
class RosterRow:
    line: int  # physical line the record starts on (the header is line 1)
    cells: dict[str, str]  # canonical column -> value, cleaned
    original: list[str]  # the record as read, for the rejects CSV
    columns: dict[str, int] = field(default_factory=dict)  # canonical column -> 1-based column (shared)


@dataclass(slots=True)
class Roster:
    path: Path
    delimiter: str
    header: list[str]
    rows: list[RosterRow]
    problems: list[Problem]
    sha256: str
    ignored: list[str] = field(default_factory=list)  # titles of the columns no field is read from

    @property
    def dialect_name(self) -> str:
        """'comma', 'semicolon' or 'tab', for messages and the dry-run summary."""
        return DELIMITERS.get(self.delimiter, repr(self.delimiter))
