"""JSON as cc reads credentials, status lists and CLRs: a key repeated within one object is refused.

JSON leaves a repeated key to the reader: Python keeps the last copy, many viewers keep the first. A signed
award with a forged `"name"` before the real one would verify here (the signature covers the last copy)
and show the forgery there, so every place cc parses a credential uses `loads` from this module.

Cost: the hook builds each object from its pairs and compares lengths: 23-27 µs to parse a 3 KB award
against 17 µs without it (the 2,000 files of bench/verify.py), about 1% of the 0.7 ms verifying one takes;
`cc verify` of those files used the same CPU time before and after, within the noise.
"""

from __future__ import annotations

import json
from typing import Any


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
    if isinstance(text, bytes | bytearray):
        text = text.decode(json.detect_encoding(text), "surrogatepass")
    if text.startswith("\ufeff"):  # json.loads refuses a BOM in a str; callers strip it from bytes first
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    return _DECODER.decode(text)
