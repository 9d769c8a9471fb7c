"""`cc report`: programme outcomes from the ledger and the catalog, checked against ledgers with known answers.

The ledgers are written straight from award specs (`tests/report_data.py`) for the sample catalog, so each
figure below is counted by hand from the specs: funnel counts and median days, renewal rates, holders and
expiring awards, monthly counts across a year boundary in three time zones. Everything is judged at
2026-12-01 (`--at`). The same figures come out of SQLite and PostgreSQL ledgers; the HTML is checked to be
one self-contained, escaped file; no email or name appears in any format unless --with-names is given.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cc_cli.ledger import outcomes
from cc_cli.ledger.locate import open_ledger_at
from cc_cli.report.figures import Report, ReportSettings, build_report
from tests.conftest import SAMPLE_CATALOG, Backend
from tests.report_data import Spec, write_ledger
from tests.run_cc import run_cc

AT = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
CE, CKE, CNM, SLS = (
    "cloud-essentials",
    "containers-kubernetes-essentials",
    "cloud-native-microservices",
    "serverless-computing-code-engine",
)
FSCD = "full-stack-cloud-developer-certificate"  # the certificate the Cloud Developer path leads to
QR = "ibm-certified-associate-analyst-qradar-siem-v7-5"  # a certification
CSF = "cybersecurity-fundamentals"

SPECS = [
    # Cloud Developer path: l1 walks it all (10, 30, 30 days), l2 three steps (20, 10), l3 the first only,
    # l4 step 2 without step 1 (not in the funnel past nothing), l5's first badge was revoked (not earned).
    Spec("l1@example.com", CE, "2026-01-10"),
    Spec("l1@example.com", CKE, "2026-01-20"),
    Spec("l1@example.com", CNM, "2026-02-19"),
    Spec("l1@example.com", FSCD, "2026-03-21"),
    Spec("l2@example.com", CE, "2026-01-10"),
    Spec("l2@example.com", CKE, "2026-01-30"),
    Spec("l2@example.com", SLS, "2026-02-09"),
    Spec("l3@example.com", CE, "2026-02-01"),
    Spec("l4@example.com", CKE, "2026-02-01"),
    Spec("l5@example.com", CE, "2026-01-05", state="revoked", reason="awarded in error"),
    # The certification: r1 renewed in time (a replace), r2 lapsed, r3 renewed a month late (allow),
    # r4 lapses in 45 days, r5 in 81 days.
    Spec("r1@example.com", QR, "2023-06-01", until="2026-06-01"),  # 10
    Spec("r1@example.com", QR, "2026-05-01", until="2029-05-01", replaces=10),
    Spec("r2@example.com", QR, "2023-03-01", until="2026-03-01"),
    Spec("r3@example.com", QR, "2023-01-01", until="2026-01-01"),
    Spec("r3@example.com", QR, "2026-02-01", until="2029-02-01"),
    Spec("r4@example.com", QR, "2024-01-15", until="2027-01-15"),
    Spec("r5@example.com", QR, "2024-02-20", until="2027-02-20"),
    # Still being written by a run: counts nowhere.
    Spec("p1@example.com", CSF, "2026-03-01", state="pending"),
]
for _spec in SPECS:
    _spec.name = f"Name of {_spec.email.split('@')[0]}"
EMAILS = sorted({spec.email for spec in SPECS})


def report_for(location: Path | str, **given: object) -> Report:
    settings = ReportSettings(out=Path("unused"), catalog_root=SAMPLE_CATALOG, ledger_path=location, now=AT)
    for name, value in given.items():
        setattr(settings, name, value)
    return build_report(settings)


@pytest.fixture
def ledger_at(tmp_path: Path, backend: Backend) -> Path | str:
    """SPECS in a fresh ledger of the parametrised backend."""
    location: Path | str = backend.url if backend.url else tmp_path / "awards" / "ledger.sqlite3"
    return write_ledger(location, SPECS)


def by_id(report: Report) -> dict[str, object]:
    return {c.id: c for c in report.credentials}


def test_figures_have_the_known_answers(ledger_at: Path | str) -> None:
    report = report_for(ledger_at)
    assert report.total == len(SPECS) - 1  # the pending award counts nowhere
    assert report.sources == {"cc": 17}
    # r1's first award was renewed; l5's badge revoked; r2's and r3's first awards expired.
    assert report.states == {"active": 13, "expired": 2, "superseded": 1, "revoked": 1}

    qradar = by_id(report)[QR]
    assert (qradar.awards, qradar.holders, qradar.expiring) == (7, 4, {60: 1, 90: 2})
    assert (qradar.ended, qradar.renewed_in_time) == (3, 1)
    assert qradar.renewal_rate == pytest.approx(1 / 3)
    ce = by_id(report)[CE]
    assert (ce.awards, ce.active, ce.revoked, ce.holders, ce.renewal_rate) == (4, 3, 1, 3, None)
    assert CSF not in by_id(report)  # only a pending award

    cloud = next(p for p in report.paths if p.id == "cloud-developer")
    assert [(s.learners, s.median_days, s.leads_to) for s in cloud.stages] == [
        (3, None, False),
        (2, 15.0, False),  # 10 and 20 days
        (2, 20.0, False),  # 30 and 10 days (either option of the one_of step)
        (1, 30.0, True),  # the certificate the path leads to
    ]
    security = next(p for p in report.paths if p.id == "security-analyst")
    assert [s.learners for s in security.stages] == [0, 0, 0, 0]

    skills = dict(report.skills)
    assert skills["Cloud Computing"] == 3  # holders of cloud-essentials now (l5's was revoked)
    assert skills["QRadar SIEM"] == 4
    assert [n for _, n in report.skills] == sorted((n for _, n in report.skills), reverse=True)
    assert [(c.id, c.completed) for c in report.certificates] == [(FSCD, 1)]

    # Kinds stack in the emblem band colours, in the design language's order.
    assert [(k.key, k.colour) for k in report.kinds] == [
        ("skill-foundational", "#198038"),
        ("skill-intermediate", "#0072c3"),
        ("skill-advanced", "#0043ce"),
        ("certificate", "#005d5d"),
        ("certification-associate", "#0f62fe"),
    ]
    monthly = dict(zip(report.months, zip(*(report.monthly[k.key] for k in report.kinds), strict=True), strict=True))
    assert report.months[0] == "2023-01" and report.months[-1] == "2026-12"
    assert monthly["2026-01"] == (3, 2, 0, 0, 0)  # l1, l2, l5 (revoked later, but issued) CE; l1, l2 CKE
    assert monthly["2026-02"] == (1, 1, 2, 0, 1)
    assert sum(sum(v) for v in monthly.values()) == report.total


def test_the_period_selects_awards_issued_in_it(ledger_at: Path | str) -> None:
    report = report_for(ledger_at, start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28))
    assert report.months == ["2026-02"]
    assert report.total == 5  # l1 CNM, l2 SLS, l3 CE, l4 CKE, r3's late renewal
    cloud = next(p for p in report.paths if p.id == "cloud-developer")
    assert [s.learners for s in cloud.stages] == [1, 0, 0, 0]  # only l3's first step was in February
    # Renewal rates look at the awards whose validity ended in the period: none did in February.
    assert by_id(report)[QR].ended == 0


@pytest.mark.parametrize(
    ("zone", "december", "january"),
    [("UTC", 1, 1), ("Europe/Paris", 0, 2), ("America/New_York", 2, 0)],
)
def test_months_cross_the_year_boundary_in_the_zone(tmp_path: Path, zone: str, december: int, january: int) -> None:
    ledger = write_ledger(
        tmp_path / "ledger.sqlite3",
        [
            Spec("a@example.com", CSF, "2025-12-31T23:30:00Z"),  # January already in Paris
            Spec("b@example.com", CSF, "2026-01-01T03:00:00Z"),  # still December in New York
        ],
    )
    report = report_for(ledger, zone=zone)
    counts = dict(zip(report.months, report.monthly["skill-foundational"], strict=True))
    assert counts.get("2025-12", 0) == december
    assert counts.get("2026-01", 0) == january
    assert sum(counts.values()) == 2


def _totals(learners: outcomes.Learners) -> tuple[object, ...]:
    """What a `Learners` says, whatever order or grouping its rows came in."""
    sets: Counter[frozenset[str]] = Counter()
    funnels: Counter[tuple[int, int, int]] = Counter()
    for held, n in learners.holdings_sets:
        sets[held] += n
    for path, stage, gap, n in learners.funnels:
        funnels[(path, stage, gap)] += n
    return learners.holdings, sets, funnels


def test_learners_counted_in_two_halves_are_the_whole(ledger_at: Path | str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large ledger's learners are counted in two halves split at an email, on two connections at once
    (`Outcomes.learner_split`): wherever the split falls, the halves together are the whole."""
    whole = report_for(ledger_at).as_dict()
    ledger = open_ledger_at(ledger_at)
    try:
        found = outcomes.Outcomes(ledger)
        args = (outcomes.Window(), "2026-12-01T00:00:00Z", "2027-01-30T00:00:00Z", "2027-03-01T00:00:00Z")
        paths = [[["cloud-essentials"], ["containers-kubernetes-essentials"]], [[QR], [CE, CKE]]]
        unsplit = found.learners(*args, paths)
        for email in EMAILS:
            halves = [
                found.learners(*args, paths, emails=(None, email)),
                found.learners(*args, paths, emails=(email, None)),
            ]
            assert _totals(outcomes.Learners.combined(halves)) == _totals(unsplit), email
        monkeypatch.setattr(outcomes, "SPLIT_AT", 1)
        assert found.learner_split() in EMAILS
    finally:
        ledger.close()
    assert report_for(ledger_at).as_dict() == whole  # the report itself, split


def test_sqlite_and_postgresql_give_the_same_report(tmp_path: Path, pg_url: str) -> None:
    sqlite = report_for(write_ledger(tmp_path / "ledger.sqlite3", SPECS)).as_dict()
    postgres = report_for(write_ledger(pg_url, SPECS)).as_dict()
    assert sqlite == postgres


# Through the CLI ----------------------------------------------------------------------------------------


def cc_report(ledger: Path | str, *args: str, catalog: Path = SAMPLE_CATALOG) -> tuple[int, str, str]:
    ran = run_cc("report", "--ledger", str(ledger), "--catalog", str(catalog), "--at", "2026-12-01", *args, timeout=120)
    assert "Traceback" not in ran.stderr
    return ran.returncode or 0, ran.stdout, ran.stderr


@pytest.fixture(scope="module")
def sqlite_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(write_ledger(tmp_path_factory.mktemp("report") / "ledger.sqlite3", SPECS))


@pytest.fixture(scope="module")
def outputs(sqlite_ledger: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The report in every format (html written to a file), without --with-names."""
    folder = tmp_path_factory.mktemp("outputs")
    found = {}
    for output_format in ("text", "json", "csv"):
        code, stdout, stderr = cc_report(sqlite_ledger, "--format", output_format)
        assert code == 0, stderr
        found[output_format] = stdout
    code, _, stderr = cc_report(sqlite_ledger, "--out", str(folder / "report.html"))
    assert code == 0, stderr
    assert "wrote the html report (17 awards)" in stderr
    found["html"] = (folder / "report.html").read_text(encoding="utf-8")
    return found


def test_every_format_gives_the_same_figures(outputs: dict[str, str]) -> None:
    data = json.loads(outputs["json"])
    assert data["total_awards"] == 17
    assert data["states"] == {"active": 13, "expired": 2, "superseded": 1, "revoked": 1}
    rows = list(csv.reader(io.StringIO(outputs["csv"])))
    assert rows[0] == ["section", "subject", "measure", "value"]
    table = {(section, subject, measure): value for section, subject, measure, value in rows[1:]}
    assert table[("total", "IBM Connected Credentials", "awards")] == "17"
    assert table[("credential", QR, "renewal_rate")] == "0.3333"
    assert table[("credential", QR, "expiring_90d")] == "2"
    assert table[("funnel", "cloud-developer 2: Containers and Kubernetes Essentials", "median_days")] == "15.0"
    qradar = next(c for c in data["credentials"] if c["id"] == QR)
    assert (qradar["holders"], qradar["expiring_60d"], qradar["ended"], qradar["renewed_in_time"]) == (4, 1, 3, 1)
    text = outputs["text"]
    assert "17 awards issued" in text and "33% (1 of 3)" in text
    assert "\x1b[" not in text  # piped: plain columns, no colour
    assert "33% (1 of 3)" in outputs["html"] and "<b>17</b>" in outputs["html"]


def test_no_email_or_name_appears_by_default(outputs: dict[str, str], sqlite_ledger: Path) -> None:
    for output_format, text in outputs.items():
        for email in EMAILS:
            assert email not in text, (output_format, email)
        assert "Name of" not in text, output_format
    code, stdout, _ = cc_report(sqlite_ledger, "--format", "json", "--with-names")
    assert code == 0
    for output_format in ("csv", "text"):
        code, named, _ = cc_report(sqlite_ledger, "--format", output_format, "--with-names")
        assert code == 0 and "r4@example.com" in named and "Name of r4" in named and "Name of l1" not in named
    holders = json.loads(stdout)["expiring_holders"]
    assert [(h["email"], h["valid_until"]) for h in holders] == [
        ("r4@example.com", "2027-01-15T00:00:00Z"),
        ("r5@example.com", "2027-02-20T00:00:00Z"),
    ]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.references: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "data", "poster", "action") and value:
                self.references.append(value)
            if name == "style" and value and "url(" in value:
                self.references.append(value)


def test_the_html_is_one_self_contained_file(outputs: dict[str, str]) -> None:
    html = outputs["html"]
    parser = _Links()
    parser.feed(html)
    assert "script" not in parser.tags and "link" not in parser.tags and "img" not in parser.tags
    assert all(reference.startswith("#") for reference in parser.references), parser.references
    assert "@import" not in html
    assert not re.search(r"url\(\s*['\"]?(?!#)", html)  # only url(#clip) references inside the SVG
    # A chart and a table for each: monthly, states, credentials, renewals, 3 paths, skills, certificates.
    assert parser.tags.count("svg") == 9
    assert parser.tags.count("table") == 9
    assert html.count("<caption>") == 9


def test_the_html_is_the_same_file_twice(sqlite_ledger: Path, outputs: dict[str, str]) -> None:
    code, stdout, _ = cc_report(sqlite_ledger, "--format", "html")
    assert code == 0
    assert stdout == outputs["html"]


def test_catalog_text_is_escaped(tmp_path: Path, sqlite_ledger: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(SAMPLE_CATALOG, catalog)
    source = catalog / "credentials" / f"{QR}.yaml"
    text = source.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    source.write_text(text.replace(title, "title: '<script>alert(1)</script> & [bold]QRadar[/bold]'"), encoding="utf-8")
    code, html, stderr = cc_report(sqlite_ledger, "--format", "html", catalog=catalog)
    assert code == 0, stderr
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; [bold]QRadar[/bold]" in html
    code, text_out, _ = cc_report(sqlite_ledger, "--format", "text", catalog=catalog)
    assert "<script>alert(1)</script> & [bold]QRadar[/bold]" in text_out  # text stays text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2026-13-01"), "--from '2026-13-01' is not a date: give a day as YYYY-MM-DD"),
        (("--to", "yesterday"), "--to 'yesterday' is not a date"),
        (("--from", "2026-03-01", "--to", "2026-02-01"), "--from 2026-03-01 is after --to 2026-02-01"),
        (("--tz", "Mars/Olympus"), "--tz 'Mars/Olympus' is not a time zone"),
        (("--format", "pdf"), "--format 'pdf' is not one of: text, html, json, csv"),
        (("--output", "report.pdf"), "name the file .html, .json, .csv or .txt"),
        (("--at", "soon"), "--at 'soon' is not a date"),
    ],
)
def test_bad_input_is_a_message_and_exit_2(sqlite_ledger: Path, args: tuple[str, ...], message: str) -> None:
    code, stdout, stderr = cc_report(sqlite_ledger, *args)
    assert code == 2
    assert message in stderr
    assert stdout == ""


def test_out_names_the_report_file_and_output_is_its_alias(tmp_path: Path, sqlite_ledger: Path) -> None:
    for option in ("--out", "-o", "--output"):
        target = tmp_path / f"report{option.strip('-')}.json"
        code, stdout, stderr = cc_report(sqlite_ledger, option, str(target))
        assert code == 0, stderr
        assert stdout == ""
        assert json.loads(target.read_text(encoding="utf-8"))["total_awards"] == 17
    # The folder of `cc issue` (what --out meant before) is a usage error that names --awards.
    code, _, stderr = cc_report(sqlite_ledger, "--out", str(tmp_path))
    assert code == 2
    assert "--awards" in stderr and str(tmp_path) in stderr


def test_a_missing_ledger_is_named(tmp_path: Path) -> None:
    code, _, stderr = cc_report(tmp_path / "nowhere.sqlite3")
    assert code == 2
    assert "nowhere.sqlite3" in stderr


def test_output_is_written_atomically_and_refuses_the_ledger(tmp_path: Path, sqlite_ledger: Path) -> None:
    target = tmp_path / "out" / "report.json"
    code, _, stderr = cc_report(sqlite_ledger, "--output", str(target))
    assert code == 0, stderr
    assert json.loads(target.read_text(encoding="utf-8"))["total_awards"] == 17
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]  # no temporary left
    copy = tmp_path / "ledger.sqlite3"
    shutil.copy(sqlite_ledger, copy)
    code, _, stderr = cc_report(copy, "--format", "csv", "--output", str(copy))
    assert code == 2
    assert copy.read_bytes() == sqlite_ledger.read_bytes()


def test_report_after_cc_issue(tmp_path: Path, base_catalog: Path, backend: Backend) -> None:
    """The real path: awards issued by `cc issue` (and one revoked) are what the report counts."""
    key, out = tmp_path / "issuer.key", tmp_path / "awards"
    assert run_cc("keys", "init", str(key)).returncode == 0
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "email,name,credential,issued_on\n"
        "ana@example.com,Ana Lima,base-foundational,2026-01-10\n"
        "bo@example.com,Bo Berg,base-foundational,2026-02-10\n"
        "cy@example.com,Cy Tan,base-associate,2026-02-11\n",
        encoding="utf-8",
    )
    ran = run_cc(
        "issue", str(roster), "--catalog", str(base_catalog), "--out", str(out), "--key", str(key), timeout=120
    )
    assert ran.returncode == 0, ran.output
    ana = backend.query(out, "SELECT id FROM awards WHERE email_lower = 'ana@example.com'")[0][0]
    ran = run_cc(
        "revoke", str(ana), "--reason", "left", "--out", str(out), "--key", str(key), "--catalog", str(base_catalog)
    )
    assert ran.returncode == 0, ran.output
    ran = run_cc(
        "report", "--awards", str(out), "--catalog", str(base_catalog), "--at", "2026-12-01", "--format", "json"
    )
    assert ran.returncode == 0, ran.output
    data = json.loads(ran.stdout)
    assert data["total_awards"] == 3
    assert data["states"] == {"active": 2, "expired": 0, "superseded": 0, "revoked": 1}
    assert [(m["month"], sum(v for k, v in m.items() if k != "month")) for m in data["monthly"]] == [
        ("2026-01", 1),
        ("2026-02", 2),
        ("2026-03", 0),
        ("2026-04", 0),
        ("2026-05", 0),
        ("2026-06", 0),
        ("2026-07", 0),
        ("2026-08", 0),
        ("2026-09", 0),
        ("2026-10", 0),
        ("2026-11", 0),
        ("2026-12", 0),
    ]
    assert "ana@example.com" not in ran.stdout and "Ana Lima" not in ran.stdout


def test_an_external_source_is_counted_and_marked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Imported awards join through the relation `Outcomes` reads (here a stand-in table of the kind the
    Credly import will add): they count in every figure, and per credential as `imported`."""
    import sqlite3

    from cc_cli.ledger import outcomes
    from cc_cli.report import figures
    from cc_cli.report.html import html_text

    ledger = write_ledger(tmp_path / "ledger.sqlite3", SPECS[:4])  # l1 walks the Cloud Developer path
    with sqlite3.connect(ledger) as db:
        db.execute("CREATE TABLE imported (id TEXT, credential_id TEXT, email TEXT, issued_at TEXT)")
        db.executemany(
            "INSERT INTO imported VALUES (?, ?, ?, ?)",
            [
                ("x1", CE, "ext@example.com", "2026-01-03T00:00:00Z"),
                ("x2", CKE, "ext@example.com", "2026-01-13T00:00:00Z"),
            ],
        )
    relation = (
        f"{outcomes.LEDGER_AWARDS} UNION ALL SELECT id, credential_id, email, lower(email), '', issued_at, NULL, "
        "'issued', NULL, 'credly' AS source FROM imported"
    )
    monkeypatch.setattr(figures, "Outcomes", lambda ledger: outcomes.Outcomes(ledger, relation))
    report = report_for(ledger)
    assert report.sources == {"cc": 4, "credly": 2}
    assert (by_id(report)[CE].awards, by_id(report)[CE].imported, by_id(report)[CE].holders) == (2, 1, 2)
    cloud = next(p for p in report.paths if p.id == "cloud-developer")
    assert [s.learners for s in cloud.stages] == [2, 2, 1, 1]  # the imported learner is one learner
    assert "imported (credly)" in html_text(report)


def test_an_empty_ledger_reports_zeros_in_every_format(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path / "ledger.sqlite3", [])
    for output_format in ("text", "json", "csv", "html"):
        code, stdout, stderr = cc_report(
            ledger, "--format", output_format, "--from", "2026-01-01", "--to", "2026-02-15"
        )
        assert code == 0, stderr
        assert stdout
    code, stdout, _ = cc_report(ledger, "--format", "json", "--from", "2026-01-01", "--to", "2026-02-15")
    data = json.loads(stdout)
    assert data["total_awards"] == 0 and [m["month"] for m in data["monthly"]] == ["2026-01", "2026-02"]


def test_awards_imported_with_cc_import_count_as_imported(tmp_path: Path) -> None:
    """The real `external_awards` table (`cc import awards`) joins the report's relation, marked by source."""
    from cc_cli.ledger.base import ExternalAward
    from cc_cli.ledger.locate import open_ledger_at

    ledger = write_ledger(tmp_path / "ledger.sqlite3", SPECS[:4])
    opened = open_ledger_at(ledger)
    try:
        rows = [
            ExternalAward(
                id=f"urn:uuid:00000000-0000-4000-8000-00000000000{n}",
                import_key=f"k{n}",
                source="credly",
                source_id=None,
                credential_id=credential,
                email="ext@example.com",
                email_lower="ext@example.com",
                name="Ext",
                issued_at=stamp,
                valid_until=None,
                state=state,
                url=None,
                external_id=None,
                import_file="issued.csv",
                import_line=n + 2,
                imported_at="2026-02-01T00:00:00Z",
            )
            for n, (credential, stamp, state) in enumerate(
                [
                    (CE, "2026-01-03T00:00:00Z", "issued"),
                    (CKE, "2026-01-13T00:00:00Z", "issued"),
                    (CE, "2026-01-05T00:00:00Z", "rejected"),
                ]
            )
        ]
        opened.add_external(rows)
    finally:
        opened.close()
    report = report_for(ledger)
    assert report.sources == {"cc": 4, "credly": 2}  # the rejected record counts nowhere
    assert (by_id(report)[CE].awards, by_id(report)[CE].imported) == (2, 1)


def test_the_report_speaks_the_catalogs_language(tmp_path: Path, sqlite_ledger: Path) -> None:
    """Headings, columns, chart titles and states come from the catalog's texts (French here, with one word
    the catalog itself corrects), not from English in code; the JSON keys stay the same in every language."""
    catalog = tmp_path / "catalog"
    shutil.copytree(SAMPLE_CATALOG, catalog)
    info = catalog / "catalog.yaml"
    text = info.read_text(encoding="utf-8").replace(
        "\ntexts:\n", "\ntexts:\n  fr:\n    report.skills: Compétences phares\n", 1
    )
    info.write_text("language: fr\n" + text, encoding="utf-8")
    code, text, stderr = cc_report(sqlite_ledger, "--format", "text", catalog=catalog)
    assert code == 0, stderr
    for french in (
        "attributions, du",
        "Attributions par mois",
        "Par titre",
        "Titulaires actuels",
        "Compétences phares",
    ):
        assert french in text, french
    for english in ("awards issued", "Per credential", "Holders now", "Skills with the most", "Learning path:"):
        assert english not in text, english
    code, html, stderr = cc_report(sqlite_ledger, "--format", "html", catalog=catalog)
    assert code == 0, stderr
    assert '<html lang="fr" dir="ltr">' in html
    assert "Révoquées aujourd&#39;hui" in html and "Uniquement des agrégats" in html
    assert "awards issued" not in html and "None in the period" not in html
    code, data, _ = cc_report(sqlite_ledger, "--format", "json", catalog=catalog)
    assert set(json.loads(data)["states"]) == {"active", "expired", "superseded", "revoked"}
