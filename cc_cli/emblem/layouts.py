"""Where everything sits on each shape: the template context for circle, page and shield emblems.

One rhythm for every shape: the kind named at the top, the issuer's name (or artwork) and business unit
centred in the room above the band, the title band across the shape, the level marks below it, the
issuer's credential line at the foot. The band's centre line is fixed per shape and the band grows up and
down with the title, so emblems of one kind line up on a page whatever their titles.

`layout=None` asks for the compact drawing used at 96 px and below, where lettering would be a grey
smudge: shape, band and level marks only, drawn heavier so they survive the downscale.
"""

from __future__ import annotations

from typing import Any

from cc_cli.emblem import spec
from cc_cli.emblem.parts import (
    arc,
    band_path,
    chevrons,
    kicker_text,
    line,
    logo_box,
    seal,
    squares,
    title_lines,
)
from cc_cli.emblem.spec import EmblemSpec, Kind
from cc_cli.emblem.textfit import TitleLayout

ISSUER_SIZE = 44  # the issuer's name, set as a word mark
UNIT_SIZE = 22  # business unit line
SMALL_SIZE = 20  # kicker and footer set straight
ARC_SIZE = 23  # kicker and footer set along the ring, which reads smaller than straight lettering
CAP = spec.CAP_HEIGHT


def build(kind: Kind, emblem: EmblemSpec, layout: TitleLayout | None) -> dict[str, Any]:
    """The template context for `emblem`: geometry `g`, `band`, `texts`, `marks` and `logo`."""
    return {"circle": _circle, "legacy": _circle, "page": _page, "shield": _shield}[kind.shape](kind, emblem, layout)


def _band(layout: TitleLayout | None, centre: float, compact_height: float) -> tuple[float, float]:
    """Top and bottom of the band: as tall as the title needs, or a fixed height in the compact drawing."""
    height = layout.band_height if layout else compact_height
    return centre - height / 2, centre + height / 2


def _masthead(
    emblem: EmblemSpec, top: float, bottom: float, room: float, ink: str
) -> tuple[list[dict[str, str]], dict[str, str] | None]:
    """Issuer name (or artwork) over the business unit, centred as a block between `top` and `bottom`."""
    unit = emblem.business_unit.strip()
    mark_h = 56 if emblem.logo else ISSUER_SIZE * CAP
    gap = 22.0
    block = mark_h + (gap + UNIT_SIZE * CAP if unit else 0)
    start = top + (bottom - top - block) / 2
    texts: list[dict[str, str]] = []
    logo = None
    if emblem.logo:
        logo = logo_box(emblem.logo, start + mark_h / 2, min(room, 220), mark_h)
    elif emblem.issuer:
        texts.append(line(emblem.issuer, "SemiBold", ISSUER_SIZE, spec.CENTRE, start + mark_h, ink, room))
    if unit:
        baseline = start + mark_h + gap + UNIT_SIZE * CAP
        texts.append(line(unit, "Regular", UNIT_SIZE, spec.CENTRE, baseline, spec.GRAY_70, room + 40, 10))
    return texts, logo


def _circle(kind: Kind, emblem: EmblemSpec, layout: TitleLayout | None) -> dict[str, Any]:
    legacy = kind.shape == "legacy"
    compact = layout is None
    ring_w = 30.0 if compact else spec.RING_W
    g = {
        "face": spec.COOL_GRAY_10 if legacy else spec.WHITE,
        "ring": spec.COOL_GRAY_60 if legacy else spec.GRAY_100,
        "ring_r": 290 - ring_w / 2,
        "ring_w": ring_w,
        "ring_inner": 290 - ring_w,
        "accent": kind.band,
        "accent_r": 250.0 if compact else spec.ACCENT_R,
        "accent_w": 6.0 if compact else 3.0,
    }
    centre = 250.0 if compact else spec.BAND_Y["circle"]
    top, bottom = _band(layout, centre, 116.0)
    context: dict[str, Any] = {"g": g, "band": {"fill": kind.band, "d": band_path("circle", top, bottom)}}
    marks = (
        [] if legacy else (squares(kind, bottom + 40, 56, 14, 9) if compact else squares(kind, bottom + 30, 26, 12, 3))
    )
    context["marks"] = marks
    if layout is None:
        return {**context, "texts": [], "logo": None}
    kicker, footer = kicker_text(kind, emblem.issuer)
    ink = spec.COOL_GRAY_80 if legacy else spec.GRAY_100
    half_cap = ARC_SIZE * CAP / 2
    texts = [
        arc(kicker, "Medium", ARC_SIZE, spec.ARC_R - half_cap, "top", ink, 30),
        arc(footer, "Regular", ARC_SIZE, spec.ARC_R + half_cap, "bottom", ink, 30),
    ]
    head, logo = _masthead(emblem, spec.CENTRE - spec.ARC_R + 30, top, 300, spec.GRAY_100)
    texts += head + title_lines(layout, centre)
    return {**context, "texts": texts, "logo": logo}


def _page(kind: Kind, emblem: EmblemSpec, layout: TitleLayout | None) -> dict[str, Any]:
    left, top_edge, right, bottom_edge = spec.PAGE
    fold = spec.PAGE_FOLD
    g = {
        "page": f"M{left:g} {top_edge:g}H{right - fold:g}L{right:g} {top_edge + fold:g}V{bottom_edge:g}H{left:g}Z",
        "fold": f"M{right - fold:g} {top_edge:g}V{top_edge + fold:g}H{right:g}Z",
        "fold_fill": spec.GRAY_20,
        "ring": spec.GRAY_100,
        "outline_w": 24.0 if layout is None else spec.OUTLINE_W,
    }
    centre = spec.BAND_Y["page"]
    top, bottom = _band(layout, centre, 130.0)
    context: dict[str, Any] = {"g": g, "band": {"fill": kind.band, "d": band_path("page", top, bottom)}}
    context["marks"] = (
        seal(spec.CENTRE, 440, 46, kind.band) if layout is None else seal(spec.CENTRE, 436, 38, kind.band)
    )
    if layout is None:
        return {**context, "texts": [], "logo": None}
    kicker, footer = kicker_text(kind, emblem.issuer)
    texts = [
        line(kicker, "Medium", SMALL_SIZE, spec.CENTRE, 96, spec.GRAY_100, 300, 150),
        line(footer, "Regular", SMALL_SIZE, spec.CENTRE, bottom_edge - 44, spec.GRAY_70, 380, 10),
    ]
    head, logo = _masthead(emblem, 110, top, 360, spec.GRAY_100)
    texts += head + title_lines(layout, centre)
    return {**context, "texts": texts, "logo": logo}


def _shield_path(inset: float) -> str:
    """The shield outline, or a copy inset by `inset` px (the thin coloured inner line)."""
    left, top, right, point = spec.SHIELD
    left, top, right, point = left + inset, top + inset, right - inset, point - inset * 1.9
    shoulder = spec.SHIELD_SHOULDER
    c = spec.CENTRE
    drop = (point - shoulder) * 0.5
    return (
        f"M{left:g} {top:g}H{right:g}V{shoulder:g}"
        f"C{right:g} {shoulder + drop:g} {c + (right - c) * 0.55:g} {point - 40:g} {c:g} {point:g}"
        f"C{c - (right - c) * 0.55:g} {point - 40:g} {left:g} {shoulder + drop:g} {left:g} {shoulder:g}Z"
    )


def _shield(kind: Kind, emblem: EmblemSpec, layout: TitleLayout | None) -> dict[str, Any]:
    compact = layout is None
    g = {
        "shield": _shield_path(0),
        "inner": _shield_path(22 if compact else 18),
        "accent": kind.band,
        "accent_w": 6.0 if compact else 3.0,
        "ring": spec.GRAY_100,
        "outline_w": 24.0 if compact else spec.OUTLINE_W,
    }
    centre = 230.0 if compact else spec.BAND_Y["shield"]
    top, bottom = _band(layout, centre, 130.0)
    context: dict[str, Any] = {"g": g, "band": {"fill": kind.band, "d": band_path("shield", top, bottom)}}
    if layout is None:
        return {**context, "texts": [], "logo": None, "marks": chevrons(kind, 360, 150, 52, 26, 46)}
    kicker, footer = kicker_text(kind, emblem.issuer)
    texts = [line(kicker, "Medium", 18, spec.CENTRE, 74, spec.GRAY_100, 400, 120)]
    head, logo = _masthead(emblem, 86, top, 360, spec.GRAY_100)
    texts += head + title_lines(layout, centre)
    texts.append(line(kind.level_word, "SemiBold", 30, spec.CENTRE, bottom + 48, kind.band, 360))
    texts.append(line(footer, "Regular", SMALL_SIZE, spec.CENTRE, bottom + 80, spec.GRAY_70, 300, 10))
    return {**context, "texts": texts, "logo": logo, "marks": chevrons(kind, 466, 76, 26, 13, 22)}
