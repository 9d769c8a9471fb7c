"""Build Open Badges 3.0 `OpenBadgeCredential` documents from a ledger row and the catalog.

The document is a pure function of the ledger row, the catalog entry and the issuer's did:key, so a run
that recovers from a crash rebuilds byte for byte the award it was writing (Ed25519 is deterministic).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from cc_cli.catalog.texts import alt_text, catalog_texts
from cc_cli.core import jsontext
from cc_cli.core.durations import normalize

if TYPE_CHECKING:  # annotations only: `cc verify` (status positions, recipient hashes) needs no catalog model
    from cc_cli.catalog import model

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Defines the credentialSchema type 1EdTechJsonSchemaValidator2019; without it that term would not expand
# and verifiers in safe mode reject the award.
OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
SCHEMA_TYPE = "1EdTechJsonSchemaValidator2019"
STATUS_LIST_SIZE = 131_072  # the minimum Bitstring Status List length (16 KB), for herd privacy
ACHIEVEMENT_TYPES = {"skill": "Badge", "certificate": "Certificate", "certification": "Certification"}


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 `identityHash`: "sha256$" + hex sha256 of the lower-cased email followed by the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()


def achievement_url(base_url: str | None, credential_id: str) -> str:
    """Where the credential's Achievement is published: a `.json` suffix, so that any static host (GitHub
    Pages, nginx, an object store) serves it as application/json without configuration. Awards issued before
    this carried the URL without the suffix; `cc site` publishes that copy too, so they keep resolving."""
    return f"{(base_url or '').rstrip('/')}/achievements/{credential_id}.json"


def emblem_url(base_url: str | None, credential_id: str, kind: str = "png") -> str:
    """Where the credential's emblem is published (`cc site` writes both PNG and SVG)."""
    return f"{(base_url or '').rstrip('/')}/emblems/{credential_id}.{kind}"


def status_list_url(base_url: str, index: int) -> str:
    """The list that holds the ledger's status index `index`: list n covers [n * size, (n + 1) * size)."""
    return f"{base_url.rstrip('/')}/status/{index // STATUS_LIST_SIZE}.json"


def list_position(index: int) -> int:
    """The award's `statusListIndex`: its bit within the list it cites, not the ledger's global index.

    Bitstring Status List: "the position of the status of the verifiable credential" in the list named by
    `statusListCredential`. Ledger index 131,072 is bit 0 of list 1; a verifier looks at that bit.
    """
    return index % STATUS_LIST_SIZE


def achievement(credential: model.Credential, info: model.CatalogInfo, issuer: dict[str, Any]) -> dict[str, Any]:
    """The catalog entry as an OB 3.0 `Achievement` (also what `cc export --format ob3` prints)."""
    narrative = "\n".join(f"- {c.description}" + (f" ({c.url})" if c.url else "") for c in credential.criteria)
    criteria: dict[str, Any] = {"narrative": narrative or credential.description}
    if credential.url:
        criteria["id"] = credential.url
    words = catalog_texts(info, credential)  # the credential's language, else the catalog's
    result: dict[str, Any] = {
        "id": achievement_url(info.base_url, credential.id),
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES.get(credential.classification, "Badge"),
        "name": credential.title,
        "description": credential.description,
        "criteria": criteria,
        "image": {
            "id": emblem_url(info.base_url, credential.id),
            "type": "Image",
            "caption": alt_text(words, credential),
        },
        "creator": issuer,
        "humanCode": credential.id,
        "inLanguage": words.language,
    }
    if credential.skills:
        result["tag"] = list(credential.skills)
    alignments = [
        {
            "type": ["Alignment"],
            "targetName": entry.name,
            "targetUrl": entry.url,
            **({"targetFramework": entry.framework} if entry.framework else {}),
            **({"targetCode": entry.code} if entry.code else {}),
        }
        for entry in credential.alignment
        if entry.url  # the OB 3.0 schema requires targetUrl
    ]
    if alignments:
        result["alignment"] = alignments
    return result


LOGO_PATH = "issuer/logo"  # where `cc site` publishes the catalog's issuer.logo, with its own suffix


def issuer_logo_path(info: model.CatalogInfo) -> str | None:
    """`issuer/logo.png` (or `.svg`) for a catalog whose issuer has a logo, relative to base_url; else None."""
    logo = info.issuer.logo
    if not logo:
        return None
    suffix = logo.rsplit(".", 1)[-1].lower() if "." in logo.rsplit("/", 1)[-1] else ""
    return f"{LOGO_PATH}.{suffix}"


def issuer_profile(info: model.CatalogInfo, did: str) -> dict[str, Any]:
    """The OB 3.0 issuer Profile: name, url, email and, where the catalog has one, the published logo."""
    profile: dict[str, Any] = {"id": did, "type": ["Profile"], "name": info.issuer.name}
    if info.issuer.url:
        profile["url"] = info.issuer.url
    if info.issuer.email:
        profile["email"] = info.issuer.email
    logo = issuer_logo_path(info)
    if logo and info.base_url:
        profile["image"] = {"id": f"{info.base_url.rstrip('/')}/{logo}", "type": "Image"}
    return profile


def build_award(
    *,
    award_id: str,
    credential: model.Credential,
    info: model.CatalogInfo,
    did: str,
    email: str,
    name: str,
    salt: str,
    issued_at: str,
    awarded_at: str,
    valid_until: str | None,
    status_index: int,
    evidence_url: str | None,
    evidence_narrative: str | None,
    parts: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """The unsigned award document (dates are XML Schema dateTimeStamp strings, in UTC).

    `parts`, a dict kept for one run (one catalog, unchanged), holds the issuer profile and the achievement of
    each credential once: every award of the credential then shares those two objects, built once instead of
    per award, and pickled once per task to the signing workers. Nothing may modify a document built so."""
    cached = None if parts is None else parts.get((credential.id, did))
    if cached is None:
        issuer = issuer_profile(info, did)
        cached = (issuer, achievement(credential, info, issuer))
        if parts is not None:
            parts[(credential.id, did)] = cached
    issuer, achievement_part = cached
    status_list = status_list_url(info.base_url or "", status_index)
    document: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT, OB_EXTENSIONS_CONTEXT],
        "id": award_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": credential.title,
        "issuer": issuer,
        "validFrom": issued_at,
    }
    if valid_until:
        document["validUntil"] = valid_until
    document["awardedDate"] = awarded_at
    document["credentialSubject"] = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(email, salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            },
            # The recipient's name in clear, as wallets and employers display it (OB 3.0 identityType "name").
            {"type": "IdentityObject", "identityHash": name, "identityType": "name", "hashed": False},
        ],
        "achievement": achievement_part,
    }
    if evidence_url or evidence_narrative:
        evidence: dict[str, Any] = {"type": ["Evidence"]}
        if evidence_url:
            evidence["id"] = evidence_url
        if evidence_narrative:
            evidence["narrative"] = evidence_narrative
        document["evidence"] = [evidence]
    document["credentialStatus"] = {
        "id": f"{status_list}#{list_position(status_index)}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(list_position(status_index)),
        "statusListCredential": status_list,
    }
    document["credentialSchema"] = [{"id": OB_SCHEMA, "type": SCHEMA_TYPE}]
    return document


def expiry_duration(credential: model.Credential) -> str | None:
    """How long an award stays valid: `renewal.valid_for` for certifications, else `expires_after`."""
    if credential.renewal and credential.renewal.valid_for:
        return normalize(credential.renewal.valid_for)
    return normalize(credential.expires_after) if credential.expires_after else None


def dumps(document: dict[str, Any], *, may_hold_floats: bool = True) -> bytes:
    """The award file's bytes: stable key order as built, two-space indent, UTF-8, final newline: exactly
    `json.dumps(document, indent=2, ensure_ascii=False) + "\\n"` (see `cc_cli.core.jsontext.indented`).
    `build_award` and `signing.sign` put no float in a document: `may_hold_floats=False` for those."""
    return jsontext.indented(document, may_hold_floats=may_hold_floats)
