"""Two cc processes at once: what one does never undoes or takes over what the other is doing.

Each race is made to happen in one chosen order with the pause points of `cc_cli.core.testhooks`
(CC_TEST_PAUSE_AT): a run stops at a named point until the test lets it go on, so no test relies on timing.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cc_cli.cli.app import app
from cc_cli.credentials import status_list
from cc_cli.ledger.sqlite import SCHEMA_VERSION
from tests.conftest import ROOT, Backend
from tests.pg import query as pg_query

CC = str(Path(sys.executable).with_name("cc"))
ROWS = 12
WAIT = 60.0  # seconds: only ever reached when something is broken


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("key") / "issuer.key"
    result = CliRunner().invoke(app, ["keys", "init", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "cohort.csv"
    lines = [f"p{i}@example.com,Person {i},base-foundational,2026-02-03" for i in range(ROWS)]
    path.write_text("email,name,credential,issued_on\n" + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


_STARTED: list[subprocess.Popen[str]] = []


@pytest.fixture(autouse=True)
def _no_run_left() -> Iterator[None]:
    """A failed test must not leave a paused cc behind: end whatever it started."""
    yield
    while _STARTED:
        process = _STARTED.pop()
        if process.poll() is None:
            process.kill()
        process.communicate()


class Run:
    """A `cc` subprocess, optionally told to pause at some points (in its own pause folder)."""

    def __init__(self, args: list[str], folder: Path, pause_at: tuple[str, ...] = ()) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        if pause_at:
            env.update(CC_TEST_PAUSE_AT=",".join(pause_at), CC_TEST_PAUSE_DIR=str(folder))
        self.process = subprocess.Popen([CC, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        _STARTED.append(self.process)

    def wait_until(self, condition: Callable[[], bool], what: str) -> None:
        """Poll `condition` until it holds; fail at once if this run ended instead."""
        deadline = time.monotonic() + WAIT
        while not condition():
            if self.process.poll() is not None:
                stdout, stderr = self.process.communicate()
                pytest.fail(f"the run ended (exit {self.process.returncode}) before {what}: {stdout}{stderr}")
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            time.sleep(0.01)

    def paused(self, point: str) -> None:
        self.wait_until((self.folder / f"{point}.paused").exists, f"pausing at {point}")

    def resume(self, point: str) -> None:
        (self.folder / f"{point}.resume").touch()

    def finish(self) -> tuple[str, str]:
        stdout, stderr = self.process.communicate(timeout=WAIT)
        assert self.process.returncode == 0, stdout + stderr
        return stdout, stderr


def issue_args(roster: Path, catalog: Path, out: Path, key: Path, *extra: str) -> list[str]:
    return [
        "issue", str(roster), "--catalog", str(catalog), "--out", str(out), "--key", str(key),
        "--format", "json", "--workers", "1", *extra,
    ]  # fmt: skip


def query(ledger: Path | str, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Rows from the ledger, SQLite or PostgreSQL (a URL)."""
    return pg_query(ledger, sql, params)


def manifest_rows(manifest: Path) -> list[dict[str, str]]:
    with manifest.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


# A revocation made while `cc issue` is publishing ------------------------------------------------


def test_a_revocation_made_while_an_issue_run_publishes_stays_published(
    tmp_path: Path, key_file: Path, base_catalog: Path, roster: Path, backend: Backend
) -> None:
    out = tmp_path / "awards"
    ledger = backend.ledger(out)
    issuing = Run(issue_args(roster, base_catalog, out, key_file), tmp_path / "issue", ("status-read",))
    issuing.paused("status-read")  # it has read the ledger for its status lists, and not written them yet
    award_id, index, file = query(ledger, "SELECT id, status_index, file FROM awards ORDER BY status_index")[3]
    revoking = Run(
        ["revoke", str(award_id), "--reason", "withdrawn", "--out", str(out), "--key", str(key_file),
         "--catalog", str(base_catalog)],
        tmp_path / "revoke",
        ("status-wait",),
    )  # fmt: skip
    (tmp_path / "revoke" / "status-wait.resume").touch()  # a signal only: it must not stop there
    # The revocation is published (cc revoke has ended), or it waits for the lock the issue run holds.
    waiting = tmp_path / "revoke" / "status-wait.paused"
    deadline = time.monotonic() + WAIT
    while revoking.process.poll() is None and not waiting.exists():
        assert time.monotonic() < deadline, "cc revoke neither ended nor waited for the status lock"
        time.sleep(0.01)
    issuing.resume("status-read")
    issuing.finish()
    revoking.finish()
    published = json.loads((out / "status" / "0.json").read_bytes())
    bits = status_list.decode_bits(published["credentialSubject"]["encodedList"])
    assert status_list.bit_is_set(bits, int(str(index))), "the published list lost the revocation"
    verified = subprocess.run(
        [CC, "verify", str(out / str(file)), "--require-status", "--status-dir", str(out / "status"),
         "--catalog", str(base_catalog)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert verified.returncode == 1 and "revoked" in verified.stdout, verified.stdout + verified.stderr


# Two issue runs at once: neither takes over the other's work -------------------------------------


def overlapping_runs(tmp_path: Path, first: list[str], second: list[str]) -> tuple[dict, dict, list[dict[str, str]]]:
    """`second` plans before `first` commits anything, and goes on while `first` holds committed but unwritten
    awards; `first` resumes when `second` has ended. Their JSON reports, and `second`'s manifest as it left it."""
    late = Run(second, tmp_path / "second", ("planned",))
    late.paused("planned")  # it saw an empty ledger
    early = Run(first, tmp_path / "first", ("inserted",))
    early.paused("inserted")  # its awards are committed as pending, their files not yet written
    late.resume("planned")
    late_report = json.loads(late.finish()[0])
    manifest = manifest_rows(Path(late_report["manifest"]))
    early.resume("inserted")
    early_report = json.loads(early.finish()[0])
    return early_report, late_report, manifest


def check_manifest(rows: list[dict[str, str]], ledger: Path | str, out: Path) -> None:
    """Every line maps to an award of the ledger whose file exists in `out`."""
    known = dict(query(ledger, "SELECT id, file FROM awards"))
    assert len(rows) == ROWS
    for row in rows:
        assert row["award_id"] in known, row
        assert row["file"] == known[row["award_id"]] and (out / row["file"]).is_file(), row


def check_ledger(ledger: Path | str) -> None:
    """Each roster row is one award, issued (its file written and recorded), and every batch is closed."""
    assert query(ledger, "SELECT COUNT(*), COUNT(DISTINCT row_key) FROM awards") == [(ROWS, ROWS)]
    assert query(ledger, "SELECT COUNT(*) FROM awards WHERE state != 'issued' OR file_sha256 IS NULL") == [(0,)]
    assert query(ledger, "SELECT COUNT(*) FROM batches WHERE finished_at IS NULL") == [(0,)]


def test_two_runs_of_one_roster_into_one_folder_leave_each_other_alone(
    tmp_path: Path, key_file: Path, base_catalog: Path, roster: Path, backend: Backend
) -> None:
    out = tmp_path / "awards"
    args = issue_args(roster, base_catalog, out, key_file)
    early, late, late_manifest = overlapping_runs(tmp_path, args, args)
    assert [early["summary"]["recovered"], late["summary"]["recovered"]] == [0, 0], "a live run was taken over"
    assert [early["summary"]["issued"], late["summary"]["issued"]] == [ROWS, 0]
    ledger = backend.ledger(out)
    check_manifest(late_manifest, ledger, out)  # "issued meanwhile by another run": still mapped to its award
    check_manifest(manifest_rows(out / "cohort.manifest.csv"), ledger, out)
    check_ledger(ledger)


def test_two_runs_sharing_a_ledger_into_two_folders_leave_each_other_alone(
    tmp_path: Path, key_file: Path, base_catalog: Path, roster: Path, backend: Backend
) -> None:
    ledger = backend.url or tmp_path / "shared.sqlite3"
    first, second = tmp_path / "first-awards", tmp_path / "second-awards"
    early, late, late_manifest = overlapping_runs(
        tmp_path,
        issue_args(roster, base_catalog, first, key_file, "--ledger", str(ledger)),
        issue_args(roster, base_catalog, second, key_file, "--ledger", str(ledger)),
    )
    assert [early["summary"]["recovered"], late["summary"]["recovered"]] == [0, 0], "a live run was taken over"
    check_manifest(late_manifest, ledger, first)  # the awards are where the run that issued them wrote them
    check_manifest(manifest_rows(first / "cohort.manifest.csv"), ledger, first)
    strays = [p for p in second.glob("*/*.json") if p.parent.name != "status"]
    assert not strays, "an award was written into the folder of a run that did not issue it"
    check_ledger(ledger)


def test_a_killed_run_is_taken_over_and_its_batch_closed(
    tmp_path: Path, key_file: Path, base_catalog: Path, roster: Path
) -> None:
    out = tmp_path / "awards"
    args = issue_args(roster, base_catalog, out, key_file)
    killed = Run(args, tmp_path / "killed", ("inserted",))
    killed.paused("inserted")  # awards committed as pending, no file written
    os.kill(killed.process.pid, signal.SIGKILL)
    killed.process.communicate()
    assert not list(out.glob("base-foundational/*.json"))
    report = json.loads(Run(args, tmp_path / "rerun").finish()[0])
    assert report["summary"]["recovered"] == ROWS
    ledger = out / "ledger.sqlite3"
    check_manifest(manifest_rows(out / "cohort.manifest.csv"), ledger, out)
    check_ledger(ledger)  # the killed batch too is closed
    closed = "SELECT id, finished_at IS NOT NULL, rows_total, issued, skipped, closed_by FROM batches ORDER BY id"
    assert query(ledger, closed) == [(1, 1, ROWS, ROWS, 0, 2), (2, 1, ROWS, 0, ROWS, None)]


def test_a_run_killed_under_an_older_cc_is_completed_and_its_ledger_upgraded(
    tmp_path: Path, key_file: Path, base_catalog: Path, roster: Path
) -> None:
    out = tmp_path / "awards"
    args = issue_args(roster, base_catalog, out, key_file)
    killed = Run(args, tmp_path / "killed", ("inserted",))
    killed.paused("inserted")
    os.kill(killed.process.pid, signal.SIGKILL)
    killed.process.communicate()
    # The same ledger as a version-1 cc would have left it: its schema, verbatim, holding the killed batch.
    ledger = out / "ledger.sqlite3"
    old = tmp_path / "old.sqlite3"
    db = sqlite3.connect(old)
    db.executescript((ROOT / "tests/data/ledgers/schema_v1.sql").read_text(encoding="utf-8"))
    db.execute("ATTACH ? AS killed", (str(ledger),))
    v1_batch_columns = [name for (_, name, *_) in db.execute("PRAGMA main.table_info(batches)")]
    columns = ", ".join(v1_batch_columns)
    db.execute(f"INSERT INTO main.batches ({columns}) SELECT {columns} FROM killed.batches")
    db.execute("INSERT INTO main.awards SELECT * FROM killed.awards")
    db.commit()
    db.close()
    for leftover in out.glob("ledger.sqlite3*"):
        leftover.unlink()
    old.rename(ledger)
    assert "closed_by" not in v1_batch_columns
    report = json.loads(Run(args, tmp_path / "rerun").finish()[0])
    assert report["summary"]["recovered"] == ROWS
    assert query(ledger, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    indexes = dict(query(ledger, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))
    assert "'renew'" in indexes["one_live_award"] and "one_renewal_of_each" in indexes  # schema 3, in place
    assert query(ledger, "SELECT COUNT(*) FROM external_awards") == [(0,)]  # schema 4, in place
    assert query(ledger, "SELECT id, issued, closed_by FROM batches ORDER BY id") == [(1, ROWS, 2), (2, 0, None)]
    check_manifest(manifest_rows(out / "cohort.manifest.csv"), ledger, out)
    check_ledger(ledger)
