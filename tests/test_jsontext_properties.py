"""Property-based proof (hypothesis) that cc's fast JSON paths give the json module's answers (issue 19).

- `jsontext.indented` writes `json.dumps(value, indent=2, ensure_ascii=False) + "\\n"` byte for byte, for any
  JSON value: floats, integers past 64 bits, any Unicode in keys and strings.
- `strictjson.loads` returns what `json.loads` returns, and refuses a repeated key exactly when the slow
  path does, whether the text is one orjson writes (its fast path) or any other.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cc_cli.core import jsontext, strictjson

any_char = st.characters(exclude_categories=("Cs",))
text = st.one_of(st.text(any_char, max_size=12), st.sampled_from(['"', "\\", "\u2028", "\x7f", "é漢🎓", ""]))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    text,
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(text, inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(value=values)
def test_indented_equals_json_dumps(value: Any):
    assert jsontext.indented(value) == (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if not jsontext._has_float(value):
        assert jsontext.indented(value, may_hold_floats=False) == jsontext.indented(value)


def slow_loads(data: bytes) -> Any:
    """strictjson's own path, without the fast one."""
    return strictjson._DECODER.decode(data.decode("utf-8"))


def outcome(load: Any, data: bytes) -> tuple[str, Any]:
    try:
        return "value", load(data)
    except strictjson.DuplicateKey as exc:
        return "duplicate", exc.key
    except ValueError as exc:  # JSONDecodeError, or an integer over the digit limit
        return "error", type(exc).__name__


def with_repeated_key(document: dict[str, Any], key: str, value: Any) -> bytes:
    """The document's indented text with `key` written twice in the top object (the first copy forged)."""
    body = jsontext.indented({key: value, **document}).decode("utf-8")
    forged = f"  {json.dumps(key, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False)},\n"
    return (body[:2] + forged + body[2:]).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(document=st.dictionaries(text, values, max_size=5), key=text, value=values)
def test_strict_loads_fast_path_equals_the_slow_one(document: dict[str, Any], key: str, value: Any):
    for data in (
        jsontext.indented(document),  # what cc writes: the fast path
        json.dumps(document, ensure_ascii=False).encode("utf-8"),  # compact, as other issuers write
        json.dumps(document, indent=4).encode("utf-8"),  # any other layout: the slow path
        with_repeated_key(document, key, value),  # a forged first copy of a key
    ):
        found = outcome(strictjson.loads, data)
        assert found == outcome(slow_loads, data)
        if found[0] == "value":
            assert found[1] == json.loads(data)
            assert json.dumps(found[1]) == json.dumps(json.loads(data))  # the same types (1.0 is no 1)


@pytest.mark.parametrize(
    "data",
    [
        b'{\n  "name": "forged",\n  "name": "real"\n}\n',
        b'{"a":{"b":1,"b":1}}',
        b'{\n  "a": [\n    {\n      "x": 1,\n      "x": 1\n    }\n  ]\n}\n',
    ],
)
def test_a_repeated_key_is_refused_on_every_path(data: bytes):
    with pytest.raises(strictjson.DuplicateKey):
        strictjson.loads(data)


@settings(max_examples=200, deadline=None)
@given(document=st.dictionaries(text, values, max_size=5), key=text, value=values)
def test_loads_plain_never_accepts_what_loads_refuses(document: dict[str, Any], key: str, value: Any):
    for data in (jsontext.indented(document), with_repeated_key(document, key, value)):
        plain = strictjson.loads_plain(data)
        if plain is not None:
            assert outcome(strictjson.loads, data) == ("value", plain)
