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
from operator import attrgetter
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
        values: tuple[object, ...] = _VALUES(self)
        return values


COLUMNS = tuple(column.name for column in fields(AwardRow))  # the awards table's columns, in order
_VALUES = attrgetter(*COLUMNS)  # the row's values in COLUMNS order, in one C call

# Version 3: a renewal (policy renew) leaves the earlier award live, so the one-live-award rule leaves renew
# out, and each live award is renewed at most once (the first award of a holder counts as renewing '').
RENEWAL_INDEXES = (
    "DROP INDEX IF EXISTS one_live_award",
    "CREATE UNIQUE INDEX one_live_award ON awards (credential_id, email_lower) "
    "WHERE state != 'revoked' AND policy NOT IN ('allow', 'renew')",
    "CREATE UNIQUE INDEX IF NOT EXISTS one_renewal_of_each ON awards (credential_id, email_lower, COALESCE(replaces, '')) "
    "WHERE state != 'revoked' AND policy = 'renew'",
)


def in_link_order(awards: list[AwardRow]) -> list[AwardRow]:
    """`awards` with every award after the one it `replaces`, for copying a ledger with the links in place:
    a renewal inserted before its earlier award, with `replaces` unset, would look like a second first award
    to the one_renewal_of_each index."""
    by_id = {award.id: award for award in awards}
    placed: set[str] = set()
    ordered: list[AwardRow] = []
    for award in awards:
        chain = []
        current: AwardRow | None = award
        while current is not None and current.id not in placed:
            chain.append(current)
            placed.add(current.id)
            current = by_id.get(current.replaces) if current.replaces else None
        ordered.extend(reversed(chain))
    return ordered


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
class ExternalAward:
    """An award issued elsewhere (Credly...) and recorded by `cc import awards`: cc never signed it and
    never re-issues it, but a learner's record counts it (prerequisites, transcript, paths, expiry)."""

    id: str  # urn:uuid:..., cc's id of this record
    import_key: str  # identity of the imported award: re-importing it adds nothing
    source: str  # where it was issued: 'credly', or `--source`
    source_id: str | None  # the source's own id of the award (Credly's badge id), when the file has one
    credential_id: str
    email: str
    email_lower: str
    name: str
    issued_at: str  # UTC stamp
    valid_until: str | None
    state: str  # one of EXTERNAL_STATES, as the source says
    url: str | None  # the award's public page at the source
    external_id: str | None  # the issuer's own id of the earner (Credly's Issuer Earner ID)
    import_file: str
    import_line: int
    imported_at: str

    def values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in EXTERNAL_COLUMNS)


EXTERNAL_COLUMNS = tuple(column.name for column in fields(ExternalAward))
# An external award's state: `issued` (Credly's accepted and pending too), `expired` (as the source says;
# an `issued` one also expires at `valid_until`), `revoked` by its issuer, `rejected` by its earner.
EXTERNAL_STATES = ("issued", "expired", "revoked", "rejected")
EXTERNAL_EARNED = ("issued", "expired")  # the learner did the work: it counts as held


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
    def add_external(self, rows: list[ExternalAward]) -> list[str]:
        """Record awards issued elsewhere, in one transaction: for each, `new`; or, where the ledger already
        holds one with its `import_key`, `updated` when the source now says another state, expiry or URL
        (a revoked one stays revoked), else `same` (a re-import adds nothing)."""

    def prepare_aggregates(self) -> None:
        """Ready the connection for a few large GROUP BY statements (`cc report`); nothing to do by default."""
        return None

    def has_external_awards(self) -> bool:
        """Whether the ledger has the table of awards issued elsewhere (schema 4; an older ledger opened
        read-only has not)."""
        return False

    @abstractmethod
    def external_awards(self, email_lower: str | None = None) -> list[ExternalAward]:
        """The external awards of one recipient (or all), by issue date, then credential; none in a ledger of schema 3 or older
        opened read-only (it has no table for them yet)."""

    @abstractmethod
    def external_keys(self, keys: list[str]) -> set[str]:
        """Those of `keys` that the ledger's external awards already have (for a dry run's plan)."""

    def external_holdings(self) -> dict[str, set[str]]:
        """Every recipient's earned external credential ids (issued or expired, not revoked or rejected)."""
        held: dict[str, set[str]] = {}
        for row in self.external_awards():
            if row.state in EXTERNAL_EARNED:
                held.setdefault(row.email_lower, set()).add(row.credential_id)
        return held

    @abstractmethod
    def import_rows(
        self,
        batches: list[tuple[object, ...]],
        awards: list[AwardRow],
        ledger_id: str | None = None,
        outbox: OutboxRows | None = None,
    ) -> None:
        """Write a whole ledger's rows, ids and status indexes kept, into this empty one (one transaction);
        with `ledger_id`, it takes that identity too (a copy is the same ledger, moved); with `outbox`, the
        delivery state of its emails and its suppression list as well (the outbox tables must exist)."""


# An outbox's rows, for a copy: (deliveries as tuples of outbox.OUTBOX_COLUMNS, suppressions as
# (email_lower, added_at)).
OutboxRows = tuple[list[tuple[object, ...]], list[tuple[object, ...]]]
