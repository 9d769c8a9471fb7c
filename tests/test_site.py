"""`cc site` without a browser: pages, links, escaping, the roadmap diagram, atomic publishing, the CLI.

`crawl` (every href and src of every page resolves to a file, every #fragment to an id) is shared with the
browser tests in test_site_browser.py.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from typer.testing import CliRunner

from cc_cli.catalog.texts import catalog_texts
from cc_cli.cli.app import app
from cc_cli.core.problems import UsageError
from cc_cli.site import build_site, publish
from cc_cli.site.build import web_url
from cc_cli.site.diagram import layout
from cc_cli.site.framework import all_quotes
from cc_cli.site.views import Site
from cc_cli.validate.load import load_catalog
from tests.conftest import SAMPLE_CATALOG, write_files

runner = CliRunner()
SEED = Path("/work/shared/seed/connected-credentials-framework.txt")
HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_DESCRIPTION = 'Earners <img src=x onerror="alert(2)"> & "friends" know <b>things</b>.'
HOSTILE_CRITERION = "<a href='javascript:alert(3)'>Pass</a> the quiz"


class _Refs(HTMLParser):
    """Every reference (href, src) and every id of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in ("href", "src") and value is not None:
                self.refs.append((tag, value))

    handle_startendtag = handle_starttag


def parse(page: Path) -> _Refs:
    parser = _Refs()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def crawl(site: Path) -> tuple[list[Path], list[str]]:
    """All pages, and every broken reference as 'page: ref'. External links (http, mailto) must be <a> only:
    the site fetches nothing from the network."""
    pages = sorted(site.rglob("*.html"))
    ids = {page.resolve(): parse(page).ids for page in pages}
    broken = []
    for page in pages:
        for tag, ref in parse(page).refs:
            parts = urlsplit(ref)
            if parts.scheme in ("http", "https", "mailto"):
                if tag != "a":
                    broken.append(f"{page.relative_to(site)}: <{tag}> fetches {ref}")
                continue
            if parts.scheme or ref.startswith("/"):
                broken.append(f"{page.relative_to(site)}: not a relative link: {ref}")
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
            if not target.is_file() or site.resolve() not in target.parents:
                broken.append(f"{page.relative_to(site)}: {ref} does not exist")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in ids[target]:
                broken.append(f"{page.relative_to(site)}: {ref}: no id {parts.fragment!r}")
    return pages, broken


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "site"
    build_site(load_catalog(SAMPLE_CATALOG).catalog, out)
    return out


def hostile_catalog(root: Path) -> Path:
    """The rules' base catalog with HTML in a title, a description, a criterion, a skill and a path."""
    text = (root / "credentials" / "base-foundational.yaml").read_text()
    text = text.replace("title: Base Foundational", f"title: '{HOSTILE_TITLE}'")
    text = text.replace("description: Earners know the basics.", f"description: '{HOSTILE_DESCRIPTION}'")
    text = text.replace("description: Pass the quiz.", f'description: "{HOSTILE_CRITERION}"')
    text = text.replace("skills: [Alpha, Beta, Gamma]", "skills: ['<i>Alpha</i>', Beta, Gamma]")
    path = (root / "paths" / "base-path.yaml").read_text().replace("title: Base Path", "title: '<em>Path</em>'")
    write_files(root, {"credentials/base-foundational.yaml": text, "paths/base-path.yaml": path})
    return root


def test_every_page_and_reference_exists(sample_site: Path) -> None:
    catalog = load_catalog(SAMPLE_CATALOG).catalog
    pages, broken = crawl(sample_site)
    assert not broken, broken[:10]
    published = sorted(key for key, c in catalog.credentials.items() if c.status != "draft")
    assert sorted(p.stem for p in (sample_site / "credentials").glob("*.html")) == published
    assert sorted(p.stem for p in (sample_site / "paths").glob("*.html")) == sorted(catalog.paths)
    assert {"index.html", "legacy.html"} <= {p.name for p in pages}
    emblems = {p.name for p in (sample_site / "emblems").iterdir()}
    assert "bluemix-essentials.png" in emblems  # legacy artwork, as supplied
    assert "cloud-essentials.svg" in emblems


def test_credential_page_shows_what_the_issue_lists(sample_site: Path) -> None:
    html = (sample_site / "credentials" / "ibm-certified-deployment-professional-qradar-siem-v7-5.html").read_text()
    catalog = load_catalog(SAMPLE_CATALOG).catalog
    credential = catalog.credentials["ibm-certified-deployment-professional-qradar-siem-v7-5"]
    assert f'alt="{credential.alt_text}"' in html
    assert "IBM Professional Certification provides validation" in html  # the framework's words
    assert "Three levels of potential achievement" in html
    assert 'href="../credentials/ibm-certified-associate-analyst-qradar-siem-v7-5.html"' in html  # prerequisite, linked
    assert "Renewal" in html and "The certification is valid for" in html
    for skill in credential.skills:
        assert skill in html
    skill_page = (sample_site / "credentials" / "python-for-data-science.html").read_text()
    assert 'href="../paths/data-scientist.html"' in skill_page  # the paths it is on
    assert "Intermediate level activities are geared toward" in skill_page
    assert "weeks" in skill_page  # time to earn, in words


def test_index_has_labelled_filters_and_filter_data(sample_site: Path) -> None:
    html = (sample_site / "index.html").read_text()
    for control in ("filter-classification", "filter-type", "filter-level", "filter-text"):
        assert f'<label for="{control}">' in html and f'id="{control}"' in html
    assert html.count('data-classification="certification"') == 10
    assert '<form id="filters"' in html and " hidden>" in html  # shown by the script: works without JS
    assert 'href="legacy.html"' in html and "Legacy credentials" in html
    assert 'src="assets/filters.js" defer' in html


def test_path_page_draws_the_roadmap_as_svg(sample_site: Path) -> None:
    html = (sample_site / "paths" / "cloud-developer.html").read_text()
    assert '<svg class="roadmap-svg"' in html and 'role="img"' in html
    assert html.count("<image ") == 5  # 4 credentials and the certificate it leads to
    assert 'stroke-dasharray="6 5"' in html and "choose one" in html and "prepares for" in html


def test_diagram_puts_options_side_by_side_and_the_goal_last() -> None:
    from cc_cli.catalog.roadmap import relations_of, roadmap

    catalog = load_catalog(SAMPLE_CATALOG).catalog
    site = Site(catalog, relations_of(catalog), {})
    drawn = layout(roadmap(catalog, "data-scientist"), site)
    by_id = {node.id: node for node in drawn.nodes}
    left, right = by_id["python-for-data-science"], by_id["data-analysis-with-python"]
    assert left.y == right.y and left.x < right.x and left.step == right.step == 3
    ys = [by_id[key].y for key in ("data-science-foundations-level-1", "data-science-foundations-level-2")]
    assert ys[0] < ys[1] < left.y < by_id["data-science-professional-certificate"].y
    assert by_id["data-science-professional-certificate"].step is None
    assert [c.dashed for c in drawn.connectors][-2:] == [True, True]
    assert all(0 <= node.x <= drawn.width and node.y < drawn.height for node in drawn.nodes)
    assert "Step 3, one of: Python for Data Science and AI or Data Analysis with Python." in drawn.description


def test_catalog_html_is_shown_as_text_everywhere(base_catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(load_catalog(hostile_catalog(base_catalog)).catalog, out)
    pages, broken = crawl(out)
    assert not broken, broken
    texts = {page: page.read_text(encoding="utf-8") for page in pages}
    for raw in (HOSTILE_TITLE, "<img src=x", "<b>things</b>", "<a href='javascript", "<i>Alpha</i>", "<em>Path</em>"):
        assert not [page for page, text in texts.items() if raw in text], raw
    page = texts[out / "credentials" / "base-foundational.html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt; &amp; &#34;friends&#34;" in page
    assert "&lt;a href=&#39;javascript:alert(3)&#39;&gt;Pass&lt;/a&gt;" in page
    assert "&lt;em&gt;Path&lt;/em&gt;" in texts[out / "paths" / "base-path.html"]
    assert "&lt;script&gt;" in texts[out / "paths" / "base-path.html"]  # in the SVG roadmap too
    assert not re.search(r"<script(?! src=\"(\.\./)?assets/filters\.js\")", "".join(texts.values()))


def test_only_web_urls_become_links() -> None:
    assert web_url("https://example.org/x") == "https://example.org/x"
    assert web_url("javascript:alert(1)") is None
    assert web_url(" JavaScript:alert(1)") is None
    assert web_url(None) is None


def test_drafts_are_not_published(base_catalog: Path, tmp_path: Path) -> None:
    text = (base_catalog / "credentials" / "base-foundational.yaml").read_text()
    draft = text.replace("id: base-foundational", "id: base-draft").replace("Base Foundational", "Secret Draft")
    write_files(base_catalog, {"credentials/base-draft.yaml": draft + "status: draft\n"})
    out = tmp_path / "site"
    build_site(load_catalog(base_catalog).catalog, out)
    assert not (out / "credentials" / "base-draft.html").exists()
    assert not any("Secret Draft" in page.read_text() for page in out.rglob("*.html"))


def test_framework_quotes_are_verbatim() -> None:
    """The sample catalog quotes its programme's framework text (`texts:` in catalog.yaml): word for word."""
    if not SEED.exists():
        pytest.skip(f"the framework text is not at {SEED} on this machine")
    source = " ".join(SEED.read_text(encoding="utf-8").split())
    info = load_catalog(SAMPLE_CATALOG).catalog.info
    for quote in all_quotes(catalog_texts(info)):
        for text in (*quote.paragraphs, *quote.points):
            assert " ".join(text.split()) in source, text[:60]


def test_rebuild_replaces_the_site_and_a_failed_build_keeps_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = load_catalog(SAMPLE_CATALOG).catalog
    out = tmp_path / "site"
    build_site(catalog, out)
    (out / "stale.html").write_text("old")
    build_site(catalog, out)
    assert not (out / "stale.html").exists() and (out / publish.MARKER).exists()
    before = sorted(p.relative_to(out) for p in out.rglob("*"))

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("cc_cli.site.build._write_others", explode)
    with pytest.raises(RuntimeError):
        build_site(catalog, out)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no temporary folder left behind


def test_rebuild_carries_over_what_hosting_needs(tmp_path: Path) -> None:
    catalog = load_catalog(SAMPLE_CATALOG).catalog
    out = tmp_path / "site"
    build_site(catalog, out)
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (out / "CNAME").write_text("credentials.example.com\n")
    (out / "status").mkdir()
    (out / "status" / "0.json").write_text('{"type": ["VerifiableCredential"]}')
    build_site(catalog, out)
    assert (out / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (out / "CNAME").read_text() == "credentials.example.com\n"
    assert (out / "status" / "0.json").exists() and (out / "index.html").exists()


def test_refuses_to_replace_a_folder_it_did_not_build(tmp_path: Path) -> None:
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    catalog = load_catalog(SAMPLE_CATALOG).catalog
    with pytest.raises(UsageError, match="did not build"):
        build_site(catalog, precious)
    assert (precious / "notes.txt").read_text() == "keep me"
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="not a folder"):
        build_site(catalog, tmp_path / "file")
    empty = tmp_path / "empty"
    empty.mkdir()
    build_site(catalog, empty)  # an empty folder is fine
    assert (empty / "index.html").exists()


def test_cli_builds_and_refuses_a_broken_catalog(tmp_path: Path, base_catalog: Path) -> None:
    out = tmp_path / "site"
    result = runner.invoke(app, ["site", "--catalog", str(SAMPLE_CATALOG), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "page(s) in" in result.stderr and (out / "index.html").exists()
    write_files(base_catalog, {"credentials/base-foundational.yaml": "id: base-foundational\ntitle: X\n"})
    result = runner.invoke(app, ["site", "--catalog", str(base_catalog), "--out", str(tmp_path / "other")])
    assert result.exit_code == 2 and "cc validate" in result.stderr
    assert not (tmp_path / "other").exists()


def test_old_leftovers_of_an_interrupted_build_are_swept(tmp_path: Path) -> None:
    import os

    catalog = load_catalog(SAMPLE_CATALOG).catalog
    old, fresh = tmp_path / ".site.old1.cc-site-tmp", tmp_path / ".site.new1.cc-site-tmp"
    for leftover in (old, fresh):
        leftover.mkdir()
        (leftover / publish.MARKER).write_text("x")
    os.utime(old, (0, 0))
    build_site(catalog, tmp_path / "site")
    assert not old.exists()  # an interrupted build's folder
    assert fresh.exists()  # maybe another build, still running
