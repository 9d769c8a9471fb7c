"""The emblem's fixed words (kicker, footer, level word) in the credential's language.

They come from cc's texts (`cc_cli.catalog.texts`), so a catalog in French gets "Badge de compétence" on
its emblems, and a catalog can reword any of them in `catalog.yaml` `texts:`.
"""

from __future__ import annotations

from functools import lru_cache

from cc_cli.catalog.texts import Texts, fill, texts_for
from cc_cli.emblem.spec import Kind


def grade_key(kind: Kind) -> str | None:
    """The texts key of a kind's type or level word: 'type.foundational', 'level.associate', None."""
    if kind.shape == "circle":
        return "type." + kind.key.removeprefix("skill-")
    if kind.shape == "shield":
        return "level." + kind.key.removeprefix("certification-")
    return None


@lru_cache(maxsize=256)  # every credential of a kind and language has the same words
def fixed_words(kind: Kind, words: Texts | None = None) -> tuple[str, str, str]:
    """(kicker, footer, level word) for an emblem of `kind`, English when `words` is None. The kicker and
    footer keep their `{issuer}` placeholder: the layout fills in the issuer's name, or its shorter
    `emblem.issuer_line` when the name does not fit."""
    words = words or texts_for(None)
    key = grade_key(kind)
    grade = words(key) if key else ""
    if kind.shape == "circle":
        return words("emblem.skill_kicker", grade=grade), words("emblem.footer"), grade
    if kind.shape == "page":
        return words("emblem.certificate_kicker"), words("emblem.footer"), ""
    if kind.shape == "shield":
        return words("emblem.certification_kicker"), words("emblem.certification_footer"), grade
    return words("emblem.legacy_kicker"), words("emblem.legacy_footer"), ""


def with_issuer(template: str, issuer: str) -> str:
    """A kicker or footer with the issuer's name filled in ("Digital Credential" alone when there is none)."""
    return " ".join(fill(template, {"issuer": issuer.strip()}).split())
