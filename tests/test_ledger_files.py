"""A `--ledger` that is not a cc ledger is refused by every command, and left exactly as it was.

A mistyped path must never get cc's tables written into someone else's database, and a forged award
(someone else's signature on a copy of a real award) must not pass because the ledger knows its id."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cc_cli.cli.app import app
from cc_cli.credentials import keys
from tests.conftest import ROOT, SAMPLE_CATALOG, Backend
from tests.test_verify import AT, award_row, issue_into, make_issuer, signed_award, write_json

runner = CliRunner()


def foreign_database(path: Path, *, with_meta: bool = False) -> Path:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE contacts (email TEXT)")
        if with_meta:  # as Chrome's History and Cookies databases have
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            db.execute("INSERT INTO meta VALUES ('version', '42')")
    return path


COMMANDS = {
    "issue": lambda ledger, key, out: ["issue", str(ROOT / "examples/roster.csv"), "--key", str(key)],
    "issue --dry-run": lambda ledger, key, out: ["issue", str(ROOT / "examples/roster.csv"), "--dry-run"],
    "revoke": lambda ledger, key, out: ["revoke", "urn:uuid:x", "--reason", "r", "--key", str(key)],
    "expiring": lambda ledger, key, out: ["expiring", "--within", "P60D"],
    "transcript": lambda ledger, key, out: ["transcript", "ana@example.com"],
    "report": lambda ledger, key, out: ["report", "--format", "json"],
}


@pytest.mark.parametrize("kind", ["sqlite", "sqlite-with-meta", "csv", "empty"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_file_that_is_not_a_ledger_is_refused_and_untouched(tmp_path: Path, command: str, kind: str) -> None:
    ledger = tmp_path / "contacts.db"
    if kind.startswith("sqlite"):
        foreign_database(ledger, with_meta=kind == "sqlite-with-meta")
    elif kind == "csv":
        ledger.write_text("email,name\nana@example.com,Ana\n")
    else:
        ledger.touch()
    if kind == "empty" and command == "issue":
        pytest.skip("an empty file is where `cc issue` may create a new ledger")
    before = ledger.read_bytes()
    key = tmp_path / "issuer.key"
    keys.create_key(key)
    out = tmp_path / "awards"
    args = [*COMMANDS[command](ledger, key, out), "--ledger", str(ledger), "--catalog", str(SAMPLE_CATALOG)]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("cc: error: ") and "is not a cc ledger" in result.stderr
    assert "internal error" not in result.stderr and result.stderr.count("\n") == 1
    assert ledger.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.db", "issuer.key"]


def test_verify_refuses_a_ledger_that_is_not_one(tmp_path: Path) -> None:
    issuer = make_issuer()
    award = write_json(tmp_path / "award.json", signed_award(issuer, award_row(1)))
    ledger = foreign_database(tmp_path / "contacts.db")
    result = runner.invoke(app, ["verify", str(award), "--ledger", str(ledger)])
    assert result.exit_code == 2 and "is not a cc ledger" in result.stderr


def test_a_forged_award_does_not_pass_through_the_ledger(tmp_path: Path, backend: Backend) -> None:
    issuer, forger = make_issuer(), make_issuer()
    out = tmp_path / "awards"
    row = award_row(1)
    issue_into(out, issuer, [row]).close()
    forged = write_json(tmp_path / "forged.json", signed_award(forger, row))  # same id and index, other key
    ledger = str(backend.ledger(out))
    result = runner.invoke(app, ["verify", str(forged), "--at", AT, "--ledger", ledger, "--format", "json"])
    status = json.loads(result.stdout)["files"][0]["checks"]["status"]
    assert result.exit_code == 1 and status["status"] == "fail"
    assert status["reason"] == (f"signed by {forger.did}, but the ledger's award was issued by {issuer.did}: a forgery")
    genuine = runner.invoke(app, ["verify", str(out / row.file), "--at", AT, "--ledger", ledger])
    assert genuine.exit_code == 0, genuine.output


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_ledger_from_a_newer_cc_is_refused_and_untouched(tmp_path: Path, command: str) -> None:
    from cc_cli.ledger.sqlite import SCHEMA_VERSION, Ledger

    ledger = tmp_path / "newer.sqlite3"
    Ledger(ledger).close()
    with sqlite3.connect(ledger) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    db.close()
    before = ledger.read_bytes()
    key = tmp_path / "issuer.key"
    keys.create_key(key)
    out = tmp_path / "awards"
    args = [*COMMANDS[command](ledger, key, out), "--ledger", str(ledger), "--catalog", str(SAMPLE_CATALOG)]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert f"has schema version {SCHEMA_VERSION + 1}" in result.stderr and "upgrade cc" in result.stderr
    assert result.stderr.count("\n") == 1 and ledger.read_bytes() == before
