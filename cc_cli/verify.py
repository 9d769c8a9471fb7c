"""`cc verify` core: check award files and baked emblems, each check reported on its own.

Checks: ``proof`` (eddsa-rdfc-2022 by the issuer's did:key, offline), ``schema`` (the bundled 1EdTech
AchievementCredential JSON Schema), ``subject`` (an ``id`` or ``identifier``), ``dates`` (validFrom <= at <
validUntil), ``status`` (revocation, from a signed status list file or the ledger) and ``recipient`` (with an
email: the salted hash). A file is valid when no check fails; a skipped check (no status source, no email)
does not fail it. The core never prints: it yields `FileReport`s in input order.

Speed (100,000 files on 2 cores): files are verified in a forked process pool in chunks; each process keeps
one `FastCanonicalizer` (awards of one issuer share a shape), one compiled schema validator, and every
status list it has checked. The first file is verified before forking so the workers inherit warm caches.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cc_cli import baking, signing
from cc_cli.awards import identity_hash
from cc_cli.problems import UsageError

OK, FAIL, SKIP = "ok", "fail", "skip"
CHECKS = ("proof", "schema", "subject", "dates", "status", "recipient")
AWARD_SUFFIXES = frozenset({".json", ".png", ".svg"})
POOL_FROM = 200  # below this many files a process pool costs more than it saves


@dataclass(frozen=True, slots=True)
class Check:
    """One check's verdict (`ok`, `fail` or `skip`) and a one-line reason fit to print."""

    name: str
    status: str
    reason: str


@dataclass(slots=True)
class FileReport:
    """Everything `cc verify` found about one file. `error` says why it is not a credential at all."""

    file: str
    format: str | None = None  # json | png | svg
    award_id: str | None = None
    error: str | None = None
    checks: list[Check] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.error is None and all(check.status != FAIL for check in self.checks)

    def as_dict(self) -> dict[str, Any]:
        """The `--format json` shape of one file (documented in `cc verify --help`)."""
        return {
            "file": self.file,
            "valid": self.valid,
            "format": self.format,
            "id": self.award_id,
            "error": self.error,
            "checks": {c.name: {"status": c.status, "reason": c.reason} for c in self.checks},
        }


@dataclass(frozen=True, slots=True)
class VerifyOptions:
    """What to check against. `status_dir` and `ledger` are explicit status sources; without them a
    `ledger.sqlite3` or `status/` beside the award's output folder is used when present."""

    at: datetime
    status_dir: Path | None = None
    ledger: Path | None = None
    email: str | None = None
    workers: int = 0  # 0: one per core


class NotACredential(ValueError):
    """The file holds no credential: not JSON, truncated, an image without a baked award..."""

    def __init__(self, message: str, kind: str | None = None) -> None:
        super().__init__(message)
        self.format = kind


def parse_at(text: str) -> datetime:
    """`--at`: a date (midnight UTC) or a date-time (UTC when it has no offset)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--at {text!r} is not a date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SSZ)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given; folders searched for .json/.png/.svg (skipping `status/` lists). Missing: UsageError."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.suffix.lower() in AWARD_SUFFIXES
                    and "status" not in p.relative_to(path).parts[:-1]
                    and p.is_file()
                )
            )
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"{path}: no such file")
    return found


# --- reading -------------------------------------------------------------------------------------


def load_credential(data: bytes) -> tuple[str, dict[str, Any]]:
    """(format, document) of a JSON award or a baked PNG/SVG, detected by content, not by name."""
    kind = detect_format(data)
    if kind is None:
        raise NotACredential("not a credential: neither JSON nor a PNG or SVG image")
    try:
        text = _decode(data) if kind == "json" else _unbake(kind, data)
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotACredential(
            f"not valid JSON (truncated?): {exc.msg} (line {exc.lineno}, column {exc.colno})", kind
        ) from None
    if not isinstance(document, dict):
        raise NotACredential(f"not a credential: the JSON top level is {type(document).__name__}, not an object", kind)
    types = document.get("type")
    if "VerifiableCredential" not in (types if isinstance(types, list) else [types]):
        raise NotACredential("not a credential: its type does not include VerifiableCredential", kind)
    return kind, document


def detect_format(data: bytes) -> str | None:
    """json, png or svg by the bytes themselves; None for anything else."""
    if data.startswith(baking.PNG_SIGNATURE):
        return "png"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return "json"
    if head.startswith(b"<") and b"<svg" in data[:65536]:
        return "svg"
    return None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotACredential(f"not UTF-8 text (byte {exc.start})", "json") from None


def _unbake(kind: str, data: bytes) -> str:
    try:
        return baking.unbake_png(data) if kind == "png" else baking.unbake_svg(data)
    except baking.BakingError as exc:
        raise NotACredential(str(exc), kind) from None
    except (UnicodeDecodeError, ValueError, IndexError) as exc:  # a damaged chunk or zlib stream
        raise NotACredential(f"the baked credential cannot be read ({type(exc).__name__})", kind) from None


# --- checking ------------------------------------------------------------------------------------


class _Worker:
    """Per-process caches: canonicalizer templates, the schema validator, status sources."""

    def __init__(self, options: VerifyOptions) -> None:
        from cc_cli.fastcanon import FastCanonicalizer

        self.options = options
        self.canon = FastCanonicalizer(strict=False)
        self.schema_check = _schema_check
        self.sources = _StatusSources(options, self.canon)

    def file(self, path: Path) -> FileReport:
        report = FileReport(str(path))
        try:
            report.format, document = load_credential(path.read_bytes())
        except NotACredential as exc:
            report.format, report.error = exc.format, str(exc)
            return report
        except OSError as exc:
            report.error = f"cannot read: {exc.strerror or exc}"
            return report
        report.award_id = document["id"] if isinstance(document.get("id"), str) else None
        report.checks = self.checks(document, path)
        return report

    def checks(self, document: dict[str, Any], path: Path) -> list[Check]:
        found = []
        for name, check in (
            ("proof", self._proof),
            ("schema", self.schema_check),
            ("subject", _subject),
            ("dates", self._dates),
            ("status", lambda d: self.sources.check(d, path)),
            ("recipient", self._recipient),
        ):
            try:
                status, reason = check(document)
            except Exception as exc:  # a hostile document must give a verdict, never a traceback
                status, reason = FAIL, f"cannot check: {type(exc).__name__}: {exc}"
            found.append(Check(name, status, _one_line(reason)))
        return found

    def _proof(self, document: dict[str, Any]) -> tuple[str, str]:
        issuer = document.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        if not isinstance(issuer_id, str):
            return FAIL, "no issuer id: the signing key cannot be tied to an issuer"
        result = signing.verify(document, canon=self.canon)  # also checks the method's controller == issuer
        return (OK if result.ok else FAIL), result.reason

    def _dates(self, document: dict[str, Any]) -> tuple[str, str]:
        at = self.options.at
        start, problem = _date(document, "validFrom")
        if problem or start is None:
            return FAIL, problem or "no validFrom: an Open Badges 3.0 award must say when it becomes valid"
        end, problem = _date(document, "validUntil")
        if problem:
            return FAIL, problem
        when = at.strftime("%Y-%m-%d %H:%M:%SZ")
        if at < start:
            return FAIL, f"not yet valid: valid from {document['validFrom']} (checked at {when})"
        if end is not None and at >= end:
            return FAIL, f"expired: valid until {document['validUntil']} (checked at {when})"
        until = f" until {document['validUntil']}" if end else ", no end date"
        return OK, f"valid from {document['validFrom']}{until}"

    def _recipient(self, document: dict[str, Any]) -> tuple[str, str]:
        email = self.options.email
        if email is None:
            return SKIP, "no --email given"
        subject = document.get("credentialSubject")
        identities = subject.get("identifier") if isinstance(subject, dict) else None
        for identity in identities if isinstance(identities, list) else []:
            if not isinstance(identity, dict) or identity.get("identityType") != "emailAddress":
                continue
            value = str(identity.get("identityHash", ""))
            if identity.get("hashed") is True:
                if value.startswith("sha256$") and value.lower() == identity_hash(email, str(identity.get("salt", ""))):
                    return OK, f"the salted sha256 hash matches {email}"
            elif value.strip().lower() == email.strip().lower():
                return OK, f"the award names {email}"
        return FAIL, f"not awarded to {email}: no email identity of the subject matches"


def _subject(document: dict[str, Any]) -> tuple[str, str]:
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict):
        return FAIL, "credentialSubject is missing or not an object"
    if isinstance(subject.get("id"), str) and subject["id"]:
        return OK, f"subject id {subject['id']}"
    identifiers = subject.get("identifier")
    if isinstance(identifiers, list) and identifiers:
        kinds = sorted({str(i.get("identityType")) for i in identifiers if isinstance(i, dict)})
        return OK, f"subject identified by {', '.join(kinds)}"
    return FAIL, "credentialSubject has neither an id nor an identifier: the award names no one"


def _date(document: dict[str, Any], name: str) -> tuple[datetime | None, str | None]:
    value = document.get(name)
    if value is None:
        return None, None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        return None, f"{name} {value!r} is not a date-time"
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)), None


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --- schema --------------------------------------------------------------------------------------

SCHEMA_FILE = Path(__file__).parent / "data" / "schema" / "ob_v3p0_achievementcredential.json"
SchemaError = tuple[tuple[str, ...], str]  # (path in the document, message)
SchemaCheck = Callable[[Any], SchemaError | None]
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
_validators: tuple[SchemaCheck | None, Any] | None = None


class UnsupportedSchema(ValueError):
    """The schema uses something `compile_schema` does not implement; jsonschema alone judges then."""


def compile_schema(root: dict[str, Any]) -> SchemaCheck:
    """A fast checker for draft-07 / 2019-09 schemas made of the keywords the 1EdTech schemas use.

    Why: jsonschema spends ~400 us per award (most of `cc verify`'s time); these closures take a tenth of
    that. Any keyword outside the implemented set raises `UnsupportedSchema` (formats are annotations, as
    jsonschema treats them by default). A "valid" verdict is final; an "invalid" one is re-judged by
    jsonschema when installed, for its messages. tests/test_verify.py checks both agree on mutated awards.
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
            slot.append(build(target))
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


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kw_type(value: Any, schema: dict[str, Any], build: Any, ref: Any) -> SchemaCheck:
    names = value if isinstance(value, list) else [value]
    tests = [_TYPES[name] for name in names]
    if len(tests) == 1:
        single = tests[0]
        return lambda x: None if single(x) else ((), f"{_short(x)} is not of type {names[0]}")
    return lambda x: None if any(t(x) for t in tests) else ((), f"{_short(x)} is not of type {', '.join(names)}")


def _kw_enum(value: Any, schema: dict[str, Any], build: Any, ref: Any) -> SchemaCheck:
    allowed = value if isinstance(value, list) else [value]  # `const` too
    if not all(isinstance(v, str) for v in allowed):
        raise UnsupportedSchema("non-string enum")  # jsonschema's equality rules for numbers and booleans
    options = frozenset(allowed)
    return lambda x: (
        None if isinstance(x, str) and x in options else ((), f"{_short(x)} is not one of {sorted(options)[:4]}")
    )


def _kw_properties(value: Any, schema: dict[str, Any], build: Any, ref: Any) -> SchemaCheck:
    checks = [(name, build(sub)) for name, sub in value.items()]

    def test(x: Any) -> SchemaError | None:
        if isinstance(x, dict):
            for name, check in checks:
                if name in x and (error := check(x[name])) is not None:
                    return ((name, *error[0]), error[1])
        return None

    return test


def _kw_additional_properties(value: Any, schema: dict[str, Any], build: Any, ref: Any) -> SchemaCheck:
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


def _kw_items(value: Any, schema: dict[str, Any], build: Any, ref: Any) -> SchemaCheck:
    if isinstance(value, list):  # tuple form: `additionalItems` covers the rest
        checks = [build(sub) for sub in value]
        return lambda x: _each(zip(x, checks, strict=False), 0) if isinstance(x, list) else None
    check = build(value)
    return lambda x: _each(((item, check) for item in x), 0) if isinstance(x, list) else None


def _kw_additional_items(value: Any, schema: dict[str, Any], build: Any, ref: Any) -> SchemaCheck:
    if not isinstance(schema.get("items"), list):
        return lambda x: None  # without tuple-form `items`, `additionalItems` does nothing
    start, check = len(schema["items"]), build(value)
    return lambda x: _each(((item, check) for item in x[start:]), start) if isinstance(x, list) else None


def _each(pairs: Any, start: int) -> SchemaError | None:
    for index, (item, check) in enumerate(pairs, start):
        if (error := check(item)) is not None:
            return ((str(index), *error[0]), error[1])
    return None


def _kw_min_items(value: Any, schema: dict[str, Any], build: Any, ref: Any) -> SchemaCheck:
    return lambda x: ((), f"fewer than {value} items") if isinstance(x, list) and len(x) < value else None


def _kw_contains(value: Any, schema: dict[str, Any], build: Any, ref: Any) -> SchemaCheck:
    check = build(value)
    return lambda x: ((), "no item matches `contains`") if isinstance(x, list) and all(check(i) for i in x) else None


def _kw_pattern(value: Any, schema: dict[str, Any], build: Any, ref: Any) -> SchemaCheck:
    regex = re.compile(value)  # jsonschema also uses Python's re.search
    return lambda x: (
        ((), f"{_short(x)} does not match {value!r}") if isinstance(x, str) and not regex.search(x) else None
    )


def _kw_required(value: Any, schema: dict[str, Any], build: Any, ref: Any) -> SchemaCheck:
    def test(x: Any) -> SchemaError | None:
        if isinstance(x, dict):
            for name in value:
                if name not in x:
                    return ((), f"{name!r} is a required property")
        return None

    return test


def _kw_of(value: Any, schema: dict[str, Any], build: Any, ref: Any, *, need: str) -> SchemaCheck:
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


def _schema_validators() -> tuple[SchemaCheck | None, Any]:
    """(compiled checker or None, jsonschema validator or None), built once per process."""
    global _validators
    if _validators is None:
        schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
        try:
            fast: SchemaCheck | None = compile_schema(schema)
        except UnsupportedSchema:
            fast = None
        try:
            from jsonschema import validators
        except ImportError:
            slow = None
        else:
            slow = validators.validator_for(schema)(schema)
        _validators = (fast, slow)
    return _validators


def _schema_check(document: dict[str, Any]) -> tuple[str, str]:
    fast, slow = _schema_validators()
    error = fast(document) if fast is not None else None
    if fast is not None and error is None:
        return OK, "matches the 1EdTech OB 3.0 AchievementCredential JSON Schema"
    if slow is None:
        if error is None:
            return SKIP, "the jsonschema package is not installed"
        return FAIL, f"{'/'.join(error[0]) or '(top level)'}: {error[1]}"
    errors = list(slow.iter_errors(document))
    if not errors:
        return OK, "matches the 1EdTech OB 3.0 AchievementCredential JSON Schema"
    from jsonschema.exceptions import best_match

    best = best_match(errors)
    where = "/".join(str(part) for part in best.absolute_path) or "(top level)"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return FAIL, f"{where}: {best.message}{more}"


# --- status --------------------------------------------------------------------------------------


def _issuer_id(document: dict[str, Any]) -> Any:
    issuer = document.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


class _StatusSources:
    """Where revocation is looked up: --status-dir or --ledger, else a `ledger.sqlite3` or `status/` in the
    award's folder or the one above it (awards are written to OUT/<credential>/<id>.json)."""

    def __init__(self, options: VerifyOptions, canon: Any) -> None:
        self.options = options
        self.canon = canon
        self.lists: dict[Path, tuple[dict[str, Any], bytes] | str] = {}
        self.dbs: dict[Path, Any] = {}
        self.beside: dict[Path, tuple[str, Path] | None] = {}

    def check(self, document: dict[str, Any], path: Path) -> tuple[str, str]:
        entries = document.get("credentialStatus")
        entries = entries if isinstance(entries, list) else [entries] if entries is not None else []
        entry = next((e for e in entries if isinstance(e, dict) and e.get("statusPurpose") == "revocation"), None)
        if entry is None:
            return SKIP, "the award has no revocation status entry"
        if entry.get("type") != "BitstringStatusListEntry":
            return SKIP, f"status type {entry.get('type')!r} is not supported (BitstringStatusListEntry is)"
        try:
            index = int(entry.get("statusListIndex"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return FAIL, f"statusListIndex {entry.get('statusListIndex')!r} is not an integer"
        options = self.options
        source: tuple[str, Path] | None
        if options.status_dir or options.ledger:
            source = ("dir", options.status_dir) if options.status_dir else ("ledger", options.ledger)  # type: ignore[assignment]
        else:
            source = self._beside(path.parent)
        if source is None:
            return SKIP, "no status source: pass --status-dir or --ledger to check revocation"
        if source[0] == "ledger":
            return self._ledger(document, index, source[1])
        return self._list(document, entry, index, source[1])

    def _beside(self, folder: Path) -> tuple[str, Path] | None:
        if folder not in self.beside:
            found = None
            for level in (folder, folder.parent):
                if (level / "ledger.sqlite3").is_file():
                    found = ("ledger", level / "ledger.sqlite3")
                elif (level / "status").is_dir():
                    found = ("dir", level / "status")
                if found:
                    break
            self.beside[folder] = found
        return self.beside[folder]

    def _ledger(self, document: dict[str, Any], index: int, where: Path) -> tuple[str, str]:
        import sqlite3

        if where not in self.dbs:  # read-only: verifying never writes to (or creates) a ledger
            self.dbs[where] = sqlite3.connect(f"{where.resolve().as_uri()}?mode=ro", uri=True)
        row = (
            self.dbs[where]
            .execute(
                "SELECT state, revoked_at, revoked_reason, status_index FROM awards WHERE id = ?", (document.get("id"),)
            )
            .fetchone()
        )
        if row is None:
            return FAIL, f"not in the ledger {where}: the issuer has no record of this award"
        state, revoked_at, reason, stored = row
        if stored != index:
            return FAIL, f"statusListIndex {index} is not the ledger's {stored}: the award was altered"
        if state == "revoked":
            return FAIL, f"revoked on {revoked_at}: {reason} (ledger {where})"
        return OK, f"not revoked (ledger {where})"

    def _list(self, document: dict[str, Any], entry: dict[str, Any], index: int, folder: Path) -> tuple[str, str]:
        url = entry.get("statusListCredential")
        if not isinstance(url, str) or not url.strip("/"):
            return FAIL, "credentialStatus has no statusListCredential URL"
        name = url.rstrip("/").rsplit("/", 1)[-1]
        file = next((c for c in (folder / name, folder / f"{name}.json") if c.is_file()), None)
        if file is None:
            return FAIL, f"status list {name} is not in {folder}: cannot tell whether the award is revoked"
        if file not in self.lists:
            self.lists[file] = self._load(file)
        loaded = self.lists[file]
        if isinstance(loaded, str):
            return FAIL, f"status list {file}: {loaded}"
        status_list, bits = loaded
        if status_list.get("id") != url:
            return FAIL, f"{file} is the status list {status_list.get('id')}, not {url}"
        if _issuer_id(status_list) != _issuer_id(document):
            return FAIL, f"{file} is signed by {_issuer_id(status_list)}, not by the award's issuer"
        if status_list["credentialSubject"].get("statusPurpose") != entry.get("statusPurpose"):
            return FAIL, f"{file} is not a {entry.get('statusPurpose')} list"
        if index >= len(bits) * 8:
            return FAIL, f"statusListIndex {index} is beyond the {len(bits) * 8} entries of {file}"
        if bits[index // 8] & (0x80 >> (index % 8)):
            return FAIL, f"revoked: bit {index} is set in the status list {file}"
        return OK, f"not revoked (bit {index} of {file})"

    def _load(self, file: Path) -> tuple[dict[str, Any], bytes] | str:
        """The verified list and its decoded bits, or why it cannot be trusted (kept for the whole run)."""
        from cc_cli.status import decode_bits

        try:
            status_list = json.loads(file.read_bytes())
        except (OSError, ValueError) as exc:
            return f"unreadable: {exc}"
        types = status_list.get("type") if isinstance(status_list, dict) else None
        if not isinstance(types, list) or "BitstringStatusListCredential" not in types:
            return "not a BitstringStatusListCredential"
        result = signing.verify(status_list, canon=self.canon)
        if not result.ok:
            return f"its proof does not verify: {result.reason}"
        subject = status_list.get("credentialSubject")
        try:
            return status_list, decode_bits(subject["encodedList"])
        except (TypeError, KeyError, ValueError, OSError, EOFError) as exc:
            return f"encodedList cannot be decoded: {exc}"


# --- running -------------------------------------------------------------------------------------

_worker: _Worker | None = None


def _get_worker(options: VerifyOptions) -> _Worker:
    global _worker
    if _worker is None or _worker.options != options:
        _worker = _Worker(options)
    return _worker


_inherited: list[Any] = []


def _after_fork() -> None:
    """Pool initializer: keep the warm caches, but not SQLite connections (never used across a fork)."""
    if _worker is not None:
        _inherited.append(_worker.sources.dbs)  # kept referenced: closing them here could disturb the parent
        _worker.sources.dbs = {}


def _chunk(paths: list[str], options: VerifyOptions) -> list[FileReport]:
    worker = _get_worker(options)
    return [worker.file(Path(p)) for p in paths]


def workers_for(requested: int) -> int:
    if requested > 0:
        return requested
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def verify_files(paths: Sequence[Path], options: VerifyOptions) -> Iterator[FileReport]:
    """Verify every file (see the module docstring); reports come back in input order, as they finish."""
    global _worker
    if not paths:
        return
    _worker = worker = _Worker(options)  # fresh caches: lists and ledgers may have changed since a last run
    try:
        yield worker.file(paths[0])  # warms this process's caches, which forked workers inherit
        yield from _verify_rest([str(p) for p in paths[1:]], options, worker)
    finally:
        for db in worker.sources.dbs.values():
            db.close()


def _verify_rest(rest: list[str], options: VerifyOptions, worker: _Worker) -> Iterator[FileReport]:
    workers = workers_for(options.workers)
    if workers <= 1 or len(rest) < POOL_FROM:
        for path in rest:
            yield worker.file(Path(path))
        return
    size = max(50, min(500, len(rest) // (workers * 8)))
    chunks = [rest[i : i + size] for i in range(0, len(rest), size)]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_after_fork) as pool:
        for reports in pool.map(_chunk, chunks, [options] * len(chunks)):
            yield from reports
