"""Reading what `cc verify` is given: folders expanded to award files, and each file's bytes turned into a
credential document, whether plain JSON or baked into a PNG or SVG emblem. Detected by content, not by name;
anything that is no credential raises `NotACredential` with a reason fit to print (hostile input included).

Hostile files cost one verdict and bounded time and memory: a file over `MAX_FILE_BYTES` is refused unread,
an SVG over `MAX_SVG_BYTES` unparsed (expat calling back for each tiny element reads a few MB a second), a PNG's
credential is inflated up to baking.MAX_TEXT_BYTES, and JSON repeating a key in one object is refused
(cc_cli/core/strictjson.py: a viewer may show the copy the signature does not cover)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cc_cli.core import strictjson
from cc_cli.core.problems import UsageError
from cc_cli.credentials import baking

AWARD_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})  # OB 3.0 allows either name
ENDORSEMENT_TYPE = "EndorsementCredential"  # OB 3.0's third credential: one issuer vouching for another
CLR_TYPE = "ClrCredential"  # a transcript (`cc transcript --clr`): checked, and so is every award inside it
AWARD_SUFFIXES = frozenset({".json", ".png", ".svg"})
# An award is a few KB, a baked emblem a few hundred KB, a CLR of 500 awards (checks.MAX_EMBEDDED) a few MB.
MAX_FILE_BYTES = baking.MAX_TEXT_BYTES  # 16 MiB: what a PNG may inflate to, a JSON file may be
MAX_SVG_BYTES = 4 << 20  # parsing costs more per byte than reading JSON: 4 MiB is still ten times an emblem


class NotACredential(ValueError):
    """The file holds no credential: not JSON, truncated, an image without a baked award..."""

    def __init__(self, message: str, kind: str | None = None) -> None:
        super().__init__(message)
        self.format = kind


def expand_paths(paths: Sequence[Path]) -> list[str]:
    """Files as given; folders searched for .json/.png/.svg (skipping `status/` lists). Missing: UsageError.

    As text, each as str() of its Path would write it: 20,000 Path objects cost 50 ms before any worker starts,
    and the workers take text."""
    found: list[str] = []
    for path in paths:
        if path.is_dir():
            text = str(path)  # as Path writes it: no trailing slash, "." for the current folder
            prefix = "" if text == "." else text if text.endswith("/") else text + "/"
            found.extend(prefix + "/".join(parts) for parts in sorted(_award_files(path, ())))
        elif path.is_file():
            found.append(str(path))
        elif path.exists():
            raise UsageError(f"{path}: not a regular file (a device or pipe?): give award files or folders")
        else:
            raise UsageError(f"{path}: no such file")
    return found


def _award_files(folder: Path | str, parts: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The award files under `folder` as path parts below the top folder, as `Path.rglob("*")` filtered by
    suffix and `is_file` would find them (a symlinked folder is not entered; `status/` folders are skipped),
    from os.scandir's entries: a third of the time, before any worker starts. Sorted by parts, as Paths sort."""
    found: list[tuple[str, ...]] = []
    try:
        with os.scandir(folder) as entries:
            listed = list(entries)
    except PermissionError:  # as rglob: an unreadable folder is passed over
        return found
    for entry in listed:
        name = entry.name
        dot = name.rfind(".")
        if 0 < dot < len(name) - 1 and name[dot:].lower() in AWARD_SUFFIXES and entry.is_file():
            found.append((*parts, name))
        elif name != "status" and entry.is_dir() and not entry.is_symlink():
            found.extend(_award_files(entry.path, (*parts, name)))
    return found


def read_file(path: str | Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of `path`, never more than `limit` of them: NotACredential for a larger file, refused from
    its size before anything is read (a file growing meanwhile is cut at `limit` + 1 and refused too).

    os.open and os.read, not open(): no buffered file object is made for the one read an award needs
    (4 of the 8 us per file)."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        size = os.fstat(fd).st_size
        # read(n) allocates n bytes up front: ask for the size (and one byte more, to see a file that grew)
        want, got, chunks = (size + 1 if size <= limit else 0), 0, []
        while got < want:
            chunk = os.read(fd, want - got)
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
            if got > size:  # it grew since fstat (or is a /proc-like file of size 0): still never past limit
                want = limit + 1
    finally:
        os.close(fd)
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if size > limit or len(data) > limit:
        raise NotACredential(
            f"not a credential: the file is {_megabytes(max(size, len(data)))}, over the {limit >> 20} MiB "
            "cc verify reads (an award is a few KB, a baked emblem a few hundred KB)"
        )
    return data


def _megabytes(count: int) -> str:
    return f"{count / 1e6:.1f} MB"


def load_credential(data: bytes) -> tuple[str, dict[str, Any]]:
    """(format, document) of a JSON award or a baked PNG/SVG, detected by content, not by name."""
    kind = detect_format(data)
    if not data.strip():
        raise NotACredential("not a credential: the file is empty")
    if kind is None:
        raise NotACredential("not a credential: neither JSON nor a PNG or SVG image")
    if kind == "svg" and len(data) > MAX_SVG_BYTES:
        raise NotACredential(
            f"not a credential: the SVG is {_megabytes(len(data))}, over the {MAX_SVG_BYTES >> 20} MiB cc verify "
            "parses (a baked emblem is a few hundred KB)",
            kind,
        )
    try:
        # Any, not loads_plain's type: the slow path may give any JSON value (compiled, mypyc checks the type)
        document: Any = strictjson.loads_plain(data) if kind == "json" else None  # cc's own: a third of the time
        if document is None:
            document = strictjson.loads(_decode(data) if kind == "json" else _unbake(kind, data))
    except json.JSONDecodeError as exc:
        raise NotACredential(
            f"not valid JSON (truncated?): {exc.msg} (line {exc.lineno}, column {exc.colno})", kind
        ) from None
    except NotACredential:
        raise
    except strictjson.DuplicateKey as duplicate:
        # Python keeps the last copy, which the signature covers; a viewer showing the first shows a forgery.
        raise NotACredential(f"not a credential: {duplicate} (readers disagree on which copy counts)", kind) from None
    except RecursionError:
        # Hostile input: 100,000 nested brackets must cost one file's verdict, not the whole run.
        raise NotACredential("not a credential: the JSON is nested too deeply to read", kind) from None
    except ValueError:  # an integer longer than Python's digit limit: no credential has one
        raise NotACredential("not a credential: the JSON holds a number too long to read", kind) from None
    if not isinstance(document, dict):
        raise NotACredential(f"not a credential: the JSON top level is {_json_type(document)}, not an object", kind)
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    if "VerifiableCredential" not in types:
        raise NotACredential("not a credential: its type does not include VerifiableCredential", kind)
    if not (AWARD_TYPES | {CLR_TYPE, ENDORSEMENT_TYPE}) & {t for t in types if isinstance(t, str)}:
        other = ", ".join(str(t) for t in types if t != "VerifiableCredential") or "VerifiableCredential only"
        raise NotACredential(f"not an Open Badges award, endorsement or CLR transcript: its type is {other}", kind)
    return kind, document


def _json_type(value: Any) -> str:
    """JSON's own name for a parsed value's type, as users see it in the file."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "a number"


def detect_format(data: bytes) -> str | None:
    """json, png or svg by the bytes themselves; None for anything else."""
    if data.startswith(baking.PNG_SIGNATURE):
        return "png"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[", b'"', b"null", b"true", b"false")) or (
        head[:1] != b"" and head[:1] in b"-0123456789"
    ):
        return "json"  # any JSON value, so that `null` is reported as JSON that is not an object
    if head.startswith(b"<") and b"<svg" in data[:65536]:
        return "svg"
    return None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotACredential(f"not UTF-8 text (byte {exc.start})", "json") from None


def _unbake(kind: str, data: bytes) -> str:
    try:
        return baking.unbake_png(data) if kind == "png" else baking.unbake_svg(data)
    except baking.BakingError as exc:
        raise NotACredential(str(exc), kind) from None
    except (UnicodeDecodeError, ValueError, IndexError) as damaged:  # a damaged chunk or zlib stream
        raise NotACredential(f"the baked credential cannot be read ({type(damaged).__name__})", kind) from None
