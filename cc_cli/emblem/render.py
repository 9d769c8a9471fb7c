"""Render a catalog's emblems into a folder: incremental, parallel, byte-identical, all-or-nothing.

The core of `cc render`; it never prints or exits, it returns a RenderResult (and reports progress
through a callback), so the CLI decides what to show. Environment failures (an output folder that cannot
be written, a full disk) raise UsageError with a one-line reason after cleaning up; per-credential
problems (a title that does not fit, broken legacy artwork) are collected as failures and the other
emblems are still drawn.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path

from cc_cli.catalog.model import Catalog, Credential
from cc_cli.core import atomic
from cc_cli.core.problems import UsageError
from cc_cli.core.text import closest
from cc_cli.core.workers import process_pool, workers_for
from cc_cli.emblem.jobs import Job, make_job, produce, read_logo
from cc_cli.emblem.spec import EmblemError
from cc_cli.emblem.store import MANIFEST, Entry, Manifest, sha256, sweep_temporaries, write_files

MIN_SIZE, MAX_SIZE = 16, 4096
Progress = Callable[[int, int], None]


@dataclass(slots=True)
class RenderResult:
    changed: list[str] = field(default_factory=list)  # files written, or that would be (check mode)
    removed: list[str] = field(default_factory=list)  # files of credentials no longer in the catalog
    failures: list[tuple[str, str]] = field(default_factory=list)  # (credential file, reason)
    total: int = 0  # emblems considered
    drawn: int = 0  # emblems actually drawn (the others were unchanged)


@dataclass(frozen=True, slots=True)
class _Outcome:
    id: str
    files: dict[str, str]  # name -> sha256
    changed: tuple[str, ...]
    error: str | None = None


def _draw(job: Job, out: Path, check: bool) -> _Outcome:
    """Draw one job and (unless checking) write the files whose bytes differ. Runs in a worker."""
    try:
        files = produce(job)
    except EmblemError as exc:
        return _Outcome(job.id, {}, (), str(exc))
    changed = []
    for name, data in files.items():
        try:
            same = (out / name).read_bytes() == data
        except OSError:
            same = False
        if not same:
            changed.append(name)
    if changed and not check:
        write_files({out / name: files[name] for name in changed})
    return _Outcome(job.id, {name: sha256(data) for name, data in files.items()}, tuple(changed))


def _prepare_out(out: Path, check: bool) -> None:
    """Fail early, before drawing anything, when the output folder cannot be used."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"output folder {out} is a file")
    if check:
        return
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create output folder {out}: {exc.strerror or exc}") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write to output folder {out}: permission denied")
    sweep_temporaries(out)


def select(catalog: Catalog, only: Iterable[str]) -> list[str]:
    """The ids to draw: those of `only` (a UsageError with a suggestion for an unknown one), else all."""
    wanted = list(dict.fromkeys(only))
    known = sorted(catalog.credentials)
    for key in wanted:
        if key not in catalog.credentials:
            close = closest(key, known)
            hint = f" (did you mean {close!r}?)" if close else ""  # quoted as the message quotes the id
            raise UsageError(f"--only: no credential {key!r} in the catalog{hint}")
    return sorted(wanted) if wanted else known


def render_catalog(
    catalog: Catalog,
    out: Path,
    *,
    size: int = 600,
    only: Iterable[str] = (),
    check: bool = False,
    force: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> RenderResult:
    """Draw `<id>.svg` and `<id>.png` for every credential (or those in `only`) into `out`.

    An emblem whose input hash and files match the manifest is skipped (`force` draws it anyway; files
    whose bytes come out the same are still not rewritten). With `check`, nothing is written and
    `changed`/`removed` list what a real run would change.
    """
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise UsageError(f"--size must be between {MIN_SIZE} and {MAX_SIZE} px, not {size}")
    ids = select(catalog, only)
    _prepare_out(out, check)
    result = RenderResult(total=len(ids))
    manifest = Manifest.load(out)
    try:
        logo = read_logo(catalog)
    except EmblemError as exc:
        result.failures.append(("catalog.yaml", str(exc)))
        return result
    todo: list[Job] = []
    new = Manifest(dict(manifest.entries))
    for key in ids:
        credential = catalog.credentials[key]
        try:
            job = make_job(credential, catalog, size, logo)
        except EmblemError as exc:
            result.failures.append((credential.source, str(exc)))
            continue
        if force or not manifest.fresh(key, job.digest, out):
            todo.append(job)
    # Catalog-wide problems: one message rather than the same one for every emblem. Checked only when
    # something is to be drawn: it loads the fonts (a third of a second), and a fresh emblem was drawn
    # from this very issuer name and these font versions (both are in its input hash), so it passed.
    trouble = _issuer_trouble(catalog) if todo else None
    if trouble:
        result.failures[:] = [("catalog.yaml", trouble)]
        return result
    outcomes = _run(todo, out, check, jobs, progress, new)
    for outcome in outcomes:
        if outcome.error is not None:
            result.failures.append((catalog.credentials[outcome.id].source, outcome.error))
        else:
            result.drawn += 1  # counted when drawn, so a failure is never reported as drawn
            result.changed.extend(outcome.changed)
    if not only:
        for key in sorted(set(manifest.entries) - set(catalog.credentials)):
            names = [name for name in sorted(manifest.entries[key].files) if (out / name).exists()]
            result.removed.extend(names)
            del new.entries[key]
            if not check:
                for name in names:
                    (out / name).unlink(missing_ok=True)
    _finish_manifest(new, out, check, result)
    result.changed.sort()
    result.failures.sort()
    return result


def _issuer_trouble(catalog: Catalog) -> str | None:
    from cc_cli.emblem.draw import lettering_problem  # the drawing code, imported only to draw

    return lettering_problem("issuer name", catalog.info.issuer.name)


def _finish_manifest(new: Manifest, out: Path, check: bool, result: RenderResult) -> None:
    """Write the manifest if it changed (in check mode, report it as a file that would change)."""
    data = new.dumps()
    try:
        current = (out / MANIFEST).read_bytes()
    except OSError:
        current = b""
    if data == current:
        return
    if check:
        result.changed.append(MANIFEST)
    else:
        try:
            atomic.write_bytes(out / MANIFEST, data)
        except OSError as exc:
            raise UsageError(f"cannot write {out / MANIFEST}: {exc.strerror or exc}") from None


def _record(new: Manifest, job: Job, outcome: _Outcome) -> None:
    if outcome.error is None:
        new.entries[job.id] = Entry(job.digest, outcome.files)


def _run(
    todo: list[Job], out: Path, check: bool, jobs: int | None, progress: Progress | None, new: Manifest
) -> list[_Outcome]:
    """Draw the jobs, in parallel when there are enough of them, recording each into `new` as it lands.

    On a write failure (full disk...) the remaining jobs are cancelled, what completed is kept in the
    manifest so the next run does not redo it, and the error becomes a one-line UsageError.
    """
    workers = max(1, min(workers_for(jobs or 0), len(todo)))
    outcomes: list[_Outcome] = []
    by_id = {job.id: job for job in todo}
    try:
        if workers == 1 or len(todo) < 3:
            for job in todo:
                outcomes.append(_draw(job, out, check))
                _record(new, job, outcomes[-1])
                if progress:
                    progress(len(outcomes), len(todo))
        else:
            from cc_cli.emblem.draw import warm

            warm()
            with process_pool(workers) as pool:  # on a failure, cancels the jobs not yet started
                futures = [pool.submit(_draw, job, out, check) for job in todo]
                # as_completed waits on each future once; calling wait() in a loop is quadratic
                for future in as_completed(futures):
                    outcome = future.result()
                    outcomes.append(outcome)
                    _record(new, by_id[outcome.id], outcome)
                    if progress:
                        progress(len(outcomes), len(todo))
    except OSError as exc:
        if not check:
            with contextlib.suppress(OSError):  # the next run then simply redraws more
                atomic.write_bytes(out / MANIFEST, new.dumps())
        raise UsageError(f"cannot write emblems to {out}: {exc.strerror or exc}; no partial file was left") from None
    return outcomes


def emblem_bytes(
    catalog: Catalog, credential: Credential, formats: Iterable[str] = ("png", "svg"), size: int = 600
) -> dict[str, bytes]:
    """One credential's emblem in memory, {"png": ..., "svg": ...} for the formats asked, for baking.

    Exactly the bytes `cc render` writes. Empty when the emblem cannot be drawn (a title that does not
    fit, broken legacy artwork): `cc validate` reports those (CC401-CC404), and an award is still valid
    without a baked image.
    """
    wanted = set(formats)
    try:
        job = make_job(credential, catalog, size, read_logo(catalog))
        if wanted <= {"svg"} and not job.artwork:  # skip the PNG conversion nobody asked for
            from cc_cli.emblem.draw import emblem_svg

            return {"svg": emblem_svg(job.emblem).encode("utf-8")} if wanted else {}
        if wanted <= {"svg"} and job.artwork and job.artwork[0] == "svg":  # legacy SVG artwork, as supplied
            return {"svg": job.artwork[1]} if wanted else {}
        files = produce(job)
    except EmblemError:
        return {}
    svg_name, png_name = job.names
    return {kind: files[name] for kind, name in (("svg", svg_name), ("png", png_name)) if kind in wanted}
