"""Resolving a proof's verification method to an Ed25519 key and its controller, for issuers other than
did:key: `did:web` DIDs and https controller documents, through a `DocumentStore` (--documents / --online).

The rule kept from did:key: the key must be the issuer's. So a key counts only when the controller document
found at the controller's own URL (its `id` that URL) lists the method for `assertionMethod` and names itself
its controller. A key written into the method's fragment (`https://issuer.example#z6Mk...`) is not trusted on
its own word: anyone can write any key there (1EdTech's validator accepts that form; cc does not).
"""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import unquote

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from cc_cli.credentials import signing
from cc_cli.credentials.signing import KeyNotResolved, ResolvedKey
from cc_cli.verify.documents import DocumentStore, DocumentUnavailable

# a host name, an IPv4 or [IPv6] address, and an optional port: nothing that could end the authority early
_HOST = re.compile(r"^(?:[A-Za-z0-9][A-Za-z0-9-]{0,62}(?:\.[A-Za-z0-9-]{1,63})*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")


def did_web_url(did: str) -> str:
    """The https URL of a did:web DID's document (did:web spec §3.2: ':' separates path segments, a port is
    percent-encoded, no path means /.well-known/did.json)."""
    parts = did.removeprefix("did:web:").split(":")
    host = unquote(parts[0])
    if not _HOST.match(host) or any(not p or "/" in unquote(p) or unquote(p) in (".", "..") for p in parts[1:]):
        raise KeyNotResolved(f"{did} is not a did:web DID cc can turn into a URL")
    path = "/".join(unquote(p) for p in parts[1:])
    return f"https://{host}/{path}/did.json" if path else f"https://{host}/.well-known/did.json"


class DocumentResolver:
    """A `signing.KeyResolver` backed by a document store; did:key stays offline."""

    def __init__(self, store: DocumentStore) -> None:
        self.store = store

    def __call__(self, method: str) -> ResolvedKey:
        controller, _, fragment = method.partition("#")
        if method.startswith("did:key:"):
            return signing.resolve_did_key(method)
        if method.startswith("did:web:"):
            url = did_web_url(controller)
        elif method.startswith("https://"):
            url = controller
        elif method.startswith("did:"):
            raise KeyNotResolved(f"{method}: cc resolves did:key and did:web, not did:{method.split(':')[1]}")
        else:
            raise KeyNotResolved(f"{method} is neither a DID nor an https URL")
        if not fragment and method.startswith("https://"):
            return self._key_document(method)
        document = self._get(url)
        return controlled_key(document, controller, method)

    def _get(self, url: str) -> dict[str, Any]:
        try:
            return self.store.get(url)
        except DocumentUnavailable as exc:
            raise KeyNotResolved(str(exc)) from None

    def _key_document(self, method: str) -> ResolvedKey:
        """A method that is its own document (an Ed25519VerificationKey2020 at an https URL): its controller's
        document must list it."""
        key = self._get(method)
        controller = key.get("controller")
        if not isinstance(controller, str) or not controller.startswith(("https://", "did:web:")):
            raise KeyNotResolved(f"{method}: the key document names no https or did:web controller")
        url = did_web_url(controller) if controller.startswith("did:web:") else controller
        return controlled_key(self._get(url), controller, method)


def controlled_key(document: dict[str, Any], controller: str, method: str) -> ResolvedKey:
    """The key of `method` in the controller document of `controller`, if that document vouches for it."""
    if document.get("id") != controller:
        raise KeyNotResolved(f"the document for {controller} is that of {document.get('id')!r}")
    listed = _methods(document, controller)
    if method not in listed:
        raise KeyNotResolved(f"{controller} does not list {method} among its verification methods")
    if method not in _assertion_methods(document, controller):
        raise KeyNotResolved(f"{controller} does not list {method} for assertionMethod (issuing)")
    entry = listed[method]
    if entry.get("controller", controller) != controller:
        raise KeyNotResolved(f"{method} is controlled by {entry.get('controller')}, not by {controller}")
    return ResolvedKey(public_key_of(entry, method), controller)


def _absolute(reference: Any, controller: str) -> Any:
    return controller + reference if isinstance(reference, str) and reference.startswith("#") else reference


def _methods(document: dict[str, Any], controller: str) -> dict[str, dict[str, Any]]:
    """Every verification method object in the document (listed, or embedded in a relationship), by id."""
    found: dict[str, dict[str, Any]] = {}
    for relation in ("verificationMethod", "assertionMethod"):
        for entry in _as_list(document.get(relation)):
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                found.setdefault(_absolute(entry["id"], controller), entry)
    return found


def _assertion_methods(document: dict[str, Any], controller: str) -> set[str]:
    ids = set()
    for entry in _as_list(document.get("assertionMethod")):
        reference = entry.get("id") if isinstance(entry, dict) else entry
        if isinstance(reference, str):
            ids.add(_absolute(reference, controller))
    return ids


def public_key_of(entry: dict[str, Any], method: str) -> Ed25519PublicKey | ec.EllipticCurvePublicKey:
    """A key from publicKeyMultibase (Multikey: Ed25519, P-256, P-384; Ed25519VerificationKey2020) or an
    Ed25519 (OKP) publicKeyJwk."""
    multibase = entry.get("publicKeyMultibase")
    jwk = entry.get("publicKeyJwk")
    try:
        if isinstance(multibase, str):
            return signing.any_public_key_from_multibase(multibase)
        if isinstance(jwk, dict) and jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
            raw = base64.urlsafe_b64decode(str(jwk.get("x", "")) + "==")
            return Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, signing.SigningError) as exc:
        raise KeyNotResolved(f"{method}: {exc}") from None
    raise KeyNotResolved(f"{method} has no publicKeyMultibase or Ed25519 publicKeyJwk")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]
