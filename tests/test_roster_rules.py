"""Roster rules (CC501-CC509): data-driven cases, the docstring examples, and `cc rules` listing them.

tests/rules/CC5xx.yaml hold roster cases, as the catalog rules' files hold catalog snippets. Each case's
`roster` (text, written in `write_as`, default UTF-8) is read (with `encoding` if given) and its rows checked
against the sample catalog at a fixed now, in `timezone` (default UTC), with a ledger in which `holds`
({email: [credential ids]}) are held. A passing case must have no problem at all; a failing case must have
exactly the listed problems of its code (line, column, message fragments), in order.

The passing and failing examples of every roster rule's docstring, which `cc rules CODE` prints, run the same
way: the passing one has no problem at all, the failing one problems of that rule's code and no other.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from typer.testing import CliRunner

from cc_cli.catalog.roster import RosterError, read_roster
from cc_cli.cli.app import app
from cc_cli.core.problems import ERROR, Problem
from cc_cli.issue.row_checks import ROW_ORDER, check_rows
from cc_cli.rules import registry
from cc_cli.rules.registry import Rule
from cc_cli.validate.engine import all_rules, validate_catalog
from cc_cli.validate.load import load_catalog
from tests.conftest import SAMPLE_CATALOG

CASE_DIR = Path(__file__).resolve().parent / "rules"
NOW = datetime(2026, 11, 28, tzinfo=UTC)
CATALOG = load_catalog(SAMPLE_CATALOG).catalog
ROSTER_RULES = [rule for rule in all_rules() if rule.scope == "roster"]
runner = CliRunner()
# "Passing:" or "Failing (a note):" at the start of a line, then the example's lines, indented.
_EXAMPLE = re.compile(r"^(Passing|Failing)([^\n]*):\n((?:(?:    [^\n]*)?\n)+)", re.MULTILINE)
_HOLDS = re.compile(r"([^\s()]+@[^\s()]+) already holds ([a-z0-9-]+(?:, [a-z0-9-]+)*)")


def problems_of(
    tmp_path: Path,
    text: str,
    holds: dict[str, list[str]] | None = None,
    timezone: str = "UTC",
    write_as: str = "utf-8",
    encoding: str | None = None,
) -> list[Problem]:
    """Every problem `cc issue` finds in the roster `text`: CC501 if it cannot be read, else its rows'."""
    path = tmp_path / "roster.csv"
    path.write_bytes(text.encode(write_as))
    try:
        roster = read_roster(path, encoding)
    except RosterError as exc:
        return [exc.problem]
    held = {email.lower(): set(ids) for email, ids in (holds or {}).items()}
    result = check_rows(roster, CATALOG, lambda email: held.get(email, set()), NOW, ZoneInfo(timezone))
    return [problem for _, problems in result.rejected for problem in problems]


def examples(rule: Rule) -> dict[str, tuple[str, dict[str, list[str]]]]:
    """{"Passing"/"Failing": (roster text, holds)} from the rule's docstring."""
    found = {}
    for outcome, note, block in _EXAMPLE.findall(rule.doc + "\n"):
        text = "".join(line.removeprefix("    ") + "\n" for line in block.strip("\n").splitlines())
        holds = {email: ids.split(", ") for email, ids in _HOLDS.findall(note)}
        found[outcome] = (text, holds)
    return found


def _cases() -> list[Any]:
    params = []
    for rule in ROSTER_RULES:
        data = yaml.safe_load((CASE_DIR / f"{rule.code}.yaml").read_text(encoding="utf-8"))
        for outcome in ("pass", "fail"):
            for index, case in enumerate(data.get(outcome) or []):
                params.append(pytest.param(rule.code, outcome, case, id=f"{rule.code}-{outcome}-{index}"))
    return params


def _run(tmp_path: Path, case: dict[str, Any]) -> list[Problem]:
    options = {key: case[key] for key in ("holds", "timezone", "write_as", "encoding") if key in case}
    return problems_of(tmp_path, case["roster"], **options)


@pytest.mark.parametrize(("code", "outcome", "case"), _cases())
def test_roster_rule_case(tmp_path: Path, code: str, outcome: str, case: dict[str, Any]) -> None:
    found = _run(tmp_path, case)
    if outcome == "pass":
        assert [str(p) for p in found] == []
        return
    mine = [p for p in found if p.code == code]
    assert [(p.path, p.line, p.column) for p in mine] == [
        (str(tmp_path / "roster.csv"), e["line"], e["column"]) for e in case["expect"]
    ], [str(p) for p in found]
    for problem, wanted in zip(mine, case["expect"], strict=True):
        assert problem.severity == ERROR
        for fragment in wanted.get("message_contains", []):
            assert fragment in problem.message, problem.message


@pytest.mark.parametrize("rule", ROSTER_RULES, ids=lambda rule: rule.code)
def test_docstring_examples_pass_and_fail(tmp_path: Path, rule: Rule) -> None:
    found = examples(rule)
    assert set(found) == {"Passing", "Failing"}, rule.doc
    text, holds = found["Passing"]
    assert [str(p) for p in problems_of(tmp_path, text, holds)] == [], text
    text, holds = found["Failing"]
    codes = [p.code for p in problems_of(tmp_path, text, holds)]
    assert codes and set(codes) == {rule.code}, (text, codes)


@pytest.mark.parametrize("rule", ROSTER_RULES, ids=lambda rule: rule.code)
def test_cc_rules_explains_with_the_roster_examples(rule: Rule) -> None:
    result = runner.invoke(app, ["rules", rule.code.lower()])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{rule.code} (error): {rule.summary}\n")
    for text, _ in examples(rule).values():
        for line in text.splitlines():
            assert f"\n    {line}\n" in result.stdout


def test_cc_rules_explains_cc502_with_a_passing_and_a_failing_roster_line() -> None:
    result = runner.invoke(app, ["rules", "CC502"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Passing:\n    email,name,credential\n    ana@example.com,Ana Silva,cloud-essentials\n" in out
    assert "Failing:\n    email,name,credential\n    ana@example,Ana Silva,cloud-essentials\n" in out
    assert "identityHash" in out  # the reason


def test_cc_rules_lists_cc501_to_cc509_with_the_others() -> None:
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    codes = [line.split("\t")[0] for line in lines]
    assert codes == sorted(codes) and "CC404" in codes
    listed = [line for line in lines if line.startswith("CC5")]
    assert [line.split("\t")[:2] for line in listed] == [[f"CC50{i}", "error"] for i in range(1, 10)]
    assert "CC502\terror\trecipient email not a valid address" in lines
    listing = json.loads(runner.invoke(app, ["rules", "--format", "json"]).stdout)
    assert [entry["code"] for entry in listing if entry["code"].startswith("CC5")] == [f"CC50{i}" for i in range(1, 10)]


def test_every_row_rule_is_run_in_a_fixed_order() -> None:
    """CC501 is the reader's; every other roster rule checks rows, and a new one must be given its place."""
    assert sorted(ROW_ORDER) == [rule.code for rule in ROSTER_RULES if rule.code != "CC501"]
    assert [rule.code for rule in ROSTER_RULES] == [f"CC50{i}" for i in range(1, 10)]


def test_validate_runs_no_roster_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any) -> Any:
        raise AssertionError("a roster rule ran on a catalog")

    for rule in ROSTER_RULES:
        monkeypatch.setitem(registry.RULES, rule.code, dataclasses.replace(rule, check=refuse))
    report = validate_catalog(SAMPLE_CATALOG)
    assert report.problems == [] and report.files


def test_catalog_rules_overrides_do_not_reach_roster_rules(base_catalog: Path, tmp_path: Path) -> None:
    """`rules:` in catalog.yaml never applied to CC5xx (they were not registered rules, so CC102) and still
    does not: the code is unknown to `rules:`, and the row is rejected all the same."""
    catalog_yaml = base_catalog / "catalog.yaml"
    catalog_yaml.write_text(catalog_yaml.read_text(encoding="utf-8") + "rules: {CC502: off}\n", encoding="utf-8")
    problems = validate_catalog(base_catalog).problems
    assert [p.code for p in problems] == ["CC102"] and problems[0].message.startswith("unknown rule 'CC502'")
    found = problems_of(tmp_path, "email,name,credential\nana@example,Ana Silva,cloud-essentials\n")
    assert [(p.code, p.severity) for p in found] == [("CC502", ERROR)]
