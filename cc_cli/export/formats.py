"""`cc export`: the catalog for other systems, as OB 3.0 Achievements, CTDL JSON-LD, or a Credly roster template.

- `ob3`: a JSON list of OB 3.0 `Achievement` objects, exactly what `cc issue` embeds in awards (built by
  `awards.achievement`, so the two can never drift apart).
- `ctdl`: a JSON-LD `@graph` in the Credential Transparency Description Language, for the Credential Engine
  registry. Types `ceterms:Badge` / `ceterms:Certificate` / `ceterms:Certification`; how to earn a credential
  (criteria, prerequisites, certificate components) is one `ceterms:requires` ConditionProfile, so nobody reads
  separate profiles as alternatives; `ceterms:estimatedDuration` is a DurationProfile in strict ISO 8601;
  certification renewal is a `ceterms:renewal` ConditionProfile plus `ceterms:renewalFrequency`. Retired
  credentials are `credentialStat:Deprecated`. `ceterms:expirationDate` is never set: in CTDL it is the date a
  credential stops being offered, not an award's expiry, and the catalog records no such date.
- `credly-csv`: the column layout of Credly's bulk-issue template, one example row per active credential,
  every cell formula-safe (a spreadsheet cannot run a cell that starts with =, +, - or @).

Drafts are never exported. Core module: returns text, prints nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from pathlib import Path
from typing import Any

from cc_cli.catalog import model
from cc_cli.catalog.texts import Texts, catalog_texts
from cc_cli.core.csvfile import safe_cell
from cc_cli.core.durations import add_to, normalize
from cc_cli.credentials.ob3 import achievement, emblem_url, expiry_duration, issuer_profile

FORMATS = ("ob3", "ctdl", "credly-csv")
CTDL_CONTEXT = "https://credreg.net/ctdl/schema/context/json"
CTDL_REGISTRY = "https://credentialengineregistry.org/resources/"
CTDL_TYPES = {"skill": "ceterms:Badge", "certificate": "ceterms:Certificate", "certification": "ceterms:Certification"}
CTDL_STATUS = "https://credreg.net/ctdl/terms/CredentialStatus"
VOCABULARY = "en"  # CTDL's own term names (Credential Status, Active, Deprecated) are English
OCCUPATION_FRAMEWORKS = ("o*net", "soc", "esco", "isco")  # alignments that name occupations, not skills
# Credly's bulk-issue template, in its order (columns A-R). Required: template ID, email, first and last
# name, issue date; the rest must stay present even when empty.
CREDLY_COLUMNS = (
    "Badge Template ID",
    "Recipient Email",
    "Issued To First Name",
    "Issued To Middle Name",
    "Issued To Last Name",
    "Issued at",
    "Expires at",
    "Issuer Earner ID",
    "Group Tag",
    "Country",
    "State or Province",
    "Evidence Name",
    "Evidence URL",
    "URL Evidence Description",
    "Text Evidence Title",
    "Text Evidence Description",
    "Id Evidence Title",
    "Id Evidence Description",
)


def published(catalog: model.Catalog, statuses: tuple[str, ...] = ("active", "retired")) -> list[model.Credential]:
    return [
        catalog.credentials[key] for key in sorted(catalog.credentials) if catalog.credentials[key].status in statuses
    ]


def export_ob3(catalog: model.Catalog, issuer_id: str) -> str:
    """Every active and retired credential as an OB 3.0 Achievement; `issuer_id` is the creator's id."""
    creator = issuer_profile(catalog.info, issuer_id)
    achievements = [achievement(credential, catalog.info, creator) for credential in published(catalog)]
    return json.dumps(achievements, indent=2, ensure_ascii=False) + "\n"


def _text(value: Any, language: str) -> dict[str, Any]:
    """A CTDL language map: the value under its BCP 47 language (the credential's or the catalog's)."""
    return {language: value}


def _ctid(catalog: model.Catalog, kind: str, key: str) -> str:
    """A stable CTID ("ce-" + UUID): the same credential gets the same registry identifier on every export."""
    namespace = catalog.info.base_url or catalog.info.issuer.url or catalog.info.name
    return "ce-" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{namespace}/{kind}/{key}"))


def export_ctdl(catalog: model.Catalog) -> str:
    """The organisation and every active or retired credential as one CTDL JSON-LD @graph document."""
    org_ctid = _ctid(catalog, "organization", catalog.info.issuer.name)
    org: dict[str, Any] = {
        "@id": CTDL_REGISTRY + org_ctid,
        "@type": "ceterms:CredentialOrganization",
        "ceterms:ctid": org_ctid,
        "ceterms:name": _text(catalog.info.issuer.name, catalog.info.language),
    }
    if catalog.info.issuer.url:
        org["ceterms:subjectWebpage"] = catalog.info.issuer.url
    if catalog.info.issuer.email:
        org["ceterms:email"] = [catalog.info.issuer.email]
    credentials = published(catalog)
    ids = {c.id: CTDL_REGISTRY + _ctid(catalog, "credential", c.id) for c in credentials}
    goals = _path_goals(catalog)
    graph = [org] + [_ctdl_credential(catalog, c, ids, org["@id"], goals.get(c.id, [])) for c in credentials]
    return json.dumps({"@context": CTDL_CONTEXT, "@graph": graph}, indent=2, ensure_ascii=False) + "\n"


def _path_goals(catalog: model.Catalog) -> dict[str, list[tuple[str, str]]]:
    """credential id -> [(path title, goal id)] for every path it is on that leads somewhere."""
    goals: dict[str, list[tuple[str, str]]] = {}
    for path_id in sorted(catalog.paths):
        path = catalog.paths[path_id]
        if path.status == "draft" or not path.leads_to:
            continue
        for member in dict.fromkeys(path.credential_ids()):
            goals.setdefault(member, []).append((path.title, path.leads_to))
    return goals


def _ctdl_credential(
    catalog: model.Catalog,
    credential: model.Credential,
    ids: dict[str, str],
    owner: str,
    goals: list[tuple[str, str]],
) -> dict[str, Any]:
    base = (catalog.info.base_url or "").rstrip("/")
    words = catalog_texts(catalog.info, credential)
    language = words.language
    status = "Active" if credential.status == "active" else "Deprecated"
    node: dict[str, Any] = {
        "@id": ids[credential.id],
        "@type": CTDL_TYPES.get(credential.classification, "ceterms:Credential"),
        "ceterms:ctid": ids[credential.id].removeprefix(CTDL_REGISTRY),
        "ceterms:name": _text(credential.title, language),
        "ceterms:description": _text(credential.description, language),
        "ceterms:subjectWebpage": credential.url or f"{base}/credentials/{credential.id}.html",
        "ceterms:credentialStatusType": {
            "@type": "ceterms:CredentialAlignmentObject",
            "ceterms:framework": CTDL_STATUS,
            "ceterms:targetNode": "credentialStat:" + status,
            "ceterms:frameworkName": _text("Credential Status", VOCABULARY),
            "ceterms:targetNodeName": _text(status, VOCABULARY),
        },
        "ceterms:inLanguage": [language],
        "ceterms:ownedBy": [owner],
        "ceterms:offeredBy": [owner],
        "ceterms:image": emblem_url(base, credential.id),
    }
    if credential.introduced:
        node["ceterms:dateEffective"] = credential.introduced.isoformat()
    if credential.skills:
        node["ceterms:keyword"] = _text(list(credential.skills), language)
    node.update(_alignments(credential, language))
    if credential.time_to_earn:
        node["ceterms:estimatedDuration"] = [
            {"@type": "ceterms:DurationProfile", "ceterms:exactDuration": normalize(credential.time_to_earn)}
        ]
    node["ceterms:requires"] = [_requirements(credential, ids, words)]
    if credential.components:
        node["ceterms:hasPart"] = [ids[key] for key in credential.components if key in ids]
    preparation = [
        {
            "@type": "ceterms:ConditionProfile",
            "ceterms:description": _text(words("export.path_step", title=title), language),
            "ceterms:targetCredential": [ids[goal]],
        }
        for title, goal in goals
        if goal in ids and goal != credential.id
    ]
    if preparation:
        node["ceterms:isPreparationFor"] = preparation
    if credential.renewal and (credential.renewal.valid_for or credential.renewal.options):
        node.update(_renewal(credential.renewal, words))
    return node


def _requirements(credential: model.Credential, ids: dict[str, str], words: Texts) -> dict[str, Any]:
    conditions = [item.description for item in credential.criteria if item.description]
    profile: dict[str, Any] = {
        "@type": "ceterms:ConditionProfile",
        "ceterms:description": _text(words("export.how_to_earn", title=credential.title), words.language),
    }
    if conditions:
        profile["ceterms:condition"] = _text(conditions, words.language)
    targets = [ids[key] for key in dict.fromkeys([*credential.requires, *credential.components]) if key in ids]
    if targets:
        profile["ceterms:targetCredential"] = targets
    return profile


def _renewal(renewal: model.Renewal, words: Texts) -> dict[str, Any]:
    options = [_renewal_option(words, option) for option in renewal.options]
    described = words("export.renew_with", options="; ".join(options)) if options else words("export.renewal")
    profile: dict[str, Any] = {
        "@type": "ceterms:ConditionProfile",
        "ceterms:description": _text(described, words.language),
    }
    if options:
        profile["ceterms:condition"] = _text(options, words.language)
    found: dict[str, Any] = {"ceterms:renewal": [profile]}
    if renewal.valid_for:
        found["ceterms:renewalFrequency"] = normalize(renewal.valid_for)
    return found


def _renewal_option(words: Texts, option: model.RenewalOption) -> str:
    """'Continuing education: 40 hours', in the credential's language."""
    kind = words(f"renewal.{option.kind}")
    return words("renewal.hours", option=kind, hours=f"{option.hours:g}") if option.hours else kind


def _alignments(credential: model.Credential, language: str) -> dict[str, Any]:
    """Occupations (O*NET, ESCO... and job roles) as ceterms:occupationType, other frameworks as subjects."""
    occupations: list[dict[str, Any]] = []
    subjects: list[dict[str, Any]] = []
    for entry in credential.alignment:
        item: dict[str, Any] = {
            "@type": "ceterms:CredentialAlignmentObject",
            "ceterms:targetNodeName": _text(entry.name, language),
        }
        if entry.url:
            item["ceterms:targetNode"] = entry.url
        if entry.framework:
            item["ceterms:frameworkName"] = _text(entry.framework, language)
        if entry.code:
            item["ceterms:codedNotation"] = entry.code
        framework = (entry.framework or "").lower()
        (occupations if any(word in framework for word in OCCUPATION_FRAMEWORKS) else subjects).append(item)
    for role in credential.job_roles:
        occupations.append(
            {"@type": "ceterms:CredentialAlignmentObject", "ceterms:targetNodeName": _text(role, language)}
        )
    found: dict[str, Any] = {}
    if occupations:
        found["ceterms:occupationType"] = occupations
    if subjects:
        found["ceterms:subject"] = subjects
    return found


def export_credly_csv(catalog: model.Catalog, today: dt.date) -> str:
    """Credly's bulk-issue columns, with one example row per active credential issued `today`.

    `Badge Template ID` is the credential's `credly_template_id` where the catalog sets it, else the catalog id
    (replace it with the Credly template's ID: Credly, Developers, Template IDs; `cc issue` reads either).
    `Group Tag` keeps the catalog id, so Credly's reports map back to the catalog. Dates are mm/dd/yy, as
    Credly's bulk issue requires (`cc issue --date-format mdy` reads them back). The rows come in
    prerequisite order (a credential after what it `requires` and, for a certificate, its components), and a
    Thought Leader row carries the evidence placeholder the award needs, so that the template as written
    passes `cc issue --dry-run`: one example learner earning the whole catalog, top to bottom.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CREDLY_COLUMNS)
    issued = dt.datetime.combine(today, dt.time())
    for credential in prerequisite_order(published(catalog, ("active",))):
        duration = expiry_duration(credential)
        expires = add_to(issued, duration).strftime("%m/%d/%y") if duration else ""
        row = dict.fromkeys(CREDLY_COLUMNS, "")
        row.update(
            {
                "Badge Template ID": (credential.credly_template_id or "").strip() or credential.id,
                "Recipient Email": "learner@example.com",
                "Issued To First Name": "Ada",
                "Issued To Last Name": "Lovelace",
                "Issued at": issued.strftime("%m/%d/%y"),
                "Expires at": expires,
                "Group Tag": credential.id,
            }
        )
        if credential.type == "thought-leader":
            row["Text Evidence Title"] = "Review"
            row["Text Evidence Description"] = "Replace with what the review saw, or give an Evidence URL."
        writer.writerow([safe_cell(row[column]) for column in CREDLY_COLUMNS])
    return buffer.getvalue()


def prerequisite_order(credentials: list[model.Credential]) -> list[model.Credential]:
    """`credentials` (sorted by id) with each one after the ones among them it needs: its `requires` and,
    for a certificate, its `components` (the catalog has no cycles: CC213)."""
    by_id = {credential.id: credential for credential in credentials}
    placed: dict[str, model.Credential] = {}

    def place(credential: model.Credential, seen: frozenset[str]) -> None:
        if credential.id in placed or credential.id in seen:
            return
        needed = [*credential.requires, *(credential.components if credential.classification == "certificate" else ())]
        for cid in sorted(set(needed)):
            if cid in by_id:
                place(by_id[cid], seen | {credential.id})
        placed[credential.id] = credential

    for credential in credentials:
        place(credential, frozenset())
    return list(placed.values())


FORMATS = ("ob3", "ctdl", "credly-csv")


def export_catalog(root: Path, output_format: str, key: Path | None, today: dt.date) -> tuple[str, str]:
    """The validated catalog at `root` in `output_format` (one of FORMATS), and a note for the user ('' if
    none). Drafts are never exported; a catalog with errors is refused (UsageError)."""
    from cc_cli.validate.engine import require_valid

    loaded = require_valid(root).catalog
    if output_format == "ob3":
        return export_ob3(loaded, issuer_id(loaded, key)), ""
    if output_format == "ctdl":
        return export_ctdl(loaded), ""
    missing = sum(1 for c in published(loaded, ("active",)) if not (c.credly_template_id or "").strip())
    note = "replace the example recipients with real ones; dates are mm/dd/yy (`cc issue --date-format mdy`)"
    if missing:
        note = (
            f"{missing} Badge Template ID(s) are catalog ids: replace them with the Credly templates' IDs, or set "
            f"credly_template_id in those credentials; {note}"
        )
    return export_credly_csv(loaded, today), note


def issuer_id(loaded: model.Catalog, key: Path | None) -> str:
    """The issuer's did:key as awards carry it: the catalog's pinned issuer.did, else the key's (checked
    against the pin), else the issuer's url."""
    from cc_cli.core.problems import UsageError

    pinned = loaded.info.issuer.did
    from cc_cli.credentials.keys import check_catalog_key, describe_key, issuer_key_path

    path = issuer_key_path(key)
    if path is not None:
        did = describe_key(path).did
        check_catalog_key(pinned, did, loaded.root)
        return did
    if pinned:
        return str(pinned)
    fallback = loaded.info.issuer.url or loaded.info.base_url
    if not fallback:
        raise UsageError("the ob3 export needs an issuer id: give --key FILE, or set issuer.url in catalog.yaml")
    return fallback
