"""`cc revoke` core: mark awards revoked in the ledger and publish the signed status lists.

All or nothing: every id (given, or found through `--roster`) is looked up before anything changes; one
unknown id and nothing is revoked, so a typo never leaves a half-done batch. Revoking an award that already
is revoked changes nothing and says so.

Order of work: the key, the catalog's `base_url` and the issuer are checked first (a failure there must not
leave the ledger ahead of the published lists); then one ledger transaction; then, under the status folder's
lock that `cc issue` takes too (so no run can publish an older state last), every status list is rebuilt from
the ledger and signed (`cc_cli.credentials.status_list.publish_status_lists`). A no-op run still rewrites lists that do not match the ledger, which
repairs a run interrupted between its commit and its lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cc_cli.core import strictjson
from cc_cli.core.problems import UsageError
from cc_cli.core.stamps import utc_stamp
from cc_cli.credentials import ob3, signing, status_list
from cc_cli.credentials.keys import check_catalog_key
from cc_cli.ledger.base import AwardLedger
from cc_cli.ledger.locate import Location, UsesLedger, open_ledger_at


@dataclass(slots=True)
class RevokeSettings(UsesLedger):
    """What `cc revoke` was asked to do; `out` holds the ledger (by default) and receives `status/`."""

    ids: list[str]
    reason: str
    out: Path
    catalog_root: Path
    roster: Path | None = None
    ledger_path: Location | None = None  # --ledger: a path or a postgresql:// URL
    key_path: Path | None = None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    republish: bool = False  # revoke nothing; sign the lists afresh (a new validUntil)


@dataclass(slots=True)
class RevokeReport:
    """`unknown` non-empty means nothing was revoked; `unmatched` lists roster rows without an award."""

    revoked: list[str] = field(default_factory=list)
    already: list[tuple[str, str, str]] = field(default_factory=list)  # id, revoked_at, reason
    unknown: list[str] = field(default_factory=list)
    suggestions: dict[str, str] = field(default_factory=dict)  # unknown id -> the ledger's closest id
    unmatched: list[str] = field(default_factory=list)
    status_files: list[Path] = field(default_factory=list)
    republished: bool = False

    @property
    def failed(self) -> bool:
        return bool(self.unknown) or not (self.revoked or self.already or self.republished)


def normalize_id(text: str) -> str:
    """`urn:uuid:<lower-case uuid>`, from an id given with or without the `urn:uuid:` prefix."""
    bare = text.strip()
    bare = bare[len("urn:uuid:") :] if bare.lower().startswith("urn:uuid:") else bare
    return "urn:uuid:" + bare.lower()


def run_revoke(settings: RevokeSettings) -> RevokeReport:
    """Revoke the awards (see the module docstring); the report says what happened to each."""
    if settings.republish:
        return _republish(settings)
    if not settings.ids and settings.roster is None:
        raise UsageError(
            "give award ids, or --roster FILE to revoke the awards of a roster (or --republish to re-sign the lists)"
        )
    if not settings.reason.strip():
        raise UsageError("--reason must say why the award is revoked (it is kept in the ledger)")
    report = RevokeReport()
    ledger = open_ledger_at(settings.ledger_at)
    try:
        ids = list(dict.fromkeys(normalize_id(i) for i in settings.ids))
        if settings.roster is not None:
            ids.extend(i for i in _roster_ids(settings, ledger, report) if i not in ids)
        rows = {award_id: ledger.award(award_id) for award_id in ids}
        report.unknown = [award_id for award_id, row in rows.items() if row is None]
        report.suggestions = {i: s for i in report.unknown if (s := ledger.closest_id(i)) is not None}
        if report.unknown or not ids:
            return report
        key, info, base_url = _ready_to_publish(settings, ledger, [row for row in rows.values() if row is not None])
        stamp = utc_stamp(settings.now)
        report.revoked = ledger.revoke_awards(ids, settings.reason.strip(), stamp)
        for award_id in ids:
            row = rows[award_id]
            if award_id not in report.revoked and row is not None:
                report.already.append((award_id, row.revoked_at or "", row.revoked_reason or ""))
        try:
            report.status_files = _publish(
                settings.out, ledger, key, base_url, stamp, info.status_list_valid_for, force=bool(report.revoked)
            )
        except (OSError, UsageError) as exc:
            why = f"{exc.strerror or exc} ({exc.filename})" if isinstance(exc, OSError) and exc.filename else str(exc)
            raise UsageError(
                f"the ledger records the revocation, but the status lists were not published: "
                f"{why}; fix that and run the same cc revoke again to publish them"
            ) from None
        return report
    finally:
        ledger.close()


def _ready_to_publish(settings: RevokeSettings, ledger: AwardLedger, rows: list[Any]) -> tuple[Any, Any, str]:
    """The key, the catalog info and the base URL, all checked before the ledger or a list changes: the
    key is the pinned issuer's and the ledger's, and OUT/status/ can be written."""
    from cc_cli.credentials.keys import load_issuer_key

    key = load_issuer_key(settings.key_path, "the status lists must be signed")
    info = _catalog_info(settings.catalog_root)
    base_url = _base_url(settings, info.base_url, rows)
    did = signing.did_key(key.public_key())
    check_catalog_key(info.issuer.did, did, settings.catalog_root)
    ledger.check_issuer(did)
    _check_status_folder(settings.out / "status")
    owner = status_owner(ledger, base_url)
    if owner is not None:
        try:
            status_list.check_owner(settings.out / "status", owner)
        except UsageError as exc:
            raise UsageError(f"{exc}; nothing was revoked") from None
    return key, info, base_url


def _republish(settings: RevokeSettings) -> RevokeReport:
    """`cc revoke --republish`: sign every status list afresh from the ledger, with a new validFrom (and
    validUntil when the catalog sets status_list_valid_for), revoking nothing."""
    if settings.ids or settings.roster is not None or settings.reason.strip():
        raise UsageError("--republish revokes nothing: give it no award ids, no --roster and no --reason")
    report = RevokeReport(republished=True)
    ledger = open_ledger_at(settings.ledger_at)
    try:
        sample = ledger.any_award()
        if sample is None:
            raise UsageError(f"the ledger {ledger.where} holds no awards: there is no status list to publish")
        key, info, base_url = _ready_to_publish(settings, ledger, [sample])  # checks base_url against an award
        stamp = utc_stamp(settings.now)
        report.status_files = _publish(
            settings.out, ledger, key, base_url, stamp, info.status_list_valid_for, force=True
        )
        return report
    finally:
        ledger.close()


def _roster_ids(settings: RevokeSettings, ledger: AwardLedger, report: RevokeReport) -> list[str]:
    """The awards of a roster's rows: each row's (email, credential) awards in the ledger."""
    from cc_cli.catalog.roster import read_roster

    assert settings.roster is not None
    ids: list[str] = []  # read_roster refuses a missing file, a folder, a FIFO or a device, unread
    for row in read_roster(settings.roster, None).rows:
        email, credential = row.cells.get("email", "").strip(), row.cells.get("credential", "").strip()
        held = [r for r in ledger.recipient_awards(email.lower()) if r.credential_id == credential]
        live = [r.id for r in held if r.state != "revoked"]
        if not held:
            report.unmatched.append(f"line {row.line}: {email} has no {credential or '(no credential)'} award")
        ids.extend(live or [r.id for r in held])
    return ids


def _catalog_info(root: Path) -> Any:
    """catalog.yaml's settings (base_url, issuer.did, status_list_valid_for), refusing a malformed one: a
    dropped value would silently publish lists that never expire, or under the wrong URL. Problems in
    credential or path files do not stop a revocation, which may be urgent."""
    from cc_cli.catalog.files import CATALOG_FILE
    from cc_cli.core.problems import ERROR
    from cc_cli.credentials.status_list import check_valid_for
    from cc_cli.validate.engine import to_problems
    from cc_cli.validate.load import load_catalog

    load = load_catalog(root)
    in_file = [(code, hit) for code, hit in load.hits if hit.source == CATALOG_FILE]
    problems = [p for p in to_problems(in_file, load, {}) if p.severity == ERROR]
    if problems:
        first = problems[0]
        raise UsageError(
            f"{root / CATALOG_FILE}:{first.line}:{first.column}: {first.message}"
            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
            + f"; run `cc validate --catalog {root}`"
        )
    check_valid_for(load.catalog.info.status_list_valid_for)
    return load.catalog.info


def _base_url(settings: RevokeSettings, base_url: str | None, rows: list[Any]) -> str:
    """The catalog's base_url, checked against the status list URL an award file really carries."""
    if not base_url:
        raise UsageError(f"{settings.catalog_root}/catalog.yaml has no base_url: status lists are published there")
    for row in rows:
        try:
            entry = strictjson.loads((settings.out / row.file).read_bytes())["credentialStatus"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        expected = ob3.status_list_url(base_url, row.status_index)
        if isinstance(entry, dict) and entry.get("statusListCredential") != expected:
            raise UsageError(
                f"award {row.id} points at {entry.get('statusListCredential')}, but the catalog's base_url gives "
                f"{expected}: use the catalog the awards were issued from (--catalog)"
            )
        break
    return base_url


def _check_status_folder(folder: Path) -> None:
    """The lists are written to OUT/status/: find out now if that cannot happen, while nothing is revoked."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / status_list.LOCK_FILE, "a"):
            pass
    except OSError as exc:
        raise UsageError(
            f"cannot write the status lists to {folder}: {exc.strerror or exc}; nothing was revoked"
        ) from None


def _publish(
    out: Path, ledger: AwardLedger, key: Any, base_url: str, stamp: str, valid_for: str | None, *, force: bool
) -> list[Path]:
    """Rebuild the lists from the ledger and sign them, under the status folder's lock (as `cc issue` does)."""
    owner = status_owner(ledger, base_url)
    return status_list.publish_status_lists(
        out, base_url, key, stamp, ledger.status_facts, valid_for, force=force, owner=owner
    )


def status_owner(ledger: AwardLedger, base_url: str) -> status_list.Owner | None:
    """This ledger as the owner its status lists record (None for an old ledger with no identity yet)."""
    ledger_id = ledger.ledger_id()
    return status_list.Owner(ledger_id, ledger.where, base_url) if ledger_id else None
