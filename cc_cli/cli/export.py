"""`cc export --format ob3|ctdl|credly-csv`: the catalog for other systems (see cc_cli/export/formats.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from cc_cli.cli.common import CATALOG_HELP, default_catalog, handle_errors


def register(app: typer.Typer) -> None:
    app.command("export")(export)


@handle_errors
def export(
    output_format: str = typer.Option(..., "--format", "-f", help="ob3, ctdl or credly-csv.", show_default=False),
    catalog: Path = typer.Option(None, "--catalog", "-c", help=CATALOG_HELP, show_default=False),
    out: Path = typer.Option(None, "--out", "-o", metavar="FILE", help="Write here (atomically). Default: stdout."),
    key: Path = typer.Option(
        None,
        "--key",
        "-k",
        help="ob3: issuer key file, so `creator.id` is the did:key awards carry. Default: $CC_ISSUER_KEY, "
        "else the issuer's url from catalog.yaml.",
        show_default=False,
    ),
) -> None:
    """Export the catalog: ob3 (OB 3.0 Achievement JSON, as awards embed it), ctdl (CTDL JSON-LD for the
    Credential Engine registry) or credly-csv (a roster template in Credly's bulk-issue layout).

    Drafts are never exported. The catalog must validate. Exit 0 when written, 2 on usage errors.
    """
    import datetime as dt

    from cc_cli.core import atomic
    from cc_cli.export.formats import FORMATS, export_catalog

    if output_format not in FORMATS:
        raise typer.BadParameter(f"'{output_format}' is not one of: {', '.join(FORMATS)}", param_hint="--format")
    text, note = export_catalog(catalog or default_catalog(), output_format, key, dt.date.today())
    if note:
        sys.stderr.write(f"cc export: {note}\n")
    if out is None or str(out) == "-":  # `-` is stdout, as in every Unix tool
        sys.stdout.write(text)
    else:
        atomic.write_text(out, text)
        sys.stderr.write(f"cc export: {output_format} written to {out}\n")
