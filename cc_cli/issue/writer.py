"""Signing and writing awards, in worker processes: the CPU-bound half of `cc issue`.

Each worker holds the issuer key (handed over once by the pool initializer, never written anywhere), the
rendered emblems for baking, and its own `FastCanonicalizer` (which learns each award shape once).
A task is a list of (award id, relative file, unsigned document, proof time); the result is the sha256 of each
written JSON file, which the ledger records to mark the award issued, and the baked images that could not be
made. A baked image is an extra copy: its failure is reported for that award and never stops the batch.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cc_cli.core.atomic import write_new
from cc_cli.core.workers import checkpoint, exit_if_orphaned, process_pool, process_running
from cc_cli.credentials import baking, ob3, signing

Task = list[tuple[str, str, dict[str, Any], str]]  # award id, relative file, unsigned document, proof time


@dataclass(slots=True)
class WriterState:
    key: Ed25519PrivateKey
    verification_method: str
    out: Path
    bake: frozenset[str]
    emblems: dict[str, dict[str, bytes]]  # credential id -> {"png": bytes, "svg": bytes}
    canon: Callable[[Any], str]
    folders: set[str] = field(default_factory=set)  # the award folders this worker made or found


_state: WriterState | None = None


def _init(
    seed: bytes, verification_method: str, out: str, bake: frozenset[str], emblems: dict[str, dict[str, bytes]]
) -> None:
    global _state
    _state = WriterState(
        key=Ed25519PrivateKey.from_private_bytes(seed),
        verification_method=verification_method,
        out=Path(out),
        bake=bake,
        emblems=emblems,
        canon=_warmed if _warmed is not None else _canonicalizer(),
    )


def _canonicalizer() -> Callable[[Any], str]:
    try:
        from cc_cli.credentials.canon import FastCanonicalizer
    except ImportError:  # pragma: no cover - the fast path is optional
        return signing.canonicalize
    return FastCanonicalizer(frozen_shared=True)  # build_award shares each credential's parts; nothing modifies them


_warmed: Callable[[Any], str] | None = None  # compiled in the parent before the pool forks: see `warm`


def warm(documents: Iterable[dict[str, Any]]) -> None:
    """Compile the canonicaliser's templates for these documents (one award of each credential) here, before
    `writer_pool` forks its workers, so that each worker inherits them instead of compiling each shape again
    (compiling the 38 shapes of the sample catalog cost each worker 0.4 s of CPU, nearly a millisecond per
    shape and worker). A document the canonicaliser refuses is left for the worker to refuse and report."""
    global _warmed
    canon = _canonicalizer()
    for document in documents:
        with contextlib.suppress(Exception):  # the worker raises it again, where it is reported
            canon(document)
    _warmed = canon


def write_file(path: Path, data: bytes) -> None:
    """Atomic replace without fsync: the batch calls `os.sync()` once per chunk before the ledger
    records the files as written (an fsync per file would cost more than signing)."""
    exit_if_orphaned()  # a worker whose `cc issue` is gone must not write into the next run's folder
    # Unnamed until written (nothing is left by a killed writer). Where the rename way is taken, its temporary
    # carries the writer's pid, so the next run can tell a killed writer's leftover (swept).
    write_new(path, data, tag=str(os.getpid()))  # a full disk names `path`, leaves no temporary


@dataclass(frozen=True, slots=True)
class NotBaked:
    """A baked image that could not be made; the award itself is written and recorded all the same."""

    award_id: str
    file: str  # the award's JSON, relative to OUT, as in the ledger
    kind: str  # png | svg
    reason: str


@dataclass(slots=True)
class Written:
    """What a task wrote: [(award id, sha256 of its JSON)] for the ledger, and the images it could not bake."""

    done: list[tuple[str, str]]
    not_baked: list[NotBaked]


# The temporaries of write_file: ".<uuid>.json.<pid>.<8 random>.tmp" (and .png, .svg): the writer's pid
# tells the next run whether the file is still being written.
_TEMPORARY = re.compile(r"\.[0-9a-f-]+\.(?:json|png|svg)\.(?P<pid>[0-9]+)\.[a-z0-9_]{8}\.tmp\Z")


def sweep_temporaries(out: Path) -> int:
    """Remove the temporaries that killed writers left in the award folders of `out` (a SIGKILL skips all
    cleanup); how many. Only write_file's names, and only those of processes that no longer run, so a
    concurrent `cc issue` into the same folder keeps the files it is writing."""
    removed = 0
    with contextlib.suppress(OSError), os.scandir(out) as folders:
        for folder in folders:
            if folder.is_dir(follow_symlinks=False):
                removed += _sweep_folder(folder.path)
    return removed


def _sweep_folder(folder: str) -> int:
    removed = 0
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            found = _TEMPORARY.match(entry.name) if entry.name.startswith(".") else None
            if found and not process_running(int(found["pid"])) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                    removed += 1
    return removed


def bake_award(
    signed: dict[str, Any], emblem: dict[str, bytes], target: Path, formats: Iterable[str]
) -> tuple[int, dict[str, str]]:
    """Write the award baked into its emblem beside `target` (OUT/<credential>/<uuid>.png|.svg), in each
    of `formats` the emblem exists in: (how many were written, {format: why not} for those that failed).

    Each format on its own, and any error caught: one image must never cost the award, nor the batch."""
    wanted = [kind for kind in sorted(formats) if kind in emblem]
    if not wanted:
        return 0, {}  # the common case: no --bake, and no serialising for nothing
    text = json.dumps(signed, ensure_ascii=False)
    written, failed = 0, {}
    for kind in wanted:
        image = target.with_suffix(f".{kind}")
        try:
            baked = baking.bake_png(emblem[kind], text) if kind == "png" else baking.bake_svg(emblem[kind], text)
            write_file(image, baked)
        except baking.BakingError as exc:
            failed[kind] = f"the {target.parent.name} emblem cannot carry it: {exc}"
        except OSError as os_error:
            failed[kind] = f"cannot write {image}: {os_error.strerror or os_error}"
        except Exception as bug:  # anything else is a bug: still reported for this award only
            failed[kind] = f"unexpected {type(bug).__name__}: {bug}"
        else:
            written += 1
    return written, failed


def sign_and_write(task: Task) -> Written:
    """Sign each document, write its JSON (and baked images); the JSON hashes and the images not baked."""
    state = _state
    assert state is not None, "worker not initialised"
    result = Written([], [])
    for award_id, relative, document, created in task:
        checkpoint()  # the run is being interrupted: stop between two awards, none half written
        signed = signing.sign(document, state.key, state.verification_method, created, canon=state.canon)
        data = ob3.dumps(signed, may_hold_floats=False)  # built by ob3.build_award: no float in it
        target = state.out / relative
        folder = relative.partition("/")[0]
        if folder not in state.folders:  # once per credential folder and worker, not once per award
            target.parent.mkdir(parents=True, exist_ok=True)
            state.folders.add(folder)
        try:
            write_file(target, data)
        except FileNotFoundError:  # the folder went away since (removed by hand): make it again, once
            target.parent.mkdir(parents=True, exist_ok=True)
            write_file(target, data)
        emblem = state.emblems.get(relative.split("/", 1)[0], {})
        _, failed = bake_award(signed, emblem, target, state.bake)
        result.not_baked.extend(NotBaked(award_id, relative, kind, reason) for kind, reason in failed.items())
        result.done.append((award_id, hashlib.sha256(data).hexdigest()))
    return result


class _Inline(Executor):
    """Runs tasks in this process (one worker, or tests)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future

    def map(
        self, fn: Callable[..., Any], *iterables: Any, timeout: float | None = None, chunksize: int = 1
    ) -> Iterator[Any]:
        return (fn(*args) for args in zip(*iterables, strict=True))


@contextlib.contextmanager
def writer_pool(
    workers: int, key: Ed25519PrivateKey, out: Path, bake: frozenset[str], emblems: dict[str, dict[str, bytes]]
) -> Iterator[Executor]:
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    method = signing.verification_method_id(key.public_key())
    args = (seed, method, str(out), bake, emblems)
    if workers <= 1:
        _init(*args)
        yield _Inline()
        return
    with process_pool(workers, _init, args) as pool:
        yield pool
