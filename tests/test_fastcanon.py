"""cc_cli.credentials.canon must equal cc_cli.credentials.signing.canonicalize byte for byte, on many random documents."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sample_credentials import sample_award

from cc_cli.credentials import signing
from cc_cli.credentials.canon import FastCanonicalizer

VECTORS = Path(__file__).parent / "data" / "vectors"
TRICKY = [
    "",
    " ",
    'quote " and \\ backslash',
    "line\nbreak\r\nCRLF",
    "émoji 🎓 and 漢字 and \u00a0nbsp and \u2028 separator",
    "https://looks.like/an/iri",
    "ob:compact",
    "xsd:string",
    "_:b0",
    "@id",
    "urn:x-cc-slot:0",
    "\ufeffBOM",
    "tab\tinside",  # refused when strict
    "bell\x07",  # always refused
]
DIDS = [signing.did_key(Ed25519PrivateKey.generate().public_key()) for _ in range(2)]
IRIS = [
    "https://credentials.example.com/a",
    "https://credentials.example.com/b",
    "urn:uuid:6f1c0b8e-0000-4000-8000-000000000001",
    DIDS[0],
    "https://x.test/with space",  # refused: not an absolute IRI
]


def random_text(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return rng.choice(TRICKY)
    alphabet = "abcXYZ09 -_.,;:'\"\\/é漢🎓\n"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))


def random_iri(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(IRIS)  # shared ids make JSON-LD merge nodes
    return f"https://credentials.example.com/{rng.choice(['x', 'y', 'z'])}/{rng.randint(0, 10**6)}"


def random_award(rng: random.Random) -> dict[str, Any]:
    issuer = rng.choice(DIDS)
    doc = sample_award(issuer, name=random_text(rng))
    subject = doc["credentialSubject"]
    achievement = subject["achievement"]
    doc["id"] = f"urn:uuid:{rng.getrandbits(128):032x}"
    doc["validFrom"] = f"20{rng.randint(10, 39)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T0{rng.randint(0, 9)}:00:00Z"
    achievement.update(id=random_iri(rng), name=random_text(rng), description=random_text(rng))
    achievement["criteria"]["narrative"] = random_text(rng)
    achievement["achievementType"] = rng.choice(["Badge", "Certificate", "Certification"])
    achievement["creator"]["id"] = rng.choice([issuer, random_iri(rng)])
    identity = subject["identifier"][0]
    identity.update(identityHash=f"sha256${rng.getrandbits(256):064x}", salt=random_text(rng))
    if rng.random() < 0.3:  # two identical blank nodes: first-degree hashes collide
        subject["identifier"].append(dict(identity))
    evidence = doc["evidence"][0]
    evidence.update(id=random_iri(rng), narrative=random_text(rng))
    if rng.random() < 0.3:
        evidence.pop("id")  # evidence becomes a blank node
        if rng.random() < 0.5:
            doc["evidence"].append(dict(evidence))
    if rng.random() < 0.3:
        doc.pop("validUntil")
    if rng.random() < 0.2:
        doc["credentialStatus"]["statusListIndex"] = str(rng.randint(0, 10**6))
    if rng.random() < 0.05:
        achievement["level"] = "undefined term"  # refused by the guard
    return doc


def canon_or_error(canon: Any, doc: dict[str, Any]) -> str:
    try:
        return str(canon(doc))
    except signing.SigningError as exc:
        return f"SigningError: {exc}"


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("strict", [True, False])
def test_fast_equals_pyld_on_random_awards(seed: int, strict: bool) -> None:
    rng = random.Random(seed)
    fast = FastCanonicalizer(strict=strict)
    for _ in range(60):
        doc = random_award(rng)
        snapshot = json.dumps(doc)
        expected = canon_or_error(lambda d: signing.canonicalize(d, strict=strict), doc)
        assert canon_or_error(fast, doc) == expected, snapshot
        assert json.dumps(doc) == snapshot, "canonicalizers must not modify the document"
    assert fast.fast_hits >= 20, (fast.fast_hits, fast.slow_calls)


@pytest.mark.parametrize("name", ["obv3p0", "clrv2p0"])
def test_fast_reproduces_the_test_vectors(name: str) -> None:
    doc = json.loads((VECTORS / name / "credential.json").read_text())
    fast = FastCanonicalizer()
    for _ in range(2):  # compile, then served from the template (or the slow path for CLR's graph)
        assert fast(doc).encode() == (VECTORS / name / "document-canon.txt").read_bytes()


def test_batch_uses_the_template_and_signatures_verify() -> None:
    key = Ed25519PrivateKey.generate()
    method = signing.verification_method_id(key.public_key())
    fast = FastCanonicalizer()
    rng = random.Random(99)
    for n in range(50):
        doc = sample_award(signing.did_key(key.public_key()), name=f"Award {n}: {random_text(rng)!r}")
        doc["credentialSubject"]["identifier"][0]["salt"] = f"{rng.getrandbits(64):016x}"
        signed = signing.sign(doc, key, method, "2025-01-15T00:00:00Z", canon=fast)
        assert signing.verify(signed).ok
        assert signed == signing.sign(doc, key, method, "2025-01-15T00:00:00Z")  # Ed25519 is deterministic
    assert fast.slow_calls == 0 and fast.fast_hits >= 50


def test_values_the_template_cannot_take_fall_back_or_raise() -> None:
    issuer = signing.did_key(Ed25519PrivateKey.generate().public_key())
    fast = FastCanonicalizer()
    fast(sample_award(issuer))
    other_scheme = sample_award(issuer)
    other_scheme["credentialSubject"]["achievement"]["id"] = "urn:uuid:7d0a0000-0000-4000-8000-000000000000"
    assert fast(other_scheme) == signing.canonicalize(other_scheme)  # compiles a second template
    spaced = sample_award(issuer)
    spaced["credentialSubject"]["achievement"]["image"]["id"] = "https://x.test/a b.png"
    with pytest.raises(signing.SigningError, match="not an absolute IRI"):
        fast(spaced)
    assert fast.slow_calls == 1
    with pytest.raises(signing.SigningError, match="U\\+0007"):
        fast(sample_award(issuer, name="bell\x07"))
    with pytest.raises(signing.SigningError, match="'nmae'"):
        fast({**sample_award(issuer), "nmae": "typo"})


@pytest.mark.parametrize("frozen_shared", [False, True])
def test_a_filled_quad_equal_to_a_fixed_one_is_written_once(frozen_shared: bool) -> None:
    """A dataset is a set: an award whose id and name are its achievement's makes the quad `<id> name "..."`
    both from the award (filled per award) and from the achievement (fixed in the template), and RDFC-1.0 writes
    it once. The template must drop the filled copy as pyld does."""
    issuer = signing.did_key(Ed25519PrivateKey.generate().public_key())
    fast = FastCanonicalizer(frozen_shared=frozen_shared)
    fast(sample_award(issuer))  # compiles the template from an ordinary award
    same = sample_award(issuer)
    achievement = same["credentialSubject"]["achievement"]
    same["id"], same["name"] = achievement["id"], achievement["name"]
    expected = signing.canonicalize(same)
    assert expected.count(f"<{achievement['id']}> <https://schema.org/name> ") == 1
    assert fast(same) == expected
    assert fast.fast_hits == 2 and fast.slow_calls == 0
