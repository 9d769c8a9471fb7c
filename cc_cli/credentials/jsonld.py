"""Offline JSON-LD for signing: bundled contexts, a loader that never touches the network, and a guard.

Why offline: a context fetched at signing or verifying time could have changed since the award was
signed (or be served by an attacker), silently changing what the signature covers; and `cc issue` must
work on an air-gapped machine. Every context `cc` knows is a file under ``cc_cli/data/contexts`` (see
the README there for origins and hashes); any other URL raises `ContextNotBundledError`.

Why a guard: JSON-LD expansion silently *drops* a property whose term the ``@context`` does not define
(and VC 2.0's ``@vocab`` quietly files it under ``issuer-dependent#``). A typo such as ``"nmae"`` would
then be displayed by wallets but not covered by the signature. `expand` refuses such documents, in the
spirit of jsonld.js "safe mode" that Digital Bazaar verifiers use. It also refuses strings whose
canonical N-Quads differ between pyld and RDFC-1.0 implementations (control characters, IRIs with
characters that RDFC-1.0 escapes), because a verifier would hash different bytes than we signed.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from cc_cli.core.problems import UsageError
from cc_cli.credentials.pyldlib import URDNA2015, pyld

# URL -> (file in cc_cli/data/contexts, its sha256). Exact match only: no redirects, no trailing-slash
# variants. The hash pins each file: a context edited by accident (or by a merge) would silently change what
# every signature covers, so a file whose bytes differ from its pin is refused (`ContextPinError`).
CONTEXTS: dict[str, tuple[str, str]] = {
    "https://www.w3.org/ns/credentials/v2": (
        "credentials-v2.jsonld",
        "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
    ),
    "https://www.w3.org/2018/credentials/v1": (
        "credentials-v1.jsonld",
        "3d0b277522ed24385c850b9882b9688687189b8f37a9bd9f1577e348b1019c44",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": (
        "ob-v3p0-context-3.0.0.json",
        "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld": (  # the same 3.0.0 file, an alias
        "ob-v3p0-context-3.0.0.json",
        "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": (
        "ob-v3p0-context-3.0.1.json",
        "cfc147db5fd5e3575b06bd471fe04784e92de69296f64a351b8dff0ec3372e9c",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": (
        "ob-v3p0-context-3.0.2.json",
        "bba433989e1e700ca60838a3c22378e7d8381aeb0c9590f9ddf84d1714f10296",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": (
        "ob-v3p0-context-3.0.3.json",
        "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": (
        "ob-v3p0-extensions.json",
        "146f85aa16effd7ca1da8056eb443f53ce1eca8a34186cb062832c0a97d889c3",
    ),
    "https://purl.imsglobal.org/spec/clr/v2p0/context.json": (
        "clr-v2p0-context-2.0.0.json",
        "e198d7b517d74c5036434ce495086f67b10244709e9a3df9dcb7f8b1579b6167",
    ),
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": (
        "clr-v2p0-context-2.0.1.json",
        "880f1902d4158f2f33ce06af41b90719977cd1ea337a9de2e41edb3ff5e543d6",
    ),
    "https://w3id.org/security/data-integrity/v1": (
        "data-integrity-v1.jsonld",
        "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554",
    ),
    "https://w3id.org/security/data-integrity/v2": (
        "data-integrity-v2.jsonld",
        "0f77743daf5b4e8fc067fc5ba5b21044283053aa717fc6b0219843bed3b00363",
    ),
    "https://w3id.org/security/suites/ed25519-2020/v1": (
        "ed25519-signature-2020-v1.jsonld",
        "b9e1ab971fd8bf2c7553e0c4a9438e0b9450afde1ea1ca5b2492368b9f549588",
    ),
    "https://w3id.org/security/multikey/v1": (
        "multikey-v1.jsonld",
        "c5f3806f8286920573221938917988a18a4cc5a09e968d29649613c7a1c2b1f6",
    ),
    "https://www.w3.org/ns/did/v1": (
        "did-v1.jsonld",
        "62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f",
    ),
    "https://www.w3.org/ns/credentials/status/v1": (
        "vc-bitstring-status-list-v1.jsonld",
        "fd08cbf28ddd829ab2f1978c48f43ab07a112c1c90245a0cfac7ba721c65170c",
    ),
    "https://w3id.org/vc/status-list/2021/v1": (  # StatusList2021, the Learner Credential Wallet's older lists
        "vc-status-list-2021-v1.jsonld",
        "634d71c159289f068c96012e4511c657fdf82ac4231900081bda3ba24e2e1160",
    ),
}
CONTEXT_FILES: dict[str, str] = {url: name for url, (name, _) in CONTEXTS.items()}

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_V3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Defines the credentialSchema type `1EdTechJsonSchemaValidator2019`; without it that type is undefined
# and Digital Bazaar verifiers (safe mode) reject the credential.
OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
ISSUER_DEPENDENT = "https://www.w3.org/ns/credentials/issuer-dependent#"

ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S*$")
# RDFC-1.0 (rdf-canonize 5) escapes these inside <IRI>; pyld writes them raw. Refuse rather than diverge.
IRI_DIVERGENT = re.compile(r'[\x00-\x20<>"{}|^`\\]')
# pyld escapes only \t \n \r " \\ in literals; RDFC-1.0 also escapes these (as \b, \f or \uXXXX).
LITERAL_DIVERGENT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Tab: pyld and RDFC-1.0 write \t, but pre-RDFC rdf-canonize (jsonld.js <= 8) writes it raw.
LITERAL_DIVERGENT_STRICT = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]")


class JsonLdError(UsageError):
    """A document that cannot be processed as JSON-LD (bad @context, invalid syntax)."""


class ContextNotBundledError(JsonLdError):
    """The document names a context `cc` does not bundle; `cc` never fetches one."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"JSON-LD context {url!r} is not bundled with cc, and cc never fetches contexts from the "
            f"network; bundled: {', '.join(sorted(CONTEXT_FILES))}"
        )
        self.url = url


class ContextPinError(JsonLdError):
    """A bundled context file whose bytes are not the ones pinned in `CONTEXTS` (edited, or damaged)."""


class UnsafeJsonLdError(JsonLdError):
    """Signing would not cover everything the document says, or verifiers would hash other bytes."""

    def __init__(self, message: str, term: str | None = None) -> None:
        super().__init__(message)
        self.term = term


@cache
def _context_text(url: str) -> str:
    if url not in CONTEXTS:
        raise ContextNotBundledError(url)
    name, pinned = CONTEXTS[url]
    data = (resources.files("cc_cli") / "data" / "contexts" / name).read_bytes()
    if hashlib.sha256(data).hexdigest() != pinned:
        raise ContextPinError(
            f"bundled context {name} for {url} is not the pinned file (sha256 {pinned[:12]}…): reinstall cc"
        )
    return data.decode("utf-8")


def load_context(url: str) -> Any:
    """The bundled JSON of context `url`, freshly parsed so that callers can never alter the cache."""
    return json.loads(_context_text(url))


def document_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader that serves bundled contexts only and raises for any other URL."""
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": load_context(url),
    }


def _translate(exc: BaseException) -> JsonLdError:
    """Dig our own error out of pyld's wrapping (pyld re-raises loader errors as its own JsonLdError)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, JsonLdError):
            return seen
        details = getattr(seen, "details", None)
        cause = details.get("cause") if isinstance(details, dict) else None
        seen = cause if isinstance(cause, BaseException) else (seen.__cause__ or seen.__context__)
    message = exc.args[0] if exc.args else type(exc).__name__
    code = getattr(exc, "code", None)
    return JsonLdError(f"invalid JSON-LD: {message}" + (f" ({code})" if code else ""))


def expand(document: Mapping[str, Any], *, strict: bool = True, rdfc: bool = True) -> list[Any]:
    """Expand `document` with bundled contexts, refusing anything the signature would not cover.

    `strict` (used when signing) additionally refuses terms and types that the context leaves to VC 2.0's
    ``issuer-dependent#`` vocabulary, and tab characters. Verification uses ``strict=False`` because
    both are legitimate, if unwise, in credentials from other issuers. ``rdfc=False`` (eddsa-jcs-2022, which
    signs the JSON, not N-Quads) keeps the safe-mode refusals (a term or type that does not expand, a
    relative IRI) and skips those about characters RDFC-1.0 implementations write differently.
    """
    dropped: list[str | None] = []
    try:
        expanded: list[Any] = pyld.expand(
            dict(document),
            # base None keeps relative IRIs relative so the guard sees them; pyld's default ('')
            # silently resolves them against http://example.org/base/.
            {"documentLoader": document_loader, "base": None},
            on_property_dropped=dropped.append,
        )
    except pyld.JsonLdError as exc:
        raise _translate(exc) from exc
    if dropped:
        term = dropped[0]
        if term is None:
            raise UnsafeJsonLdError("a property is mapped to null by the @context, so it would not be signed")
        raise UnsafeJsonLdError(
            f"term {term!r} is not defined by the document's @context, so it would not be signed", term
        )
    _check(expanded, "", strict, rdfc)
    return expanded


def _check(obj: Any, prop: str, strict: bool, rdfc: bool = True) -> None:
    if isinstance(obj, list):
        for item in obj:
            _check(item, prop, strict, rdfc)
        return
    if not isinstance(obj, dict):
        return
    for key, value in obj.items():
        if key == "@id":
            _check_iri(value, "id", strict, rdfc)
        elif key == "@type":
            for iri in value if isinstance(value, list) else [value]:
                if not iri.startswith("@"):  # "@json" and other keywords
                    _check_iri(iri, "type", strict, rdfc)
        elif key == "@value":
            if isinstance(value, str) and rdfc:
                _check_literal(value, prop, strict)
        elif key.startswith("@"):
            _check(value, prop, strict, rdfc)  # @list, @set, @graph, @included, @reverse
        else:
            _check_iri(key, "term", strict, rdfc)
            _check(value, key, strict, rdfc)


def _check_iri(iri: str, what: str, strict: bool, rdfc: bool = True) -> None:
    if iri.startswith("_:"):
        return
    if not ABSOLUTE_IRI.match(iri):
        raise UnsafeJsonLdError(
            f"{what} {iri!r} is not defined by the @context or is not an absolute IRI, "
            "so it would be dropped from the signed data",
            iri,
        )
    if strict and iri.startswith(ISSUER_DEPENDENT):
        name = iri[len(ISSUER_DEPENDENT) :]
        raise UnsafeJsonLdError(
            f"{what} {name!r} is not defined by any @context (VC 2.0 would file it under "
            "issuer-dependent#); fix the spelling or add a context that defines it",
            name,
        )
    bad = IRI_DIVERGENT.search(iri) if rdfc else None
    if bad:
        raise UnsafeJsonLdError(
            f"IRI {iri!r} contains {_describe(bad.group())}, which RDFC-1.0 implementations "
            "canonicalize differently; percent-encode it",
            iri,
        )


def _check_literal(text: str, prop: str, strict: bool) -> None:
    pattern = LITERAL_DIVERGENT_STRICT if strict else LITERAL_DIVERGENT
    bad = pattern.search(text)
    if bad:
        raise UnsafeJsonLdError(
            f"value of {prop!r} contains {_describe(bad.group())}, which JSON-LD canonicalizers "
            "encode differently; remove it",
            prop,
        )


def _describe(char: str) -> str:
    return f"character U+{ord(char):04X}" if ord(char) <= 0x20 or ord(char) == 0x7F else repr(char)


class _Rdfc10Sha384(URDNA2015):
    """RDFC-1.0 with SHA-384 as its hash (RDFC-1.0 §4.4 lets the hash be chosen): what ecdsa-rdfc-2019 uses
    with P-384 keys. It labels blank nodes differently from SHA-256 as soon as a document has several."""

    def create_hash(self) -> Any:
        return hashlib.sha384()


def canonical_nquads(document: Mapping[str, Any], *, strict: bool = True, hash_algorithm: str = "sha256") -> str:
    """RDFC-1.0 canonical N-Quads of `document` (pyld's URDNA2015, identical output), after `expand`;
    `hash_algorithm` "sha384" for ecdsa-rdfc-2019 with P-384.

    This is the slow path (a full expansion per call); it is also the reference that any faster
    canonicalizer must equal byte for byte.
    """
    expanded = expand(document, strict=strict)
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": document_loader}
    try:
        if hash_algorithm == "sha384":
            dataset = pyld.to_rdf(expanded, {"documentLoader": document_loader, "produceGeneralizedRdf": False})
            return str(_Rdfc10Sha384().main(dataset, options))
        nquads: str = pyld.normalize(expanded, options)
    except pyld.JsonLdError as exc:
        raise _translate(exc) from exc
    return nquads
