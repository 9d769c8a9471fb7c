"""Issuer trust for `cc verify`: which did:key the awards must be signed by, and where that pin came from.

A valid proof shows who signed, not that it was the issuer: anyone can make a did:key. So the trusted key is
pinned, by `--issuer DID` or by `issuer.did` in the catalog's catalog.yaml; given together, they must agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from cc_cli.catalog.formats import DID_KEY
from cc_cli.core.problems import UsageError


class Trust(NamedTuple):
    """The did:key the awards must be signed by (None: any signer), and where it came from, for messages:
    `--issuer`, or `issuer.did in CATALOG/catalog.yaml`."""

    issuer: str | None
    source: str


def check_issuer_option(issuer: str | None) -> None:
    """--issuer must be an Ed25519 did:key (checked before any file is read)."""
    if issuer is not None and not DID_KEY.match(issuer):
        raise UsageError(f"--issuer {issuer!r} is not an Ed25519 did:key: give the did that `cc keys show` prints")


def trusted_issuer(issuer: str | None, catalog: Path | None, default_catalog: Path) -> Trust:
    """`--issuer` when given (it must match the pin of an explicit `--catalog`); else the pin of `--catalog`,
    or of the default catalog when one is there."""
    if issuer is not None:
        if catalog is not None:
            pinned = catalog_issuer(catalog, required=True)
            if pinned and pinned != issuer:
                raise UsageError(f"--issuer {issuer} is not the issuer.did {pinned} of {catalog / 'catalog.yaml'}")
        return Trust(issuer, "--issuer")
    root = catalog or default_catalog
    return Trust(catalog_issuer(root, required=catalog is not None), f"issuer.did in {root / 'catalog.yaml'}")


def catalog_issuer(root: Path, *, required: bool) -> str | None:
    """The did:key that catalog.yaml pins (`issuer.did`), read from that one file; None when the catalog
    pins none, or is absent and was not asked for (awards are often verified far from any catalog)."""
    from cc_cli.catalog.yamlload import YamlProblem, read_document  # not validate.load: the catalog model

    if not (root / "catalog.yaml").is_file():
        if required:
            raise UsageError(f"--catalog {root}: no catalog.yaml there")
        return None
    try:
        data = read_document(root, "catalog.yaml").data
    except YamlProblem as exc:
        raise UsageError(f"{root / 'catalog.yaml'}:{exc.line}:{exc.column}: {exc.message}; run `cc validate`") from None
    issuer = data.get("issuer") if isinstance(data, dict) else None
    did = issuer.get("did") if isinstance(issuer, dict) else None
    if did is not None and not (isinstance(did, str) and DID_KEY.match(did)):
        raise UsageError(f"{root / 'catalog.yaml'}: issuer.did is not a did:key; run `cc validate`")
    return did
