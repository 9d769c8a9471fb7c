"""A CLR 2.0 transcript's structure against cc's ClrCredential JSON Schema (written from the CLR 2.0 spec;
1EdTech publishes none beside the standard), which reuses the OB 3.0 schema's definitions."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from cc_cli.verify.schema import SCHEMA_FILE as OB_SCHEMA_FILE
from cc_cli.verify.schema import normalised

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "data" / "schema" / "clr_v2p0_clrcredential.json"


@cache
def _schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8")), json.loads(OB_SCHEMA_FILE.read_text(encoding="utf-8"))


def schema_errors(document: Any) -> list[str]:
    """Problems of `document` against the bundled ClrCredential JSON Schema (which reuses the OB 3.0
    schema's definitions), as 'path: message' lines; empty when it is valid."""
    from jsonschema import Draft201909Validator
    from referencing import Registry, Resource

    clr_schema, ob_schema = _schemas()
    registry: Registry[Any] = Registry().with_resources(
        [(ob_schema["$id"], Resource.from_contents(ob_schema)), (clr_schema["$id"], Resource.from_contents(clr_schema))]
    )
    validator = Draft201909Validator(clr_schema, registry=registry)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    ]


def normalised_errors(document: Any) -> tuple[list[str], bool]:
    """`schema_errors` of `document` as it is, else of its normal form (a single value where the schema says
    array, such as an award inside whose lone `proof` is an object, as Digital Bazaar writes it, read as a
    one-item list; see verify/schema.py): (the problems, whether the normal form was needed)."""
    errors = schema_errors(document)
    if not errors:
        return errors, False
    again = schema_errors(normalised(document, _schemas()[0]))
    return (again, True) if not again else (errors, False)
