"""`cc transcript --clr FILE` core: the learner's transcript as a signed CLR 2.0 `ClrCredential`.

Shape (1EdTech Comprehensive Learner Record 2.0 on VC Data Model 2.0, as in 1EdTech's CLR test vector):
- `@context`: credentials v2, the CLR 2.0.1 context, the OB 3.0.3 context and the OB extensions context
  (for the credentialSchema type), in that order; every one bundled, so signing and verifying are offline;
- `issuer`: the programme's profile with the issuer key's `did:key`, the same key that signed the awards
  (checked: a CLR from another key would make verifiers trust two identities for one programme);
- `credentialSubject` (`ClrSubject`): the learner as a salted email hash plus their name, like the awards;
  `verifiableCredential` holds every *earned* award (active or expired) byte-for-byte as the signed file
  on disk, so each still verifies on its own (revoked, pending and not-yet-valid awards are left out, a
  CLR asserts achievements); `achievement` lists the achievements of the paths the learner is on (what
  the CLR issuer expects them to achieve, in CLR 2.0's words); `association` relates them.
- Awards earned elsewhere (`cc import awards`: Credly's) are never embedded, as cc holds no credential of
  them to embed and signs none in their name: their achievements join `achievement`, each marked with an
  `otherIdentifier` of type `ext:earnedElsewhere.<source>` whose identifier is the award's public URL (or
  cc's record id), so the CLR's issuer attests them from its records and `cc verify` says so.
- Associations, chosen from CLR 2.0's AssociationType: `precedes` from every option of a path step to
  every option of the next (the path's order); for the path's `leads_to`, `isParentOf` from it to the
  steps it aggregates when it is a certificate built on this path (its `path`, or its `components`),
  else (a certification, which the framework keeps independent of courses) `precedes` from the last step.
- proof: `eddsa-rdfc-2022` through `cc_cli.credentials.signing.sign`, whose guard refuses any term the contexts do
  not define, so everything the CLR says is covered by the signature.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cc_cli.catalog import model
from cc_cli.core import strictjson
from cc_cli.core.atomic import write_bytes
from cc_cli.core.problems import UsageError
from cc_cli.core.stamps import utc_stamp
from cc_cli.credentials import ob3, signing
from cc_cli.lifecycle.transcript import PathProgress, Transcript

CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
CONTEXTS = [ob3.VC_CONTEXT, CLR_CONTEXT, ob3.OB_CONTEXT, ob3.OB_EXTENSIONS_CONTEXT]
CLR_SCHEMA = "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json"
ELSEWHERE = "ext:earnedElsewhere"  # identifierType prefix of the achievements earned elsewhere


@dataclass(slots=True)
class ClrResult:
    """What was written: the file, and how many awards, achievements and associations it holds."""

    path: Path
    credential_id: str
    embedded: int
    achievements: int
    associations: int


def write_clr(
    transcript: Transcript,
    catalog: model.Catalog,
    out: Path,
    target: Path,
    key_path: Path | None,
    issued: datetime | None = None,
) -> ClrResult:
    """Build, sign and atomically write the learner's ClrCredential to `target`.

    `issued` (default: now) is the CLR's validFrom and proof date; the transcript's own moment (`--at`)
    only decides which awards count as earned, so a CLR "as of" an earlier day is still signed today."""
    from cc_cli.credentials.keys import check_catalog_key, load_issuer_key

    key = load_issuer_key(key_path, "the CLR must be signed")
    did = signing.did_key(key.public_key())
    check_catalog_key(catalog.info.issuer.did, did, catalog.root)
    issued = issued or datetime.now(UTC)
    document = build_clr(transcript, catalog, out, did, issued=issued)
    signed = signing.sign(document, key, signing.verification_method_id(key.public_key()), issued)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(target, ob3.dumps(signed))
    subject = signed["credentialSubject"]
    return ClrResult(
        path=target,
        credential_id=signed["id"],
        embedded=len(subject["verifiableCredential"]),
        achievements=len(subject.get("achievement", [])),
        associations=len(subject.get("association", [])),
    )


def build_clr(
    transcript: Transcript,
    catalog: model.Catalog,
    out: Path,
    did: str,
    *,
    issued: datetime,
    salt: str | None = None,
) -> dict[str, Any]:
    """The unsigned ClrCredential of `transcript` (see the module docstring)."""
    embedded = embedded_awards(transcript, out, did)
    issuer = ob3.issuer_profile(catalog.info, did)
    started = [path for path in transcript.paths if path.done or path.leads_to_held]  # the learner's own paths
    achievements, associations = path_relations(catalog, started, issuer)
    attest_elsewhere(transcript, catalog, issuer, achievements)
    salt = salt or secrets.token_hex(16)
    subject: dict[str, Any] = {
        "type": ["ClrSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": ob3.identity_hash(transcript.email, salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            },
            {"type": "IdentityObject", "identityHash": transcript.name, "identityType": "name", "hashed": False},
        ],
        "verifiableCredential": embedded,
    }
    if achievements:
        subject["achievement"] = achievements
    if associations:
        subject["association"] = associations
    programme = catalog.info.name or catalog.info.issuer.name or "Credentials"
    day = transcript.at.astimezone(UTC).strftime("%Y-%m-%d")
    return {
        "@context": list(CONTEXTS),
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": issuer,
        "validFrom": utc_stamp(issued),
        "name": f"{programme} transcript of {transcript.name}",
        "description": f"Every award {transcript.name} had earned on {day}, with the learning paths they are on.",
        "partial": False,
        "credentialSubject": subject,
        "credentialSchema": [{"id": CLR_SCHEMA, "type": ob3.SCHEMA_TYPE}],
    }


def embedded_awards(transcript: Transcript, out: Path, did: str) -> list[dict[str, Any]]:
    """The earned awards' signed files, parsed but unchanged, after checking each is the one the ledger
    recorded (same bytes, same id) and was signed by this issuer."""
    documents: list[dict[str, Any]] = []
    for award in transcript.awards:
        if not award.earned or award.renewed_by is not None:
            continue  # a renewed award is still valid, but its renewal stands for the achievement
        path = out / award.file
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise UsageError(f"award file {path} is missing (give the --out folder of `cc issue`)") from None
        if award.file_sha256 and hashlib.sha256(raw).hexdigest() != award.file_sha256:
            raise UsageError(f"award file {path} differs from what the ledger recorded: it was changed after issuing")
        try:
            document = strictjson.loads(raw)  # one reading of each key, as every viewer sees it
        except ValueError:
            raise UsageError(f"award file {path} is not JSON") from None
        if not isinstance(document, dict) or document.get("id") != award.award_id:
            raise UsageError(f"award file {path} is not award {award.award_id}")
        issuer = document.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        if issuer_id != did:
            raise UsageError(f"the key is {did}, but award {award.award_id} was issued by {issuer_id}: use that key")
        documents.append(document)
    if not documents:
        elsewhere = " (awards imported from elsewhere are attested, never embedded)" if transcript.external else ""
        raise UsageError(
            f"{transcript.email} has no valid awards signed by cc (only revoked or pending ones){elsewhere}: no CLR to write"
        )
    return documents


def attest_elsewhere(
    transcript: Transcript, catalog: model.Catalog, issuer: dict[str, Any], achievements: list[dict[str, Any]]
) -> None:
    """Mark (or add) the achievements of the awards the learner earned elsewhere (see the module docstring)."""
    base = (catalog.info.base_url or "").rstrip("/")
    by_id = {entry["id"]: entry for entry in achievements}
    for award in transcript.external:
        credential = catalog.credentials.get(award.credential_id)
        if not award.earned or credential is None:
            continue
        found = ob3.achievement_url(base, credential.id)
        entry = by_id.get(found)
        if entry is None:
            entry = by_id[found] = ob3.achievement(credential, catalog.info, issuer)
            achievements.append(entry)
        source = "".join(c if c.isalnum() or c == "." else "_" for c in award.source)  # the schema's ext: pattern
        entry.setdefault("otherIdentifier", []).append(
            {
                "type": "IdentifierEntry",
                "identifier": award.url or award.record_id,
                "identifierType": f"{ELSEWHERE}.{source}",
            }
        )


def path_relations(
    catalog: model.Catalog, paths: list[PathProgress], issuer: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The achievements of the learner's paths and the associations between them (deduplicated)."""
    base = (catalog.info.base_url or "").rstrip("/")
    achievements: dict[str, dict[str, Any]] = {}
    associations: dict[tuple[str, str, str], dict[str, Any]] = {}

    def achievement_id(credential_id: str) -> str | None:
        credential = catalog.credentials.get(credential_id)
        if credential is None:
            return None
        found = ob3.achievement_url(base, credential_id)
        achievements.setdefault(found, ob3.achievement(credential, catalog.info, issuer))
        return found

    def relate(kind: str, source: str, target: str) -> None:
        source_id, target_id = achievement_id(source), achievement_id(target)
        if source_id and target_id:
            associations.setdefault(
                (kind, source_id, target_id),
                {"type": "Association", "associationType": kind, "sourceId": source_id, "targetId": target_id},
            )

    for progress in paths:
        path = catalog.paths[progress.path_id]
        for step in path.steps:
            for option in step.options:
                achievement_id(option)
        for earlier, later in zip(path.steps, path.steps[1:], strict=False):
            for source in earlier.options:
                for target in later.options:
                    relate("precedes", source, target)
        if path.leads_to:
            for kind, source, target in _leads_to(catalog, path):
                relate(kind, source, target)
    return list(achievements.values()), list(associations.values())


def _leads_to(catalog: model.Catalog, path: model.LearningPath) -> list[tuple[str, str, str]]:
    assert path.leads_to is not None
    goal = catalog.credentials.get(path.leads_to)
    options = path.credential_ids()
    if goal is not None and goal.classification == "certificate":
        children = options if goal.path == path.id else [o for o in options if o in goal.components]
        if children:
            return [("isParentOf", goal.id, child) for child in children]
    last = path.steps[-1].options if path.steps else []
    return [("precedes", source, path.leads_to) for source in last]
