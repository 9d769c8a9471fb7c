"""`cc verify FILE...`: check signature, structure, dates, revocation and recipient of awards."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

import typer

from cc_cli.cli.common import default_catalog, handle_errors, stdout_is_terminal
from cc_cli.core.stamps import utc_stamp

if TYPE_CHECKING:
    from cc_cli.verify.report import FileReport

FORMATS = ("text", "json")
TABLE_UP_TO = 500  # files; beyond that a table is unreadable and plain lines stream as they come
# A file's printed entry and its verdict, made in the worker that verified it (`VerifyRun.rendered`)
Entry: TypeAlias = tuple[str, bool, bool]  # (text, valid, revocation unchecked)


def register(app: typer.Typer) -> None:
    app.command("verify")(verify)


@handle_errors
def verify(
    files: list[Path] = typer.Argument(
        ..., metavar="FILE", help="Award JSON files, baked PNG/SVG emblems, or folders of them.", show_default=False
    ),
    at: str = typer.Option(
        None, "--at", help="Check dates at this day or instant instead of now (YYYY-MM-DD).", show_default=False
    ),
    status_dir: Path = typer.Option(
        None, "--status-dir", help="Folder of status lists (<n>.json, as `cc revoke` writes them).", show_default=False
    ),
    ledger: str = typer.Option(
        None,
        "--ledger",
        help="Check revocation in this ledger (an SQLite file or a postgresql:// URL) instead of status lists. "
        "Default: $CC_LEDGER when set.",
        show_default=False,
    ),
    email: str = typer.Option(
        None, "--email", help="Also check that the award was issued to this email address.", show_default=False
    ),
    require_status: bool = typer.Option(
        False,
        "--require-status",
        help="Count an award whose revocation cannot be checked as invalid (needs --status-dir or --ledger).",
    ),
    issuer: str = typer.Option(
        None,
        "--issuer",
        help="The issuer's did:key (`cc keys show`): an award signed by any other key is invalid.",
        show_default=False,
    ),
    catalog: Path = typer.Option(
        None,
        "--catalog",
        "-c",
        help="Catalog whose issuer.did the awards must be signed by. Default: ./catalog when it exists.",
        show_default=False,
    ),
    documents: Path = typer.Option(
        None,
        "--documents",
        help="Folder of DID documents, controller documents and status lists for others' credentials, "
        "DIR/index.json mapping each URL to a file there (air-gapped checks). With --online, what is fetched "
        "is written there.",
        show_default=False,
    ),
    online: bool = typer.Option(
        False,
        "--online",
        help="Fetch the did:web and https issuer documents and status lists a credential cites (https only, "
        "size and time limited, never a private or loopback address).",
    ),
    allow_local: bool = typer.Option(
        False, "--allow-local", help="With --online: allow loopback and private addresses (a local test server)."
    ),
    output_format: str = typer.Option("text", "--format", "-f", help="text or json."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Text: print only invalid files and the summary."),
    workers: int = typer.Option(0, "--workers", help="Verifying processes (default: one per core).", hidden=True),
) -> None:
    """Verify awards: proof, schema, subject, dates, status (revocation) and, with --email, recipient.

    A CLR (`cc transcript --clr`, or another issuer's) gets the same checks plus "awards": the CLR's proof must
    be by its issuer, and every award inside must verify on its own against its own issuer (CLR 2.0 lets a CLR
    hold several issuers' awards); each is listed with its issuer (expired ones are noted, not failed; revoked
    ones fail it).

    Files are recognised by content (JSON, or a PNG/SVG with a baked credential). Without --status-dir or
    --ledger, revocation is checked against a ledger.sqlite3 or status/ folder beside the awards, else skipped:
    such a file is reported "valid (revocation not checked)", and --require-status makes it invalid (it trusts
    only the sources named with --status-dir or --ledger). A status list that has expired (validUntil) is
    refused, judged at the real time whatever --at says. A valid proof shows who signed, not that it was you:
    anyone can make a did:key, so pin the issuer: with issuer.did in the catalog's catalog.yaml (./catalog or
    --catalog), or --issuer DID, an award signed by any other key is invalid.
    Others' credentials: OpenBadgeCredential, AchievementCredential, EndorsementCredential and ClrCredential,
    on VC 2.0 or VC 1.1 (issuanceDate/expirationDate), signed with eddsa-rdfc-2022 or Ed25519Signature2020
    (proof sets too). A proof type cc does not implement is reported "unsupported", never "invalid". Issuers
    by did:key are checked offline; did:web and https issuers, and the status lists a credential cites, need
    --documents DIR or --online.
    Exit 0 when every file is valid, 1 when any is not, 2 on usage errors.

    JSON: {"at", "files": [{"file", "valid", "format", "id", "error", "checks": {NAME: {"status", "reason"}}}],
    "summary": {"files", "valid", "invalid", "revocation_not_checked"}}; status is ok, fail, skip or unsupported.
    A CLR's entry adds "awards": [{"id", "issuer", "issuer_name", "status", "reason"}], one per award inside.
    """
    from cc_cli.verify.run import VerifySettings, run_verify

    if output_format not in FORMATS:
        raise typer.BadParameter(f"'{output_format}' is not one of: {', '.join(FORMATS)}", param_hint="--format")
    settings = VerifySettings(
        files=files,
        now=datetime.now(UTC),
        at=at,
        status_dir=status_dir,
        ledger=ledger,
        email=email,
        require_status=require_status,
        issuer=issuer,
        catalog=catalog,
        default_catalog=default_catalog(),
        workers=workers,
        documents=documents,
        online=online,
        allow_local=allow_local,
    )
    run = run_verify(settings)
    if output_format == "json":
        invalid = _print_json(run.rendered(_json_entry), run.at)
    elif stdout_is_terminal() and not quiet and run.files <= TABLE_UP_TO:
        invalid = _print_table(list(run.reports))
    else:
        invalid = _print_text(run.rendered(partial(_text_entry, quiet=quiet)))
    raise typer.Exit(1 if invalid else 0)


def _summary(total: int, invalid: int, unchecked: int) -> str:
    line = f"{total} file{'s' if total != 1 else ''}: {total - invalid} valid, {invalid} invalid"
    if unchecked:
        line += f" (revocation not checked for {unchecked}: pass --status-dir or --ledger; for others' credentials --documents or --online)"
    return line


def _verdict(report: FileReport) -> str:
    if not report.valid:
        return "INVALID"
    return "valid (revocation not checked)" if report.revocation_unchecked else "valid"


def _json_entry(report: FileReport) -> Entry:
    valid, unchecked = report.standing()
    return json.dumps(report.as_dict(), ensure_ascii=False), valid, unchecked


def _print_json(entries: Iterable[Entry], moment: datetime) -> int:
    """Streamed, so 100,000 files never sit in memory as one document."""
    out = sys.stdout
    at = utc_stamp(moment)
    out.write('{"at": "' + at + '", "files": [')
    total = invalid = unchecked = 0
    for text, valid, not_checked in entries:
        out.write(("," if total else "") + "\n  " + text)
        total += 1
        invalid += not valid
        unchecked += not_checked
    summary = {"files": total, "valid": total - invalid, "invalid": invalid, "revocation_not_checked": unchecked}
    out.write(f'\n], "summary": {json.dumps(summary)}}}\n')
    return invalid


def _text_entry(report: FileReport, quiet: bool) -> Entry:
    """A file's lines ('' for a valid one with -q)."""
    valid, unchecked = report.standing()
    if valid and quiet:
        return "", valid, unchecked
    lines = [f"{report.file}: {_verdict(report)}\n"]
    if report.error:
        lines.append(f"  credential  fail  {report.error}\n")
    lines.extend(f"  {c.name:<10}  {c.status:<4}  {c.reason}\n" for c in report.checks)
    lines.extend(_award_lines(report))
    return "".join(lines), valid, unchecked


def _print_text(entries: Iterable[Entry]) -> int:
    out = sys.stdout
    total = invalid = unchecked = 0
    for text, valid, not_checked in entries:
        total += 1
        unchecked += not_checked
        invalid += not valid
        if text:
            out.write(text)
    out.write(_summary(total, invalid, unchecked) + "\n")
    return invalid


def _award_lines(report: FileReport) -> list[str]:
    """A CLR's awards inside, one line each: its verdict, its id, and who issued (and so vouches for) it."""
    lines = []
    for award in report.awards or []:
        who = f"{award.issuer_name} ({award.issuer})" if award.issuer_name else str(award.issuer or "no issuer id")
        lines.append(f"    {award.status:<4}  {award.id}, issued by {who}: {award.reason}\n")
    return lines


def _print_table(reports: list[FileReport]) -> int:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from cc_cli.verify.report import CHECKS

    styles = {"ok": "green", "fail": "bold red", "skip": "dim", "unsupported": "bold yellow"}
    table = Table("file", "verdict", *CHECKS, "details", title="cc verify")
    for report in reports:
        statuses = {c.name: c for c in report.checks}
        cells = [
            Text(statuses[n].status, style=styles[statuses[n].status]) if n in statuses else Text("-") for n in CHECKS
        ]
        failed = [f"{c.name}: {c.reason}" for c in report.checks if c.status in ("fail", "unsupported")]
        details = report.error or "; ".join(failed) or (report.award_id or "")
        details = "\n".join([details, *(line.strip() for line in _award_lines(report))])
        verdict = Text(_verdict(report), style="bold green" if report.valid else "bold red")
        # Text, not str: rich would read "did:key:z6Mk…" as the :key: emoji and "[…]" in a file name as markup
        table.add_row(Text(report.file), verdict, *cells, Text(details))
    invalid = sum(not r.valid for r in reports)
    unchecked = sum(r.revocation_unchecked for r in reports)
    console = Console(highlight=False)
    console.print(table)
    console.print(Text(_summary(len(reports), invalid, unchecked), style="bold red" if invalid else "bold green"))
    return invalid
