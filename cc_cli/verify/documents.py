"""The documents a credential points to but does not contain: DID documents (did:web), controller documents
(an https issuer) and status lists. From a `--documents DIR` folder (air-gapped checks), else, with
`--online`, fetched (verify/fetch.py) and, when a folder is given, written there so a later offline run reuses
them.

DIR/index.json maps each URL to a file name in DIR: {"https://example.edu/issuer": "issuer.json"}. A name that
leaves the folder (absolute, `..`, a link out) is refused: the index may come with the credentials. Every
document is hostile input: size-capped, strict JSON (a key repeated in one object is refused), an object.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cc_cli.core import strictjson
from cc_cli.core.problems import UsageError
from cc_cli.verify.fetch import MAX_BYTES, FetchError, fetch

INDEX = "index.json"


class DocumentUnavailable(ValueError):
    """The document at a URL cannot be had (not in the folder, not fetched, not a JSON object)."""


class DocumentStore:
    """Documents by URL, kept for the run: a folder's, then (with `online`) fetched ones."""

    def __init__(self, folder: Path | None, online: bool, allow_local: bool = False) -> None:
        self.folder = folder
        self.online = online
        self.allow_local = allow_local
        self.index = read_index(folder) if folder is not None else {}
        self.cache: dict[str, dict[str, Any] | str] = {}

    @property
    def enabled(self) -> bool:
        return self.online or self.folder is not None

    def get(self, url: str) -> dict[str, Any]:
        """The JSON object at `url`; DocumentUnavailable with the reason (also kept, so asked once)."""
        if url not in self.cache:
            try:
                self.cache[url] = self._load(url)
            except DocumentUnavailable as exc:
                self.cache[url] = str(exc)
        found = self.cache[url]
        if isinstance(found, str):
            raise DocumentUnavailable(found)
        return found

    def _load(self, url: str) -> dict[str, Any]:
        if url in self.index and self.folder is not None:
            return _parse(_read_inside(self.folder, self.index[url]), f"{self.folder / self.index[url]}")
        if not self.online:
            where = f"not in {self.folder / INDEX}" if self.folder is not None else "no --documents folder given"
            raise DocumentUnavailable(f"{url} is needed: {where}; pass --online to fetch it, or --documents DIR")
        try:
            data = fetch(url, allow_local=self.allow_local)
        except FetchError as exc:
            raise DocumentUnavailable(str(exc)) from None
        document = _parse(data, url)
        if self.folder is not None:
            self._keep(url, data)
        return document

    def _keep(self, url: str, data: bytes) -> None:
        """Write a fetched document into the folder and the index, so an offline run can reuse it."""
        from cc_cli.core.atomic import write_bytes

        assert self.folder is not None
        name = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16] + ".json"
        write_bytes(self.folder / name, data)
        self.index[url] = name
        text = json.dumps(self.index, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        write_bytes(self.folder / INDEX, text.encode("utf-8"))


def read_index(folder: Path) -> dict[str, str]:
    """DIR/index.json as {URL: file name}; a missing index is an empty folder. UsageError when unusable."""
    if not folder.is_dir():
        raise UsageError(f"--documents {folder}: no such folder")
    path = folder / INDEX
    if not path.exists():
        return {}
    try:
        index = strictjson.loads(_read_inside(folder, INDEX).decode("utf-8"))
    except (DocumentUnavailable, ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not a JSON object of URL -> file name ({exc}); fix or remove it") from None
    if not isinstance(index, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in index.items()):
        raise UsageError(f'{path}: must map each URL to a file name in the folder, as {{"https://...": "file.json"}}')
    return index


def _read_inside(folder: Path, name: str) -> bytes:
    """The bytes of `name` in `folder`, refusing a name (or link) that leads out of it, and big files."""
    root = folder.resolve()
    path = (folder / name).resolve()
    if Path(name).is_absolute() or root not in path.parents:
        raise DocumentUnavailable(f"{folder / INDEX}: {name!r} is not a file inside {folder}")
    try:
        with open(path, "rb") as file:
            if os.fstat(file.fileno()).st_size > MAX_BYTES:
                raise DocumentUnavailable(f"{path}: over the {MAX_BYTES:,} bytes cc reads for a document")
            return file.read(MAX_BYTES + 1)
    except OSError as exc:
        raise DocumentUnavailable(f"{path}: cannot read: {exc.strerror or exc}") from None


def _parse(data: bytes, where: str) -> dict[str, Any]:
    """Strict JSON object (duplicate keys refused: a reader could show the copy the signature does not cover)."""
    try:
        document = strictjson.loads(data.decode("utf-8-sig"))
    except strictjson.DuplicateKey as exc:
        raise DocumentUnavailable(f"{where}: {exc}") from None
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise DocumentUnavailable(f"{where}: not JSON ({type(exc).__name__})") from None
    if not isinstance(document, dict):
        raise DocumentUnavailable(f"{where}: not a JSON object")
    return document
