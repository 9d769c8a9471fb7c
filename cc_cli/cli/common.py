"""Helpers shared by the command modules: consoles, the default catalog, one-line errors."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import typer

from cc_cli.cli.signals import Terminated
from cc_cli.core.oserrors import environment_message
from cc_cli.core.problems import ExitCode, UsageError

F = TypeVar("F", bound=Callable[..., Any])

CATALOG_HELP = "Catalog folder (catalog.yaml, credentials/, paths/). Default: ./catalog"
LEDGER_HELP = (
    "Ledger: an SQLite file, or postgresql://user@host:port/dbname (its password in PGPASSWORD or ~/.pgpass). "
    "Default: $CC_LEDGER, else `ledger` in catalog.yaml, else OUT/ledger.sqlite3."
)


def default_catalog() -> Path:
    """`./catalog` as the brief says; the sample catalog shipped in the repo is what it usually is."""
    return Path(os.environ.get("CC_CATALOG", "catalog"))


def fail(message: str, code: int = ExitCode.USAGE) -> typer.Exit:
    """Print a one-line error on stderr and return the Exit to raise."""
    sys.stderr.write(f"cc: error: {message}\n")
    return typer.Exit(code)


def handle_errors(func: F) -> F:
    """Turn known failures into a one-line message and exit code 2, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UsageError as exc:
            raise fail(str(exc)) from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None
        except Terminated:
            raise fail("terminated", 143) from None  # 128 + SIGTERM, as a shell reports it
        except BrokenPipeError:
            # The reader (`| head`) went away: stop quietly, as Python's docs advise.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(1) from None
        except OSError as exc:  # a full disk, a read-only folder, a file where a folder should be...
            raise fail(environment_message(exc)) from None
        except (typer.Exit, typer.Abort, SystemExit, typer.TyperException):
            raise  # click prints a BadParameter with the usage line and exits 2
        except Exception as exc:
            if os.environ.get("CC_DEBUG", "") not in ("", "0"):
                raise
            # A bug in cc, not the user's mistake: one line, and no locals (they may hold emails or keys).
            raise fail(f"internal error ({type(exc).__name__}: {exc}); set CC_DEBUG=1 for details") from None

    return wrapper  # type: ignore[return-value]


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty() and os.environ.get("TERM") != "dumb"
