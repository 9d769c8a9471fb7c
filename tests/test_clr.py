"""`cc transcript --clr FILE`: a signed CLR 2.0 ClrCredential that validates against the ClrCredential JSON
Schema, verifies with cc's verifier and with Digital Bazaar's, and whose embedded awards still verify alone.

The 1EdTech CLR 2.0 signing test vector is reproduced byte for byte in tests/test_signing.py; here the
CLRs are cc's own, built from Ana's history (tests/test_transcript.py).
"""

from __future__ import annotations

import copy
import json
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from cc_cli.credentials import signing
from cc_cli.credentials.keys import load_key
from cc_cli.verify.clr_schema import schema_errors
from tests.conftest import SAMPLE_CATALOG
from tests.test_transcript import AT, CERT, History, invoke, make_history

BASE = "https://credentials.example.com/achievements/"
VECTOR = Path(__file__).parent / "data" / "vectors" / "clrv2p0" / "credential.json"


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    return make_history(tmp_path_factory.mktemp("clr-history"))


def write_clr(history: History, target: Path, *extra: str) -> tuple[int, str, str]:
    return invoke(
        "transcript", "ana@example.com", "--out", str(history.out), "--catalog", str(SAMPLE_CATALOG), "--at", AT,
        "--clr", str(target), *extra,
    )  # fmt: skip


@pytest.fixture(scope="module")
def clr_file(history: History, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("clr") / "nested" / "ana.clr.json"
    code, stdout, stderr = write_clr(history, target, "--key", str(history.key))
    assert code == 0, stdout + stderr
    assert stderr.startswith(f"wrote {target}: ClrCredential urn:uuid:") and " with 6 award(s)" in stderr
    assert [p.name for p in target.parent.iterdir()] == ["ana.clr.json"], "written atomically, no temp file left"
    return target


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_clr_shape_signature_and_schema(clr_file: Path, history: History) -> None:
    document = load(clr_file)
    # The context list and order of 1EdTech's CLR test vector (reproduced byte for byte in test_signing.py).
    assert (
        document["@context"]
        == load(VECTOR)["@context"]
        == [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        ]
    )
    assert document["type"] == ["VerifiableCredential", "ClrCredential"]
    did = signing.did_key(load_key(history.key).public_key())
    assert document["issuer"]["id"] == did and document["credentialSubject"]["type"] == ["ClrSubject"]
    assert schema_errors(document) == []
    result = signing.verify(document)
    assert result.ok and result.reason == f"valid eddsa-rdfc-2022 signature by {did}"


def test_clr_embeds_the_earned_award_files_verbatim(clr_file: Path, history: History) -> None:
    embedded = load(clr_file)["credentialSubject"]["verifiableCredential"]
    files = {p.stem: load(p) for p in history.out.glob("*/*.json") if p.parent.name != "status"}
    earned = {award_id for credential, award_id in history.ids.items() if credential != "cloud-essentials"}
    assert {award["id"] for award in embedded} == earned  # not the revoked badge, not the renewed cert
    assert history.old_cert not in {award["id"] for award in embedded}
    for award in embedded:
        assert award == files[award["id"].removeprefix("urn:uuid:")]
        assert signing.verify(award).ok


def short(url: str) -> str:
    """The credential id of a published achievement URL."""
    return url.removeprefix(BASE).removesuffix(".json")


def test_clr_relates_the_path_achievements(clr_file: Path) -> None:
    subject = load(clr_file)["credentialSubject"]
    achievements = {short(a["id"]) for a in subject["achievement"]}
    assert achievements == {
        # data-scientist: every step option and its certificate
        "data-science-foundations-level-1",
        "data-science-foundations-level-2",
        "python-for-data-science",
        "data-analysis-with-python",
        "machine-learning-with-python",
        "data-science-professional-certificate",
        # security-analyst: every step option and the certification it prepares for
        "cybersecurity-fundamentals",
        "qradar-siem-foundations",
        "incident-response-forensics",
        "threat-intelligence-hunting",
        CERT,
    }
    relations = {(a["associationType"], short(a["sourceId"]), short(a["targetId"])) for a in subject["association"]}
    assert all(a["type"] == "Association" for a in subject["association"])
    assert len(relations) == len(subject["association"]), "no duplicates"
    assert ("precedes", "data-science-foundations-level-1", "data-science-foundations-level-2") in relations
    assert ("precedes", "data-science-foundations-level-2", "data-analysis-with-python") in relations  # one_of
    # A certificate built on the path aggregates its steps; a certification is only prepared for.
    children = {t for kind, s, t in relations if kind == "isParentOf" and s == "data-science-professional-certificate"}
    assert children == achievements & {
        "data-science-foundations-level-1",
        "data-science-foundations-level-2",
        "python-for-data-science",
        "data-analysis-with-python",
        "machine-learning-with-python",
    }
    assert ("precedes", "incident-response-forensics", CERT) in relations
    assert ("precedes", "threat-intelligence-hunting", CERT) in relations
    assert not any(s == CERT or t == CERT for kind, s, t in relations if kind == "isParentOf")
    assert {s for _, s, _ in relations} | {t for _, _, t in relations} <= achievements


def test_clr_and_its_awards_verify_in_digital_bazaar(clr_file: Path, tmp_path: Path) -> None:
    from tests.js_verifier import ensure_or_skip, js_verify

    ensure_or_skip()
    document = load(clr_file)
    forged = copy.deepcopy(document)
    forged["credentialSubject"]["verifiableCredential"][0]["name"] = "Forged"
    relinked = copy.deepcopy(document)
    relinked["credentialSubject"]["association"][0]["associationType"] = "isPeerOf"
    paths = [clr_file, tmp_path / "forged.json", tmp_path / "relinked.json"]
    paths[1].write_text(json.dumps(forged), encoding="utf-8")
    paths[2].write_text(json.dumps(relinked), encoding="utf-8")
    assert [r["verified"] for r in js_verify(paths)] == [True, False, False]
    assert not signing.verify(forged).ok and not signing.verify(relinked).ok
    # Each embedded award, taken out of the CLR, verifies on its own (at a moment it is valid).
    by_moment: dict[str, list[Path]] = defaultdict(list)
    for number, award in enumerate(document["credentialSubject"]["verifiableCredential"]):
        path = tmp_path / f"award-{number}.json"
        path.write_text(json.dumps(award, ensure_ascii=False), encoding="utf-8")
        by_moment[award["validFrom"]].append(path)
    for moment, files in by_moment.items():
        results = js_verify(files, now=moment)
        assert all(r["verified"] for r in results), results


def test_clr_refuses_without_key_with_another_key_or_with_a_changed_award(
    history: History, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CC_ISSUER_KEY", raising=False)
    target = tmp_path / "ana.clr.json"
    code, _, stderr = write_clr(history, target)
    assert code == 2 and "no issuer key" in stderr
    other = tmp_path / "other.key"
    assert invoke("keys", "init", str(other))[0] == 0
    code, _, stderr = write_clr(history, target, "--key", str(other))
    assert code == 2 and "was issued by did:key:" in stderr and stderr.count("\n") == 1
    award_file = next(history.out.glob("data-science-foundations-level-1/*.json"))
    original = award_file.read_bytes()
    try:
        award_file.write_bytes(original.replace(b'"Ana Lima"', b'"Eve Lima"'))
        code, _, stderr = write_clr(history, target, "--key", str(history.key))
        assert code == 2 and "differs from what the ledger recorded" in stderr
    finally:
        award_file.write_bytes(original)
    assert not target.exists()


def test_clr_schema_catches_what_the_data_model_requires(clr_file: Path) -> None:
    document = load(clr_file)
    broken = copy.deepcopy(document)
    del broken["name"]
    broken["@context"] = broken["@context"][:1] + broken["@context"][2:]
    broken["credentialSubject"]["association"][0]["associationType"] = "isCousinOf"
    broken["credentialSubject"]["verifiableCredential"] = []
    errors = "\n".join(schema_errors(broken))
    assert "'name' is a required property" in errors
    assert "@context/1" in errors
    assert "'isCousinOf' is not one of" in errors
    assert "credentialSubject/verifiableCredential: [] should be non-empty" in errors


def test_cc_verify_checks_the_clr_and_every_award_inside(clr_file: Path, history: History, tmp_path: Path) -> None:
    def verify(path: Path, *extra: str) -> dict[str, Any]:
        code, stdout, stderr = invoke("verify", str(path), "--format", "json", *extra)  # now: the CLR is new
        assert code in (0, 1), stderr
        entry: dict[str, Any] = json.loads(stdout)["files"][0]
        return entry

    good = verify(clr_file, "--ledger", str(history.out / "ledger.sqlite3"), "--email", "ana@example.com")
    assert good["valid"] is True, good
    assert {name: check["status"] for name, check in good["checks"].items()} == {
        "proof": "ok", "schema": "ok", "subject": "ok", "dates": "ok",
        "status": "ok",  # the revocation of the awards inside, through the named ledger
        "recipient": "ok", "awards": "ok",
    }  # fmt: skip
    assert good["checks"]["status"]["reason"] == "none of the 6 award(s) inside is revoked"
    assert good["checks"]["awards"]["reason"].startswith("6 award(s) inside, each signed by the CLR's issuer")
    unchecked = verify(clr_file, "--require-status")  # no source named: the awards inside cannot be checked
    assert unchecked["valid"] is False and unchecked["checks"]["status"]["status"] == "fail"
    assert unchecked["checks"]["status"]["reason"].startswith("6 award(s) inside revoked or not checkable: ")
    stranger = verify(clr_file, "--email", "bob@example.com")  # the CLR and every award inside name Ana
    assert stranger["valid"] is False and stranger["checks"]["recipient"]["status"] == "fail"
    assert ": recipient: not awarded to bob@example.com" in stranger["checks"]["awards"]["reason"]
    # An award inside revoked since the CLR was written: the CLR no longer vouches for it.
    document = load(clr_file)
    embedded = document["credentialSubject"]["verifiableCredential"][0]
    revoke = ["revoke", embedded["id"], "--reason", "exam withdrawn", "--out", str(history.out)]
    later = tmp_path / "history"
    shutil.copytree(history.out, later)  # the module's history stays as other tests expect it
    code, _, stderr = invoke(*revoke[:-1], str(later), "--key", str(history.key), "--catalog", str(SAMPLE_CATALOG))
    assert code == 0, stderr
    revoked = verify(clr_file, "--ledger", str(later / "ledger.sqlite3"))
    assert revoked["valid"] is False and revoked["checks"]["proof"]["status"] == "ok"
    assert f"inside revoked or not checkable: {embedded['id']}: revoked on" in revoked["checks"]["status"]["reason"]
    # A tampered award inside breaks its own proof (and the CLR's).
    embedded["name"] = "Something else"
    tampered = tmp_path / "tampered.clr.json"
    tampered.write_text(json.dumps(document), encoding="utf-8")
    result = verify(tampered)
    assert result["checks"]["proof"]["status"] == "fail" and result["valid"] is False
    assert result["checks"]["awards"] == {
        "status": "skip",
        "reason": "not checked: the CLR's own proof does not verify",
    }
    # A CLR dressed up as an award inside a CLR is refused, not recursed into.
    nested = load(clr_file)
    inner = copy.deepcopy(nested)
    inner["type"] = ["VerifiableCredential", "OpenBadgeCredential", "ClrCredential"]
    nested["credentialSubject"]["verifiableCredential"] = [inner]
    nested_file = tmp_path / "nested.clr.json"
    nested_file.write_text(json.dumps(nested), encoding="utf-8")
    assert verify(nested_file)["checks"]["proof"]["status"] == "fail"  # changing what is inside breaks the proof
    key = load_key(history.key)  # signed again by the issuer itself: still refused, not recursed into
    nested.pop("proof")
    resigned = signing.sign(nested, key, signing.verification_method_id(key.public_key()), "2026-11-01T00:00:00Z")
    nested_file.write_text(json.dumps(resigned), encoding="utf-8")
    inner_check = verify(nested_file)["checks"]["awards"]
    assert inner_check["status"] == "fail" and ": not an Open Badges award" in inner_check["reason"]
    huge = load(clr_file)
    huge["credentialSubject"]["verifiableCredential"] *= 100  # 600 awards: refused before any canonicalising
    huge_file = tmp_path / "huge.clr.json"
    huge_file.write_text(json.dumps(huge), encoding="utf-8")
    assert verify(huge_file)["checks"] == {
        "awards": {"status": "fail", "reason": "the CLR holds 600 awards, more than cc verifies (500)"}
    }
