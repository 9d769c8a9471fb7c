"""`cc site`: build the catalog's static HTML site (credentials, learning paths, legacy section)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer

from cc_cli.cli.common import CATALOG_HELP, default_catalog, handle_errors


def register(app: typer.Typer) -> None:
    app.command("site")(site)


@handle_errors
def site(
    catalog: Path = typer.Option(None, "--catalog", "-c", help=CATALOG_HELP, show_default=False),
    out: Path = typer.Option(Path("site"), "--out", "-o", metavar="DIR", help="Folder for the site (replaced whole)."),
    awards: Path = typer.Option(
        None,
        "--awards",
        metavar="DIR",
        help="The --out folder of `cc issue`: publish its signed status lists under status/.",
        show_default=False,
    ),
    emblems: Path = typer.Option(
        None,
        "--emblems",
        metavar="DIR",
        help="The --out folder of `cc render`: its current PNGs are copied, not redrawn [default: emblems/ if it is one].",
        show_default=False,
    ),
) -> None:
    """Build a static HTML site of the catalog: a filterable index, a page per credential and per learning
    path (with its roadmap as an SVG diagram), and a legacy section. No JavaScript framework, no network
    fetches, relative links only: it works from file:// and from any static host.

    The folder is what to deploy at the catalog's base_url: beside the pages it holds every document awards
    and exports cite (achievements/<id>.json, emblems/<id>.png and .svg, issuer/logo, and with --awards the
    status lists). Rebuild with --awards after every `cc issue` and `cc revoke`, then deploy. Emblem PNGs
    are the costly part: those `cc render` already drew (--emblems) or the previous build holds are reused.

    The catalog must validate (run `cc validate`). The site is built beside DIR and swapped in whole, so DIR
    never holds half a site. Exit 0 when built, 2 on usage errors or a catalog with errors.
    """
    from cc_cli.site import build_site
    from cc_cli.validate.engine import require_valid

    root = catalog or default_catalog()
    started = time.perf_counter()
    result = build_site(require_valid(root).catalog, out, awards=awards, emblems=emblems)
    for key in result.undrawn:
        sys.stderr.write(f"cc site: warning: {key}: emblem cannot be drawn, shown as a placeholder\n")
    seconds = time.perf_counter() - started
    sys.stderr.write(
        f"cc site: {result.pages} page(s) in {out}: {result.credentials} credential(s), "
        f"{result.paths} learning path(s), {result.achievements} achievement(s), "
        f"{result.status_lists} status list(s), in {seconds:.1f} s; open {out / 'index.html'}\n"
    )
    if awards is None:
        sys.stderr.write(
            "cc site: note: no --awards: status lists already in the site were kept; give --awards DIR "
            "(the --out of `cc issue`) to publish the current ones\n"
        )
