"""The contact sheet: all eight kinds and the legacy treatment side by side, labelled, as one PNG.

It documents the design language (README, design reviews), so each cell shows a real credential of that
kind from the catalog when there is one, and a specimen title otherwise; legacy shows the neutral drawing
used when no original artwork is supplied.
"""

from __future__ import annotations

import base64
from pathlib import Path

from cc_cli.catalog.model import Catalog, Credential
from cc_cli.core import atomic
from cc_cli.core.problems import UsageError
from cc_cli.emblem import spec
from cc_cli.emblem.draw import emblem_svg, render_template
from cc_cli.emblem.jobs import emblem_spec, to_png
from cc_cli.emblem.parts import line
from cc_cli.emblem.spec import EmblemError, EmblemSpec

SPECIMENS = {
    "skill-foundational": "Cloud Essentials",
    "skill-intermediate": "Data Science Methodology",
    "skill-advanced": "Enterprise Design Thinking Co-Creator",
    "skill-thought-leader": "Hybrid Cloud Architecture Thought Leader",
    "certificate": "Data Science Professional Certificate",
    "certification-associate": "Certified Associate Developer - Quantum Computation",
    "certification-professional": "Certified Solution Architect - Cloud Pak for Data",
    "certification-advanced": "Certified Advanced Architect - Cloud",
    "legacy": "Big Data Foundations - Level 1",
}
COLUMNS, CELL, EMBLEM, GAP, MARGIN, HEAD = 3, 420, 340, 30, 50, 110


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


def _pick(catalog: Catalog, key: str) -> Credential | None:
    """The first credential (by id) drawn as `key`; for legacy, only one without its own artwork."""
    found = [
        c
        for _, c in sorted(catalog.credentials.items())
        if c.kind == key and c.status != "draft" and not (c.legacy and c.emblem.artwork)
    ]
    return found[0] if found else None


def _specimen(catalog: Catalog, key: str) -> EmblemSpec:
    credential = _pick(catalog, key)
    if credential is not None:
        emblem = emblem_spec(credential, catalog)
        try:
            emblem_svg(emblem)
            return emblem
        except EmblemError:
            pass  # a title that does not fit is CC401's business; show a specimen instead
    issuer = catalog.info.issuer.name.strip()
    title = SPECIMENS[key]
    return EmblemSpec(id=f"sheet-{key}", kind=key, title=title, alt=title, issuer=issuer)


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
        svg = emblem_svg(_specimen(catalog, key)).encode("utf-8")
        href = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
        cells.append({"x": x + (CELL - EMBLEM) / 2, "y": y, "size": EMBLEM, "href": href})
        title, note = _label(spec.KINDS[key])
        centre = x + CELL / 2
        texts.append(line(title, "SemiBold", 22, centre, y + EMBLEM + 38, spec.GRAY_100, CELL - GAP))
        texts.append(line(note, "Regular", 17, centre, y + EMBLEM + 66, spec.GRAY_70, CELL - GAP))
    alt = f"{name}: the eight emblem kinds and the legacy treatment, side by side"
    return render_template("sheet.svg.j2", width=width, height=height, alt=alt, texts=texts, cells=cells)


def sheet_png(catalog: Catalog) -> bytes:
    """The contact sheet as PNG, at 1:1 (1360 px wide)."""
    return to_png(sheet_svg(catalog).encode("utf-8"), MARGIN * 2 + COLUMNS * CELL)


def write_sheet(catalog: Catalog, path: Path) -> None:
    """Write the contact sheet PNG to `path` atomically, making its folder if need be (as `--out` is)."""
    png = sheet_png(catalog)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_bytes(path, png)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
