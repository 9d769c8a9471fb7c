"""`cc issue` end to end: what a programme manager relies on (no double issue, nothing lost, valid awards)."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cc_cli.cli.app import app
from cc_cli.credentials import signing
from cc_cli.ledger.locate import resolve
from tests.conftest import ROOT, SAMPLE_CATALOG, Backend
from tests.pg import query as pg_query

runner = CliRunner()
CC = str(Path(sys.executable).with_name("cc"))
SCHEMA = ROOT / "cc_cli/data/schema/ob_v3p0_achievementcredential.json"


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("key") / "issuer.key"
    result = runner.invoke(app, ["keys", "init", str(path)])
    assert result.exit_code == 0, result.output
    return path


def issue(*args: str) -> tuple[int, dict[str, object], str]:
    result = runner.invoke(app, ["issue", *args, "--format", "json", "--workers", "1"])
    payload = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}
    if payload:  # written by orjson, without looking for floats: exactly json.dumps's text all the same
        assert result.stdout == json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    return result.exit_code, payload, result.stdout + result.stderr


def write_roster(path: Path, rows: list[str], header: str = "email,name,credential,issued_on") -> Path:
    path.write_text(header + "\n" + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def award_files(out: Path) -> list[Path]:
    return sorted(p for p in out.glob("*/*.json") if p.parent.name != "status")


def ledger_rows(out: Path, query: str = "SELECT COUNT(*) FROM awards") -> list[tuple[object, ...]]:
    return pg_query(resolve(None, out), query)  # OUT/ledger.sqlite3, or $CC_LEDGER (the `backend` fixture)


def test_sample_roster_issues_valid_signed_awards_once(tmp_path: Path, key_file: Path, backend: Backend) -> None:
    from jsonschema import Draft201909Validator, Draft202012Validator

    out = tmp_path / "awards"
    roster = ROOT / "examples/roster.csv"
    code, payload, output = issue(
        str(roster), "--catalog", str(SAMPLE_CATALOG), "--out", str(out), "--key", str(key_file)
    )
    assert code == 0, output
    rows = sum(1 for _ in csv.DictReader(roster.open(encoding="utf-8-sig")))
    summary = payload["summary"]
    assert isinstance(summary, dict) and summary["issued"] == rows and summary["rejected"] == 0
    files = award_files(out)
    assert len(files) == rows == ledger_rows(out)[0][0]
    schema = json.loads(SCHEMA.read_text())
    validator_class = Draft201909Validator if "2019-09" in schema.get("$schema", "") else Draft202012Validator
    validator = validator_class(schema)
    for file in files:
        award = json.loads(file.read_text())
        errors = [e.message for e in validator.iter_errors(award)]
        assert not errors, (file.name, errors[:3])
        assert signing.verify(award).ok, file.name
        assert award["validFrom"].endswith("Z")
    # Re-running the same roster issues nothing.
    code, payload, output = issue(
        str(roster), "--catalog", str(SAMPLE_CATALOG), "--out", str(out), "--key", str(key_file)
    )
    assert code == 0, output
    assert payload["summary"]["issued"] == 0 and payload["summary"]["skipped"] == rows  # type: ignore[index]
    assert len(award_files(out)) == rows
    manifest = list(csv.DictReader((out / "roster.manifest.csv").open(encoding="utf-8-sig")))
    assert len(manifest) == rows and all(m["award_id"].startswith("urn:uuid:") for m in manifest)


def test_every_sample_award_verifies_in_digital_bazaar_and_tampering_fails(tmp_path: Path, key_file: Path) -> None:
    from tests.js_verifier import js_verify

    out = tmp_path / "awards"
    code, _, output = issue(
        str(ROOT / "examples/roster.csv"), "--catalog", str(SAMPLE_CATALOG), "--out", str(out), "--key", str(key_file)
    )
    assert code == 0, output
    awards = award_files(out)
    tampered = tmp_path / "tampered.json"
    document = json.loads(awards[0].read_text())
    document["name"] = "IBM Cloud Essentials (forged)"
    tampered.write_text(json.dumps(document))
    verdicts = {Path(r["file"]).name: r["verified"] for r in js_verify([*awards, tampered])}
    assert verdicts == {**{award.name: True for award in awards}, "tampered.json": False}


def test_dry_run_writes_nothing(tmp_path: Path, key_file: Path) -> None:
    out = tmp_path / "awards"
    code, payload, output = issue(
        str(ROOT / "examples/roster.csv"), "--catalog", str(SAMPLE_CATALOG), "--out", str(out), "--dry-run"
    )
    assert code == 0, output
    assert payload["dry_run"] is True and payload["summary"]["issued"] > 0  # type: ignore[index]
    assert not out.exists()


def test_rejected_rows_go_to_a_formula_safe_rejects_csv(tmp_path: Path, key_file: Path) -> None:
    out = tmp_path / "awards"
    roster = write_roster(
        tmp_path / "r.csv",
        [
            "ana@example.com,Ana,cloud-essentials,2026-02-03",
            'bob@example,"=HYPERLINK(""http://evil.example"",""x"")",cloud-essentials,2026-02-03',
            "cy@example.com,Cy,cloud-esentials,2026-02-03",
        ],
    )
    code, payload, output = issue(
        str(roster), "--catalog", str(SAMPLE_CATALOG), "--out", str(out), "--key", str(key_file)
    )
    assert code == 1, output
    assert payload["summary"]["issued"] == 1 and payload["summary"]["rejected"] == 2  # type: ignore[index]
    codes = sorted(p["code"] for p in payload["problems"])  # type: ignore[union-attr]
    assert "CC502" in codes and "CC503" in codes
    rejects = list(csv.reader((out / "r.rejects.csv").open(encoding="utf-8-sig")))
    assert rejects[0] == ["email", "name", "credential", "issued_on", "error"]
    assert rejects[1][1].startswith("'=HYPERLINK")
    assert "did you mean" in rejects[2][4]
    manifest = (out / "r.manifest.csv").read_text(encoding="utf-8")
    assert "\n=" not in manifest and ",=" not in manifest


def test_strict_issues_nothing_when_a_row_is_rejected(tmp_path: Path, key_file: Path) -> None:
    out = tmp_path / "awards"
    roster = write_roster(
        tmp_path / "r.csv", ["ana@example.com,Ana,cloud-essentials,2026-02-03", "bad,Bob,cloud-essentials,2026-02-03"]
    )
    code, payload, _ = issue(
        str(roster), "--catalog", str(SAMPLE_CATALOG), "--out", str(out), "--key", str(key_file), "--strict"
    )
    assert code == 1
    assert payload["withheld"] is True and award_files(out) == []


def test_key_problems_are_one_line_usage_errors(tmp_path: Path, key_file: Path) -> None:
    roster = write_roster(tmp_path / "r.csv", ["ana@example.com,Ana,cloud-essentials,2026-02-03"])
    exposed = tmp_path / "exposed.key"
    exposed.write_bytes(key_file.read_bytes())
    exposed.chmod(0o644)
    for key_args in (["--key", str(exposed)], ["--key", str(tmp_path / "missing.key")], []):
        result = runner.invoke(
            app,
            ["issue", str(roster), "--catalog", str(SAMPLE_CATALOG), "--out", str(tmp_path / "o"), *key_args],
            env={"CC_ISSUER_KEY": ""},
        )
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1
    assert "secretKeyMultibase" not in result.output


def test_a_ledger_keeps_one_issuer_key(tmp_path: Path, key_file: Path) -> None:
    """A crash recovery or a new batch signed with another key would make genuine awards look forged."""
    out = tmp_path / "awards"
    first = write_roster(tmp_path / "a.csv", ["ana@example.com,Ana,cloud-essentials,2026-02-03"])
    code, _, output = issue(str(first), "--catalog", str(SAMPLE_CATALOG), "--out", str(out), "--key", str(key_file))
    assert code == 0, output
    with sqlite3.connect(out / "ledger.sqlite3") as db:  # as a crash mid-batch leaves it
        db.execute("UPDATE awards SET state = 'pending'")
    other_key = tmp_path / "other.key"
    runner.invoke(app, ["keys", "init", str(other_key)])
    second = write_roster(tmp_path / "b.csv", ["bo@example.com,Bo,cloud-essentials,2026-02-03"])
    before = award_files(out)[0].read_bytes()
    code, _, output = issue(str(second), "--catalog", str(SAMPLE_CATALOG), "--out", str(out), "--key", str(other_key))
    assert code == 2 and "were issued by did:key:" in output and "use that key (--key)" in output
    assert ledger_rows(out) == [(1,)] and award_files(out)[0].read_bytes() == before
    assert ledger_rows(out, "SELECT COUNT(*) FROM batches") == [(1,)]


def _policy_catalog(base_catalog: Path, policy: str) -> Path:
    path = base_catalog / "credentials/base-foundational.yaml"
    path.write_text(path.read_text() + f"duplicates: {policy}\nexpires_after: P1Y\n")
    return base_catalog


@pytest.mark.parametrize(
    ("policy", "second_action", "live"), [("deny", "skip", 1), ("replace", "replace", 1), ("allow", "issue", 2)]
)
def test_duplicate_policies(
    tmp_path: Path, key_file: Path, base_catalog: Path, policy: str, second_action: str, live: int, backend: Backend
) -> None:
    catalog = _policy_catalog(base_catalog, policy)
    out = tmp_path / "awards"
    first = write_roster(tmp_path / "first.csv", ["ana@example.com,Ana,base-foundational,2026-01-10"])
    second = write_roster(tmp_path / "second.csv", ["ANA@example.com,Ana,base-foundational,2026-06-10"])
    for roster in (first, second):
        code, payload, output = issue(str(roster), "--catalog", str(catalog), "--out", str(out), "--key", str(key_file))
        assert code == 0, output
    assert payload["rows"][0]["action"] == second_action  # type: ignore[index]
    assert ledger_rows(out, "SELECT COUNT(*) FROM awards WHERE state != 'revoked'")[0][0] == live
    if policy == "replace":
        old, new = ledger_rows(
            out, "SELECT state, revoked_reason, awarded_at, issued_at, replaces, id FROM awards ORDER BY status_index"
        )
        assert old[0] == "revoked" and str(old[1]).startswith("superseded by")
        assert new[2] == old[2] == "2026-01-10T00:00:00Z" and new[3] == "2026-06-10T00:00:00Z" and new[4] == old[5]
        newest = json.loads(next(p for p in award_files(out) if p.stem in str(new[5])).read_text())
        assert newest["awardedDate"] == "2026-01-10T00:00:00Z"
    # A re-run of the second roster never issues again, whatever the policy.
    code, payload, _ = issue(str(second), "--catalog", str(catalog), "--out", str(out), "--key", str(key_file))
    assert payload["summary"]["issued"] == 0  # type: ignore[index]


def test_bake_png_and_svg(tmp_path: Path, key_file: Path) -> None:
    from cc_cli.credentials.baking import unbake_png, unbake_svg

    out = tmp_path / "awards"
    roster = write_roster(tmp_path / "r.csv", ["ana@example.com,Ana,cloud-essentials,2026-02-03"])
    code, _, output = issue(
        str(roster), "--catalog", str(SAMPLE_CATALOG), "--out", str(out), "--key", str(key_file), "--bake", "png,svg"
    )
    assert code == 0, output
    [award] = award_files(out)
    expected = json.loads(award.read_text())
    assert json.loads(unbake_png(award.with_suffix(".png").read_bytes())) == expected
    assert json.loads(unbake_svg(award.with_suffix(".svg").read_bytes())) == expected


def test_bake_on_a_rerun_bakes_the_awards_issued_before(tmp_path: Path, key_file: Path) -> None:
    from cc_cli.credentials.baking import unbake_png

    out = tmp_path / "awards"
    roster = write_roster(tmp_path / "r.csv", ["ana@example.com,Ana,cloud-essentials,2026-02-03"])
    common = (str(roster), "--catalog", str(SAMPLE_CATALOG), "--out", str(out), "--key", str(key_file))
    assert issue(*common)[0] == 0
    [award] = award_files(out)
    before = award.read_bytes()
    code, payload, output = issue(*common, "--bake", "png")
    assert code == 0, output
    assert payload["summary"]["skipped"] == 1 and payload["summary"]["baked_earlier"] == 1  # type: ignore[index]
    assert json.loads(unbake_png(award.with_suffix(".png").read_bytes())) == json.loads(before)
    assert award.read_bytes() == before and not award.with_suffix(".svg").exists()
    assert issue(*common, "--bake", "png")[1]["summary"]["baked_earlier"] == 0  # type: ignore[index]


def test_bake_on_a_rerun_never_bakes_a_revoked_or_changed_award(tmp_path: Path, key_file: Path) -> None:
    out = tmp_path / "awards"
    rows = ["ana@example.com,Ana,cloud-essentials,2026-02-03", "bo@example.com,Bo,cloud-essentials,2026-02-03"]
    roster = write_roster(tmp_path / "r.csv", [*rows, "cy@example.com,Cy,cloud-essentials,2026-02-03"])
    common = (str(roster), "--catalog", str(SAMPLE_CATALOG), "--out", str(out), "--key", str(key_file))
    code, payload, _ = issue(*common)
    revoked, changed, fine = (row["award_id"] for row in payload["rows"])  # type: ignore[attr-defined]
    result = runner.invoke(
        app,
        [
            "revoke",
            revoked,
            "--reason",
            "r",
            "--out",
            str(out),
            "--key",
            str(key_file),
            "--catalog",
            str(SAMPLE_CATALOG),
        ],
    )
    assert result.exit_code == 0, result.output
    changed_file = out / "cloud-essentials" / f"{changed.removeprefix('urn:uuid:')}.json"
    changed_file.write_text(changed_file.read_text().replace("Bo", "Bob"))
    code, payload, output = issue(*common, "--bake", "png")
    assert code == 0, output
    assert payload["summary"]["baked_earlier"] == 1  # type: ignore[index]
    baked = {p.stem for p in (out / "cloud-essentials").glob("*.png")}
    assert baked == {fine.removeprefix("urn:uuid:")}
    assert payload["notes"] == [f"line 3: {changed_file} is not the file the ledger recorded: not baked"]


def test_strict_lists_the_valid_rows_it_held_back(tmp_path: Path, key_file: Path) -> None:
    roster = write_roster(
        tmp_path / "r.csv", ["ana@example.com,Ana,cloud-essentials,2026-02-03", "bo@example.com,Bo,no-such-badge,"]
    )
    code, payload, _ = issue(
        str(roster), "--catalog", str(SAMPLE_CATALOG), "--out", str(tmp_path / "o"), "--key", str(key_file), "--strict"
    )
    assert code == 1
    assert payload["summary"]["rows"] == 2 and payload["summary"]["withheld"] == 1  # type: ignore[index]
    assert [row["action"] for row in payload["rows"]] == ["withhold", "reject"]  # type: ignore[index]


def test_a_dry_run_checks_the_key_it_is_given(tmp_path: Path) -> None:
    roster = str(ROOT / "examples/roster.csv")
    code, _, output = issue(roster, "--catalog", str(SAMPLE_CATALOG), "--dry-run", "--key", str(tmp_path / "none.key"))
    assert code == 2 and "none.key" in output


def _big_roster(tmp_path: Path, rows: int) -> Path:
    return write_roster(
        tmp_path / "big.csv", [f"p{i}@example.com,Person {i},base-foundational,2026-02-03" for i in range(rows)]
    )


def _command(roster: Path, catalog: Path, out: Path, key: Path) -> list[str]:
    return [
        CC,
        "issue",
        str(roster),
        "--catalog",
        str(catalog),
        "--out",
        str(out),
        "--key",
        str(key),
        "--format",
        "json",
    ]


def _check_consistent(out: Path, rows: int) -> None:
    files = award_files(out)
    ids = ledger_rows(out, "SELECT id, file, file_sha256, state FROM awards")
    assert len(ids) == rows, f"{len(ids)} ledger rows for {rows} roster rows"
    assert {str(row[1]) for row in ids} == {f"{p.parent.name}/{p.name}" for p in files}
    assert all(row[2] is not None and row[3] == "issued" for row in ids)
    assert not list(out.glob("*/.*.tmp"))


def test_kill_9_mid_batch_then_rerun_completes_without_duplicates(
    tmp_path: Path, key_file: Path, base_catalog: Path, backend: Backend
) -> None:
    rows = 4000
    roster = _big_roster(tmp_path, rows)
    out = tmp_path / "awards"
    process = subprocess.Popen(
        _command(roster, base_catalog, out, key_file), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 60
    while time.time() < deadline and len(list(out.glob("*/*.json"))) < 300:
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    written = len(award_files(out))
    assert 0 < written < rows, written
    done = subprocess.run(_command(roster, base_catalog, out, key_file), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    _check_consistent(out, rows)


def test_two_concurrent_runs_of_the_same_roster_issue_each_row_once(
    tmp_path: Path, key_file: Path, base_catalog: Path, backend: Backend
) -> None:
    rows = 2000
    roster = _big_roster(tmp_path, rows)
    out = tmp_path / "awards"
    processes = [
        subprocess.Popen(
            _command(roster, base_catalog, out, key_file), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], results
    issued = [json.loads(stdout)["summary"]["issued"] for stdout, _ in results]
    assert sum(issued) == rows, issued
    _check_consistent(out, rows)


def test_keys_init_refuses_the_catalog_folder_and_overwrites(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    result = runner.invoke(app, ["keys", "init", str(catalog / "issuer.key")], env={"CC_CATALOG": str(catalog)})
    assert result.exit_code == 2 and "inside the catalog" in result.stderr
    key = tmp_path / "issuer.key"
    assert runner.invoke(app, ["keys", "init", str(key)]).exit_code == 0
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    again = runner.invoke(app, ["keys", "init", str(key)])
    assert again.exit_code == 2 and "Traceback" not in again.output
    shown = runner.invoke(app, ["keys", "show", str(key), "--format", "json"])
    assert json.loads(shown.stdout)["did"].startswith("did:key:z6Mk")
    assert "secretKeyMultibase" not in shown.output and "secret" not in shown.output.lower()


def _open_new_ledger(job: tuple[str, float]) -> int:
    from cc_cli.ledger.sqlite import Ledger

    path, start_at = job
    time.sleep(max(0.0, start_at - time.time()))  # every process opens at the same instant
    ledger = Ledger(Path(path))
    ledger.close()
    return 0


def test_many_processes_creating_the_same_new_ledger_at_once_all_succeed(tmp_path: Path) -> None:
    # Switching a brand-new SQLite file to WAL ignores the busy timeout; the ledger retries instead.
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(6) as pool:
        pool.map(_open_new_ledger, [(str(tmp_path / "warm-up.sqlite3"), 0.0)] * 6)  # start the workers
        for attempt in range(10):
            path = str(tmp_path / f"ledger-{attempt}.sqlite3")
            start_at = time.time() + 0.2
            assert pool.map(_open_new_ledger, [(path, start_at)] * 6, chunksize=1) == [0] * 6
            assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_key_path_that_is_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["keys", "show", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a regular file" in result.stderr and "Traceback" not in result.output
