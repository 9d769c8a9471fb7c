"""The formats of catalog values as data: ids, dates, URLs, emails, did:key, language tags, and their names.

Shared by the shape walker (`cc_cli.validate.shape`), the shape rules and the JSON Schema export, so that
the editor, `cc validate` and the roster checks agree on what a well-formed value is.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # an annotation only: `cc verify` checks a did:key without the catalog's field tables
    from cc_cli.catalog.fields import Field

Where = tuple[str | int, ...]


KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


URL = re.compile(r'https?://[A-Za-z0-9.-]+(?::\d+)?(?:[/?#][^\s<>"]*)?\Z')


EMAIL = re.compile(r'[^@\s<>"]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\Z')


# A shared ledger: a PostgreSQL URL, and whether it carries a password (user:password@, or ?password=).
LEDGER_URL = re.compile(r"postgres(?:ql)?://[^\s]+\Z", re.IGNORECASE)
LEDGER_PASSWORD = re.compile(r"\A[^:/]+://[^/@:?#]*:[^/@?#]*@|[?&]password=", re.IGNORECASE)


# Control characters (but tab and line breaks): terminal escapes and NULs that would reach the site, the
# awards and `cc paths` output from a pasted title.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# A UUID in its canonical 8-4-4-4-12 hexadecimal form, as Credly writes its badge template ids (any case).
UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\Z")


# An Ed25519 did:key: multibase base58btc of the 0xed01 multicodec prefix and 32 bytes is z6Mk + 44 characters.
DID_KEY = re.compile(r"did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44}\Z")


KIND_WORDS = {
    "text": "text",
    "code": "text",
    "bool": "true or false",
    "number": "a number",
    "date": "a date (YYYY-MM-DD)",
    "duration": "an ISO 8601 duration (P8H, P6W, P3Y)",
    "url": "a URL (https://...)",
    "email": "an email address",
    "did": "an Ed25519 did:key (as `cc keys show` prints it)",
    "ledger": "a PostgreSQL URL (postgresql://user@host:port/dbname)",
    "lang": "a BCP 47 language tag (en, fr, pt-BR, zh-Hant)",
    "uuid": "a UUID (8-4-4-4-12 hexadecimal digits)",
    "id": "a kebab-case id",
    "ref": "an id",
    "enum": "one of the allowed words",
    "list": "a list",
    "object": "a mapping of fields",
    "map": "a mapping",
}


def type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def has_type(value: Any, spec: Field) -> bool:
    """Whether `value` has the Python type that `spec.kind` wants (formats are checked separately)."""
    kind = spec.kind
    if kind == "list":
        return isinstance(value, list)
    if kind in ("object", "map"):
        return isinstance(value, dict)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "code":
        return isinstance(value, str | int) and not isinstance(value, bool)
    return isinstance(value, str)


def format_ok(value: Any, kind: str) -> bool:
    """Whether a text value is a well-formed date, duration, URL or email (other kinds always pass)."""
    if kind == "date":
        from cc_cli.catalog.yamlload import parse_date

        return bool(DATE.match(value)) and parse_date(value) is not None
    if kind == "duration":
        from cc_cli.core.durations import parts

        return parts(value) is not None
    if kind == "url":
        return bool(URL.match(value))
    if kind == "email":
        return bool(EMAIL.match(value))
    if kind == "did":
        return bool(DID_KEY.match(value))
    if kind == "ledger":
        return bool(LEDGER_URL.match(value))
    if kind == "lang":
        from cc_cli.catalog.texts import LANGUAGE_TAG

        return bool(LANGUAGE_TAG.match(value))
    return True
