"""`cc import awards FILE.csv`: record awards issued elsewhere (Credly...) in the ledger (see
cc_cli/lifecycle/imports.py)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from cc_cli.cli.common import CATALOG_HELP, LEDGER_HELP, default_catalog, handle_errors

import_app = typer.Typer(help="Bring records from elsewhere into the ledger.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")


@import_app.command("awards")
@handle_errors
def awards(
    file: Path = typer.Argument(
        ...,
        metavar="FILE",
        help="CSV of awards issued elsewhere: email, name, credential (or Badge Template ID), issued_on, "
        "expires_on, state, url (Credly's issued-badges export as downloaded).",
        show_default=False,
    ),
    catalog: Path = typer.Option(None, "--catalog", "-c", help=CATALOG_HELP, show_default=False),
    out: Path = typer.Option(Path("awards"), "--out", "-o", help="Output folder of `cc issue` (holds the ledger)."),
    ledger: str = typer.Option(None, "--ledger", help=LEDGER_HELP, show_default=False),
    source: str = typer.Option("credly", "--source", help="Where the awards were issued, recorded with each."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every row and show what would be recorded."),
    encoding: str = typer.Option(None, "--encoding", help="File encoding when not UTF-8.", show_default=False),
    timezone: str = typer.Option("UTC", "--timezone", help="Time zone of date-only values (IANA name)."),
    date_format: str = typer.Option(
        None,
        "--date-format",
        help="Order of slashed dates such as 03/04/25: mdy (month first, Credly's mm/dd/yy) or dmy.",
        show_default=False,
    ),
    output_format: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """Record awards issued elsewhere in the ledger, as external awards: never signed by cc, never re-issued,
    marked with their source; they count as held for prerequisites (CC507), transcripts and paths.

    Every row is checked first; rejected rows go to OUT/<file>.import-rejects.csv (exit 1). Importing the
    same file again adds nothing.
    """
    from cc_cli.lifecycle.imports import ImportSettings, run_import

    if output_format not in ("text", "json"):
        raise typer.BadParameter(f"'{output_format}' is not one of: text, json", param_hint="--format")
    settings = ImportSettings(
        file=file,
        catalog_root=catalog or default_catalog(),
        out=out,
        ledger_path=ledger,
        source=source,
        encoding=encoding,
        timezone=timezone,
        date_format=date_format,
        dry_run=dry_run,
        now=datetime.now(UTC),
    )
    report = run_import(settings)
    if output_format == "json":
        sys.stdout.write(json.dumps(_as_json(report), indent=2, ensure_ascii=False) + "\n")
    else:
        _print_text(report)
    raise typer.Exit(1 if report.problems else 0)


def _as_json(report: Any) -> dict[str, Any]:
    return {
        "summary": report.counts(),
        "dry_run": report.dry_run,
        "ledger": report.ledger or None,
        "rejects": str(report.rejects) if report.rejects else None,
        "ignored_columns": report.ignored_columns,
        "rows": [
            {
                "line": o.line,
                "email": o.email,
                "credential": o.credential_id,
                "action": o.action,
                "reason": o.reason or None,
            }
            for o in report.outcomes
        ],
        "problems": [p.as_dict() for p in report.problems],
    }


def _print_text(report: Any) -> None:
    from cc_cli.cli.show import print_problems_plain

    print_problems_plain(report.problems, sys.stderr)
    c = report.counts()
    verb = "would record" if report.dry_run else "recorded"
    sys.stdout.write(
        f"{c['rows']} rows: {verb} {c['imported']} external award(s), {c['already']} already in the ledger, "
        f"rejected {c['rejected']}" + (f"; updated {c['updated']} the source changed" if c["updated"] else "") + "\n"
    )
    if report.ignored_columns:
        sys.stdout.write(f"ignored column(s), read into no field: {', '.join(report.ignored_columns)}\n")
    if report.rejects is not None:
        sys.stdout.write(f"rejects: {report.rejects}\n")
