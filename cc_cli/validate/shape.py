"""Shape checking: one pass over a file's data against its field declarations (`cc_cli.catalog.fields`).

The pass calls the small rule functions of `cc_cli.rules.shape_rules` at each mapping and value, and
returns a cleaned copy of the data in which every value with a wrong type or format is dropped, so that
the model built from it is always well-typed and later rules never trip over a bad file.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from typing import Any

from cc_cli.catalog.fields import Field
from cc_cli.core.durations import is_zero, too_long
from cc_cli.rules.registry import Hit

Where = tuple[str | int, ...]

KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
URL = re.compile(r'https?://[A-Za-z0-9.-]+(?::\d+)?(?:[/?#][^\s<>"]*)?\Z')
EMAIL = re.compile(r'[^@\s<>"]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\Z')
# Control characters (but tab and line breaks): terminal escapes and NULs that would reach the site, the
# awards and `cc paths` output from a pasted title.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
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
    "id": "a kebab-case id",
    "ref": "an id",
    "enum": "one of the allowed words",
    "list": "a list",
    "object": "a mapping of fields",
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
    if kind == "object":
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
    return True


def suggest(word: str, candidates: Iterable[str]) -> str:
    """' (did you mean "x"?)' for the closest candidate, or ''."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


Check = Callable[..., Iterable[Hit]]
_FORMATTED = frozenset(("date", "duration", "url", "email", "did"))


def plainly_valid(value: Any, spec: Field) -> bool:
    """True when no value rule (CC103, CC106) can object to `value`; False means "ask the rules"."""
    if not has_type(value, spec) or spec.exactly_one:
        return False
    if spec.kind == "text" and (not value.strip() or (not value.isprintable() and CONTROL.search(value))):
        return False  # isprintable first: one C call for the usual one-line title, the regex only after it
    if spec.kind == "enum":
        return value in spec.choices
    if spec.kind == "duration":
        return format_ok(value, "duration") and not too_long(value) and not is_zero(value)
    return spec.kind not in _FORMATTED or format_ok(value, spec.kind)


class ShapeChecker:
    """Walks one document once; `hits` collects (code, Hit) pairs."""

    def __init__(self, source: str) -> None:
        from cc_cli.rules import shape_rules

        self.source = source
        self.hits: list[tuple[str, Hit]] = []
        self._mapping_checks: list[tuple[str, Check]] = [
            ("CC101", shape_rules.required_field_missing),
            ("CC102", shape_rules.unknown_field),
        ]
        self._value_checks: list[tuple[str, Check]] = [
            ("CC103", shape_rules.wrong_type_or_value),
            ("CC106", shape_rules.malformed_value),
        ]

    def _run(self, code: str, hits: Iterable[Hit]) -> bool:
        found = False
        for hit in hits:
            self.hits.append((code, hit))
            found = True
        return found

    def mapping(
        self, data: dict[str, Any], fields: dict[str, Field], where: Where, parent: Field | None = None
    ) -> dict[str, Any]:
        for code, check in self._mapping_checks:
            self._run(code, check(self.source, data, fields, where, parent))
        cleaned: dict[str, Any] = {}
        for name, value in data.items():
            spec = fields.get(name)
            if spec is not None:
                ok, value = self.value(value, spec, (*where, name))
                if ok:
                    cleaned[name] = value
        return cleaned

    def value(self, value: Any, spec: Field, where: Where) -> tuple[bool, Any]:
        # Fast path for the common case; the rule functions (which word the messages) run only when the
        # value may be wrong, and decide on their own whether it is.
        if not plainly_valid(value, spec):
            bad = False
            for code, check in self._value_checks:
                bad = self._run(code, check(self.source, value, spec, where)) or bad
            if bad:
                return False, None
        if spec.kind == "object" and spec.fields:
            return True, self.mapping(value, spec.fields, where, spec)
        if spec.kind == "list" and spec.items is not None:
            items = []
            for index, item in enumerate(value):
                ok, item = self.value(item, spec.items, (*where, index))
                if ok:
                    items.append(item)
            return True, items
        if spec.kind == "code":
            return True, str(value)
        return True, value
