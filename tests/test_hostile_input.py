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
    assert problems[0]["message"] == (
        f"file is a link to {base_catalog}/elsewhere.yaml, which does not exist: fix or remove it"
    )


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


# Catalog files that are not what they seem (issue 12, point 8). Run in a child process with a deadline and
# its memory measured: on the code before the fix, /dev/zero filled the memory and a FIFO hung for ever.
SECRET = "Hunter2-Do-Not-Print-8812"
PEAK_MB = 300


def _special(base_catalog: Path, kind: str) -> Path:
    """A file of `kind` for a catalog file to be or to link to: outside the catalog unless it says inside."""
    outside = base_catalog.parent
    if kind == "dev-zero":
        return Path("/dev/zero")
    if kind == "secret":
        target = outside / "private.yaml"
        target.write_text(f"id: {SECRET}\ntitle: {SECRET}\nclassification: {SECRET}\n", encoding="utf-8")
        return target
    folder = base_catalog / "assets" if kind == "fifo-inside" else outside
    folder.mkdir(exist_ok=True)
    os.mkfifo(folder / "pipe")
    return folder / "pipe"


def _validate_json(base_catalog: Path) -> tuple[int | None, list[dict[str, object]], str]:
    from tests.run_cc import run_cc

    ran = run_cc("validate", "--catalog", str(base_catalog), "--format", "json")
    assert ran.returncode is not None, f"cc validate hung: killed after {ran.seconds:.0f} s"
    assert ran.peak_mb < PEAK_MB, f"cc validate used {ran.peak_mb:.0f} MB"
    problems = json.loads(ran.stdout)["problems"] if ran.stdout.startswith("{") else []
    return ran.returncode, problems, ran.output


LINKS = {
    "dev-zero": "is a link to /dev/zero, outside the catalog folder",
    "fifo-outside": "outside the catalog folder",
    "fifo-inside": "is a FIFO (named pipe), not a regular file",
    "secret": "outside the catalog folder",
}


@pytest.mark.parametrize("kind", list(LINKS))
def test_a_credential_file_linking_out_or_to_a_special_file_is_refused_unread(base_catalog: Path, kind: str) -> None:
    (base_catalog / "credentials/x.yaml").symlink_to(_special(base_catalog, kind))
    code, problems, output = _validate_json(base_catalog)
    assert code == 1, output
    assert "Traceback" not in output and SECRET not in output
    mine = [(p["code"], p["line"], p["column"]) for p in problems if p["path"] == f"{base_catalog}/credentials/x.yaml"]
    assert mine == [("CC001", 1, 1)], problems
    assert LINKS[kind] in output


def test_a_fifo_in_the_credentials_folder_is_reported_not_skipped(base_catalog: Path) -> None:
    os.mkfifo(base_catalog / "credentials/x.yaml")
    code, problems, output = _validate_json(base_catalog)
    assert code == 1, output
    assert [(p["code"], p["path"]) for p in problems] == [("CC001", f"{base_catalog}/credentials/x.yaml")]
    assert "is a FIFO (named pipe), not a regular file" in output


def test_a_link_inside_the_catalog_to_a_catalog_file_is_read(base_catalog: Path) -> None:
    """Allowed on purpose: what it reads is in the catalog, under review like the rest."""
    (base_catalog / "shared").mkdir()
    (base_catalog / "credentials/base-foundational.yaml").rename(base_catalog / "shared/base-foundational.yaml")
    (base_catalog / "credentials/base-foundational.yaml").symlink_to("../shared/base-foundational.yaml")
    code, problems, output = _validate_json(base_catalog)
    assert (code, problems) == (0, []), output


LEGACY = """id: old-badge
title: Old Badge
classification: skill
type: foundational
legacy: true
description: Earned before the framework.
skills: [Alpha, Beta, Gamma]
criteria:
  - kind: course
    description: Complete the course.
emblem:
  artwork: assets/old.png
"""


@pytest.mark.parametrize("kind", ["fifo-inside", "dev-zero"])
def test_legacy_artwork_that_is_a_fifo_or_a_device_is_cc402(base_catalog: Path, kind: str) -> None:
    (base_catalog / "credentials/old-badge.yaml").write_text(LEGACY, encoding="utf-8")
    (base_catalog / "assets").mkdir()
    (base_catalog / "assets/old.png").symlink_to(_special(base_catalog, kind))
    code, problems, output = _validate_json(base_catalog)
    assert code == 1, output
    mine = [(p["code"], p["line"]) for p in problems if p["path"] == f"{base_catalog}/credentials/old-badge.yaml"]
    assert mine == [("CC402", 12)], problems
    assert "Traceback" not in output
    assert ("FIFO" if kind == "fifo-inside" else "outside the catalog") in output


@pytest.mark.parametrize("kind", ["dev-zero", "fifo-inside", "fifo-itself"])
def test_an_issuer_logo_that_is_not_a_regular_file_fails_cc_render_quickly(
    base_catalog: Path, tmp_path: Path, kind: str
) -> None:
    from tests.run_cc import run_cc

    info = base_catalog / "catalog.yaml"
    info.write_text(
        info.read_text().replace(
            "  url: https://example.org\n", "  url: https://example.org\n  logo: assets/logo.png\n"
        )
    )
    (base_catalog / "assets").mkdir()
    logo = base_catalog / "assets/logo.png"
    if kind == "fifo-itself":
        os.mkfifo(logo)
    else:
        logo.symlink_to(_special(base_catalog, kind))
    ran = run_cc("render", "--catalog", str(base_catalog), "--out", str(tmp_path / "emblems"))
    assert ran.returncode is not None, f"cc render hung: killed after {ran.seconds:.0f} s"
    assert ran.peak_mb < PEAK_MB, f"cc render used {ran.peak_mb:.0f} MB"
    assert ran.returncode == 1, ran.output
    assert "Traceback" not in ran.output
    why = (
        "is a link to /dev/zero, outside the catalog folder"
        if kind == "dev-zero"
        else "is a FIFO (named pipe), not a regular file"
    )
    assert f"cc: error: catalog.yaml: issuer logo 'assets/logo.png' {why}" in ran.stderr
