"""`cc verify --online` against a local HTTPS server (127.0.0.1, a certificate this test makes, trusted
through SSL_CERT_FILE): a did:web issuer and its status list are fetched with --allow-local and refused
without it; redirect loops, silent, oversized and plain-http answers end with a verdict, not a hang; with
--documents the fetched documents are kept, and a later offline run reuses them. Nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from run_cc import Ran, run_cc
from sample_credentials import sample_award
from tls import self_signed_certificate

from cc_cli.credentials import signing, status_list
from cc_cli.verify import fetch

CREATED = "2025-01-15T00:00:00Z"


class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, dict[str, str], bytes]]] = {}

    def do_GET(self) -> None:
        if self.path.startswith("/silent"):
            time.sleep(fetch.TIMEOUT + 3)  # never answers in time
            return
        status, headers, body = self.routes.get(self.path, (404, {}, b"not here"))
        self.send_response(status)
        for name, value in headers.items():
            if name != "X-Omit-Length":
                self.send_header(name, value)
        if "X-Omit-Length" not in headers:  # HTTP/1.0: without it, the body ends when the server closes
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Site:
    origin: str  # https://127.0.0.1:PORT
    did: str  # did:web:127.0.0.1%3APORT:issuer
    env: dict[str, str]  # SSL_CERT_FILE: the test's certificate
    routes: dict[str, tuple[int, dict[str, str], bytes]]

    def put(self, path: str, document: Any, status: int = 200, headers: dict[str, str] | None = None) -> str:
        body = document if isinstance(document, bytes) else json.dumps(document).encode()
        self.routes[path] = (status, headers or {"Content-Type": "application/json"}, body)
        return self.origin + path


@contextlib.contextmanager
def https_server(work: Path) -> Iterator[Site]:
    cert_file, key_file = self_signed_certificate(work, "docs", "127.0.0.1")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    routes: ClassVar[dict[str, tuple[int, dict[str, str], bytes]]] = {}
    handler = type("Handler", (_Handler,), {"routes": routes})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    env = {**os.environ, "SSL_CERT_FILE": str(cert_file)}
    try:
        yield Site(f"https://127.0.0.1:{port}", f"did:web:127.0.0.1%3A{port}:issuer", env, routes)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with https_server(tmp_path) as served:
        yield served


@dataclass
class Issued:
    award: Path
    list_url: str


def issue_did_web(site: Site, folder: Path, *, revoked: bool = False, onedtech: bool = False) -> Issued:
    """An award by a did:web issuer on the local site, with its DID document and status list served; with
    `onedtech`, the list is OB 3.0's 1EdTechRevocationList (an unsigned list of revoked credential ids)."""
    key = Ed25519PrivateKey.generate()
    method = f"{site.did}#key-1"
    site.put(
        "/issuer/did.json",
        {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": site.did,
            "verificationMethod": [
                {
                    "id": method,
                    "type": "Multikey",
                    "controller": site.did,
                    "publicKeyMultibase": signing.public_key_multibase(key.public_key()),
                }
            ],
            "assertionMethod": [method],
        },
    )
    listed = status_list.status_list_document(site.origin, 0, site.did, CREATED, [7] if revoked else [])
    list_url = site.put("/status/0.json", signing.sign(listed, key, method, CREATED))
    award = sample_award(site.did)
    if onedtech:
        revoked_ids = ["urn:uuid:0-another", award["id"]] if revoked else ["urn:uuid:0-another"]
        list_url = site.put(
            "/revocations",
            {
                "id": f"{site.origin}/revocations",
                "issuer": site.did,
                "revokedCredentials": [
                    {"id": i, "revoked": True, "revocationReason": "issued in error"} for i in revoked_ids
                ],
            },
        )
        award["credentialStatus"] = {"id": list_url, "type": "1EdTechRevocationList"}
        path = folder / "award.json"
        path.write_text(json.dumps(signing.sign(award, key, method, CREATED)))
        return Issued(path, list_url)
    award["credentialStatus"] = {
        "id": f"{list_url}#7",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": 7,  # a number: published credentials use numbers as well as strings
        "statusListCredential": list_url,
    }
    path = folder / "award.json"
    path.write_text(json.dumps(signing.sign(award, key, method, CREATED)))
    return Issued(path, list_url)


def verify(site: Site, *args: str) -> tuple[Ran, dict[str, Any]]:
    ran = run_cc("verify", "--format", "json", "--at", "2026-06-01", *args, env=site.env, timeout=60)
    assert ran.returncode in (0, 1), ran.stderr
    return ran, json.loads(ran.stdout)["files"][0]


def test_a_did_web_award_and_its_status_list_are_fetched(site: Site, tmp_path: Path) -> None:
    issued = issue_did_web(site, tmp_path)
    ran, report = verify(site, "--online", "--allow-local", str(issued.award))
    assert ran.returncode == 0 and report["valid"], report
    assert report["checks"]["proof"]["reason"] == f"valid eddsa-rdfc-2022 signature by {site.did}"
    assert report["checks"]["status"] == {"status": "ok", "reason": f"not revoked (bit 7 of {issued.list_url})"}


def test_a_revoked_did_web_award_is_invalid(site: Site, tmp_path: Path) -> None:
    issued = issue_did_web(site, tmp_path, revoked=True)
    ran, report = verify(site, "--online", "--allow-local", str(issued.award))
    assert ran.returncode == 1 and report["checks"]["status"]["reason"] == f"revoked: bit 7 is set in {issued.list_url}"


def test_a_1edtech_revocation_list_is_fetched(site: Site, tmp_path: Path) -> None:
    issued = issue_did_web(site, tmp_path, onedtech=True)
    ran, report = verify(site, "--online", "--allow-local", str(issued.award))
    assert ran.returncode == 0 and report["valid"], report
    assert report["checks"]["status"] == {
        "status": "ok",
        "reason": f"not revoked (urn:uuid:2f0e6c1e-5d7a-4a55-9f1b-0c1d2e3f4a5b is not in the revocation list {issued.list_url})",
    }


def test_an_award_in_its_1edtech_revocation_list_is_revoked(site: Site, tmp_path: Path) -> None:
    issued = issue_did_web(site, tmp_path, revoked=True, onedtech=True)
    ran, report = verify(site, "--online", "--allow-local", str(issued.award))
    assert ran.returncode == 1 and report["checks"]["status"] == {
        "status": "fail",
        "reason": "revoked: urn:uuid:2f0e6c1e-5d7a-4a55-9f1b-0c1d2e3f4a5b is in the revocation list "
        f"{issued.list_url} (issued in error)",
    }


def test_a_1edtech_revocation_list_by_another_issuer_is_refused(site: Site, tmp_path: Path) -> None:
    issued = issue_did_web(site, tmp_path, onedtech=True)
    status, headers, body = site.routes["/revocations"]
    site.routes["/revocations"] = (status, headers, body.replace(site.did.encode(), b"did:web:elsewhere.example"))
    ran, report = verify(site, "--online", "--allow-local", str(issued.award))
    assert ran.returncode == 1
    assert (
        "is issued by 'did:web:elsewhere.example', not by the credential's issuer"
        in report["checks"]["status"]["reason"]
    )


def test_a_1edtech_revocation_list_from_documents(site: Site, tmp_path: Path) -> None:
    """Fetched once with --online into --documents, then read from the folder alone: still revoked."""
    issued = issue_did_web(site, tmp_path, revoked=True, onedtech=True)
    documents = tmp_path / "documents"
    documents.mkdir()
    verify(site, "--online", "--allow-local", "--documents", str(documents), str(issued.award))
    assert issued.list_url in json.loads((documents / "index.json").read_text())
    site.routes.clear()
    ran, report = verify(site, "--documents", str(documents), str(issued.award))
    assert ran.returncode == 1 and report["checks"]["status"]["reason"].startswith("revoked: urn:uuid:")


def test_a_1edtech_revocation_list_is_fetched_with_the_online_limits(site: Site, tmp_path: Path) -> None:
    issued = issue_did_web(site, tmp_path, onedtech=True)
    site.put("/revocations", b"", 302, {"Location": "/revocations"})  # a redirect loop
    ran, report = verify(site, "--online", "--allow-local", str(issued.award))
    assert ran.returncode == 1 and "redirect loop" in report["checks"]["status"]["reason"], report


def test_without_allow_local_loopback_is_refused(site: Site, tmp_path: Path) -> None:
    issued = issue_did_web(site, tmp_path)
    ran, report = verify(site, "--online", str(issued.award))
    assert ran.returncode == 1
    assert report["checks"]["proof"]["status"] == "fail"
    assert "resolves to 127.0.0.1, a loopback address" in report["checks"]["proof"]["reason"]
    assert "--allow-local" in report["checks"]["proof"]["reason"]


def test_without_online_nothing_is_fetched(site: Site, tmp_path: Path) -> None:
    issued = issue_did_web(site, tmp_path)
    ran, report = verify(site, str(issued.award))
    assert ran.returncode == 1 and "is not a did:key" in report["checks"]["proof"]["reason"]
    assert "--online" in report["checks"]["proof"]["reason"]


def test_fetched_documents_are_kept_for_an_offline_run(site: Site, tmp_path: Path) -> None:
    issued = issue_did_web(site, tmp_path)
    documents = tmp_path / "documents"
    documents.mkdir()
    ran, _ = verify(site, "--online", "--allow-local", "--documents", str(documents), str(issued.award))
    assert ran.returncode == 0
    index = json.loads((documents / "index.json").read_text())
    assert sorted(index) == sorted([f"{site.origin}/issuer/did.json", issued.list_url])
    site.routes.clear()  # the site is gone: the folder alone must do
    ran, report = verify(site, "--documents", str(documents), str(issued.award))
    assert ran.returncode == 0 and report["checks"]["status"]["status"] == "ok"


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("loop", "redirect loop"),
        ("chain", "more than 3 redirects"),
        ("http", "only https URLs are fetched"),
        ("big", "over the 1,048,576 bytes cc reads"),
        ("unsized", "over the 1,048,576 bytes cc reads"),
        ("silent", "no answer within 5 s"),
        ("missing", "the server answered HTTP 404"),
        ("duplicate", 'the key "id" appears twice in one JSON object'),
    ],
)
def test_hostile_answers_end_with_a_verdict(site: Site, tmp_path: Path, setup: str, expected: str) -> None:
    """The issuer's DID document is served in a hostile way: each ends in a proof verdict, soon."""
    key = Ed25519PrivateKey.generate()
    method = f"{site.did}#key-1"
    did_path = "/issuer/did.json"
    if setup == "loop":
        site.put(did_path, b"", 302, {"Location": did_path})
    elif setup == "chain":
        for hop in range(5):
            site.put(did_path if hop == 0 else f"/hop{hop}", b"", 301, {"Location": f"/hop{hop + 1}"})
    elif setup == "http":
        site.put(did_path, b"", 302, {"Location": "http://127.0.0.1:9/issuer/did.json"})
    elif setup == "big":
        site.put(did_path, b" " * (fetch.MAX_BYTES + 10))
    elif setup == "unsized":  # no Content-Length to refuse it by: the body itself is counted
        site.routes[did_path] = (200, {"X-Omit-Length": "1"}, b"[" + b"0," * (fetch.MAX_BYTES // 2) + b"0]")
    elif setup == "silent":
        site.put(did_path, b"", 302, {"Location": "/silent"})
    elif setup == "duplicate":
        site.put(did_path, b'{"id": "a", "id": "b"}')
    award = signing.sign(sample_award(site.did), key, method, CREATED)
    path = tmp_path / "award.json"
    path.write_text(json.dumps(award))
    started = time.monotonic()
    ran, report = verify(site, "--online", "--allow-local", str(path))
    assert time.monotonic() - started < fetch.DEADLINE + 15
    assert ran.returncode == 1 and report["checks"]["proof"]["status"] == "fail"
    assert expected in report["checks"]["proof"]["reason"], report["checks"]["proof"]["reason"]


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("169.254.169.254", "link-local"),  # a cloud metadata service
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "non-global"),  # carrier-grade NAT
    ],
)
def test_special_addresses_are_named(address: str, kind: str) -> None:
    assert fetch.special_address(address) == kind


def test_a_public_address_is_not_special() -> None:
    assert fetch.special_address("93.184.215.14") is None
    assert fetch.special_address("2606:4700::1111") is None


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    award = tmp_path / "a.json"
    award.write_text("{}")
    ran = run_cc("verify", "--allow-local", str(award))
    assert ran.returncode == 2 and "--allow-local only matters with --online" in ran.stderr
    ran = run_cc("verify", "--documents", str(tmp_path / "nope"), str(award))
    assert ran.returncode == 2 and "no such folder" in ran.stderr
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.json").write_text('["not", "a", "map"]')
    ran = run_cc("verify", "--documents", str(tmp_path / "docs"), str(award))
    assert ran.returncode == 2 and "index.json: must map each URL to a file name" in ran.stderr
    assert "Traceback" not in ran.stderr


def test_an_index_cannot_point_out_of_its_folder(tmp_path: Path) -> None:
    from cc_cli.verify.documents import DocumentStore, DocumentUnavailable

    secret = tmp_path / "secret.json"
    secret.write_text('{"id": "x"}')
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "index.json").write_text(
        json.dumps({"https://a.example/": "../secret.json", "https://b.example/": str(secret)})
    )
    store = DocumentStore(folder, online=False)
    for url in ("https://a.example/", "https://b.example/"):
        with pytest.raises(DocumentUnavailable, match="is not a file inside"):
            store.get(url)


def test_a_dripping_server_is_cut_off_at_the_deadline(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One byte every half second never trips the read timeout; the deadline must still end it."""

    def drip(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        for _ in range(40):  # 20 s at most, and it stops as soon as cc hangs up
            try:
                handler.wfile.write(b" ")
                handler.wfile.flush()
            except OSError:
                return
            time.sleep(0.5)

    site.routes["/drip"] = (200, {}, b"")
    monkeypatch.setattr(_Handler, "do_GET", lambda self: drip(self) if self.path == "/drip" else None)
    monkeypatch.setattr(fetch, "DEADLINE", 2.0)
    monkeypatch.setenv("SSL_CERT_FILE", site.env["SSL_CERT_FILE"])
    started = time.monotonic()
    with pytest.raises(fetch.FetchError, match="no complete answer within 2 s"):
        fetch.fetch(site.origin + "/drip", allow_local=True)
    assert time.monotonic() - started < 4


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:example.com:user:alice", "https://example.com/user/alice/did.json"),
        ("did:web:127.0.0.1%3A8443:issuer", "https://127.0.0.1:8443/issuer/did.json"),
    ],
)
def test_did_web_urls(did: str, url: str) -> None:
    from cc_cli.verify.keys import did_web_url

    assert did_web_url(did) == url


@pytest.mark.parametrize(
    "did",
    ["did:web:evil.com%23", "did:web:a%40b.com", "did:web:example.com:..:x", "did:web:example.com:a%2Fb", "did:web:"],
)
def test_did_web_names_that_could_point_elsewhere_are_refused(did: str) -> None:
    from cc_cli.credentials.signing import KeyNotResolved
    from cc_cli.verify.keys import did_web_url

    with pytest.raises(KeyNotResolved, match="is not a did:web DID"):
        did_web_url(did)


def test_a_key_document_at_its_own_url_needs_its_controller_to_list_it(tmp_path: Path) -> None:
    """An https verification method without a fragment: the key document names its controller, and the
    controller's document must list that key for assertionMethod."""
    from cc_cli.credentials.signing import KeyNotResolved
    from cc_cli.verify.documents import DocumentStore
    from cc_cli.verify.keys import DocumentResolver

    key = Ed25519PrivateKey.generate()
    issuer, method = "https://issuer.example/profile", "https://issuer.example/keys/1"
    multibase = signing.public_key_multibase(key.public_key())
    documents = {
        method: {
            "id": method,
            "type": "Ed25519VerificationKey2020",
            "controller": issuer,
            "publicKeyMultibase": multibase,
        },
        issuer: {
            "id": issuer,
            "verificationMethod": [{"id": method, "publicKeyMultibase": multibase}],
            "assertionMethod": [method],
        },
    }
    for number, document in enumerate(documents.values()):
        (tmp_path / f"{number}.json").write_text(json.dumps(document))
    (tmp_path / "index.json").write_text(json.dumps({url: f"{n}.json" for n, url in enumerate(documents)}))
    resolved = DocumentResolver(DocumentStore(tmp_path, online=False))(method)
    assert resolved.controller == issuer
    award = signing.sign({**sample_award(issuer)}, key, method, CREATED)
    result = signing.verify(award, resolve=DocumentResolver(DocumentStore(tmp_path, online=False)))
    assert result.ok, result.reason
    documents[issuer]["assertionMethod"] = []
    (tmp_path / "1.json").write_text(json.dumps(documents[issuer]))
    with pytest.raises(
        KeyNotResolved, match=re.escape("does not list https://issuer.example/keys/1 for assertionMethod")
    ):
        DocumentResolver(DocumentStore(tmp_path, online=False))(method)
