"""Learning paths as roadmaps: the model (`cc_cli.catalog.roadmap`) and `cc paths` in text, rich and JSON form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cc_cli.catalog.model import Catalog
from cc_cli.catalog.roadmap import relations_of, roadmap, summaries
from cc_cli.cli import paths as paths_cli
from cc_cli.cli.app import app
from cc_cli.core.problems import UsageError
from cc_cli.validate.load import load_catalog
from tests.conftest import SAMPLE_CATALOG, write_files

runner = CliRunner()


@pytest.fixture(scope="module")
def sample() -> Catalog:
    return load_catalog(SAMPLE_CATALOG).catalog


def test_roadmap_keeps_steps_in_order_and_options_side_by_side(sample: Catalog) -> None:
    drawn = roadmap(sample, "data-scientist")
    assert [step.number for step in drawn.steps] == [1, 2, 3, 4]
    assert [[o.id for o in step.options] for step in drawn.steps] == [
        ["data-science-foundations-level-1"],
        ["data-science-foundations-level-2"],
        ["python-for-data-science", "data-analysis-with-python"],
        ["machine-learning-with-python"],
    ]
    assert [step.one_of for step in drawn.steps] == [False, False, True, False]
    first = drawn.steps[0].options[0]
    assert (first.classification, first.grade, first.time_to_earn, first.time_words) == (
        "skill",
        "Foundational",
        "P8H",
        "8 hours",
    )


def test_each_stop_leads_to_the_next_step_and_the_last_to_the_goal(sample: Catalog) -> None:
    drawn = roadmap(sample, "data-scientist")
    assert drawn.steps[1].options[0].leads_to == ("python-for-data-science", "data-analysis-with-python")
    assert drawn.steps[2].options[0].leads_to == ("machine-learning-with-python",)
    assert drawn.steps[3].options[0].leads_to == ("data-science-professional-certificate",)
    assert drawn.goal is not None and drawn.goal.classification == "certificate"


def test_goal_leads_to_what_requires_it(sample: Catalog) -> None:
    drawn = roadmap(sample, "security-analyst")
    assert drawn.goal is not None and drawn.goal.grade == "Associate"
    assert drawn.goal.leads_to == ("ibm-certified-deployment-professional-qradar-siem-v7-5",)


def test_unknown_path_names_the_closest(sample: Catalog) -> None:
    with pytest.raises(UsageError, match="did you mean 'cloud-developer'"):
        roadmap(sample, "cloud-develper")


def test_unknown_credential_on_a_path_is_a_stop_not_a_crash(base_catalog: Path) -> None:
    write_files(
        base_catalog,
        {"paths/odd.yaml": "id: odd\ntitle: Odd\nsteps:\n  - credential: base-foundational\n  - credential: nowhere\n"},
    )
    drawn = roadmap(load_catalog(base_catalog).catalog, "odd")
    missing = drawn.steps[1].options[0]
    assert (missing.known, missing.title, missing.classification_words) == (False, "nowhere", "unknown credential")


def test_summaries_and_relations(sample: Catalog) -> None:
    rows = {row.id: row for row in summaries(sample)}
    assert set(rows) == {"cloud-developer", "data-scientist", "security-analyst"}
    assert (rows["data-scientist"].steps, rows["data-scientist"].credentials) == (4, 5)
    relations = relations_of(sample)
    assert "data-scientist" in relations.on_paths["python-for-data-science"]
    assert "data-scientist" in relations.on_paths["data-science-professional-certificate"]  # the goal too
    # the certificate's own path makes the path's credentials part of it
    assert "data-science-professional-certificate" in relations.part_of["machine-learning-with-python"]


def test_cli_lists_paths_as_plain_columns_when_piped() -> None:
    result = runner.invoke(app, ["paths", "--catalog", str(SAMPLE_CATALOG)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "TITLE", "AUDIENCE", "STEPS", "LEADS", "TO"]
    assert lines[2].startswith("data-scientist ") and lines[2].split()[-2:] == [
        "4",
        "data-science-professional-certificate",
    ]
    assert "\x1b[" not in result.stdout


def test_cli_draws_a_roadmap_as_plain_text_when_piped() -> None:
    result = runner.invoke(app, ["paths", "security-analyst", "--catalog", str(SAMPLE_CATALOG)])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("Security Analyst (security-analyst)\n")
    assert "Step 3: one of\n  - Security Incident Response and Forensics [incident-response-forensics]\n" in text
    assert "    skill badge, Foundational; time to earn: 8 hours\n" in text
    assert (
        "    leads to: Security Incident Response and Forensics or Cyber Threat Intelligence and Threat Hunting\n"
        in text
    )
    assert "Leads to\n  - IBM Certified Associate Analyst - Security QRadar SIEM V7.5" in text
    assert "\x1b[" not in text


def test_cli_json_is_the_roadmap_model() -> None:
    result = runner.invoke(app, ["paths", "cloud-developer", "--catalog", str(SAMPLE_CATALOG), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["id"] == "cloud-developer"
    assert [len(step["options"]) for step in data["steps"]] == [1, 1, 2]
    assert data["steps"][2]["one_of"] is True
    assert data["leads_to"]["classification"] == "certificate"
    listing = json.loads(runner.invoke(app, ["paths", "-c", str(SAMPLE_CATALOG), "-f", "json"]).stdout)
    assert [row["id"] for row in listing["paths"]] == ["cloud-developer", "data-scientist", "security-analyst"]


def test_cli_rich_roadmap_at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths_cli, "stdout_is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "120")
    result = runner.invoke(app, ["paths", "security-analyst", "--catalog", str(SAMPLE_CATALOG)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "STEP 3 · CHOOSE ONE" in out and "LEADS TO" in out
    assert "╭" in out and " or " in out
    # both options on the same terminal lines: side by side
    line = next(text for text in out.splitlines() if "Security Incident Response and Forensics" in text)
    assert "Cyber Threat Intelligence" in line
    assert "Skill badge · Advanced" in out and "Time to earn: 3 weeks" in out
    assert "→ leads to:" in out and "→ opens:" in out


def test_cli_unknown_path_is_a_usage_error() -> None:
    result = runner.invoke(app, ["paths", "nope", "--catalog", str(SAMPLE_CATALOG)])
    assert result.exit_code == 2
    assert "no learning path 'nope'" in result.stderr
    bad = runner.invoke(app, ["paths", "--catalog", str(SAMPLE_CATALOG), "--format", "yaml"])
    assert bad.exit_code == 2
