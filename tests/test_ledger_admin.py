"""`cc ledger migrate | copy | status`: a ledger moves between SQLite and PostgreSQL without losing a row,
a schema is created or upgraded (and a foreign or newer database refused, untouched), and a person sees
what a ledger holds."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cc_cli.cli.app import app
from cc_cli.ledger.sqlite import SCHEMA_VERSION
from tests.conftest import ROOT, SAMPLE_CATALOG, Backend
from tests.pg import Server
from tests.pg import query as pg_query
from tests.test_transcript import CERT, make_history, write_roster

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def dump(location: str | Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of a ledger's tables, in a stable order."""
    return {
        "meta": pg_query(location, "SELECT key, value FROM meta ORDER BY key"),
        "batches": pg_query(location, "SELECT * FROM batches ORDER BY id"),
        "awards": pg_query(location, "SELECT * FROM awards ORDER BY status_index"),
    }


def test_copy_sqlite_to_postgresql_and_back_is_identical(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CC_LEDGER", raising=False)
    history = make_history(tmp_path)  # batches, a renewal (replaces), revocations: every kind of row
    laptop = history.out / "ledger.sqlite3"
    code, stdout, stderr = invoke("ledger", "copy", str(laptop), pg_url)
    assert code == 0, stderr
    assert stdout == f"copied 2 batch(es) and 9 award(s) from {laptop} to {pg_url}; the copy matches row by row\n"
    back = tmp_path / "back.sqlite3"
    code, _, stderr = invoke("ledger", "copy", pg_url, str(back))
    assert code == 0, stderr
    original = dump(laptop)
    assert dump(pg_url) == original and dump(back) == original
    assert any(row[-3] is not None for row in original["awards"]), "the history has a renewal (replaces)"
    # The copy is a working ledger: the same rosters issue nothing, a new row gets fresh ids and indexes.
    common = ["--catalog", str(SAMPLE_CATALOG), "--key", str(history.key), "--ledger", pg_url, "--workers", "1"]
    code, stdout, stderr = invoke("issue", str(tmp_path / "history.csv"), "--out", str(history.out), *common)
    assert code == 0 and "issued 0" in stdout, stdout + stderr
    roster = write_roster(tmp_path / "new.csv", ["cy@example.com,Cy Dee,cloud-essentials,2026-05-01"])
    code, stdout, stderr = invoke("issue", str(roster), "--out", str(history.out), *common)
    assert code == 0 and "issued 1" in stdout, stdout + stderr
    assert pg_query(pg_url, "SELECT MAX(id) FROM batches") == [(4,)]
    newest = pg_query(pg_url, "SELECT status_index FROM awards WHERE email_lower = 'cy@example.com'")
    assert newest == [(max(row[16] for row in original["awards"]) + 1,)]  # type: ignore[type-var, operator]
    revoked = history.out / "cloud-essentials" / f"{history.revoked.removeprefix('urn:uuid:')}.json"
    for award, expected in (
        (history.out / CERT / f"{history.ids[CERT].removeprefix('urn:uuid:')}.json", "not revoked (ledger"),
        (revoked, "revoked on"),
    ):
        code, stdout, _ = invoke("verify", str(award), "--ledger", pg_url, "--catalog", str(SAMPLE_CATALOG))
        assert expected in stdout and code == (0 if expected.startswith("not") else 1), stdout


def test_copy_refuses_a_target_that_holds_awards_and_a_source_that_is_no_ledger(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CC_LEDGER", raising=False)
    history = make_history(tmp_path / "a")
    laptop = history.out / "ledger.sqlite3"
    assert invoke("ledger", "copy", str(laptop), pg_url)[0] == 0
    before = dump(pg_url)
    code, _, stderr = invoke("ledger", "copy", str(laptop), pg_url)
    assert code == 2 and "already holds 2 batch(es): copy into a new, empty ledger" in stderr
    assert stderr.count("\n") == 1 and dump(pg_url) == before
    (tmp_path / "notes.txt").write_text("not a ledger\n")
    code, _, stderr = invoke("ledger", "copy", str(tmp_path / "notes.txt"), str(tmp_path / "b.sqlite3"))
    assert code == 2 and "is not a cc ledger" in stderr and not (tmp_path / "b.sqlite3").exists()


def test_migrate_creates_upgrades_and_refuses(tmp_path: Path, pg_server: Server, pg_url: str) -> None:
    code, stdout, _ = invoke("ledger", "migrate", "--ledger", pg_url)
    assert code == 0 and stdout == f"{pg_url} (postgresql): created a cc ledger (schema version {SCHEMA_VERSION})\n"
    code, stdout, _ = invoke("ledger", "migrate", "--ledger", pg_url)
    assert code == 0 and stdout.endswith(f"already at schema version {SCHEMA_VERSION}: nothing to do\n")
    newer = SCHEMA_VERSION + 1
    pg_server.sql(f"UPDATE meta SET value = '{newer}' WHERE key = 'schema_version'", pg_url.rsplit("/", 1)[1])
    code, _, stderr = invoke("ledger", "migrate", "--ledger", pg_url)
    assert code == 2 and f"has schema version {newer}" in stderr and "upgrade cc" in stderr
    # Someone else's database: refused, and not one table is added to it.
    other = pg_server.new_database(f"crm_{tmp_path.name[-20:].replace('-', '_')}")
    pg_server.sql("CREATE TABLE contacts (email TEXT)", other.rsplit("/", 1)[1])
    code, _, stderr = invoke("ledger", "migrate", "--ledger", other)
    assert code == 2 and "is not a cc ledger (a PostgreSQL database with other tables: contacts)" in stderr
    tables = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
    assert pg_query(other, tables) == [("contacts",)]
    # An SQLite ledger of schema version 1 is upgraded in place.
    old = tmp_path / "old.sqlite3"
    with sqlite3.connect(old) as db:
        db.executescript((ROOT / "tests/data/ledgers/schema_v1.sql").read_text(encoding="utf-8"))
    db.close()
    code, stdout, _ = invoke("ledger", "migrate", "--ledger", str(old))
    assert code == 0 and stdout == f"{old} (sqlite): upgraded from schema version 1 to {SCHEMA_VERSION}\n"
    assert pg_query(old, "SELECT COUNT(*) FROM external_awards") == [(0,)]


def test_migrate_upgrades_a_postgresql_ledger_of_schema_3(pg_server: Server, pg_url: str) -> None:
    """Schema 4 (issue 16) adds `external_awards`; a PostgreSQL ledger of schema 3 gets it in place."""
    assert invoke("ledger", "migrate", "--ledger", pg_url)[0] == 0
    database = pg_url.rsplit("/", 1)[1]
    pg_server.sql("DROP TABLE external_awards; UPDATE meta SET value = '3' WHERE key = 'schema_version'", database)
    code, stdout, _ = invoke("ledger", "migrate", "--ledger", pg_url)
    assert code == 0 and stdout == f"{pg_url} (postgresql): upgraded from schema version 3 to 4\n"
    assert pg_query(pg_url, "SELECT COUNT(*) FROM external_awards") == [(0,)]
    assert pg_query(pg_url, "SELECT value FROM meta WHERE key = 'schema_version'") == [("4",)]


def test_status_says_backend_schema_issuer_counts_and_last_batches(tmp_path: Path, backend: Backend) -> None:
    history = make_history(tmp_path)
    code, stdout, stderr = invoke("ledger", "status", "--out", str(history.out), "--format", "json")
    assert code == 0, stderr
    found = json.loads(stdout)
    assert found["backend"] == backend.kind and found["ledger"] == str(backend.ledger(history.out))
    assert (
        found["schema_version"] == SCHEMA_VERSION
        and len(found["issuers"]) == 1
        and found["issuers"][0].startswith("did:key:")
    )
    assert (
        found["awards"] == {"pending": 0, "issued": 8, "revoked": 1} and found["batches"] == 2
    )  # a renewal revokes nothing
    assert [b["id"] for b in found["recent_batches"]] == [2, 1]
    assert {b["state"] for b in found["recent_batches"]} == {"finished"}
    code, stdout, _ = invoke("ledger", "status", "--out", str(history.out))
    assert code == 0 and "awards:  9: 8 issued, 1 revoked, 0 pending" in stdout
    code, _, stderr = invoke("ledger", "status", "--out", str(tmp_path / "none"), "--ledger", str(tmp_path / "x.db"))
    assert code == 2 and "no ledger at" in stderr and not (tmp_path / "x.db").exists()
