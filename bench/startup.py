#!/usr/bin/env python3
"""Benchmark `cc --help` against its floor, `python -c "import typer"`, in the same run.

    .venv/bin/python bench/startup.py [--rounds 40]

Runs floor and cc alternately (floor, cc, floor, cc, ...) so that both see the same machine load, and prints
the median wall time and the median CPU time (user + system of the child) of each, and their ratios.
Target (issue 19): cc / floor <= 1.10.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bytecode import compile_cc

BIN = Path(sys.executable).parent


def run(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `command` (output discarded)."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    compile_cc()  # see bench/bytecode.py
    floor_cmd = [sys.executable, "-c", "import typer"]
    cc_cmd = [str(BIN / "cc"), "--help"]
    for _ in range(3):  # warm the page cache and the .pyc files
        run(floor_cmd)
        run(cc_cmd)
    floor: list[tuple[float, float]] = []
    cc: list[tuple[float, float]] = []
    for _ in range(args.rounds):
        floor.append(run(floor_cmd))
        cc.append(run(cc_cmd))
    floor_wall = statistics.median(w for w, _ in floor)
    cc_wall = statistics.median(w for w, _ in cc)
    floor_cpu = statistics.median(c for _, c in floor)
    cc_cpu = statistics.median(c for _, c in cc)
    print(f"rounds             {args.rounds} (floor and cc alternately; medians)")
    print(
        f'floor              {floor_wall * 1000:6.1f} ms wall, {floor_cpu * 1000:6.1f} ms CPU  (python -c "import typer")'
    )
    print(f"cc --help          {cc_wall * 1000:6.1f} ms wall, {cc_cpu * 1000:6.1f} ms CPU")
    print(f"cc / floor         {cc_wall / floor_wall:6.2f} wall, {cc_cpu / floor_cpu:6.2f} CPU  (target <= 1.10)")
    print(f"load average       {os.getloadavg()[0]:.2f}")
    return 0 if cc_wall / floor_wall <= 1.10 else 1


if __name__ == "__main__":
    raise SystemExit(main())
