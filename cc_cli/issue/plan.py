"""`cc issue` core: plan a roster against the catalog and the ledger, then issue, sign, write and record.

Order of work, chosen so that a crash at any instant (even `kill -9`) loses nothing and doubles nothing:
1. every row is checked before anything is issued (`cc_cli.issue.row_checks`);
2. awards left unwritten by an earlier, interrupted run are finished first (`Ledger.unwritten`);
3. per chunk: the awards are committed to the ledger as `pending` (unique constraints decide, so two
   processes cannot both win a row), then signed and written atomically, then marked `issued`.
The core prints nothing; `progress` is a callback for the CLI's progress bar.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cc_cli.catalog import model
from cc_cli.core.durations import add_to
from cc_cli.core.problems import Problem, UsageError
from cc_cli.core.stamps import utc_stamp
from cc_cli.credentials import ob3
from cc_cli.ledger.sqlite import AwardRow

CHUNK = 1000
Progress = Callable[[int, int | None], None]  # (awards just finished, new total or None)


@dataclass(slots=True)
class IssueSettings:
    roster: Path
    catalog_root: Path
    out: Path
    key_path: Path | None = None
    ledger_path: Path | None = None
    encoding: str | None = None
    timezone: str = "UTC"
    dry_run: bool = False
    strict: bool = False
    bake: frozenset[str] = frozenset()
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    workers: int = 0  # 0: one per core

    @property
    def ledger_file(self) -> Path:
        return self.ledger_path or self.out / "ledger.sqlite3"


@dataclass(slots=True)
class Outcome:
    """What happened to one roster row."""

    line: int
    email: str
    credential_id: str
    action: str  # issue | replace | skip | reject | withhold (--strict, valid but held back)
    award_id: str = ""
    file: str = ""
    reason: str = ""


@dataclass(slots=True)
class IssueReport:
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    recovered: int = 0
    batch_id: int | None = None
    manifest: Path | None = None
    rejects: Path | None = None
    dry_run: bool = False
    withheld: bool = False  # --strict with rejected rows: nothing was issued
    baked_earlier: int = 0  # --bake on a re-run: images baked for awards an earlier run issued
    notes: list[str] = field(default_factory=list)  # warnings for the user that are not roster problems

    def counts(self) -> dict[str, int]:
        found = Counter(outcome.action for outcome in self.outcomes)
        return {
            "rows": len(self.outcomes),
            "issued": found["issue"] + found["replace"],
            "replaced": found["replace"],
            "skipped": found["skip"],
            "rejected": found["reject"],
            "withheld": found["withhold"],
            "recovered": self.recovered,
            "baked_earlier": self.baked_earlier,
        }

    def by_credential(self) -> dict[str, Counter[str]]:
        table: dict[str, Counter[str]] = {}
        for outcome in self.outcomes:
            table.setdefault(outcome.credential_id or "(unknown)", Counter())[outcome.action] += 1
        return dict(sorted(table.items()))


def row_key(email_lower: str, credential_id: str, issued_on: str, external_id: str) -> str:
    """Identity of a roster row: the same person, credential, issue date and external id is the same row,
    whatever line it moved to and whatever else changed in the file."""
    joined = "\x1f".join((email_lower, credential_id, issued_on, external_id))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def award_file(credential_id: str, award_id: str) -> str:
    return f"{credential_id}/{award_id.removeprefix('urn:uuid:')}.json"


def document_for(row: AwardRow, catalog: model.Catalog, did: str) -> dict[str, Any]:
    """The unsigned award document of a ledger row."""
    credential = catalog.credentials.get(row.credential_id)
    if credential is None:
        raise UsageError(f"award {row.id} is for '{row.credential_id}', which is no longer in the catalog")
    return ob3.build_award(
        award_id=row.id,
        credential=credential,
        info=catalog.info,
        did=did,
        email=row.email,
        name=row.name,
        salt=row.salt,
        issued_at=row.issued_at,
        awarded_at=row.awarded_at,
        valid_until=row.valid_until,
        status_index=row.status_index,
        evidence_url=row.evidence_url,
        evidence_narrative=row.evidence_narrative,
    )


def valid_until(credential: model.Credential, issued_at: datetime, expires_at: datetime | None) -> str | None:
    """The roster's `expires_on` wins; else `renewal.valid_for` or `expires_after` from issue; else none."""
    if expires_at is not None:
        return utc_stamp(expires_at)
    duration = ob3.expiry_duration(credential)
    return utc_stamp(add_to(issued_at.astimezone(UTC), duration)) if duration else None


def new_award_row(planned: Any, credential: model.Credential, key: str, batch_id: int, signed_at: str) -> AwardRow:
    award_id = f"urn:uuid:{uuid.uuid4()}"
    issued = utc_stamp(planned.issued_at)
    return AwardRow(
        id=award_id,
        row_key=key,
        credential_id=credential.id,
        email=planned.email,
        email_lower=planned.email.lower(),
        name=planned.name,
        salt=secrets.token_hex(16),
        policy=credential.duplicates,
        batch_id=batch_id,
        roster_line=planned.line,
        external_id=planned.external_id or None,
        issued_at=issued,
        awarded_at=issued,
        valid_until=valid_until(credential, planned.issued_at, planned.expires_at),
        evidence_url=planned.evidence_url or None,
        evidence_narrative=planned.evidence_narrative or None,
        status_index=-1,  # allocated inside the write transaction
        signed_at=signed_at,
        state="pending",
        revoked_at=None,
        revoked_reason=None,
        replaces=None,
        file=award_file(credential.id, award_id),
        file_sha256=None,
    )
