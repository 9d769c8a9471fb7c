"""`cc import awards FILE.csv` core: record awards issued elsewhere (Credly's issued-badges export, or any CSV
of email, name, credential or template id, issue date, expiry, state and public URL) in the ledger.

External awards are not signed by cc and never re-issued: they are a learner's record, kept apart from the
awards cc signed (`external_awards`, schema 4), each marked with its source. The file is read like a roster
(`cc_cli.catalog.roster.IMPORT`: encodings, delimiters, header aliases, CC501) and every row is checked
before anything is written (CC502, CC503, CC505, CC509 as for rosters, then CC701, CC702), so that a file
with a bad row records its good rows and lists the bad ones in OUT/<file>.import-rejects.csv. A dry run
writes nothing, not even a ledger.

Each award has an identity (`import_key`): its source and the source's own id of it when the file has one
(Credly's Badge Id), else its source, recipient, credential and issue date. Importing the same export twice
adds nothing; a row repeated in one file is recorded once; a later export in which the source changed an
award's state, expiry or URL (revoked it since) updates the record, except that a revoked award stays revoked.
Revoked, expired and rejected awards keep that state: they are recorded, and revoked and rejected ones never
count as held (expired ones do: the learning happened).
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cc_cli.catalog.roster_format import Roster, RosterRow
from cc_cli.core.problems import Problem, UsageError
from cc_cli.core.stamps import utc_stamp
from cc_cli.ledger.base import ExternalAward
from cc_cli.ledger.locate import Location, UsesLedger, ledger_exists, open_ledger_at

if TYPE_CHECKING:
    from cc_cli.rules.roster_rules import RosterContext

# The order a row's problems are reported in: its cells, then what they say.
IMPORT_ORDER = ("CC509", "CC701", "CC502", "CC503", "CC505", "CC702")
CHUNK = 1000


@dataclass(slots=True)
class ImportSettings(UsesLedger):
    file: Path
    catalog_root: Path
    out: Path
    ledger_path: Location | None = None  # --ledger: a path or a postgresql:// URL
    source: str = "credly"
    encoding: str | None = None
    timezone: str = "UTC"
    date_format: str | None = None  # mdy | dmy: how slashed dates read
    dry_run: bool = False
    now: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(slots=True)
class ImportOutcome:
    line: int
    email: str
    credential_id: str
    action: str  # import | update (the source changed its state) | already (in the ledger) | repeat | reject
    reason: str = ""


@dataclass(slots=True)
class ImportReport:
    dry_run: bool = False
    outcomes: list[ImportOutcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    rejects: Path | None = None
    ledger: str = ""

    def counts(self) -> dict[str, int]:
        found = Counter(outcome.action for outcome in self.outcomes)
        return {
            "rows": len(self.outcomes),
            "imported": found["import"],
            "updated": found["update"],
            "already": found["already"] + found["repeat"],
            "rejected": found["reject"],
        }


def import_key(source: str, source_id: str, email_lower: str, credential_id: str, issued_at: str) -> str:
    """The identity of an imported award: the source's id of it, else who earned what when."""
    parts = (source.lower(), "id", source_id) if source_id else (source.lower(), email_lower, credential_id, issued_at)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def run_import(settings: ImportSettings) -> ImportReport:
    """Check every row of the file, then (unless a dry run) record the valid ones the ledger lacks."""
    from cc_cli.catalog.roster import IMPORT, RosterError, read_roster
    from cc_cli.rules.import_rules import state_of
    from cc_cli.rules.roster_rules import RosterContext, reading_options, row_moments
    from cc_cli.validate.engine import require_valid

    tz, order = reading_options(settings.timezone, settings.date_format)
    source = settings.source.strip().lower()
    if not source or not source.replace("-", "").replace("_", "").isalnum() or len(source) > 40:
        raise UsageError(f"--source '{settings.source}': give a short name such as credly or accredible")
    catalog = require_valid(settings.catalog_root).catalog
    report = ImportReport(dry_run=settings.dry_run)
    try:
        roster = read_roster(settings.file, settings.encoding, IMPORT)
    except RosterError as exc:
        report.problems.append(exc.problem)
        return report
    report.ignored_columns = roster.ignored
    ctx = RosterContext(roster, catalog, lambda _: set(), settings.now, tz, order)
    candidates: list[ExternalAward] = []
    first: dict[str, int] = {}
    stamp = utc_stamp(settings.now)
    for row in roster.rows:
        problems = _problems(row, ctx)
        cells = row.cells
        if problems:
            report.problems.extend(problems)
            reason = "; ".join(f"{p.code} {p.message}" for p in problems)
            report.outcomes.append(
                ImportOutcome(row.line, cells.get("email", ""), cells.get("credential", ""), "reject", reason)
            )
            continue
        credential = ctx.credential(row)
        issued_at, expires_at = row_moments(row, ctx)
        state = state_of(row)
        assert credential is not None and issued_at is not None and state is not None
        issued = utc_stamp(issued_at)
        key = import_key(source, cells.get("source_id", ""), cells["email"].lower(), credential.id, issued)
        if key in first:
            reason = f"the same award as line {first[key]}: recorded once"
            report.outcomes.append(ImportOutcome(row.line, cells["email"], credential.id, "repeat", reason))
            continue
        first[key] = row.line
        candidates.append(
            ExternalAward(
                id=f"urn:uuid:{uuid.uuid4()}",
                import_key=key,
                source=source,
                source_id=cells.get("source_id") or None,
                credential_id=credential.id,
                email=cells["email"],
                email_lower=cells["email"].lower(),
                name=cells["name"],
                issued_at=issued,
                valid_until=utc_stamp(expires_at) if expires_at is not None else None,
                state=state,
                url=cells.get("url") or None,
                external_id=cells.get("external_id") or None,
                import_file=str(settings.file),
                import_line=row.line,
                imported_at=stamp,
            )
        )
    _record(settings, candidates, report)
    report.outcomes.sort(key=lambda outcome: outcome.line)
    _write_rejects(settings, roster, report)
    return report


def _problems(row: RosterRow, ctx: RosterContext) -> list[Problem]:
    from cc_cli.rules.registry import RULES
    from cc_cli.rules.roster_rules import locate

    problems = []
    for code in IMPORT_ORDER:
        rule = RULES[code]
        for hit in rule.check(row, ctx):
            line, column = locate(hit, row)
            problems.append(Problem(hit.source, line, column, rule.code, rule.severity, hit.message))
    return problems


def _record(settings: ImportSettings, candidates: list[ExternalAward], report: ImportReport) -> None:
    """Record the candidates the ledger lacks (a dry run only asks which those are)."""
    location = settings.ledger_at
    added: list[str] = []  # new | updated | same, per candidate
    if settings.dry_run:
        known: set[str] = set()
        if ledger_exists(location):
            ledger = open_ledger_at(location)
            try:
                report.ledger = ledger.where
                known = ledger.external_keys([row.import_key for row in candidates])
            finally:
                ledger.close()
        added = ["same" if row.import_key in known else "new" for row in candidates]  # updates show when run
    else:
        ledger = open_ledger_at(location, create=True)  # creates the table in a ledger of schema 3 or older
        try:
            report.ledger = ledger.where
            for start in range(0, len(candidates), CHUNK):
                added.extend(ledger.add_external(candidates[start : start + CHUNK]))
        finally:
            ledger.close()
    for row, what in zip(candidates, added, strict=True):
        if what == "new":
            report.outcomes.append(ImportOutcome(row.import_line, row.email, row.credential_id, "import"))
        elif what == "updated":
            reason = f"already in the ledger; its state, expiry or URL changed at the source (now {row.state})"
            report.outcomes.append(ImportOutcome(row.import_line, row.email, row.credential_id, "update", reason))
        else:
            reason = "already in the ledger (imported before)"
            report.outcomes.append(ImportOutcome(row.import_line, row.email, row.credential_id, "already", reason))


def _write_rejects(settings: ImportSettings, roster: Roster, report: ImportReport) -> None:
    """OUT/<file>.import-rejects.csv: the rejected rows as read, with an `error` column (not in a dry run)."""
    from cc_cli.core.csvfile import write_csv

    if settings.dry_run:
        return
    target = settings.out / f"{settings.file.stem}.import-rejects.csv"
    rejected = {o.line: o.reason for o in report.outcomes if o.action == "reject"}
    if rejected:
        settings.out.mkdir(parents=True, exist_ok=True)
        originals = {row.line: row.original for row in roster.rows}
        rows = [[*originals.get(line, []), reason] for line, reason in sorted(rejected.items())]
        write_csv(target, [*roster.header, "error"], rows)
        report.rejects = target
    elif target.exists():
        target.unlink()  # a stale rejects file from an earlier run would mislead
