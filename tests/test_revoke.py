"""`cc revoke`: the ledger is marked, the right bit flips (most significant first) in a signed list of at
least 131,072 entries, revoking twice changes nothing, and an unknown id revokes nothing."""

from __future__ import annotations

import base64
import csv
import gzip
import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cc_cli.cli.app import app
from cc_cli.credentials import keys, ob3, signing, status_list
from cc_cli.ledger.locate import resolve
from tests.conftest import SAMPLE_CATALOG, Backend
from tests.pg import query as pg_query
from tests.test_verify import AT, CREDENTIAL, EMAIL, Issuer, award_row, issue_into, make_issuer

runner = CliRunner()


@pytest.fixture
def issued(tmp_path: Path, backend: Backend) -> tuple[Path, Path, Issuer, list[str]]:
    """OUT with 12 awards and their ledger (SQLite in OUT, or PostgreSQL), and the issuer's key file."""
    issuer = make_issuer()
    out = tmp_path / "awards"
    rows = [award_row(i, email=f"learner{i}@example.com") for i in range(12)]
    issue_into(out, issuer, rows).close()
    key_file = tmp_path / "issuer.key"
    keys.create_key(key_file, issuer.key)
    return out, key_file, issuer, [row.id for row in rows]


def revoke(out: Path, key_file: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(
        app, ["revoke", *args, "--out", str(out), "--key", str(key_file), "--catalog", str(SAMPLE_CATALOG)]
    )
    return result.exit_code, result.stdout, result.stderr


def states(out: Path) -> dict[str, str]:
    return dict(pg_query(resolve(None, out), "SELECT id, state FROM awards"))  # type: ignore[arg-type]


def published_bits(out: Path) -> tuple[dict[str, object], bytes]:
    document = json.loads((out / "status" / "0.json").read_text())
    return document, status_list.decode_bits(document["credentialSubject"]["encodedList"])


def test_revoke_flips_the_right_bit_in_a_signed_list(issued: tuple[Path, Path, Issuer, list[str]]) -> None:
    out, key_file, issuer, ids = issued
    bare = ids[10].removeprefix("urn:uuid:")  # accepted without the urn:uuid: prefix
    code, stdout, stderr = revoke(out, key_file, bare, "--reason", "exam result withdrawn")
    assert code == 0, stderr
    assert stdout == f"revoked {ids[10]}\nwrote {out / 'status' / '0.json'}\n"
    assert states(out)[ids[10]] == "revoked"
    document, bits = published_bits(out)
    encoded = document["credentialSubject"]["encodedList"]  # type: ignore[index]
    assert encoded.startswith("u") and set(encoded[1:]) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )
    assert gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))) == bits
    assert len(bits) * 8 >= 131_072 == ob3.STATUS_LIST_SIZE
    assert bits[1] == 0b0010_0000 and sum(bits) == 0b0010_0000  # index 10: byte 1, third bit from the top
    assert document["issuer"] == issuer.did and document["id"] == "https://credentials.example.com/status/0.json"
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert signing.verify(document).ok
    ledger_reason = pg_query(resolve(None, out), "SELECT revoked_reason FROM awards WHERE id = ?", (ids[10],))
    assert ledger_reason == [("exam result withdrawn",)]
    revoked_file = out / CREDENTIAL / f"{bare}.json"
    result = runner.invoke(
        app,
        [
            "verify",
            str(revoked_file),
            str(out / CREDENTIAL / f"{ids[3].removeprefix('urn:uuid:')}.json"),
            "--at",
            AT,
            "--status-dir",
            str(out / "status"),
            "--format",
            "json",
        ],
    )
    files = json.loads(result.stdout)["files"]
    assert result.exit_code == 1
    assert files[0]["checks"]["status"]["reason"].startswith("revoked: bit 10 is set") and files[1]["valid"] is True


def test_revoking_twice_is_a_clear_no_op(issued: tuple[Path, Path, Issuer, list[str]]) -> None:
    out, key_file, _issuer, ids = issued
    assert revoke(out, key_file, ids[2], "--reason", "duplicate")[0] == 0
    before = (out / "status" / "0.json").read_bytes()
    code, stdout, _ = revoke(out, key_file, ids[2], "--reason", "again")
    assert code == 0
    assert stdout.startswith(f"already revoked {ids[2]} on ") and "(duplicate): nothing changed" in stdout
    assert (out / "status" / "0.json").read_bytes() == before
    (out / "status" / "0.json").unlink()  # a run interrupted before its lists: the no-op repairs them
    code, stdout, _ = revoke(out, key_file, ids[2], "--reason", "again")
    assert code == 0 and published_bits(out)[1][0] == 0b0010_0000


def test_an_unknown_id_revokes_nothing(issued: tuple[Path, Path, Issuer, list[str]]) -> None:
    out, key_file, _issuer, ids = issued
    unknown = "urn:uuid:11111111-2222-4333-8444-555555555555"
    code, stdout, stderr = revoke(out, key_file, ids[0], unknown, "--reason", "typo", "--format", "json")
    assert code == 1
    assert json.loads(stdout)["unknown"] == [unknown] and json.loads(stdout)["revoked"] == []
    assert set(states(out).values()) == {"issued"} and not (out / "status").exists()
    code, _, stderr = revoke(out, key_file, ids[0], unknown, "--reason", "typo")
    assert code == 1 and stderr == f"cc: error: unknown award id(s): {unknown}; nothing was revoked\n"


def test_usage_errors_are_one_line(issued: tuple[Path, Path, Issuer, list[str]], tmp_path: Path) -> None:
    out, key_file, _issuer, ids = issued
    for args, message in (
        ((ids[0], "--reason", " "), "--reason must say why"),
        (("--reason", "x"), "give award ids, or --roster"),
        ((ids[0], "--reason", "x", "--ledger", str(tmp_path / "none.sqlite3")), "no ledger at"),
    ):
        code, _, stderr = revoke(out, key_file, *args)
        assert code == 2 and stderr.startswith(f"cc: error: {message}") and stderr.count("\n") == 1
    other_key = tmp_path / "other.key"
    keys.create_key(other_key)
    code, _, stderr = revoke(out, other_key, ids[0], "--reason", "x")
    assert code == 2 and "were issued by" in stderr and states(out)[ids[0]] == "issued"


def test_an_unwritable_status_folder_revokes_nothing(issued: tuple[Path, Path, Issuer, list[str]]) -> None:
    out, key_file, _issuer, ids = issued
    (out / "status").write_text("a file where the status folder should be\n")
    code, _, stderr = revoke(out, key_file, ids[0], "--reason", "x")
    assert code == 2 and stderr.startswith(f"cc: error: cannot write the status lists to {out / 'status'}: ")
    assert stderr.endswith("; nothing was revoked\n") and states(out)[ids[0]] == "issued"


def test_a_list_that_cannot_be_written_says_how_to_finish(issued: tuple[Path, Path, Issuer, list[str]]) -> None:
    out, key_file, _issuer, ids = issued
    (out / "status" / "0.json").mkdir(parents=True)  # the list's name is taken: writing it fails late
    code, _, stderr = revoke(out, key_file, ids[0], "--reason", "x")
    assert code == 2 and states(out)[ids[0]] == "revoked"
    assert "the ledger records the revocation, but the status lists were not published" in stderr
    assert stderr.endswith("run the same cc revoke again to publish them\n") and stderr.count("\n") == 1
    (out / "status" / "0.json").rmdir()
    code, stdout, _ = revoke(out, key_file, ids[0], "--reason", "x")
    assert code == 0 and "nothing changed" in stdout and published_bits(out)[1][0] == 0b1000_0000


def test_roster_revokes_the_awards_of_its_rows(issued: tuple[Path, Path, Issuer, list[str]], tmp_path: Path) -> None:
    out, key_file, _issuer, ids = issued
    roster = tmp_path / "cohort.csv"
    roster.write_text(
        "email,name,credential\n"
        f"learner4@example.com,Learner Four,{CREDENTIAL}\n"
        f"learner7@example.com,Learner Seven,{CREDENTIAL}\n"
        f"{EMAIL},Never Issued,{CREDENTIAL}\n",
        encoding="utf-8",
    )
    with (out / "cohort.manifest.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["line", "email", "credential", "action", "award_id", "file", "reason"])
        writer.writerow(["2", "learner4@example.com", CREDENTIAL, "issue", ids[4], "", ""])
        writer.writerow(["3", "learner7@example.com", CREDENTIAL, "issue", ids[7], "", ""])
        writer.writerow(["4", EMAIL, CREDENTIAL, "reject", "", "", "CC507 prerequisites"])
    code, stdout, stderr = revoke(out, key_file, "--roster", str(roster), "--reason", "cohort cancelled")
    assert code == 0, stderr
    assert stdout.splitlines()[:2] == [f"revoked {ids[4]}", f"revoked {ids[7]}"]
    assert "line 4" in stderr  # the row that never got an award is reported, not fatal
    assert {i for i, s in states(out).items() if s == "revoked"} == {ids[4], ids[7]}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # the list is the same whichever ledger made it
def test_the_digital_bazaar_verifier_reads_the_published_list(issued: tuple[Path, Path, Issuer, list[str]]) -> None:
    from js_verifier import ensure_or_skip, js_verify

    ensure_or_skip()
    out, key_file, _issuer, ids = issued
    assert revoke(out, key_file, ids[1], "--reason", "withdrawn")[0] == 0
    files = [out / CREDENTIAL / f"{award_id.removeprefix('urn:uuid:')}.json" for award_id in ids[:3]]
    lists = {"https://credentials.example.com/status/0.json": out / "status" / "0.json"}
    results = js_verify(files, now=f"{AT}T00:00:00Z", status_lists=lists)
    assert [r["verified"] for r in results] == [True, False, True], results
    assert "bit 1 of" in str(results[1]["error"])


def test_a_mistyped_or_shortened_id_gets_a_suggestion(tmp_path: Path) -> None:
    import uuid

    from tests.test_verify import award_row

    issuer = make_issuer()
    rows = []
    for index in range(40):
        row = award_row(index, email=f"learner{index}@example.com")
        row.id = row.row_key = f"urn:uuid:{uuid.UUID(int=(index * 0x9E3779B97F4A7C15) << 40 | index, version=4)}"
        row.file = f"{CREDENTIAL}/{row.id.removeprefix('urn:uuid:')}.json"
        rows.append(row)
    out = tmp_path / "awards"
    issue_into(out, issuer, rows).close()
    key_file = tmp_path / "issuer.key"
    keys.create_key(key_file, issuer.key)
    target = rows[7].id
    typo = target[:-1] + ("0" if target[-1] != "0" else "1")
    short = target.removeprefix("urn:uuid:")[:13]
    for given in (typo, short):
        code, _, stderr = revoke(out, key_file, given, "--reason", "x")
        assert code == 1 and f"(did you mean {target}?)" in stderr, stderr
    assert set(states(out).values()) == {"issued"}


def test_status_lists_expire_when_the_catalog_says_and_republish_renews_them(
    issued: tuple[Path, Path, Issuer, list[str]], tmp_path: Path
) -> None:
    out, key_file, issuer, ids = issued
    catalog = tmp_path / "catalog"
    shutil.copytree(SAMPLE_CATALOG, catalog)
    with (catalog / "catalog.yaml").open("a", encoding="utf-8") as stream:
        stream.write("status_list_valid_for: P7D\n")
    common = ["--out", str(out), "--key", str(key_file), "--catalog", str(catalog)]
    result = runner.invoke(app, ["revoke", ids[1], "--reason", "r", *common])
    assert result.exit_code == 0, result.output
    document = json.loads((out / "status" / "0.json").read_text())
    start = datetime.fromisoformat(document["validFrom"].replace("Z", "+00:00"))
    assert document["validUntil"] == (start + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert signing.verify(document).ok
    # A copy published long ago has expired: it can no longer vouch that an award is not revoked.
    stale = tmp_path / "stale"
    status_list.write_status_lists(
        stale, "https://credentials.example.com", issuer.key, "2020-01-01T00:00:00Z", range(12), [], "P7D"
    )
    award = out / CREDENTIAL / f"{ids[3].removeprefix('urn:uuid:')}.json"
    check = runner.invoke(
        app, ["verify", str(award), "--at", AT, "--status-dir", str(stale / "status"), "--format", "json"]
    )
    reason = json.loads(check.stdout)["files"][0]["checks"]["status"]["reason"]
    assert check.exit_code == 1 and "expired on 2020-01-08T00:00:00Z: the issuer must republish it" in reason
    fresh = runner.invoke(app, ["verify", str(award), "--at", AT, "--status-dir", str(out / "status")])
    assert fresh.exit_code == 0, fresh.output
    # Republishing signs every list afresh and revokes nothing.
    before = states(out)
    result = runner.invoke(app, ["revoke", "--republish", *common])
    assert result.exit_code == 0 and result.stdout == f"wrote {out / 'status' / '0.json'}\n", result.output
    assert states(out) == before and published_bits(out)[1][0] == 0b0100_0000
    refused = runner.invoke(app, ["revoke", ids[2], "--republish", *common])
    assert refused.exit_code == 2 and "--republish revokes nothing" in refused.stderr


def _catalog_with(tmp_path: Path, extra: str, name: str = "catalog") -> Path:
    catalog = tmp_path / name
    shutil.copytree(SAMPLE_CATALOG, catalog)
    text = (catalog / "catalog.yaml").read_text(encoding="utf-8")
    for line in extra.splitlines():  # replace a key already there, or add it
        key = line.split(":", 1)[0]
        kept = [old for old in text.splitlines() if not old.startswith(f"{key}:")]
        text = "\n".join([*kept, line]) + "\n"
    (catalog / "catalog.yaml").write_text(text, encoding="utf-8")
    return catalog


def test_republish_and_status_settings_are_checked_before_anything_is_written(
    issued: tuple[Path, Path, Issuer, list[str]], tmp_path: Path
) -> None:
    out, key_file, _issuer, ids = issued

    def run(catalog: Path, *args: str) -> tuple[int, str]:
        result = runner.invoke(
            app, ["revoke", *args, "--out", str(out), "--key", str(key_file), "--catalog", str(catalog)]
        )
        return result.exit_code, result.stderr

    moved = _catalog_with(tmp_path, "base_url: https://other.example.org", "moved")
    code, stderr = run(moved, "--republish")
    assert code == 2 and "points at https://credentials.example.com/status/0.json" in stderr
    assert not (out / "status").exists()
    words = _catalog_with(tmp_path, "status_list_valid_for: one week", "words")
    code, stderr = run(words, ids[0], "--reason", "x")
    assert code == 2 and f"{words / 'catalog.yaml'}:" in stderr and ": 'status_list_valid_for' is 'one week'" in stderr
    short = _catalog_with(tmp_path, "status_list_valid_for: PT30M", "short")
    code, stderr = run(short, "--republish")
    assert code == 2 and "status_list_valid_for PT30M is shorter than 1 hour" in stderr
    assert set(states(out).values()) == {"issued"} and not (out / "status").exists()
    code, stderr = run(SAMPLE_CATALOG)
    assert code == 2 and "(or --republish to re-sign the lists)" in stderr
    code, stderr = run(SAMPLE_CATALOG, "--republish", "--reason", "x")
    assert code == 2 and "no --reason" in stderr


def test_republish_an_empty_ledger_says_there_is_nothing(tmp_path: Path) -> None:
    from cc_cli.ledger.sqlite import Ledger

    Ledger(tmp_path / "awards" / "ledger.sqlite3").close()
    key_file = tmp_path / "issuer.key"
    keys.create_key(key_file)
    result = runner.invoke(app, ["revoke", "--republish", "--out", str(tmp_path / "awards"), "--key", str(key_file)])
    assert result.exit_code == 2 and "holds no awards: there is no status list to publish" in result.stderr


def test_issue_writes_expiring_lists_and_a_no_op_revoke_renews_an_expired_one(tmp_path: Path) -> None:
    catalog = _catalog_with(tmp_path, "status_list_valid_for: P7D")
    key_file = tmp_path / "issuer.key"
    keys.create_key(key_file)
    out = tmp_path / "awards"
    roster = tmp_path / "r.csv"
    roster.write_text("email,name,credential,issued_on\nana@example.com,Ana,cloud-essentials,2026-02-03\n")
    common = ["--out", str(out), "--key", str(key_file), "--catalog", str(catalog)]
    result = runner.invoke(app, ["issue", str(roster), *common, "--format", "json"])
    assert result.exit_code == 0, result.output
    award_id = json.loads(result.stdout)["rows"][0]["award_id"]
    listed = json.loads((out / "status" / "0.json").read_text())
    assert "validUntil" in listed and not status_list.expired(listed["validUntil"])
    assert runner.invoke(app, ["revoke", award_id, "--reason", "x", *common]).exit_code == 0
    # Make the published list an expired one, as if nobody republished for weeks.
    key = keys.load_key(key_file)
    status_list.write_status_lists(out, "https://credentials.example.com", key, "2020-01-01T00:00:00Z", [0], [0], "P7D")
    again = runner.invoke(app, ["revoke", award_id, "--reason", "x", *common])
    assert again.exit_code == 0 and "nothing changed" in again.stdout
    renewed = json.loads((out / "status" / "0.json").read_text())
    assert (
        not status_list.expired(renewed["validUntil"])
        and status_list.decode_bits(renewed["credentialSubject"]["encodedList"])[0]
    )


def test_a_list_from_the_future_is_refused_with_a_clock_hint(
    issued: tuple[Path, Path, Issuer, list[str]], tmp_path: Path
) -> None:
    out, _key_file, issuer, ids = issued
    future = tmp_path / "future"
    status_list.write_status_lists(
        future, "https://credentials.example.com", issuer.key, "2999-01-01T00:00:00Z", range(12), []
    )
    award = out / CREDENTIAL / f"{ids[3].removeprefix('urn:uuid:')}.json"
    result = runner.invoke(
        app, ["verify", str(award), "--at", AT, "--status-dir", str(future / "status"), "--format", "json"]
    )
    reason = json.loads(result.stdout)["files"][0]["checks"]["status"]["reason"]
    assert result.exit_code == 1 and reason.endswith("is not valid before 2999-01-01T00:00:00Z: check clocks")


def test_awards_past_the_first_list_cite_their_own_bit_and_verify(tmp_path: Path, backend: Backend) -> None:
    """A list holds 131,072 bits: ledger index 131,077 is bit 5 of list 1, which is what the award must say
    (Bitstring Status List's statusListIndex is the position in the list it names), for cc and for others."""
    from dataclasses import replace

    from js_verifier import ensure_or_skip, js_verify

    issuer, out = make_issuer(), tmp_path / "awards"
    size = ob3.STATUS_LIST_SIZE
    rows = [
        replace(award_row(i, email=f"l{i}@example.com"), status_index=at)
        for i, at in enumerate((3, size + 5, 2 * size))
    ]
    issue_into(out, issuer, rows).close()
    key_file = tmp_path / "issuer.key"
    keys.create_key(key_file, issuer.key)
    files = [out / row.file for row in rows]
    entries = [json.loads(file.read_text())["credentialStatus"] for file in files]
    assert [(e["statusListCredential"].rsplit("/", 1)[1], e["statusListIndex"]) for e in entries] == [
        ("0.json", "3"),
        ("1.json", "5"),
        ("2.json", "0"),
    ]
    assert entries[1]["id"] == "https://credentials.example.com/status/1.json#5"
    assert revoke(out, key_file, rows[1].id, "--reason", "withdrawn")[0] == 0
    bits = status_list.decode_bits(
        json.loads((out / "status" / "1.json").read_text())["credentialSubject"]["encodedList"]
    )
    assert bits[0] == 0b0000_0100 and sum(bits) == 0b0000_0100  # bit 5 of list 1, nothing else
    for source in (["--status-dir", str(out / "status")], []):  # the published lists, then the ledger beside
        result = runner.invoke(app, ["verify", *map(str, files), "--at", AT, "--format", "json", *source])
        verdicts = [entry["valid"] for entry in json.loads(result.stdout)["files"]]
        assert verdicts == [True, False, True], result.stdout
    ensure_or_skip()
    lists = {f"https://credentials.example.com/status/{n}.json": out / "status" / f"{n}.json" for n in range(3)}
    assert [r["verified"] for r in js_verify(files, now=f"{AT}T00:00:00Z", status_lists=lists)] == [True, False, True]
