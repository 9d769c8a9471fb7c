"""cc's own words, in the catalog's language: the emblems' fixed lettering, the site's interface, alt texts.

Every word the product shows that is not catalog content lives in a data file per language,
`cc_cli/data/texts/<language>.yaml`, one flat mapping of keys to texts. English (`en.yaml`) is the
reference: it holds every key, and the other shipped languages must hold the same keys (a test checks it).
A catalog adds or corrects words in `catalog.yaml`:

    language: fr-CA              # BCP 47; credentials may set their own `language:`
    texts:
      fr:                        # words for one language (its primary tag, or the full tag)
        emblem.footer: "{issuer} · Titre numérique"

A text is looked up in the catalog's words for the full tag ("fr-CA"), then for its primary language
("fr"), then in the shipped file for that language, then in English, so a catalog in a language cc does
not ship ("it") works from the first word it supplies. Placeholders such as `{issuer}` are filled by cc;
anything else in braces is left as written, so a catalog's text can never break the rendering.

Catalog-layer module: no imports from the rest of cc beyond the model, so emblems, the site, awards and
exports all read the same words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

DEFAULT_LANGUAGE = "en"
SHIPPED = ("en", "fr", "de", "es", "pt", "ja", "ar")
TEXTS_DIR = Path(__file__).resolve().parent.parent / "data" / "texts"

# The BCP 47 tags that Open Badges 3.0 accepts for `inLanguage` (language, optional script, optional
# region), so every catalog language can be written into an award that validates.
LANGUAGE_TAG = re.compile(r"[a-z]{2,4}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?\Z")

# Languages written right to left (by primary subtag) and scripts that are, whatever the language.
_RTL_LANGUAGES = frozenset({"ar", "he", "iw", "fa", "ur", "ps", "yi", "dv", "ckb", "sd", "ug"})
_RTL_SCRIPTS = frozenset({"Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm"})
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def primary(language: str) -> str:
    """The primary language subtag: 'fr' for 'fr-CA', 'zh' for 'zh-Hant-TW'."""
    return language.split("-", 1)[0].lower()


def direction(language: str) -> str:
    """'rtl' for languages (or scripts) written right to left, else 'ltr'."""
    parts = language.split("-")
    if any(part in _RTL_SCRIPTS for part in parts[1:]):
        return "rtl"
    return "rtl" if primary(language) in _RTL_LANGUAGES else "ltr"


@cache
def shipped_words(language: str) -> Mapping[str, str]:
    """The words cc ships for one primary language ({} when it ships none)."""
    if language not in SHIPPED:
        return {}
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(TEXTS_DIR / f"{language}.yaml", encoding="utf-8") as stream:
        data = yaml.load(stream, Loader=loader)  # a safe loader: plain values only
    return {str(key): str(value) for key, value in data.items()}


def keys() -> tuple[str, ...]:
    """Every word a catalog may set, in the order of the English file."""
    return tuple(shipped_words(DEFAULT_LANGUAGE))


def fill(template: str, values: Mapping[str, Any]) -> str:
    """Fill `{name}` placeholders from `values`; unknown names and stray braces stay as written."""
    if "{" not in template:
        return template
    return _PLACEHOLDER.sub(lambda m: str(values[m[1]]) if m[1] in values else m[0], template)


@dataclass(frozen=True, slots=True, eq=False)  # compared (and hashed) by identity: texts_for caches them
class Texts:
    """The words for one language: call it with a key (and placeholder values) to get a text."""

    language: str
    words: Mapping[str, str]

    @property
    def direction(self) -> str:
        return direction(self.language)

    def __call__(self, key: str, **values: Any) -> str:
        return fill(self.words.get(key, key), values)

    def html(self, key: str, **values: Any) -> Any:
        """The text as HTML markup (for the site's templates): the text itself is escaped, and values that
        are already markup (links, <code>) are put in as they are, other values escaped."""
        from markupsafe import Markup, escape

        template = str(escape(self.words.get(key, key)))
        return Markup(fill(template, {name: escape(value) for name, value in values.items()}))

    def list(self, key: str) -> list[str]:
        """A text holding one item per line (bullet points, month names), as a list without blank lines."""
        return [line.strip() for line in self.words.get(key, "").splitlines() if line.strip()]


def texts_for(language: str | None, overrides: Mapping[str, Mapping[str, str]] | None = None) -> Texts:
    """The words for `language` (default English), with a catalog's `texts:` overrides applied."""
    frozen = tuple((tag, tuple(words.items())) for tag, words in overrides.items()) if overrides else ()
    return _texts_for(language or DEFAULT_LANGUAGE, frozen)


@lru_cache(maxsize=256)
def _texts_for(language: str, overrides: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]) -> Texts:
    """Cached: every credential of a catalog asks for the same few languages."""
    base = primary(language)
    words: dict[str, str] = dict(shipped_words(DEFAULT_LANGUAGE))
    words.update(shipped_words(base))
    for tag in dict.fromkeys((base, language)):
        for candidate, supplied in overrides:
            if candidate.lower() == tag.lower():
                words.update(supplied)
    return Texts(language, words)


def missing_words(language: str, overrides: Mapping[str, Mapping[str, str]] | None = None) -> list[str]:
    """Keys that neither cc nor the catalog supplies in `language` (shown in English until supplied)."""
    base = primary(language)
    if base in SHIPPED:
        return []
    supplied: set[str] = set()
    for candidate, words in (overrides or {}).items():
        if candidate.lower() in (base, language.lower()):
            supplied.update(words)
    return [key for key in keys() if key not in supplied]


def language_of(info: Any, credential: Any = None) -> str:
    """The language a credential is shown in: its own `language:`, else the catalog's."""
    own = getattr(credential, "language", None)
    return str(own or getattr(info, "language", None) or DEFAULT_LANGUAGE)


def catalog_texts(info: Any, credential: Any = None) -> Texts:
    """The words for a credential (its language, else the catalog's), with the catalog's own wording."""
    return texts_for(language_of(info, credential), getattr(info, "texts", None))


def grade_word(words: Texts, credential: Any) -> str:
    """'Foundational', 'Associate'... in the language of `words`; '' for certificates."""
    if credential.classification == "skill" and credential.type:
        return words(f"type.{credential.type}")
    if credential.classification == "certification" and credential.level:
        return words(f"level.{credential.level}")
    return ""


def kind_label(words: Texts, credential: Any) -> str:
    """'Skill badge · Foundational', 'Certificate', 'Professional certification · Associate'."""
    base = words(f"kind.{credential.classification}") if credential.classification in _CLASSES else ""
    grade = grade_word(words, credential)
    return f"{base} · {grade}" if base and grade else base or grade


def alt_text(words: Texts, credential: Any) -> str:
    """The emblem's alt text (and the award image's caption): '<title> - skill badge, Foundational'."""
    classification = credential.classification if credential.classification in _CLASSES else "certificate"
    text = words(f"alt.{classification}", title=credential.title, grade=grade_word(words, credential))
    return text.rstrip(" ,、،")  # a skill badge without a type: no dangling separator


_CLASSES = ("skill", "certificate", "certification")
_UNITS = {"Y": "year", "M": "month", "W": "week", "D": "day", "H": "hour", "h": "hour", "m": "minute", "s": "second"}


def describe_duration(words: Texts, duration: str) -> str:
    """'P6W' -> '6 weeks', 'PT8H' -> '8 heures'... in the language of `words`."""
    from cc_cli.core.durations import parts

    found = parts(duration)
    if not found:
        return duration
    said = [
        words(f"duration.{_UNITS[unit]}_{'one' if count == 1 else 'other'}", count=count)
        for unit, count in found.items()
    ]
    return words("duration.separator").join(said)


def month_year(words: Texts, day: Any) -> str:
    """'March 2021', 'mars 2021', '2021年3月' for a date."""
    months = words.list("date.months")
    month = months[day.month - 1] if len(months) == 12 else str(day.month)
    return words("date.month_year", month=month, year=day.year, number=day.month)
