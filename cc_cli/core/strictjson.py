"""JSON as cc reads credentials, status lists and CLRs: a key repeated within one object is refused.

JSON leaves a repeated key to the reader: Python keeps the last copy, many viewers keep the first. A signed
award with a forged `"name"` before the real one would verify here (the signature covers the last copy)
and show the forgery there, so every place cc parses a credential uses `loads` from this module.

Cost: the hook builds each object from its pairs and compares lengths: 12 µs to parse a 3 KB award against
9 µs without it. `loads_plain` (and `loads`, given bytes) takes a faster path for a text that is exactly what
orjson writes back for what it parses, as cc's own award files are: 5 µs, with the same answers
(tests/test_jsontext_properties.py).
"""

from __future__ import annotations

import json
from typing import Any

from cc_cli.core.jsontext import orjson as _orjson  # None without it: the slow path gives the same answers


class DuplicateKey(ValueError):
    """An object names the same key twice; `key` is the first key found repeated."""

    def __init__(self, key: str) -> None:
        super().__init__(f"the key {json.dumps(key, ensure_ascii=False)} appears twice in one JSON object")
        self.key = key


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """The object of `pairs`; DuplicateKey if two pairs share a key (cheap: one length check)."""
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:  # only on the refusal path: name the key
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return found


_DECODER = json.JSONDecoder(object_pairs_hook=_object)  # one decoder: json.loads(..., hook) builds one per call


def loads(text: str | bytes) -> Any:
    """`json.loads`, refusing repeated keys (DuplicateKey, a ValueError). Bytes are decoded as json.loads
    does (UTF-8, -16 or -32 by their first bytes); JSONDecodeError and UnicodeDecodeError as it raises them."""
    if type(text) is bytes and _orjson is not None:
        found = _as_orjson_writes_it(text)
        if found is not _MISS:
            return found
    if isinstance(text, bytes | bytearray):
        text = text.decode(json.detect_encoding(text), "surrogatepass")
    if text.startswith("\ufeff"):  # json.loads refuses a BOM in a str; callers strip it from bytes first
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    return _DECODER.decode(text)


def loads_plain(data: bytes) -> dict[str, Any] | None:
    """The JSON object of `data` when `data` is exactly the text orjson writes for it (indented as cc's award
    files, or compact), else None: then `loads` must decide. Never accepts a text `loads` would refuse."""
    found = _as_orjson_writes_it(data) if _orjson is not None else _MISS
    return found if isinstance(found, dict) else None


_MISS = object()
_INDENTED = (_orjson.OPT_INDENT_2 | _orjson.OPT_APPEND_NEWLINE) if _orjson is not None else 0


def _as_orjson_writes_it(data: bytes) -> Any:
    """The object of `data` when `data` is exactly what orjson writes for what it parses (cc's own award
    files, indented, and compact JSON), else `_MISS` and the slow path decides.

    Why: cc verify parses every award; orjson parses and writes one back in a third of the hook's time.
    Sound: a text repeating a key parses to an object with fewer pairs than the text holds, which cannot
    be written back to the same bytes; and a text orjson writes is plain JSON, on which json gives the same
    value (tests/test_jsontext_properties.py)."""
    if data[:1] != b"{":
        return _MISS
    try:
        parsed = _orjson.loads(data)
        if data[1:2] == b"\n":
            again = _orjson.dumps(parsed, option=_INDENTED if data[-1:] == b"\n" else _orjson.OPT_INDENT_2)
        else:
            again = _orjson.dumps(parsed)
    except (ValueError, TypeError):  # orjson.JSONDecodeError or JSONEncodeError: not its JSON
        return _MISS
    return parsed if again == data else _MISS
