"""`cc paths [ID]`: list the learning paths, or draw one as a roadmap in the terminal.

A person at a terminal gets rich panels (options side by side, arrows between steps); a pipe gets plain
lines that grep and diff well; `--format json` gives scripts the roadmap model as data.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cc_cli.cli.common import CATALOG_HELP, default_catalog, handle_errors, stdout_is_terminal

if TYPE_CHECKING:
    from cc_cli.catalog.roadmap import PathSummary, Roadmap, Stop

FORMATS = ("text", "json")
# Colours follow the emblem bands (see /design): the terminal echoes what the site and emblems show.
KIND_STYLES = {
    "skill-foundational": "green",
    "skill-intermediate": "cyan",
    "skill-advanced": "blue",
    "skill-thought-leader": "magenta",
    "certificate": "dark_cyan",
    "certification-associate": "bright_blue",
    "certification-professional": "blue",
    "certification-advanced": "bold blue",
    "legacy": "grey58",
    "unknown": "red",
}


def register(app: typer.Typer) -> None:
    app.command("paths")(paths)


@handle_errors
def paths(
    path_id: str = typer.Argument(None, metavar="ID", help="A path id: draw that path as a roadmap."),
    catalog: Path = typer.Option(None, "--catalog", "-c", help=CATALOG_HELP, show_default=False),
    output_format: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """List the learning paths, or draw one (ID) as a roadmap: steps in order, options side by side,
    each credential's classification, type or level, time to earn, and what it leads to."""
    from cc_cli.catalog.roadmap import roadmap, summaries
    from cc_cli.validate.load import load_catalog

    if output_format not in FORMATS:
        raise typer.BadParameter(f"'{output_format}' is not one of: {', '.join(FORMATS)}", param_hint="--format")
    loaded = load_catalog(catalog or default_catalog()).catalog
    if path_id is None:
        rows = summaries(loaded)
        if output_format == "json":
            _write_json({"paths": [row.as_dict() for row in rows]})
        elif stdout_is_terminal():
            _rich_table(rows)
        else:
            sys.stdout.write(plain_table(rows))
        return
    drawn = roadmap(loaded, path_id)
    if output_format == "json":
        _write_json(drawn.as_dict())
    elif stdout_is_terminal():
        _rich_roadmap(drawn, {key: c.title for key, c in loaded.credentials.items()})
    else:
        sys.stdout.write(plain_roadmap(drawn, {key: c.title for key, c in loaded.credentials.items()}))


def _write_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def plain_table(rows: list[PathSummary]) -> str:
    """Aligned columns with a header, one path a line: readable, and `cut`/`awk` friendly."""
    header = ("ID", "TITLE", "AUDIENCE", "STEPS", "LEADS TO")
    table = [header] + [(row.id, row.title, row.audience or "-", str(row.steps), row.leads_to or "-") for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip() for line in table]
    return "\n".join(lines) + "\n"


def _rich_table(rows: list[PathSummary]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Learning paths", title_justify="left", header_style="bold")
    for name in ("ID", "Title", "Audience", "Steps", "Leads to"):
        table.add_column(name, justify="right" if name == "Steps" else "left")
    for row in rows:
        table.add_row(row.id, row.title, row.audience or "-", str(row.steps), row.leads_to_title or row.leads_to or "-")
    console = Console(highlight=False)
    console.print(table)
    if rows:
        console.print(f"[dim]cc paths ID draws one as a roadmap, e.g. cc paths {rows[0].id}[/dim]")


def _facts(stop: Stop) -> str:
    """'skill badge, Foundational; time to earn: 8 hours'."""
    kind = stop.classification_words + (f", {stop.grade}" if stop.grade else "")
    parts = [kind] + ([f"time to earn: {stop.time_words}"] if stop.time_words else [])
    if stop.status and stop.status != "active":
        parts.append(stop.status)
    return "; ".join(parts)


def _leads(stop: Stop, titles: dict[str, str], joiner: str) -> str:
    return joiner.join(titles.get(target, target) for target in stop.leads_to)


def plain_roadmap(drawn: Roadmap, titles: dict[str, str]) -> str:
    """The roadmap as indented plain text (what a pipe or a CI log gets)."""
    path = drawn.path
    out = [f"{path.title} ({path.id})"]
    if path.description:
        out.append(path.description)
    if path.audience:
        out.append(f"Audience: {path.audience}")
    for step in drawn.steps:
        out.append("")
        out.append(f"Step {step.number}" + (": one of" if step.one_of else ""))
        for option in step.options:
            out.extend(_plain_stop(option, titles, " or " if len(option.leads_to) > 1 else ""))
    if drawn.goal:
        out.append("")
        out.append("Leads to")
        out.extend(_plain_stop(drawn.goal, titles, ", "))
    return "\n".join(out) + "\n"


def _plain_stop(stop: Stop, titles: dict[str, str], joiner: str) -> list[str]:
    lines = [f"  - {stop.title} [{stop.id}]" if stop.known else f"  - {stop.id} (not in the catalog)"]
    if stop.known:
        lines.append(f"    {_facts(stop)}")
    if stop.leads_to:
        lines.append(f"    leads to: {_leads(stop, titles, joiner or ', ')}")
    return lines


def _panel(stop: Stop, titles: dict[str, str], width: int, goal: bool = False) -> Any:
    from rich.panel import Panel
    from rich.text import Text

    style = KIND_STYLES.get(stop.kind, "white")
    body = Text()
    body.append(stop.title if stop.known else stop.id, style="bold")
    body.append(f"\n{stop.id}" if stop.known else "\nnot in the catalog", style="dim")
    if stop.known:
        kind = stop.classification_words.capitalize() + (f" · {stop.grade}" if stop.grade else "")
        body.append(f"\n{kind}", style=style)
        if stop.time_words:
            body.append(f"\nTime to earn: {stop.time_words}")
        if stop.status and stop.status != "active":
            body.append(f"\n{stop.status}", style="yellow")
    if stop.leads_to:
        label = "opens" if goal else "leads to"
        joiner = ", " if goal or len(stop.leads_to) == 1 else " or "
        body.append(f"\n→ {label}: ", style="dim")
        body.append(_leads(stop, titles, joiner))
    return Panel(body, border_style=style, width=width, padding=(0, 1))


def _rich_roadmap(drawn: Roadmap, titles: dict[str, str]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    path = drawn.path
    console.print(Text.assemble((path.title, "bold underline"), "  ", (path.id, "dim")))
    if path.description:
        console.print(path.description)
    facts = [f"Audience: {path.audience}"] if path.audience else []
    facts.append(f"{len(drawn.steps)} step{'' if len(drawn.steps) == 1 else 's'}")
    if drawn.goal:
        facts.append(f"prepares for {drawn.goal.title}")
    console.print(Text(" · ".join(facts), style="dim"))
    widest = max([len(step.options) for step in drawn.steps] + [1])
    width = max(24, min(44, (console.width - 8 - 5 * (widest - 1)) // widest))
    rows: list[tuple[str, list[Stop], bool]] = [
        (f"Step {step.number}" + (" · choose one" if step.one_of else ""), list(step.options), False)
        for step in drawn.steps
    ]
    if drawn.goal:
        rows.append(("Leads to", [drawn.goal], True))
    for index, (label, stops, goal) in enumerate(rows):
        console.print()
        console.print(Text(label.upper(), style="bold"))
        grid = Table.grid(padding=(0, 1))
        cells: list[Any] = []
        for position, item in enumerate(stops):
            if position:
                grid.add_column(vertical="middle")
                cells.append(Text(" or ", style="bold"))
            grid.add_column()
            cells.append(_panel(item, titles, width, goal))
        grid.add_row(*cells)
        console.print(grid)
        if index + 1 < len(rows):
            pad = " " * (width // 2)
            line = "┆" if rows[index + 1][2] else "│"  # dotted towards the goal: recommended, not required
            console.print(Text(f"{pad}{line}\n{pad}▼", style="dim"), no_wrap=True)
