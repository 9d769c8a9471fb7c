"""The `cc` group with lazily imported commands: a command's module is imported only when it runs.

`cc --help` lists every command from the table below (name, module, first paragraph of its help) without
importing any command module; `cc <cmd> ...` imports just that one. tests/test_cli_lazy.py proves the
table equal to the modules' own help and `cc --help` byte-identical to the eager build.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
import typer.main
from typer import _click as click  # typer's own click: its classes are the ones typer checks
from typer.core import TyperCommand, TyperGroup

# name -> (module under cc_cli.cli, first paragraph of the command's help); in the order of `cc --help`.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": (
        "validate",
        "Check the catalog against the framework's rules: every problem at once, with file:line:column.",
    ),
    "render": (
        "render",
        "Draw each credential's emblem in the framework's design language, as <id>.svg and <id>.png.",
    ),
    "paths": (
        "paths",
        "List the learning paths, or draw one (ID) as a roadmap: steps in order, options side by side,\n"
        "each credential's classification, type or level, time to earn, and what it leads to.",
    ),
    "site": (
        "site",
        "Build a static HTML site of the catalog: a filterable index, a page per credential and per learning\n"
        "path (with its roadmap as an SVG diagram), and a legacy section. No JavaScript framework, no network\n"
        "fetches, relative links only: it works from file:// and from any static host.",
    ),
    "export": (
        "export",
        "Export the catalog: ob3 (OB 3.0 Achievement JSON, as awards embed it), ctdl (CTDL JSON-LD for the\n"
        "Credential Engine registry) or credly-csv (a roster template in Credly's bulk-issue layout).",
    ),
    "issue": (
        "issue",
        "Check every row first, then issue signed awards, one JSON file each, recorded in the ledger.",
    ),
    "verify": (
        "verify",
        "Verify awards: proof, schema, subject, dates, status (revocation) and, with --email, recipient.",
    ),
    "notify": (
        "notify",
        "Email every issued award that was not delivered yet to the address in the ledger: plain text and\n"
        "HTML, the signed award JSON (and baked PNG) attached, the emblem inline, LinkedIn and site links.",
    ),
    "revoke": (
        "revoke",
        "Mark awards revoked in the ledger, flip their status list bits, and write the signed lists to\n"
        "OUT/status/<n>.json for publishing where the awards point.",
    ),
    "expiring": (
        "expiring",
        "List issued, unrevoked awards whose validUntil falls within the window: who holds them, when they\n"
        "lapse, how many days are left, and the catalog's renewal options.",
    ),
    "transcript": (
        "transcript",
        "Show every award the learner holds (active, expired, revoked with the reason, superseded with what\n"
        "replaced it), which learning paths they have completed or how far along each they are, and what each\n"
        "path leads to. A path step counts as done when one of its credentials was earned (active or expired);\n"
        "revoked awards never count.",
    ),
    "report": (
        "report",
        "Report the programme's outcomes for a period: awards per month by classification and level, their\n"
        "states now, per credential awards, holders, expiring awards and renewal rates, learning-path funnels,\n"
        "the skills with the most holders and the certificates completed.",
    ),
    "rules": ("rules", "List every rule with its code, severity and summary, or explain one rule with examples."),
    "schema": ("schema", "Print the JSON Schema of credential (default), path or catalog files."),
    "ledger": (
        "ledger",
        "The ledger: create or upgrade its schema, copy it (SQLite <-> PostgreSQL), show its status.",
    ),
    "import": ("imports", "Bring records from elsewhere into the ledger."),
    "keys": ("keys", "Create or show the issuer's Ed25519 signing key (did:key)."),
}


def load_command(name: str, rich_markup_mode: Any) -> click.Command:
    """The click command `name` exactly as the eager build makes it: the module registers itself on a
    scratch Typer, which typer turns into a group whose one command we take."""
    module = importlib.import_module(f"cc_cli.cli.{COMMANDS[name][0]}")
    scratch = typer.Typer(rich_markup_mode=rich_markup_mode)
    module.register(scratch)
    scratch.callback()(_no_callback)  # forces a group, so a single command keeps its registered name
    return typer.main.get_group(scratch).commands[name]


def _no_callback() -> None:
    """Never runs: only makes typer build a group."""


class LazyGroup(TyperGroup):
    """A TyperGroup whose commands come from COMMANDS, imported on first use."""

    _listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.commands, *(name for name in COMMANDS if name not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            if self._listing:  # a stand-in with the short help is all the listing reads
                return TyperCommand(name=cmd_name, help=COMMANDS[cmd_name][1])
            self.commands[cmd_name] = load_command(cmd_name, self.rich_markup_mode)
        return self.commands.get(cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in COMMANDS and args[0] not in self.commands:
            # An unknown name fails here; typer's "Did you mean" reads self.commands: give it every name.
            for name, (_, text) in COMMANDS.items():
                self.commands.setdefault(name, TyperCommand(name=name, help=text))
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Plain help lists the commands without importing them. (Rich help, on a terminal, goes through
        # get_command and imports them all; it imports rich anyway.)
        self._listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False
