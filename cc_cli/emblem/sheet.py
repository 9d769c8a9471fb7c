"""Contact sheets, as one PNG each: the catalog's own emblems, and the kinds of the design language.

- `cc render --sheet FILE`: every emblem the catalog draws (or those of `--only`), labelled with their
  titles, for reviewing a catalog's artwork at a glance.
- `cc render --kinds-sheet FILE`: the eight kinds and the legacy treatment side by side, each shown with
  one of the catalog's own credentials of that kind. A kind the catalog has no credential of is shown with
  its own name in the band, never with an invented title; legacy shows the neutral drawing used when no
  original artwork is supplied.
"""

from __future__ import annotations

import base64
from dataclasses import replace
from pathlib import Path

from cc_cli.catalog.model import Catalog, Credential
from cc_cli.core import atomic
from cc_cli.core.problems import UsageError
from cc_cli.emblem import spec
from cc_cli.emblem.draw import emblem_svg, render_template
from cc_cli.emblem.jobs import emblem_spec, to_png
from cc_cli.emblem.parts import line
from cc_cli.emblem.spec import EmblemError, EmblemSpec

COLUMNS, CELL, EMBLEM, GAP, MARGIN, HEAD = 3, 420, 340, 30, 50, 110
OWN_COLUMNS, OWN_CELL, OWN_EMBLEM, OWN_LABEL = 4, 300, 240, 70


def _label(kind: spec.Kind) -> tuple[str, str]:
    shape = {"circle": "Circle", "page": "Page", "shield": "Shield", "legacy": "Cool-gray circle"}[kind.shape]
    if kind.shape == "circle":
        name, marks = f"Skill badge \u00b7 {kind.level_word}", f"{kind.marks} of 4 squares"
    elif kind.shape == "shield":
        name, marks = f"Certification \u00b7 {kind.level_word}", f"{kind.marks} chevron{'s' * (kind.marks > 1)}"
    elif kind.shape == "page":
        name, marks = "Certificate", "seal, no level"
    else:
        name, marks = "Legacy, no artwork supplied", "no level marks"
    return name, f"{shape} \u00b7 {kind.token} {kind.band} \u00b7 {marks}"


def _candidates(catalog: Catalog, key: str) -> list[Credential]:
    """The catalog's credentials drawn as `key`, by id; for legacy, those without artwork first (their
    neutral drawing is what the sheet documents), then the others (drawn neutral here)."""
    found = [c for _, c in sorted(catalog.credentials.items()) if c.kind == key and c.status != "draft"]
    return sorted(found, key=lambda c: bool(c.legacy and c.emblem.artwork))


def _specimen(catalog: Catalog, key: str) -> EmblemSpec:
    """One of the catalog's own credentials of kind `key`, or the kind's name when it has none."""
    for credential in _candidates(catalog, key):
        emblem = emblem_spec(credential, catalog)
        try:
            emblem_svg(emblem)
            return emblem
        except EmblemError:
            continue  # a title that does not fit is CC401's business; try the next one
    shell = replace(emblem_spec(_placeholder(key), catalog), id=f"sheet-{key}")
    return shell


def _placeholder(key: str) -> Credential:
    """A stand-in credential whose title is its kind's own name ("Skill badge · Advanced")."""
    classification, _, grade = key.partition("-")
    legacy = key == "legacy"
    stand_in = Credential(id=f"sheet-{key}", title="", classification="skill" if legacy else classification, source="")
    stand_in.legacy = legacy
    if classification == "skill":
        stand_in.type = grade
    elif classification == "certification":
        stand_in.level = grade
    return stand_in


def sheet_svg(catalog: Catalog) -> str:
    """The contact sheet as SVG."""
    rows = -(-len(spec.KINDS) // COLUMNS)
    width = MARGIN * 2 + COLUMNS * CELL
    height = MARGIN + HEAD + rows * (EMBLEM + 110) + MARGIN
    name = catalog.info.name or "Emblems"
    texts = [
        line(f"{name}: emblem kinds", "SemiBold", 34, width / 2, MARGIN + 34, spec.GRAY_100),
        line(
            "Shape tells the classification; band colour and level marks tell the level.",
            "Regular",
            20,
            width / 2,
            MARGIN + 72,
            spec.GRAY_70,
        ),
    ]
    cells = []
    for i, key in enumerate(spec.KINDS):
        x = MARGIN + (i % COLUMNS) * CELL
        y = MARGIN + HEAD + (i // COLUMNS) * (EMBLEM + 110)
        svg = emblem_svg(_titled(catalog, _specimen(catalog, key))).encode("utf-8")
        href = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
        cells.append({"x": x + (CELL - EMBLEM) / 2, "y": y, "size": EMBLEM, "href": href})
        title, note = _label(spec.KINDS[key])
        centre = x + CELL / 2
        texts.append(line(title, "SemiBold", 22, centre, y + EMBLEM + 38, spec.GRAY_100, CELL - GAP))
        texts.append(line(note, "Regular", 17, centre, y + EMBLEM + 66, spec.GRAY_70, CELL - GAP))
    alt = f"{name}: the eight emblem kinds and the legacy treatment, side by side"
    return render_template("sheet.svg.j2", width=width, height=height, alt=alt, texts=texts, cells=cells)


def _titled(catalog: Catalog, emblem: EmblemSpec) -> EmblemSpec:
    """A placeholder specimen gets its kind's name as its title, in the catalog's language."""
    if emblem.title:
        return emblem
    from cc_cli.catalog.texts import catalog_texts

    words = catalog_texts(catalog.info)
    kind = spec.KINDS[emblem.kind]
    if kind.shape == "legacy":
        title = words("emblem.legacy_footer")
    else:
        classification = {"circle": "skill", "page": "certificate", "shield": "certification"}[kind.shape]
        title = " · ".join(part for part in (words(f"kind.{classification}"), emblem.level_word) if part)
    return replace(emblem, title=title, alt=title)


def kinds_sheet_png(catalog: Catalog) -> bytes:
    """The kinds sheet as PNG, at 1:1 (1360 px wide)."""
    return to_png(sheet_svg(catalog).encode("utf-8"), MARGIN * 2 + COLUMNS * CELL)


def drawn_ids(catalog: Catalog, only: list[str]) -> list[str]:
    """The credentials the catalog sheet shows: `only` (in that order), else every non-draft one by id."""
    if only:
        return list(dict.fromkeys(only))
    return [key for key, c in sorted(catalog.credentials.items()) if c.status != "draft"]


def catalog_sheet_svg(catalog: Catalog, only: list[str]) -> str:
    """The catalog's own emblems side by side, each labelled with its title and id, as SVG.

    Legacy artwork is shown as supplied; an emblem that cannot be drawn (CC401-CC407 say why) is shown as
    an empty cell with its id, so the sheet still shows the rest.
    """
    from cc_cli.emblem.render import emblem_bytes

    ids = drawn_ids(catalog, only)
    columns = max(1, min(OWN_COLUMNS, len(ids)))
    rows = max(1, -(-len(ids) // columns))
    width = MARGIN * 2 + columns * OWN_CELL
    height = MARGIN + HEAD + rows * (OWN_EMBLEM + OWN_LABEL) + MARGIN
    name = catalog.info.name or "Emblems"
    count = f"{len(ids)} emblem{'s' * (len(ids) != 1)}"
    texts = [
        line(
            name, "SemiBold", 34, width / 2, MARGIN + 34, spec.GRAY_100, width - 2 * MARGIN, 0.0, catalog.info.language
        ),
        line(count, "Regular", 20, width / 2, MARGIN + 72, spec.GRAY_70),
    ]
    cells = []
    for i, key in enumerate(ids):
        credential = catalog.credentials[key]
        x = MARGIN + (i % columns) * OWN_CELL
        y = MARGIN + HEAD + (i // columns) * (OWN_EMBLEM + OWN_LABEL)
        drawn = emblem_bytes(catalog, credential, ("svg",)).get("svg")
        if drawn is not None:
            href = "data:image/svg+xml;base64," + base64.b64encode(drawn).decode("ascii")
            cells.append({"x": x + (OWN_CELL - OWN_EMBLEM) / 2, "y": y, "size": OWN_EMBLEM, "href": href})
        language = emblem_spec(credential, catalog).language
        centre = x + OWN_CELL / 2
        room = OWN_CELL - GAP
        texts.append(
            line(credential.title, "SemiBold", 17, centre, y + OWN_EMBLEM + 26, spec.GRAY_100, room, 0.0, language)
        )
        texts.append(line(key, "Regular", 14, centre, y + OWN_EMBLEM + 48, spec.GRAY_70, room))
    alt = f"{name}: {count}"
    return render_template("sheet.svg.j2", width=width, height=height, alt=alt, texts=texts, cells=cells)


def catalog_sheet_png(catalog: Catalog, only: list[str]) -> bytes:
    """The catalog sheet as PNG, at 1:1."""
    columns = max(1, min(OWN_COLUMNS, len(drawn_ids(catalog, only))))
    return to_png(catalog_sheet_svg(catalog, only).encode("utf-8"), MARGIN * 2 + columns * OWN_CELL)


def write_png(path: Path, png: bytes) -> None:
    """Write a sheet PNG to `path` atomically."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_bytes(path, png)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
