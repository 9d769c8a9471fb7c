"""Owner-supplied artwork: legacy emblems passed through untouched, and the issuer's logo.

The tool never draws a company logo; it only places artwork the catalog owner supplies. Files are checked
before anything is written so that a missing or broken file is a one-line error for that credential, never
a half-drawn emblem: PNGs are walked chunk by chunk with their CRCs, SVGs must parse as XML with an <svg>
root. Paths must stay inside the catalog folder, and name regular files (see `read_inside`).
"""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path
from xml.etree import ElementTree

from cc_cli.catalog.files import CatalogFileError, read_inside
from cc_cli.emblem.spec import EmblemError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_ARTWORK_BYTES = 20_000_000


class ArtworkError(EmblemError):
    """Artwork that is missing, unreadable, outside the catalog, or not a sound PNG or SVG (CC402)."""


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG whose every chunk checks out; ArtworkError otherwise."""
    if not data.startswith(PNG_SIGNATURE):
        raise ArtworkError("not a PNG file")
    offset, size, seen_end = len(PNG_SIGNATURE), None, False
    while offset < len(data):
        if offset + 12 > len(data):
            raise ArtworkError("PNG file is truncated")
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + length]
        crc_bytes = data[offset + 8 + length : offset + 12 + length]
        if len(body) != length or len(crc_bytes) != 4:
            raise ArtworkError("PNG file is truncated")
        if zlib.crc32(kind + body) != struct.unpack(">I", crc_bytes)[0]:
            raise ArtworkError(f"PNG chunk {kind.decode('latin-1')!r} is corrupt (CRC mismatch)")
        if kind == b"IHDR" and length >= 8:
            size = struct.unpack(">II", body[:8])
        offset += 12 + length
        if kind == b"IEND":
            seen_end = True
            break
    if size is None or not seen_end or 0 in size:
        raise ArtworkError("PNG file has no image header or no end marker")
    return size


def check_svg(data: bytes) -> None:
    """Raise ArtworkError unless `data` is well-formed XML with an <svg> root element."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise ArtworkError(f"SVG file is not well-formed XML ({exc})") from None
    if not (root.tag == "svg" or root.tag.endswith("}svg")):
        raise ArtworkError("SVG file has no <svg> root element")
    problem = _active_content(data, root)
    if problem:
        raise ArtworkError(f"SVG file has active content ({problem}): export it as plain artwork, or as PNG")


# The artwork is published (site, the awards' image URL) on the issuer's own domain: an SVG opened from
# there runs its scripts with that domain's rights, and external references leak who looks at it.
_ACTIVE_TAGS = frozenset({"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"})
_EXTERNAL = re.compile(r"url\(\s*['\"]?\s*(?!#|data:image/)[^)\s]", re.I)


def _active_content(data: bytes, root: ElementTree.Element) -> str | None:
    """What makes this SVG more than a picture (a script, an event handler, an external reference), or None."""
    if b"<!ENTITY" in data:
        return "an XML entity declaration"
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""
        if tag in _ACTIVE_TAGS:
            return f"a <{tag}> element"
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                return f"an {local} event handler"
            if local == "href" and not value.strip().startswith(("#", "data:image/")):
                return f"a link to {value.strip()[:60]!r}"
            if _EXTERNAL.search(value):
                return f"an external url() in {local}"
        if tag == "style" and (_EXTERNAL.search(element.text or "") or "@import" in (element.text or "")):
            return "an external reference in <style>"
    return None


def read_artwork(root: Path, relative: str, what: str = "legacy artwork") -> tuple[str, bytes]:
    """Read and check catalog-relative artwork: ("png" | "svg", bytes).

    Read like every catalog file (`read_inside`): only a regular file inside the catalog, at most
    MAX_ARTWORK_BYTES of it; a link out of the catalog, a FIFO or a device is refused unread."""
    try:
        data = read_inside(root, relative, MAX_ARTWORK_BYTES)
    except CatalogFileError as exc:
        raise ArtworkError(f"{what} {relative!r} {exc.reason}") from None
    try:
        if data.startswith(PNG_SIGNATURE):
            png_size(data)
            return "png", data
        if relative.lower().endswith(".svg") or b"<svg" in data[:4096]:
            check_svg(data)
            return "svg", data
    except ArtworkError as exc:
        raise ArtworkError(f"{what} {relative!r}: {exc}") from None
    raise ArtworkError(f"{what} {relative!r} is neither a PNG nor an SVG file")


MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
