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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cc_cli.core.problems import UsageError
from cc_cli.core.workers import process_pool, workers_for
from cc_cli.credentials import baking, signing
from cc_cli.credentials.ob3 import identity_hash
from cc_cli.verify.revocation import StatusSources, issuer_id
from cc_cli.verify.schema import schema_check
from cc_cli.verify.verdicts import FAIL, OK, SKIP

CHECKS = ("proof", "schema", "subject", "dates", "status", "recipient", "awards")  # awards: a CLR's embedded ones
AWARD_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})  # OB 3.0 allows either name
CLR_TYPE = "ClrCredential"  # a transcript (`cc transcript --clr`): checked, and so is every award inside it
MAX_EMBEDDED = 500  # awards in one CLR; a hostile 10,000-award CLR would take minutes to canonicalise
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

    @property
    def revocation_unchecked(self) -> bool:
        """Valid as far as we know, but nobody asked the issuer whether it was revoked."""
        return self.valid and any(c.name == "status" and c.status == SKIP for c in self.checks)

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
    require_status: bool = False  # an award whose revocation cannot be checked is invalid
    issuer: str | None = None  # the did:key the awards must be signed by (anyone can make a did:key)
    trust: str = "--issuer"  # where `issuer` came from, for the message: --issuer, or the catalog's issuer.did
    workers: int = 0  # 0: one per core


class NotACredential(ValueError):
    """The file holds no credential: not JSON, truncated, an image without a baked award..."""

    def __init__(self, message: str, kind: str | None = None) -> None:
        super().__init__(message)
        self.format = kind


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
        elif path.exists():
            raise UsageError(f"{path}: not a regular file (a device or pipe?): give award files or folders")
        else:
            raise UsageError(f"{path}: no such file")
    return found


def catalog_issuer(root: Path, *, required: bool) -> str | None:
    """The did:key that catalog.yaml pins (`issuer.did`), read from that one file; None when the catalog
    pins none, or is absent and was not asked for (awards are often verified far from any catalog)."""
    from cc_cli.catalog.formats import DID_KEY
    from cc_cli.catalog.yamlload import YamlProblem
    from cc_cli.validate.load import read_document

    if not (root / "catalog.yaml").is_file():
        if required:
            raise UsageError(f"--catalog {root}: no catalog.yaml there")
        return None
    try:
        data = read_document(root, "catalog.yaml").data
    except YamlProblem as exc:
        raise UsageError(f"{root / 'catalog.yaml'}:{exc.line}:{exc.column}: {exc.message}; run `cc validate`") from None
    issuer = data.get("issuer") if isinstance(data, dict) else None
    did = issuer.get("did") if isinstance(issuer, dict) else None
    if did is not None and not (isinstance(did, str) and DID_KEY.match(did)):
        raise UsageError(f"{root / 'catalog.yaml'}: issuer.did is not a did:key; run `cc validate`")
    return did


# --- reading -------------------------------------------------------------------------------------


def load_credential(data: bytes) -> tuple[str, dict[str, Any]]:
    """(format, document) of a JSON award or a baked PNG/SVG, detected by content, not by name."""
    kind = detect_format(data)
    if not data.strip():
        raise NotACredential("not a credential: the file is empty")
    if kind is None:
        raise NotACredential("not a credential: neither JSON nor a PNG or SVG image")
    try:
        text = _decode(data) if kind == "json" else _unbake(kind, data)
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotACredential(
            f"not valid JSON (truncated?): {exc.msg} (line {exc.lineno}, column {exc.colno})", kind
        ) from None
    except NotACredential:
        raise
    except RecursionError:
        # Hostile input: 100,000 nested brackets must cost one file's verdict, not the whole run.
        raise NotACredential("not a credential: the JSON is nested too deeply to read", kind) from None
    except ValueError:  # an integer longer than Python's digit limit: no credential has one
        raise NotACredential("not a credential: the JSON holds a number too long to read", kind) from None
    if not isinstance(document, dict):
        raise NotACredential(f"not a credential: the JSON top level is {_json_type(document)}, not an object", kind)
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    if "VerifiableCredential" not in types:
        raise NotACredential("not a credential: its type does not include VerifiableCredential", kind)
    if not (AWARD_TYPES | {CLR_TYPE}) & {t for t in types if isinstance(t, str)}:
        other = ", ".join(str(t) for t in types if t != "VerifiableCredential") or "VerifiableCredential only"
        raise NotACredential(f"not an Open Badges award or CLR transcript: its type is {other}", kind)
    return kind, document


def _json_type(value: Any) -> str:
    """JSON's own name for a parsed value's type, as users see it in the file."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "a number"


def detect_format(data: bytes) -> str | None:
    """json, png or svg by the bytes themselves; None for anything else."""
    if data.startswith(baking.PNG_SIGNATURE):
        return "png"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[", b'"', b"null", b"true", b"false")) or (
        head[:1] != b"" and head[:1] in b"-0123456789"
    ):
        return "json"  # any JSON value, so that `null` is reported as JSON that is not an object
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
        from cc_cli.credentials.canon import FastCanonicalizer

        self.options = options
        self.canon = FastCanonicalizer(strict=False)
        self.schema_check = schema_check
        self.sources = StatusSources(options, self.canon)

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
        types = document.get("type")
        if isinstance(types, list) and CLR_TYPE in types:
            return self._clr_checks(document, path)
        return self._run(
            document,
            [
                ("proof", self._proof),
                ("schema", self.schema_check),
                ("subject", _subject),
                ("dates", self._dates),
                ("status", lambda d: self._status(d, path)),
                ("recipient", self._recipient),
            ],
        )

    @staticmethod
    def _run(document: dict[str, Any], plan: list[tuple[str, Any]]) -> list[Check]:
        found = []
        for name, check in plan:
            try:
                status, reason = check(document)
            except Exception as exc:  # a hostile document must give a verdict, never a traceback
                status, reason = FAIL, f"cannot check: {type(exc).__name__}: {exc}"
            found.append(Check(name, status, _one_line(reason)))
        return found

    def _clr_checks(self, clr: dict[str, Any], path: Path) -> list[Check]:
        """A CLR vouches for the awards it holds: its own proof, schema, subject, dates and recipient, then
        each award inside must verify on its own and come from the CLR's issuer. `status` is the
        revocation of the awards inside (a CLR has no status entry of its own); expired awards stay part
        of a transcript (the learning happened), so they are noted, not failed."""
        subject = clr.get("credentialSubject")
        held = subject.get("verifiableCredential") if isinstance(subject, dict) else None
        if not isinstance(held, list) or not held:
            return [Check("awards", FAIL, "the CLR holds no awards (credentialSubject.verifiableCredential is empty)")]
        if len(held) > MAX_EMBEDDED:  # before the proof: canonicalising a huge document takes minutes
            return [Check("awards", FAIL, f"the CLR holds {len(held)} awards, more than cc verifies ({MAX_EMBEDDED})")]
        found = self._run(
            clr,
            [
                ("proof", self._proof),
                ("schema", _clr_schema),
                ("subject", _subject),
                ("dates", self._dates),
                ("recipient", self._recipient),
            ],
        )
        if found[0].status != OK:
            why = "not checked: the CLR's own proof does not verify"
            return [*found[:4], Check("status", SKIP, why), found[4], Check("awards", SKIP, why)]
        problems: list[str] = []
        revocation: list[Check] = []
        expired = 0
        for index, award in enumerate(held):
            name = str(award["id"]) if isinstance(award, dict) and isinstance(award.get("id"), str) else f"#{index + 1}"
            types = award.get("type") if isinstance(award, dict) else None
            if not isinstance(types, list) or not AWARD_TYPES & set(map(str, types)) or CLR_TYPE in types:
                problems.append(f"{name}: not an Open Badges award")  # nor a CLR inside a CLR: no recursion
                continue
            if issuer_id(award) != issuer_id(clr):
                problems.append(f"{name}: issued by {issuer_id(award)}, not by the CLR's issuer")
            for check in self.checks(award, path):
                if check.name == "status":
                    revocation.append(Check(str(name), check.status, check.reason))
                elif check.name == "dates" and check.status == FAIL and check.reason.startswith("expired"):
                    expired += 1
                elif check.status == FAIL:
                    problems.append(f"{name}: {check.name}: {check.reason}")
        status = _combined_status(revocation)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            awards = Check("awards", FAIL, f"{len(held)} award(s) inside, not all valid: {problems[0]}{more}")
        else:
            note = f", {expired} of them expired (still earned)" if expired else ""
            awards = Check("awards", OK, f"{len(held)} award(s) inside, each signed by the CLR's issuer{note}")
        return [*found[:4], status, found[4], awards]

    def _status(self, document: dict[str, Any], path: Path) -> tuple[str, str]:
        status, reason = self.sources.check(document, path)
        if status == SKIP and self.options.require_status:
            return FAIL, f"revocation not checked (--require-status): {reason}"
        return status, reason

    def _proof(self, document: dict[str, Any]) -> tuple[str, str]:
        signer = issuer_id(document)
        if not isinstance(signer, str):
            return FAIL, "no issuer id: the signing key cannot be tied to an issuer"
        result = signing.verify(document, canon=self.canon)  # also checks the method's controller == issuer
        if result.ok and self.options.issuer and signer != self.options.issuer:
            return (
                FAIL,
                f"signed by {signer}, not by the trusted issuer {self.options.issuer} ({self.options.trust})",
            )
        return (OK if result.ok else FAIL), result.reason

    def _dates(self, document: dict[str, Any]) -> tuple[str, str]:
        at = self.options.at
        start, problem = _date(document, "validFrom")
        if problem or start is None:
            return FAIL, problem or "no validFrom: an Open Badges 3.0 award must say when it becomes valid"
        end, problem = _date(document, "validUntil")
        if problem:
            return FAIL, problem
        when = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
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


def _combined_status(per_award: list[Check]) -> Check:
    """The revocation verdict of a CLR: the worst of its awards' (each named by its id)."""
    for wanted in (FAIL, SKIP):
        hit = [check for check in per_award if check.status == wanted]
        if hit:
            what = "revoked or not checkable" if wanted == FAIL else "not checked"
            return Check("status", wanted, f"{len(hit)} award(s) inside {what}: {hit[0].name}: {hit[0].reason}")
    return Check("status", OK, f"none of the {len(per_award)} award(s) inside is revoked")


def _clr_schema(document: dict[str, Any]) -> tuple[str, str]:
    from cc_cli.verify.clr_schema import schema_errors

    errors = schema_errors(document)
    if not errors:
        return OK, "matches the CLR 2.0 ClrCredential JSON Schema (cc's, written from the CLR 2.0 spec)"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return FAIL, f"{errors[0]}{more}"


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
    with process_pool(workers, _after_fork, fork=True) as pool:  # forked: the workers start warm
        for reports in pool.map(_chunk, chunks, [options] * len(chunks)):
            yield from reports
