"""Every roster row checked before anything is issued (CC502-CC509), against the catalog and the ledger.

The checks are the roster rules of the registry (`cc_cli.rules.roster_rules`, `cc rules CC502` explains one);
this module runs them on each row in turn and turns their hits into Problems that carry the roster's line and
the 1-based column of the offending cell, and say what to fix. Rows are checked in order so that
prerequisites earned on earlier lines of the same roster count (CC507). CC501 (a roster that cannot be read)
is the reader's (`cc_cli.catalog.roster`). Every datetime that leaves this module is timezone-aware: a date alone
is 00:00 in `tz`, a naive datetime is read in `tz`, an explicit offset is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from cc_cli.catalog import model
from cc_cli.catalog.roster_format import Roster, RosterRow
from cc_cli.core.problems import Problem
from cc_cli.rules.registry import RULES, Rule
from cc_cli.rules.roster_rules import RosterContext, locate, row_moments  # importing it registers the rules

# The order a row's problems are reported in, as before the checks joined the registry (the rejects CSV and
# every report list them so): the cells first, then the email, the credential, the dates, repeats, the
# prerequisites and the evidence.
ROW_ORDER = ("CC509", "CC502", "CC503", "CC504", "CC505", "CC506", "CC507", "CC508")


@dataclass(slots=True)
class PlannedAward:
    line: int
    email: str  # as written (stripped); compare with .lower()
    name: str
    credential_id: str
    issued_at: datetime  # aware
    expires_at: datetime | None  # aware
    evidence_url: str
    evidence_narrative: str
    external_id: str


@dataclass(slots=True)
class CheckResult:
    valid: list[PlannedAward] = field(default_factory=list)
    rejected: list[tuple[RosterRow, list[Problem]]] = field(default_factory=list)


def row_rules() -> list[Rule]:
    """The registered roster rules that check rows, in `ROW_ORDER`."""
    return [RULES[code] for code in ROW_ORDER]


def check_rows(
    roster: Roster,
    catalog: model.Catalog,
    holdings: Callable[[str], set[str]],
    now: datetime,
    tz: tzinfo,
    date_order: str | None = None,
) -> CheckResult:
    """Check every row; valid rows become PlannedAwards, the others carry their problems.

    `holdings(email_lower)` gives the credential ids the recipient holds active awards of (the ledger stays
    with the caller); `now` (aware) is the issue time of rows without `issued_on` and the limit for dates;
    `date_order` ('mdy' or 'dmy', `--date-format`) is how slashed dates read, None to refuse ambiguous ones.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("check_rows needs an aware `now`: a naive datetime must never reach an award")
    result = CheckResult()
    ctx = RosterContext(roster, catalog, holdings, now, tz, date_order)
    rules = row_rules()
    for row in roster.rows:
        problems = _problems(row, rules, ctx)
        if problems:
            result.rejected.append((row, problems))
            continue
        credential = ctx.credential(row)
        issued_at, expires_at = row_moments(row, ctx)
        assert credential is not None and issued_at is not None
        cells = row.cells
        ctx.earn(cells["email"], credential.id)
        result.valid.append(
            PlannedAward(
                row.line,
                cells["email"],
                cells["name"],
                credential.id,
                issued_at,
                expires_at,
                cells.get("evidence_url", ""),
                cells.get("evidence_narrative", ""),
                cells.get("external_id", ""),
            )
        )
    return result


def _problems(row: RosterRow, rules: list[Rule], ctx: RosterContext) -> list[Problem]:
    """The row's problems: each rule's hits at the line and column of the cell they are about."""
    problems = []
    for rule in rules:
        for hit in rule.check(row, ctx):
            line, column = locate(hit, row)
            problems.append(Problem(hit.source, line, column, rule.code, rule.severity, hit.message))
    return problems
