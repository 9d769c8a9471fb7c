"""Worker processes: how many a parallel step uses, and a process pool whose workers never outlive cc.

Every process pool of cc comes from `process_pool`, so that whatever ends cc (Ctrl-C, SIGTERM, even
`kill -9`, which runs no cleanup at all) also ends its workers: an orphaned signing worker would hold the
issuer's private key in memory and go on writing award files into the folder of the next run.

- On Linux each worker asks the kernel to SIGKILL it when its parent dies (`prctl(PR_SET_PDEATHSIG)`),
  then checks that its parent is still the process that started it (the parent may have died before
  the prctl call). Elsewhere a thread in each worker watches the parent instead.
- Workers ignore SIGINT: Ctrl-C reaches the whole process group, and the parent alone decides; it shuts
  the pool down and the workers end with it. SIGTERM keeps its default action in a worker (the pool
  itself uses it to end workers of a broken pool), not the parent's handler, which fork copies.
- Leaving the pool's `with` block by an exception (Ctrl-C, SIGTERM, a failure) cancels the work not yet
  started and asks the running tasks to stop: a task that calls `checkpoint()` between two units of
  work (the award writer does, between two awards) ends there, so the run stops within one unit instead
  of working through the chunks already handed out, and nothing is left half written.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing.synchronize import Event

T = TypeVar("T")
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_WATCH_EVERY = 0.5  # seconds between two looks at the parent, where prctl is not available

_parent: int | None = None  # in a worker: the pid of the process that started it
_stop: Event | None = None  # in a worker: set by the parent when the pool is left early


class Stopped(Exception):
    """Raised by `checkpoint()` in a worker task when the parent asked the pool to stop; nobody waits for
    that task's result any more."""


def workers_for(requested: int) -> int:
    """`requested` when the user gave a positive number, else the cores this process may run on (its CPU
    affinity, which containers and `taskset` narrow, rather than the machine's count)."""
    if requested > 0:
        return requested
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, available)


@contextlib.contextmanager
def process_pool(
    workers: int,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
    *,
    fork: bool = False,
) -> Iterator[ProcessPoolExecutor]:
    """A ProcessPoolExecutor of `workers` processes that die with this one (see the module docstring).

    `initializer(*initargs)` runs in each worker after it is bound to its parent. Workers are forked on
    Linux (the parent check needs this process as their parent, which a fork server is not), and with
    `fork=True` wherever fork exists (a pool whose workers must inherit warm caches).
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if (fork or sys.platform.startswith("linux")) else None
    if method not in multiprocessing.get_all_start_methods():
        method = None
    context = multiprocessing.get_context(method)
    stop = context.Event()
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(os.getpid(), stop, initializer, initargs),
    )
    try:
        yield pool
    except BaseException:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _start_worker(
    parent: int, stop: Event, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]
) -> None:
    """Pool initializer: bind this worker to `parent`, then run the pool's own initializer."""
    global _stop
    _stop = stop
    bind_to_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def bind_to_parent(parent: int) -> None:
    """Make this process (a pool worker) end when `parent` does, and leave signals to the parent."""
    global _parent
    _parent = parent
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, which fork copied
    if not _kill_me_with_parent():
        threading.Thread(target=_watch_parent, name="cc-parent-watch", daemon=True).start()
    exit_if_orphaned()  # the parent may have died before the kernel was asked to tell us


def _kill_me_with_parent() -> bool:
    """Ask Linux to SIGKILL this process the moment its parent dies; False where that is not available.

    (The kernel means the parent *thread* that forked us: cc's pools are created and used by one thread
    for their whole life, so that thread outlives the workers.)"""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    except (OSError, AttributeError):  # no prctl symbol (not glibc or musl)
        return False


def _watch_parent() -> None:
    """Thread body, where prctl is not available: end this worker once its parent is gone."""
    while True:
        exit_if_orphaned()
        time.sleep(_WATCH_EVERY)


def orphaned() -> bool:
    """In a pool worker: whether the process that started it is gone (it was re-parented). False outside
    a worker."""
    return _parent is not None and os.getppid() != _parent


def exit_if_orphaned() -> None:
    """End this worker at once if its parent is gone: nobody would collect its results, and what it wrote
    would land in the folder of the next run. `os._exit`: no cleanup that could write anything."""
    if orphaned():
        os._exit(1)


def checkpoint() -> None:
    """Between two units of work in a worker task: end the worker if its parent is gone, raise Stopped if
    the parent is leaving the pool. Costs a system call and a semaphore look; nothing outside a worker."""
    exit_if_orphaned()
    if _stop is not None and _stop.is_set():
        raise Stopped


def process_running(pid: int) -> bool:
    """Whether process `pid` exists and is not a zombie (a zombie writes nothing more). Another user's
    process counts as running."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc (not Linux): it exists
    return state != "Z"


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """While a batch runs (and in its workers, which fork inside and inherit it): the objects alive before it
    frozen out of the cyclic garbage collector, and its young generation collected every 50,000 allocations
    rather than 700 (the older ones 50 and 1,000 times rarer, as before).

    Why: a batch allocates tens of thousands of objects that live until it is done (a roster, its plan, the
    paths of the files to verify), and the collector walked them again and again; in a forked worker each walk
    also writes to the parent's pages it shares, which the kernel then copies. `cc issue` of 20,000 rows spent
    0.48 s of the parent's 3 s of CPU collecting (0.13 s so); `cc verify` of 20,000 awards took 2.85 to 2.92 s
    wall so, against 3.08 to 3.22 s. What is garbage here is freed by reference counting (rows, documents,
    reports hold no cycles); the collector still runs, less often, and the settings are restored after."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def guided_chunks(items: Sequence[T], workers: int, most: int, least: int) -> list[Sequence[T]]:
    """`items` cut, in order, into pool tasks that shrink as the run nears its end: each takes a quarter of a
    worker's share of what is left, at most `most` items and at least `least`.

    Why: a task is the unit a worker cannot share. With equal tasks (500 award files for `cc verify`), one
    worker was often still on its last task when the other had none left: half a task, about 60 ms, on
    average. Small tasks at the end leave a few milliseconds of that, and the large ones before keep the cost
    of sending tasks and taking back their results low. `cc verify` of 20,000 files: 0.975 of the wall time
    of equal tasks (9 runs of each, alternately)."""
    chunks: list[Sequence[T]] = []
    start = 0
    while start < len(items):
        size = max(least, min(most, (len(items) - start) // (workers * 4)))
        chunks.append(items[start : start + size])
        start += size
    return chunks
