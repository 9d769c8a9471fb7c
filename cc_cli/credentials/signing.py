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
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache, partial
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from cc_cli.core.problems import UsageError
from cc_cli.core.stamps import utc_stamp
from cc_cli.credentials import jsonld

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

    def __init__(self, message: str, term: str | None = None) -> None:
        super().__init__(message)
        self.term = term


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """Outcome of `verify`: `ok` and a one-line `reason` fit to print."""

    ok: bool
    reason: str


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


def canonicalize(document: Mapping[str, Any], *, strict: bool = True) -> str:
    """RDFC-1.0 canonical N-Quads of `document`, refusing terms the signature would not cover.

    Raises `SigningError` (with `.term`) when a term or type is undefined, and
    `cc_cli.credentials.jsonld.ContextNotBundledError` for a context that is not bundled.
    """
    try:
        return jsonld.canonical_nquads(document, strict=strict)
    except jsonld.UnsafeJsonLdError as exc:
        raise SigningError(f"refusing to sign: {exc}", exc.term) from exc


# Verification accepts issuer-dependent terms and tabs (legal in other issuers' credentials).
_canonicalize_lenient: Canonicalizer = partial(canonicalize, strict=False)


def _normalize_created(created: datetime | str) -> str:
    if isinstance(created, datetime):
        if created.tzinfo is None:
            raise SigningError("proof `created` must be timezone-aware")
        return utc_stamp(created)
    if not _DATE_TIME_STAMP.match(created):
        raise SigningError(f"proof `created` {created!r} is not an XML Schema dateTimeStamp")
    return created


@lru_cache(maxsize=256)
def _proof_config_hash(config_json: str, canon: Canonicalizer) -> bytes:
    return hashlib.sha256(canon(json.loads(config_json)).encode("utf-8")).digest()


def hash_data(
    document: Mapping[str, Any], proof_options: Mapping[str, Any], canon: Canonicalizer = canonicalize
) -> bytes:
    """``sha256(canonical proof config) || sha256(canonical document)``: the bytes Ed25519 signs.

    `document` has no ``proof``; `proof_options` has no ``proofValue``. The proof configuration gets the
    document's ``@context`` so that its terms expand the same way (vc-di-eddsa §3.3.5).
    """
    config = {**proof_options, "@context": document.get("@context")}
    config_hash = _proof_config_hash(json.dumps(config, sort_keys=True), canon)
    return config_hash + hashlib.sha256(canon(document).encode("utf-8")).digest()


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
    signature = private_key.sign(hash_data(document, proof, canon))
    return {**document, "proof": [{**proof, "proofValue": multibase_encode(signature)}]}


def verify(
    signed: Mapping[str, Any],
    *,
    public_key: Ed25519PublicKey | None = None,
    canon: Canonicalizer | None = None,
) -> VerifyResult:
    """Check every eddsa-rdfc-2022 proof on `signed`; never raises for a bad document.

    The key comes from the did:key verification method, or from `public_key` when given (for a
    verification method that is not a did:key, such as the 1EdTech test vector's https URL).
    """
    proofs = signed.get("proof")
    if proofs is None:
        return VerifyResult(False, "no proof: the credential is not signed")
    proof_list = proofs if isinstance(proofs, list) else [proofs]
    if not proof_list:
        return VerifyResult(False, "no proof: the credential is not signed")
    document = {k: v for k, v in signed.items() if k != "proof"}
    canon = canon or _canonicalize_lenient
    for proof in proof_list:
        result = _verify_proof(document, proof, public_key, canon)
        if not result.ok:
            return result
    return result


def _verify_proof(
    document: dict[str, Any], proof: Any, public_key: Ed25519PublicKey | None, canon: Canonicalizer
) -> VerifyResult:
    if not isinstance(proof, dict):
        return VerifyResult(False, "proof is not a JSON object")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        found = f"{proof.get('type')}/{proof.get('cryptosuite')}"
        return VerifyResult(False, f"unsupported proof {found}; cc verifies {PROOF_TYPE}/{CRYPTOSUITE}")
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        return VerifyResult(False, f"proofPurpose is {proof.get('proofPurpose')!r}, not {PROOF_PURPOSE!r}")
    method = proof.get("verificationMethod")
    value = proof.get("proofValue")
    if not isinstance(method, str) or not isinstance(value, str):
        return VerifyResult(False, "proof lacks a verificationMethod or proofValue string")
    created = proof.get("created")
    if created is not None and not (isinstance(created, str) and _DATE_TIME_STAMP.match(created)):
        return VerifyResult(False, f"proof created {created!r} is not an XML Schema dateTimeStamp")
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in options:  # vc-di-eddsa §3.3.2: the document's context must start with it
        proof_ctx = _as_list(options.pop("@context"))
        if _as_list(document.get("@context"))[: len(proof_ctx)] != proof_ctx:
            return VerifyResult(False, "proof @context does not match the start of the document @context")
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    controller = method.partition("#")[0]
    if issuer_id is not None and issuer_id != controller:
        return VerifyResult(False, f"signed by {controller}, but the issuer is {issuer_id}")
    try:
        key = public_key or public_key_from_did_key(method)
        signature = multibase_decode(value)
        data = hash_data(document, options, canon)
    except (UsageError, ValueError) as exc:
        return VerifyResult(False, str(exc))
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return VerifyResult(False, "signature does not match: the credential was altered or signed by another key")
    return VerifyResult(True, f"valid {CRYPTOSUITE} signature by {controller}")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
