"""Renewing a certification publishes no revocation (issue 13): the earlier award runs to its own end, the
ledger links the two, and a renewal inside the window (`renewal.window`, default 60 days before the end)
extends from the earlier end. `duplicates: replace`, for corrections, still revokes, with the reason."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cc_cli.cli.app import app
from tests.conftest import SAMPLE_CATALOG, Backend
from tests.test_issue import award_files, issue, key_file, ledger_rows, write_roster

__all__ = ["key_file"]  # the module-scoped issuer key fixture, shared with test_issue
runner = CliRunner()
CERT = "ibm-certified-associate-analyst-qradar-siem-v7-5"  # renewal.valid_for: P2Y, no window: 60 days


def issue_rows(tmp_path: Path, key: Path, name: str, rows: list[str], catalog: Path = SAMPLE_CATALOG) -> dict:  # type: ignore[type-arg]
    roster = write_roster(tmp_path / name, rows)
    code, payload, output = issue(
        str(roster), "--catalog", str(catalog), "--out", str(tmp_path / "awards"), "--key", str(key)
    )
    assert code == 0, output
    return payload


def awards(tmp_path: Path) -> dict[str, list[dict[str, object]]]:
    """Each learner's award documents (learners by the ledger: award files carry only salted hashes), oldest first."""
    holder = dict(ledger_rows(tmp_path / "awards", "SELECT id, email_lower FROM awards"))
    found: dict[str, list[dict[str, object]]] = {}
    for path in award_files(tmp_path / "awards"):
        document = json.loads(path.read_text())
        found.setdefault(str(holder[document["id"]]), []).append(document)
    return {email: sorted(docs, key=lambda d: str(d["validFrom"])) for email, docs in found.items()}


def verify(path_or_paths: list[Path], at: str, tmp_path: Path) -> list[bool]:
    result = runner.invoke(
        app,
        [
            "verify",
            *map(str, path_or_paths),
            "--at",
            at,
            "--status-dir",
            str(tmp_path / "awards" / "status"),
            "-f",
            "json",
        ],
    )
    return [entry["valid"] for entry in json.loads(result.stdout)["files"]]


def test_a_renewal_revokes_nothing_and_extends_from_the_earlier_end_inside_the_window(
    tmp_path: Path, key_file: Path, backend: Backend
) -> None:
    issue_rows(
        tmp_path,
        key_file,
        "first.csv",
        [f"ana@example.com,Ana,{CERT},2024-04-10", f"bo@example.com,Bo,{CERT},2023-01-10"],
    )
    payload = issue_rows(  # Ana 40 days before her end (inside the window); Bo after his ended
        tmp_path,
        key_file,
        "renew.csv",
        [f"ana@example.com,Ana,{CERT},2026-03-01", f"bo@example.com,Bo,{CERT},2025-06-01"],
    )
    assert [row["action"] for row in payload["rows"]] == ["renew", "renew"]  # type: ignore[index]
    assert payload["summary"]["renewed"] == 2 and payload["summary"]["replaced"] == 0  # type: ignore[index]
    assert ledger_rows(tmp_path / "awards", "SELECT COUNT(*) FROM awards WHERE state = 'revoked'") == [(0,)]
    by_learner = awards(tmp_path)
    (ana_first, ana_renewal), (bo_first, bo_renewal) = by_learner["ana@example.com"], by_learner["bo@example.com"]
    assert ana_first["validUntil"] == "2026-04-10T00:00:00Z" and ana_renewal["validUntil"] == "2028-04-10T00:00:00Z"
    assert bo_renewal["validFrom"] == "2025-06-01T00:00:00Z" and bo_renewal["validUntil"] == "2027-06-01T00:00:00Z"
    assert ana_renewal["awardedDate"] == ana_first["awardedDate"] == "2024-04-10T00:00:00Z"
    links = dict(ledger_rows(tmp_path / "awards", "SELECT id, replaces FROM awards WHERE replaces IS NOT NULL"))
    assert links == {ana_renewal["id"]: ana_first["id"], bo_renewal["id"]: bo_first["id"]}
    # An employer checking the award Ana shared last year sees it valid until its own end, then expired.
    first_file = next(p for p in award_files(tmp_path / "awards") if p.stem in str(ana_first["id"]))
    assert verify([first_file], "2026-04-01", tmp_path) == [True]
    assert verify([first_file], "2026-04-11", tmp_path) == [False]
    # The next renewal renews the renewal (the live one), before its window: from the renewal date.
    payload = issue_rows(tmp_path, key_file, "again.csv", [f"ana@example.com,Ana,{CERT},2026-05-01"])
    third = awards(tmp_path)["ana@example.com"][-1]
    assert third["validUntil"] == "2028-05-01T00:00:00Z"
    assert dict(ledger_rows(tmp_path / "awards", "SELECT id, replaces FROM awards"))[third["id"]] == ana_renewal["id"]


def test_a_catalog_window_and_a_correction_by_replace(tmp_path: Path, key_file: Path, base_catalog: Path) -> None:
    found = base_catalog / "credentials/base-associate.yaml"  # a certification, valid_for P3Y
    text = found.read_text()
    assert "valid_for: P3Y" in text
    found.write_text(text.replace("valid_for:", "window: P10D\n  valid_for:", 1))
    badge = base_catalog / "credentials/base-foundational.yaml"
    badge.write_text(badge.read_text() + "duplicates: replace\n")
    cert_id = found.stem
    issue_rows(
        tmp_path,
        key_file,
        "a.csv",
        [f"ana@example.com,Ana,{cert_id},2022-01-10", "ana@example.com,Ana,base-foundational,2026-01-10"],
        base_catalog,
    )
    first = awards(tmp_path)["ana@example.com"]
    cert_first = next(d for d in first if cert_id in json.dumps(d["credentialSubject"]))
    ends = str(cert_first["validUntil"])
    # 20 days before the end is outside a 10-day window: the renewal runs from its own date.
    from datetime import datetime, timedelta

    early = (datetime.fromisoformat(ends.replace("Z", "+00:00")) - timedelta(days=20)).date().isoformat()
    payload = issue_rows(
        tmp_path,
        key_file,
        "b.csv",
        [f"ana@example.com,Ana,{cert_id},{early}", "ana@example.com,Ana,base-foundational,2026-02-01"],
        base_catalog,
    )
    assert sorted(row["action"] for row in payload["rows"]) == ["renew", "replace"]  # type: ignore[index]
    states = ledger_rows(
        tmp_path / "awards", "SELECT credential_id, state, revoked_reason FROM awards ORDER BY status_index"
    )
    assert [(c, s) for c, s, _ in states] == [
        (cert_id, "issued"),
        ("base-foundational", "revoked"),
        (cert_id, "issued"),
        ("base-foundational", "issued"),
    ]
    assert str(states[1][2]).startswith("superseded by urn:uuid:")  # the correction, with its reason
    renewal = [d for d in awards(tmp_path)["ana@example.com"] if cert_id in json.dumps(d["credentialSubject"])][-1]
    assert (
        renewal["validFrom"] == f"{early}T00:00:00Z"
        and renewal["validUntil"] == f"{int(early[:4]) + 3}{early[4:]}T00:00:00Z"
    )


def test_two_renewals_of_one_award_cannot_both_land(tmp_path: Path, backend: Backend) -> None:
    """What keeps concurrent runs from renewing one award twice: the ledger refuses the second renewal."""
    from dataclasses import replace

    from cc_cli.ledger.locate import open_ledger_at, resolve
    from tests.test_verify import award_row

    out = tmp_path / "awards"
    out.mkdir()
    ledger = open_ledger_at(resolve(None, out), create=True)
    try:
        batch = ledger.start_batch("roster.csv", "0" * 64, "did:key:z", "2025-01-15T00:00:00Z")
        first = replace(award_row(0, batch=batch), policy="renew", state="pending", file_sha256=None)
        assert ledger.add_pending([(first, None)], "2025-01-15T00:00:00Z") == [True]
        twin = replace(award_row(1, batch=batch), policy="renew", state="pending", file_sha256=None)
        assert ledger.add_pending([(twin, None)], "2025-01-15T00:00:00Z") == [False]  # a second first award
        renewals = [
            replace(award_row(i, batch=batch), policy="renew", replaces=first.id, state="pending", file_sha256=None)
            for i in (2, 3)
        ]
        assert ledger.add_pending([(renewals[0], None)], "2026-01-01T00:00:00Z") == [True]
        assert ledger.add_pending([(renewals[1], None)], "2026-01-01T00:00:00Z") == [False]
    finally:
        ledger.close()
