"""Hostile and broken files give one clear problem with a position, never a traceback or a hang."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cc_cli.cli.app import app

runner = CliRunner()
TARGET = "credentials/base-foundational.yaml"

BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)

CASES = {
    "empty": (b"", "CC003", 1, 1, "empty"),
    "only a comment": (b"# nothing here\n", "CC003", 1, 1, "empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "CC001", 3, 1, "binary"),
    "latin-1": ("id: base-foundational\ntitle: Caf\u00e9\n".encode("latin-1"), "CC001", 2, 11, "not UTF-8"),
    "utf-16": ("id: x\n".encode("utf-16"), "CC001", 1, 1, "not UTF-8"),
    "ten megabytes": (b"description: " + b"x" * 10_000_000 + b"\n", "CC001", 1, 1, "over the"),
    "billion laughs": (BILLION_LAUGHS.encode(), "CC003", 1, 4, "anchor &a"),
    "alias only": (b"id: base-foundational\ntitle: *t\n", "CC003", 2, 8, "alias *t"),
    "deep flow nesting": (b"a: " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "CC003", 1, 1003, "nested"),
    "deep block nesting": (
        b"".join(b"  " * i + f"k{i}:\n".encode() for i in range(200)) + b"  " * 200 + b"v\n",
        "CC003",
        34,
        67,
        "nested",
    ),
    "tabs": (b"id: base-foundational\ncriteria:\n\t- kind: course\n", "CC002", 3, 1, "tabs"),
    "a list": (b"- id: base-foundational\n- title: x\n", "CC003", 1, 1, "a list"),
    "a scalar": (b"just some text\n", "CC003", 1, 1, "a single value"),
    "python tag": (b"id: !!python/object:os.system x\n", "CC003", 1, 5, "custom tag"),
    "custom tag": (b"id: !include other.yaml\n", "CC003", 1, 5, "custom tag"),
    "duplicate key": (b"id: base-foundational\ntitle: A\ntitle: B\n", "CC003", 3, 1, "duplicate key 'title'"),
    "merge key": (b"id: base-foundational\n<<: {title: x}\n", "CC003", 2, 1, "'<<'"),
    "two documents": (b"id: a\n---\nid: b\n", "CC002", 2, 1, "single document"),
    "unclosed quote": (b'id: "base-foundational\n', "CC002", 2, 1, "YAML syntax error"),
}


def run(catalog: Path, *extra: str) -> tuple[int, list[dict[str, object]], str]:
    result = runner.invoke(app, ["validate", "--catalog", str(catalog), "--format", "json", *extra])
    payload = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {"problems": []}
    return result.exit_code, payload["problems"], result.stdout + result.stderr


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_file_gives_one_clear_problem(base_catalog: Path, name: str) -> None:
    raw, code, line, column, fragment = CASES[name]
    (base_catalog / TARGET).write_bytes(raw)
    started = time.perf_counter()
    exit_code, problems, output = run(base_catalog)
    assert time.perf_counter() - started < 10
    assert exit_code == 1, output
    assert "Traceback" not in output
    mine = [p for p in problems if p["path"] == f"{base_catalog}/{TARGET}"]
    assert len(mine) == 1, mine
    assert (mine[0]["code"], mine[0]["line"], mine[0]["column"]) == (code, line, column), mine[0]
    assert fragment in str(mine[0]["message"])


def test_credential_that_requires_itself(base_catalog: Path) -> None:
    path = base_catalog / "credentials/base-intermediate.yaml"
    path.write_text(path.read_text().replace("requires: [base-foundational]", "requires: [base-intermediate]"))
    exit_code, problems, _ = run(base_catalog)
    assert exit_code == 1
    cycle = [p for p in problems if p["code"] == "CC213"]
    assert len(cycle) == 1
    assert "base-intermediate -> base-intermediate" in str(cycle[0]["message"])
    assert (cycle[0]["line"], cycle[0]["column"]) == (10, 12)


def test_file_with_wrong_extension_is_reported(base_catalog: Path) -> None:
    (base_catalog / "credentials/extra.yml").write_text("id: extra\n")
    exit_code, problems, _ = run(base_catalog)
    assert exit_code == 1
    assert [(p["code"], p["path"]) for p in problems] == [("CC001", f"{base_catalog}/credentials/extra.yml")]


def test_missing_catalog_yaml(base_catalog: Path) -> None:
    (base_catalog / "catalog.yaml").unlink()
    exit_code, problems, _ = run(base_catalog)
    assert exit_code == 1
    assert problems[0]["code"] == "CC001" and "catalog.yaml not found" in str(problems[0]["message"])


def test_a_broken_symlink_is_reported_not_skipped(base_catalog: Path) -> None:
    (base_catalog / "credentials" / "moved.yaml").symlink_to(base_catalog / "elsewhere.yaml")
    exit_code, problems, _ = run(base_catalog)
    assert exit_code == 1
    assert [(p["code"], p["path"], p["line"]) for p in problems] == [
        ("CC001", f"{base_catalog}/credentials/moved.yaml", 1)
    ]
    assert problems[0]["message"] == f"a link to {base_catalog}/elsewhere.yaml, which does not exist: fix or remove it"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(base_catalog: Path) -> None:
    (base_catalog / TARGET).chmod(0)
    exit_code, problems, _ = run(base_catalog)
    assert exit_code == 1 and problems[0]["code"] == "CC001"


def test_every_field_with_wrong_types_never_crashes(base_catalog: Path) -> None:
    """Every field given a value of every wrong type: all reported as CC103, the rules keep running."""
    from cc_cli.catalog.fields import CREDENTIAL

    junk = ["[1, 2]", "{a: 1}", "42", "true", "null", "'text'"]
    for index, value in enumerate(junk):
        lines = [f"{name}: {value}" for name in CREDENTIAL if name != "id"]
        (base_catalog / "credentials" / f"junk-{index}.yaml").write_text(
            f"id: junk-{index}\n" + "\n".join(lines) + "\n"
        )
    exit_code, problems, output = run(base_catalog)
    assert exit_code == 1, output
    codes = {p["code"] for p in problems}
    assert "CC103" in codes, codes
