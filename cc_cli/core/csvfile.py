"""CSV files cc writes for spreadsheets: formula-safe cells, UTF-8 with BOM, CRLF, written atomically."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from cc_cli.core.atomic import write_bytes

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading quote before =, +, -, @, tab or CR (OWASP CSV injection),
    also after leading spaces (some importers trim them) and for the full-width forms."""
    return "'" + value if value.lstrip(" ").startswith(_FORMULA_START) else value


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write a UTF-8 CSV (with BOM, so spreadsheets read the accents right), CRLF, formula-safe, atomically."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    write_bytes(path, buffer.getvalue().encode("utf-8-sig"))
