"""The site's emblems: SVG in the design language, legacy artwork as supplied, a placeholder when undrawable.

The site uses SVG emblems rather than PNGs: an SVG is exactly what `cc render` draws (same bytes), stays
sharp at every size a page shows it, and costs about a millisecond to produce, where rasterising a PNG
costs ten or more (cairosvg); a 10,000-credential site would spend minutes on PNGs alone. Legacy artwork is
published as supplied (PNG or SVG), because the framework keeps its original look.

Pages show that one file; beside it the site also publishes the other format, because every award, baked
image and CTDL export cites `emblems/<id>.png` (and `.svg` is what a vector-capable viewer wants). The PNG
is what makes a site build cost tens of milliseconds more per credential (cairosvg parses the SVG's
lettering paths in Python and libpng compresses 600x600 pixels), so it is drawn only when no PNG of the same
SVG already exists: the site being replaced, and the folder `cc render` keeps (committed beside the catalog
and checked in CI), are looked in first. A PNG is a pure function of its SVG at a given width, so a PNG found
beside a byte-identical SVG, whole (every chunk's CRC checks) and of the site's width, is the one the site
would draw.

File names are known before anything is drawn (`<id>.svg`, or `<id>.png` for PNG legacy artwork) and an
emblem that cannot be drawn is replaced by a neutral placeholder under the same name, so pages can be written
in any order, in any worker process, and never point at a missing image.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from cc_cli.catalog.model import Catalog, Credential

SITE_PNG_WIDTH = 600  # what `cc render` and baking draw by default: one published image for all three
PLACEHOLDER = Path(__file__).resolve().parent.parent / "templates" / "site" / "placeholder.svg"


def emblem_name(credential: Credential) -> str:
    """`<id>.png` for legacy PNG artwork (published untouched), `<id>.svg` for everything else."""
    artwork = (credential.emblem.artwork or "").lower()
    kind = "png" if credential.legacy and artwork.endswith(".png") else "svg"
    return f"{credential.id}.{kind}"


@cache
def _placeholder() -> bytes:
    return PLACEHOLDER.read_bytes()


def draw_one(catalog: Catalog, credential: Credential, out: Path, reuse: tuple[Path, ...] = ()) -> bool:
    """Write the credential's emblem into `out`; False (and the placeholder) when it cannot be drawn.

    `cc validate` reports why an emblem cannot be drawn (CC401-CC404); the site still builds, so one long
    title does not hold back the whole catalog. `reuse` are emblem folders (the site being replaced, `cc
    render`'s output): a PNG is rasterised from the SVG alone, so where one of them holds this very SVG, its
    PNG is copied, not redrawn.
    """
    from cc_cli.emblem.render import emblem_bytes

    drawn = emblem_bytes(catalog, credential, ("svg",))
    reused = _reusable_png(reuse, credential.id, drawn.get("svg"))
    if reused is not None:
        drawn["png"] = reused
    elif drawn:
        drawn = emblem_bytes(catalog, credential, ("svg", "png"))
    for kind in ("svg", "png"):
        data = drawn.get(kind)
        if data is None and kind == "png":  # rare (unreadable artwork): the placeholder, rasterised
            from cc_cli.emblem.jobs import to_png

            data = to_png(_placeholder(), 240)
        (out / f"{credential.id}.{kind}").write_bytes(data or _placeholder())
    return bool(drawn)


def _reusable_png(folders: tuple[Path, ...], key: str, svg: bytes | None) -> bytes | None:
    """The PNG beside a byte-identical SVG in one of `folders`, if it is a whole PNG of the site's width."""
    if svg is None:
        return None
    from cc_cli.emblem.artwork import ArtworkError, png_size

    for folder in folders:
        try:
            if (folder / f"{key}.svg").read_bytes() != svg:
                continue
            png = (folder / f"{key}.png").read_bytes()
            if png_size(png)[0] == SITE_PNG_WIDTH:
                return png
        except (OSError, ArtworkError):
            continue
    return None
