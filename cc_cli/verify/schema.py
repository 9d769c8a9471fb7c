"""The award's structure against the bundled 1EdTech OB 3.0 AchievementCredential (or EndorsementCredential)
JSON Schema, fast.

jsonschema alone costs about 400 µs per award, most of `cc verify`'s time; `compile_schema` turns the
keywords the 1EdTech schema uses into closures about ten times faster. jsonschema still words the findings
whenever the fast check says "invalid", and tests prove both give the same verdict on mutated awards.

The schema is applied the way the specification means it (`normalised`): JSON-LD and VC DM 2.0 allow a single
value where the 1EdTech schema lists an array (`proof` as one object), and VC DM 1.1 credentials say
`issuanceDate`/`expirationDate` for `validFrom`/`validUntil`. A document that fails as it is, is checked again
in that normal form (cc's own awards pass at once, so they never pay for it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cc_cli.core.jsontext import exact_text  # None without orjson: json's text keys the memo alone
from cc_cli.verify.schemacode import SchemaCheck, SchemaError, UnsupportedSchema, compile_source
from cc_cli.verify.verdicts import FAIL, OK, SKIP, Verdict

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "data" / "schema"
SCHEMA_FILE = SCHEMA_DIR / "ob_v3p0_achievementcredential.json"
ENDORSEMENT_SCHEMA_FILE = SCHEMA_DIR / "ob_v3p0_endorsementcredential.json"
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC_V1_DATES = (("issuanceDate", "validFrom"), ("expirationDate", "validUntil"))
_compiled_schemas: dict[Path, tuple[SchemaCheck | None, dict[str, Any]]] = {}  # per process
_jsonschema_validators: dict[Path, Any] = {}  # per process, built when a document first needs its words
# the objects every award of a credential repeats: its achievement, and the issuer (here or as a creator)
MEMOISED = frozenset({"#/$defs/Achievement", "#/$defs/ProfileRef"})


def compile_schema(root: dict[str, Any], memoised: frozenset[str] = frozenset()) -> SchemaCheck:
    """A fast checker for draft-07 / 2019-09 schemas made of the keywords the 1EdTech schemas use.

    Why: jsonschema spends ~400 us per award (most of `cc verify`'s time); the compiled check (Python source
    written once per process, cc_cli/verify/schemacode.py) takes a thirtieth of that. Any keyword outside the
    implemented set raises `UnsupportedSchema` (formats are annotations, as jsonschema treats them by
    default). A "valid" verdict is final; an "invalid" one is re-judged by jsonschema when installed, for its
    messages. tests/test_verify.py checks both agree on mutated awards.

    `memoised`: `$ref` pointers whose verdict is remembered per value, keyed by the value's JSON text (see
    `_memo`); only for values parsed from JSON.
    """
    if not any(draft in str(root.get("$schema", "")) for draft in ("draft-07", "draft/2019-09")):
        raise UnsupportedSchema(f"$schema {root.get('$schema')!r}")
    return compile_source(root, memoised, _memo)


MEMO_SIZE = 512  # distinct sub-objects remembered per `$ref`: the achievements and issuers of a catalog


def _memo(check: SchemaCheck) -> SchemaCheck:
    """`check`, remembering its verdict on each object by the object's exact JSON text.

    Why: the achievement and issuer objects repeat, byte for byte, in every award of a credential, and
    checking them is most of the schema's time; writing one's JSON text (in C) costs a fifth of checking it.
    Sound for values parsed from JSON (dict, list, str, int, float, bool, None): on those json.dumps is one
    to one (key order kept, 1 and 1.0 and true apart), so a verdict is only reused for the same value, and
    the compiled checks depend on nothing else. An altered copy is another text, so it is checked afresh.

    The text is orjson's when that is one to one too (a third of the time): orjson writes NaN and infinities
    as null, so a text holding `null` anywhere, or a value orjson refuses (an integer past 64 bits), takes
    json's text instead, and the two kinds of key cannot meet (bytes and str).
    """
    verdicts: dict[str | bytes, SchemaError | None] = {}
    dumps = json.JSONEncoder(check_circular=False, allow_nan=True).encode

    def key_of(x: Any) -> str | bytes:
        text = exact_text(x)
        return text if text is not None else dumps(x)

    def test(x: Any) -> SchemaError | None:
        if type(x) is not dict:
            return check(x)
        key = key_of(x)
        try:
            return verdicts[key]
        except KeyError:
            pass
        verdict = verdicts[key] = check(x)
        if len(verdicts) > MEMO_SIZE:
            verdicts.pop(next(iter(verdicts)))  # the oldest: a run meets a few hundred credentials at most
        return verdict

    return test


def _compiled(file: Path) -> tuple[SchemaCheck | None, dict[str, Any]]:
    """(compiled checker or None, the schema), built once per process. jsonschema is not imported here: a run
    whose awards all pass never needs it (30 ms of start-up, before cc verify's workers can start)."""
    if file not in _compiled_schemas:
        schema = json.loads(file.read_text(encoding="utf-8"))
        try:
            fast: SchemaCheck | None = compile_schema(schema, MEMOISED)
        except UnsupportedSchema:
            fast = None
        _compiled_schemas[file] = (fast, schema)
    return _compiled_schemas[file]


def _jsonschema_validator(file: Path) -> Any:
    """jsonschema's validator of the schema (for its findings' words), or None when it is not installed."""
    if file not in _jsonschema_validators:
        try:
            from jsonschema import validators
        except ImportError:
            _jsonschema_validators[file] = None
        else:
            schema = _compiled(file)[1]
            _jsonschema_validators[file] = validators.validator_for(schema)(schema)
    return _jsonschema_validators[file]


def normalised(document: Any, schema: dict[str, Any]) -> Any:
    """`document` in the form the 1EdTech schema is written for: a single value wrapped in a list wherever
    the schema says array (JSON-LD treats one value and a one-element list alike), and, for a VC DM 1.1
    credential, its issuanceDate/expirationDate under the VC DM 2.0 names the schema requires."""
    if isinstance(document, dict) and VC_V1_CONTEXT in _as_list(document.get("@context"))[:1]:
        # The schema is OB 3.0.3's, on VC 2.0; a 3.0.x credential on VC 1.1 is checked as its 2.0 twin
        document = {**document, "@context": [VC_V2_CONTEXT, *_as_list(document["@context"])[1:]]}
        for old, new in VC_V1_DATES:
            if old in document and new not in document:
                document[new] = document.pop(old)
    return _wrap(document, schema, schema, 0)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _wrap(value: Any, schema: Any, root: dict[str, Any], depth: int) -> Any:
    """One step of `normalised`: follows $ref, allOf, properties and items, and of anyOf/oneOf the
    alternatives that describe an object when the value is one (an issuer: a URL or a Profile)."""
    if not isinstance(schema, dict) or depth > 64:
        return value
    if "$ref" in schema:
        value = _wrap(value, _resolve(schema, root), root, depth + 1)
    for sub in schema.get("allOf", []):
        value = _wrap(value, sub, root, depth + 1)
    if isinstance(value, dict):
        for sub in [*schema.get("anyOf", []), *schema.get("oneOf", [])]:
            if _resolve(sub, root).get("type") == "object":
                value = _wrap(value, sub, root, depth + 1)
    if schema.get("type") == "array" and not isinstance(value, list):
        value = [value]
    properties = schema.get("properties")
    if isinstance(value, dict) and isinstance(properties, dict):
        value = {k: _wrap(v, properties[k], root, depth + 1) if k in properties else v for k, v in value.items()}
    items = schema.get("items")
    if isinstance(value, list) and isinstance(items, dict):
        value = [_wrap(item, items, root, depth + 1) for item in value]
    return value


def _resolve(schema: Any, root: dict[str, Any]) -> dict[str, Any]:
    """The target of `schema`'s local $ref (`schema` itself when it has none); {} when it cannot be found."""
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    if not isinstance(ref, str):
        return schema if isinstance(schema, dict) else {}
    target: Any = root
    for part in ref[2:].split("/") if ref.startswith("#/") else [None]:
        target = target.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(target, dict) and part else {}
    return target if isinstance(target, dict) else {}


def schema_check(document: dict[str, Any]) -> Verdict:
    """The 1EdTech schema of the document's kind: as it is (fast), else in its `normalised` form.
    `document` must be parsed JSON (the fast check remembers verdicts by JSON text, see `_memo`)."""
    endorsement = "EndorsementCredential" in _as_list(document.get("type"))
    file = ENDORSEMENT_SCHEMA_FILE if endorsement else SCHEMA_FILE
    name = "EndorsementCredential" if endorsement else "AchievementCredential"
    fast, schema = _compiled(file)
    if fast is not None and fast(document) is None:
        return OK, f"matches the 1EdTech OB 3.0 {name} JSON Schema"
    status, reason = _judge(normalised(document, schema), fast, lambda: _jsonschema_validator(file))
    if status == OK:
        return (
            OK,
            f"matches the 1EdTech OB 3.0 {name} JSON Schema (normalised: single values as one-item arrays, VC 1.1 date names)",
        )
    return status, reason


def _judge(document: Any, fast: SchemaCheck | None, jsonschema_validator: Callable[[], Any]) -> Verdict:
    """The verdict on `document`: the compiled check's when it passes; else jsonschema's, for its words (asked
    for only then: a normalised document that passes never loads it)."""
    error = fast(document) if fast is not None else None
    if fast is not None and error is None:
        return OK, ""
    slow = jsonschema_validator()
    if slow is None:
        if error is None:
            return SKIP, "the jsonschema package is not installed"
        return FAIL, f"{'/'.join(error[0]) or '(top level)'}: {error[1]}"
    errors = list(slow.iter_errors(document))
    if not errors:
        return OK, ""
    from jsonschema.exceptions import best_match

    best = best_match(errors)
    where = "/".join(str(part) for part in best.absolute_path) or "(top level)"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return FAIL, f"{where}: {best.message}{more}"
