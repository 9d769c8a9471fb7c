"""Bitstring Status List (W3C) revocation lists, signed, for publishing where awards point.

Each award carries a `BitstringStatusListEntry` with an index; list n covers indexes
[n * 131072, (n + 1) * 131072). The bitstring is gzip-compressed, base64url-encoded without padding
and multibase-prefixed with "u"; bit 0 is the most significant bit of the first byte.

Every writer of OUT/status/ (`cc issue`, `cc revoke`, `cc revoke --republish`) publishes through
`publish_status_lists`: under one file lock, OUT/status/.lock, it reads the ledger and writes the lists from
what it read. A writer that read the ledger outside the lock could write last and undo a revocation made
meanwhile. The ledger reads are handed in as a callable: this package does not import the ledger.

Every status folder also records which ledger made its lists (`ledger.txt`: the ledger's identity, where it
is, the base_url). Two ledgers both hand out index 0: if the second one wrote the first one's lists, revoking
its Ben would publish the first one's Ann as revoked. So a writer whose ledger is not the recorded one is
refused, with the recorded ledger's location to point at instead.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import gzip
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cc_cli.core import strictjson
from cc_cli.core.atomic import write_bytes
from cc_cli.core.testhooks import pause_point
from cc_cli.credentials import ob3

VC_CONTEXT = ob3.VC_CONTEXT


def encode_bits(revoked: Iterable[int], size: int = ob3.STATUS_LIST_SIZE) -> str:
    """Multibase base64url (no padding) of the gzipped bitstring with the given bits set."""
    bits = bytearray(size // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)  # mtime=0: the same list gives the same bytes
    return "u" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode_bits(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList is not multibase base64url ('u' prefix)")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def bit_is_set(bits: bytes, index: int) -> bool:
    if index // 8 >= len(bits):
        raise ValueError(f"status index {index} is beyond the list's {len(bits) * 8} entries")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_document(
    base_url: str,
    number: int,
    issuer_did: str,
    valid_from: str,
    revoked: Iterable[int],
    valid_for: str | None = None,
) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential for list `number` (indexes relative to the list); with
    `valid_for` (the catalog's status_list_valid_for) it expires, so a stale copy cannot hide a revocation."""
    url = f"{base_url.rstrip('/')}/status/{number}.json"
    document: dict[str, Any] = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bits(revoked),
        },
    }
    if valid_for:
        from cc_cli.core.durations import add_to
        from cc_cli.core.stamps import parse_stamp, utc_stamp

        document["validUntil"] = utc_stamp(add_to(parse_stamp(valid_from), valid_for))
    return document


def write_status_lists(
    out: Path,
    base_url: str,
    key: Any,
    valid_from: str,
    used: Iterable[int],
    revoked: Iterable[int],
    valid_for: str | None = None,
) -> list[Path]:
    """Sign and write `<out>/status/<n>.json` for every list that holds at least one award."""
    from cc_cli.credentials import signing

    size = ob3.STATUS_LIST_SIZE
    numbers = sorted({index // size for index in used})
    by_list: dict[int, list[int]] = {number: [] for number in numbers}
    for index in revoked:
        by_list.setdefault(index // size, []).append(index % size)
    did = signing.did_key(key.public_key())
    method = signing.verification_method_id(key.public_key())
    folder = out / "status"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number, bits in sorted(by_list.items()):
        document = status_list_document(base_url, number, did, valid_from, bits, valid_for)
        signed = signing.sign(document, key, method, valid_from)
        target = folder / f"{number}.json"
        write_bytes(target, ob3.dumps(signed))
        written.append(target)
    return written


LOCK_FILE = ".lock"  # in OUT/status/: held by whoever is reading the ledger for the lists and writing them
OWNER_FILE = "ledger.txt"  # in OUT/status/: which ledger made these lists (see the module docstring)


@dataclass(frozen=True, slots=True)
class Owner:
    """The ledger a status folder's lists belong to."""

    ledger_id: str
    where: str  # the ledger's file or (masked) URL, to point users at
    base_url: str = ""

    def text(self) -> str:
        return f"ledger {self.ledger_id}\nat {self.where}\nbase_url {self.base_url}\n"


def owner_of(folder: Path) -> Owner | None:
    """The ledger recorded in `folder/ledger.txt`; None when there is none (or it is unreadable)."""
    try:
        lines = (folder / OWNER_FILE).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    fields = dict(line.split(" ", 1) for line in lines if " " in line)
    if not fields.get("ledger"):
        return None
    return Owner(fields["ledger"], fields.get("at", "?"), fields.get("base_url", ""))


def check_owner(folder: Path, owner: Owner) -> Owner | None:
    """UsageError if `folder` holds another ledger's lists; else the owner recorded there (if any)."""
    from cc_cli.core.problems import UsageError

    found = owner_of(folder)
    if found is not None and found.ledger_id != owner.ledger_id:
        raise UsageError(
            f"{folder} holds the status lists of another ledger ({found.where}); this one ({owner.where}) "
            "would overwrite them and flip the revocation bits of that ledger's awards. Point --ledger at "
            f"{found.where} (or --out at its folder), or give this ledger a folder of its own"
        )
    return found


def claim(folder: Path, owner: Owner) -> None:
    """Record `owner` as the ledger of `folder`'s lists, or refuse (UsageError) if another ledger's are there."""
    if check_owner(folder, owner) != owner:
        write_bytes(folder / OWNER_FILE, owner.text().encode("utf-8"))


# What the ledger says, read inside the lock: (every status index in use, the revoked ones).
StatusFacts = Callable[[], tuple[list[int], list[int]]]


def publish_status_lists(
    out: Path,
    base_url: str,
    key: Any,
    valid_from: str,
    facts: StatusFacts,
    valid_for: str | None = None,
    *,
    force: bool = True,
    owner: Owner | None = None,
) -> list[Path]:
    """Under OUT/status/.lock, read `facts` and sign and write every list they call for (see the module
    docstring); the files written. Without `force`, nothing is written when the published lists already
    say what the ledger says (and have not run out). With `owner`, refused when the folder's lists are
    another ledger's."""
    folder = out / "status"
    folder.mkdir(parents=True, exist_ok=True)
    with status_lock(folder):
        if owner is not None:
            claim(folder, owner)
        used, revoked = facts()
        if not force and lists_current(folder, used, revoked, _did(key)):
            return []
        return write_status_lists(out, base_url, key, valid_from, used, revoked, valid_for)


@contextlib.contextmanager
def status_lock(folder: Path) -> Iterator[None]:
    """Hold the lock of a status folder (waiting for another writer to finish with it)."""
    with open(folder / LOCK_FILE, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pause_point("status-wait")  # tests: another writer holds the lock, this one now waits for it
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


def lists_current(folder: Path, used: list[int], revoked: list[int], did: str) -> bool:
    """Whether every published list already says what the ledger says, signed by `did`, and has not run out."""
    size = ob3.STATUS_LIST_SIZE
    by_list: dict[int, list[int]] = {index // size: [] for index in used}
    for index in revoked:
        by_list.setdefault(index // size, []).append(index % size)
    for number, bits in by_list.items():
        try:
            published = strictjson.loads((folder / f"{number}.json").read_bytes())
            if published["issuer"] != did or published["credentialSubject"]["encodedList"] != encode_bits(bits):
                return False
            if "validUntil" in published and expired(published["validUntil"]):
                return False  # a no-op run renews a list that ran out
        except (OSError, ValueError, KeyError, TypeError):
            return False
    return True


def _did(key: Any) -> str:
    from cc_cli.credentials import signing

    return signing.did_key(key.public_key())


MIN_VALID_HOURS = 1  # a shorter window would expire lists before anyone could fetch them


def check_valid_for(valid_for: str | None) -> None:
    """UsageError when catalog.yaml's status_list_valid_for is too short to be usable."""
    from cc_cli.core.durations import approximate_days
    from cc_cli.core.problems import UsageError

    days = approximate_days(valid_for) if valid_for else None
    if days is not None and days * 24 < MIN_VALID_HOURS:
        raise UsageError(
            f"status_list_valid_for {valid_for} is shorter than {MIN_VALID_HOURS} hour: every list would expire "
            "as it is written; use at least PT1H (P7D is usual)"
        )


def expired(valid_until: str) -> bool:
    """Whether a list's validUntil lies in the past (an unreadable one counts as expired)."""
    from datetime import UTC, datetime

    try:
        return datetime.fromisoformat(valid_until.replace("Z", "+00:00")) <= datetime.now(UTC)
    except (ValueError, TypeError, AttributeError):
        return True
