"""Every roster row checked before anything is issued (CC502-CC509), against the catalog and the ledger.

Problems carry the roster's line and the column of the offending cell, and say what to fix. Rows are
checked in order so that prerequisites earned earlier in the same roster count (CC507).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from typing import Any

from cc_cli import model
from cc_cli.problems import ERROR, Problem
from cc_cli.roster import Roster, RosterRow
from cc_cli.shape import EMAIL, URL, suggest

LIMITS = {
    "email": 320,
    "name": 200,
    "credential": 200,
    "issued_on": 40,
    "expires_on": 40,
    "evidence_url": 2048,
    "evidence_narrative": 2000,
    "external_id": 200,
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_NEWLINES_ALLOWED = ("evidence_narrative",)
THOUGHT_LEADER_EVIDENCE = ("evidence_url", "evidence_narrative")


@dataclass(slots=True)
class PlannedAward:
    line: int
    email: str  # as written
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


def parse_moment(text: str, tz: tzinfo) -> datetime | None:
    """'2026-03-01' is 00:00 that day in `tz`; a datetime with an offset is kept; a naive one gets `tz`."""
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(0), tzinfo=tz)
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


def _title_index(catalog: model.Catalog) -> dict[str, str]:
    return {credential.title.casefold(): cid for cid, credential in catalog.credentials.items()}


def check_rows(
    roster: Roster, catalog: model.Catalog, holdings: Callable[[str], set[str]], now: datetime, tz: tzinfo
) -> CheckResult:
    """Check every row; valid rows become PlannedAwards, the others carry their problems."""
    result = CheckResult()
    titles = _title_index(catalog)
    seen: dict[tuple[str, str], int] = {}
    earned: dict[str, set[str]] = {}  # this roster's valid awards so far, by lower-cased email
    for row in roster.rows:
        problems: list[Problem] = []

        def problem(
            code: str, column: str, message: str, row: RosterRow = row, found: list[Problem] = problems
        ) -> None:
            found.append(Problem(str(roster.path), row.line, row.columns.get(column, 1), code, ERROR, message))

        _check_cells(row, problem)
        email, credential_id = row.cells.get("email", ""), row.cells.get("credential", "")
        if email and not EMAIL.match(email):
            problem("CC502", "email", f"'{email}' is not an email address; fix it (e.g. name@example.com)")
        credential = catalog.credentials.get(credential_id) or catalog.credentials.get(
            titles.get(credential_id.casefold(), "")
        )
        if credential_id and credential is None:
            problem(
                "CC503",
                "credential",
                f"unknown credential '{credential_id}'{suggest(credential_id, catalog.credentials)}; use a credential id from the catalog",
            )
        elif credential is not None and credential.status != "active":
            problem(
                "CC504",
                "credential",
                f"'{credential.id}' is {credential.status}, not issuable; issue an active credential",
            )
        issued_at, expires_at = _dates(row, now, tz, problem)
        key = (email.lower(), credential.id if credential else credential_id)
        if email and credential_id and key in seen:
            problem("CC506", "email", f"repeats line {seen[key]} (same email and credential); remove one of them")
        elif email and credential_id:
            seen[key] = row.line
        if credential is not None and credential.status == "active" and email:
            held = holdings(email.lower()) | earned.get(email.lower(), set())
            needed = [
                *credential.requires,
                *(credential.components if credential.classification == "certificate" else []),
            ]
            missing = [cid for cid in dict.fromkeys(needed) if cid not in held]
            if missing:
                problem(
                    "CC507",
                    "credential",
                    f"{email} does not hold the prerequisite(s) {', '.join(missing)}; issue those first (earlier in this roster or an earlier run)",
                )
            if credential.type == "thought-leader" and not any(row.cells.get(c) for c in THOUGHT_LEADER_EVIDENCE):
                problem(
                    "CC508",
                    "credential",
                    "Thought Leader awards need evidence: fill evidence_url or evidence_narrative",
                )
        if problems:
            result.rejected.append((row, problems))
            continue
        assert credential is not None and issued_at is not None
        earned.setdefault(email.lower(), set()).add(credential.id)
        result.valid.append(
            PlannedAward(
                row.line,
                email,
                row.cells["name"],
                credential.id,
                issued_at,
                expires_at,
                row.cells.get("evidence_url", ""),
                row.cells.get("evidence_narrative", ""),
                row.cells.get("external_id", ""),
            )
        )
    return result


def _check_cells(row: RosterRow, problem: Any) -> None:
    """CC509: required cells present; every cell within its length and free of control characters."""
    for name in ("email", "name", "credential"):
        if not row.cells.get(name):
            problem("CC509", name, f"empty {name}: fill it in")
    for name, value in row.cells.items():
        limit = LIMITS.get(name, 2000)
        if len(value) > limit:
            problem("CC509", name, f"{name} is {len(value)} characters, over the {limit} allowed; shorten it")
        text = value.replace("\n", "").replace("\r", "") if name in _NEWLINES_ALLOWED else value
        if _CONTROL.search(text):
            problem("CC509", name, f"{name} contains control characters (such as line breaks or tabs); remove them")
    url = row.cells.get("evidence_url", "")
    if url and not URL.match(url):
        problem("CC509", "evidence_url", f"evidence_url '{url[:80]}' is not an http(s) URL")


def _dates(row: RosterRow, now: datetime, tz: tzinfo, problem: Any) -> tuple[datetime | None, datetime | None]:
    """CC505: issue date (default now) not in the future; expiry after it."""
    issued_text, expires_text = row.cells.get("issued_on", ""), row.cells.get("expires_on", "")
    issued_at = parse_moment(issued_text, tz) if issued_text else now
    if issued_at is None:
        problem(
            "CC505", "issued_on", f"issued_on '{issued_text}' is not a date: use YYYY-MM-DD (or an ISO 8601 date-time)"
        )
    elif issued_at > now:
        problem(
            "CC505", "issued_on", f"issued_on {issued_text} is in the future; awards are issued for what was earned"
        )
    expires_at = parse_moment(expires_text, tz) if expires_text else None
    if expires_text and expires_at is None:
        problem("CC505", "expires_on", f"expires_on '{expires_text}' is not a date: use YYYY-MM-DD")
    elif expires_at is not None and issued_at is not None and expires_at <= issued_at:
        problem("CC505", "expires_on", f"expires_on {expires_text} is not after the issue date; fix or clear it")
    return issued_at, expires_at
