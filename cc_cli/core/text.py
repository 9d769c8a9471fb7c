"""Words for people: the one "did you mean" helper every command uses."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate most like `word`, or None when none is at least `cutoff` alike (difflib's ratio: 0.6
    for a misspelt id, 0.9 for "one typo, not a stranger")."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(candidate: str | None) -> str:
    """' (did you mean "x"?)', or '' without a candidate: every hint in cc reads the same."""
    return f' (did you mean "{candidate}"?)' if candidate is not None else ""


def suggest(word: str, candidates: Iterable[str]) -> str:
    """' (did you mean "x"?)' for the closest candidate, or ''."""
    return did_you_mean(closest(word, candidates))
