"""`cc import awards` (issue 16): awards issued elsewhere recorded in the ledger, in both backends, and
counted where a learner's record matters (CC507 and `duplicates: deny` at `cc issue`)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from cc_cli.cli.app import app
from cc_cli.core.problems import Problem
from cc_cli.lifecycle.imports import ImportSettings, run_import
from cc_cli.validate.engine import all_rules
from tests.conftest import SAMPLE_CATALOG, Backend
from tests.test_roster_rules import examples

runner = CliRunner()
NOW = datetime(2026, 11, 28, tzinfo=UTC)
CASE_DIR = Path(__file__).resolve().parent / "rules"
IMPORT_RULES = [rule for rule in all_rules() if rule.scope == "import"]
# Credly's issued-badges export, as downloaded: UTF-8 with a BOM, CRLF.
CREDLY_HEADER = (
    "Badge Id,Badge Template Id,Badge Template Name,Recipient Email,Issued To First Name,Issued To Last Name,"
    "Issued At,Expires At,State,Badge URL,Issuer Earner Id,Group Tag,Locale"
)


def cc(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_bytes(("\ufeff" + header + "\r\n" + "".join(row + "\r\n" for row in rows)).encode("utf-8"))
    return path


def credly_row(i: int, template: str = "cloud-essentials", state: str = "accepted", issued: str = "2024-03-01") -> str:
    return (
        f"b{i:05d},{template},IBM Cloud Essentials,learner{i}@example.com,Learner,N{i},{issued},,{state},"
        f"https://www.credly.com/badges/b{i:05d},E{i},cohort,en"
    )


def problems_of(tmp_path: Path, text: str) -> list[Problem]:
    """What `cc import awards --dry-run` finds in `text` (through the core, at NOW)."""
    path = tmp_path / "past.csv"
    path.write_text(text, encoding="utf-8")
    settings = ImportSettings(path, SAMPLE_CATALOG, tmp_path / "out", dry_run=True, now=NOW)
    report = run_import(settings)
    assert not (tmp_path / "out").exists()  # a dry run writes nothing
    return report.problems


def _cases() -> list[Any]:
    params = []
    for rule in IMPORT_RULES:
        data = yaml.safe_load((CASE_DIR / f"{rule.code}.yaml").read_text(encoding="utf-8"))
        for outcome in ("pass", "fail"):
            for index, case in enumerate(data.get(outcome) or []):
                params.append(pytest.param(rule.code, outcome, case, id=f"{rule.code}-{outcome}-{index}"))
    return params


@pytest.mark.parametrize(("code", "outcome", "case"), _cases())
def test_import_rule_case(tmp_path: Path, code: str, outcome: str, case: dict[str, Any]) -> None:
    found = problems_of(tmp_path, case["rows"])
    if outcome == "pass":
        assert [str(p) for p in found] == []
        return
    mine = [p for p in found if p.code == code]
    assert [(p.line, p.column) for p in mine] == [(e["line"], e["column"]) for e in case["expect"]], [
        str(p) for p in found
    ]
    for problem, wanted in zip(mine, case["expect"], strict=True):
        for fragment in wanted.get("message_contains", []):
            assert fragment in problem.message, problem.message


@pytest.mark.parametrize("rule", IMPORT_RULES, ids=lambda rule: rule.code)
def test_import_rule_docstring_examples(tmp_path: Path, rule: Any) -> None:
    found = examples(rule)
    (tmp_path / "pass").mkdir()
    (tmp_path / "fail").mkdir()
    assert problems_of(tmp_path / "pass", found["Passing"][0]) == []
    failing = problems_of(tmp_path / "fail", found["Failing"][0])
    assert failing and {p.code for p in failing} == {rule.code}


def test_a_credly_export_is_recorded_once_and_a_dry_run_writes_nothing(tmp_path: Path, backend: Backend) -> None:
    rows = [credly_row(1), credly_row(2, state="revoked"), credly_row(3, state="pending"), credly_row(1)]
    past = write(tmp_path / "credly-issued.csv", CREDLY_HEADER, rows)
    out = tmp_path / "out"
    args = ("import", "awards", str(past), "-c", str(SAMPLE_CATALOG), "-o", str(out), "-f", "json")
    code, stdout, stderr = cc(*args, "--dry-run")
    assert code == 0, stdout + stderr
    data = json.loads(stdout)
    assert data["summary"] == {"rows": 4, "imported": 3, "updated": 0, "already": 1, "rejected": 0}
    assert data["ignored_columns"] == ["Badge Template Name", "Group Tag", "Locale"]
    assert data["rows"][3]["reason"] == "the same award as line 2: recorded once"
    if backend.kind == "sqlite":
        assert not out.exists()
    code, stdout, stderr = cc(*args)
    assert code == 0, stdout + stderr
    assert json.loads(stdout)["summary"] == {"rows": 4, "imported": 3, "updated": 0, "already": 1, "rejected": 0}
    recorded = backend.query(
        out, "SELECT email, credential_id, state, source, source_id, url, external_id, issued_at FROM external_awards "
        "ORDER BY email"
    )  # fmt: skip
    assert recorded == [
        ("learner1@example.com", "cloud-essentials", "issued", "credly", "b00001", "https://www.credly.com/badges/b00001", "E1", "2024-03-01T00:00:00Z"),
        ("learner2@example.com", "cloud-essentials", "revoked", "credly", "b00002", "https://www.credly.com/badges/b00002", "E2", "2024-03-01T00:00:00Z"),
        ("learner3@example.com", "cloud-essentials", "issued", "credly", "b00003", "https://www.credly.com/badges/b00003", "E3", "2024-03-01T00:00:00Z"),
    ]  # fmt: skip
    # The same export again adds nothing; nor does the text summary hide it.
    code, stdout, _ = cc(*args[:-2])
    assert code == 0 and "4 rows: recorded 0 external award(s), 4 already in the ledger, rejected 0" in stdout
    assert "ignored column(s), read into no field: Badge Template Name, Group Tag, Locale" in stdout
    assert backend.query(out, "SELECT COUNT(*) FROM external_awards") == [(3,)]
    assert backend.query(out, "SELECT COUNT(*) FROM awards") == [(0,)]  # nothing signed, nothing issued
    # A later export: Credly revoked badge 1 since, and a revoked one is never un-revoked by an import.
    later = [credly_row(1, state="revoked"), credly_row(2, state="accepted"), credly_row(3, state="pending")]
    write(past, CREDLY_HEADER, later)
    code, stdout, _ = cc(*args)
    assert code == 0 and json.loads(stdout)["summary"] == {
        "rows": 3, "imported": 0, "updated": 1, "already": 2, "rejected": 0
    }  # fmt: skip
    states = backend.query(out, "SELECT email, state FROM external_awards ORDER BY email")
    assert states == [
        ("learner1@example.com", "revoked"), ("learner2@example.com", "revoked"), ("learner3@example.com", "issued")
    ]  # fmt: skip


def test_hostile_cells_are_rejected_with_codes_and_the_rejects_file_is_formula_safe(tmp_path: Path) -> None:
    rows = [
        credly_row(1),
        credly_row(2).replace("Learner", '"=HYPERLINK(""https://evil.example"")"', 1),
        credly_row(3).replace("Learner", "Le\u202earner", 1),
        credly_row(4).replace("Learner", "L" * 5000, 1),
        credly_row(5, template="cloud-esentials"),
        credly_row(6, issued="03/04/24"),
    ]
    past = write(tmp_path / "past.csv", CREDLY_HEADER, rows)
    out = tmp_path / "out"
    code, stdout, stderr = cc("import", "awards", str(past), "-c", str(SAMPLE_CATALOG), "-o", str(out))
    assert code == 1 and "Traceback" not in stdout + stderr
    assert "6 rows: recorded 1 external award(s), 0 already in the ledger, rejected 5" in stdout
    lines = [line for line in stderr.splitlines() if " error CC" in line]
    found = [(line.split(":")[1], line.split(" error ")[1][:5]) for line in lines]
    assert found == [("3", "CC701"), ("4", "CC509"), ("5", "CC509"), ("6", "CC503"), ("7", "CC505")]
    assert all(line.startswith(f"{past}:") for line in lines)
    assert 'did you mean "cloud-essentials"' in lines[3] and "--date-format mdy" in lines[4]
    rejects = out / "past.import-rejects.csv"
    assert f"rejects: {rejects}" in stdout
    cells = [cell for row in csv.reader(io.StringIO(rejects.read_text(encoding="utf-8"))) for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    with sqlite3.connect(out / "ledger.sqlite3") as db:
        assert db.execute("SELECT email FROM external_awards").fetchall() == [("learner1@example.com",)]


def test_5000_past_awards_count_as_prerequisites_and_deny_a_second_award(
    tmp_path: Path, backend: Backend, key_file: Path
) -> None:
    """The Credly holders of cloud-essentials may be issued containers-kubernetes-essentials, which requires it;
    the holder of a revoked one may not; and no holder is issued cloud-essentials again (duplicates: deny)."""
    rows = [credly_row(i) for i in range(5000)]
    rows[7] = credly_row(7, state="revoked")
    past = write(tmp_path / "past.csv", CREDLY_HEADER, rows)
    out = tmp_path / "out"
    code, stdout, stderr = cc("import", "awards", str(past), "-c", str(SAMPLE_CATALOG), "-o", str(out))
    assert code == 0 and "5000 rows: recorded 5000" in stdout, stdout + stderr
    roster = tmp_path / "next.csv"
    lines = [f"learner{i}@example.com,Learner N{i},containers-kubernetes-essentials" for i in range(10)]
    lines.append("learner0@example.com,Learner N0,cloud-essentials")
    roster.write_text("email,name,credential\n" + "\n".join(lines) + "\n", encoding="utf-8")
    code, stdout, stderr = cc(
        "issue", str(roster), "-c", str(SAMPLE_CATALOG), "-o", str(out), "-k", str(key_file), "-f", "json",
        "--workers", "1",
    )  # fmt: skip
    assert code == 1, stdout + stderr
    data = json.loads(stdout)
    actions = {(row["line"], row["action"]) for row in data["rows"]}
    assert actions == {*((i + 2, "issue") for i in range(10) if i != 7), (9, "reject"), (12, "skip")}
    [problem] = data["problems"]
    assert problem["code"] == "CC507" and "learner7@example.com does not hold cloud-essentials" in problem["message"]
    [skipped] = [row for row in data["rows"] if row["action"] == "skip"]
    assert "already holds the credly award of it (https://www.credly.com/badges/b00000)" in skipped["reason"]
    assert backend.query(out, "SELECT COUNT(*) FROM awards") == [(9,)]


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("key") / "issuer.key"
    result = runner.invoke(app, ["keys", "init", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_import_usage_errors_exit_2(tmp_path: Path) -> None:
    past = write(tmp_path / "past.csv", CREDLY_HEADER, [credly_row(1)])
    base = ("import", "awards", str(past), "-c", str(SAMPLE_CATALOG), "-o", str(tmp_path / "out"))
    for extra, message in (
        (("--date-format", "ymd"), "unknown --date-format 'ymd'"),
        (("--source", "a b"), "--source 'a b': give a short name"),
        (("--timezone", "Mars/Base"), "unknown time zone 'Mars/Base'"),
    ):
        code, stdout, stderr = cc(*base, *extra)
        assert code == 2 and message in stdout + stderr and "Traceback" not in stdout + stderr
    code, _, stderr = cc("import", "awards", str(tmp_path / "missing.csv"), "-c", str(SAMPLE_CATALOG))
    assert code == 2 and "check the path" in stderr


def test_a_schema_3_ledger_is_upgraded_by_migrate_and_by_import(tmp_path: Path) -> None:
    ledger = tmp_path / "out" / "ledger.sqlite3"
    code, _, stderr = cc("ledger", "migrate", "--ledger", str(ledger))
    assert code == 0, stderr
    with sqlite3.connect(ledger) as db:  # what a ledger of schema 3 is: no external_awards table
        db.execute("DROP TABLE external_awards")
        db.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    db.close()
    code, _, stderr = cc("transcript", "learner1@example.com", "-c", str(SAMPLE_CATALOG), "--ledger", str(ledger))
    assert code == 1 and "no awards for learner1@example.com" in stderr  # read-only, it reads schema 3 as it is
    code, stdout, _ = cc("ledger", "migrate", "--ledger", str(ledger))
    assert code == 0 and stdout == f"{ledger} (sqlite): upgraded from schema version 3 to 4\n"
    with sqlite3.connect(ledger) as db:
        assert db.execute("SELECT COUNT(*) FROM external_awards").fetchone() == (0,)
        db.execute("DROP TABLE external_awards")
        db.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    db.close()
    past = write(tmp_path / "past.csv", CREDLY_HEADER, [credly_row(1)])
    code, stdout, stderr = cc("import", "awards", str(past), "-c", str(SAMPLE_CATALOG), "--ledger", str(ledger))
    assert code == 0 and "recorded 1" in stdout, stdout + stderr
    with sqlite3.connect(ledger) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("4",)
    db.close()


def test_transcript_lists_external_awards_apart_and_counts_them_for_paths(tmp_path: Path, key_file: Path) -> None:
    out = tmp_path / "out"
    rows = [credly_row(1), credly_row(1, template="containers-kubernetes-essentials", state="revoked")]
    rows[1] = rows[1].replace("b00001", "k00001")
    past = write(tmp_path / "past.csv", CREDLY_HEADER, rows)
    assert cc("import", "awards", str(past), "-c", str(SAMPLE_CATALOG), "-o", str(out))[0] == 0
    base = ("transcript", "learner1@example.com", "-c", str(SAMPLE_CATALOG), "-o", str(out))
    code, stdout, stderr = cc(*base, "-f", "json")  # only external awards: still a transcript
    assert code == 0, stdout + stderr
    data = json.loads(stdout)
    assert data["awards"] == [] and data["name"] == "Learner N1"
    assert [(a["credential"], a["status"], a["source"], a["signed_by_cc"]) for a in data["external_awards"]] == [
        ("cloud-essentials", "active", "credly", False),
        ("containers-kubernetes-essentials", "revoked", "credly", False),
    ]
    assert data["external_awards"][0]["url"] == "https://www.credly.com/badges/b00001"
    [path] = [p for p in data["paths"] if p["path"] == "cloud-developer"]
    assert path["steps_done"] == 1 and path["steps"][0]["done_by"] == "cloud-essentials"  # the revoked one: no
    # Now cc issues the next step: the transcript lists it as cc's, and the Credly one apart.
    roster = tmp_path / "next.csv"
    roster.write_text("email,name,credential\nlearner1@example.com,Learner N1,containers-kubernetes-essentials\n")
    code, stdout, stderr = cc("issue", str(roster), "-c", str(SAMPLE_CATALOG), "-o", str(out), "-k", str(key_file))
    assert code == 0, stdout + stderr
    code, stdout, _ = cc(*base)
    assert code == 0
    signed, elsewhere = stdout.split("Awarded elsewhere (imported with `cc import awards`; not signed by cc):")
    assert "containers-kubernetes-essentials" in signed and "cloud-essentials]" not in signed
    assert "active        IBM Cloud Essentials [cloud-essentials]" in elsewhere
    assert "credly: https://www.credly.com/badges/b00001" in elsewhere
    assert "Cloud Developer (cloud-developer): 2 of 3 steps" in elsewhere
    assert "1 award(s): 1 active; 2 awarded elsewhere" in stdout


def test_expiring_lists_imported_awards_with_their_source(tmp_path: Path, backend: Backend) -> None:
    cert = "ibm-certified-associate-analyst-qradar-siem-v7-5"
    rows = [
        credly_row(1, template=cert).replace("2024-03-01,,", "2024-03-01,2026-12-20,"),  # in the window
        credly_row(2, template=cert, state="revoked").replace("2024-03-01,,", "2024-03-01,2026-12-20,"),
        credly_row(3, template=cert).replace("2024-03-01,,", "2024-03-01,2027-06-01,"),  # later
    ]
    past = write(tmp_path / "past.csv", CREDLY_HEADER, rows)
    out = tmp_path / "out"
    assert cc("import", "awards", str(past), "-c", str(SAMPLE_CATALOG), "-o", str(out))[0] == 0
    base = ("expiring", "--within", "P60D", "--at", "2026-11-28", "-c", str(SAMPLE_CATALOG), "-o", str(out))
    code, stdout, stderr = cc(*base, "-f", "json")
    assert code == 0, stdout + stderr
    [award] = json.loads(stdout)["awards"]
    assert (award["email"], award["credential"], award["source"]) == ("learner1@example.com", cert, "credly")
    assert award["url"] == "https://www.credly.com/badges/b00001" and award["days_left"] == 22
    assert award["renewal"]  # what the catalog says about renewing it
    code, stdout, _ = cc(*base)
    assert code == 0 and "credly: https://www.credly.com/badges/b00001" in stdout
    code, stdout, _ = cc(*base, "-f", "csv")
    [header, row] = list(csv.reader(io.StringIO(stdout)))
    assert row[header.index("source")] == "credly"


def test_a_clr_attests_imported_awards_without_embedding_them_and_verify_says_so(
    tmp_path: Path, key_file: Path
) -> None:
    out = tmp_path / "out"
    past = write(tmp_path / "past.csv", CREDLY_HEADER, [credly_row(1)])
    assert cc("import", "awards", str(past), "-c", str(SAMPLE_CATALOG), "-o", str(out))[0] == 0
    base = ("transcript", "learner1@example.com", "-c", str(SAMPLE_CATALOG), "-o", str(out))
    code, _, stderr = cc(*base, "--clr", str(tmp_path / "none.json"), "-k", str(key_file))
    assert code == 2 and "no valid awards signed by cc" in stderr and "attested, never embedded" in stderr
    roster = tmp_path / "next.csv"
    roster.write_text("email,name,credential\nlearner1@example.com,Learner N1,containers-kubernetes-essentials\n")
    assert cc("issue", str(roster), "-c", str(SAMPLE_CATALOG), "-o", str(out), "-k", str(key_file))[0] == 0
    target = tmp_path / "learner1.clr.json"
    code, _, stderr = cc(*base, "--clr", str(target), "-k", str(key_file))
    assert code == 0, stderr
    subject = json.loads(target.read_text(encoding="utf-8"))["credentialSubject"]
    embedded = [award["credentialSubject"]["achievement"]["id"] for award in subject["verifiableCredential"]]
    assert [found.rsplit("/", 1)[1] for found in embedded] == ["containers-kubernetes-essentials.json"]
    marked = [entry for entry in subject["achievement"] if "otherIdentifier" in entry]
    assert [entry["id"].rsplit("/", 1)[1] for entry in marked] == ["cloud-essentials.json"]
    assert marked[0]["otherIdentifier"] == [
        {
            "type": "IdentifierEntry",
            "identifier": "https://www.credly.com/badges/b00001",
            "identifierType": "ext:earnedElsewhere.credly",
        }
    ]
    code, stdout, stderr = cc("verify", str(target), "--ledger", str(out / "ledger.sqlite3"), "--format", "json")
    assert code == 0, stdout + stderr
    checks = json.loads(stdout)["files"][0]["checks"]
    assert checks["schema"]["status"] == "ok" and checks["proof"]["status"] == "ok"
    assert "1 achievement(s) earned elsewhere (credly) are attested by the CLR's issuer from its records, not " \
        "embedded credentials" in checks["awards"]["reason"]  # fmt: skip


def test_ledger_copy_moves_the_external_awards(tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CC_LEDGER", raising=False)
    out = tmp_path / "out"
    past = write(
        tmp_path / "past.csv",
        CREDLY_HEADER,
        [credly_row(i, state="revoked" if i == 2 else "accepted") for i in range(4)],
    )
    assert cc("import", "awards", str(past), "-c", str(SAMPLE_CATALOG), "-o", str(out))[0] == 0
    code, stdout, stderr = cc("ledger", "copy", str(out / "ledger.sqlite3"), pg_url)
    assert code == 0, stdout + stderr
    query = "SELECT import_key, email, state, url, issued_at FROM external_awards ORDER BY import_key"
    with sqlite3.connect(out / "ledger.sqlite3") as db:
        laptop = db.execute(query).fetchall()
    db.close()
    from tests.pg import query as pg_query

    assert [tuple(row) for row in pg_query(pg_url, query)] == laptop and len(laptop) == 4


def test_ledger_status_counts_the_external_awards(tmp_path: Path) -> None:
    out = tmp_path / "out"
    past = write(tmp_path / "past.csv", CREDLY_HEADER, [credly_row(1), credly_row(2, state="revoked")])
    assert cc("import", "awards", str(past), "-c", str(SAMPLE_CATALOG), "-o", str(out))[0] == 0
    code, stdout, _ = cc("ledger", "status", "-o", str(out), "-f", "json")
    assert code == 0 and json.loads(stdout)["external_awards"] == {
        "issued": 1,
        "expired": 0,
        "revoked": 1,
        "rejected": 0,
    }
    code, stdout, _ = cc("ledger", "status", "-o", str(out))
    assert "elsewhere: 2 imported with `cc import awards`: 1 issued, 1 revoked" in stdout
    assert "schema version 4" in stdout


def test_credlys_analytics_export_is_read_with_its_expired_flag(tmp_path: Path) -> None:
    """Credly's analytics export (its column glossary): Earner Badge ID, Issued to Email, Status, Expired."""
    header = (
        "Badge Name,Badge Template ID,Issued by,Earner Badge ID,Issuer Earner ID,Group Tag,Badge URL,"
        "Issued to First Name,Issued to Middle Name,Issued to Last Name,Country,Account status,Issued to Email,"
        "Status,Expired,Issue Date,Record Created"
    )
    rows = [
        "IBM Cloud Essentials,cloud-essentials,Acme,e1,X1,,https://www.credly.com/badges/e1,Ada,,Lovelace,UK,"
        "Confirmed,ada@example.com,accepted,,2023-05-12,2023-05-12",
        "IBM Cloud Essentials,cloud-essentials,Acme,e2,X2,,https://www.credly.com/badges/e2,Bo,Wen,Chen,CN,"
        "Confirmed,bo@example.com,accepted,Expired,2020-01-10,2020-01-10",
        "IBM Cloud Essentials,cloud-essentials,Acme,e3,X3,,,Cy,,Diaz,,Not created,cy@example.com,rejected,,"
        "2023-05-12,2023-05-12",
    ]
    past = write(tmp_path / "analytics.csv", header, rows)
    out = tmp_path / "out"
    code, stdout, stderr = cc("import", "awards", str(past), "-c", str(SAMPLE_CATALOG), "-o", str(out), "-f", "json")
    assert code == 0, stdout + stderr
    data = json.loads(stdout)
    assert data["summary"]["imported"] == 3
    assert data["ignored_columns"] == [
        "Badge Name", "Issued by", "Group Tag", "Country", "Account status", "Record Created"
    ]  # fmt: skip
    with sqlite3.connect(out / "ledger.sqlite3") as db:
        found = db.execute("SELECT source_id, name, state, external_id FROM external_awards ORDER BY source_id")
        assert found.fetchall() == [
            ("e1", "Ada Lovelace", "issued", "X1"),
            ("e2", "Bo Wen Chen", "expired", "X2"),
            ("e3", "Cy Diaz", "rejected", "X3"),
        ]
    db.close()


def test_past_earners_of_legacy_and_retired_credentials_are_imported(tmp_path: Path) -> None:
    """The framework's promise: earlier achievements stay relevant. A legacy credential's (and a retired
    one's) past earners are imported, though neither could be issued from a roster today (CC504 for retired)."""
    rows = [
        credly_row(1, template="bluemix-essentials", issued="2017-06-01"),
        credly_row(2, template="ibm-certified-advocate-cloud-v1", issued="2018-02-01"),
    ]
    past = write(tmp_path / "past.csv", CREDLY_HEADER, rows)
    out = tmp_path / "out"
    code, stdout, stderr = cc("import", "awards", str(past), "-c", str(SAMPLE_CATALOG), "-o", str(out))
    assert code == 0 and "recorded 2" in stdout, stdout + stderr
    code, stdout, _ = cc("transcript", "learner2@example.com", "-c", str(SAMPLE_CATALOG), "-o", str(out), "-f", "json")
    [award] = json.loads(stdout)["external_awards"]
    assert award["credential"] == "ibm-certified-advocate-cloud-v1" and award["issued_at"] == "2018-02-01T00:00:00Z"
