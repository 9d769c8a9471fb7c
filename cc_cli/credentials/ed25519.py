"""Ed25519 signatures through libsodium (PyNaCl), with OpenSSL (cryptography) keeping the last word.

Why: on this project's machine libsodium signs in 15 µs where OpenSSL takes 25 µs, and verifies in 41 µs where
OpenSSL takes 84 µs (bench/verify.py: the signature check was a quarter of verifying an award). Both are
well-kept implementations of RFC 8032; cc calls them, it computes nothing of the signature itself.

- Signing: Ed25519 is deterministic (RFC 8032 5.1.6), so libsodium's signature of the same bytes with the
  same seed is OpenSSL's, byte for byte (tests/test_ed25519.py compares them on generated keys and messages).
- Verifying: both check the cofactorless equation [S]B = R + [k]A by comparing R's encoding; libsodium also
  refuses small-order and non-canonical points, so what it accepts, OpenSSL accepts. What libsodium refuses
  is asked of OpenSSL: every verdict is OpenSSL's, libsodium only makes the common case (a valid
  signature) cheaper. A tampered award costs both checks.

Keys stay `cryptography` objects everywhere else; their raw bytes are taken once per key object and held
only in this process's memory, as the key object itself is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

try:
    from nacl import bindings as _sodium
    from nacl.exceptions import BadSignatureError as _BadSignature
except ImportError:  # pragma: no cover - a dependency; OpenSSL gives the same results, slower
    _sodium = None  # type: ignore[assignment]

_MAX_KEYS = 256
# id(key object) -> (the object, kept so that its id is not reused; libsodium's form of it)
_SECRETS: dict[int, tuple[Any, bytes]] = {}
_PUBLICS: dict[int, tuple[Any, bytes]] = {}


def sign(private_key: Ed25519PrivateKey, data: bytes) -> bytes:
    """The 64-byte Ed25519 signature of `data`: the same bytes as `private_key.sign(data)`."""
    if _sodium is None:
        return private_key.sign(data)
    signed: bytes = _sodium.crypto_sign(data, _derived(_SECRETS, private_key, _sodium_secret))
    return signed[:64]  # crypto_sign returns signature || message


def verify(public_key: Ed25519PublicKey, signature: bytes, data: bytes) -> None:
    """Raise `InvalidSignature` unless `signature` is `public_key`'s over `data`, exactly when
    `public_key.verify(signature, data)` would (see the module docstring)."""
    if _sodium is not None and len(signature) == 64:
        try:
            _sodium.crypto_sign_open(signature + data, _derived(_PUBLICS, public_key, _raw_public))
            return
        except _BadSignature:
            pass  # OpenSSL decides: it may accept what libsodium refuses (a small-order key, say)
    public_key.verify(signature, data)


def _derived(cache: dict[int, tuple[Any, bytes]], key: Any, make: Callable[[Any], bytes]) -> bytes:
    """`make(key)`, made once per key object (by identity: the object is kept, so its id is not reused)."""
    found = cache.get(id(key))
    if found is None or found[0] is not key:
        if len(cache) >= _MAX_KEYS:
            cache.clear()
        found = cache[id(key)] = (key, make(key))
    return found[1]


def _sodium_secret(private_key: Ed25519PrivateKey) -> bytes:
    seed = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    _public, secret = _sodium.crypto_sign_seed_keypair(seed)
    return bytes(secret)


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


__all__ = ["InvalidSignature", "sign", "verify"]
