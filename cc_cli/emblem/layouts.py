"""Where everything sits on each shape: the template context for circle, page and shield emblems.

One rhythm for every shape: the kind named at the top, the issuer's name (or artwork) and business unit
centred in the room above the band, the title band across the shape, the level marks below it, the
issuer's credential line at the foot. The band's centre line is fixed per shape and the band grows up and
down with the title, so emblems of one kind line up on a page whatever their titles.

The issuer's name and the business unit are fitted like titles: one line, then two balanced lines, each
at sizes with a floor; an issuer name that does not fit even then is set as the catalog's shorter
`emblem.issuer_line`, and if that does not fit either the emblem is not drawn (CC406 says so in
`cc validate`). Lettering along the ring is kept clear of the band: its arc is only as long as the band
leaves room for, and it shrinks to a floor, then falls back to the issuer line, in the same way. So no
text ever touches another, whatever the name or the language.

`layout=None` asks for the compact drawing used at 96 px and below, where lettering would be a grey
smudge: shape, band and level marks only, drawn heavier so they survive the downscale.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from cc_cli.emblem import spec
from cc_cli.emblem.parts import (
    arc,
    band_path,
    chevrons,
    line,
    logo_box,
    seal,
    squares,
    title_lines,
    width_px,
)
from cc_cli.emblem.spec import EmblemError, EmblemSpec, IssuerTooLong, Kind, UnitTooLong
from cc_cli.emblem.textfit import TitleLayout, fit_block
from cc_cli.emblem.words import fixed_words, with_issuer

ISSUER_SIZE = 44  # the issuer's name, set as a word mark
UNIT_SIZE = 22  # business unit line
SMALL_SIZE = 20  # kicker and footer set straight
ARC_SIZE = 23  # kicker and footer set along the ring, which reads smaller than straight lettering
CAP = spec.CAP_HEIGHT
# (lines, size) tried in order: the issuer as a word mark, then on two lines down to 20 px.
ISSUER_OPTIONS = (
    (1, 44.0),
    (1, 40.0),
    (1, 36.0),
    (1, 32.0),
    (2, 30.0),
    (2, 28.0),
    (2, 26.0),
    (2, 24.0),
    (2, 22.0),
    (2, 20.0),
)
UNIT_OPTIONS = ((1, 22.0), (1, 20.0), (1, 18.0), (2, 18.0), (2, 16.0))
ARC_SIZES = (23.0, 22.0, 21.0, 20.0, 19.0, 18.0, 17.0, 16.0)
STRAIGHT_SIZES = (20.0, 19.0, 18.0, 17.0, 16.0, 15.0, 14.0)
CLEAR = 10.0  # the least room between two pieces of lettering, or between lettering and the band
ISSUER_GAP, LINE_GAP, UNIT_LINE_GAP = 22.0, 1.2, 1.25


def build(kind: Kind, emblem: EmblemSpec, layout: TitleLayout | None) -> dict[str, Any]:
    """The template context for `emblem`: geometry `g`, `band`, `texts`, `marks` and `logo`."""
    return {"circle": _circle, "legacy": _circle, "page": _page, "shield": _shield}[kind.shape](kind, emblem, layout)


def _band(layout: TitleLayout | None, centre: float, compact_height: float) -> tuple[float, float]:
    """Top and bottom of the band: as tall as the title needs, or a fixed height in the compact drawing."""
    height = layout.band_height if layout else compact_height
    return centre - height / 2, centre + height / 2


def _words(kind: Kind, emblem: EmblemSpec) -> tuple[str, str, str]:
    """The emblem's kicker, footer and level word (templates with `{issuer}`), English by default."""
    if emblem.kicker or emblem.footer:
        return emblem.kicker, emblem.footer, emblem.level_word
    return fixed_words(kind)


def issuer_names(emblem: EmblemSpec) -> list[str]:
    """The issuer's name, then its shorter emblem line if the catalog sets one: the layouts try both."""
    names = [emblem.issuer.strip()]
    if emblem.issuer_line.strip() and emblem.issuer_line.strip() != names[0]:
        names.append(emblem.issuer_line.strip())
    return names


def _too_long(what: str, emblem: EmblemSpec) -> IssuerTooLong:
    if emblem.issuer_line.strip():
        return IssuerTooLong(
            f"{what}: neither the issuer name {emblem.issuer.strip()!r} nor emblem.issuer_line "
            f"{emblem.issuer_line.strip()!r} fits; set a shorter emblem.issuer_line in catalog.yaml"
        )
    return IssuerTooLong(
        f"{what}: the issuer name {emblem.issuer.strip()!r} does not fit even on two lines; "
        "set a shorter emblem.issuer_line in catalog.yaml (an acronym, or the name without its department)"
    )


def _not_fitting(what: str, template: str, emblem: EmblemSpec) -> EmblemError:
    """The error for lettering that does not fit: the issuer's name, or one of cc's (or the catalog's) words."""
    if "{issuer}" in template:
        return _too_long(what, emblem)
    return EmblemError(f"{what} {template!r} does not fit the emblem: set a shorter wording in catalog.yaml `texts:`")


def _block_height(lines: int, size: float, gap: float) -> float:
    return size * CAP + (lines - 1) * size * gap


def _masthead(
    emblem: EmblemSpec, top: float, bottom: float, room_at: Callable[[float], float], ink: str
) -> tuple[list[dict[str, str]], dict[str, str] | None]:
    """Issuer name (or artwork) over the business unit, centred as a block between `top` and `bottom`.

    `room_at(y)` is the width a line may take when its top is at `y` (on a circle, the ring's chord
    inside the kicker). Raises EmblemError when the name, its issuer line, or the unit does not fit.
    """
    unit = emblem.business_unit.strip()
    available = bottom - top - CLEAR
    names = [""] if emblem.logo or not emblem.issuer.strip() else issuer_names(emblem)
    for name in names:
        for option in ISSUER_OPTIONS if name else ((0, 0.0),):
            mark_h = 56.0 if emblem.logo else _block_height(*option, LINE_GAP) if name else 0.0
            placed = _place_masthead(emblem, name, option, unit, mark_h, top, available, room_at)
            if placed is not None:
                return _draw_masthead(emblem, placed, ink, emblem.language)
    if unit and (names == [""] or _issuer_fits_alone(emblem, top, available, room_at)):
        raise UnitTooLong(
            f"business unit {unit!r} does not fit the emblem even on two lines: shorten emblem.business_unit"
        )
    raise _too_long("issuer name", emblem)


def _issuer_fits_alone(emblem: EmblemSpec, top: float, available: float, room_at: Callable[[float], float]) -> bool:
    """Whether some issuer name fits without the unit (so the unit is what is too long)."""
    for name in issuer_names(emblem):
        for option in ISSUER_OPTIONS:
            if _place_masthead(emblem, name, option, "", _block_height(*option, LINE_GAP), top, available, room_at):
                return True
    return False


def _place_masthead(
    emblem: EmblemSpec,
    name: str,
    option: tuple[int, float],
    unit: str,
    mark_h: float,
    top: float,
    available: float,
    room_at: Callable[[float], float],
) -> dict[str, Any] | None:
    """Positions for one choice of issuer lines, with the largest unit option that fits; None if none."""
    for unit_option in UNIT_OPTIONS if unit else [(0, 0.0)]:
        unit_h = _block_height(unit_option[0], unit_option[1], UNIT_LINE_GAP) if unit else 0.0
        block = mark_h + (ISSUER_GAP + unit_h if unit else 0.0)
        if block > available:
            continue
        # Centred in the room; on a circle, lower if that is where the ring leaves the lines enough width.
        for start in dict.fromkeys((top + (available + CLEAR - block) / 2, top + available - block)):
            issuer = None
            if name and not emblem.logo:
                issuer = fit_block(name, "SemiBold", (option,), room_at(start), emblem.language)
                if issuer is None:
                    continue
            unit_fit = None
            if unit:
                unit_top = start + mark_h + ISSUER_GAP
                unit_fit = fit_block(unit, "Regular", (unit_option,), room_at(unit_top) + 40, emblem.language, 10.0)
                if unit_fit is None:
                    continue
            return {"start": start, "mark_h": mark_h, "issuer": issuer, "unit": unit_fit}
    return None


def _draw_masthead(
    emblem: EmblemSpec, placed: dict[str, Any], ink: str, language: str
) -> tuple[list[dict[str, str]], dict[str, str] | None]:
    start, mark_h = placed["start"], placed["mark_h"]
    texts: list[dict[str, str]] = []
    logo = None
    if emblem.logo:
        logo = logo_box(emblem.logo, start + mark_h / 2, 220, mark_h)
    elif placed["issuer"] is not None:
        size, lines = placed["issuer"]
        for i, text in enumerate(lines):
            baseline = start + size * CAP + i * size * LINE_GAP
            texts.append(line(text, "SemiBold", size, spec.CENTRE, baseline, ink, 1e9, 0.0, language))
    if placed["unit"] is not None:
        size, lines = placed["unit"]
        first = start + mark_h + ISSUER_GAP + size * CAP
        for i, text in enumerate(lines):
            baseline = first + i * size * UNIT_LINE_GAP
            texts.append(line(text, "Regular", size, spec.CENTRE, baseline, spec.GRAY_70, 1e9, 10.0, language))
    return texts, logo


def _choose(
    templates: list[str], sizes: tuple[float, ...], fits: Callable[[str, float], bool]
) -> tuple[str, float] | None:
    """The first text and size at which `fits` holds: the full name at the larger half of `sizes`, then
    the issuer line there, before either goes down to the smallest (a shorter name reads better than
    smaller lettering)."""
    texts = list(dict.fromkeys(templates))
    half = (len(sizes) + 1) // 2
    for group in (sizes[:half], sizes[half:]):
        for text in texts:
            for size in group:
                if fits(text, size):
                    return text, size
    return None


def _arc_room(side: str, size: float, band_edge: float) -> float:
    """The longest arc (px along the baseline) that lettering of `size` may take before it nears the band.

    Top lettering stands outwards from its baseline with descenders inwards; bottom lettering stands
    inwards (towards the band), so its ascenders are what must stay clear.
    """
    half_cap = ARC_SIZE * CAP / 2
    if side == "top":
        radius = spec.ARC_R - half_cap
        inner = radius - 0.25 * size
        cos = (spec.CENTRE - band_edge + CLEAR) / inner
    else:
        radius = spec.ARC_R + half_cap
        inner = radius - 0.76 * size
        cos = (band_edge + CLEAR - spec.CENTRE) / inner
    angle = math.acos(max(-1.0, min(1.0, cos)))
    return 2 * min(angle, math.radians(75)) * radius


def _arc_fits(weight: str, side: str, edge: float, language: str) -> Callable[[str, float], bool]:
    """Whether lettering along the ring, at a size, stays within the arc the band leaves it."""

    def fits(text: str, size: float) -> bool:
        return width_px(text, weight, size, 30, language) <= _arc_room(side, size, edge)

    return fits


def _ring_room(y: float) -> float:
    """On a circle, the width a masthead line may take with its top at `y`: inside the kicker's lettering."""
    inner = spec.ARC_R - ARC_SIZE * CAP / 2 - 0.25 * ARC_SIZE - CLEAR
    dy = spec.CENTRE - y
    return max(0.0, min(300.0, 2 * math.sqrt(max(inner * inner - dy * dy, 0.0)) - 2 * CLEAR))


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
    kicker, footer, _ = _words(kind, emblem)
    ink = spec.COOL_GRAY_80 if legacy else spec.GRAY_100
    half_cap = ARC_SIZE * CAP / 2
    texts = []
    for template, side, weight, radius, edge in (
        (kicker, "top", "Medium", spec.ARC_R - half_cap, top),
        (footer, "bottom", "Regular", spec.ARC_R + half_cap, bottom),
    ):
        chosen = _choose(
            [with_issuer(template, name) for name in issuer_names(emblem)],
            ARC_SIZES,
            _arc_fits(weight, side, edge, emblem.language),
        )
        if chosen is None:
            raise _not_fitting("the lettering along the ring", template, emblem)
        texts.append(arc(chosen[0], weight, chosen[1], radius, side, ink, 30, emblem.language))
    head, logo = _masthead(emblem, spec.CENTRE - spec.ARC_R + 30, top, _ring_room, spec.GRAY_100)
    texts += head + title_lines(layout, centre, emblem.language)
    return {**context, "texts": texts, "logo": logo}


def _straight(
    emblem: EmblemSpec,
    template: str,
    weight: str,
    options: tuple[tuple[int, float], ...],
    y: float,
    room: float,
    fill: str,
    tracking: float,
    what: str,
    upwards: bool = False,
) -> list[dict[str, str]]:
    """Small straight lettering (kicker, footer, level word): one line shrinking to a floor, then two lines
    if `options` allow, then the same with the issuer line. The first baseline is at `y`, or the last one
    when `upwards` (a footer that grows up from the foot of the page)."""
    half = (len(options) + 1) // 2
    for group, name in [(group, name) for group in (options[:half], options[half:]) for name in issuer_names(emblem)]:
        text = with_issuer(template, name)
        if not text:
            return []
        fitted = fit_block(text, weight, group, room, emblem.language, tracking)
        if fitted is None:
            continue
        size, lines = fitted
        step = size * UNIT_LINE_GAP
        first = y - (len(lines) - 1) * step if upwards else y
        return [
            line(text, weight, size, spec.CENTRE, first + i * step, fill, room, tracking, emblem.language)
            for i, text in enumerate(lines)
        ]
    raise _not_fitting(what, template, emblem)


def _one_line(sizes: tuple[float, ...]) -> tuple[tuple[int, float], ...]:
    return tuple((1, size) for size in sizes)


FOOTER_OPTIONS = (*_one_line(STRAIGHT_SIZES), (2, 16.0), (2, 15.0), (2, 14.0))


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
    kicker, footer, _ = _words(kind, emblem)
    texts = [
        *_straight(emblem, kicker, "Medium", _one_line(STRAIGHT_SIZES), 96, 300, spec.GRAY_100, 150, "the kicker"),
        *_straight(
            emblem, footer, "Regular", FOOTER_OPTIONS, bottom_edge - 44, 380, spec.GRAY_70, 10, "the footer", True
        ),
    ]
    head, logo = _masthead(emblem, 110, top, lambda _y: 360.0, spec.GRAY_100)
    texts += head + title_lines(layout, centre, emblem.language)
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
    kicker, footer, level_word = _words(kind, emblem)
    sizes = _one_line((18.0, 17.0, 16.0, 15.0, 14.0, 13.0, 12.0))
    texts = _straight(emblem, kicker, "Medium", sizes, 74, 400, spec.GRAY_100, 120, "the kicker")
    head, logo = _masthead(emblem, 86, top, lambda _y: 360.0, spec.GRAY_100)
    texts += head + title_lines(layout, centre, emblem.language)
    level_sizes = _one_line((30.0, 28.0, 26.0, 24.0, 22.0))
    texts += _straight(emblem, level_word, "SemiBold", level_sizes, bottom + 48, 360, kind.band, 0, "the level word")
    texts += _straight(emblem, footer, "Regular", FOOTER_OPTIONS, bottom + 80, 300, spec.GRAY_70, 10, "the footer")
    return {**context, "texts": texts, "logo": logo, "marks": chevrons(kind, 466, 76, 26, 13, 22)}
