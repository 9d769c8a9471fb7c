"""The environment fails, not cc: a full disk, a read-only folder, a locked or damaged ledger (issue 12, point 10).

Each gives one line naming the file and what to do, exit 2, never "internal error" or a traceback, and
leaves no temporary file behind. The faults are real, made without mounting anything:
- a full disk is a file-size limit (RLIMIT_FSIZE in the child): writes fail with EFBIG, down the same code
  paths as ENOSPC (Python ignores SIGXFSZ, so the write returns the error instead of killing the process);
- a really full disk is a small tmpfs, where mounting one is permitted (skipped elsewhere);
- a read-only folder is `chattr +i` (root ignores permission bits, not the immutable flag);
- a locked ledger is a `BEGIN IMMEDIATE` held by this test, with CC_LEDGER_LOCK_TIMEOUT shortening the wait;
- a damaged ledger has garbage written over the middle of the file.
"""

from __future__ import annotations

import contextlib
import resource
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cc_cli.cli.app import app
from tests.conftest import RULES_BASE
from tests.run_cc import Ran, run_cc

runner = CliRunner()
HEADER = "email,name,credential,issued_on"


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("key") / "issuer.key"
    assert runner.invoke(app, ["keys", "init", str(path)]).exit_code == 0
    return path


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(RULES_BASE, target)
    return target


def roster(path: Path, count: int, credential: str = "base-foundational") -> Path:
    rows = [f"learner{n}@example.org,Learner {n},{credential},2026-01-05" for n in range(count)]
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def file_size_limit(size: int) -> Callable[[], None]:
    """A preexec_fn: the child cannot write any file past `size` bytes (EFBIG), as on a full disk."""
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


def issue(catalog: Path, key: Path, rows: Path, out: Path, **options: object) -> Ran:
    args = ["issue", str(rows), "--catalog", str(catalog), "--out", str(out), "--key", str(key), "--workers", "1"]
    return run_cc(*args, **options)  # type: ignore[arg-type]


def assert_environment_error(ran: Ran, *fragments: str) -> None:
    """Exit 2 with exactly one line on stderr, `cc: error: ...`, holding every fragment."""
    assert ran.returncode == 2, ran.output
    assert "internal error" not in ran.output and "Traceback" not in ran.output, ran.output
    assert ran.stderr.startswith("cc: error: ") and ran.stderr.count("\n") == 1, ran.stderr
    for fragment in fragments:
        assert fragment in ran.stderr, (fragment, ran.stderr)


def temporaries(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.tmp"))


def test_a_full_disk_under_the_ledger_names_the_ledger(catalog: Path, key: Path, tmp_path: Path) -> None:
    out = tmp_path / "awards"
    # 96 KB: enough to create the ledger and start the batch, not for the WAL of 60 awards.
    ran = issue(catalog, key, roster(tmp_path / "r.csv", 60), out, preexec=file_size_limit(96_000))
    assert_environment_error(ran, f"cannot write the ledger {out}/ledger.sqlite3", "Free some space")
    assert temporaries(out) == []
    rerun = issue(catalog, key, tmp_path / "r.csv", out)
    assert rerun.returncode == 0, rerun.output
    assert len(list(out.glob("base-foundational/*.json"))) == 60


def test_a_full_disk_under_an_award_file_names_that_file(catalog: Path, key: Path, tmp_path: Path) -> None:
    # A long description makes the award JSON far larger than anything the ledger writes for two rows.
    credential = catalog / "credentials/base-foundational.yaml"
    credential.write_text(credential.read_text().replace("Earners know the basics.", "Basics. " * 40_000))
    out = tmp_path / "awards"
    ran = issue(catalog, key, roster(tmp_path / "r.csv", 2), out, preexec=file_size_limit(200_000))
    assert_environment_error(ran, f"{out}/base-foundational/", ".json: ", "file-size limit")
    assert temporaries(out) == []
    rerun = issue(catalog, key, tmp_path / "r.csv", out)  # the next run finishes what this one began
    assert rerun.returncode == 0, rerun.output
    assert len(list(out.glob("base-foundational/*.json"))) == 2


def test_a_full_disk_under_an_atomic_write_names_the_file_and_leaves_no_temporary(
    catalog: Path, tmp_path: Path
) -> None:
    target = tmp_path / "exports/catalog.json"
    target.parent.mkdir()
    ran = run_cc(
        "export", "--format", "ob3", "--catalog", str(catalog), "--out", str(target), preexec=file_size_limit(512)
    )
    assert_environment_error(ran, f"{target}: the file is over the file-size limit")
    assert list(target.parent.iterdir()) == []


@contextlib.contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    """A real full disk: a tmpfs of `size` mounted at `folder`, where mounting is permitted (root outside
    an unprivileged container); skipped elsewhere, where the file-size limit tests above stand in."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def test_a_really_full_disk_names_the_file_that_did_not_fit(catalog: Path, key: Path, tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "160k") as disk:
        out = disk / "awards"
        ran = issue(catalog, key, roster(tmp_path / "r.csv", 60), out)
        assert_environment_error(ran, str(out), "the disk is full: free some space and run again")
        assert temporaries(disk) == []


@contextlib.contextmanager
def immutable(folder: Path) -> Iterator[None]:
    """`folder` read-only even for root (chattr +i), or the test is skipped where chattr cannot do it."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"chattr +i is not supported here: {made.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_a_read_only_output_folder_names_the_ledger(catalog: Path, key: Path, tmp_path: Path) -> None:
    out = tmp_path / "awards"
    out.mkdir()
    with immutable(out):
        ran = issue(catalog, key, roster(tmp_path / "r.csv", 1), out)
    assert_environment_error(ran, f"cannot open or write the ledger {out}/ledger.sqlite3", "must be writable")
    assert list(out.iterdir()) == []


def issued_ledger(catalog: Path, key: Path, tmp_path: Path, rows: int = 1) -> Path:
    out = tmp_path / "awards"
    first = issue(catalog, key, roster(tmp_path / "first.csv", rows), out)
    assert first.returncode == 0, first.output
    return out


@contextlib.contextmanager
def write_lock(ledger: Path) -> Iterator[None]:
    """Hold the ledger's write lock, as a long `cc issue` in another terminal would."""
    db = sqlite3.connect(ledger, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        db.execute("ROLLBACK")
        db.close()


SHORT_WAIT = {"CC_LEDGER_LOCK_TIMEOUT": "0.5"}


def test_a_ledger_locked_past_the_wait_names_it_when_issuing(catalog: Path, key: Path, tmp_path: Path) -> None:
    out = issued_ledger(catalog, key, tmp_path)
    with write_lock(out / "ledger.sqlite3"):
        ran = issue(catalog, key, roster(tmp_path / "more.csv", 1, "base-intermediate"), out, env=SHORT_WAIT)
    assert_environment_error(ran, f"the ledger {out}/ledger.sqlite3 is locked", "0.5 s", "CC_LEDGER_LOCK_TIMEOUT")
    assert ran.seconds < 15


def test_a_ledger_locked_past_the_wait_names_it_when_revoking(catalog: Path, key: Path, tmp_path: Path) -> None:
    out = issued_ledger(catalog, key, tmp_path)
    award = next(out.glob("base-foundational/*.json")).stem
    with write_lock(out / "ledger.sqlite3"):
        ran = run_cc(
            "revoke", award, "--reason", "test", "--out", str(out), "--key", str(key), "--catalog", str(catalog),
            env=SHORT_WAIT,
        )  # fmt: skip
    assert_environment_error(ran, f"the ledger {out}/ledger.sqlite3 is locked")
    assert ran.seconds < 15


def test_a_bad_lock_wait_setting_is_a_usage_error(catalog: Path, key: Path, tmp_path: Path) -> None:
    ran = issue(
        catalog, key, roster(tmp_path / "r.csv", 1), tmp_path / "awards", env={"CC_LEDGER_LOCK_TIMEOUT": "soon"}
    )
    assert_environment_error(ran, "CC_LEDGER_LOCK_TIMEOUT='soon'")


def damage(ledger: Path) -> None:
    """Garbage over the middle third of the file: pages of the awards table and its indexes."""
    size = ledger.stat().st_size
    with ledger.open("r+b") as stream:
        stream.seek(size // 3)
        stream.write(b"\xa5\x5a" * (size // 6))


@pytest.mark.parametrize("command", ["issue", "transcript"])
def test_a_damaged_ledger_is_named_not_a_bug(catalog: Path, key: Path, tmp_path: Path, command: str) -> None:
    out = issued_ledger(catalog, key, tmp_path, rows=40)
    damage(out / "ledger.sqlite3")
    if command == "issue":
        ran = issue(catalog, key, tmp_path / "first.csv", out)
    else:
        ran = run_cc("transcript", "learner7@example.org", "--out", str(out), "--catalog", str(catalog))
    assert_environment_error(ran, f"the ledger {out}/ledger.sqlite3 is damaged", "restore it from a backup")


def test_render_sheet_into_a_folder_that_does_not_exist_yet(catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "em"
    result = runner.invoke(
        app, ["render", "--catalog", str(catalog), "--out", str(out), "--sheet", str(out / "sheet.png")]
    )
    assert result.exit_code == 0, result.output
    assert (out / "sheet.png").read_bytes().startswith(b"\x89PNG")
