"""Read roster CSVs as spreadsheets export them, and write CSVs that spreadsheets cannot turn into formulas.

Reading: UTF-8 with or without BOM (UTF-16 with a BOM too, as Excel's "Unicode text"; other encodings with
`encoding`), comma, semicolon or tab as the standard library's `csv.Sniffer` detects (checked against the
header), RFC 4180 quoting (a quoted cell may hold delimiters, doubled quotes and line breaks), CRLF or LF.
Every record keeps the physical line it starts on, so problems name the line a person sees in an editor.
Headers match case-insensitively with spaces, `-` and `_` alike, plus common aliases. A file that cannot be
read as a roster raises RosterError carrying a CC501 problem: nothing can be issued from it. The columns and
the `Roster` it returns are the roster format's (`cc_cli.catalog.roster_format`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cc_cli.catalog.roster_format import DELIMITERS, OPTIONAL, REQUIRED, Roster, RosterRow
from cc_cli.core.problems import ERROR, Problem, UsageError
from cc_cli.core.regular import MISSING, SPECIAL, TOO_LARGE, RefusedFile, read_regular
from cc_cli.core.text import closest

if TYPE_CHECKING:
    from _csv import Reader

# Normalized aliases, most specific first: when two columns claim one field, the canonical name wins, then
# the alias listed first ('Recipient Email' beats a 'Recipient' column that may hold names).
ALIASES = {
    "email": ("recipient_email", "email_address", "e_mail", "recipient_email_address", "mail", "recipient"),
    "name": ("full_name", "recipient_name", "learner_name", "learner"),
    "credential": ("credential_id", "badge_id", "badge", "achievement_id", "achievement", "badge_template_id"),
    "issued_on": ("issue_date", "date_issued", "issued", "awarded_on", "issued_at", "award_date", "date"),
    "expires_on": ("expiration_date", "expiry_date", "expires", "expires_at", "expiration"),
    "evidence_url": ("evidence", "evidence_link"),
    "evidence_narrative": ("evidence_description", "narrative"),
    "external_id": ("id", "row_id", "reference", "external_reference", "issuer_earner_id"),
}
# Name parts, joined in this order into `name`; the issued_to_ titles are Credly's bulk-issue layout.
FIRST_NAMES = ("first_name", "given_name", "firstname", "issued_to_first_name")
MIDDLE_NAMES = ("middle_name", "middlename", "issued_to_middle_name")
LAST_NAMES = ("last_name", "family_name", "surname", "lastname", "issued_to_last_name")
_NAME_PARTS = (*FIRST_NAMES, *MIDDLE_NAMES, *LAST_NAMES)
# Credly's text evidence: title and description, joined by a blank line into `evidence_narrative` (Markdown)
# when the roster has no narrative column of its own.
# ("Text Evidence Name" in older Credly templates.)
TEXT_EVIDENCE = {"text_evidence_title": 0, "text_evidence_name": 0, "text_evidence_description": 1}
# How the cells of a field read from several columns are joined.
_JOINERS = {"name": " ", "evidence_narrative": "\n\n"}
MAX_BYTES = 200_000_000
# What to do when the roster path cannot be read, after what `read_regular` found there.
_ADVICE = {
    MISSING: "check the path",
    SPECIAL: "give the roster's CSV file itself (from a pipe or a device, save it to a file first)",
    TOO_LARGE: "split it into smaller rosters",
}
# Leading/trailing characters no one means to type: Unicode whitespace (str.strip) plus invisible ones that
# copy-paste from web pages and chat brings along.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def normalize_header(text: str) -> str:
    """'Recipient E-mail ' -> 'recipient_e_mail': case, spaces, '-' and '_' alike."""
    return re.sub(r"[\s_-]+", "_", text.strip().strip(_INVISIBLE).lower()).strip("_")


@dataclass(frozen=True, slots=True)
class Layout:
    """The columns a kind of CSV file has: a roster (`ROSTER`), or awards issued elsewhere (`IMPORT`,
    `cc import awards`). Both are read the same way, with the same name parts and text evidence."""

    required: tuple[str, ...]
    optional: tuple[str, ...]
    aliases: dict[str, tuple[str, ...]]

    @property
    def rank(self) -> dict[str, tuple[str, int]]:
        """normalized title -> (canonical column, rank): the canonical name 0, then its aliases in order."""
        ranks = {name: (name, 0) for name in (*self.required, *self.optional)}
        ranks.update(
            {alias: (name, i + 1) for name, aliases in self.aliases.items() for i, alias in enumerate(aliases)}
        )
        return ranks


ROSTER = Layout(REQUIRED, OPTIONAL, ALIASES)
# Credly's issued-badges (analytics) export and CSVs like it: Badge Template ID, Earner Badge ID, Issued to
# First/Middle/Last Name, Issued to Email, Status (accepted, pending, revoked, rejected), Expired ("Expired"
# or blank), Issue Date, Badge URL, Issuer Earner ID. A `Badge Id` is the award's id at the source, never the
# credential's, so `badge_id` is no credential alias here.
IMPORT = Layout(
    REQUIRED,
    ("issued_on", "expires_on", "state", "expired", "url", "source_id", "external_id"),
    {
        "email": (*ALIASES["email"], "earner_email", "issued_to_email"),
        "name": (*ALIASES["name"], "issued_to", "earner_name", "earner"),
        "credential": (
            "credential_id",
            "badge_template_id",
            "template_id",
            "achievement_id",
            "badge_template_name",
            "badge_template",
            "badge_name",
            "achievement",
            "badge",
        ),
        "issued_on": ALIASES["issued_on"],
        "expires_on": ALIASES["expires_on"],
        "state": ("status", "badge_state", "badge_status"),
        "expired": ("is_expired", "badge_expired"),
        "url": ("public_url", "badge_url", "badge_public_url", "award_url", "credential_url", "share_url"),
        "source_id": ("earner_badge_id", "badge_id", "award_id", "issued_badge_id", "credly_badge_id"),
        "external_id": ("issuer_earner_id", "external_reference", "reference"),
    },
)


def clean(value: str) -> str:
    """A cell as the checks see it: stripped of whitespace and invisible characters, line breaks as LF."""
    value = value.strip().strip(_INVISIBLE).strip()
    return value.replace("\r\n", "\n") if "\r" in value else value


class RosterError(UsageError):
    """The roster cannot be read at all; carries the CC501 problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(f"{problem.path}:{problem.line}:{problem.column}: {problem.code} {problem.message}")
        self.problem = problem


def _fail(path: Path, line: int, column: int, message: str) -> RosterError:
    return RosterError(Problem(str(path), line, column, "CC501", ERROR, message))


def roster_sha256(path: Path) -> str:
    """The roster file's sha256 (hex), recorded with each batch so a re-run can be matched to its roster."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _read_bytes(path: Path) -> bytes:
    """The roster's bytes; a usage error (exit 2), before reading anything, for a path that is not a roster
    file (a FIFO would hang the run, /dev/zero fill the memory) or one over MAX_BYTES."""
    try:
        return read_regular(path, MAX_BYTES)
    except RefusedFile as exc:
        raise UsageError(f"roster {path} {exc.reason}: {_ADVICE[exc.kind]}") from None


def _decode(raw: bytes, path: Path, encoding: str | None) -> str:
    """Text of the file; CC501 (line, byte offset and a likely --encoding) when it is not what we expect."""
    if encoding:
        try:
            return raw.decode(encoding).removeprefix("\ufeff")
        except LookupError:
            raise UsageError(f"unknown encoding '{encoding}' (try utf-8, cp1252 or latin-1)") from None
        except UnicodeDecodeError as exc:
            raise _undecodable(raw, path, exc, encoding) from None
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        message = "this is an Excel workbook, not a CSV file: in Excel use File > Save As > CSV UTF-8, then issue that"
        raise _fail(path, 1, 1, message)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel "Unicode text": UTF-16 with a byte-order mark
        try:
            return raw.decode("utf-16").removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            raise _undecodable(raw, path, exc, "UTF-16") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _undecodable(raw, path, exc, "UTF-8") from None


def _undecodable(raw: bytes, path: Path, exc: UnicodeDecodeError, encoding: str) -> RosterError:
    line = raw.count(b"\n", 0, exc.start) + 1
    column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
    byte = raw[exc.start]
    try:
        seen = f" ('{bytes([byte]).decode('cp1252')}' in cp1252)"
    except UnicodeDecodeError:
        seen = ""
    message = (
        f"not {encoding}: byte 0x{byte:02x}{seen} at byte offset {exc.start} (line {line}, byte {column} of the "
        "line); save the file as CSV UTF-8, or give its encoding, e.g. --encoding cp1252 (Windows) or latin-1"
    )
    return _fail(path, line, column, message)


def _reader(text: str, delimiter: str) -> Reader:
    # strict: a quote left open or text after a closing quote is an error, not rows silently merged.
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True, skipinitialspace=True)


def _first_record(reader: Reader) -> list[str] | None:
    """The header: the first record that is not blank (some exports start with an empty line)."""
    return next((record for record in reader if any(cell.strip() for cell in record)), None)


def _header(text: str, delimiter: str) -> list[str]:
    try:
        return _first_record(_reader(text, delimiter)) or []
    except csv.Error:
        return []


def _delimiter(text: str, layout: Layout) -> str:
    """The sniffed delimiter if the header it gives has the required columns, else the one that does."""
    try:
        sniffed = csv.Sniffer().sniff(text[:65536], delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:  # one column, or too little text to tell
        sniffed = ""
    candidates = list(dict.fromkeys([sniffed, *DELIMITERS] if sniffed else DELIMITERS))
    headers = {d: _header(text, d) for d in candidates}
    for delimiter in candidates:
        if _map_header(headers[delimiter], layout).keys() >= set(layout.required):
            return delimiter
    return sniffed or max(candidates, key=lambda d: len(headers[d]))


def read_roster(path: Path, encoding: str | None = None, layout: Layout = ROSTER) -> Roster:
    """Read the roster at `path` (or, with `layout=IMPORT`, a file of awards issued elsewhere); RosterError
    (CC501) when its content cannot be read as one or lacks a required column, UsageError when the path is
    not a file cc will read (see `_read_bytes`)."""
    path = Path(path)
    raw = _read_bytes(path)
    text = _decode(raw, path, encoding)
    delimiter = _delimiter(text, layout)
    reader = _reader(text, delimiter)
    previous = 0
    try:
        header = _first_record(reader)
        if header is None:
            raise _fail(path, 1, 1, "the roster is empty: it needs a header row (email,name,credential)")
        columns = _map_header(header, layout)
        _refuse_twins(header, path, reader.line_num, layout)
        _require(columns, header, path, delimiter, reader.line_num, layout)
        where = {name: indexes[0] + 1 for name, indexes in columns.items()}
        simple = [(name, indexes[0]) for name, indexes in columns.items() if len(indexes) == 1]
        joined = [(name, indexes) for name, indexes in columns.items() if len(indexes) > 1]
        rows: list[RosterRow] = []
        previous = reader.line_num
        for record in reader:
            start, previous = previous + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue  # blank lines, as spreadsheets leave them at the end
            width = len(record)
            cells = {name: clean(record[i]) if i < width else "" for name, i in simple}
            for name, indexes in joined:  # First Name + Last Name, Text Evidence Title + Description
                cells[name] = _JOINERS[name].join(part for i in indexes if i < width and (part := clean(record[i])))
            rows.append(RosterRow(start, cells, _fit(record, len(header)), where))
    except csv.Error as exc:
        raise _unreadable(path, previous + 1, reader.line_num, str(exc)) from None
    if not rows:  # a header alone is an export that went wrong, not a batch of nothing to celebrate
        raise _fail(path, 2, 1, "the roster has a header but no rows: export the rows too, one award per row")
    return Roster(path, delimiter, header, rows, [], hashlib.sha256(raw).hexdigest(), _ignored(header, columns))


def _ignored(header: list[str], columns: dict[str, list[int]]) -> list[str]:
    """The titles of the columns no field is read from (Credly's Country, Locale, Group Tag...), in order."""
    used = {i for indexes in columns.values() for i in indexes}
    return [title.strip() for i, title in enumerate(header) if i not in used and title.strip()]


def _fit(record: list[str], width: int) -> list[str]:
    """The record as wide as the header, so a column appended after it (the rejects' `error`) lines up:
    short rows padded, empty cells past the header dropped; non-empty extra cells kept (CC509 names them)."""
    if len(record) < width:
        return record + [""] * (width - len(record))
    while len(record) > width and not record[-1].strip():
        record.pop()
    return record


def _unreadable(path: Path, start: int, at: int, error: str) -> RosterError:
    """CC501 for broken quoting: the record's first line, and what to change."""
    if "end of data" in error:
        message = (
            f"a quoted cell in the record that starts on line {start} is never closed, so the rest of the file "
            'would be one cell: add the closing quote ("), and write a quote inside a quoted cell as two ("")'
        )
    elif "expected after" in error:
        message = (
            f"text after a closing quote (line {at}): quote the whole cell and write each quote inside it as two, "
            'e.g. "Ana ""The Coach"" Silva"'
        )
    elif "field limit" in error:
        message = f"a cell longer than {csv.field_size_limit():,} characters, often a quote left open on line {start}"
    else:
        message = f"unreadable CSV ({error}) in the record starting on line {start}"
    return _fail(path, start, 1, message)


def _map_header(header: list[str], layout: Layout = ROSTER) -> dict[str, list[int]]:
    """canonical column -> 0-based indexes in the header ('name' may be first + middle + last name)."""
    ranks = layout.rank
    best: dict[str, tuple[int, int]] = {}  # canonical -> (rank, index)
    first = middle = last = None
    evidence: dict[int, int] = {}  # 0 (title) or 1 (description) -> index
    for index, title in enumerate(header):
        key = normalize_header(title)
        if key in ranks:
            name, rank = ranks[key]
            if name not in best or rank < best[name][0]:
                best[name] = (rank, index)
        elif key in FIRST_NAMES and first is None:
            first = index
        elif key in MIDDLE_NAMES and middle is None:
            middle = index
        elif key in LAST_NAMES and last is None:
            last = index
        elif key in TEXT_EVIDENCE:
            evidence.setdefault(TEXT_EVIDENCE[key], index)  # 0: title, 1: description
    columns = {name: [index] for name, (_, index) in best.items()}
    if "name" not in columns and (first is not None or last is not None):
        columns["name"] = [i for i in (first, middle, last) if i is not None]
    if "evidence_narrative" not in columns and evidence:
        columns["evidence_narrative"] = [evidence[part] for part in (0, 1) if part in evidence]
    return columns


def _refuse_twins(header: list[str], path: Path, line: int, layout: Layout) -> None:
    """CC501 when two columns have the same title for a field (two 'email' columns): which one holds the
    address is a guess, and a wrong guess sends awards to the wrong people."""
    seen: dict[str, int] = {}
    ranks = layout.rank
    for index, title in enumerate(header):
        key = normalize_header(title)
        if key not in ranks and key not in _NAME_PARTS and key not in TEXT_EVIDENCE:
            continue
        if key in seen:
            raise _fail(
                path,
                line,
                index + 1,
                f"columns {seen[key] + 1} and {index + 1} are both '{title.strip()}': remove or rename one of them",
            )
        seen[key] = index


def _require(
    columns: dict[str, list[int]], header: list[str], path: Path, delimiter: str, line: int, layout: Layout
) -> None:
    """CC501 on the header line (1) when a required column is missing: what was found, and the closest title to rename."""
    missing = [name for name in layout.required if name not in columns]
    if not missing:
        return
    found = ", ".join(repr(title) for title in header) or "nothing"
    message = (
        f"missing required column(s) {', '.join(missing)}; the {DELIMITERS[delimiter]}-separated header has {found}"
    )
    if any("@" in title for title in header):
        message += "; the first line looks like data: add a header line email,name,credential above it"
        raise _fail(path, line, 1, message)
    used = {i for indexes in columns.values() for i in indexes}
    spare = {normalize_header(title): (i, title) for i, title in enumerate(header) if i not in used and title}
    hints: list[tuple[int, str]] = []
    for name in missing:
        close = closest(name, spare)
        for alias in layout.aliases[name]:
            close = close or closest(alias, spare, cutoff=0.75)
        if close:
            index, title = spare.pop(close)
            hints.append((index + 1, f"'{title}' looks like {name}: rename it to {name}"))
    if hints:
        message += "; " + "; ".join(hint for _, hint in hints)
    else:
        message += "; name the columns email, name, credential (or Recipient Email, Full Name, Credential ID)"
    column = hints[0][0] if hints else 1
    raise _fail(path, line, column, message)
