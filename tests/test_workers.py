"""Worker processes never outlive cc: the check that closes the race the kernel's death signal leaves open.

(`cc issue` killed with SIGKILL or SIGTERM, and Ctrl-C, are tested end to end in test_issue.py.)
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys

import pytest

from cc_cli.core.workers import bind_to_parent


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork and prctl: Linux")
def test_a_worker_whose_parent_died_before_it_was_bound_ends_at_once() -> None:
    # A worker binds itself to the pid of the process that started it; if that process died before the
    # kernel was asked to signal its death, the worker already has another parent and must end, not work.
    gone = subprocess.Popen(["true"])
    gone.wait()
    worker = multiprocessing.get_context("fork").Process(target=bind_to_parent, args=(gone.pid,))
    worker.start()
    worker.join(10)
    assert worker.exitcode == 1
    bound = multiprocessing.get_context("fork").Process(target=bind_to_parent, args=(os.getpid(),))
    bound.start()
    bound.join(10)
    assert bound.exitcode == 0  # its parent is there: it goes on (here: returns)
