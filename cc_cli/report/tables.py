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


def state_word(report: Report, state: str) -> str:
    return report.words(f"report.state.{state}")


def tables(report: Report) -> list[Table]:
    """Every table of the report, in display order, in the catalog's words."""
    w = report.words
    out = [
        Table(
            "monthly",
            w("report.monthly"),
            [w("report.month"), *(kind.label for kind in report.kinds), w("report.total")],
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
            w("report.states"),
            [w("report.state"), w("report.awards")],
            [[state_word(report, state), str(n)] for state, n in report.states.items()],
            frozenset({1}),
        ),
        Table(
            "credentials",
            w("report.per_credential"),
            [
                w("report.credential"),
                w("report.kind"),
                w("report.awards"),
                w("report.holders_now"),
                *(w("report.expiring_within", days=d) for d in HORIZONS),
                w("report.renewal_rate"),
            ],
            [
                [
                    c.title,
                    next((k.label for k in report.kinds if k.key == c.kind), c.kind),
                    str(c.awards) + (f" ({w('report.imported_count', count=c.imported)})" if c.imported else ""),
                    str(c.holders),
                    *(str(c.expiring.get(d, 0)) for d in HORIZONS),
                    (
                        w("report.rate_of", rate=percent(c.renewal_rate), renewed=c.renewed_in_time, ended=c.ended)
                        if c.ended
                        else "-"
                    )
                    if c.classification == "certification"
                    else "",
                ]
                for c in report.credentials
            ],
            frozenset({2, 3, 4, 5, 6}),
        ),
        Table(
            "renewals",
            w("report.renewals"),
            [w("report.certification"), w("report.ended"), w("report.renewed_in_time"), w("report.rate")],
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
                w("report.path", title=path.title),
                [w("report.stage"), w("report.learners"), w("report.median_days")],
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
            w("report.skills"),
            [w("report.skill"), w("report.holders")],
            [[skill, str(n)] for skill, n in report.skills],
            frozenset({1}),
        )
    )
    out.append(
        Table(
            "certificates",
            w("report.certificates"),
            [w("report.certificate"), w("report.completed")],
            [[c.title, str(c.completed)] for c in report.certificates],
            frozenset({1}),
        )
    )
    if report.names is not None:
        out.append(
            Table(
                "names",
                w("report.names", days=max(HORIZONS)),
                [w("report.credential"), w("report.email"), w("report.name"), w("report.valid_until")],
                [[p["credential"], p["email"], p["name"], p["valid_until"][:10]] for p in report.names],
            )
        )
    return out


def heading(report: Report) -> str:
    """'<programme>: 1,234 awards, 2026-01-01 to 2026-12-31 (UTC), as of 2026-12-31T00:00:00Z'."""
    return report.words(
        "report.heading",
        programme=report.programme,
        total=f"{report.total:,}",
        start=report.first_day or "…",
        end=report.last_day or "…",
        zone=report.zone,
        at=report.at,
    )
