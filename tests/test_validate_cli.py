"""`cc validate`, `cc rules` and `cc schema` through the CLI, as a catalog maintainer and CI use them."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cc_cli.cli.app import app
from tests.conftest import ROOT, SAMPLE_CATALOG, write_files

runner = CliRunner()

BROKEN_CERTIFICATION = """\
id: base-professional
title: Base Certified Professional
classification: certification
level: professional
description: Certified professionals design solutions.
skills: [Alpha, Beta]
criteria:
  - kind: course
    description: Take the course.
job_roles: [Architect]
renewal:
  valid_for: P2Y
  options:
    - kind: proctored-reassessment
"""


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env or {"GITHUB_ACTIONS": "false"})
    return result.exit_code, result.stdout, result.stderr


def test_sample_catalog_is_clean_even_strict() -> None:
    code, out, _ = invoke("validate", "--catalog", str(SAMPLE_CATALOG), "--strict")
    assert code == 0, out
    assert "no problems" in out


def test_text_output_lists_every_problem_sorted_with_positions(base_catalog: Path) -> None:
    write_files(base_catalog, {"credentials/base-professional.yaml": BROKEN_CERTIFICATION})
    code, out, _ = invoke("validate", "--catalog", str(base_catalog))
    assert code == 1
    lines = out.strip().splitlines()
    prefix = f"{base_catalog}/credentials/base-professional.yaml"
    assert lines[0] == f"{prefix}:6:9: warning CC217 lists 2 skill(s); name at least 3 so the credential can be found"
    assert (
        lines[1]
        == f"{prefix}:8:3: error CC208 certification needs a proctored exam (`kind: exam`, `proctored: true`) or a `performance-test`"
    )
    assert lines[2].startswith(f"{prefix}:8:11: error CC209 certifications are independent of courses")
    assert lines[-1] == "7 files checked: 2 errors, 1 warning"


def test_warnings_alone_pass_unless_strict(base_catalog: Path) -> None:
    text = (base_catalog / "credentials/base-intermediate.yaml").read_text().replace("[Alpha, Beta, Gamma]", "[Alpha]")
    write_files(base_catalog, {"credentials/base-intermediate.yaml": text})
    assert invoke("validate", "--catalog", str(base_catalog))[0] == 0
    assert invoke("validate", "--catalog", str(base_catalog), "--strict")[0] == 1


def test_json_output_has_the_documented_shape(base_catalog: Path) -> None:
    write_files(base_catalog, {"credentials/base-professional.yaml": BROKEN_CERTIFICATION})
    code, out, _ = invoke("validate", "--catalog", str(base_catalog), "--format", "json")
    assert code == 1
    payload = json.loads(out)
    assert payload["summary"] == {"files": 7, "errors": 2, "warnings": 1}
    first = payload["problems"][0]
    assert set(first) == {"code", "severity", "path", "line", "column", "message"}
    assert (first["code"], first["line"], first["column"]) == ("CC217", 6, 9)


def test_github_format_is_picked_automatically_in_actions(base_catalog: Path) -> None:
    write_files(base_catalog, {"credentials/base-professional.yaml": BROKEN_CERTIFICATION})
    code, out, _ = invoke("validate", "--catalog", str(base_catalog), env={"GITHUB_ACTIONS": "true"})
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(
        f"::warning file={base_catalog}/credentials/base-professional.yaml,line=6,col=9,title=CC217::"
    )
    assert lines[1].startswith(
        f"::error file={base_catalog}/credentials/base-professional.yaml,line=8,col=3,title=CC208::"
    )


def test_github_annotations_cannot_be_injected(base_catalog: Path) -> None:
    text = (
        (base_catalog / "credentials/base-intermediate.yaml")
        .read_text()
        .replace("type: intermediate", 'type: "x\\n::error::pwned"')
    )
    write_files(base_catalog, {"credentials/base-intermediate.yaml": text})
    _, out, _ = invoke("validate", "--catalog", str(base_catalog), "--format", "github")
    assert not any(line.startswith("::error::pwned") for line in out.splitlines())
    assert "%0A::error::pwned" in out


def test_junit_has_one_test_case_per_file(base_catalog: Path) -> None:
    write_files(base_catalog, {"credentials/base-professional.yaml": BROKEN_CERTIFICATION + "title2: \x01\n"})
    code, out, _ = invoke("validate", "--catalog", str(base_catalog), "--format", "junit")
    assert code == 1
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert len(cases) == 7
    failed = [case.get("name") for case in cases if case.find("failure") is not None]
    assert failed == [f"{base_catalog}/credentials/base-professional.yaml"]


def test_severity_overrides_from_catalog_yaml(base_catalog: Path) -> None:
    write_files(base_catalog, {"credentials/base-professional.yaml": BROKEN_CERTIFICATION})
    catalog_yaml = base_catalog / "catalog.yaml"
    catalog_yaml.write_text(catalog_yaml.read_text() + "rules: {CC217: error, CC209: off, CC208: warning}\n")
    _, out, _ = invoke("validate", "--catalog", str(base_catalog), "--format", "json")
    found = {(p["code"], p["severity"]) for p in json.loads(out)["problems"]}
    assert found == {("CC208", "warning"), ("CC217", "error")}


def test_bad_override_is_reported(base_catalog: Path) -> None:
    catalog_yaml = base_catalog / "catalog.yaml"
    catalog_yaml.write_text(catalog_yaml.read_text() + "rules: {CC21: off, CC217: loud}\n")
    code, out, _ = invoke("validate", "--catalog", str(base_catalog))
    assert code == 1
    assert "CC102 unknown rule 'CC21' (did you mean \"CC211\"?)" in out or "CC102 unknown rule 'CC21'" in out
    assert "CC103 severity of CC217 is 'loud'" in out


def test_unknown_field_suggests_the_closest(base_catalog: Path) -> None:
    text = (base_catalog / "credentials/base-foundational.yaml").read_text() + "expires_afer: P2Y\n"
    write_files(base_catalog, {"credentials/base-foundational.yaml": text})
    _, out, _ = invoke("validate", "--catalog", str(base_catalog))
    assert (
        "base-foundational.yaml:12:1: error CC102 unknown field 'expires_afer' (did you mean \"expires_after\"?)" in out
    )


@pytest.mark.parametrize("args", [["--format", "xml"], ["--catalog", "/nonexistent/catalog"]])
def test_usage_errors_exit_2_with_one_line(args: list[str]) -> None:
    code, out, err = invoke("validate", *args)
    assert code == 2
    assert "Traceback" not in out + err


def test_rules_lists_and_explains() -> None:
    code, out, _ = invoke("rules")
    assert code == 0
    assert "CC209\terror\tcertification tied to an educational event" in out
    code, out, _ = invoke("rules", "cc209")
    assert code == 0 and "Passing" in out and "Failing" in out and "educational event" in out
    code, _, err = invoke("rules", "CC999")
    assert code == 2 and "no rule CC999" in err


def test_schema_is_valid_and_committed_copies_are_fresh(tmp_path: Path) -> None:
    from jsonschema import Draft202012Validator

    for kind in ("credential", "path", "catalog"):
        code, out, _ = invoke("schema", kind)
        assert code == 0
        schema = json.loads(out)
        Draft202012Validator.check_schema(schema)
        in_catalog = json.loads((ROOT / "catalog/schema" / f"{kind}.schema.json").read_text())
        assert in_catalog == schema, "run `cc schema --out catalog/schema`"


def test_sample_catalog_files_satisfy_the_schema() -> None:
    from jsonschema import Draft202012Validator

    from cc_cli.catalog.schema import schema_for
    from cc_cli.catalog.yamlload import load_yaml

    for kind, folder in (("credential", "credentials"), ("path", "paths")):
        validator = Draft202012Validator(schema_for(kind))
        for file in sorted((SAMPLE_CATALOG / folder).glob("*.yaml")):
            # Editors read dates as strings, as our loader does (plain safe_load would make date objects).
            errors = list(validator.iter_errors(load_yaml(file.read_bytes(), file.name).data))
            assert not errors, f"{file.name}: {errors[0].message}"


def test_schema_rejects_what_validate_rejects_in_shape() -> None:
    from jsonschema import Draft202012Validator

    from cc_cli.catalog.schema import schema_for

    validator = Draft202012Validator(schema_for("credential"))
    bad = {
        "id": "Bad_Id",
        "title": "t",
        "classification": "skil",
        "description": "d",
        "skills": [],
        "criteria": [],
        "time_to_earn": "6 weeks",
    }
    messages = " ".join(error.message for error in validator.iter_errors(bad))
    assert "Bad_Id" in messages and "skil" in messages and "6 weeks" in messages


def test_help_lists_commands_quickly() -> None:
    code, out, _ = invoke("--help")
    assert code == 0
    for command in ("validate", "rules", "schema"):
        assert command in out


def test_core_imports_without_typer_or_rich() -> None:
    import subprocess
    import sys

    script = (
        "import sys, pathlib\n"
        "import cc_cli.validate.engine, cc_cli.validate.load, cc_cli.validate.reporters, cc_cli.catalog.schema\n"
        "cc_cli.validate.engine.validate_catalog(pathlib.Path(sys.argv[1]))\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('typer', 'rich', 'click')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", script, str(SAMPLE_CATALOG)], check=True, cwd=ROOT, env={**os.environ})


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "--format", "xml"], "Invalid value for --format: 'xml' is not one of: text, json, github, junit"),
        (["schema", "foo"], "Invalid value for KIND: 'foo' is not one of: credential, path, catalog"),
        (["export", "--format", "zz"], "Invalid value for --format: 'zz' is not one of: ob3, ctdl, credly-csv"),
        (["paths", "--format", "zz"], "Invalid value for --format: 'zz' is not one of: text, json"),
        (["revoke", "urn:uuid:x", "--reason", "r", "--format", "zz"], "'zz' is not one of: text, json"),
        (["issue", "roster.csv", "--format", "zz"], "'zz' is not one of: text, json"),
        (["issue", "roster.csv", "--bake", "gif"], "'gif': use png, svg or png,svg"),
        (["keys", "show"], "Invalid value for FILE: give the key file, or set CC_ISSUER_KEY"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_bad_options_are_usage_errors_not_internal_errors(args: list[str], message: str) -> None:
    result = runner.invoke(app, args, env={"CC_ISSUER_KEY": "", "GITHUB_ACTIONS": "false"})
    assert result.exit_code == 2
    assert message in result.stderr and "internal error" not in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_a_catalog_path_that_is_a_file_says_so(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "catalog.yaml"
    not_a_folder.write_text("name: x\n")
    code, _, stderr = invoke("validate", "--catalog", str(not_a_folder))
    assert code == 2
    assert (
        stderr
        == f"cc: error: --catalog {not_a_folder} is a file: give the catalog folder (the one with catalog.yaml)\n"
    )


def test_every_sample_file_points_its_editor_at_a_schema_that_exists() -> None:
    files = [ROOT / "catalog/catalog.yaml", *sorted((ROOT / "catalog").glob("*/*.yaml"))]
    assert len(files) > 30
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target.is_file() and target.is_relative_to((ROOT / "catalog").resolve()), (path, target)


def test_run_inside_the_catalog_folder_suggests_catalog_dot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLE_CATALOG)
    monkeypatch.delenv("CC_CATALOG", raising=False)
    code, _, stderr = invoke("validate")
    assert code == 2
    assert stderr == (
        "cc: error: catalog folder catalog not found (give one with --catalog); "
        "this folder has a catalog.yaml: use --catalog .\n"
    )


def test_schema_has_credly_template_id_as_a_uuid() -> None:
    """Issue 16: `credly_template_id` is in `cc schema`, and the schema refuses what CC219 refuses."""
    from jsonschema import Draft202012Validator

    code, out, _ = invoke("schema", "credential")
    assert code == 0
    spec = json.loads(out)["properties"]["credly_template_id"]
    assert "Credly" in spec["description"]
    check = Draft202012Validator(spec)
    assert check.is_valid("5f0c1b4e-3d2a-4c8e-9b7f-1a2b3c4d5e6f") and check.is_valid(
        "5F0C1B4E-3D2A-4C8E-9B7F-1A2B3C4D5E6F"
    )
    assert not check.is_valid("https://www.credly.com/org/ibm/badge/x") and not check.is_valid("5f0c1b4e-3d2a")
