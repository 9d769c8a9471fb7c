"""`cc ledger migrate | copy | status`: create or upgrade a ledger, move it between SQLite and PostgreSQL,
and say what is in it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from cc_cli.cli.common import CATALOG_HELP, LEDGER_HELP, default_catalog, handle_errors

ledger_app = typer.Typer(
    help="The ledger: create or upgrade its schema, copy it (SQLite <-> PostgreSQL), show its status.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(ledger_app, name="ledger")


def _location(ledger: str | None, out: Path, catalog: Path | None) -> Path | str:
    from cc_cli.ledger.locate import resolve

    return resolve(ledger, out, catalog or default_catalog())


@ledger_app.command("migrate")
@handle_errors
def migrate(
    ledger: str = typer.Option(None, "--ledger", help=LEDGER_HELP, show_default=False),
    out: Path = typer.Option(Path("awards"), "--out", "-o", help="Output folder of `cc issue` (holds the ledger)."),
    catalog: Path = typer.Option(None, "--catalog", "-c", help=CATALOG_HELP, show_default=False),
) -> None:
    """Create the ledger's tables (an empty PostgreSQL database, or a new SQLite file), or upgrade a ledger
    of an older schema. Refuses a database that is not a cc ledger, or one a newer cc wrote. Exit 0, or 2."""
    from cc_cli.ledger.admin import migrate as run_migrate

    done = run_migrate(_location(ledger, out, catalog))
    if done.before == 0:
        what = f"created a cc ledger (schema version {done.after})"
    elif done.before < done.after:
        what = f"upgraded from schema version {done.before} to {done.after}"
    else:
        what = f"already at schema version {done.after}: nothing to do"
    sys.stdout.write(f"{done.where} ({done.backend}): {what}\n")


@ledger_app.command("copy")
@handle_errors
def copy(
    source: str = typer.Argument(..., metavar="FROM", help="The ledger to copy: a file or a URL.", show_default=False),
    target: str = typer.Argument(
        ..., metavar="TO", help="An empty ledger (created when missing): a file or a URL.", show_default=False
    ),
) -> None:
    """Copy every batch, award and revocation from one ledger into a new, empty one (SQLite to PostgreSQL,
    or back), ids and status indexes kept, and check the copy row by row. Exit 0, or 2."""
    from cc_cli.ledger.admin import copy_ledger
    from cc_cli.ledger.locate import resolve

    done = copy_ledger(resolve(source, Path(".")), resolve(target, Path(".")))
    sys.stdout.write(
        f"copied {done.batches} batch(es) and {done.awards} award(s) from {done.source} to {done.target}; "
        "the copy matches row by row\n"
    )


@ledger_app.command("status")
@handle_errors
def status(
    ledger: str = typer.Option(None, "--ledger", help=LEDGER_HELP, show_default=False),
    out: Path = typer.Option(Path("awards"), "--out", "-o", help="Output folder of `cc issue` (holds the ledger)."),
    catalog: Path = typer.Option(None, "--catalog", "-c", help=CATALOG_HELP, show_default=False),
    output_format: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """Which ledger (backend and location), its schema version, its issuer key, its awards by state and its
    last batches (finished, running, or interrupted). Exit 0, or 2."""
    from cc_cli.core.problems import UsageError
    from cc_cli.ledger.admin import ledger_status

    if output_format not in ("text", "json"):
        raise UsageError(f"--format '{output_format}' is not one of: text, json")
    found = ledger_status(_location(ledger, out, catalog))
    if output_format == "json":
        sys.stdout.write(json.dumps(found.as_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    awards = found.awards
    lines = [
        f"ledger:  {found.where} ({found.backend}, schema version {found.schema_version})",
        f"issuer:  {', '.join(found.issuers) or '(no award yet)'}",
        f"awards:  {sum(awards.values())}: {awards['issued']} issued, {awards['revoked']} revoked, "
        f"{awards['pending']} pending",
        f"batches: {found.batches}" + (", the last:" if found.recent else ""),
    ]
    if any(found.external.values()):
        counts = ", ".join(f"{n} {state}" for state, n in found.external.items() if n)
        lines.insert(3, f"elsewhere: {sum(found.external.values())} imported with `cc import awards`: {counts}")
    for batch in found.recent:
        lines.append(
            f"  {batch['id']}  {batch['started_at']}  {batch['roster_path']}: {batch['rows_total']} rows, "
            f"{batch['issued']} issued, {batch['skipped']} skipped, {batch['rejected']} rejected; {batch['state']}"
        )
    sys.stdout.write("\n".join(lines) + "\n")
