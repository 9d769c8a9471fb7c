"""Issue 13, point 3: status lists no other ledger can overwrite.

Two ledgers of one issuer both hand out status index 0. If the second wrote (or published) the first one's
lists, revoking its learner would show the first ledger's learner as revoked. Each ledger now has an
identity, every status folder records the ledger that made its lists, and every writer of another ledger is
refused with a pointer to the right one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cc_cli.cli.app import app
from cc_cli.credentials import status_list

runner = CliRunner()


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("key") / "issuer.key"
    assert runner.invoke(app, ["keys", "init", str(path)]).exit_code == 0
    return path


def roster(folder: Path, email: str) -> Path:
    path = folder / f"{email.split('@')[0]}.csv"
    path.write_text(f"email,name,credential,issued_on\n{email},{email},base-foundational,2026-02-03\n", "utf-8")
    return path


def issue(roster_file: Path, out: Path, catalog: Path, key: Path, *extra: str) -> tuple[int, str]:
    args = ["issue", str(roster_file), "--catalog", str(catalog), "--out", str(out), "--key", str(key)]
    result = runner.invoke(app, [*args, "--workers", "1", *extra])
    return result.exit_code, result.output


def award_files(out: Path) -> list[Path]:
    return sorted(p for p in out.glob("*/*.json") if p.parent.name != "status")


def award_ids(out: Path) -> list[str]:
    return [json.loads(p.read_bytes())["id"] for p in award_files(out)]


def test_a_typo_in_out_is_refused_with_the_existing_ledger(tmp_path: Path, base_catalog: Path, key_file: Path) -> None:
    awards = tmp_path / "awards"
    assert issue(roster(tmp_path, "ann@example.com"), awards, base_catalog, key_file)[0] == 0
    code, output = issue(roster(tmp_path, "ben@example.com"), tmp_path / "awardz", base_catalog, key_file)
    assert code == 2, output
    assert f"give --out {awards}" in output and "--new-ledger" in output
    assert not (tmp_path / "awardz").exists(), "nothing was started in the mistyped folder"


def test_two_ledgers_never_publish_over_each_other(tmp_path: Path, base_catalog: Path, key_file: Path) -> None:
    """Two colleagues, two folders, one key: the second is a ledger on purpose, but its lists never replace
    the first one's, neither in the site nor in the first one's folder."""
    first, second, site = tmp_path / "awards", tmp_path / "colleague", tmp_path / "site"
    assert issue(roster(tmp_path, "ann@example.com"), first, base_catalog, key_file)[0] == 0
    code, output = issue(roster(tmp_path, "ben@example.com"), second, base_catalog, key_file, "--new-ledger")
    assert code == 0, output
    owners = [status_list.owner_of(folder / "status") for folder in (first, second)]
    assert owners[0] is not None and owners[1] is not None and owners[0].ledger_id != owners[1].ledger_id

    # Both hand out index 0: revoke Ben in his ledger; Ann's published list must never say so.
    publish = ["site", "--catalog", str(base_catalog), "--out", str(site), "--awards"]
    assert runner.invoke(app, [*publish, str(first)]).exit_code == 0
    published = (site / "status" / "0.json").read_bytes()
    ben = award_ids(second)[0].removeprefix("urn:uuid:")
    revoke = ["revoke", ben, "--reason", "typo", "--catalog", str(base_catalog), "--key", str(key_file)]
    assert runner.invoke(app, [*revoke, "--out", str(second)]).exit_code == 0
    result = runner.invoke(app, [*publish, str(second)])
    assert result.exit_code == 2, result.output
    assert str(first / "ledger.sqlite3") in result.output and "its own site" in result.output
    assert (site / "status" / "0.json").read_bytes() == published, "the site still carries Ann's ledger's list"

    # Nor may Ben's ledger write its lists into Ann's folder (a wrong --ledger with --out).
    republish = ["revoke", "--republish", "--catalog", str(base_catalog), "--key", str(key_file)]
    result = runner.invoke(app, [*republish, "--out", str(first), "--ledger", str(second / "ledger.sqlite3")])
    assert result.exit_code == 2 and str(first / "ledger.sqlite3") in result.output, result.output
    assert status_list.owner_of(first / "status") == owners[0]
    verified = runner.invoke(app, ["verify", *map(str, award_files(first)), "--catalog", str(base_catalog)])
    assert verified.exit_code == 0, verified.output  # Ann's award: still valid


def test_issue_refuses_a_new_ledger_in_a_folder_of_another(tmp_path: Path, base_catalog: Path, key_file: Path) -> None:
    awards = tmp_path / "awards"
    assert issue(roster(tmp_path, "ann@example.com"), awards, base_catalog, key_file)[0] == 0
    other = tmp_path / "elsewhere" / "other.sqlite3"
    code, output = issue(roster(tmp_path, "ben@example.com"), awards, base_catalog, key_file, "--ledger", str(other))
    assert code == 2, output
    assert f"--ledger {awards / 'ledger.sqlite3'}" in output and "nothing was issued" in output
    assert not other.exists() and len(award_ids(awards)) == 1


def test_verify_names_the_ledger_of_the_status_list(tmp_path: Path, base_catalog: Path, key_file: Path) -> None:
    awards = tmp_path / "awards"
    assert issue(roster(tmp_path, "ann@example.com"), awards, base_catalog, key_file)[0] == 0
    files = [str(p) for p in award_files(awards)]
    result = runner.invoke(
        app, ["verify", *files, "--catalog", str(base_catalog), "--status-dir", str(awards / "status")]
    )
    assert result.exit_code == 0, result.output
    assert f"made by the ledger {awards / 'ledger.sqlite3'}" in result.output
