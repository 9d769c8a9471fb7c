"""The outbox of a ledger: the delivery state of the emails `cc notify` sends (issue 14), whichever database
holds the ledger (`sqlite.Outbox`, `postgres_outbox.PostgresOutbox`).

One row per message: (award, kind, occasion). `kind` is award | renewal | revoked; `occasion` tells apart
the renewal reminders of one award (one per expiry date and window), '' otherwise. A message is recorded
`sent` only after the server accepted it, one commit per message: after a crash the next run re-sends at
most the message that was in flight, with the same Message-ID.

The tables are created on demand (`open_outbox(ledger, create=True)`), not by the ledger's schema version:
a ledger that never sent mail is unchanged, and an older cc still reads a ledger that has them.

Two runs must never send the same message. SQLite allows one sending run per ledger (`sending()`: a lock
file beside it). PostgreSQL is shared by many machines, so runs send at once and claim each message before
sending it (`claim`, `wait_claim`: advisory locks of the run's session, freed when it ends however it ends),
then read its state again under the claim: a message another run sent meanwhile is not sent twice.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from dataclasses import dataclass

from cc_cli.ledger.base import COLUMNS, AwardLedger, AwardRow

OUTBOX_TABLES = frozenset({"outbox", "suppressions"})
OUTBOX_COLUMNS = (
    "award_id",
    "kind",
    "occasion",
    "recipient",
    "message_id",
    "state",
    "attempts",
    "last_reply",
    "updated_at",
    "sent_at",
)

Key = tuple[str, str, str]  # (award id, kind, occasion): one message


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message's outcome, as the outbox records it."""

    award_id: str
    kind: str
    occasion: str
    recipient: str
    message_id: str
    state: str  # pending | sent | failed
    reply: str | None  # the server's reply (or why there was none) for pending and failed messages
    at: str  # UTC stamp


def awards_with_delivery(where: list[str], present: bool) -> str:
    """The query of awards matching `where` (joined by AND, in either backend's placeholders), each with
    the state of its award email (NULL when the outbox tables do not exist yet, or it was never queued)."""
    columns = ", ".join(f"a.{name}" for name in COLUMNS)
    condition = " AND ".join(where)
    if not present:
        return f"SELECT {columns}, NULL FROM awards a WHERE {condition} ORDER BY a.status_index"
    return (
        f"SELECT {columns}, o.state FROM awards a LEFT JOIN outbox o ON o.award_id = a.id "
        f"AND o.kind = 'award' AND o.occasion = '' WHERE {condition} ORDER BY a.status_index"
    )


class MessageOutbox(ABC):
    """The outbox and suppression tables of one open ledger (see the module docstring)."""

    ledger: AwardLedger
    present: bool  # whether the tables exist (a preview never creates them)
    concurrent = False  # whether runs send at once, each claiming its messages (PostgreSQL)

    @abstractmethod
    def awards_with_state(self, batch: int | None, credentials: list[str]) -> list[tuple[AwardRow, str | None]]:
        """Issued awards (optionally of one batch and some credentials) with the state of their award email
        (None: never tried), in issuing order."""

    @abstractmethod
    def states(self, kind: str, keys: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """{(award id, occasion): state} of these messages of one kind; messages never tried are absent."""

    @abstractmethod
    def record(self, delivery: Delivery) -> None:
        """Record one message's outcome in its own transaction (committed before the next message goes out).
        Each call counts one attempt."""

    @abstractmethod
    def deliveries(self, kind: str | None = None) -> list[tuple[object, ...]]:
        """Every outbox row, as tuples of OUTBOX_COLUMNS (for reports, copies and tests)."""

    @abstractmethod
    def suppression_rows(self) -> list[tuple[object, ...]]:
        """The suppression list as (email_lower, added_at) rows, in order (for copies)."""

    @abstractmethod
    def suppress(self, email_lower: str, at: str) -> bool:
        """Add an address to the ledger's suppression list; False when it was there already."""

    @abstractmethod
    def suppressed(self) -> set[str]:
        """Every address of the ledger's suppression list (lower-cased)."""

    def sending(self) -> contextlib.AbstractContextManager[None]:
        """Held for the whole of a sending run (SQLite: one run per ledger at a time)."""
        return contextlib.nullcontext()

    # Claims (concurrent backends only): see the module docstring.

    def claim(self, keys: list[Key]) -> dict[Key, str | None]:
        """Claim the messages no other live run has claimed; {key: its state now, read under the claim} for
        those claimed (None: never tried). Without concurrent runs every message is this run's."""
        return dict.fromkeys(keys)

    def wait_claim(self, key: Key) -> tuple[bool, str | None]:
        """Wait (a bounded time) for the run that holds this message's claim to let go, and claim it:
        (claimed, its state now)."""
        return True, None

    def release(self, keys: list[Key]) -> None:  # noqa: B027 - nothing to give back without claims
        """Give back the claims of these messages (their outcome is recorded)."""
