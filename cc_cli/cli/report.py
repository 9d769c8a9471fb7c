"""`cc report`: the programme's outcomes for a period, as HTML with charts, tables, JSON or CSV."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from cc_cli.cli.common import CATALOG_HELP, LEDGER_HELP, default_catalog, handle_errors, stdout_is_terminal

FORMATS = ("text", "html", "json", "csv")
SUFFIXES = {".html": "html", ".htm": "html", ".json": "json", ".csv": "csv", ".txt": "text"}


def register(app: typer.Typer) -> None:
    app.command("report")(report)


@handle_errors
def report(
    awards: Path = typer.Option(
        Path("awards"), "--awards", metavar="DIR", help="The --out folder of `cc issue` (holds the ledger)."
    ),
    ledger: str = typer.Option(None, "--ledger", help=LEDGER_HELP, show_default=False),
    catalog: Path = typer.Option(None, "--catalog", "-c", help=CATALOG_HELP, show_default=False),
    start: str = typer.Option(
        None, "--from", help="First day of the period (YYYY-MM-DD). Default: the first award.", show_default=False
    ),
    end: str = typer.Option(
        None,
        "--to",
        help="Last day of the period (YYYY-MM-DD), included. Default: up to now (or --at).",
        show_default=False,
    ),
    zone: str = typer.Option("UTC", "--tz", help="Time zone of the days and months (IANA name, e.g. Europe/Paris)."),
    at: str = typer.Option(
        None, "--at", help="Judge states and expiry at this day or instant instead of now.", show_default=False
    ),
    output_format: str = typer.Option(
        None,
        "--format",
        "-f",
        help="text, html, json or csv. Default: from --out's name, else text.",
        show_default=False,
    ),
    # `--out FILE` as the issue names it (like `cc export`); `--output` is kept as an alias.
    output: Path = typer.Option(
        None,
        "--out",
        "--output",
        "-o",
        metavar="FILE",
        help="Write the report to this file (atomically) instead of stdout.",
        show_default=False,
    ),
    with_names: bool = typer.Option(
        False, "--with-names", help="Also list the names and emails of holders whose awards lapse within 90 days."
    ),
) -> None:
    """Report the programme's outcomes for a period: awards per month by classification and level, their
    states now, per credential awards, holders, expiring awards and renewal rates, learning-path funnels,
    the skills with the most holders and the certificates completed.

    Only aggregates: no email or name appears unless --with-names is given. Exit 0, 2 on usage errors.
    """
    from datetime import UTC, datetime

    from cc_cli.core.durations import parse_moment
    from cc_cli.core.problems import UsageError
    from cc_cli.report.figures import ReportSettings, build_report, parse_day

    if output is not None and output.is_dir():
        # Before --out named the report file it named the folder of `cc issue`: say where that went.
        raise UsageError(
            f"--out {output} is a folder: --out names the report file (e.g. --out report.html); "
            "give the folder of `cc issue` as --awards"
        )
    if output_format is None:
        output_format = SUFFIXES.get(output.suffix.lower(), "") if output is not None else "text"
        if not output_format:
            raise UsageError(f"--out {output}: name the file .html, .json, .csv or .txt, or add --format")
    if output_format not in FORMATS:
        raise UsageError(f"--format '{output_format}' is not one of: {', '.join(FORMATS)}")
    settings = ReportSettings(
        out=awards,
        catalog_root=catalog or default_catalog(),
        ledger_path=ledger,
        start=parse_day(start, "--from") if start else None,
        end=parse_day(end, "--to") if end else None,
        zone=zone,
        now=parse_moment(at) if at else datetime.now(UTC),
        with_names=with_names,
    )
    if output_format == "html":
        from cc_cli.report.html import html_report

        figures, html = html_report(settings)  # draws charts while the SQL runs
    else:
        figures = build_report(settings)
    if output_format == "text":
        if output is not None:
            from cc_cli.report.outputs import write_file

            write_file(output, _plain(figures), "text")
        elif stdout_is_terminal():
            _print_rich(figures)
        else:
            sys.stdout.write(_plain(figures))
    else:
        from cc_cli.report import outputs

        if output_format == "html":
            text = html
        else:
            text = outputs.json_text(figures) if output_format == "json" else outputs.csv_text(figures)
        if output is not None:
            outputs.write_file(output, text, output_format)
        else:
            sys.stdout.write(text)
    if output is not None:
        sys.stderr.write(f"wrote the {output_format} report ({figures.total} awards) to {output}\n")


def _plain(figures: Any) -> str:
    """Aligned columns without colour, for pipes and files."""
    from cc_cli.report.tables import heading, tables

    lines = [heading(figures)]
    for table in tables(figures):
        rows = [table.header, *table.rows]
        widths = [max(len(row[i]) for row in rows) for i in range(len(table.header))]
        lines += ["", table.title]
        for row in rows:
            cells = [
                cell.rjust(width) if i in table.numeric else cell.ljust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            ]
            lines.append("  ".join(cells).rstrip())
        if not table.rows:
            lines.append(figures.words("report.none"))
    return "\n".join(lines) + "\n"


def _print_rich(figures: Any) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from cc_cli.report.tables import heading, tables

    console = Console(highlight=False)
    console.print(Text(heading(figures), style="bold"))
    for table in tables(figures):
        shown = Table(title=table.title, title_justify="left")
        for i, name in enumerate(table.header):
            shown.add_column(name, justify="right" if i in table.numeric else "left")
        for row in table.rows:
            shown.add_row(*(Text(cell) for cell in row))
        console.print(shown)
