"""Bytecode for cc's own modules before anything is timed.

Why: cc is installed editable (`pip install -e .`), so its modules' bytecode is written on their first import,
unless the environment says PYTHONDONTWRITEBYTECODE, as this project's machines do. Then every `cc` run
compiles the 40 or so modules it imports from source again (about 50 ms of `cc verify`'s 0.3 s start-up),
while typer, cairosvg, pyld and the other peers and floors run from the bytecode pip wrote when it installed
them. A user's cc, like any installed package, runs from bytecode; so do the benchmarks (compileall writes it
whatever the environment says, and leaves it alone when it is up to date).
"""

from __future__ import annotations

import compileall
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cc_cli"


def compile_cc() -> None:
    """Write (or refresh) the bytecode of every module of cc_cli; quiet unless a module does not compile."""
    if not compileall.compile_dir(str(PACKAGE), quiet=1):
        raise SystemExit(f"compileall failed on {PACKAGE}")
