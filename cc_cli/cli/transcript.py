"""`cc transcript EMAIL`: every award a learner holds, their path progress, and optionally a signed CLR."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from cc_cli.cli.common import CATALOG_HELP, LEDGER_HELP, default_catalog, fail, handle_errors, stdout_is_terminal

FORMATS = ("text", "json")
STYLES = {"active": "green", "expired": "yellow", "revoked": "red", "pending": "dim", "not-yet-valid": "dim"}


def register(app: typer.Typer) -> None:
    app.command("transcript")(transcript)


@handle_errors
def transcript(
    email: str = typer.Argument(
        ..., metavar="EMAIL", help="The learner's email address (any case).", show_default=False
    ),
    out: Path = typer.Option(Path("awards"), "--out", "-o", help="Output folder of `cc issue` (ledger, awards)."),
    ledger: str = typer.Option(None, "--ledger", help=LEDGER_HELP, show_default=False),
    catalog: Path = typer.Option(None, "--catalog", "-c", help=CATALOG_HELP, show_default=False),
    at: str = typer.Option(
        None, "--at", help="Judge validity at this day or instant instead of now (YYYY-MM-DD).", show_default=False
    ),
    all_paths: bool = typer.Option(
        False, "--all-paths", help="Also list the paths the learner has not started (0 steps), to advise what next."
    ),
    output_format: str = typer.Option("text", "--format", "-f", help="text or json."),
    clr: Path = typer.Option(
        None, "--clr", help="Also write a signed CLR 2.0 ClrCredential of the transcript here.", show_default=False
    ),
    key: Path = typer.Option(
        None, "--key", "-k", help="Issuer key to sign the CLR. Default: $CC_ISSUER_KEY.", show_default=False
    ),
) -> None:
    """Show every award the learner holds (active, expired, revoked with the reason, superseded with what
    replaced it), which learning paths they have completed or how far along each they are, and what each
    path leads to. A path step counts as done when one of its credentials was earned (active or expired);
    revoked awards never count.

    With --clr FILE, also write the transcript as a CLR 2.0 ClrCredential signed by the issuer key, holding
    the learner's earned award files unchanged and the path associations. Exit 1 when the ledger has no
    award for the email, 2 on usage errors.
    """
    from cc_cli.core.durations import parse_moment
    from cc_cli.core.problems import UsageError
    from cc_cli.lifecycle.transcript import TranscriptSettings, build_transcript

    if output_format not in FORMATS:
        raise UsageError(f"--format '{output_format}' is not one of: {', '.join(FORMATS)}")
    if "@" not in email.strip():
        raise UsageError(f"{email!r} is not an email address: give the learner's email")
    settings = TranscriptSettings(
        email=email,
        out=out,
        catalog_root=catalog or default_catalog(),
        ledger_path=ledger,
        now=parse_moment(at) if at else datetime.now(UTC),
        all_paths=all_paths,
    )
    record, catalog_model = build_transcript(settings)
    if not record.awards and not record.external:
        hint = f" (did you mean {record.did_you_mean}?)" if record.did_you_mean else ""
        from cc_cli.ledger.locate import masked

        raise fail(f"no awards for {email.strip()} in {masked(settings.ledger_at)}{hint}", 1)
    result = None
    if clr is not None:
        from cc_cli.lifecycle.clr import write_clr

        result = write_clr(record, catalog_model, out, clr, key)
    if output_format == "json":
        payload = record.as_dict()
        if result is not None:
            payload["clr"] = {"file": str(result.path), "id": result.credential_id, "awards": result.embedded}
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    elif stdout_is_terminal():
        _print_rich(record)
    else:
        _print_plain(record)
    if result is not None:
        sys.stderr.write(
            f"wrote {result.path}: ClrCredential {result.credential_id} with {result.embedded} award(s), "
            f"{result.achievements} achievement(s), {result.associations} association(s)\n"
        )


def _day(stamp: str | None) -> str:
    return stamp[:10] if stamp else "-"


def _note(award: Any) -> str:
    """What a reader needs to know beyond the status: why revoked, what replaced it, what it renewed."""
    if award.superseded:
        return f"superseded by {award.replaced_by} on {_day(award.revoked_at)}"
    if award.status == "revoked":
        return f"revoked {_day(award.revoked_at)}: {award.revoked_reason or 'no reason recorded'}"
    notes = []
    if award.replaces:
        notes.append(f"renews {award.replaces}")
    if award.renewed_by:
        notes.append(f"renewed by {award.renewed_by}")
    if award.awarded_at != award.issued_at:
        notes.append(f"first awarded {_day(award.awarded_at)}")
    if award.status == "pending":
        notes.append("an interrupted `cc issue` run has not finished it")
    return "; ".join(notes)


def _status_word(award: Any) -> str:
    return "superseded" if award.superseded else award.status


def _step_text(step: Any) -> str:
    names = [f"{title} ({option})" for option, title in zip(step.options, step.titles, strict=True)]
    return ("one of: " + ", ".join(names)) if step.one_of else names[0]


def _path_summary(path: Any) -> str:
    state = "complete" if path.complete else f"{path.done} of {len(path.steps)} steps"
    return f"{path.title} ({path.path_id}): {state}"


def _leads_to_text(path: Any) -> str:
    held = "held" if path.leads_to_held else "not yet held"
    return f"leads to {path.leads_to_title} ({path.leads_to}): {held}"


def _summary(record: Any) -> str:
    """'6 awards: 4 active, 1 expired, 1 revoked (1 superseded); 1 of 2 paths complete'."""
    counts = record.counts()
    superseded = f" ({counts['superseded']} superseded)" if counts["superseded"] else ""
    words = [
        f"{counts[s]} {s}" + (superseded if s == "revoked" else "")
        for s in ("active", "expired", "revoked", "not-yet-valid", "pending")
        if counts[s]
    ]
    paths = f"{counts['paths_complete']} of {len(record.paths)} path(s) complete" if record.paths else "no path started"
    elsewhere = f"; {counts['external']} awarded elsewhere" if counts["external"] else ""
    return f"{counts['awards']} award(s): {', '.join(words) or 'none'}{elsewhere}; {paths}"


def _external_lines(record: Any) -> list[str]:
    """The awards earned elsewhere, apart from the ones cc signed: source and public URL."""
    if not record.external:
        return []
    lines = ["", "Awarded elsewhere (imported with `cc import awards`; not signed by cc):"]
    for award in record.external:
        lines.append(
            f"  {award.status:<13} {award.title} [{award.credential_id}]  issued {_day(award.issued_at)}"
            f"  valid until {_day(award.valid_until)}  {award.source}: {award.url or 'no public URL'}"
        )
    return lines


def _print_plain(record: Any) -> None:
    """Plain text for pipes and logs; scripts should read --format json."""
    lines = [f"Transcript of {record.name} <{record.email}> at {record.at.strftime('%Y-%m-%d')}", "", "Awards:"]
    for award in record.awards:
        note = _note(award)
        lines.append(
            f"  {_status_word(award):<13} {award.title} [{award.credential_id}]  issued {_day(award.issued_at)}"
            f"  valid until {_day(award.valid_until)}  {award.award_id}" + (f"  ({note})" if note else "")
        )
    if not record.awards:
        lines.append("  none signed by cc")
    lines.extend(_external_lines(record))
    lines.extend(["", "Learning paths:" if record.paths else "Learning paths: none started"])
    for path in record.paths:
        lines.append(f"  {_path_summary(path)}")
        lines.extend(f"    [{'x' if step.done_by else ' '}] {_step_text(step)}" for step in path.steps)
        if path.leads_to:
            lines.append(f"    {_leads_to_text(path)}")
    lines.extend(["", _summary(record)])
    sys.stdout.write("\n".join(lines) + "\n")


def _print_rich(record: Any) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    table = Table(title=f"Transcript of {record.name} <{record.email}> at {record.at.strftime('%Y-%m-%d')}")
    table.add_column("status", no_wrap=True)
    table.add_column("credential", ratio=3)
    table.add_column("issued", no_wrap=True, min_width=10)
    table.add_column("valid until", no_wrap=True, min_width=10)
    table.add_column("award id", overflow="fold", ratio=2)
    table.add_column("notes", ratio=2)
    for award in record.awards:
        name = Text(award.title, style="strike" if award.status == "revoked" else "")
        if award.kind:
            name.append(f"\n{award.kind}", style="dim")
        table.add_row(
            Text(_status_word(award), style=STYLES.get(award.status, "")),
            name,
            _day(award.issued_at),
            _day(award.valid_until),
            award.award_id,
            _note(award),
        )
    console.print(table)
    for line in _external_lines(record):
        console.print(Text(line, style="bold" if line.startswith("Awarded") else ""))
    if not record.paths:
        console.print(Text("No learning path started.", style="dim"))
    for path in record.paths:
        console.print(Text(_path_summary(path), style="bold green" if path.complete else "bold"))
        for step in path.steps:
            mark = Text("  ✓ ", style="green") if step.done_by else Text("  · ", style="dim")
            console.print(mark + Text(_step_text(step), style="" if step.done_by else "dim"))
        if path.leads_to:
            console.print(Text(f"  → {_leads_to_text(path)}", style="cyan"))
