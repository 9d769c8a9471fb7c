"""cc's Ed25519 through libsodium gives OpenSSL's answers: the same signatures, the same verdicts (issue 19)."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from hypothesis import given, settings
from hypothesis import strategies as st

from cc_cli.credentials import ed25519

# RFC 8032 7.1, TEST 1 (the empty message)
RFC_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC_SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)


def openssl_accepts(public: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        public.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def cc_accepts(public: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        ed25519.verify(public, signature, data)
    except InvalidSignature:
        return False
    return True


def test_libsodium_is_in_use():
    """The speed is the point: a missing PyNaCl would silently fall back to OpenSSL."""
    assert ed25519._sodium is not None


def test_rfc8032_vector():
    key = Ed25519PrivateKey.from_private_bytes(RFC_SECRET)
    public = Ed25519PublicKey.from_public_bytes(RFC_PUBLIC)
    assert ed25519.sign(key, b"") == RFC_SIGNATURE == key.sign(b"")
    ed25519.verify(public, RFC_SIGNATURE, b"")
    with pytest.raises(InvalidSignature):
        ed25519.verify(public, RFC_SIGNATURE, b"\0")


@settings(max_examples=150, deadline=None)
@given(seed=st.binary(min_size=32, max_size=32), data=st.binary(max_size=200), flip=st.integers(0, 64 * 8 - 1))
def test_same_signatures_and_verdicts_as_openssl(seed: bytes, data: bytes, flip: int):
    key = Ed25519PrivateKey.from_private_bytes(seed)
    public = key.public_key()
    signature = ed25519.sign(key, data)
    assert signature == key.sign(data)
    assert cc_accepts(public, signature, data) and openssl_accepts(public, signature, data)
    altered = bytearray(signature)
    altered[flip // 8] ^= 1 << (flip % 8)
    assert cc_accepts(public, bytes(altered), data) == openssl_accepts(public, bytes(altered), data) is False
    assert cc_accepts(public, signature, data + b"x") is False
    assert cc_accepts(public, signature[:63], data) == openssl_accepts(public, signature[:63], data) is False


@settings(max_examples=100, deadline=None)
@given(public=st.binary(min_size=32, max_size=32), signature=st.binary(min_size=64, max_size=64))
def test_verdict_on_arbitrary_keys_and_signatures_is_openssls(public: bytes, signature: bytes):
    try:
        key = Ed25519PublicKey.from_public_bytes(public)
    except ValueError:
        return  # not a point: refused before any signature is checked
    assert cc_accepts(key, signature, b"award") == openssl_accepts(key, signature, b"award")


def test_small_order_key_gets_openssls_verdict():
    """libsodium refuses the identity point as a key; OpenSSL's equation holds for R = identity and S = 0 with any
    message. cc must say what OpenSSL says, whichever that is: libsodium only speeds up the valid case."""
    identity = (1).to_bytes(32, "little")
    key = Ed25519PublicKey.from_public_bytes(identity)
    signature = identity + bytes(32)
    for message in (b"", b"any award"):
        assert cc_accepts(key, signature, message) == openssl_accepts(key, signature, message)


def test_a_second_key_object_is_not_confused_with_the_first():
    first, second = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    assert ed25519.sign(first, b"m") == first.sign(b"m")
    assert ed25519.sign(second, b"m") == second.sign(b"m")
    with pytest.raises(InvalidSignature):
        ed25519.verify(second.public_key(), ed25519.sign(first, b"m"), b"m")
