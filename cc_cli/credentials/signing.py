"""Ed25519 Data Integrity proofs (cryptosuite ``eddsa-rdfc-2022``) with ``did:key`` issuer identities.

This follows W3C "Data Integrity EdDSA Cryptosuites v1.0" §3.3 (eddsa-rdfc-2022): the signature covers
``sha256(canonical proof configuration) || sha256(canonical document)``, where both are RDFC-1.0
N-Quads and the proof configuration is the proof without ``proofValue`` but with the document's
``@context``. The 1EdTech OB 3.0 test vector reproduces byte for byte (see tests/test_signing.py).

Why ``did:key``: the issuer's identity *is* its public key, so a verifier needs no network and no
registry, and ``verify`` here resolves it offline.

Performance: ``sign`` and ``verify`` take the canonicalizer as a parameter (`Canonicalizer`), so the
batch issuer can pass a faster one (template expansion) that must equal `canonicalize` byte for byte;
the canonical proof configuration, the same for every award of a run, is hashed once and cached.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache, partial
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from cc_cli.core.problems import UsageError
from cc_cli.core.stamps import utc_stamp
from cc_cli.credentials import ed25519, jsonld

ED25519_PUB_MULTICODEC = b"\xed\x01"  # multicodec "ed25519-pub", varint 0xed
ED25519_PRIV_MULTICODEC = b"\x80\x26"  # multicodec "ed25519-priv", varint 0x1300
PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_PURPOSE = "assertionMethod"

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58_ALPHABET)}
# XML Schema dateTimeStamp: a time zone is required, or `created` would mean different instants.
_DATE_TIME_STAMP = re.compile(r"^\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")

Canonicalizer = Callable[[Mapping[str, Any]], str]
"""Document -> RDFC-1.0 canonical N-Quads. Alternatives must equal `canonicalize` byte for byte."""


class SigningError(UsageError):
    """A document, key or proof that cannot be signed or is malformed; `term` names the culprit."""

    def __init__(self, message: str, term: str | None = None, unsafe: jsonld.UnsafeJsonLdError | None = None) -> None:
        super().__init__(message)
        self.term = term
        # the JSON-LD safe-mode refusal behind it, kept here: compiled (setup.py), `raise ... from` sets no cause
        self.unsafe = unsafe


@dataclass(frozen=True, slots=True)
class ProofVerdict:
    """One proof of a proof set: `status` is ok, fail or unsupported (a type cc does not implement)."""

    label: str  # "DataIntegrityProof/eddsa-rdfc-2022", "Ed25519Signature2020", ...
    status: str
    reason: str
    controller: str | None = None  # who signed it, when the signature verified


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """Outcome of `verify`: `ok` and a one-line `reason` fit to print. `unsupported`: no proof is of a type
    cc implements, which is not the same as a bad signature. `proofs`: each proof's own verdict."""

    ok: bool
    reason: str
    unsupported: bool = False
    proofs: tuple[ProofVerdict, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class ResolvedKey:
    """A verification method resolved to its Ed25519 key and the controller that lists it."""

    public_key: Ed25519PublicKey | ec.EllipticCurvePublicKey  # Ed25519, or P-256/P-384 for ecdsa-rdfc-2019
    controller: str


class KeyNotResolved(ValueError):
    """A verification method cc could not resolve (a did:web offline, an unknown DID method...)."""


KeyResolver = Callable[[str], ResolvedKey]
"""Verification method id -> its key and controller; raises `KeyNotResolved` with a reason fit to print."""


# --- multibase / multicodec -------------------------------------------------------------------


def base58btc_encode(data: bytes) -> str:
    """Bitcoin base58 (leading zero bytes become '1'), as multibase 'z' requires.

    Ten digits per division of the big number (58**10 fits in 64 bits), two per small division (a table of
    the 3,364 digit pairs): a 64-byte signature takes 9 + 45 divisions instead of 88, a third of the time."""
    number = int.from_bytes(data, "big")
    pairs = []
    while number:
        number, chunk = divmod(number, _B58_CHUNK)
        for _ in range(5):
            chunk, rem = divmod(chunk, 3364)
            pairs.append(_B58_PAIRS[rem])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(pairs)).lstrip("1")  # lstrip: the last chunk's padding


_B58_CHUNK = 58**10
_B58_PAIRS = [a + b for a in _B58_ALPHABET for b in _B58_ALPHABET]  # 58 * high + low -> "high low"


def base58btc_decode(text: str) -> bytes:
    """Inverse of `base58btc_encode`; raises `SigningError` on a character outside the alphabet."""
    number = 0
    for char in text:
        if char not in _B58_INDEX:
            raise SigningError(f"invalid base58btc character {char!r}")
        number = number * 58 + _B58_INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


def multibase_encode(data: bytes) -> str:
    """Multibase base58btc: 'z' + base58btc."""
    return "z" + base58btc_encode(data)


def multibase_decode(text: str) -> bytes:
    """Decode a multibase base58btc string; other multibase encodings are not used by these suites."""
    if not text.startswith("z"):
        raise SigningError(f"expected a base58btc multibase value starting with 'z', got {text[:8]!r}")
    return base58btc_decode(text[1:])


def public_key_bytes(public_key: Ed25519PublicKey) -> bytes:
    """The raw 32-byte Ed25519 public key."""
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_key_multibase(public_key: Ed25519PublicKey) -> str:
    """Multikey ``publicKeyMultibase``: 'z6Mk…' (multicodec ed25519-pub + 32 key bytes)."""
    return multibase_encode(ED25519_PUB_MULTICODEC + public_key_bytes(public_key))


def public_key_from_multibase(text: str) -> Ed25519PublicKey:
    """Parse a 'z6Mk…' Ed25519 Multikey public key."""
    raw = multibase_decode(text)
    if not raw.startswith(ED25519_PUB_MULTICODEC) or len(raw) != 34:
        raise SigningError(f"{text[:16]}… is not an Ed25519 public key (multicodec 0xed01 + 32 bytes)")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


# Multikey headers of the NIST curves ecdsa-rdfc-2019 uses: multicodec p256-pub 0x1200 and p384-pub 0x1201
# (varints), then the compressed point.
EC_MULTICODECS: dict[bytes, tuple[ec.EllipticCurve, int]] = {
    b"\x80\x24": (ec.SECP256R1(), 33),
    b"\x81\x24": (ec.SECP384R1(), 49),
}


def any_public_key_from_multibase(text: str) -> Ed25519PublicKey | ec.EllipticCurvePublicKey:
    """A Multikey public key of any type cc verifies: Ed25519 ('z6Mk…'), P-256 ('zDn…'), P-384 ('z82…')."""
    raw = multibase_decode(text)
    for header, (curve, size) in EC_MULTICODECS.items():
        if raw.startswith(header):
            if len(raw) != 2 + size:
                raise SigningError(f"{text[:16]}… is not a compressed {curve.name} point")
            try:
                return ec.EllipticCurvePublicKey.from_encoded_point(curve, raw[2:])
            except ValueError:
                raise SigningError(f"{text[:16]}… is not a point on {curve.name}") from None
    return public_key_from_multibase(text)


def did_key(public_key: Ed25519PublicKey) -> str:
    """The ``did:key`` DID of an Ed25519 public key."""
    return "did:key:" + public_key_multibase(public_key)


def verification_method_id(public_key: Ed25519PublicKey) -> str:
    """The did:key verification method id, ``did:key:z6Mk…#z6Mk…``, to put in a proof."""
    fingerprint = public_key_multibase(public_key)
    return f"did:key:{fingerprint}#{fingerprint}"


def public_key_from_did_key(did_or_method: str) -> Ed25519PublicKey:
    """Resolve a did:key DID or verification method id offline (the key is in the identifier)."""
    did, _, fragment = did_or_method.partition("#")
    if not did.startswith("did:key:z6Mk"):
        raise SigningError(f"{did_or_method!r} is not an Ed25519 did:key; cc resolves only did:key offline")
    fingerprint = did[len("did:key:") :]
    if fragment and fragment != fingerprint:
        raise SigningError(f"verification method fragment #{fragment} does not match did:key {fingerprint}")
    return public_key_from_multibase(fingerprint)


# --- canonicalization and hashing --------------------------------------------------------------


def canonicalize(document: Mapping[str, Any], *, strict: bool = True, hash_algorithm: str = "sha256") -> str:
    """RDFC-1.0 canonical N-Quads of `document`, refusing terms the signature would not cover.

    Raises `SigningError` (with `.term`) when a term or type is undefined, and
    `cc_cli.credentials.jsonld.ContextNotBundledError` for a context that is not bundled.
    """
    try:
        return jsonld.canonical_nquads(document, strict=strict, hash_algorithm=hash_algorithm)
    except jsonld.UnsafeJsonLdError as exc:
        raise SigningError(f"refusing to sign: {exc}", exc.term, exc) from exc


# Verification accepts issuer-dependent terms and tabs (legal in other issuers' credentials).
_canonicalize_lenient: Canonicalizer = partial(canonicalize, strict=False)
# ecdsa-rdfc-2019 with P-384 runs RDFC-1.0 with SHA-384 too (the fast canonicalizer is SHA-256 only)
_canonicalize_lenient_384: Canonicalizer = partial(canonicalize, strict=False, hash_algorithm="sha384")


def _normalize_created(created: datetime | str) -> str:
    if isinstance(created, datetime):
        if created.tzinfo is None:
            raise SigningError("proof `created` must be timezone-aware")
        return utc_stamp(created)
    if not _DATE_TIME_STAMP.match(created):
        raise SigningError(f"proof `created` {created!r} is not an XML Schema dateTimeStamp")
    return created


@lru_cache(maxsize=256)
def _proof_config_hash(config_json: str, canon: Canonicalizer, algorithm: str = "sha256") -> bytes:
    return hashlib.new(algorithm, canon(json.loads(config_json)).encode("utf-8")).digest()


def hash_data(
    document: Mapping[str, Any],
    proof_options: Mapping[str, Any],
    canon: Canonicalizer = canonicalize,
    algorithm: str = "sha256",
) -> bytes:
    """``sha256(canonical proof config) || sha256(canonical document)``: the bytes Ed25519 signs
    (ecdsa-rdfc-2019 with P-384 hashes both with sha384 instead).

    `document` has no ``proof``; `proof_options` has no ``proofValue``. The proof configuration gets the
    document's ``@context`` so that its terms expand the same way (vc-di-eddsa §3.3.5).
    """
    context = document.get("@context")
    key = _config_key(proof_options, context)
    config_hash = None if key is None else _CONFIG_HASHES.get((key, canon, algorithm))
    if config_hash is None:
        config = {**proof_options, "@context": context}
        config_hash = _proof_config_hash(json.dumps(config, sort_keys=True), canon, algorithm)
        if key is not None:
            if len(_CONFIG_HASHES) >= 256:
                _CONFIG_HASHES.clear()
            _CONFIG_HASHES[(key, canon, algorithm)] = config_hash
    text = canon(document).encode("utf-8")
    return config_hash + (hashlib.sha256(text) if algorithm == "sha256" else hashlib.new(algorithm, text)).digest()


# (proof options, context) -> the proof configuration's hash, for options and contexts made of strings only:
# every award of a run has the same proof options (one `created`), and the JSON text `_proof_config_hash` is
# keyed on cost a tenth of signing an award.
_CONFIG_HASHES: dict[tuple[Any, Canonicalizer, str], bytes] = {}


def _config_key(proof_options: Mapping[str, Any], context: Any) -> tuple[Any, ...] | None:
    """A hashable key equal for two (options, context) only when their JSON is, or None (then the JSON is
    the key): the options' items when every key and value is a `str`, the context when it is a `str` or a
    list of `str` (`type(...) is`, not isinstance: a subclass may write other JSON)."""
    items = tuple(proof_options.items())
    for k, v in items:  # a loop, not all() of a generator: this runs for every award
        if type(k) is not str or type(v) is not str:
            return None
    contexts: tuple[str, ...] | str
    if type(context) is str:
        contexts = context
    elif type(context) is list and all(type(c) is str for c in context):
        contexts = tuple(context)
    else:
        return None
    return items, contexts  # in the options' order: two orders of equal options only make two entries


# --- sign and verify ---------------------------------------------------------------------------


def sign(
    document: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime | str,
    *,
    canon: Canonicalizer = canonicalize,
) -> dict[str, Any]:
    """Return a copy of `document` with an eddsa-rdfc-2022 ``DataIntegrityProof`` for assertionMethod.

    `verification_method` is normally ``verification_method_id(public key)``; `created` is a timezone-
    aware datetime (written as UTC seconds) or a dateTimeStamp string kept as is. ``proof`` is written
    as a one-element list because the 1EdTech AchievementCredential JSON Schema requires an array (the
    signature does not depend on it: the proof is removed before hashing).
    """
    if "proof" in document:
        raise SigningError("document already has a proof; cc signs unsigned documents only")
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "created": _normalize_created(created),
        "verificationMethod": verification_method,
        "cryptosuite": CRYPTOSUITE,
        "proofPurpose": PROOF_PURPOSE,
    }
    signature = ed25519.sign(private_key, hash_data(document, proof, canon))  # private_key.sign's bytes, faster
    return {**document, "proof": [{**proof, "proofValue": multibase_encode(signature)}]}


OK, FAIL, UNSUPPORTED = "ok", "fail", "unsupported"
ECDSA_RDFC_2019 = "ecdsa-rdfc-2019"  # P-256 or P-384 keys, through cryptography's ECDSA
EDDSA_JCS_2022 = "eddsa-jcs-2022"  # Ed25519 over RFC 8785 canonical JSON (the rfc8785 package)
ED25519_2020 = "Ed25519Signature2020"
ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"


def resolve_did_key(method: str) -> ResolvedKey:
    """The default `KeyResolver`: did:key only, offline (the key is the identifier): Ed25519, P-256, P-384."""
    if not method.startswith("did:key:"):
        raise KeyNotResolved(f"{method} is not a did:key; cc resolves others only with --documents or --online")
    did, _, fragment = method.partition("#")
    fingerprint = did[len("did:key:") :]
    if fragment and fragment != fingerprint:
        raise KeyNotResolved(f"verification method fragment #{fragment} does not match did:key {fingerprint}")
    try:
        return ResolvedKey(any_public_key_from_multibase(fingerprint), did)
    except (UsageError, ValueError) as exc:
        raise KeyNotResolved(str(exc)) from None


def verify(
    signed: Mapping[str, Any],
    *,
    public_key: Ed25519PublicKey | None = None,
    canon: Canonicalizer | None = None,
    resolve: KeyResolver | None = None,
) -> VerifyResult:
    """Check every proof on `signed` (eddsa-rdfc-2022 and Ed25519Signature2020); never raises for a bad
    document. A proof set verifies when every proof of a type cc implements verifies and at least one is by
    the issuer; a proof of another type beside a valid one is noted, and alone it makes the result
    "unsupported", never "invalid signature" (cc cannot say the signature is bad).

    The key comes from `resolve` (default: did:key, offline), or from `public_key` when given (for a
    verification method that is not a did:key, such as the 1EdTech test vector's https URL).
    """
    proofs = signed.get("proof")
    proof_list = proofs if isinstance(proofs, list) else [proofs] if proofs is not None else []
    if not proof_list:
        return VerifyResult(False, "no proof: the credential is not signed")
    document = dict(signed)
    del document["proof"]  # a copy less its proof, keys in order (a third of a comprehension's time)
    canon = canon or _canonicalize_lenient
    resolver: KeyResolver = (
        (lambda method: ResolvedKey(public_key, method.partition("#")[0]))
        if public_key
        else (resolve or resolve_did_key)
    )
    # A lone proof must be the issuer's: say so before any hashing (in a set, another proof may be)
    lone_issuer = _issuer_of(document) if len(proof_list) == 1 else None
    verdicts = tuple(_verify_proof(document, proof, resolver, canon, lone_issuer) for proof in proof_list)
    return _proof_set(verdicts, _issuer_of(document))


def _proof_set(verdicts: tuple[ProofVerdict, ...], issuer: Any) -> VerifyResult:
    """The verdict of a proof set: every proof cc implements must verify, one of them by the issuer."""
    many = len(verdicts) > 1
    for number, verdict in enumerate(verdicts, 1):
        if verdict.status == FAIL:
            where = f"proof {number} of {len(verdicts)} ({verdict.label}): " if many else ""
            return VerifyResult(False, where + verdict.reason, proofs=verdicts)
    checked = [v for v in verdicts if v.status == OK]
    unknown = [v for v in verdicts if v.status == UNSUPPORTED]
    if not checked:
        reasons = "; ".join(dict.fromkeys(v.reason for v in unknown))
        return VerifyResult(False, f"unsupported: {reasons}", unsupported=True, proofs=verdicts)
    by_issuer = [v for v in checked if v.controller == issuer]
    if issuer is not None and not by_issuer:
        signers = ", ".join(sorted({str(v.controller) for v in checked}))
        return VerifyResult(False, f"signed by {signers}, but the issuer is {issuer}", proofs=verdicts)
    reason = "; ".join(v.reason for v in checked)
    if unknown:
        reason += "; not checked (unsupported): " + ", ".join(v.label for v in unknown)
    return VerifyResult(True, reason, proofs=verdicts)


def _issuer_of(document: Mapping[str, Any]) -> Any:
    issuer = document.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def _label(proof: Mapping[str, Any]) -> str:
    kind, suite = proof.get("type"), proof.get("cryptosuite")
    return f"{kind}/{suite}" if suite is not None else str(kind)


def _verify_proof(
    document: dict[str, Any], proof: Any, resolve: KeyResolver, canon: Canonicalizer, issuer: Any = None
) -> ProofVerdict:
    if not isinstance(proof, dict):
        return ProofVerdict("?", FAIL, "proof is not a JSON object")
    label = _label(proof)
    kind = proof.get("type")
    if kind == PROOF_TYPE and proof.get("cryptosuite") in (CRYPTOSUITE, ECDSA_RDFC_2019, EDDSA_JCS_2022):
        suite = str(proof["cryptosuite"])
    elif kind == ED25519_2020 and "cryptosuite" not in proof:
        suite = ED25519_2020
        if ED25519_2020_CONTEXT not in _as_list(document.get("@context")):
            # jsonld-signatures refuses it too: without that context the proof's terms do not expand
            return ProofVerdict(label, FAIL, f"an {ED25519_2020} proof needs {ED25519_2020_CONTEXT} in the @context")
    else:
        return ProofVerdict(
            label,
            UNSUPPORTED,
            f"proof {label} is not one cc implements ({PROOF_TYPE} with {CRYPTOSUITE}, {ECDSA_RDFC_2019} or "
            f"{EDDSA_JCS_2022}; {ED25519_2020})",
        )
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        return ProofVerdict(label, FAIL, f"proofPurpose is {proof.get('proofPurpose')!r}, not {PROOF_PURPOSE!r}")
    method = proof.get("verificationMethod")
    value = proof.get("proofValue")
    if not isinstance(method, str) or not isinstance(value, str):
        return ProofVerdict(label, FAIL, "proof lacks a verificationMethod or proofValue string")
    created = proof.get("created")
    if created is not None and not (isinstance(created, str) and _DATE_TIME_STAMP.match(created)):
        return ProofVerdict(label, FAIL, f"proof created {created!r} is not an XML Schema dateTimeStamp")
    options = dict(proof)
    del options["proofValue"]  # a string, checked above
    proof_ctx: list[Any] | None = None
    if "@context" in options:  # vc-di-eddsa §3.3.2: the document's context must start with it
        proof_ctx = _as_list(options.pop("@context"))
        if _as_list(document.get("@context"))[: len(proof_ctx)] != proof_ctx:
            return ProofVerdict(label, FAIL, "proof @context does not match the start of the document @context")
    # (an https method without a fragment may be a key document at its own URL: its controller is known
    # only once it is resolved)
    key_document = method.startswith("https://") and "#" not in method
    if issuer is not None and not key_document and issuer != method.partition("#")[0]:
        return ProofVerdict(label, FAIL, f"signed by {method.partition('#')[0]}, but the issuer is {issuer}")
    try:
        resolved = resolve(method)
    except KeyNotResolved as unresolved:
        return ProofVerdict(label, FAIL, f"key not resolved: {unresolved}")
    key = resolved.public_key
    if (suite == ECDSA_RDFC_2019) != isinstance(key, ec.EllipticCurvePublicKey):
        kind_of_key = "a P-256/P-384" if isinstance(key, ec.EllipticCurvePublicKey) else "an Ed25519"
        return ProofVerdict(label, FAIL, f"{method} is {kind_of_key} key, which {suite} does not use")
    # ecdsa-rdfc-2019 hashes with the curve's own size: sha256 for P-256, sha384 for P-384
    algorithm = "sha384" if isinstance(key, ec.EllipticCurvePublicKey) and key.curve.key_size == 384 else "sha256"
    if algorithm == "sha384":
        canon = _canonicalize_lenient_384
    try:
        signature = multibase_decode(value)
        if suite == EDDSA_JCS_2022:
            problem = _jcs_safe_mode(document, options)
            if problem:
                return ProofVerdict(label, FAIL, problem)
            data = _jcs_hash_data(document, options, proof_ctx)
        else:
            data = hash_data(document, options, canon, algorithm)
    except SigningError as exc:
        # canonicalize words it for signing; here it is JSON-LD safe mode refusing what no signature covers
        reason = f"JSON-LD safe mode: {exc.unsafe}" if exc.unsafe is not None else str(exc)
        return ProofVerdict(label, FAIL, reason)
    except (UsageError, ValueError) as refused:
        return ProofVerdict(label, FAIL, str(refused))
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            _verify_ecdsa(key, signature, data, algorithm)
        else:
            ed25519.verify(key, signature, data)  # key.verify's verdict, faster for a valid signature
    except InvalidSignature:
        return ProofVerdict(
            label, FAIL, "signature does not match: the credential was altered or signed by another key"
        )
    return ProofVerdict(label, OK, f"valid {suite} signature by {resolved.controller}", resolved.controller)


def _jcs_safe_mode(document: dict[str, Any], options: dict[str, Any]) -> str | None:
    """JSON-LD safe mode for eddsa-jcs-2022, as the RDFC suites get it from canonicalization: the document
    and its proof options are expanded with the bundled contexts (never fetched), and a term or type that does
    not expand, or a relative IRI, is the reason the proof fails. JCS signs the JSON bytes, so such a term is
    signed, but the credential's contexts give it no meaning a reader of the JSON-LD could rely on."""
    config = {**options, "@context": document.get("@context")}
    for what, part in (("the credential", document), ("the proof", config)):
        try:
            jsonld.expand(part, strict=False, rdfc=False)
        except jsonld.UnsafeJsonLdError as exc:
            if exc.term is None:
                return f"JSON-LD safe mode: in {what}, {exc}"
            return (
                f"JSON-LD safe mode: in {what}, {exc.term!r} does not expand to an IRI in the @context "
                f"({EDDSA_JCS_2022} signs it, but no context cc bundles says what it means)"
            )
    return None


def _jcs_hash_data(document: dict[str, Any], options: dict[str, Any], proof_ctx: list[Any] | None) -> bytes:
    """eddsa-jcs-2022 (vc-di-eddsa §3.4): sha256(JCS(proof config)) || sha256(JCS(document)), RFC 8785
    canonical JSON, no JSON-LD; with a proof @context, the document is hashed with that context (§3.4.2)."""
    import rfc8785

    unsecured = {**document, "@context": proof_ctx} if proof_ctx is not None else document
    config = {**options, "@context": unsecured["@context"]} if "@context" in unsecured else options
    try:
        return hashlib.sha256(rfc8785.dumps(config)).digest() + hashlib.sha256(rfc8785.dumps(unsecured)).digest()
    except (rfc8785.CanonicalizationError, ValueError, TypeError) as exc:
        raise SigningError(f"not canonical JSON (RFC 8785): {exc}") from None


def _verify_ecdsa(key: ec.EllipticCurvePublicKey, signature: bytes, data: bytes, algorithm: str) -> None:
    """ECDSA over `data` (hashed again by the signature scheme, as WebCrypto does); the proofValue holds
    r || s (IEEE P1363), which `cryptography` wants DER-encoded. InvalidSignature when it does not verify."""
    half = (key.curve.key_size + 7) // 8
    if len(signature) != 2 * half:
        raise InvalidSignature
    r, s = int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big")
    digest = hashes.SHA384() if algorithm == "sha384" else hashes.SHA256()
    key.verify(encode_dss_signature(r, s), data, ec.ECDSA(digest))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
