"""The modules setup.py compiles with mypyc: they are the ones `cc` loads, they are built from the current
sources, they keep the rules mypyc needs, and on hostile awards they give exactly their sources' verdicts."""

from __future__ import annotations

import ast
import copy
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sample_credentials import sample_award

from cc_cli.credentials import signing

ROOT = Path(__file__).resolve().parents[1]


def native_sources() -> list[Path]:
    """setup.py's NATIVE list, read without running setup.py."""
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "NATIVE" for t in node.targets):
            return [ROOT / path for path in ast.literal_eval(node.value)]
    raise AssertionError("setup.py has no NATIVE list")


def compiled_beside(source: Path) -> list[Path]:
    return sorted(source.parent.glob(f"{source.stem}.cpython-*.so"))


def module_name(source: Path) -> str:
    return ".".join(source.relative_to(ROOT).with_suffix("").parts)


def require_compiled() -> None:
    """Skip where the modules were installed as pure Python (no compiler); fail where they must be compiled
    (scripts/dev.sh test sets CC_REQUIRE_NATIVE=1, so CI measures and tests what users run)."""
    if not any(compiled_beside(source) for source in native_sources()):
        message = (
            "the hot modules are installed as pure Python (no C compiler or Python.h at install): install gcc "
            "and python3-dev, then run `bash scripts/dev.sh install`"
        )
        if os.environ.get("CC_REQUIRE_NATIVE", "") not in ("", "0"):
            pytest.fail(message + " (CC_REQUIRE_NATIVE is set)")
        pytest.skip(message)


def test_the_compiled_modules_are_the_ones_cc_loads() -> None:
    require_compiled()
    probe = "import importlib,sys; print(*(importlib.import_module(m).__file__ for m in sys.argv[1:]))"
    names = [module_name(source) for source in native_sources()]
    loaded = subprocess.run([sys.executable, "-c", probe, *names], capture_output=True, text=True, cwd="/", check=True)
    files = loaded.stdout.split()
    assert len(files) == len(names) and all(file.endswith(".so") for file in files), loaded.stdout
    # and CC_PURE_PYTHON=1 runs the sources instead
    env = {**os.environ, "CC_PURE_PYTHON": "1"}
    pure = subprocess.run([sys.executable, "-c", probe, *names], capture_output=True, text=True, cwd="/", env=env)
    assert all(file.endswith(".py") for file in pure.stdout.split()), pure.stdout


def test_the_compiled_modules_are_built_from_the_current_sources() -> None:
    """A source edited after the build would not run at all: the stale compiled module shadows it."""
    require_compiled()
    stale = [
        str(source.relative_to(ROOT))
        for source in native_sources()
        if not compiled_beside(source) or compiled_beside(source)[0].stat().st_mtime < source.stat().st_mtime
    ]
    assert not stale, f"{', '.join(stale)} changed since the build: run `bash scripts/dev.sh install`"


def _handlers_by_name(function: ast.AST) -> Iterator[tuple[str, set[str]]]:
    names: dict[str, set[str]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.ExceptHandler) and node.name and node.type is not None:
            names.setdefault(node.name, set()).add(ast.unparse(node.type))
    yield from names.items()


def test_no_compiled_function_reuses_an_exception_name_for_other_types() -> None:
    """mypyc gives `except A as exc` one type per function: a later `except B as exc` then raises TypeError
    inside the handler (found by this file's hostile-award test: a traceback instead of a verdict)."""
    reused = []
    for source in native_sources():
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                reused += [
                    f"{source.name}:{node.lineno} {node.name}: {name} for {sorted(types)}"
                    for name, types in _handlers_by_name(node)
                    if len(types) > 1
                ]
    assert not reused, reused


def test_no_compiled_module_reads_an_exception_cause() -> None:
    """Compiled, `raise X from exc` leaves `X.__cause__` unset (mypy 2.4): a cause must travel as an attribute,
    as `SigningError.unsafe` does."""
    readers = [source.name for source in native_sources() if "__cause__" in source.read_text(encoding="utf-8")]
    assert not readers, readers


HOSTILE_VALUES: list[Any] = [None, True, 7, -0.5, "", "x", [], {}, ["x"], {"id": 7}, "\u0000\U0001f600"]
_DELETE = object()


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*path, index))


def _replaced(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> Any:
    copied = copy.deepcopy(document)
    parent = copied
    for step in path[:-1]:
        parent = parent[step]
    if value is _DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return copied


def hostile_awards(document: dict[str, Any]) -> Iterator[Any]:
    """The signed award with each of its values (at every depth) replaced by each JSON type, or deleted."""
    for path in _paths(document):
        if not path:
            continue
        for value in [*HOSTILE_VALUES, _DELETE]:
            yield _replaced(document, path, value)


def verify_json(folder: Path, *, pure: bool) -> list[dict[str, Any]]:
    env = {key: value for key, value in os.environ.items() if key != "CC_PURE_PYTHON"}
    if pure:
        env["CC_PURE_PYTHON"] = "1"
    command = [sys.executable, "-m", "cc_cli", "verify", str(folder), "--at", "2026-06-01", "--format", "json"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    return json.loads(result.stdout)["files"]


def test_hostile_awards_get_the_same_verdicts_compiled_and_from_the_sources(tmp_path: Path) -> None:
    """mypyc checks annotations at run time, where Python lets any value through: a compiled module that
    annotates a hostile value's type too narrowly would answer a TypeError (or an internal error for the whole
    run) where its source gives the right verdict. So: every value of a signed award, at every depth, replaced
    by every JSON type, verified both ways; the verdicts must be equal, word for word."""
    require_compiled()
    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    award = signing.sign(
        sample_award(signing.did_key(public)), key, signing.verification_method_id(public), "2025-01-15T00:00:00Z"
    )
    folder = tmp_path / "hostile"
    folder.mkdir()
    count = 0
    for count, document in enumerate(hostile_awards(award), 1):
        (folder / f"{count:05d}.json").write_text(json.dumps(document), encoding="utf-8")
    (folder / "00000-valid.json").write_text(json.dumps(award), encoding="utf-8")
    assert count > 800
    compiled, pure = verify_json(folder, pure=False), verify_json(folder, pure=True)
    assert len(compiled) == count + 1
    assert sum(entry["valid"] for entry in compiled) >= 1  # the unchanged award still verifies
    differ = [(a["file"], a, b) for a, b in zip(compiled, pure, strict=True) if a != b]
    assert not differ, differ[:3]
