"""The report as JSON and CSV text, and writing any of the formats to a file (atomically)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from cc_cli.core.atomic import write_bytes
from cc_cli.core.csvfile import safe_cell
from cc_cli.report.figures import Report

CSV_HEADER = ["section", "subject", "measure", "value"]


def json_text(report: Report) -> str:
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"


def csv_text(report: Report) -> str:
    """One row per figure (section, subject, measure, value): formula-safe cells, CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in report.rows():
        writer.writerow([safe_cell("" if cell is None else str(cell)) for cell in row])
    return buffer.getvalue()


def write_file(path: Path, text: str, output_format: str) -> None:
    """Write one output atomically (a reader never sees half a report); CSV with a BOM for spreadsheets."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(path, text.encode("utf-8-sig" if output_format == "csv" else "utf-8"))
