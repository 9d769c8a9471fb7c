"""The report as one self-contained HTML file: inline CSS, inline SVG charts, no script, nothing fetched.

Every catalog text (titles, skills, the programme's name) goes through Jinja2's autoescaping; the charts
are matplotlib's SVG, whose text is drawn as outlines (no markup from the catalog reaches them).
"""

from __future__ import annotations

from pathlib import Path

from cc_cli.report.figures import Report
from cc_cli.report.tables import heading, tables

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "report"


def html_text(report: Report) -> str:
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
    charts = {key: Markup(svg) for key, svg in all_charts(report).items()}  # matplotlib's own SVG, text as outlines
    return environment.get_template("report.html.j2").render(
        report=report,
        heading=heading(report),
        tables=tables(report),
        charts=charts,
        kinds=report.kinds,
        w=report.words,
    )
