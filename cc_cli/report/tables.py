"""The report as tables of text: the same rows for the terminal (`--format text`) and beside each HTML chart."""

from __future__ import annotations

from dataclasses import dataclass

from cc_cli.report.figures import HORIZONS, Report


@dataclass(frozen=True, slots=True)
class Table:
    key: str  # a stable id: the chart it goes with
    title: str
    header: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = frozenset()  # columns aligned right


def days(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:g}"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def tables(report: Report) -> list[Table]:
    """Every table of the report, in display order."""
    out = [
        Table(
            "monthly",
            "Awards issued per month, by classification and level",
            ["Month", *(kind.label for kind in report.kinds), "Total"],
            [
                [
                    month,
                    *(str(report.monthly[k.key][i]) for k in report.kinds),
                    str(sum(report.monthly[k.key][i] for k in report.kinds)),
                ]
                for i, month in enumerate(report.months)
            ],
            frozenset(range(1, len(report.kinds) + 2)),
        ),
        Table(
            "states",
            "Awards of the period by state now",
            ["State", "Awards"],
            [[state.capitalize(), str(n)] for state, n in report.states.items()],
            frozenset({1}),
        ),
        Table(
            "credentials",
            "Per credential",
            ["Credential", "Kind", "Awards", "Holders now", *(f"Expiring ≤{d} days" for d in HORIZONS), "Renewal rate"],
            [
                [
                    c.title,
                    next((k.label for k in report.kinds if k.key == c.kind), c.kind),
                    str(c.awards) + (f" ({c.imported} imported)" if c.imported else ""),
                    str(c.holders),
                    *(str(c.expiring.get(d, 0)) for d in HORIZONS),
                    (f"{percent(c.renewal_rate)} ({c.renewed_in_time} of {c.ended})" if c.ended else "-")
                    if c.classification == "certification"
                    else "",
                ]
                for c in report.credentials
            ],
            frozenset({2, 3, 4, 5, 6}),
        ),
        Table(
            "renewals",
            "Certification renewal rate (awards that reached their end in the period)",
            ["Certification", "Ended", "Renewed in time", "Rate"],
            [
                [c.title, str(c.ended or 0), str(c.renewed_in_time or 0), percent(c.renewal_rate)]
                for c in report.certifications
            ],
            frozenset({1, 2, 3}),
        ),
    ]
    for path in report.paths:
        out.append(
            Table(
                f"path-{path.id}",
                f"Learning path: {path.title}",
                ["Stage", "Learners", "Median days from the stage before"],
                [
                    [("→ " if s.leads_to else f"{n}. ") + s.label, str(s.learners), days(s.median_days)]
                    for n, s in enumerate(path.stages, 1)
                ],
                frozenset({1, 2}),
            )
        )
    out.append(
        Table(
            "skills",
            "Skills with the most current holders",
            ["Skill", "Holders"],
            [[skill, str(n)] for skill, n in report.skills],
            frozenset({1}),
        )
    )
    out.append(
        Table(
            "certificates",
            "Certificates completed",
            ["Certificate", "Completed"],
            [[c.title, str(c.completed)] for c in report.certificates],
            frozenset({1}),
        )
    )
    if report.names is not None:
        out.append(
            Table(
                "names",
                f"Holders whose awards lapse within {max(HORIZONS)} days",
                ["Credential", "Email", "Name", "Valid until"],
                [[p["credential"], p["email"], p["name"], p["valid_until"][:10]] for p in report.names],
            )
        )
    return out


def heading(report: Report) -> str:
    """'<programme>: 1,234 awards, 2026-01-01 to 2026-12-31 (UTC), as of 2026-12-31T00:00:00Z'."""
    period = f"{report.first_day or '…'} to {report.last_day or '…'} ({report.zone})"
    return f"{report.programme}: {report.total:,} awards issued, {period}, states as of {report.at}"
