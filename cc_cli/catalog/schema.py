"""JSON Schema (draft 2020-12) of credential and path files, generated from `cc_cli.catalog.fields`.

Editors use it through yaml-language-server to complete and check fields while typing. It checks shape
only; the framework's cross-file rules need `cc validate`.
"""

from __future__ import annotations

import re
from typing import Any

from cc_cli.catalog import fields
from cc_cli.catalog.fields import Field
from cc_cli.catalog.formats import DID_KEY, EMAIL, KEBAB, LEDGER_URL, URL, UUID
from cc_cli.catalog.texts import LANGUAGE_TAG
from cc_cli.core.durations import _PARTS

DRAFT = "https://json-schema.org/draft/2020-12/schema"
KINDS = {"credential": fields.CREDENTIAL, "path": fields.PATH, "catalog": fields.CATALOG}
TITLES = {
    "credential": "Connected Credentials: credential file (credentials/<id>.yaml)",
    "path": "Connected Credentials: learning path file (paths/<id>.yaml)",
    "catalog": "Connected Credentials: catalog.yaml",
}


def _pattern(regex: Any) -> str:
    # Python's \Z and named groups are not JSON Schema (ECMA 262) syntax.
    return "^" + re.sub(r"\(\?P<\w+>", "(?:", regex.pattern).replace(r"\Z", "$")


def field_schema(spec: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"description": spec.description} if spec.description else {}
    kind = spec.kind
    if kind == "object":
        out["type"] = "object"
        if spec.fields:
            out.update(object_schema(spec.fields))
        if spec.exactly_one:
            out["oneOf"] = [{"required": [name]} for name in spec.exactly_one]
    elif kind == "map":
        out["type"] = "object"
        if spec.keys is not None:
            out["propertyNames"] = {k: v for k, v in field_schema(spec.keys).items() if k != "type"}
        if spec.items is not None:
            out["additionalProperties"] = field_schema(spec.items)
    elif kind == "list":
        out["type"] = "array"
        if spec.items is not None:
            out["items"] = field_schema(spec.items)
        if spec.min_items:
            out["minItems"] = spec.min_items
    elif kind == "enum":
        out["enum"] = list(spec.choices)
    elif kind == "bool":
        out["type"] = "boolean"
    elif kind == "number":
        out["type"] = "number"
    elif kind == "code":
        out["type"] = ["string", "integer"]
    else:
        out["type"] = "string"
        patterns = {
            "id": KEBAB,
            "ref": KEBAB,
            "url": URL,
            "email": EMAIL,
            "duration": _PARTS,
            "did": DID_KEY,
            "ledger": LEDGER_URL,
            "uuid": UUID,
        }
        pattern = {**patterns, "lang": LANGUAGE_TAG}.get(kind)
        if pattern is not None:
            out["pattern"] = _pattern(pattern)
        if kind == "date":
            out["pattern"] = r"^\d{4}-\d{2}-\d{2}$"
            out["format"] = "date"
    return out


def object_schema(declared: dict[str, Field]) -> dict[str, Any]:
    return {
        "properties": {name: field_schema(spec) for name, spec in declared.items()},
        "required": [name for name, spec in declared.items() if spec.required],
        "additionalProperties": False,
    }


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema for one file kind: credential, path or catalog."""
    return {
        "$schema": DRAFT,
        "$id": f"https://cc.example.com/schema/{kind}.schema.json",
        "title": TITLES[kind],
        "type": "object",
        **object_schema(KINDS[kind]),
    }
