"""What `cc issue` writes beside the awards: the manifest, the rejects CSV, and baked images of awards an
earlier run issued (`--bake` on a re-run)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from cc_cli.catalog import model
from cc_cli.core.problems import ERROR, Problem
from cc_cli.issue.report import IssueReport, IssueSettings
from cc_cli.ledger.base import AwardLedger

if TYPE_CHECKING:
    from cc_cli.catalog.roster import Roster
    from cc_cli.issue.writer import NotBaked


def bake_earlier(report: IssueReport, catalog: model.Catalog, settings: IssueSettings, ledger: AwardLedger) -> int:
    """`--bake` on a re-run: bake the awards an earlier run issued (skipped now) that have no baked copy in
    a requested format yet, from their signed JSON as written. Only live awards whose file is still the
    one the ledger recorded: a revoked or superseded award is skipped, and a file changed since issuing
    is noted, never baked. How many images were written."""
    import hashlib

    from cc_cli.core import strictjson
    from cc_cli.issue.writer import NotBaked, bake_award

    def missing_kinds(target: Path) -> list[str]:
        return [kind for kind in sorted(settings.bake) if not target.with_suffix(f".{kind}").exists()]

    todo = [o for o in report.outcomes if o.action == "skip" and o.file and missing_kinds(settings.out / o.file)]
    if not todo:
        return 0
    emblems = emblems_for(catalog, settings, {o.credential_id for o in todo if o.credential_id in catalog.credentials})
    written = 0
    for outcome in todo:
        target = settings.out / outcome.file
        row = ledger.award(outcome.award_id)
        if row is None or row.state != "issued":
            continue  # revoked or superseded: a fresh baked copy would look like a valid award
        try:
            raw = target.read_bytes()
            unchanged = not row.file_sha256 or hashlib.sha256(raw).hexdigest() == row.file_sha256
            signed = strictjson.loads(raw) if unchanged else None
        except (OSError, ValueError):
            signed = None
        if signed is None:
            report.notes.append(f"line {outcome.line}: {target} is not the file the ledger recorded: not baked")
            continue
        baked, failed = bake_award(signed, emblems.get(outcome.credential_id, {}), target, missing_kinds(target))
        written += baked
        report_not_baked(report, settings, [NotBaked(row.id, outcome.file, k, why) for k, why in failed.items()])
    if written:
        os.sync()  # as for new awards: on disk before the run reports success
    return written


def report_not_baked(report: IssueReport, settings: IssueSettings, not_baked: list[NotBaked]) -> None:
    """CC510 for each baked image that could not be made: the award is issued, the run exits 1, and the
    message names the roster line (or the award file, for one an interrupted run left) and the reason."""
    lines = {o.award_id: o.line for o in report.outcomes if o.award_id} if not_baked else {}
    for item in not_baked:
        line = lines.get(item.award_id)
        where = str(settings.roster) if line is not None else str(settings.out / item.file)
        message = (
            f"award {item.award_id} is issued (its JSON {item.file} is written and recorded) but its "
            f"{item.kind.upper()} image was not baked: {item.reason}; fix that and re-run with --bake {item.kind}"
        )
        report.problems.append(Problem(where, line or 0, 0, "CC510", ERROR, message))


def emblems_for(catalog: model.Catalog, settings: IssueSettings, needed: set[str]) -> dict[str, dict[str, bytes]]:
    """The emblems (PNG and SVG bytes) of the credentials this run issues, drawn once, for baking."""
    from cc_cli.emblem.render import emblem_bytes

    return {cid: emblem_bytes(catalog, catalog.credentials[cid], settings.bake) for cid in sorted(needed)}


def write_outputs(
    report: IssueReport, roster: Roster, settings: IssueSettings, ledger: AwardLedger | None
) -> IssueReport:
    """Sort outcomes by roster line; write the manifest and the rejects CSV (not in a dry run)."""
    from cc_cli.core.csvfile import write_csv

    report.outcomes.sort(key=lambda outcome: outcome.line)
    if settings.dry_run:
        return report
    settings.out.mkdir(parents=True, exist_ok=True)
    stem = settings.roster.stem
    if ledger is not None and not report.withheld:
        report.manifest = settings.out / f"{stem}.manifest.csv"
        header = ["line", "email", "credential", "action", "award_id", "file", "reason"]
        rows = [
            [str(o.line), o.email, o.credential_id, o.action, o.award_id, o.file, o.reason] for o in report.outcomes
        ]
        write_csv(report.manifest, header, rows)
    rejected = {o.line: o.reason for o in report.outcomes if o.action == "reject"}
    report.rejects = settings.out / f"{stem}.rejects.csv"
    if rejected:
        originals = {row.line: row.original for row in roster.rows}
        rows = [[*originals.get(line, []), reason] for line, reason in sorted(rejected.items())]
        write_csv(report.rejects, [*roster.header, "error"], rows)
    elif report.rejects.exists():
        report.rejects.unlink()  # a stale rejects file from an earlier run would mislead
        report.rejects = None
    else:
        report.rejects = None
    return report
