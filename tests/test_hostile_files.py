"""`cc verify` given hostile files: a zip bomb in a PNG, a huge PNG chunk, an SVG that is huge or nests without
end, and signed JSON that repeats a key. Each costs one verdict, in bounded time and memory (measured on the
child process alone, see tests/run_cc.py), and the run goes on with the other files."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from cc_cli.credentials import baking, ob3, signing, status_list
from cc_cli.lifecycle import clr
from tests.run_cc import Ran, run_cc
from tests.test_verify import AT, award_row, make_issuer, sample_catalog, signed_award, tiny_png, write_json

INFLATED = 1 << 30  # what the bomb inflates to: 1 GB of spaces
BASELINE_MB = 120  # `cc verify` of one small file peaks near 60 MB; a file read or inflated whole shows


def verify(*args: str | Path, timeout: float = 20) -> tuple[Ran, dict[str, dict[str, Any]]]:
    """`cc verify ARGS --format json` in a child process: how it ran, and its report of each file by name."""
    ran = run_cc("verify", *map(str, args), "--at", AT, "--format", "json", timeout=timeout)
    assert ran.returncode is not None, f"still running after {timeout} s"
    assert "Traceback" not in ran.output and "internal error" not in ran.output, ran.output
    payload = json.loads(ran.stdout)
    return ran, {Path(entry["file"]).name: entry for entry in payload["files"]}


def chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk with its length and a correct CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def with_chunk(png: bytes, extra: bytes) -> bytes:
    """`png` with `extra` (whole chunks) inserted before its IEND chunk, the last 12 bytes."""
    return png[:-12] + extra + png[-12:]


def itxt_header(compressed: bool) -> bytes:
    """The start of an `openbadgecredential` iTXt chunk's data: keyword, flag, method, empty language tags."""
    return baking.KEYWORD + b"\x00" + (b"\x01" if compressed else b"\x00") + b"\x00\x00\x00"


def bomb_stream() -> bytes:
    """A valid zlib stream of about 1 MB that inflates to `INFLATED` spaces, built in a second: one block
    compressed after a full flush gives the same bytes every time, so the stream repeats it."""
    block = b" " * (1 << 20)
    packer = zlib.compressobj(9)
    first = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)  # with the 2-byte zlib header
    again = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.flush()[:-4]  # the final empty block, without the checksum of only 2 blocks
    checksum = 1
    for _ in range(INFLATED // len(block)):
        checksum = zlib.adler32(block, checksum)
    return first + again * (INFLATED // len(block) - 1) + end + struct.pack(">I", checksum)


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid signed award, verified after each hostile file: the run must go on to it."""
    return write_json(tmp_path_factory.mktemp("good") / "good.json", signed_award(make_issuer(), award_row(1)))


def test_a_png_zip_bomb_is_refused_in_bounded_memory(tmp_path: Path, good: Path) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(with_chunk(tiny_png(), chunk(b"iTXt", itxt_header(True) + bomb_stream())))
    assert bomb.stat().st_size < 2 << 20  # a small file: the harm is all in the inflating
    ran, files = verify(bomb, good)
    assert files["bomb.png"]["valid"] is False
    assert files["bomb.png"]["error"].startswith("not a credential: the PNG's credential chunk inflates to over")
    assert files["good.json"]["valid"] is True
    assert ran.peak_mb < 300, f"peak {ran.peak_mb:.0f} MB: the bomb was inflated"


def test_a_300_mb_png_chunk_is_refused_without_reading_it(tmp_path: Path, good: Path) -> None:
    huge = tmp_path / "huge.png"
    size = 300_000_000
    head = tiny_png()[:-12] + struct.pack(">I", size) + b"iTXt" + itxt_header(False)
    with open(huge, "wb") as file:  # sparse: the test writes a few bytes, not 300 MB
        file.write(head)
        file.truncate(len(head) + size - len(itxt_header(False)) + 4)
        file.seek(0, 2)
        file.write(tiny_png()[-12:])
    ran, files = verify(huge, good)
    assert files["huge.png"]["error"].startswith("not a credential: the file is 300.0 MB, over the 16 MiB")
    assert files["good.json"]["valid"] is True
    assert ran.peak_mb < BASELINE_MB, f"peak {ran.peak_mb:.0f} MB: the file was read"


def test_unbake_png_caps_a_plain_chunk_over_the_limit() -> None:
    text = b"{" + b" " * (17 << 20) + b"}"  # a JSON text over the 16 MiB cap
    png = with_chunk(tiny_png(), chunk(b"iTXt", itxt_header(False) + text))
    with pytest.raises(baking.BakingError, match="over the 16 MiB"):
        baking.unbake_png(png)


def test_a_png_whose_credential_is_not_zlib_is_one_verdict(tmp_path: Path, good: Path) -> None:
    damaged = tmp_path / "damaged.png"
    damaged.write_bytes(with_chunk(tiny_png(), chunk(b"iTXt", itxt_header(True) + b"not a zlib stream")))
    _, files = verify(damaged, good)  # no "internal error": the JSON report is whole
    assert files["damaged.png"]["error"].startswith("the PNG's credential chunk cannot be inflated (Error -3")
    assert files["good.json"]["valid"] is True


SVG_OPENING = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'


def test_44_mb_of_credential_start_tags_gets_a_verdict_in_seconds(tmp_path: Path, good: Path) -> None:
    hostile = tmp_path / "tags.svg"
    hostile.write_bytes(SVG_OPENING + b"<openbadges:credential" * 2_000_000)
    ran, files = verify(hostile, good)
    assert ran.seconds < 20
    assert files["tags.svg"]["error"].startswith("not a credential: the file is 44.0 MB, over the 16 MiB")
    assert files["good.json"]["valid"] is True
    assert ran.peak_mb < BASELINE_MB, f"peak {ran.peak_mb:.0f} MB: the file was read"


def test_an_svg_over_its_cap_is_not_parsed(tmp_path: Path, good: Path) -> None:
    hostile = tmp_path / "flat.svg"  # 15 MB of empty elements: seconds of parser callbacks, then a credential
    baked = baking.bake_svg(SVG_OPENING + b"</svg>", good.read_text())
    hostile.write_bytes(SVG_OPENING + b"<g/>" * 3_750_000 + baked[baked.index(b"<openbadges:credential>") :])
    ran, files = verify(hostile, good)
    assert files["flat.svg"]["error"].startswith("not a credential: the SVG is 15.0 MB, over the 4 MiB")
    assert files["good.json"]["valid"] is True
    assert ran.seconds < 10


def test_an_svg_nesting_elements_without_end_is_refused_early(tmp_path: Path, good: Path) -> None:
    hostile = tmp_path / "nested.svg"
    opening = b'<svg xmlns="http://www.w3.org/2000/svg">'
    hostile.write_bytes(opening + b"<g>" * 1_300_000)  # under the SVG size cap: expat would hold every <g>
    ran, files = verify(hostile, good)
    assert files["nested.svg"]["error"] == "not a credential: the SVG nests elements more than 1000 deep"
    assert files["good.json"]["valid"] is True
    assert ran.peak_mb < BASELINE_MB, f"peak {ran.peak_mb:.0f} MB: expat kept the nesting"


def forge(text: str, real: str, forged: str) -> str:
    """`text` with the JSON member `forged` inserted just before the first `real` member (same key)."""
    assert text.count(real) >= 1, real
    return text.replace(real, f"{forged}, {real}", 1)


@pytest.mark.parametrize("key", ["name", "identityHash"])
def test_a_signed_award_repeating_a_key_is_refused(tmp_path: Path, key: str) -> None:
    award = signed_award(make_issuer(), award_row(1))
    text = json.dumps(award)
    honest = tmp_path / "honest.json"
    honest.write_text(text)
    if key == "name":
        real, fake = f'"name": {json.dumps(award["name"])}', '"name": "Cloud Essentials - Distinguished Architect"'
    else:
        real = f'"identityHash": {json.dumps(award["credentialSubject"]["identifier"][0]["identityHash"])}'
        fake = f'"identityHash": "sha256${"ab" * 32}"'  # the forger's own email, hashed
    forged = tmp_path / "forged.json"
    forged.write_text(forge(text, real, fake))
    assert json.loads(forged.read_text()) == award  # Python keeps the last copy: the signature still verifies
    _, files = verify(honest, forged)
    assert files["honest.json"]["valid"] is True
    assert files["forged.json"]["valid"] is False and files["forged.json"]["checks"] == {}
    assert files["forged.json"]["error"] == (
        f'not a credential: the key "{key}" appears twice in one JSON object (readers disagree on which copy counts)'
    )


def test_a_status_list_repeating_a_key_is_not_trusted(tmp_path: Path) -> None:
    issuer = make_issuer()
    award = write_json(tmp_path / "awards" / "award.json", signed_award(issuer, award_row(1)))
    published = tmp_path / "published"
    status_list.write_status_lists(
        published, sample_catalog().info.base_url or "", issuer.key, "2025-01-01T00:00:00Z", range(10), []
    )
    _, files = verify(award, "--status-dir", published / "status")
    assert files["award.json"]["checks"]["status"]["status"] == "ok"  # the honest list

    listed = published / "status" / "0.json"
    real = json.loads(listed.read_text())["credentialSubject"]["encodedList"]
    revoked = status_list.encode_bits([1])  # a viewer keeping the first copy would see award 1 revoked
    listed.write_text(forge(listed.read_text(), f'"encodedList": "{real}"', f'"encodedList": "{revoked}"'))
    _, files = verify(award, "--status-dir", published / "status")
    status = files["award.json"]["checks"]["status"]
    assert status["status"] == "fail"
    assert status["reason"] == (
        f'status list {listed}: unreadable: the key "encodedList" appears twice in one JSON object'
    )


def signed_clr(award: dict[str, Any], issuer: Any) -> dict[str, Any]:
    """A ClrCredential holding `award`, signed by its issuer, as `cc transcript --clr` writes one."""
    subject = {
        "type": ["ClrSubject"],
        "identifier": award["credentialSubject"]["identifier"],
        "verifiableCredential": [award],
    }
    document = {
        "@context": list(clr.CONTEXTS),
        "id": "urn:uuid:7d8b3a52-1c1e-4d2b-9a41-5b6f2f7a9e01",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": ob3.issuer_profile(sample_catalog().info, issuer.did),
        "validFrom": "2025-02-01T00:00:00Z",
        "name": "Transcript of Ada Lovelace",
        "partial": False,
        "credentialSubject": subject,
        "credentialSchema": [{"id": clr.CLR_SCHEMA, "type": ob3.SCHEMA_TYPE}],
    }
    return signing.sign(document, issuer.key, issuer.method, "2025-02-01T00:00:00Z")


@pytest.mark.parametrize("where", ["the CLR", "an award inside"])
def test_a_clr_repeating_a_key_is_refused(tmp_path: Path, where: str) -> None:
    issuer = make_issuer()
    award = signed_award(issuer, award_row(1))
    text = json.dumps(signed_clr(award, issuer))
    honest = tmp_path / "honest.clr.json"
    honest.write_text(text)
    real = '"name": "Transcript of Ada Lovelace"' if where == "the CLR" else f'"name": {json.dumps(award["name"])}'
    forged = tmp_path / "forged.clr.json"
    forged.write_text(forge(text, real, '"name": "Distinguished Architect"'))
    _, files = verify(honest, forged)
    assert files["honest.clr.json"]["valid"] is True, files["honest.clr.json"]
    assert files["forged.clr.json"]["valid"] is False
    assert files["forged.clr.json"]["error"].startswith('not a credential: the key "name" appears twice')
