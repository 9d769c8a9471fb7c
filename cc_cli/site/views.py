"""What each page shows, as plain values: the templates only lay them out.

Words for people (criterion kinds, renewal options, audiences) and the links between pages are decided here
so that the templates stay dumb and every page says the same thing the same way. Nothing here escapes HTML:
Jinja2's autoescape does, on every value, in every template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from cc_cli.catalog.model import Catalog, Credential, LearningPath
from cc_cli.catalog.roadmap import Relations
from cc_cli.catalog.texts import (
    Texts,
    alt_text,
    catalog_texts,
    describe_duration,
    direction,
    kind_label,
    language_of,
    month_year,
)
from cc_cli.site.framework import quotes_for

# Index order: skill badges, then certificates, then certifications; within each, by level.
CLASS_ORDER = {"skill": 0, "certificate": 1, "certification": 2}


@dataclass(frozen=True, slots=True)
class Link:
    """A reference to another page; `href` is None when that page is not published (draft, unknown id)."""

    text: str
    href: str | None
    note: str = ""  # the status word shown beside it ("retired", in the page's language)
    lang: str = ""  # the linked title's language, when it is not the page's
    status: str = ""  # the status itself, for the tag's class


class Site:
    """The published set (which credentials and paths get pages) and the links between them."""

    def __init__(self, catalog: Catalog, relations: Relations, emblems: dict[str, str]) -> None:
        self.catalog = catalog
        self.relations = relations
        self.emblems = emblems  # credential id -> file name under emblems/
        self.credentials = {key: c for key, c in catalog.credentials.items() if c.status != "draft"}
        self.paths = {key: p for key, p in catalog.paths.items() if p.status != "draft"}
        self.words = catalog_texts(catalog.info)  # the catalog's language: index, legacy and path pages

    def words_for(self, credential: Credential) -> Texts:
        """The words of a credential's own page: its language, else the catalog's."""
        if not credential.language:
            return self.words
        return catalog_texts(self.catalog.info, credential)

    def language(self, credential: Credential) -> str:
        return language_of(self.catalog.info, credential)

    def duration(self, value: str | None, words: Texts | None = None) -> str:
        return describe_duration(words or self.words, value) if value else ""

    def credential_href(self, key: str, root: str) -> str | None:
        return f"{root}credentials/{quote(key)}.html" if key in self.credentials else None

    def path_href(self, key: str, root: str) -> str | None:
        return f"{root}paths/{quote(key)}.html" if key in self.paths else None

    def emblem_src(self, key: str, root: str) -> str:
        return f"{root}emblems/{quote(self.emblems.get(key, '_none.svg'))}"

    def credential_link(self, key: str, root: str, words: Texts | None = None) -> Link:
        words = words or self.words
        found = self.catalog.credentials.get(key)
        status = "" if found is None or found.status == "active" else found.status
        note = words(f"status.{status}").lower() if status else ""
        return Link(
            found.title if found else key, self.credential_href(key, root), note, self._lang(found, words), status
        )

    def _lang(self, credential: Credential | None, page: Texts | None = None) -> str:
        """A credential's language where it differs from the page's (for a `lang` attribute), else ''."""
        if credential is None:
            return ""
        own = self.language(credential)
        return own if own != (page or self.words).language else ""

    def path_link(self, key: str, root: str) -> Link:
        found = self.catalog.paths.get(key)
        return Link(found.title if found else key, self.path_href(key, root))

    def card(self, credential: Credential, root: str) -> dict[str, Any]:
        """One credential as the index and the legacy page list it."""
        words = self.words
        lang = self._lang(credential)
        return {
            "id": credential.id,
            "title": credential.title,
            "lang": lang,
            "dir": direction(lang) if lang else "",
            "description": credential.description,
            "href": self.credential_href(credential.id, root),
            "emblem": self.emblem_src(credential.id, root),
            "alt": alt_text(self.words_for(credential), credential),
            "kind": credential.kind,
            "label": kind_label(words, credential),
            "classification": credential.classification,
            "type": credential.type or "",
            "level": credential.level or "",
            "time": self.duration(credential.time_to_earn),
            "status": credential.status,
            "status_word": words(f"status.{credential.status}"),
            "search": " ".join([credential.title, credential.id, *credential.skills]).lower(),
        }

    def credential_page(self, credential: Credential) -> dict[str, Any]:
        """Everything a credential's page shows, in the credential's language."""
        root = "../"
        words = self.words_for(credential)
        renewal = None
        if credential.renewal and (credential.renewal.valid_for or credential.renewal.options):
            renewal = {
                "valid_for": self.duration(credential.renewal.valid_for, words) or None,
                "options": [renewal_words(words, option.kind, option.hours) for option in credential.renewal.options],
            }
        return {
            "root": root,
            "c": credential,
            "t": words,
            "lang": words.language,
            "dir": words.direction,
            "label": kind_label(words, credential),
            "alt": alt_text(words, credential),
            "introduced": month_year(words, credential.introduced) if credential.introduced else None,
            "emblem": self.emblem_src(credential.id, root),
            "quotes": quotes_for(
                words, credential.classification, credential.type, credential.level, credential.legacy
            ),
            "criteria": [
                {
                    "kind": words(f"criterion.{item.kind}"),
                    "description": item.description,
                    "code": item.code,
                    "proctored": item.proctored,
                    "url": item.url,
                }
                for item in credential.criteria
            ],
            "time": self.duration(credential.time_to_earn, words) or None,
            "expires": self.duration(credential.expires_after, words) or None,
            "audience": words(f"audience.{credential.audience}") if credential.audience else None,
            "renewal": renewal,
            "requires": [self.credential_link(key, root, words) for key in credential.requires],
            "components": [self.credential_link(key, root, words) for key in credential.components],
            "own_path": self.path_link(credential.path, root) if credential.path else None,
            "required_by": [
                self.credential_link(k, root, words) for k in self.relations.required_by.get(credential.id, [])
            ],
            "part_of": [self.credential_link(k, root, words) for k in self.relations.part_of.get(credential.id, [])],
            "on_paths": [self.path_link(k, root) for k in self.relations.on_paths.get(credential.id, [])],
        }

    def path_card(self, path: LearningPath, root: str) -> dict[str, Any]:
        goal = self.catalog.credentials.get(path.leads_to or "")
        return {
            "title": path.title,
            "description": path.description,
            "href": self.path_href(path.id, root),
            "steps": len([step for step in path.steps if step.options]),
            "audience": self.words(f"audience.{path.audience}") if path.audience else None,
            "goal": goal.title if goal else None,
            "emblems": [
                {"src": self.emblem_src(key, root), "alt": alt_text(self.words, self.catalog.credentials[key])}
                for key in [*path.credential_ids(), *([path.leads_to] if path.leads_to else [])][:6]
                if key in self.catalog.credentials
            ],
        }


def renewal_words(words: Texts, kind: str, hours: float | None) -> str:
    """'Continuing education: 40 hours', in the language of `words`."""
    option = words(f"renewal.{kind}")
    return words("renewal.hours", option=option, hours=f"{hours:g}") if hours else option


def sort_key(credential: Credential) -> tuple[int, int, str, str]:
    return (
        CLASS_ORDER.get(credential.classification, 9),
        credential.rank if credential.rank is not None else 0,
        credential.title.casefold(),
        credential.id,
    )
