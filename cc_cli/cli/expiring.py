"""`cc expiring --within P60D`: awards that lapse soon, certifications first, for renewal reminders."""

from __future__ import annotations

import json
import sys
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from cc_cli.cli.common import CATALOG_HELP, LEDGER_HELP, default_catalog, handle_errors, stdout_is_terminal

FORMATS = ("table", "csv", "json")


def register(app: typer.Typer) -> None:
    app.command("expiring")(expiring)


@handle_errors
def expiring(
    within: str = typer.Option("P60D", "--within", "-w", help="Window from now (or --at): ISO 8601, e.g. P60D, P3M."),
    out: Path = typer.Option(Path("awards"), "--out", "-o", help="Output folder of `cc issue` (holds the ledger)."),
    ledger: str = typer.Option(None, "--ledger", help=LEDGER_HELP, show_default=False),
    catalog: Path = typer.Option(None, "--catalog", "-c", help=CATALOG_HELP, show_default=False),
    at: str = typer.Option(
        None, "--at", help="Start the window at this day or instant instead of now (YYYY-MM-DD).", show_default=False
    ),
    output_format: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    output: Path = typer.Option(
        None, "--output", help="Write the csv or json to this file instead of stdout.", show_default=False
    ),
    notify: bool = typer.Option(
        False, "--notify", help="Email each holder a renewal reminder (once per award and window; see cc notify)."
    ),
) -> None:
    """List issued, unrevoked awards whose validUntil falls within the window: who holds them, when they
    lapse, how many days are left, and the catalog's renewal options.

    Certifications come first (they need renewal), then other expiring awards, soonest first. An award its
    holder has already renewed is not listed. CSV cells are formula-safe. Exit 0 (also when none expire),
    2 on usage errors.
    """
    from cc_cli.core.durations import parse_moment
    from cc_cli.core.problems import UsageError
    from cc_cli.lifecycle.expiring import ExpiringSettings, csv_text, find_expiring, write_csv_file

    if output_format not in FORMATS:
        raise UsageError(f"--format '{output_format}' is not one of: {', '.join(FORMATS)}")
    if output is not None and output_format == "table":  # the default: take the format from the file name
        output_format = {".csv": "csv", ".json": "json"}.get(output.suffix.lower(), "table")
        if output_format == "table":
            raise UsageError("--output writes csv or json: name the file .csv or .json, or add --format csv|json")
    settings = ExpiringSettings(
        within=within,
        out=out,
        catalog_root=catalog or default_catalog(),
        ledger_path=ledger,
        now=parse_moment(at) if at else datetime.now(UTC),
    )
    mail = None
    if notify:
        from cc_cli.cli.notify import settings_for

        mail = settings_for(settings.catalog_root, out, ledger)
    report = find_expiring(settings)
    if output_format == "csv":
        if output is not None:
            write_csv_file(report, output)
        else:
            sys.stdout.write(csv_text(report))
    elif output_format == "json":
        text = json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"
        if output is not None:
            from cc_cli.core.atomic import write_text

            output.parent.mkdir(parents=True, exist_ok=True)
            write_text(output, text)
        else:
            sys.stdout.write(text)
    elif stdout_is_terminal():
        _print_rich(report)
    else:
        _print_plain(report)
    if output is not None:
        sys.stderr.write(f"wrote {len(report.awards)} expiring award(s) to {output}\n")
    if mail is not None:
        from cc_cli.cli.notify import after
        from cc_cli.notify.run import run_renewal_reminders

        signed = [(a.award_id, a.days_left) for a in report.awards if a.source == "cc"]  # imported: no cc award to mail
        delivered = run_renewal_reminders(mail, signed, report.within)
        after(delivered, "cc expiring --notify", sys.stderr)  # stdout holds the table, CSV or JSON
        raise typer.Exit(0 if delivered.complete else 1)


def _heading(report: Any) -> str:
    start, end = report.at.strftime("%Y-%m-%d"), report.until.strftime("%Y-%m-%d")
    return f"{len(report.awards)} award(s) expire between {start} and {end} ({report.within})"


def _columns(award: Any) -> list[str]:
    return [
        award.email,
        award.name,
        award.credential_id,
        award.classification or "-",
        award.award_id if award.source == "cc" else f"{award.source}: {award.url or award.award_id}",
        award.valid_until[:10],
        str(award.days_left),
        award.renewal_text() or "-",
    ]


HEADER = ["email", "name", "credential", "classification", "award id", "valid until", "days left", "renewal"]


def _width(text: str) -> int:
    """Terminal columns of `text`: CJK and other wide characters take two (names such as 田中 さくら)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _print_plain(report: Any) -> None:
    """Aligned columns without colour, for pipes and logs (scripts should use --format csv or json)."""
    rows = [HEADER, *(_columns(award) for award in report.awards)]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = [_heading(report)]
    if report.awards:
        lines.extend(
            "  ".join(cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows
        )
    sys.stdout.write("\n".join(lines) + "\n")


def _print_rich(report: Any) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    if not report.awards:
        console.print(Text(_heading(report), style="bold green"))
        return
    table = Table(*HEADER, title=_heading(report))
    for award in report.awards:
        cells = _columns(award)
        urgent = "bold red" if award.days_left <= 14 else "yellow" if award.days_left <= 30 else ""
        style = "bold" if award.classification == "certification" else ""
        table.add_row(*[Text(cell, style=style) for cell in cells[:6]], Text(cells[6], style=urgent), cells[7])
    console.print(table)
