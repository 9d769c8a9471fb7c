"""`cc transcript EMAIL`: every award with its standing, and progress along the learning paths.

One learner's history, issued through `cc issue` and `cc revoke` on the sample catalog, judged at
2026-11-01: two expired skill badges (security path), three active data science badges, a QRadar
certification renewed once inside its renewal window (the first award runs to its own end, and the renewal
extends from that end), and a cloud badge revoked as issued in error.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cc_cli.cli.app import app
from cc_cli.ledger.locate import resolve
from tests.conftest import SAMPLE_CATALOG
from tests.pg import query as pg_query

runner = CliRunner()
AT = "2026-11-01"
CERT = "ibm-certified-associate-analyst-qradar-siem-v7-5"
HISTORY = [
    "ana@example.com,Ana Lima,cybersecurity-fundamentals,2023-01-10",
    "ana@example.com,Ana Lima,qradar-siem-foundations,2023-02-10",
    "ana@example.com,Ana Lima,data-science-foundations-level-1,2024-01-10",
    "ana@example.com,Ana Lima,data-science-foundations-level-2,2024-02-10",
    "ana@example.com,Ana Lima,python-for-data-science,2024-03-10",
    f"ana@example.com,Ana Lima,{CERT},2024-04-10",
    "ana@example.com,Ana Lima,cloud-essentials,2024-05-10",
    "bo@example.com,Bo Berg,cloud-essentials,2024-05-10",
]


@dataclass
class History:
    out: Path
    key: Path
    ids: dict[str, str]  # credential id -> Ana's live (or last) award id
    old_cert: str
    revoked: str
    ledger: str | Path = ""  # where the history's ledger is (OUT/ledger.sqlite3, or a PostgreSQL URL)


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def write_roster(path: Path, rows: list[str]) -> Path:
    path.write_text("email,name,credential,issued_on\n" + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def make_history(root: Path) -> History:
    """Issue Ana's history, renew her certification, revoke one badge; return where everything is."""
    out, key = root / "awards", root / "issuer.key"
    assert invoke("keys", "init", str(key))[0] == 0
    common = ["--catalog", str(SAMPLE_CATALOG), "--out", str(out), "--key", str(key), "--workers", "1"]
    for name, roster in (("history.csv", HISTORY), ("renew.csv", [f"ana@example.com,Ana Lima,{CERT},2026-04-01"])):
        code, stdout, stderr = invoke("issue", str(write_roster(root / name, roster)), *common)
        assert code == 0, stdout + stderr
    ledger = resolve(None, out)  # $CC_LEDGER when the `history` fixture runs against PostgreSQL
    rows = pg_query(
        ledger,
        "SELECT credential_id, id, state FROM awards WHERE email_lower = 'ana@example.com' ORDER BY status_index",
    )
    ids = {credential: award_id for credential, award_id, _ in rows}
    old_cert = next(award_id for credential, award_id, _ in rows if credential == CERT)  # renewed, not revoked
    revoked = ids["cloud-essentials"]
    code, stdout, stderr = invoke(
        "revoke", revoked, "--reason", "issued in error", "--out", str(out), "--key", str(key), "--catalog",
        str(SAMPLE_CATALOG),
    )  # fmt: skip
    assert code == 0, stdout + stderr
    return History(out=out, key=key, ids=ids, old_cert=old_cert, revoked=revoked, ledger=ledger)  # type: ignore[arg-type]


_databases = itertools.count()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def history(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    """The history in an SQLite ledger, then in a PostgreSQL one ($CC_LEDGER, for every test of the module)."""
    with pytest.MonkeyPatch.context() as patch:
        if request.param == "postgresql":
            server = request.getfixturevalue("pg_server")
            patch.setenv("CC_LEDGER", server.new_database(f"history_{os.getpid()}_{next(_databases)}"))
        else:
            patch.delenv("CC_LEDGER", raising=False)
        yield make_history(tmp_path_factory.mktemp("history"))


def transcript_json(history: History, email: str = "ana@example.com", *extra: str) -> Any:
    code, stdout, stderr = invoke(
        "transcript", email, "--out", str(history.out), "--catalog", str(SAMPLE_CATALOG), "--at", AT, "-f", "json",
        *extra,
    )  # fmt: skip
    assert code == 0, stdout + stderr
    return json.loads(stdout)


def test_every_award_is_marked_active_expired_or_revoked_and_a_renewal_revokes_nothing(history: History) -> None:
    payload = transcript_json(history, "  ANA@Example.COM ")  # emails compare case-insensitively
    assert payload["name"] == "Ana Lima" and payload["at"] == "2026-11-01T00:00:00Z"
    by_id = {award["award_id"]: award for award in payload["awards"]}
    status = {award["credential"]: award["status"] for award in by_id.values() if award["award_id"] != history.old_cert}
    assert status == {
        "cybersecurity-fundamentals": "expired",
        "qradar-siem-foundations": "expired",
        "data-science-foundations-level-1": "active",
        "data-science-foundations-level-2": "active",
        "python-for-data-science": "active",
        CERT: "active",
        "cloud-essentials": "revoked",
    }
    old, new = by_id[history.old_cert], by_id[history.ids[CERT]]
    assert old["status"] == "expired" and old["superseded"] is False and old["revoked_at"] is None
    assert old["renewed_by"] == new["award_id"] and old["replaced_by"] is None
    assert new["replaces"] == old["award_id"] and new["awarded_at"] == old["awarded_at"] == "2024-04-10T00:00:00Z"
    # Renewed on 2026-04-01, 9 days before the first award ended (2026-04-10): P2Y from that end.
    assert old["valid_until"] == "2026-04-10T00:00:00Z" and new["valid_until"] == "2028-04-10T00:00:00Z"
    revoked = by_id[history.revoked]
    assert revoked["revoked_reason"] == "issued in error" and revoked["superseded"] is False
    assert payload["summary"] == {
        "awards": 8,
        "active": 4,
        "expired": 3,
        "revoked": 1,
        "not-yet-valid": 0,
        "pending": 0,
        "superseded": 0,
        "paths_complete": 0,
        "external": 0,  # awards imported from elsewhere (`cc import awards`)
    }


def test_path_progress_counts_earned_awards_and_never_revoked_ones(history: History) -> None:
    paths = {path["path"]: path for path in transcript_json(history)["paths"]}
    # cloud-developer: its only award (cloud-essentials) is revoked, so the path is not started.
    assert sorted(paths) == ["data-scientist", "security-analyst"]
    science = paths["data-scientist"]
    assert (science["steps_done"], science["steps_total"], science["complete"]) == (3, 4, False)
    assert [step["done_by"] for step in science["steps"]] == [
        "data-science-foundations-level-1",
        "data-science-foundations-level-2",
        "python-for-data-science",  # one_of: either option completes the step
        None,
    ]
    assert science["leads_to"] == "data-science-professional-certificate" and science["leads_to_held"] is False
    security = paths["security-analyst"]  # expired badges still count: the learning happened
    assert (security["steps_done"], security["steps_total"]) == (2, 3)
    assert security["leads_to"] == CERT and security["leads_to_held"] is True


def test_all_paths_adds_the_paths_not_started_at_zero(history: History) -> None:
    paths = {path["path"]: path for path in transcript_json(history, "ana@example.com", "--all-paths")["paths"]}
    assert sorted(paths) == ["cloud-developer", "data-scientist", "security-analyst"]
    developer = paths["cloud-developer"]
    assert (developer["steps_done"], developer["complete"]) == (0, False) and developer["steps_total"] > 0
    assert paths["data-scientist"]["steps_done"] == 3  # the others are unchanged


def test_at_before_an_award_marks_it_not_yet_valid(history: History) -> None:
    code, stdout, _ = invoke(
        "transcript", "ana@example.com", "--out", str(history.out), "--catalog", str(SAMPLE_CATALOG), "--at",
        "2024-02-01", "-f", "json",
    )  # fmt: skip
    assert code == 0
    status = {a["credential"]: a["status"] for a in json.loads(stdout)["awards"] if a["status"] != "revoked"}
    assert status["data-science-foundations-level-1"] == "active"
    assert status["data-science-foundations-level-2"] == status[CERT] == "not-yet-valid"
    assert status["cybersecurity-fundamentals"] == "active"  # expires 2026-01-10


def test_plain_text_when_piped(history: History) -> None:
    code, stdout, _ = invoke(
        "transcript", "ana@example.com", "--out", str(history.out), "--catalog", str(SAMPLE_CATALOG), "--at", AT
    )
    assert code == 0
    assert "\x1b[" not in stdout, "no colour codes in a pipe"
    lines = stdout.splitlines()
    assert lines[0] == "Transcript of Ana Lima <ana@example.com> at 2026-11-01"
    assert any(line.strip().startswith("expired") and "[cybersecurity-fundamentals]" in line for line in lines)
    assert f"renewed by {history.ids[CERT]}" in stdout and "superseded" not in stdout
    assert "(revoked 2026-" in stdout and ": issued in error)" in stdout
    assert "  Data Scientist (data-scientist): 3 of 4 steps" in lines
    assert "    [ ] Machine Learning with Python (machine-learning-with-python)" in lines
    assert any("one of: Python for Data Science and AI" in line and "[x]" in line for line in lines)
    assert f"    leads to IBM Certified Associate Analyst - Security QRadar SIEM V7.5 ({CERT}): held" in lines
    assert lines[-1] == "8 award(s): 4 active, 3 expired, 1 revoked; 0 of 2 path(s) complete"


def test_unknown_email_exits_1_and_a_missing_ledger_exits_2(
    history: History, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stdout, stderr = invoke("transcript", "nobody@example.com", "--out", str(history.out))
    assert code == 1 and stdout == ""
    assert stderr == f"cc: error: no awards for nobody@example.com in {history.ledger}\n"
    code, _, stderr = invoke("transcript", "ana@exmaple.com", "--out", str(history.out))
    assert code == 1 and stderr.endswith("(did you mean ana@example.com?)\n")
    monkeypatch.delenv("CC_LEDGER", raising=False)  # the default ledger, in OUT
    code, _, stderr = invoke("transcript", "ana@example.com", "--out", str(tmp_path / "none"))
    assert code == 2 and stderr.startswith("cc: error: no ledger at") and stderr.count("\n") == 1
    assert not (tmp_path / "none").exists(), "a read-only command never creates a ledger"
    code, _, stderr = invoke("transcript", "ana@example.com", "--out", str(history.out), "--at", "yesterday")
    assert code == 2 and "--at 'yesterday' is not a date" in stderr
    code, _, stderr = invoke(
        "transcript", "ana@example.com", "--out", str(history.out), "--at", "9999-12-31T23:00-05:00"
    )
    assert code == 2 and "is too far from today" in stderr
    code, _, stderr = invoke("transcript", " ", "--out", str(history.out))
    assert code == 2 and stderr == "cc: error: ' ' is not an email address: give the learner's email\n"
