"""The plan of `cc issue`: which checked rows become awards (or are skipped, or renew a live award),
the ledger rows and award documents they turn into. No I/O but the ledger reads it is handed.

Order of work (in `cc_cli.issue.run`), chosen so that a crash at any instant (even `kill -9`) loses nothing
and doubles nothing:
1. every row is checked before anything is issued (`cc_cli.issue.row_checks`);
2. awards left unwritten by an earlier run that is over (interrupted, killed) are finished first, and its
   batch closed (`Ledger.claim_unwritten`: a run still alive holds its batch's lease and keeps its work);
3. per chunk: the awards are committed to the ledger as `pending` (unique constraints decide, so two
   processes cannot both win a row), then signed and written atomically, then marked `issued`.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cc_cli.catalog import model
from cc_cli.core.durations import add_to
from cc_cli.core.problems import UsageError
from cc_cli.core.stamps import parse_stamp, utc_stamp
from cc_cli.credentials import ob3
from cc_cli.issue.report import IssueReport, Outcome
from cc_cli.ledger.base import EXTERNAL_EARNED, AwardLedger, AwardRow, ExternalAward

if TYPE_CHECKING:
    from cc_cli.issue.row_checks import PlannedAward

CHUNK = 1000


def row_key(email_lower: str, credential_id: str, issued_on: str, external_id: str) -> str:
    """Identity of a roster row: the same person, credential, issue date and external id is the same row,
    whatever line it moved to and whatever else changed in the file."""
    joined = "\x1f".join((email_lower, credential_id, issued_on, external_id))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def award_file(credential_id: str, award_id: str) -> str:
    return f"{credential_id}/{award_id.removeprefix('urn:uuid:')}.json"


def document_for(
    row: AwardRow, catalog: model.Catalog, did: str, parts: dict[Any, Any] | None = None
) -> dict[str, Any]:
    """The unsigned award document of a ledger row (`parts`: see `ob3.build_award`, one dict per run)."""
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
        parts=parts,
    )


def valid_until(credential: model.Credential, issued_at: datetime, expires_at: datetime | None) -> str | None:
    """The roster's `expires_on` wins; else `renewal.valid_for` or `expires_after` from issue; else none."""
    if expires_at is not None:
        return _stamp(expires_at)
    duration = _expiry_duration(credential)
    if not duration:
        return None
    key = (issued_at, duration)
    found = _ENDS.get(key)
    if found is None:
        if len(_ENDS) >= _MAX_CACHED:
            _ENDS.clear()
        found = _ENDS[key] = utc_stamp(add_to(issued_at.astimezone(UTC), duration))
    return found


# Why these caches: a roster has few distinct dates and a catalog few durations, and parsing a duration, adding
# it and formatting the stamp per row were a fifth of the parent's time per award. Keyed on exactly what
# the result depends on (an aware datetime hashes and compares as its instant, and the stamp is that instant's).
_MAX_CACHED = 4096
_DURATIONS: dict[tuple[str | None, str | None], str | None] = {}
_ENDS: dict[tuple[datetime, str], str] = {}
_STAMPS: dict[datetime, str] = {}


def _expiry_duration(credential: model.Credential) -> str | None:
    """`ob3.expiry_duration`, which depends only on `renewal.valid_for` and `expires_after`."""
    key = (credential.renewal.valid_for if credential.renewal else None, credential.expires_after)
    try:
        return _DURATIONS[key]
    except KeyError:
        if len(_DURATIONS) >= _MAX_CACHED:
            _DURATIONS.clear()
        found = _DURATIONS[key] = ob3.expiry_duration(credential)
        return found


def _stamp(moment: datetime) -> str:
    """`utc_stamp(moment)`, remembered."""
    found = _STAMPS.get(moment)
    if found is None:
        if len(_STAMPS) >= _MAX_CACHED:
            _STAMPS.clear()
        found = _STAMPS[moment] = utc_stamp(moment)
    return found


def renewed_until(
    credential: model.Credential, issued_at: datetime, expires_at: datetime | None, earlier: AwardRow
) -> str | None:
    """When a renewal of `earlier` ends. Renewed within the renewal window (`renewal.window`, default 60 days
    before the earlier award ends) it extends from that end, so renewing early never costs the holder time;
    renewed before the window opens or after the end, it runs from the renewal date. The roster wins."""
    plain = valid_until(credential, issued_at, expires_at)
    duration = ob3.expiry_duration(credential)
    if expires_at is not None or earlier.valid_until is None or duration is None:
        return plain
    ends = parse_stamp(earlier.valid_until)
    window = (credential.renewal.window if credential.renewal else None) or model.DEFAULT_RENEWAL_WINDOW
    moment = issued_at.astimezone(UTC)
    if moment < ends <= add_to(moment, window):
        return utc_stamp(add_to(ends, duration))
    return plain


def new_award_row(
    planned: PlannedAward, credential: model.Credential, key: str, batch_id: int, signed_at: str
) -> AwardRow:
    award_id = f"urn:uuid:{uuid.uuid4()}"
    issued = _stamp(planned.issued_at)
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


@dataclass(frozen=True, slots=True)
class Planned:
    """One award this run will issue: the checked roster row, its credential, the row key the ledger
    dedupes on, and whether it is new (`issue`) or renews an award it `replace`s."""

    row: PlannedAward
    credential: model.Credential
    key: str
    action: str  # issue | replace (revokes `replaces`: a correction) | renew (leaves `replaces` to run out)
    replaces: AwardRow | None = None  # the live award this one replaces or renews


def live_awards(ledger: AwardLedger | None) -> dict[tuple[str, str], AwardRow]:
    """Each holder's current award of each credential: not revoked, and not one a later award renewed (a
    renewed award stays live until its own end, but the next renewal renews its renewal)."""
    if ledger is None:
        return {}
    live = [row for row in ledger.all_awards() if row.state != "revoked"]
    renewed = {row.replaces for row in live if row.policy == "renew" and row.replaces}
    return {(row.email_lower, row.credential_id): row for row in live if row.id not in renewed}


def external_held(external: list[ExternalAward]) -> dict[str, set[str]]:
    """lower-cased email -> the credentials of their earned external awards (issued or expired elsewhere)."""
    held: dict[str, set[str]] = {}
    for row in external:
        if row.state in EXTERNAL_EARNED:
            held.setdefault(row.email_lower, set()).add(row.credential_id)
    return held


def plan_rows(
    valid: list[PlannedAward],
    catalog: model.Catalog,
    cells: dict[int, dict[str, str]],
    ledger: AwardLedger | None,
    live: dict[tuple[str, str], AwardRow],
    now: datetime,
    report: IssueReport,
    external: list[ExternalAward] | None = None,
) -> list[Planned]:
    keys = [
        row_key(p.email.lower(), p.credential_id, cells[p.line].get("issued_on", ""), p.external_id or "")
        for p in valid
    ]
    existing = ledger.by_row_keys(keys) if ledger is not None else {}
    plan: list[Planned] = []
    stamp = utc_stamp(now)
    # External awards still in force: under `deny`, their holder is not issued the credential again.
    in_force = {
        (row.email_lower, row.credential_id): row
        for row in external or []
        if row.state == "issued" and (row.valid_until is None or row.valid_until > stamp)
    }
    for planned, key in zip(valid, keys, strict=True):
        credential = catalog.credentials[planned.credential_id]
        done = existing.get(key)
        if done is not None:
            report.outcomes.append(skip_outcome(planned, done, f"already issued from this row as {done.id}"))
            continue
        old = live.get((planned.email.lower(), credential.id))
        action = "issue"
        if old is not None and credential.duplicates != "allow":
            expired = old.valid_until is not None and old.valid_until <= stamp
            if credential.duplicates == "deny" and not expired:
                report.outcomes.append(
                    skip_outcome(planned, old, f"already holds an active award {old.id} (duplicates: deny)")
                )
                continue
            action = "renew" if credential.duplicates == "renew" else "replace"
        outside = in_force.get((planned.email.lower(), credential.id))
        if old is None and outside is not None and credential.duplicates == "deny":
            reason = f"already holds the {outside.source} award of it{f' ({outside.url})' if outside.url else ''}, imported (duplicates: deny)"
            report.outcomes.append(Outcome(planned.line, planned.email, credential.id, "skip", outside.id, "", reason))
            continue
        plan.append(Planned(planned, credential, key, action, old if action != "issue" else None))
    return plan


def skip_outcome(planned: PlannedAward, award: AwardRow, reason: str) -> Outcome:
    """A row not issued because `award` already stands for it."""
    return Outcome(planned.line, planned.email, award.credential_id, "skip", award.id, award.file, reason)
