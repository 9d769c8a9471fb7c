"""`cc ledger migrate | copy | status`: a ledger's schema, moving it between backends, and what is in it.

`copy_ledger` moves a whole ledger (SQLite to PostgreSQL, or back) into an empty one in one transaction,
ids, batches, status indexes and revocations kept, then reads the copy back and compares it with the
source row by row: an office that started on a laptop moves without losing a single award.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cc_cli.core.problems import UsageError
from cc_cli.ledger.base import BATCH_COLUMNS, EXTERNAL_STATES, AwardLedger
from cc_cli.ledger.locate import Location, is_url, masked, open_ledger_at
from cc_cli.ledger.open_outbox import open_outbox


@dataclass(frozen=True, slots=True)
class Migrated:
    """What `cc ledger migrate` did: `before` is 0 where it created the ledger."""

    where: str
    backend: str
    before: int
    after: int


def migrate(location: Location) -> Migrated:
    """Create the ledger's schema, or upgrade an older one; refuse anything that is not a cc ledger (or
    one that a newer cc wrote)."""
    from cc_cli.ledger.sqlite import check_ledger_file

    before = 0
    if not is_url(location) and Path(location).is_file() and Path(location).stat().st_size > 0:
        before = check_ledger_file(Path(location))
    ledger = open_ledger_at(location, create=True)
    try:
        if ledger.backend == "postgresql":
            # The outbox too, so a clerk without the right to create tables can run `cc notify` (SQLite makes
            # it on demand: whoever writes the file may create tables in it).
            open_outbox(ledger, create=True)
        found = getattr(ledger, "created_from", None)  # PostgreSQL says what it found before the upgrade
        return Migrated(ledger.where, ledger.backend, found if found is not None else before, ledger.schema_version())
    finally:
        ledger.close()


@dataclass(slots=True)
class Status:
    """`cc ledger status`: which ledger, its schema and issuer, its awards by state, its last batches."""

    backend: str
    where: str
    schema_version: int
    issuers: list[str]
    awards: dict[str, int]
    batches: int
    recent: list[dict[str, object]] = field(default_factory=list)
    external: dict[str, int] = field(default_factory=dict)  # awards issued elsewhere (`cc import awards`), by state

    def as_dict(self) -> dict[str, object]:
        return {
            "backend": self.backend,
            "ledger": self.where,
            "schema_version": self.schema_version,
            "issuers": self.issuers,
            "awards": self.awards,
            "batches": self.batches,
            "recent_batches": self.recent,
            "external_awards": self.external,
        }


def _batch_state(ledger: AwardLedger, batch: dict[str, object]) -> str:
    if batch["finished_at"] is not None:
        return f"completed by batch {batch['closed_by']}" if batch["closed_by"] is not None else "finished"
    return (
        "running" if not ledger.lease_is_free(int(str(batch["id"]))) else "interrupted (the next cc issue completes it)"
    )


def _external_counts(ledger: AwardLedger) -> dict[str, int]:
    counts = dict.fromkeys(EXTERNAL_STATES, 0)
    for row in ledger.external_awards():
        counts[row.state] = counts.get(row.state, 0) + 1
    return counts


def ledger_status(location: Location, recent: int = 5) -> Status:
    """The status of the ledger at `location` (it must exist: a status never creates one)."""
    ledger = open_ledger_at(location)
    try:
        batches = [dict(zip(BATCH_COLUMNS, row, strict=True)) for row in ledger.batches()]
        last = batches[-recent:][::-1]
        for batch in last:
            batch["state"] = _batch_state(ledger, batch)
        return Status(
            backend=ledger.backend,
            where=ledger.where,
            schema_version=ledger.schema_version(),
            issuers=sorted(ledger.issuers()),
            awards=ledger.state_counts(),
            batches=len(batches),
            recent=last,
            external=_external_counts(ledger),
        )
    finally:
        ledger.close()


@dataclass(frozen=True, slots=True)
class Copied:
    source: str
    target: str
    batches: int
    awards: int


def copy_ledger(source: Location, target: Location) -> Copied:
    """Copy every batch and award of `source` into the empty ledger `target` (created when missing), then
    check the copy row by row. Refuses a target that holds anything, and a source a live run is writing."""
    if str(source) == str(target) or (
        not is_url(source) and not is_url(target) and Path(source).resolve() == Path(target).resolve()
    ):
        raise UsageError(f"cc ledger copy: FROM and TO are both {masked(source)}")
    reader = open_ledger_at(source)
    try:
        batches = reader.batches()
        unfinished = [int(str(row[0])) for row in batches if row[BATCH_COLUMNS.index("finished_at")] is None]
        live = [batch for batch in unfinished if not reader.lease_is_free(batch)]
        if live:
            raise UsageError(
                f"a cc issue run is working on batch {live[0]} of {reader.where}: copy once it has finished"
            )
        awards = reader.all_awards()
        writer = open_ledger_at(target, create=True)
        try:
            held = len(writer.batches())
            if held or writer.any_award() is not None:
                raise UsageError(f"{writer.where} already holds {held} batch(es): copy into a new, empty ledger")
            # The outbox moves too: a moved ledger must not email everyone again, nor anyone who asked for none.
            sent = open_outbox(reader, create=False)
            rows = (sent.deliveries(), sent.suppression_rows()) if sent.present else None
            copied = open_outbox(writer, create=True) if rows is not None else None
            writer.import_rows(batches, awards, reader.ledger_id(), rows)
            external = reader.external_awards()
            writer.add_external(external)  # the awards issued elsewhere move with the ledger (schema 4)
            _compare(batches, writer.batches(), "batch", writer.where)
            _compare([a.values() for a in awards], [a.values() for a in writer.all_awards()], "award", writer.where)
            found = [a.values() for a in writer.external_awards()]
            _compare([a.values() for a in external], found, "external award", writer.where)
            if rows is not None and copied is not None:
                _compare(rows[0], copied.deliveries(), "outbox", writer.where)
                _compare(rows[1], copied.suppression_rows(), "suppression", writer.where)
            return Copied(reader.where, writer.where, len(batches), len(awards))
        finally:
            writer.close()
    finally:
        reader.close()


def _compare(expected: list[tuple[object, ...]], found: list[tuple[object, ...]], what: str, where: str) -> None:
    """UsageError at the first row of the copy that differs from the source's."""
    if len(expected) != len(found):
        raise UsageError(f"the copy in {where} has {len(found)} {what} rows, the source {len(expected)}")
    for mine, theirs in zip(expected, found, strict=True):
        if tuple(mine) != tuple(theirs):
            raise UsageError(f"the copy in {where} differs from the source at {what} {mine[0]}: {theirs} != {mine}")
