"""The checks of `cc verify`, each reported on its own, for one award file or baked emblem at a time.

Checks: ``proof`` (eddsa-rdfc-2022 by the issuer's did:key, offline), ``schema`` (the bundled 1EdTech
AchievementCredential JSON Schema), ``subject`` (an ``id`` or ``identifier``), ``dates`` (validFrom <= at <
validUntil), ``status`` (revocation, from a signed status list file or the ledger) and ``recipient`` (with an
email: the salted hash); a CLR transcript adds ``awards``, the awards inside it, each checked against its own
issuer (a CLR may gather several issuers' awards) and listed with it. A file is valid when no check
fails; a skipped check (no status source, no email) does not fail it. A `Worker` holds one process's caches
(see verify/run.py for why they matter).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeAlias

from cc_cli.credentials import signing
from cc_cli.credentials.ob3 import identity_hash
from cc_cli.verify.read import AWARD_TYPES, CLR_TYPE, NotACredential, load_credential, read_file
from cc_cli.verify.report import AwardReport, Check, FileReport, VerifyOptions
from cc_cli.verify.revocation import StatusSources, issuer_id
from cc_cli.verify.schema import schema_check
from cc_cli.verify.verdicts import FAIL, FAILING, OK, SKIP, UNSUPPORTED, Verdict

VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
_DATE_WORDS = {"validFrom": "valid from", "validUntil": "valid until"}  # VC 1.1's names are shown as they are
CheckFunction: TypeAlias = Callable[[dict[str, Any]], Verdict]  # one check of a credential document
MAX_EMBEDDED = 500  # awards in one CLR; a hostile 10,000-award CLR would take minutes to canonicalise


class Worker:
    """Per-process caches: canonicalizer templates, the schema validator, status sources."""

    def __init__(self, options: VerifyOptions) -> None:
        from cc_cli.credentials.canon import FastCanonicalizer

        self.options = options
        self.canon = FastCanonicalizer(strict=False, parsed_json=True)  # every document here is parsed JSON
        self.schema_check = schema_check
        # offline, no documents: did:key only, each decoded once per run (the key is the identifier itself)
        self.resolve: signing.KeyResolver = _KeyCache(signing.resolve_did_key)
        store = None
        if options.documents is not None or options.online:
            from cc_cli.verify.documents import DocumentStore
            from cc_cli.verify.keys import DocumentResolver

            store = DocumentStore(options.documents, options.online, options.allow_local)
            self.resolve = DocumentResolver(store)
        self.sources = StatusSources(options, self.canon, store)
        self.sources.resolve = self.resolve
        self._when = options.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")  # `at`, as the date reasons say it

    def file(self, path: str | Path) -> FileReport:
        """The report on one file, named as text (a Path is taken too)."""
        text = os.fspath(path)
        report = FileReport(text)
        try:
            report.format, document = load_credential(read_file(text))
        except NotACredential as exc:
            report.format, report.error = exc.format, str(exc)
            return report
        except OSError as os_error:
            report.error = f"cannot read: {os_error.strerror or os_error}"
            return report
        report.award_id = document["id"] if isinstance(document.get("id"), str) else None
        report.checks, report.awards = self.checks_and_awards(document, text)
        return report

    def checks(self, document: dict[str, Any], path: str) -> list[Check]:
        return self.checks_and_awards(document, path)[0]

    def checks_and_awards(self, document: dict[str, Any], path: str) -> tuple[list[Check], list[AwardReport] | None]:
        """The checks of one credential; for a CLR also the awards inside, each with its verdict."""
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
        ), None

    @staticmethod
    def _run(document: dict[str, Any], plan: list[tuple[str, CheckFunction]]) -> list[Check]:
        found = []
        for name, check in plan:
            try:
                status, reason = check(document)
            except Exception as bug:  # a hostile document must give a verdict, never a traceback
                status, reason = FAIL, f"cannot check: {type(bug).__name__}: {bug}"
            found.append(Check(name, status, _one_line(reason)))
        return found

    def _clr_checks(self, clr: dict[str, Any], path: str) -> tuple[list[Check], list[AwardReport] | None]:
        """A CLR: its own proof (by the CLR's issuer), schema, subject, dates and recipient, then each award
        inside verified on its own against its own issuer (its proof, the issuer controlling the key, its
        dates, its status), as CLR 2.0 lets a CLR gather the awards of several issuers. Each award is listed
        with its issuer: the CLR's proof says only that the CLR's issuer assembled them, the award's own
        proof says who vouches for it. `status` is the revocation of the awards inside (a CLR has no status
        entry of its own); expired awards stay part of a transcript (the learning happened), so they are
        noted, not failed."""
        subject = clr.get("credentialSubject")
        held = subject.get("verifiableCredential") if isinstance(subject, dict) else None
        if not isinstance(held, list) or not held:
            why = "the CLR holds no awards (credentialSubject.verifiableCredential is empty)"
            return [Check("awards", FAIL, why)], None
        if len(held) > MAX_EMBEDDED:  # before the proof: canonicalising a huge document takes minutes
            why = f"the CLR holds {len(held)} awards, more than cc verifies ({MAX_EMBEDDED})"
            return [Check("awards", FAIL, why)], None
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
            return [*found[:4], Check("status", SKIP, why), found[4], Check("awards", SKIP, why)], None
        problems: list[str] = []
        revocation: list[Check] = []
        awards: list[AwardReport] = []
        expired = 0
        for index, award in enumerate(held):
            name = str(award["id"]) if isinstance(award, dict) and isinstance(award.get("id"), str) else f"#{index + 1}"
            issuer, issuer_name = _issuer_of(award)
            types = award.get("type") if isinstance(award, dict) else None
            if not isinstance(types, list) or not AWARD_TYPES & set(map(str, types)) or CLR_TYPE in types:
                problems.append(f"{name}: not an Open Badges award")  # nor a CLR inside a CLR: no recursion
                awards.append(AwardReport(name, issuer, issuer_name, FAIL, "not an Open Badges award"))
                continue
            failed: list[Check] = []
            notes: list[str] = []
            for check in self.checks(award, path):
                if check.name == "status":
                    revocation.append(Check(str(name), check.status, check.reason))
                    if check.status in FAILING:
                        failed.append(check)
                    elif check.status == OK:
                        notes.append(check.reason)
                elif check.name == "dates" and check.status == FAIL and check.reason.startswith("expired"):
                    expired += 1
                    notes.append(f"{check.reason}, still earned")
                elif check.status in FAILING:  # an unsupported proof inside is no valid award either
                    problems.append(f"{name}: {check.name}: {check.reason}")
                    failed.append(check)
                elif check.name == "proof":
                    notes.insert(0, check.reason)
            if failed:
                worst = UNSUPPORTED if all(c.status == UNSUPPORTED for c in failed) else FAIL
                first = next(c for c in failed if c.status == worst)
                awards.append(AwardReport(name, issuer, issuer_name, worst, f"{first.name}: {first.reason}"))
            else:
                awards.append(AwardReport(name, issuer, issuer_name, OK, "; ".join(notes)))
        status = _combined_status(revocation)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            verdict = Check("awards", FAIL, f"{len(held)} award(s) inside, not all valid: {problems[0]}{more}")
        else:
            note = f", {expired} of them expired (still earned)" if expired else ""
            signers = _signers(awards, issuer_id(clr))
            verdict = Check("awards", OK, f"{len(held)} award(s) inside, {signers}{note}{_elsewhere(subject)}")
        return [*found[:4], status, found[4], verdict], awards

    def _status(self, document: dict[str, Any], path: str) -> Verdict:
        status, reason = self.sources.check(document, path)
        if status == SKIP and self.options.require_status:
            return FAIL, f"revocation not checked (--require-status): {reason}"
        return status, reason

    def _proof(self, document: dict[str, Any]) -> Verdict:
        signer = issuer_id(document)
        if not isinstance(signer, str):
            return FAIL, "no issuer id: the signing key cannot be tied to an issuer"
        # also checks that the method's controller is the issuer
        result = signing.verify(document, canon=self.canon, resolve=self.resolve)
        if result.ok and self.options.issuer and signer != self.options.issuer:
            return (
                FAIL,
                f"signed by {signer}, not by the trusted issuer {self.options.issuer} ({self.options.trust})",
            )
        return (OK if result.ok else UNSUPPORTED if result.unsupported else FAIL), result.reason

    def _dates(self, document: dict[str, Any]) -> Verdict:
        """validFrom <= at < validUntil; a VC DM 1.1 credential names them issuanceDate and expirationDate."""
        at = self.options.at
        first, last = _date_names(document)
        start, problem = _date(document, first)
        if problem or start is None:
            return FAIL, problem or f"no {first}: an Open Badges 3.0 award must say when it becomes valid"
        end, problem = _date(document, last)
        if problem:
            return FAIL, problem
        when = self._when
        words = _DATE_WORDS.get(first, first), _DATE_WORDS.get(last, last)
        if at < start:
            return FAIL, f"not yet valid: {words[0]} {document[first]} (checked at {when})"
        if end is not None and at >= end:
            return FAIL, f"expired: {words[1]} {document[last]} (checked at {when})"
        until = f" until {document[last]}" if end else ", no end date"
        return OK, f"valid from {document[first]}{until}"

    def _recipient(self, document: dict[str, Any]) -> Verdict:
        email = self.options.email
        if email is None:
            return SKIP, "no --email given"
        subject = document.get("credentialSubject")
        identities = subject.get("identifier") if isinstance(subject, dict) else None
        if not identities:
            return FAIL, f"the award names no one it could match to {email}: its subject has no identifier"
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


class _KeyCache:
    """A `KeyResolver` remembering what `resolve` found, per method id (failures are asked again): for a
    resolver whose answer depends on the id alone, such as did:key's."""

    def __init__(self, resolve: signing.KeyResolver) -> None:
        self.resolve = resolve
        self.found: dict[str, signing.ResolvedKey] = {}

    def __call__(self, method: str) -> signing.ResolvedKey:
        found = self.found.get(method)
        if found is None:
            found = self.resolve(method)
            if len(self.found) >= 1024:
                self.found.clear()
            self.found[method] = found
        return found


def _issuer_of(award: Any) -> tuple[str | None, str | None]:
    """(id, name) of an award's issuer, as it states them (None where it does not)."""
    issuer = award.get("issuer") if isinstance(award, dict) else None
    name = issuer.get("name") if isinstance(issuer, dict) else None
    found = issuer_id(award) if isinstance(award, dict) else None
    return (found if isinstance(found, str) else None), (name if isinstance(name, str) else None)


def _signers(awards: list[AwardReport], clr_issuer: Any) -> str:
    """'each signed by the CLR's issuer', or, when others issued some, who vouches for how many."""
    counts: dict[str | None, int] = {}
    for award in awards:
        counts[award.issuer] = counts.get(award.issuer, 0) + 1
    if set(counts) == {clr_issuer}:
        return "each signed by the CLR's issuer"
    names = {award.issuer: award.issuer_name for award in awards}
    parts = [f"{counts.pop(clr_issuer)} by the CLR's issuer"] if clr_issuer in counts else []
    for issuer, count in counts.items():
        named = f"{names[issuer]} ({issuer})" if names.get(issuer) else str(issuer)
        parts.append(f"{count} by {named}")
    return "each signed by its own issuer: " + ", ".join(parts)


def _combined_status(per_award: list[Check]) -> Check:
    """The revocation verdict of a CLR: the worst of its awards' (each named by its id)."""
    for wanted in (FAIL, SKIP):
        hit = [check for check in per_award if check.status == wanted]
        if hit:
            what = "revoked or not checkable" if wanted == FAIL else "not checked"
            return Check("status", wanted, f"{len(hit)} award(s) inside {what}: {hit[0].name}: {hit[0].reason}")
    return Check("status", OK, f"none of the {len(per_award)} award(s) inside is revoked")


def _elsewhere(subject: Any) -> str:
    """'; 2 achievement(s) earned elsewhere (credly) ...' for a CLR that attests awards it does not embed
    (`cc import awards`: `otherIdentifier` of type ext:earnedElsewhere.<source>), else ''."""
    sources: list[str] = []
    for entry in subject.get("achievement") or [] if isinstance(subject, dict) else []:
        marks = entry.get("otherIdentifier") if isinstance(entry, dict) else None
        for mark in marks if isinstance(marks, list) else []:
            kind = mark.get("identifierType") if isinstance(mark, dict) else None
            if isinstance(kind, str) and kind.startswith("ext:earnedElsewhere."):
                sources.append(kind.removeprefix("ext:earnedElsewhere."))
    if not sources:
        return ""
    return (
        f"; {len(sources)} achievement(s) earned elsewhere ({', '.join(sorted(set(sources)))}) are attested by the "
        "CLR's issuer from its records, not embedded credentials: nothing of them is verified but that attestation"
    )


def _clr_schema(document: dict[str, Any]) -> Verdict:
    from cc_cli.verify.clr_schema import normalised_errors

    errors, was_normalised = normalised_errors(document)
    if not errors:
        how = " (normalised: single values as one-item arrays)" if was_normalised else ""
        return OK, f"matches the CLR 2.0 ClrCredential JSON Schema (cc's, written from the CLR 2.0 spec){how}"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return FAIL, f"{errors[0]}{more}"


def _subject(document: dict[str, Any]) -> Verdict:
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict):
        return FAIL, "credentialSubject is missing or not an object"
    if isinstance(subject.get("id"), str) and subject["id"]:
        return OK, f"subject id {subject['id']}"
    identifiers = subject.get("identifier")
    if isinstance(identifiers, list) and identifiers:
        kinds = sorted({str(i.get("identityType")) for i in identifiers if isinstance(i, dict)})
        return OK, f"subject identified by {', '.join(kinds)}"
    # OB 3.0 makes both optional (an award to "whoever holds it"); only --email needs one to match
    return OK, "the subject has neither an id nor an identifier (allowed by OB 3.0): it names no one"


def _date_names(document: dict[str, Any]) -> tuple[str, str]:
    """(start, end) date property names: VC DM 2.0's, or VC DM 1.1's for a credential on the v1 context
    that has no validFrom (OB 3.0.x on VC 1.1 says issuanceDate and expirationDate)."""
    context = document.get("@context")
    first = context[0] if isinstance(context, list) and context else context
    if first == VC_V1_CONTEXT and "validFrom" not in document:
        return "issuanceDate", "expirationDate"
    return "validFrom", "validUntil"


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
