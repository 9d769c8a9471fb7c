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


def draw_one(catalog: Catalog, credential: Credential, out: Path, previous: Path | None = None) -> bool:
    """Write the credential's emblem into `out`; False (and the placeholder) when it cannot be drawn.

    `cc validate` reports why an emblem cannot be drawn (CC401-CC404); the site still builds, so one long
    title does not hold back the whole catalog. `previous` is the emblem folder of the site being replaced:
    a PNG is rasterised from the SVG alone, so where the SVG is unchanged its PNG is copied, not redrawn.
    """
    from cc_cli.emblem.render import emblem_bytes

    drawn = emblem_bytes(catalog, credential, ("svg",))
    reused = _previous_png(previous, credential.id, drawn.get("svg"))
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


def _previous_png(previous: Path | None, key: str, svg: bytes | None) -> bytes | None:
    """The previous site's PNG of this emblem, when that site's SVG is byte for byte this one."""
    if previous is None or svg is None:
        return None
    try:
        if (previous / f"{key}.svg").read_bytes() == svg:
            return (previous / f"{key}.png").read_bytes()
    except OSError:
        pass
    return None
