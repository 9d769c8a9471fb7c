"""`cc validate`: check the catalog against the framework's rules."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from cc_cli.cli.common import CATALOG_HELP, default_catalog, handle_errors, stdout_is_terminal

FORMATS = ("text", "json", "github", "junit")


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)


@handle_errors
def validate(
    catalog: Path = typer.Option(None, "--catalog", "-c", help=CATALOG_HELP, show_default=False),
    output_format: str = typer.Option(
        None,
        "--format",
        "-f",
        help="text, json, github (workflow annotations; the default under GitHub Actions) or junit.",
        show_default=False,
    ),
    strict: bool = typer.Option(False, "--strict", help="Fail (exit 1) on warnings too."),
) -> None:
    """Check the catalog against the framework's rules: every problem at once, with file:line:column.

    Exit 0 when clean, 1 when problems are found (errors, or warnings with --strict), 2 on usage errors.
    """
    from cc_cli.validate.engine import validate_catalog
    from cc_cli.validate.reporters import REPORTERS

    root = catalog or default_catalog()
    chosen = output_format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    if chosen not in REPORTERS:
        raise typer.BadParameter(f"'{chosen}' is not one of: {', '.join(FORMATS)}", param_hint="--format")
    report = validate_catalog(root, models=False)
    prefix = "" if str(root) in ("", ".") else str(root).rstrip("/") + "/"
    if chosen == "text" and stdout_is_terminal():
        from cc_cli.cli.show import print_problems

        print_problems(report.problems, report.files, prefix)
    else:
        sys.stdout.write(REPORTERS[chosen](report.problems, report.files, prefix))
    failed = report.errors > 0 or (strict and report.warnings > 0)
    raise typer.Exit(1 if failed else 0)
