"""`cc report` core: the programme's outcomes for a period, as figures (numbers only, no people).

The ledger computes every count (`cc_cli.ledger.outcomes`: SQL aggregates); this module names them from the
catalog (titles, kinds, learning paths, skills) and arranges them into a `Report`, which the HTML, text,
JSON and CSV outputs all render, so every format shows the same figures.

The period (`--from`/`--to`, whole days in `zone`) selects the awards issued in it; their state is judged
at `now`: active, expired, superseded (replaced by a later award: a correction) or revoked. Renewal rates look instead at the
certification awards whose validity *ended* in the period. Months are calendar months in `zone`.

No email address or name is part of a report unless `with_names` is set (`--with-names`): then the learners
whose awards lapse within the longer horizon are listed, for the office to follow up.

Sources: the awards this ledger issued are one source ('cc'); imported external awards will be another,
read through the same `Outcomes` relation (see `cc_cli.ledger.outcomes`) and counted in `imported`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cc_cli.catalog import model
from cc_cli.catalog.texts import Texts, catalog_texts, kind_label, texts_for
from cc_cli.core.problems import UsageError
from cc_cli.core.stamps import parse_stamp, utc_stamp
from cc_cli.emblem.spec import GRAY_50, KINDS
from cc_cli.ledger.locate import Location, UsesLedger, open_ledger_at
from cc_cli.ledger.outcomes import Learners, Outcomes, Window
from cc_cli.validate.load import load_catalog_model

HORIZONS = (60, 90)  # days: "expiring in the next 60 and 90 days"
TOP_SKILLS = 15
UNKNOWN_KIND = "not-in-catalog"  # awards of a credential the catalog no longer has
LEDGER_SOURCE = "cc"
EARLIEST = 1970  # without --from, months are counted from January of this year (earlier awards: in that month)


@dataclass(slots=True)
class ReportSettings(UsesLedger):
    """What `cc report` was asked; `out` holds the ledger unless `ledger_path` says otherwise."""

    out: Path
    catalog_root: Path
    ledger_path: Location | None = None
    start: dt.date | None = None  # --from, inclusive
    end: dt.date | None = None  # --to, inclusive
    zone: str = "UTC"  # --tz: months and the period's days are this zone's
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    with_names: bool = False


@dataclass(frozen=True, slots=True)
class Kind:
    """A stack of the monthly chart: a classification and level, in its emblem band colour."""

    key: str
    label: str
    colour: str


@dataclass(slots=True)
class CredentialFigures:
    id: str
    title: str
    classification: str
    kind: str
    awards: int = 0  # issued in the period (imported ones included)
    imported: int = 0  # of them, from an external source
    active: int = 0
    expired: int = 0
    superseded: int = 0  # revoked because a later award replaced it
    revoked: int = 0
    holders: int = 0  # learners holding an active award now
    expiring: dict[int, int] = field(default_factory=dict)  # horizon (days) -> holders lapsing within it
    ended: int | None = None  # certifications: awards whose validity ended in the period
    renewed_in_time: int | None = None

    @property
    def renewal_rate(self) -> float | None:
        """Of the awards that reached their end, the share renewed in time (None: none ended)."""
        if not self.ended or self.renewed_in_time is None:
            return None
        return self.renewed_in_time / self.ended

    @property
    def completed(self) -> int:
        """Awards that stand (not revoked for a reason of their own): certificates completed."""
        return self.awards - self.revoked


@dataclass(slots=True)
class Stage:
    label: str  # the step's credential title(s), or the credential the path leads to
    learners: int
    median_days: float | None  # from the stage before (None for the first, or with no learners)
    leads_to: bool = False


@dataclass(slots=True)
class PathFunnel:
    id: str
    title: str
    stages: list[Stage]


@dataclass(slots=True)
class Report:
    """Everything `cc report` shows, in display order."""

    programme: str  # the catalog's name
    start: str | None  # UTC stamps of the period (None: open)
    end: str | None
    first_day: str | None  # the period as days in `zone`, for headings
    last_day: str | None
    zone: str
    at: str
    kinds: list[Kind]  # the kinds with awards in the period, in the design language's order
    months: list[str]  # 'YYYY-MM'
    monthly: dict[str, list[int]]  # kind key -> awards per month
    states: dict[str, int]  # active, expired, superseded, revoked: now, of the awards issued in the period
    credentials: list[CredentialFigures]
    paths: list[PathFunnel]
    skills: list[tuple[str, int]]
    sources: dict[str, int]  # source -> awards
    names: list[dict[str, str]] | None = None  # with_names only
    # The catalog's words (its language and `texts:`): every heading and label of the text and HTML outputs.
    words: Texts = field(default_factory=lambda: texts_for(None))

    @property
    def total(self) -> int:
        return sum(self.sources.values())

    @property
    def certifications(self) -> list[CredentialFigures]:
        return [c for c in self.credentials if c.classification == "certification"]

    @property
    def certificates(self) -> list[CredentialFigures]:
        return [c for c in self.credentials if c.classification == "certificate"]

    def as_dict(self) -> dict[str, Any]:
        """The report for `--format json` (and the source of the CSV rows)."""
        data: dict[str, Any] = {
            "programme": self.programme,
            "period": {"from": self.first_day, "to": self.last_day, "start": self.start, "end": self.end},
            "zone": self.zone,
            "at": self.at,
            "total_awards": self.total,
            "sources": self.sources,
            "states": self.states,
            "kinds": [asdict(kind) for kind in self.kinds],
            "monthly": [
                {"month": month, **{kind.key: self.monthly[kind.key][i] for kind in self.kinds}}
                for i, month in enumerate(self.months)
            ],
            "credentials": [
                {
                    "id": c.id,
                    "title": c.title,
                    "classification": c.classification,
                    "kind": c.kind,
                    "awards": c.awards,
                    "imported": c.imported,
                    "active": c.active,
                    "expired": c.expired,
                    "superseded": c.superseded,
                    "revoked": c.revoked,
                    "holders": c.holders,
                    **{f"expiring_{days}d": c.expiring.get(days, 0) for days in HORIZONS},
                    "ended": c.ended,
                    "renewed_in_time": c.renewed_in_time,
                    "renewal_rate": None if c.renewal_rate is None else round(c.renewal_rate, 4),
                }
                for c in self.credentials
            ],
            "certificates_completed": [
                {"id": c.id, "title": c.title, "completed": c.completed} for c in self.certificates
            ],
            "paths": [
                {
                    "id": p.id,
                    "title": p.title,
                    "funnel": [
                        {"stage": s.label, "learners": s.learners, "median_days": s.median_days, "leads_to": s.leads_to}
                        for s in p.stages
                    ],
                }
                for p in self.paths
            ],
            "top_skills": [{"skill": skill, "holders": n} for skill, n in self.skills],
        }
        if self.names is not None:
            data["expiring_holders"] = self.names
        return data

    def rows(self) -> list[tuple[str, str, str, object]]:
        """Every figure as (section, subject, measure, value): the CSV, tidy for a spreadsheet's pivot."""
        out: list[tuple[str, str, str, object]] = [("total", self.programme, "awards", self.total)]
        out += [("sources", source, "awards", n) for source, n in self.sources.items()]
        out += [("states", self.programme, state, n) for state, n in self.states.items()]
        for i, month in enumerate(self.months):
            out += [("monthly", month, kind.key, self.monthly[kind.key][i]) for kind in self.kinds]
        for c in self.as_dict()["credentials"]:
            out += [("credential", c["id"], key, value) for key, value in c.items() if key not in ("id",)]
        for c in self.certificates:
            out.append(("certificates_completed", c.id, "completed", c.completed))
        for p in self.paths:
            for number, s in enumerate(p.stages, 1):
                subject = f"{p.id} {number}: {s.label}"
                out.append(("funnel", subject, "learners", s.learners))
                out.append(("funnel", subject, "median_days", s.median_days))
        out += [("top_skills", skill, "holders", n) for skill, n in self.skills]
        for person in self.names or []:
            subject = f"{person['credential']} {person['email']}"
            out.append(("expiring_holders", subject, "name", person["name"]))
            out.append(("expiring_holders", subject, "valid_until", person["valid_until"]))
        return out


def zone_of(name: str) -> dt.tzinfo:
    """`--tz`: an IANA zone name such as Europe/Paris, or UTC; a UsageError for anything else."""
    if name.upper() in ("UTC", "Z"):
        return dt.UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"--tz {name!r} is not a time zone: give an IANA name such as Europe/Paris, or UTC") from None


def parse_day(text: str, option: str) -> dt.date:
    """`--from` / `--to`: a calendar day, YYYY-MM-DD."""
    try:
        if len(text.strip()) != 10:
            raise ValueError
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option} {text!r} is not a date: give a day as YYYY-MM-DD, e.g. 2026-01-31") from None


def _midnight(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), zone)


def _month_start(year: int, month: int, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime(year, month, 1, tzinfo=zone)


def month_range(first: dt.datetime, last: dt.datetime, zone: dt.tzinfo) -> tuple[list[str], list[str]]:
    """The months from `first`'s to `last`'s (in `zone`) as 'YYYY-MM', and the UTC stamps where each of
    them but the first begins (the bounds of `bucket_sql`)."""
    a, b = first.astimezone(zone), last.astimezone(zone)
    months, bounds = [], []
    year, month = a.year, a.month
    while (year, month) <= (b.year, b.month):
        months.append(f"{year:04d}-{month:02d}")
        if len(months) > 1:
            bounds.append(utc_stamp(_month_start(year, month, zone)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months, bounds


def _median(histogram: dict[int, int]) -> float | None:
    """The median of values given as {value: how many}."""
    total = sum(histogram.values())
    if not total:
        return None
    ordered = sorted(histogram.items())

    def at(position: int) -> int:
        seen = 0
        for value, count in ordered:
            seen += count
            if position < seen:
                return value
        return ordered[-1][0]

    if total % 2:
        return float(at(total // 2))
    return (at(total // 2 - 1) + at(total // 2)) / 2


def kind_words(words: Texts, key: str) -> str:
    """The label of a kind key ('skill-foundational' -> 'Skill badge · Foundational') in the catalog's words."""
    if key == "legacy":
        return words("nav.legacy")
    if key == UNKNOWN_KIND:
        return words("report.not_in_catalog")
    classification, _, grade = key.partition("-")
    probe = model.Credential(id="", title="", classification=classification, source="")
    if classification == "skill":
        probe.type = grade
    elif classification == "certification":
        probe.level = grade
    return kind_label(words, probe)


def build_report(settings: ReportSettings, early: Callable[[Report], None] | None = None) -> Report:
    """The report for the settings (see the module docstring).

    `early`, if given, is called with a partial report while the per-learner statement still runs: every
    figure but holders, expiring awards, funnels and skills (zeros and empty lists there), so that work
    that needs only those figures (drawing charts) overlaps the longest statement."""
    zone = zone_of(settings.zone)
    if settings.start and settings.end and settings.start > settings.end:
        raise UsageError(f"--from {settings.start} is after --to {settings.end}: give the earlier day first")
    start = utc_stamp(_midnight(settings.start, zone)) if settings.start else None
    now_moment = settings.now.astimezone(dt.UTC)
    now = utc_stamp(now_moment)
    # Without --to the period ends now: an award issued after the moment judged (--at) is not counted.
    end = utc_stamp(_midnight(settings.end + dt.timedelta(days=1), zone)) if settings.end else now
    window = Window(start, end)
    horizons = {days: utc_stamp(now_moment + dt.timedelta(days=days)) for days in HORIZONS}
    catalog = load_catalog_model(settings.catalog_root)
    words = catalog_texts(catalog.info)
    ledger = open_ledger_at(settings.ledger_at)
    try:
        outcomes = Outcomes(ledger)
        report = _collect(outcomes, catalog, words, window, now, horizons, zone, settings, early)
        if settings.with_names:
            report.names = [
                {"credential": cid, "email": email, "name": name, "valid_until": until}
                for cid, email, name, until in outcomes.expiring_holders(window, now, horizons[max(HORIZONS)])
            ]
    finally:
        ledger.close()
    return report


def _collect(
    outcomes: Outcomes,
    catalog: model.Catalog,
    words: Texts,
    window: Window,
    now: str,
    horizons: dict[int, str],
    zone: dt.tzinfo,
    settings: ReportSettings,
    early: Callable[[Report], None] | None = None,
) -> Report:
    soon, later = HORIZONS
    funnel_paths = [
        p for p in sorted(catalog.paths.values(), key=lambda p: p.title.lower()) if p.status != "draft" and p.steps
    ]
    path_stages = [
        [list(step.options) for step in p.steps] + ([[p.leads_to]] if p.leads_to else []) for p in funnel_paths
    ]

    def learners_apart(emails: tuple[str | None, str | None]) -> Learners:
        # The per-learner statement, the longest, runs on a connection of its own beside the others (the
        # database works outside Python's lock: a second core); SQLite's connection belongs to the thread
        # that opened it. Each statement reads its own snapshot, as when they ran one after another.
        other = open_ledger_at(settings.ledger_at)
        try:
            return Outcomes(other).learners(window, now, horizons[soon], horizons[later], path_stages, emails)
        finally:
            other.close()

    # On a large ledger the learners are counted in two halves at once: the other statements and the
    # charts that need no per-learner counts take less time than it, so a core would wait otherwise.
    split = outcomes.learner_split()
    halves: list[tuple[str | None, str | None]] = [(None, None)] if split is None else [(None, split), (split, None)]
    with ThreadPoolExecutor(max_workers=len(halves), thread_name_prefix="cc-report-learners") as pool:
        learners_jobs = [pool.submit(learners_apart, half) for half in halves]
        return _arrange(
            outcomes, catalog, words, window, now, zone, settings, learners_jobs, funnel_paths, path_stages, early
        )


def _arrange(
    outcomes: Outcomes,
    catalog: model.Catalog,
    words: Texts,
    window: Window,
    now: str,
    zone: dt.tzinfo,
    settings: ReportSettings,
    learners_jobs: list[Future[Learners]],
    funnel_paths: list[model.LearningPath],
    path_stages: list[list[list[str]]],
    early: Callable[[Report], None] | None = None,
) -> Report:
    """The report from the statements of `outcomes` and the per-learner counts `learners_jobs` bring (of
    disjoint groups of learners)."""
    soon, later = HORIZONS
    credentials: dict[str, CredentialFigures] = {}

    def figures_of(cid: str) -> CredentialFigures:
        if cid not in credentials:
            known = catalog.credentials.get(cid)
            credentials[cid] = CredentialFigures(
                id=cid,
                title=known.title if known else cid,
                classification=known.classification if known else "",
                kind=known.kind if known else UNKNOWN_KIND,
            )
        return credentials[cid]

    # Months: from the period's first day (else the first month with an award) to its last (else now).
    month_from = _midnight(settings.start, zone) if settings.start else dt.datetime(EARLIEST, 1, 1, tzinfo=zone)
    month_to = _midnight(settings.end, zone) if settings.end else parse_stamp(now)
    months, bounds = month_range(month_from, month_to, zone)
    per_kind: dict[str, list[int]] = {}
    sources: dict[str, int] = {}
    # UTC months begin where the stamps' 'YYYY-MM' changes: the ledger can count by that prefix.
    for counted in outcomes.counted(window, now, bounds, months if zone is dt.UTC else None):
        figures = figures_of(counted.credential_id)
        figures.awards += counted.awards
        if counted.source != LEDGER_SOURCE:
            figures.imported += counted.awards
        setattr(figures, counted.state, getattr(figures, counted.state) + counted.awards)
        sources[counted.source] = sources.get(counted.source, 0) + counted.awards
        per_kind.setdefault(figures.kind, [0] * len(months))[counted.month] += counted.awards
    if not settings.start:  # begin with the first month that has awards
        used = [i for i in range(len(months)) if any(counts[i] for counts in per_kind.values())]
        skip = used[0] if used else len(months)
        months = months[skip:]
        per_kind = {kind: counts[skip:] for kind, counts in per_kind.items()}

    # The renewals statement runs on this connection while the per-learner one still runs on the other.
    certifications = sorted(cid for cid, c in catalog.credentials.items() if c.classification == "certification")
    for cid in certifications:
        figures_of(cid).ended, figures_of(cid).renewed_in_time = 0, 0
    for cid, ended, renewed in outcomes.renewals(window, now, certifications):
        figures_of(cid).ended, figures_of(cid).renewed_in_time = ended, renewed

    order = [*KINDS, UNKNOWN_KIND]
    kinds = [
        Kind(key, kind_words(words, key), KINDS[key].band if key in KINDS else GRAY_50)
        for key in order
        if key in per_kind
    ]

    states = {
        "active": sum(c.active for c in credentials.values()),
        "expired": sum(c.expired for c in credentials.values()),
        "superseded": sum(c.superseded for c in credentials.values()),
        "revoked": sum(c.revoked for c in credentials.values()),
    }

    def report(paths: list[PathFunnel], skills: list[tuple[str, int]]) -> Report:
        listed = sorted(
            (c for c in credentials.values() if c.awards or c.holders or c.ended),
            key=lambda c: (order.index(c.kind) if c.kind in order else len(order), c.title.lower()),
        )
        return Report(
            programme=catalog.info.name,
            start=window.start,
            end=window.end,
            first_day=settings.start.isoformat() if settings.start else (months[0] + "-01" if months else None),
            last_day=settings.end.isoformat() if settings.end else parse_stamp(now).astimezone(zone).date().isoformat(),
            zone=settings.zone if zone is not dt.UTC else "UTC",
            at=now,
            kinds=kinds,
            months=months,
            monthly={kind.key: per_kind[kind.key] for kind in kinds},
            states=states,
            credentials=listed,
            paths=paths,
            skills=skills[:TOP_SKILLS],
            sources=sources or {LEDGER_SOURCE: 0},
            words=words,
        )

    if early is not None:
        early(report([], []))  # before holders are set: the partial report `build_report` describes

    learners = Learners.combined([job.result() for job in learners_jobs])
    for holding in learners.holdings:
        figures = figures_of(holding.credential_id)
        figures.holders = holding.holders
        figures.expiring = {soon: holding.expiring_soon, later: holding.expiring_later}
    for c in credentials.values():
        c.expiring = {days: c.expiring.get(days, 0) for days in HORIZONS}

    paths = []
    for number, (path, stages) in enumerate(zip(funnel_paths, path_stages, strict=True)):
        labels = [" / ".join(_title(catalog, cid) for cid in stage) for stage in stages]
        reached: dict[int, int] = {}
        gaps: dict[int, dict[int, int]] = {}
        for which, stage, gap, n in learners.funnels:
            if which == number:
                reached[stage] = reached.get(stage, 0) + n
                gaps.setdefault(stage, {})[gap] = gaps.get(stage, {}).get(gap, 0) + n
        paths.append(
            PathFunnel(
                path.id,
                path.title,
                [
                    Stage(
                        label,
                        reached.get(i, 0),
                        None if i == 0 else _median(gaps.get(i, {})),
                        leads_to=bool(path.leads_to) and i == len(stages) - 1,
                    )
                    for i, label in enumerate(labels)
                ],
            )
        )

    # Skills: each learner counts once per skill, from the sets of credentials learners hold.
    skills_of = {cid: set(c.skills) for cid, c in catalog.credentials.items()}
    holders_of: dict[str, int] = {}
    for held, n in learners.holdings_sets:
        for skill in set().union(*(skills_of.get(cid, set()) for cid in held)):
            holders_of[skill] = holders_of.get(skill, 0) + n
    skills = sorted(holders_of.items(), key=lambda item: (-item[1], item[0].lower()))
    return report(paths, skills)


def _title(catalog: model.Catalog, cid: str) -> str:
    known = catalog.credentials.get(cid)
    return known.title if known else cid
