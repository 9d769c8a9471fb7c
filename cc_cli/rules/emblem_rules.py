"""Emblem rules (CC401-CC407): the framework's design language must be able to draw every credential, in
its language, with the issuer's name and business unit clear of everything else."""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from cc_cli.catalog import model
from cc_cli.catalog.files import CATALOG_FILE
from cc_cli.catalog.texts import language_of
from cc_cli.core.problems import ERROR, WARNING, Hit
from cc_cli.rules.context import Context
from cc_cli.rules.registry import rule


def _title_where(credential: model.Credential) -> tuple[str, ...]:
    return ("emblem", "display_title") if credential.emblem.display_title else ("title",)


def draws_emblem(credential: model.Credential) -> bool:
    """Legacy credentials with their own artwork keep it; everything else is drawn by `cc render`."""
    return bool(credential.title) and not (credential.legacy and credential.emblem.artwork)


@rule(
    "CC401",
    ERROR,
    "title does not fit the emblem even at the smallest size: set `emblem.display_title`",
    "credential",
    per_file=True,
)
def title_fits(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """The emblem's title band holds up to three lines, shrinking from 40 px to a 24 px floor; below that
    the title is unreadable on a profile or wallet. The same measuring function lays out `cc render`.

    Passing:
        title: Certified Administrator - Multicloud Management Platform v2.2 for Hybrid Operations Teams
        emblem: {display_title: Multicloud Management v2.2 Administrator}
    Failing: a 200-character title with no `emblem.display_title`.
    """
    if not draws_emblem(credential):
        return
    from cc_cli.emblem.textfit import fit_title

    text = credential.emblem.display_title or credential.title
    if fit_title(text, credential.kind, language_of(ctx.catalog.info, credential)) is None:
        yield Hit(
            credential.source,
            _title_where(credential),
            f"title '{text}' does not fit the emblem even at 24 px on 3 lines: set a shorter `emblem.display_title`",
        )


@rule("CC402", ERROR, "legacy `emblem.artwork` missing, unreadable, or not PNG/SVG", "credential", per_file=True)
def legacy_artwork(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """Legacy credentials keep their original artwork ("no plans are in place to apply the new design
    language retroactively"), so the file must be there, inside the catalog, and a PNG or SVG image.

    Passing:
        legacy: true
        emblem: {artwork: assets/legacy/cloud-101.png}
    Failing:
        emblem: {artwork: assets/legacy/missing.png}
    """
    artwork = credential.emblem.artwork
    if not credential.legacy or not artwork:
        return
    where = ("emblem", "artwork")
    problem = artwork_problem(ctx.catalog.root, artwork)
    if problem:
        yield Hit(credential.source, where, problem)


def artwork_problem(root: Path, artwork: str) -> str | None:
    """Why `artwork` (a catalog-relative path) is not a usable PNG or SVG file, or None. The same check
    as `cc render` makes (PNG chunks and CRCs, SVG parsed), so the two never disagree."""
    from cc_cli.emblem.artwork import ArtworkError, read_artwork

    try:
        read_artwork(root, artwork, "artwork")
    except ArtworkError as exc:
        return f"{exc}; fix the file or the path"
    return None


@rule(
    "CC403",
    WARNING,
    "`emblem.artwork` on a non-legacy credential (the design language draws it)",
    "credential",
    per_file=True,
)
def artwork_not_legacy(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """The framework's design language is "the primary standard" for new credentials; supplied artwork on
    a non-legacy credential is ignored by `cc render`.

    Passing: `emblem.artwork` only with `legacy: true`.
    Failing:
        legacy: false
        emblem: {artwork: assets/custom.png}
    """
    if credential.emblem.artwork and not credential.legacy:
        yield Hit(
            credential.source,
            ("emblem", "artwork"),
            "`emblem.artwork` is ignored on non-legacy credentials (the design language draws them): remove it",
            on_key=True,
        )


@rule("CC404", ERROR, "title has characters the emblem fonts cannot draw", "credential", per_file=True)
def title_glyphs(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """Emblem text is drawn as glyph outlines: the emblem typeface for Latin text, and fonts of the same
    style for Arabic, Hebrew, Chinese, Japanese and Korean. A character none of
    them has (an emoji, a script cc has no font for) would come out as an empty box, so it is caught here.

    Passing:
        title: Zoë's Café Analytics
        title: クラウドの基礎          # Japanese, drawn with Noto Sans CJK
    Failing:
        title: क्लाउड मूल बातें        # Devanagari: set `emblem.display_title` in a script cc can draw
    """
    if not draws_emblem(credential):
        return
    from cc_cli.emblem.textfit import undrawable

    language = language_of(ctx.catalog.info, credential)
    for where, text, advice in (
        (_title_where(credential), credential.emblem.display_title or credential.title, "set `emblem.display_title`"),
        (("emblem", "business_unit"), credential.emblem.business_unit or "", "change `emblem.business_unit`"),
    ):
        missing = undrawable(text, "SemiBold", language)
        if missing:
            shown = " ".join(f"'{char}' (U+{ord(char):04X})" for char in missing[:5])
            yield Hit(credential.source, where, f"the emblem fonts cannot draw {shown}: {advice} without them")


# What CC406 and CC407 both need, computed once per credential of the catalog being validated. Holding
# the context itself (not its id, which a later context could reuse) keys the caches to one run.
_fits: dict[str, Exception | None] = {}  # source -> the trouble
_bands: dict[str, tuple[int, int] | None] = {}  # source -> its title band (lines, px), where already fitted
_shells: dict[tuple[str, str, str, int, int], Exception | None] = {}  # what the trouble depends on -> it
_emblems_of: list[Context | None] = [None]


def _for_run(ctx: Context) -> None:
    if _emblems_of[0] is not ctx:
        _fits.clear()
        _bands.clear()
        _shells.clear()
        _emblems_of[0] = ctx


def title_band(credential: model.Credential, ctx: Context) -> tuple[int, int] | None:
    """The title band the credential's title is fitted into (lines, px), None when it does not fit."""
    from cc_cli.catalog.texts import catalog_texts
    from cc_cli.emblem.textfit import fit_title

    language = catalog_texts(ctx.catalog.info, credential).language
    layout = fit_title(credential.emblem.display_title or credential.title, credential.kind, language)
    return None if layout is None else (len(layout.lines), layout.size)


def _lettering_of(credential: model.Credential, ctx: Context) -> Exception | None:
    """Why the credential's lettering besides its title does not fit (once per credential per run).

    Only what the lettering depends on is built (kind, unit, issuer, words, the title band's height), so
    credentials that share them share one cached layout."""
    _for_run(ctx)
    if credential.source in _fits:  # before the imports: CC406 and CC407 ask for every credential
        return _fits[credential.source]
    source = credential.source
    band = _bands[source] if source in _bands else title_band(credential, ctx)
    trouble = None
    if band is not None:
        info = ctx.catalog.info
        unit = (credential.emblem.business_unit or "").strip()
        key = (credential.kind, unit, language_of(info, credential), *band)
        if key in _shells:
            trouble = _shells[key]
        else:
            from cc_cli.catalog.texts import catalog_texts
            from cc_cli.emblem.draw import shell_fit
            from cc_cli.emblem.spec import EmblemSpec, kind_of
            from cc_cli.emblem.words import fixed_words

            words = catalog_texts(info, credential)  # depends on the credential's language alone
            kicker, footer, level = fixed_words(kind_of(credential.kind), words)
            shell = EmblemSpec(
                id="",
                kind=credential.kind,
                title="",
                alt="",
                business_unit=unit,
                issuer=info.issuer.name.strip(),
                logo=("image/png", b"") if info.issuer.logo else None,
                issuer_line=(info.emblem.issuer_line or "").strip(),
                language=words.language,
                kicker=kicker,
                footer=footer,
                level_word=level,
            )
            trouble = _shells[key] = shell_fit(shell, *band)
    _fits[source] = trouble
    return trouble


def warm() -> None:
    """Import the lettering code and read the fonts now, so that worker processes forked from this one
    inherit them instead of each reading them again."""
    from cc_cli.emblem import draw, textfit, words  # noqa: F401
    from cc_cli.emblem.fonts import WEIGHTS, face

    for weight in WEIGHTS:
        face(weight)


def known_bands(ctx: Context, bands: dict[str, tuple[int, int] | None]) -> None:
    """Take `bands` (source -> `title_band`, worked out where each file was read) for `ctx`'s run."""
    _for_run(ctx)
    _bands.update(bands)


@lru_cache(maxsize=4096)
def _missing_fonts_in(text: str, language: str, _font_dirs: str | None) -> tuple[tuple[str, Any], ...]:
    """The fonts `text` needs and lacks; cached per font folders ($CC_FONT_DIRS: a test may move them)."""
    from cc_cli.emblem.scripts import missing_fonts

    return tuple(missing_fonts(text, "SemiBold", language))


@rule("CC405", ERROR, "emblem text needs a font that is not installed (the message names the package)", "catalog")
def font_installed(ctx: Context, ids: list[tuple[str, str]]) -> Iterator[Hit]:
    """Japanese, Chinese, Korean and Hebrew emblem text is drawn with fonts from the system's packages
    (Arabic's comes with cc). Without the font the emblem cannot be drawn, so `cc validate` says which
    package to install, before `cc render` or `cc issue --bake` needs it.

    Passing (with fonts-noto-cjk installed, as scripts/dev.sh does):
        title: クラウドの基礎
    Failing (on a machine without it): the same title; the message says `apt-get install fonts-noto-cjk`.
    """
    from cc_cli.catalog.texts import catalog_texts
    from cc_cli.emblem.spec import kind_of
    from cc_cli.emblem.words import fixed_words

    font_dirs = os.environ.get("CC_FONT_DIRS")
    info = ctx.catalog.info
    shared = (
        ((CATALOG_FILE, ("issuer", "name")), info.issuer.name.strip()),
        ((CATALOG_FILE, ("emblem", "issuer_line")), (info.emblem.issuer_line or "").strip()),
    )
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for credential in sorted(ctx.catalog.credentials.values(), key=lambda c: c.source):
        if not draws_emblem(credential):
            continue
        words = catalog_texts(info, credential)
        words_at = (credential.source, ("language",)) if credential.language else (CATALOG_FILE, ("language",))
        places = (
            ((credential.source, _title_where(credential)), credential.emblem.display_title or credential.title),
            ((credential.source, ("emblem", "business_unit")), credential.emblem.business_unit or ""),
            *shared,
            (words_at, " ".join(fixed_words(kind_of(credential.kind), words))),
        )
        reported: set[str] = set()  # packages already named for this credential's own text
        for (source, where), text in places:
            if (source, where) in seen or not text or text.isascii():
                continue  # catalog.yaml's words are reported once; ASCII needs no other font
            needed = _missing_fonts_in(text, words.language, font_dirs)
            fresh = [(ch, family) for ch, family in needed if family.install not in reported]
            if source == credential.source:
                reported.update(family.install for _, family in needed)
            if fresh:
                seen.add((source, where))
                shown = "; ".join(f"{ch!r} (U+{ord(ch):04X}) needs `{family.install}`" for ch, family in fresh)
                yield Hit(source, where, f"the font for this script is not installed: {shown}, then run again")


@rule(
    "CC406",
    ERROR,
    "issuer name does not fit the emblem even on two lines: set a shorter `emblem.issuer_line`",
    "catalog",
)
def issuer_fits(ctx: Context, ids: list[tuple[str, str]]) -> Iterator[Hit]:
    """The issuer's name is set above the title band like a title: on one line, then on two balanced
    lines down to 20 px; the lettering along the foot ("<issuer> Digital Credential") shrinks to 16 px.
    Below that it would touch the ring, the band or the other lettering. A long name ("Université de
    Montréal — Faculté de l'éducation permanente") then needs a shorter `emblem.issuer_line` in
    catalog.yaml, which emblems use wherever the full name does not fit.

    Passing:
        issuer: {name: Université de Montréal — Faculté de l'éducation permanente}
        emblem: {issuer_line: Université de Montréal}
    Failing:
        issuer: {name: Université de Montréal — Faculté de l'éducation permanente et des études supérieures}
    """
    from cc_cli.emblem.spec import IssuerTooLong

    info = ctx.catalog.info
    where = ("emblem", "issuer_line") if (info.emblem.issuer_line or "").strip() else ("issuer", "name")
    for credential in sorted(ctx.catalog.credentials.values(), key=lambda c: c.source):
        if not draws_emblem(credential) or credential.classification not in model.CLASSIFICATIONS:
            continue
        trouble = _lettering_of(credential, ctx)
        if isinstance(trouble, IssuerTooLong):
            yield Hit(CATALOG_FILE, where, f"{trouble} (first seen on the emblem of {credential.id})")
            return


@rule("CC407", ERROR, "business unit does not fit the emblem even on two lines", "credential")
def business_unit_fits(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """The business unit is set under the issuer's name on one line, then on two lines down to 16 px;
    a longer one would touch the ring or the title band.

    Passing:
        emblem: {business_unit: Faculté de l'éducation permanente}
    Failing:
        emblem: {business_unit: Faculté de l'éducation permanente, Service de la formation continue et du perfectionnement professionnel des cadres}
    """
    if not credential.emblem.business_unit or not draws_emblem(credential):
        return
    from cc_cli.emblem.spec import UnitTooLong

    trouble = _lettering_of(credential, ctx)
    if isinstance(trouble, UnitTooLong):
        yield Hit(credential.source, ("emblem", "business_unit"), str(trouble))
