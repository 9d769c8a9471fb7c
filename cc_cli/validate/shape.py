"""Shape checking: one pass over a file's data against its field declarations (`cc_cli.catalog.fields`).

The pass calls the small rule functions of `cc_cli.rules.shape_rules` at each mapping and value, and
returns a cleaned copy of the data in which every value with a wrong type or format is dropped, so that
the model built from it is always well-typed and later rules never trip over a bad file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from cc_cli.catalog.fields import Field
from cc_cli.catalog.formats import CONTROL, LEDGER_PASSWORD, Where, format_ok, has_type
from cc_cli.core.durations import is_zero, too_long
from cc_cli.core.problems import Hit

Check = Callable[..., Iterable[Hit]]
_FORMATTED = frozenset(("date", "duration", "url", "email", "did", "ledger", "lang"))


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
    if spec.kind == "ledger":
        return format_ok(value, "ledger") and not LEDGER_PASSWORD.search(value)
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
            ("CC108", shape_rules.ledger_password),
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

    def _map(self, data: dict[str, Any], spec: Field, where: Where) -> dict[str, Any]:
        """A mapping with free keys (`texts:` languages): each key checked as `spec.keys`, each value as
        `spec.items`; entries with a bad key or value are dropped from the cleaned data."""
        cleaned: dict[str, Any] = {}
        for key, item in data.items():
            if spec.keys is not None:
                ok, _ = self.value(str(key), spec.keys, (*where, key))
                if not ok:
                    continue
            ok, item = self.value(item, spec.items, (*where, key)) if spec.items is not None else (True, item)
            if ok:
                cleaned[str(key)] = item
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
        if spec.kind == "map":
            return True, self._map(value, spec, where)
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
