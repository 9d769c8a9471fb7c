"""`cc expiring --within P60D`: which awards lapse soon (certifications first), and certification renewal.

Awards are issued through `cc issue` on the small rule-test catalog, where the certification
`base-associate` is valid for P3Y (renewal: 40 hours of continuing education) and, for these tests, the
skill badge `base-foundational` expires after P1Y. Everything is judged at 2026-12-01 (`--at`).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cc_cli.cli.app import app
from cc_cli.ledger.locate import resolve
from cc_cli.lifecycle.expiring import CSV_HEADER
from tests.conftest import Backend
from tests.pg import query as pg_query

runner = CliRunner()
AT = "2026-12-01"
ROSTER = [
    "ana@example.com,Ana Lima,base-associate,2024-01-10",  # valid until 2027-01-10: 40 days left
    "bo@example.com,Bo Berg,base-foundational,2026-01-20",  # 2027-01-20: 50 days, a skill badge
    'cy@example.com,"=HYPERLINK(""http://evil.example"",""x"")",base-associate,2023-12-20',  # 2026-12-20: 19 days
    "dee@example.com,Dee Ng,base-foundational,2025-06-01",  # expired on 2026-06-01: not listed
    "eve@example.com,Eve Park,base-associate,2025-06-01",  # 2028-06-01: outside the window
    "fay@example.com,Fay Ruiz,base-foundational,2026-01-05",  # revoked below: not listed
]


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def write_roster(path: Path, rows: list[str]) -> Path:
    path.write_text("email,name,credential,issued_on\n" + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture
def issued(tmp_path: Path, base_catalog: Path, backend: Backend) -> tuple[Path, Path, Path]:
    """(catalog, out, key) with ROSTER issued and Fay's badge revoked (in SQLite, or in PostgreSQL)."""
    for name, extra in (("base-associate", "duplicates: replace\n"), ("base-foundational", "expires_after: P1Y\n")):
        path = base_catalog / f"credentials/{name}.yaml"
        path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    out, key = tmp_path / "awards", tmp_path / "issuer.key"
    assert invoke("keys", "init", str(key))[0] == 0
    code, stdout, stderr = issue(base_catalog, out, key, write_roster(tmp_path / "roster.csv", ROSTER))
    assert code == 0, stdout + stderr
    fay = ledger(out, "SELECT id FROM awards WHERE email_lower = 'fay@example.com'")[0][0]
    code, stdout, stderr = invoke(
        "revoke", str(fay), "--reason", "left the programme", "--out", str(out), "--key", str(key), "--catalog",
        str(base_catalog),
    )  # fmt: skip
    assert code == 0, stdout + stderr
    return base_catalog, out, key


def issue(catalog: Path, out: Path, key: Path, roster: Path) -> tuple[int, str, str]:
    return invoke(
        "issue", str(roster), "--catalog", str(catalog), "--out", str(out), "--key", str(key), "--workers", "1"
    )


def ledger(out: Path, query: str) -> list[tuple[object, ...]]:
    return pg_query(resolve(None, out), query)  # OUT/ledger.sqlite3, or $CC_LEDGER (the `backend` fixture)


def expiring(catalog: Path, out: Path, *args: str) -> tuple[int, str, str]:
    return invoke("expiring", "--catalog", str(catalog), "--out", str(out), "--at", AT, *args)


def expiring_json(catalog: Path, out: Path, *args: str) -> Any:
    code, stdout, stderr = expiring(catalog, out, "--format", "json", *args)
    assert code == 0, stdout + stderr
    return json.loads(stdout)


def test_lists_awards_expiring_within_the_window_certifications_first(issued: tuple[Path, Path, Path]) -> None:
    catalog, out, _ = issued
    payload = expiring_json(catalog, out, "--within", "P60D")
    assert payload["at"] == "2026-12-01T00:00:00Z" and payload["until"] == "2027-01-30T00:00:00Z"
    awards = payload["awards"]
    assert isinstance(awards, list)
    assert [(a["email"], a["classification"], a["days_left"]) for a in awards] == [
        ("cy@example.com", "certification", 19),
        ("ana@example.com", "certification", 40),
        ("bo@example.com", "skill", 50),
    ]
    ana = awards[1]
    assert ana["credential"] == "base-associate" and ana["title"] == "Base Certified Associate"
    assert ana["valid_until"] == "2027-01-10T00:00:00Z" and ana["award_id"].startswith("urn:uuid:")
    assert ana["renewal"] == [{"kind": "continuing-education", "hours": 40}]
    assert awards[2]["renewal"] == []
    assert payload["summary"] == {"awards": 3, "certifications": 2}
    narrower = expiring_json(catalog, out, "--within", "P3W")["awards"]
    assert [a["email"] for a in narrower] == ["cy@example.com"]


def test_csv_is_formula_safe_on_stdout_and_in_a_file(issued: tuple[Path, Path, Path], tmp_path: Path) -> None:
    catalog, out, _ = issued
    code, stdout, _ = expiring(catalog, out, "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(stdout)))
    assert rows[0] == CSV_HEADER and len(rows) == 4
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[2][CSV_HEADER.index("renewal")] == "continuing-education (40 h)"
    target = tmp_path / "reports" / "expiring.csv"
    code, stdout, stderr = expiring(catalog, out, "--format", "csv", "--output", str(target))
    assert code == 0 and stdout == "" and stderr == f"wrote 3 expiring award(s) to {target}\n"
    assert list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig")))) == rows
    inferred = tmp_path / "reports" / "inferred.CSV"  # the format from the file name, as users expect
    assert expiring(catalog, out, "--output", str(inferred))[0] == 0
    assert inferred.read_bytes() == target.read_bytes()


def test_plain_table_when_piped(issued: tuple[Path, Path, Path]) -> None:
    catalog, out, _ = issued
    code, stdout, _ = expiring(catalog, out, "--within", "P60D")
    lines = stdout.splitlines()
    assert code == 0 and "\x1b[" not in stdout
    assert lines[0] == "3 award(s) expire between 2026-12-01 and 2027-01-30 (P60D)"
    assert lines[1].split() == ["email", "name", "credential", "classification", "award", "id", "valid", "until",
                                "days", "left", "renewal"]  # fmt: skip
    assert lines[3].startswith("ana@example.com") and "2027-01-10   40" in lines[3]
    code, stdout, _ = expiring(catalog, out, "--within", "P1D")
    assert code == 0 and stdout == "0 award(s) expire between 2026-12-01 and 2026-12-02 (P1D)\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--within", "60 days"], "--within '60 days' is not an ISO 8601 duration"),
        (["--within", "P"], "--within 'P' is not an ISO 8601 duration"),
        (["--format", "xml"], "--format 'xml' is not one of: table, csv, json"),
        (["--output", "x.txt"], "--output writes csv or json"),
        (["--within", "P99999999Y"], "--within: P99999999Y after 2026-12-01 is beyond the year 9999"),
        (["--at", "9999-12-31", "--within", "P1Y"], "--at '9999-12-31' is too far from today"),
        (["--at", "0001-01-01T00:00:00+05:00"], "--at '0001-01-01T00:00:00+05:00' is too far from today"),
    ],
)
def test_usage_errors_are_one_line_exit_2(issued: tuple[Path, Path, Path], args: list[str], message: str) -> None:
    catalog, out, _ = issued
    code, stdout, stderr = expiring(catalog, out, *args)
    assert code == 2 and stdout == ""
    assert stderr.startswith(f"cc: error: {message}") and stderr.count("\n") == 1


def test_missing_ledger_is_a_usage_error_and_creates_nothing(tmp_path: Path, base_catalog: Path) -> None:
    code, _, stderr = expiring(base_catalog, tmp_path / "none")
    assert (
        code == 2
        and stderr == f"cc: error: no ledger at {tmp_path / 'none' / 'ledger.sqlite3'} (give --ledger or --out)\n"
    )
    assert not (tmp_path / "none").exists()


def test_certification_renewal_links_the_old_award_keeps_awarded_date_and_leaves_the_list(
    issued: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    catalog, out, key = issued
    (old_id,) = ledger(out, "SELECT id FROM awards WHERE email_lower = 'ana@example.com'")[0]
    renewal = write_roster(tmp_path / "renewal.csv", ["ANA@example.com,Ana Lima,base-associate,2026-11-20"])
    code, stdout, stderr = issue(catalog, out, key, renewal)
    assert code == 0, stdout + stderr
    rows = ledger(
        out,
        "SELECT id, state, revoked_reason, replaces, awarded_at, issued_at, valid_until, file FROM awards "
        "WHERE email_lower = 'ana@example.com' ORDER BY status_index",
    )
    (old, new) = rows
    assert old[0] == old_id and old[1] == "revoked" and old[2] == f"superseded by {new[0]}"
    assert new[1] == "issued" and new[3] == old_id
    assert new[4] == "2024-01-10T00:00:00Z" and new[5] == "2026-11-20T00:00:00Z" and new[6] == "2029-11-20T00:00:00Z"
    award = json.loads((out / str(new[7])).read_text(encoding="utf-8"))
    assert award["awardedDate"] == "2024-01-10T00:00:00Z" and award["validFrom"] == "2026-11-20T00:00:00Z"
    listed = expiring_json(catalog, out, "--within", "P60D")["awards"]
    assert [a["email"] for a in listed] == ["cy@example.com", "bo@example.com"]
