"""`cc issue` orchestration: check and plan every row, then issue in crash-safe chunks (the order of work is
explained in `cc_cli.issue.plan`)."""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future
from datetime import UTC, datetime
from functools import partial
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cc_cli.catalog import model
from cc_cli.core.problems import UsageError
from cc_cli.core.stamps import utc_stamp
from cc_cli.core.testhooks import pause_point
from cc_cli.core.workers import fewer_collections, workers_for
from cc_cli.credentials.keys import check_catalog_key, issuer_key_path, load_issuer_key
from cc_cli.credentials.status_list import Owner, check_owner, check_valid_for, owner_of
from cc_cli.issue.outputs import bake_earlier, emblems_for, report_not_baked, write_outputs
from cc_cli.issue.plan import (
    CHUNK,
    Planned,
    document_for,
    external_held,
    live_awards,
    new_award_row,
    plan_rows,
    renewed_until,
)
from cc_cli.issue.report import IssueReport, IssueSettings, Outcome, Progress
from cc_cli.issue.writer import NotBaked, Task, Written, sign_and_write, sweep_temporaries, warm, writer_pool
from cc_cli.ledger.base import AwardLedger, AwardRow
from cc_cli.ledger.locate import LEDGER_FILE, Location, ledger_exists, open_ledger_at


def run_issue(settings: IssueSettings, progress: Progress | None = None) -> IssueReport:
    """Check the whole roster, then (unless dry-run or strict with rejects) issue what it asks for."""
    with fewer_collections():  # see there: 0.48 s of the parent's 3 s of CPU for 20,000 rows, 0.13 s so
        return _run_issue(settings, progress)


def _run_issue(settings: IssueSettings, progress: Progress | None) -> IssueReport:
    from cc_cli.catalog.roster import RosterError, read_roster
    from cc_cli.issue.row_checks import check_rows
    from cc_cli.rules.roster_rules import reading_options
    from cc_cli.validate.engine import require_valid

    tz, order = reading_options(settings.timezone, settings.date_format)
    catalog = require_valid(settings.catalog_root).catalog
    check_valid_for(catalog.info.status_list_valid_for)  # before anything is written
    # A dry run needs no key, but checks the one it is given: the plan must not promise what the run refuses.
    named = issuer_key_path(settings.key_path) is not None
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
    report.ignored_columns = roster.ignored
    ledger = _open_ledger(settings, catalog.info.base_url or "")
    try:
        if ledger is not None and did is not None:
            ledger.check_issuer(did)
        live = live_awards(ledger)
        held: dict[str, set[str]] = {}
        for (email_lower, credential_id), _row in live.items():
            held.setdefault(email_lower, set()).add(credential_id)
        external = ledger.external_awards() if ledger is not None else []  # `cc import awards`: count as held
        for email_lower, credentials in external_held(external).items():
            held.setdefault(email_lower, set()).update(credentials)
        checked = check_rows(roster, catalog, lambda email: held.get(email, set()), settings.now, tz, order)
        cells = {row.line: row.cells for row in roster.rows}
        for row, problems in checked.rejected:
            report.problems.extend(problems)
            reason = "; ".join(f"{p.code} {p.message}" for p in problems)
            report.outcomes.append(
                Outcome(row.line, row.cells.get("email", ""), row.cells.get("credential", ""), "reject", reason=reason)
            )
        report.problems.extend(roster.problems)
        plan = plan_rows(checked.valid, catalog, cells, ledger, live, settings.now, report, external)
        if settings.strict and checked.rejected:
            report.withheld = True
            for item in plan:  # listed, so no valid row goes unmentioned
                reason = "--strict: not issued because other rows were rejected; fix them and re-run"
                report.outcomes.append(
                    Outcome(item.row.line, item.row.email, item.credential.id, "withhold", reason=reason)
                )
            plan = []
        if settings.dry_run or ledger is None:
            for item in plan:
                report.outcomes.append(Outcome(item.row.line, item.row.email, item.credential.id, item.action))
            return write_outputs(report, roster, settings, None)
        assert key is not None and did is not None
        pause_point("planned")
        planned = {**report.counts(), "rows": len(report.outcomes) + len(plan)}  # if this run dies, its batch says so
        batch_id = ledger.start_batch(str(settings.roster), roster.sha256, did, utc_stamp(settings.now), planned)
        report.batch_id = batch_id
        workers = workers_for(settings.workers)
        needed = {item.credential.id for item in plan}
        emblems = emblems_for(catalog, settings, needed) if settings.bake else {}
        claimed = ledger.claim_unwritten(batch_id)  # only batches whose run is over: a live run keeps its work
        sweep_temporaries(settings.out)  # left by the workers of a killed run, whose awards we finish now
        warm(_first_documents(plan, catalog, did, batch_id) if workers > 1 else [])
        with writer_pool(workers, key, settings.out, settings.bake, emblems) as pool:
            if progress is not None:
                progress(0, len(plan) + len(claimed.rows))
            not_baked = partial(report_not_baked, report, settings)  # images that failed: CC510, never an abort
            report.recovered = _finish_unwritten(claimed.rows, ledger, catalog, did, pool, workers, progress, not_baked)
            ledger.close_claimed(claimed, batch_id, utc_stamp(datetime.now(UTC)))
            _issue(plan, ledger, catalog, did, batch_id, pool, workers, settings, report, progress, not_baked)
        write_outputs(report, roster, settings, ledger)
        _publish_status(ledger, catalog, key, settings)
        ledger.finish_batch(batch_id, utc_stamp(datetime.now(UTC)), report.counts())
        if settings.bake:  # extra, after the batch is complete: nothing here can leave it half done
            report.baked_earlier = bake_earlier(report, catalog, settings, ledger)
        return report
    finally:
        if ledger is not None:
            ledger.close()


def _load_key(settings: IssueSettings) -> Ed25519PrivateKey:
    return load_issuer_key(settings.key_path, "awards must be signed (create one with `cc keys init FILE`)")


def _did(key: Any) -> str:
    from cc_cli.credentials import signing

    return signing.did_key(key.public_key())


def _open_ledger(settings: IssueSettings, base_url: str) -> AwardLedger | None:
    location = settings.ledger_at
    fresh = not ledger_exists(location)
    if fresh:
        _guard_fresh_ledger(settings, location, base_url)
    if settings.dry_run and fresh:
        return None
    ledger = open_ledger_at(location, create=not settings.dry_run)  # a dry run writes nothing, not even tables
    try:
        ledger_id = ledger.ledger_id()
        if ledger_id:  # before anything is issued: the run must be able to publish its lists in --out
            check_owner(settings.out / "status", Owner(ledger_id, ledger.where, base_url))
    except BaseException:
        ledger.close()
        raise
    if not settings.dry_run:
        settings.out.mkdir(parents=True, exist_ok=True)  # only once the ledger is known to be good
    return ledger


SIBLINGS_LOOKED_AT = 200  # folders beside --out searched for this catalog's ledger (a typo's neighbours)


def _guard_fresh_ledger(settings: IssueSettings, location: Location, base_url: str) -> None:
    """Refuse to start a new ledger where it would collide with an existing one: in an --out that holds
    another ledger's status lists or awards, or (a typo in --out) beside a folder holding this catalog's."""
    status = settings.out / "status"
    found = owner_of(status)
    if found is not None:
        raise UsageError(
            f"--out {settings.out} holds the awards and status lists of the ledger {found.where}, and there is "
            f"no ledger at {location}: point at it with --ledger {found.where}; nothing was issued"
        )
    if any(status.glob("*.json")) or any(p.parent.name != "status" for p in settings.out.glob("*/*.json")):
        raise UsageError(
            f"--out {settings.out} holds awards but no ledger at {location}: a new ledger there would hand out "
            "status indexes its awards already use; give --ledger (the ledger that issued them), or another --out"
        )
    if settings.new_ledger or location != settings.out / LEDGER_FILE or not base_url:
        return
    parent = settings.out.absolute().parent
    try:
        siblings = [p for p in itertools.islice(parent.iterdir(), SIBLINGS_LOOKED_AT) if p.is_dir()]
    except OSError:
        return
    for sibling in sorted(siblings):
        other = owner_of(sibling / "status")
        if other is not None and other.base_url == base_url and sibling.name != settings.out.name:
            raise UsageError(
                f"--out {settings.out} would start a new ledger, but {sibling} beside it holds the ledger of "
                f"this catalog's awards ({other.where}): give --out {sibling}, or --new-ledger to start a "
                "second ledger on purpose; nothing was issued"
            )


def _first_documents(plan: list[Planned], catalog: model.Catalog, did: str, batch_id: int) -> list[dict[str, Any]]:
    """One unsigned award of each credential of the plan, as its first row will be built (not recorded, never
    signed): what `warm` compiles the workers' templates from."""
    from dataclasses import replace

    first: dict[str, Planned] = {}
    for item in plan:
        first.setdefault(item.credential.id, item)
    parts: dict[Any, Any] = {}
    rows = [new_award_row(item.row, item.credential, item.key, batch_id, "") for item in first.values()]
    return [document_for(replace(row, status_index=0), catalog, did, parts) for row in rows]


def _insert_chunk(
    chunk: list[Planned], ledger: AwardLedger, batch_id: int, signed_at: str, now: str
) -> list[tuple[Planned, AwardRow | None]]:
    """Commit a chunk's awards as pending in one transaction; None where another run got there first."""
    rows: list[tuple[AwardRow, AwardRow | None]] = []
    for item in chunk:
        row = new_award_row(item.row, item.credential, item.key, batch_id, signed_at)
        superseded = item.replaces if item.action == "replace" else None  # revoked in the same transaction
        if item.replaces is not None:
            row.awarded_at = item.replaces.awarded_at  # a renewal keeps the original award date
            row.replaces = item.replaces.id
        if item.action == "renew" and item.replaces is not None:
            row.valid_until = renewed_until(item.credential, item.row.issued_at, item.row.expires_at, item.replaces)
        rows.append((row, superseded))
    added = ledger.add_pending(rows, now)
    return [(item, row if ok else None) for item, (row, _), ok in zip(chunk, rows, added, strict=True)]


def _issue(
    plan: list[Planned],
    ledger: AwardLedger,
    catalog: model.Catalog,
    did: str,
    batch_id: int,
    pool: Executor,
    workers: int,
    settings: IssueSettings,
    report: IssueReport,
    progress: Progress | None,
    not_baked: Callable[[list[NotBaked]], None],
) -> None:
    signed_at = utc_stamp(datetime.now(UTC))
    now = utc_stamp(settings.now)
    in_flight: deque[tuple[Future[Written], int]] = deque()
    parts: dict[Any, Any] = {}  # each credential's achievement and issuer, built once for the run
    for start in range(0, len(plan), CHUNK):
        inserted = _insert_chunk(plan[start : start + CHUNK], ledger, batch_id, signed_at, now)
        pause_point("inserted")  # committed as pending, not yet written
        winners = _winners([item for item, row in inserted if row is None], ledger)
        task: Task = []
        for item, row in inserted:
            line, email, credential_id = item.row.line, item.row.email, item.credential.id
            if row is None:
                report.outcomes.append(_lost_outcome(item, winners.get(item.key)))
                continue
            replaces = f"replaces {row.replaces}" if row.replaces else ""
            report.outcomes.append(Outcome(line, email, credential_id, item.action, row.id, row.file, replaces))
            task.append((row.id, row.file, document_for(row, catalog, did, parts), row.signed_at))
        if task:
            in_flight.append((pool.submit(sign_and_write, task), len(task)))
        while len(in_flight) > workers * 2:
            _collect(in_flight.popleft(), ledger, progress, not_baked)
    while in_flight:
        _collect(in_flight.popleft(), ledger, progress, not_baked)


def _winners(lost: list[Planned], ledger: AwardLedger) -> dict[str, AwardRow]:
    """Row key -> the award another run issued for each row this run lost: the award of that very row, else
    the recipient's live award of that credential (which a deny or replace policy allows only one of)."""
    if not lost:
        return {}
    found = ledger.by_row_keys([item.key for item in lost])
    for item in lost:
        if item.key not in found:
            live = [r for r in ledger.live_awards(item.row.email.lower()) if r.credential_id == item.credential.id]
            if live:
                found[item.key] = live[-1]
    return found


def _lost_outcome(item: Planned, winner: AwardRow | None) -> Outcome:
    """The manifest row of a row another run issued first: it maps to that run's award."""
    line, email, credential_id = item.row.line, item.row.email, item.credential.id
    if winner is None:  # the award that won was revoked since: no award stands for this row now
        return Outcome(line, email, credential_id, "skip", reason="issued meanwhile by another cc issue run")
    reason = f"issued meanwhile by another cc issue run as {winner.id}"
    return Outcome(line, email, credential_id, "skip", winner.id, winner.file, reason)


def _collect(
    item: tuple[Future[Written], int],
    ledger: AwardLedger,
    progress: Progress | None,
    not_baked: Callable[[list[NotBaked]], None],
) -> None:
    """Wait for one task; record its awards as issued and report the images it could not bake."""
    future, count = item
    written = future.result()
    os.sync()  # the files are durable before the ledger says they exist
    ledger.mark_issued(written.done)
    not_baked(written.not_baked)
    if progress is not None:
        progress(count, None)


def _finish_unwritten(
    rows: list[AwardRow],
    ledger: AwardLedger,
    catalog: model.Catalog,
    did: str,
    pool: Executor,
    workers: int,
    progress: Progress | None,
    not_baked: Callable[[list[NotBaked]], None],
) -> int:
    """Write the files of awards that a run now over (interrupted, killed) committed but did not finish."""
    in_flight: deque[tuple[Future[Written], int]] = deque()
    parts: dict[Any, Any] = {}
    for start in range(0, len(rows), CHUNK):
        task: Task = [
            (row.id, row.file, document_for(row, catalog, did, parts), row.signed_at)
            for row in rows[start : start + CHUNK]
        ]
        in_flight.append((pool.submit(sign_and_write, task), len(task)))
        while len(in_flight) > workers * 2:
            _collect(in_flight.popleft(), ledger, progress, not_baked)
    while in_flight:
        _collect(in_flight.popleft(), ledger, progress, not_baked)
    return len(rows)


def _publish_status(ledger: AwardLedger, catalog: model.Catalog, key: Any, settings: IssueSettings) -> None:
    """Write the signed status lists the awards point at, so they resolve from the first run on (and
    reflect awards that `replace` just revoked). The ledger is read under the lock `cc revoke` takes too:
    a revocation made while this run works is in the lists it writes, or written after them."""
    from cc_cli.credentials.status_list import publish_status_lists

    if ledger.any_award() is None:
        return  # no award points at a list yet (awards are never deleted, so this cannot go stale)

    def facts() -> tuple[list[int], list[int]]:
        found = ledger.status_facts()
        pause_point("status-read")  # tests: the ledger is read, the lists are not yet written
        return found

    stamp = utc_stamp(datetime.now(UTC))
    base_url = catalog.info.base_url or ""
    ledger_id = ledger.ledger_id()
    owner = Owner(ledger_id, ledger.where, base_url) if ledger_id else None
    publish_status_lists(settings.out, base_url, key, stamp, facts, catalog.info.status_list_valid_for, owner=owner)
