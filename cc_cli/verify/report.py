"""What `cc verify` reports and what it checks against: one `Check` per check, one `FileReport` per file,
and the `VerifyOptions` of a run. Plain data, shared by the checks, the run and the CLI's printers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from cc_cli.verify.verdicts import FAILING, SKIP

CHECKS = ("proof", "schema", "subject", "dates", "status", "recipient", "awards")  # awards: a CLR's embedded ones


class Check(NamedTuple):
    """One check's verdict (`ok`, `fail` or `skip`) and a one-line reason fit to print. A NamedTuple, not a
    frozen dataclass: six are made per award, and a frozen dataclass's __init__ costs twice as much."""

    name: str
    status: str
    reason: str


@dataclass(frozen=True, slots=True)
class AwardReport:
    """One award inside a CLR, verified on its own: who issued it (and so vouches for it, by its own proof)
    and its verdict (`ok`, `fail` or `unsupported`) with the check that decided it."""

    id: str
    issuer: str | None  # the award's own issuer id, which must control the key of its proof
    issuer_name: str | None
    status: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "issuer": self.issuer,
            "issuer_name": self.issuer_name,
            "status": self.status,
            "reason": self.reason,
        }


@dataclass(slots=True)
class FileReport:
    """Everything `cc verify` found about one file. `error` says why it is not a credential at all."""

    file: str
    format: str | None = None  # json | png | svg
    award_id: str | None = None
    error: str | None = None
    checks: list[Check] = field(default_factory=list)
    awards: list[AwardReport] | None = None  # a CLR's awards inside, each with its own issuer and verdict

    @property
    def valid(self) -> bool:
        return self.standing()[0]

    @property
    def revocation_unchecked(self) -> bool:
        """Valid as far as we know, but nobody asked the issuer whether it was revoked."""
        return self.standing()[1]

    def standing(self) -> tuple[bool, bool]:
        """(`valid`, `revocation_unchecked`) in one pass over the checks: the printers ask both of every file."""
        if self.error is not None:
            return False, False
        unchecked = False
        for check in self.checks:
            if check.status in FAILING:
                return False, False
            if check.status == SKIP and check.name == "status":
                unchecked = True
        return True, unchecked

    def as_dict(self) -> dict[str, Any]:
        """The `--format json` shape of one file (documented in `cc verify --help`)."""
        shape: dict[str, Any] = {
            "file": self.file,
            "valid": self.valid,
            "format": self.format,
            "id": self.award_id,
            "error": self.error,
            "checks": {c.name: {"status": c.status, "reason": c.reason} for c in self.checks},
        }
        if self.awards is not None:  # CLRs only
            shape["awards"] = [award.as_dict() for award in self.awards]
        return shape


@dataclass(frozen=True, slots=True)
class VerifyOptions:
    """What to check against. `status_dir` and `ledger` are explicit status sources; without them a
    `ledger.sqlite3` or `status/` beside the award's output folder is used when present."""

    at: datetime
    status_dir: Path | None = None
    ledger: Path | str | None = None  # an SQLite path or a postgresql:// URL
    email: str | None = None
    require_status: bool = False  # an award whose revocation cannot be checked is invalid
    issuer: str | None = None  # the did:key the awards must be signed by (anyone can make a did:key)
    trust: str = "--issuer"  # where `issuer` came from, for the message: --issuer, or the catalog's issuer.did
    workers: int = 0  # 0: one per core
    documents: Path | None = None  # --documents: DID, controller and status list documents, by URL (index.json)
    online: bool = False  # --online: fetch what --documents lacks (https only, no private addresses)
    allow_local: bool = False  # --allow-local: let --online reach loopback and private addresses (tests)
