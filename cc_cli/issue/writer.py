"""Signing and writing awards, in worker processes: the CPU-bound half of `cc issue`.

Each worker holds the issuer key (handed over once by the pool initializer, never written anywhere), the
rendered emblems for baking, and its own `FastCanonicalizer` (which learns each award shape once).
A task is a list of (award id, relative file, unsigned document, proof time); the result is the sha256 of each
written JSON file, which the ledger records to mark the award issued.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cc_cli.core.atomic import replace_file
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
        canon=_canonicalizer(),
    )


def _canonicalizer() -> Callable[[Any], str]:
    try:
        from cc_cli.credentials.canon import FastCanonicalizer
    except ImportError:  # pragma: no cover - the fast path is optional
        return signing.canonicalize
    return FastCanonicalizer()


def write_file(path: Path, data: bytes) -> None:
    """Atomic replace without fsync: the batch calls `os.sync()` once per chunk before the ledger
    records the files as written (an fsync per file would cost more than signing)."""
    replace_file(path, data, durable=False)  # a full disk names `path` and leaves no temporary file


def bake_award(signed: dict[str, Any], emblem: dict[str, bytes], target: Path, formats: Iterable[str]) -> int:
    """Write the award baked into its emblem beside `target` (OUT/<credential>/<uuid>.png|.svg), in each
    of `formats` the emblem exists in; how many were written."""
    wanted = [kind for kind in sorted(formats) if kind in emblem]
    if not wanted:
        return 0  # the common case: no --bake, and no serialising for nothing
    text = json.dumps(signed, ensure_ascii=False)
    written = 0
    for kind in wanted:
        baked = baking.bake_png(emblem[kind], text) if kind == "png" else baking.bake_svg(emblem[kind], text)
        write_file(target.with_suffix(f".{kind}"), baked)
        written += 1
    return written


def sign_and_write(task: Task) -> list[tuple[str, str]]:
    """Sign each document, write its JSON (and baked images), return [(award id, sha256 of the JSON)]."""
    state = _state
    assert state is not None, "worker not initialised"
    done = []
    for award_id, relative, document, created in task:
        signed = signing.sign(document, state.key, state.verification_method, created, canon=state.canon)
        data = ob3.dumps(signed)
        target = state.out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        write_file(target, data)
        emblem = state.emblems.get(relative.split("/", 1)[0], {})
        bake_award(signed, emblem, target, state.bake)
        done.append((award_id, hashlib.sha256(data).hexdigest()))
    return done


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
    with ProcessPoolExecutor(max_workers=workers, initializer=_init, initargs=args) as pool:
        yield pool
