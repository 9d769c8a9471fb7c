"""`cc issue ROSTER.csv`: bulk-issue signed Open Badges 3.0 awards from a roster."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from cc_cli.cli.common import (
    CATALOG_HELP,
    LEDGER_HELP,
    default_catalog,
    handle_errors,
    stderr_is_terminal,
    stdout_is_terminal,
)
from cc_cli.core import jsontext


def register(app: typer.Typer) -> None:
    app.command("issue")(issue)


@handle_errors
def issue(
    roster: Path = typer.Argument(
        ...,
        metavar="ROSTER",
        help="Roster CSV: email, name, credential (+ issued_on, evidence_url...).",
        show_default=False,
    ),
    catalog: Path = typer.Option(None, "--catalog", "-c", help=CATALOG_HELP, show_default=False),
    out: Path = typer.Option(Path("awards"), "--out", "-o", help="Output folder for awards, manifest and ledger."),
    key: Path = typer.Option(
        None, "--key", "-k", help="Issuer key file (from `cc keys init`). Default: $CC_ISSUER_KEY.", show_default=False
    ),
    ledger: str = typer.Option(None, "--ledger", help=LEDGER_HELP, show_default=False),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every row and show the plan; write nothing."),
    strict: bool = typer.Option(False, "--strict", help="Issue nothing if any row is rejected."),
    new_ledger: bool = typer.Option(
        False, "--new-ledger", help="Start a second ledger beside a folder that holds this catalog's ledger."
    ),
    bake: str = typer.Option("", "--bake", help="Also write the award baked into its emblem: png, svg or png,svg."),
    encoding: str = typer.Option(
        None, "--encoding", help="Roster encoding when not UTF-8, e.g. cp1252.", show_default=False
    ),
    timezone: str = typer.Option("UTC", "--timezone", help="Time zone of date-only issued_on values (IANA name)."),
    date_format: str = typer.Option(
        None,
        "--date-format",
        help="Order of slashed dates such as 03/04/25: mdy (month first, Credly's mm/dd/yy) or dmy.",
        show_default=False,
    ),
    output_format: str = typer.Option("text", "--format", "-f", help="text or json."),
    notify: bool = typer.Option(
        False, "--notify", help="Then email this batch's awards to their holders (as `cc notify --batch`)."
    ),
    workers: int = typer.Option(0, "--workers", help="Signing processes (default: one per core).", hidden=True),
) -> None:
    """Check every row first, then issue signed awards, one JSON file each, recorded in the ledger.

    Re-running the same roster issues nothing twice; an interrupted run is completed by the next one.
    Rejected rows go to OUT/<roster>.rejects.csv (exit 1); OUT/<roster>.manifest.csv maps every line to its
    award.
    """
    from cc_cli.issue.report import IssueSettings
    from cc_cli.issue.run import run_issue

    formats = {part.strip().lower() for part in bake.split(",") if part.strip()}
    if not formats <= {"png", "svg"}:
        raise typer.BadParameter(f"'{bake}': use png, svg or png,svg", param_hint="--bake")
    if output_format not in ("text", "json"):
        raise typer.BadParameter(f"'{output_format}' is not one of: text, json", param_hint="--format")
    settings = IssueSettings(
        roster=roster,
        catalog_root=catalog or default_catalog(),
        out=out,
        key_path=key,
        ledger_path=ledger,
        encoding=encoding,
        timezone=timezone,
        date_format=date_format,
        dry_run=dry_run,
        strict=strict,
        new_ledger=new_ledger,
        bake=frozenset(formats),
        now=datetime.now(UTC),
        workers=workers,
    )
    mail = None
    if notify and not dry_run:
        from cc_cli.cli.notify import settings_for

        mail = settings_for(settings.catalog_root, out, ledger)
    with _progress() as advance:
        report = run_issue(settings, advance)
    delivered = None
    if mail is not None and report.batch_id is not None:
        from cc_cli.notify.run import run_notify

        mail.batch = report.batch_id
        delivered = run_notify(mail)
    if output_format == "json":
        data = _as_json(report)
        data["notify"] = delivered.as_dict() if delivered is not None else None
        # json.dumps(indent=2)'s text, faster; no float to look for: counts, lines and strings only
        sys.stdout.write(jsontext.indented(data, may_hold_floats=False).decode("utf-8"))
    else:
        _print_text(report)
        if delivered is not None:
            from cc_cli.cli.notify import after

            after(delivered, "cc issue --notify", sys.stdout)
        elif notify and dry_run:
            sys.stderr.write(
                "cc issue: --notify sends nothing in a dry run (preview the mail with `cc notify --dry-run`)\n"
            )
    failed = report.problems or report.counts()["rejected"] or (delivered is not None and not delivered.complete)
    raise typer.Exit(1 if failed else 0)


class _progress:
    """A rich progress bar on stderr when it is a terminal; nothing otherwise."""

    def __enter__(self) -> Any:
        if not stderr_is_terminal():
            self.bar = None
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn("issuing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True
        )
        self.bar.start()
        self.task = self.bar.add_task("issue", total=None)
        return self.advance

    def advance(self, count: int, total: int | None) -> None:
        if self.bar is None:
            return
        if total is not None:
            self.bar.update(self.task, total=total)
        self.bar.advance(self.task, count)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _as_json(report: Any) -> dict[str, Any]:
    return {
        "summary": report.counts(),
        "dry_run": report.dry_run,
        "withheld": report.withheld,
        "batch": report.batch_id,
        "manifest": str(report.manifest) if report.manifest else None,
        "rejects": str(report.rejects) if report.rejects else None,
        "rows": [
            {
                "line": o.line,
                "email": o.email,
                "credential": o.credential_id,
                "action": o.action,
                "award_id": o.award_id or None,
                "file": o.file or None,
                "reason": o.reason or None,
            }
            for o in report.outcomes
        ],
        "problems": [p.as_dict() for p in report.problems],
        "notes": report.notes,
        "ignored_columns": report.ignored_columns,
    }


def _print_text(report: Any) -> None:
    from cc_cli.cli.show import print_problems_plain

    print_problems_plain(report.problems, sys.stderr)
    table = report.by_credential()
    if stdout_is_terminal():
        from rich.console import Console
        from rich.table import Table

        title = "cc issue --dry-run: the plan" if report.dry_run else "cc issue"
        grid = Table(
            "credential",
            "to issue" if report.dry_run else "issued",
            "replaced",
            "renewed",
            "skipped",
            "rejected",
            title=title,
        )
        for credential, counts in table.items():
            grid.add_row(
                credential,
                str(counts["issue"] + counts["replace"] + counts["renew"]),
                str(counts["replace"]),
                str(counts["renew"]),
                str(counts["skip"]),
                str(counts["reject"]),
            )
        Console().print(grid)
    else:
        for credential, counts in table.items():
            sys.stdout.write(
                f"{credential}\tissue={counts['issue'] + counts['replace'] + counts['renew']}\treplace={counts['replace']}"
                f"\trenew={counts['renew']}\tskip={counts['skip']}\treject={counts['reject']}\n"
            )
    for note in report.notes:
        sys.stderr.write(f"cc issue: warning: {note}\n")
    c = report.counts()
    verb = "would issue" if report.dry_run else "issued"
    line = (
        f"{c['rows']} rows: {verb} {c['issued']} ({c['replaced']} replacing earlier awards, {c['renewed']} renewing), "
        f"skipped {c['skipped']}, rejected {c['rejected']}"
    )
    if c["recovered"]:
        line += f"; finished {c['recovered']} award(s) left by an interrupted run"
    if c["baked_earlier"]:
        line += f"; baked {c['baked_earlier']} image(s) of awards issued before"
    sys.stdout.write(line + "\n")
    if report.ignored_columns:
        sys.stdout.write(f"ignored column(s), read into no field: {', '.join(report.ignored_columns)}\n")
    if report.withheld:
        sys.stdout.write(
            f"--strict: nothing was issued because rows were rejected ({c['withheld']} valid row(s) held back)\n"
        )
    for label, path in (("manifest", report.manifest), ("rejects", report.rejects)):
        if path is not None:
            sys.stdout.write(f"{label}: {path}\n")
