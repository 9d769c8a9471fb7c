"""The report as one self-contained HTML file: inline CSS, inline SVG charts, no script, nothing fetched.

Every catalog text (titles, skills, the programme's name) goes through Jinja2's autoescaping; the charts
are matplotlib's SVG, whose text is drawn as outlines (no markup from the catalog reaches them).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from cc_cli.report.figures import Report, ReportSettings, build_report
from cc_cli.report.tables import heading, tables

if TYPE_CHECKING:
    from cc_cli.report.charts import Drawn

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "report"


def html_report(settings: ReportSettings) -> tuple[Report, str]:
    """The report for the settings and its HTML, the drawing overlapping the SQL: matplotlib is imported
    in a thread while the statements run (the database works outside Python's lock), and the charts that
    need no per-learner counts are drawn while the per-learner statement, the longest, still runs."""
    from cc_cli.report import charts

    preparing = threading.Thread(target=charts.prepare, name="cc-report-matplotlib", daemon=True)
    preparing.start()
    drawn = charts.Drawn()

    def early(partial: Report) -> None:
        preparing.join()
        charts.early_charts(partial, drawn)

    report = build_report(settings, early)
    preparing.join()
    return report, html_text(report, drawn)


def html_text(report: Report, drawn: Drawn | None = None) -> str:
    import jinja2
    from markupsafe import Markup

    from cc_cli.report.charts import all_charts

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # matplotlib's own SVG, text as outlines
    charts = {key: Markup(svg) for key, svg in all_charts(report, drawn).items()}
    return environment.get_template("report.html.j2").render(
        report=report,
        heading=heading(report),
        tables=tables(report),
        charts=charts,
        kinds=report.kinds,
        w=report.words,
    )
