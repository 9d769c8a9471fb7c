"""The site's emblems: SVG in the design language, legacy artwork as supplied, a placeholder when undrawable.

The site uses SVG emblems rather than PNGs: an SVG is exactly what `cc render` draws (same bytes), stays
sharp at every size a page shows it, and costs about a millisecond to produce, where rasterising a PNG
costs ten or more (cairosvg); a 10,000-credential site would spend minutes on PNGs alone. Legacy artwork is
published as supplied (PNG or SVG), because the framework keeps its original look.

Pages show that one file; beside it the site also publishes the other format, because every award, baked
image and CTDL export cites `emblems/<id>.png` (and `.svg` is what a vector-capable viewer wants). The PNG
is what makes a site build cost ~10 ms more per credential.

File names are known before anything is drawn (`<id>.svg`, or `<id>.png` for PNG legacy artwork) and an
emblem that cannot be drawn is replaced by a neutral placeholder under the same name, so pages can be written
in any order, in any worker process, and never point at a missing image.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from cc_cli.catalog.model import Catalog, Credential

PLACEHOLDER = Path(__file__).resolve().parent.parent / "templates" / "site" / "placeholder.svg"


def emblem_name(credential: Credential) -> str:
    """`<id>.png` for legacy PNG artwork (published untouched), `<id>.svg` for everything else."""
    artwork = (credential.emblem.artwork or "").lower()
    kind = "png" if credential.legacy and artwork.endswith(".png") else "svg"
    return f"{credential.id}.{kind}"


@cache
def _placeholder() -> bytes:
    return PLACEHOLDER.read_bytes()


def draw_one(catalog: Catalog, credential: Credential, out: Path) -> bool:
    """Write the credential's emblem into `out`; False (and the placeholder) when it cannot be drawn.

    `cc validate` reports why an emblem cannot be drawn (CC401-CC404); the site still builds, so one long
    title does not hold back the whole catalog.
    """
    from cc_cli.emblem.render import emblem_bytes

    drawn = emblem_bytes(catalog, credential, ("svg", "png"))
    for kind in ("svg", "png"):
        data = drawn.get(kind)
        if data is None and kind == "png":  # rare (unreadable artwork): the placeholder, rasterised
            from cc_cli.emblem.jobs import to_png

            data = to_png(_placeholder(), 240)
        (out / f"{credential.id}.{kind}").write_bytes(data or _placeholder())
    return bool(drawn)
