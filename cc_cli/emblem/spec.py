"""The design language as data: kinds, colours, geometry and the title band's size rules.

Pure constants and arithmetic, no imports beyond the standard library: the fitter (and so `cc validate`)
and the renderer read the same numbers, so a title that validates is a title that renders.
All lengths are in the 600 x 600 master's user units (px at the default PNG size).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Bump when the drawing changes: it is part of every emblem's input hash, so all emblems redraw.
DESIGN_VERSION = "2"

CANVAS = 600
CENTRE = CANVAS / 2

# Carbon (IBM Design Language) tokens. Every band colour is at least 4.5:1 against white text.
GRAY_100 = "#161616"  # outline and primary text
GRAY_70 = "#525252"  # secondary text
GRAY_50 = "#8d8d8d"  # empty level slots (3.3:1, enough for non-text marks)
GRAY_20 = "#e0e0e0"  # folded corner, hairlines
WHITE = "#ffffff"
COOL_GRAY_60 = "#697077"
COOL_GRAY_80 = "#343a3f"
COOL_GRAY_10 = "#f2f4f8"


@dataclass(frozen=True, slots=True)
class Kind:
    """How one kind of credential looks: its shape, band colour and level marks."""

    key: str
    shape: str  # circle | page | shield | legacy
    band: str  # band colour (Carbon token)
    marks: int  # filled level marks (squares for skills, chevrons for certifications)
    slots: int  # mark slots drawn (4 squares for skills; chevrons show only the filled ones)
    level_word: str  # "Foundational", "Associate"... ("" for certificates and legacy)
    token: str  # the Carbon token name of the band colour, for the contact sheet


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind("skill-foundational", "circle", "#198038", 1, 4, "Foundational", "Green 60"),
        Kind("skill-intermediate", "circle", "#0072c3", 2, 4, "Intermediate", "Cyan 60"),
        Kind("skill-advanced", "circle", "#0043ce", 3, 4, "Advanced", "Blue 70"),
        Kind("skill-thought-leader", "circle", "#6929c4", 4, 4, "Thought Leader", "Purple 70"),
        Kind("certificate", "page", "#005d5d", 0, 0, "", "Teal 70"),
        Kind("certification-associate", "shield", "#0f62fe", 1, 3, "Associate", "Blue 60"),
        Kind("certification-professional", "shield", "#002d9c", 2, 3, "Professional", "Blue 80"),
        Kind("certification-advanced", "shield", "#001d6c", 3, 3, "Advanced", "Blue 90"),
        Kind("legacy", "legacy", COOL_GRAY_60, 0, 0, "", "Cool Gray 60"),
    )
}


def kind_of(key: str) -> Kind:
    """The Kind for `Credential.kind`; unknown keys (a bad type in a broken catalog) fall back sensibly."""
    if key in KINDS:
        return KINDS[key]
    if key.startswith("skill"):
        return KINDS["skill-foundational"]
    if key.startswith("certification"):
        return KINDS["certification-associate"]
    return KINDS["certificate"]


# --- Shapes -------------------------------------------------------------------------------------------
RING_R = 281.0  # circle: centre line of the thick outer ring
RING_W = 18.0  # its width: the outer edge sits at 290, leaving a 10 px transparent margin
RING_INNER = RING_R - RING_W / 2  # 272: where the band meets the ring
ACCENT_R = 262.0  # thin coloured inner ring
ARC_R = 239.0  # centre line of the arc lettering (kicker above, footer below)

PAGE = (66.0, 16.0, 534.0, 584.0)  # certificate: left, top, right, bottom (a 468 x 568 sheet)
PAGE_FOLD = 86.0  # size of the folded corner
SHIELD = (66.0, 16.0, 534.0, 588.0)  # certification: left, top, right, point
SHIELD_SHOULDER = 332.0  # the shield's sides run straight down to here, then curve to the point
OUTLINE_W = 14.0  # stroke of the page and shield outlines

BAND_Y = {"circle": 314.0, "legacy": 314.0, "page": 300.0, "shield": 262.0}  # centre line of the band
TEXT_PAD = 30.0  # horizontal room between the title and the band's ends

# --- Title sizes --------------------------------------------------------------------------------------
# Preferred (lines, size) in order, then shrinking in 2 px steps to the floor, fewest lines first.
PREFERRED = ((1, 40), (2, 36), (3, 30))
SHRINK = (28, 26, 24)
FLOOR = 24
CAP_HEIGHT = 0.698  # IBM Plex Sans Condensed cap height, in em
LINE_GAP = 1.2  # baseline-to-baseline distance, in em
BAND_PAD = 26.0  # band room above the cap line and below the baseline of the last line
BAND_MIN = 92.0  # a one-line band never looks thinner than this


def line_height(size: float) -> float:
    return size * LINE_GAP


def band_height(lines: int, size: float) -> float:
    """Height of the title band for `lines` lines at `size` px."""
    block = size * CAP_HEIGHT + (lines - 1) * line_height(size)
    return max(BAND_MIN, block + 2 * BAND_PAD)


def _shape_half_width(shape: str) -> float:
    if shape in ("circle", "legacy"):
        return RING_INNER
    left, _, right, _ = PAGE if shape == "page" else SHIELD
    return (right - left - OUTLINE_W) / 2


def band_span(shape: str, y: float) -> tuple[float, float]:
    """Left and right end of the band at height `y` (the band fills the shape from side to side)."""
    half = _shape_half_width(shape)
    if shape in ("circle", "legacy"):
        dy = abs(y - CENTRE)
        half = math.sqrt(max(half * half - dy * dy, 0.0))
    return CENTRE - half, CENTRE + half


def text_width(shape: str, lines: int, size: float) -> float:
    """Room for one title line: the band's narrowest width over the lettering, less padding at both ends.

    On a circle the band is a chord, narrower at its top and bottom edges; the lettering spans from the
    first cap line to the last line's descenders, so that is what must clear the ring.
    """
    centre_y = BAND_Y[shape]
    block = size * CAP_HEIGHT + (lines - 1) * line_height(size)
    reach = block / 2 + 0.25 * size  # descenders below the last baseline
    far = centre_y + reach if centre_y >= CENTRE else centre_y - reach  # the edge farther from the centre
    left, right = band_span(shape, far)
    return right - left - 2 * TEXT_PAD


# --- What an emblem is drawn from ---------------------------------------------------------------------
COMPACT_MAX = 96  # PNGs this small or smaller use the compact drawing: no lettering, bolder marks


class EmblemError(ValueError):
    """A credential whose emblem cannot be drawn as asked (title too long, glyphs the font lacks)."""


class IssuerTooLong(EmblemError):
    """The issuer's name (and its `emblem.issuer_line`, if any) does not fit the emblem (CC406)."""


class UnitTooLong(EmblemError):
    """The business unit does not fit the emblem even on two lines (CC407)."""


@dataclass(frozen=True, slots=True)
class EmblemSpec:
    """Everything an emblem's drawing depends on, and nothing else: it is what the incremental hash covers."""

    id: str
    kind: str  # Credential.kind
    title: str  # the drawn title: emblem.display_title or the title
    alt: str  # Credential.alt_text
    business_unit: str = ""
    issuer: str = ""
    logo: tuple[str, bytes] | None = None  # (media type, bytes) of owner-supplied issuer artwork
    issuer_line: str = ""  # catalog.yaml emblem.issuer_line: the shorter issuer name, when the full one does not fit
    language: str = "en"  # BCP 47: the language of the fixed words and of the title (which fonts, which CJK face)
    # The fixed words in that language (see `words.fixed_words`); empty: English.
    kicker: str = ""
    footer: str = ""
    level_word: str = ""
