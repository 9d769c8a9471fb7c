"""Revocation lookups for `cc verify`: signed status list files, or the ledger beside the awards; for
others' credentials, the status list at the URL the credential cites (`--documents` / `--online`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cc_cli.core import strictjson
from cc_cli.credentials import ob3, signing
from cc_cli.verify.read import NotACredential, read_file
from cc_cli.verify.verdicts import FAIL, OK, SKIP

if TYPE_CHECKING:
    from cc_cli.ledger.base import StandingSource
    from cc_cli.ledger.locate import Location
    from cc_cli.verify.documents import DocumentStore
    from cc_cli.verify.report import VerifyOptions


def issuer_id(document: dict[str, Any]) -> Any:
    issuer = document.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


class StatusSources:
    """Where revocation is looked up: --status-dir or --ledger, else a `ledger.sqlite3` or `status/` in the
    award's folder or the one above it (awards are written to OUT/<credential>/<id>.json)."""

    def __init__(self, options: VerifyOptions, canon: Any, store: DocumentStore | None = None) -> None:
        from datetime import UTC, datetime

        self.options = options
        self.store = store  # --documents / --online: others' status lists, by the URL their credentials cite
        self.resolve: signing.KeyResolver = signing.resolve_did_key
        self.remote: dict[str, tuple[dict[str, Any], bytes] | str] = {}
        self.now = datetime.now(UTC)
        self.canon = canon
        self.lists: dict[Path, tuple[dict[str, Any], bytes] | str] = {}
        self.dbs: dict[Location, StandingSource] = {}
        # per run, like `lists`: the award's folder (as text) -> its status source, and (status folder, list
        # name) -> the list file found there; one stat per folder, not one per award
        self.beside: dict[str, tuple[str, Location] | None] = {}
        self.files: dict[tuple[Path, str], Path | None] = {}
        self.stale: dict[Path, str | None] = {}  # list file -> why it is stale now (judged once: `now` is fixed)
        self.made_by: dict[Path, str] = {}  # status folder -> which ledger made its lists, as words

    def check(self, document: dict[str, Any], path: str) -> tuple[str, str]:
        entries = document.get("credentialStatus")
        entries = entries if isinstance(entries, list) else [entries] if entries is not None else []
        options = self.options
        if self.store is not None and not (options.status_dir or options.ledger) and entries:
            return self._cited(document, entries)
        entry = next((e for e in entries if isinstance(e, dict) and e.get("statusPurpose") == "revocation"), None)
        if entry is None:
            return SKIP, "no revocation status entry (credentialStatus) in the credential"
        if entry.get("type") != "BitstringStatusListEntry":
            return SKIP, f"status type {entry.get('type')!r} is not supported (BitstringStatusListEntry is)"
        try:
            index = int(entry.get("statusListIndex"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return FAIL, f"statusListIndex {entry.get('statusListIndex')!r} is not an integer"
        source: tuple[str, Location] | None
        if options.status_dir or options.ledger:
            source = ("dir", options.status_dir) if options.status_dir else ("ledger", options.ledger)  # type: ignore[assignment]
        elif options.require_status:
            # Files found beside the award may have come with it (an old list, the forger's own ledger):
            # a required check trusts only the sources the user names.
            return (
                SKIP,
                "name the issuer's status lists or ledger with --status-dir or --ledger (none beside the award is trusted)",
            )
        else:
            where = path[: path.rfind("/") + 1]  # the folder's text: equal for equal parents
            if where not in self.beside:
                self.beside[where] = _beside(Path(path).parent)
            source = self.beside[where]
        if source is None:
            return SKIP, "no status source: pass --status-dir or --ledger to check revocation"
        if source[0] == "ledger":
            return self._ledger(document, entry, index, source[1])
        folder = source[1]
        return self._list(document, entry, index, folder if isinstance(folder, Path) else Path(folder))

    def _ledger(
        self, document: dict[str, Any], entry: dict[str, Any], index: int, location: Location
    ) -> tuple[str, str]:
        from cc_cli.ledger.locate import masked, open_reader_at

        if location not in self.dbs:
            self.dbs[location] = open_reader_at(location)
        where = masked(location)
        standing = self.dbs[location].standing(document.get("id"))
        if standing is None:
            return FAIL, f"not in the ledger {where}: the issuer has no record of this award"
        state, revoked_at, reason = standing.state, standing.revoked_at, standing.revoked_reason
        stored, issuer, size = standing.status_index, standing.issuer_did, ob3.STATUS_LIST_SIZE
        if issuer_id(document) != issuer:
            # Anyone can sign a copy with their own did:key; the ledger vouches only for its issuer's awards.
            return FAIL, f"signed by {issuer_id(document)}, but the ledger's award was issued by {issuer}: a forgery"
        if (
            index not in (stored, ob3.list_position(stored))
            or _list_number(str(entry.get("statusListCredential"))) != stored // size
        ):
            return FAIL, f"statusListIndex {index} is not the ledger's {stored}: the award was altered"
        if state == "revoked":
            return FAIL, f"revoked on {revoked_at}: {reason} (ledger {where})"
        return OK, f"not revoked (ledger {where})"

    def _list(self, document: dict[str, Any], entry: dict[str, Any], index: int, folder: Path) -> tuple[str, str]:
        url = entry.get("statusListCredential")
        if not isinstance(url, str) or not url.strip("/"):
            return FAIL, "credentialStatus has no statusListCredential URL"
        name = url.rstrip("/").rsplit("/", 1)[-1]
        if (folder, name) not in self.files:
            self.files[folder, name] = next((c for c in (folder / name, folder / f"{name}.json") if c.is_file()), None)
        file = self.files[folder, name]
        if file is None:
            return FAIL, f"status list {name} is not in {folder}: cannot tell whether the award is revoked"
        if file not in self.lists:
            self.lists[file] = self._load(file)
        loaded = self.lists[file]
        if isinstance(loaded, str):
            return FAIL, f"status list {file}: {loaded}"
        status_list, bits = loaded
        if status_list.get("id") != url:
            return FAIL, f"{file} is the status list {status_list.get('id')}, not {url}"
        if issuer_id(status_list) != issuer_id(document):
            return FAIL, f"{file} is signed by {issuer_id(status_list)}, not by the award's issuer"
        if file not in self.stale:  # freshness is about today, whatever --at says
            self.stale[file] = _outside_validity(status_list, self.now)
        stale = self.stale[file]
        if stale:
            advice = "the issuer must republish it (cc revoke --republish)" if "expired" in stale else "check clocks"
            return FAIL, f"status list {file} {stale}: {advice}"
        if status_list["credentialSubject"].get("statusPurpose") != entry.get("statusPurpose"):
            return FAIL, f"{file} is not a {entry.get('statusPurpose')} list"
        if index >= len(bits) * 8 and index // (len(bits) * 8) == _list_number(name):
            index %= len(bits) * 8  # awards signed before cc 0.x carried the ledger's index (see ob3.list_position)
        if index >= len(bits) * 8:
            return FAIL, f"statusListIndex {index} is beyond the {len(bits) * 8} entries of {file}"
        if folder not in self.made_by:
            self.made_by[folder] = _made_by(folder)
        made_by = self.made_by[folder]
        if bits[index // 8] & (0x80 >> (index % 8)):
            return FAIL, f"revoked: bit {index} is set in the status list {file}{made_by}"
        return OK, f"not revoked (bit {index} of {file}{made_by})"

    def _load(self, file: Path) -> tuple[dict[str, Any], bytes] | str:
        """The verified list and its decoded bits, or why it cannot be trusted (kept for the whole run)."""
        from cc_cli.credentials.status_list import decode_bits

        try:
            status_list = strictjson.loads(read_file(file))  # a list repeating a key could show either copy
        except NotACredential as exc:
            return f"unreadable: {str(exc).removeprefix('not a credential: ')}"
        except (OSError, ValueError) as exc:
            return f"unreadable: {exc}"
        types = status_list.get("type") if isinstance(status_list, dict) else None
        if not isinstance(types, list) or "BitstringStatusListCredential" not in types:
            return "not a BitstringStatusListCredential"
        result = signing.verify(status_list, canon=self.canon, resolve=self.resolve)
        if not result.ok:
            return f"its proof does not verify: {result.reason}"
        subject = status_list.get("credentialSubject")
        try:
            return status_list, decode_bits(subject["encodedList"])
        except (TypeError, KeyError, ValueError, OSError, EOFError) as exc:
            return f"encodedList cannot be decoded: {exc}"

    def _cited(self, document: dict[str, Any], entries: list[Any]) -> tuple[str, str]:
        """Every revocation and suspension entry, checked in the list at the URL it cites: the first that
        fails decides; an entry of a type cc does not read is reported, not silently passed."""
        checked: list[str] = []
        for entry in entries:
            if not isinstance(entry, dict):
                return FAIL, "a credentialStatus entry is not an object"
            kind, purpose = entry.get("type"), entry.get("statusPurpose")
            if kind == REVOCATION_LIST:  # OB 3.0's own method: no statusPurpose, always revocation
                status, reason = self._revocation_list(document, entry)
                if status != OK:
                    return status, reason
                checked.append(reason)
                continue
            if kind not in LIST_TYPES:
                return SKIP, f"status type {kind!r} is not supported ({', '.join([*LIST_TYPES, REVOCATION_LIST])} are)"
            if purpose not in PURPOSES:
                continue  # a "message" list or another purpose says nothing about validity
            status, reason = self._cited_entry(document, entry, purpose, LIST_TYPES[kind])
            if status != OK:
                return status, reason
            checked.append(reason)
        if not checked:
            return SKIP, "no revocation or suspension entry (credentialStatus) in the credential"
        return OK, "; ".join(checked)

    def _cited_entry(
        self, document: dict[str, Any], entry: dict[str, Any], purpose: str, list_type: str
    ) -> tuple[str, str]:
        url = entry.get("statusListCredential")
        index = _index(entry.get("statusListIndex"))
        if not isinstance(url, str) or not url:
            return FAIL, "credentialStatus has no statusListCredential URL"
        if index is None:
            return FAIL, f"statusListIndex {entry.get('statusListIndex')!r} is not a non-negative integer"
        if url not in self.remote:
            self.remote[url] = self._fetch_list(url, list_type)
        loaded = self.remote[url]
        if isinstance(loaded, str):
            return FAIL, f"status list {url}: {loaded}"
        status_list, bits = loaded
        if issuer_id(status_list) != issuer_id(document):
            return FAIL, f"the status list {url} is issued by {issuer_id(status_list)}, not by the credential's issuer"
        if status_list["credentialSubject"].get("statusPurpose") != purpose:
            return FAIL, f"the status list {url} is not a {purpose} list"
        if index >= len(bits) * 8:
            return FAIL, f"statusListIndex {index} is beyond the {len(bits) * 8} entries of {url}"
        if bits[index // 8] & (0x80 >> (index % 8)):
            return FAIL, f"{'revoked' if purpose == 'revocation' else 'suspended'}: bit {index} is set in {url}"
        # A list published at one URL may name itself by another (DCC's test lists do): the issuer's proof
        # and the URL the signed credential cites are what vouch for it, so that is noted, not failed.
        alias = "" if status_list.get("id") == url else f", a list that calls itself {status_list.get('id')}"
        return OK, f"not {'revoked' if purpose == 'revocation' else 'suspended'} (bit {index} of {url}{alias})"

    def _revocation_list(self, document: dict[str, Any], entry: dict[str, Any]) -> tuple[str, str]:
        """1EdTech Revocation List Status Method (vcrl v1p0): GET the entry's `id`; the answer is
        {id, issuer, revokedCredentials: [{id, revoked, revocationReason}]}. The list carries no proof (the
        method relies on TLS to the issuer's site, or on the user who put it in --documents), so its issuer
        must be the credential's, and a credential with no `id` cannot be looked up in it."""
        from cc_cli.verify.documents import DocumentUnavailable

        assert self.store is not None
        url, credential = entry.get("id"), document.get("id")
        if not isinstance(url, str) or not url:
            return FAIL, f"the {REVOCATION_LIST} entry has no id URL"
        if not isinstance(credential, str) or not credential:
            return FAIL, f"the credential has no id to look up in the {REVOCATION_LIST} at {url}"
        try:
            listed = self.store.get(url)
        except DocumentUnavailable as exc:
            return FAIL, f"revocation list {url}: cannot be had: {exc}"
        if issuer_id(listed) != issuer_id(document):
            return FAIL, f"the revocation list {url} is issued by {issuer_id(listed)!r}, not by the credential's issuer"
        revoked = listed.get("revokedCredentials", [])
        if not isinstance(revoked, list) or not all(isinstance(r, dict) for r in revoked):
            return FAIL, f"the revocation list {url}: revokedCredentials is not a list of objects"
        for item in revoked:
            # `revoked` is optional: a listed credential is revoked unless the list says false
            if item.get("id") == credential and item.get("revoked", True) is not False:
                why = item.get("revocationReason")
                return FAIL, f"revoked: {credential} is in the revocation list {url}" + (
                    f" ({why})" if isinstance(why, str) and why else ""
                )
        return OK, f"not revoked ({credential} is not in the revocation list {url})"

    def _fetch_list(self, url: str, list_type: str) -> tuple[dict[str, Any], bytes] | str:
        """The list at `url`, verified (its type, its own proof, its dates), with its bits; or why not."""
        from cc_cli.verify.documents import DocumentUnavailable

        assert self.store is not None
        try:
            status_list = self.store.get(url)
        except DocumentUnavailable as exc:
            return f"cannot be had: {exc}"
        types = status_list.get("type")
        if not isinstance(types, list) or list_type not in types:
            return f"not a {list_type}"
        result = signing.verify(status_list, canon=self.canon, resolve=self.resolve)
        if not result.ok:
            return f"its proof does not verify: {result.reason}"
        stale = _outside_validity(status_list, self.now)
        if stale:
            return f"the list {stale}"
        subject = status_list.get("credentialSubject")
        encoded = subject.get("encodedList") if isinstance(subject, dict) else None
        try:  # StatusList2021 writes plain base64url, Bitstring Status List a multibase 'u' before it
            return status_list, bounded_bits(encoded, multibase=list_type == "BitstringStatusListCredential")
        except ValueError as exc:
            return f"encodedList cannot be decoded: {exc}"


PURPOSES = ("revocation", "suspension")
REVOCATION_LIST = "1EdTechRevocationList"
# the status entry types cc reads -> the type of the list they cite (same bit order, most significant first)
LIST_TYPES = {
    "BitstringStatusListEntry": "BitstringStatusListCredential",
    "StatusList2021Entry": "StatusList2021Credential",
}
MAX_LIST_BYTES = 1 << 21  # 16,777,216 entries: 128 times the minimum list, far beyond any published one


def _index(value: Any) -> int | None:
    """statusListIndex as a string of digits or a JSON integer (both are published); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.isdigit() and len(value) < 12:
        return int(value)
    return None


def bounded_bits(encoded: Any, *, multibase: bool = True) -> bytes:
    """The bitstring of a gzip base64url encodedList (multibase 'u' first, unless StatusList2021's plain
    form), inflated to at most MAX_LIST_BYTES: a list from the network could be a gzip bomb (a few KB
    that inflate to gigabytes)."""
    import base64
    import binascii
    import zlib

    if not isinstance(encoded, str) or (multibase and not encoded.startswith("u")):
        raise ValueError("encodedList is not multibase base64url ('u' prefix)")
    body = encoded[1:] if multibase else encoded
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        inflater = zlib.decompressobj(wbits=31)  # gzip
        bits = inflater.decompress(packed, MAX_LIST_BYTES)
    except (binascii.Error, zlib.error) as exc:
        raise ValueError(str(exc)) from None
    if inflater.unconsumed_tail or not inflater.eof:
        raise ValueError(f"it inflates past {MAX_LIST_BYTES:,} bytes, or is cut short")
    return bits


def _outside_validity(status_list: dict[str, Any], at: Any) -> str | None:
    """Why a signed list cannot be trusted at `at` (expired, or not yet valid), or None. A list without
    validUntil never expires; with one, a stale copy cannot hide a later revocation."""
    from datetime import datetime

    for name, too_early in (("validFrom", True), ("validUntil", False)):
        if name not in status_list:  # a VC 1.1 list (StatusList2021) says issuanceDate/expirationDate
            name = {"validFrom": "issuanceDate", "validUntil": "expirationDate"}[name]
        value = status_list.get(name)
        if value is None:
            continue
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
            if moment.tzinfo is None:
                raise ValueError
        except ValueError:
            return f"has an unreadable {name} {value!r}"
        if too_early and at < moment:
            return f"is not valid before {value}"
        if not too_early and at >= moment:
            return f"expired on {value}"
    return None


def _list_number(url_or_name: str) -> int | None:
    """The n of a `.../status/<n>.json` list (cc's layout), or None for any other name."""
    name = url_or_name.rstrip("/").rsplit("/", 1)[-1].removesuffix(".json")
    return int(name) if name.isdigit() else None


def _made_by(folder: Path) -> str:
    """ ", made by the ledger X" when the status folder records which ledger wrote its lists."""
    from cc_cli.credentials.status_list import owner_of

    owner = owner_of(folder)
    return f", made by the ledger {owner.where}" if owner is not None else ""


def _beside(folder: Path) -> tuple[str, Location] | None:
    """The status source found beside an award in `folder`: a ledger or a status folder, there or one up."""
    for level in (folder, folder.parent):
        if (level / "ledger.sqlite3").is_file():
            return "ledger", level / "ledger.sqlite3"
        if (level / "status").is_dir():
            return "dir", level / "status"
    return None
