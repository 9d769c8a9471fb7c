"""Rich rendering of problems for people at a terminal (plain text is used when piped)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from cc_cli.core.problems import ERROR, Problem
from cc_cli.validate.reporters import summary_line


def print_problems(problems: Sequence[Problem], files: Sequence[str], prefix: str) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    current = None
    for problem in problems:
        if problem.path != current:
            current = problem.path
            console.print(Text(prefix + problem.path, style="bold underline"))
        style = "bold red" if problem.severity == ERROR else "yellow"
        line = Text("  ")
        line.append(f"{problem.line}:{problem.column}".ljust(8), style="dim")
        line.append(problem.severity.ljust(8), style=style)
        line.append(problem.code.ljust(7), style="cyan")
        line.append(problem.message)
        console.print(line)
    style = "bold green" if not problems else ("bold red" if any(p.severity == ERROR for p in problems) else "yellow")
    console.print(Text(summary_line(problems, files), style=style))


def print_problems_plain(problems: Sequence[Problem], stream: TextIO) -> None:
    """`roster.csv:12:1: error CC502 message`, one per line (for rosters: the column is the cell's)."""
    for p in problems:
        stream.write(f"{p.path}:{p.line}:{p.column}: {p.severity} {p.code} {p.message}\n")
