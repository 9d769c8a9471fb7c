"""The package layout of LAYOUT.md holds: layers only look down, nothing below cli talks to the terminal,
no import circle, no loose module. The contract lives in pyproject.toml and `lint-imports` checks it in CI;
these tests prove it passes here and that it would catch a violation."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def _lint(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LINT_IMPORTS, "--no-cache"], cwd=folder, capture_output=True, text=True, timeout=120)


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(
        ROOT / "cc_cli", target / "cc_cli", ignore=shutil.ignore_patterns("__pycache__", "data", "templates")
    )
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


def test_the_import_contract_is_kept() -> None:
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # a lower layer reaching up: the catalog model importing the issuing step
        ("catalog/model.py", "import cc_cli.issue.run", "Layers only look down"),
        # two packages on one layer importing each other sideways
        ("verify/read.py", "import cc_cli.lifecycle.revoke", "Layers only look down"),
        # core importing anything of cc
        ("core/text.py", "import cc_cli.catalog.model", "Layers only look down"),
        # the core printing for itself
        ("ledger/sqlite.py", "import rich", "Only the CLI talks to the terminal"),
        # the registry importing a rule module again (the circle this layout removed)
        ("rules/registry.py", "import cc_cli.rules.shape_rules", "The rule registry is a leaf"),
    ],
)
def test_a_violation_in_a_copy_is_caught(tmp_path: Path, module: str, line: str, contract: str) -> None:
    copy = _copy(tmp_path)
    target = copy / "cc_cli" / module
    if not target.exists():  # the module may have been renamed; any module of that package will do
        target = sorted(target.parent.glob("*.py"))[-1]
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # deliberate violation\n", encoding="utf-8")
    done = _lint(copy)
    assert done.returncode != 0
    assert f"{contract}" in done.stdout and "BROKEN" in done.stdout


def test_no_import_circle() -> None:
    """Tarjan's strongly connected components over every runtime import (lazy ones included, imports made
    only for type checking excluded): a component of more than one module is a circle."""
    graph = grimp.build_graph("cc_cli", exclude_type_checking_imports=True)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while (member := stack.pop()) != module:
                component.append(member)
            if component:
                circles.append(sorted([module, *component]))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    assert circles == []


def test_no_loose_module_in_cc_cli() -> None:
    loose = sorted(p.name for p in (ROOT / "cc_cli").glob("*.py"))
    assert loose == ["__init__.py", "__main__.py"]


def test_every_package_says_what_it_holds_and_may_import() -> None:
    for init in sorted((ROOT / "cc_cli").glob("*/__init__.py")):
        doc = init.read_text(encoding="utf-8").split('"""')
        assert len(doc) >= 3 and "import" in doc[1].lower(), f"{init.parent.name}/__init__.py needs its docstring"
