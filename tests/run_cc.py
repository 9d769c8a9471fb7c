"""Run `cc` in a child process with a deadline, and measure that child alone: exit code, output, peak memory.

For faults that hang or eat memory (a FIFO, /dev/zero): CliRunner would hang the test process itself.
`os.wait4` reports the rusage of this one child; `getrusage(RUSAGE_CHILDREN)` would be the maximum over
every child the pytest worker ever had.

cc is started by a small launcher (`_LAUNCHER`, a `python -S` that forks, execs cc and reports cc's own
rusage): Linux carries the forking process's resident size into the child's peak across exec, so cc forked
straight from a pytest worker of 130 MB would "peak" at 130 MB whatever it did. Forked from the small
launcher, its peak is its own.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CC = str(Path(sys.executable).with_name("cc"))
# Fork, exec cc, wait for it, write its peak RSS (KiB) to the file argv[1], and end as cc ended.
_LAUNCHER = """
import os, signal, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
for sig in (signal.SIGTERM, signal.SIGINT):
    signal.signal(sig, lambda number, frame: os.kill(pid, number))
while True:
    try:
        _, status, usage = os.wait4(pid, 0)
        break
    except InterruptedError:
        continue
with open(sys.argv[1], "w") as report:
    report.write(str(usage.ru_maxrss))
if os.WIFSIGNALED(status):
    signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
    os.kill(os.getpid(), os.WTERMSIG(status))
os._exit(os.WEXITSTATUS(status))
"""
MEMORY_CAP = 2 << 30  # address space of the child: a regression fails the test, never the machine


@dataclass(frozen=True, slots=True)
class Ran:
    returncode: int | None  # None: killed at the deadline (it hung)
    stdout: str
    stderr: str
    peak_mb: float
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def _limits(extra: Callable[[], None] | None) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
        if extra is not None:
            extra()

    return apply


def run_cc(
    *args: str,
    timeout: float = 30,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    preexec: Callable[[], None] | None = None,
) -> Ran:
    """`cc ARGS` in its own session, killed (with anything it started) if it runs past `timeout` seconds."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as scratch:
        peak_file = Path(scratch) / "peak"
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-S", "-c", _LAUNCHER, str(peak_file), CC, *args],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            start_new_session=True,
            preexec_fn=_limits(preexec),
        )
        status, usage = _wait(proc.pid, started + timeout)
        proc.returncode = -1  # reaped here: Popen must not wait for it again
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        code = None if status is None else os.waitstatus_to_exitcode(status)
        peak_kib = int(peak_file.read_text()) if peak_file.exists() else usage.ru_maxrss
        return Ran(code, out.read().decode(), err.read().decode(), peak_kib / 1024, seconds)


def _wait(pid: int, deadline: float) -> tuple[int | None, resource.struct_rusage]:
    """Reap `pid` with its rusage; at the deadline kill its process group first (status None)."""
    while time.monotonic() < deadline:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage
        time.sleep(0.02)
    os.killpg(pid, signal.SIGKILL)
    _, _, usage = os.wait4(pid, 0)
    return None, usage
