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

__all__ = ["TITLE_WEIGHT", "TitleLayout", "fit_title", "font_problem", "missing_glyphs", "title_problem", "undrawable"]

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


def fit_title(title: str, kind: str, language: str = "en") -> TitleLayout | None:
    """Lay out `title` for the emblem of `kind` (`Credential.kind`); None when even 24 px does not fit."""
    fonts = "" if title.isascii() else _fonts_key()  # widths of other scripts depend on the fonts found
    return _fit(title, spec.kind_of(kind).shape, language, fonts)


def _fonts_key() -> str:
    from cc_cli.emblem.scripts import fonts_key

    return fonts_key()


@lru_cache(maxsize=32768)  # validation fits each title for CC401 and again for the lettering rules
def _fit(title: str, shape: str, language: str = "en", _fonts: str = "") -> TitleLayout | None:
    words, glue = _units(title)
    if not words:
        return None
    font = face(TITLE_WEIGHT)
    shaped = not title.isascii() and _needs_fallback(title)
    if shaped:
        widths = [_unit_width(word, language) for word in words]
    else:
        width_of = font.word_width
        widths = [width_of(word) for word in words]
    space = font.advance[" "]
    count = len(words)
    # starts[i]: width of words[:i] with the glue after each, so a line i..j is starts[j]-starts[i]-after[j-1]
    starts = [0]
    if glue is None:
        after = [space] * count
        for width in widths:
            starts.append(starts[-1] + width + space)
    else:
        after = [space if g else 0 for g in glue]
        for width, gap in zip(widths, after, strict=True):
            starts.append(starts[-1] + width + gap)
    longest = max(widths)
    gap = space if glue is None or any(glue) else 0  # the widest glue between two units
    for lines, size, room in _candidates(shape):
        if lines > count or longest > room or not _greedy_fits(starts, after, count, lines, room, gap):
            continue
        breaks = _balanced(starts, after, count, lines)
        spans = list(zip((0, *breaks), (*breaks, count), strict=True))
        scale = size / font.upem
        if glue is None:
            texts = tuple(" ".join(words[i:j]) for i, j in spans)
        else:
            texts = tuple(_join(words[i:j], glue[i:j]) for i, j in spans)
        return TitleLayout(
            size,
            texts,
            tuple(
                (_line_width(text, language) if shaped else starts[j] - starts[i] - after[j - 1]) * scale
                for text, (i, j) in zip(texts, spans, strict=True)
            ),
        )
    return None


def _join(words: list[str], glue: list[bool]) -> str:
    return "".join(word + (" " if gap else "") for word, gap in zip(words[:-1], glue, strict=False)) + words[-1]


def _needs_fallback(text: str) -> bool:
    from cc_cli.emblem.scripts import needs_fallback

    return needs_fallback(text)


def _unit_width(text: str, language: str) -> int:
    """Width of one breakable unit in font units, shaped when it needs another script's font."""
    if _needs_fallback(text):
        return int(_line_width(text, language))
    return face(TITLE_WEIGHT).word_width(text)


def _line_width(text: str, language: str) -> float:
    from cc_cli.emblem.scripts import measure

    return measure(text, TITLE_WEIGHT, 0.0, language) * face(TITLE_WEIGHT).upem / 1000


# Japanese and Chinese lines break between any two characters, except before closing punctuation, small
# kana and the prolonged sound mark, and after opening brackets (kinsoku shori, the common core of JIS X 4051).
_NO_START = frozenset(
    "、。，．・：；？！ー―ゝゞヽヾ々〻ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ）」』】〕〉》〙〗”’"
)
_NO_END = frozenset("（「『【〔〈《〘〖“‘")


def _breaks_anywhere(ch: str) -> bool:
    code = ord(ch)
    return 0x3000 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF or code >= 0x20000


def _katakana(ch: str) -> bool:
    return "\u30a0" <= ch <= "\u30ff" or "\uff66" <= ch <= "\uff9f"


def _units(title: str) -> tuple[list[str], list[bool] | None]:
    """Breakable units and whether a space follows each (None: every one): words, with a free-standing
    dash or "&" kept at the end of the line before it, and single characters of Chinese and Japanese text.

    "Big Data Foundations - Level 1" must never put "- Level 1" on its own line, a line starting with a
    dash reads like a list item.
    """
    words: list[str] = []
    if title.isascii():  # the common case: words and spaces only
        for token in title.split():
            if token in _GLUED and words:
                words[-1] += " " + token
            else:
                words.append(token)
        return words, None
    glue: list[bool] = []
    anywhere = False
    for token in unicodedata.normalize("NFC", title).split():
        if token in _GLUED and words:
            words[-1] += " " + token
            continue
        if token.isascii() or not any(_breaks_anywhere(ch) for ch in token):
            words.append(token)
            glue.append(True)
            continue
        anywhere = True
        pieces: list[str] = []
        for ch in token:
            previous = pieces[-1][-1] if pieces else ""
            joins = pieces and (
                ch in _NO_START
                or previous in _NO_END
                or not (_breaks_anywhere(ch) or _breaks_anywhere(previous))
                or (_katakana(ch) and _katakana(previous) and previous != "・")  # a katakana word stays whole
            )
            if joins:
                pieces[-1] += ch
            else:
                pieces.append(ch)
        words.extend(pieces)
        glue.extend([False] * (len(pieces) - 1) + [True])
    return words, (glue if anywhere else None)


def _greedy_fits(starts: list[int], after: list[int], count: int, lines: int, room: float, gap: int) -> bool:
    """Whether the units fit `lines` lines of `room`: filling each line greedily uses the fewest lines.

    Linear, so most candidates are ruled out without trying every split; the balanced split (whose
    longest line is never longer than the greedy one's) is computed only for the candidate that fits.
    """
    if starts[count] - after[count - 1] - (lines - 1) * gap > lines * room:  # a lower bound
        return False
    start, used = 0, 1
    for end in range(1, count + 1):
        if starts[end] - starts[start] - after[end - 1] > room:
            start, used = end - 1, used + 1
            if used > lines:
                return False
    return True


def _balanced(starts: list[int], after: list[int], count: int, lines: int) -> tuple[int, ...]:
    """Break points minimising the longest line, then the spread between longest and shortest."""
    if lines == 1:
        return ()
    total = starts[count] - after[count - 1]
    best: tuple[int, ...] = ()
    best_key = (1 << 62, 1 << 62)
    if lines == 2:
        for k in range(1, count):
            a, b = starts[k] - after[k - 1], total - starts[k]
            key = (max(a, b), abs(a - b))
            if key < best_key:
                best_key, best = key, (k,)
        return best
    for i in range(1, count - 1):
        a = starts[i] - after[i - 1]
        if a > best_key[0]:  # the first line only grows with i: nothing better follows
            break
        for j in range(i + 1, count):
            b = starts[j] - starts[i] - after[j - 1]
            if b > best_key[0]:
                break
            c = total - starts[j]
            high = max(a, b, c)
            key = (high, high - min(a, b, c))
            if key < best_key:
                best_key, best = key, (i, j)
    return best


def undrawable(text: str, weight: str = TITLE_WEIGHT, language: str = "en") -> list[str]:
    """Characters of `text` that no emblem font can draw (neither the typeface nor another script's)."""
    from cc_cli.emblem.scripts import face_for, family_of

    found = []
    for ch in missing_glyphs(text, weight):
        family = family_of(ch)
        if family is None:
            found.append(ch)
            continue
        fallback = face_for(family, weight, language)
        if fallback is not None and not fallback.has(ch):
            found.append(ch)
    return found


def font_problem(text: str, weight: str = TITLE_WEIGHT, language: str = "en") -> str | None:
    """Which font package to install for `text`, as a message for CC405 and `cc render`; None if none."""
    from cc_cli.emblem.scripts import missing_fonts

    needed = missing_fonts(text, weight, language)
    if not needed:
        return None
    shown = "; ".join(f"{ch!r} (U+{ord(ch):04X}) needs `{family.install}`" for ch, family in needed)
    return f"the font for this script is not installed: {shown}, then run again"


def title_problem(title: str, kind: str, language: str = "en") -> str | None:
    """Why `title` cannot be drawn on a `kind` emblem, as a message for CC401 and `cc render`; None if fine."""
    missing = undrawable(title, TITLE_WEIGHT, language)
    if missing:
        shown = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in missing)
        return f"the emblem fonts have no glyph for {shown}: set emblem.display_title without them"
    trouble = font_problem(title, TITLE_WEIGHT, language)
    if trouble:
        return trouble
    if fit_title(title, kind, language) is None:
        return (
            f"title {title!r} does not fit the emblem even at {spec.FLOOR} px on 3 lines: "
            "set a shorter emblem.display_title"
        )
    return None


def fit_block(
    text: str,
    weight: str,
    options: tuple[tuple[int, float], ...],
    room: float,
    language: str = "en",
    tracking: float = 0.0,
) -> tuple[float, tuple[str, ...]] | None:
    """The first (lines, size) of `options` at which `text` fits lines of `room` px, balanced like titles:
    (size, lines), or None. For the issuer's name and the business unit (one or two lines)."""
    fonts = "" if text.isascii() else _fonts_key()
    return _fit_block(text, weight, options, room, language, tracking, fonts)


@lru_cache(maxsize=4096)
def _fit_block(
    text: str,
    weight: str,
    options: tuple[tuple[int, float], ...],
    room: float,
    language: str,
    tracking: float,
    _fonts: str,
) -> tuple[float, tuple[str, ...]] | None:
    from cc_cli.emblem.scripts import measure

    words, glue = _units(text)
    if not words:
        return None
    space = measure(" ", weight, 0.0, language)
    widths = [measure(word, weight, 0.0, language) for word in words]
    after = [space] * len(words) if glue is None else [space if g else 0.0 for g in glue]
    starts = [0.0]
    for width, gap in zip(widths, after, strict=True):
        starts.append(starts[-1] + width + gap)
    count = len(words)
    for lines, size in options:
        if lines > count:
            continue
        breaks = _balanced(starts, after, count, lines)  # type: ignore[arg-type]
        spans = list(zip((0, *breaks), (*breaks, count), strict=True))
        texts = tuple(" ".join(words[i:j]) if glue is None else _join(words[i:j], glue[i:j]) for i, j in spans)
        if all(measure(line, weight, tracking, language) * size / 1000 <= room for line in texts):
            return size, texts
    return None
