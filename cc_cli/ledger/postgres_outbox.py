"""The outbox of a PostgreSQL ledger (`cc_cli.ledger.outbox`): the same tables, states and upsert as the
SQLite one, and claims, because runs on several machines send from one ledger at once.

Claims are session advisory locks (`pg_try_advisory_lock(CLAIM_CLASS, hash of the message)`) of the
sending run's connection: taken for a few dozen messages at a time, in one short statement, and given back
once their outcomes are recorded. After taking a claim the run reads the message's state again, in a new
statement (so it sees every commit made before the claim was free): a message another run sent meanwhile
is counted as already sent, never sent twice. A run killed with `kill -9`, or whose machine went away,
loses its claims with its session; what it had not recorded as sent stays pending for the next run. No
transaction is held open while a message is on the wire: each record is one autocommitted statement.

The tables are created on demand (and by `cc ledger migrate`, so an office can make them with an owner's
rights once and let clerks send with plain INSERT/UPDATE rights), never by the schema version.
"""

from __future__ import annotations

import hashlib
from typing import Any

from cc_cli.ledger.base import AwardRow
from cc_cli.ledger.outbox import OUTBOX_COLUMNS, OUTBOX_TABLES, Delivery, Key, MessageOutbox, awards_with_delivery
from cc_cli.ledger.postgres import LEASE_CLASS, SETUP_LOCK, PostgresLedger, _guarded, _tables

CLAIM_CLASS = 0x63630002  # the first key of the advisory locks that claim messages (leases are 0x63630001)

OUTBOX_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    award_id TEXT COLLATE "C" NOT NULL REFERENCES awards(id),
    kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('award', 'renewal', 'revoked')),
    occasion TEXT COLLATE "C" NOT NULL DEFAULT '',
    recipient TEXT NOT NULL,
    message_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_reply TEXT,
    updated_at TEXT COLLATE "C" NOT NULL,
    sent_at TEXT COLLATE "C",
    PRIMARY KEY (award_id, kind, occasion)
);
CREATE TABLE IF NOT EXISTS suppressions (
    email_lower TEXT COLLATE "C" PRIMARY KEY,
    added_at TEXT NOT NULL
);
"""


def claim_key(key: Key) -> int:
    """The advisory lock key of one message: 32 bits of its hash. Two messages that share one only wait for
    each other (the second is claimed after the first is recorded); neither is ever sent twice."""
    digest = hashlib.blake2b("\0".join(key).encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


class PostgresOutbox(MessageOutbox):
    """The outbox and suppression tables of one open PostgreSQL ledger."""

    concurrent = True
    ledger: PostgresLedger

    def __init__(self, ledger: PostgresLedger, *, create: bool = True) -> None:
        self.ledger = ledger
        self.db: Any = ledger.db
        self._set_up(create)

    @property
    def where(self) -> str:
        return self.ledger.where

    @property
    def url(self) -> str:
        return self.ledger.url

    @_guarded
    def _set_up(self, create: bool) -> None:
        present = _tables(self.db) >= OUTBOX_TABLES
        if create and not present:
            with self.db.transaction():  # under the schema lock: two first runs do not both create them
                self.db.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LEASE_CLASS, SETUP_LOCK))
                self.db.execute(OUTBOX_SCHEMA)
            present = True
        if create:
            # One commit per message, not flushed to disk before it returns: a crash or kill -9 of cc loses
            # nothing (the server has the commit); only a crash of the database server itself can lose the
            # last few records, and then those messages go out again with the same Message-ID. This
            # connection is the outbox's own (`cc notify` opens the ledger for it alone).
            self.db.execute("SET synchronous_commit = off")
        self.present = present

    @_guarded
    def awards_with_state(self, batch: int | None, credentials: list[str]) -> list[tuple[AwardRow, str | None]]:
        where = ["a.state = 'issued'"]
        params: list[object] = []
        if batch is not None:
            where.append("a.batch_id = %s")
            params.append(batch)
        if credentials:
            where.append("a.credential_id = ANY(%s)")
            params.append(list(credentials))
        query = awards_with_delivery(where, self.present)
        return [(AwardRow(*row[:-1]), row[-1]) for row in self.db.execute(query, params).fetchall()]

    @_guarded
    def states(self, kind: str, keys: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
        if not self.present or not keys:
            return {}
        wanted = set(keys)
        ids = sorted({award_id for award_id, _ in keys})
        query = "SELECT award_id, occasion, state FROM outbox WHERE kind = %s AND award_id = ANY(%s)"
        return {
            (award_id, occasion): state
            for award_id, occasion, state in self.db.execute(query, (kind, ids)).fetchall()
            if (award_id, occasion) in wanted
        }

    @_guarded
    def record(self, delivery: Delivery) -> None:
        from cc_cli.ledger.sqlite import RECORD, record_values

        self.db.execute(RECORD.replace("?", "%s"), record_values(delivery))

    @_guarded
    def deliveries(self, kind: str | None = None) -> list[tuple[object, ...]]:
        if not self.present:
            return []
        query = f"SELECT {', '.join(OUTBOX_COLUMNS)} FROM outbox"
        if kind is None:
            return [tuple(row) for row in self.db.execute(query + " ORDER BY award_id, kind, occasion").fetchall()]
        rows = self.db.execute(query + " WHERE kind = %s ORDER BY award_id, occasion", (kind,)).fetchall()
        return [tuple(row) for row in rows]

    @_guarded
    def suppression_rows(self) -> list[tuple[object, ...]]:
        if not self.present:
            return []
        rows = self.db.execute("SELECT email_lower, added_at FROM suppressions ORDER BY email_lower").fetchall()
        return [tuple(row) for row in rows]

    @_guarded
    def suppress(self, email_lower: str, at: str) -> bool:
        cursor = self.db.execute(
            "INSERT INTO suppressions (email_lower, added_at) VALUES (%s, %s) ON CONFLICT (email_lower) DO NOTHING",
            (email_lower, at),
        )
        return bool(cursor.rowcount == 1)

    @_guarded
    def suppressed(self) -> set[str]:
        if not self.present:
            return set()
        return {email for (email,) in self.db.execute("SELECT email_lower FROM suppressions").fetchall()}

    # Claims ----------------------------------------------------------------------------------------

    def _states_now(self, keys: list[Key]) -> dict[Key, str | None]:
        """The states of these messages, read in a statement of its own (after their claims were taken)."""
        found: dict[Key, str | None] = dict.fromkeys(keys)
        if not keys or not self.present:
            return found
        rows = self.db.execute(
            "SELECT o.award_id, o.kind, o.occasion, o.state FROM outbox o JOIN unnest(%s::text[], %s::text[], "
            "%s::text[]) AS k (award_id, kind, occasion) USING (award_id, kind, occasion)",
            ([k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]),
        ).fetchall()
        for award_id, kind, occasion, state in rows:
            found[(award_id, kind, occasion)] = state
        return found

    @_guarded
    def claim(self, keys: list[Key]) -> dict[Key, str | None]:
        if not keys:
            return {}
        taken = self.db.execute(
            "SELECT i FROM unnest(%s::int[]) WITH ORDINALITY AS t (k, i) WHERE pg_try_advisory_lock(%s, k)",
            ([claim_key(key) for key in keys], CLAIM_CLASS),
        ).fetchall()
        return self._states_now([keys[int(index) - 1] for (index,) in taken])

    @_guarded
    def wait_claim(self, key: Key) -> tuple[bool, str | None]:
        import psycopg

        try:  # waits at most the connection's lock_timeout
            self.db.execute("SELECT pg_advisory_lock(%s, %s)", (CLAIM_CLASS, claim_key(key)))
        except psycopg.errors.LockNotAvailable:
            return False, None
        return True, self._states_now([key])[key]

    @_guarded
    def release(self, keys: list[Key]) -> None:
        if keys:
            self.db.execute(
                "SELECT pg_advisory_unlock(%s, k) FROM unnest(%s::int[]) AS k",
                (CLAIM_CLASS, [claim_key(key) for key in keys]),
            )
