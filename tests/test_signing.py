"""cc_cli.credentials.signing, cc_cli.credentials.jsonld and cc_cli.credentials.keys: the 1EdTech test vectors, round trips, the guard, keys."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import stat
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sample_credentials import sample_award

from cc_cli.core.problems import UsageError
from cc_cli.credentials import jsonld, keys, signing

VECTORS = Path(__file__).parent / "data" / "vectors"
SHARED_VECTORS = Path(__file__).parents[1].parent / "shared" / "standards" / "test-vectors"
VECTOR_NAMES = ["obv3p0", "clrv2p0"]
OB_EXPECTED = json.loads((VECTORS / "obv3p0" / "expected.json").read_text())
VECTOR_KEY = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(OB_EXPECTED["privateKeyHex"])[:32])


def load_vector(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    folder = VECTORS / name
    return json.loads((folder / "credential.json").read_text()), json.loads((folder / "expected.json").read_text())


def proof_options(expected: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "DataIntegrityProof",
        "created": expected["created"],
        "verificationMethod": expected["verificationMethod"],
        "cryptosuite": "eddsa-rdfc-2022",
        "proofPurpose": "assertionMethod",
    }


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def award(key: Ed25519PrivateKey) -> dict[str, Any]:
    return sample_award(signing.did_key(key.public_key()))


def sign_award(document: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    method = signing.verification_method_id(key.public_key())
    return signing.sign(document, key, method, datetime(2025, 1, 15, 9, 30, tzinfo=UTC))


# --- 1EdTech test vectors ----------------------------------------------------------------------


@pytest.mark.parametrize("name", VECTOR_NAMES)
@pytest.mark.parametrize("file", ["document-canon.txt", "proof-canon.txt"])
def test_vector_copies_match_shared_standards(name: str, file: str) -> None:
    if not SHARED_VECTORS.is_dir():
        pytest.skip("shared/standards is not beside the repository")
    assert (VECTORS / name / file).read_bytes() == (SHARED_VECTORS / name / file).read_bytes()


@pytest.mark.parametrize("name", VECTOR_NAMES)
def test_vector_document_canon_byte_for_byte(name: str) -> None:
    credential, expected = load_vector(name)
    canon = signing.canonicalize(credential)
    assert canon.encode() == (VECTORS / name / "document-canon.txt").read_bytes()
    assert hashlib.sha256(canon.encode()).hexdigest() == expected["documentHashHex"]


@pytest.mark.parametrize("name", VECTOR_NAMES)
def test_vector_proof_canon_byte_for_byte(name: str) -> None:
    credential, expected = load_vector(name)
    config = {**proof_options(expected), "@context": credential["@context"]}
    canon = signing.canonicalize(config)
    assert canon.encode() == (VECTORS / name / "proof-canon.txt").read_bytes()
    assert hashlib.sha256(canon.encode()).hexdigest() == expected["proofHashHex"]


@pytest.mark.parametrize("name", VECTOR_NAMES)
def test_vector_signature_and_proof_value(name: str) -> None:
    credential, expected = load_vector(name)
    data = signing.hash_data(credential, proof_options(expected))
    assert data.hex() == expected["proofHashHex"] + expected["documentHashHex"]
    assert VECTOR_KEY.sign(data).hex() == expected["signatureHex"]
    signed = signing.sign(credential, VECTOR_KEY, expected["verificationMethod"], expected["created"])
    assert signed["proof"] == [{**proof_options(expected), "proofValue": expected["proofValue"]}]
    assert list(signed["proof"][0]) == [*proof_options(expected), "proofValue"]  # the guide's key order


@pytest.mark.parametrize("name", VECTOR_NAMES)
def test_vector_signed_credential_verifies_with_its_key(name: str) -> None:
    credential, expected = load_vector(name)
    signed = {**credential, "proof": {**proof_options(expected), "proofValue": expected["proofValue"]}}
    result = signing.verify(signed, public_key=VECTOR_KEY.public_key())
    assert result == signing.VerifyResult(True, f"valid eddsa-rdfc-2022 signature by {credential['issuer']['id']}")
    without_key = signing.verify(signed)  # an https verification method cannot be resolved offline
    assert not without_key.ok and "is not a did:key" in without_key.reason


def test_vector_key_encodings() -> None:
    public = VECTOR_KEY.public_key()
    assert signing.public_key_bytes(public).hex() == OB_EXPECTED["publicKeyHex"]
    assert signing.public_key_multibase(public) == OB_EXPECTED["publicKeyMultibase"]
    secret = signing.multibase_decode(OB_EXPECTED["secretKeyMultibase"])  # 0x8026 + seed + public
    assert secret.hex() == "8026" + OB_EXPECTED["privateKeyHex"]
    fingerprint = OB_EXPECTED["publicKeyMultibase"]
    assert signing.verification_method_id(public) == f"did:key:{fingerprint}#{fingerprint}"


# --- multibase and did:key ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [(b"", ""), (b"\0", "1"), (b"\0\0\x01", "112"), (b"Hello World!", "2NEpo7TZRRrLZSi2U")],
)
def test_base58btc_known_values(data: bytes, text: str) -> None:
    assert signing.base58btc_encode(data) == text
    assert signing.base58btc_decode(text) == data


def test_base58btc_round_trip_random_bytes() -> None:
    for size in range(0, 70, 7):
        data = b"\0" * (size % 3) + os.urandom(size)
        assert signing.multibase_decode(signing.multibase_encode(data)) == data


def test_did_key_resolves_offline(key: Ed25519PrivateKey) -> None:
    method = signing.verification_method_id(key.public_key())
    assert method.startswith("did:key:z6Mk")
    resolved = signing.public_key_from_did_key(method)
    assert signing.public_key_bytes(resolved) == signing.public_key_bytes(key.public_key())
    other = signing.public_key_multibase(Ed25519PrivateKey.generate().public_key())
    with pytest.raises(signing.SigningError, match="does not match"):
        signing.public_key_from_did_key(method.split("#")[0] + "#" + other)
    with pytest.raises(signing.SigningError, match="not an Ed25519 did:key"):
        signing.public_key_from_did_key("did:web:example.com#key-1")


# --- sign / verify -----------------------------------------------------------------------------


def test_sign_verify_round_trip(award: dict[str, Any], key: Ed25519PrivateKey) -> None:
    original = copy.deepcopy(award)
    signed = sign_award(award, key)
    assert award == original, "sign must not modify its input"
    proof = signed["proof"][0]
    assert proof["created"] == "2025-01-15T09:30:00Z"
    assert proof["verificationMethod"] == signing.verification_method_id(key.public_key())
    assert signing.verify(signed).ok
    assert signing.verify(json.loads(json.dumps(signed))).reason.startswith("valid eddsa-rdfc-2022")


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda d: d.update(name="Cloud Architect - Expert"), id="name"),
        pytest.param(lambda d: d.update(validFrom="2024-01-15T00:00:00Z"), id="validFrom"),
        pytest.param(lambda d: d["credentialSubject"]["achievement"].update(name="x"), id="nested"),
        pytest.param(lambda d: d["credentialSubject"]["identifier"][0].update(salt="00"), id="recipient"),
        pytest.param(lambda d: d.pop("validUntil"), id="removed-field"),
        pytest.param(lambda d: d["proof"][0].update(created="2025-01-16T09:30:00Z"), id="proof-created"),
    ],
)
def test_tampering_fails_verify(award: dict[str, Any], key: Ed25519PrivateKey, tamper: Any) -> None:
    signed = sign_award(award, key)
    tamper(signed)
    result = signing.verify(signed)
    assert not result.ok
    assert result.reason == "signature does not match: the credential was altered or signed by another key"


def test_tampered_proof_value_fails_verify(award: dict[str, Any], key: Ed25519PrivateKey) -> None:
    signed = sign_award(award, key)
    value = signed["proof"][0]["proofValue"]
    for bad in (value[:-1] + ("2" if value[-1] != "2" else "3"), value[:-2], "u" + value[1:], value + "0"):
        signed["proof"][0]["proofValue"] = bad
        assert not signing.verify(signed).ok, bad


def test_verify_rejects_other_signer_and_issuer_mismatch(award: dict[str, Any], key: Ed25519PrivateKey) -> None:
    signed = sign_award(award, key)
    mallory = Ed25519PrivateKey.generate()
    signed["proof"][0]["verificationMethod"] = signing.verification_method_id(mallory.public_key())
    result = signing.verify(signed)
    assert not result.ok and "but the issuer is" in result.reason
    forged = sign_award({**award, "issuer": {**award["issuer"], "id": signing.did_key(mallory.public_key())}}, key)
    assert not signing.verify(forged).ok


@pytest.mark.parametrize(
    ("proof", "reason"),
    [
        (None, "no proof"),
        ([], "no proof"),
        ("z123", "not a JSON object"),
        ({"type": "Ed25519Signature2020"}, "needs https://w3id.org/security/suites/ed25519-2020/v1"),
        (
            {"type": "DataIntegrityProof", "cryptosuite": "ecdsa-sd-2023"},
            "unsupported: proof DataIntegrityProof/ecdsa-sd",
        ),
        (
            {
                "type": "DataIntegrityProof",
                "cryptosuite": "eddsa-rdfc-2022",
                "proofPurpose": "authentication",
            },
            "proofPurpose",
        ),
    ],
)
def test_verify_reports_malformed_proofs(award: dict[str, Any], proof: Any, reason: str) -> None:
    document = {**award, "proof": proof} if proof is not None else award
    result = signing.verify(document)
    assert not result.ok and reason in result.reason


def test_sign_refuses_bad_input(award: dict[str, Any], key: Ed25519PrivateKey) -> None:
    method = signing.verification_method_id(key.public_key())
    with pytest.raises(signing.SigningError, match="already has a proof"):
        signing.sign(sign_award(award, key), key, method, "2025-01-15T00:00:00Z")
    with pytest.raises(signing.SigningError, match="timezone-aware"):
        signing.sign(award, key, method, datetime(2025, 1, 15))
    with pytest.raises(signing.SigningError, match="dateTimeStamp"):
        signing.sign(award, key, method, "2025-01-15")
    created = datetime(2025, 1, 15, 10, 30, 5, 123456, tzinfo=timezone(timedelta(hours=1)))
    assert signing.sign(award, key, method, created)["proof"][0]["created"] == "2025-01-15T09:30:05Z"


def test_signing_errors_are_usage_errors() -> None:
    assert issubclass(signing.SigningError, UsageError)
    assert issubclass(jsonld.ContextNotBundledError, UsageError)
    assert issubclass(keys.KeyFileError, UsageError)


# --- the safe-mode guard -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "term"),
    [
        pytest.param(lambda d: d.update(nmae="typo"), "nmae", id="unknown-term"),
        pytest.param(lambda d: d["credentialSubject"]["achievement"].update(level="x"), "level", id="nested-term"),
        pytest.param(lambda d: d["type"].append("BadgeCredential"), "BadgeCredential", id="unknown-type"),
        pytest.param(lambda d: d.update(id="award-17"), "award-17", id="relative-id"),
        pytest.param(
            lambda d: d["credentialSchema"][0].update(type="JsonSchemaValidator"),
            "JsonSchemaValidator",
            id="schema-type",
        ),
    ],
)
def test_guard_refuses_what_the_signature_would_not_cover(
    award: dict[str, Any], key: Ed25519PrivateKey, edit: Any, term: str
) -> None:
    edit(award)
    with pytest.raises(signing.SigningError) as info:
        sign_award(award, key)
    assert info.value.term == term
    assert repr(term) in str(info.value) and str(info.value).startswith("refusing to sign")


def test_guard_catches_terms_pyld_drops_under_vc_1_1(key: Ed25519PrivateKey) -> None:
    document = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": signing.did_key(key.public_key()),
        "issuanceDate": "2025-01-15T00:00:00Z",
        "credentialSubject": {"id": "did:example:1", "degree": "BSc"},
    }
    with pytest.raises(signing.SigningError, match="'degree' is not defined") as info:
        signing.canonicalize(document)
    assert info.value.term == "degree"


def test_guard_flags_issuer_dependent_terms_only_when_signing(award: dict[str, Any], key: Ed25519PrivateKey) -> None:
    award["@context"] = [*award["@context"], {"@vocab": jsonld.ISSUER_DEPENDENT}]
    award["internalCode"] = "X-17"
    with pytest.raises(signing.SigningError, match="'internalCode' is not defined by any @context"):
        sign_award(award, key)
    lenient = partial(signing.canonicalize, strict=False)
    signed = signing.sign(
        award, key, signing.verification_method_id(key.public_key()), "2025-01-15T00:00:00Z", canon=lenient
    )
    assert signing.verify(signed).ok  # legal in other issuers' credentials


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(name="Tab\there"), "U+0009"),
        (lambda d: d.update(name="bell\x07"), "U+0007"),
        (
            lambda d: d["credentialSubject"]["achievement"]["image"].update(id="https://x.test/a b.png"),
            "not an absolute IRI",
        ),
        (lambda d: d["credentialSubject"]["achievement"]["image"].update(id="https://x.test/a|b.png"), "'|'"),
    ],
)
def test_guard_refuses_values_canonicalizers_disagree_on(
    award: dict[str, Any], key: Ed25519PrivateKey, edit: Any, message: str
) -> None:
    edit(award)
    with pytest.raises(signing.SigningError, match=re.escape(message)):
        sign_award(award, key)


def test_guard_allows_newlines_quotes_and_unicode(award: dict[str, Any]) -> None:
    award["name"] = 'Über "quoted" \\ name\r\n— 漢字 🎓'
    assert '"Über \\"quoted\\" \\\\ name\\r\\n— 漢字 🎓"' in signing.canonicalize(award)


# --- offline document loader -------------------------------------------------------------------


def test_loader_refuses_unbundled_contexts(award: dict[str, Any]) -> None:
    with pytest.raises(jsonld.ContextNotBundledError, match=re.escape("https://example.com/ctx.json")):
        jsonld.document_loader("https://example.com/ctx.json")
    award["@context"].append("https://w3id.org/security/suites/jws-2020/v1")
    with pytest.raises(jsonld.ContextNotBundledError, match="never fetches"):
        signing.canonicalize(award)
    assert not signing.verify({**award, "proof": [{}]}).ok


@pytest.mark.parametrize("url", sorted(jsonld.CONTEXT_FILES))
def test_every_bundled_context_loads(url: str) -> None:
    remote = jsonld.document_loader(url)
    assert remote["documentUrl"] == url and "@context" in remote["document"]
    remote["document"]["@context"] = None
    assert jsonld.load_context(url)["@context"] is not None, "callers must not be able to corrupt the cache"


# --- key files ---------------------------------------------------------------------------------


def test_create_key_is_private_and_loads(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "issuer.key"
    info = keys.create_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["issuer.key"], "no temporary file left behind"
    content = json.loads(path.read_text())
    assert content["type"] == "Multikey" and content["controller"] == info.did
    assert content["id"] == info.verification_method == f"{info.did}#{info.public_key_multibase}"
    loaded = keys.load_key(path)
    assert keys.key_info(loaded) == info == keys.describe_key(path)


def test_create_key_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "issuer.key"
    keys.create_key(path)
    before = path.read_bytes()
    with pytest.raises(keys.KeyFileError, match="already exists"):
        keys.create_key(path)
    assert path.read_bytes() == before
    (tmp_path / "link.key").symlink_to(tmp_path / "nowhere")
    with pytest.raises(keys.KeyFileError, match="already exists"):
        keys.create_key(tmp_path / "link.key")
    (tmp_path / "keys").mkdir()
    with pytest.raises(keys.KeyFileError, match=r"is a folder: give the key's file name, for example .*issuer\.key"):
        keys.create_key(tmp_path / "keys")


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_load_key_refuses_exposed_file(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "issuer.key"
    keys.create_key(path)
    path.chmod(mode)
    with pytest.raises(keys.KeyFileError) as info:
        keys.load_key(path)
    assert f"chmod 600 {path}" in str(info.value) and f"{mode:04o}" in str(info.value)
    roster = tmp_path / "roster.csv"  # readable by others, and not a key: say so, not "chmod 600"
    roster.write_text("email,name,credential\n")
    roster.chmod(mode)
    with pytest.raises(keys.KeyFileError, match="is not a cc key file"):
        keys.load_key(roster)


def test_key_file_errors_never_reveal_the_secret(tmp_path: Path) -> None:
    path = tmp_path / "issuer.key"
    keys.create_key(path)
    content = json.loads(path.read_text())
    secret = content["secretKeyMultibase"]
    content["publicKeyMultibase"] = signing.public_key_multibase(Ed25519PrivateKey.generate().public_key())
    path.write_text(json.dumps(content))
    with pytest.raises(keys.KeyFileError, match="corrupt") as info:
        keys.load_key(path)
    assert secret not in str(info.value)
    path.write_text("not json " + secret)
    with pytest.raises(keys.KeyFileError, match="not a cc key file") as info:
        keys.load_key(path)
    assert secret not in str(info.value) and info.value.__cause__ is None
    with pytest.raises(keys.KeyFileError, match="does not exist"):
        keys.load_key(tmp_path / "missing.key")


def test_key_file_reads_digital_bazaar_64_byte_secret(tmp_path: Path) -> None:
    path = tmp_path / "vector.key"
    fingerprint = OB_EXPECTED["publicKeyMultibase"]
    multikey = {
        "type": "Multikey",
        "publicKeyMultibase": fingerprint,
        "secretKeyMultibase": OB_EXPECTED["secretKeyMultibase"],
    }
    path.write_text(json.dumps(multikey))
    path.chmod(0o600)
    assert keys.describe_key(path).did == f"did:key:{fingerprint}"
    written = keys.create_key(tmp_path / "again.key", keys.load_key(path))
    assert written.public_key_multibase == fingerprint


def test_cached_proof_configuration_hash_is_the_one_of_its_json() -> None:
    """hash_data remembers the proof configuration's hash by (options, context): each must still be the hash of
    that configuration's own canonical form, whatever came before (other options, another context, non-str)."""
    method = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    document = sample_award(method.partition("#")[0])
    base = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod"}
    variants = [
        {**base, "created": "2026-01-01T00:00:00Z", "verificationMethod": method},
        {**base, "created": "2026-01-02T00:00:00Z", "verificationMethod": method},
        {**base, "created": "2026-01-01T00:00:00Z", "verificationMethod": method, "nonce": "1"},
    ]
    contexts = [document["@context"], tuple(document["@context"])]  # a tuple: not cached (json writes it as a list)
    for _round in range(2):  # the second round is served from the cache
        for options in variants:
            for context in contexts:
                doc = {**document, "@context": list(context) if isinstance(context, tuple) else context}
                config = {**options, "@context": doc["@context"]}
                expected = hashlib.sha256(signing.canonicalize(config).encode()).digest()
                assert signing.hash_data(doc, options)[:32] == expected
