"""The pre-commit hook and the GitHub Actions workflows that the README offers actually work."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT
from tests.pg import query as pg_query

CC = str(Path(sys.executable).with_name("cc"))


def test_pre_commit_hooks_run_on_the_sample_catalog() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [hook["id"] for hook in hooks] == ["cc-validate"]
    for hook in hooks:
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        command = shlex.split(hook["entry"]) + hook.get("args", [])
        assert command[0] == "cc"
        done = subprocess.run([CC, *command[1:]], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        assert re.search(hook["files"], "catalog/credentials/cloud-essentials.yaml")
        assert re.search(hook["files"], "catalog/catalog.yaml")
        assert not re.search(hook["files"], "README.md")


def test_pre_commit_hook_fails_on_a_broken_catalog(base_catalog: Path) -> None:
    (base_catalog / "credentials/base-foundational.yaml").write_text("id: base-foundational\n")
    hook = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())[0]
    done = subprocess.run(
        [CC, *shlex.split(hook["entry"])[1:], "--catalog", "catalog"],
        cwd=base_catalog.parent,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "catalog/credentials/base-foundational.yaml:1:1: error CC101" in done.stdout


def test_github_workflow_example_matches_readme_and_runs() -> None:
    workflow_text = (ROOT / "examples/github-workflow.yml").read_text()
    readme = (ROOT / "README.md").read_text()
    assert workflow_text.strip() in readme, "README's workflow block must match examples/github-workflow.yml"
    workflow = yaml.safe_load(workflow_text)
    steps = workflow["jobs"]["validate"]["steps"]
    command = shlex.split(steps[-1]["run"])
    assert command[:2] == ["cc", "validate"]
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    done = subprocess.run([CC, *command[1:]], cwd=ROOT, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout


def test_github_issue_workflow_matches_readme_and_issues_each_merged_row_once(
    tmp_path: Path, base_catalog: Path, pg_url: str
) -> None:
    """The README's CI workflow, run as GitHub would run its issuing step, twice (a re-run, or the next
    merge): every row of every roster is issued once into the shared ledger, whoever runs it."""
    workflow_text = (ROOT / "examples/github-issue-workflow.yml").read_text()
    assert workflow_text.strip() in (ROOT / "README.md").read_text(), "README's block must match the example"
    workflow = yaml.safe_load(workflow_text)
    assert workflow[True]["push"]["paths"] == ["rosters/*.csv"]  # YAML 1.1 reads the key `on` as true
    step = next(s for s in workflow["jobs"]["issue"]["steps"] if "cc issue" in s.get("run", ""))
    assert set(step["env"]) == {"CC_LEDGER", "ISSUER_KEY"}, "the ledger URL and the key come from secrets"
    repo = tmp_path / "repo"
    (repo / "rosters").mkdir(parents=True)
    shutil.copytree(base_catalog, repo / "catalog")
    rows = [f"p{i}@example.com,Person {i},base-foundational,2026-02-03" for i in range(4)]
    for name, part in (("spring.csv", rows[:3]), ("summer.csv", rows[1:])):  # overlapping rosters
        (repo / "rosters" / name).write_text("email,name,credential,issued_on\n" + "\n".join(part) + "\n")
    key = tmp_path / "issuer.key"
    assert subprocess.run([CC, "keys", "init", str(key)], capture_output=True).returncode == 0
    (tmp_path / "runner").mkdir()
    secrets = {"CC_LEDGER": pg_url, "ISSUER_KEY": key.read_text(), "RUNNER_TEMP": str(tmp_path / "runner")}
    env = {**os.environ, **secrets, "PATH": f"{Path(CC).parent}:{os.environ['PATH']}", "GITHUB_ACTIONS": "true"}
    for _ in range(2):
        done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
    assert pg_query(pg_url, "SELECT COUNT(*), COUNT(DISTINCT row_key) FROM awards") == [(4, 4)]
    assert len(list((repo / "awards" / "base-foundational").glob("*.json"))) == 4
