"""The catalog model: typed, already-checked values that the rest of `cc` works with.

The loader (`cc_cli.validate.load`) builds these from YAML after shape checking, so a field that had the wrong
type in the file is simply absent (None or empty) here, and commands never crash on a bad catalog.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

CLASSIFICATIONS = ("skill", "certificate", "certification")
SKILL_TYPES = ("foundational", "intermediate", "advanced", "thought-leader")
CERT_LEVELS = ("associate", "professional", "advanced")
STATUSES = ("draft", "active", "retired")
AUDIENCES = ("newcomer", "experienced", "all")
DUPLICATE_POLICIES = ("deny", "allow", "replace", "renew")
DEFAULT_RENEWAL_WINDOW = "P60D"  # how early a renewal still extends from the end (Credly reminds 60 days ahead)
CRITERION_KINDS = (
    "course",
    "assessment",
    "exam",
    "performance-test",
    "project",
    "evidence",
    "sme-review",
    "board-review",
    "experience",
)
SMTP_SECURITY = ("starttls", "tls", "none")
RENEWAL_KINDS = ("continuing-education", "proctored-reassessment", "unproctored-reassessment")

# Human words for kinds, used in emblems, alt text and the site.
TYPE_WORDS = {
    "foundational": "Foundational",
    "intermediate": "Intermediate",
    "advanced": "Advanced",
    "thought-leader": "Thought Leader",
}
LEVEL_WORDS = {"associate": "Associate", "professional": "Professional", "advanced": "Advanced"}
CLASSIFICATION_WORDS = {
    "skill": "skill badge",
    "certificate": "certificate",
    "certification": "professional certification",
}


@dataclass(slots=True)
class Criterion:
    kind: str
    description: str = ""
    url: str | None = None
    code: str | None = None
    proctored: bool | None = None


@dataclass(slots=True)
class RenewalOption:
    kind: str
    hours: float | None = None


@dataclass(slots=True)
class Renewal:
    valid_for: str | None = None
    options: list[RenewalOption] = field(default_factory=list)
    window: str | None = None  # renewing within this long before the end extends from the end


@dataclass(slots=True)
class Alignment:
    name: str
    framework: str | None = None
    code: str | None = None
    url: str | None = None


@dataclass(slots=True)
class Emblem:
    display_title: str | None = None
    business_unit: str | None = None
    artwork: str | None = None  # catalog-relative path, legacy only


@dataclass(slots=True)
class Credential:
    id: str
    title: str
    classification: str
    source: str  # catalog-relative file path, e.g. "credentials/cloud-essentials.yaml"
    type: str | None = None
    level: str | None = None
    status: str = "active"
    legacy: bool = False
    introduced: dt.date | None = None
    description: str = ""
    skills: list[str] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)
    time_to_earn: str | None = None
    requires: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    path: str | None = None
    audience: str | None = None
    job_roles: list[str] = field(default_factory=list)
    alignment: list[Alignment] = field(default_factory=list)
    renewal: Renewal | None = None
    expires_after: str | None = None
    duplicates: str = "deny"
    emblem: Emblem = field(default_factory=Emblem)
    url: str | None = None
    language: str | None = None  # BCP 47; None: the catalog's language
    credly_template_id: str | None = None  # Credly's badge template UUID, as written (CC219, CC220)
    # Fields the file has but with a wrong type or format (already reported): rules stay quiet about them.
    invalid_fields: frozenset[str] = frozenset()

    @property
    def kind(self) -> str:
        """The emblem kind: 'skill-foundational', 'certificate', 'certification-associate', 'legacy'..."""
        if self.legacy:
            return "legacy"
        if self.classification == "skill":
            return f"skill-{self.type or 'foundational'}"
        if self.classification == "certification":
            return f"certification-{self.level or 'associate'}"
        return "certificate"

    @property
    def rank(self) -> int | None:
        """Position of the type or level within its classification (0-based), None for certificates."""
        if self.classification == "skill" and self.type in SKILL_TYPES:
            return SKILL_TYPES.index(self.type)
        if self.classification == "certification" and self.level in CERT_LEVELS:
            return CERT_LEVELS.index(self.level)
        return None

    @property
    def kind_words(self) -> str:
        """'skill badge, Foundational', 'certificate', 'professional certification, Associate'."""
        base = CLASSIFICATION_WORDS.get(self.classification, self.classification)
        word = TYPE_WORDS.get(self.type or "") or LEVEL_WORDS.get(self.level or "")
        return f"{base}, {word}" if word else base

    @property
    def alt_text(self) -> str:
        """The emblem's alt text, also the Open Badges image caption."""
        return f"{self.title} - {self.kind_words}"


@dataclass(slots=True)
class Step:
    options: list[str]  # one credential id, or several for `one_of`
    one_of: bool = False


@dataclass(slots=True)
class LearningPath:
    id: str
    title: str
    source: str
    description: str = ""
    audience: str | None = None
    status: str = "active"
    steps: list[Step] = field(default_factory=list)
    leads_to: str | None = None
    invalid_fields: frozenset[str] = frozenset()  # as on Credential

    def credential_ids(self) -> list[str]:
        return [option for step in self.steps for option in step.options]


@dataclass(slots=True)
class Issuer:
    name: str = ""
    url: str | None = None
    email: str | None = None
    logo: str | None = None
    did: str | None = None  # the one signing key this catalog's awards may carry


@dataclass(slots=True)
class Smtp:
    """`notify.smtp`: the server `cc notify` sends through. The password is never part of the catalog."""

    host: str = ""
    port: float | None = None  # as written (CC604 checks it is a TCP port); None: the usual one
    security: str = "starttls"
    username: str | None = None
    ca_file: str | None = None  # catalog-relative PEM bundle to trust besides the system's CAs
    password_given: bool = False  # a `password` in the file: CC603 refuses it, and it is never kept

    @property
    def usual_port(self) -> int:
        """The port of the security mode: 587 submission with STARTTLS, 465 implicit TLS, 25 plain."""
        return {"tls": 465, "none": 25}.get(self.security, 587)


@dataclass(slots=True)
class Notify:
    """`notify` in catalog.yaml: who award emails come from, and how they are sent."""

    sender: str = ""  # `from`
    reply_to: str | None = None
    suppress: str | None = None  # catalog-relative file of addresses never to email
    smtp: Smtp = field(default_factory=Smtp)


@dataclass(slots=True)
class CatalogEmblem:
    issuer_line: str | None = None  # a shorter issuer name for emblems, when the full one does not fit


@dataclass(slots=True)
class CatalogInfo:
    name: str = ""
    issuer: Issuer = field(default_factory=Issuer)
    language: str = "en"  # BCP 47: the language of cc's words on emblems, the site, awards and exports
    texts: dict[str, dict[str, str]] = field(default_factory=dict)  # language -> key -> text (catalog.yaml)
    emblem: CatalogEmblem = field(default_factory=CatalogEmblem)
    base_url: str | None = None
    framework_date: dt.date | None = None
    status_list_valid_for: str | None = None  # ISO 8601 duration: the validUntil of published status lists
    rules: dict[str, str] = field(default_factory=dict)  # code -> off|warning|error
    notify: Notify | None = None  # None: no `notify` settings (cc notify says what to add)


@dataclass(slots=True)
class Catalog:
    root: Path
    info: CatalogInfo
    credentials: dict[str, Credential] = field(default_factory=dict)
    paths: dict[str, LearningPath] = field(default_factory=dict)


RENEWAL_WORDS = {
    "continuing-education": "Continuing education",
    "proctored-reassessment": "Proctored re-assessment",
    "unproctored-reassessment": "Non-proctored re-assessment",
}
