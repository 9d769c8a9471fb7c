"""The schema check remembers the verdict on an award's achievement and issuer by their JSON text
(cc_cli/verify/schema.py `_memo`): it must give exactly the verdict (and finding) of a fresh check, for the
objects it has seen and for every altered copy of them, in any order, with the memo warm."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from cc_cli.credentials import ob3, signing
from cc_cli.validate.load import load_catalog
from cc_cli.verify import schema as fastschema
from tests.conftest import SAMPLE_CATALOG

SCHEMA = json.loads(fastschema.SCHEMA_FILE.read_text())
PLAIN = fastschema.compile_schema(SCHEMA)
MEMO = fastschema.compile_schema(SCHEMA, fastschema.MEMOISED)  # one instance for every example: kept warm
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-2, 2) | st.sampled_from(["", "x", "Badge"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["id", "type", "name", "x"]), inner),
    max_leaves=6,
)


@lru_cache(maxsize=1)
def awards() -> list[dict[str, Any]]:
    """Signed awards of a few credentials, as `cc issue` writes them, parsed back from their JSON."""
    catalog = load_catalog(SAMPLE_CATALOG).catalog
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    found = []
    for n, credential in enumerate(sorted(catalog.credentials.values(), key=lambda c: c.id)[:4]):
        document = ob3.build_award(
            award_id=f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
            credential=credential,
            info=catalog.info,
            did=signing.did_key(key.public_key()),
            email=f"learner{n}@example.com",
            name=f"Learner {n}",
            salt=f"{n:032x}",
            issued_at="2026-03-01T00:00:00Z",
            awarded_at="2026-03-01T00:00:00Z",
            valid_until="2029-03-01T00:00:00Z",
            status_index=n,
            evidence_url=None,
            evidence_narrative=None,
        )
        signed = signing.sign(document, key, signing.verification_method_id(key.public_key()), "2026-03-01T00:00:00Z")
        found.append(json.loads(ob3.dumps(signed)))
    return found


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every node under `value` (itself included)."""
    found = [path]
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, item in items:
        found.extend(_nodes(item, (*path, key)))
    return found


def _altered(data: st.DataObject, document: dict[str, Any]) -> dict[str, Any]:
    """A copy with one node under the achievement or the issuer replaced, removed, or left as it is."""
    changed = copy.deepcopy(document)
    where = data.draw(st.sampled_from([("credentialSubject", "achievement"), ("issuer",)]))
    parent: Any = changed
    for step in where[:-1]:
        parent = parent[step]
    path = data.draw(st.sampled_from(_nodes(parent[where[-1]], (where[-1],))))
    for step in path[:-1]:
        parent = parent[step]
    action = data.draw(st.sampled_from(["replace", "remove", "keep"]))
    if action == "replace":
        parent[path[-1]] = data.draw(JSON_VALUES)
    elif action == "remove" and isinstance(parent, dict):
        del parent[path[-1]]
    return json.loads(json.dumps(changed))  # as cc verify meets it: parsed from JSON


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_memoised_verdict_equals_a_fresh_check(data: st.DataObject) -> None:
    documents = awards()
    for _ in range(3):
        document = data.draw(st.sampled_from(documents))
        for candidate in (_altered(data, document), document):  # the original again, after its altered copy
            assert MEMO(candidate) == PLAIN(candidate)


def test_alike_values_are_told_apart() -> None:
    """1, 1.0 and true print alike in Python but not in JSON: each gets its own verdict."""
    document = awards()[0]
    seen = []
    for value in ("Badge", 1, 1.0, True, None, ["Badge"], {"x": "Badge"}, "Badge"):
        changed = copy.deepcopy(document)
        changed["credentialSubject"]["achievement"]["achievementType"] = value
        seen.append(MEMO(changed))
        assert seen[-1] == PLAIN(changed)
    assert seen[0] is None and seen[-1] is None and all(v is not None for v in seen[1:-1])
    tampered = copy.deepcopy(document)
    tampered["issuer"]["url"] = 7
    assert MEMO(document) is None and MEMO(tampered) == PLAIN(tampered) is not None


def test_nan_and_null_are_told_apart():
    """orjson writes NaN (which json reads from `NaN`) as null: a memo keyed by that text alone would give the
    null copy's finding to the NaN one. Each must get its own fresh check's finding, in either order."""
    base = awards()[0]
    copies = []
    for value in (None, float("nan"), float("inf"), None):
        altered = copy.deepcopy(base)
        altered["credentialSubject"]["achievement"]["name"] = value
        copies.append(altered)
    for document in copies + copies[::-1]:
        assert MEMO(document) == PLAIN(document)
    assert MEMO(copies[0]) != MEMO(copies[1])  # the findings name the value: None against nan
