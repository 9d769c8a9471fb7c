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
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeAlias

from cc_cli.core.jsontext import exact_text  # None without orjson: json's text keys the memo alone
from cc_cli.verify.verdicts import FAIL, OK, SKIP, Verdict

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "data" / "schema"
SCHEMA_FILE = SCHEMA_DIR / "ob_v3p0_achievementcredential.json"
ENDORSEMENT_SCHEMA_FILE = SCHEMA_DIR / "ob_v3p0_endorsementcredential.json"
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC_V1_DATES = (("issuanceDate", "validFrom"), ("expirationDate", "validUntil"))
SchemaError: TypeAlias = tuple[tuple[str, ...], str]  # (path in the document, message)
SchemaCheck: TypeAlias = Callable[[Any], SchemaError | None]  # a compiled (sub)schema, applied to a JSON value
Build: TypeAlias = Callable[[Any], SchemaCheck]  # compiles a subschema
Ref: TypeAlias = Callable[[str], SchemaCheck]  # the compiled target of a `$ref` pointer
_IGNORED = frozenset({"$schema", "$id", "$defs", "$comment", "title", "description", "format", "examples", "default"})
_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda x: isinstance(x, str),
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "boolean": lambda x: isinstance(x, bool),
    "null": lambda x: x is None,
    "number": lambda x: isinstance(x, int | float) and not isinstance(x, bool),
    "integer": lambda x: (isinstance(x, int) and not isinstance(x, bool)) or (isinstance(x, float) and x.is_integer()),
}
_compiled_schemas: dict[Path, tuple[SchemaCheck | None, dict[str, Any]]] = {}  # per process
_jsonschema_validators: dict[Path, Any] = {}  # per process, built when a document first needs its words
# the objects every award of a credential repeats: its achievement, and the issuer (here or as a creator)
MEMOISED = frozenset({"#/$defs/Achievement", "#/$defs/ProfileRef"})


class UnsupportedSchema(ValueError):
    """The schema uses something `compile_schema` does not implement; jsonschema alone judges then."""


def compile_schema(root: dict[str, Any], memoised: frozenset[str] = frozenset()) -> SchemaCheck:
    """A fast checker for draft-07 / 2019-09 schemas made of the keywords the 1EdTech schemas use.

    Why: jsonschema spends ~400 us per award (most of `cc verify`'s time); these closures take a tenth of
    that. Any keyword outside the implemented set raises `UnsupportedSchema` (formats are annotations, as
    jsonschema treats them by default). A "valid" verdict is final; an "invalid" one is re-judged by
    jsonschema when installed, for its messages. tests/test_verify.py checks both agree on mutated awards.

    `memoised`: `$ref` pointers whose verdict is remembered per value, keyed by the value's JSON text (see
    `_memo`); only for values parsed from JSON.
    """
    if not any(draft in str(root.get("$schema", "")) for draft in ("draft-07", "draft/2019-09")):
        raise UnsupportedSchema(f"$schema {root.get('$schema')!r}")
    refs: dict[str, SchemaCheck] = {}

    def ref(pointer: str) -> SchemaCheck:
        if pointer not in refs:
            if not pointer.startswith("#/"):
                raise UnsupportedSchema(f"$ref {pointer}")
            target: Any = root
            for part in pointer[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            slot: list[SchemaCheck] = []
            refs[pointer] = lambda x: slot[0](x)  # set before building: references may be recursive
            slot.append(_memo(build(target)) if pointer in memoised else build(target))
        return refs[pointer]

    def build(schema: Any) -> SchemaCheck:
        if isinstance(schema, bool):
            return (lambda x: None) if schema else (lambda x: ((), "no value is allowed here"))
        if not isinstance(schema, dict):
            raise UnsupportedSchema(repr(schema)[:60])
        try:
            tests = [_KEYWORDS[k](v, schema, build, ref) for k, v in schema.items() if k not in _IGNORED]
        except KeyError as exc:
            raise UnsupportedSchema(f"keyword {exc}") from None
        if len(tests) == 1:
            return tests[0]

        def check(x: Any) -> SchemaError | None:
            for test in tests:
                error = test(x)
                if error is not None:
                    return error
            return None

        return check

    return build(root)


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


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kw_type(value: Any, schema: dict[str, Any], build: Build, ref: Ref) -> SchemaCheck:
    names = value if isinstance(value, list) else [value]
    tests = [_TYPES[name] for name in names]
    if len(tests) == 1:
        single = tests[0]
        return lambda x: None if single(x) else ((), f"{_short(x)} is not of type {names[0]}")
    return lambda x: None if any(t(x) for t in tests) else ((), f"{_short(x)} is not of type {', '.join(names)}")


def _kw_enum(value: Any, schema: dict[str, Any], build: Build, ref: Ref) -> SchemaCheck:
    allowed = value if isinstance(value, list) else [value]  # `const` too
    if not all(isinstance(v, str) for v in allowed):
        raise UnsupportedSchema("non-string enum")  # jsonschema's equality rules for numbers and booleans
    options = frozenset(allowed)
    return lambda x: (
        None if isinstance(x, str) and x in options else ((), f"{_short(x)} is not one of {sorted(options)[:4]}")
    )


def _kw_properties(value: Any, schema: dict[str, Any], build: Build, ref: Ref) -> SchemaCheck:
    checks = [(name, build(sub)) for name, sub in value.items()]

    def test(x: Any) -> SchemaError | None:
        if isinstance(x, dict):
            for name, check in checks:
                if name in x and (error := check(x[name])) is not None:
                    return ((name, *error[0]), error[1])
        return None

    return test


def _kw_additional_properties(value: Any, schema: dict[str, Any], build: Build, ref: Ref) -> SchemaCheck:
    if "patternProperties" in schema:
        raise UnsupportedSchema("patternProperties")
    known, check = frozenset(schema.get("properties", {})), build(value)

    def test(x: Any) -> SchemaError | None:
        if isinstance(x, dict):
            for name, item in x.items():
                if name not in known and (error := check(item)) is not None:
                    return ((name, *error[0]), error[1] if value is not False else f"additional property {name!r}")
        return None

    return test


def _kw_items(value: Any, schema: dict[str, Any], build: Build, ref: Ref) -> SchemaCheck:
    if isinstance(value, list):  # tuple form: `additionalItems` covers the rest
        checks = [build(sub) for sub in value]
        return lambda x: _each(zip(x, checks, strict=False), 0) if isinstance(x, list) else None
    check = build(value)
    return lambda x: _each(((item, check) for item in x), 0) if isinstance(x, list) else None


def _kw_additional_items(value: Any, schema: dict[str, Any], build: Build, ref: Ref) -> SchemaCheck:
    if not isinstance(schema.get("items"), list):
        return lambda x: None  # without tuple-form `items`, `additionalItems` does nothing
    start, check = len(schema["items"]), build(value)
    return lambda x: _each(((item, check) for item in x[start:]), start) if isinstance(x, list) else None


def _each(pairs: Iterable[tuple[Any, SchemaCheck]], start: int) -> SchemaError | None:
    for index, (item, check) in enumerate(pairs, start):
        if (error := check(item)) is not None:
            return ((str(index), *error[0]), error[1])
    return None


def _kw_min_items(value: Any, schema: dict[str, Any], build: Build, ref: Ref) -> SchemaCheck:
    return lambda x: ((), f"fewer than {value} items") if isinstance(x, list) and len(x) < value else None


def _kw_contains(value: Any, schema: dict[str, Any], build: Build, ref: Ref) -> SchemaCheck:
    check = build(value)
    return lambda x: ((), "no item matches `contains`") if isinstance(x, list) and all(check(i) for i in x) else None


def _kw_pattern(value: Any, schema: dict[str, Any], build: Build, ref: Ref) -> SchemaCheck:
    regex = re.compile(value)  # jsonschema also uses Python's re.search
    return lambda x: (
        ((), f"{_short(x)} does not match {value!r}") if isinstance(x, str) and not regex.search(x) else None
    )


def _kw_required(value: Any, schema: dict[str, Any], build: Build, ref: Ref) -> SchemaCheck:
    def test(x: Any) -> SchemaError | None:
        if isinstance(x, dict):
            for name in value:
                if name not in x:
                    return ((), f"{name!r} is a required property")
        return None

    return test


def _kw_of(value: Any, schema: dict[str, Any], build: Build, ref: Ref, *, need: str) -> SchemaCheck:
    checks = [build(sub) for sub in value]

    def test(x: Any) -> SchemaError | None:
        passed = sum(1 for check in checks if check(x) is None)
        ok = passed == len(checks) if need == "all" else passed >= 1 if need == "any" else passed == 1
        return None if ok else ((), f"{_short(x)} matches {passed} of the {need}Of schemas")

    return test


_KEYWORDS: dict[str, Callable[..., SchemaCheck]] = {
    "type": _kw_type,
    "enum": _kw_enum,
    "const": _kw_enum,
    "properties": _kw_properties,
    "required": _kw_required,
    "additionalProperties": _kw_additional_properties,
    "items": _kw_items,
    "additionalItems": _kw_additional_items,
    "minItems": _kw_min_items,
    "contains": _kw_contains,
    "pattern": _kw_pattern,
    "allOf": lambda v, s, b, r: _kw_of(v, s, b, r, need="all"),
    "anyOf": lambda v, s, b, r: _kw_of(v, s, b, r, need="any"),
    "oneOf": lambda v, s, b, r: _kw_of(v, s, b, r, need="one"),
    "$ref": lambda v, s, b, r: r(v),
}


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
