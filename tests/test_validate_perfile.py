"""`cc validate` runs the per-file credential rules where each file is read (in the loader's workers) and
sends back slim credentials: every problem must be exactly what running every rule after loading, on whole
model objects in one process, finds. Checked on every rule case of tests/rules/ (which fails each rule at
least once), in one process and through a pool of two workers, and on a generated catalog with broken files.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from cc_cli.catalog import model
from cc_cli.core.problems import Problem
from cc_cli.rules.registry import RULES
from cc_cli.validate import engine, load
from tests.test_rules import _apply, _cases

_spec = importlib.util.spec_from_file_location(
    "bench_validate", Path(__file__).resolve().parents[1] / "bench/validate.py"
)
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)  # the benchmark's catalog generator


def reference(root: Path) -> list[Problem]:
    """Every rule after loading, on whole models, in one process: `cc validate` before rules ran per file."""
    loaded = load.load_catalog(root, workers=1)
    hits = list(loaded.hits)
    hits.extend(engine.run_rules(loaded))
    overrides, override_hits = engine.severity_overrides(loaded)
    hits.extend(override_hits)
    return sorted(set(engine.to_problems(hits, loaded, overrides)))


def pooled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "PARALLEL_FROM", 1)
    monkeypatch.setattr(load, "workers_for", lambda requested: 2)


@pytest.mark.parametrize(("code", "outcome", "case"), [c for c in _cases() if c.values[1] == "fail"])
def test_rule_cases_as_before(
    base_catalog: Path, code: str, outcome: str, case: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in (case.get("env") or {}).items():
        monkeypatch.setenv(name, value)
    _apply(base_catalog, case)
    expected = reference(base_catalog)
    assert any(problem.code == code for problem in expected)
    assert engine.validate_catalog(base_catalog).problems == expected
    assert engine.validate_catalog(base_catalog, models=False).problems == expected
    pooled(monkeypatch)
    assert engine.validate_catalog(base_catalog, models=False).problems == expected
    report = engine.validate_catalog(base_catalog)  # whole models through the pool, for issue and site
    assert report.problems == expected
    assert report.load is not None
    assert report.load.catalog == load.load_catalog(base_catalog, workers=1).catalog


def test_generated_catalog_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """bench/validate.py's catalog, 1% of its files broken, plus duplicates, long and foreign lettering."""
    root = tmp_path / "catalog"
    bench.generate(root, 300, 20, True)
    credentials = root / "credentials"
    for index in (3, 17):  # a second file claiming an id: CC105, and the loser is not checked
        text = (credentials / f"cred-{index:05d}.yaml").read_text()
        (credentials / f"dup-{index}.yaml").write_text(text.replace("classification: skill", "classification: x"))
    text = (credentials / "cred-00011.yaml").read_text()
    long_unit = "Faculté de l'éducation permanente, Service de la formation continue et du perfectionnement professionnel des cadres"
    (credentials / "cred-00011.yaml").write_text(text.replace("Example Cloud", long_unit))
    text = (credentials / "cred-00021.yaml").read_text()
    (credentials / "cred-00021.yaml").write_text(text.replace("title: ", "title: クラウド " + "Word " * 40, 1))
    expected = reference(root)
    assert {"CC105", "CC103", "CC106", "CC407", "CC401"} <= {problem.code for problem in expected}
    pooled(monkeypatch)
    assert engine.validate_catalog(root, models=False).problems == expected


def test_slim_credential_round_trip() -> None:
    """A slim credential keeps the fields the rules after loading read, and nothing else."""
    whole = model.Credential(
        id="a",
        title="A",
        classification="certification",
        source="credentials/a.yaml",
        level="associate",
        status="retired",
        legacy=True,
        description="long text",
        skills=["x", "y", "z"],
        criteria=[model.Criterion(kind="exam", description="d", code="C1", proctored=True)],
        requires=["b"],
        components=["c"],
        path="p",
        emblem=model.Emblem(display_title="D", business_unit="U", artwork="art.png"),
        language="fr",
        credly_template_id="t",
        invalid_fields=frozenset({"skills"}),
    )
    slim = load.credential_from_slim(load.slim_credential(whole))
    assert slim.criteria == [model.Criterion(kind="exam")]
    assert (slim.description, slim.skills) == ("", [])
    for name in ("id", "title", "classification", "source", "type", "level", "status", "legacy", "requires"):
        assert getattr(slim, name) == getattr(whole, name)
    for name in ("components", "path", "emblem", "language", "credly_template_id", "invalid_fields"):
        assert getattr(slim, name) == getattr(whole, name)


def test_per_file_rules_are_credential_rules() -> None:
    engine.all_rules()
    per_file = {code for code, found in RULES.items() if found.per_file}
    assert per_file and all(RULES[code].scope == "credential" for code in per_file)
    # the ones that look at other credentials or paths must run after loading
    assert not per_file & {"CC205", "CC206", "CC209", "CC212"}
