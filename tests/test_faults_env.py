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

import resource
import shutil
from collections.abc import Callable
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


def test_render_sheet_into_a_folder_that_does_not_exist_yet(catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "em"
    result = runner.invoke(
        app, ["render", "--catalog", str(catalog), "--out", str(out), "--sheet", str(out / "sheet.png")]
    )
    assert result.exit_code == 0, result.output
    assert (out / "sheet.png").read_bytes().startswith(b"\x89PNG")
