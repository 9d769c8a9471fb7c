"""`cc verify` on a CLR that holds awards of several issuers (CLR 2.0 allows it; a comprehensive learner record
gathers them): the CLR's proof must be its issuer's, and each award inside is verified on its own against
its own issuer, then listed with it. Through the CLI, on CLRs built in the test."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from run_cc import run_cc
from sample_credentials import sample_award

from cc_cli.credentials import signing

V2 = "https://www.w3.org/ns/credentials/v2"
CLR = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
AT = "2026-06-01"
SIGNED_AT = "2025-01-15T00:00:00Z"


class Issuer:
    def __init__(self, name: str) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.did = signing.did_key(self.key.public_key())
        self.method = signing.verification_method_id(self.key.public_key())
        self.name = name

    def sign(self, document: dict[str, Any]) -> dict[str, Any]:
        return signing.sign(document, self.key, self.method, SIGNED_AT)

    def award(self, number: int, *, issuer_did: str | None = None) -> dict[str, Any]:
        """An award naming `issuer_did` (default: this issuer's) as its issuer, unsigned."""
        document = sample_award(issuer_did or self.did, name=f"Course {number}")
        document["id"] = f"urn:uuid:2f0e6c1e-5d7a-4a55-9f1b-0c1d2e3f4a{number:02d}"
        document["issuer"]["name"] = self.name
        return document


def clr(issuer: Issuer, awards: list[dict[str, Any]]) -> dict[str, Any]:
    return issuer.sign(
        {
            "@context": [V2, CLR, OB],
            "id": "urn:uuid:0d5d1d3c-9a51-4b9e-8a0e-4f3c2b1a00c2",
            "type": ["VerifiableCredential", "ClrCredential"],
            "issuer": {"id": issuer.did, "type": ["Profile"], "name": issuer.name},
            "name": "Comprehensive learner record",
            "validFrom": SIGNED_AT,
            "credentialSubject": {
                "id": "did:example:learner",
                "type": ["ClrSubject"],
                "verifiableCredential": awards,
            },
        }
    )


def verify(path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    ran = run_cc("verify", "--format", "json", "--at", AT, *extra, str(path), cwd=path.parent)
    assert ran.returncode in (0, 1), ran.stderr
    report: dict[str, Any] = json.loads(ran.stdout)["files"][0]
    return ran.returncode, report


def write(folder: Path, name: str, document: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_clr_with_awards_of_two_issuers_lists_who_vouches_for_each(tmp_path: Path) -> None:
    university, corp = Issuer("Example University"), Issuer("Example Corp")
    path = write(
        tmp_path, "mixed.clr.json", clr(university, [university.sign(university.award(1)), corp.sign(corp.award(2))])
    )
    code, report = verify(path)
    assert code == 0 and report["valid"] is True, report
    assert report["checks"]["proof"]["reason"] == f"valid eddsa-rdfc-2022 signature by {university.did}"
    assert report["checks"]["awards"] == {
        "status": "ok",
        "reason": f"2 award(s) inside, each signed by its own issuer: 1 by the CLR's issuer, 1 by Example Corp ({corp.did})",
    }
    assert [(a["id"][-2:], a["issuer"], a["issuer_name"], a["status"]) for a in report["awards"]] == [
        ("01", university.did, "Example University", "ok"),
        ("02", corp.did, "Example Corp", "ok"),
    ]
    assert report["awards"][1]["reason"] == f"valid eddsa-rdfc-2022 signature by {corp.did}"
    text = run_cc("verify", "--at", AT, str(path), cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    assert (
        f"    ok    urn:uuid:2f0e6c1e-5d7a-4a55-9f1b-0c1d2e3f4a02, issued by Example Corp ({corp.did}): valid"
        in text.stdout
    )
    # pinned to the CLR's issuer, the other issuer's award is not the trusted issuer's: refused, and said so
    code, pinned = verify(path, "--issuer", university.did)
    assert code == 1 and pinned["checks"]["proof"]["status"] == "ok"
    assert pinned["awards"][1]["status"] == "fail"
    assert f"proof: signed by {corp.did}, not by the trusted issuer {university.did}" in pinned["awards"][1]["reason"]


def test_a_tampered_award_of_another_issuer_is_refused(tmp_path: Path) -> None:
    """The CLR's issuer signs over an award that was altered after its own issuer signed it: the CLR's proof
    verifies, the award's does not, and the CLR is refused."""
    university, corp = Issuer("Example University"), Issuer("Example Corp")
    altered = corp.sign(corp.award(2))
    altered["credentialSubject"]["achievement"]["name"] = "Course 99"
    path = write(tmp_path, "tampered.clr.json", clr(university, [university.sign(university.award(1)), altered]))
    code, report = verify(path)
    assert code == 1 and report["valid"] is False
    assert report["checks"]["proof"]["status"] == "ok"
    assert report["checks"]["awards"]["status"] == "fail"
    assert (
        "urn:uuid:2f0e6c1e-5d7a-4a55-9f1b-0c1d2e3f4a02: proof: signature does not match"
        in report["checks"]["awards"]["reason"]
    )
    assert [a["status"] for a in report["awards"]] == ["ok", "fail"]
    assert report["awards"][1]["issuer"] == corp.did


def test_an_award_whose_issuer_does_not_control_its_key_is_refused(tmp_path: Path) -> None:
    """An award naming Example Corp as issuer but signed by someone else's key: the signature is valid, but
    not the issuer's, so the award is no one's word for it."""
    university, corp, forger = Issuer("Example University"), Issuer("Example Corp"), Issuer("Forger")
    forged = forger.sign(forger.award(3, issuer_did=corp.did))
    path = write(tmp_path, "forged.clr.json", clr(university, [copy.deepcopy(forged)]))
    code, report = verify(path)
    assert code == 1 and report["checks"]["awards"]["status"] == "fail"
    assert report["awards"] == [
        {
            "id": "urn:uuid:2f0e6c1e-5d7a-4a55-9f1b-0c1d2e3f4a03",
            "issuer": corp.did,
            "issuer_name": "Forger",
            "status": "fail",
            "reason": f"proof: signed by {forger.did}, but the issuer is {corp.did}",
        }
    ]


def test_the_terminal_table_names_each_award_and_its_issuer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from cc_cli.cli import verify as verify_cli
    from cc_cli.cli.app import app

    university, corp = Issuer("Example University"), Issuer("Example Corp")
    path = write(tmp_path, "mixed.clr.json", clr(university, [corp.sign(corp.award(2))]))
    monkeypatch.setattr(verify_cli, "stdout_is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "400")
    monkeypatch.chdir(tmp_path)  # no ./catalog here to pin an issuer
    result = CliRunner().invoke(app, ["verify", "--at", AT, str(path)])
    assert result.exit_code == 0, result.output
    assert f"ok    urn:uuid:2f0e6c1e-5d7a-4a55-9f1b-0c1d2e3f4a02, issued by Example Corp ({corp.did})" in result.stdout
