"""What awards and exports cite, published beside the pages at exactly the URLs they carry.

    achievements/<id>.json   the credential's OB 3.0 Achievement (JSON-LD), the URL awards now cite
    achievements/<id>        the same bytes at the URL awards issued before the `.json` suffix cite
    emblems/<id>.png|svg     written by emblems.py
    status/...               the signed status lists `cc issue` / `cc revoke` wrote in their --out folder
    issuer/logo.<ext>        the issuer's logo, when catalog.yaml supplies one

A `.json` suffix rather than `achievements/<id>/index.json`: static hosts serve a folder's `index.html`,
never an `index.json`, while every one of them maps `.json` to application/json by itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from cc_cli.catalog.model import Catalog
from cc_cli.core import strictjson
from cc_cli.core.problems import UsageError
from cc_cli.credentials import ob3, status_list

LOGO_FOLDER = "issuer"


def creator_id(catalog: Catalog, awards: Path | None) -> str:
    """The issuer id an Achievement's `creator` carries, as awards carry it: the catalog's pinned did,
    else the did that signed the published status lists, else the issuer's (or the site's) URL."""
    if catalog.info.issuer.did:
        return catalog.info.issuer.did
    for document in _status_documents(awards) if awards else []:
        issuer = document[1].get("issuer")
        if isinstance(issuer, str) and issuer:
            return issuer
    return catalog.info.issuer.url or catalog.info.base_url or catalog.info.issuer.name


def write_achievements(catalog: Catalog, folder: Path, ids: list[str], creator: str) -> None:
    """`achievements/<id>.json` (and its suffix-less twin) for every published credential in `ids`."""
    target = folder / "achievements"
    target.mkdir(exist_ok=True)
    issuer = ob3.issuer_profile(catalog.info, creator)
    for key in ids:
        document = {"@context": [ob3.VC_CONTEXT, ob3.OB_CONTEXT]}
        document.update(ob3.achievement(catalog.credentials[key], catalog.info, issuer))
        data = ob3.dumps(document)
        (target / f"{key}.json").write_bytes(data)
        (target / key).write_bytes(data)


def copy_logo(catalog: Catalog, folder: Path) -> str | None:
    """Publish the issuer's logo at `issuer/logo.<ext>`; its path in the site, or None without one."""
    logo = catalog.info.issuer.logo
    if not logo:
        return None
    source = catalog.root / logo
    suffix = source.suffix.lower()
    if not source.is_file() or suffix not in (".png", ".svg"):
        raise UsageError(f"{catalog.root / 'catalog.yaml'}: issuer.logo {logo} is not a PNG or SVG file to publish")
    (folder / LOGO_FOLDER).mkdir(exist_ok=True)
    name = ob3.issuer_logo_path(catalog.info) or f"{LOGO_FOLDER}/logo{suffix}"  # the URL awards cite
    shutil.copyfile(source, folder / name)
    return name


def _status_documents(awards: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Every status list in `awards/status/` as (path relative to that folder, parsed document)."""
    folder = awards / "status"
    found = []
    for path in sorted(folder.rglob("*.json")) if folder.is_dir() else []:
        try:
            document = strictjson.loads(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise UsageError(f"{path}: not a readable status list ({exc}); run `cc revoke --republish`") from None
        if not isinstance(document, dict) or "BitstringStatusListCredential" not in document.get("type", []):
            raise UsageError(f"{path}: not a status list; remove it or run `cc revoke --republish`")
        found.append((path.relative_to(folder), document))
    return found


def copy_status_lists(awards: Path, folder: Path, published: Path | None = None) -> int:
    """Copy the signed lists of `awards/status/` into `folder/status/`, read under the lock their writers
    hold, so a list is never copied half-written or between a revocation and its publication. The count.

    Refused when `published` (the status folder of the site being replaced) holds another ledger's lists:
    the new lists would flip the revocation bits of that ledger's awards."""
    source = awards / "status"
    if not source.is_dir():
        raise UsageError(
            f"--awards {awards} holds no status/ folder: give the --out folder of `cc issue` (default awards)"
        )
    owner = status_list.owner_of(source)
    before = status_list.owner_of(published) if published is not None else None
    if owner is not None and before is not None and owner.ledger_id != before.ledger_id:
        raise UsageError(
            f"the site's status lists were published from the ledger {before.where}, those of --awards {awards} "
            f"come from another ledger ({owner.where}): publishing them would flip the revocation bits of the "
            f"first ledger's awards. Publish the awards of {before.where}, or give this ledger its own site"
        )
    with status_list.status_lock(source):
        if owner is not None:
            (folder / "status").mkdir(parents=True, exist_ok=True)
            (folder / "status" / status_list.OWNER_FILE).write_text(owner.text(), encoding="utf-8")
        documents = _status_documents(awards)
        for relative, _document in documents:
            target = folder / "status" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes((source / relative).read_bytes())
    return len(documents)
