"""`cc report --format html` in a real browser (headless Chromium over the DevTools protocol, as in
tests/test_site_browser.py): opened from file://, it logs no console error, no request leaves the file,
and every chart is drawn at a visible size with its table beside it. A screenshot goes to a temporary
folder (or to $CC_SCREENSHOTS).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SAMPLE_CATALOG
from tests.report_data import write_ledger
from tests.run_cc import run_cc
from tests.test_report import SPECS
from tests.test_site_browser import DevTools, browser, shots

__all__ = ["browser", "shots"]  # fixtures of test_site_browser, used here too


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report-browser")
    ledger = write_ledger(folder / "ledger.sqlite3", SPECS)
    html = folder / "report.html"
    ran = run_cc(
        "report", "--ledger", str(ledger), "--catalog", str(SAMPLE_CATALOG), "--at", "2026-12-01", "--out", str(html),
        timeout=120,
    )  # fmt: skip
    assert ran.returncode == 0, ran.output
    return html


def test_the_report_loads_offline_with_every_chart_visible(report_html: Path, browser: DevTools, shots: Path) -> None:
    browser.call("Network.enable")
    browser.problems()  # forget what came before
    url = report_html.as_uri()
    browser.call("Page.navigate", url=url)
    browser.wait_for("Page.loadEventFired")
    browser.js("document.fonts.ready.then(() => true)")
    requests = [
        event["params"]["request"]["url"]
        for event in browser.events
        if event.get("method") == "Network.requestWillBeSent"
    ]
    assert browser.problems() == []  # no console error, no exception, no failed load
    browser.call("Network.disable")
    assert requests == [url], requests  # the file itself, and nothing else
    charts = browser.js(
        """Array.from(document.querySelectorAll('section')).map((section) => {
            const svg = section.querySelector('figure svg');
            const box = svg ? svg.getBoundingClientRect() : null;
            return {id: section.id, width: box ? box.width : 0, height: box ? box.height : 0,
                    drawn: svg ? svg.querySelectorAll('path, use').length : 0,
                    rows: section.querySelectorAll('tbody tr').length,
                    label: svg ? svg.getAttribute('aria-label') : null};
        })"""
    )
    assert [c["id"] for c in charts] == [
        "monthly", "states", "credentials", "renewals",
        "path-cloud-developer", "path-data-scientist", "path-security-analyst", "skills", "certificates",
    ]  # fmt: skip
    for chart in charts:
        assert chart["width"] > 300 and chart["height"] > 100, chart
        assert chart["drawn"] > 20, chart  # bars, axes and lettering, not an empty frame
        assert chart["rows"] >= 1 and chart["label"], chart
    browser.screenshot(shots / "report.png", 1280)
    assert (shots / "report.png").stat().st_size > 10_000
