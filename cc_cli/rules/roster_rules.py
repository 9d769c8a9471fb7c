"""Roster rules (CC501-CC509): what a roster row must hold before `cc issue` awards it.

Roster rules have the scope "roster": `cc issue` runs them (`cc_cli.issue.row_checks`), `cc validate` does not,
and `catalog.yaml` `rules:` does not change their severity, as none could be issued from a row that fails them.
A rule is called with one `RosterRow` and the `RosterContext` and yields `Hit`s whose `where` is the column the
problem is about (`locate` turns it into the cell's line and 1-based column). Every datetime that leaves this
module is timezone-aware: a date alone is 00:00 in the context's zone, a naive datetime is read in it, an
explicit offset is kept.

The examples in the docstrings run against the sample catalog (`catalog/`), with a ledger that holds nothing
unless the example says that someone "already holds" a credential (tests/test_roster_rules.py runs them).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any

from cc_cli.catalog import model
from cc_cli.catalog.formats import URL, UUID
from cc_cli.catalog.roster_format import DEFAULT_LIMIT, LIMITS, MULTILINE, REQUIRED, Roster, RosterRow
from cc_cli.core.problems import ERROR, Hit
from cc_cli.core.text import closest, did_you_mean, suggest
from cc_cli.rules.registry import rule

# C0 and C1 controls (tab and line breaks included), line/paragraph separators, and the bidirectional
# embedding/override/isolate controls that make text display differently from what it says (Trojan Source).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
THOUGHT_LEADER_EVIDENCE = ("evidence_url", "evidence_narrative")
YEARS = range(1900, 3000)  # a date outside is a typo or a "never" placeholder such as 9999-12-31

_LOCAL = re.compile(r'[^\s()<>\[\]:;@\\,".]+(?:\.[^\s()<>\[\]:;@\\,".]+)*\Z')
_LABEL = re.compile(r"[^\W_](?:(?:[^\W_]|-)*[^\W_])?\Z")
_BRACKETED = re.compile(r"[^<>]*<([^<>]+)>\Z")


class RosterContext:
    """What a roster rule sees besides its row: the roster, the catalog, what the ledger says recipients hold
    and the issue time; and what the rows of the roster establish (the credential each names, the first line
    of each award, the awards of the valid rows above)."""

    __slots__ = (
        "by_template",
        "by_title",
        "catalog",
        "date_order",
        "earned",
        "first_line",
        "holdings",
        "now",
        "resolved",
        "roster",
        "source",
        "tz",
    )
    roster: Roster
    source: str  # the roster's path, as problems name it
    catalog: model.Catalog
    holdings: Callable[[str], set[str]]  # lower-cased email -> ids of the credentials held in the ledger
    now: datetime  # aware: the issue time of rows without `issued_on`, and the limit for dates
    tz: tzinfo  # the zone of dates and datetimes written without an offset
    date_order: str | None  # 'mdy' or 'dmy' (`--date-format`): how slashed dates read; None: refuse ambiguity
    by_title: dict[str, str]  # casefolded title -> id, for titles that name exactly one credential
    by_template: dict[str, str]  # lower-cased `credly_template_id` -> id (Credly's Badge Template ID)
    resolved: dict[int, str | None]  # line -> the id of the credential the row names, None if none
    first_line: dict[tuple[str, str], int]  # (email lower-cased, credential) -> the first line naming it
    earned: dict[str, set[str]]  # lower-cased email -> the credentials of valid rows so far (`earn`)

    def __init__(
        self,
        roster: Roster,
        catalog: model.Catalog,
        holdings: Callable[[str], set[str]],
        now: datetime,
        tz: tzinfo,
        date_order: str | None = None,
    ) -> None:
        self.roster, self.source, self.catalog, self.holdings = roster, str(roster.path), catalog, holdings
        self.now, self.tz, self.date_order = now, tz, date_order
        self.by_title = _titles(catalog)
        self.by_template = templates(catalog)
        by_lower = {cid.lower(): cid for cid in catalog.credentials}
        by_lower.update({template: cid for template, cid in self.by_template.items() if template not in by_lower})
        self.resolved, self.first_line, self.earned = {}, {}, {}
        for row in roster.rows:
            text = row.cells.get("credential", "")
            cid = self.resolved[row.line] = _resolve(text, catalog, by_lower, self.by_title)
            self.first_line.setdefault((row.cells.get("email", "").lower(), cid or text), row.line)

    def credential(self, row: RosterRow) -> model.Credential | None:
        """The catalog credential the row's `credential` cell names (by id in any case, or by exact title)."""
        cid = self.resolved[row.line]
        return self.catalog.credentials[cid] if cid else None

    def earn(self, email: str, credential_id: str) -> None:
        """A valid row: its award counts as held for the prerequisites of the rows below it (CC507)."""
        self.earned.setdefault(email.lower(), set()).add(credential_id)


def locate(hit: Hit, row: RosterRow) -> tuple[int, int]:
    """The roster line and 1-based column of a roster rule's hit: the cell of the column it names, or its
    explicit position (a cell past the header has no column name)."""
    if hit.position is not None:
        return hit.position
    column = hit.where[0] if hit.where else ""
    return row.line, row.columns.get(str(column), 1)


@rule("CC501", ERROR, "roster unreadable: encoding, quoting, a missing or repeated column, no rows", "roster")
def roster_unreadable(*_: Any) -> Iterator[Hit]:
    """A roster is read whole before anything is issued. When the file is not text in the expected encoding, a
    quote is left open, a required column is missing or two columns claim one field, which cell holds whose
    email is a guess, and a wrong guess sends awards to the wrong people: nothing is issued from such a file.
    The reader (`cc_cli.catalog.roster`) reports it at the line and column where reading stopped.

    Passing:
        email,name,credential
        ana@example.com,Ana Silva,cloud-essentials
    Failing (no credential column):
        email,name
        ana@example.com,Ana Silva
    """
    return iter(())


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


@rule("CC502", ERROR, "recipient email not a valid address", "roster")
def recipient_email(row: RosterRow, ctx: RosterContext) -> Iterator[Hit]:
    """Open Badges 3.0 binds an award to its recipient by a hash of their email address (`identityHash`,
    `identityType: emailAddress`): an award to a mistyped address is one its earner can never claim or prove.
    Unicode addresses pass; a name in angle brackets, `mailto:` or two addresses in one cell do not.

    Passing:
        email,name,credential
        ana@example.com,Ana Silva,cloud-essentials
    Failing:
        email,name,credential
        ana@example,Ana Silva,cloud-essentials
    """
    email = row.cells.get("email", "")
    fix = email_problem(email) if email else None
    if fix:
        yield Hit(ctx.source, ("email",), f"'{email}' is not a valid email address: {fix}")


def _titles(catalog: model.Catalog) -> dict[str, str]:
    """casefolded title -> id, for titles that name exactly one credential."""
    titles: dict[str, list[str]] = {}
    for cid, credential in catalog.credentials.items():
        titles.setdefault(credential.title.casefold(), []).append(cid)
    return {title: ids[0] for title, ids in titles.items() if len(ids) == 1}


def templates(catalog: model.Catalog) -> dict[str, str]:
    """lower-cased `credly_template_id` -> credential id, for the well-formed template ids (CC219, CC220)."""
    found: dict[str, str] = {}
    for cid in sorted(catalog.credentials):
        template = catalog.credentials[cid].credly_template_id
        if isinstance(template, str) and UUID.match(template.strip()):
            found.setdefault(template.strip().lower(), cid)
    return found


def _resolve(text: str, catalog: model.Catalog, by_lower: dict[str, str], by_title: dict[str, str]) -> str | None:
    """The credential id a cell names: its id or its `credly_template_id` (any case), or its exact title (any
    case)."""
    if text in catalog.credentials:
        return text
    return by_lower.get(text.lower()) or by_title.get(text.casefold())


def _closest(text: str, catalog: model.Catalog, by_title: dict[str, str]) -> str:
    """' (did you mean "id"?)' by id, else by title (still naming the id), else ''."""
    hint = suggest(text.lower(), catalog.credentials)
    if hint:
        return hint
    title = closest(text.casefold(), by_title)
    return did_you_mean(by_title[title] if title is not None else None)


@rule("CC503", ERROR, "unknown credential (suggest the closest id or title)", "roster")
def unknown_credential(row: RosterRow, ctx: RosterContext) -> Iterator[Hit]:
    """An award is an achievement of the catalog, its criteria, skills and alignments taken from the credential
    file: a credential the catalog does not define has nothing to award. The cell holds the credential's id
    or its `credly_template_id` (a Credly roster's Badge Template ID), in any case, or its exact title.

    Passing:
        email,name,credential
        ana@example.com,Ana Silva,cloud-essentials
    Failing:
        email,name,credential
        ana@example.com,Ana Silva,cloud-esentials
    """
    text = row.cells.get("credential", "")
    if text and ctx.credential(row) is None and UUID.match(text):
        title = _title(row, ctx, "credential")
        yield Hit(
            ctx.source,
            ("credential",),
            f"{title} '{text}' is no credential's credly_template_id: add `credly_template_id: {text}` to the "
            "file of the credential it is on Credly (credentials/<id>.yaml), or write the credential's cc id",
        )
    elif text and ctx.credential(row) is None:
        yield Hit(
            ctx.source,
            ("credential",),
            f"unknown credential '{text}'{_closest(text, ctx.catalog, ctx.by_title)}; use a credential id from the catalog",
        )


@rule("CC504", ERROR, "credential not active (draft or retired)", "roster")
def inactive_credential(row: RosterRow, ctx: RosterContext) -> Iterator[Hit]:
    """Only an active credential is awarded: a draft is not yet approved for the programme, and a retired one
    is no longer offered (the awards already issued stay valid).

    Passing:
        email,name,credential
        ana@example.com,Ana Silva,cloud-essentials
    Failing (watsonx-ai-prompt-engineering is a draft):
        email,name,credential
        ana@example.com,Ana Silva,watsonx-ai-prompt-engineering
    """
    credential = ctx.credential(row)
    if credential is not None and credential.status != "active":
        yield Hit(
            ctx.source,
            ("credential",),
            f"'{credential.id}' is {credential.status}, not issuable; issue an active credential",
        )


# `cc issue --date-format`: the order of a slashed date's day and month (Credly documents mm/dd/yy).
DATE_ORDERS = {
    "mdy": "mdy",
    "mm/dd/yy": "mdy",
    "mm/dd/yyyy": "mdy",
    "dmy": "dmy",
    "dd/mm/yy": "dmy",
    "dd/mm/yyyy": "dmy",
}
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})\Z")


class AmbiguousDate(ValueError):
    """A slashed date both of whose first two numbers could be the month (03/04/25): only `--date-format`
    says which it is."""

    def __init__(self, text: str, month_first: date, day_first: date) -> None:
        super().__init__(text)
        self.month_first, self.day_first = month_first, day_first


def date_order(text: str | None) -> str | None:
    """'mdy' or 'dmy' for a `--date-format` value (mdy, dmy, mm/dd/yy, dd/mm/yy), None for none; ValueError
    for anything else."""
    if not text:
        return None
    order = DATE_ORDERS.get(text.strip().lower())
    if order is None:
        raise ValueError(text)
    return order


def reading_options(timezone: str, date_format: str | None) -> tuple[tzinfo, str | None]:
    """The zone and date order a roster or an import file is read in (`--timezone`, `--date-format`), or a
    UsageError that names the option and what to give."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from cc_cli.core.problems import UsageError

    try:
        zone: tzinfo = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"unknown time zone '{timezone}' (use an IANA name such as Europe/Paris)") from None
    try:
        order = date_order(date_format)
    except ValueError:
        raise UsageError(
            f"unknown --date-format '{date_format}': use mdy (month first, Credly's mm/dd/yy) or dmy"
        ) from None
    return zone, order


def _slashed(text: str, order: str | None) -> date | None:
    """A date written m/d/y or d/m/y (two-digit years are 20yy); None when it is not one. With no `order`, a
    date that reads only one way (13/04/25, 04/13/25, 03/03/25) is that date, and one that reads two ways
    raises AmbiguousDate."""
    match = _SLASHED.match(text)
    if match is None:
        return None
    first, second, year_text = match.groups()
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)

    def make(month: str, day: str) -> date | None:
        try:
            return date(year, int(month), int(day))
        except ValueError:
            return None

    month_first, day_first = make(first, second), make(second, first)
    if order == "mdy":
        return month_first
    if order == "dmy":
        return day_first
    if month_first is not None and day_first is not None and month_first != day_first:
        raise AmbiguousDate(text, month_first, day_first)
    return month_first or day_first


def parse_moment(text: str, tz: tzinfo, order: str | None = None) -> datetime | None:
    """'2026-03-01' (or 20260301) is 00:00 that day in `tz`; a datetime with an offset (or Z) is kept; a naive
    one is read in `tz`; a slashed date ('03/14/25', Credly's mm/dd/yy) is 00:00 in `tz`, read in `order`
    ('mdy' or 'dmy'; without one, AmbiguousDate when it reads both ways). None when the text is not such a
    date or the year is implausible."""
    try:
        moment = datetime.combine(date.fromisoformat(text), time(0), tzinfo=tz)
    except ValueError:
        day = _slashed(text, order)
        if day is not None:
            moment = datetime.combine(day, time(0), tzinfo=tz)
        else:
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


def _moment(text: str, ctx: RosterContext) -> datetime | None:
    try:
        return parse_moment(text, ctx.tz, ctx.date_order)
    except AmbiguousDate:
        return None


def row_moments(row: RosterRow, ctx: RosterContext) -> tuple[datetime | None, datetime | None]:
    """The row's issue time (`issued_on`, else the context's now) and expiry (`expires_on`, else None), aware;
    None for a cell that is not a date, or a date that reads two ways (CC505)."""
    issued_text, expires_text = row.cells.get("issued_on", ""), row.cells.get("expires_on", "")
    issued_at = _moment(issued_text, ctx) if issued_text else ctx.now
    return issued_at, _moment(expires_text, ctx) if expires_text else None


def _not_a_date(row: RosterRow, ctx: RosterContext, name: str) -> str:
    """Why the `name` cell is not a date and what to write instead."""
    text = row.cells.get(name, "")
    title = _title(row, ctx, name)
    try:
        parse_moment(text, ctx.tz, ctx.date_order)
    except AmbiguousDate as exc:
        return (
            f"{title} '{text}' reads two ways, {exc.month_first:%B} {exc.month_first.day} or {exc.day_first:%B} "
            f"{exc.day_first.day}, {exc.month_first.year}: say which with --date-format mdy (month first, "
            f"Credly's mm/dd/yy) or --date-format dmy (day first), or write it YYYY-MM-DD ({exc.month_first.isoformat()} or {exc.day_first.isoformat()})"
        )
    if ctx.date_order is not None and _SLASHED.match(text):
        pattern = "mm/dd/yy" if ctx.date_order == "mdy" else "dd/mm/yy"
        return (
            f"{title} '{text}' is not a date in {pattern} (--date-format {ctx.date_order}): fix it, or write YYYY-MM-DD"
        )
    use = "use YYYY-MM-DD, mm/dd/yy (or an ISO 8601 date-time such as 2026-03-01T09:30:00+01:00)"
    return f"{name} '{text}' is not a date: {use}"


def _title(row: RosterRow, ctx: RosterContext, name: str) -> str:
    """The column `name` as the roster's header writes it ('Issued At'), for messages."""
    column = row.columns.get(name)
    header = ctx.roster.header
    return header[column - 1].strip() if column and column <= len(header) else name


@rule("CC505", ERROR, "issue date not a date or in the future, or expiry not after it", "roster")
def award_dates(row: RosterRow, ctx: RosterContext) -> Iterator[Hit]:
    """An award states when it was earned (`awardedDate`, `validFrom`) and until when it holds (`validUntil`),
    and once signed it cannot be corrected: an issue date in the future, or an expiry not after it, publishes
    a credential that is not yet true or already void. Dates are ISO 8601 or, as Credly writes them, mm/dd/yy;
    a slashed date that reads two ways (01/03/2026) is refused unless `cc issue --date-format mdy` (or `dmy`)
    says which order the roster uses, so that it is never read as the wrong day.

    Passing:
        email,name,credential,issued_on
        ana@example.com,Ana Silva,cloud-essentials,2026-03-01
    Failing (a spreadsheet's local date format):
        email,name,credential,issued_on
        ana@example.com,Ana Silva,cloud-essentials,01/03/2026
    """
    issued_text, expires_text = row.cells.get("issued_on", ""), row.cells.get("expires_on", "")
    issued_at, expires_at = row_moments(row, ctx)
    if issued_at is None:
        yield Hit(ctx.source, ("issued_on",), _not_a_date(row, ctx, "issued_on"))
    elif issued_at > ctx.now:
        yield Hit(
            ctx.source, ("issued_on",), f"issued_on {issued_text} is in the future; give the date the award was earned"
        )
    if expires_text and expires_at is None:
        yield Hit(ctx.source, ("expires_on",), _not_a_date(row, ctx, "expires_on") + "; leave it empty for no expiry")
    elif expires_at is not None and issued_at is not None and expires_at <= issued_at:
        yield Hit(
            ctx.source,
            ("expires_on",),
            f"expires_on {expires_text} is not after the issue date; fix it or leave it empty",
        )


@rule("CC506", ERROR, "same email and credential as an earlier line", "roster")
def repeated_award(row: RosterRow, ctx: RosterContext) -> Iterator[Hit]:
    """An achievement is awarded once to each earner (a second award to a holder is the credential's
    `duplicates:` policy at work, against the ledger): the same person and credential twice in one roster is a
    copy-paste slip. Emails compare in any case, and so do credential ids (a credential named by its title is
    the same credential too).

    Passing:
        email,name,credential
        ana@example.com,Ana Silva,cloud-essentials
        bo@example.com,Bo Chen,cloud-essentials
    Failing:
        email,name,credential
        ana@example.com,Ana Silva,cloud-essentials
        Ana@Example.com,Ana Silva,Cloud-Essentials
    """
    email, text = row.cells.get("email", ""), row.cells.get("credential", "")
    credential = ctx.credential(row)
    key = (email.lower(), credential.id if credential else text)
    if email and text and ctx.first_line[key] != row.line:
        yield Hit(
            ctx.source,
            ("email",),
            f"repeats line {ctx.first_line[key]} (same email and credential); remove one of them",
        )


@rule("CC507", ERROR, "recipient lacks a prerequisite (`requires`, a certificate's `components`)", "roster")
def missing_prerequisite(row: RosterRow, ctx: RosterContext) -> Iterator[Hit]:
    """Skill progression builds each step on the one before, and a certificate aggregates the learning
    experiences of its components: an award whose `requires` (or, for a certificate, `components`) its earner
    does not hold would certify a step that was skipped. A prerequisite counts when the ledger shows it held or
    a valid row above awards it.

    Passing:
        email,name,credential
        ana@example.com,Ana Silva,cloud-essentials
        ana@example.com,Ana Silva,containers-kubernetes-essentials
    Failing (the prerequisite comes after the line that needs it):
        email,name,credential
        ana@example.com,Ana Silva,containers-kubernetes-essentials
        ana@example.com,Ana Silva,cloud-essentials
    """
    credential, email = ctx.credential(row), row.cells.get("email", "")
    if credential is None or credential.status != "active" or not email:
        return  # CC503, CC504 or CC509 says what to fix first
    needed = [*credential.requires, *(credential.components if credential.classification == "certificate" else ())]
    if not needed:
        return
    lower = email.lower()
    held = ctx.earned.get(lower, set())
    missing = [cid for cid in dict.fromkeys(needed) if cid not in held]
    if missing:
        held = ctx.holdings(lower)
        missing = [cid for cid in missing if cid not in held]
    if not missing:
        return
    later = [
        f"{cid} is on line {ctx.first_line[lower, cid]}"
        for cid in missing
        if ctx.first_line.get((lower, cid), 0) > row.line
    ]
    hint = f" ({'; '.join(later)}: move it above this line)" if later else ""
    yield Hit(
        ctx.source,
        ("credential",),
        f"{email} does not hold {', '.join(missing)}, required for {credential.id}{hint}; issue "
        f"{'it' if len(missing) == 1 else 'them'} first, in an earlier run or on an earlier line of this roster",
    )


@rule("CC508", ERROR, "Thought Leader award without evidence", "roster")
def thought_leader_evidence(row: RosterRow, ctx: RosterContext) -> Iterator[Hit]:
    """ "Thought Leader skill demonstration is typically validated by SME, Board review, evidence submissions,
    and verified experiential activities": the award carries what the review saw (Open Badges 3.0 `evidence`),
    an `evidence_url` or an `evidence_narrative`.

    Passing (ana@example.com already holds enterprise-design-thinking-co-creator):
        email,name,credential,evidence_url
        ana@example.com,Ana Silva,enterprise-design-thinking-coach,https://example.com/ana/coaching-log
    Failing (ana@example.com already holds enterprise-design-thinking-co-creator):
        email,name,credential,evidence_url
        ana@example.com,Ana Silva,enterprise-design-thinking-coach,
    """
    credential = ctx.credential(row)
    if credential is None or credential.status != "active" or not row.cells.get("email"):
        return  # CC503, CC504 or CC509 says what to fix first
    if credential.type == "thought-leader" and not any(row.cells.get(c) for c in THOUGHT_LEADER_EVIDENCE):
        column = next((c for c in THOUGHT_LEADER_EVIDENCE if c in row.columns), "credential")
        yield Hit(ctx.source, (column,), "Thought Leader awards need evidence: fill evidence_url or evidence_narrative")


@rule(
    "CC509",
    ERROR,
    "cell empty, too long, with a control character or past the header; evidence_url not http(s)",
    "roster",
)
def cell_content(row: RosterRow, ctx: RosterContext) -> Iterator[Hit]:
    """What a cell holds goes into a signed award that cannot be edited afterwards, into the ledger and onto
    screens: the required cells filled, each cell within its length, no control characters (a bidirectional
    override makes a name display differently from what it says), `evidence_url` an http(s) link, and no cell
    past the header (an unquoted delimiter inside a cell shifts every cell after it).

    Passing:
        email,name,credential
        ana@example.com,"Silva, Ana",cloud-essentials
    Failing (the name is empty):
        email,name,credential
        ana@example.com,,cloud-essentials
    """
    width = len(ctx.roster.header)
    extra = next((i for i in range(width, len(row.original)) if row.original[i].strip()), None)
    if extra is not None:
        message = (
            f"this line has {len(row.original)} cells but the header has {width} columns: a cell that holds a "
            f'{ctx.roster.dialect_name} must be in double quotes, e.g. "Doe, Jane"'
        )
        yield Hit(ctx.source, (), message, position=(row.line, extra + 1))
    for name in REQUIRED:
        if not row.cells.get(name):
            yield Hit(ctx.source, (name,), f"empty {name}: fill it in")
    for name, value in row.cells.items():
        limit = LIMITS.get(name, DEFAULT_LIMIT)
        if len(value) > limit:
            yield Hit(ctx.source, (name,), f"{name} is {len(value)} characters, over the {limit} allowed; shorten it")
        bad = _CONTROL.search(value.replace("\n", "") if name in MULTILINE else value)
        if bad:
            what = (
                "a line break"
                if bad.group() in "\r\n\u2028\u2029"
                else f"the control character U+{ord(bad.group()):04X}"
            )
            yield Hit(ctx.source, (name,), f"{name} contains {what}; remove it")
    url = row.cells.get("evidence_url", "")
    if url and len(url) <= LIMITS["evidence_url"] and not URL.match(url):
        yield Hit(
            ctx.source,
            ("evidence_url",),
            f"evidence_url '{url[:80]}' is not an http(s) URL; give a link such as https://...",
        )
