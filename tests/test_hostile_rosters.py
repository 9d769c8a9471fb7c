"""A roster path that is no roster file (issue 12, point 7): /dev/zero, /dev/urandom, a FIFO, a 1 GB file.

Each is refused before it is read: one line naming the file, what it is and what to do, exit 2 (as for a
roster that is missing or a folder), quickly and in little memory. Before, /dev/zero and /dev/urandom were
read until the memory ran out, a FIFO hung `cc issue` (and `--dry-run`) forever, and a 1 GB file was read
whole before the size limit refused it. `cc` runs in a child process with a deadline (`tests.run_cc`), so
a hang fails the test instead of hanging it, and the child's own peak memory is measured.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cc_cli.cli.app import app
from tests.conftest import RULES_BASE
from tests.run_cc import Ran, run_cc

runner = CliRunner()
DEADLINE = 10  # seconds; a refusal takes well under one, plus the interpreter's start
PEAK_MB = 300


def _fifo(folder: Path) -> Path:
    path = folder / "roster.csv"
    os.mkfifo(path)
    return path


def _sparse_gigabyte(folder: Path) -> Path:
    path = folder / "roster.csv"
    with path.open("wb") as handle:
        handle.truncate(1 << 30)  # 1 GB of zeros, made at once: no disk is written
    return path


HOSTILE = {
    "/dev/zero": (lambda folder: Path("/dev/zero"), "is a character device, not a regular file"),
    "/dev/urandom": (lambda folder: Path("/dev/urandom"), "is a character device, not a regular file"),
    "fifo": (_fifo, "is a FIFO (named pipe), not a regular file"),
    "sparse 1 GB": (_sparse_gigabyte, "is 1,073,741,824 bytes, over the 200,000,000-byte limit"),
}
ADVICE = {
    "/dev/zero": "give the roster's CSV file itself",
    "/dev/urandom": "give the roster's CSV file itself",
    "fifo": "save it to a file first",
    "sparse 1 GB": "split it into smaller rosters",
}


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(catalog, key, out): one award issued into OUT, so `cc revoke` has a ledger to open."""
    folder = tmp_path_factory.mktemp("issued")
    catalog, key, out = folder / "catalog", folder / "issuer.key", folder / "awards"
    shutil.copytree(RULES_BASE, catalog)
    assert runner.invoke(app, ["keys", "init", str(key)]).exit_code == 0
    roster = folder / "first.csv"
    roster.write_text("email,name,credential,issued_on\nana@example.org,Ana,base-foundational,2026-01-05\n")
    args = ["issue", str(roster), "--catalog", str(catalog), "--out", str(out), "--key", str(key), "--workers", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return catalog, key, out


def assert_refused(ran: Ran, roster: Path, kind: str) -> None:
    """Exit 2, one line `cc: error: roster PATH <what it is>: <what to do>`, fast and in little memory."""
    assert ran.returncode is not None, f"hung: killed after {DEADLINE} s"
    # Time and memory before the message: a refusal that came after reading it all would still be the fault.
    assert ran.seconds < DEADLINE and ran.peak_mb < PEAK_MB, (ran.seconds, ran.peak_mb)
    assert ran.returncode == 2, ran.output
    assert "Traceback" not in ran.output and "internal error" not in ran.output, ran.output
    assert ran.stderr.startswith(f"cc: error: roster {roster} {HOSTILE[kind][1]}: "), ran.stderr
    assert ADVICE[kind] in ran.stderr and ran.stderr.count("\n") == 1, ran.stderr


@pytest.mark.parametrize("dry_run", [False, True], ids=["issue", "dry-run"])
@pytest.mark.parametrize("kind", list(HOSTILE))
def test_cc_issue_refuses_a_roster_that_is_no_roster_file_unread(
    issued: tuple[Path, Path, Path], tmp_path: Path, kind: str, dry_run: bool
) -> None:
    catalog, key, _ = issued
    roster, out = HOSTILE[kind][0](tmp_path), tmp_path / "awards"
    args = ["issue", str(roster), "--catalog", str(catalog), "--out", str(out), "--key", str(key), "--workers", "1"]
    ran = run_cc(*args, *(["--dry-run"] if dry_run else []), timeout=DEADLINE)
    assert_refused(ran, roster, kind)
    assert not out.exists()  # refused before anything was written: no ledger, no manifest


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_cc_revoke_roster_refuses_a_roster_that_is_no_roster_file_unread(
    issued: tuple[Path, Path, Path], tmp_path: Path, kind: str
) -> None:
    catalog, key, out = issued
    roster = HOSTILE[kind][0](tmp_path)
    args = ["revoke", "--roster", str(roster), "--reason", "cohort cancelled", "--out", str(out), "--key", str(key)]
    ran = run_cc(*args, "--catalog", str(catalog), timeout=DEADLINE)
    assert_refused(ran, roster, kind)
    with sqlite3.connect(out / "ledger.sqlite3") as db:  # nothing was revoked
        assert db.execute("SELECT state FROM awards").fetchall() == [("issued",)]
