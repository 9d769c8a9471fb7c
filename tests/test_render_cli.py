"""`cc render` through the CLI: exit codes, --check, --only, --size, --sheet, one-line errors."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from cc_cli.cli.app import app

CATALOG = {
    "catalog.yaml": (
        "name: Test Programme\nissuer:\n  name: Example Org\n  url: https://example.org\n"
        "base_url: https://credentials.example.org\nframework_date: 2020-01-01\n"
    ),
    "credentials/cloud-basics.yaml": (
        "id: cloud-basics\ntitle: Cloud Basics\nclassification: skill\ntype: foundational\n"
        "description: Basics.\nskills: [A, B, C]\ncriteria:\n  - kind: course\n    description: Take it.\n"
        "emblem:\n  business_unit: Example Cloud\n"
    ),
    "credentials/cloud-architect.yaml": (
        "id: cloud-architect\ntitle: Certified Cloud Architect\nclassification: certification\n"
        "level: professional\ndescription: Architects.\nskills: [A, B, C]\ncriteria:\n"
        "  - kind: exam\n    proctored: true\n    description: Pass it.\n"
    ),
    "credentials/old-badge.yaml": (
        "id: old-badge\ntitle: Old Badge\nclassification: skill\ntype: foundational\nlegacy: true\n"
        "description: Old.\nskills: [A, B, C]\ncriteria:\n  - kind: course\n    description: Took it.\n"
        "emblem:\n  artwork: assets/old-badge.png\n"
    ),
}


def tiny_png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x00\x80\xff\xff" * 2 + b"\x00" + b"\x00\x80\xff\xff" * 2)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    for relative, text in CATALOG.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    (root / "assets").mkdir()
    (root / "assets" / "old-badge.png").write_bytes(tiny_png())
    return root


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["render", *args])
    return result.exit_code, result.stdout, result.stderr


def test_render_writes_emblems_and_check_then_passes(catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "emblems"
    code, stdout, stderr = run("--catalog", str(catalog), "--out", str(out))
    assert code == 0, stderr
    assert stdout == ""
    assert stderr == f"cc render: 3 emblem(s) in {out}: 3 drawn, 6 file(s) written\n"
    assert (out / "cloud-architect.png").exists() and (out / "old-badge.svg").exists()
    code, stdout, stderr = run("--catalog", str(catalog), "--out", str(out), "--check")
    assert (code, stdout, stderr) == (0, "", f"cc render --check: {out}: up to date\n")


def test_check_lists_changes_exits_1_and_writes_nothing(catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "emblems"
    run("--catalog", str(catalog), "--out", str(out))
    path = catalog / "credentials" / "cloud-basics.yaml"
    path.write_text(path.read_text().replace("title: Cloud Basics", "title: Cloud Foundations"))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    code, stdout, stderr = run("--catalog", str(catalog), "--out", str(out), "--check")
    assert code == 1
    assert stdout.splitlines() == [
        str(out / name) for name in (".cc-render.json", "cloud-basics.png", "cloud-basics.svg")
    ]
    assert "3 file(s) would change" in stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_only_and_size(catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "emblems"
    code, _, stderr = run("--catalog", str(catalog), "--out", str(out), "--only", "cloud-basics", "--size", "128")
    assert code == 0, stderr
    assert sorted(p.name for p in out.glob("*.png")) == ["cloud-basics.png"]
    assert Image.open(out / "cloud-basics.png").size == (128, 128)


def test_unknown_only_id_is_a_usage_error(catalog: Path, tmp_path: Path) -> None:
    code, stdout, stderr = run("--catalog", str(catalog), "--out", str(tmp_path / "o"), "--only", "cloud-basic")
    assert (code, stdout) == (2, "")
    assert stderr == "cc: error: --only: no credential 'cloud-basic' in the catalog (did you mean 'cloud-basics'?)\n"


def test_missing_legacy_artwork_is_one_line_and_exit_1(catalog: Path, tmp_path: Path) -> None:
    (catalog / "assets" / "old-badge.png").unlink()
    out = tmp_path / "emblems"
    code, _, stderr = run("--catalog", str(catalog), "--out", str(out))
    assert code == 1
    assert stderr.splitlines()[0] == (
        "cc: error: credentials/old-badge.yaml: legacy artwork 'assets/old-badge.png' not found"
    )
    assert not (out / "old-badge.png").exists() and (out / "cloud-basics.png").exists()


def test_output_folder_that_is_a_file_is_exit_2(catalog: Path, tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("")
    code, _, stderr = run("--catalog", str(catalog), "--out", str(tmp_path / "taken"))
    assert code == 2
    assert stderr == f"cc: error: output folder {tmp_path / 'taken'} is a file\n"


def test_bad_size_is_exit_2(catalog: Path, tmp_path: Path) -> None:
    code, _, stderr = run("--catalog", str(catalog), "--out", str(tmp_path / "o"), "--size", "5000")
    assert code == 2 and "--size must be between 16 and 4096 px" in stderr


def test_kinds_sheet_shows_every_kind_and_check_compares_it(catalog: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "kinds.png"
    code, _, stderr = run("--catalog", str(catalog), "--kinds-sheet", str(sheet))
    assert code == 0, stderr
    image = Image.open(sheet)
    assert image.size[0] == 1360 and image.size[1] > 1000
    assert run("--catalog", str(catalog), "--kinds-sheet", str(sheet), "--check")[0] == 0
    sheet.write_bytes(b"stale")
    assert run("--catalog", str(catalog), "--kinds-sheet", str(sheet), "--check")[:2] == (1, f"{sheet}\n")


def _embedded_titles(svg: str) -> list[str]:
    """The <title> (alt text) of every emblem embedded in a contact sheet."""
    import base64
    import re

    images = re.findall(r'href="data:image/svg\+xml;base64,([^"]+)"', svg)
    found = [re.search(r"<title[^>]*>([^<]*)</title>", base64.b64decode(image).decode()) for image in images]
    return [match.group(1) for match in found if match]


def test_kinds_sheet_uses_the_catalogs_own_credentials_never_invented_titles(catalog: Path) -> None:
    from cc_cli.emblem.sheet import sheet_svg
    from cc_cli.validate.load import load_catalog

    loaded = load_catalog(catalog).catalog
    titles = _embedded_titles(sheet_svg(loaded))
    assert len(titles) == 9
    own = {c.title for c in loaded.credentials.values()}
    for title in titles:
        name = title.rsplit(" - ", 1)[0]
        assert name in own or name.startswith(("Skill badge", "Certificate", "Professional certification", "Legacy")), (
            title
        )
    assert not any("Big Data Foundations" in title for title in titles)


def test_sheet_shows_the_catalogs_own_emblems_all_or_only(catalog: Path, tmp_path: Path) -> None:
    from cc_cli.emblem.sheet import catalog_sheet_svg
    from cc_cli.validate.load import load_catalog

    loaded = load_catalog(catalog).catalog
    published = sorted(key for key, c in loaded.credentials.items() if c.status != "draft")
    assert len(_embedded_titles(catalog_sheet_svg(loaded, []))) == len(published)
    sheet = tmp_path / "own.png"
    code, _, stderr = run("--catalog", str(catalog), "--sheet", str(sheet), "--only", published[0])
    assert code == 0, stderr
    assert Image.open(sheet).size[0] == 400  # one emblem: one column
    titles = _embedded_titles(catalog_sheet_svg(loaded, [published[0]]))
    assert len(titles) == 1 and titles[0].startswith(loaded.credentials[published[0]].title)
    code, _, stderr = run("--catalog", str(catalog), "--sheet", str(sheet), "--only", "nope")
    assert code == 2 and "--only: no credential 'nope'" in stderr


def test_a_malformed_credential_is_refused_not_drawn_as_another_kind(catalog: Path, tmp_path: Path) -> None:
    path = catalog / "credentials" / "cloud-basics.yaml"
    path.write_text(path.read_text().replace("classification: skill", "classification: skil"))
    out = tmp_path / "emblems"
    code, _, stderr = run("--catalog", str(catalog), "--out", str(out))
    assert code == 2 and not out.exists()
    assert stderr == (
        f"cc: error: the catalog {catalog} has 1 error(s): run `cc validate --catalog {catalog}` and fix them first\n"
    )
    (catalog / "catalog.yaml").write_text((catalog / "catalog.yaml").read_text() + "rules: {CC103: off}\n")
    assert run("--catalog", str(catalog), "--out", str(out))[0] == 2, "no override switches the guard off"
    code, _, stderr = run("--catalog", str(catalog), "--out", str(out), "--only", "cloud-architect")
    assert code == 0, stderr  # drawing another credential does not need this one to be fixed
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "cloud-architect.png",
        "cloud-architect.svg",
    ]


def test_force_redraws_all_and_check_keeps_its_meaning(catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "emblems"
    assert run("--catalog", str(catalog), "--out", str(out))[0] == 0
    code, _, stderr = run("--catalog", str(catalog), "--out", str(out))
    assert (code, stderr) == (0, f"cc render: 3 emblem(s) in {out}: 0 drawn, 0 file(s) written\n")
    code, _, stderr = run("--catalog", str(catalog), "--out", str(out), "--force")
    assert (code, stderr) == (0, f"cc render: 3 emblem(s) in {out}: 3 drawn, 0 file(s) written\n")
    (out / "cloud-basics.svg").write_text("<svg/>")
    code, stdout, _ = run("--catalog", str(catalog), "--out", str(out), "--check")
    assert (code, stdout) == (1, f"{out / 'cloud-basics.svg'}\n")
    code, _, stderr = run("--catalog", str(catalog), "--out", str(out), "--force")
    assert (code, stderr) == (0, f"cc render: 3 emblem(s) in {out}: 3 drawn, 1 file(s) written\n")
    assert run("--catalog", str(catalog), "--out", str(out), "--check")[0] == 0


# Run `cc render` in a fresh interpreter and list which of the drawing libraries it imported.
_IMPORTS = """
import sys
from cc_cli.cli.app import main
sys.argv = ["cc", "render", *sys.argv[1:]]
try:
    main()
finally:
    heavy = ("cc_cli.emblem.draw", "cc_cli.emblem.layouts", "fontTools.ttLib", "uharfbuzz", "cairosvg", "jinja2")
    sys.stdout.write(" ".join(name for name in heavy if name in sys.modules) + "\\n")
"""


def test_an_unchanged_render_never_loads_the_drawing_code(catalog: Path, tmp_path: Path) -> None:
    """Why an unchanged re-render is fast (well under the 0.5 s of issue 19): it hashes, it does not draw."""
    import subprocess
    import sys

    out = tmp_path / "emblems"
    command = [sys.executable, "-c", _IMPORTS, "--catalog", str(catalog), "--out", str(out)]
    first = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "cairosvg" in first.stdout and "cc_cli.emblem.draw" in first.stdout  # the check can fail
    again = subprocess.run(command, capture_output=True, text=True, check=True)
    assert again.stdout == "\n", again.stdout
    assert again.stderr == f"cc render: 3 emblem(s) in {out}: 0 drawn, 0 file(s) written\n"
