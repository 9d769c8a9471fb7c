"""Issue 13: every URL an award cites resolves in the folder `cc site --awards` builds.

The catalog's base_url is rewritten to a local HTTPS server (127.0.0.1, a certificate this test makes) before
anything is issued, so the awards carry exactly the URLs a verifier would follow. Then every URL under
base_url in every award, baked image, CLR and CTDL export is fetched from that server: it must answer 200
with the content type its suffix promises, and the body must parse as what it claims to be.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import json
import shutil
import ssl
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from typer.testing import CliRunner

from cc_cli.cli.app import app
from cc_cli.credentials import baking
from tests.conftest import ROOT, SAMPLE_CATALOG
from tests.i18n_catalog import write_catalog
from tests.tls import self_signed_certificate

runner = CliRunner()
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
READERS: dict[str, Callable[[bytes], str | bytes]] = {
    ".json": lambda data: data,
    ".png": baking.unbake_png,
    ".svg": baking.unbake_svg,
}
CONTENT_TYPES = {".json": "application/json", ".png": "image/png", ".svg": "image/svg+xml", ".html": "text/html"}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Host:
    """A static HTTPS host of one folder, as GitHub Pages or an object store would serve it."""

    base_url: str
    client: ssl.SSLContext

    def get(self, url: str) -> tuple[int, str, bytes]:
        """(status, content type, body) of one URL."""
        try:
            with urllib.request.urlopen(url, context=self.client, timeout=10) as response:
                return response.status, response.headers.get_content_type(), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, "", b""


@contextlib.contextmanager
def serve(folder: Path, work: Path) -> Iterator[Host]:
    """Serve `folder` (which may not exist yet: paths resolve per request) over HTTPS on 127.0.0.1."""
    cert_file, key_file = self_signed_certificate(work, "site", "127.0.0.1")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Host(f"https://127.0.0.1:{server.server_address[1]}", ssl.create_default_context(cafile=str(cert_file)))
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def cc(*args: str) -> str:
    """Run cc in this process; its output, after checking it succeeded."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def urls_in(value: Any, base_url: str) -> set[str]:
    """Every string under `base_url` anywhere in a JSON value, without its #fragment."""
    if isinstance(value, dict):
        return set().union(*(urls_in(v, base_url) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(urls_in(v, base_url) for v in value)) if value else set()
    if isinstance(value, str) and value.startswith(base_url + "/"):
        return {value.split("#", 1)[0]}
    return set()


def check_url(host: Host, url: str) -> str | None:
    """Why `url` does not resolve to what it claims to be, or None when it does."""
    status, media, body = host.get(url)
    if status != 200:
        return f"{url}: HTTP {status}"
    suffix = Path(url).suffix
    if suffix not in CONTENT_TYPES:
        return f"{url}: no suffix a static host maps to a content type"
    if media != CONTENT_TYPES[suffix]:
        return f"{url}: served as {media}, not {CONTENT_TYPES[suffix]}"
    try:
        if suffix == ".json":
            if "@context" not in json.loads(body):
                return f"{url}: JSON without @context, not a JSON-LD document"
        elif suffix == ".html":
            if not body.lstrip().lower().startswith(b"<!doctype html>"):
                return f"{url}: not an HTML page"
        elif suffix == ".png":
            if not body.startswith(PNG_SIGNATURE):
                return f"{url}: not a PNG"
        elif not ElementTree.fromstring(body).tag.endswith("svg"):
            return f"{url}: not an SVG"
    except (ValueError, ElementTree.ParseError) as exc:
        return f"{url}: does not parse ({exc})"
    return None


@dataclass
class Published:
    host: Host
    site: Path
    cited: dict[str, set[str]]  # what cites -> the URLs it cites under base_url


def non_ibm_roster(catalog: Path, roster: Path) -> None:
    """One learner earning every credential of the non-IBM test catalog (re-runs issue what prerequisites
    held back)."""
    ids = sorted(p.stem for p in (catalog / "credentials").glob("*.yaml"))
    rows = [["lea@example.org", "Léa Tremblay", key, "2026-01-05"] for key in ids]
    with roster.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([["email", "name", "credential", "issued_on"], *rows])


@pytest.fixture(scope="module", params=["sample", "non-ibm"])
def published(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    """Issue a roster (baked), publish with `cc site --awards`, and serve the site over HTTPS."""
    work = tmp_path_factory.mktemp(request.param)
    site, out, key = work / "site", work / "awards", work / "issuer.key"
    with serve(site, work) as host:
        catalog = work / "catalog"
        if request.param == "sample":
            shutil.copytree(SAMPLE_CATALOG, catalog)
            shutil.copyfile(ROOT / "examples" / "roster.csv", work / "roster.csv")
        else:
            write_catalog(catalog)
            non_ibm_roster(catalog, work / "roster.csv")
        settings = catalog / "catalog.yaml"
        lines = [
            f"base_url: {host.base_url}" if line.startswith("base_url:") else line
            for line in settings.read_text(encoding="utf-8").splitlines()
        ]
        settings.write_text("\n".join(lines) + "\n", encoding="utf-8")
        cc("keys", "init", str(key))
        common = ["--catalog", str(catalog), "--key", str(key)]
        issue = ["issue", str(work / "roster.csv"), "--out", str(out), "--bake", "png,svg", "--workers", "1"]
        for _ in range(5):  # a credential whose prerequisite is later in the roster is issued by a re-run
            if runner.invoke(app, [*issue, *common]).exit_code == 0:
                break
        cc(*issue, *common)
        cited: dict[str, set[str]] = {}
        for path in sorted(out.glob("*/*")):  # awards, and the awards baked into emblems
            if path.parent.name != "status" and path.suffix in READERS:
                document = json.loads(READERS[path.suffix](path.read_bytes()))
                cited[str(path.relative_to(out))] = urls_in(document, host.base_url)
        email = next(csv.DictReader((work / "roster.csv").open(encoding="utf-8")))["email"]
        cc("transcript", email, "--out", str(out), "--clr", str(work / "clr.json"), *common)
        cited["clr"] = urls_in(json.loads((work / "clr.json").read_bytes()), host.base_url)
        ctdl = cc("export", "--format", "ctdl", "--catalog", str(catalog))
        cited["ctdl"] = urls_in(json.loads(ctdl), host.base_url)
        cc("site", "--catalog", str(catalog), "--out", str(site), "--awards", str(out))
        yield Published(host, site, cited)


def broken(published: Published) -> list[str]:
    every = sorted(set().union(*published.cited.values()))
    return [problem for url in every if (problem := check_url(published.host, url))]


def test_every_url_an_award_cites_resolves(published: Published) -> None:
    kinds = {name.rsplit(".", 1)[-1] for name in published.cited}
    assert {"json", "png", "svg", "clr", "ctdl"} <= kinds, "awards, baked images, a CLR and the export are checked"
    every = set().union(*published.cited.values())
    assert any("/achievements/" in url for url in every) and any("/status/" in url for url in every)
    assert any(url.endswith(".png") for url in every)
    assert broken(published) == []


def test_the_link_check_fails_when_a_document_is_missing(published: Published) -> None:
    every = sorted(set().union(*published.cited.values()))
    achievement = next(url for url in every if "/achievements/" in url)
    relative = achievement.removeprefix(published.host.base_url + "/")
    saved = (published.site / relative).read_bytes()
    (published.site / relative).unlink()
    try:
        assert broken(published) == [f"{achievement}: HTTP 404"]
    finally:
        (published.site / relative).write_bytes(saved)


def test_achievements_keep_resolving_at_the_urls_of_earlier_awards(published: Published) -> None:
    """Awards issued before the `.json` suffix cite achievements/<id>: the same document is there."""
    for url in sorted(u for u in set().union(*published.cited.values()) if "/achievements/" in u):
        status, _, body = published.host.get(url.removesuffix(".json"))
        assert status == 200 and json.loads(body)["id"] == url


def test_a_rebuild_redraws_the_png_of_a_changed_emblem_only(tmp_path: Path) -> None:
    """PNGs of unchanged emblems are copied from the site being replaced; a changed one is drawn afresh."""
    from cc_cli.emblem.render import emblem_bytes
    from cc_cli.site import build_site
    from cc_cli.validate.load import load_catalog

    catalog, site = tmp_path / "catalog", tmp_path / "site"
    shutil.copytree(SAMPLE_CATALOG, catalog)
    build_site(load_catalog(catalog).catalog, site)
    before = {p.name: p.read_bytes() for p in (site / "emblems").glob("*.png")}
    source = catalog / "credentials" / "cloud-essentials.yaml"
    text = source.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    source.write_text(text.replace(title, "title: Cloud Basics"), encoding="utf-8")
    loaded = load_catalog(catalog).catalog
    build_site(loaded, site)
    after = {p.name: p.read_bytes() for p in (site / "emblems").glob("*.png")}
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert changed == ["cloud-essentials.png"]
    assert after["cloud-essentials.png"] == emblem_bytes(loaded, loaded.credentials["cloud-essentials"])["png"]


def test_the_issuer_logo_is_published(base_catalog: Path, tmp_path: Path) -> None:
    logo = (ROOT / "emblems" / "cloud-essentials.png").read_bytes()  # any PNG the owner supplies
    (base_catalog / "assets").mkdir(exist_ok=True)
    (base_catalog / "assets" / "logo.png").write_bytes(logo)
    settings = base_catalog / "catalog.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("issuer:\n", "issuer:\n  logo: assets/logo.png\n", 1), encoding="utf-8")
    site = tmp_path / "site"
    cc("site", "--catalog", str(base_catalog), "--out", str(site))
    assert (site / "issuer" / "logo.png").read_bytes() == logo


def test_site_copies_the_pngs_cc_render_drew_and_redraws_what_changed(tmp_path: Path) -> None:
    """A catalog repository keeps `cc render`'s emblems: `cc site` copies a PNG whose SVG is unchanged (the
    costly part of a build) and draws one whose SVG changed or whose PNG is not whole. A mistyped --emblems
    is refused rather than silently redrawing everything."""
    from cc_cli.emblem.render import emblem_bytes
    from cc_cli.validate.load import load_catalog

    rendered, site = tmp_path / "emblems", tmp_path / "site"
    shutil.copytree(ROOT / "emblems", rendered)
    planted = (rendered / "cloud-architecture-thought-leader.png").read_bytes()  # whole, 600 px, another emblem
    (rendered / "cloud-essentials.png").write_bytes(planted)
    edited = rendered / "cloud-native-microservices.svg"
    edited.write_bytes(edited.read_bytes().replace(b"</svg>", b"<!-- edited --></svg>"))
    (rendered / "cybersecurity-fundamentals.png").write_bytes(planted[:-20])  # truncated
    result = runner.invoke(
        app, ["site", "--catalog", str(SAMPLE_CATALOG), "--out", str(site), "--emblems", str(rendered)]
    )
    assert result.exit_code == 0, result.stderr
    assert (site / "emblems" / "cloud-essentials.png").read_bytes() == planted  # copied, not drawn
    loaded = load_catalog(SAMPLE_CATALOG).catalog
    for key in ("cloud-native-microservices", "cybersecurity-fundamentals"):
        drawn = emblem_bytes(loaded, loaded.credentials[key])["png"]
        assert (site / "emblems" / f"{key}.png").read_bytes() == drawn == (ROOT / "emblems" / f"{key}.png").read_bytes()
    typo = runner.invoke(
        app,
        [
            "site",
            "--catalog",
            str(SAMPLE_CATALOG),
            "--out",
            str(tmp_path / "new"),
            "--emblems",
            str(tmp_path / "emblem"),
        ],
    )
    assert typo.exit_code == 2 and "--emblems" in typo.stderr and "cc render" in typo.stderr
    assert not (tmp_path / "new").exists()
