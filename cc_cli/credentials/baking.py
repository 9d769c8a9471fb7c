"""Open Badges 3.0 baking: the signed award embedded in its emblem image.

PNG: an `iTXt` chunk with keyword `openbadgecredential` holding the credential JSON, placed before
`IEND` (OB 3.0 section 5.3.1). SVG: an `<openbadges:credential>` element in the
`https://purl.imsglobal.org/ob/v3p0` namespace, right after the root element's start tag, holding the
JSON in CDATA (section 5.3.2). `unbake` reads either back for `cc verify`.
"""

from __future__ import annotations

import re
import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"openbadgecredential"
OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"


class BakingError(ValueError):
    """An image that cannot carry or does not carry a credential."""


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _chunks(png: bytes) -> list[tuple[bytes, bytes, int, int]]:
    """[(type, data, start, end)] of every chunk; BakingError for a truncated or non-PNG file."""
    if not png.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG file")
    found, offset = [], len(PNG_SIGNATURE)
    while offset < len(png):
        if offset + 12 > len(png):
            raise BakingError("truncated PNG")
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind = png[offset + 4 : offset + 8]
        end = offset + 12 + length
        if end > len(png):
            raise BakingError("truncated PNG")
        found.append((kind, png[offset + 8 : offset + 8 + length], offset, end))
        offset = end
        if kind == b"IEND":
            break
    return found


def bake_png(png: bytes, credential_json: str) -> bytes:
    """A copy of `png` carrying the credential (any earlier baked credential is replaced)."""
    chunks = _chunks(png)
    # iTXt: keyword, NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL
    payload = KEYWORD + b"\x00\x00\x00\x00\x00" + credential_json.encode("utf-8")
    out = [PNG_SIGNATURE]
    for kind, data, start, end in chunks:
        if kind == b"iTXt" and data.startswith(KEYWORD + b"\x00"):
            continue
        if kind == b"IEND":
            out.append(_chunk(b"iTXt", payload))
        out.append(png[start:end])
    return b"".join(out)


def unbake_png(png: bytes) -> str:
    for kind, data, _, end in _chunks(png):
        if kind == b"iTXt" and data.startswith(KEYWORD + b"\x00"):
            if struct.unpack(">I", png[end - 4 : end])[0] != zlib.crc32(kind + data) & 0xFFFFFFFF:
                raise BakingError("the PNG's credential chunk is damaged (its CRC does not match)")
            rest = data[len(KEYWORD) + 1 :]
            compressed, _method = rest[0], rest[1]
            rest = rest[2:]
            _language, rest = rest.split(b"\x00", 1)
            _translated, text = rest.split(b"\x00", 1)
            return (zlib.decompress(text) if compressed else text).decode("utf-8")
    raise BakingError("the PNG carries no Open Badges credential (no iTXt 'openbadgecredential' chunk)")


_SVG_ROOT = re.compile(rb"<svg\b[^>]*>", re.S)


def bake_svg(svg: bytes, credential_json: str) -> bytes:
    if "]]>" in credential_json:
        raise BakingError("credential JSON contains ']]>' and cannot be put in CDATA")
    match = _SVG_ROOT.search(svg)
    if match is None:
        raise BakingError("not an SVG file")
    root = match.group(0)
    if b"xmlns:openbadges" not in root:
        root = root[:-1].rstrip(b"/") + f' xmlns:openbadges="{OB_NAMESPACE}">'.encode()
    element = f"<openbadges:credential><![CDATA[{credential_json}]]></openbadges:credential>".encode()
    return svg[: match.start()] + root + element + svg[match.end() :]


_SVG_CREDENTIAL = re.compile(rb"<openbadges:credential[^>]*>\s*<!\[CDATA\[(.*?)\]\]>\s*</openbadges:credential>", re.S)


def unbake_svg(svg: bytes) -> str:
    match = _SVG_CREDENTIAL.search(svg)
    if match is None:
        raise BakingError("the SVG carries no Open Badges credential (no <openbadges:credential> element)")
    return match.group(1).decode("utf-8")
