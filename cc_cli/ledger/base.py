"""The ledger interface: what `cc issue`, `cc revoke`, `cc verify`, `cc expiring`, `cc transcript` and
`cc ledger` ask of a ledger, whichever database holds it (`sqlite.Ledger`, `postgres.PostgresLedger`).

The rows (`AwardRow`, the batches' columns) are the same in every backend, so a ledger copies from one to
the other row by row (`cc ledger copy`) and a test runs unchanged against both. Every backend keeps the
same guarantees with the database's own constraints: `row_key` unique (one award per roster row identity),
one live award per (credential, recipient) for `deny` and `replace` credentials, `status_index` unique;
and leases, so that only the batches of runs that are over are taken over (`claim_unwritten`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Protocol

from cc_cli.core.problems import UsageError
from cc_cli.core.text import closest


@dataclass(slots=True)
class AwardRow:
    id: str
    row_key: str
    credential_id: str
    email: str
    email_lower: str
    name: str
    salt: str
    policy: str
    batch_id: int
    roster_line: int
    external_id: str | None
    issued_at: str
    awarded_at: str
    valid_until: str | None
    evidence_url: str | None
    evidence_narrative: str | None
    status_index: int
    signed_at: str
    state: str
    revoked_at: str | None
    revoked_reason: str | None
    replaces: str | None
    file: str
    file_sha256: str | None

    def values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in COLUMNS)


COLUMNS = tuple(column.name for column in fields(AwardRow))  # the awards table's columns, in order

# The batches table's columns, in order (`Ledger.batches()` rows are tuples of these).
BATCH_COLUMNS = (
    "id",
    "roster_path",
    "roster_sha256",
    "issuer_did",
    "started_at",
    "finished_at",
    "rows_total",
    "issued",
    "skipped",
    "rejected",
    "replaced",
    "closed_by",
)

STATES = ("pending", "issued", "revoked")


@dataclass(slots=True)
class Claimed:
    """Batches whose run died, now held by the run that claimed them, and their awards left unwritten."""

    batches: list[int] = field(default_factory=list)
    rows: list[AwardRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Standing:
    """What the ledger says of one award, for `cc verify`: its state and who issued it."""

    state: str
    revoked_at: str | None
    revoked_reason: str | None
    status_index: int
    issuer_did: str


class StandingSource(Protocol):
    """What `cc verify` reads: an award's standing (a read-only connection is enough)."""

    def standing(self, award_id: object) -> Standing | None: ...

    def close(self) -> None: ...


# The report counts a batch row stores, in the order of their columns: what a run knows when it starts
# (rows, skipped, rejected), and all of them when it finishes.
STARTED_COUNTS = ("rows", "skipped", "rejected")
FINISHED_COUNTS = ("rows", "issued", "skipped", "rejected", "replaced")


def new_ledger_id() -> str:
    """A fresh ledger identity: random, so two ledgers made anywhere never share one."""
    import uuid

    return uuid.uuid4().hex


def batch_counts(counts: dict[str, int] | None, names: tuple[str, ...]) -> tuple[int, ...]:
    """The `names` counts of an issue report, 0 where the report has none (the batches table's columns)."""
    given = counts or {}
    return tuple(given.get(name, 0) for name in names)


class AwardLedger(ABC):
    """One open ledger. Reads see committed data; each write method is one short transaction of its own,
    so concurrent runs interleave chunk by chunk instead of waiting for a whole batch."""

    backend: str  # "sqlite" or "postgresql", for `cc ledger status`

    @property
    @abstractmethod
    def where(self) -> str:
        """The ledger's location for messages: a path, or a URL with its password masked."""

    @abstractmethod
    def close(self) -> None:
        """Close the connection and give back every lease this ledger holds."""

    # Reads ---------------------------------------------------------------------------------------

    @abstractmethod
    def award(self, award_id: str) -> AwardRow | None: ...

    @abstractmethod
    def by_row_keys(self, keys: list[str]) -> dict[str, AwardRow]: ...

    @abstractmethod
    def live_awards(self, email_lower: str) -> list[AwardRow]:
        """Awards the recipient holds that are not revoked (expiry is judged by the caller)."""

    @abstractmethod
    def holdings(self) -> dict[str, set[str]]:
        """Every recipient's live credential ids: for prerequisite checks of a whole roster at once."""

    @abstractmethod
    def recipient_awards(self, email_lower: str) -> list[AwardRow]: ...

    @abstractmethod
    def all_awards(self) -> list[AwardRow]:
        """Every award, in status-index order."""

    @abstractmethod
    def any_award(self) -> AwardRow | None:
        """One award (the first issued), or None for an empty ledger."""

    @abstractmethod
    def ids_starting(self, prefix: str, limit: int) -> list[str]:
        """Up to `limit` award ids that start with `prefix`, in order (an index range scan)."""

    @abstractmethod
    def recipient_emails(self) -> dict[str, str]:
        """Every recipient address, lower-cased -> as written in the roster."""

    def closest_id(self, award_id: str) -> str | None:
        """The award id a mistyped or shortened one most likely meant: the only id it is a prefix of,
        else the closest of the ids sharing its first 8 characters (an index scan, not a table scan)."""
        if len(award_id) <= len("urn:uuid:"):
            return None
        prefixed = self.ids_starting(award_id, 2)
        if len(prefixed) == 1:
            return prefixed[0]
        return closest(award_id, self.ids_starting(award_id[: len("urn:uuid:") + 8], 50), cutoff=0.9)

    def closest_email(self, email_lower: str) -> str | None:
        """The recipient address a mistyped one most likely meant (as written in the roster), or None."""
        known = self.recipient_emails()
        close = closest(email_lower, known, cutoff=0.9)  # one typo, not a stranger
        return known[close] if close is not None else None

    @abstractmethod
    def issuers(self) -> set[str]:
        """The did:key of every batch that issued an award: one ledger, one issuer key."""

    def check_issuer(self, did: str) -> None:
        """UsageError when `did` is not the key the ledger's awards were issued with: awards re-signed
        (a crash recovery) or status lists signed with another key would fail every verifier."""
        others = sorted(self.issuers() - {did})
        if others:
            raise UsageError(
                f"the key is {did}, but the awards in the ledger {self.where} were issued by {others[0]}: use that "
                "key (--key); a new issuer key needs a new ledger (another --out or --ledger)"
            )

    @abstractmethod
    def status_facts(self) -> tuple[list[int], list[int]]:
        """(every status index in use, the revoked ones), read in one snapshot: what the lists must say."""

    @abstractmethod
    def standing(self, award_id: object) -> Standing | None: ...

    @abstractmethod
    def batches(self) -> list[tuple[object, ...]]:
        """Every batch, as tuples of BATCH_COLUMNS, by id."""

    @abstractmethod
    def schema_version(self) -> int: ...

    @abstractmethod
    def ledger_id(self) -> str | None:
        """This ledger's identity, made once when it is created (or first opened for writing by this cc):
        the published status lists record it, so another ledger can never overwrite them. None only for an
        older ledger opened read-only."""

    @abstractmethod
    def state_counts(self) -> dict[str, int]:
        """How many awards are in each state (pending, issued, revoked)."""

    @abstractmethod
    def select(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """The rows of one read-only statement, `?` placeholders: for the ledger package's own queries
        (`cc_cli.ledger.outcomes`), so that each backend runs the same SQL text."""

    @abstractmethod
    def days_between(self, earlier: str, later: str) -> str:
        """An SQL expression for the days (a fraction) from the stamp column `earlier` to `later`."""

    @abstractmethod
    def id_list(self, column: str) -> str:
        """An SQL aggregate joining the distinct values of `column` (ids without commas) with commas."""

    @abstractmethod
    def lease_is_free(self, batch_id: int) -> bool:
        """Whether no live run holds this batch (for `cc ledger status`: running or interrupted)."""

    # Writes ----------------------------------------------------------------------------------------

    @abstractmethod
    def start_batch(
        self,
        roster_path: str,
        roster_sha256: str,
        issuer_did: str,
        started_at: str,
        planned: dict[str, int] | None = None,
    ) -> int:
        """Record a new batch and hold its lease until `finish_batch` or `close`."""

    @abstractmethod
    def claim_unwritten(self, batch_id: int) -> Claimed:
        """Take over the batches whose run is over but which are not closed, or left awards unwritten."""

    @abstractmethod
    def close_claimed(self, claimed: Claimed, by_batch: int, finished_at: str) -> None: ...

    @abstractmethod
    def finish_batch(self, batch_id: int, finished_at: str, counts: dict[str, int]) -> None: ...

    @abstractmethod
    def add_pending(self, chunk: list[tuple[AwardRow, AwardRow | None]], revoked_at: str) -> list[bool]:
        """Commit a chunk of new awards as pending, each with a status index of its own; False where a
        unique constraint (another run got there first) refused that one award, and only that one."""

    @abstractmethod
    def revoke_awards(self, award_ids: list[str], reason: str, revoked_at: str) -> list[str]:
        """Revoke these awards in one transaction; the ids that were not revoked before."""

    @abstractmethod
    def mark_issued(self, done: list[tuple[str, str]]) -> None:
        """[(award id, file sha256)]: the files are on disk, the awards are issued."""

    @abstractmethod
    def import_rows(
        self, batches: list[tuple[object, ...]], awards: list[AwardRow], ledger_id: str | None = None
    ) -> None:
        """Write a whole ledger's rows, ids and status indexes kept, into this empty one (one transaction);
        with `ledger_id`, it takes that identity too (a copy is the same ledger, moved)."""
