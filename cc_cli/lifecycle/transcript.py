"""`cc transcript EMAIL` core: everything a learner holds, and how far along each learning path they are.

The ledger is the source of truth (the award files are only read for `--clr`): every award for the email,
compared case-insensitively, with its standing at the moment asked:
- `active`: issued, not revoked, inside its validity period;
- `expired`: its `validUntil` has passed (it was earned: the learner did the work);
- `revoked`: withdrawn, with the reason; a `superseded` award (revoked because a correction replaced it,
  `duplicates: replace`) names the award that replaced it. A renewed award is not revoked: it stays active
  until its own end and names its renewal (`renewed_by`);
- `not-yet-valid`: issued with a `validFrom` after the moment asked (`--at` in the past);
- `pending`: an interrupted `cc issue` run has not finished writing it.

Path progress, a decision: a step is done when the learner has *earned* any of its options, that is an
active or expired award. Expiry ends an award's validity, not the fact that its learning happened, and a
path records learning; a revoked award was withdrawn (issued in error, misconduct), so it proves nothing
and does not count. A superseded award does not count either, but its renewal does, so renewing never
loses progress. Only paths with at least one step done, or whose `leads_to` the learner holds, are shown:
the others say nothing about this learner (`all_paths` shows them too, at 0 steps, for advising what next).

Awards issued elsewhere (`cc import awards`: Credly's, before the office moved to cc) are listed apart, with
their source and public URL, as `external`: cc did not sign them and has no file of them. They count as
earned the same way (issued or expired, never revoked or rejected by their earner), for path progress too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cc_cli.catalog import model
from cc_cli.core.stamps import parse_stamp, utc_stamp
from cc_cli.ledger.base import AwardRow, ExternalAward
from cc_cli.ledger.locate import Location, UsesLedger, open_ledger_at
from cc_cli.validate.load import load_catalog_model

EARNED = ("active", "expired")


@dataclass(slots=True)
class TranscriptSettings(UsesLedger):
    """Whose transcript, from which ledger and catalog, judged at which moment."""

    email: str
    out: Path
    catalog_root: Path
    ledger_path: Location | None = None  # --ledger: a path or a postgresql:// URL
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    all_paths: bool = False  # also the paths the learner has not started


@dataclass(slots=True)
class AwardEntry:
    """One award of the learner, with its standing at the transcript's moment."""

    award_id: str
    credential_id: str
    title: str
    kind: str  # 'skill badge, Foundational', 'professional certification, Associate'... ("" if not in the catalog)
    classification: str
    status: str  # active | expired | revoked | not-yet-valid | pending
    issued_at: str
    awarded_at: str
    valid_until: str | None
    file: str
    file_sha256: str | None
    revoked_at: str | None = None
    revoked_reason: str | None = None
    replaces: str | None = None  # the award this one renewed
    replaced_by: str | None = None  # set when a correction (`duplicates: replace`) superseded this award
    renewed_by: str | None = None  # set when a renewal followed this award, which still runs to its own end

    @property
    def earned(self) -> bool:
        return self.status in EARNED

    @property
    def superseded(self) -> bool:
        return self.status == "revoked" and self.replaced_by is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "award_id": self.award_id,
            "credential": self.credential_id,
            "title": self.title,
            "kind": self.kind,
            "classification": self.classification,
            "status": self.status,
            "superseded": self.superseded,
            "issued_at": self.issued_at,
            "awarded_at": self.awarded_at,
            "valid_until": self.valid_until,
            "revoked_at": self.revoked_at,
            "revoked_reason": self.revoked_reason,
            "replaces": self.replaces,
            "replaced_by": self.replaced_by,
            "renewed_by": self.renewed_by,
            "file": self.file,
        }


@dataclass(slots=True)
class ExternalEntry:
    """One award the learner earned elsewhere (`cc import awards`), with its standing at the moment asked."""

    record_id: str
    source: str
    url: str | None
    credential_id: str
    title: str
    kind: str
    status: str  # active | expired | revoked | rejected | not-yet-valid
    issued_at: str
    valid_until: str | None

    @property
    def earned(self) -> bool:
        return self.status in EARNED

    def as_dict(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id,
            "source": self.source,
            "url": self.url,
            "credential": self.credential_id,
            "title": self.title,
            "kind": self.kind,
            "status": self.status,
            "issued_at": self.issued_at,
            "valid_until": self.valid_until,
            "signed_by_cc": False,
        }


@dataclass(slots=True)
class StepProgress:
    """One path step: its credential options and which one (if any) the learner has earned."""

    options: list[str]
    titles: list[str]
    one_of: bool
    done_by: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"options": self.options, "titles": self.titles, "one_of": self.one_of, "done_by": self.done_by}


@dataclass(slots=True)
class PathProgress:
    """How far the learner is along one learning path, and what the path leads to."""

    path_id: str
    title: str
    steps: list[StepProgress]
    leads_to: str | None = None
    leads_to_title: str | None = None
    leads_to_held: bool = False

    @property
    def done(self) -> int:
        return sum(step.done_by is not None for step in self.steps)

    @property
    def complete(self) -> bool:
        return bool(self.steps) and self.done == len(self.steps)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path_id,
            "title": self.title,
            "steps_done": self.done,
            "steps_total": len(self.steps),
            "complete": self.complete,
            "steps": [step.as_dict() for step in self.steps],
            "leads_to": self.leads_to,
            "leads_to_title": self.leads_to_title,
            "leads_to_held": self.leads_to_held,
        }


@dataclass(slots=True)
class Transcript:
    """A learner's record at one moment; empty `awards` means the ledger has none for the email."""

    email: str
    name: str
    at: datetime
    awards: list[AwardEntry] = field(default_factory=list)
    paths: list[PathProgress] = field(default_factory=list)
    did_you_mean: str | None = None  # with no awards: the ledger's closest recipient address
    external: list[ExternalEntry] = field(default_factory=list)  # issued elsewhere (`cc import awards`)

    def held(self) -> set[str]:
        """Credential ids the learner has earned (active or expired), here or elsewhere."""
        here = {award.credential_id for award in self.awards if award.earned}
        return here | {award.credential_id for award in self.external if award.earned}

    def counts(self) -> dict[str, int]:
        found = {"awards": len(self.awards)}
        for status in ("active", "expired", "revoked", "not-yet-valid", "pending"):
            found[status] = sum(award.status == status for award in self.awards)
        found["superseded"] = sum(award.superseded for award in self.awards)
        found["paths_complete"] = sum(path.complete for path in self.paths)
        found["external"] = len(self.external)
        return found

    def as_dict(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "name": self.name,
            "at": utc_stamp(self.at),
            "awards": [award.as_dict() for award in self.awards],
            "external_awards": [award.as_dict() for award in self.external],
            "paths": [path.as_dict() for path in self.paths],
            "summary": self.counts(),
        }


def build_transcript(settings: TranscriptSettings) -> tuple[Transcript, model.Catalog]:
    """The learner's transcript and the catalog it was judged against (the CLR needs both)."""
    email_lower = settings.email.strip().lower()
    at = settings.now.astimezone(UTC)
    ledger = open_ledger_at(settings.ledger_at)
    try:
        rows = ledger.recipient_awards(email_lower)
        outside = ledger.external_awards(email_lower)
        suggestion = None if rows or outside else ledger.closest_email(email_lower)
    finally:
        ledger.close()
    catalog = load_catalog_model(settings.catalog_root)
    written = rows[-1].email if rows else outside[-1].email if outside else settings.email.strip()
    transcript = Transcript(email=written, name="", at=at)
    if not rows and not outside:
        transcript.did_you_mean = suggestion
        return transcript, catalog
    named = [(r.issued_at, r.id, r.name) for r in rows] or [(r.issued_at, r.id, r.name) for r in outside]
    transcript.name = max(named)[2]
    replaced_by = {row.replaces: row.id for row in rows if row.replaces}
    transcript.awards = [_entry(row, at, catalog, replaced_by.get(row.id)) for row in rows]
    transcript.external = [_external_entry(row, at, catalog) for row in outside]
    transcript.paths = path_progress(catalog, transcript.held(), all_paths=settings.all_paths)
    return transcript, catalog


def _status(row: AwardRow, at: datetime) -> str:
    if row.state == "revoked":
        return "revoked"
    if row.state == "pending":
        return "pending"
    if parse_stamp(row.issued_at) > at:
        return "not-yet-valid"
    if row.valid_until and parse_stamp(row.valid_until) <= at:
        return "expired"
    return "active"


def _entry(row: AwardRow, at: datetime, catalog: model.Catalog, replaced_by: str | None) -> AwardEntry:
    credential = catalog.credentials.get(row.credential_id)
    return AwardEntry(
        award_id=row.id,
        credential_id=row.credential_id,
        title=credential.title if credential else row.credential_id,
        kind=credential.kind_words if credential else "",
        classification=credential.classification if credential else "",
        status=_status(row, at),
        issued_at=row.issued_at,
        awarded_at=row.awarded_at,
        valid_until=row.valid_until,
        file=row.file,
        file_sha256=row.file_sha256,
        revoked_at=row.revoked_at,
        revoked_reason=row.revoked_reason,
        replaces=row.replaces,
        replaced_by=replaced_by if row.state == "revoked" else None,
        renewed_by=replaced_by if row.state != "revoked" else None,
    )


def _external_entry(row: ExternalAward, at: datetime, catalog: model.Catalog) -> ExternalEntry:
    credential = catalog.credentials.get(row.credential_id)
    if row.state in ("revoked", "rejected", "expired"):
        status = row.state
    elif parse_stamp(row.issued_at) > at:
        status = "not-yet-valid"
    elif row.valid_until and parse_stamp(row.valid_until) <= at:
        status = "expired"
    else:
        status = "active"
    return ExternalEntry(
        record_id=row.id,
        source=row.source,
        url=row.url,
        credential_id=row.credential_id,
        title=credential.title if credential else row.credential_id,
        kind=credential.kind_words if credential else "",
        status=status,
        issued_at=row.issued_at,
        valid_until=row.valid_until,
    )


def path_progress(catalog: model.Catalog, held: set[str], *, all_paths: bool = False) -> list[PathProgress]:
    """Progress along every path the learner has started (or whose goal they hold), by path id; with
    `all_paths`, along every path of the catalog."""
    found: list[PathProgress] = []
    for path_id in sorted(catalog.paths):
        path = catalog.paths[path_id]
        steps = [
            StepProgress(
                options=list(step.options),
                titles=[_title(catalog, option) for option in step.options],
                one_of=step.one_of,
                done_by=next((option for option in step.options if option in held), None),
            )
            for step in path.steps
        ]
        progress = PathProgress(
            path_id=path.id,
            title=path.title,
            steps=steps,
            leads_to=path.leads_to,
            leads_to_title=_title(catalog, path.leads_to) if path.leads_to else None,
            leads_to_held=path.leads_to in held if path.leads_to else False,
        )
        if all_paths or progress.done or progress.leads_to_held:
            found.append(progress)
    return found


def _title(catalog: model.Catalog, credential_id: str) -> str:
    credential = catalog.credentials.get(credential_id)
    return credential.title if credential else credential_id
