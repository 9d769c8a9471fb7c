"""Credentials signed by cc_cli.credentials.signing verify in Digital Bazaar's verifier; tampered copies do not."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from js_verifier import ensure_or_skip, js_verify
from sample_credentials import sample_award

from cc_cli.credentials import signing

NOW = "2026-06-01T00:00:00Z"  # inside the sample award's validity window, whatever today's date


@pytest.fixture(scope="module")
def js_available() -> None:
    ensure_or_skip()


def write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def test_cc_signed_award_verifies_and_tampering_fails(js_available: None, tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    method = signing.verification_method_id(key.public_key())
    signed = signing.sign(sample_award(signing.did_key(key.public_key())), key, method, "2025-01-15T00:00:00Z")
    assert signing.verify(signed).ok
    tampered_name = copy.deepcopy(signed)
    tampered_name["name"] = "Cloud Architect - Expert"
    tampered_date = copy.deepcopy(signed)
    tampered_date["validFrom"] = "2024-01-15T00:00:00Z"
    tampered_value = copy.deepcopy(signed)
    value = tampered_value["proof"][0]["proofValue"]
    tampered_value["proof"][0]["proofValue"] = value[:-4] + ("1111" if not value.endswith("1111") else "2222")
    files = [
        write(tmp_path / "good.json", signed),
        write(tmp_path / "name.json", tampered_name),
        write(tmp_path / "validFrom.json", tampered_date),
        write(tmp_path / "proofValue.json", tampered_value),
    ]
    results = js_verify(files, now=NOW)
    assert results[0] == {"file": str(files[0]), "verified": True, "error": None}
    for result in results[1:]:
        assert result["verified"] is False, result
        assert result["error"], result


def test_unicode_and_newlines_canonicalize_like_rdf_canonize(js_available: None, tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    award = sample_award(signing.did_key(key.public_key()), name='Über "Cloud" \\ Architect — 漢字 🎓')
    award["credentialSubject"]["achievement"]["description"] = "line 1\r\nline 2\n\n* bullet"
    signed = signing.sign(award, key, signing.verification_method_id(key.public_key()), "2025-01-15T00:00:00Z")
    [result] = js_verify([write(tmp_path / "unicode.json", signed)], now=NOW)
    assert result["verified"] is True, result
