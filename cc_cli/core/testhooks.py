"""Pause points, so that tests can make races between two cc processes happen in a chosen order.

A test sets CC_TEST_PAUSE_AT to a comma-separated list of point names and CC_TEST_PAUSE_DIR to a folder.
When the run reaches one of those points it creates `<folder>/<point>.paused` and waits until the test
creates `<folder>/<point>.resume` (at most PAUSE_LIMIT seconds, so a broken test cannot hang a run for
ever). Without CC_TEST_PAUSE_AT nothing happens: a pause point costs one environment lookup.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

PAUSE_LIMIT = 120.0  # seconds


def pause_point(name: str) -> None:
    """Wait here if a test asked for it (see the module docstring); otherwise return at once."""
    wanted = os.environ.get("CC_TEST_PAUSE_AT")
    if not wanted or name not in wanted.split(","):
        return
    folder = Path(os.environ.get("CC_TEST_PAUSE_DIR") or ".")
    (folder / f"{name}.paused").touch()
    deadline = time.monotonic() + PAUSE_LIMIT
    while not (folder / f"{name}.resume").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
