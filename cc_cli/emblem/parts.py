"""Drawing primitives of the emblems: lettering, the title band, level marks and the issuer's artwork.

Each returns plain strings (SVG path data and attribute values) for the templates; numbers are formatted
with fixed precision so that the same input always gives the same bytes.
"""

from __future__ import annotations

import base64
import math
from functools import lru_cache

from cc_cli.emblem import spec
from cc_cli.emblem.fonts import face, text_in_font_units, text_on_arc
from cc_cli.emblem.scripts import arc_path, fonts_key, line_path, measure, needs_fallback
from cc_cli.emblem.textfit import TITLE_WEIGHT, TitleLayout


def width_px(text: str, weight: str, size: float, tracking: float = 0.0, language: str = "en") -> float:
    """How wide `text` is drawn at `size` px, in any script (the rule `set_line` and `arc` draw with)."""
    return measure(text, weight, tracking, language) * size / 1000


def _fit_size(text: str, weight: str, size: float, room: float, tracking: float = 0.0, language: str = "en") -> float:
    """`size`, or smaller if that is what it takes for `text` to be at most `room` px wide.

    The layouts choose sizes with a floor first (and fall back to `emblem.issuer_line`, or report CC406);
    this last guard only keeps lettering from ever running off the shape.
    """
    width = width_px(text, weight, size, tracking, language)
    return size if width <= room else size * room / width


def set_line(
    text: str,
    weight: str,
    size: float,
    x: float,
    baseline: float,
    fill: str,
    tracking: float = 0.0,
    language: str = "en",
) -> dict[str, str]:
    """Lettering centred on `x`: glyph outlines in font units placed by one transform (Latin), or shaped
    outlines in absolute coordinates (other scripts, see `scripts.py`)."""
    if needs_fallback(text):
        return {"fill": fill, "d": line_path(text, weight, size, x, baseline, language), "transform": ""}
    font = face(weight)
    d, width = text_in_font_units(text, font, tracking)
    k = size / font.upem
    left = x - width * k / 2
    return {"fill": fill, "d": d, "transform": f"matrix({k:.6g} 0 0 {-k:.6g} {left:.2f} {baseline:.2f})"}


def _fonts(text: str) -> str:
    """The cache key part for the fonts found: only text in other scripts depends on them."""
    return "" if text.isascii() else fonts_key()


@lru_cache(maxsize=256)
def _line(
    text: str, weight: str, size: float, x: float, y: float, room: float, tracking: float, language: str, _f: str
) -> tuple[str, str]:
    fitted = _fit_size(text, weight, size, room, tracking, language)
    painted = set_line(text, weight, fitted, x, y, "", tracking, language)
    return painted["d"], painted["transform"]


@lru_cache(maxsize=256)
def _arc_d(
    text: str, weight: str, size: float, radius: float, side: str, tracking: float, language: str, _f: str
) -> str:
    size = _fit_size(text, weight, size, radius * math.radians(150), tracking, language)
    if needs_fallback(text):
        return arc_path(text, weight, size, (spec.CENTRE, spec.CENTRE), radius, side, language)
    return text_on_arc(text, face(weight), size, (spec.CENTRE, spec.CENTRE), radius, side, tracking)


def line(
    text: str,
    weight: str,
    size: float,
    x: float,
    y: float,
    fill: str,
    room: float = 1e9,
    tracking: float = 0.0,
    language: str = "en",
) -> dict[str, str]:
    """One line of lettering centred on x, shrunk to fit `room`. Cached: kickers and footers repeat."""
    d, transform = _line(text, weight, size, x, y, room, tracking, language, _fonts(text))
    return {"fill": fill, "d": d, "transform": transform}


def arc(
    text: str, weight: str, size: float, radius: float, side: str, fill: str, tracking: float, language: str = "en"
) -> dict[str, str]:
    """Lettering along the ring (the layouts choose a size that keeps it clear of the band)."""
    d = _arc_d(text, weight, size, radius, side, tracking, language, _fonts(text))
    return {"fill": fill, "d": d, "transform": ""}


def title_lines(layout: TitleLayout, centre_y: float, language: str = "en") -> list[dict[str, str]]:
    """The title in white, its block of cap heights and line gaps centred on the band's centre line."""
    size = layout.size
    block = size * spec.CAP_HEIGHT + (len(layout.lines) - 1) * layout.line_height
    first = centre_y - block / 2 + size * spec.CAP_HEIGHT
    return [
        set_line(text, TITLE_WEIGHT, size, spec.CENTRE, first + i * layout.line_height, spec.WHITE, 0.0, language)
        for i, text in enumerate(layout.lines)
    ]


def band_path(shape: str, top: float, bottom: float) -> str:
    """The band: a rectangle across the shape; on a circle its ends follow the ring (under the ring)."""
    if shape in ("circle", "legacy"):
        r = spec.RING_R
        x_top = math.sqrt(r * r - (top - spec.CENTRE) ** 2)
        x_bottom = math.sqrt(r * r - (bottom - spec.CENTRE) ** 2)
        c = spec.CENTRE
        return (
            f"M{c - x_top:.2f} {top:.2f}H{c + x_top:.2f}A{r:g} {r:g} 0 0 1 {c + x_bottom:.2f} {bottom:.2f}"
            f"H{c - x_bottom:.2f}A{r:g} {r:g} 0 0 1 {c - x_top:.2f} {top:.2f}Z"
        )
    left, right = spec.band_span(shape, top)
    return f"M{left:g} {top:.2f}H{right:g}V{bottom:.2f}H{left:g}Z"


def squares(kind: spec.Kind, top: float, size: float, gap: float, stroke: float) -> list[dict[str, str]]:
    """Skill level marks: `kind.slots` squares in a row, the first `kind.marks` filled with the band colour.

    Empty slots are outlined in Gray 50 with the outline inside the square, so filled and empty squares
    have the same footprint and the row never shifts between levels.
    """
    total = kind.slots * size + (kind.slots - 1) * gap
    x0 = spec.CENTRE - total / 2
    out = []
    for i in range(kind.slots):
        x = x0 + i * (size + gap)
        if i < kind.marks:
            out.append({"cls": "mark filled", "fill": kind.band, "d": f"M{x:g} {top:g}h{size:g}v{size:g}h{-size:g}Z"})
        else:
            h = stroke / 2
            inner = size - stroke
            d = f"M{x + h:g} {top + h:g}h{inner:g}v{inner:g}h{-inner:g}Z"
            out.append({"cls": "mark empty", "fill": "", "stroke": spec.GRAY_50, "width": f"{stroke:g}", "d": d})
    return out


def chevrons(kind: spec.Kind, top: float, width: float, rise: float, thick: float, step: float) -> list[dict[str, str]]:
    """Certification level marks: 1 to 3 solid chevrons pointing up, stacked like rank insignia."""
    out = []
    half = width / 2
    c = spec.CENTRE
    for i in range(kind.marks):
        y = top + i * step
        d = (
            f"M{c - half:g} {y + rise:g}L{c:g} {y:g}L{c + half:g} {y + rise:g}"
            f"V{y + rise + thick:g}L{c:g} {y + thick:g}L{c - half:g} {y + rise + thick:g}Z"
        )
        out.append({"cls": "mark filled", "fill": kind.band, "d": d})
    return out


def logo_box(logo: tuple[str, bytes], centre_y: float, width: float, height: float) -> dict[str, str]:
    """The owner-supplied issuer artwork, fitted into the box where the issuer's name would be set."""
    media, data = logo
    href = f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"
    return {
        "x": f"{spec.CENTRE - width / 2:g}",
        "y": f"{centre_y - height / 2:g}",
        "width": f"{width:g}",
        "height": f"{height:g}",
        "href": href,
    }


def _circle_d(cx: float, cy: float, r: float) -> str:
    return f"M{cx - r:g} {cy:g}A{r:g} {r:g} 0 1 0 {cx + r:g} {cy:g}A{r:g} {r:g} 0 1 0 {cx - r:g} {cy:g}Z"


def seal(cx: float, cy: float, radius: float, colour: str, points: int = 24) -> list[dict[str, str]]:
    """The certificate's rosette: a scalloped disc with ribbon tails, the paper-certificate cue.

    Certificates have no level, so this takes the place the level marks hold on the other shapes.
    """
    tail_w, tail_h = radius * 0.62, radius * 1.25
    tails = []
    for side in (-1, 1):
        x = cx + side * radius * 0.42
        near, far = x - side * tail_w / 2, x + side * tail_w / 2
        bottom = cy + tail_h
        tails.append(
            f"M{near:.2f} {cy:.2f}L{far:.2f} {cy:.2f}L{far + side * 10:.2f} {bottom:.2f}"
            f"L{x + side * 5:.2f} {bottom - 12:.2f}L{near + side * 10:.2f} {bottom:.2f}Z"
        )
    corners = []
    for i in range(points * 2):
        r = radius if i % 2 == 0 else radius * 0.9
        angle = math.pi * i / points
        corners.append(f"{cx + r * math.sin(angle):.2f} {cy - r * math.cos(angle):.2f}")
    rosette = "M" + "L".join(corners) + "Z"
    ring = _circle_d(cx, cy, radius * 0.68)
    return [
        {"cls": "seal", "fill": colour, "d": "".join(tails)},
        {"cls": "seal", "fill": colour, "d": rosette},
        {"cls": "seal", "fill": "", "stroke": spec.WHITE, "width": "2.5", "d": ring},
    ]
