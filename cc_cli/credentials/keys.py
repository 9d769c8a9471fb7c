"""The issuer's Ed25519 key file: created private (0600), never overwritten, refused when exposed.

File format: a W3C Multikey JSON object (Controlled Identifiers 1.0 §2.2.2), the same shape Digital
Bazaar's ``Ed25519Multikey.from()`` and ``export({includeSecretKey: true})`` use, so the key can move to
other tools without conversion::

    {
      "@context": "https://w3id.org/security/multikey/v1",
      "type": "Multikey",
      "id": "did:key:z6Mk…#z6Mk…",
      "controller": "did:key:z6Mk…",
      "publicKeyMultibase": "z6Mk…",
      "secretKeyMultibase": "z3u2…"
    }

``secretKeyMultibase`` is multibase base58btc of multicodec ``ed25519-priv`` (0x8026) + the 32-byte
seed; a 64-byte seed||public key value (older Digital Bazaar exports) is also read. ``publicKeyMultibase``
and ``id`` are redundant, kept so that a human (or ``cc keys show``) can see which key a file holds
without the secret, and checked on load to catch a corrupted or hand-edited file.

Why so strict about modes: the file is the issuer's whole identity, and a copy readable by other local
users (the usual 0644 from a careless ``cp``) is a silent leak, so loading refuses it the way ssh does.
Error messages never include key material.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from cc_cli.core.problems import UsageError
from cc_cli.credentials import signing

MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"


class KeyFileError(UsageError):
    """A key file that is missing, exposed, malformed, or in the way."""


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """The public facts about an issuer key, for ``cc keys show`` and the issuer profile."""

    did: str
    verification_method: str
    public_key_multibase: str


def key_info(private_key: Ed25519PrivateKey) -> KeyInfo:
    """did:key, verification method id and publicKeyMultibase of a private key's public half."""
    public = private_key.public_key()
    return KeyInfo(
        did=signing.did_key(public),
        verification_method=signing.verification_method_id(public),
        public_key_multibase=signing.public_key_multibase(public),
    )


def _seed(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def _serialize(private_key: Ed25519PrivateKey) -> bytes:
    info = key_info(private_key)
    multikey = {
        "@context": MULTIKEY_CONTEXT,
        "type": "Multikey",
        "id": info.verification_method,
        "controller": info.did,
        "publicKeyMultibase": info.public_key_multibase,
        "secretKeyMultibase": signing.multibase_encode(signing.ED25519_PRIV_MULTICODEC + _seed(private_key)),
    }
    return (json.dumps(multikey, indent=2) + "\n").encode("utf-8")


KEY_ENV = "CC_ISSUER_KEY"


def issuer_key_path(given: Path | None) -> Path | None:
    """The issuer key file: the one given (`--key`), else `$CC_ISSUER_KEY`, else None. Every command that
    signs or names the issuer finds its key here, so they agree on where the key comes from."""
    if given is not None:
        return given
    from_env = os.environ.get(KEY_ENV)
    return Path(from_env) if from_env else None


def load_issuer_key(given: Path | None, needed_for: str) -> Ed25519PrivateKey:
    """The issuer's key from `--key` or `$CC_ISSUER_KEY`; a UsageError that says what it is `needed_for`
    (e.g. "the CLR must be signed") when neither names one."""
    path = issuer_key_path(given)
    if path is None:
        raise UsageError(f"no issuer key: {needed_for}; pass --key FILE or set {KEY_ENV}")
    return load_key(path)


def check_catalog_key(expected: str | None, did: str, catalog_root: Path) -> None:
    """UsageError when catalog.yaml pins the issuer's did:key (`issuer.did`) and `did` is another key:
    awards signed with a stray key would fail every verifier that trusts the catalog."""
    if expected and expected != did:
        raise UsageError(
            f"the key is {did}, but {catalog_root / 'catalog.yaml'} pins issuer.did {expected}: use the issuer's "
            "key (--key), or change issuer.did in a reviewed commit"
        )


def create_key(path: Path, private_key: Ed25519PrivateKey | None = None) -> KeyInfo:
    """Write a new (or the given) Ed25519 key to `path` with mode 0600; refuse if `path` exists.

    Atomic: the key is written and fsynced under a temporary name created 0600 with O_EXCL, then
    hard-linked into place, which fails instead of replacing an existing file. So `path` either does
    not exist or holds a complete key, even after a crash, and an existing key is never clobbered.
    """
    path = Path(path)
    if path.is_dir():
        raise KeyFileError(f"{path} is a folder: give the key's file name, for example {path / 'issuer.key'}")
    if path.exists() or path.is_symlink():
        raise KeyFileError(f"{path} already exists; cc never overwrites a key file")
    private_key = private_key or Ed25519PrivateKey.generate()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(_serialize(private_key))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise KeyFileError(f"{path} already exists; cc never overwrites a key file") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    _fsync_dir(path.parent)
    return key_info(private_key)


def _fsync_dir(directory: Path) -> None:
    if os.name == "posix":
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def load_key(path: Path) -> Ed25519PrivateKey:
    """Read the private key at `path`, refusing a file that group or others may access."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO must not hang us
    except FileNotFoundError:
        raise KeyFileError(f"key file {path} does not exist; create one with `cc keys init`") from None
    except OSError as exc:
        raise KeyFileError(f"cannot open key file {path}: {exc.strerror}") from None
    mode = os.fstat(fd).st_mode  # of the opened file: no check-then-open race
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise KeyFileError(f"key file {path} is not a regular file; point --key at the file `cc keys init` wrote")
    with os.fdopen(fd, "rb") as handle:
        raw = handle.read(1 << 20)  # a key is a few hundred bytes; never read a huge file whole
    if os.name == "posix" and mode & 0o077:
        if b'"secretKeyMultibase"' not in raw:  # not a key at all: say that, not "chmod 600 roster.csv"
            raise KeyFileError(f"{path} is not a cc key file (Multikey JSON with secretKeyMultibase)")
        raise KeyFileError(
            f"key file {path} is accessible by group or others (mode {stat.S_IMODE(mode):04o}); run: chmod 600 {path}"
        )
    return _parse(raw, path)


def _parse(raw: bytes, path: Path) -> Ed25519PrivateKey:
    try:
        data = json.loads(raw)
        secret = signing.multibase_decode(data["secretKeyMultibase"])
    except (ValueError, KeyError, TypeError, UsageError):
        raise KeyFileError(f"{path} is not a cc key file (Multikey JSON with secretKeyMultibase)") from None
    if not secret.startswith(signing.ED25519_PRIV_MULTICODEC) or len(secret) not in (34, 66):
        raise KeyFileError(f"{path} does not hold an Ed25519 secret key (multicodec 0x8026)")
    private_key = Ed25519PrivateKey.from_private_bytes(secret[2:34])
    info = key_info(private_key)
    public_in_secret = secret[34:]
    if public_in_secret and public_in_secret != signing.public_key_bytes(private_key.public_key()):
        raise KeyFileError(f"{path} is corrupt: its secret key does not match its own public key")
    if data.get("publicKeyMultibase", info.public_key_multibase) != info.public_key_multibase:
        raise KeyFileError(f"{path} is corrupt: publicKeyMultibase does not match the secret key")
    return private_key


def describe_key(path: Path) -> KeyInfo:
    """Load `path` (with all of `load_key`'s checks) and return its public facts for ``cc keys show``."""
    return key_info(load_key(path))
