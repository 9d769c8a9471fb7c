"""Read roster CSVs as spreadsheets export them, and write CSVs that spreadsheets cannot turn into formulas.

Reading: UTF-8 with or without BOM (other encodings with `encoding`), comma, semicolon or tab as the
standard library's `csv.Sniffer` detects, RFC 4180 quoting (a quoted cell may hold commas, quotes and line
breaks), CRLF or LF. Every record keeps the physical line it starts on, so problems name the line a person
sees in an editor. Headers match case-insensitively with spaces, `-` and `_` alike, plus common aliases.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from cc_cli.atomic import write_bytes
from cc_cli.problems import ERROR, Problem, UsageError
from cc_cli.shape import suggest

REQUIRED = ("email", "name", "credential")
OPTIONAL = ("issued_on", "expires_on", "evidence_url", "evidence_narrative", "external_id")
ALIASES = {
    "email": ("recipient_email", "e_mail", "email_address", "recipient", "recipient_email_address", "mail"),
    "name": ("full_name", "recipient_name", "learner_name", "learner"),
    "credential": ("credential_id", "badge", "badge_id", "achievement", "achievement_id", "badge_template_id"),
    "issued_on": ("issue_date", "issued", "date_issued", "awarded_on", "issued_at", "award_date", "date"),
    "expires_on": ("expiration_date", "expiry_date", "expires", "expires_at", "expiration"),
    "evidence_url": ("evidence", "evidence_link"),
    "evidence_narrative": ("evidence_description", "narrative"),
    "external_id": ("id", "row_id", "reference", "external_reference"),
}
FIRST_NAMES = ("first_name", "given_name", "firstname")
LAST_NAMES = ("last_name", "family_name", "surname", "lastname")
MAX_BYTES = 200_000_000


def normalize_header(text: str) -> str:
    """'Recipient E-mail ' -> 'recipient_e_mail': case, spaces, '-' and '_' alike."""
    return re.sub(r"[\s_-]+", "_", text.strip().lower()).strip("_")


_CANONICAL = {name: name for name in (*REQUIRED, *OPTIONAL)}
_CANONICAL.update({alias: name for name, aliases in ALIASES.items() for alias in aliases})


@dataclass(slots=True)
class RosterRow:
    line: int  # physical line the record starts on (the header is line 1)
    cells: dict[str, str]  # canonical column -> value, stripped
    original: list[str]  # the record as read, for the rejects CSV
    columns: dict[str, int] = field(default_factory=dict)  # canonical column -> 1-based column index


@dataclass(slots=True)
class Roster:
    path: Path
    delimiter: str
    header: list[str]
    rows: list[RosterRow]
    problems: list[Problem]
    sha256: str


def _decode(raw: bytes, path: Path, encoding: str | None) -> str:
    if encoding:
        try:
            return raw.decode(encoding).removeprefix("\ufeff")
        except LookupError:
            raise UsageError(f"unknown encoding '{encoding}' (try utf-8, cp1252 or latin-1)") from None
        except UnicodeDecodeError as exc:
            raise _undecodable(raw, path, exc, encoding) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _undecodable(raw, path, exc, "UTF-8") from None


class RosterError(UsageError):
    """The roster cannot be read at all; carries the CC501 problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(f"{problem.path}:{problem.line}:{problem.column}: {problem.code} {problem.message}")
        self.problem = problem


def _undecodable(raw: bytes, path: Path, exc: UnicodeDecodeError, encoding: str) -> RosterError:
    line = raw.count(b"\n", 0, exc.start) + 1
    column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
    message = (
        f"not {encoding}: byte 0x{raw[exc.start]:02x} at offset {exc.start} (line {line}); "
        "save the file as UTF-8, or give its encoding, e.g. --encoding cp1252"
    )
    return RosterError(Problem(str(path), line, column, "CC501", ERROR, message))


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters=",;\t").delimiter
    except csv.Error:
        # One column, or too little text to tell: the header line decides.
        counts = {d: first.count(d) for d in ",;\t"}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def read_roster(path: Path, encoding: str | None = None) -> Roster:
    """Read the roster at `path`; RosterError (CC501) when it cannot be read or lacks a required column."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"roster {path} not found") from None
    except IsADirectoryError:
        raise UsageError(f"roster {path} is a folder, not a CSV file") from None
    if len(raw) > MAX_BYTES:
        raise UsageError(f"roster {path} is over {MAX_BYTES // 1_000_000} MB; split it")
    text = _decode(raw, path, encoding)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        header = next(reader)
    except StopIteration:
        raise RosterError(
            Problem(str(path), 1, 1, "CC501", ERROR, "the roster is empty: it needs a header row")
        ) from None
    columns = _map_header(header, path)
    rows: list[RosterRow] = []
    previous = reader.line_num
    try:
        for record in reader:
            start, previous = previous + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue  # blank lines, as spreadsheets leave them at the end
            rows.append(_row(record, start, columns, header))
    except csv.Error as exc:
        raise RosterError(Problem(str(path), previous + 1, 1, "CC501", ERROR, f"unreadable CSV: {exc}")) from None
    return Roster(path, delimiter, header, rows, [], hashlib.sha256(raw).hexdigest())


def _map_header(header: list[str], path: Path) -> dict[str, list[int]]:
    """canonical column -> 0-based indexes in the header ('name' may be first + last name)."""
    columns: dict[str, list[int]] = {}
    first = last = None
    for index, title in enumerate(header):
        key = normalize_header(title)
        canonical = _CANONICAL.get(key)
        if canonical and canonical not in columns:
            columns[canonical] = [index]
        elif key in FIRST_NAMES:
            first = index
        elif key in LAST_NAMES:
            last = index
    if "name" not in columns and (first is not None or last is not None):
        columns["name"] = [i for i in (first, last) if i is not None]
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        found = ", ".join(repr(h) for h in header) or "none"
        hints = "".join(suggest(normalize_header(h), (name,)) for name in missing for h in header)
        message = (
            f"missing column(s) {', '.join(missing)} (found: {found}){hints}; name the columns email, name, credential"
        )
        raise RosterError(Problem(str(path), 1, 1, "CC501", ERROR, message))
    return columns


def _row(record: list[str], line: int, columns: dict[str, list[int]], header: list[str]) -> RosterRow:
    cells: dict[str, str] = {}
    where: dict[str, int] = {}
    for name, indexes in columns.items():
        parts = [record[i].strip() for i in indexes if i < len(record)]
        cells[name] = " ".join(part for part in parts if part)
        where[name] = indexes[0] + 1
    return RosterRow(line=line, cells=cells, original=list(record), columns=where)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading quote before =, +, -, @, tab or CR (OWASP CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write a UTF-8 CSV (with BOM, so spreadsheets read the accents right), CRLF, atomically."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    write_bytes(path, buffer.getvalue().encode("utf-8-sig"))
