"""Fit an emblem title into its band: the one function the renderer and the validator (CC401) share.

The rule: wrap on word boundaries into 1 to 3 balanced lines, preferring one line at 40 px, then two at
36 px, then three at 30 px, then shrinking in 2 px steps to a 24 px floor (fewest lines first at each
size). "Balanced" means the longest line is as short as possible, then the lines are as even as
possible, so "Data Science Methodology" becomes "Data Science / Methodology", not a one-word widow.

It has to be fast, because `cc validate` fits every title of a catalog: word widths are cached (titles
share words), candidate splits are scored with prefix sums in font units, and results are memoised.
Importing this module costs nothing noticeable: the font is read on the first call.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from cc_cli.emblem import spec
from cc_cli.emblem.fonts import face, missing_glyphs

__all__ = ["TITLE_WEIGHT", "TitleLayout", "fit_title", "missing_glyphs", "title_problem"]

TITLE_WEIGHT = "SemiBold"
_GLUED = frozenset({"-", "\u2013", "\u2014", "&", "+", "|", "/", ":", "\u00b7", "\u2022"})


@dataclass(frozen=True, slots=True)
class TitleLayout:
    """A fitted title: the size in px, the lines top to bottom, and each line's drawn width in px."""

    size: int
    lines: tuple[str, ...]
    widths: tuple[float, ...]

    @property
    def line_height(self) -> float:
        return spec.line_height(self.size)

    @property
    def band_height(self) -> float:
        return spec.band_height(len(self.lines), self.size)


@cache
def _candidates(shape: str) -> tuple[tuple[int, int, float], ...]:
    """(lines, size, room in font units) to try in order, for one shape."""
    upem = face(TITLE_WEIGHT).upem
    order = list(spec.PREFERRED) + [(lines, size) for size in spec.SHRINK for lines in (1, 2, 3)]
    return tuple((lines, size, spec.text_width(shape, lines, size) * upem / size) for lines, size in order)


def fit_title(title: str, kind: str) -> TitleLayout | None:
    """Lay out `title` for the emblem of `kind` (`Credential.kind`); None when even 24 px does not fit."""
    return _fit(title, spec.kind_of(kind).shape)


@lru_cache(maxsize=8192)
def _fit(title: str, shape: str) -> TitleLayout | None:
    words = _words(title)
    if not words:
        return None
    font = face(TITLE_WEIGHT)
    width_of = font.word_width
    widths = [width_of(word) for word in words]
    space = font.advance[" "]
    count = len(words)
    # starts[i]: width of words[:i] plus the spaces between them, so a line i..j is starts[j]-starts[i]-space
    starts = [0]
    for width in widths:
        starts.append(starts[-1] + width + space)
    longest = max(widths)
    for lines, size, room in _candidates(shape):
        if lines > count or longest > room or not _greedy_fits(starts, space, count, lines, room):
            continue
        breaks = _balanced(starts, space, count, lines)
        spans = list(zip((0, *breaks), (*breaks, count), strict=True))
        scale = size / font.upem
        return TitleLayout(
            size,
            tuple(" ".join(words[i:j]) for i, j in spans),
            tuple((starts[j] - starts[i] - space) * scale for i, j in spans),
        )
    return None


def _words(title: str) -> list[str]:
    """Breakable units: words, with a free-standing dash or "&" kept at the end of the line before it.

    "Big Data Foundations - Level 1" must never put "- Level 1" on its own line, a line starting with a
    dash reads like a list item.
    """
    words: list[str] = []
    for token in unicodedata.normalize("NFC", title).split():
        if token in _GLUED and words:
            words[-1] += " " + token
        else:
            words.append(token)
    return words


def _greedy_fits(starts: list[int], space: int, count: int, lines: int, room: float) -> bool:
    """Whether the words fit `lines` lines of `room`: filling each line greedily uses the fewest lines.

    Linear, so most candidates are ruled out without trying every split; the balanced split (whose
    longest line is never longer than the greedy one's) is computed only for the candidate that fits.
    """
    if starts[count] - lines * space > lines * room:  # the lines together, without the spaces at breaks
        return False
    start, used = 0, 1
    for end in range(1, count + 1):
        if starts[end] - starts[start] - space > room:
            start, used = end - 1, used + 1
            if used > lines:
                return False
    return True


def _balanced(starts: list[int], space: int, count: int, lines: int) -> tuple[int, ...]:
    """Break points minimising the longest line, then the spread between longest and shortest."""
    if lines == 1:
        return ()
    total = starts[count]
    best: tuple[int, ...] = ()
    best_key = (1 << 62, 1 << 62)
    if lines == 2:
        for k in range(1, count):
            a, b = starts[k] - space, total - starts[k] - space
            key = (max(a, b), abs(a - b))
            if key < best_key:
                best_key, best = key, (k,)
        return best
    for i in range(1, count - 1):
        a = starts[i] - space
        if a > best_key[0]:  # the first line only grows with i: nothing better follows
            break
        for j in range(i + 1, count):
            b = starts[j] - starts[i] - space
            if b > best_key[0]:
                break
            c = total - starts[j] - space
            high = max(a, b, c)
            key = (high, high - min(a, b, c))
            if key < best_key:
                best_key, best = key, (i, j)
    return best


def title_problem(title: str, kind: str) -> str | None:
    """Why `title` cannot be drawn on a `kind` emblem, as a message for CC401 and `cc render`; None if fine."""
    missing = missing_glyphs(title, TITLE_WEIGHT)
    if missing:
        shown = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in missing)
        return f"the emblem typeface has no glyph for {shown}: set emblem.display_title without them"
    if fit_title(title, kind) is None:
        return (
            f"title {title!r} does not fit the emblem even at {spec.FLOOR} px on 3 lines: "
            "set a shorter emblem.display_title"
        )
    return None
