"""Every roster row checked before anything is issued (CC502-CC509), against the catalog and the ledger.

Problems carry the roster's line and the 1-based column of the offending cell, and say what to fix. Rows are
checked in order so that prerequisites earned on earlier lines of the same roster count (CC507). Every
datetime that leaves this module is timezone-aware: a date alone is 00:00 in `tz`, a naive datetime is read
in `tz`, an explicit offset is kept.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo

from cc_cli.catalog import model
from cc_cli.catalog.formats import URL
from cc_cli.catalog.roster_format import DEFAULT_LIMIT, LIMITS, MULTILINE, REQUIRED, Roster, RosterRow
from cc_cli.core.problems import ERROR, Problem
from cc_cli.core.text import suggest

# C0 and C1 controls (tab and line breaks included), line/paragraph separators, and the bidirectional
# embedding/override/isolate controls that make text display differently from what it says (Trojan Source).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
THOUGHT_LEADER_EVIDENCE = ("evidence_url", "evidence_narrative")
YEARS = range(1900, 3000)  # a date outside is a typo or a "never" placeholder such as 9999-12-31

_LOCAL = re.compile(r'[^\s()<>\[\]:;@\\,".]+(?:\.[^\s()<>\[\]:;@\\,".]+)*\Z')
_LABEL = re.compile(r"[^\W_](?:(?:[^\W_]|-)*[^\W_])?\Z")
_BRACKETED = re.compile(r"[^<>]*<([^<>]+)>\Z")


@dataclass(slots=True)
class PlannedAward:
    line: int
    email: str  # as written (stripped); compare with .lower()
    name: str
    credential_id: str
    issued_at: datetime  # aware
    expires_at: datetime | None  # aware
    evidence_url: str
    evidence_narrative: str
    external_id: str


@dataclass(slots=True)
class CheckResult:
    valid: list[PlannedAward] = field(default_factory=list)
    rejected: list[tuple[RosterRow, list[Problem]]] = field(default_factory=list)


def email_problem(email: str) -> str | None:
    """Why `email` is not a usable address, phrased as what to fix; None when it is fine. Unicode (EAI)
    addresses pass; quoted local parts and IP-literal domains, which no one puts in a roster, do not."""
    bracketed = _BRACKETED.match(email)
    if bracketed:
        return f"write the address alone, without the name and angle brackets: {bracketed.group(1).strip()}"
    if email.lower().startswith("mailto:"):
        return "remove 'mailto:'"
    hidden = None if email.isascii() else next((c for c in email if unicodedata.category(c) in ("Cf", "Zs")), None)
    if hidden is not None:
        return f"it contains a space or an invisible character (U+{ord(hidden):04X}): retype it"
    if email.count("@") != 1:
        several = email.count("@") > 1 and any(c in email for c in ",; ")
        return "give one address per row" if several else "an address has exactly one @"
    local, domain = email.split("@")
    if not local or len(local) > 64 or not _LOCAL.match(local):
        return f"'{local}' before the @ is not valid (no commas, brackets or spaces; dots only between characters)"
    labels = domain.split(".")
    if domain.endswith("."):
        return "remove the dot at the end"
    if len(labels) < 2:
        return f"the domain '{domain}' needs a dot, as in example.com"
    if (
        len(domain) > 253
        or not all(len(label) <= 63 and _LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        return f"the domain '{domain}' is not valid (letters, digits and inner hyphens between dots)"
    return None


def parse_moment(text: str, tz: tzinfo) -> datetime | None:
    """'2026-03-01' (or 20260301) is 00:00 that day in `tz`; a datetime with an offset (or Z) is kept; a naive
    one is read in `tz`. None when the text is not ISO 8601 or the year is implausible."""
    try:
        moment = datetime.combine(date.fromisoformat(text), time(0), tzinfo=tz)
    except ValueError:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
        if moment.tzinfo is None or moment.utcoffset() is None:
            moment = moment.replace(tzinfo=tz)
    try:
        in_utc = moment.astimezone(UTC)
    except OverflowError:
        return None
    return moment if in_utc.year in YEARS else None


class _Findings:
    """The problems of one row, each at the column of the cell it is about."""

    __slots__ = ("path", "problems", "row")
    path: str
    row: RosterRow
    problems: list[Problem]

    def __init__(self, path: str, row: RosterRow) -> None:
        self.path, self.row, self.problems = path, row, []

    def add(self, code: str, column: str | int, message: str) -> None:
        where = column if isinstance(column, int) else self.row.columns.get(column, 1)
        self.problems.append(Problem(self.path, self.row.line, where, code, ERROR, message))


def check_rows(
    roster: Roster, catalog: model.Catalog, holdings: Callable[[str], set[str]], now: datetime, tz: tzinfo
) -> CheckResult:
    """Check every row; valid rows become PlannedAwards, the others carry their problems.

    `holdings(email_lower)` gives the credential ids the recipient holds active awards of (the ledger stays
    with the caller); `now` (aware) is the issue time of rows without `issued_on` and the limit for dates.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("check_rows needs an aware `now`: a naive datetime must never reach an award")
    result = CheckResult()
    by_title = _titles(catalog)
    by_lower = {cid.lower(): cid for cid in catalog.credentials}
    resolved = [_resolve(row.cells.get("credential", ""), catalog, by_lower, by_title) for row in roster.rows]
    first_line: dict[tuple[str, str], int] = {}  # (email, credential) -> first line naming it, for CC506/CC507
    for row, cid in zip(roster.rows, resolved, strict=True):
        first_line.setdefault((row.cells.get("email", "").lower(), cid or row.cells.get("credential", "")), row.line)
    earned: dict[str, set[str]] = {}  # this roster's valid awards so far, by lower-cased email
    path = str(roster.path)
    for row, cid in zip(roster.rows, resolved, strict=True):
        found = _Findings(path, row)
        _check_cells(row, roster, found)
        email, text = row.cells.get("email", ""), row.cells.get("credential", "")
        fix = email_problem(email) if email else None
        if fix:
            found.add("CC502", "email", f"'{email}' is not a valid email address: {fix}")
        credential = catalog.credentials[cid] if cid else None
        if text and credential is None:
            found.add(
                "CC503",
                "credential",
                f"unknown credential '{text}'{_closest(text, catalog, by_title)}; use a credential id from the catalog",
            )
        elif credential is not None and credential.status != "active":
            found.add(
                "CC504",
                "credential",
                f"'{credential.id}' is {credential.status}, not issuable; issue an active credential",
            )
        issued_at, expires_at = _dates(row, now, tz, found)
        key = (email.lower(), credential.id if credential else text)
        if email and text and first_line[key] != row.line:
            found.add(
                "CC506", "email", f"repeats line {first_line[key]} (same email and credential); remove one of them"
            )
        if credential is not None and credential.status == "active" and email:
            _prerequisites(credential, email, holdings, earned, first_line, found)
            if credential.type == "thought-leader" and not any(row.cells.get(c) for c in THOUGHT_LEADER_EVIDENCE):
                column = next((c for c in THOUGHT_LEADER_EVIDENCE if c in row.columns), "credential")
                found.add(
                    "CC508", column, "Thought Leader awards need evidence: fill evidence_url or evidence_narrative"
                )
        if found.problems:
            result.rejected.append((row, found.problems))
            continue
        assert credential is not None and issued_at is not None
        earned.setdefault(email.lower(), set()).add(credential.id)
        cells = row.cells
        result.valid.append(
            PlannedAward(
                row.line,
                email,
                cells["name"],
                credential.id,
                issued_at,
                expires_at,
                cells.get("evidence_url", ""),
                cells.get("evidence_narrative", ""),
                cells.get("external_id", ""),
            )
        )
    return result


def _titles(catalog: model.Catalog) -> dict[str, str]:
    """casefolded title -> id, for titles that name exactly one credential."""
    titles: dict[str, list[str]] = {}
    for cid, credential in catalog.credentials.items():
        titles.setdefault(credential.title.casefold(), []).append(cid)
    return {title: ids[0] for title, ids in titles.items() if len(ids) == 1}


def _closest(text: str, catalog: model.Catalog, by_title: dict[str, str]) -> str:
    """' (did you mean "id"?)' by id, else by title (still naming the id), else ''."""
    hint = suggest(text.lower(), catalog.credentials)
    if hint:
        return hint
    title = difflib.get_close_matches(text.casefold(), list(by_title), n=1, cutoff=0.6)
    return f' (did you mean "{by_title[title[0]]}"?)' if title else ""


def _resolve(text: str, catalog: model.Catalog, by_lower: dict[str, str], by_title: dict[str, str]) -> str | None:
    """The credential id a cell names: its id (any case) or its exact title (any case)."""
    if text in catalog.credentials:
        return text
    return by_lower.get(text.lower()) or by_title.get(text.casefold())


def _check_cells(row: RosterRow, roster: Roster, found: _Findings) -> None:
    """CC509: required cells present; every cell within its length and free of control characters; no
    cells past the header (an unquoted delimiter inside a cell shifts every cell after it)."""
    width = len(roster.header)
    extra = next((i for i in range(width, len(row.original)) if row.original[i].strip()), None)
    if extra is not None:
        message = (
            f"this line has {len(row.original)} cells but the header has {width} columns: a cell that holds a "
            f'{roster.dialect_name} must be in double quotes, e.g. "Doe, Jane"'
        )
        found.add("CC509", extra + 1, message)
    for name in REQUIRED:
        if not row.cells.get(name):
            found.add("CC509", name, f"empty {name}: fill it in")
    for name, value in row.cells.items():
        limit = LIMITS.get(name, DEFAULT_LIMIT)
        if len(value) > limit:
            found.add("CC509", name, f"{name} is {len(value)} characters, over the {limit} allowed; shorten it")
        bad = _CONTROL.search(value.replace("\n", "") if name in MULTILINE else value)
        if bad:
            what = (
                "a line break"
                if bad.group() in "\r\n\u2028\u2029"
                else f"the control character U+{ord(bad.group()):04X}"
            )
            found.add("CC509", name, f"{name} contains {what}; remove it")
    url = row.cells.get("evidence_url", "")
    if url and len(url) <= LIMITS["evidence_url"] and not URL.match(url):
        found.add(
            "CC509", "evidence_url", f"evidence_url '{url[:80]}' is not an http(s) URL; give a link such as https://..."
        )


def _dates(row: RosterRow, now: datetime, tz: tzinfo, found: _Findings) -> tuple[datetime | None, datetime | None]:
    """CC505: issue date (default now) not in the future; expiry after it."""
    issued_text, expires_text = row.cells.get("issued_on", ""), row.cells.get("expires_on", "")
    issued_at = parse_moment(issued_text, tz) if issued_text else now
    use = "use YYYY-MM-DD (or an ISO 8601 date-time such as 2026-03-01T09:30:00+01:00)"
    if issued_at is None:
        found.add("CC505", "issued_on", f"issued_on '{issued_text}' is not a date: {use}")
    elif issued_at > now:
        found.add("CC505", "issued_on", f"issued_on {issued_text} is in the future; give the date the award was earned")
    expires_at = parse_moment(expires_text, tz) if expires_text else None
    if expires_text and expires_at is None:
        found.add(
            "CC505", "expires_on", f"expires_on '{expires_text}' is not a date: {use}; leave it empty for no expiry"
        )
    elif expires_at is not None and issued_at is not None and expires_at <= issued_at:
        found.add(
            "CC505", "expires_on", f"expires_on {expires_text} is not after the issue date; fix it or leave it empty"
        )
    return issued_at, expires_at


def _prerequisites(
    credential: model.Credential,
    email: str,
    holdings: Callable[[str], set[str]],
    earned: dict[str, set[str]],
    first_line: dict[tuple[str, str], int],
    found: _Findings,
) -> None:
    """CC507: `requires` (and a certificate's `components`) held in the ledger or earned on an earlier line."""
    needed = [*credential.requires, *(credential.components if credential.classification == "certificate" else ())]
    if not needed:
        return
    lower = email.lower()
    held = earned.get(lower, set())
    missing = [cid for cid in dict.fromkeys(needed) if cid not in held]
    if missing:
        held = holdings(lower)
        missing = [cid for cid in missing if cid not in held]
    if not missing:
        return
    later = [
        f"{cid} is on line {first_line[lower, cid]}"
        for cid in missing
        if first_line.get((lower, cid), 0) > found.row.line
    ]
    hint = f" ({'; '.join(later)}: move it above this line)" if later else ""
    found.add(
        "CC507",
        "credential",
        f"{email} does not hold {', '.join(missing)}, required for {credential.id}{hint}; issue "
        f"{'it' if len(missing) == 1 else 'them'} first, in an earlier run or on an earlier line of this roster",
    )
