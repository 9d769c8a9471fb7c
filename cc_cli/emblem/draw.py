"""Lay out one emblem and fill in its Jinja2 SVG template.

Python does the arithmetic (text outlines, band and mark geometry); the templates hold the structure and
the drawing order (shape, band, lettering, marks, then the frame over the band's ends), and autoescape
everything, so a title like "<script>" or "R&D" can only ever be text in `<title>` and glyph outlines.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from cc_cli.emblem import layouts, spec
from cc_cli.emblem.spec import EmblemError, EmblemSpec
from cc_cli.emblem.textfit import TitleLayout, fit_title, font_problem, title_problem, undrawable


@cache
def _environment() -> Any:
    import jinja2

    folder = Path(__file__).resolve().parent.parent / "templates" / "emblem"
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render_template(name: str, **context: Any) -> str:
    """Render one of the emblem templates (autoescaped)."""
    return str(_environment().get_template(name).render(**context))


def lettering_problem(label: str, text: str, language: str = "en") -> str | None:
    """Why `text` (business unit, issuer name, fixed words) cannot be set: characters no emblem font has,
    or a font that is not installed; None when it can.

    A font would draw missing characters as empty boxes (.notdef); an error naming them is better.
    """
    missing = undrawable(text, "Regular", language)
    if missing:
        shown = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in missing)
        return f"{label} {text!r}: the emblem fonts have no glyph for {shown}"
    trouble = font_problem(text, "Regular", language)
    return f"{label} {text!r}: {trouble}" if trouble else None


def checked_layout(emblem: EmblemSpec) -> TitleLayout:
    """The title's layout, or an EmblemError saying why the emblem cannot be drawn (as CC401-CC406 say)."""
    for label, text in (
        ("business unit", emblem.business_unit),
        ("issuer name", emblem.issuer),
        ("emblem.issuer_line", emblem.issuer_line),
        ("the emblem's words", " ".join((emblem.kicker, emblem.footer, emblem.level_word))),
    ):
        trouble = lettering_problem(label, text, emblem.language)
        if trouble:
            raise EmblemError(trouble)
    problem = title_problem(emblem.title, emblem.kind, emblem.language)
    layout = None if problem else fit_title(emblem.title, emblem.kind, emblem.language)
    if layout is None:
        raise EmblemError(problem or "the title cannot be drawn")
    return layout


def lettering_fit(emblem: EmblemSpec) -> EmblemError | None:
    """Whether the emblem's lettering besides the title fits (issuer, business unit, fixed words), for
    `cc validate`: the layout is run for a title band of this credential's height, without drawing the
    title, and cached, so credentials that share a kind, unit and band height cost one layout."""
    layout = fit_title(emblem.title, emblem.kind, emblem.language)
    if layout is None:
        return None  # CC401's business
    shell = replace(emblem, id="", title="", alt="")
    return shell_fit(shell, len(layout.lines), layout.size)


def shell_fit(shell: EmblemSpec, lines: int, size: int) -> EmblemError | None:
    """The layout of an emblem without its title (a band of `lines` lines at `size` px), or why it fails."""
    from cc_cli.emblem.scripts import fonts_key

    return _shell_fit(shell, lines, size, fonts_key())


@lru_cache(maxsize=4096)
def _shell_fit(shell: EmblemSpec, lines: int, size: int, _fonts: str) -> EmblemError | None:
    try:
        layouts.build(spec.kind_of(shell.kind), shell, TitleLayout(size, ("",) * lines, (0.0,) * lines))
    except EmblemError as exc:
        return exc
    return None


def emblem_svg(emblem: EmblemSpec, compact: bool = False) -> str:
    """The SVG of one emblem: the 600 x 600 master, or the compact drawing for PNGs of 96 px and below."""
    kind = spec.kind_of(emblem.kind)
    layout = None if compact else checked_layout(emblem)
    context = layouts.build(kind, emblem, layout)
    template = {"circle": "circle", "legacy": "circle", "page": "page", "shield": "shield"}[kind.shape]
    return render_template(
        f"{template}.svg.j2",
        canvas=spec.CANVAS,
        kind=kind.key,
        compact=compact,
        title_id=f"{emblem.id}-title",
        alt=emblem.alt,
        **context,
    )


def warm() -> None:
    """Read the fonts, compile the templates and import cairosvg once, before worker processes fork.

    With the fork start method (Linux) workers inherit all of it instead of each paying for it.
    """
    import cairosvg  # noqa: F401

    from cc_cli.emblem.fonts import WEIGHTS, face

    for weight in WEIGHTS:
        face(weight)
    for name in ("circle", "page", "shield", "artwork"):
        _environment().get_template(f"{name}.svg.j2")
