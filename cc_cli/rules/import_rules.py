"""Import rules (CC701, CC702): what a row of awards issued elsewhere must hold before `cc import awards`
records it in the ledger.

An import row is read like a roster row (`cc_cli.catalog.roster.IMPORT`) and first checked by the roster
rules that apply to any award (CC502 email, CC503 credential, CC505 dates, CC509 cells); these two add what
only an import has: cells that came out of another system's export, a `state` and the award's public `url`.
A rule is called with one `RosterRow` and the `RosterContext`, as roster rules are.

The examples in the docstrings run against the sample catalog (`catalog/`), as tests/test_import.py does.
"""

from __future__ import annotations

from collections.abc import Iterator

from cc_cli.catalog.formats import URL
from cc_cli.catalog.roster_format import RosterRow
from cc_cli.core.problems import ERROR, Hit
from cc_cli.core.text import suggest
from cc_cli.rules.registry import rule
from cc_cli.rules.roster_rules import RosterContext

FORMULA = ("=", "+", "-", "@")  # what a spreadsheet runs as a formula (with tab and CR, as OWASP lists them)
# The states a source may write, and what cc records: Credly's accepted and pending badges were issued (the
# earner has or has not clicked "accept" yet); a rejected one was declined by its earner.
STATES = {
    "issued": "issued",
    "accepted": "issued",
    "pending": "issued",
    "active": "issued",
    "valid": "issued",
    "expired": "expired",
    "revoked": "revoked",
    "rejected": "rejected",
    "declined": "rejected",
}


# Credly's `Expired` column: "Expired" when the badge has expired, blank when not.
EXPIRED = {"": False, "expired": True, "yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


def state_of(row: RosterRow) -> str | None:
    """The state cc records for the row (`issued` when the file has none; `expired` when an `Expired` column
    says so of an issued one), None when the state or the flag is not one cc knows."""
    text = row.cells.get("state", "").strip().lower()
    state = STATES.get(text) if text else "issued"
    flag = EXPIRED.get(row.cells.get("expired", "").strip().lower())
    if state is None or flag is None:
        return None
    return "expired" if flag and state == "issued" else state


@rule("CC701", ERROR, "import cell a spreadsheet would run as a formula (=, +, -, @)", "import")
def formula_cell(row: RosterRow, ctx: RosterContext) -> Iterator[Hit]:
    """An import records another system's export in the ledger, and the ledger's contents come back out in
    CSV files people open in spreadsheets (transcripts, rejects, manifests): a cell that starts with =, +, -
    or @ is a formula there (`=HYPERLINK(...)` sends a click to anyone's server), never a name, an email or
    a credential. The export it came from was tampered with or mangled: fix the cell at the source.

    Passing:
        email,name,credential,issued_on
        ana@example.com,Ana Silva,cloud-essentials,2025-03-01
    Failing:
        email,name,credential,issued_on
        ana@example.com,"=HYPERLINK(""https://evil.example"")",cloud-essentials,2025-03-01
    """
    for name, value in row.cells.items():
        if value.startswith(FORMULA) or value.startswith(("\t", "\r")):
            yield Hit(
                ctx.source,
                (name,),
                f"{name} '{value[:40]}' starts with '{value[0]}', which a spreadsheet runs as a formula: fix the "
                "cell in the export (no award name, email or id starts so)",
            )


@rule(
    "CC702",
    ERROR,
    "import row without an issue date, with an unknown state or expired flag, or a URL that is not http(s)",
    "import",
)
def import_fields(row: RosterRow, ctx: RosterContext) -> Iterator[Hit]:
    """An award issued elsewhere is recorded as it stands: when it was issued (it has happened, so no
    default of "today"), whether it still holds (issued, or expired, revoked, rejected by its earner, which
    must never count as held), and where anyone can see it (its public page, an http(s) URL).

    Passing:
        email,name,credential,issued_on,state,url
        ana@example.com,Ana Silva,cloud-essentials,2025-03-01,accepted,https://www.credly.com/badges/1
    Failing:
        email,name,credential,issued_on,state,url
        ana@example.com,Ana Silva,cloud-essentials,,withdrawn,www.credly.com/badges/1
    """
    if not row.cells.get("issued_on"):
        where = "issued_on" if "issued_on" in row.columns else "email"
        yield Hit(ctx.source, (where,), "no issue date: give the date the award was issued (an issued_on column)")
    flag = row.cells.get("expired", "")
    if flag.strip().lower() not in EXPIRED:
        yield Hit(
            ctx.source,
            ("expired",),
            f"expired '{flag[:40]}' is not a yes/no: write Expired (or yes), or leave it empty",
        )
    elif state_of(row) is None:
        text = row.cells.get("state", "")
        yield Hit(
            ctx.source,
            ("state",),
            f"unknown state '{text[:40]}'{suggest(text.lower(), STATES)}; use one of issued, accepted, pending, "
            "expired, revoked, rejected",
        )
    url = row.cells.get("url", "")
    if url and not URL.match(url):
        yield Hit(ctx.source, ("url",), f"url '{url[:80]}' is not an http(s) URL: give the award's public page")
