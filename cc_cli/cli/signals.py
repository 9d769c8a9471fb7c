"""SIGTERM as an exception. Its own module, of the standard library only, because `cc`'s entry point
installs it before anything else is imported (`cc --help` stays at the cost of importing typer).
"""

from __future__ import annotations

import signal


class Terminated(BaseException):
    """SIGTERM, raised in the main thread as KeyboardInterrupt is for SIGINT, so that a terminated run
    unwinds the same way (pools shut down, ledger closed, outputs never half written).

    A BaseException, like KeyboardInterrupt: no `except Exception` on the way may swallow it."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


def raise_on_sigterm() -> None:
    """Make SIGTERM raise Terminated in this (the main) thread; `cc`'s entry point calls it."""
    signal.signal(signal.SIGTERM, _raise_terminated)
