"""`issuer.did` in catalog.yaml pins the issuer's key, reviewed in git like the rest of the catalog:
`cc issue` and `cc revoke` refuse any other key, and `cc verify` accepts only awards that key signed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cc_cli.cli.app import app
from cc_cli.credentials import keys
from tests.conftest import ROOT, SAMPLE_CATALOG
from tests.test_verify import AT, award_row, make_issuer, signed_award, write_json

runner = CliRunner()


def pinned_catalog(tmp_path: Path, did: str) -> Path:
    catalog = tmp_path / "catalog"
    shutil.copytree(SAMPLE_CATALOG, catalog)
    text = (catalog / "catalog.yaml").read_text()
    (catalog / "catalog.yaml").write_text(text.replace("  name: IBM\n", f"  name: IBM\n  did: {did}\n", 1))
    return catalog


@pytest.fixture
def issuer_key(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "issuer.key"
    return path, keys.create_key(path).did


def test_the_pinned_catalog_validates(tmp_path: Path, issuer_key: tuple[Path, str]) -> None:
    catalog = pinned_catalog(tmp_path, issuer_key[1])
    result = runner.invoke(app, ["validate", "--catalog", str(catalog)], env={"GITHUB_ACTIONS": "false"})
    assert result.exit_code == 0, result.output


def test_issue_and_revoke_refuse_another_key(tmp_path: Path, issuer_key: tuple[Path, str]) -> None:
    key, did = issuer_key
    catalog, out = pinned_catalog(tmp_path, did), tmp_path / "awards"
    stray = tmp_path / "stray.key"
    stray_did = keys.create_key(stray).did
    roster = str(ROOT / "examples/roster.csv")
    refused = runner.invoke(app, ["issue", roster, "--catalog", str(catalog), "--out", str(out), "--key", str(stray)])
    assert refused.exit_code == 2 and not out.exists()
    assert refused.stderr == (
        f"cc: error: the key is {stray_did}, but {catalog / 'catalog.yaml'} pins issuer.did {did}: use the "
        "issuer's key (--key), or change issuer.did in a reviewed commit\n"
    )
    issued = runner.invoke(
        app, ["issue", roster, "--catalog", str(catalog), "--out", str(out), "--key", str(key), "--format", "json"]
    )
    assert issued.exit_code == 0, issued.output
    award_id = json.loads(issued.stdout)["rows"][0]["award_id"]
    revoke = ["revoke", award_id, "--reason", "test", "--catalog", str(catalog), "--out", str(out)]
    refused = runner.invoke(app, [*revoke, "--key", str(stray)])
    assert refused.exit_code == 2 and "pins issuer.did" in refused.stderr
    assert runner.invoke(app, [*revoke, "--key", str(key)]).exit_code == 0


def test_verify_accepts_only_the_pinned_issuer(
    tmp_path: Path, issuer_key: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stranger = make_issuer()
    award = write_json(tmp_path / "award.json", signed_award(stranger, award_row(1)))
    catalog = pinned_catalog(tmp_path, issuer_key[1])
    result = runner.invoke(app, ["verify", str(award), "--at", AT, "--catalog", str(catalog), "--format", "json"])
    proof = json.loads(result.stdout)["files"][0]["checks"]["proof"]
    assert result.exit_code == 1
    assert proof["reason"] == (
        f"signed by {stranger.did}, not by the trusted issuer {issuer_key[1]} "
        f"(issuer.did in {catalog / 'catalog.yaml'})"
    )
    monkeypatch.setenv("CC_CATALOG", str(catalog))  # the default catalog pins too
    assert runner.invoke(app, ["verify", str(award), "--at", AT]).exit_code == 1
    monkeypatch.setenv("CC_CATALOG", str(tmp_path / "nowhere"))  # no catalog here: nothing pinned
    assert runner.invoke(app, ["verify", str(award), "--at", AT]).exit_code == 0
    both = runner.invoke(app, ["verify", str(award), "--catalog", str(catalog), "--issuer", stranger.did])
    assert both.exit_code == 2 and "is not the issuer.did" in both.stderr
    missing = runner.invoke(app, ["verify", str(award), "--catalog", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "no catalog.yaml there" in missing.stderr


def test_the_ob3_export_names_the_pinned_issuer(tmp_path: Path, issuer_key: tuple[Path, str]) -> None:
    catalog = pinned_catalog(tmp_path, issuer_key[1])
    result = runner.invoke(app, ["export", "--format", "ob3", "--catalog", str(catalog)], env={"CC_ISSUER_KEY": ""})
    assert result.exit_code == 0, result.output
    assert {achievement["creator"]["id"] for achievement in json.loads(result.stdout)} == {issuer_key[1]}
    stray = tmp_path / "stray.key"
    keys.create_key(stray)
    refused = runner.invoke(app, ["export", "--format", "ob3", "--catalog", str(catalog), "--key", str(stray)])
    assert refused.exit_code == 2 and "pins issuer.did" in refused.stderr


def test_a_clr_is_never_signed_by_another_key(tmp_path: Path, issuer_key: tuple[Path, str]) -> None:
    stray = tmp_path / "stray.key"
    keys.create_key(stray)
    out = tmp_path / "awards"
    issued = runner.invoke(
        app, ["issue", str(ROOT / "examples/roster.csv"), "--catalog", str(SAMPLE_CATALOG), "--out", str(out),
              "--key", str(stray), "--format", "json"],
    )  # fmt: skip
    assert issued.exit_code == 0, issued.output
    email = json.loads(issued.stdout)["rows"][0]["email"]
    catalog = pinned_catalog(tmp_path, issuer_key[1])  # pinned later, to another key
    target = tmp_path / "t.clr.json"
    result = runner.invoke(
        app,
        ["transcript", email, "--out", str(out), "--catalog", str(catalog), "--clr", str(target), "--key", str(stray)],
    )
    assert result.exit_code == 2 and "pins issuer.did" in result.stderr and not target.exists()


def test_the_site_tells_visitors_which_key_signs_the_awards(tmp_path: Path, issuer_key: tuple[Path, str]) -> None:
    catalog = pinned_catalog(tmp_path, issuer_key[1])
    out = tmp_path / "site"
    result = runner.invoke(app, ["site", "--catalog", str(catalog), "--out", str(out)])
    assert result.exit_code == 0, result.output
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'<code class="did">{issuer_key[1]}</code>' in index
    assert f"cc verify --issuer {issuer_key[1]} FILE" in index
    sample = tmp_path / "sample-site"
    assert runner.invoke(app, ["site", "--catalog", str(SAMPLE_CATALOG), "--out", str(sample)]).exit_code == 0
    assert "did:key" not in (sample / "index.html").read_text(encoding="utf-8")  # nothing pinned, nothing said
