"""Two cc processes at once: what one does never undoes or takes over what the other is doing.

Each race is made to happen in one chosen order with the pause points of `cc_cli.core.testhooks`
(CC_TEST_PAUSE_AT): a run stops at a named point until the test lets it go on, so no test relies on timing.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cc_cli.cli.app import app
from cc_cli.credentials import status_list

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


class Run:
    """A `cc` subprocess, optionally told to pause at some points (in its own pause folder)."""

    def __init__(self, args: list[str], folder: Path, pause_at: tuple[str, ...] = ()) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        if pause_at:
            env.update(CC_TEST_PAUSE_AT=",".join(pause_at), CC_TEST_PAUSE_DIR=str(folder))
        self.process = subprocess.Popen([CC, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)

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


def query(ledger: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    db = sqlite3.connect(ledger)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def manifest_rows(manifest: Path) -> list[dict[str, str]]:
    with manifest.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


# A revocation made while `cc issue` is publishing ------------------------------------------------


def test_a_revocation_made_while_an_issue_run_publishes_stays_published(
    tmp_path: Path, key_file: Path, base_catalog: Path, roster: Path
) -> None:
    out = tmp_path / "awards"
    ledger = out / "ledger.sqlite3"
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
