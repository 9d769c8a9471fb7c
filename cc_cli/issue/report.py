"""What `cc issue` is asked to do and what it did: the settings, each row's outcome, the run's report.

The core prints nothing; `Progress` is the callback the CLI's progress bar passes in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cc_cli.core.problems import Problem
from cc_cli.ledger.locate import Location, UsesLedger

Progress = Callable[[int, int | None], None]  # (awards just finished, new total or None)


@dataclass(slots=True)
class IssueSettings(UsesLedger):
    roster: Path
    catalog_root: Path
    out: Path
    key_path: Path | None = None
    ledger_path: Location | None = None  # --ledger: a path or a postgresql:// URL
    encoding: str | None = None
    timezone: str = "UTC"
    date_format: str | None = None  # --date-format: mdy or dmy, how slashed dates (03/04/25) read
    dry_run: bool = False
    strict: bool = False
    new_ledger: bool = False  # --new-ledger: a fresh ledger beside another of the same catalog is meant
    bake: frozenset[str] = frozenset()
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    workers: int = 0  # 0: one per core


@dataclass(slots=True)
class Outcome:
    """What happened to one roster row."""

    line: int
    email: str
    credential_id: str
    action: str  # issue | replace | renew | skip | reject | withhold (--strict, valid but held back)
    award_id: str = ""
    file: str = ""
    reason: str = ""


@dataclass(slots=True)
class IssueReport:
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    recovered: int = 0
    batch_id: int | None = None
    manifest: Path | None = None
    rejects: Path | None = None
    dry_run: bool = False
    withheld: bool = False  # --strict with rejected rows: nothing was issued
    baked_earlier: int = 0  # --bake on a re-run: images baked for awards an earlier run issued
    notes: list[str] = field(default_factory=list)  # warnings for the user that are not roster problems
    ignored_columns: list[str] = field(
        default_factory=list
    )  # roster columns no field is read from (Credly's Country...)

    def counts(self) -> dict[str, int]:
        found = Counter(outcome.action for outcome in self.outcomes)
        return {
            "rows": len(self.outcomes),
            "issued": found["issue"] + found["replace"] + found["renew"],
            "replaced": found["replace"],
            "renewed": found["renew"],
            "skipped": found["skip"],
            "rejected": found["reject"],
            "withheld": found["withhold"],
            "recovered": self.recovered,
            "baked_earlier": self.baked_earlier,
        }

    def by_credential(self) -> dict[str, Counter[str]]:
        table: dict[str, Counter[str]] = {}
        for outcome in self.outcomes:
            table.setdefault(outcome.credential_id or "(unknown)", Counter())[outcome.action] += 1
        return dict(sorted(table.items()))
