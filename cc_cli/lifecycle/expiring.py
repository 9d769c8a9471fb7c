"""`cc expiring` core: the awards whose validity ends within a window, so programme staff can remind holders.

Why it exists: certifications must be renewed (the framework requires re-certification), and an award
that lapses silently is a holder who stops being certified without anyone noticing. Renewal itself is
`cc issue` again: for a `replace` credential the new award supersedes the old one (which the ledger
revokes and links through `replaces`), so a renewed award drops out of this list by itself.

What counts as expiring: an `issued` award (not pending, not revoked) whose `validUntil` is after the
moment of the query and no later than that moment plus the window. An award whose holder already has a
newer live award of the same credential that lasts longer (an `allow` credential issued again) is left
out: it needs no reminder. Awards issued elsewhere (`cc import awards`, `issued` at their source) are listed
too, marked with their source and public URL: their holders renew by earning the cc award, which then
outlasts them. Certifications come first, since they are the ones that need renewal; then
everything else, soonest first.

The core prints nothing and never imports typer or rich; `cc_cli.cli.expiring` renders the report.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cc_cli.catalog import model
from cc_cli.core import durations
from cc_cli.core.csvfile import safe_cell, write_csv
from cc_cli.core.durations import add_to, parts
from cc_cli.core.problems import UsageError
from cc_cli.core.stamps import parse_stamp, utc_stamp
from cc_cli.ledger.base import AwardRow, ExternalAward
from cc_cli.ledger.locate import Location, UsesLedger, open_ledger_at
from cc_cli.validate.load import load_catalog_model

CSV_HEADER = [
    "email",
    "name",
    "credential",
    "title",
    "classification",
    "award_id",
    "valid_until",
    "days_left",
    "renewal",
    "source",  # cc, or where an imported award was issued (credly)
]


@dataclass(slots=True)
class ExpiringSettings(UsesLedger):
    """What `cc expiring` was asked; `out` holds the ledger unless `ledger_path` says otherwise."""

    within: str
    out: Path
    catalog_root: Path
    ledger_path: Location | None = None  # --ledger: a path or a postgresql:// URL
    now: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True, slots=True)
class RenewalOption:
    """One way to renew, from the catalog's `renewal.options`."""

    kind: str
    hours: float | None = None

    def text(self) -> str:
        """'continuing-education (40 h)', 'proctored-reassessment'."""
        if self.hours is None:
            return self.kind
        hours = int(self.hours) if float(self.hours).is_integer() else self.hours
        return f"{self.kind} ({hours} h)"


@dataclass(slots=True)
class ExpiringAward:
    """One award that needs attention, with what the catalog says about renewing it."""

    award_id: str
    email: str
    name: str
    credential_id: str
    title: str
    classification: str  # skill | certificate | certification, "" when no longer in the catalog
    valid_until: str
    days_left: int
    renewal: list[RenewalOption] = field(default_factory=list)
    source: str = "cc"  # cc signed it, or where it was issued (`cc import awards`)
    url: str | None = None  # an imported award's public page

    def renewal_text(self) -> str:
        return "; ".join(option.text() for option in self.renewal)

    def as_dict(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "name": self.name,
            "credential": self.credential_id,
            "title": self.title,
            "classification": self.classification,
            "award_id": self.award_id,
            "valid_until": self.valid_until,
            "days_left": self.days_left,
            "renewal": [{"kind": o.kind, "hours": o.hours} for o in self.renewal],
            "source": self.source,
            "url": self.url,
        }

    def csv_row(self) -> list[str]:
        return [
            self.email,
            self.name,
            self.credential_id,
            self.title,
            self.classification,
            self.award_id,
            self.valid_until,
            str(self.days_left),
            self.renewal_text(),
            self.source,
        ]


@dataclass(slots=True)
class ExpiringReport:
    """The window that was searched and the awards found in it, in the order staff should act."""

    at: datetime
    until: datetime
    within: str
    awards: list[ExpiringAward] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        certifications = sum(a.classification == "certification" for a in self.awards)
        return {
            "at": utc_stamp(self.at),
            "until": utc_stamp(self.until),
            "within": self.within,
            "awards": [award.as_dict() for award in self.awards],
            "summary": {"awards": len(self.awards), "certifications": certifications},
        }


def parse_window(text: str) -> str:
    """`--within`: an ISO 8601 duration such as P60D, P8W or P3M; anything else is a usage error."""
    found = parts(text.strip().upper())
    if not found:
        raise UsageError(f"--within {text!r} is not an ISO 8601 duration: use e.g. P60D, P8W or P3M")
    return text.strip().upper()


def find_expiring(settings: ExpiringSettings) -> ExpiringReport:
    """The expiring awards (see the module docstring), certifications first, then soonest first."""
    within = parse_window(settings.within)
    at = settings.now.astimezone(UTC)
    try:
        until = add_to(at, within)
    except durations.DurationRangeError as exc:
        raise UsageError(f"--within: {exc}") from None
    ledger = open_ledger_at(settings.ledger_at)
    try:
        rows = [row for row in ledger.all_awards() if row.state == "issued"]
        outside = [row for row in ledger.external_awards() if row.state == "issued"]
    finally:
        ledger.close()
    catalog = load_catalog_model(settings.catalog_root)
    report = ExpiringReport(at=at, until=until, within=within)
    every: list[AwardRow | ExternalAward] = [*rows, *outside]
    latest = _latest_ends(every)
    for row in every:
        if row.valid_until is None:
            continue
        ends = parse_stamp(row.valid_until)
        if at < ends <= until and latest[(row.email_lower, row.credential_id)] <= ends:
            report.awards.append(_expiring(row, ends, at, catalog))
    report.awards.sort(
        key=lambda a: (a.classification != "certification", a.valid_until, a.email.lower(), a.credential_id)
    )
    return report


def _latest_ends(rows: list[AwardRow | ExternalAward]) -> dict[tuple[str, str], datetime]:
    """When each holder's live awards of each credential last until (no end: `datetime.max`), so an award
    that another live award of the same credential outlasts (it was renewed) needs no reminder."""
    latest: dict[tuple[str, str], datetime] = {}
    for row in rows:
        ends = parse_stamp(row.valid_until) if row.valid_until else datetime.max.replace(tzinfo=UTC)
        key = (row.email_lower, row.credential_id)
        if key not in latest or ends > latest[key]:
            latest[key] = ends
    return latest


def _expiring(row: AwardRow | ExternalAward, ends: datetime, at: datetime, catalog: model.Catalog) -> ExpiringAward:
    credential = catalog.credentials.get(row.credential_id)
    renewal = credential.renewal if credential is not None else None
    return ExpiringAward(
        award_id=row.id,
        email=row.email,
        name=row.name,
        credential_id=row.credential_id,
        title=credential.title if credential is not None else row.credential_id,
        classification=credential.classification if credential is not None else "",
        valid_until=row.valid_until or "",
        days_left=int((ends - at).total_seconds() // 86400),
        renewal=[RenewalOption(o.kind, o.hours) for o in renewal.options] if renewal else [],
        source=row.source if isinstance(row, ExternalAward) else "cc",
        url=row.url if isinstance(row, ExternalAward) else None,
    )


def csv_text(report: ExpiringReport) -> str:
    """The report as CSV for stdout: formula-safe cells (a name such as '=HYPERLINK(...)' stays text)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows([safe_cell(cell) for cell in award.csv_row()] for award in report.awards)
    return buffer.getvalue()


def write_csv_file(report: ExpiringReport, path: Path) -> None:
    """The report as a CSV file (UTF-8 with BOM for spreadsheets, atomic, formula-safe)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(path, CSV_HEADER, [award.csv_row() for award in report.awards])
