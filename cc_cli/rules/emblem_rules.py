"""Emblem rules (CC401-CC404): the framework's design language must be able to draw every credential."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from cc_cli.catalog import model
from cc_cli.core.problems import ERROR, WARNING, Hit
from cc_cli.rules.context import Context
from cc_cli.rules.registry import rule


def _title_where(credential: model.Credential) -> tuple[str, ...]:
    return ("emblem", "display_title") if credential.emblem.display_title else ("title",)


def _draws_emblem(credential: model.Credential) -> bool:
    """Legacy credentials with their own artwork keep it; everything else is drawn by `cc render`."""
    return bool(credential.title) and not (credential.legacy and credential.emblem.artwork)


@rule(
    "CC401", ERROR, "title does not fit the emblem even at the smallest size: set `emblem.display_title`", "credential"
)
def title_fits(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """The emblem's title band holds up to three lines, shrinking from 40 px to a 24 px floor; below that
    the title is unreadable on a profile or wallet. The same measuring function lays out `cc render`.

    Passing:
        title: IBM Certified Administrator - Cloud Pak for Multicloud Management v2.2
        emblem: {display_title: Cloud Pak for Multicloud Management v2.2 Administrator}
    Failing: a 200-character title with no `emblem.display_title`.
    """
    if not _draws_emblem(credential):
        return
    from cc_cli.emblem.textfit import fit_title

    text = credential.emblem.display_title or credential.title
    if fit_title(text, credential.kind) is None:
        yield Hit(
            credential.source,
            _title_where(credential),
            f"title '{text}' does not fit the emblem even at 24 px on 3 lines: set a shorter `emblem.display_title`",
        )


@rule("CC402", ERROR, "legacy `emblem.artwork` missing, unreadable, or not PNG/SVG", "credential")
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


@rule("CC403", WARNING, "`emblem.artwork` on a non-legacy credential (the design language draws it)", "credential")
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


@rule("CC404", ERROR, "title has characters the emblem typeface cannot draw", "credential")
def title_glyphs(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """Emblem text is drawn as outlines of IBM Plex Sans Condensed; a character the typeface lacks would
    come out as an empty box, so it is caught here instead.

    Passing:
        title: Zoë's Café Analytics
    Failing:
        title: 云计算基础      # CJK is not in IBM Plex Sans Condensed: set `emblem.display_title`
    """
    if not _draws_emblem(credential):
        return
    from cc_cli.emblem.textfit import missing_glyphs

    for where, text, advice in (
        (_title_where(credential), credential.emblem.display_title or credential.title, "set `emblem.display_title`"),
        (("emblem", "business_unit"), credential.emblem.business_unit or "", "change `emblem.business_unit`"),
    ):
        missing = missing_glyphs(text)
        if missing:
            shown = " ".join(f"'{char}' (U+{ord(char):04X})" for char in missing[:5])
            yield Hit(credential.source, where, f"the emblem typeface cannot draw {shown}: {advice} without them")
