"""`cc render`: draw every credential's emblem as SVG and PNG (or the contact sheet)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from cc_cli.cli.common import CATALOG_HELP, default_catalog, handle_errors, stderr_is_terminal


def register(app: typer.Typer) -> None:
    app.command("render")(render)


@contextmanager
def _progress_bar(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr when it is a terminal; nothing in CI logs or pipes."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("drawing emblems"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("render", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _display(out: Path, name: str) -> str:
    return str(out / name)


@handle_errors
def render(
    catalog: Path = typer.Option(None, "--catalog", "-c", help=CATALOG_HELP, show_default=False),
    out: Path = typer.Option(
        Path("emblems"), "--out", "-o", metavar="DIR", help="Output folder for <id>.svg and <id>.png."
    ),
    size: int = typer.Option(
        600, "--size", "-s", metavar="PX", help="PNG width and height in px (96 and below: compact drawing)."
    ),
    only: list[str] = typer.Option(None, "--only", metavar="ID", help="Render only this credential id (repeatable)."),
    check: bool = typer.Option(False, "--check", help="Write nothing; list files that would change, exit 1 if any."),
    force: bool = typer.Option(
        False,
        "--force",
        help="Redraw every emblem, even those the manifest shows unchanged (rewrites only differing files).",
    ),
    sheet: Path = typer.Option(
        None,
        "--sheet",
        metavar="FILE",
        help="Write only a contact sheet PNG of the catalog's own emblems (all, or those of --only) to this file.",
        show_default=False,
    ),
    kinds_sheet: Path = typer.Option(
        None,
        "--kinds-sheet",
        metavar="FILE",
        help="Write only the design language's sheet PNG (every kind side by side, shown with the catalog's "
        "own credentials) to this file.",
        show_default=False,
    ),
) -> None:
    """Draw each credential's emblem in the framework's design language, as <id>.svg and <id>.png.

    Unchanged emblems are not redrawn (--force redraws them); output is byte-identical for the same input.
    Exit 0 when done (or up to date with --check), 1 when an emblem cannot be drawn or --check finds
    changes, 2 on usage errors or a catalog whose files are malformed (run `cc validate`).
    """
    from cc_cli.core.atomic import catalog_source
    from cc_cli.core.problems import UsageError
    from cc_cli.validate.engine import require_valid

    if catalog_source(out / "emblem.svg"):  # any file there would be read as catalog input
        raise UsageError(f"--out {out} is a catalog folder: write emblems elsewhere (the default is emblems/)")
    if sheet is not None and kinds_sheet is not None:
        raise UsageError("--sheet and --kinds-sheet: write one sheet at a time")
    for option, target in (("--sheet", sheet), ("--kinds-sheet", kinds_sheet)):
        if target is not None and target.suffix.lower() != ".png":
            raise UsageError(f"{option} {target}: the contact sheet is a PNG image; name the file .png")
        if target is not None and catalog_source(target):
            raise UsageError(f"{option} {target} is part of a catalog: write the sheet elsewhere")
    loaded = require_valid(catalog or default_catalog(), draw=only or ()).catalog
    if sheet is not None or kinds_sheet is not None:
        from cc_cli.emblem.render import select
        from cc_cli.emblem.sheet import catalog_sheet_png, kinds_sheet_png

        if kinds_sheet is not None:
            _sheet(kinds_sheet, lambda: kinds_sheet_png(loaded), check)
        else:
            chosen = select(loaded, only or ()) if only else []
            _sheet(sheet, lambda: catalog_sheet_png(loaded, chosen), check)
        return
    from cc_cli.emblem.render import render_catalog

    with _progress_bar(stderr_is_terminal() and not check) as progress:
        result = render_catalog(loaded, out, size=size, only=only or (), check=check, force=force, progress=progress)
    for source, reason in result.failures:
        sys.stderr.write(f"cc: error: {source}: {reason}\n")
    if check:
        for name in [*result.changed, *result.removed]:
            sys.stdout.write(_display(out, name) + "\n")
        stale = len(result.changed) + len(result.removed)
        verdict = f"{stale} file(s) would change" if stale else "up to date"
        sys.stderr.write(f"cc render --check: {out}: {verdict}\n")
        raise typer.Exit(1 if stale or result.failures else 0)
    emblems = result.total - len(result.failures)
    sys.stderr.write(
        f"cc render: {emblems} emblem(s) in {out}: {result.drawn} drawn, {len(result.changed)} file(s) written"
        + (f", {len(result.removed)} removed" if result.removed else "")
        + "\n"
    )
    raise typer.Exit(1 if result.failures else 0)


def _sheet(path: Path, draw: Callable[[], bytes], check: bool) -> None:
    """Write a contact sheet (or, with --check, exit 1 when the file would change)."""
    from cc_cli.emblem.sheet import write_png

    png = draw()
    if check:
        try:
            same = path.read_bytes() == png
        except OSError:
            same = False
        if not same:
            sys.stdout.write(f"{path}\n")
        raise typer.Exit(0 if same else 1)
    write_png(path, png)
    sys.stderr.write(f"cc render: contact sheet written to {path}\n")
