"""The pre-commit hook and the GitHub Actions workflow that the README offers actually work."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT

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
