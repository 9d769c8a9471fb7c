"""Ledgers with known contents for the `cc report` tests and `bench/report.py`: award rows written straight
into a fresh ledger (`import_rows`, as `cc ledger copy` does), no signing, so a test states exactly which
awards exist, when, and in which state, and a benchmark fills a million rows in seconds.

The rows are what `cc issue` and `cc revoke` record (ids, row keys, status indexes, states, `replaces`
links), without award files: `cc report` reads only the ledger.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

from cc_cli.ledger.base import AwardRow
from cc_cli.ledger.locate import Location, open_ledger_at

ISSUER = "did:key:z6MkreportTestIssuer"


@dataclass
class Spec:
    """One award: who, what, when (UTC stamps), and what became of it."""

    email: str
    credential: str
    issued: str  # YYYY-MM-DD or a full stamp
    until: str | None = None
    state: str = "issued"  # issued | revoked | pending
    reason: str | None = None  # why it was revoked
    replaces: int | None = None  # index (in the list) of the award this one renewed
    name: str | None = None


def stamp(text: str) -> str:
    return text if "T" in text else f"{text}T00:00:00Z"


def rows_of(specs: list[Spec]) -> list[AwardRow]:
    rows: list[AwardRow] = []
    for index, spec in enumerate(specs):
        issued = stamp(spec.issued)
        rows.append(
            AwardRow(
                id=f"urn:uuid:00000000-0000-4000-8000-{index:012d}",
                row_key=f"key-{index}",
                credential_id=spec.credential,
                email=spec.email,
                email_lower=spec.email.lower(),
                name=spec.name or spec.email.split("@")[0].title(),
                salt="salt",
                policy="allow",  # no one-live-award index to satisfy: the specs say what is live
                batch_id=1,
                roster_line=index + 2,
                external_id=None,
                issued_at=issued,
                awarded_at=issued,
                valid_until=stamp(spec.until) if spec.until else None,
                evidence_url=None,
                evidence_narrative=None,
                status_index=index,
                signed_at=issued,
                state=spec.state,
                revoked_at=issued if spec.state == "revoked" else None,
                revoked_reason=spec.reason if spec.state == "revoked" else None,
                replaces=None,
                file=f"{index}.json",
                file_sha256=None if spec.state == "pending" else "0" * 64,
            )
        )
    for spec, row in zip(specs, rows, strict=True):
        if spec.replaces is not None:
            row.replaces = rows[spec.replaces].id
            old = rows[spec.replaces]
            old.state, old.revoked_at, old.revoked_reason = "revoked", row.issued_at, f"superseded by {row.id}"
    return rows


def write_ledger(location: Location, rows: list[AwardRow] | list[Spec]) -> Location:
    """A fresh ledger at `location` (an SQLite path or an empty PostgreSQL database) holding these awards."""
    awards = rows_of(rows) if rows and isinstance(rows[0], Spec) else rows  # type: ignore[arg-type]
    if isinstance(location, Path):
        location.parent.mkdir(parents=True, exist_ok=True)
    ledger = open_ledger_at(location, create=True)
    try:
        batch = (
            1,
            "roster.csv",
            "0" * 64,
            ISSUER,
            "2020-01-01T00:00:00Z",
            "2020-01-01T00:00:01Z",
            len(awards),
            len(awards),
            0,
            0,
            0,
            None,
        )
        for start in itertools.count(0, 200_000):  # one transaction per slice: bounded memory in the driver
            chunk = awards[start : start + 200_000]
            if not chunk and start:
                break
            ledger.import_rows([batch] if start == 0 else [], list(chunk))
            if len(chunk) < 200_000:
                break
    finally:
        ledger.close()
    return location
