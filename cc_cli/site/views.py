"""What each page shows, as plain values: the templates only lay them out.

Words for people (criterion kinds, renewal options, audiences) and the links between pages are decided here
so that the templates stay dumb and every page says the same thing the same way. Nothing here escapes HTML:
Jinja2's autoescape does, on every value, in every template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from cc_cli.catalog.model import RENEWAL_WORDS, Catalog, Credential, LearningPath
from cc_cli.catalog.roadmap import Relations, grade
from cc_cli.core.durations import describe
from cc_cli.site.framework import quotes_for

CRITERION_WORDS = {
    "course": "Course",
    "assessment": "Assessment",
    "exam": "Exam",
    "performance-test": "Performance-based test",
    "project": "Project",
    "evidence": "Evidence submission",
    "sme-review": "Subject matter expert review",
    "board-review": "Board review",
    "experience": "Verified experience",
}
AUDIENCE_WORDS = {"newcomer": "Newcomers", "experienced": "Experienced professionals", "all": "Everyone"}
CLASS_LABELS = {"skill": "Skill badge", "certificate": "Certificate", "certification": "Professional certification"}
# Index order: skill badges, then certificates, then certifications; within each, by level.
CLASS_ORDER = {"skill": 0, "certificate": 1, "certification": 2}


@dataclass(frozen=True, slots=True)
class Link:
    """A reference to another page; `href` is None when that page is not published (draft, unknown id)."""

    text: str
    href: str | None
    note: str = ""


class Site:
    """The published set (which credentials and paths get pages) and the links between them."""

    def __init__(self, catalog: Catalog, relations: Relations, emblems: dict[str, str]) -> None:
        self.catalog = catalog
        self.relations = relations
        self.emblems = emblems  # credential id -> file name under emblems/
        self.credentials = {key: c for key, c in catalog.credentials.items() if c.status != "draft"}
        self.paths = {key: p for key, p in catalog.paths.items() if p.status != "draft"}

    def credential_href(self, key: str, root: str) -> str | None:
        return f"{root}credentials/{quote(key)}.html" if key in self.credentials else None

    def path_href(self, key: str, root: str) -> str | None:
        return f"{root}paths/{quote(key)}.html" if key in self.paths else None

    def emblem_src(self, key: str, root: str) -> str:
        return f"{root}emblems/{quote(self.emblems.get(key, '_none.svg'))}"

    def credential_link(self, key: str, root: str) -> Link:
        found = self.catalog.credentials.get(key)
        note = "" if found is None or found.status == "active" else found.status
        return Link(found.title if found else key, self.credential_href(key, root), note)

    def path_link(self, key: str, root: str) -> Link:
        found = self.catalog.paths.get(key)
        return Link(found.title if found else key, self.path_href(key, root))

    def card(self, credential: Credential, root: str) -> dict[str, Any]:
        """One credential as the index and the legacy page list it."""
        return {
            "id": credential.id,
            "title": credential.title,
            "description": credential.description,
            "href": self.credential_href(credential.id, root),
            "emblem": self.emblem_src(credential.id, root),
            "alt": credential.alt_text,
            "kind": credential.kind,
            "label": kind_label(credential),
            "classification": credential.classification,
            "type": credential.type or "",
            "level": credential.level or "",
            "time": describe(credential.time_to_earn) if credential.time_to_earn else "",
            "status": credential.status,
            "search": " ".join([credential.title, credential.id, *credential.skills]).lower(),
        }

    def credential_page(self, credential: Credential) -> dict[str, Any]:
        """Everything a credential's page shows."""
        root = "../"
        renewal = None
        if credential.renewal and (credential.renewal.valid_for or credential.renewal.options):
            renewal = {
                "valid_for": describe(credential.renewal.valid_for) if credential.renewal.valid_for else None,
                "options": [
                    RENEWAL_WORDS.get(option.kind, option.kind) + (f": {option.hours:g} hours" if option.hours else "")
                    for option in credential.renewal.options
                ],
            }
        return {
            "root": root,
            "c": credential,
            "label": kind_label(credential),
            "emblem": self.emblem_src(credential.id, root),
            "quotes": quotes_for(credential.classification, credential.type, credential.level, credential.legacy),
            "criteria": [
                {
                    "kind": CRITERION_WORDS.get(item.kind, item.kind),
                    "description": item.description,
                    "code": item.code,
                    "proctored": item.proctored,
                    "url": item.url,
                }
                for item in credential.criteria
            ],
            "time": describe(credential.time_to_earn) if credential.time_to_earn else None,
            "expires": describe(credential.expires_after) if credential.expires_after else None,
            "audience": AUDIENCE_WORDS.get(credential.audience or ""),
            "renewal": renewal,
            "requires": [self.credential_link(key, root) for key in credential.requires],
            "components": [self.credential_link(key, root) for key in credential.components],
            "own_path": self.path_link(credential.path, root) if credential.path else None,
            "required_by": [self.credential_link(k, root) for k in self.relations.required_by.get(credential.id, [])],
            "part_of": [self.credential_link(k, root) for k in self.relations.part_of.get(credential.id, [])],
            "on_paths": [self.path_link(k, root) for k in self.relations.on_paths.get(credential.id, [])],
        }

    def path_card(self, path: LearningPath, root: str) -> dict[str, Any]:
        goal = self.catalog.credentials.get(path.leads_to or "")
        return {
            "title": path.title,
            "description": path.description,
            "href": self.path_href(path.id, root),
            "steps": len([step for step in path.steps if step.options]),
            "audience": AUDIENCE_WORDS.get(path.audience or ""),
            "goal": goal.title if goal else None,
            "emblems": [
                {"src": self.emblem_src(key, root), "alt": self.catalog.credentials[key].alt_text}
                for key in [*path.credential_ids(), *([path.leads_to] if path.leads_to else [])][:6]
                if key in self.catalog.credentials
            ],
        }


def kind_label(credential: Credential) -> str:
    """'Skill badge · Foundational', 'Certificate', 'Professional certification · Associate'."""
    word = grade(credential)
    base = CLASS_LABELS.get(credential.classification, credential.classification)
    return f"{base} · {word}" if word else base


def sort_key(credential: Credential) -> tuple[int, int, str, str]:
    return (
        CLASS_ORDER.get(credential.classification, 9),
        credential.rank if credential.rank is not None else 0,
        credential.title.casefold(),
        credential.id,
    )
