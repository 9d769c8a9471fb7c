"""File and shape rules (CC001-CC108): can the file be read, and does it have the declared fields?

CC001-CC003 are raised by the YAML loader (`cc_cli.catalog.yamlload`); their functions here only carry the
documentation. CC101-CC103 and CC106 are called by the one-pass shape checker (`cc_cli.validate.shape`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

from cc_cli.catalog.fields import Field
from cc_cli.catalog.formats import (
    CONTROL,
    DATE,
    KEBAB,
    KIND_WORDS,
    LEDGER_PASSWORD,
    Where,
    format_ok,
    has_type,
    type_name,
)
from cc_cli.core.durations import is_zero, too_long
from cc_cli.core.problems import ERROR, Hit
from cc_cli.core.text import suggest
from cc_cli.rules.registry import rule


@rule("CC001", ERROR, "file unreadable or not UTF-8", "file")
def file_unreadable(*_: Any) -> Iterator[Hit]:
    """A catalog is text that people review in pull requests; a file `cc` cannot read as UTF-8 text would
    be silently missing from the programme.

    Only regular files inside the catalog folder are read: a link that leaves the catalog would read what
    no reviewer sees, a FIFO would hang `cc`, a device such as /dev/zero would fill the memory. A link to
    another file inside the catalog is read like that file.

    Passing: a UTF-8 text file (a BOM is tolerated); a link to a file elsewhere in the catalog.
    Failing: a file saved as Latin-1 or UTF-16, a binary file, a file over 1 MB, a file without read
    permission, a broken link, a link to a file outside the catalog, a FIFO or device.
    """
    return iter(())


@rule("CC002", ERROR, "YAML syntax error", "file")
def yaml_syntax(*_: Any) -> Iterator[Hit]:
    """The file must be valid YAML; the message points at the character where parsing stopped.

    Passing:
        title: Cloud Essentials
    Failing (tab indentation, unclosed bracket):
        skills: [Cloud, Virtual Machines
    """
    return iter(())


@rule(
    "CC003",
    ERROR,
    "YAML not allowed here: duplicate keys, aliases/anchors, custom tags, top level not a mapping",
    "file",
)
def yaml_not_allowed(*_: Any) -> Iterator[Hit]:
    """What reviewers read must be what `cc` reads. PyYAML by default lets the last duplicate key win
    silently, expands aliases (a few lines can expand into gigabytes) and builds custom tags. A catalog file
    is one plain mapping, written out in full.

    Passing:
        id: cloud-essentials
        title: Cloud Essentials
    Failing:
        id: cloud-essentials
        id: cloud-basics          # duplicate key
        skills: &s [Cloud]        # anchor
        requires: !include x.yaml # custom tag
    """
    return iter(())


@rule("CC101", ERROR, "required field missing", "file")
def required_field_missing(
    source: str, data: dict[str, Any], fields: dict[str, Field], where: Where, parent: Field | None = None
) -> Iterator[Hit]:
    """Every credential states what it is and how it is earned (`id`, `title`, `classification`,
    `description`, `skills`, `criteria`); a path has `id`, `title`, `description` and `steps`. Lists that
    must hold something (criteria, renewal options) may not be empty.

    Passing:
        criteria:
          - {kind: course, description: Complete the course.}
    Failing:
        criteria: []
    """
    if parent is not None and parent.exactly_one and not any(name in data for name in parent.exactly_one):
        choices = " or ".join(f"`{name}`" for name in parent.exactly_one)
        yield Hit(source, where, f"this entry needs {choices}")
    for name, spec in fields.items():
        if spec.required and name not in data:
            yield Hit(source, where, f"required field '{name}' is missing: {spec.description}")
        elif spec.kind == "list" and isinstance(data.get(name), list) and len(data[name]) < spec.min_items:
            yield Hit(source, (*where, name), f"'{name}' needs at least {spec.min_items} entry: {spec.description}")


@rule("CC102", ERROR, "unknown field (suggest the closest known one)", "file")
def unknown_field(
    source: str, data: dict[str, Any], fields: dict[str, Field], where: Where, parent: Field | None = None
) -> Iterator[Hit]:
    """A misspelt field is silently ignored by most tools, so `expires_afer: P2Y` would quietly issue awards
    that never expire. `cc` knows every field and suggests the closest one.

    Passing:
        expires_after: P2Y
    Failing:
        expires_afer: P2Y     # did you mean "expires_after"?
    """
    for name in data:
        if name not in fields:
            known = ", ".join(sorted(fields))
            hint = suggest(str(name), fields) or f" (known fields: {known})"
            yield Hit(source, (*where, name), f"unknown field '{name}'{hint}", on_key=True)


@rule("CC103", ERROR, "wrong type, or value not among the allowed ones (list them)", "file")
def wrong_type_or_value(source: str, value: Any, spec: Field, where: Where) -> Iterator[Hit]:
    """Each field has one type, and words like `classification` take one of a fixed set, so that every
    command reads the catalog the same way.

    Passing:
        classification: certification
        legacy: false
    Failing:
        classification: certifcation   # not one of skill, certificate, certification
        legacy: "no"                   # text, not true/false
    """
    name = where[-1] if where and isinstance(where[-1], str) else "this entry"
    if not has_type(value, spec):
        hint = ""
        if spec.exactly_one and isinstance(value, str):
            hint = f": write `{spec.exactly_one[0]}: {value}`"
        yield Hit(source, where, f"'{name}' must be {KIND_WORDS[spec.kind]}, not {type_name(value)}{hint}")
    elif spec.kind == "text" and not value.strip():
        yield Hit(source, where, f"'{name}' is empty: write the text, or remove the entry")
    elif spec.kind == "enum" and value not in spec.choices:
        allowed = ", ".join(spec.choices)
        yield Hit(source, where, f"'{name}' is '{value}', not one of: {allowed}{suggest(value, spec.choices)}")
    elif spec.exactly_one and sum(name in value for name in spec.exactly_one) > 1:
        choices = " or ".join(f"`{name}`" for name in spec.exactly_one)
        yield Hit(
            source,
            where,
            f"this entry has both {choices.replace(' or ', ' and ')}; keep one (split it into two entries)",
        )


@rule("CC104", ERROR, "id not kebab-case, or not equal to the file name", "file")
def id_not_kebab_case(source: str, data: dict[str, Any]) -> Iterator[Hit]:
    """Ids are permanent: they appear in award URLs, ledgers and learning paths. Kebab-case ids equal to the
    file name make every credential easy to find from its id and keep URLs clean.

    Passing (in credentials/cloud-essentials.yaml):
        id: cloud-essentials
    Failing:
        id: Cloud_Essentials
    """
    value = data.get("id")
    if not isinstance(value, str):
        return
    stem = os.path.splitext(os.path.basename(source))[0]
    if not KEBAB.match(value):
        example = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "cloud-essentials"
        yield Hit(
            source, ("id",), f"id '{value}' is not kebab-case: use lower-case words joined by '-', e.g. '{example}'"
        )
    elif value != stem:
        yield Hit(source, ("id",), f"id '{value}' differs from the file name '{stem}.yaml': rename one to match")


@rule("CC106", ERROR, "malformed date, duration, URL or email", "file")
def malformed_value(source: str, value: Any, spec: Field, where: Where) -> Iterator[Hit]:
    """Dates are YYYY-MM-DD, durations ISO 8601 (P8H, P6W, P3Y), URLs http(s), so that awards get exact
    `validUntil` dates and links that work.

    Passing:
        time_to_earn: P6W
        introduced: 2021-03-15
    Failing:
        time_to_earn: 6 weeks
        introduced: 15/03/2021
        renewal: {valid_for: P99999Y}   # more than 100 years: no award date could be computed
    """
    if not isinstance(value, str):
        return
    name = where[-1] if where and isinstance(where[-1], str) else "value"
    control = CONTROL.search(value) if spec.kind == "text" else None
    if control:
        code_point = f"U+{ord(control.group()):04X}"
        yield Hit(source, where, f"'{name}' contains a control character ({code_point}): remove it")
    if spec.kind not in ("date", "duration", "url", "email", "did", "ledger", "lang"):
        return
    if not format_ok(value, spec.kind):
        if spec.kind == "date" and DATE.match(value):
            yield Hit(source, where, f"'{name}' is '{value}', which is not a day of the calendar")
        else:
            yield Hit(source, where, f"'{name}' is '{value}', not {KIND_WORDS[spec.kind]}")
    elif spec.kind == "duration" and too_long(value):
        yield Hit(source, where, f"'{name}' is '{value}', longer than 100 years: a typo? (P3Y is three years)")
    elif spec.kind == "duration" and is_zero(value):
        yield Hit(source, where, f"'{name}' is '{value}', a duration of zero: give its real length (P7D, P3Y)")


@rule("CC108", ERROR, "`ledger` in catalog.yaml carries a password", "file")
def ledger_password(source: str, value: Any, spec: Field, where: Where) -> Iterator[Hit]:
    """catalog.yaml is committed and read by everyone who reviews the catalog: the shared ledger's URL may
    name the server, the database and the user, never the password, which every cc command reads from
    PGPASSWORD or ~/.pgpass (or a whole URL in $CC_LEDGER, kept in the CI's secrets).

    Passing:
        ledger: postgresql://issuer@db.example.org:5432/credentials
    Failing:
        ledger: postgresql://issuer:s3cret@db.example.org:5432/credentials
        ledger: postgresql://issuer@db.example.org/credentials?password=s3cret
    """
    if spec.kind == "ledger" and isinstance(value, str) and LEDGER_PASSWORD.search(value):
        yield Hit(
            source,
            where,
            "'ledger' carries a password, which would be committed with the catalog: remove it and give it in "
            "PGPASSWORD or ~/.pgpass (or the whole URL in $CC_LEDGER)",
        )
