"""Data-driven rule tests: tests/rules/CCxxx.yaml holds passing and failing catalog snippets per code (the
roster rules' files, CC5xx, hold rosters instead: tests/test_roster_rules.py runs those).

Each case adds (or replaces, or with null deletes) files in a copy of tests/rules/base/, a small catalog
that validates clean, optionally with environment variables set (`env:`). A passing case must leave the catalog with no problem at all; a failing case must
produce exactly the listed problems of that code (path, line, column) and make `cc validate` exit 1
(with --strict for warning rules).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from cc_cli.cli.app import app
from cc_cli.core.problems import WARNING
from cc_cli.validate.engine import all_rules, validate_catalog
from tests.conftest import write_files

CASE_DIR = Path(__file__).resolve().parent / "rules"
ROSTER_CODES = {rule.code for rule in all_rules() if rule.scope in ("roster", "import")}  # their own test files
runner = CliRunner()


def _cases() -> list[Any]:
    params = []
    for case_file in sorted(CASE_DIR.glob("CC*.yaml")):
        code = case_file.stem
        if code in ROSTER_CODES:
            continue
        data = yaml.safe_load(case_file.read_text(encoding="utf-8"))
        for outcome in ("pass", "fail"):
            for index, case in enumerate(data.get(outcome) or []):
                params.append(pytest.param(code, outcome, case, id=f"{code}-{outcome}-{index}"))
    return params


def _apply(root: Path, case: dict[str, Any]) -> None:
    write_files(root, case.get("files") or {})
    for relative, content in (case.get("binary") or {}).items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("latin-1"))


def test_base_catalog_is_clean(base_catalog: Path) -> None:
    assert validate_catalog(base_catalog).problems == []


@pytest.mark.parametrize(("code", "outcome", "case"), _cases())
def test_rule_case(
    base_catalog: Path, code: str, outcome: str, case: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in (case.get("env") or {}).items():  # e.g. CC_FONT_DIRS: a machine without a font
        monkeypatch.setenv(name, value)
    _apply(base_catalog, case)
    report = validate_catalog(base_catalog)
    if outcome == "pass":
        assert [str(p) for p in report.problems] == []
        return
    got = [(p.path, p.line, p.column) for p in report.problems if p.code == code]
    expected = [(e["path"], e["line"], e["column"]) for e in case["expect"]]
    assert got == expected, [str(p) for p in report.problems]
    for problem, wanted in zip((p for p in report.problems if p.code == code), case["expect"], strict=True):
        for fragment in wanted.get("message_contains", []):
            assert fragment in problem.message
    severity = next(rule.severity for rule in all_rules() if rule.code == code)
    args = ["validate", "--catalog", str(base_catalog), "--format", "json"]
    result = runner.invoke(app, [*args, "--strict"] if severity == WARNING else args)
    assert result.exit_code == 1, result.output
    codes = {problem["code"] for problem in json.loads(result.stdout)["problems"]}
    assert code in codes


def test_every_rule_has_passing_and_failing_cases() -> None:
    for rule in all_rules():
        case_file = CASE_DIR / f"{rule.code}.yaml"
        assert case_file.exists(), f"{rule.code} has no test cases"
        data = yaml.safe_load(case_file.read_text(encoding="utf-8"))
        assert data.get("pass") and data.get("fail"), f"{rule.code} needs pass and fail cases"


def test_every_rule_documents_reason_and_examples() -> None:
    for rule in all_rules():
        assert "Passing" in rule.doc and "Failing" in rule.doc, rule.code
        assert len(rule.doc.splitlines()[0]) > 20, rule.code
