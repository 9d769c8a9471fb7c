"""How many worker processes a parallel step uses."""

from __future__ import annotations

import os


def workers_for(requested: int) -> int:
    """`requested` when the user gave a positive number, else the cores this process may run on (its CPU
    affinity, which containers and `taskset` narrow, rather than the machine's count)."""
    if requested > 0:
        return requested
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, available)
