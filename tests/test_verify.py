"""`cc verify`: each check's verdict and one-line reason, exit codes, output shapes, and agreement with the
independent Digital Bazaar verifier on every case (revocation included, through the published list)."""

from __future__ import annotations

import copy
import json
import shutil
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from cc_cli.catalog import model
from cc_cli.cli.app import app
from cc_cli.core.durations import parse_moment
from cc_cli.credentials import baking, signing, status_list
from cc_cli.issue.plan import document_for
from cc_cli.ledger.base import AwardLedger, AwardRow
from cc_cli.ledger.locate import open_ledger_at, resolve
from cc_cli.validate.load import load_catalog
from cc_cli.verify import run as verify_run
from cc_cli.verify import schema as fastschema
from cc_cli.verify.report import VerifyOptions
from tests.conftest import SAMPLE_CATALOG

runner = CliRunner()
AT = "2026-06-01"
CREDENTIAL = "cloud-essentials"
EMAIL = "Ada.Lovelace@example.com"
REVOKED_INDEX = 5


@lru_cache(maxsize=1)
def sample_catalog() -> model.Catalog:
    return load_catalog(SAMPLE_CATALOG).catalog


@dataclass(frozen=True)
class Issuer:
    key: Ed25519PrivateKey
    did: str
    method: str


def make_issuer() -> Issuer:
    key = Ed25519PrivateKey.generate()
    return Issuer(key, signing.did_key(key.public_key()), signing.verification_method_id(key.public_key()))


def award_row(
    index: int,
    *,
    email: str = EMAIL,
    issued: str = "2025-01-15T00:00:00Z",
    until: str | None = "2028-01-15T00:00:00Z",
    batch: int = 1,
) -> AwardRow:
    """A ledger row as `cc issue` writes it (ids derived from the index, so tests can name them)."""
    award_id = f"urn:uuid:00000000-0000-4000-8000-{index:012d}"
    return AwardRow(
        id=award_id, row_key=award_id, credential_id=CREDENTIAL, email=email, email_lower=email.lower(), name="Ada Lovelace",
        salt=f"{index:032x}", policy="allow", batch_id=batch, roster_line=index + 2, external_id=None, issued_at=issued,
        awarded_at=issued, valid_until=until, evidence_url=None, evidence_narrative=None, status_index=index,
        signed_at=issued, state="issued", revoked_at=None, revoked_reason=None, replaces=None,
        file=f"{CREDENTIAL}/{award_id.removeprefix('urn:uuid:')}.json", file_sha256="0" * 64,
    )  # fmt: skip


def signed_award(issuer: Issuer, row: AwardRow) -> dict[str, Any]:
    document = document_for(row, sample_catalog(), issuer.did)
    return signing.sign(document, issuer.key, issuer.method, row.signed_at)


def write_json(path: Path, document: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def issue_into(out: Path, issuer: Issuer, rows: list[AwardRow]) -> AwardLedger:
    """Award files under OUT/<credential>/ and their ledger rows in OUT/ledger.sqlite3 (or the ledger
    $CC_LEDGER names: the `backend` fixture), like `cc issue`: ids and status indexes as given."""
    out.mkdir(parents=True, exist_ok=True)
    ledger = open_ledger_at(resolve(None, out), create=True)
    batch = ledger.start_batch("roster.csv", "0" * 64, issuer.did, "2025-01-15T00:00:00Z")
    for row in rows:
        row.batch_id = batch
        write_json(out / row.file, signed_award(issuer, row))
    ledger.import_rows([], rows)
    return ledger


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    return (
        baking.PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 5)) + chunk(b"IEND", b"")
    )


TINY_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'


def _tamper_proof_value(doc: dict[str, Any]) -> None:
    value = doc["proof"][0]["proofValue"]
    doc["proof"][0]["proofValue"] = value[:-4] + ("1111" if not value.endswith("1111") else "2222")


TAMPERINGS = {
    "name": lambda d: d.update(name="IBM Cloud Grandmaster"),
    "validFrom": lambda d: d.update(validFrom="2024-01-15T00:00:00Z"),
    "identityHash": lambda d: d["credentialSubject"]["identifier"][0].update(identityHash="sha256$" + "ab" * 32),
    "proofValue": _tamper_proof_value,
}


@dataclass
class World:
    root: Path
    issuer: Issuer
    files: dict[str, Path]
    status_dir: Path
    good: dict[str, Any]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("verify")
    issuer = make_issuer()
    good = signed_award(issuer, award_row(1))
    files = {"good": write_json(root / "good.json", good)}
    for name, tamper in TAMPERINGS.items():
        changed = copy.deepcopy(good)
        tamper(changed)
        files[f"tampered-{name}"] = write_json(root / f"tampered-{name}.json", changed)
    files["expired"] = write_json(
        root / "expired.json",
        signed_award(issuer, award_row(2, issued="2020-01-01T00:00:00Z", until="2021-01-01T00:00:00Z")),
    )
    files["not-yet-valid"] = write_json(
        root / "not-yet-valid.json", signed_award(issuer, award_row(3, issued="2030-01-01T00:00:00Z", until=None))
    )
    files["revoked"] = write_json(root / "revoked.json", signed_award(issuer, award_row(REVOKED_INDEX)))
    text = json.dumps(good, ensure_ascii=False)
    files["baked-png"] = root / "baked-emblem.dat"  # an odd name: the format is found by content
    files["baked-png"].write_bytes(baking.bake_png(tiny_png(), text))
    files["baked-svg"] = root / "baked.svg"
    files["baked-svg"].write_bytes(baking.bake_svg(TINY_SVG, text))
    files["not-a-credential"] = write_json(root / "notes.json", {"hello": "world"})
    files["plain-text"] = root / "readme.txt"
    files["plain-text"].write_text("# not a credential\n")
    files["png-without-credential"] = root / "plain.png"
    files["png-without-credential"].write_bytes(tiny_png())
    raw = files["good"].read_bytes()
    files["truncated"] = root / "truncated.json"
    files["truncated"].write_bytes(raw[: len(raw) // 2])
    status_list.write_status_lists(
        root / "published",
        sample_catalog().info.base_url or "",
        issuer.key,
        "2025-01-01T00:00:00Z",
        range(10),
        [REVOKED_INDEX],
    )
    return World(root, issuer, files, root / "published" / "status", good)


def run(*args: str) -> tuple[int, dict[str, Any], str]:
    result = runner.invoke(app, ["verify", *args, "--format", "json"])
    payload = json.loads(result.stdout) if result.stdout.startswith("{") else {}
    return result.exit_code, payload, result.stdout + result.stderr


def verdicts(world: World, *names: str, extra: tuple[str, ...] = ()) -> dict[str, dict[str, Any]]:
    code, payload, output = run(
        *(str(world.files[n]) for n in names), "--at", AT, "--status-dir", str(world.status_dir), *extra
    )
    assert "Traceback" not in output
    by_file = {entry["file"]: entry for entry in payload["files"]}
    assert code == (0 if all(e["valid"] for e in payload["files"]) else 1)
    return {name: by_file[str(world.files[name])] for name in names}


def statuses(entry: dict[str, Any]) -> dict[str, str]:
    return {name: check["status"] for name, check in entry["checks"].items()}


def test_valid_award_passes_every_check(world: World) -> None:
    code, payload, output = run(str(world.files["good"]), "--at", AT, "--status-dir", str(world.status_dir))
    assert code == 0, output
    [entry] = payload["files"]
    assert (
        entry["valid"] is True
        and entry["format"] == "json"
        and entry["id"] == world.good["id"]
        and entry["error"] is None
    )
    assert statuses(entry) == {
        "proof": "ok",
        "schema": "ok",
        "subject": "ok",
        "dates": "ok",
        "status": "ok",
        "recipient": "skip",
    }
    assert payload["summary"] == {"files": 1, "valid": 1, "invalid": 0, "revocation_not_checked": 0}
    assert payload["at"] == "2026-06-01T00:00:00Z"
    for check in entry["checks"].values():
        assert check["reason"] and "\n" not in check["reason"]


@pytest.mark.parametrize("field", list(TAMPERINGS))
def test_tampered_copy_fails_the_proof(world: World, field: str) -> None:
    entry = verdicts(world, f"tampered-{field}")[f"tampered-{field}"]
    assert entry["valid"] is False
    proof = entry["checks"]["proof"]
    assert proof["status"] == "fail" and "\n" not in proof["reason"]
    assert "signature does not match" in proof["reason"]


def test_expired_and_not_yet_valid_are_distinct_date_failures(world: World) -> None:
    found = verdicts(world, "expired", "not-yet-valid")
    assert statuses(found["expired"])["proof"] == "ok"
    assert found["expired"]["checks"]["dates"]["status"] == "fail"
    assert found["expired"]["checks"]["dates"]["reason"].startswith("expired: valid until 2021-01-01")
    assert found["not-yet-valid"]["checks"]["dates"]["reason"].startswith("not yet valid: valid from 2030-01-01")
    code, payload, _ = run(str(world.files["expired"]), "--at", "2020-06-01")
    assert code == 0 and payload["files"][0]["checks"]["dates"]["status"] == "ok"


def test_revoked_through_the_status_list(world: World) -> None:
    found = verdicts(world, "revoked", "good")
    assert found["revoked"]["checks"]["status"]["status"] == "fail"
    assert found["revoked"]["checks"]["status"]["reason"].startswith(f"revoked: bit {REVOKED_INDEX} is set")
    assert found["good"]["checks"]["status"]["status"] == "ok"
    code, payload, _ = run(str(world.files["revoked"]), "--at", AT)  # no status source: skipped, not failed
    assert code == 0 and payload["files"][0]["checks"]["status"]["status"] == "skip"


def test_a_forged_status_list_is_not_trusted(world: World, tmp_path: Path) -> None:
    forged = json.loads((world.status_dir / "0.json").read_text())
    forged["credentialSubject"]["encodedList"] = status_list.encode_bits([])  # un-revoke without the key
    write_json(tmp_path / "0.json", forged)
    code, payload, _ = run(str(world.files["revoked"]), "--at", AT, "--status-dir", str(tmp_path))
    assert code == 1
    assert "its proof does not verify" in payload["files"][0]["checks"]["status"]["reason"]


def test_baked_png_and_svg_are_read_by_content(world: World) -> None:
    found = verdicts(world, "baked-png", "baked-svg")
    assert found["baked-png"]["format"] == "png" and found["baked-svg"]["format"] == "svg"
    for entry in found.values():
        assert entry["valid"] is True and entry["id"] == world.good["id"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("not-a-credential", "not a credential: its type does not include VerifiableCredential"),
        ("plain-text", "not a credential: neither JSON nor a PNG or SVG image"),
        ("png-without-credential", "the PNG carries no Open Badges credential"),
        ("truncated", "not valid JSON (truncated?)"),
    ],
)
def test_files_that_are_not_credentials_are_invalid_with_one_line(world: World, name: str, reason: str) -> None:
    entry = verdicts(world, name)[name]
    assert entry["valid"] is False and entry["checks"] == {}
    assert entry["error"].startswith(reason) and "\n" not in entry["error"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "not a credential: the JSON is nested too deeply to read"),
        (b'{"a": ' * 50_000 + b"1" + b"}" * 50_000, "not a credential: the JSON is nested too deeply to read"),
        (b"null\n", "not a credential: the JSON top level is null, not an object"),
        (b'"just a string"', "not a credential: the JSON top level is a string, not an object"),
        (b"", "not a credential: the file is empty"),
        (b"1" * 5000, "not a credential: the JSON holds a number too long to read"),
    ],
    ids=["nested-lists", "nested-objects", "null", "string", "empty", "long-number"],
)
def test_hostile_json_costs_one_verdict_not_the_run(world: World, tmp_path: Path, content: bytes, reason: str) -> None:
    hostile = tmp_path / "hostile.json"
    hostile.write_bytes(content)
    code, payload, output = run(str(hostile), str(world.files["good"]), "--at", AT)
    assert code == 1 and "internal error" not in output
    first, second = payload["files"]
    assert first["valid"] is False and first["error"] == reason
    assert second["valid"] is True  # the run went on to the next file


def test_a_damaged_png_and_a_status_list_are_named_for_what_they_are(world: World, tmp_path: Path) -> None:
    baked = bytearray(world.files["baked-png"].read_bytes())
    at = baked.index(b"openbadgecredential") + 200  # inside the credential's text
    baked[at] ^= 0x01
    damaged = tmp_path / "damaged.png"
    damaged.write_bytes(bytes(baked))
    code, payload, _ = run(str(damaged), str(world.status_dir / "0.json"), "--at", AT)
    assert code == 1
    assert payload["files"][0]["error"] == "the PNG's credential chunk is damaged (its CRC does not match)"
    assert (
        payload["files"][1]["error"]
        == "not an Open Badges award, endorsement or CLR transcript: its type is BitstringStatusListCredential"
    )


def test_lone_surrogates_in_an_award_do_not_cut_the_output(tmp_path: Path) -> None:
    import subprocess
    import sys

    hostile = tmp_path / "surrogate.json"
    document = {"type": ["VerifiableCredential", "OpenBadgeCredential"], "id": "urn:uuid:\ud800", "name": "\udfff"}
    hostile.write_text(json.dumps(document))  # ASCII escapes on disk; Python reads them as lone surrogates
    for output_format in ("json", "text"):
        done = subprocess.run(
            [sys.executable, "-m", "cc_cli", "verify", str(hostile), "--format", output_format],
            capture_output=True,
            check=False,
        )
        assert done.returncode == 1 and b"internal error" not in done.stderr, done.stderr
        if output_format == "json":
            assert json.loads(done.stdout)["files"][0]["id"] == "urn:uuid:\ud800"
        else:
            assert done.stdout.endswith(b"1 file: 0 valid, 1 invalid\n")


def test_email_match_and_mismatch(world: World) -> None:
    found = verdicts(world, "good", extra=("--email", "ada.lovelace@EXAMPLE.com"))
    assert found["good"]["checks"]["recipient"]["status"] == "ok"
    found = verdicts(world, "good", extra=("--email", "grace@example.com"))
    assert found["good"]["checks"]["recipient"] == {
        "status": "fail",
        "reason": "not awarded to grace@example.com: no email identity of the subject matches",
    }


def test_exit_codes_and_plain_text(world: World) -> None:
    result = runner.invoke(app, ["verify", str(world.files["good"]), str(world.files["expired"]), "--at", AT])
    assert result.exit_code == 1
    assert f"{world.files['good']}: valid (revocation not checked)\n" in result.stdout
    assert f"{world.files['expired']}: INVALID\n" in result.stdout
    assert "  dates       fail  expired: valid until" in result.stdout
    assert result.stdout.endswith(
        "2 files: 1 valid, 1 invalid (revocation not checked for 1: pass --status-dir or --ledger; for others' credentials --documents or --online)\n"
    )
    checked = runner.invoke(
        app, ["verify", str(world.files["good"]), "--at", AT, "--status-dir", str(world.status_dir)]
    )
    assert checked.exit_code == 0 and checked.stdout.endswith("1 file: 1 valid, 0 invalid\n")
    quiet = runner.invoke(app, ["verify", str(world.files["good"]), str(world.files["expired"]), "--at", AT, "-q"])
    assert f"{world.files['good']}:" not in quiet.stdout and "INVALID" in quiet.stdout
    missing = runner.invoke(app, ["verify", str(world.root / "missing.json")])
    assert missing.exit_code == 2 and missing.stderr == f"cc: error: {world.root / 'missing.json'}: no such file\n"
    both = runner.invoke(
        app, ["verify", str(world.files["good"]), "--status-dir", str(world.status_dir), "--ledger", "x"]
    )
    assert both.exit_code == 2 and both.stderr.count("\n") == 1
    bad_at = runner.invoke(app, ["verify", str(world.files["good"]), "--at", "tomorrow"])
    assert bad_at.exit_code == 2 and "--at 'tomorrow'" in bad_at.stderr
    no_email = runner.invoke(app, ["verify", str(world.files["good"]), "--email", ""])
    assert no_email.exit_code == 2 and no_email.stderr == "cc: error: --email '' is not an email address\n"
    bad_format = runner.invoke(app, ["verify", str(world.files["good"]), "--format", "xml"])
    assert (
        bad_format.exit_code == 2 and "Invalid value for --format: 'xml' is not one of: text, json" in bad_format.stderr
    )
    assert "internal error" not in bad_format.stderr


def test_a_pipe_is_refused_not_read(tmp_path: Path) -> None:
    import os

    pipe = tmp_path / "award.json"
    os.mkfifo(pipe)
    result = runner.invoke(app, ["verify", str(pipe)])
    assert result.exit_code == 2
    assert result.stderr == f"cc: error: {pipe}: not a regular file (a device or pipe?): give award files or folders\n"


def test_require_status_makes_an_unchecked_award_invalid(world: World) -> None:
    code, payload, _ = run(str(world.files["good"]), "--at", AT)
    assert code == 0 and payload["summary"]["revocation_not_checked"] == 1
    code, payload, _ = run(str(world.files["good"]), "--at", AT, "--require-status")
    status_check = payload["files"][0]["checks"]["status"]
    assert code == 1 and status_check["status"] == "fail"
    assert status_check["reason"] == (
        "revocation not checked (--require-status): name the issuer's status lists or ledger with --status-dir "
        "or --ledger (none beside the award is trusted)"
    )
    code, payload, _ = run(
        str(world.files["good"]), "--at", AT, "--require-status", "--status-dir", str(world.status_dir)
    )
    assert code == 0 and payload["summary"]["revocation_not_checked"] == 0


def test_require_status_ignores_a_ledger_that_came_with_the_award(tmp_path: Path) -> None:
    """A forger ships their own ledger beside the award: a required status check must not trust it."""
    forger = make_issuer()
    out = tmp_path / "parcel"
    issue_into(out, forger, [award_row(1)]).close()
    award = out / award_row(1).file
    code, payload, _ = run(str(award), "--at", AT)
    assert code == 0 and payload["files"][0]["checks"]["status"]["status"] == "ok"  # beside: convenient
    code, payload, _ = run(str(award), "--at", AT, "--require-status")
    assert code == 1 and "name the issuer's status lists or ledger" in payload["files"][0]["checks"]["status"]["reason"]


def test_issuer_pins_the_signing_key(world: World) -> None:
    code, payload, _ = run(str(world.files["good"]), "--at", AT, "--issuer", world.issuer.did)
    assert code == 0, payload
    someone = make_issuer()
    code, payload, _ = run(str(world.files["good"]), "--at", AT, "--issuer", someone.did)
    proof = payload["files"][0]["checks"]["proof"]
    assert code == 1 and proof == {
        "status": "fail",
        "reason": f"signed by {world.issuer.did}, not by the trusted issuer {someone.did} (--issuer)",
    }
    result = runner.invoke(app, ["verify", str(world.files["good"]), "--issuer", "IBM"])
    assert result.exit_code == 2 and "is not an Ed25519 did:key" in result.stderr
    bogus = runner.invoke(app, ["verify", str(world.files["good"]), "--issuer", "did:key:bogus"])
    assert bogus.exit_code == 2 and bogus.stdout == ""


def test_at_with_an_offset_is_reported_in_utc(world: World) -> None:
    # 2021-01-01T00:30+01:00 is 2020-12-31T23:30Z: still valid, and the message must say the UTC instant.
    code, payload, _ = run(str(world.files["expired"]), "--at", "2021-01-01T00:30:00+01:00")
    assert code == 0, payload
    code, payload, _ = run(str(world.files["expired"]), "--at", "2021-01-01T02:00:00+01:00")
    reason = payload["files"][0]["checks"]["dates"]["reason"]
    assert code == 1 and reason.endswith("(checked at 2021-01-01 01:00:00Z)"), reason
    for extreme in ("0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"):
        result = runner.invoke(app, ["verify", str(world.files["good"]), "--at", extreme, "--format", "json"])
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr == f"cc: error: --at '{extreme}' is too far from today: give a year between 2 and 9998\n"


def test_ledger_beside_the_awards_is_used_automatically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    issuer = make_issuer()
    out = tmp_path / "awards"
    rows = [award_row(i) for i in range(3)]
    ledger = issue_into(out, issuer, rows)
    ledger.revoke_awards([rows[1].id], "exam result withdrawn", "2026-02-01T00:00:00Z")
    ledger.close()
    stranger = write_json(out / CREDENTIAL / "stranger.json", signed_award(issuer, award_row(9)))
    monkeypatch.setattr(verify_run, "POOL_FROM", 2)  # forked workers open their own ledger connections
    code, payload, _ = run(str(out), "--at", AT)
    assert code == 1
    found = {Path(e["file"]).name: e["checks"]["status"] for e in payload["files"]}
    assert found[Path(rows[0].file).name]["status"] == "ok"
    assert found[Path(rows[1].file).name]["reason"].startswith("revoked on 2026-02-01T00:00:00Z: exam result withdrawn")
    assert found["stranger.json"]["reason"].startswith("not in the ledger")
    code, payload, _ = run(str(stranger), "--at", AT, "--ledger", str(out / "ledger.sqlite3"))
    assert code == 1


def test_many_files_go_through_the_process_pool_in_order(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verify_run, "POOL_FROM", 8)
    names = ["good", "expired", "truncated", "baked-svg"] * 10
    paths = []
    for n, name in enumerate(names):
        paths.append(tmp_path / f"{n:03d}-{world.files[name].name}")
        shutil.copy(world.files[name], paths[-1])
    options = VerifyOptions(at=parse_moment(AT), workers=2)
    reports = list(verify_run.verify_files(paths, options))
    assert [r.file for r in reports] == [str(p) for p in paths]
    assert [r.valid for r in reports] == [name in ("good", "baked-svg") for name in names]


def test_pooled_output_equals_one_process_byte_for_byte(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers print each file's entry (`VerifyRun.rendered`): the same bytes as one process printing."""
    monkeypatch.setattr(verify_run, "POOL_FROM", 8)
    names = ["good", "expired", "truncated", "baked-svg", "revoked"] * 8
    for n, name in enumerate(names):
        shutil.copy(world.files[name], tmp_path / f"{n:03d}-{world.files[name].name}")
    for extra in (["--format", "json"], [], ["-q"]):
        args = ["verify", str(tmp_path), "--at", AT, "--status-dir", str(world.status_dir), *extra]
        one = runner.invoke(app, [*args, "--workers", "1"])
        two = runner.invoke(app, [*args, "--workers", "2"])
        assert one.exit_code == two.exit_code == 1
        assert one.stdout == two.stdout
        invalid = '"valid": false' if extra == ["--format", "json"] else "INVALID"
        assert one.stdout.count(invalid) >= 8 * 3


def _mutations(document: Any) -> list[Any]:
    """Copies of `document` with one node removed or replaced by a value of another type."""
    found: list[Any] = []

    def visit(node: Any, path: list[Any]) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
        for key, value in list(items):
            replacements: tuple[Any, ...] = (None, 7, "x", [], {}, True, "__delete__")
            for replacement in replacements:
                changed = copy.deepcopy(document)
                target = changed
                for step in path:
                    target = target[step]
                if replacement == "__delete__":
                    del target[key]
                else:
                    target[key] = replacement
                found.append(changed)
            visit(value, [*path, key])

    visit(document, [])
    return found


def test_compiled_schema_agrees_with_jsonschema(world: World) -> None:
    from jsonschema import validators

    schema = json.loads(fastschema.SCHEMA_FILE.read_text())
    reference = validators.validator_for(schema)(schema)
    fast = fastschema.compile_schema(schema)
    documents = [world.good, *_mutations(world.good)]
    assert len(documents) > 500
    disagree = [d for d in documents if (fast(d) is None) != reference.is_valid(d)]
    assert not disagree, json.dumps(disagree[0])[:500]
    assert sum(fast(d) is None for d in documents) < len(documents) - 100  # the mutations do break it
    with pytest.raises(fastschema.UnsupportedSchema):
        fastschema.compile_schema({"$schema": schema["$schema"], "minimum": 3})


def test_the_digital_bazaar_verifier_agrees_on_every_case(world: World, tmp_path: Path) -> None:
    from js_verifier import ensure_or_skip, js_verify

    ensure_or_skip()
    names = list(world.files)
    payload = verdicts(world, *names)
    js_files = []
    for name in names:  # the JS verifier reads JSON: hand it what is baked in the images
        path = world.files[name]
        if payload[name]["format"] in ("png", "svg") and payload[name]["error"] is None:
            data = path.read_bytes()
            text = baking.unbake_png(data) if payload[name]["format"] == "png" else baking.unbake_svg(data)
            path = tmp_path / f"{name}.json"
            path.write_text(text, encoding="utf-8")
        js_files.append(path)
    lists = {f"{sample_catalog().info.base_url}/status/0.json": world.status_dir / "0.json"}
    results = js_verify(js_files, now=f"{AT}T00:00:00Z", status_lists=lists)
    for name, result in zip(names, results, strict=True):
        assert result["verified"] is payload[name]["valid"], (name, result, payload[name])
    assert "bit 5" in str(results[names.index("revoked")]["error"])
