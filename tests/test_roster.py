"""Roster reading and row checks: what spreadsheets export, and every CC5xx code with its line."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cc_cli.catalog import load_catalog
from cc_cli.roster import RosterError, read_roster, safe_cell, write_csv
from cc_cli.rowchecks import check_rows
from tests.conftest import ROOT, SAMPLE_CATALOG

NOW = datetime(2026, 11, 28, tzinfo=UTC)
CATALOG = load_catalog(SAMPLE_CATALOG).catalog


def roster_file(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "r.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def check(path: Path, holdings: dict[str, set[str]] | None = None, tz: str = "UTC", encoding: str | None = None):  # type: ignore[no-untyped-def]
    roster = read_roster(path, encoding)
    held = holdings or {}
    return roster, check_rows(roster, CATALOG, lambda email: held.get(email, set()), NOW, ZoneInfo(tz))


def codes(result) -> list[tuple[int, int, str]]:  # type: ignore[no-untyped-def]
    return [(p.line, p.column, p.code) for _, problems in result.rejected for p in problems]


def test_sample_roster_is_clean() -> None:
    roster, result = check(ROOT / "examples/roster.csv")
    assert result.rejected == []
    assert len(result.valid) == len(roster.rows) > 24


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("email,name,credential\r\nana@example.com,Ana,cloud-essentials\r\n", "utf-8"),
        ("\ufeffemail,name,credential\nana@example.com,Ana,cloud-essentials\n", "utf-8"),
        ("email;name;credential\nana@example.com;Ana;cloud-essentials\n", "utf-8"),
        ("email\tname\tcredential\nana@example.com\tAna\tcloud-essentials\n", "utf-8"),
        ('"email","name","credential"\n"ana@example.com","Ana","cloud-essentials"\n', "utf-8"),
    ],
    ids=["crlf", "bom", "semicolon", "tab", "quoted"],
)
def test_dialects(tmp_path: Path, text: str, encoding: str) -> None:
    _, result = check(roster_file(tmp_path, text, encoding))
    assert [(p.email, p.name, p.credential_id) for p in result.valid] == [
        ("ana@example.com", "Ana", "cloud-essentials")
    ]


def test_quoted_commas_and_line_breaks_keep_line_numbers(tmp_path: Path) -> None:
    text = (
        "email,name,credential,evidence_narrative\n"
        'ana@example.com,"Núñez, Ana",cloud-essentials,"line one\nline two, with ""quotes"""\n'
        "bad-email,Bob,cloud-essentials,\n"
    )
    _, result = check(roster_file(tmp_path, text))
    assert result.valid[0].name == "Núñez, Ana"
    assert result.valid[0].evidence_narrative == 'line one\nline two, with "quotes"'
    assert codes(result) == [(4, 1, "CC502")]


@pytest.mark.parametrize(
    "header",
    [
        "Recipient Email,Full Name,Credential ID,Issue Date",
        "E-mail,Recipient Name,Badge,Issued",
        "EMAIL ADDRESS,name,BADGE_ID,date issued",
        "recipient,learner name,achievement,awarded-on",
    ],
)
def test_header_aliases(tmp_path: Path, header: str) -> None:
    _, result = check(roster_file(tmp_path, f"{header}\nana@example.com,Ana,cloud-essentials,2026-03-01\n"))
    [planned] = result.valid
    assert (planned.email, planned.name, planned.credential_id) == ("ana@example.com", "Ana", "cloud-essentials")
    assert planned.issued_at == datetime(2026, 3, 1, tzinfo=ZoneInfo("UTC"))


def test_first_and_last_name_columns(tmp_path: Path) -> None:
    _, result = check(
        roster_file(tmp_path, "First Name,Last Name,Email,Credential\nZoë,Åström,zoe@example.com,cloud-essentials\n")
    )
    assert result.valid[0].name == "Zoë Åström"


def test_optional_aliases(tmp_path: Path) -> None:
    header = "email,name,credential,Expiration Date,Evidence,Evidence Description,Reference"
    row = "ana@example.com,Ana,cloud-essentials,2027-01-01,https://example.com/e,Did it,LMS-1"
    _, result = check(roster_file(tmp_path, f"{header}\n{row}\n"))
    planned = result.valid[0]
    assert (planned.evidence_url, planned.evidence_narrative, planned.external_id) == (
        "https://example.com/e",
        "Did it",
        "LMS-1",
    )
    assert planned.expires_at == datetime(2027, 1, 1, tzinfo=ZoneInfo("UTC"))


def test_missing_column_is_cc501(tmp_path: Path) -> None:
    with pytest.raises(RosterError) as caught:
        read_roster(roster_file(tmp_path, "mail address,name,badge\nx,y,z\n"))
    problem = caught.value.problem
    assert (problem.code, problem.line) == ("CC501", 1)
    assert "email" in problem.message


def test_non_utf8_needs_encoding(tmp_path: Path) -> None:
    path = roster_file(tmp_path, "email,name,credential\nana@example.com,José Núñez,cloud-essentials\n", "cp1252")
    with pytest.raises(RosterError) as caught:
        read_roster(path)
    problem = caught.value.problem
    assert (problem.code, problem.line) == ("CC501", 2)
    assert "--encoding cp1252" in problem.message and "0xe9" in problem.message
    _, result = check(path, encoding="cp1252")
    assert result.valid[0].name == "José Núñez"


def test_every_row_code(tmp_path: Path) -> None:
    text = (
        "email,name,credential,issued_on,expires_on,evidence_url\n"
        "ana@example,Ana,cloud-essentials,2026-01-01,,\n"  # 2 CC502
        "bo@example.com,Bo,cloud-esentials,2026-01-01,,\n"  # 3 CC503
        "cy@example.com,Cy,watsonx-ai-prompt-engineering,2026-01-01,,\n"  # 4 CC504 (draft)
        "di@example.com,Di,cloud-essentials,2027-01-01,,\n"  # 5 CC505 future
        "ed@example.com,Ed,cloud-essentials,2026-05-01,2026-04-01,\n"  # 6 CC505 expiry before issue
        "fa@example.com,Fa,cloud-essentials,01/05/2026,,\n"  # 7 CC505 bad date
        "ge@example.com,Ge,cloud-essentials,2026-01-01,,\n"  # 8 ok
        "GE@example.com,Ge,cloud-essentials,2026-02-01,,\n"  # 9 CC506 (emails compared case-insensitively)
        "ha@example.com,Ha,containers-kubernetes-essentials,2026-01-01,,\n"  # 10 CC507
        "ia@example.com,Ia,enterprise-design-thinking-coach,2026-01-01,,\n"  # 11 CC507 + CC508
        "ja@example.com,,cloud-essentials,2026-01-01,,\n"  # 12 CC509 empty name
        f"ka@example.com,{'K' * 300},cloud-essentials,2026-01-01,,\n"  # 13 CC509 oversized
        "la@example.com,La\x07,cloud-essentials,2026-01-01,,\n"  # 14 CC509 control character
        "ma@example.com,Ma,cloud-essentials,2026-01-01,,javascript:alert(1)\n"  # 15 CC509 not a URL
    )
    _, result = check(roster_file(tmp_path, text))
    assert codes(result) == [
        (2, 1, "CC502"),
        (3, 3, "CC503"),
        (4, 3, "CC504"),
        (5, 4, "CC505"),
        (6, 5, "CC505"),
        (7, 4, "CC505"),
        (9, 1, "CC506"),
        (10, 3, "CC507"),
        (11, 3, "CC507"),
        (11, 3, "CC508"),
        (12, 2, "CC509"),
        (13, 2, "CC509"),
        (14, 2, "CC509"),
        (15, 6, "CC509"),
    ]
    messages = {p.code: p.message for _, problems in result.rejected for p in problems}
    assert 'did you mean "cloud-essentials"' in messages["CC503"]
    assert "repeats line 8" in messages["CC506"]
    assert [p.line for p in result.valid] == [8]


def test_prerequisites_from_ledger_or_earlier_rows(tmp_path: Path) -> None:
    text = (
        "email,name,credential\n"
        "ana@example.com,Ana,cloud-essentials\n"
        "ana@example.com,Ana,containers-kubernetes-essentials\n"  # prerequisite earlier in this roster
        "bo@example.com,Bo,containers-kubernetes-essentials\n"  # prerequisite in the ledger
    )
    _, result = check(roster_file(tmp_path, text), holdings={"bo@example.com": {"cloud-essentials"}})
    assert result.rejected == [] and len(result.valid) == 3


def test_credential_can_be_named_by_its_title(tmp_path: Path) -> None:
    _, result = check(roster_file(tmp_path, "email,name,credential\nana@example.com,Ana,ibm cloud essentials\n"))
    assert result.valid[0].credential_id == "cloud-essentials"


@pytest.mark.parametrize(
    ("cell", "tz", "expected"),
    [
        ("2026-03-01", "UTC", datetime(2026, 3, 1, tzinfo=UTC)),
        ("2026-03-01", "Europe/Paris", datetime(2026, 2, 28, 23, 0, tzinfo=UTC)),
        ("2026-03-01T10:00:00+02:00", "UTC", datetime(2026, 3, 1, 8, 0, tzinfo=UTC)),
        ("2026-03-01T10:00:00Z", "Asia/Tokyo", datetime(2026, 3, 1, 10, 0, tzinfo=UTC)),
        ("2026-03-01T10:00:00", "America/New_York", datetime(2026, 3, 1, 15, 0, tzinfo=UTC)),
        ("", "UTC", NOW),
    ],
)
def test_issue_dates_are_never_naive(tmp_path: Path, cell: str, tz: str, expected: datetime) -> None:
    _, result = check(
        roster_file(tmp_path, f"email,name,credential,issued_on\nana@example.com,Ana,cloud-essentials,{cell}\n"), tz=tz
    )
    issued = result.valid[0].issued_at
    assert issued.tzinfo is not None and issued == expected


def test_written_csvs_are_formula_safe(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    evil = ['=HYPERLINK("http://evil.example","x")', "+1", "-2", "@SUM(A1)", "\tx", "plain", "Zoë"]
    write_csv(target, ["a"] * len(evil), [evil])
    row = list(csv.reader(target.open(encoding="utf-8-sig")))[1]
    assert row == [safe_cell(cell) for cell in evil]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t")) for cell in row)
    assert row[-2:] == ["plain", "Zoë"]
