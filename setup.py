"""Build hook: the modules on the hot path of `cc issue` and `cc verify` are compiled with mypyc (issue 19).

Why: per award, a worker spends its time in our own Python (the fast canonicaliser, the proof and the file
writer; on the verify side the reader and the checks), not in a library. mypyc, the compiler that ships with
mypy and builds mypy and black themselves, turns these type-checked modules into C extensions with the same
behaviour; tests/test_native.py proves the compiled modules are the ones loaded, are built from the current
sources, and give their sources' verdicts. Measured on this 2-core machine (BENCHMARKS.md), against the best
peer in the same run: 20,000 awards verified at 23.5x (19.8x as pure Python), issued at 14.7x (12.5x).

Everything else stays pure Python. Without a C compiler and Python's headers, or with CC_PURE_PYTHON=1, the
same modules install as plain Python: slower, never different.
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path

from setuptools import setup

# The hot path, in the order a worker calls it. A module here must not be monkeypatched from outside, and its
# annotations must hold at run time: mypyc checks them (tests/test_native.py compares verdicts with the sources').
NATIVE = [
    "cc_cli/core/jsontext.py",
    "cc_cli/credentials/canon.py",
    "cc_cli/credentials/signing.py",
    "cc_cli/issue/writer.py",
    "cc_cli/verify/read.py",
    "cc_cli/verify/checks.py",
]


def _can_compile() -> str:
    """Why the modules cannot be compiled here, or "" when they can."""
    if os.environ.get("CC_PURE_PYTHON"):
        return "CC_PURE_PYTHON is set"
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if not shutil.which(compiler):
        return f"no C compiler ({compiler})"
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").is_file():
        return "no Python.h (install python3-dev)"
    return ""


def native_modules() -> list:
    reason = _can_compile()
    if reason:
        print(f"cc: installing pure Python ({reason}); cc issue and cc verify run slower", file=sys.stderr)
        return []
    from mypyc.build import mypycify

    # pip builds in an isolated environment without cc's dependencies: mypy then sees orjson and PyNaCl as
    # missing (Any), so the `type: ignore`s that `mypy` in CI needs look unused; that is not an error here.
    return mypycify(["--no-warn-unused-ignores", *NATIVE], opt_level="3", debug_level="0", group_name="cc_cli")


setup(ext_modules=native_modules())
