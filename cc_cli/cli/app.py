"""The `cc` command. Each subcommand lives in its own module and registers itself here.

Command modules import only typer at start-up and the core inside the command body, so that
`cc --help` stays fast.
"""

from __future__ import annotations

import sys
from typing import Literal

import typer

from cc_cli import __version__

# Rich-formatted help costs ~60 ms of start-up (importing rich); use it only where a person reads it.
RICH_HELP: Literal["rich"] | None = "rich" if sys.stdout.isatty() else None

app = typer.Typer(
    name="cc",
    help="cc: a Connected Credentials programme as code. Validate the catalog, render emblems, "
    "issue signed Open Badges 3.0 awards, verify them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=RICH_HELP,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cc {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """cc: credentials as code."""
    # Hostile input can carry lone surrogates ("\ud800" in a JSON award) that UTF-8 cannot encode:
    # print them as escapes instead of dying halfway through the output.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _register() -> None:
    # One line per command module; keep the order of `cc --help`.
    from cc_cli.cli import (
        expiring,
        export,
        imports,
        issue,
        keys,
        ledger,
        notify,
        paths,
        render,
        report,
        revoke,
        rules,
        schema,
        site,
        transcript,
        validate,
        verify,
    )

    validate.register(app)
    render.register(app)
    paths.register(app)
    site.register(app)
    export.register(app)
    issue.register(app)
    verify.register(app)
    notify.register(app)
    revoke.register(app)
    expiring.register(app)
    transcript.register(app)
    report.register(app)
    ledger.register(app)
    imports.register(app)
    keys.register(app)
    rules.register(app)
    schema.register(app)


_register()


def main() -> None:
    from cc_cli.cli.common import Terminated, raise_on_sigterm

    raise_on_sigterm()
    try:
        app()
    except Terminated:  # outside a command (while parsing arguments): nothing to unwind
        sys.stderr.write("cc: error: terminated\n")
        raise SystemExit(143) from None


if __name__ == "__main__":
    main()
