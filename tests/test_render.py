"""Rendering a catalog into a folder: files, PNG pixels, incremental runs, --check, legacy artwork, errors."""

from __future__ import annotations

import errno
import os
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from cc_cli.catalog.model import Catalog, CatalogInfo, Credential, Emblem, Issuer
from cc_cli.core.problems import UsageError
from cc_cli.emblem import render as render_module
from cc_cli.emblem import store
from cc_cli.emblem.render import render_catalog


def credential(cid: str, title: str, classification: str = "skill", **extra: object) -> Credential:
    kind_field = {"skill": {"type": "foundational"}, "certification": {"level": "associate"}}.get(classification, {})
    fields = {**kind_field, **extra}
    return Credential(id=cid, title=title, classification=classification, source=f"credentials/{cid}.yaml", **fields)  # type: ignore[arg-type]


def make_catalog(root: Path, *credentials: Credential) -> Catalog:
    root.mkdir(parents=True, exist_ok=True)
    info = CatalogInfo(name="Test Credentials", issuer=Issuer(name="IBM"))
    return Catalog(root=root, info=info, credentials={c.id: c for c in credentials})


def tiny_png(width: int = 4, height: int = 3) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00\xff" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return make_catalog(
        tmp_path / "catalog",
        credential("cloud-essentials", "IBM Cloud Essentials", emblem=Emblem(business_unit="IBM Cloud")),
        credential("data-science", "IBM Data Science Professional Certificate", "certificate"),
        credential("quantum-dev", "IBM Certified Associate Developer - Quantum", "certification"),
    )


def no_temporaries(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_renders_svg_and_png_per_credential_with_a_manifest(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "emblems"
    result = render_catalog(catalog, out, jobs=1)
    assert result.failures == []
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        ".cc-render.json",
        "cloud-essentials.png",
        "cloud-essentials.svg",
        "data-science.png",
        "data-science.svg",
        "quantum-dev.png",
        "quantum-dev.svg",
    ]
    assert result.drawn == 3 and len(result.changed) == 6
    svg = (out / "cloud-essentials.svg").read_text()
    assert '<title id="cloud-essentials-title">IBM Cloud Essentials - skill badge, Foundational</title>' in svg


@pytest.mark.parametrize("size", [600, 256, 96, 48])
def test_png_has_the_requested_size_and_a_transparent_outside(tmp_path: Path, size: int) -> None:
    catalog = make_catalog(tmp_path / "c", credential("cloud-essentials", "IBM Cloud Essentials"))
    render_catalog(catalog, tmp_path / "out", size=size, jobs=1)
    image = Image.open(tmp_path / "out" / "cloud-essentials.png")
    assert image.size == (size, size) and image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0 and image.getpixel((size - 1, size - 1))[3] == 0
    assert image.getpixel((size // 2, size // 2))[3] == 255


def test_output_is_byte_identical_for_the_same_input(catalog: Catalog, tmp_path: Path) -> None:
    render_catalog(catalog, tmp_path / "a", jobs=1)
    render_catalog(catalog, tmp_path / "b", jobs=2)  # and the same whether drawn in workers or not
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_second_run_redraws_nothing_and_a_change_redraws_only_that_emblem(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "emblems"
    render_catalog(catalog, out, jobs=1)
    again = render_catalog(catalog, out, jobs=1)
    assert (again.drawn, again.changed) == (0, [])
    catalog.credentials["data-science"].title = "IBM Data Science Certificate"
    third = render_catalog(catalog, out, jobs=1)
    assert third.drawn == 1
    assert third.changed == ["data-science.png", "data-science.svg"]


def test_a_hand_edited_or_deleted_file_is_restored(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "emblems"
    render_catalog(catalog, out, jobs=1)
    original = (out / "quantum-dev.svg").read_bytes()
    (out / "quantum-dev.svg").write_text("<svg/>")
    (out / "cloud-essentials.png").unlink()
    result = render_catalog(catalog, out, jobs=1)
    assert result.changed == ["cloud-essentials.png", "quantum-dev.svg"]
    assert (out / "quantum-dev.svg").read_bytes() == original


def test_check_writes_nothing_and_lists_what_would_change(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "emblems"
    first = render_catalog(catalog, out, check=True)
    assert not out.exists()
    assert ".cc-render.json" in first.changed and "quantum-dev.png" in first.changed
    render_catalog(catalog, out, jobs=1)
    assert render_catalog(catalog, out, check=True).changed == []
    catalog.credentials["cloud-essentials"].emblem.display_title = "Cloud Essentials"
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = render_catalog(catalog, out, check=True)
    assert result.changed == [".cc-render.json", "cloud-essentials.png", "cloud-essentials.svg"]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_check_passes_on_a_fresh_clone_with_new_mtimes(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "emblems"
    render_catalog(catalog, out, jobs=1)
    for path in out.iterdir():
        os.utime(path, (1, 1))
    assert render_catalog(catalog, out, check=True).changed == []


def test_emblems_of_removed_credentials_are_removed(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "emblems"
    render_catalog(catalog, out, jobs=1)
    (out / "unrelated.txt").write_text("kept")
    del catalog.credentials["quantum-dev"]
    assert render_catalog(catalog, out, check=True).removed == ["quantum-dev.png", "quantum-dev.svg"]
    result = render_catalog(catalog, out, jobs=1)
    assert result.removed == ["quantum-dev.png", "quantum-dev.svg"]
    assert not (out / "quantum-dev.svg").exists() and (out / "unrelated.txt").exists()


def test_only_renders_the_named_credentials(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "emblems"
    result = render_catalog(catalog, out, only=["quantum-dev"], jobs=1)
    assert result.total == 1
    assert sorted(p.name for p in out.glob("*.svg")) == ["quantum-dev.svg"]
    with pytest.raises(UsageError, match="did you mean 'quantum-dev'"):
        render_catalog(catalog, out, only=["quantum-devv"])


def test_legacy_artwork_passes_through_untouched(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    (root / "assets").mkdir(parents=True)
    png = tiny_png()
    (root / "assets" / "old.png").write_bytes(png)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="50" height="50"><circle cx="25" cy="25" r="20"/></svg>'
    (root / "assets" / "old.svg").write_bytes(svg)
    catalog = make_catalog(
        root,
        credential("old-png", "Old PNG", legacy=True, emblem=Emblem(artwork="assets/old.png")),
        credential("old-svg", "Old SVG", legacy=True, emblem=Emblem(artwork="assets/old.svg")),
        credential("old-plain", "Old Plain Badge", legacy=True),
    )
    out = tmp_path / "emblems"
    assert render_catalog(catalog, out, jobs=1).failures == []
    assert (out / "old-png.png").read_bytes() == png
    wrapper = (out / "old-png.svg").read_text()
    assert 'width="4" height="3"' in wrapper and "data:image/png;base64," in wrapper and "Old PNG - " in wrapper
    assert (out / "old-svg.svg").read_bytes() == svg
    assert Image.open(out / "old-svg.png").size == (600, 600)
    assert "cc-legacy" in (out / "old-plain.svg").read_text()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "not found"),
        (b"\x89PNG\r\n\x1a\nbroken", "truncated"),
        (tiny_png()[:-4] + b"\x00\x00\x00\x00", "corrupt"),
        (b"GIF89a", "neither a PNG nor an SVG"),
        (b"<svg><unclosed></svg>", "not well-formed"),
    ],
)
def test_missing_or_broken_legacy_artwork_is_a_one_line_failure(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    root = tmp_path / "catalog"
    (root / "assets").mkdir(parents=True)
    name = "assets/old.svg" if content and content.startswith(b"<svg") else "assets/old.png"
    if content is not None:
        (root / name).write_bytes(content)
    catalog = make_catalog(
        root,
        credential("old", "Old", legacy=True, emblem=Emblem(artwork=name)),
        credential("fine", "Fine Badge"),
    )
    out = tmp_path / "emblems"
    result = render_catalog(catalog, out, jobs=1)
    assert len(result.failures) == 1
    source, reason = result.failures[0]
    assert source == "credentials/old.yaml" and message in reason and "\n" not in reason
    assert not (out / "old.png").exists() and (out / "fine.png").exists()
    assert no_temporaries(out)


def test_artwork_outside_the_catalog_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(tiny_png())
    catalog = make_catalog(
        tmp_path / "catalog", credential("old", "Old", legacy=True, emblem=Emblem(artwork="../secret.png"))
    )
    result = render_catalog(catalog, tmp_path / "out", jobs=1)
    assert "outside the catalog" in result.failures[0][1]


def test_title_that_cannot_be_drawn_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    catalog = make_catalog(tmp_path / "c", credential("greek", "Ελληνικά"), credential("ok", "Fine"))
    result = render_catalog(catalog, tmp_path / "out", jobs=1)
    assert [source for source, _ in result.failures] == ["credentials/greek.yaml"]
    assert "no glyph" in result.failures[0][1]


def test_business_unit_or_issuer_the_font_cannot_draw_is_reported_never_boxes(tmp_path: Path) -> None:
    catalog = make_catalog(
        tmp_path / "c",
        credential("unit", "Fine Title", emblem=Emblem(business_unit="Cloud \u0915")),
        credential("ok", "Fine"),
    )
    result = render_catalog(catalog, tmp_path / "out", jobs=1)
    assert result.failures == [
        ("credentials/unit.yaml", "business unit 'Cloud \u0915': the emblem fonts have no glyph for '\u0915' (U+0915)")
    ]
    catalog.info.issuer.name = "Ωmega"
    result = render_catalog(catalog, tmp_path / "out2", jobs=1)
    assert [source for source, _ in result.failures] == ["catalog.yaml"]
    assert not (tmp_path / "out2" / "ok.svg").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_unwritable_output_folder_is_a_usage_error(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "locked"
    out.mkdir()
    out.chmod(0o500)
    try:
        with pytest.raises(UsageError, match="permission denied"):
            render_catalog(catalog, out, jobs=1)
    finally:
        out.chmod(0o700)


def test_output_folder_without_write_permission_is_refused_before_drawing(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same check as above, where tests run as root (containers): nothing is drawn, nothing written."""
    monkeypatch.setattr(render_module.os, "access", lambda path, mode: False)
    with pytest.raises(UsageError, match=r"cannot write to output folder .*permission denied"):
        render_catalog(catalog, tmp_path / "out", jobs=1)
    assert list((tmp_path / "out").iterdir()) == []


def test_output_folder_that_cannot_be_created_is_a_usage_error(catalog: Catalog, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(UsageError, match="cannot create output folder"):
        render_catalog(catalog, tmp_path / "file" / "emblems", jobs=1)


def test_output_folder_that_is_a_file_is_a_usage_error(catalog: Catalog, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(UsageError, match="is a file"):
        render_catalog(catalog, tmp_path / "file", jobs=1)


def test_full_disk_leaves_no_half_written_file(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "emblems"
    render_catalog(catalog, out, jobs=1)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    catalog.credentials["cloud-essentials"].title = "IBM Cloud Essentials Two"
    catalog.credentials["quantum-dev"].title = "IBM Certified Associate Developer - Qiskit"
    real_write = store._write_all

    def full_disk(handle: int, data: bytes) -> None:
        real_write(handle, b"partial")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store, "_write_all", full_disk)
    with pytest.raises(UsageError, match="No space left on device"):
        render_catalog(catalog, out, jobs=1)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert no_temporaries(out)


def test_missing_issuer_logo_is_one_catalog_failure(catalog: Catalog, tmp_path: Path) -> None:
    catalog.info.issuer.logo = "assets/logo.svg"
    result = render_catalog(catalog, tmp_path / "out", jobs=1)
    assert result.failures == [("catalog.yaml", "issuer logo 'assets/logo.svg' not found")]
    (catalog.root / "assets").mkdir()
    (catalog.root / "assets" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9"/></svg>'
    )
    assert render_catalog(catalog, tmp_path / "out", jobs=1).failures == []
    assert 'class="issuer-logo"' in (tmp_path / "out" / "quantum-dev.svg").read_text()


def test_temporaries_left_by_a_killed_run_are_swept(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "emblems"
    out.mkdir()
    stale, fresh = out / ".quantum-dev.png.abc12_3x.tmp", out / ".quantum-dev.svg.def456gh.tmp"
    users = [out / ".notes.tmp", out / ".draft.svg.tmp", out / ".backup.png.old.tmp"]  # not our names
    for path in (stale, fresh, *users):
        path.write_bytes(b"some bytes")
    for path in (stale, *users):
        os.utime(path, (1, 1))
    render_catalog(catalog, out, jobs=1)
    assert not stale.exists() and fresh.exists()
    assert all(path.exists() for path in users), "files that merely look temporary are the user's"


def test_progress_is_reported_per_emblem(catalog: Catalog, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    render_catalog(catalog, tmp_path / "out", jobs=2, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_size_out_of_range_is_a_usage_error(catalog: Catalog, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--size"):
        render_catalog(catalog, tmp_path / "out", size=8)


def test_emblem_bytes_for_baking_are_what_render_writes(catalog: Catalog, tmp_path: Path) -> None:
    from cc_cli.emblem.render import emblem_bytes

    out = tmp_path / "emblems"
    render_catalog(catalog, out, jobs=1)
    credential = catalog.credentials["quantum-dev"]
    both = emblem_bytes(catalog, credential, frozenset({"png", "svg"}))
    assert both == {"png": (out / "quantum-dev.png").read_bytes(), "svg": (out / "quantum-dev.svg").read_bytes()}
    assert emblem_bytes(catalog, credential, {"svg"}) == {"svg": both["svg"]}
    credential.title = "\u0915"  # Devanagari: no emblem font has it
    assert emblem_bytes(catalog, credential) == {}


def _stats(folder: Path) -> dict[str, tuple[int, int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size) for p in folder.iterdir()}


def test_an_unchanged_run_draws_and_writes_nothing(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "emblems"
    render_catalog(catalog, out, jobs=1)
    before = _stats(out)

    def must_not_draw(*args: object) -> None:
        raise AssertionError("an unchanged emblem was drawn")

    # neither an emblem nor the issuer's lettering (which loads the fonts) is drawn or checked
    monkeypatch.setattr(render_module, "produce", must_not_draw)
    monkeypatch.setattr(render_module, "_issuer_trouble", must_not_draw)
    again = render_catalog(catalog, out, jobs=1)
    assert (again.drawn, again.changed, again.failures) == (0, [], [])
    assert _stats(out) == before  # same inodes and mtimes: not a byte rewritten, not even the manifest


def test_force_redraws_every_emblem_but_rewrites_only_files_that_differ(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "emblems"
    render_catalog(catalog, out, jobs=1)
    before = _stats(out)
    forced = render_catalog(catalog, out, jobs=1, force=True)
    assert (forced.drawn, forced.changed) == (3, [])
    assert _stats(out) == before
    (out / "data-science.png").write_bytes(b"tampered")
    forced = render_catalog(catalog, out, jobs=1, force=True)
    assert (forced.drawn, forced.changed) == (3, ["data-science.png"])


def test_a_manifest_entry_with_another_input_hash_is_redrawn(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "emblems"
    render_catalog(catalog, out, jobs=1)
    manifest = store.Manifest.load(out)
    manifest.entries["quantum-dev"].digest = "0" * 64  # as if drawn from other inputs (an older design)
    (out / store.MANIFEST).write_bytes(manifest.dumps())
    result = render_catalog(catalog, out, jobs=1)
    assert (result.drawn, result.changed) == (1, [])  # drawn again, and its files came out the same
    assert store.Manifest.load(out).entries["quantum-dev"].digest != "0" * 64


def test_an_issuer_the_fonts_cannot_draw_fails_as_soon_as_anything_is_to_be_drawn(
    catalog: Catalog, tmp_path: Path
) -> None:
    out = tmp_path / "emblems"
    render_catalog(catalog, out, jobs=1)
    before = _stats(out)
    catalog.info.issuer.name = "Ωmega"  # in every emblem's input hash: every emblem is stale
    result = render_catalog(catalog, out, jobs=1)
    assert [source for source, _ in result.failures] == ["catalog.yaml"]
    assert result.drawn == 0 and _stats(out) == before


def test_emblem_files_are_readable_by_all_whatever_the_umask(catalog: Catalog, tmp_path: Path) -> None:
    """Temporaries are created 0600 (exclusive, as mkstemp); a published emblem must end 0644."""
    previous = os.umask(0o077)
    try:
        render_catalog(catalog, tmp_path / "out", jobs=1)
    finally:
        os.umask(previous)
    modes = {p.name: p.stat().st_mode & 0o777 for p in (tmp_path / "out").iterdir() if p.suffix in (".svg", ".png")}
    assert set(modes.values()) == {0o644}, modes
