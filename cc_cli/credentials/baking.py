"""Open Badges 3.0 baking: the signed award embedded in its emblem image.

PNG: an `iTXt` chunk with keyword `openbadgecredential` holding the credential JSON, placed before
`IEND` (OB 3.0 section 5.3.1). SVG: an `<openbadges:credential>` element in the
`https://purl.imsglobal.org/ob/v3p0` namespace, right after the root element's start tag, holding the
JSON "wrapped in <![CDATA[...]]>" (section 5.3.2.1, which names no other form). JSON text that CDATA cannot
hold as it is (`]]>`, or code points XML forbids) is first rewritten with JSON's own escapes, so every award
can be baked and every baked SVG stays one well-formed CDATA section. `unbake_png` and `unbake_svg` read
them back for `cc verify`; `unbake_svg` also reads the XML-escaped text other issuers may write.

Reading is bounded, for `cc verify` is given hostile files: a PNG's credential text is read or inflated up
to `MAX_TEXT_BYTES` (a zip bomb of 1 MB inflating to 1 GB stops there), and an SVG may nest elements
`MAX_SVG_DEPTH` deep (expat keeps every open element: 4 MB of `<g>` would cost 180 MB). The size of the
file itself is capped by its reader (cc_cli/verify/read.py).
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator
from xml.parsers import expat as pyexpat

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"openbadgecredential"
OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
# A baked award is a few KB of JSON and a CLR of 500 awards a few MB: 16 MiB (the cap on a plain JSON
# file in `cc verify`) is generous for both, and bounds what a hostile chunk can make cc hold.
MAX_TEXT_BYTES = 16 << 20
MAX_SVG_DEPTH = 1000  # real SVG artwork nests a few dozen elements deep


class BakingError(ValueError):
    """An image that cannot carry or does not carry a credential."""


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _spans(png: bytes) -> Iterator[tuple[bytes, int, int]]:
    """(type, start, end) of each chunk in turn, nothing copied; BakingError for a truncated or non-PNG file."""
    if not png.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG file")
    offset = len(PNG_SIGNATURE)
    while offset < len(png):
        if offset + 12 > len(png):
            raise BakingError("truncated PNG")
        (length,) = struct.unpack_from(">I", png, offset)
        kind = png[offset + 4 : offset + 8]
        end = offset + 12 + length
        if end > len(png):
            raise BakingError("truncated PNG")
        yield kind, offset, end
        offset = end
        if kind == b"IEND":
            break


def _is_credential(png: bytes, kind: bytes, start: int) -> bool:
    """Whether the chunk at `start` is an iTXt with the keyword of a baked credential."""
    return kind == b"iTXt" and png[start + 8 : start + 9 + len(KEYWORD)] == KEYWORD + b"\x00"


def bake_png(png: bytes, credential_json: str) -> bytes:
    """A copy of `png` carrying the credential (any earlier baked credential is replaced)."""
    chunks = list(_spans(png))  # the whole file is checked before anything is built
    # iTXt: keyword, NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL
    payload = KEYWORD + b"\x00\x00\x00\x00\x00" + credential_json.encode("utf-8")
    out = [PNG_SIGNATURE]
    for kind, start, end in chunks:
        if _is_credential(png, kind, start):
            continue
        if kind == b"IEND":
            out.append(_chunk(b"iTXt", payload))
        out.append(png[start:end])
    return b"".join(out)


def unbake_png(png: bytes) -> str:
    """The text of the PNG's `openbadgecredential` iTXt chunk, read or inflated up to `MAX_TEXT_BYTES`.
    BakingError when there is none, or it is damaged, or larger than that."""
    for kind, start, end in _spans(png):
        if not _is_credential(png, kind, start):
            continue  # no other chunk is copied: a 16 MB IDAT costs nothing here
        if end - start - 12 > MAX_TEXT_BYTES + 1024:  # the text, and a generous allowance for its header
            raise BakingError(f"not a credential: the PNG's credential chunk is {_size(end - start - 12)}, {_OVER}")
        data = png[start + 8 : end - 4]
        if struct.unpack_from(">I", png, end - 4)[0] != zlib.crc32(kind + data) & 0xFFFFFFFF:
            raise BakingError("the PNG's credential chunk is damaged (its CRC does not match)")
        rest = data[len(KEYWORD) + 1 :]
        compressed, _method = rest[0], rest[1]
        rest = rest[2:]
        _language, rest = rest.split(b"\x00", 1)
        _translated, text = rest.split(b"\x00", 1)
        return (_inflate(text) if compressed else text).decode("utf-8")
    raise BakingError("the PNG carries no Open Badges credential (no iTXt 'openbadgecredential' chunk)")


_OVER = f"over the {MAX_TEXT_BYTES >> 20} MiB cc reads (a baked award is a few KB)"


def _inflate(compressed: bytes) -> bytes:
    """The zlib stream inflated, never past `MAX_TEXT_BYTES` (a bomb stops there); BakingError otherwise."""
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(compressed, MAX_TEXT_BYTES + 1)
    except zlib.error as exc:
        raise BakingError(f"the PNG's credential chunk cannot be inflated ({exc})") from None
    if len(text) > MAX_TEXT_BYTES:
        raise BakingError(f"not a credential: the PNG's credential chunk inflates to {_OVER}")
    if not inflater.eof:
        raise BakingError("the PNG's credential chunk is damaged (its compressed text is cut short)")
    return text


def _size(count: int) -> str:
    """A byte count as people read it: 300.0 MB, 16.0 MB, 512 bytes."""
    return f"{count / 1e6:.1f} MB" if count >= 1e6 else f"{count:,} bytes"


# What cannot go into CDATA as it is: the `]]>` that would end it, and the code points XML 1.0 cannot carry at
# all, not even as a character reference (C0 controls but tab and line breaks, lone surrogates, U+FFFE, U+FFFF).
_NOT_CDATA = re.compile(r"]]>|[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")
# The root's start tag, read from where the parser says it begins: quoted values may hold `>`.
_START_TAG = re.compile(rb"""<([^\s/>]+)(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(/?)>""")
_UTF8 = frozenset({"utf-8", "utf8"})
_WIDE = ("utf-16", "utf-32", "ucs-2", "ucs-4", "utf16", "utf32")  # encodings an ASCII insertion would break
# The spec's namespace, and the `/spec/` variant that some issuers write (read, never written).
OB_NAMESPACES = (OB_NAMESPACE, "https://purl.imsglobal.org/spec/ob/v3p0")
_CREDENTIAL_NAMES = {(namespace, "credential") for namespace in OB_NAMESPACES}
_EXPAT_LIMITS_ENTITIES = pyexpat.version_info >= (2, 4, 0)  # expat's own guard against entity bombs


def _json_escape(character: str) -> str:
    """`\\uXXXX` (a surrogate pair above U+FFFF): what the character means inside a JSON string."""
    code = ord(character)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def cdata_safe_json(credential_json: str, ascii_only: bool = False) -> str:
    """The same JSON value, written so that it can sit in one CDATA section (and, with `ascii_only`, in a
    document of any ASCII-compatible encoding).

    JSON's own escapes do it: `]]>` becomes `]]\\u003e`, and each code point XML cannot hold becomes `\\uXXXX`.
    Both can only occur inside JSON strings (outside them the text is not JSON), where the escape means the
    same character: the parsed credential, and with it the signed data, is unchanged. Ordinary text is kept.
    """

    def escape(found: re.Match[str]) -> str:
        text = found.group()
        return "]]\\u003e" if text == "]]>" else _json_escape(text)

    safe = _NOT_CDATA.sub(escape, credential_json)
    return _NOT_ASCII.sub(lambda found: _json_escape(found.group()), safe) if ascii_only else safe


class _Found(Exception):
    """Raised from the parser's handlers to stop parsing once the wanted element is reached."""


def _parser() -> pyexpat.XMLParserType:
    """A namespace-aware expat parser that refuses risky entity declarations (an SVG is untrusted)."""
    parser = pyexpat.ParserCreate(namespace_separator=" ")
    parser.EntityDeclHandler = _refuse_risky_entities
    return parser


def _refuse_risky_entities(
    name: str, is_parameter: int, _value: str | None, _base: str | None, system_id: str | None, *_: object
) -> None:
    """No external or parameter entities, and no entities at all where expat cannot stop a 'billion laughs'
    expansion by itself."""
    if system_id is not None or is_parameter or not _EXPAT_LIMITS_ENTITIES:
        raise BakingError(f"the SVG declares the entity '{name}', which is not read for safety; remove it")


def _parse(parser: pyexpat.XMLParserType, svg: bytes) -> bool:
    """Run `parser` over `svg`; True when a handler stopped it at what it looked for."""
    try:
        parser.Parse(svg, True)
    except _Found:
        return True
    except pyexpat.ExpatError as exc:
        raise BakingError(f"the SVG is not well-formed XML ({exc})") from None
    return False


def _root(svg: bytes) -> tuple[int, str, dict[str, str]]:
    """(byte offset of the root's start tag, the document's encoding, namespaces declared on the root)."""
    parser = _parser()
    encoding, namespaces, at = "utf-8", {}, -1

    def declaration(_version: str | None, declared: str | None, _standalone: int) -> None:
        nonlocal encoding
        encoding = (declared or encoding).lower()

    def namespace(prefix: str | None, uri: str) -> None:
        namespaces[prefix or ""] = uri

    def start(name: str, _attributes: dict[str, str]) -> None:
        nonlocal at
        if name.rpartition(" ")[2] != "svg":
            raise BakingError("not an SVG file (its root element is not <svg>)")
        at = parser.CurrentByteIndex
        raise _Found

    parser.XmlDeclHandler, parser.StartNamespaceDeclHandler, parser.StartElementHandler = declaration, namespace, start
    if not _parse(parser, svg):
        raise BakingError("not an SVG file (no root element)")
    if svg.startswith((b"\xff\xfe", b"\xfe\xff")):  # a byte order mark: UTF-16 whatever the declaration says
        encoding = "utf-16"
    return at, encoding, namespaces


def bake_svg(svg: bytes, credential_json: str) -> bytes:
    """A copy of `svg` carrying the credential JSON in CDATA inside `<openbadges:credential>`, directly after
    the root's start tag (OB 3.0 5.3.2.1). Any JSON text can be baked (see `cdata_safe_json`); BakingError
    for an image that cannot carry it (not XML, UTF-16, a root that already binds `openbadges` elsewhere),
    and never a baked image that does not read back as exactly this credential."""
    at, encoding, namespaces = _root(svg)
    if encoding.startswith(_WIDE):
        raise BakingError(f"the SVG is encoded as {encoding.upper()}: save it as UTF-8 to bake awards into it")
    tag = _START_TAG.match(svg, at)
    if tag is None:  # pragma: no cover - the parser has just read this start tag
        raise BakingError("the SVG's root start tag cannot be read")
    bound = namespaces.get("openbadges")
    if bound is not None and bound != OB_NAMESPACE:
        raise BakingError(f"the SVG binds the prefix 'openbadges' to {bound!r}, not {OB_NAMESPACE!r}")
    declare = b"" if bound else f' xmlns:openbadges="{OB_NAMESPACE}"'.encode()
    body = cdata_safe_json(credential_json, ascii_only=encoding not in _UTF8)
    element = f"<openbadges:credential><![CDATA[{body}]]></openbadges:credential>".encode(
        "ascii" if encoding not in _UTF8 else "utf-8"
    )
    opening = svg[at : tag.end() - len(tag.group(2)) - 1]  # `<svg ...` without `>` or `/>`
    close = b"</" + tag.group(1) + b">" if tag.group(2) else b""  # a self-closing root gets a body
    baked = svg[:at] + opening + declare + b">" + element + close + svg[tag.end() :]
    # The parser ends lines with LF: compare as it reads, so only a real difference fails.
    if unbake_svg(baked) != body.replace("\r\n", "\n").replace("\r", "\n").strip(" \t\n"):
        raise BakingError("the SVG does not read back as the credential once baked (does it carry one already?)")
    return baked


def unbake_svg(svg: bytes) -> str:
    """The credential text of the first `<openbadges:credential>` element (the spec: read up to it, ignore the
    rest). Read with an XML parser, so every way XML can write the text works: one CDATA section (ours),
    several, escaped text (`&lt;`, `&#x5d;`...), or a mix. BakingError when the SVG carries none, is not XML,
    or nests elements more than `MAX_SVG_DEPTH` deep. One pass of expat over the bytes: linear in their size."""
    parser = _parser()
    depth, parts, verify = 0, [], ""  # depth: 0 before the element, then nesting inside it
    open_elements = 0  # elements open now, to stop a nesting bomb before expat's stack of them grows

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth, verify, open_elements
        open_elements += 1
        if open_elements > MAX_SVG_DEPTH:
            raise BakingError(f"not a credential: the SVG nests elements more than {MAX_SVG_DEPTH} deep")
        if depth:
            depth += 1
        elif tuple(name.rpartition(" ")[::2]) in _CREDENTIAL_NAMES:
            depth, verify = 1, attributes.get("verify", "")

    def end(_name: str) -> None:
        nonlocal depth, open_elements
        open_elements -= 1
        if depth == 1:
            raise _Found
        if depth:
            depth -= 1

    def text(data: str) -> None:
        if depth == 1:
            parts.append(data)

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    if not _parse(parser, svg):
        raise BakingError("the SVG carries no Open Badges credential (no <openbadges:credential> element)")
    return _credential_text("".join(parts), verify)


def _credential_text(text: str, verify: str) -> str:
    """The element's text without the XML whitespace around it; BakingError when there is none."""
    text = text.strip(" \t\r\n")
    if not text and verify:
        raise BakingError("the SVG carries a VC-JWT credential (a verify attribute), which cc does not read")
    if not text:
        raise BakingError("the SVG's <openbadges:credential> element is empty")
    return text
