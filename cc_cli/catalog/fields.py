"""The catalog file formats, declared once as data.

The same declarations drive the shape checks (CC101-CC104, CC106), the "did you mean" suggestions and the
JSON Schema that `cc schema` prints for editors, so the three can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cc_cli.catalog import model, texts

# Value kinds: text, code (text or number), bool, number, date, duration, url, email, id, ref, enum,
# list, object.


@dataclass(frozen=True, slots=True)
class Field:
    kind: str
    description: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    items: Field | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    min_items: int = 0
    only_for: str | None = None  # the classification that alone takes this field (CC218)
    exactly_one: tuple[str, ...] = ()  # objects: exactly one of these fields must be present
    keys: Field | None = None  # maps: what each key must be (the values are `items`)


def _text(description: str, required: bool = False, only_for: str | None = None) -> Field:
    return Field("text", description, required, only_for=only_for)


def _list(
    items: Field, description: str, required: bool = False, min_items: int = 0, only_for: str | None = None
) -> Field:
    return Field("list", description, required, items=items, min_items=min_items, only_for=only_for)


TEXT_WORDS: dict[str, Field] = {
    key: Field("text", f"Default: {english!r}") for key, english in texts.shipped_words(texts.DEFAULT_LANGUAGE).items()
}

CRITERION = Field(
    "object",
    "One way the credential is earned.",
    fields={
        "kind": Field("enum", "What the learner does.", True, model.CRITERION_KINDS),
        "description": _text("What exactly is required.", True),
        "url": Field("url", "Where the learning or assessment is."),
        "code": Field("code", "Exam or course code, e.g. C1000-142."),
        "proctored": Field("bool", "Exam only: whether the exam is proctored."),
    },
)

RENEWAL = Field(
    "object",
    "Certification only: how the certification stays current.",
    fields={
        "valid_for": Field("duration", "How long an award stays valid, e.g. P3Y.", True),
        "window": Field(
            "duration",
            "Renewing within this long before an award ends extends it from its end, not from the renewal date "
            f"(default {model.DEFAULT_RENEWAL_WINDOW}).",
        ),
        "options": _list(
            Field(
                "object",
                "One way to renew.",
                fields={
                    "kind": Field("enum", "How the holder renews.", True, model.RENEWAL_KINDS),
                    "hours": Field("number", "continuing-education only: hours required."),
                },
            ),
            "Ways to renew; at least one.",
            True,
            1,
        ),
    },
    only_for="certification",
)

CREDENTIAL: dict[str, Field] = {
    "id": Field("id", "Kebab-case id, equal to the file name without .yaml.", True),
    "title": _text("The credential's name, as awarded.", True),
    "classification": Field("enum", "Skill badge, certificate or certification.", True, model.CLASSIFICATIONS),
    "type": Field("enum", "Skill badges only: the skill level.", False, model.SKILL_TYPES, only_for="skill"),
    "level": Field("enum", "Certifications only.", False, model.CERT_LEVELS, only_for="certification"),
    "status": Field("enum", "draft, active (default) or retired.", False, model.STATUSES),
    "legacy": Field("bool", "Earned before the framework; keeps its original artwork."),
    "introduced": Field("date", "When the credential was introduced (YYYY-MM-DD)."),
    "description": _text("What earners know and can do.", True),
    "skills": _list(_text("A skill."), "Skills the credential attests.", True),
    "criteria": _list(CRITERION, "How it is earned; at least one.", True, 1),
    "time_to_earn": Field("duration", "Typical time to earn, ISO 8601 (P8H, P6W)."),
    "requires": _list(Field("ref", "A credential id."), "Prerequisite credentials."),
    "components": _list(
        Field("ref", "A credential id."),
        "Certificate only: the learning experiences it aggregates.",
        only_for="certificate",
    ),
    "path": Field("ref", "Certificate only: its prescriptive learning path.", only_for="certificate"),
    "audience": Field("enum", "Who it is for.", False, model.AUDIENCES),
    "job_roles": _list(_text("A job role."), "Certification: industry job roles.", only_for="certification"),
    "alignment": _list(
        Field(
            "object",
            "An external framework entry (O*NET, SFIA, ESCO...).",
            fields={
                "name": _text("Name of the aligned entry.", True),
                "framework": _text("Framework name."),
                "code": Field("code", "Code in that framework."),
                "url": Field("url", "Public page of the entry."),
            },
        ),
        "External frameworks the credential aligns to.",
    ),
    "renewal": RENEWAL,
    "expires_after": Field("duration", "Non-certifications: awards expire after this (ISO 8601)."),
    "duplicates": Field(
        "enum",
        "What a second award to the same person does: deny (default), allow, replace (a correction: the earlier "
        "award is revoked), or renew (default for certifications: the earlier award runs to its own end).",
        False,
        model.DUPLICATE_POLICIES,
    ),
    "emblem": Field(
        "object",
        "How the emblem is drawn.",
        fields={
            "display_title": _text("Shorter title for the artwork."),
            "business_unit": _text("Small line above the title band."),
            "artwork": _text("Legacy only: path of the original artwork (PNG or SVG) in the catalog."),
        },
    ),
    "url": Field("url", "Public page of the credential."),
    "language": Field(
        "lang", "Optional: the BCP 47 language of this credential's title and text, when not the catalog's."
    ),
    "credly_template_id": Field(
        "uuid",
        "Optional: the UUID of this credential's badge template on Credly (Credly: Developers, Template IDs), "
        "unique in the catalog. A roster's Badge Template ID may name the credential by it; `cc export --format "
        "credly-csv` writes it.",
    ),
}

PATH: dict[str, Field] = {
    "id": Field("id", "Kebab-case id, equal to the file name without .yaml.", True),
    "title": _text("The path's name.", True),
    "description": _text("What the path leads to.", True),
    "audience": Field("enum", "Who it is for.", False, model.AUDIENCES),
    "status": Field("enum", "draft, active (default) or retired.", False, model.STATUSES),
    "steps": _list(
        Field(
            "object",
            "One step: `credential: ID` or `one_of: [ID, ID]`.",
            fields={
                "credential": Field("ref", "The credential earned at this step."),
                "one_of": _list(Field("ref", "A credential id."), "Options: any one of them."),
            },
            exactly_one=("credential", "one_of"),
        ),
        "Steps in order.",
        True,
        1,
    ),
    "leads_to": Field("ref", "Optional: the certification or certificate it prepares for."),
}

CATALOG: dict[str, Field] = {
    "name": _text("Programme name, shown on the site.", True),
    "issuer": Field(
        "object",
        "Who issues the awards.",
        True,
        fields={
            "name": _text("Shown on emblems and in every award.", True),
            "url": Field("url", "The issuer's web site.", True),
            "email": Field("email", "Contact address."),
            "logo": _text("Owner-supplied artwork; never drawn by the tool."),
            "did": Field(
                "did",
                "Optional: the issuer's did:key (`cc keys show`). cc issue and cc revoke refuse any other key; "
                "cc verify accepts only awards it signed.",
            ),
        },
    ),
    "base_url": Field("url", "Where achievements, emblems and status lists are published.", True),
    "framework_date": Field("date", "Credentials introduced before it may be legacy.", True),
    "status_list_valid_for": Field(
        "duration",
        "Optional: how long a published status list stays valid (e.g. P7D). Verifiers then refuse a stale copy "
        "that predates a revocation; republish in time with `cc revoke --republish` (daily, from cron or CI).",
    ),
    "ledger": Field(
        "ledger",
        "Optional: the shared PostgreSQL ledger every cc command of this catalog uses, e.g. "
        "postgresql://issuer@db.example.org:5432/credentials; never its password (CC108): that goes in "
        "PGPASSWORD or ~/.pgpass. --ledger and $CC_LEDGER come first.",
    ),
    "rules": Field("object", "Per-rule severity overrides, e.g. {CC211: off}."),
    "notify": Field(
        "object",
        "Optional: how `cc notify` emails awards to their holders (see README, Delivering awards).",
        fields={
            "from": Field("email", "The sender address of award emails; the issuer's name is its display name.", True),
            "reply_to": Field("email", "Optional: where learners' replies go."),
            "suppress": _text(
                "Optional: catalog-relative file of addresses that asked never to be emailed, one per line "
                "(# starts a comment)."
            ),
            "smtp": Field(
                "object",
                "The SMTP server that sends the awards (--host and --port override host and port).",
                True,
                fields={
                    "host": _text("Server name, e.g. smtp.example.org.", True),
                    "port": Field("number", "TCP port; default 587 for starttls, 465 for tls, 25 for none."),
                    "security": Field(
                        "enum", "starttls (default), tls (implicit TLS) or none.", False, model.SMTP_SECURITY
                    ),
                    "username": _text("Optional: login name; the password comes from $CC_SMTP_PASSWORD only."),
                    "password": _text("Never here: cc reads the password from $CC_SMTP_PASSWORD only (CC603)."),
                    "ca_file": _text(
                        "Optional: catalog-relative PEM file of the CA to trust for this server, besides the "
                        "system's ($CC_SMTP_CA_FILE overrides it). Certificates are always verified."
                    ),
                },
            ),
        },
    ),
    "language": Field(
        "lang",
        "Optional: the BCP 47 language of the catalog (default en): emblems' fixed words, the site's interface, "
        "awards' inLanguage and CTDL language maps follow it. cc ships its words in " + ", ".join(texts.SHIPPED) + ".",
    ),
    "texts": Field(
        "map",
        "Optional: cc's words in your own phrasing, per language, e.g. {en: {emblem.footer: '{issuer} Credential'}}. "
        "Keys are BCP 47 tags; each word defaults to cc's own (see `cc schema catalog` for the list).",
        keys=Field("lang", "A BCP 47 language tag."),
        items=Field("object", "Words for one language.", fields=TEXT_WORDS),
    ),
    "emblem": Field(
        "object",
        "Optional: how emblems set the issuer.",
        fields={
            "issuer_line": _text(
                "A shorter issuer name for emblems (e.g. an acronym), used when the full name does not fit on two lines."
            ),
        },
    ),
}
