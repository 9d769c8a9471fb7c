"""JSON text as cc writes it for people and programs: two-space indent, UTF-8 as is, a final newline.

`indented` is exactly `json.dumps(value, indent=2, ensure_ascii=False) + "\\n"` in UTF-8
(tests/test_jsontext_properties.py proves it on any JSON value, tests/test_fastcanon_properties.py on awards).
orjson writes it 15 to 100 times faster than json's pure-Python indenting encoder: that was a quarter of the
time of signing an award, and a tenth of a second at the end of `cc issue --format json` for 20,000 rows, when
nothing else runs.
"""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - a dependency; json writes (and reads) the same, slower
    orjson = None  # type: ignore[assignment]  # every user of orjson in cc imports it from here


def indented(value: Any, *, may_hold_floats: bool = True) -> bytes:
    """`json.dumps(value, indent=2, ensure_ascii=False) + "\\n"`, encoded as UTF-8.

    orjson writes floats in other words (1e16, not 1e+16), so a value holding a float takes json's path;
    `may_hold_floats=False` skips looking for them (the walk costs ten times orjson's writing), for values
    that cannot hold one. orjson refuses what json writes otherwise (integers past 64 bits, keys that are not
    strings, lone surrogates): those take json's path too."""
    if orjson is not None and not (may_hold_floats and _has_float(value)):
        try:
            data: bytes = orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
            return data
        except TypeError:  # orjson.JSONEncodeError: a value json writes and orjson does not
            pass
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _has_float(value: Any) -> bool:
    """Whether a float (any subclass) is anywhere in `value`'s dicts and lists."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, float):
            return True
    return False


def exact_text(value: Any) -> bytes | None:
    """orjson's compact text of `value`, a value parsed from JSON, when that text tells it from every other
    such value; else None. Two values with the same exact text are equal, with the same types (1 and 1.0 and
    true apart), the same key order and the same strings, so a verdict or a walk that depends on nothing else
    may be remembered by it.

    orjson writes NaN and the infinities as null, so a text holding `null` anywhere is no key; nor is a value
    orjson refuses (an integer past 64 bits, a lone surrogate). Not for other Python values: a tuple and a
    list, or a datetime and its ISO string, have the same text."""
    if orjson is None:
        return None
    try:
        text: bytes = orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError
        return None
    return None if b"null" in text else text
