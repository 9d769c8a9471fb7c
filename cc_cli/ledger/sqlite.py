"""The award ledger: SQLite (standard library, WAL) recording every award, batch and revocation.

Constraints, not code paths, make double issuing impossible, even for two `cc issue` processes at once:
- `row_key` is unique: one award per roster row identity (email, credential, issue date, external id),
  so re-running a roster, or running it twice at the same time, issues nothing twice;
- a partial unique index allows one live award per (credential, recipient) for `deny` and `replace`
  credentials (`allow` credentials may be awarded again, from other rows);
- `status_index` is unique, so two awards never share a revocation bit.

Awards are written in two steps for crash safety: the row is committed as `pending` first, then the file
is written, then the row becomes `issued`. A run that finds unwritten rows of a batch whose run is over
(crashed, even `kill -9`) finishes them and closes that batch: the award document is rebuilt from the row
(Ed25519 signatures are deterministic), so the file is exactly what it would have been. A batch whose run
is alive is left to it: each run holds the lease of its batch (`cc_cli.ledger.leases`), and only batches
whose lease is free are taken over (`claim_unwritten`).

An older ledger is upgraded in place, in one transaction, by the first `cc issue` that opens it
(`MIGRATIONS`); every command reads it meanwhile. A newer one is refused.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from cc_cli.core.problems import UsageError
from cc_cli.ledger.base import (
    BATCH_COLUMNS,
    COLUMNS,
    EXTERNAL_COLUMNS,
    FINISHED_COUNTS,
    RENEWAL_INDEXES,
    STARTED_COUNTS,
    STATES,
    AwardLedger,
    AwardRow,
    Claimed,
    ExternalAward,
    OutboxRows,
    Standing,
    batch_counts,
    in_link_order,
    new_ledger_id,
)
from cc_cli.ledger.environment import LOCK_TIMEOUT as LOCK_TIMEOUT  # re-exported: the default wait
from cc_cli.ledger.environment import ledger_error, lock_timeout, maps_errors
from cc_cli.ledger.leases import Leases
from cc_cli.ledger.outbox import OUTBOX_COLUMNS, OUTBOX_TABLES, Delivery, MessageOutbox, awards_with_delivery

__all__ = [
    "COLUMNS",
    "OUTBOX_TABLES",
    "SCHEMA_VERSION",
    "AwardRow",
    "Claimed",
    "Delivery",
    "Ledger",
    "LedgerReader",
    "Standing",
]

SCHEMA_VERSION = 4
_INSERT_AWARD = f"INSERT INTO awards ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY,
    roster_path TEXT NOT NULL,
    roster_sha256 TEXT NOT NULL,
    issuer_did TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    rows_total INTEGER NOT NULL DEFAULT 0,
    issued INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    replaced INTEGER NOT NULL DEFAULT 0,
    closed_by INTEGER REFERENCES batches(id)  -- the batch whose run completed this one, when its own died
);
CREATE TABLE IF NOT EXISTS awards (
    id TEXT PRIMARY KEY,                 -- urn:uuid:...
    row_key TEXT NOT NULL UNIQUE,        -- one award per roster row identity
    credential_id TEXT NOT NULL,
    email TEXT NOT NULL,                 -- as written in the roster
    email_lower TEXT NOT NULL,
    name TEXT NOT NULL,
    salt TEXT NOT NULL,
    policy TEXT NOT NULL,                -- deny | allow | replace | renew, from the catalog at issue time
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    roster_line INTEGER NOT NULL,
    external_id TEXT,
    issued_at TEXT NOT NULL,             -- validFrom
    awarded_at TEXT NOT NULL,            -- awardedDate, kept from the award a renewal replaces
    valid_until TEXT,
    evidence_url TEXT,
    evidence_narrative TEXT,
    status_index INTEGER NOT NULL UNIQUE,
    signed_at TEXT NOT NULL,             -- proof `created`
    state TEXT NOT NULL CHECK (state IN ('pending', 'issued', 'revoked')),
    revoked_at TEXT,
    revoked_reason TEXT,
    replaces TEXT REFERENCES awards(id),
    file TEXT NOT NULL,                  -- relative to the output folder
    file_sha256 TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS one_live_award
    ON awards (credential_id, email_lower) WHERE state != 'revoked' AND policy NOT IN ('allow', 'renew');
CREATE UNIQUE INDEX IF NOT EXISTS one_renewal_of_each
    ON awards (credential_id, email_lower, COALESCE(replaces, '')) WHERE state != 'revoked' AND policy = 'renew';
CREATE INDEX IF NOT EXISTS awards_by_recipient ON awards (email_lower, credential_id);
CREATE INDEX IF NOT EXISTS awards_unwritten ON awards (file_sha256) WHERE file_sha256 IS NULL;
-- For `cc report` (cc_cli/ledger/outcomes.py): the awards in UTC-month and credential order, with every
-- column the monthly count reads, so SQLite groups them as it reads the index instead of sorting a million
-- rows (3.6 -> 0.7 s), and the few awards a later one replaced. The month comes first so that no statement
-- grouping by credential alone reads the awards through this index, a row lookup per award.
CREATE INDEX IF NOT EXISTS awards_by_month
    ON awards (substr(issued_at, 1, 7), credential_id, state, valid_until, issued_at, id);
CREATE INDEX IF NOT EXISTS awards_replaced ON awards (replaces) WHERE replaces IS NOT NULL;
"""
# Schema 4: awards issued elsewhere (`cc import awards`), never signed by cc.
EXTERNAL_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS external_awards (
    id TEXT PRIMARY KEY,                 -- urn:uuid:..., cc's id of the record
    import_key TEXT NOT NULL UNIQUE,     -- one record per imported award, however often it is imported
    source TEXT NOT NULL,                -- credly, or what --source said
    source_id TEXT,                      -- the source's id of the award
    credential_id TEXT NOT NULL,
    email TEXT NOT NULL,
    email_lower TEXT NOT NULL,
    name TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    valid_until TEXT,
    state TEXT NOT NULL CHECK (state IN ('issued', 'expired', 'revoked', 'rejected')),
    url TEXT,
    external_id TEXT,
    import_file TEXT NOT NULL,
    import_line INTEGER NOT NULL,
    imported_at TEXT NOT NULL
)""",
    "CREATE INDEX IF NOT EXISTS external_awards_by_recipient ON external_awards (email_lower, credential_id)",
)
SCHEMA += ";\n".join(EXTERNAL_SCHEMA) + ";\n"

# The statements that take a ledger of schema version N to N + 1 (run in one transaction, in order).
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: ("ALTER TABLE batches ADD COLUMN closed_by INTEGER REFERENCES batches(id)",),
    2: RENEWAL_INDEXES,
    3: EXTERNAL_SCHEMA,
}


def _retry_while_locked(action: Callable[[], None]) -> None:
    """Run `action`, retrying while another process holds the lock.

    SQLite's busy timeout does not cover switching a brand-new file to WAL: two `cc issue` runs that
    create the same ledger at once would otherwise see "database is locked" straight away."""
    deadline = time.monotonic() + lock_timeout()
    delay = 0.01
    while True:
        try:
            action()
            return
        except sqlite3.OperationalError as exc:
            if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.5)


LEDGER_TABLES = frozenset({"meta", "batches", "awards"})


def _version(db: sqlite3.Connection, tables: set[str]) -> str | None:
    """The schema version of a cc ledger; None for any other database (another program's `meta`
    table, as Chrome's History has, is not enough: cc's three tables and its version row must be there)."""
    if not tables >= LEDGER_TABLES:
        return None
    try:
        found = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.OperationalError:  # a `meta` table of another shape
        return None
    return str(found[0]) if found else None


def _require_version(version: str | None, what: str) -> None:
    """UsageError unless `version` is one this cc reads: its own, or an older one it upgrades."""
    if version is None:
        raise UsageError(f"{what} is not a cc ledger (an SQLite database without cc's tables)")
    if not version.isdigit() or not 1 <= int(version) <= SCHEMA_VERSION:
        raise UsageError(
            f"{what} has schema version {version}; this cc reads versions 1 to {SCHEMA_VERSION}: "
            "a newer cc wrote it, so use that one (upgrade cc)"
        )


def _upgrade(db: sqlite3.Connection) -> None:
    """Bring the ledger to SCHEMA_VERSION (inside the caller's write transaction, so two runs cannot both
    upgrade, and a failure leaves the ledger as it was)."""
    version = int(db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])
    if version >= SCHEMA_VERSION:
        return
    for step in range(version, SCHEMA_VERSION):
        for statement in MIGRATIONS[step]:
            db.execute(statement)
    db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))


def _table_names(db: sqlite3.Connection) -> set[str]:
    return {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def check_ledger_file(path: Path) -> int:
    """The schema version of the cc ledger at `path`, or a UsageError; opens it read-only, so checking never
    changes it."""
    if not path.is_file():
        raise UsageError(f"--ledger {path}: no such file" if not path.exists() else f"--ledger {path}: not a file")
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            version = _version(db, _table_names(db))
        finally:
            db.close()
    except sqlite3.OperationalError as exc:
        raise UsageError(
            f"--ledger {path} cannot be read ({exc}); SQLite needs write access to the ledger's folder to read "
            "a WAL ledger: run as its owner, or copy the folder"
        ) from None
    except sqlite3.DatabaseError as exc:
        raise UsageError(f"--ledger {path} is not a cc ledger ({exc})") from None
    _require_version(version, f"--ledger {path}")
    return int(str(version))


def _open_problem(exc: sqlite3.Error, path: Path) -> UsageError:
    return ledger_error(exc, path) or UsageError(f"cannot open the ledger {path}: {exc}")


@maps_errors
class Ledger(AwardLedger):
    """A connection to one ledger file. Writes go through short `BEGIN IMMEDIATE` transactions."""

    backend = "sqlite"

    def __init__(self, path: Path, *, create: bool = True) -> None:
        """Open the ledger at `path`; with `create`, make it (and its tables) if it is missing or empty, and
        upgrade a ledger of an older schema.

        Refuses, with a UsageError, a file that is not a cc ledger (another SQLite database, a CSV) or one of
        a newer schema: cc must never write its tables into someone else's database."""
        self.path = path
        self.leases = Leases(path)
        if not create and not path.is_file():
            raise UsageError(f"no ledger at {path} (give --ledger or --out)")
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we open transactions ourselves, so we choose IMMEDIATE (take the write
        # lock up front) and two processes never deadlock upgrading a read lock.
        try:
            self.db = sqlite3.connect(path, timeout=lock_timeout(), isolation_level=None)
        except sqlite3.Error as exc:  # a folder cc cannot write in
            raise _open_problem(exc, path) from None
        try:
            # Decide before changing anything (not even the journal mode): a refused file stays byte-identical.
            tables = self._tables()
            if tables:
                _require_version(_version(self.db, tables), str(path))
            elif not create:
                raise UsageError(f"{path} is not a cc ledger (an empty file or database)")
            if create:
                _retry_while_locked(self._set_up)  # CREATE ... IF NOT EXISTS: changes nothing in a ledger
            else:
                self.db.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:  # locked past the timeout, read-only folder, not a database...
            self.db.close()
            raise _open_problem(exc, path) from None
        except BaseException:
            self.db.close()
            raise

    def _tables(self) -> set[str]:
        """Table names; an empty file or one being created by another run has none yet."""
        names: set[str] = set()

        def read() -> None:
            names.update(_table_names(self.db))

        _retry_while_locked(read)
        return names

    def _set_up(self) -> None:
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        with self.transaction():
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('ledger_id', ?)", (new_ledger_id(),))
            _upgrade(self.db)

    def close(self) -> None:
        """Close the connection and give back every lease this ledger holds."""
        self.leases.close()
        self.db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    @property
    def where(self) -> str:
        return str(self.path)

    def schema_version(self) -> int:
        return int(self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])

    def ledger_id(self) -> str | None:
        found = self.db.execute("SELECT value FROM meta WHERE key = 'ledger_id'").fetchone()
        return str(found[0]) if found else None

    def state_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATES, 0)
        counts.update(self.db.execute("SELECT state, COUNT(*) FROM awards GROUP BY state").fetchall())
        return counts

    def select(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return self.db.execute(sql, tuple(params)).fetchall()

    def days_between(self, earlier: str, later: str) -> str:
        return f"(julianday({later}) - julianday({earlier}))"

    def id_list(self, column: str) -> str:
        return f"group_concat(DISTINCT {column})"

    def lease_is_free(self, batch_id: int) -> bool:
        if not self.leases.take(batch_id):
            return False
        self.leases.release(batch_id)
        return True

    def standing(self, award_id: object) -> Standing | None:
        return _standing(self.db, award_id)

    def import_rows(
        self,
        batches: list[tuple[object, ...]],
        awards: list[AwardRow],
        ledger_id: str | None = None,
        outbox: OutboxRows | None = None,
    ) -> None:
        closing = BATCH_COLUMNS.index("closed_by")
        with self.transaction() as db:
            if ledger_id:  # a copy is the same ledger moved: its published lists stay its own
                db.execute("UPDATE meta SET value = ? WHERE key = 'ledger_id'", (ledger_id,))
            # closed_by points at batches written later: set once every batch is there. Awards go in link
            # order instead, with `replaces` in place (see in_link_order).
            marks = ", ".join("?" * len(BATCH_COLUMNS))
            unlinked = [(*batch[:closing], None, *batch[closing + 1 :]) for batch in batches]
            db.executemany(f"INSERT INTO batches ({', '.join(BATCH_COLUMNS)}) VALUES ({marks})", unlinked)
            db.executemany(
                "UPDATE batches SET closed_by = ? WHERE id = ?",
                [(batch[closing], batch[0]) for batch in batches if batch[closing] is not None],
            )
            marks = ", ".join("?" * len(COLUMNS))
            rows = [award.values() for award in in_link_order(awards)]
            db.executemany(f"INSERT INTO awards ({', '.join(COLUMNS)}) VALUES ({marks})", rows)
            if outbox is not None:
                deliveries, suppressions = outbox
                marks = ", ".join("?" * len(OUTBOX_COLUMNS))
                db.executemany(f"INSERT INTO outbox ({', '.join(OUTBOX_COLUMNS)}) VALUES ({marks})", deliveries)
                db.executemany("INSERT INTO suppressions (email_lower, added_at) VALUES (?, ?)", suppressions)

    # Reads ---------------------------------------------------------------------------------------

    def _rows(self, where: str, params: Iterable[object] = ()) -> list[AwardRow]:
        cursor = self.db.execute(f"SELECT {', '.join(COLUMNS)} FROM awards {where}", tuple(params))
        return [AwardRow(*row) for row in cursor.fetchall()]

    def award(self, award_id: str) -> AwardRow | None:
        found = self._rows("WHERE id = ?", (award_id,))
        return found[0] if found else None

    def by_row_keys(self, keys: list[str]) -> dict[str, AwardRow]:
        found: dict[str, AwardRow] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._rows(f"WHERE row_key IN ({marks})", chunk):
                found[row.row_key] = row
        return found

    def live_awards(self, email_lower: str) -> list[AwardRow]:
        """Awards the recipient holds that are not revoked (expiry is judged by the caller)."""
        return self._rows("WHERE email_lower = ? AND state != 'revoked' ORDER BY issued_at", (email_lower,))

    def holdings(self) -> dict[str, set[str]]:
        """Every recipient's live credential ids: for prerequisite checks of a whole roster at once."""
        held: dict[str, set[str]] = {}
        for email_lower, credential_id in self.db.execute(
            "SELECT email_lower, credential_id FROM awards WHERE state != 'revoked'"
        ):
            held.setdefault(email_lower, set()).add(credential_id)
        return held

    def recipient_awards(self, email_lower: str) -> list[AwardRow]:
        return self._rows("WHERE email_lower = ? ORDER BY issued_at, id", (email_lower,))

    def all_awards(self) -> list[AwardRow]:
        return self._rows("ORDER BY status_index")

    def any_award(self) -> AwardRow | None:
        """One award (the first issued), or None for an empty ledger."""
        found = self._rows("ORDER BY status_index LIMIT 1")
        return found[0] if found else None

    def ids_starting(self, prefix: str, limit: int) -> list[str]:
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        query = "SELECT id FROM awards WHERE id >= ? AND id < ? ORDER BY id LIMIT ?"
        return [found for (found,) in self.db.execute(query, (prefix, upper, limit))]

    def recipient_emails(self) -> dict[str, str]:
        return {low: written for low, written in self.db.execute("SELECT email_lower, email FROM awards")}

    def issuers(self) -> set[str]:
        """The did:key of every batch that issued an award: one ledger, one issuer key."""
        query = "SELECT DISTINCT b.issuer_did FROM awards a JOIN batches b ON a.batch_id = b.id"
        return {issuer for (issuer,) in self.db.execute(query)}

    def revoked_indexes(self) -> list[int]:
        return [row[0] for row in self.db.execute("SELECT status_index FROM awards WHERE state = 'revoked'")]

    def status_indexes(self) -> list[int]:
        """Every status-list index in use (revoked or not): the status lists must cover them all."""
        return [row[0] for row in self.db.execute("SELECT status_index FROM awards")]

    def status_facts(self) -> tuple[list[int], list[int]]:
        """(every status index in use, the revoked ones), read in one snapshot: what the lists must say."""
        self.db.execute("BEGIN")  # deferred: a read transaction, so both reads see the same ledger
        try:
            return self.status_indexes(), self.revoked_indexes()
        finally:
            self.db.execute("COMMIT")

    def next_status_index(self) -> int:
        found = self.db.execute("SELECT MAX(status_index) FROM awards").fetchone()[0]
        return 0 if found is None else int(found) + 1

    # Writes (call inside `transaction()`) --------------------------------------------------------

    def start_batch(
        self,
        roster_path: str,
        roster_sha256: str,
        issuer_did: str,
        started_at: str,
        planned: dict[str, int] | None = None,
    ) -> int:
        """Record a new batch (with the counts known before issuing: `planned` rows, rejected, skipped) and
        hold its lease until `finish_batch` or `close`: while held, no other run takes over its awards."""
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO batches (roster_path, roster_sha256, issuer_did, started_at, rows_total, skipped, "
                "rejected) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    roster_path,
                    roster_sha256,
                    issuer_did,
                    started_at,
                    *batch_counts(planned, STARTED_COUNTS),
                ),
            )
            batch_id = int(cursor.lastrowid or 0)
            # Leased before the commit makes the batch visible: no run can see it unleased and take it over.
            if not self.leases.take(batch_id):
                raise UsageError(
                    f"batch {batch_id} of the ledger {self.path} is held by another run; run cc issue again"
                )
        return batch_id

    def claim_unwritten(self, batch_id: int) -> Claimed:
        """Take over the batches whose run is over (their lease is free) but which are not closed, or left
        awards unwritten: their leases are held for `batch_id` until `close_claimed`. Batches of live runs
        are left alone, whatever they have pending."""
        candidates = [
            found
            for (found,) in self.db.execute(
                "SELECT id FROM batches WHERE id != ?1 AND finished_at IS NULL "
                "UNION SELECT batch_id FROM awards WHERE file_sha256 IS NULL AND batch_id != ?1 ORDER BY 1",
                (batch_id,),
            )
        ]
        taken = [found for found in candidates if self.leases.take(found)]
        if not taken:
            return Claimed()
        # Read again under the leases: a batch whose run finished (and let go) meanwhile is not ours to close.
        marks = ",".join("?" * len(taken))
        dead = [
            found
            for (found,) in self.db.execute(
                f"SELECT id FROM batches WHERE id IN ({marks}) AND (finished_at IS NULL OR id IN "
                f"(SELECT batch_id FROM awards WHERE file_sha256 IS NULL AND batch_id IN ({marks}))) ORDER BY id",
                (*taken, *taken),
            )
        ]
        for found in set(taken) - set(dead):
            self.leases.release(found)
        if not dead:
            return Claimed()
        rows = self._rows(
            f"WHERE file_sha256 IS NULL AND batch_id IN ({','.join('?' * len(dead))}) ORDER BY status_index", dead
        )
        return Claimed(dead, rows)

    def close_claimed(self, claimed: Claimed, by_batch: int, finished_at: str) -> None:
        """Close the batches `claim_unwritten` took over, once their awards are written: `finished_at`,
        `closed_by` and the counts their awards give (rows and rejects as recorded when they started)."""
        if not claimed.batches:
            return
        with self.transaction() as db:
            for batch_id in claimed.batches:
                issued, replaced = db.execute(
                    "SELECT COUNT(*), COUNT(replaces) FROM awards WHERE batch_id = ?", (batch_id,)
                ).fetchone()
                db.execute(
                    "UPDATE batches SET finished_at = ?, closed_by = ?, issued = ?, replaced = ?, "
                    "skipped = MAX(rows_total - rejected - ?, 0) WHERE id = ? AND finished_at IS NULL",
                    (finished_at, by_batch, issued, replaced, issued, batch_id),
                )
        for batch_id in claimed.batches:
            self.leases.release(batch_id)

    def finish_batch(self, batch_id: int, finished_at: str, counts: dict[str, int]) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE batches SET finished_at = ?, rows_total = ?, issued = ?, skipped = ?, rejected = ?, "
                "replaced = ? WHERE id = ?",
                (finished_at, *batch_counts(counts, FINISHED_COUNTS), batch_id),
            )
        self.leases.release(batch_id)  # finished: there is nothing left to take over

    def insert_pending(self, db: sqlite3.Connection, row: AwardRow) -> None:
        db.execute(_INSERT_AWARD, row.values())

    def add_pending(self, chunk: list[tuple[AwardRow, AwardRow | None]], revoked_at: str) -> list[bool]:
        """Commit a chunk of new awards as pending in one transaction, each with the next free status index.
        An award paired with the one it supersedes revokes it in the same step (a renewal). False where
        another run got there first: a unique constraint (or the superseded award already revoked) refused
        that one award, and only that one."""
        added: list[bool] = []
        with self.transaction() as db:
            index = self.next_status_index()
            if self._add_all(db, chunk, index):
                return [True] * len(chunk)
            for row, superseded in chunk:
                row.status_index = index
                db.execute("SAVEPOINT one_award")
                try:
                    if superseded is not None and not self.revoke(
                        db, superseded.id, f"superseded by {row.id}", revoked_at
                    ):
                        raise sqlite3.IntegrityError("already superseded")
                    self.insert_pending(db, row)
                except sqlite3.IntegrityError:
                    db.execute("ROLLBACK TO one_award")
                    added.append(False)
                else:
                    index += 1
                    added.append(True)
                db.execute("RELEASE one_award")
        return added

    def _add_all(self, db: sqlite3.Connection, chunk: list[tuple[AwardRow, AwardRow | None]], index: int) -> bool:
        """The usual case of `add_pending` in one statement: a chunk that supersedes nothing and that no other
        run raced, inserted with consecutive status indexes. False, with nothing of it left inserted, when a
        unique constraint refuses any one award: then each award is tried on its own (the savepoint and the
        statement per award were half the parent's time per award)."""
        if not chunk or any(superseded is not None for _, superseded in chunk):
            return False
        for offset, (row, _) in enumerate(chunk):
            row.status_index = index + offset
        db.execute("SAVEPOINT whole_chunk")
        try:
            db.executemany(_INSERT_AWARD, [row.values() for row, _ in chunk])
        except sqlite3.IntegrityError:
            db.execute("ROLLBACK TO whole_chunk")
            db.execute("RELEASE whole_chunk")
            return False
        db.execute("RELEASE whole_chunk")
        return True

    def revoke_awards(self, award_ids: list[str], reason: str, revoked_at: str) -> list[str]:
        """Revoke these awards in one transaction; the ids that were not revoked before."""
        with self.transaction() as db:
            return [award_id for award_id in award_ids if self.revoke(db, award_id, reason, revoked_at)]

    def mark_issued(self, done: list[tuple[str, str]]) -> None:
        """[(award id, file sha256)]: the files are on disk, the awards are issued."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE awards SET file_sha256 = ?, state = CASE state WHEN 'pending' THEN 'issued' ELSE state END "
                "WHERE id = ?",
                [(digest, award_id) for award_id, digest in done],
            )

    def revoke(self, db: sqlite3.Connection, award_id: str, reason: str, revoked_at: str) -> bool:
        """Mark one award revoked; False when it already was (revoking twice is a no-op)."""
        cursor = db.execute(
            "UPDATE awards SET state = 'revoked', revoked_at = ?, revoked_reason = ? WHERE id = ? AND state != 'revoked'",
            (revoked_at, reason, award_id),
        )
        return cursor.rowcount == 1

    def batches(self) -> list[tuple[object, ...]]:
        return self.db.execute(f"SELECT {', '.join(BATCH_COLUMNS)} FROM batches ORDER BY id").fetchall()

    # External awards (schema 4) -------------------------------------------------------------------

    def has_external_awards(self) -> bool:
        return "external_awards" in _table_names(self.db)  # a ledger of schema 3 or older opened read-only has none

    def add_external(self, rows: list[ExternalAward]) -> list[str]:
        marks = ", ".join("?" * len(EXTERNAL_COLUMNS))
        insert = f"INSERT INTO external_awards ({', '.join(EXTERNAL_COLUMNS)}) VALUES ({marks}) ON CONFLICT DO NOTHING"
        update = (
            "UPDATE external_awards SET state = ?1, valid_until = ?2, url = ?3 WHERE import_key = ?4 AND "
            "state != 'revoked' AND (state IS NOT ?1 OR valid_until IS NOT ?2 OR url IS NOT ?3)"
        )
        found: list[str] = []
        with self.transaction() as db:
            for row in rows:
                if db.execute(insert, row.values()).rowcount == 1:
                    found.append("new")
                    continue
                changed = db.execute(update, (row.state, row.valid_until, row.url, row.import_key)).rowcount
                found.append("updated" if changed == 1 else "same")
        return found

    def external_awards(self, email_lower: str | None = None) -> list[ExternalAward]:
        if not self.has_external_awards():
            return []
        query = f"SELECT {', '.join(EXTERNAL_COLUMNS)} FROM external_awards"
        if email_lower is None:
            cursor = self.db.execute(query + " ORDER BY issued_at, credential_id, import_key")
        else:
            cursor = self.db.execute(
                query + " WHERE email_lower = ? ORDER BY issued_at, credential_id, import_key", (email_lower,)
            )
        return [ExternalAward(*row) for row in cursor.fetchall()]

    def external_keys(self, keys: list[str]) -> set[str]:
        if not self.has_external_awards():
            return set()
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT import_key FROM external_awards WHERE import_key IN ({marks})"
            found.update(key for (key,) in self.db.execute(query, chunk))
        return found


def _standing(db: sqlite3.Connection, award_id: object) -> Standing | None:
    row = db.execute(
        "SELECT a.state, a.revoked_at, a.revoked_reason, a.status_index, b.issuer_did FROM awards a"
        " JOIN batches b ON b.id = a.batch_id WHERE a.id = ?",
        (award_id,),
    ).fetchone()
    return Standing(*row) if row is not None else None


def open_ledger(ledger_file: Path) -> Ledger:
    """Open an existing ledger; never create an empty one where the user mistyped a path."""
    return Ledger(ledger_file, create=False)


@maps_errors
class LedgerReader:
    """A read-only look at a ledger file: verifying never writes to (or creates) a ledger."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)

    def standing(self, award_id: object) -> Standing | None:
        return _standing(self.db, award_id)

    def close(self) -> None:
        self.db.close()


# ------------------------------------------------------------------------------------------------------
# The outbox (`cc_cli.ledger.outbox`): its tables are created on demand by `Outbox(ledger)`, not by
# SCHEMA/SCHEMA_VERSION. Standard SQL only (the upsert is `ON CONFLICT ... DO UPDATE`, which PostgreSQL's
# outbox shares).

OUTBOX_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    award_id TEXT NOT NULL REFERENCES awards(id),
    kind TEXT NOT NULL CHECK (kind IN ('award', 'renewal', 'revoked')),
    occasion TEXT NOT NULL DEFAULT '',
    recipient TEXT NOT NULL,
    message_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_reply TEXT,
    updated_at TEXT NOT NULL,
    sent_at TEXT,
    PRIMARY KEY (award_id, kind, occasion)
);
CREATE TABLE IF NOT EXISTS suppressions (
    email_lower TEXT PRIMARY KEY,
    added_at TEXT NOT NULL
)
"""

# One message's outcome: the upsert both backends run (placeholders `?` here, `%s` in PostgreSQL).
RECORD = (
    "INSERT INTO outbox (award_id, kind, occasion, recipient, message_id, state, attempts, last_reply, "
    "updated_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?) "
    "ON CONFLICT (award_id, kind, occasion) DO UPDATE SET recipient = excluded.recipient, "
    "message_id = excluded.message_id, state = excluded.state, attempts = outbox.attempts + 1, "
    "last_reply = excluded.last_reply, updated_at = excluded.updated_at, sent_at = excluded.sent_at"
)


def record_values(delivery: Delivery) -> tuple[object, ...]:
    sent_at = delivery.at if delivery.state == "sent" else None
    return (
        delivery.award_id,
        delivery.kind,
        delivery.occasion,
        delivery.recipient,
        delivery.message_id,
        delivery.state,
        delivery.reply,
        delivery.at,
        sent_at,
    )


class Outbox(MessageOutbox):
    """The outbox and suppression tables of one open SQLite ledger (`cc_cli.ledger.outbox`)."""

    ledger: Ledger

    def __init__(self, ledger: Ledger, *, create: bool = True) -> None:
        """With `create`, make the tables if they are missing; without, a ledger without them reads as an
        outbox with nothing in it (a preview must not change the ledger)."""
        self.ledger = ledger
        self.db = ledger.db
        if create:
            _retry_while_locked(self._set_up)
            # One commit per message: in WAL mode, NORMAL survives a crash or kill -9 of cc (the commit is in
            # the WAL before it returns) and skips an fsync per message; only a power cut or OS crash can lose
            # the last records, and then those messages go out again with the same Message-ID.
            self.db.execute("PRAGMA synchronous=NORMAL")
        self.present = _table_names(self.db) >= OUTBOX_TABLES

    def _set_up(self) -> None:
        with self.ledger.transaction() as db:
            for statement in OUTBOX_SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)

    def awards_with_state(self, batch: int | None, credentials: list[str]) -> list[tuple[AwardRow, str | None]]:
        """Issued awards (optionally of one batch and some credentials) with the state of their award email
        (None: never tried), in issuing order."""
        where = ["a.state = 'issued'"]
        params: list[object] = []
        if batch is not None:
            where.append("a.batch_id = ?")
            params.append(batch)
        if credentials:
            where.append(f"a.credential_id IN ({', '.join('?' * len(credentials))})")
            params.extend(credentials)
        query = awards_with_delivery(where, self.present)
        return [(AwardRow(*row[:-1]), row[-1]) for row in self.db.execute(query, params)]

    def states(self, kind: str, keys: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """{(award id, occasion): state} of these messages of one kind; messages never tried are absent."""
        if not self.present or not keys:
            return {}
        wanted = set(keys)
        ids = sorted({award_id for award_id, _ in keys})
        found: dict[tuple[str, str], str] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            query = f"SELECT award_id, occasion, state FROM outbox WHERE kind = ? AND award_id IN ({', '.join('?' * len(chunk))})"
            for award_id, occasion, state in self.db.execute(query, (kind, *chunk)):
                if (award_id, occasion) in wanted:
                    found[(award_id, occasion)] = state
        return found

    def record(self, delivery: Delivery) -> None:
        """Record one message's outcome in its own transaction (committed before the next message goes out).
        Each call counts one attempt."""
        self.db.execute(RECORD, record_values(delivery))  # one statement: its own transaction (autocommit)

    def deliveries(self, kind: str | None = None) -> list[tuple[object, ...]]:
        """Every outbox row (for reports and tests): award_id, kind, occasion, recipient, message_id, state,
        attempts, last_reply, updated_at, sent_at."""
        if not self.present:
            return []
        query = "SELECT award_id, kind, occasion, recipient, message_id, state, attempts, last_reply, updated_at, sent_at FROM outbox"
        if kind is None:
            return self.db.execute(query + " ORDER BY award_id, kind, occasion").fetchall()
        return self.db.execute(query + " WHERE kind = ? ORDER BY award_id, occasion", (kind,)).fetchall()

    def suppression_rows(self) -> list[tuple[object, ...]]:
        if not self.present:
            return []
        return self.db.execute("SELECT email_lower, added_at FROM suppressions ORDER BY email_lower").fetchall()

    def suppress(self, email_lower: str, at: str) -> bool:
        """Add an address to the ledger's suppression list; False when it was there already."""
        with self.ledger.transaction() as db:
            cursor = db.execute(
                "INSERT INTO suppressions (email_lower, added_at) VALUES (?, ?) ON CONFLICT (email_lower) DO NOTHING",
                (email_lower, at),
            )
        return cursor.rowcount == 1

    def suppressed(self) -> set[str]:
        """Every address of the ledger's suppression list (lower-cased)."""
        if not self.present:
            return set()
        return {email for (email,) in self.db.execute("SELECT email_lower FROM suppressions")}

    @contextlib.contextmanager
    def sending(self) -> Iterator[None]:
        """One sending run per ledger at a time: two runs would both pick the same pending messages. A lock
        file beside the ledger (flock: released by the kernel when a run dies, even by kill -9)."""
        import fcntl

        path = self.ledger.path.with_name(self.ledger.path.name + ".notify-lock")
        with open(path, "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise UsageError(
                    f"another cc notify is sending from the ledger {self.ledger.path}: wait for it to end"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
