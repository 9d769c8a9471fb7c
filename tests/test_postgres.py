"""One PostgreSQL ledger shared by many `cc` processes (as by many machines): every roster row is issued
exactly once whatever runs at the same time, a killed run or a stopped server costs nothing but a re-run,
and a wrong password or an unreachable server is one line, never the password itself.

The runs are real `cc` subprocesses against the throw-away server of tests/pg.py; pause points
(`cc_cli.core.testhooks`) put them in a chosen order, so no test relies on timing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cc_cli.cli.app import app
from tests.pg import CLERK_PASSWORD, Server, free_port, wait_for
from tests.pg import query as pg_query
from tests.test_concurrency import CC, Run, issue_args, key_file, manifest_rows

__all__ = ["key_file"]  # a fixture of test_concurrency, used here too

runner = CliRunner()


def write_roster(path: Path, people: range, *, reverse: bool = False) -> Path:
    order = list(people)[::-1] if reverse else list(people)
    lines = [f"p{i}@example.com,Person {i},base-foundational,2026-02-03\n" for i in order]
    path.write_text("email,name,credential,issued_on\n" + "".join(lines), encoding="utf-8")
    return path


def check_exactly_once(url: str, rows: int) -> None:
    """Every row is one award, issued and recorded; no status index twice; every batch closed."""
    assert pg_query(url, "SELECT COUNT(*), COUNT(DISTINCT row_key), COUNT(DISTINCT email_lower) FROM awards") == [
        (rows, rows, rows)
    ]
    assert pg_query(url, "SELECT COUNT(DISTINCT status_index) FROM awards") == [(rows,)]
    assert pg_query(url, "SELECT COUNT(*) FROM awards WHERE state != 'issued' OR file_sha256 IS NULL") == [(0,)]
    assert pg_query(url, "SELECT COUNT(*) FROM batches WHERE finished_at IS NULL") == [(0,)]


def check_manifest(manifest: Path, url: str, outs: list[Path]) -> None:
    """Every line of a manifest maps to an award of the ledger whose file one of the runs wrote."""
    known = dict(pg_query(url, "SELECT id, file FROM awards"))
    for row in manifest_rows(manifest):
        assert row["award_id"] in known, row
        assert any((out / known[row["award_id"]]).is_file() for out in outs), row


def cc_sessions(server: Server, url: str) -> int:
    """How many sessions `cc` has open on the database (its leases live as long as they do)."""
    database = url.rsplit("/", 1)[1]
    found = server.sql(
        f"SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'cc' AND datname = '{database}'"
    )
    return int(str(found[0][0]))


def test_three_overlapping_rosters_at_once_issue_every_row_exactly_once(
    tmp_path: Path, key_file: Path, base_catalog: Path, pg_url: str
) -> None:
    rosters = [
        write_roster(tmp_path / "first.csv", range(0, 40)),
        write_roster(tmp_path / "second.csv", range(20, 60)),
        write_roster(tmp_path / "third.csv", range(0, 60), reverse=True),
    ]
    outs = [tmp_path / f"machine-{n}" for n in range(3)]
    runs = [
        Run(issue_args(roster, base_catalog, out, key_file, "--ledger", pg_url), tmp_path / f"run-{n}", ("planned",))
        for n, (roster, out) in enumerate(zip(rosters, outs, strict=True))
    ]
    for run in runs:
        run.paused("planned")  # all three have planned against the empty ledger: each means to issue all its rows
    for run in runs:
        run.resume("planned")
    reports = [json.loads(run.finish()[0]) for run in runs]
    assert sum(report["summary"]["issued"] for report in reports) == 60
    assert [report["summary"]["recovered"] for report in reports] == [0, 0, 0], "a live run was taken over"
    check_exactly_once(pg_url, 60)
    for report in reports:
        check_manifest(Path(report["manifest"]), pg_url, outs)
    written = [p for out in outs for p in out.glob("base-foundational/*.json")]
    assert len(written) == 60, "an award was written by more than one run, or by none"


def test_a_killed_run_is_completed_exactly_once_by_the_next(
    tmp_path: Path, key_file: Path, base_catalog: Path, pg_server: Server, pg_url: str
) -> None:
    roster, out = write_roster(tmp_path / "cohort.csv", range(12)), tmp_path / "awards"
    args = issue_args(roster, base_catalog, out, key_file, "--ledger", pg_url)
    killed = Run(args, tmp_path / "killed", ("inserted",))
    killed.paused("inserted")  # its 12 awards are committed as pending, no file is written
    assert cc_sessions(pg_server, pg_url) == 1
    os.kill(killed.process.pid, signal.SIGKILL)
    killed.process.communicate()
    # The server ends the dead client's session, and with it the lease on its batch.
    wait_for(lambda: cc_sessions(pg_server, pg_url) == 0, "the killed run's session to end")
    assert pg_query(pg_url, "SELECT COUNT(*) FROM awards WHERE state = 'pending'") == [(12,)]
    report = json.loads(Run(args, tmp_path / "rerun").finish()[0])
    assert report["summary"]["recovered"] == 12 and report["summary"]["issued"] == 0
    check_exactly_once(pg_url, 12)
    closed = "SELECT id, finished_at IS NOT NULL, rows_total, issued, skipped, closed_by FROM batches ORDER BY id"
    assert pg_query(pg_url, closed) == [(1, True, 12, 12, 0, 2), (2, True, 12, 0, 12, None)]
    check_manifest(out / "cohort.manifest.csv", pg_url, [out])


def test_a_live_run_keeps_its_batch_while_another_runs(
    tmp_path: Path, key_file: Path, base_catalog: Path, pg_url: str
) -> None:
    roster = write_roster(tmp_path / "cohort.csv", range(12))
    first, second = tmp_path / "first", tmp_path / "second"
    early = Run(issue_args(roster, base_catalog, first, key_file, "--ledger", pg_url), tmp_path / "a", ("inserted",))
    early.paused("inserted")  # alive, holding 12 pending awards
    late = json.loads(
        Run(issue_args(roster, base_catalog, second, key_file, "--ledger", pg_url), tmp_path / "b").finish()[0]
    )
    assert late["summary"]["recovered"] == 0 and late["summary"]["issued"] == 0, "a live run's work was taken over"
    early.resume("inserted")
    assert json.loads(early.finish()[0])["summary"]["issued"] == 12
    check_exactly_once(pg_url, 12)
    assert not list(second.glob("base-foundational/*.json"))


def test_a_server_stopped_mid_batch_is_one_line_and_the_rerun_completes_exactly_once(
    tmp_path: Path, key_file: Path, base_catalog: Path, pg_server: Server, pg_url: str
) -> None:
    roster, out = write_roster(tmp_path / "cohort.csv", range(12)), tmp_path / "awards"
    args = issue_args(roster, base_catalog, out, key_file, "--ledger", pg_url)
    cut = Run(args, tmp_path / "cut", ("inserted",))
    cut.paused("inserted")
    try:
        pg_server.halt()  # the database goes away under a run that has committed pending awards
        cut.resume("inserted")
        stdout, stderr = cut.process.communicate(timeout=60)
        assert cut.process.returncode == 2, stdout + stderr
        assert stderr.startswith("cc: error: lost the connection to the ledger " + pg_url), stderr
        assert stderr.count("\n") == 1 and "Traceback" not in stderr
        down = subprocess.run([CC, *args], capture_output=True, text=True)  # and while it is down
        assert down.returncode == 2 and down.stderr.count("\n") == 1, down.stderr
        assert down.stderr.startswith(f"cc: error: cannot connect to the ledger {pg_url}: "), down.stderr
    finally:
        pg_server.start()
    report = json.loads(Run(args, tmp_path / "rerun").finish()[0])
    assert report["summary"]["recovered"] == 12
    check_exactly_once(pg_url, 12)
    check_manifest(out / "cohort.manifest.csv", pg_url, [out])


def test_verify_sees_a_revocation_made_by_another_process(
    tmp_path: Path, key_file: Path, base_catalog: Path, pg_url: str
) -> None:
    roster, out = write_roster(tmp_path / "cohort.csv", range(3)), tmp_path / "awards"
    Run(issue_args(roster, base_catalog, out, key_file, "--ledger", pg_url), tmp_path / "issue").finish()
    award_id, file = pg_query(pg_url, "SELECT id, file FROM awards ORDER BY status_index")[1]
    verify = ["verify", str(out / str(file)), "--ledger", pg_url, "--require-status", "--catalog", str(base_catalog)]
    before = runner.invoke(app, verify)
    assert before.exit_code == 0 and f"not revoked (ledger {pg_url})" in before.stdout, before.output
    revoking = subprocess.run(
        [CC, "revoke", str(award_id), "--reason", "exam withdrawn", "--out", str(out), "--key", str(key_file),
         "--catalog", str(base_catalog)],
        capture_output=True, text=True, env={**os.environ, "CC_LEDGER": pg_url},
    )  # fmt: skip
    assert revoking.returncode == 0, revoking.stdout + revoking.stderr
    after = runner.invoke(app, verify)
    assert after.exit_code == 1 and "revoked on" in after.stdout and "exam withdrawn" in after.stdout, after.output


def test_a_wrong_password_is_one_line_that_never_shows_it(
    tmp_path: Path, pg_server: Server, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk = pg_url.replace("postgres@", "clerk:{}@")
    monkeypatch.setenv("CC_LEDGER", clerk.format("not-the-password"))
    result = runner.invoke(app, ["expiring", "--out", str(tmp_path)])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.output
    assert "password authentication failed" in result.stderr and "PGPASSWORD" in result.stderr
    assert "not-the-password" not in result.output and clerk.format("***") in result.stderr
    # The right one, from the environment, opens the ledger (here an empty database: not a ledger yet).
    monkeypatch.setenv("CC_LEDGER", clerk.format(CLERK_PASSWORD))
    result = runner.invoke(app, ["expiring", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "is not a cc ledger (an empty database)" in result.stderr, result.output
    assert CLERK_PASSWORD not in result.output
    # On the command line a password is refused before anything connects: `ps` shows it to every user.
    monkeypatch.delenv("CC_LEDGER")
    result = runner.invoke(app, ["expiring", "--ledger", clerk.format(CLERK_PASSWORD), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "visible to every user" in result.stderr and CLERK_PASSWORD not in result.output
    monkeypatch.setenv("PGPASSWORD", CLERK_PASSWORD)  # libpq's own variable works too
    result = runner.invoke(app, ["expiring", "--ledger", pg_url.replace("postgres@", "clerk@"), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "is not a cc ledger (an empty database)" in result.stderr, result.output


def test_an_unreachable_server_is_one_line(tmp_path: Path, pg_server: Server) -> None:
    url = f"postgresql://clerk@127.0.0.1:{free_port()}/office"  # nothing listens there
    result = runner.invoke(app, ["transcript", "ana@example.com", "--ledger", url, "--out", str(tmp_path)])
    assert result.exit_code == 2 and result.stderr.startswith(f"cc: error: cannot connect to the ledger {url}: ")
    assert result.stderr.count("\n") == 1, result.stderr


def test_the_catalog_names_the_shared_ledger(
    tmp_path: Path, key_file: Path, base_catalog: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CC_LEDGER", raising=False)
    settings = base_catalog / "catalog.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + f"ledger: {pg_url}\n", encoding="utf-8")
    roster, out = write_roster(tmp_path / "cohort.csv", range(2)), tmp_path / "awards"
    common = ["--catalog", str(base_catalog), "--out", str(out)]
    result = runner.invoke(app, ["issue", str(roster), *common, "--key", str(key_file), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert pg_query(pg_url, "SELECT COUNT(*) FROM awards") == [(2,)] and not (out / "ledger.sqlite3").exists()
    result = runner.invoke(app, ["ledger", "status", *common, "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["ledger"] == pg_url, result.output
    # A password there would be committed with the catalog: cc validate says CC108, and no command uses it.
    settings.write_text(settings.read_text(encoding="utf-8").replace("postgres@", "postgres:pw@"), encoding="utf-8")
    result = runner.invoke(app, ["validate", "--catalog", str(base_catalog)])
    assert result.exit_code == 1 and "CC108" in result.stdout, result.output
    result = runner.invoke(app, ["ledger", "status", *common])
    assert result.exit_code == 2 and "carries a password (CC108)" in result.stderr and "pw" not in result.stderr
