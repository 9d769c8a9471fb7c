"""`cc rules [CODE]`: list the framework rules, or explain one."""

from __future__ import annotations

import json
import sys

import typer

from cc_cli.cli.common import fail, handle_errors, stdout_is_terminal


def register(app: typer.Typer) -> None:
    app.command("rules")(rules)


@handle_errors
def rules(
    code: str = typer.Argument(
        None, metavar="CODE", help="A rule code such as CC209 to explain it.", show_default=False
    ),
    output_format: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """List every rule with its code, severity and summary, or explain one rule with examples."""
    from cc_cli.core.text import suggest
    from cc_cli.validate.engine import all_rules

    known = {rule.code: rule for rule in all_rules()}
    if code is not None:
        rule = known.get(code.upper())
        if rule is None:
            raise fail(f"no rule {code}{suggest(code.upper(), known)}; `cc rules` lists them")
        if output_format == "json":
            payload = {"code": rule.code, "severity": rule.severity, "summary": rule.summary, "doc": rule.doc}
            sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        else:
            sys.stdout.write(f"{rule.code} ({rule.severity}): {rule.summary}\n\n{rule.doc}\n")
        return
    if output_format == "json":
        listing = [{"code": r.code, "severity": r.severity, "summary": r.summary} for r in known.values()]
        sys.stdout.write(json.dumps(listing, indent=2) + "\n")
    elif stdout_is_terminal():
        from rich.console import Console
        from rich.table import Table

        table = Table("code", "severity", "rule", title="cc rules (cc rules CODE explains one)")
        for rule in known.values():
            table.add_row(rule.code, rule.severity, rule.summary)
        Console().print(table)
    else:
        for rule in known.values():
            sys.stdout.write(f"{rule.code}\t{rule.severity}\t{rule.summary}\n")
