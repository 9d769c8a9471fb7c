"""`cc export --format ob3|ctdl|credly-csv`: the catalog for other systems (see cc_cli/export.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from cc_cli.cli.common import CATALOG_HELP, default_catalog, handle_errors

FORMATS = ("ob3", "ctdl", "credly-csv")


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
    from cc_cli.export.formats import export_credly_csv, export_ctdl, export_ob3
    from cc_cli.validate.engine import require_valid

    if output_format not in FORMATS:
        raise typer.BadParameter(f"'{output_format}' is not one of: {', '.join(FORMATS)}", param_hint="--format")
    root = catalog or default_catalog()
    loaded = require_valid(root).catalog
    if output_format == "ob3":
        text = export_ob3(loaded, _issuer_id(loaded, key))
    elif output_format == "ctdl":
        text = export_ctdl(loaded)
    else:
        text = export_credly_csv(loaded, dt.date.today())
        sys.stderr.write(
            "cc export: replace each Badge Template ID (the catalog id) with the Credly template's ID, "
            "and the example recipients with real ones\n"
        )
    if out is None or str(out) == "-":  # `-` is stdout, as in every Unix tool
        sys.stdout.write(text)
    else:
        atomic.write_text(out, text)
        sys.stderr.write(f"cc export: {output_format} written to {out}\n")


def _issuer_id(loaded: Any, key: Path | None) -> str:
    """The issuer's did:key as awards carry it: the catalog's pinned issuer.did, else the key's (checked
    against the pin), else the issuer's url."""
    from cc_cli.core.problems import UsageError

    pinned = loaded.info.issuer.did
    from cc_cli.credentials.keys import check_catalog_key, describe_key, issuer_key_path

    path = issuer_key_path(key)
    if path is not None:
        did = describe_key(path).did
        check_catalog_key(pinned, did, loaded.root)
        return did
    if pinned:
        return str(pinned)
    fallback = loaded.info.issuer.url or loaded.info.base_url
    if not fallback:
        raise UsageError("the ob3 export needs an issuer id: give --key FILE, or set issuer.url in catalog.yaml")
    return fallback
