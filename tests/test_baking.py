"""Baked images carry any award: hostile roster text, SVGs written by other tools, and one image that cannot
be baked never costing the batch (issue 12, point 3)."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import pytest
from typer.testing import CliRunner

from cc_cli.cli.app import app
from cc_cli.credentials import baking
from tests.conftest import SAMPLE_CATALOG

runner = CliRunner()
TINY_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'
# Text the row checks let through (no C0/C1 controls, no bidi controls) that XML and CDATA do not.
HOSTILE_NAME = "Ana ]]> <b>&amp; \"quoted\" 'single' ]]]]> ]] > \ufffe\uffff \ufeff\u00a0\U0001f600 end"
HOSTILE_NARRATIVE = "Line one ]]>\nline <two> & ]]]]>\n\n<![CDATA[ nested ]]> \uffff"
HEADER = ["email", "name", "credential", "issued_on", "evidence_narrative"]


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("key") / "issuer.key"
    result = runner.invoke(app, ["keys", "init", str(path)])
    assert result.exit_code == 0, result.output
    return path


def write_roster(path: Path, rows: list[list[str]]) -> Path:
    """A roster CSV, quoted as a spreadsheet would quote it."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([HEADER, *rows])
    return path


def issue(roster: Path, out: Path, key: Path, *extra: str, catalog: Path = SAMPLE_CATALOG) -> tuple[int, Any, str]:
    """`cc issue --format json` in this process; (exit code, the JSON report, everything printed)."""
    args = ["issue", str(roster), "--catalog", str(catalog), "--out", str(out), "--key", str(key), *extra]
    result = runner.invoke(app, [*args, "--format", "json", "--workers", "1"])
    payload = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}
    return result.exit_code, payload, result.stdout + result.stderr


def verify(*files: Path, catalog: Path = SAMPLE_CATALOG) -> tuple[int, dict[str, Any]]:
    """`cc verify --format json` of the files; (exit code, the JSON report)."""
    result = runner.invoke(app, ["verify", *map(str, files), "--catalog", str(catalog), "--format", "json"])
    return result.exit_code, json.loads(result.stdout)


def award_files(out: Path) -> list[Path]:
    return sorted(p for p in out.glob("*/*.json") if p.parent.name != "status")


def test_hostile_roster_text_bakes_into_well_formed_svgs_that_verify(tmp_path: Path, key_file: Path) -> None:
    out = tmp_path / "awards"
    roster = write_roster(
        tmp_path / "r.csv",
        [
            ["ana@example.com", HOSTILE_NAME, "cloud-essentials", "2026-02-03", HOSTILE_NARRATIVE],
            ["bo@example.com", "Bo", "cloud-essentials", "2026-02-03", ""],
        ],
    )
    code, payload, output = issue(roster, out, key_file, "--bake", "svg,png")
    assert code == 0, output
    assert payload["summary"]["issued"] == 2 and not payload["problems"]
    files = award_files(out)
    assert len(files) == 2
    texts = "".join(file.read_text(encoding="utf-8") for file in files)
    assert "]]>" in texts and "\uffff" in texts  # the hostile text did reach the awards
    for award in files:
        expected = json.loads(award.read_bytes())
        svg = award.with_suffix(".svg").read_bytes()
        ElementTree.fromstring(svg)  # well-formed XML, by the standard library's own parser
        assert json.loads(baking.unbake_svg(svg)) == expected
        assert json.loads(baking.unbake_png(award.with_suffix(".png").read_bytes())) == expected
    images = [f.with_suffix(kind) for f in files for kind in (".svg", ".png")]
    code, report = verify(*images)
    assert code == 0 and report["summary"]["valid"] == 4, report
    # The same folder keeps working: a re-run skips, and a new award with the same text bakes too.
    code, payload, output = issue(roster, out, key_file, "--bake", "svg,png")
    assert code == 0 and payload["summary"]["skipped"] == 2, output
    more = write_roster(tmp_path / "more.csv", [["cy@example.com", HOSTILE_NAME, "cloud-essentials", "", ""]])
    code, payload, output = issue(more, out, key_file, "--bake", "svg")
    assert code == 0 and payload["summary"]["issued"] == 1, output
    assert len(list(out.glob("cloud-essentials/*.svg"))) == 3


def random_text(rng: random.Random) -> str:
    """A string mixing the pieces that break XML, CDATA or JSON with arbitrary code points."""
    pieces = ["]]>", "]]", "]", ">", "<", "&", '"', "'", "\\", "<![CDATA[", "-->", "\r\n", "\r", "\n", "\t"]
    pieces += [chr(c) for c in (0, 1, 0x0B, 0x1F, 0x7F, 0x85, 0xD800, 0xDFFF, 0xFEFF, 0xFFFE, 0xFFFF, 0x2028)]
    parts = []
    for _ in range(rng.randrange(0, 12)):
        roll = rng.random()
        if roll < 0.5:
            parts.append(rng.choice(pieces))
        elif roll < 0.8:
            parts.append(chr(rng.randrange(0x20, 0x3000)))
        else:
            parts.append(chr(rng.choice([rng.randrange(0x10000, 0x110000), rng.randrange(0xE000, 0x10000)])))
    return "".join(parts)


LATIN1_SVG = (
    b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<!-- an <svg> in a comment -->\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" data-note="a > b" width="4" height="4"><title>caf\xe9</title></svg>'
)


@pytest.mark.parametrize("image", [TINY_SVG, LATIN1_SVG, b'<svg xmlns="http://www.w3.org/2000/svg"/>'])
def test_bake_then_unbake_round_trips_any_text(image: bytes) -> None:
    rng = random.Random(20260212)  # fixed: a failure names a case that can be replayed
    for case in range(400):
        text = random_text(rng)
        document = {"name": text, "list": [text, {text: [text, 1]}], "plain": "Ada"}
        credential = json.dumps(document, ensure_ascii=False)
        baked = baking.bake_svg(image, credential)
        ElementTree.fromstring(baked)  # the image stays well-formed XML
        read = baking.unbake_svg(baked)
        assert json.loads(read) == document, (case, text)
        assert read == baking.cdata_safe_json(credential, ascii_only=image is LATIN1_SVG), (case, text)
    plain = json.dumps({"name": "Ana Lopes", "note": "a > b, [x]"})
    assert baking.unbake_svg(baking.bake_svg(image, plain)) == plain  # nothing to rewrite: baked as it is


def signed_award(tmp_path: Path, key_file: Path, name: str = "Ana <x> & ]]> done") -> Path:
    """One award issued by `cc issue` (no baking): the JSON file."""
    roster = write_roster(tmp_path / "one.csv", [["ana@example.com", name, "cloud-essentials", "2026-02-03", ""]])
    code, _, output = issue(roster, tmp_path / "awards", key_file)
    assert code == 0, output
    [award] = award_files(tmp_path / "awards")
    return award


def other_tools_svgs(text: str) -> dict[str, bytes]:
    """The same credential baked the ways other tools may write it (all read the same in XML)."""
    root = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
    split = text.replace("]]>", "]]]]><![CDATA[>")
    return {
        "escaped": root + b"<openbadges:credential>" + escape(text).encode() + b"</openbadges:credential></svg>",
        "split-cdata": root
        + b"<openbadges:credential><![CDATA["
        + split.encode()
        + b"]]></openbadges:credential></svg>",
        "pretty": root
        + b"\n  <openbadges:credential>\n    <![CDATA[\n"
        + text.replace("]]>", "]]\\u003e").encode()
        + b"\n    ]]>\n  </openbadges:credential>\n  <rect/>\n</svg>",
        "other-prefix": b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="https://purl.imsglobal.org/ob/v3p0">'
        b"<ob:credential>" + escape(text).encode() + b"</ob:credential></svg>",
    }


def test_cc_verify_reads_escaped_and_split_cdata_svgs(tmp_path: Path, key_file: Path) -> None:
    award = signed_award(tmp_path, key_file)
    text = award.read_text(encoding="utf-8")
    assert "]]>" in text
    paths = []
    for name, svg in other_tools_svgs(text).items():
        paths.append(tmp_path / f"{name}.svg")
        paths[-1].write_bytes(svg)
        assert json.loads(baking.unbake_svg(svg)) == json.loads(text), name
    code, report = verify(*paths)
    assert code == 0 and report["summary"]["valid"] == len(paths), report


@pytest.mark.parametrize(
    ("svg", "reason"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', "not well-formed XML"),
        (
            b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
            b"<openbadges:credential>&x;</openbadges:credential></svg>",
            "declares the entity 'x'",
        ),
    ],
)
def test_svgs_without_a_readable_credential_get_one_line(tmp_path: Path, svg: bytes, reason: str) -> None:
    path = tmp_path / "x.svg"
    path.write_bytes(svg)
    code, report = verify(path)
    [entry] = report["files"]
    assert code == 1 and not entry["valid"] and reason in entry["error"], entry


def test_baking_into_legacy_svg_artwork_keeps_every_character(tmp_path: Path, key_file: Path) -> None:
    """Owner artwork passes `cc validate` in Latin-1, with `<svg>` in a comment and `>` in an attribute:
    the baked award must still be exactly the award, not mojibake in a comment."""
    import shutil

    catalog = tmp_path / "catalog"
    shutil.copytree(SAMPLE_CATALOG, catalog)
    (catalog / "assets/legacy/cognitive-practitioner.svg").write_bytes(LATIN1_SVG)
    out = tmp_path / "awards"
    roster = write_roster(tmp_path / "r.csv", [["jo@example.com", "José Ñ", "cognitive-practitioner", "", ""]])
    code, _, output = issue(roster, out, key_file, "--bake", "svg", catalog=catalog)
    assert code == 0, output
    [award] = award_files(out)
    svg = award.with_suffix(".svg").read_bytes()
    assert svg.startswith(LATIN1_SVG[:60])  # the artwork itself is untouched
    assert ElementTree.fromstring(svg).find("{http://www.w3.org/2000/svg}title").text == "caf\xe9"  # type: ignore[union-attr]
    assert json.loads(baking.unbake_svg(svg)) == json.loads(award.read_bytes())
    code, report = verify(award.with_suffix(".svg"), catalog=catalog)
    assert code == 0, report


def utf16_artwork_catalog(tmp_path: Path) -> Path:
    """The sample catalog with one legacy credential's artwork saved as UTF-16: valid (it parses and renders,
    so the PNG bakes), but an SVG cc cannot bake into. A real, not a simulated, per-award failure."""
    import shutil

    catalog = tmp_path / "catalog"
    shutil.copytree(SAMPLE_CATALOG, catalog)
    artwork = catalog / "assets/legacy/cognitive-practitioner.svg"
    text = artwork.read_text(encoding="utf-8")
    artwork.write_bytes(('<?xml version="1.0" encoding="UTF-16"?>\n' + text).encode("utf-16"))
    return catalog


def test_an_image_that_cannot_be_baked_costs_only_that_image(tmp_path: Path, key_file: Path) -> None:
    catalog = utf16_artwork_catalog(tmp_path)
    out = tmp_path / "awards"
    roster = write_roster(
        tmp_path / "r.csv",
        [
            ["jo@example.com", "Jo", "cognitive-practitioner", "2026-02-03", ""],
            ["bo@example.com", "Bo", "cloud-essentials", "2026-02-03", ""],
        ],
    )
    code, payload, output = issue(roster, out, key_file, "--bake", "svg,png", catalog=catalog)
    assert code == 1, output  # problems found, not an internal error (2)
    assert payload["summary"]["issued"] == 2
    jo, bo = payload["rows"]
    [problem] = payload["problems"]
    assert (problem["code"], problem["path"], problem["line"]) == ("CC510", str(roster), 2)
    assert jo["award_id"] in problem["message"] and "SVG image was not baked" in problem["message"]
    assert "UTF-16" in problem["message"] and "--bake svg" in problem["message"]
    jo_award, bo_award = out / jo["file"], out / bo["file"]
    assert not jo_award.with_suffix(".svg").exists() and jo_award.with_suffix(".png").exists()
    assert bo_award.with_suffix(".svg").exists() and bo_award.with_suffix(".png").exists()
    images = [jo_award, jo_award.with_suffix(".png"), bo_award.with_suffix(".svg"), bo_award.with_suffix(".png")]
    code, report = verify(*images, catalog=catalog)
    assert code == 0 and report["summary"]["valid"] == 4, report
    # Both awards are recorded: a re-run has nothing to finish, says again what is missing, and nothing else.
    code, payload, output = issue(roster, out, key_file, "--bake", "svg,png", catalog=catalog)
    assert code == 1 and payload["summary"]["skipped"] == 2 and payload["summary"]["recovered"] == 0, output
    assert [p["code"] for p in payload["problems"]] == ["CC510"]
    code, payload, output = issue(roster, out, key_file, "--bake", "png", catalog=catalog)
    assert code == 0 and not payload["problems"], output


def test_the_text_report_names_the_line_and_the_award(tmp_path: Path, key_file: Path) -> None:
    catalog = utf16_artwork_catalog(tmp_path)
    roster = write_roster(tmp_path / "r.csv", [["jo@example.com", "Jo", "cognitive-practitioner", "", ""]])
    args = ["issue", str(roster), "--catalog", str(catalog), "--out", str(tmp_path / "o"), "--key", str(key_file)]
    result = runner.invoke(app, [*args, "--bake", "svg", "--workers", "1"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    [line] = [text for text in result.stderr.splitlines() if "CC510" in text]
    assert line.startswith(f"{roster}:2:0: error CC510 award urn:uuid:") and "UTF-16" in line


def test_a_batch_an_old_run_left_pending_is_finished_and_baked(tmp_path: Path, key_file: Path) -> None:
    """Before the fix, `]]>` aborted the batch with its chunk pending, and every later --bake svg run into the
    folder died the same way finishing it. The next run must finish it."""
    import sqlite3

    out = tmp_path / "awards"
    roster = write_roster(tmp_path / "r.csv", [["ana@example.com", HOSTILE_NAME, "cloud-essentials", "", ""]])
    code, _, output = issue(roster, out, key_file)
    assert code == 0, output
    [award] = award_files(out)
    award.unlink()
    with sqlite3.connect(out / "ledger.sqlite3") as db:  # as the aborted run left it
        db.execute("UPDATE awards SET state = 'pending', file_sha256 = NULL")
    code, payload, output = issue(roster, out, key_file, "--bake", "svg")
    assert code == 0 and payload["summary"]["recovered"] == 1, output
    svg = award.with_suffix(".svg").read_bytes()
    assert json.loads(baking.unbake_svg(svg)) == json.loads(award.read_bytes())
