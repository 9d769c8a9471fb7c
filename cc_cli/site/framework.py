"""What the framework says about each classification, type and level, shown on the site's credential pages.

The words are cc's own, neutral ones (`framework.*` in `cc_cli/data/texts/<language>.yaml`), with no
issuer's name in them. A catalog may replace them in `catalog.yaml` `texts:`, for instance with the exact
wording of its own programme, and name where that wording comes from in `framework.source`: the site then
shows the passages as quotations from that source. The sample catalog does so with the framework text it
was built from.
"""

from __future__ import annotations

from dataclasses import dataclass

from cc_cli.catalog.texts import Texts

CLASSIFICATIONS = ("skill", "certificate", "certification")
GRADES = ("foundational", "intermediate", "advanced", "thought-leader")


@dataclass(frozen=True, slots=True)
class Quote:
    heading: str  # the passage's heading
    paragraphs: tuple[str, ...]
    points: tuple[str, ...] = ()  # the passage's bullet points, if any


def passage(words: Texts, key: str) -> Quote:
    """The passage `framework.<key>.*`: its heading, its text (one paragraph a line) and its points."""
    return Quote(
        words(f"framework.{key}.heading"),
        tuple(words.list(f"framework.{key}.text")),
        tuple(words.list(f"framework.{key}.points")),
    )


def quotes_for(words: Texts, classification: str, type_: str | None, level: str | None, legacy: bool) -> list[Quote]:
    """What the framework says about a credential of this kind: its classification, then its type or level."""
    found = [passage(words, classification)] if classification in CLASSIFICATIONS else []
    if classification == "skill" and type_ in GRADES:
        found.append(passage(words, str(type_)))
    elif classification == "certification" and level:
        found.append(passage(words, "levels"))
    if legacy:
        found.append(passage(words, "legacy"))
    return found


def all_quotes(words: Texts) -> list[Quote]:
    """Every passage, for the tests."""
    return [passage(words, key) for key in (*CLASSIFICATIONS, *GRADES, "levels", "legacy")]
