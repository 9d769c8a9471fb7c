"""`cc verify` reads each file with one os.read of its size (cc_cli/verify/read.py `read_file`): the bytes must
be the file's, a file over the limit refused without its content being read, and a file whose size the
system does not know (/proc) read to its end, never past the limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from cc_cli.verify.read import NotACredential, read_file


def test_a_file_is_read_whole(tmp_path: Path) -> None:
    for size in (0, 1, 4095, 4096, 70_000):
        path = tmp_path / f"{size}.json"
        data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
        path.write_bytes(data)
        assert read_file(path) == data


def test_a_file_over_the_limit_is_refused_with_its_size(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b"{" * 3_000_001)
    with pytest.raises(NotACredential, match=r"3\.0 MB, over the 2 MiB"):
        read_file(path, limit=2 << 20)
    assert read_file(path, limit=4 << 20) == b"{" * 3_000_001


def test_a_file_of_unknown_size_is_read_to_its_end_but_never_past_the_limit() -> None:
    status = Path("/proc/self/status")
    if not status.exists() or status.stat().st_size != 0:
        pytest.skip("no /proc with size-0 files here")
    assert read_file(status).startswith(b"Name:")
    with pytest.raises(NotACredential, match="over the"):
        read_file(status, limit=16)


def test_a_missing_file_raises_what_the_report_words(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as caught:
        read_file(tmp_path / "gone.json")
    assert caught.value.strerror == "No such file or directory"
