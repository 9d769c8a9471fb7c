"""`cc issue` orchestration: plan every row, then issue in crash-safe chunks (see `cc_cli.issue.plan`)."""

from __future__ import annotations

import os
import sqlite3
from collections import deque
from concurrent.futures import Executor, Future
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cc_cli.catalog import model
from cc_cli.core.problems import UsageError
from cc_cli.core.stamps import utc_stamp
from cc_cli.core.workers import workers_for
from cc_cli.credentials.keys import check_catalog_key
from cc_cli.credentials.status_list import check_valid_for
from cc_cli.issue.plan import CHUNK, IssueReport, IssueSettings, Outcome, Progress, document_for, new_award_row, row_key
from cc_cli.issue.writer import Task, sign_and_write, writer_pool
from cc_cli.ledger.sqlite import AwardRow, Ledger

Planned = tuple[Any, model.Credential, str, str, AwardRow | None]  # planned award, credential, key, action, old


def run_issue(settings: IssueSettings, progress: Progress | None = None) -> IssueReport:
    """Check the whole roster, then (unless dry-run or strict with rejects) issue what it asks for."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from cc_cli.issue.roster import RosterError, read_roster
    from cc_cli.issue.row_checks import check_rows
    from cc_cli.validate.engine import require_valid

    try:
        tz = ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"unknown time zone '{settings.timezone}' (use an IANA name such as Europe/Paris)") from None
    catalog = require_valid(settings.catalog_root).catalog
    check_valid_for(catalog.info.status_list_valid_for)  # before anything is written
    # A dry run needs no key, but checks the one it is given: the plan must not promise what the run refuses.
    named = settings.key_path is not None or bool(os.environ.get("CC_ISSUER_KEY"))
    key = _load_key(settings) if not settings.dry_run or named else None
    did = _did(key) if key is not None else None
    if did is not None:  # before anything is written: a stray key must not even create a ledger
        check_catalog_key(catalog.info.issuer.did, did, settings.catalog_root)
    report = IssueReport(dry_run=settings.dry_run)
    try:
        roster = read_roster(settings.roster, settings.encoding)
    except RosterError as exc:  # CC501: nothing can be issued from this file
        report.problems.append(exc.problem)
        return report
    ledger = _open_ledger(settings)
    try:
        if ledger is not None and did is not None:
            ledger.check_issuer(did)
        live = _live_awards(ledger)
        held: dict[str, set[str]] = {}
        for (email_lower, credential_id), _row in live.items():
            held.setdefault(email_lower, set()).add(credential_id)
        checked = check_rows(roster, catalog, lambda email: held.get(email, set()), settings.now, tz)
        cells = {row.line: row.cells for row in roster.rows}
        for row, problems in checked.rejected:
            report.problems.extend(problems)
            reason = "; ".join(f"{p.code} {p.message}" for p in problems)
            report.outcomes.append(
                Outcome(row.line, row.cells.get("email", ""), row.cells.get("credential", ""), "reject", reason=reason)
            )
        report.problems.extend(roster.problems)
        plan = _plan(checked.valid, catalog, cells, ledger, live, settings.now, report)
        if settings.strict and checked.rejected:
            report.withheld = True
            for planned, credential, _key, _action, _old in plan:  # listed, so no valid row goes unmentioned
                reason = "--strict: not issued because other rows were rejected; fix them and re-run"
                report.outcomes.append(Outcome(planned.line, planned.email, credential.id, "withhold", reason=reason))
            plan = []
        if settings.dry_run or ledger is None:
            for planned, credential, _key, action, _old in plan:
                report.outcomes.append(Outcome(planned.line, planned.email, credential.id, action))
            return _finish(report, roster, settings, None)
        assert key is not None and did is not None
        batch_id = ledger.start_batch(str(settings.roster), roster.sha256, did, utc_stamp(settings.now))
        report.batch_id = batch_id
        workers = workers_for(settings.workers)
        needed = {credential.id for _, credential, _, _, _ in plan}
        emblems = _emblems(catalog, settings, needed) if settings.bake else {}
        with writer_pool(workers, key, settings.out, settings.bake, emblems) as pool:
            if progress is not None:
                progress(0, len(plan) + len(ledger.unwritten()))
            report.recovered = _finish_unwritten(ledger, catalog, did, pool, workers, progress)
            _issue(plan, ledger, catalog, did, batch_id, pool, workers, settings, report, progress)
        _finish(report, roster, settings, ledger)
        _publish_status(ledger, catalog, key, settings)
        ledger.finish_batch(batch_id, utc_stamp(datetime.now(UTC)), report.counts())
        if settings.bake:  # extra, after the batch is complete: nothing here can leave it half done
            report.baked_earlier = _bake_earlier(report, catalog, settings, ledger)
        return report
    finally:
        if ledger is not None:
            ledger.close()


def _load_key(settings: IssueSettings) -> Any:
    from cc_cli.credentials.keys import load_key

    path = settings.key_path or (Path(os.environ["CC_ISSUER_KEY"]) if os.environ.get("CC_ISSUER_KEY") else None)
    if path is None:
        raise UsageError(
            "no issuer key: create one with `cc keys init FILE`, then pass --key FILE or set CC_ISSUER_KEY"
        )
    return load_key(path)


def _did(key: Any) -> str:
    from cc_cli.credentials import signing

    return signing.did_key(key.public_key())


def _open_ledger(settings: IssueSettings) -> Ledger | None:
    path = settings.ledger_file
    if settings.dry_run and not path.exists():
        return None
    ledger = Ledger(path, create=not settings.dry_run)  # a dry run writes nothing, not even tables
    if not settings.dry_run:
        settings.out.mkdir(parents=True, exist_ok=True)  # only once the ledger is known to be good
    return ledger


def _live_awards(ledger: Ledger | None) -> dict[tuple[str, str], AwardRow]:
    if ledger is None:
        return {}
    return {(row.email_lower, row.credential_id): row for row in ledger.all_awards() if row.state != "revoked"}


def _plan(
    valid: list[Any],
    catalog: model.Catalog,
    cells: dict[int, dict[str, str]],
    ledger: Ledger | None,
    live: dict[tuple[str, str], AwardRow],
    now: datetime,
    report: IssueReport,
) -> list[Planned]:
    keys = [
        row_key(p.email.lower(), p.credential_id, cells[p.line].get("issued_on", ""), p.external_id or "")
        for p in valid
    ]
    existing = ledger.by_row_keys(keys) if ledger is not None else {}
    plan: list[Planned] = []
    stamp = utc_stamp(now)
    for planned, key in zip(valid, keys, strict=True):
        credential = catalog.credentials[planned.credential_id]
        done = existing.get(key)
        if done is not None:
            report.outcomes.append(_skip(planned, done, f"already issued from this row as {done.id}"))
            continue
        old = live.get((planned.email.lower(), credential.id))
        action = "issue"
        if old is not None and credential.duplicates != "allow":
            expired = old.valid_until is not None and old.valid_until <= stamp
            if credential.duplicates == "deny" and not expired:
                report.outcomes.append(
                    _skip(planned, old, f"already holds an active award {old.id} (duplicates: deny)")
                )
                continue
            action = "replace"
        plan.append((planned, credential, key, action, old if action == "replace" else None))
    return plan


def _skip(planned: Any, award: AwardRow, reason: str) -> Outcome:
    """A row not issued because `award` already stands for it."""
    return Outcome(planned.line, planned.email, award.credential_id, "skip", award.id, award.file, reason)


def _insert_chunk(
    chunk: list[Planned], ledger: Ledger, batch_id: int, signed_at: str, now: str
) -> list[tuple[Planned, AwardRow | None]]:
    """Commit a chunk's awards as pending in one transaction; None where another run got there first."""
    results: list[tuple[Planned, AwardRow | None]] = []
    with ledger.transaction() as db:
        index = ledger.next_status_index()
        for planned_row in chunk:
            planned, credential, key, action, old = planned_row
            row = new_award_row(planned, credential, key, batch_id, signed_at)
            row.status_index = index
            if action == "replace" and old is not None:
                row.awarded_at = old.awarded_at  # a renewal keeps the original award date
                row.replaces = old.id
            db.execute("SAVEPOINT one_award")
            try:
                superseded = old is not None and action == "replace"
                if superseded and not ledger.revoke(db, old.id, f"superseded by {row.id}", now):  # type: ignore[union-attr]
                    raise sqlite3.IntegrityError("already superseded")
                ledger.insert_pending(db, row)
            except sqlite3.IntegrityError:
                db.execute("ROLLBACK TO one_award")
                results.append((planned_row, None))
            else:
                index += 1
                results.append((planned_row, row))
            db.execute("RELEASE one_award")
    return results


def _issue(
    plan: list[Planned],
    ledger: Ledger,
    catalog: model.Catalog,
    did: str,
    batch_id: int,
    pool: Executor,
    workers: int,
    settings: IssueSettings,
    report: IssueReport,
    progress: Progress | None,
) -> None:
    signed_at = utc_stamp(datetime.now(UTC))
    now = utc_stamp(settings.now)
    in_flight: deque[tuple[Future[list[tuple[str, str]]], int]] = deque()
    for start in range(0, len(plan), CHUNK):
        inserted = _insert_chunk(plan[start : start + CHUNK], ledger, batch_id, signed_at, now)
        task: Task = []
        for (planned, credential, _key, action, _old), row in inserted:
            if row is None:
                report.outcomes.append(
                    Outcome(
                        planned.line,
                        planned.email,
                        credential.id,
                        "skip",
                        reason="issued meanwhile by another cc issue run",
                    )
                )
                continue
            report.outcomes.append(
                Outcome(
                    planned.line,
                    planned.email,
                    credential.id,
                    action,
                    row.id,
                    row.file,
                    f"replaces {row.replaces}" if row.replaces else "",
                )
            )
            task.append((row.id, row.file, document_for(row, catalog, did), row.signed_at))
        if task:
            in_flight.append((pool.submit(sign_and_write, task), len(task)))
        while len(in_flight) > workers * 2:
            _collect(in_flight.popleft(), ledger, progress)
    while in_flight:
        _collect(in_flight.popleft(), ledger, progress)


def _collect(item: tuple[Future[list[tuple[str, str]]], int], ledger: Ledger, progress: Progress | None) -> None:
    future, count = item
    done = future.result()
    os.sync()  # the files are durable before the ledger says they exist
    ledger.mark_issued(done)
    if progress is not None:
        progress(count, None)


def _finish_unwritten(
    ledger: Ledger, catalog: model.Catalog, did: str, pool: Executor, workers: int, progress: Progress | None
) -> int:
    """Write the files of awards that an interrupted run committed but did not finish."""
    rows = ledger.unwritten()
    in_flight: deque[tuple[Future[list[tuple[str, str]]], int]] = deque()
    for start in range(0, len(rows), CHUNK):
        task: Task = [
            (row.id, row.file, document_for(row, catalog, did), row.signed_at) for row in rows[start : start + CHUNK]
        ]
        in_flight.append((pool.submit(sign_and_write, task), len(task)))
        while len(in_flight) > workers * 2:
            _collect(in_flight.popleft(), ledger, progress)
    while in_flight:
        _collect(in_flight.popleft(), ledger, progress)
    return len(rows)


def _publish_status(ledger: Ledger, catalog: model.Catalog, key: Any, settings: IssueSettings) -> None:
    """Write the signed status lists the awards point at, so they resolve from the first run on (and
    reflect awards that `replace` just revoked)."""
    from cc_cli.credentials.status_list import write_status_lists

    used = [row[0] for row in ledger.db.execute("SELECT status_index FROM awards")]
    if used:
        stamp = utc_stamp(datetime.now(UTC))
        write_status_lists(
            settings.out,
            catalog.info.base_url or "",
            key,
            stamp,
            used,
            ledger.revoked_indexes(),
            catalog.info.status_list_valid_for,
        )


def _bake_earlier(report: IssueReport, catalog: model.Catalog, settings: IssueSettings, ledger: Ledger) -> int:
    """`--bake` on a re-run: bake the awards an earlier run issued (skipped now) that have no baked copy in
    a requested format yet, from their signed JSON as written. Only live awards whose file is still the
    one the ledger recorded: a revoked or superseded award is skipped, and a file changed since issuing
    is noted, never baked. How many images were written."""
    import hashlib
    import json

    from cc_cli.issue.writer import bake_award

    def missing_kinds(target: Path) -> list[str]:
        return [kind for kind in sorted(settings.bake) if not target.with_suffix(f".{kind}").exists()]

    todo = [o for o in report.outcomes if o.action == "skip" and o.file and missing_kinds(settings.out / o.file)]
    if not todo:
        return 0
    emblems = _emblems(catalog, settings, {o.credential_id for o in todo if o.credential_id in catalog.credentials})
    written = 0
    for outcome in todo:
        target = settings.out / outcome.file
        row = ledger.award(outcome.award_id)
        if row is None or row.state != "issued":
            continue  # revoked or superseded: a fresh baked copy would look like a valid award
        try:
            raw = target.read_bytes()
            unchanged = not row.file_sha256 or hashlib.sha256(raw).hexdigest() == row.file_sha256
            signed = json.loads(raw) if unchanged else None
        except (OSError, ValueError):
            signed = None
        if signed is None:
            report.notes.append(f"line {outcome.line}: {target} is not the file the ledger recorded: not baked")
            continue
        written += bake_award(signed, emblems.get(outcome.credential_id, {}), target, missing_kinds(target))
    if written:
        os.sync()  # as for new awards: on disk before the run reports success
    return written


def _emblems(catalog: model.Catalog, settings: IssueSettings, needed: set[str]) -> dict[str, dict[str, bytes]]:
    """The emblems (PNG and SVG bytes) of the credentials this run issues, drawn once, for baking."""
    from cc_cli.emblem.render import emblem_bytes

    return {cid: emblem_bytes(catalog, catalog.credentials[cid], settings.bake) for cid in sorted(needed)}


def _finish(report: IssueReport, roster: Any, settings: IssueSettings, ledger: Ledger | None) -> IssueReport:
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
