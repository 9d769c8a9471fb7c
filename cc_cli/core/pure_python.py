"""CC_PURE_PYTHON=1 at run time: import cc's Python sources even where compiled modules are installed.

Why: setup.py compiles the hot path of `cc issue` and `cc verify` with mypyc, and the compiled modules must
behave exactly as their sources. This switch runs the same command on the sources, so a test
(tests/test_native.py) can compare the two, and a user who suspects the compiler can rule it out.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType


class SourcesFirst(MetaPathFinder):
    """Finds `cc_cli.x.y` as `x/y.py` when that file exists, before the import system's own finders, which
    prefer an extension module (`y.cpython-311-x86_64-linux-gnu.so`) to the source beside it."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if path is None or not fullname.startswith("cc_cli."):
            return None
        name = fullname.rpartition(".")[2]
        for folder in path:
            source = os.path.join(folder, name + ".py")
            if os.path.isfile(source):
                return importlib.util.spec_from_file_location(fullname, source)
        return None  # a package (its __init__.py) or not ours: the usual finders decide


def install() -> None:
    if not any(isinstance(finder, SourcesFirst) for finder in sys.meta_path):
        sys.meta_path.insert(0, SourcesFirst())
