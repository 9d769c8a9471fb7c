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
_SECRETS: dict[int, tuple[Ed25519PrivateKey, bytes]] = {}
_PUBLICS: dict[int, tuple[Ed25519PublicKey, bytes]] = {}


def sign(private_key: Ed25519PrivateKey, data: bytes) -> bytes:
    """The 64-byte Ed25519 signature of `data`: the same bytes as `private_key.sign(data)`."""
    if _sodium is None:
        return private_key.sign(data)
    found = _SECRETS.get(id(private_key))
    if found is None or found[0] is not private_key:
        seed = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        _public, secret = _sodium.crypto_sign_seed_keypair(seed)
        if len(_SECRETS) >= _MAX_KEYS:
            _SECRETS.clear()
        found = _SECRETS[id(private_key)] = (private_key, secret)
    signed: bytes = _sodium.crypto_sign(data, found[1])
    return signed[:64]  # crypto_sign returns signature || message


def verify(public_key: Ed25519PublicKey, signature: bytes, data: bytes) -> None:
    """Raise `InvalidSignature` unless `signature` is `public_key`'s over `data`, exactly when
    `public_key.verify(signature, data)` would (see the module docstring)."""
    if _sodium is not None and len(signature) == 64:
        found = _PUBLICS.get(id(public_key))
        if found is None or found[0] is not public_key:
            if len(_PUBLICS) >= _MAX_KEYS:
                _PUBLICS.clear()
            raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
            found = _PUBLICS[id(public_key)] = (public_key, raw)
        try:
            _sodium.crypto_sign_open(signature + data, found[1])
            return
        except _BadSignature:
            pass  # OpenSSL decides: it may accept what libsodium refuses (a small-order key, say)
    public_key.verify(signature, data)


__all__ = ["InvalidSignature", "sign", "verify"]
