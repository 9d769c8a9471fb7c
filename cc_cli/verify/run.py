"""The run of `cc verify`: `run_verify` checks the options, pins the trusted issuer and finds the files;
`verify_files` verifies them. Reports come back in input order, as they finish; the core never prints.

Speed (100,000 files on 2 cores): files are verified in a forked process pool in chunks; each process keeps
one `FastCanonicalizer` (awards of one issuer share a shape), one compiled schema validator, and every
status list it has checked. The first file is verified before forking so the workers inherit warm caches.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from cc_cli.core.problems import UsageError
from cc_cli.core.workers import fewer_collections, guided_chunks, process_pool, workers_for
from cc_cli.verify import trust
from cc_cli.verify.checks import Worker
from cc_cli.verify.read import expand_paths
from cc_cli.verify.report import FileReport, VerifyOptions

if TYPE_CHECKING:
    from cc_cli.ledger.base import StandingSource
    from cc_cli.ledger.locate import Location

R = TypeVar("R")
POOL_FROM = 200  # below this many files a process pool costs more than it saves
CHUNK_MOST, CHUNK_LEAST = 500, 25  # files per task of the pool


@dataclass(frozen=True, slots=True)
class VerifySettings:
    """`cc verify` as the user asked for it, before any of it is checked."""

    files: list[Path]  # award files, baked emblems, or folders of them
    now: datetime
    at: str | None = None  # --at: the day or instant to check dates at, instead of `now`
    status_dir: Path | None = None
    ledger: str | None = None  # --ledger as given: an SQLite path or a postgresql:// URL
    email: str | None = None
    require_status: bool = False
    issuer: str | None = None  # --issuer
    catalog: Path | None = None  # --catalog, given explicitly
    default_catalog: Path = Path("catalog")  # where to look for a pinned issuer.did without --catalog
    workers: int = 0
    documents: Path | None = None  # --documents DIR
    online: bool = False  # --online
    allow_local: bool = False  # --allow-local


@dataclass(frozen=True, slots=True)
class VerifyRun:
    """A run ready to go: the moment dates are checked at, how many files, and (lazily: each file is
    verified as its report is taken) their reports, or what a printer makes of them."""

    at: datetime
    files: int
    paths: list[str]  # as text (see `expand_paths`)
    options: VerifyOptions

    @property
    def reports(self) -> Iterator[FileReport]:
        return verify_files(self.paths, self.options)

    def rendered(self, render: Callable[[FileReport], R]) -> Iterator[R]:
        """`render` of each report, in input order, called in the worker that verified the file (a
        module-level function or a partial of one: it is pickled by name). Why: the parent shares the cores
        with the workers, and taking back a printed line costs it a fraction of unpickling a report."""
        return render_files(self.paths, self.options, render)


def run_verify(settings: VerifySettings) -> VerifyRun:
    """Check the options (UsageError: the user's mistake), pin the trusted issuer, find the files, and
    start verifying them."""
    from cc_cli.core.durations import parse_moment

    trust.check_issuer_option(settings.issuer)
    email, status_dir, ledger = settings.email, settings.status_dir, settings.ledger
    if email is not None and "@" not in email.strip():
        raise UsageError(f"--email {email!r} is not an email address")
    if status_dir is not None and ledger is not None:
        raise UsageError("give --status-dir or --ledger, not both")
    if status_dir is not None and not status_dir.is_dir():
        raise UsageError(f"--status-dir {status_dir}: no such folder")
    if settings.allow_local and not settings.online:
        raise UsageError("--allow-local only matters with --online (it lets cc fetch from local addresses)")
    if settings.documents is not None:
        from cc_cli.verify.documents import read_index

        read_index(settings.documents)  # a missing folder or a broken index.json: the user's to fix
    location = _ledger_location(ledger, status_dir)
    pinned = trust.trusted_issuer(settings.issuer, settings.catalog, settings.default_catalog)
    moment = parse_moment(settings.at) if settings.at else settings.now
    paths = expand_paths(settings.files)
    if not paths:
        raise UsageError("no award files (.json, .png, .svg) found in " + ", ".join(map(str, settings.files)))
    options = VerifyOptions(
        at=moment,
        status_dir=status_dir,
        ledger=location,
        email=email,
        require_status=settings.require_status,
        issuer=pinned.issuer,
        trust=pinned.source,
        workers=settings.workers,
        documents=settings.documents,
        online=settings.online,
        allow_local=settings.allow_local,
    )
    return VerifyRun(moment, len(paths), paths, options)


def _ledger_location(ledger: str | None, status_dir: Path | None) -> Path | str | None:
    """--ledger, else $CC_LEDGER unless --status-dir is given; checked to be a cc ledger (read-only)."""
    from cc_cli.ledger.locate import check_ledger_at, env_ledger, resolve

    location = resolve(ledger, Path(".")) if ledger is not None else None if status_dir is not None else env_ledger()
    if location is not None:
        check_ledger_at(location)
    return location


_worker: Worker | None = None


def _get_worker(options: VerifyOptions) -> Worker:
    global _worker
    if _worker is None or _worker.options != options:
        _worker = Worker(options)
    return _worker


_inherited: list[dict[Location, StandingSource]] = []  # the ledger connections of the parent, per fork


def _after_fork() -> None:
    """Pool initializer: keep the warm caches, but not ledger connections (never used across a fork)."""
    if _worker is not None:
        _inherited.append(_worker.sources.dbs)  # kept referenced: closing them here could disturb the parent
        _worker.sources.dbs = {}


def _chunk(paths: list[str], options: VerifyOptions, render: Callable[[FileReport], R]) -> list[R]:
    worker = _get_worker(options)
    return [render(worker.file(p)) for p in paths]


def _report(report: FileReport) -> FileReport:
    return report


def verify_files(paths: Sequence[str | Path], options: VerifyOptions) -> Iterator[FileReport]:
    """Verify every file (see the module docstring); reports come back in input order, as they finish."""
    return render_files(paths, options, _report)


def render_files(paths: Sequence[str | Path], options: VerifyOptions, render: Callable[[FileReport], R]) -> Iterator[R]:
    """`verify_files`, each report passed through `render` where it was made (see `VerifyRun.rendered`)."""
    global _worker
    if not paths:
        return
    _worker = worker = Worker(options)  # fresh caches: lists and ledgers may have changed since a last run
    try:
        yield render(worker.file(paths[0]))  # warms this process's caches, which forked workers inherit
        yield from _verify_rest([os.fspath(p) for p in paths[1:]], options, worker, render)
    finally:
        for db in worker.sources.dbs.values():
            db.close()


def _verify_rest(
    rest: list[str], options: VerifyOptions, worker: Worker, render: Callable[[FileReport], R]
) -> Iterator[R]:
    workers = workers_for(options.workers)
    # --online writes what it fetches into one index.json: one process, so no fetch is lost or repeated
    if workers <= 1 or len(rest) < POOL_FROM or options.online:
        for path in rest:
            yield render(worker.file(path))
        return
    chunks = guided_chunks(rest, workers, CHUNK_MOST, CHUNK_LEAST)  # see there: 0.975 of equal tasks' wall
    with fewer_collections(), process_pool(workers, _after_fork, fork=True) as pool:  # forked: workers start warm
        for rendered in pool.map(_chunk, chunks, [options] * len(chunks), [render] * len(chunks)):
            yield from rendered
