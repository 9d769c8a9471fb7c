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
beside a byte-identical SVG, whole and of the site's width, is the one the site would draw; it is hard-linked
rather than copied (a 10,000-credential site holds 750 MB of PNGs).

File names are known before anything is drawn (`<id>.svg`, or `<id>.png` for PNG legacy artwork) and an
emblem that cannot be drawn is replaced by a neutral placeholder under the same name, so pages can be written
in any order, in any worker process, and never point at a missing image.
"""

from __future__ import annotations

import os
import shutil
from functools import cache
from pathlib import Path

from cc_cli.catalog.model import Catalog, Credential

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IEND = b"\x00\x00\x00\x00IEND\xaeB`\x82"  # the last chunk of every PNG: length 0, type, CRC
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
        (out / f"{credential.id}.svg").write_bytes(drawn["svg"])
        _link_or_copy(reused, out / f"{credential.id}.png")
        return True
    if drawn:
        drawn = emblem_bytes(catalog, credential, ("svg", "png"))
    for kind in ("svg", "png"):
        data = drawn.get(kind)
        if data is None and kind == "png":  # rare (unreadable artwork): the placeholder, rasterised
            from cc_cli.emblem.jobs import to_png

            data = to_png(_placeholder(), 240)
        (out / f"{credential.id}.{kind}").write_bytes(data or _placeholder())
    return bool(drawn)


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link where the file system allows (no bytes copied: `cc render` and site builds replace files
    by renaming, never in place, so the shared file never changes under the other), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _reusable_png(folders: tuple[Path, ...], key: str, svg: bytes | None) -> Path | None:
    """The PNG beside a byte-identical SVG in one of `folders`, if it is a regular file that is a whole PNG
    (signature, IHDR first, IEND last) of the site's width; reading its ends is enough to refuse a file cut
    short, without reading 600 px of pixels per emblem."""
    if svg is None:
        return None
    for folder in folders:
        png = folder / f"{key}.png"
        try:
            if (folder / f"{key}.svg").read_bytes() != svg or png.is_symlink():
                continue
            with png.open("rb") as file:
                head = file.read(24)
                file.seek(-len(IEND), os.SEEK_END)
                tail = file.read()
        except OSError:
            continue
        width = int.from_bytes(head[16:20], "big")
        if head[:8] == PNG_SIGNATURE and head[12:16] == b"IHDR" and tail == IEND and width == SITE_PNG_WIDTH:
            return png
    return None
