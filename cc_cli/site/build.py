"""`cc site` core: the catalog as a static HTML site, built beside the target and swapped in whole.

Layout (every link relative, so it works from file:// and from any static host, under any path):

    index.html              credentials (filterable), learning paths, legacy section
    legacy.html             legacy and retired credentials, retired paths
    credentials/<id>.html   one page per published credential (drafts are not published)
    paths/<id>.html         one page per published learning path, with its SVG roadmap
    emblems/<id>.svg|png    emblems (pages show the SVG, see emblems.py; awards cite the PNG)
    assets/                 style sheet, the small filter script, the icon
    achievements/<id>.json  what awards cite, and status/, issuer/ (see documents.py)

Credential pages and emblems are the bulk of a large catalog; they are written by worker processes in
chunks while the main process writes the index and the path pages. Prints nothing; returns a SiteResult.
"""

from __future__ import annotations

import shutil
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from cc_cli.catalog.model import Catalog
from cc_cli.catalog.roadmap import relations_of, roadmap
from cc_cli.core.problems import UsageError
from cc_cli.core.workers import process_pool, workers_for
from cc_cli.site import documents, publish
from cc_cli.site.diagram import layout
from cc_cli.site.emblems import draw_one, emblem_name
from cc_cli.site.framework import CLASSIFICATIONS, passage
from cc_cli.site.views import Site, sort_key

MARKER_FILE = publish.MARKER  # only a site cc built is trusted for reused emblems
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "site"
ASSETS = ("site.css", "filters.js", "icon.svg")
DEFAULT_RENDER_FOLDER = "emblems"  # `cc render`'s default --out, where a catalog repository keeps its emblems
PARALLEL_FROM = 300  # credentials; below this, worker start-up costs more than it saves


@dataclass(slots=True)
class SiteResult:
    out: Path
    credentials: int = 0  # credential pages written
    paths: int = 0  # path pages written
    pages: int = 0  # every HTML page
    undrawn: list[str] = field(default_factory=list)  # credentials shown with the placeholder emblem
    achievements: int = 0  # achievement documents published
    status_lists: int = 0  # status lists copied from --awards
    logo: str | None = None  # where the issuer's logo was published


@cache
def environment() -> Any:
    """Jinja2 with autoescape on for every template: catalog text can only ever be text on the page."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["web_url"] = web_url
    return env


def web_url(value: str | None) -> str | None:
    """Only http(s) URLs become links: a `javascript:` URL in the catalog must never become clickable."""
    if value and value.strip().lower().startswith(("https://", "http://")):
        return value.strip()
    return None


def build_site(
    catalog: Catalog,
    out: Path,
    *,
    jobs: int | None = None,
    awards: Path | None = None,
    emblems: Path | None = None,
) -> SiteResult:
    """Build the whole site into a temporary folder beside `out`, then swap it in; on any failure `out`
    is left as it was. With `awards` (the --out folder of `cc issue`), its signed status lists are published
    too; without, the lists already in `out/status/` are carried over. `emblems` is the folder `cc render`
    writes (default: `emblems/` when it holds a render manifest), whose PNGs are reused where still current."""
    rendered = render_folder(emblems)
    temporary = publish.start(out)
    try:
        result = write_site(catalog, temporary, jobs=jobs, awards=awards, previous=out, rendered=rendered)
        publish.finish(temporary, out)
    except BaseException:
        publish.abandon(temporary)
        raise
    result.out = out
    return result


def render_folder(emblems: Path | None) -> Path | None:
    """The `cc render` output to reuse PNGs from: `emblems` as given (a UsageError when it holds no render
    manifest, since a typo would otherwise silently redraw everything), else `emblems/` if it is one."""
    from cc_cli.emblem.store import MANIFEST

    if emblems is None:
        default = Path(DEFAULT_RENDER_FOLDER)
        return default if (default / MANIFEST).is_file() else None
    if not (emblems / MANIFEST).is_file():
        raise UsageError(f"--emblems {emblems}: no {MANIFEST} there; give the --out folder of `cc render`")
    return emblems


def write_site(
    catalog: Catalog,
    folder: Path,
    *,
    jobs: int | None = None,
    awards: Path | None = None,
    previous: Path | None = None,
    rendered: Path | None = None,
) -> SiteResult:
    """Write every page, emblem, asset and cited document into `folder` (which should be empty); `previous`
    is the site this one replaces (its unchanged PNGs are reused; its status lists' ledger --awards must be);
    `rendered` is `cc render`'s output folder, whose current PNGs are reused too."""
    built_before = previous is not None and (previous / MARKER_FILE).exists()
    reuse = tuple(f for f in (previous / "emblems" if previous and built_before else None, rendered) if f is not None)
    site = Site(catalog, relations_of(catalog), {key: emblem_name(c) for key, c in catalog.credentials.items()})
    for name in ("credentials", "paths", "emblems", "assets"):
        (folder / name).mkdir(exist_ok=True)
    for name in ASSETS:
        shutil.copyfile(TEMPLATES / name, folder / "assets" / name)
    shutil.copyfile(TEMPLATES / "placeholder.svg", folder / "emblems" / "_none.svg")
    ids = sorted(site.credentials)
    result = SiteResult(out=folder, credentials=len(ids), paths=len(site.paths))
    workers = max(1, min(workers_for(jobs or 0), 8))
    if workers == 1 or len(ids) < PARALLEL_FROM:
        _write_others(site, folder)
        result.undrawn = _write_credentials(site, folder, ids, reuse)
    else:
        from cc_cli.emblem.draw import warm

        warm()  # fonts and templates loaded once, before the workers fork
        size = max(100, len(ids) // (workers * 4))
        chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
        with process_pool(workers, _init, (site, folder, reuse)) as pool:
            futures: list[Future[list[str]]] = [pool.submit(_chunk, chunk) for chunk in chunks]
            _write_others(site, folder)  # meanwhile, in this process
            result.undrawn = sorted(key for future in futures for key in future.result())
    result.pages = result.credentials + result.paths + 2
    documents.write_achievements(catalog, folder, ids, documents.creator_id(catalog, awards))
    result.achievements = len(ids)
    result.logo = documents.copy_logo(catalog, folder)
    if awards is not None:
        published = previous / "status" if previous is not None else None
        result.status_lists = documents.copy_status_lists(awards, folder, published)
    return result


def _common(site: Site, root: str) -> dict[str, Any]:
    """What every page shows: the programme and issuer, and the words, `lang` and `dir` of the catalog's
    language (a credential page passes its own `t`, `lang` and `dir` when its language differs)."""
    info = site.catalog.info
    words = site.words
    return {
        "root": root,
        "program": info.name or words("nav.credentials"),
        "issuer": info.issuer.name,
        "issuer_url": web_url(info.issuer.url),
        "issuer_did": info.issuer.did,
        "t": words,
        "lang": words.language,
        "dir": words.direction,
    }


def _render(published: Site, template: str, target: Path, /, root: str, **context: Any) -> None:
    html = environment().get_template(template).render(**{**_common(published, root), **context})
    target.write_text(html, encoding="utf-8")


def _write_credentials(site: Site, folder: Path, ids: list[str], reuse: tuple[Path, ...]) -> list[str]:
    """Emblem and page of each credential in `ids`; returns those drawn with the placeholder. `reuse`:
    emblem folders (the site being replaced, `cc render`'s) whose unchanged PNGs are copied, not redrawn."""
    undrawn = []
    for key in ids:
        credential = site.credentials[key]
        if not draw_one(site.catalog, credential, folder / "emblems", reuse):
            undrawn.append(key)
        page = site.credential_page(credential)
        _render(site, "credential.html.j2", folder / "credentials" / f"{key}.html", **page)
    return undrawn


_state: tuple[Site, Path, tuple[Path, ...]] | None = None


def _init(site: Site, folder: Path, reuse: tuple[Path, ...]) -> None:
    global _state
    _state = (site, folder, reuse)


def _chunk(ids: list[str]) -> list[str]:
    assert _state is not None
    return _write_credentials(_state[0], _state[1], ids, _state[2])


def _write_others(site: Site, folder: Path) -> None:
    """The index, the legacy page and every path page."""
    published = sorted(site.credentials.values(), key=sort_key)
    current = [c for c in published if not c.legacy and c.status == "active"]
    legacy = [c for c in published if c.legacy]
    retired = [c for c in published if c.status == "retired" and not c.legacy]
    active_paths = sorted((p for p in site.paths.values() if p.status == "active"), key=lambda p: p.title.casefold())
    retired_paths = sorted((p for p in site.paths.values() if p.status != "active"), key=lambda p: p.title.casefold())
    counts = {key: sum(c.classification == key for c in current) for key in CLASSIFICATIONS}
    _render(
        site,
        "index.html.j2",
        folder / "index.html",
        "",
        cards=[site.card(c, "") for c in current],
        legacy_cards=[site.card(c, "") for c in legacy[:8]],
        legacy_total=len(legacy) + len(retired),
        path_cards=[site.path_card(p, "") for p in active_paths],
        counts=counts,
        legacy_quote=passage(site.words, "legacy"),
    )
    _render(
        site,
        "legacy.html.j2",
        folder / "legacy.html",
        "",
        legacy_cards=[site.card(c, "") for c in legacy],
        retired_cards=[site.card(c, "") for c in retired],
        retired_paths=[site.path_card(p, "") for p in retired_paths],
        legacy_quote=passage(site.words, "legacy"),
    )
    for path in site.paths.values():
        drawn = roadmap(site.catalog, path, site.relations)
        _render(
            site,
            "path.html.j2",
            folder / "paths" / f"{path.id}.html",
            "../",
            path=path,
            roadmap=drawn,
            diagram=layout(drawn, site),
            site=site,
            audience=site.path_card(path, "../")["audience"],
        )
