"""The `cc` command. Each subcommand lives in its own module, imported only when that command runs
(cc_cli/cli/lazy.py lists them); command modules import the core inside the command body. Both keep
`cc --help` close to the cost of importing typer.
"""

from __future__ import annotations

import sys
from typing import Literal

import typer

from cc_cli import __version__
from cc_cli.cli.lazy import LazyGroup

# Rich-formatted help costs ~60 ms of start-up (importing rich); use it only where a person reads it.
RICH_HELP: Literal["rich"] | None = "rich" if sys.stdout.isatty() else None

app = typer.Typer(
    name="cc",
    cls=LazyGroup,
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


def main() -> None:
    from cc_cli.cli.signals import Terminated, raise_on_sigterm

    raise_on_sigterm()
    try:
        app()
    except Terminated:  # outside a command (while parsing arguments): nothing to unwind
        sys.stderr.write("cc: error: terminated\n")
        raise SystemExit(143) from None
    finally:
        _skip_the_last_collection()


def _skip_the_last_collection() -> None:
    """The command is done and has closed what it wrote: hand every object left to the garbage collector's
    permanent generation, so that the interpreter's shutdown does not walk them all once more. Nothing left is
    owed a finaliser: outputs are written atomically and closed, ledgers closed, pools shut down, and the
    interpreter still flushes stdout and stderr. `cc issue` of 20,000 rows: shutdown 17 ms instead of 70."""
    import gc

    gc.freeze()


if __name__ == "__main__":
    main()
