"""`core.atomic.write_new`, the way `cc issue` writes each award file: an unnamed file linked in when whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cc_cli.core import atomic

LINUX = sys.platform.startswith("linux") and getattr(os, "O_TMPFILE", None) is not None


@pytest.fixture(autouse=True)
def fresh_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a new process would: unnamed files on, if the platform has them."""
    monkeypatch.setattr(atomic, "_TMPFILE", getattr(os, "O_TMPFILE", None))


@pytest.mark.parametrize("unnamed", [True, False], ids=["unnamed file", "rename"])
def test_the_file_holds_exactly_the_bytes_with_exactly_the_mode_whatever_the_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unnamed: bool
) -> None:
    if not unnamed:
        monkeypatch.setattr(atomic, "_TMPFILE", None)
    data = os.urandom(70_000)  # more than one write(2) may take
    old = os.umask(0o077)
    try:
        atomic.write_new(tmp_path / "award.json", data)
    finally:
        os.umask(old)
    assert (tmp_path / "award.json").read_bytes() == data
    assert (tmp_path / "award.json").stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["award.json"]  # no temporary left beside it


@pytest.mark.skipif(not LINUX, reason="unnamed files (O_TMPFILE) are Linux's")
def test_on_linux_no_temporary_name_is_ever_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_temporaries(folder: str, prefix: str) -> tuple[int, str]:
        raise AssertionError("the rename way was taken")

    monkeypatch.setattr(atomic, "_create_temporary", no_temporaries)
    atomic.write_new(tmp_path / "a.json", b"{}")
    assert (tmp_path / "a.json").read_bytes() == b"{}"


def test_a_file_already_there_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "award.json"
    target.write_bytes(b"the award a killed run wrote before the ledger knew")
    atomic.write_new(target, b'{"new": true}')
    assert target.read_bytes() == b'{"new": true}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["award.json"]
    assert atomic._TMPFILE is getattr(os, "O_TMPFILE", None)  # an existing name: no reason to give up the fast way


def test_a_missing_folder_is_a_file_not_found_error_naming_the_file(tmp_path: Path) -> None:
    target = tmp_path / "gone" / "award.json"
    with pytest.raises(FileNotFoundError) as raised:
        atomic.write_new(target, b"{}")
    assert raised.value.filename == str(target)  # the award writer makes the folder and tries again


@pytest.mark.skipif(not LINUX, reason="unnamed files (O_TMPFILE) are Linux's")
def test_a_writer_killed_mid_write_leaves_nothing_in_the_folder(tmp_path: Path) -> None:
    """SIGKILL after half the bytes are written and before the link: no file, no temporary to sweep."""
    script = f"""
import os, signal
from pathlib import Path
from cc_cli.core import atomic
handle, _ = atomic._unnamed_file(Path({str(tmp_path / "award.json")!r}))
os.write(handle, b'{{"half": ')
os.kill(os.getpid(), signal.SIGKILL)
"""
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert ran.returncode == -signal.SIGKILL, ran.stderr
    assert list(tmp_path.iterdir()) == []
