"""The report's charts as static SVG, drawn by matplotlib's SVG backend.

Why matplotlib: it renders in-process without a browser or a JavaScript runtime (the SVG is the output, no
script runs in the report), it is the most widely kept plotting library for Python, and its SVG can be
made byte-for-byte reproducible (`svg.hashsalt`, no date in the metadata). Text is drawn as glyph outlines
(`svg.fonttype = path`) in the emblems' typeface, IBM Plex Sans Condensed, so a chart looks the same on
every machine and the file needs no font.

Colours come from the emblem design language (`cc_cli.emblem.spec`): each classification and level stacks
in its emblem band colour.

Imported only for `--format html` (matplotlib takes a while to import).
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Sequence
from typing import Any

from cc_cli.catalog.texts import Texts
from cc_cli.emblem.spec import COOL_GRAY_80, GRAY_20, GRAY_50, GRAY_70, GRAY_100, KINDS
from cc_cli.report.figures import PathFunnel, Report

# State colours: design-language tokens (those of the kinds whose meaning is closest).
STATE_COLOURS = {
    "active": KINDS["skill-foundational"].band,  # Green 60
    "expired": GRAY_50,
    "superseded": KINDS["certification-associate"].band,  # Blue 60
    "revoked": COOL_GRAY_80,
}
BAR = KINDS["skill-intermediate"].band
LABEL_CHARS = 42
_ready = False
_setting_up = threading.Lock()  # `prepare` may run in a thread while the first chart is asked for


def prepare() -> None:
    """Import matplotlib and set it up (about half a second): callable in a thread beside the SQL."""
    _setup()


def _setup() -> Any:
    """matplotlib with the SVG backend, reproducible output and the emblem typeface; the pyplot module."""
    if _ready:
        import matplotlib.pyplot as plt

        return plt
    with _setting_up:
        return _set_up()


def _set_up() -> Any:
    global _ready
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    if not _ready:
        from matplotlib import font_manager

        families = []
        try:
            import fontpkg_ibm_plex_sans_condensed as plex

            for weight in ("Regular", "SemiBold"):
                font_manager.fontManager.addfont(str(plex.ROOT / "files" / f"IBMPlexSansCondensed-{weight}.ttf"))
            families.append("IBM Plex Sans Condensed")
        except (ImportError, OSError, RuntimeError):
            pass
        available = {font.name for font in font_manager.fontManager.ttflist}
        # Titles in other scripts: matplotlib falls back glyph by glyph along this list.
        families += [name for name in ("Noto Sans CJK JP", "Noto Sans Arabic", "Noto Sans Hebrew") if name in available]
        families.append("DejaVu Sans")
        matplotlib.rcParams.update(
            {
                "svg.hashsalt": "cc-report",
                "svg.fonttype": "path",
                "font.family": families,
                "font.size": 9,
                "axes.edgecolor": GRAY_50,
                "axes.labelcolor": GRAY_70,
                "axes.titlecolor": GRAY_100,
                "axes.titlesize": 11,
                "axes.titleweight": "semibold",
                "axes.titlelocation": "left",
                "axes.spines.top": False,
                "axes.spines.right": False,
                "axes.grid": True,
                "grid.color": GRAY_20,
                "axes.axisbelow": True,
                "xtick.color": GRAY_70,
                "ytick.color": GRAY_70,
                "legend.frameon": False,
                "figure.dpi": 72,
            }
        )
        import logging

        logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # "glyph missing" per character
        _ready = True
    return plt


def _svg(figure: Any, label: str) -> str:
    """The figure as an inline <svg> element: no XML prolog, no comments, scalable, labelled for screen
    readers (the table beside it holds the numbers)."""
    from markupsafe import escape

    plt = _setup()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<!--.*?-->|<metadata>.*?</metadata>", "", text, flags=re.DOTALL)
    text = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", text, count=1)
    return text.replace("<svg", f'<svg role="img" aria-label="{escape(label)}"', 1)


def _integers() -> Any:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def _empty(ax: Any, what: str) -> None:
    ax.text(0.5, 0.5, what, ha="center", va="center", transform=ax.transAxes, color=GRAY_70)
    ax.set_xticks([])
    ax.set_yticks([])


class Drawn:
    """Charts already drawn, by everything their drawing reads: asked again for the same inputs (a chart
    of the partial report that the whole report turns out to share) it gives the same SVG at once."""

    def __init__(self) -> None:
        self._svgs: dict[tuple[Any, ...], str] = {}

    def chart(self, draw: Callable[..., str], *inputs: Any, **options: Any) -> str:
        key = (draw.__name__, _frozen(inputs), _frozen(sorted(options.items())))
        if key not in self._svgs:
            self._svgs[key] = draw(*inputs, **options)
        return self._svgs[key]


def _frozen(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value


def monthly(report: Report, drawn: Drawn | None = None) -> str:
    """Awards per month, stacked by classification and level in their band colours."""
    w = report.words
    return (drawn or Drawn()).chart(
        _monthly,
        w("report.monthly_chart"),
        w("report.month_axis", zone=report.zone),
        w("report.awards"),
        w("report.no_awards"),
        list(report.months),
        [(kind.label, kind.colour, list(report.monthly[kind.key])) for kind in report.kinds],
    )


def _monthly(
    title: str,
    xlabel: str,
    ylabel: str,
    empty: str,
    months: Sequence[str],
    kinds: Sequence[tuple[str, str, Sequence[int]]],
) -> str:
    plt = _setup()
    width = 11.0  # a wide section: the same scale as the other charts
    figure, ax = plt.subplots(layout="constrained", figsize=(width, 3.6))
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if not months or not kinds:
        _empty(ax, empty)
    else:
        positions = range(len(months))
        base = [0] * len(months)
        for label, colour, values in kinds:
            ax.bar(positions, values, bottom=base, color=colour, label=label, width=0.8)
            base = [b + v for b, v in zip(base, values, strict=True)]
        step = max(1, len(months) // 18)
        ax.set_xticks(list(positions)[::step], months[::step], rotation=45, ha="right")
        ax.yaxis.set_major_locator(_integers())
        ax.grid(axis="x", visible=False)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    return _svg(figure, title)


def _hbars(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], Sequence[str] | str, float]],
    xlabel: str,
    ylabel: str,
    empty: str,
    *,
    percent: bool = False,
    width: float = 8.0,
) -> str:
    """Horizontal bars, one row per label, top to bottom; `series`: (name, values, colours, alpha)."""
    plt = _setup()
    figure, ax = plt.subplots(
        layout="constrained", figsize=(width, max(1.8, 0.22 * len(labels) * max(1, len(series)) ** 0.6 + 1.2))
    )
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if not labels:
        _empty(ax, empty)
        return _svg(figure, title)
    height = 0.8 / len(series)
    for index, (name, values, colours, alpha) in enumerate(series):
        offsets = [row + (index - (len(series) - 1) / 2) * height for row in range(len(labels))]
        ax.barh(offsets, values, height=height, color=colours, alpha=alpha, label=name)
    ax.set_yticks(range(len(labels)), [_short(label) for label in labels])
    ax.set_ylim(len(labels) - 0.5, -0.5)  # top to bottom, no empty band above the first bar
    ax.grid(axis="y", visible=False)
    if percent:
        ax.set_xlim(0, 100)
    else:
        ax.xaxis.set_major_locator(_integers())
    if len(series) > 1:
        ax.legend(loc="lower right", fontsize=8)
    return _svg(figure, title)


def states(report: Report, drawn: Drawn | None = None) -> str:
    names = list(report.states)
    w = report.words
    return (drawn or Drawn()).chart(
        _states,
        w("report.states"),
        w("report.awards"),
        w("report.state"),
        [report.states[name] for name in names],
        [STATE_COLOURS[name] for name in names],
        [w(f"report.state.{name}") for name in names],
    )


def _states(
    title: str, xlabel: str, ylabel: str, values: Sequence[int], colours: Sequence[str], labels: Sequence[str]
) -> str:
    plt = _setup()
    figure, ax = plt.subplots(layout="constrained", figsize=(8.0, 2.4))
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.barh(range(len(values)), values, color=colours)
    ax.set_yticks(range(len(values)), labels)
    ax.xaxis.set_major_locator(_integers())
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    return _svg(figure, title)


def credentials(report: Report, drawn: Drawn | None = None) -> str:
    shown = report.credentials
    colours = [next((k.colour for k in report.kinds if k.key == c.kind), GRAY_50) for c in shown]
    w = report.words
    return (drawn or Drawn()).chart(
        _hbars,
        w("report.credentials_chart"),
        [c.title for c in shown],
        [
            (w("report.awards_in_period"), [c.awards for c in shown], colours, 1.0),
            (w("report.holders_now"), [c.holders for c in shown], colours, 0.45),
        ],
        w("report.awards_learners"),
        w("report.credential"),
        w("report.no_awards"),
        width=11.0,
    )


def renewals(report: Report, drawn: Drawn | None = None) -> str:
    shown = [c for c in report.certifications if c.ended]
    w = report.words
    return (drawn or Drawn()).chart(
        _hbars,
        w("report.renewals_chart"),
        [c.title for c in shown],
        [
            (
                w("report.renewed_in_time"),
                [100 * (c.renewal_rate or 0) for c in shown],
                [KINDS[c.kind].band if c.kind in KINDS else GRAY_50 for c in shown],
                1.0,
            )
        ],
        w("report.renewed_axis"),
        w("report.certification"),
        w("report.no_renewals"),
        percent=True,
    )


def funnel(path: PathFunnel, w: Texts, drawn: Drawn | None = None) -> str:
    labels = [("→ " if s.leads_to else f"{n}. ") + s.label for n, s in enumerate(path.stages, 1)]
    colours = [KINDS["certification-associate"].band if s.leads_to else BAR for s in path.stages]
    return (drawn or Drawn()).chart(
        _hbars,
        w("report.path", title=path.title),
        labels,
        [(w("report.learners"), [s.learners for s in path.stages], colours, 1.0)],
        w("report.funnel_axis"),
        w("report.stage"),
        w("report.no_steps"),
    )


def skills(report: Report, drawn: Drawn | None = None) -> str:
    w = report.words
    return (drawn or Drawn()).chart(
        _hbars,
        w("report.skills"),
        [skill for skill, _ in report.skills],
        [(w("report.holders"), [n for _, n in report.skills], BAR, 1.0)],
        w("report.skill_axis"),
        w("report.skill"),
        w("report.no_holders"),
    )


def certificates(report: Report, drawn: Drawn | None = None) -> str:
    shown = report.certificates
    w = report.words
    return (drawn or Drawn()).chart(
        _hbars,
        w("report.certificates"),
        [c.title for c in shown],
        [(w("report.completed"), [c.completed for c in shown], KINDS["certificate"].band, 1.0)],
        w("report.completed_axis"),
        w("report.certificate"),
        w("report.no_certificates"),
    )


def all_charts(report: Report, drawn: Drawn | None = None) -> dict[str, str]:
    """Chart key (the table key of `tables.tables`) -> inline SVG; those in `drawn` are not drawn again."""
    drawn = drawn or Drawn()
    charts = {
        "monthly": monthly(report, drawn),
        "states": states(report, drawn),
        "credentials": credentials(report, drawn),
        "renewals": renewals(report, drawn),
        "skills": skills(report, drawn),
        "certificates": certificates(report, drawn),
    }
    for path in report.paths:
        charts[f"path-{path.id}"] = funnel(path, report.words, drawn)
    return charts


def early_charts(partial: Report, drawn: Drawn) -> None:
    """Draw into `drawn` the charts that `build_report`'s partial report already fixes (no holders,
    funnels or skills in them); the certificates' list may still grow by holders, and then is drawn again."""
    monthly(partial, drawn)
    states(partial, drawn)
    renewals(partial, drawn)
    certificates(partial, drawn)
