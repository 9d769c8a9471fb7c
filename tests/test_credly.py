"""Coming from Credly (issue 16): its bulk-issue rosters as downloaded, through `cc issue`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cc_cli.cli.app import app
from tests.conftest import SAMPLE_CATALOG

runner = CliRunner()
CREDLY_HEADER = (
    "Badge Template ID,Recipient Email,Issued To First Name,Issued To Middle Name,Issued To Last Name,Issued at,"
    "Expires at,Issuer Earner ID,Group Tag,Country,Locale,Evidence URL\r\n"
)


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("key") / "issuer.key"
    result = runner.invoke(app, ["keys", "init", str(path)])
    assert result.exit_code == 0, result.output
    return path


def credly_roster(path: Path, rows: list[str]) -> Path:
    """A roster as Credly's template downloads: UTF-8 with a BOM, CRLF line ends."""
    path.write_bytes(("\ufeff" + CREDLY_HEADER + "".join(row + "\r\n" for row in rows)).encode("utf-8"))
    return path


def cc(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


ROWS = [
    "cloud-essentials,ada@example.com,Ada,,Lovelace,03/14/25,,E-1,cohort-3,UK,en,",
    "cloud-essentials,bo@example.com,Bo,Wen,Chen,2025-03-04,,E-2,cohort-3,CN,zh,https://example.com/bo",
]


def test_a_credly_roster_dry_runs_and_lists_the_ignored_columns_once(tmp_path: Path) -> None:
    roster = credly_roster(tmp_path / "credly.csv", ROWS)
    code, out, err = cc("issue", str(roster), "-c", str(SAMPLE_CATALOG), "-o", str(tmp_path / "out"), "--dry-run")
    assert code == 0, out + err
    assert "2 rows: would issue 2" in out
    assert out.count("ignored column(s), read into no field: Group Tag, Country, Locale\n") == 1
    code, out, err = cc(
        "issue", str(roster), "-c", str(SAMPLE_CATALOG), "-o", str(tmp_path / "out"), "--dry-run", "-f", "json"
    )
    assert code == 0, out + err
    data = json.loads(out)
    assert data["ignored_columns"] == ["Group Tag", "Country", "Locale"]
    assert data["summary"]["issued"] == 2


def test_an_ambiguous_date_is_refused_until_date_format_says_the_order(tmp_path: Path) -> None:
    roster = credly_roster(tmp_path / "credly.csv", ["cloud-essentials,ada@example.com,Ada,,Lovelace,03/04/25,,,,,,"])
    args = ("issue", str(roster), "-c", str(SAMPLE_CATALOG), "-o", str(tmp_path / "out"), "--dry-run")
    code, out, err = cc(*args)
    assert code == 1
    assert f"{roster}:2:6: error CC505 Issued at '03/04/25' reads two ways" in err
    assert "--date-format mdy" in err and "Traceback" not in out + err
    code, out, err = cc(*args, "--date-format", "mdy")
    assert code == 0, out + err
    code, out, err = cc(*args, "--date-format", "yy/mm/dd")
    assert code == 2 and "unknown --date-format 'yy/mm/dd': use mdy" in out + err


def test_a_credly_roster_issues_with_its_dates_earner_id_and_evidence(tmp_path: Path, key_file: Path) -> None:
    roster = credly_roster(tmp_path / "credly.csv", ROWS)
    out_dir = tmp_path / "out"
    code, out, err = cc("issue", str(roster), "-c", str(SAMPLE_CATALOG), "-o", str(out_dir), "-k", str(key_file))
    assert code == 0, out + err
    awards = {
        doc["credentialSubject"]["identifier"][0]["identityHash"]: doc
        for doc in (json.loads(p.read_text()) for p in out_dir.glob("cloud-essentials/*.json"))
    }
    assert len(awards) == 2
    dates = sorted(doc["validFrom"] for doc in awards.values())
    assert dates == ["2025-03-04T00:00:00Z", "2025-03-14T00:00:00Z"]
    names = sorted(doc["credentialSubject"]["identifier"][1]["identityHash"] for doc in awards.values())
    assert names == ["Ada Lovelace", "Bo Wen Chen"]
    evidence = [doc["evidence"] for doc in awards.values() if "evidence" in doc]
    assert evidence == [[{"type": ["Evidence"], "id": "https://example.com/bo"}]]
    import sqlite3

    with sqlite3.connect(out_dir / "ledger.sqlite3") as db:
        ids = sorted(row[0] for row in db.execute("SELECT external_id FROM awards"))
    assert ids == ["E-1", "E-2"]


# --- the export reads back ----------------------------------------------------------------------

TEMPLATES = {
    "cloud-essentials": "5f0c1b4e-3d2a-4c8e-9b7f-1a2b3c4d5e6f",
    "containers-kubernetes-essentials": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
}


def test_the_credly_export_as_written_dry_runs_clean(tmp_path: Path) -> None:
    """Its example rows are valid: prerequisites above the rows that need them, Thought Leader evidence."""
    template = tmp_path / "credly.csv"
    code, out, err = cc("export", "-f", "credly-csv", "-c", str(SAMPLE_CATALOG), "-o", str(template))
    assert code == 0, out + err
    assert "--date-format mdy" in err
    code, out, err = cc(
        "issue", str(template), "-c", str(SAMPLE_CATALOG), "-o", str(tmp_path / "out"), "--dry-run",
        "--date-format", "mdy", "-f", "json",
    )  # fmt: skip
    data = json.loads(out)
    assert code == 0 and data["problems"] == [], err + out
    assert data["summary"]["rejected"] == 0 and data["summary"]["issued"] == data["summary"]["rows"] > 20


def test_the_credly_export_writes_template_ids_and_issues_once_recipients_are_filled_in(
    tmp_path: Path, key_file: Path
) -> None:
    import csv
    import io
    import shutil

    catalog = tmp_path / "catalog"
    shutil.copytree(SAMPLE_CATALOG, catalog)
    for cid, template in TEMPLATES.items():
        with (catalog / "credentials" / f"{cid}.yaml").open("a", encoding="utf-8") as file:
            file.write(f"credly_template_id: {template}\n")
    template_file = tmp_path / "credly.csv"
    code, out, err = cc("export", "-f", "credly-csv", "-c", str(catalog), "-o", str(template_file))
    assert code == 0, out + err
    rows = list(csv.DictReader(io.StringIO(template_file.read_text(encoding="utf-8"), newline="")))
    by_tag = {row["Group Tag"]: row for row in rows}
    assert {tag: by_tag[tag]["Badge Template ID"] for tag in TEMPLATES} == TEMPLATES
    assert all(row["Badge Template ID"] == tag for tag, row in by_tag.items() if tag not in TEMPLATES)  # catalog ids
    # Fill in the recipients, as an office would: two learners, each earning every credential in order.
    learners = [("ada@example.com", "Ada", "", "Lovelace"), ("grace@example.com", "Grace", "Brewster", "Hopper")]
    filled = io.StringIO()
    writer = csv.DictWriter(filled, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    for email, first, middle, last in learners:
        for row in rows:
            writer.writerow(
                {
                    **row,
                    "Recipient Email": email,
                    "Issued To First Name": first,
                    "Issued To Middle Name": middle,
                    "Issued To Last Name": last,
                }
            )
    roster = tmp_path / "filled.csv"
    roster.write_bytes(("\ufeff" + filled.getvalue()).encode("utf-8"))
    out_dir = tmp_path / "out"
    code, out, err = cc(
        "issue", str(roster), "-c", str(catalog), "-o", str(out_dir), "-k", str(key_file), "--date-format", "mdy",
        "-f", "json", "--workers", "1",
    )  # fmt: skip
    data = json.loads(out)
    assert code == 0 and data["problems"] == [], err + out
    assert data["summary"]["issued"] == 2 * len(rows)
    assert "Group Tag" in data["ignored_columns"]
    # Read back: every award is of the credential its row's Group Tag names.
    issued = {(row["email"], row["credential"]) for row in data["rows"] if row["action"] == "issue"}
    assert issued == {(email, row["Group Tag"]) for email, *_ in learners for row in rows}
    for row in data["rows"]:
        award = json.loads((out_dir / row["file"]).read_text(encoding="utf-8"))
        assert award["credentialSubject"]["achievement"]["id"].endswith(f"/achievements/{row['credential']}.json")
